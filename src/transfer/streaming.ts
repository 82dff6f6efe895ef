/**
 * Streaming reads of local files, shared by the transfers: one read of each
 * file, in 1 MiB chunks, with the checksum computed on the way.
 */
import { createHash, type Hash } from "node:crypto";
import { open, type FileHandle } from "node:fs/promises";
import { ScitaceanError } from "../errors";
import { nodeHashName } from "../values/filesystem";
import type { RemotePath } from "../values/remote-path";
import type { FileProgress, TransferOptions } from "./types";


/**
 * Local files are read in 1 MiB chunks into reused buffers (as in
 * `checksumOfFile`): memory stays flat for any file size, and the chunk is
 * large enough for the hash and the system calls to run at full speed.
 */
export const LOCAL_CHUNK = 1024 * 1024;

/** A hash for `algorithm`, or `null` for no algorithm or one this machine cannot compute. */
export function hashFor(algorithm: string | null | undefined): Hash | null {
  if (!algorithm) return null;
  const name = nodeHashName(algorithm);
  return name === null ? null : createHash(name);
}

/**
 * Reads a local file once, front to back, hashing every chunk on the way, and
 * gives each chunk to `sink`. The chunk's buffer is reused once the promise
 * returned by `sink` has settled, so `sink` must be done with it (or have
 * copied it) by then. The next chunk is read while `sink` works on the
 * current one.
 *
 * Throws if the file changes while it is read, because then neither the copy
 * nor the checksum would describe the file on disk.
 */
export async function streamLocalFile(
  localPath: string,
  sink: (chunk: Buffer, position: number) => void | Promise<void>,
  options: { algorithm?: string | null; signal?: AbortSignal } = {},
): Promise<{ size: number; checksum: string | null }> {
  const hash = hashFor(options.algorithm);
  const handle = await open(localPath, "r");
  // Two buffers: one is hashed and handed to the sink while the other is being filled.
  let current = Buffer.allocUnsafe(LOCAL_CHUNK);
  let spare = Buffer.allocUnsafe(LOCAL_CHUNK);
  const readInto = (buffer: Buffer, position: number): Promise<number> =>
    handle.read(buffer, 0, LOCAL_CHUNK, position).then((r) => r.bytesRead);
  let pending: Promise<number> | null = null;
  try {
    const before = await handle.stat();
    let position = 0;
    let next = readInto(current, 0);
    for (;;) {
      pending = next;
      const bytesRead = await next;
      pending = null;
      if (bytesRead === 0) break;
      options.signal?.throwIfAborted();
      next = pending = readInto(spare, position + bytesRead);
      const chunk = current.subarray(0, bytesRead);
      hash?.update(chunk);
      await sink(chunk, position);
      position += bytesRead;
      [current, spare] = [spare, current];
    }
    const after = await handle.stat();
    if (after.size !== position || after.mtimeMs !== before.mtimeMs || before.size !== position) {
      throw new ScitaceanError(
        `The file '${localPath}' changed while it was being transferred. ` +
          "Transfer it again once whatever writes it has finished.",
      );
    }
    return { size: position, checksum: hash === null ? null : hash.digest("hex") };
  } finally {
    // A read still running must finish before the file is closed.
    await pending?.catch(() => undefined);
    await handle.close();
  }
}

/** Writes all of `data` to `handle` (a single write may be short). */
export async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

/**
 * Forwards byte counts of one file to `onProgress`, at most about once per
 * MiB (callers may redraw a progress bar on every event), and always the
 * first and the last event.
 */
export function progressReporter(
  onProgress: TransferOptions["onProgress"],
  remotePath: RemotePath,
  bytesTotal: number,
): (bytesDone: number) => void {
  if (!onProgress) return () => {};
  let last = -1;
  return (bytesDone) => {
    if (bytesDone === last) return;
    if (bytesDone !== bytesTotal && last >= 0 && bytesDone - last < LOCAL_CHUNK) return;
    last = bytesDone;
    const event: FileProgress = { remotePath, bytesDone, bytesTotal };
    onProgress(event);
  };
}

