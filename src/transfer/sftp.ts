/**
 * {@link SFTPFileTransfer}: uploads and downloads over SFTP (SSH), built on
 * ssh2-sftp-client / ssh2.
 *
 * Files are streamed in both directions with many requests in flight (one
 * request at a time would wait a network round trip per 255 KiB), and the
 * checksum of each uploaded file is computed from the same bytes that are
 * sent, so that the file is read only once.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { open as openLocal } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import type SftpClient from "ssh2-sftp-client";
import type { Client as SshClient, ConnectConfig, ParsedKey, ServerHostKeyAlgorithm, SFTPWrapper, Stats } from "ssh2";
import { logger } from "../logging";
import type { Dataset } from "../model/dataset";
import type { RemotePath } from "../values/remote-path";
import { FileNotAccessibleError } from "../errors";
import { downloadEach } from "./download-each";
import { sourceFolderFor } from "./source-folder";
import { hashFor, streamLocalFile, writeAll } from "./streaming";
import type {
  DownloadConnection,
  DownloadedFile,
  FileTransfer,
  TransferDownloadOptions,
  UploadConnection,
} from "./types";
import { UploadSession, type FileServer, type PathKind, type RemoteFileStat, type WrittenFile } from "./upload-session";

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
}

// ---------------------------------------------------------------------------------------------
// Host keys
// ---------------------------------------------------------------------------------------------

/** One line of a known_hosts file. */
export interface KnownHostEntry {
  readonly marker: "revoked" | "cert-authority" | null;
  readonly patterns: readonly string[];
  readonly keyType: string;
  readonly key: Buffer;
}

/** Parses OpenSSH known_hosts text; lines it does not understand are skipped. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry["marker"] = null;
    if (fields[0]?.startsWith("@")) {
      const name = fields.shift();
      if (name === "@revoked") marker = "revoked";
      else if (name === "@cert-authority") marker = "cert-authority";
      else continue;
    }
    const [hosts, keyType, base64] = fields;
    if (hosts === undefined || keyType === undefined || base64 === undefined) continue;
    entries.push({ marker, patterns: hosts.split(","), keyType, key: Buffer.from(base64, "base64") });
  }
  return entries;
}

/** The name known_hosts uses for a server: `host`, or `[host]:port` for a port other than 22. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith("|1|")) {
    // Hashed entry (HashKnownHosts): |1|base64(salt)|base64(HMAC-SHA1(salt, name)).
    const [, , salt, hash] = pattern.split("|");
    if (salt === undefined || hash === undefined) return false;
    const expected = Buffer.from(hash, "base64");
    const actual = createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest();
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${regex}$`, "i").test(name);
}

function hostMatches(patterns: readonly string[], name: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    if (pattern.startsWith("!")) {
      if (patternMatches(pattern.slice(1), name)) return false;
    } else if (patternMatches(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/** The key type written inside an SSH public key blob, e.g. `ssh-ed25519`. */
function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return "unknown";
  const length = key.readUInt32BE(0);
  return key.subarray(4, 4 + length).toString("latin1");
}

/** OpenSSH's fingerprint of a key: `SHA256:…`, as `ssh` shows it. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;
}

type HostKeyVerdict = "trusted" | "unknown" | "changed" | "revoked";

function judgeHostKey(entries: readonly KnownHostEntry[], name: string, key: Buffer): HostKeyVerdict {
  const forHost = entries.filter((e) => e.marker !== "cert-authority" && hostMatches(e.patterns, name));
  if (forHost.some((e) => e.marker === "revoked" && e.key.equals(key))) return "revoked";
  const plain = forHost.filter((e) => e.marker === null);
  if (plain.some((e) => e.key.equals(key))) return "trusted";
  return plain.length > 0 ? "changed" : "unknown";
}

/** Host key algorithms ssh2 supports, in its default order. */
const HOST_KEY_ALGORITHMS: readonly ServerHostKeyAlgorithm[] = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "rsa-sha2-512",
  "rsa-sha2-256",
  "ssh-rsa",
];

/**
 * Host key algorithms with those first whose keys known_hosts has for the
 * server, so that the server proves itself with a key we can check (it may
 * have several), as OpenSSH does.
 */
function hostKeyAlgorithmsFor(entries: readonly KnownHostEntry[], name: string): ServerHostKeyAlgorithm[] | null {
  const known = new Set(
    entries.filter((e) => e.marker === null && hostMatches(e.patterns, name)).map((e) => e.keyType),
  );
  if (known.size === 0) return null;
  const preferred = HOST_KEY_ALGORITHMS.filter((a) =>
    a.startsWith("rsa-sha2-") || a === "ssh-rsa" ? known.has("ssh-rsa") : known.has(a),
  );
  return [...preferred, ...HOST_KEY_ALGORITHMS.filter((a) => !preferred.includes(a))];
}

function expandHome(file: string): string {
  return file === "~" || file.startsWith("~/") ? path.join(os.homedir(), file.slice(1)) : file;
}

function defaultKnownHostsFiles(): string[] {
  return [path.join(os.homedir(), ".ssh", "known_hosts"), "/etc/ssh/ssh_known_hosts"];
}

// ---------------------------------------------------------------------------------------------
// Connecting
// ---------------------------------------------------------------------------------------------

/** What is needed to connect; kept private in the transfer so that secrets never show. */
interface ConnectionSettings {
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
}

type AuthMethod =
  | { type: "password"; username: string; password: string }
  | { type: "publickey"; username: string; key: Buffer | string; passphrase?: string }
  | { type: "agent"; username: string; agent: string }
  | {
      type: "keyboard-interactive";
      username: string;
      prompt: (
        name: string,
        instructions: string,
        lang: string,
        prompts: unknown[],
        finish: (answers: string[]) => void,
      ) => void;
    };

/** ssh2's key parser (loaded with ssh2, see {@link openSftp}). */
type ParseKey = (key: string | Buffer, passphrase?: string) => ParsedKey | ParsedKey[] | Error;

/** Reads and checks the private key up front, so that a bad key or passphrase gets a clear message. */
function loadPrivateKey(settings: ConnectionSettings, parseKey: ParseKey): Buffer | string | undefined {
  let key = settings.privateKey;
  let where = "the private key";
  if (key === undefined && settings.privateKeyFile !== undefined) {
    const file = expandHome(settings.privateKeyFile);
    where = `the private key file '${file}'`;
    try {
      key = readFileSync(file);
    } catch (error) {
      throw new FileNotAccessibleError(`Cannot read ${where}: ${(error as Error).message}. Check privateKeyFile.`);
    }
  }
  if (key === undefined) return undefined;
  const parsed = parseKey(key, settings.passphrase);
  if (parsed instanceof Error) {
    const reason = /passphrase/i.test(parsed.message)
      ? settings.passphrase === undefined
        ? "it is encrypted; give its passphrase with the passphrase option"
        : "the passphrase does not decrypt it; check the passphrase"
      : "it is not a private key in a format ssh2 understands (OpenSSH, PEM or PuTTY)";
    throw new FileNotAccessibleError(`Cannot use ${where}: ${reason}.`);
  }
  return key;
}

/**
 * Default key files that exist and can be used, like `ssh` tries them: keys
 * without a passphrase, and encrypted ones that `passphrase` decrypts (as
 * paramiko, and so Scitacean, does).
 */
function defaultKeys(
  parseKey: ParseKey,
  passphrase: string | undefined,
  skipped: string[],
): Array<{ key: Buffer; passphrase?: string }> {
  const keys: Array<{ key: Buffer; passphrase?: string }> = [];
  for (const name of ["id_ed25519", "id_ecdsa", "id_rsa"]) {
    const file = path.join(os.homedir(), ".ssh", name);
    if (!existsSync(file)) continue;
    try {
      const key = readFileSync(file);
      if (!(parseKey(key) instanceof Error)) keys.push({ key });
      else if (passphrase !== undefined && !(parseKey(key, passphrase) instanceof Error)) keys.push({ key, passphrase });
      else if (passphrase !== undefined) skipped.push(`the passphrase does not decrypt ~/.ssh/${name}`);
    } catch {
      // An unreadable default key is simply not tried, as with ssh.
    }
  }
  return keys;
}

/** Login methods in the order paramiko/Scitacean tries them: key, agent, default keys, password. */
function authMethods(
  settings: ConnectionSettings,
  parseKey: ParseKey,
): { methods: AuthMethod[]; names: string[]; skipped: string[] } {
  const username = settings.username;
  const methods: AuthMethod[] = [];
  const names: string[] = [];
  const skipped: string[] = [];
  const key = loadPrivateKey(settings, parseKey);
  if (key !== undefined) {
    const passphrase = settings.passphrase;
    methods.push({ type: "publickey", username, key, ...(passphrase !== undefined ? { passphrase } : {}) });
    names.push("private key");
  }
  const agent = settings.agent === undefined ? process.env.SSH_AUTH_SOCK : settings.agent;
  if (agent) {
    methods.push({ type: "agent", username, agent });
    names.push("SSH agent");
  }
  if (key === undefined && settings.password === undefined) {
    for (const k of defaultKeys(parseKey, settings.passphrase, skipped)) methods.push({ type: "publickey", username, ...k });
    if (methods.length > (agent ? 1 : 0)) names.push("keys in ~/.ssh");
  }
  if (settings.password !== undefined) {
    const password = settings.password;
    methods.push({ type: "password", username, password });
    // Servers that check passwords through PAM often only offer keyboard-interactive.
    methods.push({
      type: "keyboard-interactive",
      username,
      prompt: (_n, _i, _l, prompts, finish) => finish(prompts.map(() => password)),
    });
    names.push("password");
  }
  return { methods, names, skipped };
}

interface OpenedSftp {
  readonly client: SftpClient;
  readonly sftp: SFTPWrapper;
}

/** Connects and opens the SFTP channel, turning every failure into a clear {@link FileNotAccessibleError}. */
async function openSftp(settings: ConnectionSettings): Promise<OpenedSftp> {
  const { host, port, username } = settings;
  const where = `SFTP host '${host}:${port}'`;
  const name = knownHostsName(host, port);
  let hostKeyProblem: { verdict: HostKeyVerdict | "rejected"; key: Buffer } | null = null;

  let entries: KnownHostEntry[] = [];
  const knownHostsFiles = (settings.knownHosts ?? defaultKnownHostsFiles()).map(expandHome);
  if (settings.hostVerifier === undefined) {
    for (const file of knownHostsFiles) {
      if (existsSync(file)) entries = entries.concat(parseKnownHosts(readFileSync(file, "utf8")));
      else if (settings.knownHosts !== undefined) {
        throw new FileNotAccessibleError(`The known_hosts file '${file}' does not exist. Check the knownHosts option.`);
      }
    }
  }
  const hostVerifier = (key: Buffer): boolean => {
    if (settings.hostVerifier !== undefined) {
      let ok = false;
      try {
        ok = settings.hostVerifier(key) === true;
      } catch (error) {
        logger.warn(`hostVerifier threw an error, so the host key is not trusted: ${(error as Error).message}`);
      }
      if (!ok) hostKeyProblem = { verdict: "rejected", key };
      return ok;
    }
    const verdict = judgeHostKey(entries, name, key);
    if (verdict !== "trusted") hostKeyProblem = { verdict, key };
    return verdict === "trusted";
  };

  // Loaded on first use: ssh2 takes a noticeable time to load, which notebooks that never use SFTP should not pay.
  const [{ default: Sftp }, { utils }] = await Promise.all([import("ssh2-sftp-client"), import("ssh2")]);
  const { methods, names, skipped } = authMethods(settings, utils.parseKey);
  if (methods.length === 0) {
    const why = skipped.length > 0 ? ` (${skipped.join("; ")})` : "";
    throw new FileNotAccessibleError(
      `No way to log in to ${where}${why}: give a password, privateKey or privateKeyFile, or run an SSH agent ` +
        "(SSH_AUTH_SOCK), or put a key in ~/.ssh (with the passphrase option if it is encrypted).",
    );
  }

  const quiet = {
    error: (e: unknown) => logger.debug(`${where}: ${(e as Error).message}`),
    end: () => logger.debug(`${where}: connection ended`),
    close: () => logger.debug(`${where}: connection closed`),
  };
  const client = new Sftp("scitacean", quiet);
  // ssh2-sftp-client's types (v9) do not declare the ssh2 client it wraps.
  const ssh = (client as unknown as { client: SshClient }).client;
  let rawError: (Error & { level?: string; code?: string }) | null = null;
  ssh.on("error", (e: Error) => {
    rawError ??= e;
  });
  // Without this, Nagle's algorithm holds back small SSH packets and some transfers crawl.
  ssh.on("connect", () => ssh.setNoDelay(true));
  const algorithms = settings.hostVerifier === undefined ? hostKeyAlgorithmsFor(entries, name) : null;
  const config: ConnectConfig = {
    host,
    port,
    username,
    readyTimeout: settings.readyTimeout,
    hostVerifier,
    authHandler: methods as ConnectConfig["authHandler"],
    ...(algorithms ? { algorithms: { serverHostKey: algorithms } } : {}),
  };
  try {
    const sftp = await client.connect(config);
    return { client, sftp };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw connectError(error, rawError, hostKeyProblem, settings, names, knownHostsFiles);
  }
}

function connectError(
  error: unknown,
  raw: (Error & { level?: string; code?: string }) | null,
  hostKey: { verdict: HostKeyVerdict | "rejected"; key: Buffer } | null,
  settings: ConnectionSettings,
  methodNames: readonly string[],
  knownHostsFiles: readonly string[],
): FileNotAccessibleError {
  const { host, port, username } = settings;
  const where = `SFTP host '${host}:${port}'`;
  const cause = raw ?? error;
  if (hostKey !== null) {
    const shown = `${keyTypeOf(hostKey.key)} ${fingerprint(hostKey.key)}`;
    const sshCommand = `ssh ${port === 22 ? "" : `-p ${port} `}${username}@${host}`;
    const files = knownHostsFiles.join(", ");
    switch (hostKey.verdict) {
      case "unknown":
        return new FileNotAccessibleError(
          `The host key of ${where} is not known (not in ${files}), so the server cannot be trusted yet. ` +
            `Its key is ${shown}. If that is right, accept it once by connecting with OpenSSH in a terminal: ` +
            `\`${sshCommand}\` (answer "yes"), or pass knownHosts (a known_hosts file with the key) or hostVerifier ` +
            "to SFTPFileTransfer.",
          { cause },
        );
      case "changed":
        return new FileNotAccessibleError(
          `The host key of ${where} does not match the one in ${files}: it is now ${shown}. This can mean that ` +
            "someone is intercepting the connection, or that the server's key was changed. Ask the server's admins; " +
            `if the new key is right, remove the old one with \`ssh-keygen -R "${knownHostsName(host, port)}"\` and ` +
            `accept the new one with \`${sshCommand}\`.`,
          { cause },
        );
      case "revoked":
        return new FileNotAccessibleError(
          `The host key of ${where} (${shown}) is marked as revoked in ${files}. Refusing to connect; ask the ` +
            "server's admins.",
          { cause },
        );
      case "rejected":
        return new FileNotAccessibleError(`The host key of ${where} (${shown}) was rejected by hostVerifier.`, {
          cause,
        });
    }
  }
  const code = raw?.code ?? (error as { code?: string }).code;
  const level = raw?.level;
  let reason: string;
  if (code === "ECONNREFUSED") {
    reason = "the connection was refused. Check host and port, and that an SSH server runs there";
  } else if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    reason = "the host name was not found. Check host (and your network or VPN)";
  } else if (code === "ETIMEDOUT" || level === "client-timeout") {
    reason = `no answer within ${settings.readyTimeout / 1000} s. Check host and port (and your network or VPN)`;
  } else if (level === "client-authentication") {
    reason =
      `the server refused the login as '${username}' with every method tried (${methodNames.join(", ")}). ` +
      "Check the username and the password, private key or passphrase";
  } else {
    reason = (raw ?? (error as Error)).message ?? String(error);
  }
  return new FileNotAccessibleError(`Cannot connect to ${where}: ${reason}.`, { cause });
}

// ---------------------------------------------------------------------------------------------
// Streaming over SFTP
// ---------------------------------------------------------------------------------------------

/** SFTP status codes (draft-ietf-secsh-filexfer-02). */
const NO_SUCH_FILE = 2;

/**
 * Bytes kept in flight per file. ssh2 copies each write into its own packet,
 * so this bounds the memory of an upload; it is also enough to keep a
 * high-latency link busy (8 MiB per round trip).
 */
const IN_FLIGHT_BYTES = 8 * 1024 * 1024;

function call<T>(fn: (cb: (err: Error | undefined | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

function sftpCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === "number" ? code : undefined;
}

/**
 * ssh2 splits longer writes and reads into several requests that run one
 * after the other (and a split write reads the caller's buffer later, which
 * would break reusing it). Pieces of at most this size avoid both.
 */
function pieceSize(sftp: SFTPWrapper, which: "_maxWriteLen" | "_maxReadLen"): number {
  const value = (sftp as unknown as Record<string, unknown>)[which];
  return typeof value === "number" && value > 0 ? value : 16 * 1024;
}

function statOf(stats: Stats): RemoteFileStat {
  return { uid: stats.uid, gid: stats.gid, mode: stats.mode, size: stats.size, mtime: new Date(stats.mtime * 1000) };
}

/**
 * Counts requests in flight and lets the sender wait until there is room;
 * remembers the first failure.
 */
class InFlight {
  bytes = 0;
  failure: Error | null = null;
  #wake: (() => void) | null = null;

  add(bytes: number): void {
    this.bytes += bytes;
  }
  settle(bytes: number, error: Error | undefined | null): void {
    this.bytes -= bytes;
    if (error) this.failure ??= error;
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
  /** Waits until at most `limit` bytes are in flight. */
  async drain(limit: number): Promise<void> {
    while (this.bytes > limit) await new Promise<void>((resolve) => (this.#wake = resolve));
  }
}

/** An SFTP server as a {@link FileServer}. */
class SftpFileServer implements FileServer {
  readonly description: string;
  constructor(
    private readonly connection: OpenedSftp,
    host: string,
    port: number,
  ) {
    this.description = `SFTP host '${host}:${port}'`;
  }

  get #sftp(): SFTPWrapper {
    return this.connection.sftp;
  }

  async kind(p: string): Promise<PathKind> {
    try {
      const info = await call<Stats>((cb) => this.#sftp.lstat(p, cb));
      if (info.isSymbolicLink()) {
        const target = await call<Stats>((cb) => this.#sftp.stat(p, cb)).catch(() => null);
        return target?.isDirectory() ? "directory" : "file";
      }
      return info.isDirectory() ? "directory" : info.isFile() ? "file" : "other";
    } catch (error) {
      if (sftpCode(error) === NO_SUCH_FILE) return null;
      throw error;
    }
  }

  mkdir(p: string): Promise<void> {
    return call<void>((cb) => this.#sftp.mkdir(p, cb));
  }

  async rmdirIfEmpty(p: string): Promise<boolean> {
    try {
      await call<void>((cb) => this.#sftp.rmdir(p, cb));
      return true;
    } catch {
      return false;
    }
  }

  async remove(p: string): Promise<void> {
    try {
      await call<void>((cb) => this.#sftp.unlink(p, cb));
    } catch (error) {
      if (sftpCode(error) !== NO_SUCH_FILE) throw error;
    }
  }

  async writeNew(
    localPath: string,
    remote: string,
    options: { algorithm: string | null; signal?: AbortSignal; onBytes: (n: number) => void; onCreated: () => void },
  ): Promise<WrittenFile> {
    const sftp = this.#sftp;
    options.signal?.throwIfAborted();
    let handle: Buffer;
    try {
      // "wx" = create exclusively: the server refuses if the file appeared since we checked.
      handle = await call<Buffer>((cb) => sftp.open(remote, "wx", cb));
    } catch (error) {
      if ((await this.kind(remote).catch(() => null)) !== null) {
        throw new Error(`a file already exists at '${remote}', and files are never overwritten`);
      }
      throw error;
    }
    options.onCreated();
    const piece = pieceSize(sftp, "_maxWriteLen");
    const inFlight = new InFlight();
    let confirmed = 0;
    let result: { size: number; checksum: string | null } | undefined;
    try {
      result = await streamLocalFile(
        localPath,
        async (chunk, position) => {
          // Each write copies its piece into a packet right away, so the chunk's buffer can be reused afterwards.
          for (let offset = 0; offset < chunk.length; offset += piece) {
            const length = Math.min(piece, chunk.length - offset);
            inFlight.add(length);
            sftp.write(handle, chunk, offset, length, position + offset, (err) => {
              if (!err) {
                confirmed += length;
                options.onBytes(confirmed);
              }
              inFlight.settle(length, err);
            });
          }
          await inFlight.drain(IN_FLIGHT_BYTES);
          if (inFlight.failure) throw inFlight.failure;
        },
        { algorithm: options.algorithm, ...(options.signal ? { signal: options.signal } : {}) },
      );
    } finally {
      // Let outstanding writes finish (or fail) before closing, also after an error or abort.
      await inFlight.drain(0);
      const closed = call<void>((cb) => sftp.close(handle, cb));
      if (result !== undefined && !inFlight.failure) await closed;
      else await closed.catch(() => undefined);
    }
    if (inFlight.failure) throw inFlight.failure;
    const info = await call<Stats>((cb) => sftp.stat(remote, cb));
    return { bytes: result.size, checksum: result.checksum, stat: statOf(info) };
  }

  /** Streams `remote` into the local file `local`, hashing in order if asked. */
  async download(
    remote: RemotePath,
    local: string,
    size: number,
    options: { algorithm: string | null; signal?: AbortSignal; onBytes: (n: number) => void },
  ): Promise<DownloadedFile> {
    const sftp = this.#sftp;
    const handle = await call<Buffer>((cb) => sftp.open(remote.posix, "r", cb));
    let output;
    try {
      output = await openLocal(local, "w");
    } catch (error) {
      await call<void>((cb) => sftp.close(handle, cb)).catch(() => undefined);
      throw error;
    }
    const hash = hashFor(options.algorithm);
    const piece = pieceSize(sftp, "_maxReadLen");
    const slots = Math.max(1, Math.floor(IN_FLIGHT_BYTES / piece));
    // A queue of reads in file order; each owns a buffer that is reused for a later read once written out.
    const queue: Array<{ position: number; length: number; buffer: Buffer; done: Promise<number> }> = [];
    let next = 0;
    const read = (buffer: Buffer, offset: number, length: number, position: number): Promise<number> =>
      new Promise((resolve, reject) =>
        sftp.read(handle, buffer, offset, length, position, (err, bytesRead) =>
          err ? reject(err) : resolve(bytesRead),
        ),
      );
    const enqueue = (buffer: Buffer): void => {
      const length = Math.min(piece, size - next);
      const done = read(buffer, 0, length, next);
      done.catch(() => undefined); // Awaited in order below; this only keeps an early failure from going unhandled.
      queue.push({ position: next, length, buffer, done });
      next += length;
    };
    try {
      for (let i = 0; i < slots && next < size; i++) enqueue(Buffer.allocUnsafe(piece));
      let written = 0;
      while (queue.length > 0) {
        options.signal?.throwIfAborted();
        const head = queue.shift() as (typeof queue)[number];
        let got = await head.done;
        // A server may return less than asked; fetch the rest before moving on, so that bytes stay in order.
        while (got < head.length) {
          const more = await read(head.buffer, got, head.length - got, head.position + got);
          if (more === 0) {
            throw new Error(`'${remote.posix}' became shorter while it was being downloaded (expected ${size} bytes)`);
          }
          got += more;
        }
        const data = head.buffer.subarray(0, head.length);
        hash?.update(data);
        await writeAll(output, data);
        written += data.length;
        options.onBytes(written);
        if (next < size) enqueue(head.buffer);
      }
      return { local, size: written, checksum: hash === null ? null : hash.digest("hex") };
    } finally {
      // Outstanding reads fill buffers we no longer need; their results are ignored.
      await Promise.allSettled(queue.map((q) => q.done));
      await output.close();
      await call<void>((cb) => sftp.close(handle, cb)).catch(() => undefined);
    }
  }

  async sizeOf(remote: RemotePath): Promise<number> {
    try {
      const info = await call<Stats>((cb) => this.#sftp.stat(remote.posix, cb));
      if (!info.isFile()) throw new Error("not a regular file");
      return info.size;
    } catch (error) {
      throw new FileNotAccessibleError(
        `File '${remote.posix}' not found on ${this.description}` +
          (sftpCode(error) === NO_SUCH_FILE ? "." : `: ${(error as Error).message}.`),
        { remotePath: remote, cause: error },
      );
    }
  }

  async close(): Promise<void> {
    await this.connection.client.end().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// The transfer
// ---------------------------------------------------------------------------------------------

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
 * @example
 * const transfer = new SFTPFileTransfer({ host: "login.esss.dk", username: "nogg" });
 * const client = Client.fromToken({ url, token, fileTransfer: transfer });
 */
export class SFTPFileTransfer implements FileTransfer {
  readonly #settings: ConnectionSettings;
  readonly #sourceFolder: string | RemotePath | null;

  constructor(options: SFTPFileTransferOptions) {
    if (typeof options?.host !== "string" || options.host === "") {
      throw new TypeError("SFTPFileTransfer needs the host of the SFTP server, e.g. { host: \"login.esss.dk\" }.");
    }
    const port = options.port ?? 22;
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new RangeError(`SFTPFileTransfer: port must be a number from 1 to 65535, got ${String(options.port)}.`);
    }
    const knownHosts = options.knownHosts;
    this.#settings = {
      host: options.host,
      port,
      username: options.username ?? os.userInfo().username,
      password: options.password,
      privateKey: options.privateKey,
      privateKeyFile: options.privateKeyFile,
      passphrase: options.passphrase,
      agent: options.agent,
      knownHosts:
        knownHosts === undefined ? undefined : typeof knownHosts === "string" ? [knownHosts] : [...knownHosts],
      hostVerifier: options.hostVerifier,
      readyTimeout: options.readyTimeout ?? 20_000,
    };
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
    const connection = await openSftp(this.#settings);
    return new UploadSession(new SftpFileServer(connection, this.host, this.port), sourceFolder);
  }

  /**
   * Connects and checks that the dataset's source folder exists on the
   * server, so that a {@link SelectFileTransfer} can try another transfer
   * when it does not.
   */
  async connectForDownload(dataset: Dataset): Promise<DownloadConnection> {
    const connection = await openSftp(this.#settings);
    const server = new SftpFileServer(connection, this.host, this.port);
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
