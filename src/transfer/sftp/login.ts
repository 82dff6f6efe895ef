/**
 * Logging in to an SFTP server: the login methods (key, agent, default keys,
 * password, as paramiko and so Scitacean try them), the host key check, and
 * a clear {@link FileNotAccessibleError} for every way connecting can fail.
 */
import { existsSync, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type SftpClient from "ssh2-sftp-client";
import type { Client as SshClient, ConnectConfig, ParsedKey, SFTPWrapper } from "ssh2";
import { FileNotAccessibleError } from "../../errors";
import { logger } from "../../logging";
import {
  defaultKnownHostsFiles,
  expandHome,
  fingerprint,
  hostKeyAlgorithmsFor,
  judgeHostKey,
  keyTypeOf,
  knownHostsName,
  parseKnownHosts,
  type HostKeyVerdict,
  type KnownHostEntry,
} from "./known-hosts";
import { describeHost, type ConnectionSettings } from "./options";

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

/** A logged-in connection with its SFTP channel open. */
export interface OpenedSftp {
  /** The ssh2-sftp-client wrapper, which owns the connection. */
  readonly client: SftpClient;
  /** The ssh2 connection underneath. */
  readonly ssh: SshClient;
  readonly sftp: SFTPWrapper;
}

/** Connects and opens the SFTP channel, turning every failure into a clear {@link FileNotAccessibleError}. */
export async function openSftp(settings: ConnectionSettings): Promise<OpenedSftp> {
  const { host, port, username } = settings;
  const where = describeHost(settings);
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
    // Keep-alives notice a connection that died without a word (see SFTPFileTransferOptions.keepaliveInterval).
    keepaliveInterval: settings.keepaliveInterval,
    keepaliveCountMax: settings.keepaliveCountMax,
    hostVerifier,
    authHandler: methods as ConnectConfig["authHandler"],
    ...(algorithms ? { algorithms: { serverHostKey: algorithms } } : {}),
  };
  try {
    const sftp = await client.connect(config);
    return { client, ssh, sftp };
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
  const where = describeHost(settings);
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
