/**
 * The browser harness itself, on a throwaway notebook: real JupyterLab, the tslab kernel,
 * headless chromium. If this fails, every other browser test would fail for the same reason.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser } from "playwright-core";
import {
  launchBrowser,
  openNotebook,
  outputText,
  runAllCells,
  runCell,
  saveNotebook,
  saveScreenshot,
  startJupyterLab,
  type JupyterLab,
} from "./jupyterlab";

jest.setTimeout(240_000);

const notebook = {
  cells: [
    { cell_type: "code", id: "sum", metadata: {}, execution_count: null, outputs: [], source: "const x = 40 + 2;\nconsole.log(`x is ${x}`);" },
    { cell_type: "code", id: "again", metadata: {}, execution_count: null, outputs: [], source: "console.log(`twice ${x * 2}`);" },
  ],
  metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
  nbformat: 4,
  nbformat_minor: 5,
};

let dir: string;
let lab: JupyterLab;
let browser: Browser;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "scitacean-harness-"));
  await writeFile(path.join(dir, "harness.ipynb"), JSON.stringify(notebook));
  lab = await startJupyterLab({ rootDir: dir });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

test("runs all cells of a notebook in the tslab kernel, re-runs one, and saves it", async () => {
  const page = await openNotebook(browser, lab, "harness.ipynb");
  await runAllCells(page);
  expect(await outputText(page, 0)).toContain("x is 42");
  expect(await outputText(page, 1)).toContain("twice 84");
  await runCell(page, 1);
  expect(await outputText(page, 1)).toContain("twice 84");
  await saveNotebook(page);
  await saveScreenshot(page, "harness");
  const saved = JSON.parse(await readFile(path.join(dir, "harness.ipynb"), "utf8"));
  expect(JSON.stringify(saved.cells[0].outputs)).toContain("x is 42");
  await page.close();
});
