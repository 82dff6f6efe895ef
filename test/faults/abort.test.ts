/**
 * Cancelling (AbortSignal) at seeded random points of an upload and a
 * download, against the SciCat stand-in and a real sshd.
 *
 * An upload can be cancelled until the dataset is created: then it
 * rejects with the abort reason and leaves nothing anywhere. From then on it
 * runs to its end (stopping would leave the dataset incomplete). A download
 * can be cancelled at any time and leaves no partial file.
 */
import * as path from "node:path";
import type { UploadPhase, UploadProgress } from "../../src/client/client";
import { filesBelow, seededRng, sha256 } from "../helpers/faults";
import { expectConsistentAfterFault, expectDownloadConsistentAndRetried, expectRetrySucceeds, faultCase, faultClient, useFaultServers } from "./fixture";

const rng = seededRng("abort");
const SIZES = [4_000_000, 3_000_000, 2_000_000];

const env = useFaultServers("abort");

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
    const c = faultCase(env.localRoot, env.sshd.dataRoot, SIZES);
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
    const client = faultClient(env.scicat.url, env.scicat, env.sshd.transferOptions());
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
    expectConsistentAfterFault(c, outcome, env.scicat);
    expect([...env.scicat.datasets.values()].filter((d) => d["sourceFolder"] === c.sourceFolder)).toEqual([]);
    await expectRetrySucceeds(c, outcome, client, env.scicat);
  }, 60_000);
});

describe("cancelling a download at a random point", () => {
  it("leaves no partial file, and a later download works", async () => {
    const c = faultCase(env.localRoot, env.sshd.dataRoot, SIZES);
    const client = faultClient(env.scicat.url, env.scicat, env.sshd.transferOptions());
    const uploaded = await client.uploadNewDatasetNow(c.dataset());
    const target = path.join(env.localRoot, `download-${path.basename(c.remoteRoot)}`);
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
    await expectDownloadConsistentAndRetried(c, target, client, uploaded);
  }, 60_000);
});
