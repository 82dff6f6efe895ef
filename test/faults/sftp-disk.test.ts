/**
 * Server-side write failures against a real sshd: a full disk (a small
 * tmpfs) and a read-only file system (a tmpfs mounted read-only). Mounting
 * needs root (as here and in CI); elsewhere these tests are skipped with a
 * logged note. Permissions cannot be tested this way because root ignores
 * them, and the test sshd logs in the user running the tests.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { FileUploadError } from "../../src/errors";
import { setLogHandler } from "../../src/logging";
import { ScicatServer } from "../../src/testing/scicat-server";
import { canMount, mountTmpfs, unmount } from "../helpers/faults";
import { startSshd, type TestSshd } from "../helpers/sshd";
import { expectConsistentAfterFault, expectRetrySucceeds, faultCase, faultClient, failureOf } from "./fixture";

const mountable = canMount();
if (!mountable) {
  process.stdout.write("[faults] sftp-disk: skipped — mounting a tmpfs needs root (and a container that allows it).\n");
}
const maybe = mountable ? describe : describe.skip;

let scicat: ScicatServer;
let sshd: TestSshd;
let localRoot: string;
const mounts: string[] = [];
let restoreLogs: () => void;

beforeAll(async () => {
  if (!mountable) return;
  scicat = new ScicatServer();
  await scicat.start();
  sshd = await startSshd();
  localRoot = mkdtempSync(path.join(os.tmpdir(), "scitacean-faults-disk-"));
}, 30_000);

afterAll(async () => {
  for (const dir of mounts) unmount(dir);
  await scicat?.stop();
  await sshd?.stop();
  if (localRoot) rmSync(localRoot, { recursive: true, force: true });
});

beforeEach(() => {
  const previous = setLogHandler(() => undefined);
  restoreLogs = () => void setLogHandler(previous);
});
afterEach(() => restoreLogs());

/** A tmpfs below the sshd's data folder. */
function mounted(name: string, size: string, readOnly = false): string {
  const dir = path.join(sshd.dataRoot, name);
  mountTmpfs(dir, size, { readOnly });
  mounts.push(dir);
  return dir;
}

function remount(dir: string, options: string): void {
  const result = spawnSync("mount", ["-o", `remount,${options}`, dir], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`remount of ${dir} failed: ${result.stderr}`);
}

maybe("server-side write failures", () => {
  it("disk full: says so, names file and folder, removes the partial file; a retry succeeds once there is room", async () => {
    const disk = mounted("small-disk", "8m");
    const c = faultCase(localRoot, disk, [3_000_000, 7_000_000, 2_000_000]);
    const client = faultClient(scicat.url, scicat, sshd.transferOptions());
    const { error } = await failureOf(client.uploadNewDatasetNow(c.dataset()));
    expect(error).toBeInstanceOf(FileUploadError);
    const message = (error as Error).message;
    expect(message).toContain(`on SFTP host '${sshd.host}:${sshd.port}'`);
    expect(message).toMatch(/no space left: the file system holding '.*\/data(\/sub)?' has .* free/);
    expect(message).toMatch(/\.f1\.bin\.[0-9a-f]{8}\.part'/); // The file being written, by its temporary name.
    expect((error as FileUploadError).leftOver).toEqual([]);
    // Everything removed: the space is free again.
    expect(existsSync(c.sourceFolder) ? readdirSync(c.sourceFolder) : []).toEqual([]);
    expectConsistentAfterFault(c, error, scicat);
    remount(disk, "size=64m");
    await expectRetrySucceeds(c, error, client, scicat);
  }, 60_000);

  it("read-only file system: says so and names the folder; nothing is written; a retry succeeds once writable", async () => {
    const disk = mounted("read-only", "16m");
    const c = faultCase(localRoot, disk, [1_000_000, 500_000]);
    // The source folder exists already (made while writable), so the first write is the file's.
    spawnSync("mkdir", ["-p", path.join(c.sourceFolder, "sub")]);
    remount(disk, "ro");
    const client = faultClient(scicat.url, scicat, sshd.transferOptions());
    const { error } = await failureOf(client.uploadNewDatasetNow(c.dataset()));
    expect(error).toBeInstanceOf(FileUploadError);
    const message = (error as Error).message;
    expect(message).toContain(`on SFTP host '${sshd.host}:${sshd.port}'`);
    expect(message).toContain(`the file system holding '${c.sourceFolder}' is read-only`);
    expectConsistentAfterFault(c, error, scicat);
    remount(disk, "rw");
    await expectRetrySucceeds(c, error, client, scicat);
  }, 60_000);

  it("read-only file system where the folder must be created: the message names the folder", async () => {
    const disk = mounted("read-only-empty", "1m", true);
    const c = faultCase(localRoot, disk, [1_000]);
    const client = faultClient(scicat.url, scicat, sshd.transferOptions());
    const { error } = await failureOf(client.uploadNewDatasetNow(c.dataset()));
    expect(error).toBeInstanceOf(FileUploadError);
    expect((error as Error).message).toContain(`Failed to create the folder '${c.remoteRoot}'`);
    expect((error as Error).message).toContain(`is read-only`);
    expectConsistentAfterFault(c, error, scicat);
    remount(disk, "rw");
    await expectRetrySucceeds(c, error, client, scicat);
  }, 60_000);
});
