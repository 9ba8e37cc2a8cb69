import assert from "node:assert/strict";
import { fullDisk, needs, withTempDir } from "../testing/io.ts";
import { type BenchRow, median, writeBenchCsv } from "./bench.ts";

const row: BenchRow = {
  network: "zhou",
  backend: "wasm",
  batch: 32,
  threads: 1,
  "us_per_step_median": 1500,
  "images_per_s": 21333,
  "epoch_s_projected": 2.8,
  gflops: 1.5,
  "fraction_of_peak": 0.05,
  "peak_rss_mb": 90,
};

Deno.test(
  "writeBenchCsv() writes the rows, and on a full disk names the file and leaves no empty or partial one",
  needs("read", "write"),
  () =>
    withTempDir(async (dir) => {
      for (const room of [0, 20]) {
        await assert.rejects(
          writeBenchCsv([row], { dir, write: fullDisk(() => true, { room }) }),
          new RegExp(`^Error: cannot write ${dir}/\\d{8}T\\d{6}Z\\.csv: No space left on device`),
        );
        assert.deepEqual([...Deno.readDirSync(dir)], [], `room for ${room} bytes: nothing left behind`);
      }
      const path = await writeBenchCsv([row], { dir });
      const [header, line] = (await Deno.readTextFile(path)).trim().split("\n");
      assert.match(header!, /^network,backend,batch,threads,us_per_step_median,/);
      assert.equal(line, "zhou,wasm,32,1,1500,21333,2.8,1.5,0.05,90");
    }),
);

Deno.test("median() takes the middle value, or the mean of the middle two, whatever the order", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
});
