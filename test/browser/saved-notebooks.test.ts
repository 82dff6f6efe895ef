/// <reference lib="dom" />
/**
 * Executed notebooks reopened without running them. A notebook executed by nbclient is not signed,
 * so JupyterLab (in the harness's fresh data folder) treats its outputs as untrusted and sanitizes
 * them: no `<style>`, no `<svg>`, only allow-listed inline styles. GitHub and nbviewer do the same.
 * The dataset table must still show its read-only and required marks, left-aligned values and the
 * invalid value. The same notebook exported by nbconvert must read so too. Screenshots of the live
 * view (executed in the lab, trusted) and of the saved view go to build/browser/.
 */
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { Browser, Locator, Page } from "playwright-core";
import {
  cells,
  launchBrowser,
  openNotebook,
  REPO_ROOT,
  runAllCells,
  saveScreenshot,
  startJupyterLab,
  type JupyterLab,
} from "./jupyterlab";

jest.setTimeout(600_000);
const run = promisify(execFile);

/** The downloading tutorial plus one cell that shows a dataset with an invalid main field. */
const INVALID_CELL = {
  cell_type: "code",
  id: "invalid-source-folder",
  metadata: {},
  execution_count: null,
  outputs: [],
  source: 'dset.replace({ sourceFolder: "relative/folder" })',
};

let dir: string;
let executed: string;
let lab: JupyterLab;
let browser: Browser;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "scitacean-saved-"));
  const root = path.join(dir, "root");
  await mkdir(path.join(root, "node_modules"), { recursive: true });
  await symlink(REPO_ROOT, path.join(root, "node_modules", "scitacean-ts"));
  const tutorial = JSON.parse(await readFile(path.join(REPO_ROOT, "notebooks", "downloading.ipynb"), "utf8"));
  tutorial.cells.push(INVALID_CELL);
  const source = path.join(root, "saved-view.ipynb");
  await writeFile(source, JSON.stringify(tutorial, null, 1));
  // Executed as npm test executes the tutorials: nbclient through the runner, in a real tslab kernel.
  const out = path.join(dir, "out");
  await run(path.join(REPO_ROOT, ".venv", "bin", "python"), [
    path.join(REPO_ROOT, "test", "notebooks", "run_notebooks.py"), "--out", out, source,
  ], { timeout: 400_000 });
  executed = path.join(out, "saved-view.ipynb");
  await copyFile(executed, path.join(root, "saved.ipynb"));
  await copyFile(source, path.join(root, "live.ipynb"));
  lab = await startJupyterLab({ rootDir: root });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await lab?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The dataset table in the output of the cell with `id`. */
function datasetOutput(page: Page, index: number): Locator {
  return cells(page).nth(index).locator(".cean-dataset-repr");
}
const cellIndex = async (id: string): Promise<number> => {
  const nb = JSON.parse(await readFile(executed, "utf8")) as { cells: Array<{ id: string }> };
  const i = nb.cells.findIndex((c) => c.id === id);
  if (i < 0) throw new Error(`no cell ${id}`);
  return i;
};

/** What the reader sees of a dataset display, measured in the browser. */
interface Seen {
  styleElements: number;
  svgs: number;
  pidMark: { text: string; width: number; title: string | null };
  requiredMarks: Array<{ text: string; width: number; color: string }>;
  /** `text-align vertical-align` of every cell of the main table, as computed. */
  aligns: string[];
  invalid: { text: string; width: number; title: string | null; rowTitle: string | null; color: string } | null;
  /** Computed colour of the first dimmed `null` of the main table. */
  nullColor: string;
}

async function look(repr: Locator): Promise<Seen> {
  await repr.first().waitFor();
  return repr.first().evaluate((root) => {
    const row = (name: string): Element | undefined =>
      Array.from(root.querySelectorAll("tr.cean-field")).find(
        (tr) => tr.querySelector(".cean-field-name")?.textContent === name,
      );
    const box = (e: Element | null | undefined): number => (e ? e.getBoundingClientRect().width : 0);
    const lock = row("pid")?.querySelector(".cean-read-only");
    // The mark that is actually drawn: the SVG where it survived, else the text.
    const lockSvg = lock?.querySelector("svg");
    const lockText = lock?.querySelector(".cean-fallback");
    const drawn = lockSvg && box(lockSvg) > 0 ? lockSvg : lockText;
    const main = root.querySelector("table.cean-main-fields");
    const bad = root.querySelector("tr.cean-error");
    const problemMark = bad?.querySelector(".cean-problem-mark");
    const value = bad?.querySelector(".cean-field-value");
    const empty = main?.querySelector(".cean-empty");
    return {
      nullColor: empty ? getComputedStyle(empty).color : "",
      styleElements: root.querySelectorAll("style").length,
      svgs: root.querySelectorAll("svg").length,
      pidMark: {
        text: drawn === lockSvg ? "svg" : (drawn?.textContent ?? ""),
        width: box(drawn),
        title: lock?.getAttribute("title") ?? null,
      },
      requiredMarks: Array.from(main?.querySelectorAll(".cean-required") ?? []).map((e) => ({
        text: e.textContent ?? "",
        width: box(e),
        color: getComputedStyle(e).color,
      })),
      aligns: Array.from(main?.querySelectorAll("td, th") ?? []).map(
        (e) => `${getComputedStyle(e).textAlign} ${getComputedStyle(e).verticalAlign}`,
      ),
      invalid: bad
        ? {
            text: box(problemMark) > 0 ? (problemMark?.textContent ?? "") : "",
            width: box(bad),
            title: problemMark?.getAttribute("title") ?? null,
            rowTitle: bad.getAttribute("title"),
            color: value ? getComputedStyle(value).color : "",
          }
        : null,
    };
  });
}

const RED = "rgb(211, 47, 47)";
/** DIM_COLOR of src/html/inline-style.ts as the browser computes it. */
const INLINE_DIM = "rgba(128, 128, 128, 0.95)";

test("a saved executed notebook, opened untrusted in JupyterLab, keeps the marks and alignment", async () => {
  const page = await openNotebook(browser, lab, "saved.ipynb", { waitForKernel: false });
  const shown = await look(datasetOutput(page, await cellIndex("show-dataset")));
  // Sanitized indeed: no style sheet, no SVG padlock.
  expect(shown.styleElements).toBe(0);
  expect(shown.svgs).toBe(0);
  expect(shown.pidMark.text).toBe("\u{1F512}");
  expect(shown.pidMark.width).toBeGreaterThan(4);
  expect(shown.pidMark.title).toBe("read-only: set by SciCat");
  expect(shown.requiredMarks.length).toBeGreaterThan(0);
  for (const mark of shown.requiredMarks) expect(mark).toMatchObject({ text: "*", color: RED });
  for (const mark of shown.requiredMarks) expect(mark.width).toBeGreaterThan(2);
  expect(shown.aligns.length).toBeGreaterThan(20);
  expect(new Set(shown.aligns)).toEqual(new Set(["left top"]));
  expect(shown.invalid).toBeNull(); // the downloaded dataset is fine
  expect(shown.nullColor).toBe(INLINE_DIM); // the inline colour, as there is no style sheet

  const invalid = await look(datasetOutput(page, await cellIndex("invalid-source-folder")));
  expect(invalid.styleElements).toBe(0);
  expect(invalid.invalid).not.toBeNull();
  expect(invalid.invalid?.text).toBe("\u26A0");
  expect(invalid.invalid?.title).toMatch(/^sourceFolder: /);
  expect(invalid.invalid?.rowTitle).toBe(invalid.invalid?.title);
  expect(invalid.invalid?.color).toBe(RED);

  await datasetOutput(page, await cellIndex("show-dataset")).scrollIntoViewIfNeeded();
  await saveScreenshot(page, "saved-notebook-untrusted");
  await datasetOutput(page, await cellIndex("invalid-source-folder")).scrollIntoViewIfNeeded();
  await saveScreenshot(page, "saved-notebook-untrusted-invalid");
  await page.close();
});

test("the same notebook run in the lab (trusted) shows the live look: style sheet, SVG padlock", async () => {
  const page = await openNotebook(browser, lab, "live.ipynb");
  await runAllCells(page, 400_000);
  const shown = await look(datasetOutput(page, await cellIndex("show-dataset")));
  expect(shown.styleElements).toBe(1);
  expect(shown.pidMark.text).toBe("svg");
  // The theme's colours win over the literal inline ones where the style sheet is present.
  expect(shown.nullColor).not.toBe("");
  expect(shown.nullColor).not.toBe(INLINE_DIM);
  expect(shown.pidMark.width).toBeGreaterThan(4);
  expect(new Set(shown.aligns)).toEqual(new Set(["left top"]));
  const invalid = await look(datasetOutput(page, await cellIndex("invalid-source-folder")));
  // The text mark is a fallback only: the live view shows the row's tint and tooltip instead.
  expect(invalid.invalid).toMatchObject({ text: "" });
  expect(invalid.invalid?.rowTitle).toMatch(/^sourceFolder: /);
  await datasetOutput(page, await cellIndex("show-dataset")).scrollIntoViewIfNeeded();
  await saveScreenshot(page, "saved-notebook-live");
  await page.close();
});

test("nbconvert's HTML export of the executed notebook reads the same", async () => {
  const htmlDir = path.join(dir, "html");
  await run(path.join(REPO_ROOT, ".venv", "bin", "jupyter"), [
    "nbconvert", "--to", "html", "--output-dir", htmlDir, executed,
  ], { timeout: 120_000 });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(`file://${path.join(htmlDir, "saved-view.html")}`);
  const reprs = page.locator(".cean-dataset-repr");
  const shown = await look(reprs.first());
  expect(shown.pidMark.width).toBeGreaterThan(4);
  expect(shown.pidMark.title).toBe("read-only: set by SciCat");
  for (const mark of shown.requiredMarks) expect(mark.text).toBe("*");
  expect(new Set(shown.aligns)).toEqual(new Set(["left top"]));
  const invalid = await look(reprs.last());
  expect(invalid.invalid?.title).toMatch(/^sourceFolder: /);
  expect(invalid.invalid?.color).toBe(RED);
  await reprs.first().scrollIntoViewIfNeeded();
  await saveScreenshot(page, "saved-notebook-nbconvert");
  await page.close();
});

