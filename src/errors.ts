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
}

/** SciCat answered with an error, or could not be reached. */
export class ScicatCommError extends ScitaceanError {
  override name = "ScicatCommError";
  /** HTTP status of SciCat's answer, or `null` if SciCat did not answer. */
  readonly status: number | null;
  /** The operation that failed, or `null` if unknown. */
  readonly operation: string | null;
  /** The URL that was called, or `null` if unknown. */
  readonly url: string | null;
  /** SciCat's explanation of the error, or `null` if it gave none. */
  readonly serverMessage: string | null;
  constructor(message: string, options: ScicatCommErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status ?? null;
    this.operation = options.operation ?? null;
    this.url = options.url ?? null;
    this.serverMessage = options.serverMessage ?? null;
  }
}

/** Logging in to SciCat failed. */
export class ScicatLoginError extends ScitaceanError {
  override name = "ScicatLoginError";
}

/** A file's checksum does not match the one stored in SciCat. */
export class IntegrityError extends ScitaceanError {
  override name = "IntegrityError";
}

/** A file could not be uploaded to the file server. */
export class FileUploadError extends ScitaceanError {
  override name = "FileUploadError";
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
  override name = "ValidationError";
  readonly issues: readonly ValidationIssue[];
  constructor(what: string, issues: readonly ValidationIssue[]) {
    const lines = issues.map((i) => `  ${i.field}: ${i.message}`);
    super(`${what} is not valid (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${lines.join("\n")}`);
    this.issues = issues;
  }
}

/**
 * An upload got part of the way: the dataset exists in SciCat, but a later
 * step failed. The message says exactly what exists and what is missing,
 * because regular users cannot delete datasets from SciCat.
 */
export class PartialUploadError extends ScitaceanError {
  override name = "PartialUploadError";
  /** PID of the dataset that was created. */
  readonly pid: string;
  constructor(message: string, pid: string, options?: { cause?: unknown }) {
    super(message, options);
    this.pid = pid;
  }
}

/**
 * Files (or the folder holding them) cannot be reached with this transfer,
 * e.g. the file server is not mounted here, a file is missing, or the SFTP
 * server cannot be reached or refuses the login. The message says which.
 */
export class FileNotAccessibleError extends ScitaceanError {
  override name = "FileNotAccessibleError";
  /** The remote path concerned, if there is one. */
  readonly remotePath: RemotePath | null;
  constructor(message: string, options: { remotePath?: RemotePath | null; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.remotePath = options.remotePath ?? null;
  }
}
