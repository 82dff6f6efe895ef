import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { FileUploadError } from "../errors";
import type { Dataset } from "../model/dataset";
import type { File } from "../model/file";
import { sourceFolderFor, targetInFolder } from "../transfer/source-folder";
import { performance } from "node:perf_hooks";
import { probeName } from "../transfer/check-server";
import type {
  DownloadConnection,
  MeasuredWrite,
  DownloadedFile,
  FileTransfer,
  TransferDownloadOptions,
  TransferOptions,
  UploadConnection,
  UploadServerCheck,
  UploadServerCheckOptions,
} from "../transfer/types";
import { nodeHashName } from "../values/filesystem";
import { RemotePath } from "../values/remote-path";

/** A remote path as the file server sees it: `.` and `..` resolved, repeated and trailing `/` dropped. */
function serverPath(remotePath: string | RemotePath): string {
  return new RemotePath(String(remotePath)).resolve().posix;
}

/**
 * The keys of `files` by the file they name (their resolved spelling; the
 * first key wins). Keys this class writes are resolved, but tests may seed or
 * set any spelling. Built once per batch of files, so that a batch costs the
 * same per file with ten files on the server or a hundred thousand.
 */
function serverIndex(files: ReadonlyMap<string, Buffer>): Map<string, string> {
  const index = new Map<string, string>();
  for (const key of files.keys()) {
    const resolved = serverPath(key);
    if (!index.has(resolved)) index.set(resolved, key);
  }
  return index;
}

/**
 * Takes as long as moving `length` bytes at `bytesPerSecond` would, reporting progress about
 * twenty times a second and stopping at once on abort; returns at once without a speed.
 */
async function simulateTransfer(
  length: number,
  bytesPerSecond: number | null,
  signal: AbortSignal | undefined,
  report: (bytesDone: number) => void,
): Promise<void> {
  if (bytesPerSecond === null || length === 0) return;
  const chunk = Math.max(1, Math.ceil(bytesPerSecond / 20));
  for (let done = 0; done < length; ) {
    signal?.throwIfAborted();
    const step = Math.min(chunk, length - done);
    await new Promise((resolve) => setTimeout(resolve, (1000 * step) / bytesPerSecond));
    signal?.throwIfAborted();
    done += step;
    if (done < length) report(done);
  }
}

/**
 * An in-memory file server. `files` maps full remote paths
 * (`/source/folder/file.dat`) to contents; tests can seed and inspect it.
 * Paths are resolved as a real server would: `./flux.dat` and
 * `sub/../flux.dat` in a folder name its `flux.dat`.
 *
 * Like real transfers it refuses to overwrite files and removes what it
 * uploaded when an upload is reverted (moving it to `reverted`).
 *
 * @example
 * const transfer = new FakeFileTransfer({ files: { "/hex/ps/thaum/flux.dat": "7.9 13 666" } });
 * const client = new FakeClient({ fileTransfer: transfer });
 * // … upload or download, then look at transfer.files
 */
export class FakeFileTransfer implements FileTransfer {
  /**
   * Contents of the fake server by full remote path. Seeded and uploaded keys
   * are stored resolved; the transfer resolves every key it looks up, so a
   * key set here in another spelling is still found.
   */
  readonly files: Map<string, Buffer>;
  /** Files removed by `revertUpload`, by full remote path. */
  readonly reverted: Map<string, Buffer>;
  readonly #sourceFolder: string | RemotePath | null;
  /** Simulated speed of uploads and downloads in bytes per second, or `null` for instant. */
  readonly bytesPerSecond: number | null;

  constructor(
    options: {
      files?: Record<string, string | Uint8Array> | Map<string | RemotePath, string | Uint8Array>;
      reverted?: Map<string, Buffer>;
      /** Source folder template, as for real transfers (`"/data/{ownerGroup}/{uid}"`). */
      sourceFolder?: string | RemotePath | null;
      /**
       * Move files at this many bytes per second, with progress on the way (so that progress
       * displays can be seen and cancelled); default instant. A cancelled file is not stored.
       */
      bytesPerSecond?: number | null;
    } = {},
  ) {
    const entries = options.files instanceof Map ? [...options.files.entries()] : Object.entries(options.files ?? {});
    this.files = new Map(entries.map(([k, v]) => [serverPath(k), Buffer.from(v)]));
    this.reverted = options.reverted ?? new Map();
    this.#sourceFolder = options.sourceFolder ?? null;
    if (options.bytesPerSecond != null && !(options.bytesPerSecond > 0)) {
      throw new RangeError(`bytesPerSecond must be a positive number, got ${options.bytesPerSecond}.`);
    }
    this.bytesPerSecond = options.bytesPerSecond ?? null;
  }

  sourceFolderFor(dataset: Dataset): RemotePath {
    return sourceFolderFor(dataset, this.#sourceFolder);
  }

  async connectForUpload(_dataset: Dataset, sourceFolder: RemotePath): Promise<UploadConnection> {
    return new FakeUploadConnection(this, sourceFolder);
  }

  async connectForDownload(_dataset: Dataset): Promise<DownloadConnection> {
    const files = this.files;
    const speed = this.bytesPerSecond;
    return {
      async downloadFiles({ remote, local }, options: TransferDownloadOptions = {}) {
        const written: DownloadedFile[] = [];
        const index = serverIndex(files);
        for (const [i, remotePath] of remote.entries()) {
          options.signal?.throwIfAborted();
          const key = index.get(serverPath(remotePath));
          const content = key === undefined ? undefined : files.get(key);
          if (content === undefined) {
            throw new Error(`File '${remotePath.posix}' does not exist on the fake file server.`);
          }
          const target = local[i] as string;
          await simulateTransfer(content.length, speed, options.signal, (bytesDone) =>
            options.onProgress?.({ remotePath, bytesDone, bytesTotal: content.length }),
          );
          await mkdir(path.dirname(target), { recursive: true });
          await writeFile(target, content);
          options.onProgress?.({ remotePath, bytesDone: content.length, bytesTotal: content.length });
          const checksum = checksumOf(content, options.checksumAlgorithms?.[i] ?? null);
          written.push({ local: target, size: content.length, checksum });
        }
        return written;
      },
      async close() {},
    };
  }
}

/** Hex digest of `content` with `algorithm`, or `null` without one (or for one this machine lacks). */
function checksumOf(content: Buffer, algorithm: string | null): string | null {
  const hashName = algorithm === null ? null : nodeHashName(algorithm);
  return hashName === null ? null : createHash(hashName).update(content).digest("hex");
}

class FakeUploadConnection implements UploadConnection {
  constructor(
    private readonly server: FakeFileTransfer,
    readonly sourceFolder: RemotePath,
  ) {}

  async uploadFiles(files: readonly File[], options: TransferOptions = {}): Promise<File[]> {
    const uploaded: File[] = [];
    const index = serverIndex(this.server.files);
    try {
      for (const file of files) {
        options.signal?.throwIfAborted();
        if (file.localPath === null) {
          throw new FileUploadError(`Cannot upload '${file.remotePath.posix}': it has no local path.`);
        }
        // As the real transfers: the file must land strictly inside the source folder.
        const target = targetInFolder(this.sourceFolder, file.remotePath);
        if (target === null) {
          throw new FileUploadError(
            `Refusing to upload '${file.localPath}' to '${file.remotePath.posix}': that is outside of the source ` +
              `folder '${this.sourceFolder.posix}'. ` +
              "Remote paths must be relative and must not leave the folder with '..'.",
          );
        }
        const remote = target.posix;
        if (index.has(remote)) {
          throw new FileUploadError(
            `Refusing to upload '${file.localPath}': a file already exists at '${remote}' on the file server, ` +
              "and files are never overwritten. Choose another sourceFolder.",
          );
        }
        // Read at once: the fake keeps every file in memory anyway, and a read through the thread pool
        // per file made uploads of thousands of small files slow.
        const content = readFileSync(file.localPath);
                await simulateTransfer(content.length, this.server.bytesPerSecond, options.signal, (bytesDone) =>
          options.onProgress?.({ remotePath: file.remotePath, bytesDone, bytesTotal: content.length }),
        );
        this.server.files.set(remote, content);
        index.set(remote, remote);
        uploaded.push(file.uploaded({ remoteSize: content.length }));
        options.onProgress?.({ remotePath: file.remotePath, bytesDone: content.length, bytesTotal: content.length });
      }
    } catch (error) {
      await this.revertUpload(uploaded);
      throw error;
    }
    return uploaded;
  }

  async revertUpload(files: readonly File[]): Promise<void> {
    const index = serverIndex(this.server.files);
    for (const file of files) {
      const target = targetInFolder(this.sourceFolder, file.remotePath);
      if (target === null) continue; // never uploaded: uploadFiles refuses such paths
      const key = index.get(target.posix);
      const content = key === undefined ? undefined : this.server.files.get(key);
      if (key !== undefined && content !== undefined) {
        this.server.reverted.set(target.posix, content);
        this.server.files.delete(key);
        index.delete(target.posix);
      }
    }
  }

  /**
   * The dry run of {@link FakeUploadConnection.uploadFiles}: which targets are
   * taken, and a probe written into the source folder and removed again (so
   * `files` ends as it was). The fake has no permissions: every folder is writable.
   */
  async checkUpload(files: readonly File[], options: UploadServerCheckOptions = {}): Promise<UploadServerCheck> {
    options.signal?.throwIfAborted();
    const folder = this.sourceFolder.resolve().posix;
    const targets = files.map((file) => {
      const target = targetInFolder(this.sourceFolder, file.remotePath);
      if (target === null) throw new FileUploadError(`'${file.remotePath.posix}' would be placed outside of '${folder}'.`);
      return target.posix;
    });
    // One pass over the server's keys, in every spelling a test may have used: a check costs the same per file at any size.
    const taken = new Set([...this.server.files.keys()].map(serverPath));
    const existed = [...taken].some((key) => key.startsWith(`${folder}/`));
    const probe = probeName(folder);
    const size = options.measureBytes ?? 0;
    const start = performance.now();
    this.server.files.set(probe, Buffer.from("probe"));
    const perFileSeconds = (performance.now() - start) / 1000;
    let measured: MeasuredWrite | null = null;
    if (size > 0) {
      const begin = performance.now();
      this.server.files.set(probe, Buffer.alloc(size));
      measured = { bytes: size, seconds: (performance.now() - begin) / 1000, perFileSeconds };
    }
    this.server.files.delete(probe);
    return {
      server: "the fake file server",
      files: targets.map((target) => ({ target, exists: taken.has(target) })),
      folders: [{ path: folder, existed, writable: true, problem: null }],
      // The fake has no folders of its own: a folder exists while files are below it.
      createdFolders: [],
      probes: [probe],
      leftOver: [],
      measured,
    };
  }

  async close(): Promise<void> {}
}
