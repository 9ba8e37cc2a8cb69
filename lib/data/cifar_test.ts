import assert from "node:assert/strict";
import { join } from "node:path";
import { sha256Hex } from "./checksum.ts";
import { CIFAR10_CLASS_NAMES, decodeCifarBatch, readCifarBatches } from "./cifar.ts";
import { cifarBatch, lit, withTempDir } from "./_fixtures.ts";

Deno.test("decodeCifarBatch() splits records into CHW images and labels", () => {
  // pixel k of record n is (n * 13 + k) % 256; k = c * 1024 + h * 32 + w
  const set = decodeCifarBatch(cifarBatch([6, 9]), "b.bin");
  assert.deepEqual(
    [set.count, set.channels, set.height, set.width, set.classes],
    [2, 3, 32, 32, 10],
  );
  assert.deepEqual([...set.labels], [6, 9]);
  assert.equal(set.images.length, 2 * 3072);
  assert.equal(set.images[0], 0);
  assert.equal(set.images[1024 + 32 * 2 + 5], (1024 + 69) % 256); // green, row 2, column 5
  assert.equal(set.images[3072 + 2048], (13 + 2048) % 256); // second image, first blue pixel
  assert.equal(set.images[2 * 3072 - 1], (13 + 3071) % 256);
  assert.deepEqual(set.classNames, CIFAR10_CLASS_NAMES);
});

Deno.test("readCifarBatches() concatenates batches in order with a record per file", () =>
  withTempDir(async (dir) => {
    const first = cifarBatch([1, 2]);
    const second = cifarBatch([3]);
    await Deno.writeFile(join(dir, "data_batch_1.bin"), first);
    await Deno.writeFile(join(dir, "data_batch_2.bin"), second);
    const { set, files } = await readCifarBatches(
      [join(dir, "data_batch_1.bin"), join(dir, "data_batch_2.bin")],
      { expectedSha256: { "data_batch_2.bin": [sha256Hex(second)] } },
    );
    assert.equal(set.count, 3);
    assert.deepEqual([...set.labels], [1, 2, 3]);
    assert.deepEqual(set.images.subarray(2 * 3072), second.subarray(1));
    assert.deepEqual(set.images.subarray(3072, 2 * 3072), first.subarray(3074));
    assert.deepEqual(
      files.map((f) => [f.name, f.verified, f.expected === ""]),
      [
        ["data_batch_1.bin", false, true],
        ["data_batch_2.bin", true, false],
      ],
    );
  }));

Deno.test("readCifarBatches() rejects a length that is not a multiple of 3073", () =>
  withTempDir(async (dir) => {
    const truncated = join(dir, "data_batch_1.bin");
    await Deno.writeFile(truncated, cifarBatch([1, 2]).subarray(0, 3073 + 100));
    await assert.rejects(
      readCifarBatches([truncated]),
      new RegExp(
        `CIFAR batch ${lit(truncated)}: 3173 bytes is not a positive multiple of the 3073-byte ` +
          `record.*1 whole records and 100 bytes left over \\(truncated or padded\\)`,
      ),
    );
    const empty = join(dir, "test_batch.bin");
    await Deno.writeFile(empty, new Uint8Array(0));
    await assert.rejects(
      readCifarBatches([empty]),
      new RegExp(
        `CIFAR batch ${lit(empty)}: 0 bytes is not a positive multiple`,
      ),
    );
  }));

Deno.test("readCifarBatches() rejects a label out of range", () =>
  withTempDir(async (dir) => {
    const path = join(dir, "test_batch.bin");
    await Deno.writeFile(path, cifarBatch([4, 10, 2]));
    await assert.rejects(
      readCifarBatches([path]),
      new RegExp(
        `CIFAR batch ${lit(path)}: label 10 of record 1 \\(byte 3073\\) is out of range for 10 classes`,
      ),
    );
  }));

Deno.test("readCifarBatches() names a missing file", () =>
  withTempDir(async (dir) => {
    const path = join(dir, "data_batch_9.bin");
    await assert.rejects(
      readCifarBatches([path]),
      new RegExp(`cannot read data file ${lit(path)}: no such file`),
    );
  }));

Deno.test("readCifarBatches() rejects a checksum mismatch unless allowModified", () =>
  withTempDir(async (dir) => {
    const path = join(dir, "test_batch.bin");
    const bytes = cifarBatch([4]);
    await Deno.writeFile(path, bytes);
    const expectedSha256 = { "test_batch.bin": ["1".repeat(64)] };
    await assert.rejects(
      readCifarBatches([path], { expectedSha256 }),
      new RegExp(
        `checksum mismatch for ${lit(path)}: expected SHA-256 1{64}, got ${sha256Hex(bytes)}`,
      ),
    );
    const { set, files } = await readCifarBatches([path], {
      expectedSha256,
      allowModified: true,
    });
    assert.equal(set.count, 1);
    assert.equal(files[0].verified, false);
  }));
