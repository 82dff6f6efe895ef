import * as path from "node:path";
import { IntegrityError } from "../errors";
import { logger } from "../logging";
import {
  checkChecksumAlgorithm,
  checksumOfFile,
  type ChecksumOptions,
  DEFAULT_CHECKSUM_ALGORITHM,
  fileModificationTime,
  fileSize,
} from "../values/filesystem";
import { boundText, echo } from "../values/bounded";
import { formatShort, parseDateTime } from "../values/format";
import { RemotePath } from "../values/remote-path";
import { statSync, type Stats } from "node:fs";
import { fromJson, isCount } from "./conversion";
import { describeProblems } from "./table-model";
import type { DownloadDataFile, UploadDataFile } from "./wire";

/**
 * Remembers the last checksum of a local file together with what it depends
 * on, so that it is computed once but never goes stale when the file changes.
 */
interface ChecksumCache {
  key?: string;
  value?: string;
}

/** The parts of a local file's `fs.Stats` that a File uses. */
type LocalStats = Pick<Stats, "size" | "mtimeMs">;

interface FileState {
  localPath: string | null;
  remotePath: RemotePath;
  remoteUid: string | null;
  remoteGid: string | null;
  remotePerm: string | null;
  checksumAlgorithm: string | null;
  remoteSize: number | null;
  remoteCreationTime: Date | null;
  remoteChecksum: string | null;
  cache: ChecksumCache;
}

/** Options of computing a checksum: progress and cancellation, for large files. */
export type HashingOptions = Pick<ChecksumOptions, "onBytes" | "signal">;

/** Options for the remote side of a file. */
export interface RemoteFileOptions {
  remoteUid?: string | null;
  remoteGid?: string | null;
  remotePerm?: string | null;
}

/**
 * A file of a dataset: on the local machine, on the file server, or both.
 *
 * Files are immutable; methods such as {@link File.uploaded} return new files.
 *
 * @example
 * // data/run-12/flux.dat, uploaded as <sourceFolder>/run-12/flux.dat
 * dset.addFiles(File.fromLocal("data/run-12/flux.dat", { basePath: "data" }));
 * console.log(dset.files[0].remotePath.posix); // "run-12/flux.dat"
 */
export class File {
  readonly #s: FileState;

  private constructor(state: FileState) {
    this.#s = state;
  }

  /**
   * A file on the local file system.
   *
   * The remote path keeps the folders below `basePath`:
   * `File.fromLocal("data/sub/a.txt", { basePath: "data" })` is uploaded to
   * `<sourceFolder>/sub/a.txt`. Without `basePath` the path as given is used,
   * so it must be relative and must not leave the current folder.
   */
  static fromLocal(
    localPath: string,
    options: { basePath?: string; remotePath?: string | RemotePath | null } & RemoteFileOptions = {},
  ): File {
    if (typeof localPath !== "string" || localPath.length === 0) {
      throw new TypeError("File.fromLocal needs the path of a local file as a non-empty string.");
    }
    const remotePath =
      options.remotePath !== undefined && options.remotePath !== null && String(options.remotePath) !== ""
        ? new RemotePath(options.remotePath)
        : remotePathBelow(localPath, options.basePath ?? "");
    return new File({
      localPath,
      remotePath,
      /** Owner of the file on the file server, as SciCat records it. */
      remoteUid: options.remoteUid ?? null,
      /** Group of the file on the file server, as SciCat records it. */
      remoteGid: options.remoteGid ?? null,
      /** Permissions of the file on the file server, as SciCat records it. */
      remotePerm: options.remotePerm ?? null,
      checksumAlgorithm: null,
      remoteSize: null,
      remoteCreationTime: null,
      remoteChecksum: null,
      cache: {},
    });
  }

  /** A file that exists only on the file server. */
  static fromRemote(
    init: {
      remotePath: string | RemotePath;
      size: number;
      creationTime: Date | string;
      checksum?: string | null;
      checksumAlgorithm?: string | null;
    } & RemoteFileOptions,
  ): File {
    if (init.checksum && !init.checksumAlgorithm) {
      throw new TypeError(
        `File '${boundText(String(init.remotePath))}': a checksum needs its checksumAlgorithm, otherwise it cannot be checked.`,
      );
    }
    return new File({
      localPath: null,
      remotePath: new RemotePath(init.remotePath),
      /** Owner of the file on the file server, as SciCat records it. */
      remoteUid: init.remoteUid ?? null,
      /** Group of the file on the file server, as SciCat records it. */
      remoteGid: init.remoteGid ?? null,
      /** Permissions of the file on the file server, as SciCat records it. */
      remotePerm: init.remotePerm ?? null,
      checksumAlgorithm: init.checksumAlgorithm ?? null,
      remoteSize: init.size,
      remoteCreationTime: parseDateTime(init.creationTime, "creationTime"),
      remoteChecksum: init.checksum ?? null,
      cache: {},
    });
  }

  /**
   * A remote file from a SciCat data file entry. Values that cannot be read
   * are logged and left unset (size 0, time unknown); an entry without a
   * string `path` cannot stand for a file and is refused with a TypeError
   * that says why.
   */
  static fromDownloadModel(
    model: DownloadDataFile,
    options: { checksumAlgorithm?: string | null; localPath?: string | null } = {},
  ): File {
    const problems: string[] = [];
    const file = File.readDownloadModel(model, { checksumAlgorithm: options.checksumAlgorithm ?? null, problems });
    if (file === null) throw new TypeError(`Cannot read a file from SciCat's data file entry: ${describeProblems(problems)}.`);
    if (problems.length > 0) {
      logger.warn(`File '${boundText(file.#s.remotePath.posix)}' from SciCat has unexpected values: ${describeProblems(problems)}.`);
    }
    return options.localPath ? file.#with({ localPath: options.localPath, cache: {} }) : file;
  }

  /**
   * Reads a SciCat data file entry, whatever its shape, into a remote file.
   * What does not fit goes to `problems`, each naming its field: a size that
   * is not a non-negative integer reads as 0, a time or owner that cannot be
   * read as unknown. Returns `null` (and says why) for an entry that is not
   * an object or has no string `path`: there is no file to point to.
   */
  static readDownloadModel(model: unknown, options: { checksumAlgorithm: string | null; problems: string[] }): File | null {
    const { checksumAlgorithm, problems } = options;
    if (typeof model !== "object" || model === null || Array.isArray(model)) {
      problems.push(`expected a data file entry (an object), got ${echo(model)}; the entry is left out`);
      return null;
    }
    const entry = model as Record<string, unknown>;
    if (typeof entry["path"] !== "string") {
      const got = entry["path"] === undefined ? "nothing" : echo(entry["path"]);
      problems.push(`path: expected a string, got ${got}; the entry is left out`);
      return null;
    }
    // Each value as the SciCat check reads it (model/conversion), so that both name the same problems.
    const read = (name: string, type: "string" | "Date"): unknown => {
      const { value, problem } = fromJson(type, entry[name], name);
      if (problem === undefined) return value;
      problems.push(`${problem.replace(/\.$/, "")}; read as unknown`);
      return null;
    };
    const size = entry["size"];
    if (size !== undefined && size !== null && !isCount(size)) {
      problems.push(`size: expected a non-negative integer, got ${echo(size)}; read as 0`);
    }
    const chk = read("chk", "string") as string | null;
    return new File({
      localPath: null,
      remotePath: new RemotePath(entry["path"]),
      remoteUid: read("uid", "string") as string | null,
      remoteGid: read("gid", "string") as string | null,
      remotePerm: read("perm", "string") as string | null,
      checksumAlgorithm,
      remoteSize: isCount(size) ? size : 0,
      remoteCreationTime: read("time", "Date") as Date | null,
      // A checksum without algorithm can come from SciCat; it is kept, but cannot be checked.
      remoteChecksum: chk === "" ? null : chk,
      cache: {},
    });
  }

  #with(changes: Partial<FileState>): File {
    return new File({ ...this.#s, ...changes });
  }

  /** Path on the local file system, or `null` if the file is only remote. */
  get localPath(): string | null {
    return this.#s.localPath;
  }
  /** Path relative to the dataset's source folder on the file server. */
  get remotePath(): RemotePath {
    return this.#s.remotePath;
  }
  /** Owner of the file on the file server, as SciCat records it. */
  get remoteUid(): string | null {
    return this.#s.remoteUid;
  }
  /** Group of the file on the file server, as SciCat records it. */
  get remoteGid(): string | null {
    return this.#s.remoteGid;
  }
  /** Permissions of the file on the file server, as SciCat records it. */
  get remotePerm(): string | null {
    return this.#s.remotePerm;
  }
  /** Algorithm of {@link File.checksum}; set by the datablock the file belongs to. */
  get checksumAlgorithm(): string | null {
    return this.#s.checksumAlgorithm;
  }
  /** True if the file exists on the local file system (has a local path). */
  get isOnLocal(): boolean {
    return this.#s.localPath !== null;
  }
  /** True if the file exists on the file server. */
  get isOnRemote(): boolean {
    return this.#s.remoteSize !== null;
  }

  /**
   * True if {@link File.checksum} would read the local file: it has a local
   * copy and an algorithm, and no checksum of its current contents is known yet
   * (e.g. one computed while it was uploaded).
   */
  get needsHashing(): boolean {
    return this.#s.localPath !== null && this.#s.checksumAlgorithm !== null && this.#currentCachedChecksum() === null;
  }

  /** Size in bytes: of the local file if there is one (always current), else as recorded remotely. */
  get size(): number {
    if (this.#s.localPath !== null) return fileSize(this.#s.localPath);
    return this.#s.remoteSize ?? 0;
  }

  /** Modification time of the local file, or the remote creation time. */
  get creationTime(): Date {
    if (this.#s.localPath !== null) return fileModificationTime(this.#s.localPath);
    return this.#s.remoteCreationTime ?? new Date(0);
  }

  /** Size recorded on the file server, or `null` if not on remote. */
  get remoteSize(): number | null {
    return this.#s.remoteSize;
  }

  /** Checksum recorded on the file server (in SciCat), or `null`. */
  get remoteChecksum(): string | null {
    return this.#s.remoteChecksum;
  }

  /**
   * The checksum: computed from the local file if there is one (streamed, and
   * cached until the file changes), else the one recorded in SciCat. `null`
   * if there is no checksum algorithm.
   */
  async checksum(options: HashingOptions = {}): Promise<string | null> {
    const { localPath, checksumAlgorithm } = this.#s;
    if (localPath === null) return this.#s.remoteChecksum;
    if (checksumAlgorithm === null) return null;
    return this.#localChecksum(checksumAlgorithm, options);
  }

  /**
   * What the cached checksum depends on: algorithm, path, modification time
   * and size of the local file (`stats` if the caller has just read them).
   */
  #cacheKey(algorithm: string, stats: LocalStats = statSync(this.#s.localPath as string)): string {
    const localPath = this.#s.localPath as string;
    return `${algorithm}\0${path.resolve(localPath)}\0${stats.mtimeMs}\0${stats.size}`;
  }

  /** The cached checksum if it is still that of the local file with this file's algorithm, else `null`. */
  #currentCachedChecksum(): string | null {
    const { localPath, checksumAlgorithm, cache } = this.#s;
    if (localPath === null || checksumAlgorithm === null || cache.value === undefined) return null;
    try {
      return cache.key === this.#cacheKey(checksumAlgorithm) ? cache.value : null;
    } catch {
      return null;
    }
  }

  async #localChecksum(algorithm: string, options: HashingOptions = {}, stats?: LocalStats): Promise<string> {
    const localPath = this.#s.localPath as string;
    const key = this.#cacheKey(algorithm, stats);
    const cache = this.#s.cache;
    if (cache.key === key && cache.value !== undefined) return cache.value;
    const value = await checksumOfFile(localPath, { ...options, algorithm });
    cache.key = key;
    cache.value = value;
    return value;
  }

  /** `sourceFolder/remotePath` if the file is on the file server, else `null`. */
  remoteAccessPath(sourceFolder: RemotePath | string | null): RemotePath | null {
    if (!this.isOnRemote || sourceFolder === null) return null;
    return new RemotePath(sourceFolder).join(this.#s.remotePath);
  }

  /**
   * True if the local copy has the same checksum as the one recorded in SciCat
   * (true if the file is not on remote; false if it is not on local).
   */
  async localIsUpToDate(): Promise<boolean> {
    if (!this.isOnRemote) return true;
    if (!this.isOnLocal) return false;
    let algorithm = this.#s.checksumAlgorithm;
    if (algorithm === null) {
      logger.warn(
        `No checksum algorithm has been set for file '${boundText(this.#s.remotePath.posix)}', using the default ` +
          `'${DEFAULT_CHECKSUM_ALGORITHM}'. Set the algorithm of the dataset or datablock to silence this warning.`,
      );
      algorithm = DEFAULT_CHECKSUM_ALGORITHM;
    }
    return (await this.#localChecksum(algorithm)) === this.#s.remoteChecksum;
  }

  /** This file with another checksum algorithm (checked here). */
  withChecksumAlgorithm(algorithm: string | null): File {
    // Files are immutable, so the same algorithm needs no copy (datablocks do this for every file).
    if (algorithm === this.#s.checksumAlgorithm) return this;
    if (algorithm !== null) checkChecksumAlgorithm(algorithm);
    return this.#with({ checksumAlgorithm: algorithm });
  }

  /** The SciCat data file entry of this file; computes the checksum of a local file if needed. */
  async makeModel(options: HashingOptions = {}): Promise<UploadDataFile> {
    const { localPath, checksumAlgorithm } = this.#s;
    // One stat for size, time and the checksum cache: a datablock makes a model of every file.
    const stats = localPath === null ? null : statSync(localPath);
    const model: UploadDataFile = {
      path: this.#s.remotePath.posix,
      size: stats === null ? (this.#s.remoteSize ?? 0) : stats.size,
      time: (stats === null ? this.creationTime : stats.mtime).toISOString(),
    };
    const chk =
      stats === null || checksumAlgorithm === null
        ? await this.checksum(options)
        : await this.#localChecksum(checksumAlgorithm, options, stats);
    if (chk !== null) model.chk = chk;
    if (this.#s.remoteGid !== null) model.gid = this.#s.remoteGid;
    if (this.#s.remotePerm !== null) model.perm = this.#s.remotePerm;
    if (this.#s.remoteUid !== null) model.uid = this.#s.remoteUid;
    return model;
  }

  /**
   * This file, now also on the file server. Unset values keep what the file
   * had; the remote size defaults to the local size, the time to now.
   */
  uploaded(
    options: {
      remotePath?: string | RemotePath;
      remoteCreationTime?: Date;
      remoteSize?: number;
      remoteChecksum?: string | null;
    } & RemoteFileOptions = {},
  ): File {
    // Only a checksum that is still current (same content, same algorithm) can stand for the remote copy.
    const cached = options.remoteChecksum ? null : this.#currentCachedChecksum();
    const file = this.#with({
      remotePath: options.remotePath !== undefined ? new RemotePath(options.remotePath) : this.#s.remotePath,
      /** Owner of the file on the file server, as SciCat records it. */
      remoteUid: options.remoteUid ?? this.#s.remoteUid,
      /** Group of the file on the file server, as SciCat records it. */
      remoteGid: options.remoteGid ?? this.#s.remoteGid,
      /** Permissions of the file on the file server, as SciCat records it. */
      remotePerm: options.remotePerm ?? this.#s.remotePerm,
      remoteCreationTime: options.remoteCreationTime ?? new Date(),
      remoteSize: options.remoteSize ?? this.size,
      remoteChecksum: options.remoteChecksum ?? cached ?? null,
    });
    // A transfer that hashed the bytes it sent computed the local checksum too: keep it, so that
    // the datablock does not read the file a second time.
    return options.remoteChecksum ? file.withLocalChecksum(options.remoteChecksum) : file;
  }

  /**
   * This file, remembering `checksum` as the checksum (with this file's
   * algorithm) of the local file as it is now, e.g. computed by a transfer
   * while it streamed the file. If the file changes later, the checksum is
   * computed afresh.
   */
  withLocalChecksum(checksum: string): File {
    const { localPath, checksumAlgorithm } = this.#s;
    if (localPath === null || checksumAlgorithm === null) return this;
    return this.#with({ cache: { key: this.#cacheKey(checksumAlgorithm), value: checksum } });
  }

  /** This file, now also on the local file system at `localPath`. */
  downloaded(options: { localPath: string }): File {
    return this.#with({ localPath: options.localPath, cache: {} });
  }

  /** This file without its local copy (only the remote side). */
  withoutLocal(): File {
    return this.#with({ localPath: null, cache: {} });
  }

  /**
   * Checks a freshly downloaded file against SciCat's record. A checksum
   * mismatch throws {@link IntegrityError}; a size mismatch is only logged
   * because file systems count sizes differently. `options.shownPath` is the
   * path messages name, for a download still under a temporary name.
   */
  async validateAfterDownload(options: { shownPath?: string } = {}): Promise<void> {
    const { localPath, remoteSize, remoteChecksum, checksumAlgorithm, remotePath } = this.#s;
    if (localPath === null) return;
    const shownPath = options.shownPath ?? localPath;
    const actualSize = fileSize(localPath);
    if (remoteSize !== null && actualSize !== remoteSize) {
      logger.info(
        `The size of file '${boundText(shownPath)}' (${actualSize} bytes) does not match the size reported in the dataset ` +
          `(${remoteSize} bytes). This may be due to a difference in file systems.`,
      );
    }
    if (remoteChecksum === null) {
      logger.info(`No checksum recorded for file '${boundText(remotePath.posix)}', cannot check the download.`);
      return;
    }
    if (checksumAlgorithm === null) {
      logger.warn(`File '${boundText(remotePath.posix)}' has a checksum but no checksum algorithm, cannot check the download.`);
      return;
    }
    const actual = await this.#localChecksum(checksumAlgorithm);
    if (actual !== remoteChecksum) {
      const message =
        `Checksum of file '${boundText(shownPath)}' (${actual}) does not match the checksum stored in the dataset ` +
        `(${boundText(remoteChecksum)}). Using algorithm '${checksumAlgorithm}'.`;
      logger.error(message);
      throw new IntegrityError(message);
    }
  }

  /** Same paths, remote record and algorithm (local contents are not compared). */
  equals(other: unknown): boolean {
    if (!(other instanceof File)) return false;
    const a = this.#s;
    const b = other.#s;
    return (
      a.localPath === b.localPath &&
      a.remotePath.equals(b.remotePath) &&
      a.remoteUid === b.remoteUid &&
      a.remoteGid === b.remoteGid &&
      a.remotePerm === b.remotePerm &&
      a.checksumAlgorithm === b.checksumAlgorithm &&
      a.remoteSize === b.remoteSize &&
      a.remoteChecksum === b.remoteChecksum &&
      (a.remoteCreationTime?.getTime() ?? null) === (b.remoteCreationTime?.getTime() ?? null)
    );
  }

  /** A Python-like representation, e.g. for logs. */
  toString(): string {
    const local = this.#s.localPath === null ? "null" : `'${boundText(this.#s.localPath)}'`;
    const remote = this.isOnRemote ? `, remoteSize=${this.#s.remoteSize}` : "";
    return `File(localPath=${local}, remotePath=${formatShort(this.#s.remotePath)}${remote})`;
  }
}

/** The remote path of a local file: its path below `basePath`, `/`-separated. */
function remotePathBelow(localPath: string, basePath: string): RemotePath {
  const relative =
    basePath === ""
      ? path.normalize(localPath)
      : path.relative(path.resolve(basePath), path.resolve(localPath));
  if (path.isAbsolute(relative) || relative === ".." || relative.startsWith(`..${path.sep}`) || relative === "") {
    const hint =
      basePath === ""
        ? `Pass { basePath } to say which part of the path the file server should keep, e.g. { basePath: "${path.dirname(localPath)}" }.`
        : `The file must be inside basePath.`;
    throw new RangeError(`'${localPath}' is not inside the base path '${basePath || "."}'. ${hint}`);
  }
  return RemotePath.fromLocal(relative);
}
