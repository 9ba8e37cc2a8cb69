import assert from "node:assert/strict";
import { join } from "node:path";
import { checkSha256, decodeIdx, readChecked, readIdxPair, sha256Hex } from "./idx.ts";
import { gzip, idxImages, idxLabels, lit } from "../testing/data_files.ts";
import { needs, withTempDir } from "../testing/io.ts";

/** Tests that make a temporary folder. */
const io = needs("read", "write");

/** Writes an images and a labels file in `dir` and returns their paths. */
async function writePair(
  dir: string,
  images: Uint8Array,
  labels: Uint8Array,
  names = ["images.idx3.gz", "labels.idx1.gz"],
): Promise<[string, string]> {
  const paths: [string, string] = [join(dir, names[0]), join(dir, names[1])];
  await Deno.writeFile(paths[0], images);
  await Deno.writeFile(paths[1], labels);
  return paths;
}

Deno.test("decodeIdx() reads raw images and labels with their header sizes", () => {
  const images = decodeIdx(idxImages(2, 3, 4), "images.idx");
  assert.equal(images.kind, "images");
  if (images.kind !== "images") return;
  assert.deepEqual([images.count, images.height, images.width], [2, 3, 4]);
  // pixel (n, r, c) = (n * 31 + r * 7 + c * 3) % 256
  assert.equal(images.data.length, 24);
  assert.deepEqual([...images.data.subarray(0, 4)], [0, 3, 6, 9]);
  assert.deepEqual([...images.data.subarray(12, 16)], [31, 34, 37, 40]);
  assert.equal(images.data[12 + 2 * 4 + 3], 31 + 14 + 9);

  const labels = decodeIdx(idxLabels([9, 0, 3]), "labels.idx");
  assert.equal(labels.kind, "labels");
  assert.deepEqual([...labels.data], [9, 0, 3]);
});

Deno.test("readIdxPair() round-trips gzip and raw files", io, async (t) => {
  const images = idxImages(3, 5, 2);
  const labels = idxLabels([2, 0, 1]);
  for (
    const [label, imageBytes, labelBytes, names] of [
      ["gzip", gzip(images), gzip(labels), [
        "i-idx3-ubyte.gz",
        "l-idx1-ubyte.gz",
      ]],
      ["raw", images, labels, ["i-idx3-ubyte", "l-idx1-ubyte"]],
    ] as const
  ) {
    await t.step(label, () =>
      withTempDir(async (dir) => {
        const [imagesPath, labelsPath] = await writePair(
          dir,
          imageBytes,
          labelBytes,
          [...names],
        );
        const { set, files } = await readIdxPair(imagesPath, labelsPath, {
          classNames: ["a", "b", "c"],
          expectedSha256: { [names[0]]: [sha256Hex(imageBytes)] },
        });
        assert.deepEqual(
          [set.count, set.channels, set.height, set.width, set.classes],
          [3, 1, 5, 2, 3],
        );
        assert.deepEqual(set.images, images.subarray(16));
        assert.deepEqual([...set.labels], [2, 0, 1]);
        assert.deepEqual(set.classNames, ["a", "b", "c"]);
        assert.deepEqual(files.map((f) => [f.name, f.verified]), [
          [names[0], true],
          [names[1], false], // no expected sum given: read, but not verified
        ]);
        assert.equal(files[1].expected, "");
        assert.equal(files[1].sha256, sha256Hex(labelBytes));
      }));
  }
});

Deno.test("decodeIdx() rejects a truncated file", async (t) => {
  await t.step("raw, a byte short", () => {
    const bytes = idxImages(2, 3, 4).subarray(0, 16 + 23);
    assert.throws(
      () => decodeIdx(bytes, "/d/short-idx3-ubyte"),
      /IDX file \/d\/short-idx3-ubyte: header says \[2, 3, 4\].* holds 39: 1 bytes missing \(truncated\)/,
    );
  });
  await t.step("gzip stream cut short", () => {
    const gz = gzip(idxImages(20, 28, 28));
    assert.throws(
      () => decodeIdx(gz.subarray(0, gz.length - 30), "/d/cut.gz"),
      /IDX file \/d\/cut\.gz: cannot decompress, the gzip stream is truncated or corrupt/,
    );
  });
  await t.step("header cut short", () => {
    assert.throws(
      () => decodeIdx(idxImages(2, 3, 4).subarray(0, 10), "/d/h"),
      /IDX file \/d\/h: truncated header, 10 bytes where the 3-dimension header needs 16/,
    );
    assert.throws(
      () => decodeIdx(new Uint8Array([0, 0]), "/d/h2"),
      /IDX file \/d\/h2: 2 bytes is too short/,
    );
  });
});

Deno.test("decodeIdx() rejects a wrong magic number or type byte", () => {
  const bytes = idxImages(1, 2, 2);
  bytes[3] = 4; // 2052
  assert.throws(
    () => decodeIdx(bytes, "/d/m.idx"),
    /IDX file \/d\/m\.idx: wrong magic number 2052 \(0x00000804\); expected 2051 for images or 2049 for labels/,
  );
  const typed = idxLabels([1]);
  typed[2] = 0x0d; // floats, not bytes
  assert.throws(
    () => decodeIdx(typed, "/d/t.idx"),
    /IDX file \/d\/t\.idx: wrong magic number 3329 .*type byte 0x0d, expected 0x08/,
  );
});

Deno.test("decodeIdx() rejects header counts that disagree with the length", () => {
  const more = idxImages(3, 2, 2);
  new DataView(more.buffer).setUint32(4, 4); // claims 4 images, holds 3
  assert.throws(
    () => decodeIdx(more, "/d/more"),
    /IDX file \/d\/more: header says \[4, 2, 2\], which needs 32 bytes .* holds 28: 4 bytes missing/,
  );
  const fewer = idxLabels([1, 2, 3]);
  new DataView(fewer.buffer).setUint32(4, 2); // claims 2 labels, holds 3
  assert.throws(
    () => decodeIdx(gzip(fewer), "/d/fewer.gz"),
    /IDX file \/d\/fewer\.gz: header says \[2\].*decompressed file holds 11: 1 bytes too many/,
  );
  const zero = idxImages(1, 2, 2);
  new DataView(zero.buffer).setUint32(8, 0);
  assert.throws(
    () => decodeIdx(zero, "/d/zero"),
    /IDX file \/d\/zero: .*include a zero/,
  );
});

Deno.test("decodeIdx() rejects a file named .gz that is not gzip", () => {
  assert.throws(
    () => decodeIdx(idxLabels([1, 2]), "/d/labels-idx1-ubyte.gz"),
    /IDX file \/d\/labels-idx1-ubyte\.gz: named \.gz but is not gzip \(it starts with 00 00 08 01/,
  );
  assert.throws(
    () => decodeIdx(new Uint8Array(0), "/d/empty.gz"),
    /IDX file \/d\/empty\.gz: named \.gz but is not gzip \(it is empty/,
  );
});

Deno.test("readIdxPair() rejects mismatched image and label counts", io, () =>
  withTempDir(async (dir) => {
    const [images, labels] = await writePair(
      dir,
      gzip(idxImages(3, 2, 2)),
      gzip(idxLabels([1, 2])),
    );
    await assert.rejects(
      readIdxPair(images, labels),
      new RegExp(
        `readIdxPair: ${lit(images)} holds 3 images but ${lit(labels)} holds 2 labels`,
      ),
    );
  }));

Deno.test("readIdxPair() rejects a label out of range", io, () =>
  withTempDir(async (dir) => {
    const [images, labels] = await writePair(
      dir,
      gzip(idxImages(3, 2, 2)),
      gzip(idxLabels([1, 9, 10])),
    );
    await assert.rejects(
      readIdxPair(images, labels),
      new RegExp(
        `${lit(labels)}: label 10 at index 2 is out of range for 10 classes`,
      ),
    );
    await assert.rejects(
      readIdxPair(images, labels, { classNames: ["a", "b"] }),
      new RegExp(
        `${lit(labels)}: label 9 at index 1 is out of range for 2 classes`,
      ),
    );
  }));

Deno.test(
  "readIdxPair() rejects images and labels files given the wrong way round",
  io,
  () =>
    withTempDir(async (dir) => {
      const [images, labels] = await writePair(
        dir,
        gzip(idxImages(2, 2, 2)),
        gzip(idxLabels([1, 2])),
      );
      await assert.rejects(
        readIdxPair(labels, images),
        new RegExp(
          `readIdxPair: ${lit(labels)} holds labels \\(magic 2049\\), expected images`,
        ),
      );
    }),
);

Deno.test("readIdxPair() names a missing or unreadable path", io, () =>
  withTempDir(async (dir) => {
    const [images, labels] = await writePair(
      dir,
      gzip(idxImages(2, 2, 2)),
      gzip(idxLabels([1, 2])),
    );
    const missing = join(images, "..", "nope-idx1-ubyte.gz");
    await assert.rejects(
      readIdxPair(images, missing),
      new RegExp(`cannot read data file ${lit(missing)}: no such file`),
    );
    const folder = join(labels, "..");
    await assert.rejects(
      readIdxPair(folder, labels),
      new RegExp(`cannot read data file ${lit(folder)}: `),
    );
  }));

Deno.test("readIdxPair() rejects a checksum mismatch unless allowModified", io, () =>
  withTempDir(async (dir) => {
    const imageBytes = gzip(idxImages(2, 2, 2));
    const [images, labels] = await writePair(
      dir,
      imageBytes,
      gzip(idxLabels([1, 2])),
    );
    const wrong = "0".repeat(64);
    const expectedSha256 = { "images.idx3.gz": [wrong] };
    await assert.rejects(
      readIdxPair(images, labels, { expectedSha256 }),
      new RegExp(
        `checksum mismatch for ${lit(images)}: expected SHA-256 ${wrong}, got ${sha256Hex(imageBytes)}`,
      ),
    );
    const { set, files } = await readIdxPair(images, labels, {
      expectedSha256,
      allowModified: true,
    });
    assert.equal(set.count, 2);
    assert.deepEqual(files[0], {
      name: "images.idx3.gz",
      sha256: sha256Hex(imageBytes),
      expected: wrong,
      verified: false,
    });
  }));

const ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const abc = new TextEncoder().encode("abc");

Deno.test("sha256Hex() matches the FIPS 180-2 test vector for abc", () => {
  assert.equal(sha256Hex(abc), ABC_SHA256);
});

Deno.test("checkSha256() verifies against any accepted sum", () => {
  const record = checkSha256(ABC_SHA256, "/d/abc.bin", {
    expectedSha256: { "abc.bin": ["f".repeat(64), ABC_SHA256] },
  });
  assert.deepEqual(record, {
    name: "abc.bin",
    sha256: ABC_SHA256,
    expected: ABC_SHA256,
    verified: true,
  });
});

Deno.test("checkSha256() records a file with no known sum as unverified", () => {
  assert.deepEqual(checkSha256(ABC_SHA256, "/d/abc.bin"), {
    name: "abc.bin",
    sha256: ABC_SHA256,
    expected: "",
    verified: false,
  });
});

Deno.test("checkSha256() names the file, the expected and the actual sum on a mismatch", () => {
  const expectedSha256 = { "abc.bin": ["0".repeat(64)] };
  assert.throws(
    () => checkSha256(ABC_SHA256, "/d/abc.bin", { expectedSha256 }),
    new RegExp(
      `checksum mismatch for /d/abc\\.bin: expected SHA-256 0{64}, got ${ABC_SHA256}`,
    ),
  );
  const accepted = checkSha256(ABC_SHA256, "/d/abc.bin", {
    expectedSha256,
    allowModified: true,
  });
  assert.equal(accepted.verified, false);
  assert.equal(accepted.expected, "0".repeat(64));
});

Deno.test("readChecked() reads a file and names a missing one", io, () =>
  withTempDir(async (dir) => {
    const path = join(dir, "abc.bin");
    await Deno.writeFile(path, abc);
    const { bytes, record } = await readChecked(path, {
      expectedSha256: { "abc.bin": [ABC_SHA256] },
    });
    assert.deepEqual(bytes, abc);
    assert.equal(record.verified, true);
    const missing = join(dir, "gone.bin");
    await assert.rejects(
      readChecked(missing),
      new RegExp(`cannot read data file ${lit(missing)}: no such file`),
    );
  }));
