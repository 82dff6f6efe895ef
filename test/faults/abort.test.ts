/**
 * Cancelling (AbortSignal) at seeded random points of an upload and a
 * download, against the SciCat stand-in and a real sshd.
 *
 * An upload can be cancelled until the dataset is created: then it
 * rejects with the abort reason and leaves nothing anywhere. From then on it
 * runs to its end (stopping would leave the dataset incomplete). A download
 * can be cancelled at any time and leaves no partial file.
 */
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { UploadPhase, UploadProgress } from "../../src/client/client";
import { setLogHandler } from "../../src/logging";
import { ScicatServer } from "../../src/testing/scicat-server";
import { filesBelow, seededRng, sha256 } from "../helpers/faults";
import { startSshd, type TestSshd } from "../helpers/sshd";
import { expectConsistentAfterFault, expectRetrySucceeds, faultCase, faultClient } from "./fixture";

const rng = seededRng("abort");
const SIZES = [4_000_000, 3_000_000, 2_000_000];

let scicat: ScicatServer;
let sshd: TestSshd;
let localRoot: string;
let restoreLogs: () => void;

beforeAll(async () => {
  scicat = new ScicatServer();
  await scicat.start();
  sshd = await startSshd();
  localRoot = mkdtempSync(path.join(os.tmpdir(), "scitacean-faults-abort-"));
}, 30_000);

afterAll(async () => {
  await scicat?.stop();
  await sshd?.stop();
  if (localRoot) rmSync(localRoot, { recursive: true, force: true });
});

beforeEach(() => {
  const previous = setLogHandler(() => undefined);
  restoreLogs = () => void setLogHandler(previous);
});
afterEach(() => restoreLogs());

/** Where to cancel: at the first event of a phase, or once the upload moved some bytes. */
type Point = { phase: UploadPhase } | { bytes: number };

function randomPoint(total: number): Point {
  const choice = rng.int(0, 5);
  if (choice === 0) return { phase: "validating" };
  // The last moment to cancel: announced just before the dataset is created.
  if (choice === 1) return { phase: "creating-dataset" };
  if (choice === 2) return { phase: "datablocks" };
  return { bytes: rng.int(1, total) };
}

describe("cancelling an upload at random points", () => {
  it.each([1, 2, 3, 4, 5, 6])("run %i", async () => {
    const c = faultCase(localRoot, sshd.dataRoot, SIZES);
    const point = randomPoint(c.totalBytes);
    const controller = new AbortController();
    let abortedIn: UploadPhase | null = null;
    const onProgress = (p: UploadProgress): void => {
      if (abortedIn !== null) return;
      const hit = "phase" in point ? p.phase === point.phase : p.phase === "uploading" && p.bytesDone >= point.bytes;
      if (!hit) return;
      abortedIn = p.phase;
      controller.abort(new Error("cancelled by the test"));
    };
    const client = faultClient(scicat.url, scicat, sshd.transferOptions());
    const outcome = await client
      .uploadNewDatasetNow(c.dataset(), { onProgress, signal: controller.signal })
      .then(() => null, (e: unknown) => e);
    process.stdout.write(`[faults] abort at ${JSON.stringify(point)} (phase ${abortedIn}): ${outcome === null ? "completed" : (outcome as Error).message}\n`);
    expect(abortedIn).not.toBeNull();
    if (abortedIn === "datablocks") {
      // Too late to stop: the upload completes, whole.
      expect(outcome).toBeNull();
      for (const [relative, hash] of c.hashes) expect(sha256(path.join(c.sourceFolder, relative))).toBe(hash);
      return;
    }
    expect((outcome as Error).message).toBe("cancelled by the test");
    // Nothing left on the file server, nothing in SciCat for it.
    expect(filesBelow(c.remoteRoot)).toEqual([]);
    expectConsistentAfterFault(c, outcome, scicat);
    expect([...scicat.datasets.values()].filter((d) => d["sourceFolder"] === c.sourceFolder)).toEqual([]);
    await expectRetrySucceeds(c, outcome, client, scicat);
  }, 60_000);
});

describe("cancelling a download at a random point", () => {
  it("leaves no partial file, and a later download works", async () => {
    const c = faultCase(localRoot, sshd.dataRoot, SIZES);
    const client = faultClient(scicat.url, scicat, sshd.transferOptions());
    const uploaded = await client.uploadNewDatasetNow(c.dataset());
    const target = path.join(localRoot, `download-${path.basename(c.remoteRoot)}`);
    const at = rng.int(1, c.totalBytes - (SIZES[SIZES.length - 1] as number));
    const controller = new AbortController();
    const error = await client
      .downloadFiles(uploaded, {
        target,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.bytesDone >= at) controller.abort(new Error("cancelled by the test"));
        },
      })
      .then(() => null, (e: unknown) => e);
    expect((error as Error).message).toBe("cancelled by the test");
    // Only the files that were complete before the abort, each whole; no temporary files.
    const left = filesBelow(target);
    expect(left.filter((n) => n.endsWith(".part"))).toEqual([]);
    for (const name of left) expect(sha256(path.join(target, name))).toBe(c.hashes.get(name));
    const again = await client.downloadFiles(uploaded, { target });
    for (const f of again.files) expect(sha256(f.localPath as string)).toBe(c.hashes.get(f.remotePath.posix));
  }, 60_000);
});
