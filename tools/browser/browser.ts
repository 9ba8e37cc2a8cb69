/**
 * Opens a report in headless Chromium (Debian's `chromium`, driven by
 * `puppeteer-core`), records every console error and failed resource, and
 * takes a screenshot: what the browser tests and the README's screenshot use.
 *
 * @module
 */
import { type Command, runCli, runMain, UsageError } from "../../lib/cli/mod.ts";
import type { Page } from "puppeteer-core";

/** Where Debian installs Chromium. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Flags for a quiet, sandbox-free headless run (the tests run as root). */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--headless=new",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** True when Chromium is installed at {@linkcode CHROMIUM_PATH}. */
export function hasChromium(): boolean {
  try {
    return Deno.statSync(CHROMIUM_PATH).isFile;
  } catch {
    return false;
  }
}

/** What opening a page found. */
export interface PageVisit<T> {
  /** Console errors, uncaught exceptions, failed requests and HTTP errors, one line each. */
  problems: string[];
  /** What `inspect` returned. */
  result: T;
}

/**
 * Opens `htmlPath` in a fresh headless Chromium, runs `inspect` on the loaded page, and saves a screenshot.
 *
 * @param htmlPath the HTML file, or an `http://` URL.
 * @param options `inspect` (default: nothing), `screenshot` PNG path, viewport `width` (default 1280) and `height`
 *   (default 900), `clip`: only `height` pixels from the top of the element `from` (a CSS selector), instead of the
 *   whole page, and `sameOrigin`: a request to anywhere but the page's own address is a problem.
 */
export async function visitPage<T>(
  htmlPath: string,
  options: {
    inspect?: (page: Page) => Promise<T>;
    screenshot?: string;
    width?: number;
    height?: number;
    clip?: { from: string; height: number };
    sameOrigin?: boolean;
  } = {},
): Promise<PageVisit<T | undefined>> {
  // Loaded only here: puppeteer reads the environment as it loads, which bare `deno test` does not allow.
  const { default: puppeteer } = await import("puppeteer-core");
  const profile = await Deno.makeTempDir({ prefix: "chromium_profile_" });
  // A long protocolTimeout: a test may wait in one call for a whole training run in the playground.
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    userDataDir: profile,
    protocolTimeout: 900_000,
  });
  const problems: string[] = [];
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: options.width ?? 1280, height: options.height ?? 900 });
    page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
    page.on("error", (e) => problems.push(`crash: ${e.message}`));
    page.on("pageerror", (e) => problems.push(`page error: ${(e as Error).message}`));
    page.on(
      "requestfailed",
      (r) => problems.push(`failed resource: ${r.url().slice(0, 80)} ${r.failure()?.errorText}`),
    );
    page.on("response", (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url().slice(0, 80)}`));
    const url = /^https?:\/\//.test(htmlPath) ? htmlPath : new URL(`file://${await Deno.realPath(htmlPath)}`).href;
    if (options.sameOrigin) page.on("request", (r) => outside(r.url(), url) && problems.push(`request to ${r.url()}`));
    await page.goto(url, { waitUntil: "load" });
    const result = await options.inspect?.(page);
    if (options.screenshot) await screenshot(page, { path: options.screenshot, clip: options.clip });
    return { problems, result };
  } finally {
    await browser.close();
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

/** Whether a request to `at` leaves the origin of `page` (its blob: and data: URLs stay). */
function outside(at: string, page: string): boolean {
  const origin = new URL(page).origin;
  return !at.startsWith(`${origin}/`) && !at.startsWith(`blob:${origin}/`) && !at.startsWith("data:");
}

async function screenshot(page: Page, options: { path: string; clip?: { from: string; height: number } }) {
  const path = options.path as `${string}.png`;
  if (!options.clip) return void await page.screenshot({ path, fullPage: true });
  const box = await (await page.$(options.clip.from))?.boundingBox();
  if (!box) throw new Error(`screenshot: no element ${options.clip.from}`);
  const width = page.viewport()!.width;
  await page.screenshot({
    path,
    captureBeyondViewport: true,
    clip: { x: 0, y: box.y, width, height: options.clip.height },
  });
}

/** `deno task report:screenshot REPORT.html OUT.png [SELECTOR HEIGHT]`: the README's picture, made as the tests do. */
export const SCREENSHOT: Command<Record<never, never>> = {
  task: "report:screenshot",
  usage: "REPORT.html OUT.png [SELECTOR HEIGHT]",
  positionals: { min: 2, max: 4 },
  about: "Opens REPORT.html in Chromium (1100 px wide) and writes OUT.png: the whole page, or HEIGHT pixels\n" +
    "(default 1200) from the element SELECTOR down. Prints any problem the page shows; exit 1 then.",
  flags: {},
};

/**
 * `deno task report:screenshot`'s command line: exit 0, 1 when the page shows a problem, 2 on bad input
 * (a report that is not there, a HEIGHT that is not a number).
 *
 * @param args the arguments after the task name.
 * @param options `err` prints a message line (default `console.error`).
 */
export function screenshotCli(args: string[], options: { err?: (line: string) => void } = {}): Promise<number> {
  const err = options.err ?? console.error;
  return runCli(SCREENSHOT, args, {
    err,
    run: async ({ positionals: [html, png, from, height] }) => {
      if (height !== undefined && !/^[1-9]\d*$/.test(height)) {
        throw new UsageError(`HEIGHT: got '${height}', expected a positive integer of pixels`);
      }
      if (!/^https?:\/\//.test(html!) && !isFile(html!)) {
        const hint = "give the path of a report.html, e.g. results/zhou/RUN/report.html";
        throw new UsageError(`no file ${html}`, { hint });
      }
      const clip = from ? { from, height: Number(height ?? 1200) } : undefined;
      const { problems } = await visitPage(html!, { screenshot: png, width: 1100, clip });
      for (const p of problems) err(p);
      return problems.length ? 1 : 0;
    },
  });
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

if (import.meta.main) await runMain((args) => screenshotCli(args));
