/**
 * {@link SelectFileTransfer}: uses the first of several transfers that can
 * connect, e.g. links where the file server is mounted and SFTP elsewhere.
 */
import type { Dataset } from "../model/dataset";
import type { RemotePath } from "../values/remote-path";
import { FileNotAccessibleError, ScitaceanError } from "../errors";
import { sourceFolderFor } from "./source-folder";
import type { DownloadConnection, FileTransfer, UploadConnection } from "./types";

/** Options of {@link SelectFileTransfer}. */
export interface SelectFileTransferOptions {
  /**
   * Source folder template for uploads; the children's own templates are not
   * used. Without it, the dataset's `sourceFolder` is used.
   */
  sourceFolder?: string | RemotePath | null;
}

/** Errors that mean a mistake in code or arguments, which the next child would make as well. */
const MISTAKES = [TypeError, ReferenceError, SyntaxError, RangeError];

/**
 * Whether a child's error means "this transfer cannot be used here" (not
 * mounted, cannot upload, login refused, connection refused, …) rather than a
 * mistake in the code or its arguments (as 26.6 falls back on RuntimeError
 * but not on TypeError or ValueError).
 */
function isUnavailable(error: unknown): boolean {
  if (error instanceof ScitaceanError) return true;
  if (MISTAKES.some((kind) => error instanceof kind)) return false;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return !(typeof code === "string" && code.startsWith("ERR_INVALID_ARG"));
}

function describe(child: FileTransfer): string {
  const text = String(child);
  return text === "[object Object]" ? child.constructor.name : text;
}

/**
 * Tries its child transfers in order and uses the first one that connects.
 * A child that cannot be used here (e.g. the file server is not mounted, the
 * transfer cannot upload, or a file to download is not reachable through it)
 * is skipped; other errors, and every error after a child has connected, are
 * final. If no child connects, the error lists each child's reason.
 *
 * @example
 * // Links where the file server is mounted, copies for uploads there, SFTP elsewhere.
 * new SelectFileTransfer([
 *   new LinkFileTransfer(),
 *   new LocalFileTransfer(),
 *   new SFTPFileTransfer({ host: "login.esss.dk" }),
 * ]);
 */
export class SelectFileTransfer implements FileTransfer {
  /** The transfers to try, in order. */
  readonly children: readonly FileTransfer[];
  readonly #sourceFolder: string | RemotePath | null;

  constructor(children: Iterable<FileTransfer>, options: SelectFileTransferOptions = {}) {
    this.children = [...children];
    if (this.children.length === 0) {
      throw new RangeError("SelectFileTransfer needs at least one child transfer.");
    }
    this.#sourceFolder = options.sourceFolder ?? null;
  }

  sourceFolderFor(dataset: Dataset): RemotePath {
    return sourceFolderFor(dataset, this.#sourceFolder);
  }

  connectForUpload(dataset: Dataset, sourceFolder: RemotePath): Promise<UploadConnection> {
    return this.#first("upload", (child) => child.connectForUpload(dataset, sourceFolder));
  }

  connectForDownload(dataset: Dataset, representativeFile?: RemotePath): Promise<DownloadConnection> {
    return this.#first("download", (child) => child.connectForDownload(dataset, representativeFile));
  }

  async #first<C>(what: "upload" | "download", connect: (child: FileTransfer) => Promise<C>): Promise<C> {
    const reasons: string[] = [];
    const errors: unknown[] = [];
    for (const child of this.children) {
      try {
        return await connect(child);
      } catch (error) {
        // Only "cannot work here" falls back; a mistake in the arguments or the code would fail every child alike.
        if (!isUnavailable(error)) throw error;
        errors.push(error);
        reasons.push(`  ${describe(child)}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    throw new FileNotAccessibleError(
      `Unable to ${what} files for the dataset: no suitable file transfer available. Each one failed:\n` +
        reasons.join("\n"),
      { cause: new AggregateError(errors, `All ${this.children.length} file transfers failed`) },
    );
  }

  toString(): string {
    return `SelectFileTransfer([${this.children.map(describe).join(", ")}])`;
  }
}
