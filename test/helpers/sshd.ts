/**
 * The transfer tests' sshd: the shipped test SFTP server of
 * `scitacean-ts/testing` (src/testing/sftp-server.ts), under the names the
 * tests and the benchmark use.
 */
export {
  SSHD_BINARY,
  sshdAvailable,
  startSftpServer as startSshd,
  type SftpServer as TestSshd,
  type SftpServerOptions,
} from "../../src/testing/sftp-server";
