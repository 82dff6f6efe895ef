import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { FileUploadError } from "../errors";
import type { Dataset } from "../model/dataset";
import type { File } from "../model/file";
import { sourceFolderFor, targetInFolder } from "../transfer/source-folder";
import type {
  DownloadConnection,
  DownloadedFile,
  FileTransfer,
  TransferDownloadOptions,
  TransferOptions,
  UploadConnection,
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
 * An in-memory file server. `files` maps full remote paths
 * (`/source/folder/file.dat`) to contents; tests can seed and inspect it.
 * Paths are resolved as a real server would: `./flux.dat` and
 * `sub/../flux.dat` in a folder name its `flux.dat`.
 *
 * Like real transfers it refuses to overwrite files and removes what it
 * uploaded when an upload is reverted (moving it to `reverted`).
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

  constructor(
    options: {
      files?: Record<string, string | Uint8Array> | Map<string | RemotePath, string | Uint8Array>;
      reverted?: Map<string, Buffer>;
      /** Source folder template, as for real transfers (`"/data/{ownerGroup}/{uid}"`). */
      sourceFolder?: string | RemotePath | null;
    } = {},
  ) {
    const entries = options.files instanceof Map ? [...options.files.entries()] : Object.entries(options.files ?? {});
    this.files = new Map(entries.map(([k, v]) => [serverPath(k), Buffer.from(v)]));
    this.reverted = options.reverted ?? new Map();
    this.#sourceFolder = options.sourceFolder ?? null;
  }

  sourceFolderFor(dataset: Dataset): RemotePath {
    return sourceFolderFor(dataset, this.#sourceFolder);
  }

  async connectForUpload(_dataset: Dataset, sourceFolder: RemotePath): Promise<UploadConnection> {
    return new FakeUploadConnection(this, sourceFolder);
  }

  async connectForDownload(_dataset: Dataset): Promise<DownloadConnection> {
    const files = this.files;
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

  async close(): Promise<void> {}
}
