/**
 * LocalFileTransfer (copy / hard link) and LinkFileTransfer, on temporary
 * folders standing in for a mounted file server (the intent of Scitacean
 * 26.6's copy_test and link_test).
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  readdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import * as path from "node:path";
import { Client, type UploadProgress } from "../../src/client/client";
import { FileUploadError } from "../../src/errors";
import { File } from "../../src/model/file";
import { FakeScicatClient } from "../../src/testing/fake-scicat-client";
import { LinkFileTransfer } from "../../src/transfer/link";
import { FileNotAccessibleError } from "../../src/errors";
import { LocalFileTransfer } from "../../src/transfer/local";
import type { FileProgress } from "../../src/transfer/types";
import { RemotePath } from "../../src/values/remote-path";
import { blake2b, bytes, captureLogs, datasetWith, failingTransfer, progressLog, tempDir, writeFiles } from "./helpers";

let root: { dir: string; cleanup: () => void };
let counter = 0;

beforeAll(() => {
  root = tempDir("scitacean-local-");
});
afterAll(() => root.cleanup());

/** A "server" folder (not created) and a local working folder (created). */
function fresh(): { server: string; work: string } {
  counter += 1;
  const work = path.join(root.dir, `work-${counter}`);
  mkdirSync(work, { recursive: true });
  return { server: path.join(root.dir, `server-${counter}`), work };
}

async function download(
  transfer: LocalFileTransfer | LinkFileTransfer,
  serverFolder: string,
  names: readonly string[],
  targets: readonly string[],
  onProgress?: (p: FileProgress) => void,
): Promise<void> {
  const connection = await transfer.connectForDownload(datasetWith(root.dir, {}, serverFolder));
  try {
    await connection.downloadFiles(
      { remote: names.map((n) => new RemotePath(serverFolder).join(n)), local: targets },
      onProgress ? { onProgress } : {},
    );
  } finally {
    await connection.close();
  }
}

describe("LocalFileTransfer", () => {
  describe("download", () => {
    it("copies one file", async () => {
      const { server, work } = fresh();
      writeFiles(server, { "flux.dat": "5 4 9 11 15 12 7 6 1" });
      await download(new LocalFileTransfer(), server, ["flux.dat"], [path.join(work, "flux.dat")]);
      expect(readFileSync(path.join(work, "flux.dat"), "utf8")).toBe("5 4 9 11 15 12 7 6 1");
    });

    it("copies two files, including one from a sub-folder, reporting progress", async () => {
      const { server, work } = fresh();
      const big = bytes(3 * 1024 * 1024 + 1);
      writeFiles(server, { "a.txt": "a", "logs/big.bin": big });
      const log = progressLog();
      const targets = [path.join(work, "a"), path.join(work, "b")];
      await download(new LocalFileTransfer(), server, ["a.txt", "logs/big.bin"], targets, log.onProgress);
      expect(readFileSync(path.join(work, "a"), "utf8")).toBe("a");
      expect(readFileSync(path.join(work, "b")).equals(big)).toBe(true);
      expect(log.last(`${server}/logs/big.bin`)).toEqual(
        expect.objectContaining({ bytesDone: big.length, bytesTotal: big.length }),
      );
    });

    it("makes an independent copy", async () => {
      const { server, work } = fresh();
      writeFiles(server, { "a.txt": "original" });
      await download(new LocalFileTransfer(), server, ["a.txt"], [path.join(work, "a.txt")]);
      writeFileSync(path.join(work, "a.txt"), "changed");
      expect(readFileSync(path.join(server, "a.txt"), "utf8")).toBe("original");
      expect(statSync(path.join(work, "a.txt")).ino).not.toBe(statSync(path.join(server, "a.txt")).ino);
    });

    it("hard-links with hardLink: true", async () => {
      const { server, work } = fresh();
      writeFiles(server, { "a.txt": "original" });
      await download(new LocalFileTransfer({ hardLink: true }), server, ["a.txt"], [path.join(work, "a.txt")]);
      expect(statSync(path.join(work, "a.txt")).ino).toBe(statSync(path.join(server, "a.txt")).ino);
      expect(lstatSync(path.join(work, "a.txt")).isSymbolicLink()).toBe(false);
    });

    it("computes checksums while copying when asked", async () => {
      const { server, work } = fresh();
      writeFiles(server, { "a.txt": "checksummed" });
      const connection = await new LocalFileTransfer().connectForDownload(datasetWith(root.dir, {}, server));
      const [result] = await connection.downloadFiles(
        { remote: [new RemotePath(server, "a.txt")], local: [path.join(work, "a.txt")] },
        { checksumAlgorithms: ["blake2b"] },
      );
      expect(result?.checksum).toBe(blake2b("checksummed"));
    });

    it("fails clearly for a missing file and leaves nothing behind", async () => {
      const { server, work } = fresh();
      writeFiles(server, { "there.txt": "x" });
      const error = await download(new LocalFileTransfer(), server, ["missing.txt"], [path.join(work, "m")]).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(FileNotAccessibleError);
      expect((error as Error).message).toContain(`${server}/missing.txt`);
      expect(existsSync(path.join(work, "m"))).toBe(false);
    });

    it("never has a partial file under the local name: an aborted copy leaves the old file as it was", async () => {
      const { server, work } = fresh();
      writeFiles(server, { "big.bin": bytes(3 * 1024 * 1024) });
      const target = path.join(work, "big.bin");
      writeFileSync(target, "the previous copy");
      const controller = new AbortController();
      const connection = await new LocalFileTransfer().connectForDownload(datasetWith(root.dir, {}, server));
      let seenDuring: string | null = null;
      const error = await connection
        .downloadFiles(
          { remote: [new RemotePath(server, "big.bin")], local: [target] },
          {
            signal: controller.signal,
            onProgress: (p) => {
              if (p.bytesDone === 0 || controller.signal.aborted) return;
              // Mid-copy: the bytes go to a temporary file next to the target.
              seenDuring = readFileSync(target, "utf8");
              expect(readdirSync(work).filter((n) => /^\.big\.bin\.[0-9a-f]{8}\.part$/.test(n))).toHaveLength(1);
              controller.abort(new Error("stop"));
            },
          },
        )
        .catch((e: unknown) => e);
      await connection.close();
      expect((error as Error).message).toBe("stop");
      expect(seenDuring).toBe("the previous copy");
      expect(readFileSync(target, "utf8")).toBe("the previous copy");
      expect(readdirSync(work)).toEqual(["big.bin"]);
    });

    it("refuses to connect when the source folder is not on this machine", async () => {
      const { server } = fresh();
      const error = await new LocalFileTransfer()
        .connectForDownload(datasetWith(root.dir, {}, server))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FileNotAccessibleError);
      expect((error as Error).message).toMatch(/Cannot directly access the source folder/);
    });
  });

  describe("upload", () => {
    async function upload(
      transfer: LocalFileTransfer,
      dset: ReturnType<typeof datasetWith>,
      folder: string,
      onProgress?: (p: FileProgress) => void,
    ) {
      const connection = await transfer.connectForUpload(dset, new RemotePath(folder));
      try {
        return await connection.uploadFiles(dset.files, onProgress ? { onProgress } : {});
      } finally {
        await connection.close();
      }
    }

    it("copies files into new nested folders and marks them uploaded", async () => {
      const { server, work } = fresh();
      const target = path.join(server, "a", "b");
      const dset = datasetWith(work, { "x.txt": "x", "sub/y.bin": bytes(2 * 1024 * 1024 + 9) }, target);
      const log = progressLog();
      const uploaded = await upload(new LocalFileTransfer(), dset, target, log.onProgress);
      expect(readFileSync(path.join(target, "x.txt"), "utf8")).toBe("x");
      expect(readFileSync(path.join(target, "sub/y.bin")).equals(readFileSync(path.join(work, "sub/y.bin")))).toBe(true);
      const y = uploaded.find((f) => f.remotePath.posix === "sub/y.bin");
      const onDisk = statSync(path.join(target, "sub/y.bin"));
      expect(y?.remoteSize).toBe(onDisk.size);
      expect(y?.remoteUid).toBe(String(onDisk.uid));
      expect(y?.remoteGid).toBe(String(onDisk.gid));
      expect(y?.remotePerm).toBe(String(onDisk.mode));
      expect(y?.withoutLocal().creationTime.getTime()).toBe(onDisk.mtime.getTime());
      expect(y?.remoteChecksum).toBe(blake2b(readFileSync(path.join(work, "sub/y.bin"))));
      expect(log.last("sub/y.bin")).toEqual(expect.objectContaining({ bytesDone: onDisk.size, bytesTotal: onDisk.size }));
    });

    it("writes a temporary file and gives it its name only when complete", async () => {
      const { server, work } = fresh();
      const target = path.join(server, "t");
      const dset = datasetWith(work, { "big.bin": bytes(3 * 1024 * 1024) }, target);
      const during: string[][] = [];
      await upload(new LocalFileTransfer(), dset, target, (p) => {
        if (p.bytesDone > 0 && p.bytesDone < p.bytesTotal) during.push(readdirSync(target));
      });
      expect(during.length).toBeGreaterThan(0);
      for (const names of during) expect(names).toEqual([expect.stringMatching(/^\.big\.bin\.[0-9a-f]{8}\.part$/)]);
      expect(readdirSync(target)).toEqual(["big.bin"]);
    });

    it("hard-links files with hardLink: true", async () => {
      const { server, work } = fresh();
      const dset = datasetWith(work, { "x.txt": "x" }, server);
      const [file] = await upload(new LocalFileTransfer({ hardLink: true }), dset, server);
      expect(statSync(path.join(server, "x.txt")).ino).toBe(statSync(path.join(work, "x.txt")).ino);
      expect(file?.isOnRemote).toBe(true);
      expect(file?.remoteSize).toBe(1);
    });

    it("never overwrites, and writes nothing if any target exists", async () => {
      const { server, work } = fresh();
      writeFiles(server, { "b.txt": "precious" });
      const dset = datasetWith(work, { "a.txt": "a", "b.txt": "b" }, server);
      const log = progressLog();
      const error = await upload(new LocalFileTransfer(), dset, server, log.onProgress).catch((e: unknown) => e);
      expect(log.events).toEqual([]);
      expect(error).toBeInstanceOf(FileUploadError);
      expect((error as Error).message).toContain(`${server}/b.txt`);
      expect(readdirSync(server)).toEqual(["b.txt"]);
      expect(readFileSync(path.join(server, "b.txt"), "utf8")).toBe("precious");
    });

    it("reverts earlier files and created folders when a later file fails", async () => {
      const { server, work } = fresh();
      mkdirSync(server);
      const target = path.join(server, "new");
      const dset = datasetWith(work, { "sub/1.txt": "1", "2.txt": "2", "3.txt": "3" }, target);
      const error = await upload(new LocalFileTransfer(), dset, target, (p) => {
        if (p.remotePath.posix === "2.txt" && p.bytesDone === p.bytesTotal) unlinkSync(path.join(work, "3.txt"));
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FileUploadError);
      expect(readdirSync(server)).toEqual([]);
    });

    it("removes files and created folders on revertUpload", async () => {
      const { server, work } = fresh();
      const dset = datasetWith(work, { "a.txt": "a" }, server);
      const connection = await new LocalFileTransfer().connectForUpload(dset, new RemotePath(server));
      const uploaded = await connection.uploadFiles(dset.files);
      expect(existsSync(path.join(server, "a.txt"))).toBe(true);
      await connection.revertUpload(uploaded);
      await connection.close();
      expect(existsSync(server)).toBe(false);
      expect(existsSync(path.join(work, "a.txt"))).toBe(true);
    });

    it("never removes files it did not upload, even when asked to revert them", async () => {
      const { server, work } = fresh();
      writeFiles(server, { "theirs.txt": "not ours" });
      const dset = datasetWith(work, { "ours.txt": "ours" }, server);
      const connection = await new LocalFileTransfer().connectForUpload(dset, new RemotePath(server));
      const uploaded = await connection.uploadFiles(dset.files);
      const theirs = File.fromRemote({ remotePath: "theirs.txt", size: 8, creationTime: new Date() });
      const logs = captureLogs();
      try {
        await connection.revertUpload([...uploaded, theirs]);
      } finally {
        logs.restore();
        await connection.close();
      }
      expect(readdirSync(server)).toEqual(["theirs.txt"]);
      expect(logs.messages).toEqual([`warning: Not removing files this connection did not upload: ${server}/theirs.txt`]);
    });

    it("refuses remote paths outside the source folder", async () => {
      const { server, work } = fresh();
      const [local] = writeFiles(work, { "a.txt": "a" });
      const connection = await new LocalFileTransfer().connectForUpload(datasetWith(work, {}, server), new RemotePath(server));
      await expect(connection.uploadFiles([File.fromLocal(local as string, { remotePath: "../a.txt" })])).rejects.toThrow(
        /outside of the source folder/,
      );
      expect(existsSync(server)).toBe(false);
    });

    it("refuses to connect when the file server's top folder is not on this machine", async () => {
      const { work } = fresh();
      const error = await new LocalFileTransfer()
        .connectForUpload(datasetWith(work, {}, "/scitacean-not-mounted/x"), new RemotePath("/scitacean-not-mounted/x"))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FileNotAccessibleError);
      expect((error as Error).message).toMatch(/'\/scitacean-not-mounted' does not exist here/);
    });
  });

  describe("with the Client", () => {
    it("uploads a dataset and downloads it again, skipping an up-to-date local copy", async () => {
      const { server, work } = fresh();
      const fileTransfer = new LocalFileTransfer({ sourceFolder: `${server}/{uid}` });
      const client = new Client({ scicat: new FakeScicatClient(), fileTransfer });
      const original = datasetWith(work, { "f.dat": "data", "logs/l.txt": "log" }, "/ignored");
      const finalized = await client.uploadNewDatasetNow(original);
      const folder = finalized.sourceFolder?.posix as string;
      expect(readFileSync(path.join(folder, "logs/l.txt"), "utf8")).toBe("log");
      const dset = await client.getDataset(String(finalized.pid));
      const target = path.join(work, "download");
      const downloaded = await client.downloadFiles(dset, { target });
      expect(readFileSync(path.join(target, "f.dat"), "utf8")).toBe("data");
      expect(readFileSync(path.join(target, "logs", "l.txt"), "utf8")).toBe("log");
      expect(downloaded.files.map((f) => f.localPath).sort()).toEqual([
        path.join(target, "f.dat"),
        path.join(target, "logs", "l.txt"),
      ]);
      // Up to date now: a second download must not even connect.
      const unreachable = new Client({ scicat: client.scicat, fileTransfer: failingTransfer("must not connect") });
      await unreachable.downloadFiles(dset, { target });
      expect(readFileSync(path.join(target, "f.dat"), "utf8")).toBe("data");
    });

    it.each([
      // Copies hash the bytes as they go: nothing is read again afterwards.
      [false, { bytesTotal: 0, filesTotal: 0 }],
      // Hard links move no bytes, so the checksums are computed afterwards, with progress.
      [true, { bytesTotal: 2 * 1024 * 1024 + 3, filesTotal: 2 }],
    ])("reports the hashing after the upload (hardLink=%s)", async (hardLink, expected) => {
      const { server, work } = fresh();
      const client = new Client({ scicat: new FakeScicatClient(), fileTransfer: new LocalFileTransfer({ hardLink }) });
      const dset = datasetWith(work, { "big.bin": bytes(2 * 1024 * 1024), "small.txt": "abc" }, server);
      const events: UploadProgress[] = [];
      await client.uploadNewDatasetNow(dset, { onProgress: (p) => void events.push(p) });
      const hashing = events.filter((e) => e.phase === "hashing");
      expect(hashing[0]).toMatchObject({ bytesDone: 0, filesDone: 0, ...expected });
      expect(hashing[hashing.length - 1]).toMatchObject({ bytesDone: expected.bytesTotal, filesDone: expected.filesTotal });
      // Large files report as they are read (1 MiB at a time), not only when done.
      const partial = hashing.filter((e) => e.file?.remotePath.posix === "big.bin" && e.file.bytesDone < e.file.bytesTotal);
      expect(partial.length > 0).toBe(hardLink);
    });
  });
});

describe("LinkFileTransfer", () => {
  it("links one file", async () => {
    const { server, work } = fresh();
    writeFiles(server, { "flux.dat": "flux" });
    await download(new LinkFileTransfer(), server, ["flux.dat"], [path.join(work, "flux.dat")]);
    expect(lstatSync(path.join(work, "flux.dat")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path.join(work, "flux.dat"))).toBe(path.join(server, "flux.dat"));
    expect(readFileSync(path.join(work, "flux.dat"), "utf8")).toBe("flux");
  });

  it("links two files", async () => {
    const { server, work } = fresh();
    writeFiles(server, { "a.txt": "a", "sub/b.txt": "b" });
    await download(new LinkFileTransfer(), server, ["a.txt", "sub/b.txt"], [path.join(work, "a"), path.join(work, "b")]);
    expect(readFileSync(path.join(work, "a"), "utf8")).toBe("a");
    expect(readFileSync(path.join(work, "b"), "utf8")).toBe("b");
  });

  it("cannot upload, and says what to use instead", async () => {
    const { server, work } = fresh();
    const connecting = new LinkFileTransfer().connectForUpload(datasetWith(work, {}, server), new RemotePath(server));
    await expect(connecting).rejects.toThrow(
      /cannot upload files\. Use LocalFileTransfer .* or\s+SFTPFileTransfer/,
    );
  });

  it("fails clearly for a missing file", async () => {
    const { server, work } = fresh();
    writeFiles(server, { "a.txt": "a" });
    const error = await download(new LinkFileTransfer(), server, ["nope.txt"], [path.join(work, "n")]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileNotAccessibleError);
    expect((error as Error).message).toMatch(/Unable to link to the remote file .*nope\.txt.* does not exist/);
    expect(existsSync(path.join(work, "n"))).toBe(false);
  });

  it("refuses to connect when the source folder is missing", async () => {
    const { server } = fresh();
    const connecting = new LinkFileTransfer().connectForDownload(datasetWith(root.dir, {}, server));
    await expect(connecting).rejects.toThrow(FileNotAccessibleError);
  });

  it("works with the Client, replacing the temporary file by the link", async () => {
    const { server, work } = fresh();
    const fileTransfer = new LocalFileTransfer({ sourceFolder: server });
    const uploader = new Client({ scicat: new FakeScicatClient(), fileTransfer });
    const finalized = await uploader.uploadNewDatasetNow(datasetWith(work, { "f.dat": "data" }, "/ignored"));
    const client = new Client({ scicat: uploader.scicat, fileTransfer: new LinkFileTransfer() });
    const target = path.join(work, "download");
    mkdirSync(target);
    writeFileSync(path.join(target, "f.dat"), "outdated local copy");
    await client.downloadFiles(await client.getDataset(String(finalized.pid)), { target });
    expect(lstatSync(path.join(target, "f.dat")).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(target, "f.dat"), "utf8")).toBe("data");
    expect(readdirSync(target)).toEqual(["f.dat"]);
  });
});
