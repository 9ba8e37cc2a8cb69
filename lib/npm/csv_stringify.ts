/**
 * `csv-stringify/sync` (pinned here), typed by `csv_stringify.d.ts`; `deno.json` maps the bare name to this module.
 *
 * @module
 */
// @ts-types="./csv_stringify.d.ts"
export { stringify } from "npm:csv-stringify@6.9.0/sync";
