import assert from "node:assert/strict";
import { join } from "node:path";
import { sha256Hex } from "./idx.ts";
import { loadDataset } from "./discover.ts";
import { gzip, lit, TINY_TEST_LABELS, TINY_TRAIN_LABELS, tinyMnistFiles, writeFiles } from "../testing/data_files.ts";
import { needs, skipReason, withTempDir } from "../testing/io.ts";

/** Tests that make a temporary folder, and those that also serve files on 127.0.0.1. */
const io = needs("read", "write");
const web = needs("read", "write", { name: "net", host: "127.0.0.1" });

/** Labels per class. */
function classCounts(labels: Uint8Array, classes: number): number[] {
  const counts = new Array(classes).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
}

/** The tiny MNIST files and the `checksums` option that makes them verify. */
function tinyMnist(): {
  files: Map<string, Uint8Array>;
  checksums: Record<string, string>;
} {
  const files = tinyMnistFiles();
  const checksums: Record<string, string> = {};
  for (const [name, bytes] of files) checksums[name] = sha256Hex(bytes);
  return { files, checksums };
}

/**
 * A local HTTP server on 127.0.0.1 (port chosen by the system): paths in
 * `files` are served, every other path is a 404; each request path is logged.
 */
function serve(files: ReadonlyMap<string, Uint8Array>) {
  const requests: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => {
      const path = new URL(request.url).pathname;
      requests.push(path);
      const body = files.get(path);
      return body ? new Response(new Uint8Array(body)) : new Response("not here", { status: 404 });
    },
  );
  return {
    base: `http://127.0.0.1:${server.addr.port}`,
    requests,
    close: () => server.shutdown(),
  };
}

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

// ---------------------------------------------------------------------------
// The real data

Deno.test("loadDataset() loads the embedded Fashion-MNIST, verified", needs("read"), async () => {
  const { train, test, record, tried } = await loadDataset("fashion-mnist", {
    download: false,
  });
  assert.equal(record.source, "embedded");
  assert.match(record.dir, /datasets[\\/]fashion-mnist$/);
  assert.deepEqual([train.count, train.channels, train.height, train.width], [
    60000,
    1,
    28,
    28,
  ]);
  assert.deepEqual([test.count, test.channels, test.height, test.width], [
    10000,
    1,
    28,
    28,
  ]);
  assert.deepEqual(classCounts(train.labels, 10), new Array(10).fill(6000));
  assert.deepEqual(classCounts(test.labels, 10), new Array(10).fill(1000));
  assert.deepEqual([...train.labels.subarray(0, 10)], [
    9,
    0,
    0,
    3,
    0,
    2,
    7,
    2,
    5,
    5,
  ]);
  assert.equal(train.classNames[9], "Ankle boot");
  assert.equal(record.files.length, 4);
  assert.ok(
    record.files.every((f) => f.verified && f.sha256 === f.expected),
    "all verified",
  );
  assert.equal(record.modified, false);
  assert.match(
    tried.at(-1)!,
    /^embedded .*: loaded, 4 of 4 files SHA-256 verified$/,
  );
  // Bytes only: the pixels view the decompressed file (16-byte header), no float copy.
  assert.ok(train.images instanceof Uint8Array);
  assert.equal(train.images.buffer.byteLength, 16 + 60000 * 784);
});

const mayReadMnist = !needs("read", "env").ignore;
const mnistDir = mayReadMnist ? Deno.env.get("MNIST_DATA_DIR") : undefined;

Deno.test({
  ...skipReason(
    "loadDataset() loads MNIST from MNIST_DATA_DIR, verified",
    mayReadMnist && !mnistDir && "set MNIST_DATA_DIR to a folder holding the four MNIST .gz files (not committed)",
  ),
  ignore: !mnistDir,
  fn: async () => {
    const { train, test, record } = await loadDataset("mnist", {
      dataDir: mnistDir,
      dataDirSource: "env",
      download: false,
    });
    assert.equal(record.source, "env");
    assert.deepEqual([train.count, test.count], [60000, 10000]);
    assert.deepEqual([train.height, train.width, train.channels], [28, 28, 1]);
    assert.deepEqual([...train.labels.subarray(0, 10)], [
      5,
      0,
      4,
      1,
      9,
      2,
      1,
      3,
      1,
      4,
    ]);
    assert.deepEqual([...test.labels.subarray(0, 10)], [
      7,
      2,
      1,
      0,
      4,
      1,
      4,
      9,
      5,
      9,
    ]);
    assert.deepEqual(
      classCounts(train.labels, 10),
      [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
    );
    assert.ok(record.files.every((f) => f.verified), "all verified");
    assert.equal(record.modified, false);
  },
});

const debianFashion = "/usr/share/datasets/fashion-mnist";
const hasDebianFashion = !io.ignore && (() => {
  try {
    return Deno.statSync(debianFashion).isDirectory;
  } catch {
    return false;
  }
})();

Deno.test({
  ...skipReason(
    "loadDataset() falls back to Debian's Fashion-MNIST folder by default",
    !io.ignore && !hasDebianFashion && `${debianFashion} is absent (apt-get install dataset-fashion-mnist)`,
  ),
  ignore: !hasDebianFashion,
  fn: () =>
    withTempDir(async (root) => {
      const { train, record, tried } = await loadDataset("fashion-mnist", {
        root,
        download: false,
      });
      assert.equal(record.source, "system");
      assert.equal(record.dir, debianFashion);
      assert.ok(record.files.every((f) => f.verified));
      assert.equal(train.count, 60000);
      assert.equal(tried.length, 3);
    }),
});

// ---------------------------------------------------------------------------
// Discovery order, on tiny generated files

Deno.test("loadDataset() prefers an explicit data dir over the embedded copy", io, () =>
  withTempDir(async (dir) => {
    const { files, checksums } = tinyMnist();
    const root = join(dir, "repo");
    await writeFiles(join(root, "datasets", "mnist"), files);
    const dataDir = join(dir, "mine");
    await writeFiles(dataDir, files);
    const options = { root, systemDirs: [], download: false, checksums };

    const flag = await loadDataset("mnist", { ...options, dataDir });
    assert.equal(flag.record.source, "data-dir");
    assert.equal(flag.record.dir, dataDir);
    assert.deepEqual(flag.tried, [
      `data-dir ${dataDir}: loaded, 4 of 4 files SHA-256 verified`,
    ]);
    assert.deepEqual([...flag.train.labels], TINY_TRAIN_LABELS);
    assert.deepEqual([...flag.test.labels], TINY_TEST_LABELS);

    const env = await loadDataset("mnist", {
      ...options,
      dataDir,
      dataDirSource: "env",
    });
    assert.equal(env.record.source, "env");
  }));

Deno.test(
  "loadDataset() fails on an explicit data dir lacking files, trying nothing else",
  io,
  () =>
    withTempDir(async (dir) => {
      const { files, checksums } = tinyMnist();
      const root = join(dir, "repo");
      await writeFiles(join(root, "datasets", "mnist"), files); // a good copy it must not use
      const dataDir = join(dir, "partial");
      await writeFiles(dataDir, new Map([...files].slice(0, 2)));
      await assert.rejects(
        loadDataset("mnist", {
          root,
          systemDirs: [],
          download: false,
          checksums,
          dataDir,
        }),
        new RegExp(
          `the mnist data dir ${lit(dataDir)} \\(from --data-dir\\): missing ` +
            `t10k-images-idx3-ubyte\\.gz, t10k-labels-idx1-ubyte\\.gz\\. .*no other place was tried` +
            `.*--data-dir DIR or set MNIST_DATA_DIR=DIR`,
        ),
      );
      const absent = join(dir, "absent");
      await assert.rejects(
        loadDataset("mnist", { root, dataDir: absent, dataDirSource: "env" }),
        new RegExp(
          `data dir ${lit(absent)} \\(from MNIST_DATA_DIR\\): folder does not exist`,
        ),
      );
    }),
);

Deno.test(
  "loadDataset() says a data file that is a directory is a directory, not missing",
  io,
  () =>
    withTempDir(async (dataDir) => {
      const { files, checksums } = tinyMnist();
      await writeFiles(dataDir, new Map([...files].slice(1)));
      await Deno.mkdir(join(dataDir, "train-images-idx3-ubyte.gz"));
      await assert.rejects(
        loadDataset("mnist", { dataDir, checksums }),
        /data dir .* \(from --data-dir\): train-images-idx3-ubyte\.gz is a directory, not a file\. /,
      );
    }),
);

Deno.test(
  "loadDataset() rejects a checksum mismatch in a data dir unless allowModified",
  io,
  () =>
    withTempDir(async (dir) => {
      const { files } = tinyMnist();
      await writeFiles(dir, files);
      const actual = sha256Hex(files.get("train-images-idx3-ubyte.gz")!);
      // No `checksums` option: the registry's MNIST sums apply, and the tiny files differ.
      await assert.rejects(
        loadDataset("mnist", { dataDir: dir, download: false }),
        new RegExp(
          `checksum mismatch for ${lit(join(dir, "train-images-idx3-ubyte.gz"))}: expected ` +
            `SHA-256 440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609, got ${actual}`,
        ),
      );
      const loaded = await loadDataset("mnist", {
        dataDir: dir,
        allowModified: true,
      });
      assert.equal(loaded.record.modified, true);
      assert.ok(
        loaded.record.files.every((f) => !f.verified && f.expected !== ""),
      );
      assert.equal(loaded.record.files[0].sha256, actual);
      assert.match(loaded.tried[0], /modified copy accepted/);
    }),
);

Deno.test("loadDataset() finds the embedded copy, then the cache", io, () =>
  withTempDir(async (root) => {
    const { files, checksums } = tinyMnist();
    const options = { root, systemDirs: [], download: false, checksums };
    const home = join(root, "datasets", "mnist");
    const cache = join(home, "cache");
    await writeFiles(cache, files);
    const fromCache = await loadDataset("mnist", options);
    assert.equal(fromCache.record.source, "cache");
    assert.deepEqual(fromCache.tried, [
      `embedded ${home}: missing train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, ` +
      `t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz`,
      `cache ${cache}: loaded, 4 of 4 files SHA-256 verified`,
    ]);

    await writeFiles(home, files);
    const embedded = await loadDataset("mnist", options);
    assert.equal(embedded.record.source, "embedded");
    assert.equal(embedded.record.dir, home);
    assert.equal(embedded.tried.length, 1);
  }));

Deno.test("loadDataset() moves past a corrupt implicit copy and says so", io, () =>
  withTempDir(async (root) => {
    const { files, checksums } = tinyMnist();
    const home = join(root, "datasets", "mnist");
    await writeFiles(join(home, "cache"), files);
    const broken = new Map(files);
    broken.set(
      "t10k-labels-idx1-ubyte.gz",
      new Uint8Array(files.get("t10k-labels-idx1-ubyte.gz")!.subarray(0, 20)),
    );
    await writeFiles(home, broken);
    const loaded = await loadDataset("mnist", {
      root,
      systemDirs: [],
      download: false,
      checksums,
    });
    assert.equal(loaded.record.source, "cache");
    assert.match(
      loaded.tried[0],
      new RegExp(
        `^embedded ${lit(home)}: checksum mismatch for .*t10k-labels-idx1-ubyte\\.gz`,
      ),
    );
  }));

Deno.test("loadDataset() finds a system folder given in options.systemDirs", io, () =>
  withTempDir(async (dir) => {
    const { files, checksums } = tinyMnist();
    const system = join(dir, "usr-share");
    await writeFiles(system, files);
    const root = join(dir, "repo");
    const loaded = await loadDataset("mnist", {
      root,
      systemDirs: [join(dir, "nowhere"), system],
      download: false,
      checksums,
    });
    assert.equal(loaded.record.source, "system");
    assert.equal(loaded.record.dir, system);
    assert.deepEqual(loaded.tried.map((line) => line.split(" ")[0]), [
      "embedded",
      "cache",
      "system",
      "system",
    ]);
    assert.match(loaded.tried[2], /folder does not exist/);
  }));

Deno.test(
  "loadDataset() downloads into the cache, retrying once on the next mirror",
  web,
  () =>
    withTempDir(async (root) => {
      const { files, checksums } = tinyMnist();
      const served = new Map(
        [...files].map(([name, bytes]) => [`/second/${name}`, bytes]),
      );
      const server = serve(served);
      try {
        const logged: string[] = [];
        const loaded = await loadDataset("mnist", {
          root,
          systemDirs: [],
          checksums,
          mirrors: [`${server.base}/first/`, `${server.base}/second/`],
          log: (line) => logged.push(line),
        });
        assert.equal(loaded.record.source, "download");
        const cache = join(root, "datasets", "mnist", "cache");
        assert.equal(loaded.record.dir, cache);
        assert.ok(loaded.record.files.every((f) => f.verified));
        assert.deepEqual([...loaded.train.labels], TINY_TRAIN_LABELS);
        // Each file: the first mirror 404s, the retry on the second serves it.
        assert.deepEqual(server.requests.slice(0, 2), [
          "/first/train-images-idx3-ubyte.gz",
          "/second/train-images-idx3-ubyte.gz",
        ]);
        assert.equal(server.requests.length, 8);
        assert.equal(logged.length, 8);
        assert.ok(
          loaded.tried.some((line) => /\/first\/train-images.*: HTTP 404/.test(line)),
        );
        // Landed whole (temporary file renamed away), with the served bytes.
        assert.deepEqual(await listDir(cache), [...files.keys()].sort());
        for (const [name, bytes] of files) {
          assert.deepEqual(await Deno.readFile(join(cache, name)), bytes);
        }
        // A second load finds the cache without the network.
        const again = await loadDataset("mnist", {
          root,
          systemDirs: [],
          checksums,
          download: false,
        });
        assert.equal(again.record.source, "cache");
      } finally {
        await server.close();
      }
    }),
);

Deno.test(
  "loadDataset() discards a download with the wrong checksum, writing nothing",
  web,
  () =>
    withTempDir(async (root) => {
      const { files, checksums } = tinyMnist();
      const bad = gzip(new Uint8Array([1, 2, 3]));
      const served = new Map([
        ["/a/train-images-idx3-ubyte.gz", bad],
        ["/b/train-images-idx3-ubyte.gz", bad],
      ]);
      const server = serve(served);
      try {
        await assert.rejects(
          loadDataset("mnist", {
            root,
            systemDirs: [],
            checksums,
            mirrors: [
              `${server.base}/a/`,
              `${server.base}/b/`,
              `${server.base}/c/`,
            ],
          }),
          new RegExp(
            `download ${lit(server.base)}/b/train-images-idx3-ubyte\\.gz: got ${bad.length} bytes ` +
              `with SHA-256 ${sha256Hex(bad)}, expected ${checksums["train-images-idx3-ubyte.gz"]}; discarded`,
          ),
        );
        // Two attempts only (one retry), and nothing landed in the cache.
        assert.deepEqual(server.requests, [
          "/a/train-images-idx3-ubyte.gz",
          "/b/train-images-idx3-ubyte.gz",
        ]);
        assert.deepEqual(
          await listDir(join(root, "datasets", "mnist", "cache")),
          [],
        );
        assert.equal(files.size, 4);
      } finally {
        await server.close();
      }
    }),
);

Deno.test("loadDataset() lists every place tried when all fail", web, () =>
  withTempDir(async (root) => {
    const server = serve(new Map());
    const nowhere = join(root, "nowhere");
    try {
      const error = await loadDataset("mnist", {
        root,
        systemDirs: [nowhere],
        mirrors: [`${server.base}/one/`, `${server.base}/two/`],
      }).then(() => null, (e: Error) => e);
      assert.ok(error, "expected an error");
      const message = error.message;
      const home = join(root, "datasets", "mnist");
      for (
        const expected of [
          /^found no usable copy of MNIST handwritten digits \(mnist\)\. Tried, in order:/,
          new RegExp(`  - embedded ${lit(home)}: folder does not exist\n`),
          new RegExp(
            `  - cache ${lit(join(home, "cache"))}: folder does not exist\n`,
          ),
          new RegExp(`  - system ${lit(nowhere)}: folder does not exist\n`),
          new RegExp(
            `  - download ${lit(server.base)}/one/train-images-idx3-ubyte\\.gz: HTTP 404`,
          ),
          new RegExp(
            `  - download ${lit(server.base)}/two/train-images-idx3-ubyte\\.gz: HTTP 404`,
          ),
          /To supply the files by hand: download train-images-idx3-ubyte\.gz, .* from https:\/\/ossci-datasets/,
          /datasets\/mnist\/README\.md; then pass --data-dir DIR or set MNIST_DATA_DIR=DIR/,
        ]
      ) assert.match(message, expected);

      const offline = await loadDataset("mnist", {
        root,
        systemDirs: [],
        download: false,
      })
        .then(() => null, (e: Error) => e);
      assert.match(
        offline!.message,
        / {2}- system: no known system folder for mnist\n/,
      );
      assert.match(
        offline!.message,
        / {2}- download: not attempted \(downloads disabled\)\n/,
      );
    } finally {
      await server.close();
    }
  }));
