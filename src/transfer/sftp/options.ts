/**
 * The options of {@link SFTPFileTransfer} and the settings made from them.
 */
import * as os from "node:os";
import type { RemotePath } from "../../values/remote-path";

/** Options of {@link SFTPFileTransfer}. Only `host` is required. */
export interface SFTPFileTransferOptions {
  /** Host name or address of the SFTP server, e.g. `"login.esss.dk"`. */
  host: string;
  /** Port of the SSH server; default 22. */
  port?: number;
  /** User name on the server; default: the user running this process. */
  username?: string;
  /** Password; never shown in messages or when the transfer is printed. */
  password?: string;
  /** A private key (the contents of a key file, e.g. OpenSSH or PEM format). */
  privateKey?: string | Buffer;
  /** Path of a private key file, as an alternative to `privateKey` (`~` is expanded). */
  privateKeyFile?: string;
  /** Passphrase of an encrypted private key. */
  passphrase?: string;
  /**
   * Path of the SSH agent's socket; default `SSH_AUTH_SOCK`. `false` disables
   * the agent. Without password and private key, the agent and the default
   * keys in `~/.ssh` (`id_ed25519`, `id_ecdsa`, `id_rsa`) are tried, like `ssh` does.
   */
  agent?: string | false;
  /**
   * known_hosts file(s) to check the server's host key against; default
   * `~/.ssh/known_hosts` and `/etc/ssh/ssh_known_hosts`. Hashed entries,
   * `[host]:port` entries, wildcards, negation and `@revoked` are understood.
   */
  knownHosts?: string | readonly string[];
  /**
   * Decides about the server's host key instead of known_hosts: gets the raw
   * public key (SSH wire format) and returns true to trust it.
   */
  hostVerifier?: (key: Buffer) => boolean;
  /**
   * Source folder template for uploads, e.g. `"/data/{ownerGroup}/{uid}"`
   * (`{field}` = the dataset's value, path-escaped; `{uid}` = a new random
   * id). Without it, the dataset's `sourceFolder` is used.
   */
  sourceFolder?: string | RemotePath | null;
  /** How long to wait for the server to answer when connecting, in ms; default 20000. */
  readyTimeout?: number;
  /**
   * How often to ask the server whether it is still there (an SSH
   * keep-alive), in ms; default 5000. Together with
   * {@link SFTPFileTransferOptions.keepaliveCountMax} this bounds how long a
   * connection that silently died (a dropped network, a sleeping laptop)
   * goes unnoticed. `0` turns keep-alives off.
   */
  keepaliveInterval?: number;
  /**
   * How many keep-alives in a row may go unanswered before the connection
   * is given up as lost; default 3 (so a dead connection is noticed after
   * about 15–20 s with the default interval).
   */
  keepaliveCountMax?: number;
  /**
   * How long the server may leave requests unanswered, in ms, before the
   * operation fails as stalled and the connection is closed; default 30000.
   * Raise it for servers that are known to pause for long (e.g. a slow
   * network file system that flushes large files on close).
   */
  requestTimeout?: number;
}

/** Defaults of the timing options of {@link SFTPFileTransferOptions}, in ms. */
export const SFTP_DEFAULTS = {
  readyTimeout: 20_000,
  keepaliveInterval: 5_000,
  keepaliveCountMax: 3,
  requestTimeout: 30_000,
} as const;


/** What is needed to connect; kept private in the transfer so that secrets never show. */
export interface ConnectionSettings {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string | undefined;
  readonly privateKey: string | Buffer | undefined;
  readonly privateKeyFile: string | undefined;
  readonly passphrase: string | undefined;
  readonly agent: string | false | undefined;
  readonly knownHosts: readonly string[] | undefined;
  readonly hostVerifier: ((key: Buffer) => boolean) | undefined;
  readonly readyTimeout: number;
  readonly keepaliveInterval: number;
  readonly keepaliveCountMax: number;
  readonly requestTimeout: number;
}

function timing(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    throw new RangeError(`SFTPFileTransfer: ${name} must be a number of at least ${min}, got ${String(value)}.`);
  }
  return value;
}

/** Checks the options and fills in the defaults. */
export function connectionSettings(options: SFTPFileTransferOptions): ConnectionSettings {
  if (typeof options?.host !== "string" || options.host === "") {
    throw new TypeError("SFTPFileTransfer needs the host of the SFTP server, e.g. { host: \"login.esss.dk\" }.");
  }
  const port = options.port ?? 22;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new RangeError(`SFTPFileTransfer: port must be a number from 1 to 65535, got ${String(options.port)}.`);
  }
  const knownHosts = options.knownHosts;
  return {
    host: options.host,
    port,
    username: options.username ?? os.userInfo().username,
    password: options.password,
    privateKey: options.privateKey,
    privateKeyFile: options.privateKeyFile,
    passphrase: options.passphrase,
    agent: options.agent,
    knownHosts: knownHosts === undefined ? undefined : typeof knownHosts === "string" ? [knownHosts] : [...knownHosts],
    hostVerifier: options.hostVerifier,
    readyTimeout: timing("readyTimeout", options.readyTimeout, SFTP_DEFAULTS.readyTimeout, 1),
    keepaliveInterval: timing("keepaliveInterval", options.keepaliveInterval, SFTP_DEFAULTS.keepaliveInterval, 0),
    keepaliveCountMax: timing("keepaliveCountMax", options.keepaliveCountMax, SFTP_DEFAULTS.keepaliveCountMax, 1),
    requestTimeout: timing("requestTimeout", options.requestTimeout, SFTP_DEFAULTS.requestTimeout, 1),
  };
}

/** How a server is named in messages: `SFTP host 'login.esss.dk:22'`. */
export function describeHost(settings: { host: string; port: number }): string {
  return `SFTP host '${settings.host}:${settings.port}'`;
}
