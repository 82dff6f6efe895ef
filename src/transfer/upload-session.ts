/**
 * The upload procedure shared by every writing transfer (SFTP, local copy):
 * checks before anything is written, no overwriting, folders made as needed,
 * and the revert of everything this connection wrote. A transfer supplies
 * only a small {@link FileServer} with its server's primitive operations.
 */
import { stat } from "node:fs/promises";
import { FileUploadError } from "../errors";
import { logger } from "../logging";
import type { File } from "../model/file";
import { RemotePath } from "../values/remote-path";
import { partName } from "./part-name";
import { targetInFolder } from "./source-folder";
import { progressReporter } from "./streaming";
import { checkOnServer } from "./check-server";
import type { TransferOptions, UploadConnection, UploadServerCheck, UploadServerCheckOptions } from "./types";

/** What exists at a path on a file server: `null` if nothing. */
export type PathKind = "file" | "directory" | "other" | null;

/** Attributes of a file on a file server after writing it. */
export interface RemoteFileStat {
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
  readonly size: number;
  readonly mtime: Date;
}

/** The result of writing one file to a file server. */
export interface WrittenFile {
  /** Bytes read from the local file and sent. */
  readonly bytes: number;
  /** Checksum of those bytes, if an algorithm was asked for. */
  readonly checksum: string | null;
  /** The remote file's attributes after writing it. */
  readonly stat: RemoteFileStat;
}

/** Options of {@link FileServer.writeNew}. */
export interface WriteOptions {
  /** Checksum algorithm to compute from the bytes sent; `null` for none. */
  readonly algorithm: string | null;
  readonly signal?: AbortSignal;
  /** Called with the number of bytes the server has confirmed. */
  readonly onBytes: (bytesDone: number) => void;
  /** Called as soon as the remote file exists, so that a later failure removes it. */
  readonly onCreated: () => void;
}

/**
 * The primitive operations of a file server that the shared upload procedure
 * ({@link UploadSession}) builds on. Paths are full remote paths.
 */
export interface FileServer {
  /** Names the server in messages, e.g. `SFTP host 'login.esss.dk:22'`. */
  readonly description: string;
  /** What is at `path`; `null` if nothing (also if a parent is a file). */
  kind(path: string): Promise<PathKind>;
  /** Creates one folder; its parent exists. */
  mkdir(path: string): Promise<void>;
  /** Removes a folder if it is empty; returns false if it was not removed. */
  rmdirIfEmpty(path: string): Promise<boolean>;
  /** Removes a file; no error if it is already gone. */
  remove(path: string): Promise<void>;
  /** Renames a file, failing (and changing nothing) if anything exists at `to`: never overwrites. */
  renameNoReplace(from: string, to: string): Promise<void>;
  /**
   * Creates `remote` — failing, atomically, if anything exists there — and
   * writes the local file into it, streaming. Calls `onCreated` as soon as the
   * remote file exists (so that a failure later removes it) and `onBytes` with
   * the number of bytes the server has confirmed.
   */
  writeNew(localPath: string, remote: string, options: WriteOptions): Promise<WrittenFile>;
  /** Closes the connection to the server. */
  close(): Promise<void>;
}

/**
 * A file an upload wrote: `path`, or after a rename whose outcome is unknown
 * (the connection broke), `path` (the temporary name) if it still exists,
 * else `orFinal`.
 */
interface Written {
  readonly path: string;
  readonly orFinal?: string;
}

interface PlannedFile {
  readonly file: File;
  readonly local: string;
  readonly remote: RemotePath;
  readonly size: number;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The message of `error` without its final full stop, to continue a sentence with. */
export function clause(error: unknown): string {
  return messageOf(error).replace(/\.+$/, "");
}

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && (error === signal.reason || (error as Error)?.name === "AbortError");
}

/** Folders from the top down to `folder` itself: `/a/b` → `/a`, `/a/b`. */
export function foldersDownTo(folder: RemotePath): string[] {
  const segments = folder.posix.split("/").filter((s) => s.length > 0);
  const prefix = folder.isAbsolute() ? "/" : "";
  return segments.map((_, i) => prefix + segments.slice(0, i + 1).join("/"));
}

/** Every folder from the top down to each of `folders`, once, parents first. */
export function neededFolders(folders: readonly RemotePath[]): string[] {
  const needed = new Set<string>();
  for (const folder of folders) for (const f of foldersDownTo(folder)) needed.add(f);
  return [...needed].sort((a, b) => a.split("/").length - b.split("/").length);
}

/**
 * Creates the missing ones of `folders` (parents first, as from
 * {@link neededFolders}) and appends those it created to `created`, so that
 * the caller can remove them again. Throws a {@link FileUploadError} naming
 * the folder that is in the way or cannot be created.
 *
 * @internal Shared by the upload and its dry run.
 */
export async function makeFolders(server: FileServer, folders: readonly string[], created: string[]): Promise<void> {
  const kinds = await Promise.all(folders.map((f) => server.kind(f)));
  const blocked = folders.filter((_, i) => kinds[i] !== null && kinds[i] !== "directory");
  if (blocked.length > 0) {
    throw new FileUploadError(
      `Cannot create the folder '${blocked[0]}' on ${server.description}: a file is in the way. ` +
        "Choose another source folder or remote path.",
    );
  }
  for (const [i, folder] of folders.entries()) {
    if (kinds[i] === "directory") continue;
    try {
      await server.mkdir(folder);
    } catch (error) {
      // Someone else may have created it in the meantime; that is fine, but it is not ours to remove.
      if ((await server.kind(folder).catch(() => null)) === "directory") continue;
      // The server already explained it (which folder, and why).
      if (error instanceof FileUploadError) throw error;
      throw new FileUploadError(
        `Failed to create the folder '${folder}' on ${server.description}: ${clause(error)}. ` +
          "Check that you may write there, or choose another source folder.",
        { cause: error },
      );
    }
    created.push(folder);
  }
}

/**
 * An upload connection that works with any {@link FileServer}:
 *
 * - every file must have a local path and land inside the source folder;
 * - every target is checked before anything is written, and existing files
 *   are never overwritten (checked up front, and again atomically when the
 *   finished file is renamed);
 * - each file is written under a temporary name in its folder
 *   (`.name.<random>.part`), its size checked, and only then renamed to its
 *   name, so no incomplete file ever has the final name;
 * - the source folder and sub-folders are created as needed (`mkdir -p`);
 * - if a file fails (or the upload is aborted), everything this call wrote
 *   (temporary files included) is removed again, including the folders it
 *   created if they are empty; what cannot be removed is listed in the
 *   error's `leftOver`;
 * - uploaded files come back marked as uploaded, with the remote file's
 *   uid, gid, mode (as a decimal string, like Scitacean), size and
 *   modification time, and the checksum computed while streaming.
 *
 * @internal Shared by the transfers of this package; not part of the API.
 */
export class UploadSession implements UploadConnection {
  readonly sourceFolder: RemotePath;
  readonly #server: FileServer;
  /** Folders this connection created, parents first; removed on revert if empty. */
  readonly #createdFolders: string[] = [];
  /** Files this connection wrote; revert never removes anything else. */
  readonly #written = new Set<string>();
  #closed = false;

  constructor(server: FileServer, sourceFolder: RemotePath) {
    this.#server = server;
    this.sourceFolder = sourceFolder;
  }

  async uploadFiles(files: readonly File[], options: TransferOptions = {}): Promise<File[]> {
    const { signal } = options;
    signal?.throwIfAborted();
    let plan: PlannedFile[];
    try {
      plan = await this.#plan(files);
      await this.#checkTargetsAreFree(plan);
    } catch (error) {
      throw uploadFailure(error, null, this.#server, [], signal);
    }

    const createdFolders: string[] = [];
    const written: Written[] = [];
    const uploaded: File[] = [];
    let current: PlannedFile | null = null;
    try {
      await this.#makeFolders(plan, createdFolders);
      for (const item of plan) {
        signal?.throwIfAborted();
        current = item;
        uploaded.push(await this.#uploadOne(item, options, written));
      }
    } catch (error) {
      const leftOver = await this.#remove(written, createdFolders);
      throw uploadFailure(error, current, this.#server, leftOver, signal);
    }
    this.#createdFolders.push(...createdFolders);
    for (const target of written) this.#written.add(target.path);
    return uploaded;
  }

  async revertUpload(files: readonly File[]): Promise<void> {
    const targets = files.map((f) => this.sourceFolder.join(f.remotePath).resolve().posix);
    const notOurs = targets.filter((t) => !this.#written.has(t));
    if (notOurs.length > 0) {
      logger.warn(`Not removing files this connection did not upload: ${notOurs.join(", ")}`);
    }
    const leftOver = await this.#remove(
      targets.filter((t) => this.#written.has(t)).map((path) => ({ path })),
      this.#createdFolders,
    );
    for (const t of targets) if (!leftOver.includes(t)) this.#written.delete(t);
    if (leftOver.length > 0) {
      throw new FileUploadError(
        `Could not remove these uploaded files from ${this.#server.description}: ${leftOver.join(", ")}. ` +
          "Remove them by hand (or ask the file server's admins).",
        { leftOver },
      );
    }
  }

  /** The dry run of {@link UploadSession.uploadFiles}; see {@link checkOnServer}. */
  checkUpload(files: readonly File[], options: UploadServerCheckOptions = {}): Promise<UploadServerCheck> {
    return checkOnServer(this.#server, this.sourceFolder, files, options);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#server.close();
  }

  /** Checks everything that can be checked locally and says where each file goes. */
  async #plan(files: readonly File[]): Promise<PlannedFile[]> {
    const sourceFolder = this.sourceFolder.resolve();
    const plan: PlannedFile[] = [];
    const byTarget = new Map<string, PlannedFile>();
    for (const file of files) {
      const local = file.localPath;
      if (local === null) {
        throw new FileUploadError(
          `Cannot upload '${file.remotePath.posix}': it has no local path. Only local files can be uploaded.`,
        );
      }
      const remote = targetInFolder(sourceFolder, file.remotePath);
      if (remote === null) {
        throw new FileUploadError(
          `Refusing to upload '${local}' to '${file.remotePath.posix}': that is outside of the source folder ` +
            `'${sourceFolder.posix}'. Remote paths must be relative and must not leave the folder with '..'.`,
        );
      }
      let size: number;
      try {
        const info = await stat(local);
        if (!info.isFile()) throw new Error("it is not a regular file");
        size = info.size;
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "it does not exist" : messageOf(error);
        throw new FileUploadError(`Cannot upload the local file '${local}': ${reason}. Check the path.`, {
          cause: error,
        });
      }
      const item: PlannedFile = { file, local, remote, size };
      const clash = byTarget.get(remote.posix);
      if (clash) {
        throw new FileUploadError(
          `Refusing to upload both '${clash.local}' and '${local}' to '${remote.posix}': one would overwrite the ` +
            "other. Give them different remote paths.",
        );
      }
      byTarget.set(remote.posix, item);
      plan.push(item);
    }
    return plan;
  }

  async #checkTargetsAreFree(plan: readonly PlannedFile[]): Promise<void> {
    // All at once: over SFTP the requests are pipelined, so this costs about one round trip.
    const kinds = await Promise.all(plan.map((item) => this.#server.kind(item.remote.posix)));
    const taken = plan.filter((_, i) => kinds[i] !== null);
    if (taken.length === 0) return;
    const list = taken.map((item) => `'${item.remote.posix}' (for '${item.local}')`).join(", ");
    throw new FileUploadError(
      `Refusing to upload: ${taken.length === 1 ? "this file already exists" : "these files already exist"} on ` +
        `${this.#server.description}, and files are never overwritten: ${list}. Nothing was uploaded. ` +
        "Upload to a new source folder (for example a sourceFolder template with {uid}), or remove the existing " +
        "files on the server if they are not needed.",
    );
  }

  /** `mkdir -p` of the source folder and of every folder the files go into. */
  async #makeFolders(plan: readonly PlannedFile[], created: string[]): Promise<void> {
    await makeFolders(this.#server, neededFolders(plan.map((item) => item.remote.parent)), created);
  }

  /**
   * Writes one file under a temporary name, checks it and renames it. Keeps
   * `written` up to date at every step, so that a failure anywhere removes
   * exactly what exists.
   */
  async #uploadOne(item: PlannedFile, options: TransferOptions, written: Written[]): Promise<File> {
    const report = progressReporter(options.onProgress, item.file.remotePath, item.size);
    report(0);
    const final = item.remote.posix;
    const temp = partName(final);
    logger.info(`Uploading '${item.local}' to '${final}' on ${this.#server.description}`);
    const entry = written.length;
    const result = await this.#server.writeNew(item.local, temp, {
      algorithm: item.file.checksumAlgorithm,
      // The last event (all bytes) comes only once the file has its name, so "done" means done.
      onBytes: (bytes) => {
        if (bytes < item.size) report(bytes);
      },
      onCreated: () => written.push({ path: temp }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (result.stat.size !== result.bytes) {
      throw new FileUploadError(
        `The uploaded file '${final}' has ${result.stat.size} bytes on ${this.#server.description}, ` +
          `but ${result.bytes} bytes were sent. The server may be out of space or the file was changed there.`,
      );
    }
    options.signal?.throwIfAborted();
    try {
      await this.#server.renameNoReplace(temp, final);
    } catch (error) {
      // If the connection broke, the rename may have happened or not; cleanup looks which name exists.
      written[entry] = { path: temp, orFinal: final };
      throw error;
    }
    written[entry] = { path: final };
    report(item.size);
    return item.file.uploaded({
      remoteUid: String(result.stat.uid),
      remoteGid: String(result.stat.gid),
      remotePerm: String(result.stat.mode),
      remoteCreationTime: result.stat.mtime,
      remoteSize: result.stat.size,
      ...(result.checksum !== null ? { remoteChecksum: result.checksum } : {}),
    });
  }

  /**
   * Removes files, then the given folders deepest first if they are empty.
   * Returns the files that could not be removed.
   */
  async #remove(files: readonly Written[], folders: readonly string[]): Promise<string[]> {
    const leftOver: string[] = [];
    for (const file of files) {
      try {
        const target =
          file.orFinal !== undefined && (await this.#server.kind(file.path)) === null ? file.orFinal : file.path;
        await this.#server.remove(target);
      } catch (error) {
        logger.warn(`Could not remove '${file.path}' from ${this.#server.description}: ${messageOf(error)}`);
        leftOver.push(file.path, ...(file.orFinal !== undefined ? [file.orFinal] : []));
      }
    }
    for (const folder of [...folders].reverse()) {
      try {
        if (await this.#server.rmdirIfEmpty(folder)) {
          const index = this.#createdFolders.indexOf(folder);
          if (index >= 0) this.#createdFolders.splice(index, 1);
        }
      } catch (error) {
        logger.debug(`Did not remove the folder '${folder}': ${messageOf(error)}`);
      }
    }
    return leftOver;
  }
}

function uploadFailure(
  error: unknown,
  current: PlannedFile | null,
  server: FileServer,
  leftOver: readonly string[],
  signal: AbortSignal | undefined,
): unknown {
  const note =
    leftOver.length > 0
      ? ` Removing the files uploaded so far failed too; these may be left on ${server.description}: ` +
        `${leftOver.join(", ")}.`
      : "";
  if (isAbort(error, signal) && note === "") return error;
  if (error instanceof FileUploadError && note === "") return error;
  const what = current ? `'${current.local}' to '${current.remote.posix}'` : "files";
  const message =
    error instanceof FileUploadError
      ? error.message
      : `Failed to upload ${what} on ${server.description}: ${messageOf(error)}`;
  return new FileUploadError(`${message}${note}`, { cause: error, leftOver });
}

