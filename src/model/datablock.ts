import { logger } from "../logging";
import { checkChecksumAlgorithm, nodeHashName } from "../values/filesystem";
import { parseDateTime } from "../values/format";
import { File } from "./file";
import type { DownloadOrigDatablock, UploadDataFile, UploadOrigDatablock } from "./wire";

function optionalDate(value: unknown): Date | null {
  if (typeof value !== "string" && !(value instanceof Date)) return null;
  try {
    return parseDateTime(value);
  } catch {
    return null;
  }
}

/**
 * How many files {@link OrigDatablock.makeUploadModel} hashes at once. Each
 * hash holds an open file, so hashing every file of a large dataset at once
 * runs out of file handles (EMFILE).
 */
const HASH_CONCURRENCY = 8;

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
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
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

/** Options of computing the checksums of a datablock's (or a dataset's) files. */
export interface DatablockHashingOptions {
  /** Stops hashing between chunks. */
  signal?: AbortSignal;
  /** Called as a file is hashed, with the bytes hashed so far (its size once done). */
  onProgress?: (file: File, bytesDone: number) => void;
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
    this.addFiles(...(init.files ?? []));
  }

  /** A block as SciCat returned it; its files are remote-only. */
  static fromDownloadModel(model: DownloadOrigDatablock): OrigDatablock {
    // SciCat may store an empty `chkAlg`; it means "no algorithm", not an algorithm called "".
    let checksumAlgorithm = model.chkAlg || null;
    if (checksumAlgorithm !== null && nodeHashName(checksumAlgorithm) === null) {
      // Reading stays tolerant: the files load, but their checksums cannot be checked here.
      logger.warn(
        `Datablock ${model._id ?? model.id ?? ""} uses checksum algorithm '${checksumAlgorithm}', which this ` +
          "machine cannot compute; its files' checksums will not be checked.",
      );
      checksumAlgorithm = null;
    }
    return new OrigDatablock({
      checksumAlgorithm,
      files: (model.dataFileList ?? []).map((f) => File.fromDownloadModel(f, { checksumAlgorithm })),
      datablockId: model._id ?? model.id ?? null,
      /** Groups that may read the datablock besides the owner group. */
      accessGroups: model.accessGroups ?? null,
      /** When SciCat created the datablock. */
      createdAt: optionalDate(model.createdAt),
      /** Who created the datablock in SciCat. */
      createdBy: model.createdBy ?? null,
      /** When SciCat last changed the datablock. */
      updatedAt: optionalDate(model.updatedAt),
      /** Who last changed the datablock in SciCat. */
      updatedBy: model.updatedBy ?? null,
      /** Whether the datablock is published. */
      isPublished: model.isPublished ?? null,
    });
  }

  /** The files of this block. */
  get files(): readonly File[] {
    return this.#files;
  }

  /** Total size of the files in bytes. */
  get size(): number {
    return this.#files.reduce((sum, f) => sum + f.size, 0);
  }

  /** Adds files; each takes this block's checksum algorithm. */
  addFiles(...files: File[]): void {
    this.#files.push(...files.map((f) => f.withChecksumAlgorithm(this.checksumAlgorithm)));
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
      onProgress?.(file, file.size);
      return result;
    };
    const dataFileList = await mapWithConcurrency(this.#files, HASH_CONCURRENCY, entry, signal);
    const model: UploadOrigDatablock = { dataFileList, size: dataFileList.reduce((s, f) => s + f.size, 0) };
    if (this.checksumAlgorithm !== null) model.chkAlg = this.checksumAlgorithm;
    return model;
  }
}
