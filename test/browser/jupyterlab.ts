/// <reference lib="dom" />
// page.evaluate/waitForFunction callbacks run in the browser, so they use DOM types.
/**
 * Browser-test harness: real JupyterLab 4 from the checkout's `.venv`, driven in headless Debian
 * chromium through playwright-core (playwright's own browser download cannot work offline).
 *
 * Every lab gets its own throwaway Jupyter config, data, runtime, settings and workspace folders,
 * so runs share no state, and notebooks opened in it are *untrusted* unless executed there (trust
 * lives in the data folder's signature database). Screenshots go to `build/browser/`.
 *
 * Typical use in a jest test:
 * ```ts
 * const lab = await startJupyterLab({ rootDir });
 * const browser = await launchBrowser();
 * const page = await openNotebook(browser, lab, "widgets.ipynb");
 * await runAllCells(page);
 * await saveScreenshot(page, "widgets-after-run");
 * ```
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

/** The checkout's root folder. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** Where browser tests save screenshots and page texts (scanned for secrets by the suite). */
export const BROWSER_OUTPUT_DIR = path.join(REPO_ROOT, "build", "browser");

const CHROMIUM = "/usr/bin/chromium";
const JUPYTER = path.join(REPO_ROOT, ".venv", "bin", "jupyter");

/** The flags every headless run uses: no GPU, no sandbox (root), no traffic beyond the lab. */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];

/**
 * Why browser tests cannot run here, or `null` when they can. `npm test` installs both parts
 * (scripts/setup.sh), so a reason here means a broken setup; tests fail on it rather than skip.
 */
export function browserTestsUnavailable(): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install chromium)`;
  if (!existsSync(JUPYTER)) return `${JUPYTER} is missing (run npm run setup)`;
  return null;
}

/** A running JupyterLab server. */
export interface JupyterLab {
  /** Base URL, e.g. `http://127.0.0.1:40123`, without a trailing slash. */
  readonly url: string;
  readonly token: string;
  /** The folder JupyterLab serves (its file browser's root). */
  readonly rootDir: string;
  /** Everything the server printed so far, for failure messages. */
  log(): string;
  /** Stops the server and its kernels and removes the throwaway Jupyter folders. */
  stop(): Promise<void>;
}

/** Options of {@link startJupyterLab}. */
export interface StartJupyterLabOptions {
  /** Folder to serve. Notebooks in it import `scitacean-ts` through a `node_modules` link. */
  rootDir: string;
  /** UI theme of the lab, written as a user setting before the start. Default: light. */
  theme?: "light" | "dark";
  /** Extra environment for the server and its kernels. */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the server to answer. Default 60 s. */
  startTimeoutMs?: number;
  /**
   * Another Python environment to run JupyterLab from (its `bin/jupyter`), with only its own
   * `share/jupyter` (kernels, extensions) on the Jupyter path. Default: the checkout's `.venv`.
   */
  jupyterPrefix?: string;
}

/** A TCP port on the loopback interface that nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(value, null, 2));
}

/** Starts JupyterLab from `.venv` on a free loopback port with a random token. */
export async function startJupyterLab(options: StartJupyterLabOptions): Promise<JupyterLab> {
  const unavailable = browserTestsUnavailable();
  if (unavailable) throw new Error(`browser tests cannot run: ${unavailable}`);
  const home = await mkdtemp(path.join(os.tmpdir(), "scitacean-lab-"));
  const dirs = {
    JUPYTER_CONFIG_DIR: path.join(home, "config"),
    JUPYTER_DATA_DIR: path.join(home, "data"),
    JUPYTER_RUNTIME_DIR: path.join(home, "runtime"),
    JUPYTERLAB_SETTINGS_DIR: path.join(home, "settings"),
    JUPYTERLAB_WORKSPACES_DIR: path.join(home, "workspaces"),
    IPYTHONDIR: path.join(home, "ipython"),
  };
  await Promise.all(Object.values(dirs).map((d) => mkdir(d, { recursive: true })));
  // No news or update checks (offline; their toasts cover the notebook), and the chosen theme.
  await writeJson(
    path.join(dirs.JUPYTERLAB_SETTINGS_DIR, "@jupyterlab", "apputils-extension", "notification.jupyterlab-settings"),
    { fetchNews: "false", checkForUpdates: false },
  );
  await writeJson(
    path.join(dirs.JUPYTERLAB_SETTINGS_DIR, "@jupyterlab", "apputils-extension", "themes.jupyterlab-settings"),
    { theme: options.theme === "dark" ? "JupyterLab Dark" : "JupyterLab Light" },
  );

  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const args = [
    "lab",
    "--no-browser",
    "--ip=127.0.0.1",
    `--port=${port}`,
    "--port-retries=0",
    `--IdentityProvider.token=${token}`,
    `--ServerApp.root_dir=${options.rootDir}`,
    "--MappingKernelManager.default_kernel_name=tslab",
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--allow-root",
  ];
  const prefix = options.jupyterPrefix ?? path.join(REPO_ROOT, ".venv");
  const child: ChildProcess = spawn(path.join(prefix, "bin", "jupyter"), args, {
    cwd: options.rootDir,
    env: {
      ...process.env,
      ...options.env,
      ...dirs,
      // Our kernelspecs (tslab, tslab-stock) live in the venv.
      JUPYTER_PATH: path.join(prefix, "share", "jupyter"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(home, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`JupyterLab exited (code ${child.exitCode}) before answering:\n${output}`);
    }
    try {
      const response = await fetch(`${url}/api/status`, { headers: { Authorization: `token ${token}` } });
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`JupyterLab did not answer on ${url} in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, token, rootDir: options.rootDir, log: () => output, stop };
}

/** Launches headless Debian chromium. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Options of {@link openNotebook}. */
export interface OpenNotebookOptions {
  /** Viewport size; the default suits screenshots of a notebook. */
  viewport?: { width: number; height: number };
  /** How long to wait for the notebook and its kernel. Default 90 s. */
  timeoutMs?: number;
  /** Wait for the kernel to be idle (default true). Off for notebooks opened only to look at. */
  waitForKernel?: boolean;
}

/**
 * Opens `relPath` (relative to the lab's root) in a new page, with a fresh workspace (`?reset`),
 * and waits until the notebook is rendered and, by default, its kernel is idle.
 */
export async function openNotebook(
  browser: Browser,
  lab: JupyterLab,
  relPath: string,
  options: OpenNotebookOptions = {},
): Promise<Page> {
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 1000 } });
  const timeout = options.timeoutMs ?? 90_000;
  page.setDefaultTimeout(timeout);
  const encoded = relPath.split("/").map(encodeURIComponent).join("/");
  await page.goto(`${lab.url}/lab/tree/${encoded}?reset&token=${lab.token}`);
  await page.locator(`${VISIBLE_NOTEBOOK} .jp-Cell`).first().waitFor({ timeout });
  if (options.waitForKernel ?? true) await waitForKernelIdle(page, timeout);
  return page;
}

/** The notebook panel in front; JupyterLab keeps other documents in the DOM, hidden. */
export const VISIBLE_NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)";

/** Waits until the status bar reports the kernel idle. */
export async function waitForKernelIdle(page: Page, timeoutMs = 90_000): Promise<void> {
  await page.waitForFunction(
    () => /\|\s*Idle/.test(document.querySelector("#jp-main-statusbar")?.textContent ?? ""),
    undefined,
    { timeout: timeoutMs, polling: 200 },
  );
}

/** Waits until no cell of the visible notebook is queued or running (`[*]`) and the kernel is idle. */
export async function waitForCellsDone(page: Page, timeoutMs = 180_000): Promise<void> {
  await page.waitForFunction(
    (selector) => {
      const prompts = document.querySelectorAll(`${selector} .jp-InputPrompt`);
      const busy = Array.from(prompts).some((p) => (p.textContent ?? "").includes("*"));
      const idle = /\|\s*Idle/.test(document.querySelector("#jp-main-statusbar")?.textContent ?? "");
      return !busy && idle;
    },
    VISIBLE_NOTEBOOK,
    { timeout: timeoutMs, polling: 250 },
  );
}

/** Clicks a top-level menu entry, then an item of the menu it opens (e.g. "Run", "Run All Cells"). */
export async function menuCommand(page: Page, menu: string, item: string): Promise<void> {
  await page.locator(`.lm-MenuBar-itemLabel:text-is("${menu}")`).click();
  await page.locator(`.lm-Menu-itemLabel:text-is("${item}")`).click();
}

/** Runs every cell (Run ▸ Run All Cells) and waits until they are done. */
export async function runAllCells(page: Page, timeoutMs = 180_000): Promise<void> {
  await menuCommand(page, "Run", "Run All Cells");
  // The first cell turns "[*]" only after the click is processed; give it a moment to start.
  await page.waitForTimeout(500);
  await waitForCellsDone(page, timeoutMs);
}

/** The code and markdown cells of the visible notebook, in order. */
export function cells(page: Page) {
  return page.locator(`${VISIBLE_NOTEBOOK} .jp-Notebook .jp-Cell`);
}

/** Runs the cell at `index` (0-based) alone, without adding a cell, and waits until it is done. */
export async function runCell(page: Page, index: number, timeoutMs = 120_000): Promise<void> {
  const cell = cells(page).nth(index);
  await cell.locator(".jp-InputPrompt").first().click();
  await page.keyboard.press("Control+Enter");
  await page.waitForTimeout(300);
  await waitForCellsDone(page, timeoutMs);
}

/** The visible text of the outputs of the cell at `index`. */
export async function outputText(page: Page, index: number): Promise<string> {
  return (await cells(page).nth(index).locator(".jp-OutputArea").allInnerTexts()).join("\n");
}

/** Saves the file in front (Ctrl+S) and waits until JupyterLab no longer marks it dirty. */
export async function saveNotebook(page: Page): Promise<void> {
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+s");
  await page.waitForFunction(
    () => !document.querySelector(".jp-mod-current.jp-mod-dirty, .lm-TabBar-tab.lm-mod-current.jp-mod-dirty"),
    undefined,
    { timeout: 30_000, polling: 200 },
  );
}

/**
 * Saves a full-page PNG under `build/browser/<name>.png`, and the page's visible text next to it
 * (`<name>.txt`), so the suite's secrets scan also covers what the browser showed.
 * `fullPage: false` keeps to the viewport, for pages too long to look at whole.
 */
export async function saveScreenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  await mkdir(BROWSER_OUTPUT_DIR, { recursive: true });
  const file = path.join(BROWSER_OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? true });
  const text = await page.evaluate(() => document.body.innerText);
  await writeFile(path.join(BROWSER_OUTPUT_DIR, `${name}.txt`), text);
  return file;
}
