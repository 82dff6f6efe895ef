import { boundList } from "./values/bounded";
import type { RemotePath } from "./values/remote-path";

/**
 * Error classes raised by scitacean-ts.
 *
 * Every class extends {@link ScitaceanError} so that notebook code can catch
 * "anything this library raised" with one `instanceof` check, while still
 * telling communication, integrity and upload problems apart.
 */

/** Base class of every error raised on purpose by scitacean-ts. */
export class ScitaceanError extends Error {
  /** The class name, which stack traces and logs show. */
  override name = "ScitaceanError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Details of a failed SciCat call, all optional so that any code can raise the error. */
export interface ScicatCommErrorOptions {
  cause?: unknown;
  /** HTTP status of SciCat's answer; absent when there was no answer (timeout, unreachable). */
  status?: number;
  /** The ScicatClient operation that failed, e.g. `"createDatasetModel"`. */
  operation?: string;
  /** The URL that was called (never with credentials). */
  url?: string;
  /** SciCat's own explanation, parsed from its error body. */
  serverMessage?: string;
  /** It is not known whether the request took effect; see {@link ScicatCommError.outcomeUnknown}. */
  outcomeUnknown?: boolean;
}

/** SciCat answered with an error, or could not be reached. */
export class ScicatCommError extends ScitaceanError {
  /** The class name, which stack traces and logs show. */
  override name = "ScicatCommError";
  /** HTTP status of SciCat's answer, or `null` if SciCat did not answer. */
  readonly status: number | null;
  /** The operation that failed, or `null` if unknown. */
  readonly operation: string | null;
  /** The URL that was called, or `null` if unknown. */
  readonly url: string | null;
  /** SciCat's explanation of the error, or `null` if it gave none. */
  readonly serverMessage: string | null;
  /**
   * `true` when SciCat may have carried out the request although this error
   * was raised: no answer came (timeout, dropped connection), a gateway gave
   * up waiting (502, 504), or SciCat reported success with an answer that
   * could not be read. For a request that creates something, only looking in
   * SciCat tells whether it exists. `false` when SciCat refused the request
   * or could not be reached at all. A 500 counts as a refusal: it is how
   * SciCat reports its own failures, after which nothing was stored.
   */
  readonly outcomeUnknown: boolean;
  constructor(message: string, options: ScicatCommErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status ?? null;
    this.operation = options.operation ?? null;
    this.url = options.url ?? null;
    this.serverMessage = options.serverMessage ?? null;
    this.outcomeUnknown = options.outcomeUnknown ?? false;
  }
}

/** Logging in to SciCat failed. */
export class ScicatLoginError extends ScitaceanError {
  /** The class name, which stack traces and logs show. */
  override name = "ScicatLoginError";
}

/** A file's checksum does not match the one stored in SciCat. */
export class IntegrityError extends ScitaceanError {
  /** The class name, which stack traces and logs show. */
  override name = "IntegrityError";
}

/**
 * A file could not be uploaded to the file server, or an upload could not be
 * removed again. When a transfer fails and cannot remove what it wrote, the
 * files left behind are in {@link FileUploadError.leftOver}.
 */
export class FileUploadError extends ScitaceanError {
  /** The class name, which stack traces and logs show. */
  override name = "FileUploadError";
  /** Full remote paths of files this upload wrote and could not remove; empty if none are left. */
  readonly leftOver: readonly string[];
  constructor(message: string, options: { leftOver?: readonly string[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.leftOver = options.leftOver ?? [];
  }
}

/** One problem found by validation, tied to the field it concerns. */
export interface ValidationIssue {
  /** TypeScript name of the field (`ownerGroup`), or a dotted path for nested values. */
  readonly field: string;
  /** What is wrong and, where possible, what to do about it. */
  readonly message: string;
}

/**
 * A dataset (or another model) is not valid for upload.
 *
 * The message lists every problem; {@link ValidationError.issues} has them
 * one by one so that tables and widgets can highlight the fields concerned.
 */
export class ValidationError extends ScitaceanError {
  /** The class name, which stack traces and logs show. */
  override name = "ValidationError";
  /** Every problem found, one per field and check. */
  readonly issues: readonly ValidationIssue[];
  constructor(what: string, issues: readonly ValidationIssue[]) {
    // All issues stay in `issues`; the message names the first ones, so that it stays readable.
    const lines = boundList(issues.map((i) => `${i.field}: ${i.message}`)).map((line) => `  ${line}`);
    super(`${what} is not valid (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${lines.join("\n")}`);
    this.issues = issues;
  }
}

/** What a {@link PartialUploadError} left behind. */
export interface PartialUploadState {
  /**
   * PID of the dataset SciCat created, or `null` if there is none from this
   * upload or it is not known whether SciCat created one (the message says which).
   */
  readonly pid: string | null;
  /** The dataset's folder on the file server. */
  readonly sourceFolder: string;
  /** Full remote paths of the data files that are on the file server. */
  readonly uploadedFiles: readonly string[];
}

/**
 * An upload stopped part of the way and left behind what it could not undo:
 * a dataset in SciCat, files on the file server, or both. Regular users
 * cannot delete datasets from SciCat, so the message and the fields say
 * exactly what exists and what to do about it.
 */
export class PartialUploadError extends ScitaceanError implements PartialUploadState {
  /** The class name, which stack traces and logs show. */
  override name = "PartialUploadError";
  readonly pid: string | null;
  readonly sourceFolder: string;
  readonly uploadedFiles: readonly string[];
  constructor(message: string, state: PartialUploadState, options?: { cause?: unknown }) {
    super(message, options);
    this.pid = state.pid;
    this.sourceFolder = state.sourceFolder;
    this.uploadedFiles = state.uploadedFiles;
  }
}

/**
 * Files (or the folder holding them) cannot be reached with this transfer,
 * e.g. the file server is not mounted here, a file is missing, or the SFTP
 * server cannot be reached or refuses the login. The message says which.
 */
export class FileNotAccessibleError extends ScitaceanError {
  /** The class name, which stack traces and logs show. */
  override name = "FileNotAccessibleError";
  /** The remote path concerned, if there is one. */
  readonly remotePath: RemotePath | null;
  constructor(message: string, options: { remotePath?: RemotePath | null; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.remotePath = options.remotePath ?? null;
  }
}
