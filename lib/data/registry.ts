/**
 * What the suite knows about each dataset: file names, SHA-256 sums, where
 * to download them, where a system may have installed them, and the
 * environment variable the command line reads for a folder holding them.
 *
 * The same facts are written for people in `datasets/<name>/README.md`;
 * `registry_test.ts` checks that the two agree.
 *
 * @module
 */
import { DIGIT_CLASS_NAMES } from "./image_set.ts";

/** MNIST and Fashion-MNIST share the IDX file names of both splits. */
const IDX_SPLITS = {
  train: { images: "train-images-idx3-ubyte.gz", labels: "train-labels-idx1-ubyte.gz" },
  test: { images: "t10k-images-idx3-ubyte.gz", labels: "t10k-labels-idx1-ubyte.gz" },
} as const;

/** The datasets the suite can load. */
export type DatasetName = "mnist" | "fashion-mnist";

/** A SHA-256 the suite accepts for a file, and where bytes with that sum come from. */
export interface KnownSum {
  /** Lower-case hex SHA-256 of the file as stored (compressed, for `.gz`). */
  readonly sha256: string;
  /** Who serves or ships this exact file. */
  readonly origin: string;
}

/** One file of a dataset, under its standard name. */
export interface DatasetFile {
  /** The standard file name, e.g. `train-images-idx3-ubyte.gz`. */
  readonly name: string;
  /** Every SHA-256 accepted for the file, first the one the download mirrors serve. */
  readonly sums: readonly KnownSum[];
}

/** The IDX files of one split, as MNIST and Fashion-MNIST ship them. */
export interface SplitFiles {
  /** The images file (magic 2051). */
  readonly images: string;
  /** The labels file (magic 2049). */
  readonly labels: string;
}

/** Everything the suite knows about one dataset. */
export interface DatasetSpec {
  /** The dataset's name, also its folder under `datasets/`. */
  readonly name: DatasetName;
  /** A human title. */
  readonly title: string;
  /** Where it is described. */
  readonly homepage: string;
  /** Its licence or terms, in a few words. */
  readonly license: string;
  /** Channels per image. */
  readonly channels: number;
  /** Rows per image. */
  readonly height: number;
  /** Columns per image. */
  readonly width: number;
  /** Class names, indexed by label. */
  readonly classNames: readonly string[];
  /** Every file a load reads, with accepted sums. */
  readonly files: readonly DatasetFile[];
  /** The training split's files. */
  readonly train: SplitFiles;
  /** The test split's files. */
  readonly test: SplitFiles;
  /** Download addresses (each ends in `/`; a file's name is appended), in the order tried. */
  readonly mirrors: readonly string[];
  /** Folders where system packages install the files. */
  readonly systemDirs: readonly string[];
  /** The environment variable the command line reads for a folder holding the files. */
  readonly envVar: string;
}

/**
 * The four IDX files (train images, train labels, test images, test labels), each with its accepted sums:
 * `sums[file][k]` comes from `origins[k]`.
 */
function idxFiles(sums: readonly (readonly string[])[], origins: readonly string[]): DatasetFile[] {
  const names = [IDX_SPLITS.train.images, IDX_SPLITS.train.labels, IDX_SPLITS.test.images, IDX_SPLITS.test.labels];
  return names.map((name, i) => ({ name, sums: sums[i]!.map((sha256, k) => ({ sha256, origin: origins[k]! })) }));
}

const MNIST_ORIGIN = "the original MNIST file (LeCun, Cortes, Burges), as the mirrors serve it";
const FASHION_ORIGIN = "the original file of zalandoresearch/fashion-mnist, as the mirrors serve it";
const FASHION_DEBIAN_ORIGIN =
  "Debian's dataset-fashion-mnist, recompressed (same uncompressed bytes); the copy embedded in datasets/fashion-mnist/";

const MNIST: DatasetSpec = {
  name: "mnist",
  title: "MNIST handwritten digits",
  homepage: "http://yann.lecun.com/exdb/mnist/",
  license: "CC BY-SA 3.0, copyright Yann LeCun and Corinna Cortes (as Keras documents it); not committed here",
  channels: 1,
  height: 28,
  width: 28,
  classNames: DIGIT_CLASS_NAMES,
  files: idxFiles([
    ["440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"],
    ["3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"],
    ["8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"],
    ["f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"],
  ], [MNIST_ORIGIN]),
  ...IDX_SPLITS,
  // torchvision's mirror, then TensorFlow's; the LeCun site no longer serves reliably.
  mirrors: [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
  ],
  systemDirs: [],
  envVar: "MNIST_DATA_DIR",
};

const FASHION_MNIST: DatasetSpec = {
  name: "fashion-mnist",
  title: "Fashion-MNIST (Zalando article images)",
  homepage: "https://github.com/zalandoresearch/fashion-mnist",
  license: "MIT, Copyright (c) 2017 Zalando SE (datasets/fashion-mnist/LICENSE)",
  channels: 1,
  height: 28,
  width: 28,
  classNames: [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
  ],
  files: idxFiles([
    [
      "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
      "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
    ],
    [
      "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
      "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
    ],
    [
      "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
      "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
    ],
    [
      "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
      "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
    ],
  ], [FASHION_ORIGIN, FASHION_DEBIAN_ORIGIN]),
  ...IDX_SPLITS,
  // Zalando's own bucket, then the copy Keras downloads.
  mirrors: [
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
  ],
  systemDirs: ["/usr/share/datasets/fashion-mnist/"],
  envVar: "FASHION_MNIST_DATA_DIR",
};

const DATASETS: Readonly<Record<DatasetName, DatasetSpec>> = { "mnist": MNIST, "fashion-mnist": FASHION_MNIST };

/**
 * The registry entry of a dataset.
 *
 * @param name The dataset's name.
 * @returns Its file names, sums, mirrors and locations.
 * @throws {Error} when the name is not a known dataset.
 *
 * @example
 * ```ts
 * import { datasetSpec } from "./registry.ts";
 * datasetSpec("fashion-mnist").classNames[9]; // "Ankle boot"
 * ```
 */
export function datasetSpec(name: string): DatasetSpec {
  if (!Object.hasOwn(DATASETS, name)) {
    throw new Error(`unknown dataset "${name}"; expected one of ${Object.keys(DATASETS).join(", ")}`);
  }
  return DATASETS[name as DatasetName];
}

/**
 * The environment variable the command line reads for a folder holding a
 * dataset's files. `lib/data` itself never reads it.
 *
 * @param name The dataset's name.
 * @returns `MNIST_DATA_DIR` or `FASHION_MNIST_DATA_DIR`.
 *
 * @example
 * ```ts
 * import { dataDirEnvVar } from "./registry.ts";
 * dataDirEnvVar("fashion-mnist"); // "FASHION_MNIST_DATA_DIR"
 * ```
 */
export function dataDirEnvVar(name: DatasetName): string {
  return datasetSpec(name).envVar;
}
