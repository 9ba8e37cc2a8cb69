/**
 * `csv-parse/sync` and `csv-stringify/sync` (pinned here), typed by `csv.d.ts`; `deno.json` maps both bare names
 * to this module.
 *
 * @module
 */
// @ts-types="./csv.d.ts"
export { parse } from "npm:csv-parse@6.1.0/sync";
// @ts-types="./csv.d.ts"
export { stringify } from "npm:csv-stringify@6.9.0/sync";
