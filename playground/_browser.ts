/**
 * Drives the playground in headless Chromium for the tests: every console
 * error, page error, failed request and request to anywhere but the serving
 * address is recorded.
 *
 * @module
 */
import type { Page } from "puppeteer-core";
import { CHROMIUM_PATH } from "../lib/report/html/browser.ts";

/** What a run in the page left. */
export interface PageRun {
  /** `document.body.dataset.state` at the end. */
  state: string;
  /** The page's message line (an error). */
  message: string;
  /** The three downloads' contents. */
  metrics: string;
  manifest: string;
  model: Uint8Array;
}

/**
 * Opens `url` in a fresh headless Chromium and runs `fn` on the page.
 *
 * @returns what `fn` returned and the problems seen.
 */
export async function inChromium<T>(
  url: string,
  fn: (page: Page) => Promise<T>,
): Promise<{ result: T; problems: string[] }> {
  const { default: puppeteer } = await import("puppeteer-core");
  const profile = await Deno.makeTempDir({ prefix: "chromium_profile_" });
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--no-sandbox",
      "--headless=new",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    userDataDir: profile,
    protocolTimeout: 900_000,
  });
  const problems: string[] = [];
  const origin = new URL(url).origin;
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 1060 });
    page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
    if (Deno.env.get("PLAYGROUND_DEBUG")) page.on("console", (m) => console.log(`console ${m.type()}: ${m.text()}`));
    page.on("error", (e) => problems.push(`crash: ${e.message}`));
    page.on("pageerror", (e) => problems.push(`page error: ${(e as Error).message}`));
    page.on(
      "requestfailed",
      (r) => problems.push(`failed request: ${r.url().slice(0, 100)} ${r.failure()?.errorText}`),
    );
    page.on("request", (r) => {
      const at = r.url();
      if (!at.startsWith(`${origin}/`) && !at.startsWith(`blob:${origin}/`) && !at.startsWith("data:")) {
        problems.push(`request outside the server: ${at}`);
      }
    });
    page.on("response", (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url().slice(0, 100)}`));
    await page.goto(url, { waitUntil: "load" });
    return { result: await fn(page), problems };
  } finally {
    await browser.close();
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

/** Waits until the run ends (its state neither idle, running nor paused). */
export async function ended(page: Page): Promise<string> {
  for (;;) {
    const state = await page.evaluate(() => document.body.dataset.state ?? "");
    if (!["idle", "running", "paused"].includes(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The page's state, message and the contents of its three download links. */
export async function downloads(page: Page): Promise<PageRun> {
  const got = await page.evaluate(async () => {
    const text = (id: string) => document.getElementById(id)?.textContent ?? "";
    const file = async (id: string) => {
      const href = (document.getElementById(id) as HTMLAnchorElement | null)?.href;
      if (!href?.startsWith("blob:")) return null;
      return [...new Uint8Array(await (await fetch(href)).arrayBuffer())];
    };
    return {
      state: document.body.dataset.state ?? "",
      message: text("message"),
      metrics: await file("download-metrics"),
      manifest: await file("download-manifest"),
      model: await file("download-model"),
    };
  });
  const decode = (bytes: number[] | null) => new TextDecoder().decode(Uint8Array.from(bytes ?? []));
  return {
    ...got,
    metrics: decode(got.metrics),
    manifest: decode(got.manifest),
    model: Uint8Array.from(got.model ?? []),
  };
}
