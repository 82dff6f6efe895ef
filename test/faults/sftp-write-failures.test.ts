/**
 * Server-side write failures against a real sshd: a full disk (a small
 * tmpfs) and a read-only file system (a tmpfs mounted read-only). Mounting
 * needs root (as here and in CI); elsewhere these tests are skipped with a
 * logged note. Permissions are met by a second sshd that logs in `nobody`
 * (root ignores permissions), also only when running as root.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { FileUploadError } from "../../src/errors";
import { canMount, filesBelow, mountTmpfs, unmount } from "../helpers/faults";
import { startSshd, type TestSshd } from "../helpers/sshd";
import { expectConsistentAfterFault, expectRetrySucceeds, faultCase, faultClient, failureOf, useFaultServers } from "./fixture";

const mountable = canMount();
if (!mountable) {
  process.stdout.write("[faults] sftp-disk: skipped — mounting a tmpfs needs root (and a container that allows it).\n");
}
const maybe = mountable ? describe : describe.skip;

const asRoot = process.getuid?.() === 0;
const mounts: string[] = [];
// Declared before the servers' hooks, so that it runs first: sshd's folder can only be removed once unmounted.
afterAll(() => {
  for (const dir of mounts) unmount(dir);
});
const env = useFaultServers("disk", mountable || asRoot);

/** A tmpfs below the env.sshd's data folder. */
function mounted(name: string, size: string, readOnly = false): string {
  const dir = path.join(env.sshd.dataRoot, name);
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
    const c = faultCase(env.localRoot, disk, [3_000_000, 7_000_000, 2_000_000]);
    const client = faultClient(env.scicat.url, env.scicat, env.sshd.transferOptions());
    const { error } = await failureOf(client.uploadNewDatasetNow(c.dataset()));
    expect(error).toBeInstanceOf(FileUploadError);
    const message = (error as Error).message;
    expect(message).toContain(`on SFTP host '${env.sshd.host}:${env.sshd.port}'`);
    expect(message).toMatch(/no space left: the file system holding '.*\/data(\/sub)?' has .* free/);
    // The file being written, by its name and its temporary name.
    expect(message).toMatch(new RegExp(`Failed to write '${c.sourceFolder}/sub/f1.bin' \\(being written as '\\.f1\\.bin\\.[0-9a-f]{8}\\.part'\\)`));
    expect((error as FileUploadError).leftOver).toEqual([]);
    // Everything removed: the space is free again.
    expect(existsSync(c.sourceFolder) ? readdirSync(c.sourceFolder) : []).toEqual([]);
    expectConsistentAfterFault(c, error, env.scicat);
    remount(disk, "size=64m");
    await expectRetrySucceeds(c, error, client, env.scicat);
  }, 60_000);

  it("read-only file system: says so and names the folder; nothing is written; a retry succeeds once writable", async () => {
    const disk = mounted("read-only", "16m");
    const c = faultCase(env.localRoot, disk, [1_000_000, 500_000]);
    // The source folder exists already (made while writable), so the first write is the file's.
    spawnSync("mkdir", ["-p", path.join(c.sourceFolder, "sub")]);
    remount(disk, "ro");
    const client = faultClient(env.scicat.url, env.scicat, env.sshd.transferOptions());
    const { error } = await failureOf(client.uploadNewDatasetNow(c.dataset()));
    expect(error).toBeInstanceOf(FileUploadError);
    const message = (error as Error).message;
    expect(message).toContain(`on SFTP host '${env.sshd.host}:${env.sshd.port}'`);
    expect(message).toContain(`the file system holding '${c.sourceFolder}' is read-only`);
    expectConsistentAfterFault(c, error, env.scicat);
    remount(disk, "rw");
    await expectRetrySucceeds(c, error, client, env.scicat);
  }, 60_000);

  it("read-only file system where the folder must be created: the message names the folder", async () => {
    const disk = mounted("read-only-empty", "1m", true);
    const c = faultCase(env.localRoot, disk, [1_000]);
    const client = faultClient(env.scicat.url, env.scicat, env.sshd.transferOptions());
    const { error } = await failureOf(client.uploadNewDatasetNow(c.dataset()));
    expect(error).toBeInstanceOf(FileUploadError);
    expect((error as Error).message).toContain(`Failed to create the folder '${c.remoteRoot}' on SFTP host`);
    expect((error as Error).message.split("Failed to create").length).toBe(2); // Said once, not wrapped twice.
    expect((error as Error).message).toContain(`is read-only`);
    expectConsistentAfterFault(c, error, env.scicat);
    remount(disk, "rw");
    await expectRetrySucceeds(c, error, client, env.scicat);
  }, 60_000);
});

if (!asRoot) process.stdout.write("[faults] sftp-write-failures: permission tests skipped — they need root.\n");

(asRoot ? describe : describe.skip)("permission denied (env.sshd logs in 'nobody')", () => {
  let nobody: TestSshd;
  beforeAll(async () => {
    nobody = await startSshd({ user: "nobody" });
  }, 30_000);
  afterAll(async () => {
    await nobody?.stop();
  });

  it("a folder this user may not write in: says so and names the folder; a retry succeeds once allowed", async () => {
    // Owned by root, not writable by others: nobody may look but not write.
    const locked = path.join(nobody.dataRoot, "locked");
    const c = faultCase(env.localRoot, locked, [300_000]);
    mkdirSync(c.sourceFolder, { recursive: true });
    chmodSync(c.sourceFolder, 0o755);
    const client = faultClient(env.scicat.url, env.scicat, nobody.transferOptions());
    const { error } = await failureOf(client.uploadNewDatasetNow(c.dataset()));
    expect(error).toBeInstanceOf(FileUploadError);
    const message = (error as Error).message;
    expect(message).toContain(`on SFTP host '${nobody.host}:${nobody.port}'`);
    expect(message).toContain(`Failed to write '${c.sourceFolder}/f0.bin' (being written as '.f0.bin.`);
    expect(message).toContain(`permission denied: this user may not write in '${c.sourceFolder}'`);
    expect(filesBelow(c.remoteRoot)).toEqual([]);
    expectConsistentAfterFault(c, error, env.scicat);
    chmodSync(c.sourceFolder, 0o777);
    await expectRetrySucceeds(c, error, client, env.scicat);
  }, 60_000);
});
