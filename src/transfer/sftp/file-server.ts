/**
 * An SFTP server as a {@link FileServer}, plus streaming downloads.
 *
 * Files are streamed in both directions with many requests in flight (one
 * request at a time would wait a network round trip per 255 KiB), and the
 * checksum of each uploaded file is computed from the same bytes that are
 * sent, so that the file is read only once.
 *
 * Every request goes through an {@link SftpChannel}, so none waits forever.
 * After the connection was lost, the next request connects again: that is
 * how an interrupted upload still removes what it wrote.
 */
import { open as openLocal, stat } from "node:fs/promises";
import type { SFTPWrapper, Stats } from "ssh2";
import { FileNotAccessibleError } from "../../errors";
import { logger } from "../../logging";
import type { RemotePath } from "../../values/remote-path";
import { hashFor, streamLocalFile, writeAll } from "../streaming";
import type { DownloadedFile } from "../types";
import type { FileServer, PathKind, RemoteFileStat, WriteOptions, WrittenFile } from "../upload-session";
import { ConnectionLostError, SFTP_STATUS, sftpCode, type SftpChannel } from "./channel";
import { explainWriteFailure } from "./write-errors";

/**
 * Bytes kept in flight per file. ssh2 copies each write into its own packet,
 * so this bounds the memory of an upload; it is also enough to keep a
 * high-latency link busy (8 MiB per round trip).
 */
const IN_FLIGHT_BYTES = 8 * 1024 * 1024;

/**
 * ssh2 splits longer writes and reads into several requests that run one
 * after the other (and a split write reads the caller's buffer later, which
 * would break reusing it). Pieces of at most this size avoid both.
 */
function pieceSize(sftp: SFTPWrapper, which: "_maxWriteLen" | "_maxReadLen"): number {
  const value = (sftp as unknown as Record<string, unknown>)[which];
  return typeof value === "number" && value > 0 ? value : 16 * 1024;
}

function statOf(stats: Stats): RemoteFileStat {
  return { uid: stats.uid, gid: stats.gid, mode: stats.mode, size: stats.size, mtime: new Date(stats.mtime * 1000) };
}

/**
 * Counts requests in flight and lets the sender wait until there is room;
 * remembers the first failure.
 */
class InFlight {
  bytes = 0;
  failure: Error | null = null;
  #wake: (() => void) | null = null;

  add(bytes: number): void {
    this.bytes += bytes;
  }
  settle(bytes: number, error: Error | undefined | null): void {
    this.bytes -= bytes;
    if (error) this.failure ??= error;
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
  /** Waits until at most `limit` bytes are in flight. */
  async drain(limit: number): Promise<void> {
    while (this.bytes > limit) await new Promise<void>((resolve) => (this.#wake = resolve));
  }
}

function exists(remote: string, cause: unknown): Error {
  return new Error(`a file already exists at '${remote}', and files are never overwritten`, { cause });
}

/** An SFTP server as a {@link FileServer}; connects again when needed after the connection was lost. */
export class SftpFileServer implements FileServer {
  readonly description: string;
  readonly #connect: () => Promise<SftpChannel>;
  #current: SftpChannel;
  #reconnecting: Promise<SftpChannel> | null = null;
  #closed = false;

  /**
   * @param first The connection to start with.
   * @param connect Opens a new connection (bounded by the transfer's readyTimeout).
   */
  constructor(first: SftpChannel, connect: () => Promise<SftpChannel>, description: string) {
    this.#current = first;
    this.#connect = connect;
    this.description = description;
  }

  /**
   * The connection; with `reconnect`, a live one, connecting again (once for
   * all callers) if the last one was lost. Only the operations that clean up
   * (checking, removing) reconnect: an upload or download that lost its
   * connection fails and says so, rather than quietly going on.
   */
  async #channel(reconnect = false): Promise<SftpChannel> {
    if (!reconnect || this.#current.alive || this.#closed) return this.#current;
    if (this.#reconnecting === null) {
      logger.info(`Connecting to ${this.description} again after the connection was lost.`);
      const attempt = this.#connect().then((channel) => {
        this.#current = channel;
        return channel;
      });
      this.#reconnecting = attempt;
      // A failed attempt is not repeated for every remaining request; the next operation may try again.
      attempt.then(
        () => (this.#reconnecting = null),
        () => setTimeout(() => (this.#reconnecting = null), 1_000).unref(),
      );
    }
    return this.#reconnecting;
  }

  /**
   * Runs an operation that may be repeated (checking, removing) on a live
   * connection; if the connection is lost while it runs, once more on a new one.
   */
  async #idempotent<T>(op: (ch: SftpChannel) => Promise<T>): Promise<T> {
    const ch = await this.#channel(true);
    try {
      return await op(ch);
    } catch (error) {
      if (!(error instanceof ConnectionLostError) || this.#closed) throw error;
      return op(await this.#channel(true));
    }
  }

  kind(p: string): Promise<PathKind> {
    return this.#idempotent(async (ch) => {
      try {
        const info = await ch.request<Stats>(`checking '${p}'`, (cb) => ch.sftp.lstat(p, cb));
        if (info.isSymbolicLink()) {
          const target = await ch.request<Stats>(`checking '${p}'`, (cb) => ch.sftp.stat(p, cb)).catch(() => null);
          return target?.isDirectory() ? "directory" : "file";
        }
        return info.isDirectory() ? "directory" : info.isFile() ? "file" : "other";
      } catch (error) {
        if (sftpCode(error) === SFTP_STATUS.NO_SUCH_FILE) return null;
        throw error;
      }
    });
  }

  async mkdir(p: string): Promise<void> {
    const ch = await this.#channel();
    try {
      await ch.request<void>(`creating the folder '${p}'`, (cb) => ch.sftp.mkdir(p, cb));
    } catch (error) {
      throw await explainWriteFailure(error, ch, this.description, "to create the folder", p, 0);
    }
  }

  rmdirIfEmpty(p: string): Promise<boolean> {
    return this.#idempotent(async (ch) => {
      try {
        await ch.request<void>(`removing the folder '${p}'`, (cb) => ch.sftp.rmdir(p, cb));
        return true;
      } catch (error) {
        if (!ch.alive) throw error;
        return false;
      }
    });
  }

  remove(p: string): Promise<void> {
    return this.#idempotent(async (ch) => {
      try {
        await ch.request<void>(`removing '${p}'`, (cb) => ch.sftp.unlink(p, cb));
      } catch (error) {
        if (sftpCode(error) !== SFTP_STATUS.NO_SUCH_FILE) throw error;
      }
    });
  }

  async renameNoReplace(from: string, to: string): Promise<void> {
    const ch = await this.#channel();
    try {
      // Plain SFTP rename, not posix-rename@openssh.com: it fails if `to` exists (OpenSSH links, then unlinks).
      await ch.request<void>(`renaming '${from}' to '${to}'`, (cb) => ch.sftp.rename(from, to, cb));
    } catch (error) {
      if (ch.alive && (await this.kind(to).catch(() => null)) !== null) {
        throw exists(to, error);
      }
      throw await explainWriteFailure(error, ch, this.description, "to rename the finished upload to", to, 0);
    }
  }

  async writeNew(
    localPath: string,
    remote: string,
    options: WriteOptions,
  ): Promise<WrittenFile> {
    options.signal?.throwIfAborted();
    const ch = await this.#channel();
    const sftp = ch.sftp;
    const total = (await stat(localPath)).size;
    const fail = (error: unknown, done: number): Promise<unknown> =>
      explainWriteFailure(error, ch, this.description, "to write", remote, Math.max(0, total - done));
    let handle: Buffer;
    try {
      // "wx" = create exclusively: the server refuses if anything is there.
      handle = await ch.request<Buffer>(`creating '${remote}'`, (cb) => sftp.open(remote, "wx", cb));
    } catch (error) {
      if (ch.alive && (await this.kind(remote).catch(() => null)) !== null) {
        throw exists(remote, error);
      }
      throw await fail(error, 0);
    }
    options.onCreated();
    const piece = pieceSize(sftp, "_maxWriteLen");
    const inFlight = new InFlight();
    let confirmed = 0;
    let result: { size: number; checksum: string | null } | undefined;
    try {
      result = await streamLocalFile(
        localPath,
        async (chunk, position) => {
          // Each write copies its piece into a packet right away, so the chunk's buffer can be reused afterwards.
          for (let offset = 0; offset < chunk.length; offset += piece) {
            const length = Math.min(piece, chunk.length - offset);
            inFlight.add(length);
            ch.request<void>(`writing '${remote}'`, (cb) =>
              sftp.write(handle, chunk, offset, length, position + offset, cb),
            ).then(
              () => {
                confirmed += length;
                inFlight.settle(length, null);
                try {
                  options.onBytes(confirmed);
                } catch (error) {
                  // A failing progress callback fails the upload (as it would with a local copy), never hangs it.
                  inFlight.failure ??= error as Error;
                }
              },
              (error: Error) => inFlight.settle(length, error),
            );
          }
          await inFlight.drain(IN_FLIGHT_BYTES);
          if (inFlight.failure) throw inFlight.failure;
        },
        { algorithm: options.algorithm, ...(options.signal ? { signal: options.signal } : {}) },
      );
      // The last writes are still in flight: the file is complete only once the server confirmed them all.
      await inFlight.drain(0);
      if (inFlight.failure) throw inFlight.failure;
    } catch (error) {
      // Let outstanding writes finish (or fail) before closing; they end, at the latest, at requestTimeout.
      await inFlight.drain(0);
      await ch.request<void>(`closing '${remote}'`, (cb) => sftp.close(handle, cb)).catch(() => undefined);
      throw await fail(inFlight.failure ?? error, confirmed);
    }
    try {
      // Some servers report a full disk only when the file is closed.
      await ch.request<void>(`closing '${remote}'`, (cb) => sftp.close(handle, cb));
      const info = await ch.request<Stats>(`checking '${remote}'`, (cb) => sftp.stat(remote, cb));
      return { bytes: result.size, checksum: result.checksum, stat: statOf(info) };
    } catch (error) {
      throw await fail(error, confirmed);
    }
  }

  /** Streams `remote` into the local file `local`, hashing in order if asked. */
  async download(
    remote: RemotePath,
    local: string,
    size: number,
    options: { algorithm: string | null; signal?: AbortSignal; onBytes: (n: number) => void },
  ): Promise<DownloadedFile> {
    const ch = await this.#channel();
    const sftp = ch.sftp;
    const what = `reading '${remote.posix}'`;
    const handle = await ch.request<Buffer>(what, (cb) => sftp.open(remote.posix, "r", cb));
    let output;
    try {
      output = await openLocal(local, "w");
    } catch (error) {
      await ch.request<void>(what, (cb) => sftp.close(handle, cb)).catch(() => undefined);
      throw error;
    }
    const hash = hashFor(options.algorithm);
    const piece = pieceSize(sftp, "_maxReadLen");
    const slots = Math.max(1, Math.floor(IN_FLIGHT_BYTES / piece));
    // A queue of reads in file order; each owns a buffer that is reused for a later read once written out.
    const queue: Array<{ position: number; length: number; buffer: Buffer; done: Promise<number> }> = [];
    let next = 0;
    const read = (buffer: Buffer, offset: number, length: number, position: number): Promise<number> =>
      ch.request<number>(what, (cb) => sftp.read(handle, buffer, offset, length, position, cb));
    const enqueue = (buffer: Buffer): void => {
      const length = Math.min(piece, size - next);
      const done = read(buffer, 0, length, next);
      done.catch(() => undefined); // Awaited in order below; this only keeps an early failure from going unhandled.
      queue.push({ position: next, length, buffer, done });
      next += length;
    };
    try {
      for (let i = 0; i < slots && next < size; i++) enqueue(Buffer.allocUnsafe(piece));
      let written = 0;
      while (queue.length > 0) {
        options.signal?.throwIfAborted();
        const head = queue.shift() as (typeof queue)[number];
        let got = await head.done;
        // A server may return less than asked; fetch the rest before moving on, so that bytes stay in order.
        while (got < head.length) {
          const more = await read(head.buffer, got, head.length - got, head.position + got);
          if (more === 0) {
            throw new Error(`'${remote.posix}' became shorter while it was being downloaded (expected ${size} bytes)`);
          }
          got += more;
        }
        const data = head.buffer.subarray(0, head.length);
        hash?.update(data);
        await writeAll(output, data);
        written += data.length;
        options.onBytes(written);
        if (next < size) enqueue(head.buffer);
      }
      return { local, size: written, checksum: hash === null ? null : hash.digest("hex") };
    } finally {
      // Outstanding reads fill buffers we no longer need; their results are ignored.
      await Promise.allSettled(queue.map((q) => q.done));
      await output.close();
      await ch.request<void>(what, (cb) => sftp.close(handle, cb)).catch(() => undefined);
    }
  }

  /** Size of a remote file; a clear error if it is missing. */
  async sizeOf(remote: RemotePath): Promise<number> {
    const ch = await this.#channel();
    try {
      const info = await ch.request<Stats>(`checking '${remote.posix}'`, (cb) => ch.sftp.stat(remote.posix, cb));
      if (!info.isFile()) throw new Error("not a regular file");
      return info.size;
    } catch (error) {
      if (!ch.alive) throw error;
      throw new FileNotAccessibleError(
        `File '${remote.posix}' not found on ${this.description}` +
          (sftpCode(error) === SFTP_STATUS.NO_SUCH_FILE ? "." : `: ${(error as Error).message}.`),
        { remotePath: remote, cause: error },
      );
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#current.close();
  }
}
