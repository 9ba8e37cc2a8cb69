import assert from "node:assert/strict";
import { parseArgs as nodeParseArgs } from "node:util";
import { parseArgs } from "./util.ts";

const options = {
  seed: { type: "string" },
  full: { type: "boolean" },
  out: { type: "string", short: "o" },
  help: { type: "boolean", short: "h" },
  verbose: { type: "boolean", short: "v" },
} as const;

/** Command lines that reach every branch: long, `=`, a value that looks like a flag, shorts, groups, `--`. */
const LINES = [
  [],
  ["--seed", "3", "--full"],
  ["--seed=3", "--full=yes", "--seed="],
  ["--seed", "--full", "--epochs", "2"],
  ["--seed"],
  ["--unknown", "x", "--unknown=1", "-z"],
  ["-o", "dir", "-odir", "-h", "-vh", "-vodir", "-vo", "x", "-vo"],
  ["a", "-", "--", "--seed", "3", "-h"],
  ["--seed", "--", "b"],
  ["--=x", "---seed", "1"],
];

Deno.test("the browser's parseArgs gives node:util's tokens, values and positionals for every kind of word", () => {
  for (const args of LINES) {
    const config = { args, options, strict: false, allowPositionals: true, tokens: true } as const;
    const node = nodeParseArgs(config);
    const ours = parseArgs(config);
    assert.deepEqual(ours.tokens, node.tokens, args.join(" "));
    assert.deepEqual(ours.positionals, node.positionals, args.join(" "));
    assert.deepEqual({ ...ours.values }, { ...node.values }, args.join(" "));
  }
});
