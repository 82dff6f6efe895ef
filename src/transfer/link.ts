/**
 * {@link LinkFileTransfer}: "downloads" by making symbolic links to the files
 * on a file server mounted on this machine. Nothing is copied.
 */
import { rm, symlink } from "node:fs/promises";
import * as path from "node:path";
import { FileUploadError } from "../errors";
import { logger } from "../logging";
import type { Dataset } from "../model/dataset";
import type { RemotePath } from "../values/remote-path";
import { downloadEach } from "./download-each";
import { requireLocalRemoteFile, requireLocalSourceFolder } from "./local";
import { sourceFolderFor } from "./source-folder";
import type { DownloadConnection, DownloadedFile, FileTransfer, TransferOptions, UploadConnection } from "./types";

/** Options of {@link LinkFileTransfer}. */
export interface LinkFileTransferOptions {
  /** Source folder template, as for the other transfers; only used by `sourceFolderFor`. */
  sourceFolder?: string | RemotePath | null;
}

/**
 * Gives access to a dataset's files by symbolic links instead of copies, for
 * machines where the file server is mounted. The links point to the files
 * on the server, so they are only as permanent as those files.
 *
 * It cannot upload; combine it with an uploading transfer in a
 * {@link SelectFileTransfer}, e.g.
 * `new SelectFileTransfer([new LinkFileTransfer(), new SFTPFileTransfer({ host })])`.
 *
 * @example
 * const client = Client.fromToken({ url, token, fileTransfer: new LinkFileTransfer() });
 * const linked = await client.downloadFiles(dset, { target: "links" }); // links/… -> /ess/data/…
 */
export class LinkFileTransfer implements FileTransfer {
  readonly #sourceFolder: string | RemotePath | null;

  constructor(options: LinkFileTransferOptions = {}) {
    this.#sourceFolder = options.sourceFolder ?? null;
  }

  sourceFolderFor(dataset: Dataset): RemotePath {
    return sourceFolderFor(dataset, this.#sourceFolder);
  }

  /** Always throws: links cannot upload files. */
  async connectForUpload(_dataset: Dataset, _sourceFolder: RemotePath): Promise<UploadConnection> {
    throw new FileUploadError(
      "LinkFileTransfer cannot upload files. Use LocalFileTransfer (to copy into a mounted file server) or " +
        "SFTPFileTransfer, or a SelectFileTransfer that falls back to one of them.",
    );
  }

  /** Checks that the dataset's source folder (and `representativeFile`) exist on this machine. */
  async connectForDownload(dataset: Dataset, representativeFile?: RemotePath): Promise<DownloadConnection> {
    await requireLocalSourceFolder(dataset, "LinkFileTransfer", representativeFile);
    return new LinkDownloadConnection();
  }

  toString(): string {
    return "LinkFileTransfer()";
  }
}

/** Makes symbolic links to remote files. */
class LinkDownloadConnection implements DownloadConnection {
  /**
   * Makes `local[i]` a symbolic link to `remote[i]` (replacing a file at
   * `local[i]`). The remote file must exist on this machine.
   */
  async downloadFiles(
    files: { remote: readonly RemotePath[]; local: readonly string[] },
    options: TransferOptions = {},
  ): Promise<DownloadedFile[]> {
    return downloadEach(
      files,
      options,
      (remote) => requireLocalRemoteFile(remote, "link to"),
      async (remote, local, size) => {
        const target = path.resolve(remote.toLocal());
        logger.info(`Linking '${local}' to '${target}'`);
        await rm(local, { force: true });
        await symlink(target, local);
        return { local, size, checksum: null };
      },
    );
  }

  async close(): Promise<void> {}
}
