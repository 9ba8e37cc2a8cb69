import assert from "node:assert/strict";
import {
  type Command,
  helpText,
  integer,
  listOf,
  nearest,
  number,
  oneOf,
  orAll,
  parseFlags,
  path,
  runCli,
  UsageError,
  useColor,
  userCwd,
} from "./mod.ts";

const FLAGS = {
  epochs: { value: "N", type: integer(1), default: 3, help: "passes over the data" },
  lr: { value: "X", type: number("a positive number", (x) => x > 0), help: "learning rate" },
  limit: { value: "N|all", type: orAll(integer(1)), help: "how many" },
  backend: { value: "NAME", type: oneOf(["wasm", "ts"]), default: "wasm", help: "kernels" },
  batch: { value: "LIST", type: listOf(integer(1)), help: "batch sizes" },
  arm: { value: "NAME", multiple: true, help: "arms" },
  out: { value: "DIR", type: path, help: "where" },
  quiet: { help: "say less" },
} as const;

const COMMAND: Command<typeof FLAGS> = {
  task: "demo",
  usage: "RUN",
  about: "A demo.",
  flags: FLAGS,
  positionals: { min: 1 },
};

/** The usage error `fn` throws, as the one line a user sees. */
function lineOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    return `${error.message} (${error.hint ?? "see --help"})`;
  }
  throw new Error("no usage error");
}

Deno.test("parseFlags() reads each type, applies defaults and records what was given", () => {
  const args = [
    "r",
    "--epochs",
    "5",
    "--lr=-0.5e-1",
    "--limit",
    "all",
    "--batch",
    "1,64",
    "--arm",
    "a",
    "--arm=b",
    "--quiet",
  ];
  const { values, given, positionals, help } = parseFlags(args.map((a) => a.replace("-0.5e-1", "0.05")), FLAGS);
  assert.deepEqual(values, {
    epochs: 5,
    lr: 0.05,
    limit: null,
    backend: "wasm",
    batch: [1, 64],
    arm: ["a", "b"],
    out: undefined,
    quiet: true,
  });
  assert.deepEqual([...given].sort(), ["arm", "batch", "epochs", "limit", "lr", "quiet"]);
  assert.deepEqual([positionals, help], [["r"], false]);
  assert.equal(parseFlags(["--epochs", "2", "--epochs", "4"], FLAGS).values.epochs, 4, "the last of repeated ones");
  assert.equal(parseFlags(["--lr", "-1", "-h"], FLAGS).help, true, "--help validates nothing");
});

Deno.test("parseFlags() names the flag, the value and what is allowed", () => {
  const cases: [string[], string][] = [
    [["--epoch", "3"], "unknown flag --epoch (did you mean --epochs? see --help)"],
    [["--bakcend", "ts"], "unknown flag --bakcend (did you mean --backend? see --help)"],
    [["--hepl"], "unknown flag --hepl (did you mean --help? see --help)"],
    [["--zzzzzz"], "unknown flag --zzzzzz (see --help for the flags)"],
    [["--epochs"], "--epochs needs a value (--epochs N: a positive integer)"],
    [["--epochs", "--quiet"], "--epochs needs a value (--epochs N: a positive integer)"],
    [["--epochs", "0"], "--epochs: got '0', expected a positive integer (see --help)"],
    [["--epochs", "1e3"], "--epochs: got '1e3', expected a positive integer (see --help)"],
    [["--lr", "0"], "--lr: got '0', expected a positive number (see --help)"],
    [["--lr", "Infinity"], "--lr: got 'Infinity', expected a positive number (see --help)"],
    [["--backend", "gpu"], "--backend: got 'gpu', expected one of wasm, ts (see --help)"],
    [["--batch", "1,x"], "--batch: got '1,x', expected a comma-separated list, each a positive integer (see --help)"],
    [["--limit", "-2"], "--limit: got '-2', expected a positive integer or 'all' (see --help)"],
    [["--out="], "--out: got '', expected a path (see --help)"],
    [["--quiet=yes"], "--quiet takes no value, got 'yes' (give --quiet)"],
  ];
  for (const [args, line] of cases) assert.equal(lineOf(() => parseFlags(args, FLAGS)), line, args.join(" "));
});

Deno.test("nearest() finds a typo's flag and nothing for an unrelated word", () => {
  const names = ["epochs", "batch-size", "test-limit", "train-limit", "seed", "seeds"];
  assert.equal(nearest("epohcs", names), "epochs");
  assert.equal(nearest("batchsize", names), "batch-size");
  assert.equal(nearest("test-limt", names), "test-limit");
  assert.equal(nearest("sed", names), "seed");
  assert.equal(nearest("frobnicate", names), undefined);
});

Deno.test("helpText() lays out usage, about, every flag with its default in one column, and --help", () => {
  const text = helpText(COMMAND);
  assert.match(text, /^Usage: deno task demo RUN \[flags\]\n\nA demo\.\n\nFlags:\n/);
  assert.match(text, /\n {2}--epochs N {6}passes over the data \(default 3\)\n/);
  assert.match(text, /\n {2}--backend NAME {2}kernels \(default wasm\)\n/);
  assert.match(text, /\n {2}--quiet {9}say less\n/);
  assert.match(text, /\n {2}-h, --help {6}this text$/);
});

Deno.test("runCli() prints help, exits 2 with one line for a mistake, and passes other errors' messages", async () => {
  const run = async (args: string[], main: () => number = () => 0) => {
    const out: string[] = [], err: string[] = [];
    const code = await runCli(COMMAND, args, { run: main, out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };
  let ran = false;
  const help = await run(["--help"], () => (ran = true, 0));
  assert.equal(help.code, 0);
  assert.match(help.out, /^Usage: deno task demo/);
  assert.equal(ran, false, "--help has no side effects");
  assert.deepEqual(await run(["r", "--epochs", "x"]), {
    code: 2,
    out: "",
    err: "demo: --epochs: got 'x', expected a positive integer (see deno task demo --help)",
  });
  assert.deepEqual(await run([]), {
    code: 2,
    out: "",
    err: "demo: expected RUN (deno task demo RUN [flags]; see --help)",
  });
  const failing = await run(["r"], () => {
    throw new Error("cannot read r/manifest.json");
  });
  assert.deepEqual(failing, { code: 1, out: "", err: "demo: cannot read r/manifest.json" });
  await assert.rejects(
    run(["r"], () => {
      throw new TypeError("a bug");
    }),
    TypeError,
    "a programming error keeps its stack trace",
  );
});

Deno.test("useColor() follows the terminal, NO_COLOR and --no-color", () => {
  assert.equal(useColor({ terminal: true, noColor: false }), true);
  assert.equal(useColor({ terminal: false, noColor: false }), false);
  assert.equal(useColor({ terminal: true, noColor: true }), false);
  assert.equal(useColor({ terminal: true, noColor: false, noColorFlag: true }), false);
});

Deno.test("userCwd() is INIT_CWD where it may be read, else the working folder", {
  permissions: { env: ["INIT_CWD"], read: true },
}, () => {
  const before = Deno.env.get("INIT_CWD");
  try {
    Deno.env.set("INIT_CWD", "/somewhere/else");
    assert.equal(userCwd(), "/somewhere/else");
    Deno.env.delete("INIT_CWD");
    assert.equal(userCwd(), Deno.cwd());
  } finally {
    if (before !== undefined) Deno.env.set("INIT_CWD", before);
  }
});
