/**
 * The contract between the client and file transfers. A transfer moves bytes
 * between this machine and the file server; the client decides what to move
 * and keeps SciCat in step.
 */
import type { Dataset } from "../model/dataset";
import type { File } from "../model/file";
import type { RemotePath } from "../values/remote-path";

/** Progress of one file within a transfer. */
export interface FileProgress {
  /** Remote path of the file: relative to the source folder on upload, the full path on download. */
  readonly remotePath: RemotePath;
  /** Bytes of this file transferred so far. */
  readonly bytesDone: number;
  /** Size of this file in bytes. */
  readonly bytesTotal: number;
}

/** Options every transfer operation accepts. */
export interface TransferOptions {
  /** Called as bytes move; may be called often, so keep it cheap. */
  onProgress?: (progress: FileProgress) => void;
  /** Cancels the operation; what was already transferred in it is removed. */
  signal?: AbortSignal;
}

/** An open connection for uploading the files of one dataset. */
export interface UploadConnection {
  /** The folder the files go to. */
  readonly sourceFolder: RemotePath;
  /**
   * Uploads local files to `sourceFolder/file.remotePath` and returns them
   * marked as uploaded. Refuses to overwrite an existing remote file. If any
   * file fails, the files uploaded by this call are removed again.
   */
  uploadFiles(files: readonly File[], options?: TransferOptions): Promise<File[]>;
  /** Removes uploaded files, and the source folder if it is then empty. */
  revertUpload(files: readonly File[]): Promise<void>;
  /**
   * Optional: checks what {@link UploadConnection.uploadFiles} would do with
   * `files` without leaving anything on the server (see {@link UploadServerCheck}).
   * Transfers without it are reported as "not checked" by `Client.checkUpload`.
   */
  checkUpload?(files: readonly File[], options?: UploadServerCheckOptions): Promise<UploadServerCheck>;
  /** Closes the connection. */
  close(): Promise<void>;
}

/** Options of {@link UploadConnection.checkUpload}. */
export interface UploadServerCheckOptions {
  /**
   * Also write a probe of this many bytes and time it, to estimate the upload
   * time; `0` or absent for none.
   */
  measureBytes?: number;
  /** Stops the check; what it wrote so far is removed. */
  signal?: AbortSignal;
}

/** How a folder of an upload fared in {@link UploadConnection.checkUpload}. */
export interface FolderCheck {
  /** Full remote path of the folder. */
  readonly path: string;
  /** Whether the folder existed before the check (it is created by the check, and removed again, if not). */
  readonly existed: boolean;
  /** Whether a probe file could be created in it; `false` with the reason in `problem`. */
  readonly writable: boolean;
  /** Why the folder cannot be created or written, or `null`. */
  readonly problem: string | null;
}

/** A timed probe write (see {@link UploadServerCheckOptions.measureBytes}). */
export interface MeasuredWrite {
  /** Bytes of the larger probe. */
  readonly bytes: number;
  /** Seconds it took to write, close and check it. */
  readonly seconds: number;
  /** Seconds the small probe took: what every file costs besides its bytes. */
  readonly perFileSeconds: number;
}

/**
 * What a transfer found on the file server for a planned upload, having
 * created missing folders, written a small probe file in each folder that
 * already existed or was created, and removed all of it again.
 */
export interface UploadServerCheck {
  /** Names the server, e.g. `SFTP host 'login.esss.dk:22'`. */
  readonly server: string;
  /** Per file, in the order given: the full remote path, and whether something already exists there. */
  readonly files: readonly {
    /** The full remote path the file would be written to. */
    readonly target: string;
    /** Whether something already exists there (an upload would refuse it). */
    readonly exists: boolean;
  }[];
  /** The source folder and every folder below it that files go into, parents first. */
  readonly folders: readonly FolderCheck[];
  /** Folders the check created for its probes, parents first (all removed again unless listed in `leftOver`). */
  readonly createdFolders: readonly string[];
  /** Full remote paths of the probe files that were written (all removed again unless listed in `leftOver`). */
  readonly probes: readonly string[];
  /** What the check wrote and could not remove: probe files and folders it created. Empty normally. */
  readonly leftOver: readonly string[];
  /** The timed probe, if one was asked for and could be written. */
  readonly measured: MeasuredWrite | null;
}

/** What a download wrote. */
export interface DownloadedFile {
  /** The local path written (as given). */
  readonly local: string;
  /** Size of the downloaded file in bytes. */
  readonly size: number;
  /** Checksum computed from the bytes as they streamed past, if one was asked for; otherwise `null`. */
  readonly checksum: string | null;
}

/**
 * Download options. Besides progress and cancellation, a transfer can
 * compute checksums while the bytes stream past, which spares reading each
 * file again to check it.
 */
export interface TransferDownloadOptions extends TransferOptions {
  /** Checksum algorithm per file (same order as `remote`); `null` for none. */
  checksumAlgorithms?: readonly (string | null)[];
}

/** An open connection for downloading files. */
export interface DownloadConnection {
  /**
   * Downloads `remote[i]` to `local[i]` (parent folders of `local` already
   * exist) and says what was written. A partly written file is removed.
   */
  downloadFiles(
    files: { remote: readonly RemotePath[]; local: readonly string[] },
    options?: TransferDownloadOptions,
  ): Promise<DownloadedFile[]>;
  /** Closes the connection. */
  close(): Promise<void>;
}

/** Uploads the files of datasets. */
export interface Uploader {
  /**
   * The folder the files of `dataset` go to: the transfer's own template if it
   * has one, else the dataset's `sourceFolder`. The client calls this once per
   * upload and records the result in the dataset.
   */
  sourceFolderFor(dataset: Dataset): RemotePath;
  /** Opens a connection that uploads into `sourceFolder`. */
  connectForUpload(dataset: Dataset, sourceFolder: RemotePath): Promise<UploadConnection>;
}

/** Downloads the files of datasets. */
export interface Downloader {
  /**
   * Opens a connection for downloading files of `dataset`.
   * `representativeFile` (a full remote path) is one of the files to come:
   * transfers that can cheaply check that it is reachable do so here, so
   * that a `SelectFileTransfer` can still fall back to another one.
   */
  connectForDownload(dataset: Dataset, representativeFile?: RemotePath): Promise<DownloadConnection>;
}

/** A file transfer can do both. */
export interface FileTransfer extends Uploader, Downloader {}
