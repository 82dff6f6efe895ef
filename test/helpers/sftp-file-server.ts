/**
 * The SFTP transfer's file server on a real connection, for tests that need
 * to step in between its operations (e.g. change a file after all bytes are
 * confirmed but before the upload checks its size). Every operation still
 * runs against the real sshd.
 */
import { stat } from "node:fs/promises";
import { SftpChannel } from "../../src/transfer/sftp/channel";
import { SftpFileServer } from "../../src/transfer/sftp/file-server";
import { openSftp } from "../../src/transfer/sftp/login";
import { connectionSettings, describeHost, type SFTPFileTransferOptions } from "../../src/transfer/sftp/options";
import type { FileServer } from "../../src/transfer/upload-session";

/** Connects like `SFTPFileTransfer` does and returns its file server. */
export async function openSftpFileServer(options: SFTPFileTransferOptions): Promise<SftpFileServer> {
  const settings = connectionSettings(options);
  const where = describeHost(settings);
  const connect = async (): Promise<SftpChannel> => new SftpChannel(await openSftp(settings), where, settings);
  return new SftpFileServer(await connect(), connect, where);
}

/**
 * `server` with a hook that runs when a write has had all its bytes
 * confirmed by the server, before the file is checked and renamed.
 */
export function withAfterLastByte(server: FileServer, hook: (remote: string) => void): FileServer {
  return {
    description: server.description,
    kind: (p) => server.kind(p),
    mkdir: (p) => server.mkdir(p),
    rmdirIfEmpty: (p) => server.rmdirIfEmpty(p),
    remove: (p) => server.remove(p),
    renameNoReplace: (from, to) => server.renameNoReplace(from, to),
    close: () => server.close(),
    async writeNew(localPath, remote, options) {
      const { size } = await stat(localPath);
      return server.writeNew(localPath, remote, {
        ...options,
        onBytes: (n) => {
          options.onBytes(n);
          if (n === size) hook(remote);
        },
      });
    },
  };
}
