/**
 * {@link LocalFileTransfer}: the file server is mounted on this machine, so
 * files are copied (or hard-linked) with the local file system.
 */
import { link, lstat, mkdir, open, rename, rm, rmdir, stat, unlink } from "node:fs/promises";
import { FileNotAccessibleError, FileUploadError } from "../errors";
import { logger } from "../logging";
import type { Dataset } from "../model/dataset";
import { RemotePath } from "../values/remote-path";
import { downloadEach } from "./download-each";
import { sourceFolderFor } from "./source-folder";
import { streamLocalFile, writeAll } from "./streaming";
import type { DownloadConnection, DownloadedFile, FileTransfer, TransferDownloadOptions, UploadConnection } from "./types";
import { foldersDownTo, UploadSession, type FileServer, type PathKind, type RemoteFileStat, type WriteOptions, type WrittenFile } from "./upload-session";
// ---------------------------------------------------------------------------------------------
// LocalFileTransfer
// ---------------------------------------------------------------------------------------------

/** What exists at a local path (symbolic links followed for folders, a dangling link counts as a file). */
async function localKind(p: string): Promise<PathKind> {
  try {
    const info = await lstat(p);
    if (info.isSymbolicLink()) {
      const target = await stat(p).catch(() => null);
      return target?.isDirectory() ? "directory" : "file";
    }
    return info.isDirectory() ? "directory" : info.isFile() ? "file" : "other";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw error;
  }
}

function toStat(info: { uid: number; gid: number; mode: number; size: number; mtime: Date }): RemoteFileStat {
  return { uid: info.uid, gid: info.gid, mode: info.mode, size: info.size, mtime: info.mtime };
}

/** The local file system as a {@link FileServer}. */
class LocalFileServer implements FileServer {
  readonly description = "the local file system";
  constructor(private readonly hardLink: boolean) {}

  kind(p: string): Promise<PathKind> {
    return localKind(p);
  }
  async mkdir(p: string): Promise<void> {
    await mkdir(p);
  }
  async rmdirIfEmpty(p: string): Promise<boolean> {
    try {
      await rmdir(p);
      return true;
    } catch {
      return false;
    }
  }
  async remove(p: string): Promise<void> {
    await rm(p, { force: true });
  }
  async renameNoReplace(from: string, to: string): Promise<void> {
    // rename(2) would replace `to`; link(2) fails if it exists, so link and then drop the old name.
    try {
      await link(from, to);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST") throw linkError(error, from, to);
      // File systems without hard links: check, then rename (not atomic, but the target was free just before).
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "EMLINK") throw error;
      if ((await localKind(to)) !== null) throw linkError(Object.assign(new Error("exists"), { code: "EEXIST" }), from, to);
      await rename(from, to);
      return;
    }
    await unlink(from);
  }
  async writeNew(
    localPath: string,
    remote: string,
    options: WriteOptions,
  ): Promise<WrittenFile> {
    options.signal?.throwIfAborted();
    if (this.hardLink) {
      try {
        await link(localPath, remote);
      } catch (error) {
        throw linkError(error, localPath, remote);
      }
      options.onCreated();
      const info = await lstat(remote);
      // Nothing is streamed, so there is no checksum to reuse; the file computes it when needed.
      return { bytes: info.size, checksum: null, stat: toStat(info) };
    }
    // "wx" fails if anything exists at the target, so a file appearing after the check is not overwritten either.
    const handle = await open(remote, "wx");
    options.onCreated();
    let result;
    try {
      let done = 0;
      result = await streamLocalFile(
        localPath,
        async (chunk) => {
          await writeAll(handle, chunk);
          done += chunk.length;
          options.onBytes(done);
        },
        { algorithm: options.algorithm, ...(options.signal ? { signal: options.signal } : {}) },
      );
    } finally {
      await handle.close();
    }
    return { bytes: result.size, checksum: result.checksum, stat: toStat(await stat(remote)) };
  }
  async close(): Promise<void> {}
}

function linkError(error: unknown, from: string, to: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EXDEV") {
    return new FileUploadError(
      `Cannot hard-link '${from}' to '${to}': they are on different file systems, and hard links only work ` +
        "within one. Use LocalFileTransfer without hardLink to copy instead.",
      { cause: error },
    );
  }
  if (code === "EEXIST") {
    return new FileUploadError(`Refusing to overwrite '${to}', which already exists. Files are never overwritten.`, {
      cause: error,
    });
  }
  return error as Error;
}

/**
 * Checks that the dataset's source folder can be reached on this machine;
 * shared by the transfers that need the file server mounted locally.
 */
export async function requireLocalSourceFolder(
  dataset: Dataset,
  transferName: string,
  representativeFile?: RemotePath,
): Promise<RemotePath> {
  const folder = dataset.sourceFolder;
  if (folder === null) {
    throw new FileNotAccessibleError(
      `${transferName} cannot find the files: the dataset has no sourceFolder. Set dataset.sourceFolder.`,
    );
  }
  if ((await localKind(folder.toLocal())) !== "directory") {
    throw new FileNotAccessibleError(
      `Cannot directly access the source folder '${folder.posix}' on this machine (it does not exist here), so ` +
        `${transferName} cannot be used. It only works where the file server is mounted; use SFTPFileTransfer ` +
        "otherwise.",
      { remotePath: folder },
    );
  }
  if (representativeFile !== undefined) await requireLocalRemoteFile(representativeFile, "reach");
  return folder;
}

/** Throws a clear error if the local "remote" file is missing. */
export async function requireLocalRemoteFile(remote: RemotePath, what: string): Promise<number> {
  try {
    const info = await stat(remote.toLocal());
    if (!info.isFile()) throw new Error("not a regular file");
    return info.size;
  } catch (error) {
    throw new FileNotAccessibleError(
      `Unable to ${what} the remote file '${remote.posix}': it does not exist on this machine. This might mean that ` +
        "this machine does not have direct access to the file server; consider a different file transfer " +
        "(e.g. SFTPFileTransfer).",
      { remotePath: remote, cause: error },
    );
  }
}

/** Options of {@link LocalFileTransfer}. */
export interface LocalFileTransferOptions {
  /**
   * Source folder template for uploads, e.g. `"/data/{ownerGroup}/{uid}"`
   * (`{field}` = the dataset's value, path-escaped; `{uid}` = a new random
   * id). Without it, the dataset's `sourceFolder` is used.
   */
  sourceFolder?: string | RemotePath | null;
  /** Hard-link instead of copying (both ways). Only works within one file system. */
  hardLink?: boolean;
}

/**
 * Moves files by copying them within the local file system, for machines
 * where the file server is mounted (e.g. `/ess/data`). With `hardLink: true`
 * files are hard-linked instead, which takes no time or space but needs both
 * sides on the same file system. Not for Windows.
 *
 * Uploads follow the same rules as {@link SFTPFileTransfer}: never overwrite,
 * create folders as needed, remove everything again if a file fails.
 *
 * @example
 * const client = Client.fromToken({ url, token, fileTransfer: new LocalFileTransfer() });
 */
export class LocalFileTransfer implements FileTransfer {
  readonly #sourceFolder: string | RemotePath | null;
  readonly #hardLink: boolean;

  constructor(options: LocalFileTransferOptions = {}) {
    this.#sourceFolder = options.sourceFolder ?? null;
    this.#hardLink = options.hardLink ?? false;
  }

  /** Whether files are hard-linked instead of copied. */
  get hardLink(): boolean {
    return this.#hardLink;
  }

  sourceFolderFor(dataset: Dataset): RemotePath {
    return sourceFolderFor(dataset, this.#sourceFolder);
  }

  /**
   * Checks that the file server is mounted here: the top folder of the source
   * folder (`/ess` for `/ess/data/x`) must exist. The rest is created on
   * upload.
   */
  async connectForUpload(_dataset: Dataset, sourceFolder: RemotePath): Promise<UploadConnection> {
    const top = foldersDownTo(sourceFolder.resolve())[0];
    if (sourceFolder.isAbsolute() && top !== undefined && (await localKind(top)) !== "directory") {
      throw new FileNotAccessibleError(
        `Cannot directly access the source folder '${sourceFolder.posix}' on this machine: '${top}' does not ` +
          "exist here, so the file server is not mounted. Use SFTPFileTransfer, or work on a machine that mounts it.",
        { remotePath: sourceFolder },
      );
    }
    return new UploadSession(new LocalFileServer(this.#hardLink), sourceFolder);
  }

  /** Checks that the dataset's source folder (and `representativeFile`) exist on this machine. */
  async connectForDownload(dataset: Dataset, representativeFile?: RemotePath): Promise<DownloadConnection> {
    await requireLocalSourceFolder(dataset, "LocalFileTransfer", representativeFile);
    return new LocalDownloadConnection(this.#hardLink);
  }

  toString(): string {
    return `LocalFileTransfer(hardLink=${this.#hardLink})`;
  }
}

/** Downloads by copying (or hard-linking) within the local file system. */
class LocalDownloadConnection implements DownloadConnection {
  constructor(private readonly hardLink: boolean) {}

  /** Downloads `remote[i]` to `local[i]`, with checksums computed from the streamed bytes if asked for. */
  async downloadFiles(
    files: { remote: readonly RemotePath[]; local: readonly string[] },
    options: TransferDownloadOptions = {},
  ): Promise<DownloadedFile[]> {
    return downloadEach(
      files,
      options,
      (remote) => requireLocalRemoteFile(remote, "copy"),
      async (remote, local, _size, algorithm, report) => {
        logger.info(`Copying '${remote.posix}' to '${local}'`);
        if (this.hardLink) {
          try {
            await link(remote.toLocal(), local);
          } catch (error) {
            throw linkError(error, remote.posix, local);
          }
          return { local, size: (await stat(local)).size, checksum: null };
        }
        const handle = await open(local, "w");
        try {
          let done = 0;
          const { size, checksum } = await streamLocalFile(
            remote.toLocal(),
            async (chunk) => {
              await writeAll(handle, chunk);
              done += chunk.length;
              report(done);
            },
            { algorithm, ...(options.signal ? { signal: options.signal } : {}) },
          );
          return { local, size, checksum };
        } finally {
          await handle.close();
        }
      },
    );
  }

  async close(): Promise<void> {}
}

