/**
 * SFTP transfers: {@link SFTPFileTransfer} and what its options and tests
 * need. One job per file: options, known_hosts, login, guarded requests
 * (channel), clear write errors, the file server, the transfer.
 */
export { SFTPFileTransfer } from "./transfer";
export { SFTP_DEFAULTS, type SFTPFileTransferOptions } from "./options";
export { fingerprint, knownHostsName, parseKnownHosts, type KnownHostEntry } from "./known-hosts";
export { ConnectionLostError } from "./channel";
