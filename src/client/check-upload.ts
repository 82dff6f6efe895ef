/**
 * The dry run of `Client.uploadNewDatasetNow`: every step of the upload is
 * checked in its order, and nothing is created in SciCat or left on the file
 * server. Problems are collected into an {@link UploadCheck}, not thrown.
 */
import { ScicatCommError, ValidationError } from "../errors";
import type { ScicatVerdict, UploadCheckFile, UploadProblem, UploadProblemKind } from "../html/upload-report";
import type { Dataset } from "../model/dataset";
import type { File } from "../model/file";
import type { UploadOrigDatablock } from "../model/wire";
import type { RemotePath } from "../values/remote-path";
import { targetInFolder } from "../transfer/source-folder";
import type { FileTransfer, UploadConnection, UploadServerCheck } from "../transfer/types";
import { UploadCheck } from "./check-upload-report";
import { filesToUpload, ProgressTracker, type TransferProgressEvent } from "./client";
import type { ScicatClient } from "./scicat-client";

/** Steps of an upload check, in order. */
export type UploadCheckPhase = "validating" | "checking-server" | "hashing" | "done";

/** Options of {@link Client.checkUpload}. */
export interface CheckUploadOptions {
  /** Also compute the checksums the upload would record (reads every file once). Default `false`. */
  checksums?: boolean;
  /**
   * Also write and time a probe of up to 8 MiB on the file server (twice,
   * keeping the faster; removed again), to estimate how long the upload of
   * the files takes. A rough guide: one short sample of a shared link. Default `false`.
   */
  measure?: boolean;
  /** Called as the check goes; the `hashing` phase counts bytes of files hashed. */
  onProgress?: (progress: TransferProgressEvent<UploadCheckPhase>) => void;
  /** Stops the check; what it wrote on the file server is removed first. */
  signal?: AbortSignal;
}

/** Bounds of the timed probe of `measure`: large enough to see the bandwidth, small enough to stay short. */
const MEASURE_MIN = 1024 * 1024;
const MEASURE_MAX = 8 * 1024 * 1024;

/**
 * Errors that mean a mistake in the code rather than a problem of this
 * dataset, server or connection: those are thrown, everything else reported.
 */
function isProgrammingError(error: unknown): boolean {
  return error instanceof TypeError || error instanceof ReferenceError || error instanceof SyntaxError;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describe(transfer: FileTransfer): string {
  const text = String(transfer);
  return text === "[object Object]" ? transfer.constructor.name : text;
}

/** The parts of a client that the check uses. */
interface Parts {
  readonly scicat: ScicatClient;
  readonly fileTransfer: FileTransfer | null;
}

/** Collects problems; throws what is a programming error or an abort. */
class Findings {
  readonly problems: UploadProblem[] = [];
  readonly notes: string[] = [];
  constructor(private readonly signal: AbortSignal | undefined) {}

  add(kind: UploadProblemKind, subject: string, message: string): void {
    this.problems.push({ kind, subject, message });
  }

  /** Runs `step`; a failure becomes a problem (via `onError`), and the result `null`. */
  async attempt<T>(step: () => Promise<T> | T, onError: (error: unknown) => void): Promise<T | null> {
    try {
      return await step();
    } catch (error) {
      if (isProgrammingError(error) || this.signal?.aborted) throw error;
      onError(error);
      return null;
    }
  }
}

/**
 * Checks everything {@link Client.uploadNewDatasetNow} would do with
 * `dataset`, in its order, and returns what it found. See
 * {@link Client.checkUpload}.
 */
export async function checkUpload(parts: Parts, dataset: Dataset, options: CheckUploadOptions = {}): Promise<UploadCheck> {
  const { signal } = options;
  signal?.throwIfAborted();
  const found = new Findings(signal);
  const transfer = parts.fileTransfer;
  const progress = new ProgressTracker<UploadCheckPhase>(new Map(), options.onProgress);
  progress.phase("validating");

  // 1. The source folder, fixed once as the upload does.
  const sourceFolder = await found.attempt(
    () => sourceFolderOf(dataset, transfer, found),
    (error) => found.add("source-folder", "sourceFolder", messageOf(error)),
  );
  const toUpload = sourceFolder === null ? dataset : dataset.replace({ sourceFolder });

  // 2. The files: which are uploaded, where to, and whether they can be read here.
  const files = sourceFolder === null ? [] : await planFiles(toUpload, sourceFolder, transfer !== null, found);

  // 3. The dataset and its attachments, here and then by SciCat.
  for (const issue of toUpload.validationIssues()) found.add("field", issue.field, issue.message);
  const attachments =
    (await found.attempt(
      () => toUpload.makeAttachmentUploadModels(),
      (error) => {
        if (error instanceof ValidationError) {
          for (const issue of error.issues) found.add("attachment", `attachments: ${issue.field}`, issue.message);
        } else {
          found.add("attachment", "attachments", messageOf(error));
        }
      },
    )) ?? [];
  const scicat = await askScicat(parts.scicat, toUpload, files, found);
  signal?.throwIfAborted();

  // 4. The file server: targets, folders, a probe, and optionally a timed probe.
  // What the server is asked about: the files that can be read and have a place in the folder.
  const readable = files.filter((f) => f.size !== null && f.target !== null).map((f) => f.file);
  const totalSize = files.reduce((sum, f) => sum + (f.size ?? 0), 0);
  progress.phase("checking-server");
  const server =
    sourceFolder === null ? null : await checkServer(transfer, toUpload, sourceFolder, readable, totalSize, options, found);

  // 5. The datablocks, by the function the upload uses; with checksums if asked for.
  let datablocks: UploadOrigDatablock[] = [];
  if (files.every((f) => f.size !== null)) {
    const toHash = new Map(options.checksums ? readable.map((f) => [f.remotePath.posix, f.size] as const) : []);
    const hashing = new ProgressTracker<UploadCheckPhase>(toHash, options.onProgress);
    const onHashed = hashing.fileProgress("hashing");
    if (options.checksums) hashing.phase("hashing");
    datablocks =
      (await found.attempt(
        () =>
          toUpload.makeDatablockUploadModels({
            checksums: options.checksums === true,
            onProgress: (file, bytesDone) => {
              if (toHash.has(file.remotePath.posix)) onHashed({ remotePath: file.remotePath, bytesDone, bytesTotal: file.size });
            },
            ...(signal ? { signal } : {}),
          }),
        (error) => found.add("checksum", "files", `Cannot compute the checksums: ${messageOf(error)}`),
      )) ?? [];
  } else {
    found.notes.push("The datablocks are not shown, because some files cannot be read.");
  }
  const checksums = new Map(datablocks.flatMap((b) => b.dataFileList.map((f) => [f.path, f.chk ?? null] as const)));

  // By position in `readable`, the order the server check answers in (a Map, so that 100,000 files stay quick).
  const position = new Map(readable.map((file, i) => [file, i]));
  const fileRows: UploadCheckFile[] = files.map((f) => {
    const at = position.get(f.file);
    const onServer = at === undefined ? undefined : server?.files[at];
    return {
      localPath: f.file.localPath,
      remotePath: f.file.remotePath.posix,
      target: onServer?.target ?? f.target?.posix ?? null,
      size: f.size,
      exists: onServer?.exists ?? null,
      checksum: options.checksums ? (checksums.get(f.file.remotePath.posix) ?? null) : null,
    };
  });

  const measured = server?.measured ?? null;
  let estimatedSeconds: number | null = null;
  let measuredRate: number | null = null;
  if (measured !== null) {
    // The small probe's time is what a file costs apart from its bytes (open, close, check).
    measuredRate = measured.bytes / Math.max(measured.seconds - measured.perFileSeconds, 1e-6);
    estimatedSeconds = readable.length * measured.perFileSeconds + totalSize / measuredRate;
  } else if (options.measure && server !== null) {
    found.notes.push("The upload time was not measured: the probe could not be written.");
  }
  found.notes.push(
    scicat === "valid" || scicat === "refused"
      ? "Nothing was created in SciCat: it was only asked whether it would accept the dataset (POST datasets/isValid)."
      : "Nothing was sent to SciCat to create.",
  );
  progress.phase("done");
  return new UploadCheck({
    problems: found.problems,
    notes: found.notes,
    scicat,
    sourceFolder: sourceFolder?.posix ?? null,
    fileServer: server?.server ?? null,
    folders: server?.folders ?? [],
    files: fileRows,
    datablocks,
    attachments,
    totalSize,
    estimatedSeconds,
    measuredRate,
    probes: server?.probes ?? [],
    leftOver: server?.leftOver ?? [],
  });
}

/** The upload's source folder; notes when the transfer's template makes a new one every time. */
function sourceFolderOf(dataset: Dataset, transfer: FileTransfer | null, found: Findings): RemotePath | null {
  const folder = transfer ? transfer.sourceFolderFor(dataset) : dataset.sourceFolder;
  if (folder === null) {
    found.add(
      "source-folder",
      "sourceFolder",
      "Cannot determine the source folder: the dataset's sourceFolder is not set and there is no file transfer. " +
        "Set dataset.sourceFolder.",
    );
    return null;
  }
  if (transfer && transfer.sourceFolderFor(dataset).posix !== folder.posix) {
    found.notes.push(
      `The file transfer makes a new source folder for every upload (a template with {uid}): the upload will use ` +
        `another folder next to '${folder.posix}', checked here in its place.`,
    );
  }
  return folder;
}

interface PlannedFile {
  readonly file: File;
  readonly target: RemotePath | null;
  /** `null` if the local file cannot be read. */
  readonly size: number | null;
}

/** The files the upload would send, with the upload's own checks, reported instead of thrown. */
async function planFiles(dataset: Dataset, sourceFolder: RemotePath, withTransfer: boolean, found: Findings): Promise<PlannedFile[]> {
  const listed = await found.attempt(
    () => filesToUpload(dataset, sourceFolder, withTransfer),
    (error) => found.add("file", "files", messageOf(error)),
  );
  // Once the upload's check has refused the list, the files that have a place still go through the other checks.
  const files = listed ?? dataset.files.filter((f) => f.isOnLocal && !f.isOnRemote);
  const planned: PlannedFile[] = [];
  for (const file of files) {
    const target = targetInFolder(sourceFolder, file.remotePath);
    let size: number | null = null;
    try {
      size = file.size;
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "it does not exist" : messageOf(error);
      found.add("file", file.localPath ?? file.remotePath.posix, `Cannot upload the local file '${file.localPath}': ${reason}. Check the path.`);
    }
    planned.push({ file, target, size });
  }
  return planned;
}

/** SciCat's `isValid` answer, asked only for a dataset that is valid here (as the upload does). */
async function askScicat(scicat: ScicatClient, dataset: Dataset, files: readonly PlannedFile[], found: Findings): Promise<ScicatVerdict> {
  if (found.problems.some((p) => p.kind === "field")) {
    found.notes.push("SciCat was not asked: the dataset is not valid here yet (fix the fields above first).");
    return "not asked";
  }
  if (files.some((f) => f.size === null)) {
    found.notes.push("SciCat was not asked: the dataset's size needs every file to be readable.");
    return "not asked";
  }
  let verdict: ScicatVerdict = "valid";
  await found.attempt(
    () => scicat.validateDatasetModel(dataset.makeUploadModel()),
    (error) => {
      if (error instanceof ValidationError) {
        verdict = "refused";
        for (const issue of error.issues) found.add("scicat-refused", issue.field, `SciCat: ${issue.message}`);
      } else if (error instanceof ScicatCommError && (error.status === null || error.outcomeUnknown)) {
        verdict = "unreachable";
        found.add("scicat-unreachable", "SciCat", error.message);
      } else {
        verdict = "refused";
        found.add("scicat-refused", "SciCat", messageOf(error));
      }
    },
  );
  return verdict;
}

/** Connects as the upload would and lets the transfer check the server; `null` if it was not contacted. */
async function checkServer(
  transfer: FileTransfer | null,
  dataset: Dataset,
  sourceFolder: RemotePath,
  files: readonly File[],
  totalSize: number,
  options: CheckUploadOptions,
  found: Findings,
): Promise<UploadServerCheck | null> {
  if (files.length === 0) {
    found.notes.push("There are no files to upload, so the file server was not contacted (the upload does not either).");
    return null;
  }
  if (transfer === null) {
    found.add(
      "no-transfer",
      "fileTransfer",
      "Cannot upload files because no file transfer is set. Give one (fileTransfer) when making the client.",
    );
    return null;
  }
  const name = describe(transfer);
  const connection: UploadConnection | null = await found.attempt(
    () => transfer.connectForUpload(dataset, sourceFolder),
    (error) => found.add("file-server", name, messageOf(error)),
  );
  if (connection === null) return null;
  let result: UploadServerCheck | null = null;
  try {
    if (connection.checkUpload === undefined) {
      found.notes.push(
        `${name} cannot check the file server without uploading: whether files exist there and whether the ` +
          "folder may be written were not checked.",
      );
      return null;
    }
    const measureBytes = options.measure ? Math.min(Math.max(totalSize, MEASURE_MIN), MEASURE_MAX) : 0;
    const check = connection.checkUpload.bind(connection);
    result = await found.attempt(
      () => check(files, { measureBytes, ...(options.signal ? { signal: options.signal } : {}) }),
      (error) => found.add("file-server", name, `Checking the file server failed: ${messageOf(error)}`),
    );
  } finally {
    await connection.close().catch(() => undefined);
  }
  if (result === null) return null;
  const left = new Set(result.leftOver);
  for (const file of result.files) {
    if (!file.exists) continue;
    found.add(
      "file-exists",
      file.target,
      `A file already exists at '${file.target}' on ${result.server}, and files are never overwritten: the upload ` +
        "would be refused. Upload to a new source folder (for example a sourceFolder template with {uid}), or " +
        "remove the existing file if it is not needed.",
    );
  }
  for (const folder of result.folders) if (folder.problem !== null) found.add("not-writable", folder.path, folder.problem);
  for (const path of result.leftOver) {
    found.add(
      "left-over",
      path,
      `The check wrote '${path}' on ${result.server} and could not remove it again; please remove it by hand. ` +
        "An upload here could not remove its files either if it failed.",
    );
  }
  const created = result.createdFolders.map((f) => `'${f}'`);
  if (result.probes.length > 0) {
    const removed = result.probes.filter((p) => !left.has(p));
    found.notes.push(
      `Write access was checked for real on ${result.server}: ${removed.length} of ${result.probes.length} probe files ` +
        `were written and removed again (${result.probes.map((p) => `'${p}'`).join(", ")})` +
        (created.length > 0 ? `, in the folders ${created.join(", ")}, which were created for it and removed again.` : "."),
    );
  }
  return { ...result, server: `${result.server} (${name})` };
}
