/**
 * SelectFileTransfer (the intent of Scitacean 26.6's select_transfer_test):
 * errors while connecting fall through to the next child, errors after
 * connecting are final.
 */
import { lstatSync, mkdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { Client } from "../../src/client/client";
import type { Dataset } from "../../src/model/dataset";
import { File } from "../../src/model/file";
import { FakeFileTransfer } from "../../src/testing/fake-file-transfer";
import { FakeScicatClient } from "../../src/testing/fake-scicat-client";
import { LinkFileTransfer } from "../../src/transfer/link";
import { FileNotAccessibleError } from "../../src/errors";
import { LocalFileTransfer } from "../../src/transfer/local";
import { SelectFileTransfer } from "../../src/transfer/select";
import type { DownloadConnection, FileTransfer } from "../../src/transfer/types";
import { RemotePath } from "../../src/values/remote-path";
import { datasetWith, failingTransfer, tempDir } from "./helpers";

let root: { dir: string; cleanup: () => void };
let counter = 0;
beforeAll(() => {
  root = tempDir("scitacean-select-");
});
afterAll(() => root.cleanup());

function work(): string {
  counter += 1;
  const dir = path.join(root.dir, `case-${counter}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A fake transfer that counts its connections. */
function countingFake(files: Record<string, string> = {}): FakeFileTransfer & { connections: number } {
  const fake = new FakeFileTransfer({ files }) as FakeFileTransfer & { connections: number };
  fake.connections = 0;
  const up = fake.connectForUpload.bind(fake);
  const down = fake.connectForDownload.bind(fake);
  fake.connectForUpload = (d: Dataset, f: RemotePath) => ((fake.connections += 1), up(d, f));
  fake.connectForDownload = (d: Dataset) => ((fake.connections += 1), down(d));
  return fake;
}

async function downloadOne(transfer: FileTransfer, dset: Dataset, remote: string, local: string): Promise<void> {
  const connection = await transfer.connectForDownload(dset);
  try {
    await connection.downloadFiles({ remote: [new RemotePath(remote)], local: [local] });
  } finally {
    await connection.close();
  }
}

it("needs at least one child", () => {
  expect(() => new SelectFileTransfer([])).toThrow(/at least one child/);
});

it("uses its own source folder template, not the children's", () => {
  const child = new LocalFileTransfer({ sourceFolder: "/child/{name}" });
  const dset = datasetWith(root.dir, {}, "/from/dataset");
  expect(new SelectFileTransfer([child], { sourceFolder: "/select/{ownerGroup}" }).sourceFolderFor(dset).posix).toBe(
    "/select/wyrdsisters",
  );
  expect(new SelectFileTransfer([child]).sourceFolderFor(dset).posix).toBe("/from/dataset");
});

describe.each(["download", "upload"] as const)("%s", (direction) => {
  function connect(transfer: FileTransfer, dset: Dataset): Promise<unknown> {
    return direction === "download"
      ? transfer.connectForDownload(dset)
      : transfer.connectForUpload(dset, dset.sourceFolder as RemotePath);
  }
  const dset = (): Dataset => datasetWith(root.dir, {}, "/data/x");

  it("uses a single working child", async () => {
    const child = countingFake();
    await connect(new SelectFileTransfer([child]), dset());
    expect(child.connections).toBe(1);
  });

  it("fails with a single failing child, giving its reason", async () => {
    const error = await connect(new SelectFileTransfer([failingTransfer("server on fire")]), dset()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileNotAccessibleError);
    expect((error as Error).message).toContain(`Unable to ${direction} files`);
    expect((error as Error).message).toContain("Failing(server on fire): server on fire");
  });

  it("lists the reason of every child when all fail", async () => {
    const children = [failingTransfer("first reason"), failingTransfer("second reason")];
    const error = await connect(new SelectFileTransfer(children), dset()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileNotAccessibleError);
    expect((error as Error).message).toMatch(/first reason[\s\S]*second reason/);
    expect(children.map((c) => c.attempts)).toEqual([1, 1]);
  });

  it("uses the first child that connects and stops there", async () => {
    const first = countingFake();
    const second = countingFake();
    await connect(new SelectFileTransfer([first, second]), dset());
    expect([first.connections, second.connections]).toEqual([1, 0]);
  });

  it("does not fall through on a programming or usage error: it would fail every child alike", async () => {
    const broken = failingTransfer("x is not a function", (m) => new TypeError(m));
    const second = countingFake();
    const error = await connect(new SelectFileTransfer([broken, second]), dset()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe("x is not a function");
    expect([broken.attempts, second.connections]).toEqual([1, 0]);
  });

  it("does not fall through on a Node argument error either", async () => {
    const broken = failingTransfer("bad path argument", (m) => Object.assign(new Error(m), { code: "ERR_INVALID_ARG_TYPE" }));
    const second = countingFake();
    await expect(connect(new SelectFileTransfer([broken, second]), dset())).rejects.toThrow("bad path argument");
    expect(second.connections).toBe(0);
  });

  it("falls through on a plain Error, as a transfer written elsewhere may throw", async () => {
    const other = failingTransfer("cannot reach the tape library", (m) => new Error(m));
    const second = countingFake();
    await connect(new SelectFileTransfer([other, second]), dset());
    expect([other.attempts, second.connections]).toEqual([1, 1]);
  });

  it("falls through on a system error such as a refused connection", async () => {
    const refused = failingTransfer("connect ECONNREFUSED 127.0.0.1:22", (m) =>
      Object.assign(new Error(m), { code: "ECONNREFUSED" }),
    );
    const second = countingFake();
    await connect(new SelectFileTransfer([refused, second]), dset());
    expect([refused.attempts, second.connections]).toEqual([1, 1]);
  });

  it("falls through to the second child", async () => {
    const failing = failingTransfer("nope");
    const second = countingFake();
    const third = countingFake();
    await connect(new SelectFileTransfer([failing, second, third]), dset());
    expect([failing.attempts, second.connections, third.connections]).toEqual([1, 1, 0]);
  });
});

it("does not fall back when a child fails after connecting", async () => {
  const broken: FileTransfer = {
    sourceFolderFor: (d) => d.sourceFolder as RemotePath,
    connectForUpload: () => Promise.reject(new Error("unused")),
    async connectForDownload(): Promise<DownloadConnection> {
      return {
        downloadFiles: () => Promise.reject(new Error("disk full")),
        close: async () => {},
      };
    },
  };
  const second = countingFake({ "/data/x/a.txt": "a" });
  const select = new SelectFileTransfer([broken, second]);
  const download = downloadOne(select, datasetWith(root.dir, {}, "/data/x"), "/data/x/a.txt", path.join(work(), "a"));
  await expect(download).rejects.toThrow("disk full");
  expect(second.connections).toBe(0);
});

describe.each([false, true])("link and copy fall back to a third child (hardLink=%s)", (hardLink) => {
  const notMounted = "/scitacean-not-mounted/data";

  it("when downloading", async () => {
    const fallback = countingFake({ [`${notMounted}/a.txt`]: "from the fallback" });
    const select = new SelectFileTransfer([new LinkFileTransfer(), new LocalFileTransfer({ hardLink }), fallback]);
    const target = path.join(work(), "a.txt");
    await downloadOne(select, datasetWith(root.dir, {}, notMounted), `${notMounted}/a.txt`, target);
    expect(readFileSync(target, "utf8")).toBe("from the fallback");
    expect(fallback.connections).toBe(1);
  });

  it("when uploading", async () => {
    const fallback = countingFake();
    const select = new SelectFileTransfer([new LinkFileTransfer(), new LocalFileTransfer({ hardLink }), fallback]);
    const client = new Client({ scicat: new FakeScicatClient(), fileTransfer: select });
    await client.uploadNewDatasetNow(datasetWith(work(), { "a.txt": "a" }, notMounted));
    expect([...fallback.files.keys()]).toEqual([`${notMounted}/a.txt`]);
  });
});

it("falls back when the source folder is mounted but the file to download is not there", async () => {
  const dir = work();
  const server = path.join(dir, "server");
  mkdirSync(server);
  const fallback = countingFake({ [`${server}/a.txt`]: "from the fallback" });
  const select = new SelectFileTransfer([new LinkFileTransfer(), new LocalFileTransfer(), fallback]);
  const client = new Client({ scicat: new FakeScicatClient(), fileTransfer: select });
  const dset = datasetWith(dir, {}, server).replace({}, { origDatablocks: [] });
  dset.addFiles(File.fromRemote({ remotePath: "a.txt", size: 17, creationTime: "2024-05-29T10:00:00Z" }));
  const target = path.join(dir, "download");
  await client.downloadFiles(dset, { target });
  expect(readFileSync(path.join(target, "a.txt"), "utf8")).toBe("from the fallback");
  expect(lstatSync(path.join(target, "a.txt")).isSymbolicLink()).toBe(false);
  expect(fallback.connections).toBe(1);
});

it("prefers links for downloads and copies for uploads where the file server is mounted", async () => {
  const dir = work();
  const server = path.join(dir, "server");
  mkdirSync(server);
  const select = new SelectFileTransfer([new LinkFileTransfer(), new LocalFileTransfer(), failingTransfer("SFTP not needed")]);
  const client = new Client({ scicat: new FakeScicatClient(), fileTransfer: select });
  const finalized = await client.uploadNewDatasetNow(datasetWith(path.join(dir, "local"), { "a.txt": "a" }, server));
  expect(statSync(path.join(server, "a.txt")).isFile()).toBe(true);
  const target = path.join(dir, "download");
  await client.downloadFiles(await client.getDataset(String(finalized.pid)), { target });
  expect(readFileSync(path.join(target, "a.txt"), "utf8")).toBe("a");
  expect(lstatSync(path.join(target, "a.txt")).isSymbolicLink()).toBe(true);
});
