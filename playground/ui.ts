/// <reference lib="dom" />
/**
 * The playground page's script: the form (the command line's flags), the worker that trains, and the redraws (at
 * most four a second, never per step). A link is a run: query parameters carry the settings under the flag names
 * and `autostart=1` starts it; when the run ends, `document.body.dataset.state` is its status.
 *
 * @module
 */
import { experimentTask, shellLine } from "../lib/cli/mod.ts";
import type { Experiment } from "../lib/experiment/mod.ts";
import { OPTIMIZERS } from "../lib/optim/mod.ts";
import type { Manifest, MetricsRow } from "../lib/run/mod.ts";
import { armColor, drawChart, drawConfusion, drawFilters, drawMaps, type Series } from "./draw.ts";
import { pageMessage, pageSettings } from "../lib/playground/settings.ts";
import type { BrowserRuntime, StartMessage, WorkerMessage } from "../lib/playground/worker.ts";

/** The settings the form shows, by flag name, and how each reads an experiment's default. */
const FIELDS: [flag: string, read: (d: Experiment["defaults"]) => string][] = [
  ["seed", (d) => String(d.seed)],
  ["epochs", (d) => String(d.epochs)],
  ["lr", (d) => String(d.lr)],
  ["batch-size", (d) => String(d.batchSize)],
  ["optimizer", (d) => d.optimizer],
  ["train-limit", (d) => d.trainLimit === null ? "all" : String(d.trainLimit)],
  ["test-limit", (d) => d.testLimit === null ? "all" : String(d.testLimit)],
  ["log-every", (d) => String(d.logEvery)],
];

const STATES: Record<string, string> = {
  running: "Training",
  paused: "Paused",
  completed: "Completed",
  interrupted: "Stopped",
  diverged: "Diverged",
  failed: "Failed",
};

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** What the page knows of the run under way. */
interface View {
  experiment: Experiment;
  rows: MetricsRow[];
  metrics: string;
  manifest: Manifest | null;
  checkpoints: Map<string, Uint8Array>;
  latest: string | null;
  progress: Extract<WorkerMessage, { type: "progress" }> | null;
  /** Each arm's steps in all, as the arms start. */
  totals: number[];
  probe: Extract<WorkerMessage, { type: "probe" }> | null;
  confusion: Extract<WorkerMessage, { type: "evaluation" }> | null;
  classNames: string[];
  summary: string;
  status: string;
  /** What changed since the last redraw: only those parts are drawn again. */
  dirty: Set<Part>;
}

/** The parts of the page a redraw may skip: the charts, the pictures, the confusion matrix and the downloads. */
type Part = "rows" | "probe" | "confusion" | "files";
const ALL_PARTS: readonly Part[] = ["rows", "probe", "confusion", "files"];
/** The parts each message of the worker changes (the status line and rate are redrawn every time). */
const CHANGES: Partial<Record<WorkerMessage["type"], Part[]>> = {
  arm: ["rows"],
  row: ["rows", "files"],
  probe: ["probe"],
  evaluation: ["confusion"],
  files: ["files"],
};

/**
 * Starts the page: builds the form for `experiments`, reads the query, and starts a run on `autostart=1`.
 *
 * @param experiments the experiments offered, first the default.
 */
export function startPage(experiments: readonly Experiment[]): void {
  const query = new URLSearchParams(location.search), asked = query.get("experiment");
  const select = $<HTMLSelectElement>("experiment");
  select.replaceChildren(...experiments.map((e) => new Option(e.name, e.name)));
  const known = experiments.some((e) => e.name === asked);
  select.value = known ? asked! : experiments[0]!.name;
  const current = () => experiments.find((e) => e.name === select.value)!;
  fillForm(current(), query);
  select.addEventListener("change", () => fillForm(current(), new URLSearchParams()));
  $("fields").addEventListener("input", () => showCommand(current()));
  $("arm").addEventListener("change", () => showCommand(current()));
  $("train").addEventListener("click", () => train(current()));
  if (asked && !known) {
    fail(`experiment: got '${asked}', expected one of ${experiments.map((e) => e.name).join(", ")}`);
  } else if (query.get("autostart") === "1") train(current());
}

/** A labelled field of the form. */
function field(flag: string, input: HTMLInputElement | HTMLSelectElement): HTMLLabelElement {
  const label = document.createElement("label");
  label.innerHTML = `<span>${flag}</span>`;
  label.append(input);
  return label;
}

/** The form for an experiment: its defaults, then the query's values. */
function fillForm(experiment: Experiment, query: URLSearchParams): void {
  $("title").textContent = experiment.title;
  const arm = $<HTMLSelectElement>("arm");
  arm.replaceChildren(
    new Option(experiment.arms ? "all, one after another" : "(one arm)", ""),
    ...(experiment.arms ?? []).map((a) => new Option(a.name, a.name)),
  );
  arm.disabled = !experiment.arms;
  arm.value = query.get("arm") ?? "";
  const fields = FIELDS.map(([flag, read]) => {
    const input = flag === "optimizer" ? document.createElement("select") : document.createElement("input");
    if (input instanceof HTMLSelectElement) input.append(...Object.keys(OPTIMIZERS).map((o) => new Option(o, o)));
    const fallback = read(experiment.defaults), value = query.get(flag) ?? fallback;
    Object.assign(input, { name: flag, value, title: `--${flag} (default ${fallback})` });
    input.dataset.default = fallback;
    return field(flag, input);
  });
  for (const [flag, spec] of Object.entries(experiment.extraFlags ?? {})) {
    const checked = ["1", "true", ""].includes(query.get(flag) ?? "no");
    const input = Object.assign(document.createElement("input"), { type: "checkbox", name: flag, checked });
    input.title = spec.description;
    Object.assign(input.style, { width: "auto", justifySelf: "start" });
    fields.push(field(flag, input));
  }
  $("fields").replaceChildren(...fields);
  showCommand(experiment);
}

/** The form's settings as query parameters under the flag names: only what differs from the defaults. */
function formParameters(): URLSearchParams {
  const params = new URLSearchParams();
  for (const input of $("fields").querySelectorAll<HTMLInputElement | HTMLSelectElement>("input, select")) {
    if (input instanceof HTMLInputElement && input.type === "checkbox") {
      if (input.checked) params.set(input.name, "1");
    } else if (input.value.trim() !== input.dataset.default) params.set(input.name, input.value.trim());
  }
  const arm = $<HTMLSelectElement>("arm").value;
  if (arm) params.set("arm", arm);
  return params;
}

/** Shows the command line that makes the same run. */
function showCommand(experiment: Experiment): void {
  const flags = [...formParameters()].flatMap(([k, v]) =>
    v === "1" && experiment.extraFlags?.[k] ? [`--${k}`] : [`--${k}`, v]
  );
  $("command").innerHTML = `Same run on the command line:<br><code></code>`;
  $("command").querySelector("code")!.textContent = shellLine([...experimentTask(experiment.name), ...flags]);
}

function fail(message: string): void {
  $("message").textContent = message;
  document.body.dataset.state = "failed";
}

/** Checks the settings as the command line does, then starts the worker and the redraws. */
function train(experiment: Experiment): void {
  const params = formParameters();
  let seed: number;
  try {
    seed = pageSettings(experiment, params).settings.seed;
  } catch (error) {
    return fail(pageMessage(experiment, error));
  }
  $("message").textContent = "";
  const flags = new Int32Array(globalThis.crossOriginIsolated ? new SharedArrayBuffer(8) : new ArrayBuffer(8));
  const worker = new Worker("/playground.js", { type: "module" });
  const view: View = {
    experiment,
    rows: [],
    metrics: "",
    manifest: null,
    checkpoints: new Map(),
    latest: null,
    progress: null,
    totals: [],
    probe: null,
    confusion: null,
    classNames: [],
    summary: "",
    status: "running",
    dirty: new Set(ALL_PARTS),
  };
  const buttons = controls(worker, flags, view);
  worker.addEventListener("message", (event) => receive(view, event.data as WorkerMessage, buttons));
  worker.addEventListener("error", (event) => {
    receive(view, { type: "error", message: event.message }, buttons);
    receive(view, { type: "done", status: "failed", metrics: "" }, buttons);
  });
  const start: Omit<StartMessage, "git"> = {
    type: "start",
    experiment: experiment.name,
    query: params.toString(),
    base: `${location.origin}/`,
    runId: runId(seed),
    runtime: browserRuntime(),
    flags,
  };
  fetch("/info.json").then((r) => r.json()).then((info) => worker.postMessage({ ...start, git: info.git }));
  document.body.dataset.state = "running";
  const timer = setInterval(() => {
    render(view);
    if (view.status !== "running" && view.status !== "paused") clearInterval(timer), worker.terminate();
  }, 1000 / 4);
}

/** Wires Pause, Resume and Stop to the shared flags `[stop, pause]`; returns what sets the buttons. */
function controls(worker: Worker, flags: Int32Array, view: View) {
  const [trainButton, pause, resume, stop] = ["train", "pause", "resume", "stop"].map((id) => $<HTMLButtonElement>(id));
  const set = (index: number, value: number) => {
    Atomics.store(flags, index, value);
    if (!(flags.buffer instanceof SharedArrayBuffer)) worker.postMessage({ type: "flags", flags });
  };
  const buttons = (running: boolean, paused = false) => {
    trainButton!.disabled = running;
    pause!.disabled = !running || paused;
    resume!.disabled = !paused;
    stop!.disabled = !running;
  };
  const state = (status: string) => {
    view.status = document.body.dataset.state = status;
  };
  buttons(true);
  pause!.onclick = () => (set(1, 1), state("paused"), buttons(true, true));
  resume!.onclick = () => (set(1, 0), worker.postMessage({ type: "resume" }), state("running"), buttons(true));
  stop!.onclick = () => (set(0, 1), worker.postMessage({ type: "resume" }), buttons(false));
  return buttons;
}

/** Takes in what the worker says; drawing waits for the next redraw. */
function receive(view: View, message: WorkerMessage, buttons: (running: boolean) => void): void {
  for (const part of CHANGES[message.type] ?? []) view.dirty.add(part);
  switch (message.type) {
    case "error":
      return void ($("message").textContent = message.message);
    case "arm":
      view.totals.push(message.totalSteps), view.classNames = message.classNames;
      view.summary = `${message.arm ? `[${message.arm}] ${message.description}\n` : ""}${message.summary}`;
      return;
    case "row":
      view.rows.push(message.row), view.metrics += message.line;
      return;
    case "progress":
      return void (view.progress = message);
    case "probe":
      return void (view.probe = message);
    case "evaluation":
      return void (view.confusion = message);
    case "files":
      view.manifest = message.manifest;
      if (message.checkpoint) {
        view.checkpoints.set(message.checkpoint.name, message.checkpoint.bytes), view.latest = message.checkpoint.name;
      }
      return;
    case "done":
      view.status = message.status, view.metrics = message.metrics || view.metrics;
      ALL_PARTS.forEach((part) => view.dirty.add(part));
      render(view);
      buttons(false);
      document.body.dataset.state = message.status;
  }
}

/** Redraws the status line, and what changed, from the view. */
function render(view: View): void {
  const dirty = new Set(view.dirty);
  view.dirty.clear();
  renderProgress(view);
  if (dirty.has("rows")) renderCharts(view);
  if (view.probe && dirty.has("probe")) {
    drawFilters($("filters"), view.probe.filters), drawMaps($("maps"), view.probe.images, view.probe.maps);
  }
  if (view.confusion && dirty.has("confusion")) {
    const { arm, split, epoch, accuracy } = view.confusion;
    drawConfusion($("confusion"), view.confusion.confusion, {
      classNames: view.classNames,
      caption: `${arm ? `${arm}, ` : ""}${split}, epoch ${epoch}: accuracy ${accuracy.toFixed(4)}`,
    });
  }
  $("summary").textContent = view.summary;
  if (dirty.has("files")) renderDownloads(view);
}

/** The loss and accuracy curves of every arm and split. */
function renderCharts(view: View): void {
  const arms = [...new Set(view.rows.map((r) => r.arm))];
  for (const [id, key] of [["chart-loss", "loss"], ["chart-accuracy", "accuracy"]] as const) {
    const series: Series[] = arms.flatMap((arm, a) =>
      [...new Set(view.rows.filter((r) => r.arm === arm).map((r) => r.split))].map((split) => ({
        name: `${arm ? `${arm} ` : ""}${split}`,
        color: armColor(a * 3 + (split === "train" ? 0 : split === "validation" ? 1 : 2)),
        dots: split !== "train",
        points: view.rows.filter((r) => r.arm === arm && r.split === split).map((r) =>
          [r.samples_seen, r[key]] as [number, number]
        ),
      }))
    );
    drawChart($<HTMLCanvasElement>(id), series, key === "accuracy" ? {} : { yFrom: 0 });
  }
}

/** The progress bar, the status line and the rate. */
function renderProgress(view: View): void {
  const p = view.progress?.progress, rate = view.progress?.stepsPerSecond ?? 0;
  const before = p ? view.totals.slice(0, p.armIndex).reduce((a, b) => a + b, 0) : 0;
  const done = p ? before + p.steps : 0, total = p ? before + p.totalSteps * (p.arms - p.armIndex) : 1;
  const finished = view.status === "completed";
  $("bar-fill").style.width = `${finished ? 100 : Math.min(100, (100 * done) / total).toFixed(1)}%`;
  const steps = view.totals.reduce((a, b) => a + b, 0).toLocaleString("en");
  const where = finished
    ? `${steps} steps${view.totals.length > 1 ? ` in ${view.totals.length} arms` : ""}`
    : p
    ? `${p.arms > 1 ? `arm ${p.arm} (${p.armIndex + 1} of ${p.arms}) · ` : ""}step ${p.steps} of ${p.totalSteps}`
    : "loading data";
  $("status").textContent = `${STATES[view.status] ?? view.status}: ${view.experiment.name} · ${where}`;
  const eta = (total - done) / rate;
  const clock = `${Math.floor(eta / 60)}:${String(Math.round(eta % 60)).padStart(2, "0")}`;
  $("rate").textContent = view.status === "running" && rate > 0
    ? `${Math.round(rate).toLocaleString("en")} steps/s · ETA ${clock}`
    : view.status === "paused"
    ? "paused"
    : "";
}

/** Points the download links at the files as they are now. */
function renderDownloads(view: View): void {
  const link = (id: string, bytes: BlobPart, name?: string) => {
    const a = $<HTMLAnchorElement>(id);
    if (a.href.startsWith("blob:")) URL.revokeObjectURL(a.href);
    a.href = URL.createObjectURL(new Blob([bytes]));
    a.removeAttribute("aria-disabled");
    if (name) a.download = name, a.textContent = name;
  };
  if (view.metrics) link("download-metrics", view.metrics);
  if (view.manifest) link("download-manifest", JSON.stringify(view.manifest, null, 2) + "\n");
  if (view.latest) link("download-model", view.checkpoints.get(view.latest)! as BlobPart, view.latest);
  if (view.checkpoints.size < 2) return;
  for (const [name, bytes] of view.checkpoints) {
    const id = `download-${name.replace(/\.safetensors$/, "")}`;
    if (!document.getElementById(id)) {
      $("arm-models").append(Object.assign(document.createElement("a"), { id, download: name, textContent: name }));
    }
    link(id, bytes as BlobPart);
  }
}

/** A run id as the command line names a run folder: `<UTC stamp>-seed<seed>`. */
function runId(seed: number): string {
  return `${new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z").replace("T", "-")}-seed${seed}`;
}

/** The browser's name and version, and the machine as far as a page can tell. */
function browserRuntime(): BrowserRuntime {
  const agent = navigator.userAgent;
  const data = (navigator as { userAgentData?: { brands: { brand: string; version: string }[] } }).userAgentData;
  const brands = data?.brands ?? [];
  const chromium = agent.match(/(?:Headless)?Chrome\/([\d.]+)/), firefox = agent.match(/Firefox\/([\d.]+)/);
  const named = brands.find((b) => /Chrom|Edge|Opera/.test(b.brand) && b.brand !== "Chromium") ??
    brands.find((b) => b.brand === "Chromium");
  const browser = chromium ? `${named?.brand ?? "Chromium"} ${chromium[1]}` : firefox ? `Firefox ${firefox[1]}` : agent;
  return {
    browser,
    deno: "none (browser playground)",
    v8: chromium ? chromium[1]! : "none",
    typescript: "none (bundled)",
    os: navigator.platform,
    arch: "unknown",
    cpu: `${navigator.hardwareConcurrency} cores`,
  };
}
