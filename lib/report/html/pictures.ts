// The report's pictures: first-layer filters before and after training, feature maps of a few evaluation images,
// and the worst misclassified images, each a small PNG data URI.
import { Buffer } from "node:buffer";
import { encode } from "fast-png";
import type { ArmPictures, RunData } from "../../run/mod.ts";
import { escapeHtml, section } from "./page.ts";

/**
 * Row-major grey values (`height * width`; non-finite ones black) as a PNG data URI, each value `scale` pixels
 * each way (default 4); `range` is mapped to black and white (default the values' own minimum and maximum).
 */
export function pngDataUri(
  values: ArrayLike<number>,
  options: { width: number; height: number; scale?: number; range?: [number, number] },
): string {
  const { width, height, scale = 4 } = options;
  const finite = Array.from(values).filter(Number.isFinite);
  const [low, high] = options.range ?? [Math.min(...finite), Math.max(...finite)];
  const span = high - low || 1;
  const out = new Uint8Array(width * height * scale * scale);
  for (let r = 0; r < height * scale; r++) {
    for (let c = 0; c < width * scale; c++) {
      const v = values[Math.floor(r / scale) * width + Math.floor(c / scale)]!;
      out[r * width * scale + c] = Number.isFinite(v)
        ? Math.round(Math.min(1, Math.max(0, (v - low) / span)) * 255)
        : 0;
    }
  }
  const png = encode({ width: width * scale, height: height * scale, data: out, channels: 1, depth: 8 });
  return `data:image/png;base64,${Buffer.from(png).toString("base64")}`;
}

/** An image tile with a caption under it; `kind` is the `data-kind` the browser tests count. */
function tile(kind: string, caption: string, image: Parameters<typeof pngDataUri>[1] & { values: number[] }): string {
  const alt = escapeHtml(caption);
  const { width, height, scale = 4 } = image;
  return `<div class="tile"><img data-kind="${kind}" src="${pngDataUri(image.values, image)}" alt="${alt}" width="${
    width * scale
  }" height="${height * scale}"><div>${alt}</div></div>`;
}

const armTitle = (arm: string) => (arm ? `<h3>${escapeHtml(arm)}</h3>` : "");

/** The filters, feature maps and misclassified images sections, or a note when the run recorded none. */
export function pictureSections(data: RunData): string {
  const none = `<p>Not recorded: pictures.json is written when an arm finishes training (this run is ${
    escapeHtml(data.manifest.status)
  }, or was made before reports existed).</p>`;
  const names = (arm: string, split: string) =>
    data.confusions.find((c) => c.arm === arm && c.split === split)?.classNames ?? [];
  const withFilters = data.pictures.filter((p) => p.filters !== null);
  return [
    section("filters", "First-layer filters", withFilters.length ? filtersHtml(withFilters) : none),
    section("feature-maps", "Feature maps", withFilters.length ? mapsHtml(withFilters, names) : none),
    section(
      "misclassified",
      "Worst misclassified images",
      data.pictures.length && data.imageSize ? worstHtml(data.pictures, { names, size: data.imageSize }) : none,
    ),
  ].join("\n");
}

function filtersHtml(arms: ArmPictures[]): string {
  const intro =
    "<p>Each filter before and after training, grey = 0, black and white = ± the largest |weight| of that " +
    "filter before or after.</p>";
  return intro + arms.map(({ arm, filters }) => {
    const [F, C, KH, KW] = filters!.shape as [number, number, number, number];
    const scale = Math.max(4, Math.floor(48 / Math.max(KH, KW)));
    const tiles = (when: "initial" | "trained") =>
      Array.from({ length: F * C }, (_, k) => {
        const at = (w: number[]) => w.slice(k * KH * KW, (k + 1) * KH * KW);
        const m = Math.max(...[...at(filters!.initial), ...at(filters!.trained)].map(Math.abs)) || 1;
        const image = { values: at(filters![when]), width: KW, height: KH, scale, range: [-m, m] as [number, number] };
        return tile("filter", `${Math.floor(k / C)}${C > 1 ? `.${k % C}` : ""}`, image);
      }).join("");
    return `${armTitle(arm)}<p>before training</p><div class="tiles">${tiles("initial")}</div>
<p>after training</p><div class="tiles">${tiles("trained")}</div>`;
  }).join("\n");
}

function mapsHtml(arms: ArmPictures[], names: (arm: string, split: string) => string[]): string {
  const intro =
    "<p>Evaluation images as the model sees them, and their convolution with each first-layer filter (bias " +
    "not added), with the initial and the trained filters; each map scaled from its own minimum (black) to maximum.</p>";
  return intro + arms.map(({ arm, featureMaps }) =>
    armTitle(arm) + featureMaps.map((m) => {
      const side = Math.sqrt(m.input.length);
      const caption = `${m.split} #${m.index}: ${names(arm, m.split)[m.label] ?? m.label}`;
      const input = tile("input", caption, { values: m.input, width: side, height: side, scale: 3 });
      const row = (maps: number[][]) =>
        maps.map((values, f) =>
          tile("feature-map", `filter ${f}`, { values, width: m.width, height: m.height, scale: 3 })
        )
          .join("");
      return `<div class="tiles">${input}<div><p>initial filters</p><div class="tiles">${row(m.initial)}</div>
<p>trained filters</p><div class="tiles">${row(m.trained)}</div></div></div>`;
    }).join("\n")
  ).join("\n");
}

function worstHtml(
  arms: ArmPictures[],
  options: { names: (arm: string, split: string) => string[]; size: { width: number; height: number } },
): string {
  const { size } = options;
  const intro =
    "<p>The misclassified images with the lowest probability on their true class (at most 24 per split).</p>";
  return intro + arms.map(({ arm, worst }) => {
    const splits = [...new Set(worst.map((w) => w.split))];
    if (splits.length === 0) return `${armTitle(arm)}<p>No misclassified images.</p>`;
    return armTitle(arm) + splits.map((split) => {
      const names = options.names(arm, split);
      const tiles = worst.filter((w) => w.split === split).map((w) =>
        tile(
          "misclassified",
          `#${w.index} true ${names[w.label] ?? w.label}, predicted ${names[w.predicted] ?? w.predicted}, p(true) ${
            w.probability.toPrecision(2)
          }`,
          { values: w.pixels, ...size, scale: 2, range: [0, 255] },
        )
      );
      return `<p>${escapeHtml(split)}</p><div class="tiles">${tiles.join("")}</div>`;
    }).join("\n");
  }).join("\n");
}
