/// <reference lib="dom" />
/**
 * The dataset editor and the upload widget in real JupyterLab (headless chromium), uploading over
 * SFTP to the throwaway sshd and registering at the SciCat stand-in: validation marks, two-way
 * sync, progress bars, Cancel with rollback, restore after reload, light and dark screenshots.
 */
import { mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import {
  BROWSER_OUTPUT_DIR,
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
  type JupyterLab,
} from "./jupyterlab";

jest.setTimeout(600_000);

const code = (id: string, source: string) => ({ cell_type: "code", id, metadata: {}, execution_count: null, outputs: [], source });

/** 64 MiB (over two files) for the upload that completes; 512 MiB for the one that is cancelled. */
const notebook = {
  cells: [
    code(
      "setup",
      `import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Client, Dataset, SFTPFileTransfer } from "scitacean-ts";
import { DEFAULT_SCICAT_USERS, ScicatServer, startSftpServer } from "scitacean-ts/testing";
import { UploadWidget } from "scitacean-ts/widgets";

const server = new ScicatServer();
await server.start();
const sftp = await startSftpServer();
const nanny = DEFAULT_SCICAT_USERS.find((user) => user.username === "nanny")!;
const client = await Client.fromCredentials({
  url: server.url, username: nanny.username, password: nanny.password,
  fileTransfer: new SFTPFileTransfer({
    host: sftp.host, port: sftp.port, username: sftp.username, privateKey: sftp.privateKey,
    knownHosts: sftp.knownHostsFile, sourceFolder: \`\${sftp.dataRoot}/{ownerGroup}/{uid}\`,
  }),
});
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "scitacean-editor-"));
for (const [name, mib] of [["a.dat", 32], ["b.dat", 32], ["big.dat", 512]] as const) {
  const fd = fs.openSync(path.join(workDir, name), "w");
  const chunk = Buffer.alloc(1024 * 1024, name.charCodeAt(0));
  for (let i = 0; i < mib; i++) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}
function filesBelow(root: string, dir = ""): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    return entry.isDirectory() ? filesBelow(root, relative) : [relative];
  });
}
const fields = {
  type: "raw", ownerGroup: "wyrdsisters", owner: "Nanny Ogg", principalInvestigator: "Esme Weatherwax",
  contactEmail: "nogg@wyrd.lancre", creationLocation: "lancre/whichhut", sourceFolder: "/somewhere/on/remote",
} as const;
console.log("SETUP_DONE");`,
    ),
    code(
      "first",
      `const dset = new Dataset({ ...fields, name: "Spellpower" });
dset.addLocalFiles([path.join(workDir, "a.dat"), path.join(workDir, "b.dat")], { basePath: workDir });
const upload = client.uploadWidget(dset);
upload`,
    ),
    code("check", `console.log("OWNER_GROUP=" + JSON.stringify(dset.ownerGroup));`),
    code(
      "second",
      `const big = new Dataset({ ...fields, name: "Too big to wait for" });
big.addLocalFiles(path.join(workDir, "big.dat"), { basePath: workDir });
new UploadWidget(client, big)`,
    ),
    code(
      "left",
      `console.log("SERVER_FILES=" + JSON.stringify(filesBelow(sftp.dataRoot).sort()));
console.log("DATASETS=" + server.datasets.size);`,
    ),
  ],
  metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
  nbformat: 4,
  nbformat_minor: 5,
};

let dir: string;
let lab: JupyterLab | undefined;
let browser: Browser;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "scitacean-editor-test-"));
  await symlink(path.join(REPO_ROOT, "notebooks", "node_modules"), path.join(dir, "node_modules"));
  await writeFile(path.join(dir, "editor.ipynb"), JSON.stringify(notebook));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The output area of the cell at `index`. */
const output = (page: Page, index: number): Locator => cells(page).nth(index).locator(".jp-OutputArea");

/** Samples `aria-valuenow` of `bar` every 100 ms until `done` is visible; returns the samples. */
async function sampleProgress(page: Page, bar: Locator, done: Locator, failed: Locator, timeoutMs = 240_000): Promise<number[]> {
  const samples: number[] = [];
  const deadline = Date.now() + timeoutMs;
  while (!(await done.isVisible())) {
    if (await failed.isVisible()) throw new Error(`the upload failed: ${await failed.innerText()}`);
    if (Date.now() > deadline) throw new Error(`no outcome after ${timeoutMs} ms; last samples ${samples.slice(-10).join(", ")}`);
    const now = await bar.getAttribute("aria-valuenow", { timeout: 1000 }).catch(() => null);
    if (now !== null) samples.push(Number(now));
    await page.waitForTimeout(100);
  }
  return samples;
}

test("edit, validate, upload over SFTP with progress, cancel with rollback, restore after reload", async () => {
  lab = await startJupyterLab({ rootDir: dir });
  const page = await openNotebook(browser, lab, "editor.ipynb");
  await runAllCells(page, 300_000);
  expect(await outputText(page, 0)).toContain("SETUP_DONE");

  const first = output(page, 1);
  const ownerGroup = first.locator('[aria-label="ownerGroup"]');
  await ownerGroup.waitFor();
  expect(await ownerGroup.inputValue()).toBe("wyrdsisters");
  const uploadButton = first.locator('button:text-is("Upload")');
  expect(await uploadButton.isEnabled()).toBe(true);
  await saveScreenshot(page, "editor-light");

  // Clear a required field: marked invalid, with the message of validate(), and Upload disabled.
  await ownerGroup.fill("");
  await page.waitForFunction(
    (sel) => document.querySelector(sel)?.getAttribute("aria-invalid") === "true",
    `${VISIBLE_NOTEBOOK} [aria-label="ownerGroup"]`,
  );
  const messageId = await ownerGroup.getAttribute("aria-describedby");
  const message = await page.locator(`[id="${messageId}"]`).innerText();
  expect(message).toBe("required for raw datasets, but missing.");
  await page.waitForFunction((sel) => (document.querySelector(sel) as HTMLButtonElement | null)?.disabled === true, `${VISIBLE_NOTEBOOK} .scitacean-upload button.scitacean-primary`);
  expect(await first.locator(".scitacean-upload-bar").innerText()).toContain("Upload is disabled: ownerGroup: required for raw datasets, but missing.");
  await saveScreenshot(page, "editor-invalid-light");

  // Fill it: the marker goes and the kernel-side Dataset has the value.
  await ownerGroup.fill("witches");
  await page.waitForFunction(
    (sel) => document.querySelector(sel)?.getAttribute("aria-invalid") === "false",
    `${VISIBLE_NOTEBOOK} [aria-label="ownerGroup"]`,
  );
  await page.waitForFunction((sel) => (document.querySelector(sel) as HTMLButtonElement | null)?.disabled === false, `${VISIBLE_NOTEBOOK} .scitacean-upload button.scitacean-primary`);
  await runCell(page, 2);
  expect(await outputText(page, 2)).toContain('OWNER_GROUP="witches"');

  // Upload 64 MiB over SFTP from the button (keyboard: focus it and press Enter).
  await uploadButton.focus();
  await page.keyboard.press("Enter");
  const overall = first.locator('.scitacean-progress [role="progressbar"][aria-label="total"]');
  const pid = first.locator(".scitacean-pid");
  const samples = await sampleProgress(page, overall, pid, first.locator(".scitacean-error"));
  const max = Number(await overall.getAttribute("aria-valuemax"));
  expect(max).toBe(64 * 1024 * 1024);
  expect(Number(await overall.getAttribute("aria-valuenow"))).toBe(max);
  const rising = [...new Set(samples.filter((s) => s > 0 && s < max))];
  expect(rising.length).toBeGreaterThanOrEqual(2); // intermediate values seen on the way
  expect(samples).toEqual([...samples].sort((a, b) => a - b)); // never backwards
  await writeFile(path.join(BROWSER_OUTPUT_DIR, "editor-progress-samples.txt"), `${samples.join("\n")}\nmax ${max}\n`);
  expect(await uploadButton.isDisabled()).toBe(true); // uploaded once; the button says so
  const pidText = await pid.innerText();
  expect(pidText).toMatch(/\S+\/\S+/);
  await saveScreenshot(page, "editor-uploaded-light");

  // A second upload (512 MiB), cancelled midway: the rollback is reported and nothing is left.
  const second = output(page, 3);
  await second.locator('button:text-is("Upload")').click();
  const bar2 = second.locator('.scitacean-progress [role="progressbar"][aria-label="total"]');
  for (let k = 0; Number((await bar2.getAttribute("aria-valuenow").catch(() => null)) ?? 0) === 0; k++) {
    if (k > 1200) throw new Error("the second upload did not start");
    await page.waitForTimeout(50);
  }
  expect(Number(await bar2.getAttribute("aria-valuenow"))).toBeLessThan(Number(await bar2.getAttribute("aria-valuemax")));
  await second.locator('.scitacean-progress button:text-is("Cancel")').click();
  const outcome = second.locator(".scitacean-error");
  await outcome.waitFor({ timeout: 120_000 });
  expect(await outcome.innerText()).toMatch(/^Cancelled\. (Rolled back: removed 1 file\(s\) from the file server \(big\.dat\)|No file had been written)/);
  await saveScreenshot(page, "editor-cancelled-light");
  await runCell(page, 4);
  const left = await outputText(page, 4);
  const serverFiles = JSON.parse(/SERVER_FILES=(.*)/.exec(left)?.[1] ?? "null") as string[];
  expect(serverFiles.map((f) => path.basename(f)).sort()).toEqual(["a.dat", "b.dat"]); // only the first upload's
  expect(left).toContain("DATASETS=1");

  // Save and reload: the widgets come back from the live kernel.
  await saveNotebook(page);
  await page.reload();
  const restored = output(page, 1).locator('[aria-label="ownerGroup"]');
  await restored.waitFor({ timeout: 60_000 });
  expect(await restored.inputValue()).toBe("witches");
  expect(await output(page, 1).locator(".scitacean-pid").innerText()).toBe(pidText);
  await saveScreenshot(page, "editor-reloaded-light");

  // The saved notebook keeps the HTML form of each widget (JupyterLab saves widget state only
  // when its "save widget state" setting is on; nbconvert's execution keeps it, see the notebook tests).
  const saved = JSON.parse(await readFile(path.join(dir, "editor.ipynb"), "utf8"));
  const bundle = saved.cells[1].outputs.find((o: { data?: Record<string, unknown> }) => o.data?.["application/vnd.jupyter.widget-view+json"]);
  expect(String(bundle?.data?.["text/html"] ?? "")).toContain("Spellpower");
  await page.close();
});

test("the editor follows the dark theme", async () => {
  await lab?.stop();
  lab = await startJupyterLab({ rootDir: dir, theme: "dark" });
  await writeFile(
    path.join(dir, "dark.ipynb"),
    JSON.stringify({
      ...notebook,
      cells: [
        code(
          "dark",
          `import { Dataset } from "scitacean-ts";
import "scitacean-ts/widgets";
const d = new Dataset({ type: "raw", name: "Dark", ownerGroup: "", contactEmail: "not-an-email" });
d.meta = { temperature: { value: 123, unit: "K" } };
d.edit()`,
        ),
      ],
    }),
  );
  const page = await openNotebook(browser, lab, "dark.ipynb");
  await runAllCells(page);
  const email = output(page, 0).locator('[aria-label="contactEmail"]');
  await email.waitFor();
  expect(await email.getAttribute("aria-invalid")).toBe("true");
  const colours = await page.evaluate(() => {
    const root = document.querySelector(".scitacean-editor") as HTMLElement;
    return { color: getComputedStyle(root).color, background: getComputedStyle(root).backgroundColor };
  });
  // Light text on a dark background.
  const lum = (rgb: string): number => rgb.match(/\d+/g)!.slice(0, 3).map(Number).reduce((a, b) => a + b, 0) / 3;
  expect(lum(colours.color)).toBeGreaterThan(lum(colours.background));
  expect(await output(page, 0).locator('[aria-label="metadata unit 1"]').inputValue()).toBe("K");
  await saveScreenshot(page, "editor-dark");
  await page.close();
});
