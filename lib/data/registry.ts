/**
 * What the suite knows about each dataset; `datasets/<name>/README.md` says the same for people (with the
 * homepage and licence), and `registry_test.ts` checks that the two agree.
 *
 * @module
 */

/** The class names of the ten digits, `"0"` to `"9"`. */
export const DIGIT_CLASS_NAMES: readonly string[] = Object.freeze([..."0123456789"]);

/** The IDX file names of both splits, MNIST's and Fashion-MNIST's. */
const IDX_SPLITS = {
  train: { images: "train-images-idx3-ubyte.gz", labels: "train-labels-idx1-ubyte.gz" },
  test: { images: "t10k-images-idx3-ubyte.gz", labels: "t10k-labels-idx1-ubyte.gz" },
} as const;

/** The datasets the suite can load. */
export type DatasetName = "mnist" | "fashion-mnist";

/** One file of a dataset, under its standard name. */
export interface DatasetFile {
  /** The standard file name, e.g. `train-images-idx3-ubyte.gz`. */
  readonly name: string;
  /** Every lower-case hex SHA-256 accepted for the file as stored, first the mirrors', and who serves or ships it. */
  readonly sums: readonly { readonly sha256: string; readonly origin: string }[];
}

/** Everything the suite knows about one dataset. */
export interface DatasetSpec {
  /** The dataset's name, also its folder under `datasets/`. */
  readonly name: DatasetName;
  /** A human title. */
  readonly title: string;
  /** Channels per image. */
  readonly channels: number;
  /** Rows per image. */
  readonly height: number;
  /** Columns per image. */
  readonly width: number;
  /** Class names, indexed by label. */
  readonly classNames: readonly string[];
  /** Every file a load reads, with accepted sums: train images, train labels, test images, test labels. */
  readonly files: readonly DatasetFile[];
  /** The training split's images and labels files. */
  readonly train: { readonly images: string; readonly labels: string };
  /** The test split's images and labels files. */
  readonly test: { readonly images: string; readonly labels: string };
  /** Download addresses (each ends in `/`; a file's name is appended), in the order tried. */
  readonly mirrors: readonly string[];
  /** Folders where system packages install the files. */
  readonly systemDirs: readonly string[];
  /** The environment variable the command line reads for a folder holding the files. */
  readonly envVar: string;
}

/** The four IDX files, in `files` order, with their accepted sums: `sums[file][k]` comes from `origins[k]`. */
function idxFiles(sums: readonly (readonly string[])[], origins: readonly string[]): DatasetFile[] {
  const names = [IDX_SPLITS.train.images, IDX_SPLITS.train.labels, IDX_SPLITS.test.images, IDX_SPLITS.test.labels];
  return names.map((name, i) => ({ name, sums: sums[i]!.map((sha256, k) => ({ sha256, origin: origins[k]! })) }));
}

const MNIST_ORIGIN = "the original MNIST file (LeCun, Cortes, Burges), as the mirrors serve it";
const FASHION_ORIGIN = "the original file of zalandoresearch/fashion-mnist, as the mirrors serve it";
const FASHION_DEBIAN_ORIGIN =
  "Debian's dataset-fashion-mnist, recompressed (same uncompressed bytes); the copy embedded in datasets/fashion-mnist/";

/** What MNIST and Fashion-MNIST share: 28x28 grey images in IDX files of the same names. */
const IDX_28X28 = { channels: 1, height: 28, width: 28, ...IDX_SPLITS };

const MNIST: DatasetSpec = {
  name: "mnist",
  title: "MNIST handwritten digits",
  ...IDX_28X28,
  classNames: DIGIT_CLASS_NAMES,
  files: idxFiles([
    ["440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"],
    ["3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"],
    ["8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"],
    ["f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"],
  ], [MNIST_ORIGIN]),
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
  ...IDX_28X28,
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
  // Zalando's own bucket, then the copy Keras downloads.
  mirrors: [
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
  ],
  systemDirs: ["/usr/share/datasets/fashion-mnist/"],
  envVar: "FASHION_MNIST_DATA_DIR",
};

const DATASETS: Readonly<Record<DatasetName, DatasetSpec>> = { "mnist": MNIST, "fashion-mnist": FASHION_MNIST };

/** The registry entry of a dataset; throws naming the known ones for any other name. */
export function datasetSpec(name: string): DatasetSpec {
  if (!Object.hasOwn(DATASETS, name)) {
    throw new Error(`unknown dataset "${name}"; expected one of ${Object.keys(DATASETS).join(", ")}`);
  }
  return DATASETS[name as DatasetName];
}

/** The environment variable the command line reads for a folder holding a dataset's files (`lib/data` never does). */
export function dataDirEnvVar(name: DatasetName): string {
  return datasetSpec(name).envVar;
}
