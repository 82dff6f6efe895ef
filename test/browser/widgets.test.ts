/**
 * notebooks/widgets.ipynb in real JupyterLab 4 (with ipywidgets 8's front end from .venv) and
 * headless chromium, under both kernels: the widgets render, typing reaches the kernel, a click
 * runs a kernel handler that moves a progress bar, and after a page reload the widgets come back
 * from the kernel. Screenshots go to build/browser/.
 */
import { mkdtemp, readFile, rm, symlink, writeFile, mkdir } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import {
  REPO_ROOT,
  VISIBLE_NOTEBOOK,
  cells,
  launchBrowser,
  openNotebook,
  outputText,
  runAllCells,
  runCell,
  saveNotebook,
  saveScreenshot,
  startJupyterLab,
  waitForKernelIdle,
  type JupyterLab,
} from "./jupyterlab";

jest.setTimeout(600_000);

const NOTEBOOK = path.join(REPO_ROOT, "notebooks", "widgets.ipynb");

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** Index of the cell with nbformat id `id` (markdown cells count too). */
function cellIndex(notebook: { cells: { id: string }[] }, id: string): number {
  const i = notebook.cells.findIndex((c) => c.id === id);
  if (i < 0) throw new Error(`widgets.ipynb has no cell ${id}`);
  return i;
}

/** Scrolls cell `index` into view: JupyterLab renders only cells near the viewport in full. */
async function showCell(page: Page, index: number): Promise<void> {
  await cells(page).nth(index).scrollIntoViewIfNeeded();
}

/** Width of the IntProgress bar in the example cell, as its style says ("40%"). */
async function barWidth(page: Page, exampleCell: number): Promise<string> {
  await showCell(page, exampleCell);
  const bar = cells(page).nth(exampleCell).locator(".widget-hprogress .progress-bar").first();
  await bar.waitFor();
  return (await bar.evaluate((el) => (el as HTMLElement).style.width)) || "";
}

async function waitForBarWidth(page: Page, exampleCell: number, width: string): Promise<void> {
  await showCell(page, exampleCell);
  const bar = cells(page).nth(exampleCell).locator(".widget-hprogress .progress-bar").first();
  await bar.waitFor();
  await page.waitForFunction(
    ([el, w]) => (el as HTMLElement).style.width === w,
    [await bar.elementHandle(), width] as const,
    { timeout: 60_000, polling: 200 },
  );
}

describe.each(["tslab", "tslab-stock"])("widgets.ipynb in JupyterLab (%s kernel)", (kernel) => {
  let dir: string;
  let lab: JupyterLab;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "scitacean-widgets-"));
    const notebook = JSON.parse(await readFile(NOTEBOOK, "utf8"));
    notebook.metadata.kernelspec.name = kernel;
    await writeFile(path.join(dir, "widgets.ipynb"), JSON.stringify(notebook));
    // The notebook imports "scitacean-ts/widgets", as notebooks/ does through its link.
    await mkdir(path.join(dir, "node_modules"));
    await symlink(REPO_ROOT, path.join(dir, "node_modules", "scitacean-ts"));
    lab = await startJupyterLab({ rootDir: dir });
  });

  afterAll(async () => {
    await lab?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("renders the controls; typing, clicking and a page reload work", async () => {
    const notebook = JSON.parse(await readFile(path.join(dir, "widgets.ipynb"), "utf8"));
    const example = cellIndex(notebook, "example");
    const readName = cellIndex(notebook, "read-name");
    const page = await openNotebook(browser, lab, "widgets.ipynb");
    try {
      await runAllCells(page);
      await showCell(page, example);
      const output = cells(page).nth(example).locator(".jp-OutputArea");
      const input = output.locator(".widget-text input").first();
      await input.waitFor();
      await output.locator(".widget-button", { hasText: "Go" }).waitFor();
      // The notebook leaves the bar at 4 of 10 (set to 3, then one click from the kernel).
      await waitForBarWidth(page, example, "40%");
      await showCell(page, cellIndex(notebook, "more-controls"));
      await cells(page).nth(cellIndex(notebook, "more-controls")).locator(".widget-dropdown select").waitFor();
      await showCell(page, example);
      await saveScreenshot(page, `widgets-${kernel}-after-run`);

      // Typing into the Text reaches the kernel: the next cell reads it.
      await input.fill("Ada Lovelace");
      await page.waitForTimeout(500); // the widget manager throttles its updates
      await runCell(page, readName);
      expect(await outputText(page, readName)).toContain("Hello, Ada Lovelace!");
      await showCell(page, example);

      // A click runs the kernel's onClick handler, which moves the bar (the page cannot do that alone).
      await output.locator(".widget-button", { hasText: "Go" }).click();
      await waitForBarWidth(page, example, "50%");
      await output.locator(".widget-button", { hasText: "Go" }).click();
      await waitForBarWidth(page, example, "60%");
      await saveScreenshot(page, `widgets-${kernel}-after-click`);

      // After a reload the saved outputs refer to the kernel's models, which come back live.
      await saveNotebook(page);
      await page.reload();
      await page.locator(`${VISIBLE_NOTEBOOK} .jp-Cell`).first().waitFor();
      await waitForKernelIdle(page);
      await showCell(page, example);
      const again = cells(page).nth(example).locator(".jp-OutputArea");
      await again.locator(".widget-text input").first().waitFor({ timeout: 60_000 });
      expect(await again.locator(".widget-text input").first().inputValue()).toBe("Ada Lovelace");
      expect(await barWidth(page, example)).toBe("60%");
      await expect(again.innerText()).resolves.not.toMatch(/Error displaying widget/);
      // Still live after the reload: a click moves the bar again.
      await again.locator(".widget-button", { hasText: "Go" }).click();
      await waitForBarWidth(page, example, "70%");
      await saveScreenshot(page, `widgets-${kernel}-after-reload`);
    } catch (error) {
      await saveScreenshot(page, `widgets-${kernel}-failure`).catch(() => undefined);
      throw new Error(`${String(error)}\n--- JupyterLab log (tail) ---\n${lab.log().slice(-4000)}`);
    } finally {
      await page.close();
    }
  });
});
