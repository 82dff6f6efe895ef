import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import * as path from "node:path";
import {
  FileUploadError,
  IntegrityError,
  PartialUploadError,
  ScicatCommError,
  type PartialUploadState,
} from "../errors";
import { logger } from "../logging";
import { Attachment } from "../model/attachment";
import { Dataset } from "../model/dataset";
import type { File } from "../model/file";
import { Sample } from "../model/sample";
import type { DownloadAttachment, DownloadDataset, DownloadOrigDatablock, UploadDataset } from "../model/wire";
import { checkChecksumAlgorithm } from "../values/filesystem";
import { listSome } from "../values/format";
import { PID } from "../values/pid";
import type { RemotePath } from "../values/remote-path";
import { partName } from "../transfer/part-name";
import { targetInFolder } from "../transfer/source-folder";
import type { FileProgress, FileTransfer, UploadConnection } from "../transfer/types";
import { checkUpload, type CheckUploadOptions } from "./check-upload";
import type { UploadCheck } from "./check-upload-report";
import { HttpScicatClient } from "./http";
import type { ScicatClient } from "./scicat-client";

/**
 * Building models from what the ScicatClient returned: it has checked the
 * records and warned about their problems, so the models need not warn again.
 */
const CHECKED = { reportProblems: false } as const;

/** Which files to download: all (`true`), none, a remote path, a list of them, a pattern or a predicate. */
export type FileSelector = boolean | string | readonly string[] | RegExp | ((file: File) => boolean);

/** Steps of an upload, in order. */
export type UploadPhase = "validating" | "uploading" | "hashing" | "creating-dataset" | "datablocks" | "attachments" | "done";

/** Steps of a download, in order. */
export type DownloadPhase = "downloading" | "verifying" | "done";

/**
 * Where an upload or download is; sent to `onProgress`. The counts are those
 * of the files being moved, except in an upload's `hashing` phase, which
 * counts the files whose checksums are computed after the upload (those that
 * were not hashed while they streamed; often none).
 */
export interface TransferProgressEvent<Phase extends string> {
  readonly phase: Phase;
  /** Bytes moved (or hashed) so far, over all files. */
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly filesDone: number;
  readonly filesTotal: number;
  /** The file currently moving, if any. */
  readonly file?: FileProgress;
}

/** What `onProgress` of an upload receives. */
export type UploadProgress = TransferProgressEvent<UploadPhase>;
/** What `onProgress` of a download receives. */
export type DownloadProgress = TransferProgressEvent<DownloadPhase>;

/** Options of {@link Client.uploadNewDatasetNow}. */
export interface UploadOptions {
  /** Called with every step of the upload (phases and bytes). */
  onProgress?: (progress: UploadProgress) => void;
  /**
   * Cancels the upload until the dataset is being created: files already
   * uploaded are removed again, as after a failure. From then on the upload
   * runs to its end, because stopping would leave the new dataset incomplete.
   */
  signal?: AbortSignal;
}

/** Options of {@link Client.downloadFiles}. */
export interface DownloadOptions {
  /** Local folder to download into; created if missing. Remote sub-folders are kept below it. */
  target: string;
  /** Which files; default all. */
  select?: FileSelector;
  /** Download even files whose local copy is up to date. */
  force?: boolean;
  /**
   * Checksum algorithm to use instead of the datablock's when deciding whether a local copy is up
   * to date (as in Scitacean; downloads are still checked with the datablock's algorithm).
   */
  checksumAlgorithm?: string | null;
  /** Called with every step of the download (phases and bytes). */
  onProgress?: (progress: DownloadProgress) => void;
  /** Aborts the download; files already complete stay, partial ones are removed. */
  signal?: AbortSignal;
}

/** Options shared by the factories of {@link Client}. */
export interface ClientConnectionOptions {
  /** How files move to and from the file server; without it only metadata can be read and written. */
  fileTransfer?: FileTransfer | null;
  /** Timeout of each SciCat request in milliseconds (default 10 s). */
  timeoutMs?: number;
}

function httpOptions<T extends object>(options: { url: string; timeoutMs?: number }, extra: T): T & { url: string; timeoutMs?: number } {
  return { ...extra, url: options.url, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) };
}

/**
 * Reports progress over a list of files from per-file transfer events.
 * @internal Shared by the upload, the download and the upload check.
 */
export class ProgressTracker<Phase extends string> {
  #done = new Map<string, number>();
  #completed = new Set<string>();
  // Running sums, so that an event costs the same for one file or ten thousand.
  readonly #bytesTotal: number;
  #bytesDone = 0;
  constructor(
    private readonly sizes: ReadonlyMap<string, number>,
    private readonly emit: ((p: TransferProgressEvent<Phase>) => void) | undefined,
  ) {
    let total = 0;
    for (const size of sizes.values()) total += size;
    this.#bytesTotal = total;
  }
  phase(phase: Phase, file?: FileProgress): void {
    if (!this.emit) return;
    const event: TransferProgressEvent<Phase> = {
      phase,
      bytesDone: this.#bytesDone,
      bytesTotal: this.#bytesTotal,
      filesDone: this.#completed.size,
      filesTotal: this.sizes.size,
      ...(file ? { file } : {}),
    };
    try {
      this.emit(event);
    } catch (error) {
      // A broken progress display must not break an upload half-way.
      logger.warn(`onProgress callback failed: ${(error as Error).message}`);
    }
  }
  #setDone(key: string, bytes: number): void {
    this.#bytesDone += bytes - (this.#done.get(key) ?? 0);
    this.#done.set(key, bytes);
  }
  fileProgress(phase: Phase): (p: FileProgress) => void {
    return (p) => {
      const key = p.remotePath.posix;
      this.#setDone(key, p.bytesDone);
      // A set, not a counter: an empty file is done at once, and a repeated final report counts once.
      if (p.bytesDone >= p.bytesTotal) this.#completed.add(key);
      this.phase(phase, p);
    };
  }
  /** Marks every file as fully moved, for transfers that report little or no progress. */
  completeAll(): void {
    for (const [key, size] of this.sizes) {
      this.#setDone(key, size);
      this.#completed.add(key);
    }
  }
}

/**
 * The entry point: talks to SciCat through a {@link ScicatClient} and to the
 * file server through a {@link FileTransfer}.
 */
export class Client {
  readonly #scicat: ScicatClient;
  readonly #fileTransfer: FileTransfer | null;

  /** Prefer the factories (`Client.fromToken`, …); this takes ready-made parts. */
  constructor(options: { scicat: ScicatClient; fileTransfer?: FileTransfer | null }) {
    this.#scicat = options.scicat;
    this.#fileTransfer = options.fileTransfer ?? null;
  }

  /**
   * A client that authenticates with a token, e.g. copied from the SciCat web
   * interface. `url` is SciCat's API root, including `/api/v3`. An expired
   * JWT is reported here and before every request.
   *
   * @example
   * const client = Client.fromToken({
   *   url: "https://scicat.ess.eu/api/v3", token: process.env.SCICAT_TOKEN!,
   *   fileTransfer: new SFTPFileTransfer({ host: "login.esss.dk" }),
   * });
   */
  static fromToken(options: { url: string; token: string } & ClientConnectionOptions): Client {
    return new this({ scicat: HttpScicatClient.fromToken(httpOptions(options, { token: options.token })), fileTransfer: options.fileTransfer ?? null });
  }

  /** A client that logs in with a user name and password (never stored or printed). */
  static async fromCredentials(
    options: { url: string; username: string; password: string } & ClientConnectionOptions,
  ): Promise<Client> {
    const scicat = await HttpScicatClient.fromCredentials(
      httpOptions(options, { username: options.username, password: options.password }),
    );
    return new this({ scicat, fileTransfer: options.fileTransfer ?? null });
  }

  /** An anonymous client: it can read public datasets only. */
  static withoutLogin(options: { url: string } & ClientConnectionOptions): Client {
    return new this({ scicat: HttpScicatClient.withoutLogin(httpOptions(options, {})), fileTransfer: options.fileTransfer ?? null });
  }

  /** The low-level SciCat API. */
  get scicat(): ScicatClient {
    return this.#scicat;
  }

  /** The file transfer, or `null` if files cannot be moved. */
  get fileTransfer(): FileTransfer | null {
    return this.#fileTransfer;
  }

  /**
   * Downloads a dataset's metadata and its list of files (not the files
   * themselves; see {@link Client.downloadFiles}). With `attachments: true`
   * the attachments come too; otherwise `dataset.attachments` is `null`.
   */
  async getDataset(pid: PID | string, options: { attachments?: boolean; strictValidation?: boolean } = {}): Promise<Dataset> {
    const id = PID.parse(pid);
    const read = options.strictValidation === undefined ? {} : { strictValidation: options.strictValidation };
    const dataset = await this.#scicat.getDatasetModel(id, read);
    let origDatablocks: DownloadOrigDatablock[] = [];
    try {
      origDatablocks = await this.#scicat.getOrigDatablocks(id, read);
    } catch (error) {
      // As in Scitacean 24.05: a dataset whose files SciCat will not list still loads, without files.
      if (!(error instanceof ScicatCommError)) throw error;
      logger.warn(
        `Could not download the list of files of dataset ${id.toString()} (${error.message}); ` +
          "the dataset is returned without files. Check that you are logged in and may read this dataset's datablocks.",
      );
    }
    const attachments = options.attachments ? await this.#scicat.getAttachmentsForDataset(id, read) : null;
    return Dataset.fromDownloadModels({ dataset, origDatablocks, attachments }, CHECKED);
  }

  /** Downloads a sample. */
  async getSample(sampleId: string, options: { strictValidation?: boolean } = {}): Promise<Sample> {
    return Sample.fromDownloadModel(await this.#scicat.getSampleModel(sampleId, options), CHECKED);
  }

  /**
   * Uploads a sample as a new one. SciCat assigns the id, so a `sampleId`
   * set on `sample` is not sent.
   */
  async uploadNewSampleNow(sample: Sample): Promise<Sample> {
    const model = sample.replace({ sampleId: null }).makeUploadModel();
    return Sample.fromDownloadModel(await this.#scicat.createSampleModel(model), CHECKED);
  }

  /**
   * Downloads the attachments of a dataset and returns a copy of it that has
   * them. Existing attachments of the copy are replaced (with a warning).
   */
  async downloadAttachmentsFor(dataset: Dataset): Promise<Dataset> {
    if (dataset.pid === null) {
      throw new RangeError("Cannot download attachments because the dataset has no pid. Upload it first.");
    }
    if (dataset.attachments !== null) {
      logger.warn("Downloading attachments for a dataset that already has attachments; they are replaced.");
    }
    const models = await this.#scicat.getAttachmentsForDataset(dataset.pid);
    return dataset.replace({ attachments: models.map((m) => Attachment.fromDownloadModel(m, CHECKED)) });
  }

  /**
   * The dry run of {@link Client.uploadNewDatasetNow}: checks everything the
   * upload would do with `dataset`, in the same order, and returns a report
   * ({@link UploadCheck}) instead of uploading. Nothing is created in SciCat
   * (it is only asked `isValid`), and nothing is left on the file server: the
   * transfer checks which targets already exist, creates the missing folders
   * and writes a small probe file into them, then removes both again (the
   * report names anything it could not remove).
   *
   * Problems are collected, not thrown: invalid fields, SciCat's refusal, an
   * unreachable SciCat or file server, files that exist already, folders that
   * cannot be written, a source folder that cannot be made. Only mistakes in
   * the code (a `TypeError`, …) and an abort are thrown.
   *
   * `{ checksums: true }` also computes the checksums the upload would
   * record (reading every file); `{ measure: true }` times a probe of up to
   * 8 MiB to estimate the upload time.
   *
   * @example
   * const check = await client.checkUpload(dataset, { measure: true });
   * check; // a table in the notebook: problems first, then the plan
   * if (check.ok) await client.uploadNewDatasetNow(dataset);
   */
  checkUpload(dataset: Dataset, options: CheckUploadOptions = {}): Promise<UploadCheck> {
    return checkUpload({ scicat: this.#scicat, fileTransfer: this.#fileTransfer }, dataset, options);
  }

  /**
   * The dataset SciCat created from `sent`, by its PID; `null` if SciCat does not list it, `undefined`
   * if that cannot be told (SciCat cannot be asked, or lists several that fit).
   */
  async #findCreated(sent: UploadDataset): Promise<string | null | undefined> {
    try {
      const listed = await this.#scicat.queryDatasets({ sourceFolder: sent.sourceFolder });
      const same = listed.filter((d) => sameDataset(d, sent));
      if (same.length === 0) return null;
      return same.length === 1 && typeof same[0]?.pid === "string" ? same[0].pid : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Uploads a dataset, its files and its attachments as a **new** dataset,
   * and returns the dataset as SciCat now has it (with its pid).
   *
   * Steps, in order: validate (locally, then with SciCat), upload the files,
   * create the dataset (on failure the files are removed again), add the
   * datablocks, add the attachments. Nothing is ever overwritten. This
   * cannot be undone by a regular user.
   */
  async uploadNewDatasetNow(dataset: Dataset, options: UploadOptions = {}): Promise<Dataset> {
    const { signal } = options;
    signal?.throwIfAborted();
    const transfer = this.#fileTransfer;
    const sourceFolder = transfer ? transfer.sourceFolderFor(dataset) : dataset.sourceFolder;
    if (sourceFolder === null) {
      throw new RangeError(
        "Cannot determine the source folder: the dataset's sourceFolder is not set and there is no file transfer.",
      );
    }
    let toUpload = dataset.replace({ sourceFolder });
    const files = filesToUpload(toUpload, sourceFolder, transfer !== null);
    const sizes = new Map(files.map((f) => [f.remotePath.posix, f.size]));
    const progress = new ProgressTracker<UploadPhase>(sizes, options.onProgress);

    progress.phase("validating");
    const datasetModel = toUpload.makeUploadModel();
    // Checked before anything is written, so that a bad attachment cannot fail the upload half-way.
    const attachmentModels = toUpload.makeAttachmentUploadModels();
    await this.#scicat.validateDatasetModel(datasetModel);
    signal?.throwIfAborted();

    let connection: UploadConnection | null = null;
    if (files.length > 0) {
      if (transfer === null) {
        throw new RangeError(
          "Cannot upload files because no file transfer is set. Give one (fileTransfer) when making the client.",
        );
      }
      connection = await transfer.connectForUpload(toUpload, sourceFolder);
    }

    let finalized;
    let datablockModels;
    let uploaded: File[] = [];
    const left = (): PartialUploadState => ({
      pid: null,
      sourceFolder: sourceFolder.posix,
      uploadedFiles: uploaded.map((f) => sourceFolder.join(f.remotePath).posix),
    });
    // SciCat may hold the dataset now: removing its files would leave it pointing at nothing.
    const maybeCreated = (error: ScicatCommError): PartialUploadError =>
      unknownOutcome(error, left(), { datablocks: datablockModels?.length ?? 0, attachments: attachmentModels.length });
    try {
      if (connection !== null) {
        progress.phase("uploading");
        uploaded = await connection
          .uploadFiles(files, { onProgress: progress.fileProgress("uploading"), ...(signal ? { signal } : {}) })
          .catch((error: unknown) => {
            throw leftBehind(error, left());
          });
        toUpload = toUpload.replaceFiles(uploaded);
        progress.completeAll();
      }
      const revertOnError = async <T>(step: () => Promise<T>, created?: UploadDataset): Promise<T> => {
        try {
          signal?.throwIfAborted();
          return await step();
        } catch (error) {
          if (created !== undefined && error instanceof ScicatCommError && mayHaveCreated(error)) {
            // Ask SciCat: a dataset it does hold gets its PID into the error, and its files stay.
            const found = await this.#findCreated(created);
            if (found !== undefined && found !== null) {
              throw createdWithoutBlocks(error, { ...left(), pid: found }, datablockModels?.length ?? 0);
            }
            // A 500 is SciCat's own, final answer: not holding the dataset now, it never will.
            if (error.outcomeUnknown || found === undefined) throw maybeCreated(error);
          } else if (error instanceof ScicatCommError && error.outcomeUnknown) {
            throw maybeCreated(error);
          }
          if (connection !== null && uploaded.length > 0) await revertQuietly(connection, uploaded, error, left());
          throw error;
        }
      };
      // Transfers that stream compute checksums on the way; only the other files are read again here,
      // and the hashing phase counts just those.
      const toHash = new Map(toUpload.files.filter((f) => f.needsHashing).map((f) => [f.remotePath.posix, f.size]));
      const hashing = new ProgressTracker<UploadPhase>(toHash, options.onProgress);
      hashing.phase("hashing");
      const onHashed = hashing.fileProgress("hashing");
      datablockModels = await revertOnError(() =>
        toUpload.makeDatablockUploadModels({
          onProgress: (file, bytesDone) => {
            if (toHash.has(file.remotePath.posix)) onHashed({ remotePath: file.remotePath, bytesDone, bytesTotal: file.size });
          },
          ...(signal ? { signal } : {}),
        }),
      );
      progress.phase("creating-dataset");
      // No abort from here on: once SciCat has the dataset, stopping would only leave it without its files.
      const uploadModel = toUpload.makeUploadModel();
      finalized = await revertOnError(() => this.#scicat.createDatasetModel(uploadModel), uploadModel);
    } finally {
      await connection?.close();
    }

    if (typeof finalized.pid !== "string" || finalized.pid === "") {
      // SciCat said it created the dataset, so its files stay; without the pid nothing more can be added.
      throw maybeCreated(
        new ScicatCommError("SciCat answered the creation of the dataset without the dataset's pid.", {
          operation: "createDatasetModel",
          outcomeUnknown: true,
        }),
      );
    }
    const pid = PID.parse(finalized.pid);
    const created = { ...left(), pid: pid.toString() };
    progress.phase("datablocks");
    const createdBlocks: DownloadOrigDatablock[] = [];
    try {
      for (const model of datablockModels) {
        createdBlocks.push(await this.#scicat.createOrigDatablock(model, { datasetId: pid }));
      }
    } catch (error) {
      const done = createdBlocks.length;
      const uploaded = created.uploadedFiles.length;
      throw new PartialUploadError(
        `Failed to upload the datablocks of SciCat dataset ${pid.toString()}: ${(error as Error).message}\n` +
          "The dataset was created" +
          (uploaded > 0 ? ` and its ${uploaded} new data files were uploaded to '${created.sourceFolder}'` : "") +
          `, but only ${done} of its ${datablockModels.length} datablocks were created, so SciCat does not list ` +
          "all of its files. Please ask a SciCat admin to add them; uploading again would create a second dataset.",
        created,
        { cause: error },
      );
    }

    progress.phase("attachments");
    const createdAttachments: DownloadAttachment[] = [];
    try {
      for (const model of attachmentModels) {
        createdAttachments.push(await this.#scicat.createAttachmentForDataset(model, { datasetId: pid }));
      }
    } catch (error) {
      const done = createdAttachments.length;
      throw new PartialUploadError(
        `Failed to upload the attachments of SciCat dataset ${pid.toString()}: ${(error as Error).message}\n` +
          `The dataset, its files and ${done} of ${attachmentModels.length} attachments were uploaded. ` +
          "Upload the remaining attachments with client.scicat.createAttachmentForDataset(attachment, { datasetId }).",
        created,
        { cause: error },
      );
    }
    progress.phase("done");
    return Dataset.fromDownloadModels(
      { dataset: finalized, origDatablocks: createdBlocks, attachments: createdAttachments },
      CHECKED,
    );
  }

  /**
   * Downloads files of a dataset into `target`, keeping the remote folders
   * below it, and returns a copy of the dataset whose files know their
   * local paths. Files whose local copy is up to date are skipped unless
   * `force`. A download that fails its checksum raises `IntegrityError` and
   * leaves nothing under the target name.
   */
  async downloadFiles(dataset: Dataset, options: DownloadOptions): Promise<Dataset> {
    const { target, signal } = options;
    if (dataset.sourceFolder === null) {
      throw new RangeError("The dataset has no sourceFolder, so its files cannot be found. Set dataset.sourceFolder.");
    }
    const selected = dataset.files.filter(selector(options.select ?? true));
    const planned = selected.map((file) => file.downloaded({ localPath: localPathIn(target, file.remotePath) }));
    // As in Scitacean: the override is only used to decide whether a local copy is up to date;
    // downloads are checked with, and files keep, the datablock's algorithm.
    const override = options.checksumAlgorithm ? options.checksumAlgorithm : null;
    if (override !== null) checkChecksumAlgorithm(override);
    await mkdir(target, { recursive: true });

    const needed: File[] = [];
    for (const file of planned) {
      const check = override === null ? file : file.withChecksumAlgorithm(override);
      if (options.force || !(await existsAndUpToDate(check))) needed.push(file);
    }
    if (needed.length === 0) return dataset.replaceFiles(planned);
    if (this.#fileTransfer === null) {
      throw new RangeError("Cannot download files because no file transfer is set. Give one (fileTransfer) when making the client.");
    }
    signal?.throwIfAborted();

    const sourceFolder = dataset.sourceFolder;
    const progress = new ProgressTracker<DownloadPhase>(
      // Keyed like the connection reports them: by full remote path (it never sees the relative one).
      new Map(needed.map((f) => [sourceFolder.join(f.remotePath).posix, f.remoteSize ?? 0])),
      options.onProgress,
    );
    // Download next to the target under a temporary name; only a verified file takes the real name.
    const partial = needed.map((f) => partName(f.localPath as string, path.sep));
    const connection = await this.#fileTransfer.connectForDownload(dataset, sourceFolder.join((needed[0] as File).remotePath));
    try {
      for (const file of needed) await mkdir(path.dirname(file.localPath as string), { recursive: true });
      progress.phase("downloading");
      // Transfers that can hash the bytes as they arrive spare reading each file again to check it.
      const written = await connection.downloadFiles(
        { remote: needed.map((f) => sourceFolder.join(f.remotePath)), local: partial },
        {
          onProgress: progress.fileProgress("downloading"),
          checksumAlgorithms: needed.map((f) => (f.remoteChecksum === null ? null : f.checksumAlgorithm)),
          ...(signal ? { signal } : {}),
        },
      );
      progress.completeAll();
      progress.phase("verifying");
      // By local path: a search of the list for every file would be quadratic in the number of files.
      const checksums = new Map(written.map((w) => [w.local, w.checksum]));
      for (const [i, file] of needed.entries()) {
        const part = partial[i] as string;
        try {
          const checksum = checksums.get(part) ?? null;
          const downloaded = file.downloaded({ localPath: part });
          // Messages name the file the user asked for, not the temporary download (removed below).
          await (checksum === null ? downloaded : downloaded.withLocalChecksum(checksum)).validateAfterDownload({
            shownPath: file.localPath as string,
          });
        } catch (error) {
          if (!(error instanceof IntegrityError)) throw error;
          throw new IntegrityError(
            `${error.message} The download was discarded; ` +
              `nothing was written to '${file.localPath as string}'.`,
            { cause: error },
          );
        }
      }
      for (const [i, file] of needed.entries()) await rename(partial[i] as string, file.localPath as string);
    } finally {
      await Promise.all(partial.map((p) => rm(p, { force: true })));
      await connection.close();
    }
    progress.phase("done");
    return dataset.replaceFiles(planned);
  }
}

async function revertQuietly(
  connection: UploadConnection,
  files: File[],
  cause: unknown,
  state: PartialUploadState,
): Promise<void> {
  try {
    await connection.revertUpload(files);
  } catch (error) {
    // The transfer knows which files it could not remove; without that, any of them may be left.
    const leftOver = error instanceof FileUploadError && error.leftOver.length > 0 ? error.leftOver : state.uploadedFiles;
    throw new PartialUploadError(
      `The upload failed (${(cause as Error).message}) and removing the uploaded files failed too ` +
        `(${(error as Error).message}). SciCat has no dataset for them. These files are left on the file server: ` +
        `${leftOver.join(", ")}. Remove them by hand before uploading again.`,
      { ...state, uploadedFiles: leftOver },
      { cause },
    );
  }
}

/**
 * A failed file upload that could not remove everything it wrote (e.g. the
 * server became unreachable) becomes a {@link PartialUploadError} listing
 * exactly those files, temporary names included; other errors stay as they are.
 */
function leftBehind(error: unknown, state: PartialUploadState): unknown {
  if (!(error instanceof FileUploadError) || error.leftOver.length === 0) return error;
  return new PartialUploadError(
    `${error.message}\nSciCat has no dataset for these files. Remove them by hand (or ask the file server's ` +
      "admins) before uploading to the same folder again.",
    { ...state, uploadedFiles: error.leftOver },
    { cause: error },
  );
}

/**
 * Whether a failed creation may still have stored the dataset: no usable answer (see
 * {@link ScicatCommError.outcomeUnknown}), or a 500, which a backend can send after storing it.
 */
function mayHaveCreated(error: ScicatCommError): boolean {
  return error.outcomeUnknown || error.status === 500;
}

/** The same dataset: what the upload sent, as SciCat lists it (it adds fields, and may reformat dates). */
function sameDataset(listed: DownloadDataset, sent: UploadDataset): boolean {
  const time = (value: unknown): number => (typeof value === "string" || value instanceof Date ? new Date(value).getTime() : NaN);
  return (
    listed.sourceFolder === sent.sourceFolder &&
    listed.ownerGroup === sent.ownerGroup &&
    (listed.datasetName ?? null) === (sent.datasetName ?? null) &&
    time(listed.creationTime) === time(sent.creationTime)
  );
}

/** The error for a dataset that SciCat did create, though its answer was lost or failed; its files are kept. */
function createdWithoutBlocks(error: ScicatCommError, state: PartialUploadState & { pid: string }, datablocks: number): PartialUploadError {
  const uploaded = state.uploadedFiles.length;
  const kept = uploaded === 0 ? "" : ` Its ${uploaded} new data files were kept in '${state.sourceFolder}' on the file server.`;
  const its = datablocks === 1 ? "Its datablock was" : `Its ${datablocks} datablocks were`;
  const blocks = datablocks === 0 ? "" : ` ${its} not created, so SciCat does not list its files yet; ask a SciCat admin to add them.`;
  return new PartialUploadError(
    `${error.message}\nSciCat did create the dataset nonetheless: it lists it as ${state.pid}.${kept}${blocks} ` +
      "Do not upload it again, which would create a second dataset.",
    state,
    { cause: error },
  );
}

/** The error for a dataset that SciCat may or may not have created; its files are kept. */
function unknownOutcome(
  error: ScicatCommError,
  state: PartialUploadState,
  pending: { datablocks: number; attachments: number },
): PartialUploadError {
  const uploaded = state.uploadedFiles.length;
  const kept =
    uploaded === 0
      ? " Nothing was written to the file server."
      : ` Its ${uploaded} new data files were kept in '${state.sourceFolder}' on the file server.`;
  const missing = [pending.datablocks > 0 ? "its datablocks" : "", pending.attachments > 0 ? "its attachments" : ""]
    .filter((m) => m !== "")
    .join(" and ");
  const ifThere = missing === "" ? "the upload worked" : `the upload worked apart from ${missing}, which a SciCat admin can add`;
  // Only files this upload wrote may be removed; anything else in the folder is not ours.
  const ifNot = uploaded === 0 ? "upload again" : "remove those files and upload again";
  return new PartialUploadError(
    `${error.message}\nIt is not known whether SciCat created the dataset.${kept} Look for a dataset with ` +
      `sourceFolder '${state.sourceFolder}' in SciCat: if there is one, ${ifThere}; if there is none, ${ifNot}.`,
    state,
    { cause: error },
  );
}

/**
 * Local files to upload, after checking that each has one clear place inside the source folder.
 * @internal Shared by the upload and its dry run ({@link Client.checkUpload}).
 */
export function filesToUpload(dataset: Dataset, sourceFolder: RemotePath, withTransfer: boolean): File[] {
  // Dataset.addFiles rejects duplicates, but files added through a datablock directly bypass it.
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const f of dataset.files) {
    const key = f.remotePath.resolve().posix;
    if (seen.has(key)) duplicates.add(f.remotePath.posix);
    seen.add(key);
  }
  if (duplicates.size > 0) {
    throw new RangeError(
      `Refusing to upload: more than one file has the remote path ${listSome([...duplicates].map((p) => `'${p}'`))}. ` +
        "Each file needs its own remote path; rename one, or give them different folders with basePath.",
    );
  }
  const both = dataset.files.filter((f) => f.isOnLocal && f.isOnRemote);
  if (both.length > 0) {
    throw new RangeError(
      `Refusing to upload ${listSome(both.map((f) => `'${f.remotePath.posix}'`))}: the file is both local and ` +
        "remote, and it is unclear which copy to use. To upload the local copy as a new file, make a new File " +
        "with File.fromLocal.",
    );
  }
  const local = dataset.files.filter((f) => f.isOnLocal);
  if (withTransfer) {
    const outside = local.filter(
      (f) => targetInFolder(sourceFolder, f.remotePath) === null,
    );
    if (outside.length > 0) {
      throw new RangeError(
        `Refusing to upload files that would be placed outside of the source folder '${sourceFolder.posix}': ` +
          listSome(outside.map((f) => `'${f.remotePath.posix}'`)) +
          ". Remote paths must be relative and must not leave the folder with '..'.",
      );
    }
  }
  return local;
}

function selector(select: FileSelector): (file: File) => boolean {
  if (select === true) return () => true;
  if (select === false) return () => false;
  if (typeof select === "string") return (f) => f.remotePath.posix === select;
  if (select instanceof RegExp) {
    // `g` and `y` make test() stateful or anchored; a selector searches anywhere in the path, every time.
    const pattern = new RegExp(select.source, select.flags.replace(/[gy]/g, ""));
    return (f) => pattern.test(f.remotePath.posix);
  }
  if (typeof select === "function") return select;
  if (Array.isArray(select)) {
    const wanted = new Set(select);
    return (f) => wanted.has(f.remotePath.posix);
  }
  throw new TypeError("select must be true, false, a remote path, an array of them, a RegExp or a function.");
}

/** Where a remote file goes below `target`; never outside it. */
function localPathIn(target: string, remotePath: RemotePath): string {
  const resolved = remotePath.resolve();
  if (resolved.isAbsolute() || resolved.posix === ".." || resolved.posix.startsWith("../")) {
    throw new RangeError(
      `Refusing to download '${remotePath.posix}': its remote path would place it outside the target folder '${target}'.`,
    );
  }
  return path.join(target, resolved.toLocal());
}

async function existsAndUpToDate(file: File): Promise<boolean> {
  // Checked first so that a missing copy is simply downloaded, without checksum warnings.
  if (!existsSync(file.localPath as string)) return false;
  return file.localIsUpToDate();
}

