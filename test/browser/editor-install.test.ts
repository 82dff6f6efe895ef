/// <reference lib="dom" />
/**
 * `npx scitacean-ts install --prefix <fresh venv>` into a brand-new Python environment (JupyterLab
 * and ipywidgets only), then JupyterLab from that environment renders the dataset editor with the
 * installed kernel and extension; `uninstall` removes both again.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser } from "playwright-core";
import { REPO_ROOT, cells, launchBrowser, openNotebook, runAllCells, saveScreenshot, startJupyterLab, type JupyterLab } from "./jupyterlab";

jest.setTimeout(900_000);

let dir: string;
let venv: string;
let lab: JupyterLab | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "scitacean-install-test-"));
  venv = path.join(dir, "venv");
  execFileSync("python3", ["-m", "venv", venv], { stdio: "inherit" });
  // Only the configured package sources are reachable: no retries against others.
  execFileSync(path.join(venv, "bin", "pip"), ["install", "--retries", "0", "--disable-pip-version-check", "--progress-bar", "off", "jupyterlab", "ipywidgets"], {
    stdio: ["ignore", "pipe", "pipe"], // pip's output is in the error if it fails
    timeout: 600_000,
  });
});

afterAll(async () => {
  await browser?.close();
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

const cli = (...args: string[]): string =>
  execFileSync(process.execPath, [path.join(REPO_ROOT, "bin", "scitacean-ts.js"), ...args], { encoding: "utf8" });

test("install puts the kernel and the extension into a fresh venv, whose JupyterLab renders the editor", async () => {
  const kernelDir = path.join(venv, "share", "jupyter", "kernels", "tslab");
  const extensionDir = path.join(venv, "share", "jupyter", "labextensions", "scitacean-ts-widgets");
  expect(existsSync(extensionDir)).toBe(false);

  const printed = cli("install", "--prefix", venv);
  expect(printed).toContain(`installed kernel "tslab" in ${kernelDir}`);
  expect(printed).toContain(`installed JupyterLab extension scitacean-ts-widgets in ${extensionDir}`);
  // `labextension list` writes to stderr.
  const listed = spawnSync(path.join(venv, "bin", "jupyter"), ["labextension", "list"], {
    encoding: "utf8",
    env: { ...process.env, JUPYTER_PATH: path.join(venv, "share", "jupyter") },
  }).stderr;
  expect(listed).toMatch(/scitacean-ts-widgets v0\.1\.0 .*enabled/);

  const nbDir = path.join(dir, "nb");
  await mkdir(nbDir);
  await symlink(path.join(REPO_ROOT, "notebooks", "node_modules"), path.join(nbDir, "node_modules"));
  await writeFile(
    path.join(nbDir, "installed.ipynb"),
    JSON.stringify({
      cells: [
        {
          cell_type: "code",
          id: "edit",
          metadata: {},
          execution_count: null,
          outputs: [],
          source: `import { Dataset } from "scitacean-ts";\nimport "scitacean-ts/widgets";\nnew Dataset({ type: "derived", name: "Installed" }).edit()`,
        },
      ],
      metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
      nbformat: 4,
      nbformat_minor: 5,
    }),
  );
  lab = await startJupyterLab({ rootDir: nbDir, jupyterPrefix: venv });
  browser = await launchBrowser();
  const page = await openNotebook(browser, lab, "installed.ipynb");
  await runAllCells(page);
  const name = cells(page).nth(0).locator('.jp-OutputArea [aria-label="name"]');
  await name.waitFor();
  expect(await name.inputValue()).toBe("Installed");
  // A derived dataset's own required field is there and marked.
  expect(await cells(page).nth(0).locator('[aria-label="inputDatasets"]').getAttribute("aria-invalid")).toBe("true");
  await saveScreenshot(page, "editor-installed-venv");
  await page.close();

  const removed = cli("uninstall", "--prefix", venv);
  expect(removed).toContain(`removed ${extensionDir}`);
  expect(removed).toContain(`removed ${kernelDir}`);
  expect(existsSync(extensionDir) || existsSync(kernelDir)).toBe(false);
});
