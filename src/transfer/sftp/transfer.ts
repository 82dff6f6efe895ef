/**
 * {@link SFTPFileTransfer}: uploads and downloads over SFTP (SSH), built on
 * ssh2-sftp-client / ssh2.
 */
import type { Dataset } from "../../model/dataset";
import type { RemotePath } from "../../values/remote-path";
import { FileNotAccessibleError } from "../../errors";
import { logger } from "../../logging";
import { downloadEach } from "../download-each";
import { sourceFolderFor } from "../source-folder";
import type { DownloadConnection, DownloadedFile, FileTransfer, TransferDownloadOptions, UploadConnection } from "../types";
import { UploadSession, type PathKind } from "../upload-session";
import { SftpChannel } from "./channel";
import { SftpFileServer } from "./file-server";
import { openSftp } from "./login";
import { connectionSettings, describeHost, type ConnectionSettings, type SFTPFileTransferOptions } from "./options";

/** Downloads over an open SFTP connection. */
class SFTPDownloadConnection implements DownloadConnection {
  readonly #server: SftpFileServer;
  constructor(server: SftpFileServer) {
    this.#server = server;
  }

  /** Downloads `remote[i]` to `local[i]`, with checksums computed from the streamed bytes if asked for. */
  async downloadFiles(
    files: { remote: readonly RemotePath[]; local: readonly string[] },
    options: TransferDownloadOptions = {},
  ): Promise<DownloadedFile[]> {
    return downloadEach(
      files,
      options,
      (remote) => this.#server.sizeOf(remote),
      async (remote, local, size, algorithm, report) => {
        logger.info(`Downloading '${remote.posix}' from ${this.#server.description} to '${local}'`);
        return this.#server.download(remote, local, size, {
          algorithm,
          onBytes: report,
          ...(options.signal ? { signal: options.signal } : {}),
        });
      },
    );
  }

  async close(): Promise<void> {
    await this.#server.close();
  }
}

/**
 * Uploads and downloads files over SFTP.
 *
 * Logs in with the password or private key given, else with the SSH agent
 * and the default keys in `~/.ssh`. The server's host key must be in
 * `~/.ssh/known_hosts` (or the `knownHosts` file, or be accepted by
 * `hostVerifier`); an unknown server is refused with a message that says how
 * to accept it.
 *
 * Uploads never overwrite a file, create the source folder and sub-folders as
 * needed, and remove everything they wrote if a file fails or the upload is
 * aborted. Uploaded files carry the remote uid, gid, mode, size and time, and
 * the checksum computed while sending.
 *
 * Nothing waits forever: a lost connection, a server that stops answering
 * and a stalled request fail the operation within bounded times
 * (`keepaliveInterval`, `keepaliveCountMax`, `requestTimeout`), naming the
 * host and the file. Each file is written under a temporary name
 * (`.name.<random>.part`) and renamed only when complete, so no partial
 * file ever has the final name; after a lost connection, a new one removes
 * what the upload wrote.
 *
 * @example
 * const transfer = new SFTPFileTransfer({ host: "login.esss.dk", username: "nogg" });
 * const client = Client.fromToken({ url, token, fileTransfer: transfer });
 */
export class SFTPFileTransfer implements FileTransfer {
  readonly #settings: ConnectionSettings;
  readonly #sourceFolder: string | RemotePath | null;

  constructor(options: SFTPFileTransferOptions) {
    this.#settings = connectionSettings(options);
    this.#sourceFolder = options.sourceFolder ?? null;
  }

  /** Host of the SFTP server. */
  get host(): string {
    return this.#settings.host;
  }
  /** Port of the SFTP server. */
  get port(): number {
    return this.#settings.port;
  }
  /** User name used to log in. */
  get username(): string {
    return this.#settings.username;
  }

  sourceFolderFor(dataset: Dataset): RemotePath {
    return sourceFolderFor(dataset, this.#sourceFolder);
  }

  async connectForUpload(_dataset: Dataset, sourceFolder: RemotePath): Promise<UploadConnection> {
    return new UploadSession(await this.#server(), sourceFolder);
  }

  /** A file server on a new, guarded connection that connects again if it is lost. */
  async #server(): Promise<SftpFileServer> {
    const settings = this.#settings;
    const where = describeHost(settings);
    const connect = async (): Promise<SftpChannel> => new SftpChannel(await openSftp(settings), where, settings);
    return new SftpFileServer(await connect(), connect, where);
  }

  /**
   * Connects and checks that the dataset's source folder exists on the
   * server, so that a {@link SelectFileTransfer} can try another transfer
   * when it does not.
   */
  async connectForDownload(dataset: Dataset): Promise<DownloadConnection> {
    const server = await this.#server();
    const folder = dataset.sourceFolder;
    if (folder !== null) {
      let kind: PathKind = null;
      try {
        kind = await server.kind(folder.posix);
      } catch (error) {
        logger.debug(`Cannot stat '${folder.posix}': ${(error as Error).message}`);
      }
      if (kind !== "directory") {
        await server.close();
        throw new FileNotAccessibleError(
          `The source folder '${folder.posix}' of the dataset does not exist on ${server.description} (or cannot ` +
            "be read by this user).",
          { remotePath: folder },
        );
      }
    }
    return new SFTPDownloadConnection(server);
  }

  toString(): string {
    return `SFTPFileTransfer(host='${this.host}', port=${this.port}, username='${this.username}')`;
  }
}
