/** The download loop shared by the transfers. */
import { rename, rm } from "node:fs/promises";
import { sep } from "node:path";
import type { RemotePath } from "../values/remote-path";
import { partName } from "./part-name";
import { progressReporter } from "./streaming";
import type { DownloadedFile, TransferDownloadOptions } from "./types";

/**
 * Downloads files one after the other: `sizeOf` checks that a remote file
 * exists (throwing a clear error if not) and gives its size for progress,
 * then `one` writes it under a temporary name next to the local file, which
 * becomes the local file only once complete: an interrupted download never
 * leaves a partial file under the local name (and the temporary one is
 * removed). Shared by the downloading transfers.
 */
export async function downloadEach(
  files: { remote: readonly RemotePath[]; local: readonly string[] },
  options: TransferDownloadOptions,
  sizeOf: (remote: RemotePath) => Promise<number>,
  one: (
    remote: RemotePath,
    local: string,
    size: number,
    algorithm: string | null,
    report: (bytes: number) => void,
  ) => Promise<DownloadedFile>,
): Promise<DownloadedFile[]> {
  if (files.remote.length !== files.local.length) {
    throw new RangeError(
      `Got ${files.remote.length} remote paths but ${files.local.length} local paths; they must pair up.`,
    );
  }
  const results: DownloadedFile[] = [];
  for (const [i, remote] of files.remote.entries()) {
    options.signal?.throwIfAborted();
    const local = files.local[i] as string;
    const size = await sizeOf(remote);
    const report = progressReporter(options.onProgress, remote, size);
    report(0);
    const part = partName(local, sep);
    try {
      const written = await one(remote, part, size, options.checksumAlgorithms?.[i] ?? null, report);
      await rename(part, local);
      results.push({ ...written, local });
    } catch (error) {
      await rm(part, { force: true }).catch(() => undefined);
      throw error;
    }
    report(size);
  }
  return results;
}

