/**
 * `csv-parse/sync` (pinned here), typed by `csv_parse.d.ts`; `deno.json` maps the bare name to this module.
 *
 * @module
 */
// @ts-types="./csv_parse.d.ts"
export { parse } from "npm:csv-parse@6.1.0/sync";
