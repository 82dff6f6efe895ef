/**
 * Clear messages for failed writes on an SFTP server.
 *
 * OpenSSH's sftp-server reports most write errors, among them a full disk,
 * an exceeded quota and a read-only file system, as the bare status
 * "Failure". Where the server supports it (OpenSSH's statvfs extension), the
 * file system of the folder is asked what is wrong; otherwise the message
 * lists the likely causes.
 */
import { posix } from "node:path";
import { FileUploadError } from "../../errors";
import { finalNameOf } from "../part-name";
import type { SftpChannel } from "./channel";
import { SFTP_STATUS, sftpCode } from "./channel";

/** `ST_RDONLY` of statvfs(3): the file system is mounted read-only. */
const ST_RDONLY = 1;

interface StatVfs {
  f_frsize: number;
  f_bavail: number;
  f_favail: number;
  f_flag: number;
}

function bytes(n: number): string {
  if (n < 1024 * 1024) return `${n} bytes`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * What went wrong writing `target` (a file, or a folder being created), in
 * words: for "Failure" and "Permission denied" answers, with the cause if
 * the server's file system can tell, else the likely causes. Other errors
 * (lost connections, existing files) are returned as they are.
 *
 * @param needed Bytes still to be written, to judge the free space; 0 if unknown.
 */
export async function explainWriteFailure(
  error: unknown,
  channel: SftpChannel,
  where: string,
  action: string,
  target: string,
  needed: number,
): Promise<unknown> {
  const code = sftpCode(error);
  if (code !== SFTP_STATUS.FAILURE && code !== SFTP_STATUS.PERMISSION_DENIED) return error;
  const folder = posix.dirname(target);
  const said = `the server answered '${(error as Error).message}'`;
  const vfs = await channel
    .request<StatVfs>(`checking the file system of '${folder}'`, (cb) => channel.sftp.ext_openssh_statvfs(folder, cb))
    .catch(() => null);
  const free = vfs ? Number(vfs.f_bavail) * Number(vfs.f_frsize) : null;
  let cause: string;
  if (vfs && (Number(vfs.f_flag) & ST_RDONLY) !== 0) {
    cause = `the file system holding '${folder}' is read-only. Ask the server's admins, or choose another source folder`;
  } else if (code === SFTP_STATUS.PERMISSION_DENIED) {
    cause =
      `permission denied: this user may not write in '${folder}'. Check the folder's permissions, or choose ` +
      "another source folder";
  } else if (free !== null && (free === 0 || free < needed)) {
    cause =
      `no space left: the file system holding '${folder}' has ${bytes(free)} free` +
      (needed > 0 ? ` and ${bytes(needed)} more were to be written` : "") +
      ". Free some space (or ask the server's admins), then upload again";
  } else if (vfs && Number(vfs.f_favail) === 0) {
    cause = `the file system holding '${folder}' has no free inodes (too many files). Ask the server's admins`;
  } else {
    cause =
      "the SFTP server gives no reason. Likely causes: the disk is full, your quota on the server is exceeded, " +
      "the file system is read-only, or this user may not write there" +
      (free !== null ? ` (the file system reports ${bytes(free)} free, so a quota is the most likely)` : "") +
      ". Check with the server's admins, or choose another source folder";
  }
  // A file is written under a temporary name; the user knows it by its final one.
  const final = finalNameOf(target);
  const shown = final === target ? `'${target}'` : `'${final}' (being written as '${posix.basename(target)}')`;
  return new FileUploadError(`Failed ${action} ${shown} on ${where} (${said}): ${cause}.`, { cause: error });
}
