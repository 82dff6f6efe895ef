/**
 * What every fault test shares: the servers (the SciCat stand-in and a real
 * sshd), a fresh case with local files of random bytes, and the checks made
 * on the servers themselves after each fault:
 *
 * - no remote file under a final name that was not fully written;
 * - no file left on the file server unless the error lists it;
 * - no dataset without datablocks unless the error gives its PID (or, when
 *   SciCat's answer was lost, says to look for it by source folder);
 * - local files byte-identical;
 * - a retry (after doing what the error says) succeeds.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Client } from "../../src/client/client";
import { FileUploadError, PartialUploadError } from "../../src/errors";
import { Attachment } from "../../src/model/attachment";
import { Dataset, type DatasetInit } from "../../src/model/dataset";
import { Thumbnail } from "../../src/values/thumbnail";
import { setLogHandler } from "../../src/logging";
import { ScicatServer } from "../../src/testing/scicat-server";
import { isPartName } from "../../src/transfer/part-name";
import { SFTPFileTransfer, type SFTPFileTransferOptions } from "../../src/transfer/sftp";
import { guideDatasetInit } from "../fixtures/guide";
import { filesBelow, sha256 } from "../helpers/faults";
import { startSshd, type TestSshd } from "../helpers/sshd";

/** The servers of a fault suite and a local scratch folder; valid inside tests. */
export interface FaultServers {
  readonly scicat: ScicatServer;
  readonly sshd: TestSshd;
  /** Local scratch folder, removed after the suite. */
  readonly localRoot: string;
}

/**
 * Starts the SciCat stand-in and a real sshd for the suite (unless `enabled`
 * is false), stops them afterwards, and keeps the library's log quiet during
 * each test: every failure in these suites is intended.
 */
export function useFaultServers(name: string, enabled = true): FaultServers {
  const servers = {} as { scicat: ScicatServer; sshd: TestSshd; localRoot: string };
  let restoreLogs = (): void => undefined;
  beforeAll(async () => {
    if (!enabled) return;
    servers.scicat = new ScicatServer();
    await servers.scicat.start();
    servers.sshd = await startSshd();
    servers.localRoot = mkdtempSync(path.join(os.tmpdir(), `scitacean-faults-${name}-`));
  }, 30_000);
  afterAll(async () => {
    await servers.scicat?.stop();
    await servers.sshd?.stop();
    if (servers.localRoot) rmSync(servers.localRoot, { recursive: true, force: true });
  });
  beforeEach(() => {
    const previous = setLogHandler(() => undefined);
    restoreLogs = () => void setLogHandler(previous);
  });
  afterEach(() => {
    restoreLogs();
    // The stand-in itself must not have broken.
    if (servers.scicat) expect(servers.scicat.unexpectedErrors).toEqual([]);
  });
  return servers;
}

/** The guide's user; owns group `wyrdsisters`. */
export const USER = "nanny";

/** One fault case: local files, and where the upload goes. */
export interface FaultCase {
  /** Local folder with the data files. */
  readonly local: string;
  /** Everything the upload writes is below this remote folder. */
  readonly remoteRoot: string;
  readonly sourceFolder: string;
  /** Relative path → SHA-256 of the local file. */
  readonly hashes: ReadonlyMap<string, string>;
  readonly totalBytes: number;
  /** A new dataset with the case's files and `attachments` thumbnails (a new one per upload attempt). */
  dataset(options?: { attachments?: number }): Dataset;
}

let counter = 0;

/** A 1×1 PNG as an attachment's thumbnail. */
const PNG = new Thumbnail({
  mime: "image/png",
  encodedData: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
});

/**
 * Local files of random bytes with the given sizes (`f0.bin`, `sub/f1.bin`, …),
 * below `localRoot`; the upload goes to `<remoteBase>/case-N/data`.
 */
export function faultCase(localRoot: string, remoteBase: string, sizes: readonly number[]): FaultCase {
  counter += 1;
  const local = path.join(localRoot, `case-${counter}`);
  const hashes = new Map<string, string>();
  sizes.forEach((size, i) => {
    const relative = i % 2 === 0 ? `f${i}.bin` : `sub/f${i}.bin`;
    const full = path.join(local, relative);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, randomBytes(size));
    hashes.set(relative, sha256(full));
  });
  const remoteRoot = path.join(remoteBase, `case-${counter}`);
  const sourceFolder = path.join(remoteRoot, "data");
  return {
    local,
    remoteRoot,
    sourceFolder,
    hashes,
    totalBytes: sizes.reduce((a, b) => a + b, 0),
    dataset(options = {}) {
      const dset = new Dataset({ ...guideDatasetInit(), sourceFolder } as DatasetInit);
      dset.addLocalFiles(
        [...hashes.keys()].map((r) => path.join(local, r)),
        { basePath: local },
      );
      dset.attachments = Array.from(
        { length: options.attachments ?? 0 },
        (_, i) => new Attachment({ caption: `Attachment ${i + 1}`, ownerGroup: "wyrdsisters", thumbnail: PNG }),
      );
      return dset;
    },
  };
}

/** A client for the stand-in (or a proxy in front of it) that uploads over SFTP to `sftp`. */
export function faultClient(
  url: string,
  scicat: ScicatServer,
  sftp: SFTPFileTransferOptions,
  options: { timeoutMs?: number } = {},
): Client {
  return Client.fromToken({
    url,
    token: scicat.issueToken(USER),
    fileTransfer: new SFTPFileTransfer(sftp),
    timeoutMs: options.timeoutMs ?? 5_000,
  });
}

/** Remote files the error says are left behind. */
export function listedLeftovers(error: unknown): string[] {
  if (error instanceof PartialUploadError) return [...error.uploadedFiles];
  if (error instanceof FileUploadError) return [...error.leftOver];
  return [];
}

/** Datasets SciCat holds for the case. */
function datasetsOf(scicat: ScicatServer, c: FaultCase): string[] {
  return [...scicat.datasets.entries()].filter(([, d]) => d["sourceFolder"] === c.sourceFolder).map(([pid]) => pid);
}

/** The checks on the servers after a fault; see the top of this file. */
export function expectConsistentAfterFault(c: FaultCase, error: unknown, scicat: ScicatServer): void {
  // FAULT_VERBOSE=1 prints what the user would see, e.g. to review the messages.
  if (process.env.FAULT_VERBOSE) process.stdout.write(`[faults] ${expect.getState().currentTestName}:\n  ${String(error)}\n`);
  // Local files untouched.
  for (const [relative, hash] of c.hashes) expect(sha256(path.join(c.local, relative))).toBe(hash);

  const present = filesBelow(c.remoteRoot).map((f) => path.join(c.remoteRoot, f));
  for (const file of present) {
    const name = path.basename(file);
    if (isPartName(name)) continue;
    // Under a final name: must be the complete file.
    const relative = path.relative(c.sourceFolder, file);
    expect(c.hashes.has(relative)).toBe(true);
    expect(sha256(file)).toBe(c.hashes.get(relative));
  }
  // Whatever is on the server, the error names.
  const listed = new Set(listedLeftovers(error));
  expect(present.filter((f) => !listed.has(f))).toEqual([]);

  for (const pid of datasetsOf(scicat, c)) {
    const blocks = [...scicat.origDatablocks.values()].filter((b) => b["datasetId"] === pid);
    if (blocks.length > 0) continue;
    // A dataset without datablocks: the error must say so, by PID or (outcome unknown) by source folder.
    expect(error).toBeInstanceOf(PartialUploadError);
    const partial = error as PartialUploadError;
    if (partial.pid !== null) expect(partial.pid).toBe(pid);
    else expect(partial.sourceFolder).toBe(c.sourceFolder);
  }
}

/**
 * Does what the error says and uploads again: removes the files it lists;
 * no new upload if SciCat has a dataset for the case (the error then says
 * to look for it). Checks that the retry succeeds and the files arrived whole.
 */
export async function expectRetrySucceeds(c: FaultCase, error: unknown, client: Client, scicat: ScicatServer): Promise<void> {
  if (datasetsOf(scicat, c).length > 0) {
    expect(error).toBeInstanceOf(PartialUploadError);
    return;
  }
  for (const file of listedLeftovers(error)) rmSync(file, { force: true });
  const uploaded = await client.uploadNewDatasetNow(c.dataset());
  expect(uploaded.pid).not.toBeNull();
  const files = filesBelow(c.sourceFolder);
  expect(files).toEqual([...c.hashes.keys()].sort());
  for (const [relative, hash] of c.hashes) expect(sha256(path.join(c.sourceFolder, relative))).toBe(hash);
}

/**
 * After a failed download into `target`: only complete files under their
 * names, no temporary files; then a new download gets every file whole.
 */
export async function expectDownloadConsistentAndRetried(
  c: FaultCase,
  target: string,
  client: Client,
  uploaded: Dataset,
): Promise<void> {
  const left = filesBelow(target);
  expect(left.filter((n) => n.endsWith(".part"))).toEqual([]);
  for (const name of left) expect(sha256(path.join(target, name))).toBe(c.hashes.get(name));
  const again = await client.downloadFiles(uploaded, { target });
  for (const f of again.files) expect(sha256(f.localPath as string)).toBe(c.hashes.get(f.remotePath.posix));
}

/** Runs `promise`, which must fail, and returns its error and how long it took. */
export async function failureOf(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const start = Date.now();
  try {
    await promise;
  } catch (error) {
    return { error, ms: Date.now() - start };
  }
  throw new Error("expected the operation to fail, but it succeeded");
}
