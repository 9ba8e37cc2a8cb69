import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { needs } from "../testing/io.ts";
import { dataDirEnvVar, type DatasetName, datasetSpec } from "./registry.ts";

const specs = (["mnist", "fashion-mnist"] as DatasetName[]).map(datasetSpec);

const datasetsDir = fileURLToPath(new URL("../../datasets/", import.meta.url));

Deno.test("datasetSpec() returns each dataset and names the known ones for an unknown name", () => {
  assert.deepEqual(specs.map((spec) => spec.name), ["mnist", "fashion-mnist"]);
  assert.throws(
    () => datasetSpec("emnist"),
    /^Error: unknown dataset "emnist"; expected one of mnist, fashion-mnist$/,
  );
  assert.throws(() => datasetSpec("cifar-10"), /unknown dataset "cifar-10"/);
  assert.throws(() => datasetSpec("toString"), /unknown dataset "toString"/);
});

Deno.test("dataDirEnvVar() returns the documented variable names", () => {
  assert.equal(dataDirEnvVar("mnist"), "MNIST_DATA_DIR");
  assert.equal(dataDirEnvVar("fashion-mnist"), "FASHION_MNIST_DATA_DIR");
});

Deno.test("datasetSpec() entries are consistent: splits name listed files, sums are hex", () => {
  for (const spec of specs) {
    const listed = new Set(spec.files.map((f) => f.name));
    for (const split of [spec.train, spec.test]) {
      const names = [split.images, split.labels];
      for (const name of names) {
        assert.ok(listed.has(name), `${spec.name}: ${name} is listed`);
      }
    }
    for (const file of spec.files) {
      for (const { sha256 } of file.sums) {
        assert.match(sha256, /^[0-9a-f]{64}$/);
      }
    }
    assert.equal(spec.classNames.length, 10);
    assert.ok(
      spec.mirrors.every((m) => m.endsWith("/")),
      `${spec.name}: mirrors end in /`,
    );
  }
});

Deno.test("datasets/<name>/README.md lists every file, sum and mirror of the registry", needs("read"), async () => {
  for (const spec of specs) {
    const readme = await Deno.readTextFile(
      `${datasetsDir}${spec.name}/README.md`,
    );
    for (const file of spec.files) {
      assert.ok(
        readme.includes(file.name),
        `${spec.name} README names ${file.name}`,
      );
      for (const { sha256 } of file.sums) {
        assert.ok(
          readme.includes(sha256),
          `${spec.name} README lists ${sha256}`,
        );
      }
    }
    for (const mirror of spec.mirrors) {
      assert.ok(readme.includes(mirror), `${spec.name} README lists ${mirror}`);
    }
    // And every sum the README gives a .gz file is one the registry accepts for it.
    for (const line of readme.split("\n")) {
      const name = /^\| `([^`]+\.gz)`/.exec(line)?.[1];
      if (name === undefined) continue;
      const accepted = spec.files.find((f) => f.name === name)?.sums.map((s) => s.sha256) ?? [];
      for (const [sum] of line.matchAll(/[0-9a-f]{64}/g)) {
        assert.ok(
          accepted.includes(sum),
          `${spec.name} README: ${name} ${sum} is in the registry`,
        );
      }
    }
  }
});

Deno.test("datasets/fashion-mnist embeds its MIT licence", needs("read"), async () => {
  const licence = await Deno.readTextFile(
    `${datasetsDir}fashion-mnist/LICENSE`,
  );
  assert.match(licence, /^The MIT License \(MIT\)/);
  assert.match(licence, /Zalando SE/);
});
