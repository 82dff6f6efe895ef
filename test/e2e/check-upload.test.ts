/**
 * End to end: Client.checkUpload, the dry run of an upload, with the real
 * HTTP client against the SciCat stand-in and SFTPFileTransfer against a real
 * OpenSSH sshd (and LocalFileTransfer on the same folders).
 *
 * Each problem the report can name is made to happen for real, and every
 * test proves that the check changed nothing: the sshd's data folder is
 * snapshotted (every path, its type, permissions and contents) and so are
 * the stand-in's records, before and after. Only where the server itself
 * refuses to let the probe go does a file stay, and the report names it.
 */
import { createHash } from "node:crypto";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  watch,
  writeFileSync,
} from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Client } from "../../src/client/client";
import type { UploadCheck } from "../../src/client/check-upload-report";
import { setLogHandler } from "../../src/logging";
import { Dataset, type DatasetInit } from "../../src/model/dataset";
import { File } from "../../src/model/file";
import { ScicatServer } from "../../src/testing/scicat-server";
import { freePort } from "../../src/testing/sftp-server";
import { LocalFileTransfer } from "../../src/transfer/local";
import { SFTPFileTransfer } from "../../src/transfer/sftp";
import type { FileTransfer } from "../../src/transfer/types";
import { GUIDE_FILE_CONTENT, guideDatasetInit } from "../fixtures/guide";
import { lockFolder, lockWhenCreated } from "../helpers/lock-folder";
import { startSshd, type TestSshd } from "../helpers/sshd";

const SPELLS = "maiden mother crone\n";

let server: ScicatServer;
let sshd: TestSshd;
let localRoot: string;
let counter = 0;
let restoreLogs: () => void;

beforeAll(async () => {
  server = new ScicatServer();
  await server.start();
  sshd = await startSshd();
  localRoot = mkdtempSync(path.join(os.tmpdir(), "scitacean-check-local-"));
}, 30_000);

afterAll(async () => {
  await server?.stop();
  await sshd?.stop();
  if (localRoot) rmSync(localRoot, { recursive: true, force: true });
});

beforeEach(() => {
  server.reset();
  const previous = setLogHandler(() => undefined);
  restoreLogs = () => void setLogHandler(previous);
});

afterEach(() => {
  restoreLogs();
  expect(server.unexpectedErrors).toEqual([]);
});

/** One test's folders: local data, and `<sshd data>/case-N` (created) holding the remote side. */
function freshCase(): { local: string; remoteRoot: string; sourceFolder: string } {
  counter += 1;
  const local = path.join(localRoot, `case-${counter}`);
  const remoteRoot = path.join(sshd.dataRoot, `case-${counter}`);
  mkdirSync(local, { recursive: true });
  mkdirSync(remoteRoot, { recursive: true });
  return { local, remoteRoot, sourceFolder: path.join(remoteRoot, "somewhere", "on", "remote") };
}

/** The guide's dataset with `witchcraft.dat` and `sub/spells.txt` (and any `extra` files). */
function guideDataset(c: { local: string; sourceFolder: string }, fields: Partial<DatasetInit> = {}): Dataset {
  const dset = new Dataset({ ...guideDatasetInit(), sourceFolder: c.sourceFolder, ...fields } as DatasetInit);
  const data = path.join(c.local, "data");
  const write = (relative: string, content: string): string => {
    const full = path.join(data, relative);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
    return full;
  };
  dset.addLocalFiles([write("witchcraft.dat", GUIDE_FILE_CONTENT), write("sub/spells.txt", SPELLS)], { basePath: data });
  dset.attachments = [];
  return dset;
}

/** Every path below `root` with its type, permission bits and (for files) the hash of its contents. */
function diskSnapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const info = lstatSync(full);
      const mode = (info.mode & 0o7777).toString(8);
      if (info.isDirectory()) {
        out.push(`${prefix}${name}/ ${mode}`);
        walk(full, `${prefix}${name}/`);
      } else {
        out.push(`${prefix}${name} ${mode} ${createHash("sha256").update(readFileSync(full)).digest("hex")}`);
      }
    }
  };
  walk(root, "");
  return out;
}

/** The stand-in's records, as JSON. */
function scicatSnapshot(): string {
  const sorted = (m: Map<string, unknown>): unknown[] => [...m].sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([
    sorted(server.datasets),
    sorted(server.origDatablocks),
    sorted(server.attachments),
    sorted(server.samples),
  ]);
}

function sftp(options: Partial<ConstructorParameters<typeof SFTPFileTransfer>[0]> = {}): SFTPFileTransfer {
  return new SFTPFileTransfer({ ...sshd.transferOptions(), ...options });
}

function client(transfer: FileTransfer, user = "nanny"): Client {
  return Client.fromToken({ url: server.url, token: server.issueToken(user), fileTransfer: transfer });
}

/** Runs the check and asserts that neither the sshd's disk nor SciCat changed, and that SciCat got no creating call. */
async function checkUnchanged(
  c: Client,
  dset: Dataset,
  options: Parameters<Client["checkUpload"]>[1] = {},
): Promise<UploadCheck> {
  const disk = diskSnapshot(sshd.dataRoot);
  const records = scicatSnapshot();
  const check = await c.checkUpload(dset, options);
  expect(diskSnapshot(sshd.dataRoot)).toEqual(disk);
  expect(scicatSnapshot()).toBe(records);
  const writes = server.requests.filter((r) => r.method === "POST" && !r.path.endsWith("/datasets/isValid"));
  expect(writes).toEqual([]);
  return check;
}

const kinds = (check: UploadCheck): string[] => check.problems.map((p) => p.kind);

describe("checkUpload over HTTP and SFTP", () => {
  it("a dataset that would upload: folders created and removed, probes removed, checksums and an estimate", async () => {
    const c = freshCase();
    const check = await checkUnchanged(client(sftp()), guideDataset(c), { checksums: true, measure: true });
    expect(check.problems).toEqual([]);
    expect(check.scicat).toBe("valid");
    expect(check.fileServer).toBe(`SFTP host '127.0.0.1:${sshd.port}' (SFTPFileTransfer(host='127.0.0.1', port=${sshd.port}, username='${sshd.username}'))`);
    expect(check.files.map((f) => [f.target, f.exists])).toEqual([
      [`${c.sourceFolder}/witchcraft.dat`, false],
      [`${c.sourceFolder}/sub/spells.txt`, false],
    ]);
    expect(check.files.map((f) => f.checksum)).toEqual([
      createHash("blake2b512").update(GUIDE_FILE_CONTENT).digest("hex"),
      createHash("blake2b512").update(SPELLS).digest("hex"),
    ]);
    // The case folder existed; everything below it was created by the check, written in, and removed again.
    expect(check.folders).toEqual([
      { path: `${c.remoteRoot}/somewhere`, existed: false, writable: true, problem: null },
      { path: `${c.remoteRoot}/somewhere/on`, existed: false, writable: true, problem: null },
      { path: c.sourceFolder, existed: false, writable: true, problem: null },
      { path: `${c.sourceFolder}/sub`, existed: false, writable: true, problem: null },
    ]);
    expect(check.probes).toHaveLength(3); // the small probe and the timed one (written twice), all in the source folder
    for (const probe of check.probes) expect(path.dirname(probe)).toBe(c.sourceFolder);
    expect(check.leftOver).toEqual([]);
    expect(check.measuredRate).toBeGreaterThan(0);
    expect(check.estimatedSeconds).toBeGreaterThan(0);
    expect(existsSync(path.join(c.remoteRoot, "somewhere"))).toBe(false);
    expect(check.notes.join("\n")).toMatch(/3 of 3 probe files were written and removed again/);
    expect(check.notes.join("\n")).toContain(`'${c.sourceFolder}/sub', which were created for it and removed again.`);

    // The upload then does what the check said.
    const finalized = await client(sftp()).uploadNewDatasetNow(guideDataset(c));
    expect(server.origDatablocksOf(finalized.pid!.toString())[0]!["dataFileList"]).toEqual(
      check.datablocks[0]!.dataFileList.map((f) => expect.objectContaining({ path: f.path, size: f.size, chk: f.chk })),
    );
  });

  it("invalid fields: named, SciCat not asked, the server still checked", async () => {
    const c = freshCase();
    const check = await checkUnchanged(client(sftp()), guideDataset(c, { contactEmail: "nanny at the cottage" }));
    expect(kinds(check)).toEqual(["field"]);
    expect(check.problems[0]!.subject).toBe("contactEmail");
    expect(check.scicat).toBe("not asked");
    expect(server.requests.filter((r) => r.path.endsWith("/datasets/isValid"))).toEqual([]);
    expect(check.files.map((f) => f.exists)).toEqual([false, false]);
  });

  it("SciCat refusing the dataset: a user outside the owner group, and isValid's answer by field", async () => {
    const c = freshCase();
    const refused = await checkUnchanged(client(sftp(), "ponder"), guideDataset(c));
    expect(kinds(refused)).toEqual(["scicat-refused"]);
    expect(refused.problems[0]!.message).toContain("Unauthorized to create this dataset");

    server.failNext("POST /datasets/isValid", 200, { body: { valid: false, error: "creationLocation must be a string" } });
    const invalid = await checkUnchanged(client(sftp()), guideDataset(c));
    expect(invalid.problems).toEqual([
      { kind: "scicat-refused", subject: "creationLocation", message: "SciCat: creationLocation must be a string" },
    ]);
  });

  it("a file that already exists: reported, and left exactly as it was", async () => {
    const c = freshCase();
    mkdirSync(path.join(c.sourceFolder, "sub"), { recursive: true });
    writeFileSync(path.join(c.sourceFolder, "sub", "spells.txt"), "the older spells");
    const check = await checkUnchanged(client(sftp()), guideDataset(c));
    expect(kinds(check)).toEqual(["file-exists"]);
    expect(check.problems[0]!.subject).toBe(`${c.sourceFolder}/sub/spells.txt`);
    expect(check.problems[0]!.message).toContain(`on SFTP host '127.0.0.1:${sshd.port}'`);
    expect(readFileSync(path.join(c.sourceFolder, "sub", "spells.txt"), "utf8")).toBe("the older spells");
  });

  it("no write permission: a folder that cannot be created, and one that cannot be written", async () => {
    const c = freshCase();
    const unlock = lockFolder(c.remoteRoot);
    let check: UploadCheck;
    try {
      check = await checkUnchanged(client(sftp()), guideDataset(c));
    } finally {
      unlock();
    }
    expect(kinds(check)).toEqual(["not-writable"]);
    expect(check.problems[0]!.subject).toBe(`${c.remoteRoot}/somewhere`);
    expect(check.problems[0]!.message).toMatch(/^Failed to create the folder '.*\/somewhere' on SFTP host .*permission denied/i);

    mkdirSync(c.sourceFolder, { recursive: true });
    const unlockSource = lockFolder(c.sourceFolder);
    try {
      check = await checkUnchanged(client(sftp()), guideDataset(c));
    } finally {
      unlockSource();
    }
    // The source folder cannot be written, so neither can its sub-folder be created: both are named.
    expect(check.problems.map((p) => [p.kind, p.subject])).toEqual([
      ["not-writable", c.sourceFolder],
      ["not-writable", `${c.sourceFolder}/sub`],
    ]);
    expect(check.problems[0]!.message).toMatch(/^Cannot write in the folder '.*' on SFTP host .*permission denied/i);
    expect(check.problems[1]!.message).toMatch(/^Failed to create the folder '.*\/sub' on SFTP host .*permission denied/i);
    for (const problem of check.problems) {
      expect(problem.message).not.toContain("..");
      // Said once, not once by the server and again by the check.
      expect(problem.message.match(/choose another source folder/g)).toHaveLength(1);
    }
    expect(check.probes).toEqual([]);
  });

  it("a file where a folder must go: named, and left as it was", async () => {
    const c = freshCase();
    writeFileSync(path.join(c.remoteRoot, "somewhere"), "not a folder");
    const check = await checkUnchanged(client(sftp()), guideDataset(c));
    expect(check.problems).toEqual([
      {
        kind: "not-writable",
        subject: `${c.remoteRoot}/somewhere`,
        message:
          `Cannot create the folder '${c.remoteRoot}/somewhere' on SFTP host '127.0.0.1:${sshd.port}': a file is in ` +
          "the way. Choose another source folder or remote path.",
      },
    ]);
    expect(check.probes).toEqual([]);
  });

  it("a probe the server will not let go: the report says so and where it is", async () => {
    const c = freshCase();
    // 'sub' exists, so it gets a probe of its own after the source folder's.
    mkdirSync(path.join(c.sourceFolder, "sub"), { recursive: true });
    const disk = diskSnapshot(sshd.dataRoot);
    // Once the source folder's probe has its name, the folder lets nothing go.
    const unlock = lockWhenCreated(c.sourceFolder, /^scitacean-check\.[0-9a-f]{12}\.probe$/);
    let check: UploadCheck;
    try {
      check = await client(sftp()).checkUpload(guideDataset(c));
    } finally {
      unlock();
    }
    expect(check.probes).toHaveLength(2);
    const [stuck, removed] = check.probes as [string, string];
    expect(path.dirname(stuck)).toBe(c.sourceFolder);
    expect(path.dirname(removed)).toBe(`${c.sourceFolder}/sub`);
    expect(check.leftOver).toEqual([stuck]);
    expect(check.problems).toEqual([
      {
        kind: "left-over",
        subject: stuck,
        message:
          `The check wrote '${stuck}' on SFTP host '127.0.0.1:${sshd.port}' and could not remove it again; please ` +
          "remove it by hand. An upload here could not remove its files either if it failed.",
      },
    ]);
    expect(readFileSync(stuck, "utf8")).toContain("scitacean-ts");
    expect(existsSync(removed)).toBe(false);
    // Apart from what the report names, nothing changed.
    rmSync(stuck);
    expect(diskSnapshot(sshd.dataRoot)).toEqual(disk);
  });

  it("an abort while the probe is on the server: the check stops and removes what it wrote", async () => {
    const c = freshCase();
    mkdirSync(c.sourceFolder, { recursive: true });
    const disk = diskSnapshot(sshd.dataRoot);
    const controller = new AbortController();
    const watcher = watch(c.sourceFolder, () => controller.abort(new Error("stopped by the user")));
    try {
      await expect(client(sftp()).checkUpload(guideDataset(c), { signal: controller.signal, measure: true })).rejects.toThrow(
        "stopped by the user",
      );
    } finally {
      watcher.close();
    }
    expect(controller.signal.aborted).toBe(true);
    expect(diskSnapshot(sshd.dataRoot)).toEqual(disk);
  });

  it("unreachable servers: the sshd and SciCat", async () => {
    const c = freshCase();
    const port = await freePort();
    const noSftp = await checkUnchanged(client(sftp({ port, readyTimeout: 5000 })), guideDataset(c));
    expect(kinds(noSftp)).toEqual(["file-server"]);
    expect(noSftp.problems[0]!.message).toContain(`Cannot connect to SFTP host '127.0.0.1:${port}': the connection was refused`);
    expect(noSftp.fileServer).toBeNull();

    const noScicat = Client.fromToken({ url: `http://127.0.0.1:${port}/api/v3`, token: "t", fileTransfer: sftp(), timeoutMs: 5000 });
    const disk = diskSnapshot(sshd.dataRoot);
    const check = await noScicat.checkUpload(guideDataset(c));
    expect(diskSnapshot(sshd.dataRoot)).toEqual(disk);
    expect(kinds(check)).toEqual(["scicat-unreachable"]);
    expect(check.scicat).toBe("unreachable");
  });

  it("a source folder outside the rules: a template that cannot be filled, a path that leaves the folder", async () => {
    const c = freshCase();
    const template = await checkUnchanged(client(sftp({ sourceFolder: `${c.remoteRoot}/{proposalId}/{uid}` })), guideDataset(c));
    expect(kinds(template)).toEqual(["source-folder"]);
    expect(template.problems[0]!.message).toContain("the dataset's proposalId is not set");

    const dset = guideDataset(c);
    const escape = path.join(c.local, "escape.dat");
    writeFileSync(escape, "out");
    dset.addFiles(File.fromLocal(escape, { remotePath: "../../escape.dat" }));
    const outside = await checkUnchanged(client(sftp()), dset);
    expect(kinds(outside)).toEqual(["file"]);
    expect(outside.problems[0]!.message).toContain(`outside of the source folder '${c.sourceFolder}'`);
    // The other files were still checked on the server.
    expect(outside.files.filter((f) => f.exists === false).map((f) => f.remotePath)).toEqual(["witchcraft.dat", "sub/spells.txt"]);
  });

  it("LocalFileTransfer on the same folders: the same plan, nothing left", async () => {
    const c = freshCase();
    const check = await checkUnchanged(client(new LocalFileTransfer()), guideDataset(c), { measure: true });
    expect(check.problems).toEqual([]);
    expect(check.fileServer).toBe("the local file system (LocalFileTransfer(hardLink=false))");
    expect(check.folders.map((f) => [f.path, f.existed])).toEqual([
      [`${c.remoteRoot}/somewhere`, false],
      [`${c.remoteRoot}/somewhere/on`, false],
      [c.sourceFolder, false],
      [`${c.sourceFolder}/sub`, false],
    ]);
    expect(check.estimatedSeconds).toBeGreaterThan(0);
  });
});
