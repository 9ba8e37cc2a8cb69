import assert from "node:assert/strict";
import { tarEntries } from "./_tar.ts";
import { tarArchive } from "./_fixtures.ts";

const files = [
  {
    name: "cifar-10-batches-bin/a.bin",
    data: new Uint8Array(700).map((_, i) => i % 251),
  },
  { name: "cifar-10-batches-bin/empty.txt", data: new Uint8Array(0) },
  { name: "b.txt", data: new TextEncoder().encode("bee") },
];

Deno.test("tarEntries() lists the files of a ustar archive with their bytes", () => {
  const entries = tarEntries(tarArchive(files), "t.tar");
  assert.deepEqual(entries.map((e) => e.name), files.map((f) => f.name));
  entries.forEach((e, i) => assert.deepEqual(e.data, files[i].data));
});

Deno.test("tarEntries() rejects a corrupt header naming the archive and offset", () => {
  const archive = tarArchive(files);
  archive[1536 + 3] ^= 1; // the second header: 512 + 700 bytes padded to 1024
  assert.throws(
    () => tarEntries(archive, "/d/x.tar"),
    /tar archive \/d\/x\.tar, header at byte 1536: header checksum \d+ does not match \d+ \(corrupt\)/,
  );
});

Deno.test("tarEntries() rejects a truncated archive", () => {
  const archive = tarArchive(files);
  assert.throws(
    () => tarEntries(archive.subarray(0, 900), "/d/x.tar"),
    /tar archive \/d\/x\.tar, header at byte 0: entry of 700 bytes runs past the end .*truncated/,
  );
  assert.throws(
    () => tarEntries(archive.subarray(0, archive.length - 1024), "/d/x.tar"),
    /tar archive \/d\/x\.tar: ends without its closing zero blocks \(truncated\)/,
  );
});
