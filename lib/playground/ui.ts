/// <reference lib="dom" />
/**
 * The playground page's script: the form (the command line's flags), the
 * worker that trains, and the redraws (at most four a second, never per
 * step). A link is a run: query parameters carry the settings under the
 * flag names and `autostart=1` starts it; when the run ends,
 * `document.body.dataset.state` is its status.
 *
 * @module
 */
import { experimentTask, shellLine } from "../cli/mod.ts";
import type { Experiment } from "../experiment/mod.ts";
import { OPTIMIZERS } from "../optim/mod.ts";
import type { Manifest } from "../run/mod.ts";
import { armColor, drawChart, drawConfusion, drawFilters, drawMaps, type Series } from "./draw.ts";
import type { BrowserRuntime } from "./session.ts";
import { pageMessage, pageSettings } from "./settings.ts";
import type { StartMessage, WorkerMessage } from "./worker.ts";

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

/** Redraws per second, at most. */
const REDRAWS_PER_SECOND = 4;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** What the page knows of the run under way. */
interface View {
  experiment: Experiment;
  arms: string[];
  rows: { arm: string; split: string; samples_seen: number; loss: number; accuracy: number }[];
  metrics: string;
  manifest: Manifest | null;
  checkpoints: Map<string, Uint8Array>;
  latest: string | null;
  progress: Extract<WorkerMessage, { type: "progress" }> | null;
  totals: number[];
  probe: Extract<WorkerMessage, { type: "probe" }> | null;
  confusion: Extract<WorkerMessage, { type: "evaluation" }> | null;
  classNames: string[];
  summary: string;
  status: string;
  dirty: boolean;
}

/**
 * Starts the page: builds the form for `experiments`, reads the query, and starts a run on `autostart=1`.
 *
 * @param experiments the experiments offered, first the default.
 */
export function startPage(experiments: readonly Experiment[]): void {
  const query = new URLSearchParams(location.search);
  const select = $<HTMLSelectElement>("experiment");
  select.replaceChildren(...experiments.map((e) => new Option(e.name, e.name)));
  select.value = experiments.some((e) => e.name === query.get("experiment"))
    ? query.get("experiment")!
    : experiments[0]!.name;
  const current = () => experiments.find((e) => e.name === select.value)!;
  fillForm(current(), query);
  select.addEventListener("change", () => fillForm(current(), new URLSearchParams()));
  $("fields").addEventListener("input", () => showCommand(current()));
  $("arm").addEventListener("change", () => showCommand(current()));
  $("train").addEventListener("click", () => train(current()));
  if (query.get("experiment") && !experiments.some((e) => e.name === query.get("experiment"))) {
    fail(`experiment: got '${query.get("experiment")}', expected one of ${experiments.map((e) => e.name).join(", ")}`);
  } else if (query.get("autostart") === "1") train(current());
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
    const label = document.createElement("label"), value = query.get(flag) ?? read(experiment.defaults);
    label.innerHTML = `<span>${flag}</span>`;
    const input = flag === "optimizer" ? document.createElement("select") : document.createElement("input");
    if (input instanceof HTMLSelectElement) input.append(...Object.keys(OPTIMIZERS).map((o) => new Option(o, o)));
    Object.assign(input, { name: flag, value, title: `--${flag} (default ${read(experiment.defaults)})` });
    input.dataset.default = read(experiment.defaults);
    label.append(input);
    return label;
  });
  for (const [flag, spec] of Object.entries(experiment.extraFlags ?? {})) {
    const label = document.createElement("label"), input = document.createElement("input");
    label.innerHTML = `<span>${flag}</span>`;
    Object.assign(input, {
      type: "checkbox",
      name: flag,
      title: spec.description,
      checked: ["1", "true", ""].includes(query.get(flag) ?? "no"),
    });
    Object.assign(input.style, { width: "auto", justifySelf: "start" });
    label.append(input);
    fields.push(label);
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

/** Checks the settings as the command line does, then starts the worker. */
function train(experiment: Experiment): void {
  const params = formParameters();
  try {
    pageSettings(experiment, params);
  } catch (error) {
    return fail(pageMessage(experiment, error));
  }
  $("message").textContent = "";
  const shared = globalThis.crossOriginIsolated ? new SharedArrayBuffer(8) : new ArrayBuffer(8);
  const flags = new Int32Array(shared);
  const worker = new Worker("/playground.js", { type: "module" });
  const view: View = {
    experiment,
    arms: [],
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
    dirty: true,
  };
  controls(worker, flags, view);
  worker.addEventListener("message", (event) => receive(view, event.data as WorkerMessage));
  worker.addEventListener(
    "error",
    (
      event,
    ) => (receive(view, { type: "error", message: event.message }),
      receive(view, { type: "done", status: "failed", metrics: "" })),
  );
  const seed = pageSettings(experiment, params).settings.seed;
  const start: StartMessage = {
    type: "start",
    experiment: experiment.name,
    query: params.toString(),
    base: `${location.origin}/`,
    runId: runId(seed),
    runtime: browserRuntime(),
    git: { commit: null, dirty: null },
    flags,
  };
  fetch("/info.json").then((r) => r.json()).then((info) => worker.postMessage({ ...start, git: info.git }));
  document.body.dataset.state = "running";
  const timer = setInterval(() => {
    if (view.dirty) render(view);
    if (view.status !== "running" && view.status !== "paused") clearInterval(timer), worker.terminate();
  }, 1000 / REDRAWS_PER_SECOND);
}

/** Wires Pause, Resume and Stop to the shared flags `[stop, pause]`. */
function controls(worker: Worker, flags: Int32Array, view: View): void {
  const [trainButton, pause, resume, stop] = ["train", "pause", "resume", "stop"].map((id) => $<HTMLButtonElement>(id));
  const set = (index: number, value: number) => {
    Atomics.store(flags, index, value);
    if (!(flags.buffer instanceof SharedArrayBuffer)) worker.postMessage({ type: "flags", flags });
  };
  const buttons = (running: boolean, paused: boolean) => {
    trainButton!.disabled = running,
      pause!.disabled = !running || paused,
      resume!.disabled = !paused,
      stop!.disabled = !running;
  };
  buttons(true, false);
  pause!.onclick =
    () => (set(1, 1),
      view.status = "paused",
      document.body.dataset.state = "paused",
      buttons(true, true),
      view.dirty = true);
  resume!.onclick =
    () => (set(1, 0),
      worker.postMessage({ type: "resume" }),
      view.status = "running",
      document.body.dataset.state = "running",
      buttons(true, false),
      view.dirty = true);
  stop!.onclick = () => (set(0, 1), worker.postMessage({ type: "resume" }), buttons(false, false));
  view.dirty = true;
  Object.assign(view, { enable: () => buttons(false, false) });
}

/** Takes in what the worker says; drawing waits for the next redraw. */
function receive(view: View, message: WorkerMessage): void {
  view.dirty = true;
  switch (message.type) {
    case "error":
      return void ($("message").textContent = message.message);
    case "arm":
      view.arms.push(message.arm), view.totals.push(message.totalSteps), view.classNames = message.classNames;
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
      render(view);
      (view as unknown as { enable?: () => void }).enable?.();
      document.body.dataset.state = message.status;
  }
}

/** Redraws everything from the view. */
function render(view: View): void {
  view.dirty = false;
  renderProgress(view);
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
  if (view.probe) {
    drawFilters($("filters"), view.probe.filters), drawMaps($("maps"), view.probe.images, view.probe.maps);
  }
  if (view.confusion) {
    const { arm, split, epoch, accuracy } = view.confusion;
    drawConfusion($("confusion"), view.confusion.confusion, {
      classNames: view.classNames,
      caption: `${arm ? `${arm}, ` : ""}${split}, epoch ${epoch}: accuracy ${accuracy.toFixed(4)}`,
    });
  }
  $("summary").textContent = view.summary;
  renderDownloads(view);
}

function renderProgress(view: View): void {
  const p = view.progress?.progress, rate = view.progress?.stepsPerSecond ?? 0;
  const done = p ? view.totals.slice(0, p.armIndex).reduce((a, b) => a + b, 0) + p.steps : 0;
  const total = p
    ? view.totals.slice(0, p.armIndex).reduce((a, b) => a + b, 0) + p.totalSteps * (p.arms - p.armIndex)
    : 1;
  const finished = view.status === "completed";
  $("bar-fill").style.width = `${finished ? 100 : Math.min(100, (100 * done) / total).toFixed(1)}%`;
  const steps = view.totals.reduce((a, b) => a + b, 0).toLocaleString("en");
  const where = finished
    ? `${steps} steps${view.totals.length > 1 ? ` in ${view.totals.length} arms` : ""}`
    : p
    ? `${p.arms > 1 ? `arm ${p.arm} (${p.armIndex + 1} of ${p.arms}) · ` : ""}step ${p.steps} of ${p.totalSteps}`
    : "loading data";
  const states: Record<string, string> = {
    running: "Training",
    paused: "Paused",
    completed: "Completed",
    interrupted: "Stopped",
    diverged: "Diverged",
    failed: "Failed",
  };
  $("status").textContent = `${states[view.status] ?? view.status}: ${view.experiment.name} · ${where}`;
  const eta = rate > 0 ? (total - done) / rate : NaN;
  const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, "0")}`;
  $("rate").textContent = view.status === "running" && rate > 0
    ? `${Math.round(rate).toLocaleString("en")} steps/s · ETA ${clock(eta)}`
    : view.status === "paused"
    ? "paused"
    : "";
}

/** Points the download links at the files as they are now. */
function renderDownloads(view: View): void {
  const link = (id: string, bytes: BlobPart | null, name?: string) => {
    const a = $<HTMLAnchorElement>(id);
    if (bytes === null) return;
    if (a.href.startsWith("blob:")) URL.revokeObjectURL(a.href);
    a.href = URL.createObjectURL(new Blob([bytes]));
    a.removeAttribute("aria-disabled");
    if (name) a.download = name, a.textContent = name;
  };
  if (view.metrics) link("download-metrics", view.metrics);
  if (view.manifest) link("download-manifest", JSON.stringify(view.manifest, null, 2) + "\n");
  if (view.latest) link("download-model", view.checkpoints.get(view.latest)! as BlobPart, view.latest);
  if (view.checkpoints.size > 1) {
    const holder = $("arm-models");
    for (const [name, bytes] of view.checkpoints) {
      const id = `download-${name.replace(/\.safetensors$/, "")}`;
      if (!document.getElementById(id)) {
        holder.append(Object.assign(document.createElement("a"), { id, download: name, textContent: name }));
      }
      link(id, bytes as BlobPart);
    }
  }
}

/** A run id as the command line names a run folder: `<UTC stamp>-seed<seed>`. */
function runId(seed: number): string {
  return `${new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z").replace("T", "-")}-seed${seed}`;
}

/** The browser's name and version, and the machine as far as a page can tell. */
function browserRuntime(): BrowserRuntime {
  const agent = navigator.userAgent;
  const brands =
    (navigator as unknown as { userAgentData?: { brands: { brand: string; version: string }[] } }).userAgentData
      ?.brands ?? [];
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
