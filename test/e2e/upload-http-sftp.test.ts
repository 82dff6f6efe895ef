/**
 * End to end: Client.uploadNewDatasetNow with the real HTTP client (axios,
 * `Client.fromCredentials` / `Client.fromToken`) against the SciCat stand-in
 * server on 127.0.0.1, and SFTPFileTransfer against a real OpenSSH sshd.
 *
 * Every step of the upload is made to fail once, and the outcome is checked
 * on the servers themselves: the stand-in's stores and request log, and the
 * sshd's data folder on disk (the sshd runs on this machine, so its files are
 * our files).
 *
 * Order of an upload (Scitacean 24.05 §4.1): validate locally → `POST
 * datasets/isValid` → SFTP upload → checksums → `POST datasets` (files
 * reverted if it fails) → `POST datasets/{pid}/origdatablocks` →
 * `POST datasets/{pid}/attachments` (no revert after the dataset exists:
 * `PartialUploadError` says what is left).
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { inspect } from "node:util";
import { Client, type UploadPhase, type UploadProgress } from "../../src/client/client";
import {
  FileUploadError,
  IntegrityError,
  PartialUploadError,
  ScicatCommError,
  ScicatLoginError,
  ValidationError,
} from "../../src/errors";
import { setLogHandler } from "../../src/logging";
import { Attachment } from "../../src/model/attachment";
import { Dataset, type DatasetInit } from "../../src/model/dataset";
import type { File } from "../../src/model/file";
import { ScicatServer, type RecordedRequest } from "../../src/testing/scicat-server";
import { SFTPFileTransfer } from "../../src/transfer/sftp";
import type { DownloadConnection, FileTransfer, TransferOptions, UploadConnection } from "../../src/transfer/types";
import { Thumbnail } from "../../src/values/thumbnail";
import type { RemotePath } from "../../src/values/remote-path";
import { GUIDE_FILE_CONTENT, guideDatasetInit } from "../fixtures/guide";
import { startSshd, type TestSshd } from "../helpers/sshd";

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

/** `nanny` owns the guide's dataset (group `wyrdsisters`); an LDAP user, so login walks the endpoints. */
const USER = { username: "nanny", password: "wyrd-sisters-pw" };
const SPELLS = "maiden mother crone\n";
/** A 1×1 PNG. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

let server: ScicatServer;
let sshd: TestSshd;
let localRoot: string;
let counter = 0;
let restoreLogs: () => void;

beforeAll(async () => {
  server = new ScicatServer();
  await server.start();
  sshd = await startSshd();
  localRoot = mkdtempSync(path.join(os.tmpdir(), "scitacean-e2e-local-"));
}, 30_000);

afterAll(async () => {
  await server?.stop();
  await sshd?.stop();
  if (localRoot) rmSync(localRoot, { recursive: true, force: true });
});

beforeEach(() => {
  server.reset();
  // The library logs every failed call; keep the test output readable.
  const previous = setLogHandler(() => undefined);
  restoreLogs = () => void setLogHandler(previous);
});

afterEach(() => {
  restoreLogs();
  jest.restoreAllMocks();
  // Every failure in these tests is an intended one; the stand-in itself must not have broken.
  expect(server.unexpectedErrors).toEqual([]);
});

/** One test's folders: local data (created) and the remote case folder (not created). */
interface Case {
  /** Local folder with the data files. */
  readonly local: string;
  /** `<sshd data>/case-N`: everything the upload writes is below it; it does not exist yet. */
  readonly remoteRoot: string;
  /** The dataset's source folder, `<remoteRoot>/somewhere/on/remote` as in the guide. */
  readonly sourceFolder: string;
}

function freshCase(): Case {
  counter += 1;
  const local = path.join(localRoot, `case-${counter}`);
  mkdirSync(local, { recursive: true });
  const remoteRoot = path.join(sshd.dataRoot, `case-${counter}`);
  return { local, remoteRoot, sourceFolder: path.join(remoteRoot, "somewhere", "on", "remote") };
}

function blake2b(content: string | Buffer): string {
  return createHash("blake2b512").update(content).digest("hex");
}

function writeLocal(root: string, relative: string, content: string | Buffer): string {
  const full = path.join(root, relative);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, content);
  return full;
}

/**
 * The guide's dataset with its file `witchcraft.dat`, a second file in a
 * sub-folder (`sub/spells.txt`, via basePath), and one thumbnail attachment.
 * `files` replaces the two files (relative path → contents), in upload order.
 */
function guideDataset(
  c: Case,
  options: { fields?: Partial<DatasetInit>; files?: Record<string, string | Buffer>; attachments?: number } = {},
): Dataset {
  const dset = new Dataset({ ...guideDatasetInit(), sourceFolder: c.sourceFolder, ...options.fields } as DatasetInit);
  const files = options.files ?? { "witchcraft.dat": GUIDE_FILE_CONTENT, "sub/spells.txt": SPELLS };
  const dataDir = path.join(c.local, "data");
  const paths = Object.entries(files).map(([relative, content]) => writeLocal(dataDir, relative, content));
  dset.addLocalFiles(paths, { basePath: dataDir });
  const png = writeLocal(c.local, "thumbnail.png", PNG);
  dset.attachments = Array.from(
    { length: options.attachments ?? 1 },
    (_, i) =>
      new Attachment({ caption: `The three witches ${i + 1}`, ownerGroup: "wyrdsisters", thumbnail: Thumbnail.loadFile(png) }),
  );
  return dset;
}

/** Every path below `root`, relative, sorted; folders end with '/'. `[]` if `root` does not exist. */
function tree(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const name = `${prefix}${entry.name}`;
      if (entry.isDirectory()) {
        out.push(`${name}/`);
        walk(path.join(dir, entry.name), `${name}/`);
      } else {
        out.push(name);
      }
    }
  };
  walk(root, "");
  return out.sort();
}

function sftp(): SFTPFileTransfer {
  return new SFTPFileTransfer(sshd.transferOptions());
}

/** `"POST /datasets/isValid"` etc. for every request apart from logging in, in order. */
function apiCalls(): string[] {
  return server.requests.filter((r) => !isLogin(r)).map((r) => r.route ?? `${r.method} ${r.path}`);
}

function isLogin(r: RecordedRequest): boolean {
  return r.route === null ? /\/(auth|users)\//i.test(r.path) : /^POST \/(auth|users)\//i.test(r.route);
}

/** Requests that could have written something (every POST apart from logging in). */
function writeCalls(): string[] {
  return apiCalls().filter((call) => call.startsWith("POST "));
}

function expectNothingInScicat(): void {
  expect([...server.datasets.keys()]).toEqual([]);
  expect([...server.origDatablocks.keys()]).toEqual([]);
  expect([...server.attachments.keys()]).toEqual([]);
}

/** What the client did with the transfer, with the SciCat calls the server had seen at that moment. */
interface TransferEvent {
  readonly what: "connect" | "upload-start" | "upload-end" | "upload-failed" | "revert" | "close";
  readonly scicatCallsSoFar: readonly string[];
}

/**
 * Passes everything to a real transfer and records when the client used it,
 * together with the SciCat requests the server had received by then; this
 * places the SFTP writes in the request sequence without looking at clocks.
 */
class RecordingTransfer implements FileTransfer {
  readonly events: TransferEvent[] = [];
  constructor(readonly inner: FileTransfer) {}

  #record(what: TransferEvent["what"]): void {
    this.events.push({ what, scicatCallsSoFar: apiCalls() });
  }

  get log(): string[] {
    return this.events.map((e) => e.what);
  }

  sourceFolderFor(dataset: Dataset): RemotePath {
    return this.inner.sourceFolderFor(dataset);
  }

  async connectForUpload(dataset: Dataset, sourceFolder: RemotePath): Promise<UploadConnection> {
    const connection = await this.inner.connectForUpload(dataset, sourceFolder);
    this.#record("connect");
    return {
      sourceFolder: connection.sourceFolder,
      uploadFiles: async (files: readonly File[], options?: TransferOptions): Promise<File[]> => {
        this.#record("upload-start");
        try {
          const uploaded = await connection.uploadFiles(files, options);
          this.#record("upload-end");
          return uploaded;
        } catch (error) {
          this.#record("upload-failed");
          throw error;
        }
      },
      revertUpload: async (files: readonly File[]): Promise<void> => {
        this.#record("revert");
        await connection.revertUpload(files);
      },
      close: async (): Promise<void> => {
        this.#record("close");
        await connection.close();
      },
    };
  }

  connectForDownload(dataset: Dataset): Promise<DownloadConnection> {
    return this.inner.connectForDownload(dataset);
  }
}

async function loggedInClient(options: { timeoutMs?: number } = {}): Promise<{ client: Client; transfer: RecordingTransfer }> {
  const transfer = new RecordingTransfer(sftp());
  const client = await Client.fromCredentials({ url: server.url, ...USER, ...options, fileTransfer: transfer });
  return { client, transfer };
}

/** Runs `promise`, expecting it to fail, and returns the error. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the upload to fail, but it succeeded");
}

const WRITE_SEQUENCE = [
  "POST /datasets/isValid",
  "POST /datasets",
  "POST /datasets/:pid/origdatablocks",
  "POST /datasets/:pid/attachments",
];

// ---------------------------------------------------------------------------------------------
// Success
// ---------------------------------------------------------------------------------------------

describe("a successful upload", () => {
  it("creates the dataset, its datablock and attachment in SciCat and the files on the SFTP server", async () => {
    const c = freshCase();
    const { client, transfer } = await loggedInClient();
    const dset = guideDataset(c);

    const finalized = await client.uploadNewDatasetNow(dset);

    // SciCat: one dataset, with the pid the server chose and the login user as creator.
    const pids = [...server.datasets.keys()];
    expect(pids).toHaveLength(1);
    const pid = pids[0] as string;
    expect(pid.startsWith("PID.prefix.a0b1/")).toBe(true);
    expect(finalized.pid?.toString()).toBe(pid);
    const stored = server.datasets.get(pid)!;
    expect(stored["createdBy"]).toBe("nanny");
    expect(finalized.createdBy).toBe("nanny");
    expect(stored["datasetName"]).toBe("Spellpower of the Three Witches");
    expect(stored["ownerGroup"]).toBe("wyrdsisters");
    expect(stored["sourceFolder"]).toBe(c.sourceFolder);
    expect(stored["numberOfFiles"]).toBe(2);
    expect(stored["size"]).toBe(GUIDE_FILE_CONTENT.length + SPELLS.length);

    // One datablock whose checksums are those of the bytes (computed here, independently).
    const blocks = server.origDatablocksOf(pid);
    expect(blocks).toHaveLength(1);
    const block = blocks[0]!;
    expect(block["chkAlg"]).toBe("blake2b");
    expect(block["size"]).toBe(GUIDE_FILE_CONTENT.length + SPELLS.length);
    expect(block["createdBy"]).toBe("nanny");
    const entries = (block["dataFileList"] as Array<Record<string, unknown>>)
      .map((f) => ({ path: f["path"], size: f["size"], chk: f["chk"], uid: f["uid"], gid: f["gid"] }))
      .sort((a, b) => String(a.path).localeCompare(String(b.path)));
    const onDisk = statSync(path.join(c.sourceFolder, "witchcraft.dat"));
    expect(entries).toEqual([
      { path: "sub/spells.txt", size: SPELLS.length, chk: blake2b(SPELLS), uid: String(onDisk.uid), gid: String(onDisk.gid) },
      {
        path: "witchcraft.dat",
        size: GUIDE_FILE_CONTENT.length,
        chk: blake2b(GUIDE_FILE_CONTENT),
        uid: String(onDisk.uid),
        gid: String(onDisk.gid),
      },
    ]);

    // The attachment, with the thumbnail's bytes.
    const attachments = server.attachmentsOf(pid);
    expect(attachments).toHaveLength(1);
    expect(attachments[0]?.["caption"]).toBe("The three witches 1");
    expect(attachments[0]?.["thumbnail"]).toBe(`data:image/png;base64,${PNG.toString("base64")}`);
    expect(finalized.attachments).toHaveLength(1);

    // The SFTP server: exactly the two files, with the right bytes, below the source folder.
    expect(tree(c.remoteRoot)).toEqual([
      "somewhere/",
      "somewhere/on/",
      "somewhere/on/remote/",
      "somewhere/on/remote/sub/",
      "somewhere/on/remote/sub/spells.txt",
      "somewhere/on/remote/witchcraft.dat",
    ]);
    expect(readFileSync(path.join(c.sourceFolder, "witchcraft.dat"), "utf8")).toBe(GUIDE_FILE_CONTENT);
    expect(readFileSync(path.join(c.sourceFolder, "sub", "spells.txt"), "utf8")).toBe(SPELLS);

    // The request sequence, and the SFTP upload between isValid and POST datasets.
    expect(writeCalls()).toEqual(WRITE_SEQUENCE);
    expect(apiCalls()).toEqual(WRITE_SEQUENCE);
    const encoded = encodeURIComponent(pid);
    expect(server.requests.filter((r) => !isLogin(r)).map((r) => [r.path, r.status, r.user])).toEqual([
      ["/api/v3/datasets/isValid", 200, "nanny"],
      ["/api/v3/datasets", 201, "nanny"],
      [`/api/v3/datasets/${encoded}/origdatablocks`, 201, "nanny"],
      [`/api/v3/datasets/${encoded}/attachments`, 201, "nanny"],
    ]);
    expect(transfer.log).toEqual(["connect", "upload-start", "upload-end", "close"]);
    expect(transfer.events.map((e) => e.scicatCallsSoFar)).toEqual([
      ["POST /datasets/isValid"],
      ["POST /datasets/isValid"],
      ["POST /datasets/isValid"],
      // The connection stays open until the dataset exists, to revert the files if it cannot be created.
      ["POST /datasets/isValid", "POST /datasets"],
    ]);

    // What SciCat gives back is what the upload returned.
    const downloaded = await client.getDataset(pid, { attachments: true });
    expect(downloaded.equals(finalized)).toBe(true);
    expect(finalized.equals(downloaded)).toBe(true);
    expect(downloaded.files.map((f) => f.remotePath.posix).sort()).toEqual(["sub/spells.txt", "witchcraft.dat"]);

    // And the files come back with the same bytes, checked against the datablock's checksums.
    const target = path.join(c.local, "downloaded");
    const withLocal = await client.downloadFiles(downloaded, { target });
    expect(tree(target)).toEqual(["sub/", "sub/spells.txt", "witchcraft.dat"]);
    expect(readFileSync(path.join(target, "witchcraft.dat"), "utf8")).toBe(GUIDE_FILE_CONTENT);
    expect(readFileSync(path.join(target, "sub", "spells.txt"), "utf8")).toBe(SPELLS);
    for (const file of withLocal.files) {
      expect(file.localPath).not.toBeNull();
      expect(await file.localIsUpToDate()).toBe(true);
    }
  });

  it("reports progress over the real transfer: phases in order, bytes up to the total", async () => {
    const c = freshCase();
    const big = randomBytes(3 * 1024 * 1024 + 5);
    const { client } = await loggedInClient();
    const dset = guideDataset(c, { files: { "big.bin": big, "sub/spells.txt": SPELLS } });
    const events: UploadProgress[] = [];

    await client.uploadNewDatasetNow(dset, { onProgress: (p) => events.push(p) });

    const phases: UploadPhase[] = [];
    for (const e of events) if (phases[phases.length - 1] !== e.phase) phases.push(e.phase);
    expect(phases).toEqual(["validating", "uploading", "hashing", "creating-dataset", "datablocks", "attachments", "done"]);
    const total = big.length + SPELLS.length;
    // SFTP hashes the files while they stream, so the hashing phase has nothing left to read.
    const [hashing, ...moreHashing] = events.filter((e) => e.phase === "hashing");
    expect(moreHashing).toEqual([]);
    expect(hashing).toMatchObject({ bytesDone: 0, bytesTotal: 0, filesDone: 0, filesTotal: 0 });
    events.splice(events.indexOf(hashing!), 1);
    for (const e of events) {
      expect(e.bytesTotal).toBe(total);
      expect(e.filesTotal).toBe(2);
      expect(e.bytesDone).toBeLessThanOrEqual(total);
    }
    const uploading = events.filter((e) => e.phase === "uploading");
    // Several reports while the big file moves, never going back.
    expect(uploading.filter((e) => e.file?.remotePath.posix === "big.bin" && e.bytesDone > 0 && e.bytesDone < big.length).length)
      .toBeGreaterThan(0);
    for (let i = 1; i < events.length; i++) {
      expect(events[i]!.bytesDone).toBeGreaterThanOrEqual(events[i - 1]!.bytesDone);
      expect(events[i]!.filesDone).toBeGreaterThanOrEqual(events[i - 1]!.filesDone);
    }
    expect(uploading[uploading.length - 1]).toMatchObject({ bytesDone: total, filesDone: 2 });
    expect(events[events.length - 1]).toMatchObject({ phase: "done", bytesDone: total, filesDone: 2 });
    expect(readFileSync(path.join(c.sourceFolder, "big.bin")).equals(big)).toBe(true);
  });

  it("refuses a download whose bytes do not match the datablock's checksum, writing nothing", async () => {
    const c = freshCase();
    const { client } = await loggedInClient();
    const finalized = await client.uploadNewDatasetNow(guideDataset(c));
    // Someone changes the file on the server after the upload (same size, other bytes).
    writeFileSync(path.join(c.sourceFolder, "witchcraft.dat"), "6.9 13 666");

    const target = path.join(c.local, "downloaded");
    const error = await failure(client.downloadFiles(finalized, { target }));
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error.message).toContain(path.join(target, "witchcraft.dat"));
    // No file under the real name and no leftover `.part` file.
    expect(tree(target).filter((p) => !p.endsWith("/") && p !== "sub/spells.txt")).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Failures before anything is written
// ---------------------------------------------------------------------------------------------

describe("a failure before anything is written", () => {
  it("local validation (bad email): no write request, no connection, nothing on disk", async () => {
    const c = freshCase();
    const { client, transfer } = await loggedInClient();
    const dset = guideDataset(c, { fields: { contactEmail: "nanny-at-lancre" } });

    const error = await failure(client.uploadNewDatasetNow(dset));

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.field)).toEqual(["contactEmail"]);
    expect(error.message).toContain("nanny-at-lancre");
    expect(apiCalls()).toEqual([]);
    expect(transfer.log).toEqual([]);
    expectNothingInScicat();
    expect(existsSync(c.remoteRoot)).toBe(false);
  });

  interface IsValidCase {
    readonly label: string;
    readonly fields: Partial<DatasetInit>;
    readonly arrange: () => void;
    /** HTTP status of the ScicatCommError, or `null` for SciCat's validation answer (a ValidationError). */
    readonly status: number | null;
  }
  const isValidCases: IsValidCase[] = [
    { label: "SciCat answers isValid with 400", fields: {}, arrange: () => server.failNext("POST /datasets/isValid", 400), status: 400 },
    {
      label: "SciCat's own validation rejects an email the client accepts (digits in the top-level domain)",
      fields: { contactEmail: "nogg@wyrd.l4ncre" },
      arrange: () => undefined,
      status: null,
    },
    {
      label: "SciCat refuses a dataset of a group the user is not in (403)",
      fields: { ownerGroup: "uu" },
      arrange: () => undefined,
      status: 403,
    },
  ];
  it.each(isValidCases)("$label: nothing created, nothing on disk", async ({ fields, arrange, status }) => {
    const c = freshCase();
    const { client, transfer } = await loggedInClient();
    const dset = guideDataset(c, { fields });
    arrange();

    const error = await failure(client.uploadNewDatasetNow(dset));

    if (status !== null) {
      expect(error).toBeInstanceOf(ScicatCommError);
      expect((error as ScicatCommError).operation).toBe("validateDatasetModel");
      expect((error as ScicatCommError).status).toBe(status);
    } else {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues).toEqual([{ field: "contactEmail", message: expect.stringContaining("email") }]);
      expect(error.message).toContain("checked by SciCat");
    }
    expect(apiCalls()).toEqual(["POST /datasets/isValid"]);
    expect(transfer.log).toEqual([]);
    expectNothingInScicat();
    expect(existsSync(c.remoteRoot)).toBe(false);
  });

  it("an existing remote file: refused before any byte is written, the existing file untouched", async () => {
    const c = freshCase();
    const existing = writeLocal(c.sourceFolder, "sub/spells.txt", "somebody else's spells");
    const before = statSync(existing);
    const { client, transfer } = await loggedInClient();

    const error = await failure(client.uploadNewDatasetNow(guideDataset(c)));

    expect(error).toBeInstanceOf(FileUploadError);
    expect(error.message).toContain(`'${path.join(c.sourceFolder, "sub", "spells.txt")}'`);
    expect(error.message).toContain("never overwritten");
    expect(error.message).toContain("Nothing was uploaded");
    expect(readFileSync(existing, "utf8")).toBe("somebody else's spells");
    expect(statSync(existing).mtimeMs).toBe(before.mtimeMs);
    // witchcraft.dat was not written, and no folder was added.
    expect(tree(c.remoteRoot)).toEqual([
      "somewhere/",
      "somewhere/on/",
      "somewhere/on/remote/",
      "somewhere/on/remote/sub/",
      "somewhere/on/remote/sub/spells.txt",
    ]);
    expect(apiCalls()).toEqual(["POST /datasets/isValid"]);
    expect(transfer.log).toEqual(["connect", "upload-start", "upload-failed", "close"]);
    expectNothingInScicat();
  });

  it("a file where a folder must go: refused before any byte is written, nothing created", async () => {
    const c = freshCase();
    // `somewhere` must become a folder, but it is a file.
    writeLocal(c.remoteRoot, "somewhere", "not a folder");
    const { client } = await loggedInClient();

    const error = await failure(client.uploadNewDatasetNow(guideDataset(c)));

    expect(error).toBeInstanceOf(FileUploadError);
    expect(error.message).toContain(`'${path.join(c.remoteRoot, "somewhere")}'`);
    expect(error.message).toContain("a file is in the way");
    expect(tree(c.remoteRoot)).toEqual(["somewhere"]);
    expect(readFileSync(path.join(c.remoteRoot, "somewhere"), "utf8")).toBe("not a folder");
    expect(apiCalls()).toEqual(["POST /datasets/isValid"]);
    expectNothingInScicat();
  });

  it("an expired token: fromToken refuses it, without showing it", async () => {
    const token = server.issueToken("nanny", { expiresInSeconds: -60 });
    let error: unknown;
    try {
      Client.fromToken({ url: server.url, token, fileTransfer: sftp() });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScicatLoginError);
    expect((error as Error).message).toMatch(/expired/);
    expect((error as Error).message).toContain("Client.fromCredentials");
    expect(`${inspect(error)}\n${(error as Error).stack}`).not.toContain(token);
    expect(server.requests).toEqual([]);
  });

  it("a token that expires before the upload: a clear error before any request or file is written", async () => {
    const c = freshCase();
    const token = server.issueToken("nanny", { expiresInSeconds: 60 });
    const transfer = new RecordingTransfer(sftp());
    const client = Client.fromToken({ url: server.url, token, fileTransfer: transfer });
    const dset = guideDataset(c);
    // Two minutes later, in a long notebook session.
    const later = Date.now() + 120_000;
    jest.spyOn(Date, "now").mockReturnValue(later);

    const error = await failure(client.uploadNewDatasetNow(dset));
    jest.restoreAllMocks();

    expect(error).toBeInstanceOf(ScicatLoginError);
    expect(error.message).toMatch(/login has expired/);
    expect(error.message).toContain("Client.fromToken");
    expect(`${inspect(error)}\n${error.stack}\n${String(error.cause)}`).not.toContain(token);
    expect(server.requests).toEqual([]);
    expect(transfer.log).toEqual([]);
    expect(existsSync(c.remoteRoot)).toBe(false);
  });

  it("a token that expires while the files move: no dataset, the files are removed, the error says to log in again", async () => {
    const c = freshCase();
    const token = server.issueToken("nanny", { expiresInSeconds: 60 });
    const transfer = new RecordingTransfer(sftp());
    const client = Client.fromToken({ url: server.url, token, fileTransfer: transfer });
    // The clock jumps past the expiry once the files are up, before the dataset is created.
    const onProgress = (p: UploadProgress): void => {
      if (p.phase === "creating-dataset") jest.spyOn(Date, "now").mockReturnValue(Date.now() + 120_000);
    };

    const error = await failure(client.uploadNewDatasetNow(guideDataset(c), { onProgress }));
    jest.restoreAllMocks();

    expect(error).toBeInstanceOf(ScicatLoginError);
    expect(error.message).toMatch(/login has expired/);
    expect(`${inspect(error)}\n${error.stack}`).not.toContain(token);
    expect(apiCalls()).toEqual(["POST /datasets/isValid"]);
    expect(transfer.log).toEqual(["connect", "upload-start", "upload-end", "revert", "close"]);
    expect(existsSync(c.remoteRoot)).toBe(false);
    expectNothingInScicat();
  });

  it("an SFTP server with an unknown host key: refused before any file is written, no dataset", async () => {
    const c = freshCase();
    const strangers = path.join(c.local, "known_hosts");
    writeFileSync(strangers, "");
    const transfer = new RecordingTransfer(new SFTPFileTransfer({ ...sshd.transferOptions(), knownHosts: strangers }));
    const client = await Client.fromCredentials({ url: server.url, ...USER, fileTransfer: transfer });

    const error = await failure(client.uploadNewDatasetNow(guideDataset(c)));

    expect(error.message).toMatch(/host key/i);
    expect(error.message).toContain(strangers);
    expect(apiCalls()).toEqual(["POST /datasets/isValid"]);
    expect(transfer.log).toEqual([]);
    expect(existsSync(c.remoteRoot)).toBe(false);
    expectNothingInScicat();
  });
});

// ---------------------------------------------------------------------------------------------
// Failures while the files move: everything written is removed again
// ---------------------------------------------------------------------------------------------

describe("a failure during the SFTP upload", () => {
  it("the server refuses the second file: the first is removed again, and the folders the upload made", async () => {
    const c = freshCase();
    const { client, transfer } = await loggedInClient();
    const dset = guideDataset(c);
    const sub = path.join(c.sourceFolder, "sub");
    let sabotaged = false;
    // Once witchcraft.dat is on the server (the folders exist by then), the folder of the
    // second file disappears, so the server refuses to create sub/spells.txt.
    const onProgress = (p: UploadProgress): void => {
      if (sabotaged || p.file?.remotePath.posix !== "witchcraft.dat" || p.file.bytesDone < p.file.bytesTotal) return;
      expect(readFileSync(path.join(c.sourceFolder, "witchcraft.dat"), "utf8")).toBe(GUIDE_FILE_CONTENT);
      rmdirSync(sub);
      sabotaged = true;
    };

    const error = await failure(client.uploadNewDatasetNow(dset, { onProgress }));

    expect(sabotaged).toBe(true);
    expect(error).toBeInstanceOf(FileUploadError);
    expect(error.message).toContain(`'${path.join(sub, "spells.txt")}'`);
    expect(error.message).not.toMatch(/may be left/);
    expect(existsSync(c.remoteRoot)).toBe(false);
    expect(apiCalls()).toEqual(["POST /datasets/isValid"]);
    expect(transfer.log).toEqual(["connect", "upload-start", "upload-failed", "close"]);
    expectNothingInScicat();
  });

  it("someone else's file appears where a folder is needed: only that file is left", async () => {
    const c = freshCase();
    const { client } = await loggedInClient();
    const dset = guideDataset(c);
    const sub = path.join(c.sourceFolder, "sub");
    let sabotaged = false;
    const onProgress = (p: UploadProgress): void => {
      if (sabotaged || p.file?.remotePath.posix !== "witchcraft.dat" || p.file.bytesDone < p.file.bytesTotal) return;
      rmdirSync(sub);
      writeFileSync(sub, "not ours");
      sabotaged = true;
    };

    const error = await failure(client.uploadNewDatasetNow(dset, { onProgress }));

    expect(sabotaged).toBe(true);
    expect(error).toBeInstanceOf(FileUploadError);
    // Our file is gone; the stranger's file stays, and with it the folders that hold it.
    expect(tree(c.remoteRoot)).toEqual(["somewhere/", "somewhere/on/", "somewhere/on/remote/", "somewhere/on/remote/sub"]);
    expect(readFileSync(sub, "utf8")).toBe("not ours");
    expect(apiCalls()).toEqual(["POST /datasets/isValid"]);
    expectNothingInScicat();
  });

  it("an abort while a multi-MiB file is moving: everything removed, no dataset", async () => {
    const c = freshCase();
    // Larger than the transfer's window of bytes in flight, so the abort lands mid-file.
    const big = randomBytes(20 * 1024 * 1024);
    const { client, transfer } = await loggedInClient();
    // The big file goes last, so only an abort honoured inside the file fails the SFTP upload itself
    // (between files, or after the last one, the client would still catch it, but later).
    const dset = guideDataset(c, { files: { "sub/spells.txt": SPELLS, "big.bin": big } });
    const controller = new AbortController();
    let abortedAt = -1;
    const onProgress = (p: UploadProgress): void => {
      if (controller.signal.aborted || p.phase !== "uploading" || p.file?.remotePath.posix !== "big.bin") return;
      if (p.file.bytesDone === 0) return;
      abortedAt = p.file.bytesDone;
      controller.abort();
    };

    const error = await failure(client.uploadNewDatasetNow(dset, { onProgress, signal: controller.signal }));

    expect(abortedAt).toBeGreaterThan(0);
    expect(abortedAt).toBeLessThan(big.length);
    expect(error.name).toBe("AbortError");
    expect(existsSync(c.remoteRoot)).toBe(false);
    expect(apiCalls()).toEqual(["POST /datasets/isValid"]);
    expect(transfer.log).toEqual(["connect", "upload-start", "upload-failed", "close"]);
    expectNothingInScicat();
  });
});

// ---------------------------------------------------------------------------------------------
// Failures in SciCat after the files are up
// ---------------------------------------------------------------------------------------------

describe("a failure in SciCat after the files are uploaded", () => {
  it("POST datasets fails: the files and folders are removed again, no dataset", async () => {
    const c = freshCase();
    const { client, transfer } = await loggedInClient();
    server.failNext("POST /datasets", 500);

    const error = await failure(client.uploadNewDatasetNow(guideDataset(c)));

    expect(error).toBeInstanceOf(ScicatCommError);
    expect((error as ScicatCommError).status).toBe(500);
    expect((error as ScicatCommError).operation).toBe("createDatasetModel");
    expect(error.message).toContain("createDatasetModel");
    expect(error.message).toContain("POST");
    expect(existsSync(c.remoteRoot)).toBe(false);
    // A 500 may come after SciCat stored the dataset: it is asked first, and lists none.
    expect(apiCalls()).toEqual(["POST /datasets/isValid", "POST /datasets", "GET /datasets/fullquery"]);
    // The files were up when SciCat refused, and were reverted after that.
    expect(transfer.log).toEqual(["connect", "upload-start", "upload-end", "revert", "close"]);
    expect(transfer.events[3]?.scicatCallsSoFar).toEqual(["POST /datasets/isValid", "POST /datasets", "GET /datasets/fullquery"]);
    expectNothingInScicat();
  });


  it("POST origdatablocks fails: PartialUploadError naming the pid; dataset and files stay", async () => {
    const c = freshCase();
    const { client, transfer } = await loggedInClient();
    server.failNext("POST /datasets/:pid/origdatablocks", 500);

    const error = await failure(client.uploadNewDatasetNow(guideDataset(c)));

    const pids = [...server.datasets.keys()];
    expect(pids).toHaveLength(1);
    const pid = pids[0] as string;
    expect(error).toBeInstanceOf(PartialUploadError);
    expect(error).toMatchObject({
      pid,
      sourceFolder: c.sourceFolder,
      uploadedFiles: [path.join(c.sourceFolder, "witchcraft.dat"), path.join(c.sourceFolder, "sub", "spells.txt")],
    });
    expect(error.message).toContain(pid);
    expect(error.message).toContain(`The dataset was created and its 2 new data files were uploaded to '${c.sourceFolder}'`);
    expect(error.message).toMatch(/only 0 of its 1 datablocks were created/);
    expect(error.message).toMatch(/ask a SciCat admin/);
    expect(error.message).toMatch(/uploading again would create a second dataset/);
    expect(error.cause).toBeInstanceOf(ScicatCommError);
    expect((error.cause as ScicatCommError).status).toBe(500);
    // What is left: the dataset without datablock or attachments, and the files.
    expect(server.origDatablocks.size).toBe(0);
    expect(server.attachments.size).toBe(0);
    expect(readFileSync(path.join(c.sourceFolder, "witchcraft.dat"), "utf8")).toBe(GUIDE_FILE_CONTENT);
    expect(readFileSync(path.join(c.sourceFolder, "sub", "spells.txt"), "utf8")).toBe(SPELLS);
    expect(apiCalls()).toEqual(WRITE_SEQUENCE.slice(0, 3));
    expect(transfer.log).toEqual(["connect", "upload-start", "upload-end", "close"]);
  });

  it("POST attachments fails for the second one: PartialUploadError saying 1 of 2 made it", async () => {
    const c = freshCase();
    const { client } = await loggedInClient();
    server.failNext("POST /datasets/:pid/attachments", 500, { after: 1 });
    const error = await failure(client.uploadNewDatasetNow(guideDataset(c, { attachments: 2 })));

    const pids = [...server.datasets.keys()];
    expect(pids).toHaveLength(1);
    const pid = pids[0] as string;
    expect(error).toBeInstanceOf(PartialUploadError);
    expect((error as PartialUploadError).pid).toBe(pid);
    expect(error.message).toContain(pid);
    expect(error.message).toContain("1 of 2 attachments were uploaded");
    expect(error.message).toContain("createAttachmentForDataset");
    // The dataset, its datablock, the first attachment and the files stay.
    expect(server.origDatablocksOf(pid)).toHaveLength(1);
    expect(server.attachmentsOf(pid).map((a) => a["caption"])).toEqual(["The three witches 1"]);
    expect(readFileSync(path.join(c.sourceFolder, "witchcraft.dat"), "utf8")).toBe(GUIDE_FILE_CONTENT);
    expect(readFileSync(path.join(c.sourceFolder, "sub", "spells.txt"), "utf8")).toBe(SPELLS);
    expect(apiCalls()).toEqual([...WRITE_SEQUENCE, "POST /datasets/:pid/attachments"]);
    expect(server.requests.filter((r) => !isLogin(r)).map((r) => r.status)).toEqual([200, 201, 201, 201, 500]);
  });

  it("POST datasets is carried out but the answer is lost: SciCat is asked, the error gives the PID, the files stay", async () => {
    const c = freshCase();
    const { client, transfer } = await loggedInClient({ timeoutMs: 1_000 });
    server.hangNext("POST /datasets", { carriedOut: true });

    const error = await failure(client.uploadNewDatasetNow(guideDataset(c)));

    // SciCat has the dataset; removing its files would have left it pointing at nothing.
    const created = [...server.datasets.values()];
    expect(created.map((d) => d["sourceFolder"])).toEqual([c.sourceFolder]);
    expect(readFileSync(path.join(c.sourceFolder, "witchcraft.dat"), "utf8")).toBe(GUIDE_FILE_CONTENT);
    expect(readFileSync(path.join(c.sourceFolder, "sub", "spells.txt"), "utf8")).toBe(SPELLS);
    expect(transfer.log).toEqual(["connect", "upload-start", "upload-end", "close"]);
    expect(apiCalls()).toEqual([...WRITE_SEQUENCE.slice(0, 2), "GET /datasets/fullquery"]);

    expect(error).toBeInstanceOf(PartialUploadError);
    expect(error).toMatchObject({
      pid: created[0]?.["pid"],
      sourceFolder: c.sourceFolder,
      uploadedFiles: [path.join(c.sourceFolder, "witchcraft.dat"), path.join(c.sourceFolder, "sub", "spells.txt")],
    });
    expect(error.cause).toBeInstanceOf(ScicatCommError);
    expect((error.cause as ScicatCommError).outcomeUnknown).toBe(true);
    expect(error.message).toMatch(/did not answer within 1 s \(timeout\)/);
    expect(error.message).toContain(`SciCat did create the dataset nonetheless: it lists it as ${String(created[0]?.["pid"])}.`);
    expect(error.message).toContain(`Its 2 new data files were kept in '${c.sourceFolder}'`);
    expect(error.message).toContain("Its datablock was not created");
    expect(error.message).toContain("Do not upload it again");
  });

  it("a gateway timeout (504) on POST datasets is treated the same: nothing removed", async () => {
    const c = freshCase();
    const { client, transfer } = await loggedInClient();
    server.failNext("POST /datasets", 504);

    const error = await failure(client.uploadNewDatasetNow(guideDataset(c)));

    expect(error).toBeInstanceOf(PartialUploadError);
    expect((error as PartialUploadError).pid).toBeNull();
    expect(((error as PartialUploadError).cause as ScicatCommError).status).toBe(504);
    expect(tree(c.sourceFolder)).toEqual(["sub/", "sub/spells.txt", "witchcraft.dat"]);
    expect(transfer.log).not.toContain("revert");
  });

  it("POST datasets fails and a file cannot be removed: the error lists exactly that file", async () => {
    const c = freshCase();
    const { client, transfer } = await loggedInClient();
    server.failNext("POST /datasets", 500);
    const stuck = path.join(c.sourceFolder, "witchcraft.dat");
    // While the dataset is being created, a folder takes the file's place; SFTP cannot unlink a folder.
    const onProgress = (p: UploadProgress): void => {
      if (p.phase !== "creating-dataset" || statSync(stuck).isDirectory()) return;
      rmSync(stuck);
      mkdirSync(stuck);
    };

    const error = await failure(client.uploadNewDatasetNow(guideDataset(c), { onProgress }));

    expect(transfer.log).toEqual(["connect", "upload-start", "upload-end", "revert", "close"]);
    expect(tree(c.sourceFolder)).toEqual(["witchcraft.dat/"]);
    expectNothingInScicat();
    expect(error).toBeInstanceOf(PartialUploadError);
    expect(error).toMatchObject({ pid: null, sourceFolder: c.sourceFolder, uploadedFiles: [stuck] });
    expect(error.message).toContain("SciCat has no dataset for them");
    expect(error.message).toContain(`These files are left on the file server: ${stuck}.`);
    expect(error.message).not.toContain("spells.txt");
    expect((error.cause as ScicatCommError).status).toBe(500);
  });
});
