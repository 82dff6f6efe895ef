/**
 * `npm start` (scripts/start.sh): JupyterLab on notebooks/ whose file browser lists the tutorials
 * but not the `node_modules` link that lets them import scitacean-ts; the link itself stays.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readlink, realpath, rm } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { freePort } from "../browser/jupyterlab";

jest.setTimeout(240_000);

const REPO = path.resolve(__dirname, "..", "..");

let home: string;
let child: ChildProcess | undefined;
let output = "";

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child?.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
  if (home) await rm(home, { recursive: true, force: true });
});

test("npm start hides node_modules from the file browser; the import link stays", async () => {
  home = await mkdtemp(path.join(os.tmpdir(), "scitacean-start-"));
  const port = await freePort();
  // Throwaway Jupyter folders, so the server shares no state with anything else on the machine.
  const dirs = Object.fromEntries(
    ["JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR", "IPYTHONDIR"].map(
      (name) => [name, path.join(home, name)],
    ),
  );
  child = spawn("bash", [path.join(REPO, "scripts", "start.sh")], {
    cwd: REPO,
    env: { ...process.env, ...dirs, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));

  // The URL Jupyter prints carries the token.
  const deadline = Date.now() + 180_000;
  let token: string | undefined;
  while (!token) {
    token = new RegExp(`127\\.0\\.0\\.1:${port}/lab\\?token=([0-9a-f]+)`).exec(output)?.[1];
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`no URL with token in time:\n${output}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  const response = await fetch(`http://127.0.0.1:${port}/api/contents/`, { headers: { Authorization: `token ${token}` } });
  expect(response.status).toBe(200);
  const listing = (await response.json()) as { content: Array<{ name: string }> };
  const names = listing.content.map((e) => e.name);
  expect(names).toContain("downloading.ipynb");
  expect(names).not.toContain("node_modules");
  // Hidden from the listing only: the kernel still resolves `scitacean-ts` through the link.
  const link = path.join(REPO, "notebooks", "node_modules", "scitacean-ts");
  expect(await readlink(link)).toBe("../..");
  expect(await realpath(link)).toBe(await realpath(REPO));
});
