import { logger } from "../logging";
import { checkChecksumAlgorithm, nodeHashName } from "../values/filesystem";
import { boundText, echo } from "../values/bounded";
import { fromJson, type AnyFieldType } from "./conversion";
import { RemotePath } from "../values/remote-path";
import { File } from "./file";
import { describeProblems, newReadReport, type FromDownloadOptions, type ReadReport } from "./table-model";
import type { DownloadOrigDatablock, UploadDataFile, UploadOrigDatablock } from "./wire";

/**
 * How many files {@link OrigDatablock.makeUploadModel} hashes at once. Each
 * hash holds an open file, so hashing every file of a large dataset at once
 * runs out of file handles (EMFILE).
 */
const HASH_CONCURRENCY = 8;

/** How long {@link mapWithConcurrency} may keep the event loop busy before it lets other work run. */
const YIELD_EVERY_MS = 20;

/**
 * `fn` of every item, in the order of `items`, with at most `limit` calls
 * running at once. After a failure, or once `signal` aborts, no further calls
 * start; the first error is thrown.
 */
async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  let lastYield = performance.now();
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        // Small files are hashed synchronously; let timers and I/O (a progress display) run now and then.
        if (performance.now() - lastYield > YIELD_EVERY_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
        signal?.throwIfAborted();
        results[index] = await fn(items[index] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Most files in one uploaded orig datablock, as scicat-cli: it keeps each
 * SciCat document far below MongoDB's 16 MB limit (one file entry takes a few
 * hundred bytes).
 */
export const MAX_FILES_PER_DATABLOCK = 20_000;

/** Most bytes of files in one uploaded orig datablock (200 GB, as scicat-cli). */
export const MAX_BYTES_PER_DATABLOCK = 200e9;

/** Limits of {@link splitUploadModel}. */
export interface DatablockLimits {
  /** Default {@link MAX_FILES_PER_DATABLOCK}. */
  maxFiles?: number;
  /** Default {@link MAX_BYTES_PER_DATABLOCK}. */
  maxBytes?: number;
}

/**
 * Splits the body of one datablock upload into bodies of at most `maxFiles`
 * files and `maxBytes` bytes each (a single larger file gets a body of its
 * own), keeping the order of the files and the checksum algorithm. A body
 * within the limits comes back as it is.
 */
export function splitUploadModel(model: UploadOrigDatablock, limits: DatablockLimits = {}): UploadOrigDatablock[] {
  const maxFiles = limits.maxFiles ?? MAX_FILES_PER_DATABLOCK;
  const maxBytes = limits.maxBytes ?? MAX_BYTES_PER_DATABLOCK;
  if (model.dataFileList.length <= maxFiles && model.size <= maxBytes) return [model];
  const parts: UploadOrigDatablock[] = [];
  let files: UploadDataFile[] = [];
  let size = 0;
  const flush = (): void => {
    if (files.length === 0) return;
    const part: UploadOrigDatablock = { ...model, dataFileList: files, size };
    parts.push(part);
    files = [];
    size = 0;
  };
  for (const file of model.dataFileList) {
    if (files.length >= maxFiles || (files.length > 0 && size + file.size > maxBytes)) flush();
    files.push(file);
    size += file.size;
  }
  flush();
  return parts;
}

/** Options of computing the checksums of a datablock's (or a dataset's) files. */
export interface DatablockHashingOptions {
  /** Stops hashing between chunks. */
  signal?: AbortSignal;
  /** Called as a file is hashed, with the bytes hashed so far (its size once done). */
  onProgress?: (file: File, bytesDone: number) => void;
  /**
   * `false` leaves out the checksums of local files instead of reading them:
   * the shape of the bodies (files, sizes, algorithm) for a dry run. Default `true`.
   */
  checksums?: boolean;
}

/**
 * A group of files of a dataset that share one checksum algorithm: SciCat's
 * "original datablock". Datasets manage their datablocks; most code never
 * needs to touch one.
 */
export class OrigDatablock {
  /** Algorithm of the checksums of all files in this block. */
  readonly checksumAlgorithm: string | null;
  /** SciCat's id of the block, `null` until uploaded. */
  readonly datablockId: string | null;
  /** Groups that may read the datablock besides the owner group. */
  readonly accessGroups: string[] | null;
  /** When SciCat created the datablock. */
  readonly createdAt: Date | null;
  /** Who created the datablock in SciCat. */
  readonly createdBy: string | null;
  /** When SciCat last changed the datablock. */
  readonly updatedAt: Date | null;
  /** Who last changed the datablock in SciCat. */
  readonly updatedBy: string | null;
  /** Whether the datablock is published. */
  readonly isPublished: boolean | null;
  #files: File[] = [];
  /** The files by resolved remote path, so that finding one (or a clash) costs the same at any file count. */
  #byPath = new Map<string, File>();

  constructor(
    init: {
      checksumAlgorithm?: string | null;
      files?: readonly File[];
      datablockId?: string | null;
      /** Groups that may read the datablock besides the owner group. */
      accessGroups?: string[] | null;
      /** When SciCat created the datablock. */
      createdAt?: Date | null;
      /** Who created the datablock in SciCat. */
      createdBy?: string | null;
      /** When SciCat last changed the datablock. */
      updatedAt?: Date | null;
      /** Who last changed the datablock in SciCat. */
      updatedBy?: string | null;
      /** Whether the datablock is published. */
      isPublished?: boolean | null;
    } = {},
  ) {
    if (init.checksumAlgorithm) checkChecksumAlgorithm(init.checksumAlgorithm);
    this.checksumAlgorithm = init.checksumAlgorithm ?? null;
    this.datablockId = init.datablockId ?? null;
    this.accessGroups = init.accessGroups ?? null;
    this.createdAt = init.createdAt ?? null;
    this.createdBy = init.createdBy ?? null;
    this.updatedAt = init.updatedAt ?? null;
    this.updatedBy = init.updatedBy ?? null;
    this.isPublished = init.isPublished ?? null;
    this.#append(init.files ?? []);
  }

  /**
   * A block as SciCat returned it; its files are remote-only. Tolerant, like
   * datasets: what cannot be read is logged (see {@link OrigDatablock.read}).
   */
  static fromDownloadModel(model: DownloadOrigDatablock, options: FromDownloadOptions = {}): OrigDatablock {
    const report = newReadReport();
    const block = OrigDatablock.read(model, report);
    const name = `Datablock ${block.datablockId === null ? "" : `'${boundText(block.datablockId)}' `}from SciCat`;
    if (report.losses.length > 0) logger.warn(`${name} is read without some parts: ${describeProblems(report.losses)}.`);
    if (report.problems.length > 0 && options.reportProblems !== false) {
      logger.warn(`${name} has unexpected values: ${describeProblems(report.problems)}.`);
    }
    return block;
  }

  /**
   * Reads whatever SciCat sent as a datablock, never throwing. What does not
   * fit goes into `report`, each entry prefixed with `label` and naming its
   * field: a `dataFileList` that is not a list, and file entries that are not
   * objects or have no path, are left out (losses); other values are read as
   * unknown (problems). A checksum algorithm this machine cannot compute is
   * a loss too: downloads of the block's files cannot be checked.
   */
  static read(model: unknown, report: ReadReport, label?: string): OrigDatablock {
    const prefix = (text: string): string => (label === undefined ? text : `${label}: ${text}`);
    const problem = (text: string): void => void report.problems.push(prefix(text));
    if (typeof model !== "object" || model === null || Array.isArray(model)) {
      report.losses.push(prefix(`expected a datablock (an object), got ${echo(model)}; it is left out`));
      return new OrigDatablock();
    }
    const entry = model as Record<string, unknown>;
    const read = (name: string, type: AnyFieldType): unknown => {
      const { value, problem: found } = fromJson(type, entry[name], name);
      if (found === undefined) return value;
      problem(`${found.replace(/\.$/, "")}; read as unknown`);
      return null;
    };
    const datablockId = (read("_id", "string") ?? read("id", "string")) as string | null;
    // SciCat may store an empty `chkAlg`; it means "no algorithm", not an algorithm called "".
    let checksumAlgorithm = ((read("chkAlg", "string") as string | null) || null);
    if (checksumAlgorithm !== null && nodeHashName(checksumAlgorithm) === null) {
      // Reading stays tolerant: the files load, but their checksums cannot be checked here.
      report.losses.push(
        prefix(`chkAlg: '${boundText(checksumAlgorithm)}' cannot be computed on this machine; the files' checksums will not be checked`),
      );
      checksumAlgorithm = null;
    }
    const list = entry["dataFileList"];
    if (list !== undefined && list !== null && !Array.isArray(list)) {
      report.losses.push(prefix(`dataFileList: expected a list of file entries, got ${echo(list)}; the block is read without files`));
    }
    const files: File[] = [];
    (Array.isArray(list) ? list : []).forEach((item: unknown, i) => {
      const found: string[] = [];
      const file = File.readDownloadModel(item, { checksumAlgorithm, problems: found });
      const where = prefix(`dataFileList[${i}]`);
      // A file entry that cannot be read at all is a loss; values it could not read are problems.
      (file === null ? report.losses : report.problems).push(...found.map((p) => `${where}: ${p}`));
      if (file !== null) files.push(file);
    });
    return new OrigDatablock({
      checksumAlgorithm,
      files,
      datablockId,
      accessGroups: read("accessGroups", "string[]") as string[] | null,
      createdAt: read("createdAt", "Date") as Date | null,
      createdBy: read("createdBy", "string") as string | null,
      updatedAt: read("updatedAt", "Date") as Date | null,
      updatedBy: read("updatedBy", "string") as string | null,
      isPublished: read("isPublished", "boolean") as boolean | null,
    });
  }

  /** The files of this block. */
  get files(): readonly File[] {
    return this.#files;
  }

  /** Total size of the files in bytes. */
  get size(): number {
    let sum = 0;
    for (const f of this.#files) sum += f.size;
    return sum;
  }

  /**
   * Adds files; each takes this block's checksum algorithm. Takes files or
   * arrays of files, of any length: `block.addFiles(a, b)` or `block.addFiles(list)`.
   */
  addFiles(...files: Array<File | readonly File[]>): void {
    for (const item of files) this.#append(Array.isArray(item) ? (item as readonly File[]) : [item as File]);
  }

  /**
   * The file of this block whose remote path names the same file as
   * `remotePath` once `.` and `..` are resolved, if any.
   */
  fileAt(remotePath: RemotePath | string): File | undefined {
    return this.#byPath.get(new RemotePath(remotePath).resolve().posix);
  }

  // A loop, not push(...files): spreading a long array overflows the call stack.
  #append(files: readonly File[]): void {
    for (const file of files) {
      const own = file.withChecksumAlgorithm(this.checksumAlgorithm);
      this.#files.push(own);
      const key = own.remotePath.resolve().posix;
      // The first file keeps the path, as Dataset.addFiles would have refused the second.
      if (!this.#byPath.has(key)) this.#byPath.set(key, own);
    }
  }

  /** A copy of this block with other files (same id and metadata). */
  withFiles(files: readonly File[]): OrigDatablock {
    return new OrigDatablock({ ...this, files });
  }

  /**
   * The body of `POST datasets/{pid}/origdatablocks`. Computes checksums of
   * local files, a few at a time, in the order of {@link OrigDatablock.files}.
   */
  async makeUploadModel(options: DatablockHashingOptions = {}): Promise<UploadOrigDatablock> {
    const { signal, onProgress } = options;
    const entry = async (file: File): Promise<UploadDataFile> => {
      const onBytes = onProgress && ((bytes: number): void => onProgress(file, bytes));
      const result = await file.makeModel({ ...(onBytes ? { onBytes } : {}), ...(signal ? { signal } : {}) });
      // Also for files whose checksum was known already (computed while uploading): they are done.
      onProgress?.(file, result.size);
      return result;
    };
    // Without an algorithm a local file has no checksum to compute; the block's chkAlg stays below.
    const files = options.checksums === false ? this.#files.map((f) => f.withChecksumAlgorithm(null)) : this.#files;
    const dataFileList = await mapWithConcurrency(files, HASH_CONCURRENCY, entry, signal);
    const model: UploadOrigDatablock = { dataFileList, size: dataFileList.reduce((s, f) => s + f.size, 0) };
    if (this.checksumAlgorithm !== null) model.chkAlg = this.checksumAlgorithm;
    return model;
  }
}
