import assert from "node:assert/strict";
import { join } from "node:path";
import { checkBytes, readChecked, sha256Hex } from "./checksum.ts";
import { lit } from "../testing/data_files.ts";
import { needs, withTempDir } from "../testing/io.ts";

/** Tests that make a temporary folder. */
const io = needs("read", "write");

const ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const abc = new TextEncoder().encode("abc");

Deno.test("sha256Hex() matches the FIPS 180-2 test vector for abc", () => {
  assert.equal(sha256Hex(abc), ABC_SHA256);
});

Deno.test("checkBytes() verifies against any accepted sum", () => {
  const record = checkBytes(abc, "/d/abc.bin", {
    expectedSha256: { "abc.bin": ["f".repeat(64), ABC_SHA256] },
  });
  assert.deepEqual(record, {
    name: "abc.bin",
    sha256: ABC_SHA256,
    expected: ABC_SHA256,
    verified: true,
  });
});

Deno.test("checkBytes() records a file with no known sum as unverified", () => {
  assert.deepEqual(checkBytes(abc, "/d/abc.bin"), {
    name: "abc.bin",
    sha256: ABC_SHA256,
    expected: "",
    verified: false,
  });
});

Deno.test("checkBytes() names the file, the expected and the actual sum on a mismatch", () => {
  const expectedSha256 = { "abc.bin": ["0".repeat(64)] };
  assert.throws(
    () => checkBytes(abc, "/d/abc.bin", { expectedSha256 }),
    new RegExp(
      `checksum mismatch for /d/abc\\.bin: expected SHA-256 0{64}, got ${ABC_SHA256}`,
    ),
  );
  const accepted = checkBytes(abc, "/d/abc.bin", {
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
