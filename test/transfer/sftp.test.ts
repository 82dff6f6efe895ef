/**
 * SFTPFileTransfer against a real OpenSSH sshd (see test/helpers/sshd.ts).
 * The server runs on this machine, so the tests can look at the uploaded
 * files directly on disk.
 */
import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import * as path from "node:path";
import { inspect } from "node:util";
import { Client } from "../../src/client/client";
import { FileUploadError, IntegrityError } from "../../src/errors";
import { Dataset } from "../../src/model/dataset";
import { File } from "../../src/model/file";
import { FakeScicatClient } from "../../src/testing/fake-scicat-client";
import { FileNotAccessibleError } from "../../src/errors";
import type { DownloadedFile } from "../../src/transfer/types";
import { SFTPFileTransfer, knownHostsName, parseKnownHosts, type SFTPFileTransferOptions } from "../../src/transfer/sftp";
import type { FileProgress } from "../../src/transfer/types";
import { RemotePath } from "../../src/values/remote-path";
import { UploadSession } from "../../src/transfer/upload-session";
import { GUIDE_FILE_CONTENT, guideDatasetInit } from "../fixtures/guide";
import { openSftpFileServer, withAfterLastByte } from "../helpers/sftp-file-server";
import { startSshd, type TestSshd } from "../helpers/sshd";
import { blake2b, bytes, captureLogs, datasetWith, progressLog, remotePaths, tempDir, writeFiles } from "./helpers";

// Real logins and uploads: on a loaded machine (2 cores shared by several test runs) they take seconds.
jest.setTimeout(60_000);

let sshd: TestSshd;
let local: { dir: string; cleanup: () => void };
let counter = 0;

beforeAll(async () => {
  sshd = await startSshd();
  local = tempDir("scitacean-sftp-local-");
}, 30_000);

afterAll(async () => {
  await sshd?.stop();
  local?.cleanup();
});

/** A fresh remote folder path (not created) and a fresh local folder (created). */
function fresh(): { remote: string; localDir: string } {
  counter += 1;
  const localDir = path.join(local.dir, `case-${counter}`);
  mkdirSync(localDir, { recursive: true });
  return { remote: path.join(sshd.dataRoot, `case-${counter}`), localDir };
}

function transfer(options: Partial<SFTPFileTransferOptions> = {}): SFTPFileTransfer {
  return new SFTPFileTransfer({ ...sshd.transferOptions(), ...options });
}

async function upload(dset: Dataset, sourceFolder: string, t = transfer(), onProgress?: (p: FileProgress) => void) {
  const connection = await t.connectForUpload(dset, new RemotePath(sourceFolder));
  try {
    return await connection.uploadFiles(dset.files, onProgress ? { onProgress } : {});
  } finally {
    await connection.close();
  }
}

/** Every path below `root`, relative, sorted; folders end with '/'. */
function tree(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        out.push(`${prefix}${entry.name}/`);
        walk(path.join(dir, entry.name), `${prefix}${entry.name}/`);
      } else {
        out.push(`${prefix}${entry.name}`);
      }
    }
  };
  walk(root, "");
  return out.sort();
}

describe("upload", () => {
  it("uploads one file and returns it marked as uploaded with its checksum", async () => {
    const { remote, localDir } = fresh();
    const dset = datasetWith(localDir, { "witchcraft.dat": "7.9 13 666" }, remote);
    const [file] = await upload(dset, remote);
    expect(readFileSync(path.join(remote, "witchcraft.dat"), "utf8")).toBe("7.9 13 666");
    expect(file?.isOnRemote).toBe(true);
    expect(file?.isOnLocal).toBe(true);
    expect(file?.remoteSize).toBe(10);
    expect(file?.remoteChecksum).toBe(blake2b("7.9 13 666"));
    expect(file?.remotePath.posix).toBe("witchcraft.dat");
  });

  it("uploads many files into nested folders, creating the source folder (mkdir -p)", async () => {
    const { remote, localDir } = fresh();
    const target = path.join(remote, "deep", "er");
    const files: Record<string, string | Buffer> = {
      "a.txt": "a",
      "empty.dat": "",
      "sub/b.txt": "bb",
      "sub/inner/c.bin": bytes(3 * 1024 * 1024 + 17),
      "other/d.txt": "dddd",
    };
    for (let i = 0; i < 20; i++) files[`many/f${i}.txt`] = `file ${i}`;
    const dset = datasetWith(localDir, files, target);
    const uploaded = await upload(dset, target);
    expect(remotePaths(uploaded).sort()).toEqual(Object.keys(files).sort());
    for (const [relative, content] of Object.entries(files)) {
      expect(readFileSync(path.join(target, relative)).equals(Buffer.from(content))).toBe(true);
    }
    const big = uploaded.find((f) => f.remotePath.posix === "sub/inner/c.bin");
    expect(big?.remoteChecksum).toBe(blake2b(files["sub/inner/c.bin"] as Buffer));
    expect(uploaded.find((f) => f.remotePath.posix === "empty.dat")?.remoteSize).toBe(0);
  });

  it("uploads into an existing folder next to existing files", async () => {
    const { remote, localDir } = fresh();
    writeFiles(remote, { "keep.txt": "old" });
    const dset = datasetWith(localDir, { "new.txt": "new" }, remote);
    await upload(dset, remote);
    expect(tree(remote)).toEqual(["keep.txt", "new.txt"]);
  });

  it("records uid, gid, mode, size and time of the file on the server", async () => {
    const { remote, localDir } = fresh();
    const dset = datasetWith(localDir, { "x.dat": bytes(12345) }, remote);
    const [file] = await upload(dset, remote);
    const onDisk = statSync(path.join(remote, "x.dat"));
    expect(file?.remoteUid).toBe(String(onDisk.uid));
    expect(file?.remoteGid).toBe(String(onDisk.gid));
    expect(file?.remotePerm).toBe(String(onDisk.mode));
    expect(file?.remoteSize).toBe(onDisk.size);
    expect(file?.remoteSize).toBe(12345);
    expect(file?.remoteAccessPath(remote)?.posix).toBe(`${remote}/x.dat`);
    // SFTP (v3) times have whole seconds.
    expect(uploadedCreationTime(file as File).getTime()).toBe(Math.floor(onDisk.mtimeMs / 1000) * 1000);
  });

  it("reports progress up to the size of every file", async () => {
    const { remote, localDir } = fresh();
    const sizes: Record<string, number> = { "big.bin": 5 * 1024 * 1024 + 3, "small.txt": 5, "zero.txt": 0 };
    const dset = datasetWith(
      localDir,
      Object.fromEntries(Object.entries(sizes).map(([k, n]) => [k, bytes(n)])),
      remote,
    );
    const log = progressLog();
    await upload(dset, remote, transfer(), log.onProgress);
    for (const [name, size] of Object.entries(sizes)) {
      const mine = log.events.filter((e) => e.remotePath.posix === name);
      expect(mine[0]?.bytesDone).toBe(0);
      expect(log.last(name)).toEqual(expect.objectContaining({ bytesDone: size, bytesTotal: size }));
      const done = mine.map((e) => e.bytesDone);
      expect(done).toEqual([...done].sort((a, b) => a - b));
    }
    expect(log.events.filter((e) => e.remotePath.posix === "big.bin").length).toBeGreaterThan(2);
  });

  it("refuses to overwrite an existing file, writing nothing and leaving that file untouched", async () => {
    const { remote, localDir } = fresh();
    writeFiles(remote, { "sub/exists.txt": "precious" });
    const dset = datasetWith(localDir, { "first.txt": "1", "sub/exists.txt": "new!", "zzz/last.txt": "3" }, remote);
    const log = progressLog();
    const error = await upload(dset, remote, transfer(), log.onProgress).catch((e: unknown) => e);
    // Checked before anything was written: no file even started.
    expect(log.events).toEqual([]);
    expect(error).toBeInstanceOf(FileUploadError);
    expect((error as Error).message).toContain(`${remote}/sub/exists.txt`);
    expect((error as Error).message).toMatch(/never overwritten/);
    expect(tree(remote)).toEqual(["sub/", "sub/exists.txt"]);
    expect(readFileSync(path.join(remote, "sub/exists.txt"), "utf8")).toBe("precious");
  });

  it("refuses a folder in the way of a file", async () => {
    const { remote, localDir } = fresh();
    mkdirSync(path.join(remote, "data.txt"), { recursive: true });
    const dset = datasetWith(localDir, { "data.txt": "x" }, remote);
    await expect(upload(dset, remote)).rejects.toThrow(/already exist/);
  });

  it("refuses a file in the way of a folder before writing anything", async () => {
    const { remote, localDir } = fresh();
    writeFiles(remote, { blocker: "I am a file" });
    const dset = datasetWith(localDir, { "a.txt": "a", "blocker/b.txt": "b" }, remote);
    await expect(upload(dset, remote)).rejects.toThrow(/a file is in the way/);
    expect(tree(remote)).toEqual(["blocker"]);
  });

  it.each(["../escape.dat", "sub/../../escape.dat", "/absolute.dat"])(
    "refuses the remote path %s outside the source folder",
    async (remotePath) => {
      const { remote, localDir } = fresh();
      const [localFile] = writeFiles(localDir, { "escape.dat": "x" });
      const file = File.fromLocal(localFile as string, { remotePath });
      const connection = await transfer().connectForUpload(datasetWith(localDir, {}, remote), new RemotePath(remote));
      try {
        const error = await connection.uploadFiles([file]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(FileUploadError);
        expect((error as Error).message).toMatch(/outside of the source folder/);
      } finally {
        await connection.close();
      }
      expect(existsSync(remote)).toBe(false);
      expect(existsSync(path.join(sshd.dataRoot, "escape.dat"))).toBe(false);
    },
  );

  it("refuses a missing local file before writing anything", async () => {
    const { remote, localDir } = fresh();
    const dset = datasetWith(localDir, { "a.txt": "a", "b.txt": "b" }, remote);
    unlinkSync(path.join(localDir, "b.txt"));
    await expect(upload(dset, remote)).rejects.toThrow(/b\.txt.*does not exist/);
    expect(existsSync(remote)).toBe(false);
  });

  it("reverts earlier files and created folders when a later file fails", async () => {
    const { remote, localDir } = fresh();
    writeFiles(remote, { "keep.txt": "keep" });
    const target = path.join(remote, "new", "folder");
    const dset = datasetWith(localDir, { "sub/1.txt": "one", "2.txt": "two", "3.txt": "three" }, target);
    // Once the first file is through, the third one disappears, so it fails after the others were written.
    const onProgress = (p: FileProgress): void => {
      if (p.remotePath.posix === "2.txt" && p.bytesDone === p.bytesTotal) unlinkSync(path.join(localDir, "3.txt"));
    };
    const error = await upload(dset, target, transfer(), onProgress).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileUploadError);
    expect((error as Error).message).toContain("3.txt");
    // The folders the upload created are gone, the folder that existed before and its file are kept.
    expect(tree(remote)).toEqual(["keep.txt"]);
  });

  it("reverts an upload when the client asks (revertUpload), removing created folders", async () => {
    const { remote, localDir } = fresh();
    const dset = datasetWith(localDir, { "a.txt": "a", "sub/b.txt": "b" }, remote);
    const connection = await transfer().connectForUpload(dset, new RemotePath(remote));
    try {
      const uploaded = await connection.uploadFiles(dset.files);
      expect(tree(remote)).toEqual(["a.txt", "sub/", "sub/b.txt"]);
      await connection.revertUpload(uploaded);
    } finally {
      await connection.close();
    }
    expect(existsSync(remote)).toBe(false);
  });

  it("reverts when aborted through the AbortSignal", async () => {
    const { remote, localDir } = fresh();
    const dset = datasetWith(localDir, { "first.txt": "1", "huge.bin": bytes(32 * 1024 * 1024) }, remote);
    const controller = new AbortController();
    const connection = await transfer().connectForUpload(dset, new RemotePath(remote));
    let sawHuge = false;
    try {
      const error = await connection
        .uploadFiles(dset.files, {
          signal: controller.signal,
          onProgress: (p) => {
            if (p.remotePath.posix === "huge.bin" && p.bytesDone > 0) {
              sawHuge = true;
              controller.abort();
            }
          },
        })
        .catch((e: unknown) => e);
      expect((error as Error).name).toBe("AbortError");
    } finally {
      await connection.close();
    }
    expect(sawHuge).toBe(true);
    expect(existsSync(remote)).toBe(false);
  });

  it("does nothing when the signal is already aborted", async () => {
    const { remote, localDir } = fresh();
    const dset = datasetWith(localDir, { "a.txt": "a" }, remote);
    const connection = await transfer().connectForUpload(dset, new RemotePath(remote));
    try {
      await expect(connection.uploadFiles(dset.files, { signal: AbortSignal.abort() })).rejects.toThrow();
    } finally {
      await connection.close();
    }
    expect(existsSync(remote)).toBe(false);
  });

  it("uses its source folder template, filled once per upload", async () => {
    const t = transfer({ sourceFolder: "/data/{ownerGroup}/{name}" });
    expect(t.sourceFolderFor(datasetWith(local.dir, {}, null)).posix).toBe("/data/wyrdsisters/Transfer test");
    expect(transfer().sourceFolderFor(datasetWith(local.dir, {}, "/from/dataset")).posix).toBe("/from/dataset");

    const { remote, localDir } = fresh();
    const withUid = transfer({ sourceFolder: `${remote}/{ownerGroup}/{uid}` });
    // Every filling makes a new uid, so an upload that filled the template twice would split dataset and files.
    const probe = datasetWith(path.join(localDir, "probe"), {}, null);
    expect(withUid.sourceFolderFor(probe).posix).not.toBe(withUid.sourceFolderFor(probe).posix);

    const scicat = new FakeScicatClient();
    const client = new Client({ scicat, fileTransfer: withUid });
    const uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    const folders: string[] = [];
    for (const name of ["first", "second"]) {
      const files = { "top.txt": `${name} top`, "sub/deep/inner.txt": `${name} inner` };
      // The dataset's own sourceFolder is replaced by the template.
      const dset = datasetWith(path.join(localDir, name), files, "/not/used");
      const finalized = await client.uploadNewDatasetNow(dset);
      const folder = finalized.sourceFolder?.posix as string;
      expect(folder).toMatch(new RegExp(`^${remote}/wyrdsisters/${uuid}$`));
      // The record in SciCat and the files on the server name the same folder.
      expect(scicat.datasets.get(String(finalized.pid))?.sourceFolder).toBe(folder);
      for (const [relative, content] of Object.entries(files)) {
        expect(readFileSync(path.join(folder, relative), "utf8")).toBe(content);
        const file = finalized.files.find((f) => f.remotePath.posix === relative);
        expect(file?.remoteAccessPath(finalized.sourceFolder)?.posix).toBe(`${folder}/${relative}`);
      }
      folders.push(path.basename(folder));
    }
    // One folder per upload, holding all of that upload's files, and nothing anywhere else.
    expect(folders[0]).not.toBe(folders[1]);
    const perUpload = (uid: string): string[] =>
      ["/", "/sub/", "/sub/deep/", "/sub/deep/inner.txt", "/top.txt"].map((p) => `wyrdsisters/${uid}${p}`);
    expect(tree(remote)).toEqual(["wyrdsisters/", ...folders.flatMap(perUpload)].sort());
    expect(existsSync("/not/used")).toBe(false);
  });

  it.each([
    ["shorter", (file: string) => truncateSync(file, 1234), 1234],
    ["longer", (file: string) => appendFileSync(file, "extra"), 100_005],
  ])(
    "fails loudly and removes what it wrote when the file on the server is %s than what was sent",
    async (_, change, remoteSize) => {
      const { remote, localDir } = fresh();
      const target = path.join(remote, "new");
      const dset = datasetWith(localDir, { "a.txt": "first", "sub/changed.bin": bytes(100_000) }, target);
      let changed: string | null = null;
      // All bytes are confirmed by the server; the upload has yet to read the file's size back.
      const server = withAfterLastByte(await openSftpFileServer(sshd.transferOptions()), (written) => {
        if (!written.includes("changed.bin")) return;
        change(written);
        changed = written;
      });
      const session = new UploadSession(server, new RemotePath(target));
      const error = await session.uploadFiles(dset.files).catch((e: unknown) => e);
      await session.close();
      // Written under a temporary name next to the target, never under the final name.
      expect(changed).toMatch(new RegExp(`^${target}/sub/\\.changed\\.bin\\.[0-9a-f]{8}\\.part$`));
      expect(error).toBeInstanceOf(FileUploadError);
      expect((error as Error).message).toContain(
        `The uploaded file '${target}/sub/changed.bin' has ${remoteSize} bytes on SFTP host '${sshd.host}:${sshd.port}', ` +
          "but 100000 bytes were sent",
      );
      // Both files (the temporary one too) and the folders the upload made are gone again.
      expect(existsSync(remote)).toBe(false);
    },
  );

  it("refuses a file that appears on the server after the check, without touching a byte of it", async () => {
    const { remote, localDir } = fresh();
    const dset = datasetWith(localDir, { "a.txt": "first", "sub/raced.bin": bytes(10), "z.txt": "last" }, remote);
    expect(remotePaths(dset.files)).toEqual(["a.txt", "sub/raced.bin", "z.txt"]);
    const raced = path.join(remote, "sub", "raced.bin");
    const theirs = bytes(70_000);
    let before: ReturnType<typeof statSync> | undefined;
    const log = progressLog();
    const onProgress = (p: FileProgress): void => {
      log.onProgress(p);
      // The targets were checked and the folders made; someone else now creates the next target.
      if (p.remotePath.posix === "a.txt" && p.bytesDone === p.bytesTotal && before === undefined) {
        writeFileSync(raced, theirs, { flag: "wx" });
        before = statSync(raced);
      }
    };
    const error = await upload(dset, remote, transfer(), onProgress).catch((e: unknown) => e);
    expect(before).toBeDefined();
    expect(error).toBeInstanceOf(FileUploadError);
    const message = (error as Error).message;
    expect(message).toContain(`to '${raced}'`);
    expect(message).toContain(`a file already exists at '${raced}', and files are never overwritten`);
    // Their file: same bytes, same inode, not written to.
    expect(readFileSync(raced).equals(theirs)).toBe(true);
    const after = statSync(raced);
    expect(after.ino).toBe(before?.ino);
    expect(after.mtimeMs).toBe(before?.mtimeMs);
    expect(log.events.filter((e) => e.remotePath.posix === "sub/raced.bin" && e.bytesDone > 0)).toEqual([]);
    // What this upload wrote is removed; the folders stay because they hold the other file.
    expect(tree(remote)).toEqual(["sub/", "sub/raced.bin"]);
  });

  it("refuses a source folder below a regular file, naming it, before creating anything", async () => {
    const { remote, localDir } = fresh();
    writeFiles(remote, { blocker: "I am a file" });
    const target = path.join(remote, "blocker", "deeper", "src");
    const dset = datasetWith(localDir, { "a.txt": "a" }, target);
    const error = await upload(dset, target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileUploadError);
    expect((error as Error).message).toContain(
      `Cannot create the folder '${remote}/blocker' on SFTP host '${sshd.host}:${sshd.port}': a file is in the way`,
    );
    expect(tree(remote)).toEqual(["blocker"]);
    expect(readFileSync(path.join(remote, "blocker"), "utf8")).toBe("I am a file");
  });

  it("reports a folder the server refuses to create, naming it, and removes the folders it made", async () => {
    const { remote, localDir } = fresh();
    const locked = path.join(remote, "locked");
    mkdirSync(locked, { recursive: true });
    const dset = datasetWith(localDir, { "made/a.txt": "a", "locked/sub/b.txt": "b" }, remote);
    const unlock = lockFolder(locked);
    let error: unknown;
    try {
      error = await upload(dset, remote).catch((e: unknown) => e);
    } finally {
      unlock();
    }
    expect(error).toBeInstanceOf(FileUploadError);
    const message = (error as Error).message;
    // Said once, with what the server answered, what it means, and which folder.
    expect(message).toBe(
      `Failed to create the folder '${locked}/sub' on SFTP host '${sshd.host}:${sshd.port}' (the server answered ` +
        `'Permission denied'): permission denied: this user may not write in '${locked}'. Check the folder's ` +
        "permissions, or choose another source folder.",
    );
    // 'made' was created before 'locked/sub' failed, and is removed again.
    expect(tree(remote)).toEqual(["locked/"]);
  });
});

/**
 * Makes a folder refuse new entries, also for root (which ignores permission
 * bits): the immutable attribute for root, else read-only permissions.
 * Returns the undo.
 */
function lockFolder(folder: string): () => void {
  if (process.getuid?.() === 0) {
    const locked = spawnSync("chattr", ["+i", folder], { encoding: "utf8" });
    if (locked.status !== 0) throw new Error(`chattr +i failed: ${locked.stderr || String(locked.error)}`);
    return () => void spawnSync("chattr", ["-i", folder]);
  }
  chmodSync(folder, 0o555);
  return () => chmodSync(folder, 0o755);
}

function uploadedCreationTime(file: File): Date {
  // A file that is also local reports its local mtime as creationTime; the remote time is in the remote-only view.
  return file.withoutLocal().creationTime;
}

describe("download", () => {
  it("downloads one file", async () => {
    const { remote, localDir } = fresh();
    writeFiles(remote, { "flux.dat": "5 4 9 11 15 12 7 6 1" });
    const dset = datasetWith(localDir, {}, remote);
    const connection = await transfer().connectForDownload(dset);
    const target = path.join(localDir, "flux.dat.part");
    try {
      await connection.downloadFiles({ remote: [new RemotePath(remote, "flux.dat")], local: [target] });
    } finally {
      await connection.close();
    }
    expect(readFileSync(target, "utf8")).toBe("5 4 9 11 15 12 7 6 1");
  });

  it("downloads many files from nested folders, with checksums of the streamed bytes", async () => {
    const { remote, localDir } = fresh();
    const files: Record<string, Buffer> = {
      "a.bin": bytes(10),
      "logs/b.log": bytes(1000),
      "x/y/z.bin": bytes(9 * 1024 * 1024 + 5),
      "empty": Buffer.alloc(0),
    };
    writeFiles(remote, files);
    const names = Object.keys(files);
    const locals = names.map((n, i) => path.join(localDir, `${i}.part`));
    const connection = await transfer().connectForDownload(datasetWith(localDir, {}, remote));
    const log = progressLog();
    let results: DownloadedFile[] = [];
    try {
      results = await connection.downloadFiles(
        { remote: names.map((n) => new RemotePath(remote).join(n)), local: locals },
        { onProgress: log.onProgress, checksumAlgorithms: names.map(() => "blake2b") },
      );
    } finally {
      await connection.close();
    }
    names.forEach((name, i) => {
      const content = files[name] as Buffer;
      expect(readFileSync(locals[i] as string).equals(content)).toBe(true);
      expect(results[i]?.checksum).toBe(blake2b(content));
      expect(log.last(`${remote}/${name}`)).toEqual(
        expect.objectContaining({ bytesDone: content.length, bytesTotal: content.length }),
      );
    });
  });

  it("fails with FileNotAccessibleError for a missing file and leaves no partial file", async () => {
    const { remote, localDir } = fresh();
    writeFiles(remote, { "there.txt": "x" });
    const connection = await transfer().connectForDownload(datasetWith(localDir, {}, remote));
    const target = path.join(localDir, "missing.part");
    try {
      const error = await connection
        .downloadFiles({ remote: [new RemotePath(remote, "missing.txt")], local: [target] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FileNotAccessibleError);
      expect((error as Error).message).toContain(`${remote}/missing.txt`);
    } finally {
      await connection.close();
    }
    expect(existsSync(target)).toBe(false);
  });

  it("refuses to connect for a dataset whose source folder is not on the server", async () => {
    const { remote, localDir } = fresh();
    await expect(transfer().connectForDownload(datasetWith(localDir, {}, remote))).rejects.toThrow(
      FileNotAccessibleError,
    );
  });

  it("stops and removes the partial file when aborted", async () => {
    const { remote, localDir } = fresh();
    writeFiles(remote, { "huge.bin": bytes(32 * 1024 * 1024) });
    const controller = new AbortController();
    const connection = await transfer().connectForDownload(datasetWith(localDir, {}, remote));
    const target = path.join(localDir, "huge.part");
    try {
      const error = await connection
        .downloadFiles(
          { remote: [new RemotePath(remote, "huge.bin")], local: [target] },
          { signal: controller.signal, onProgress: (p) => p.bytesDone > 0 && controller.abort() },
        )
        .catch((e: unknown) => e);
      expect((error as Error).name).toBe("AbortError");
    } finally {
      await connection.close();
    }
    expect(existsSync(target)).toBe(false);
  });
});

describe("timing options", () => {
  it.each([
    ["requestTimeout", -1],
    ["requestTimeout", 0],
    ["keepaliveInterval", -5],
    ["keepaliveCountMax", 0],
    ["readyTimeout", Number.NaN],
  ])("refuses %s = %p, naming the option", (name, value) => {
    expect(() => transfer({ [name]: value })).toThrow(new RegExp(`SFTPFileTransfer: ${name} must be a number of at least`));
  });

  it("accepts keepaliveInterval 0 (keep-alives off)", () => {
    expect(() => transfer({ keepaliveInterval: 0 })).not.toThrow();
  });
});

describe("connecting", () => {
  it("accepts the server with the right known_hosts entry, also hashed", async () => {
    const { dir, cleanup } = tempDir("scitacean-kh-");
    try {
      const file = path.join(dir, "known_hosts");
      writeFileSync(file, `# comment\nother.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIc\n${sshd.knownHostsLine}\n`);
      const result = spawnSync("ssh-keygen", ["-H", "-f", file], { encoding: "utf8" });
      expect(result.status).toBe(0);
      expect(readFileSync(file, "utf8")).toMatch(/^\|1\|/m);
      const connection = await transfer({ knownHosts: file }).connectForUpload(
        datasetWith(dir, {}, "/x"),
        new RemotePath("/x"),
      );
      await connection.close();
    } finally {
      cleanup();
    }
  });

  it("rejects an unknown host key with a message saying how to accept it", async () => {
    const { dir, cleanup } = tempDir("scitacean-kh-");
    try {
      const file = path.join(dir, "known_hosts");
      writeFileSync(file, "");
      const error = await transfer({ knownHosts: file })
        .connectForUpload(datasetWith(dir, {}, "/x"), new RemotePath("/x"))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FileNotAccessibleError);
      const message = (error as Error).message;
      expect(message).toMatch(/host key .* is not known/);
      expect(message).toContain(`ssh -p ${sshd.port} ${sshd.username}@${sshd.host}`);
      expect(message).toMatch(/SHA256:/);
      expect(message).toMatch(/knownHosts/);
    } finally {
      cleanup();
    }
  });

  it("rejects a changed host key", async () => {
    const { dir, cleanup } = tempDir("scitacean-kh-");
    try {
      spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "other")]);
      const otherKey = readFileSync(path.join(dir, "other.pub"), "utf8").split(" ").slice(0, 2).join(" ");
      const file = path.join(dir, "known_hosts");
      writeFileSync(file, `${knownHostsName(sshd.host, sshd.port)} ${otherKey}\n`);
      await expect(
        transfer({ knownHosts: file }).connectForUpload(datasetWith(dir, {}, "/x"), new RemotePath("/x")),
      ).rejects.toThrow(/does not match .*ssh-keygen -R/s);
    } finally {
      cleanup();
    }
  });

  it("asks a custom hostVerifier instead of known_hosts", async () => {
    const seen: Buffer[] = [];
    const trusting = transfer({ knownHosts: "/nonexistent", hostVerifier: (key) => (seen.push(key), true) });
    await (await trusting.connectForUpload(datasetWith(local.dir, {}, "/x"), new RemotePath("/x"))).close();
    const expected = parseKnownHosts(sshd.knownHostsLine)[0]?.key;
    expect(seen[0]?.equals(expected as Buffer)).toBe(true);
    const refusing = transfer({ hostVerifier: () => false });
    await expect(refusing.connectForUpload(datasetWith(local.dir, {}, "/x"), new RemotePath("/x"))).rejects.toThrow(
      /rejected by hostVerifier/,
    );
  });

  it("logs in with a key file", async () => {
    const { dir, cleanup } = tempDir("scitacean-key-");
    try {
      const keyFile = path.join(dir, "id");
      writeFileSync(keyFile, sshd.privateKey, { mode: 0o600 });
      const t = transfer({ privateKey: undefined, privateKeyFile: keyFile });
      await (await t.connectForUpload(datasetWith(dir, {}, "/x"), new RemotePath("/x"))).close();
    } finally {
      cleanup();
    }
  });

  it("reports a wrong key without showing it", async () => {
    const { dir, cleanup } = tempDir("scitacean-key-");
    try {
      spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "wrong")]);
      const wrongKey = readFileSync(path.join(dir, "wrong"), "utf8");
      const error = await transfer({ privateKey: wrongKey })
        .connectForUpload(datasetWith(dir, {}, "/x"), new RemotePath("/x"))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FileNotAccessibleError);
      const message = (error as Error).message;
      expect(message).toMatch(new RegExp(`refused the login as '${sshd.username}'`));
      expect(message).not.toContain(wrongKey.split("\n")[1] as string);
      expect(String((error as Error).stack)).not.toContain("PRIVATE KEY");
    } finally {
      cleanup();
    }
  });

  it("reports a wrong password without showing it", async () => {
    const secret = "sup3r-s3cret-passw0rd";
    const t = new SFTPFileTransfer({
      host: sshd.host,
      port: sshd.port,
      username: sshd.username,
      password: secret,
      knownHosts: sshd.knownHostsFile,
      agent: false,
    });
    const error = await t.connectForUpload(datasetWith(local.dir, {}, "/x"), new RemotePath("/x")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileNotAccessibleError);
    expect((error as Error).message).toMatch(/refused the login.*password/);
    expect(JSON.stringify(error)).not.toContain(secret);
    expect(String(error)).not.toContain(secret);
    expect(String((error as Error).stack)).not.toContain(secret);
    // Nor does printing the transfer show it.
    expect(inspect(t, { depth: 5 })).not.toContain(secret);
    expect(String(t)).not.toContain(secret);
  });

  it("explains an encrypted key without passphrase", async () => {
    const { dir, cleanup } = tempDir("scitacean-key-");
    try {
      spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "a passphrase", "-f", path.join(dir, "locked")]);
      const key = readFileSync(path.join(dir, "locked"));
      await expect(
        transfer({ privateKey: key }).connectForUpload(datasetWith(dir, {}, "/x"), new RemotePath("/x")),
      ).rejects.toThrow(/encrypted; give its passphrase/);
      await expect(
        transfer({ privateKey: key, passphrase: "wrong" }).connectForUpload(datasetWith(dir, {}, "/x"), new RemotePath("/x")),
      ).rejects.toThrow(/passphrase does not decrypt it/);
    } finally {
      cleanup();
    }
  });

  it("reports a refused connection", async () => {
    await expect(
      transfer({ port: 1 }).connectForUpload(datasetWith(local.dir, {}, "/x"), new RemotePath("/x")),
    ).rejects.toThrow(/Cannot connect to SFTP host '127.0.0.1:1': the connection was refused/);
  });
});

describe("with the Client", () => {
  function guideDataset(localDir: string): Dataset {
    writeFiles(localDir, { "data/witchcraft.dat": GUIDE_FILE_CONTENT });
    const dset = new Dataset(guideDatasetInit());
    dset.addLocalFiles(path.join(localDir, "data/witchcraft.dat"), { basePath: path.join(localDir, "data") });
    return dset;
  }

  it("uploads the uploading-guide dataset and downloads it back with checksum verification", async () => {
    const { remote, localDir } = fresh();
    const scicat = new FakeScicatClient();
    const sftp = transfer({ sourceFolder: `${remote}/{ownerGroup}/{uid}` });
    const client = new Client({ scicat, fileTransfer: sftp });
    const finalized = await client.uploadNewDatasetNow(guideDataset(localDir));

    const folder = finalized.sourceFolder?.posix as string;
    expect(folder.startsWith(`${remote}/wyrdsisters/`)).toBe(true);
    expect(readFileSync(path.join(folder, "witchcraft.dat"), "utf8")).toBe(GUIDE_FILE_CONTENT);
    const [file] = finalized.files;
    expect(file?.remoteAccessPath(finalized.sourceFolder)?.posix).toBe(`${folder}/witchcraft.dat`);
    expect(file?.remoteChecksum).toBe(blake2b(GUIDE_FILE_CONTENT));
    const onDisk = statSync(path.join(folder, "witchcraft.dat"));
    const block = scicat.origDatablocks.get(String(finalized.pid))?.[0];
    expect(block?.chkAlg).toBe("blake2b");
    expect(block?.dataFileList?.[0]).toEqual(
      expect.objectContaining({ path: "witchcraft.dat", size: 10, uid: String(onDisk.uid), perm: String(onDisk.mode) }),
    );

    const downloaded = await client.downloadFiles(await client.getDataset(String(finalized.pid)), {
      target: path.join(localDir, "download"),
    });
    const local = downloaded.files[0]?.localPath as string;
    expect(local).toBe(path.join(localDir, "download", "witchcraft.dat"));
    expect(readFileSync(local, "utf8")).toBe(GUIDE_FILE_CONTENT);
    expect(readdirSync(path.join(localDir, "download"))).toEqual(["witchcraft.dat"]);
  });

  it("detects a corrupted file on download", async () => {
    const { remote, localDir } = fresh();
    const logs = captureLogs();
    try {
      const scicat = new FakeScicatClient();
      const client = new Client({ scicat, fileTransfer: transfer({ sourceFolder: `${remote}/{uid}` }) });
      const finalized = await client.uploadNewDatasetNow(guideDataset(localDir));
      writeFileSync(path.join(finalized.sourceFolder?.posix as string, "witchcraft.dat"), "6.6 66 666");
      const dset = await client.getDataset(String(finalized.pid));
      const download = client.downloadFiles(dset, { target: path.join(localDir, "download") });
      await expect(download).rejects.toThrow(IntegrityError);
      expect(readdirSync(path.join(localDir, "download"))).toEqual([]);
      expect(logs.messages.join("\n")).toMatch(/does not match the checksum/);
    } finally {
      logs.restore();
    }
  });

  it("removes the uploaded files when SciCat refuses the dataset", async () => {
    const { remote, localDir } = fresh();
    const scicat = new FakeScicatClient({ disable: { createDatasetModel: new Error("SciCat says no") } });
    const client = new Client({ scicat, fileTransfer: transfer({ sourceFolder: `${remote}/{uid}` }) });
    await expect(client.uploadNewDatasetNow(guideDataset(localDir))).rejects.toThrow("SciCat says no");
    expect(existsSync(remote)).toBe(false);
  });
});
