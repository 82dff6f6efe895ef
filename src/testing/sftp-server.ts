/**
 * A throwaway SFTP server for tests and tutorials: a real OpenSSH `sshd`
 * with its own config, host key and user key in a temporary folder,
 * listening on 127.0.0.1 on a free port — the counterpart of Scitacean's
 * SFTP test server, without Docker.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { inspect } from "node:util";
import type { SFTPFileTransferOptions } from "../transfer/sftp";

/**
 * A running test SFTP server (see {@link startSftpServer}). Its fields are
 * exactly what `SFTPFileTransfer` needs to connect to it.
 */
export interface SftpServer {
  /** Always `"127.0.0.1"`. */
  readonly host: string;
  /** The port sshd listens on: a free port above 1023, never 22. */
  readonly port: number;
  /**
   * The user to log in as: the user running this process (sshd started by a
   * regular user can only log in that user), or {@link SftpServerOptions.user}.
   */
  readonly username: string;
  /** OpenSSH private key (unencrypted, made for this server only) that the server accepts for `username`. */
  readonly privateKey: Buffer;
  /** Public half of {@link SftpServer.privateKey}, as in `authorized_keys`. */
  readonly publicKey: string;
  /** A `known_hosts` line for this server: `[127.0.0.1]:PORT ssh-ed25519 AAAA…`. */
  readonly knownHostsLine: string;
  /** A `known_hosts` file containing only {@link SftpServer.knownHostsLine}; give it as `knownHosts`. */
  readonly knownHostsFile: string;
  /**
   * An empty temporary folder for remote files. The server runs on this
   * machine, so its paths are local paths too: what is uploaded below
   * `dataRoot` can be read with `node:fs`. Removed by {@link SftpServer.stop}.
   */
  readonly dataRoot: string;
  /**
   * Everything `new SFTPFileTransfer(...)` needs to reach this server (and only it: the SSH
   * agent is off). Spread it and add your own options, e.g. `sourceFolder`.
   */
  transferOptions(): SFTPFileTransferOptions & {
    /** The server's address. */
    host: string;
  };
  /** What sshd wrote to stderr so far, for diagnosing failures. */
  log(): string;
  /**
   * Process ids of the sessions sshd runs for connected clients (every
   * process below the listening sshd), for fault tests: killing them drops
   * the clients' connections as a crash of the server side would, and
   * stopping them (`SIGSTOP`) makes the server stop answering.
   */
  sessionPids(): number[];
  /** Stops the server and removes its temporary folders (keys and `dataRoot`). Safe to call twice. */
  stop(): Promise<void>;
}

/** Options of {@link startSftpServer}. */
export interface SftpServerOptions {
  /**
   * Port to listen on (1024–65535); default a free port, with a few retries
   * if another process takes it first. Port 22 is never used.
   */
  port?: number;
  /** How long to wait for sshd to listen, in ms; default 10000. */
  startTimeoutMs?: number;
  /**
   * The user to log in as; default the user running this process. Another
   * user works only when this process runs as root (sshd can then switch to
   * it); `dataRoot` is then given to that user. Tests use it to meet
   * permissions, which root ignores (e.g. `"nobody"`).
   */
  user?: string;
}

/** The OpenSSH server binary that {@link startSftpServer} runs (Debian package `openssh-server`). */
export const SSHD_BINARY = "/usr/sbin/sshd";

/** True if this machine can run {@link startSftpServer}: `/usr/sbin/sshd` and `ssh-keygen` exist. */
export function sshdAvailable(): boolean {
  return existsSync(SSHD_BINARY) && spawnSync("ssh-keygen", ["-?"], { stdio: "ignore" }).error === undefined;
}

function keygen(file: string, comment: string): void {
  const result = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file], {
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`ssh-keygen failed for ${file}: ${result.stderr || result.error}`);
}

/** A TCP port on 127.0.0.1 that was free a moment ago (nothing listens there unless someone took it since). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function ensurePrivsepDir(): void {
  // sshd started as root chroots its unprivileged child into this folder and exits if it is missing.
  if (process.getuid?.() !== 0) return;
  const dir = "/run/sshd";
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o755 });
}

/**
 * Starts a throwaway SFTP server: OpenSSH's `sshd` on 127.0.0.1, with a
 * config, host key and user key of its own in a temporary folder, and an
 * empty {@link SftpServer.dataRoot} for the remote files. Call `stop()` when
 * done (e.g. in `afterAll` or the last cell of a notebook).
 *
 * Needs OpenSSH's server and `ssh-keygen` on this machine (Debian:
 * `apt-get install openssh-server`, which provides `/usr/sbin/sshd`); check
 * with {@link sshdAvailable}. The system's sshd is neither used nor changed:
 * port 22 and `/etc/ssh` are never touched, and the server need not run.
 * The one exception: when running as root, `/run/sshd` is created if
 * missing, because sshd refuses to start without it.
 *
 * The server accepts only its own key for the user running this process,
 * allows SFTP and nothing else (no shell, no forwarding), and is killed, and
 * its folders removed, when this process ends in any way, even without
 * `stop()` (a watchdog process waits for this process to go away).
 *
 * @example
 * import { Client, SFTPFileTransfer } from "scitacean-ts";
 * import { ScicatServer, startSftpServer } from "scitacean-ts/testing";
 *
 * const scicat = new ScicatServer();
 * await scicat.start();
 * const sftp = await startSftpServer();
 * const transfer = new SFTPFileTransfer({
 *   ...sftp.transferOptions(), // host, port, username, privateKey, knownHosts; no SSH agent
 *   sourceFolder: `${sftp.dataRoot}/{ownerGroup}/{uid}`,
 * });
 * const client = Client.fromToken({ url: scicat.url, token: scicat.issueToken("nanny"), fileTransfer: transfer });
 * // ... upload and download; the files are below sftp.dataRoot on this machine
 * await sftp.stop();
 * await scicat.stop();
 */
export async function startSftpServer(options: SftpServerOptions = {}): Promise<SftpServer> {
  const fixedPort = options.port;
  if (fixedPort !== undefined && (!Number.isInteger(fixedPort) || fixedPort < 1024 || fixedPort > 65535)) {
    throw new RangeError(
      `startSftpServer: port must be a whole number from 1024 to 65535 (never 22), got ${String(fixedPort)}.`,
    );
  }
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  const user = options.user ?? os.userInfo().username;
  if (user !== os.userInfo().username && process.getuid?.() !== 0) {
    throw new RangeError(`startSftpServer: logging in as '${user}' needs this process to run as root.`);
  }
  if (!sshdAvailable()) {
    throw new Error(
      `The test SFTP server needs OpenSSH's server (${SSHD_BINARY}) and ssh-keygen. ` +
        "On Debian: apt-get install openssh-server.",
    );
  }
  ensurePrivsepDir();
  const dir = mkdtempSync(path.join(os.tmpdir(), "scitacean-sshd-"));
  const dataRoot = mkdtempSync(path.join(os.tmpdir(), "scitacean-sftp-data-"));
  try {
    keygen(path.join(dir, "host_ed25519"), "scitacean test host");
    keygen(path.join(dir, "user_ed25519"), "scitacean test user");
    writeFileSync(path.join(dir, "authorized_keys"), readFileSync(path.join(dir, "user_ed25519.pub")));
    if (user !== os.userInfo().username) giveTo(user, dir, dataRoot);
    if (fixedPort !== undefined) return await launch(dir, dataRoot, fixedPort, startTimeoutMs, user);
    // A port can be taken between probing and binding; retry a few times.
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      try {
        return await launch(dir, dataRoot, port, startTimeoutMs, user);
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    rmSync(dataRoot, { recursive: true, force: true });
    throw error;
  }
}

async function launch(
  dir: string,
  dataRoot: string,
  port: number,
  startTimeoutMs: number,
  username: string,
): Promise<SftpServer> {
  const host = "127.0.0.1";
  const config = path.join(dir, "sshd_config");
  writeFileSync(
    config,
    [
      `Port ${port}`,
      `ListenAddress ${host}`,
      `HostKey ${path.join(dir, "host_ed25519")}`,
      `PidFile ${path.join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${path.join(dir, "authorized_keys")}`,
      "StrictModes no",
      "UsePAM no",
      // Password logins are allowed so that a wrong password is refused by the server itself.
      "PasswordAuthentication yes",
      "KbdInteractiveAuthentication no",
      "PermitRootLogin prohibit-password",
      "PubkeyAuthentication yes",
      `AllowUsers ${username}`,
      "Subsystem sftp internal-sftp",
      "AllowTcpForwarding no",
      "AllowAgentForwarding no",
      "X11Forwarding no",
      "PermitTTY no",
      "PrintMotd no",
      "MaxStartups 100",
      "MaxSessions 100",
      "LogLevel INFO",
      "",
    ].join("\n"),
  );
  const child = spawn(SSHD_BINARY, ["-D", "-e", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const watchdog = startWatchdog(child, [dir, dataRoot]);

  await new Promise<void>((resolve, reject) => {
    const onData = (): void => {
      if (stderr.includes("Server listening on")) done();
    };
    const onExit = (code: number | null): void => {
      done(new Error(`sshd exited (code ${code}) before listening on port ${port}:\n${stderr}`));
    };
    const timer = setTimeout(
      () => done(new Error(`sshd did not start within ${startTimeoutMs / 1000} s:\n${stderr}`)),
      startTimeoutMs,
    );
    function done(error?: Error): void {
      clearTimeout(timer);
      child.stderr?.off("data", onData);
      child.off("exit", onExit);
      if (error) {
        child.kill("SIGKILL");
        watchdog.kill("SIGKILL");
        reject(error);
      } else {
        resolve();
      }
    }
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
    onData();
  });

  // A process that ends without stop() (a crash, an unhandled error) still takes sshd and its files along.
  const killNow = (): void => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    rmSync(dataRoot, { recursive: true, force: true });
  };
  process.once("exit", killNow);

  const hostPublic = readFileSync(path.join(dir, "host_ed25519.pub"), "utf8").trim().split(/\s+/);
  const knownHostsLine = `[${host}]:${port} ${hostPublic[0]} ${hostPublic[1]}`;
  const knownHostsFile = path.join(dir, "known_hosts");
  writeFileSync(knownHostsFile, `${knownHostsLine}\n`);

  let stopped = false;
  const server: SftpServer & { [inspect.custom](): string; toString(): string } = {
    host,
    port,
    username,
    privateKey: readFileSync(path.join(dir, "user_ed25519")),
    publicKey: readFileSync(path.join(dir, "user_ed25519.pub"), "utf8").trim(),
    knownHostsLine,
    knownHostsFile,
    dataRoot,
    transferOptions: () => ({ host, port, username, privateKey: server.privateKey, knownHosts: knownHostsFile, agent: false }),
    log: () => stderr,
    sessionPids: () => (child.pid === undefined ? [] : descendants(child.pid)),
    async stop() {
      if (stopped) return;
      stopped = true;
      process.off("exit", killNow);
      watchdog.kill("SIGKILL");
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
      rmSync(dataRoot, { recursive: true, force: true });
    },
    // Printed in a notebook, the server shows where it is, not the bytes of its key.
    [inspect.custom]() {
      return `SftpServer(${host}:${port}, user '${username}', dataRoot '${dataRoot}'${stopped ? ", stopped" : ""})`;
    },
    toString() {
      return this[inspect.custom]();
    },
  };
  return server;
}

/**
 * Lets `user` log in and write: sshd reads authorized_keys as that user, so
 * the key folder must be readable (it holds no secret of anyone else; the
 * private keys stay 0600), and `dataRoot` becomes theirs.
 */
function giveTo(user: string, dir: string, dataRoot: string): void {
  const id = spawnSync("id", ["-u", user], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", user], { encoding: "utf8" });
  if (id.status !== 0 || gid.status !== 0) throw new RangeError(`startSftpServer: there is no user '${user}' here.`);
  chownSync(dataRoot, Number(id.stdout.trim()), Number(gid.stdout.trim()));
  chmodSync(dir, 0o755);
  chmodSync(path.join(dir, "authorized_keys"), 0o644);
}

/** Every process below `pid` (children, grandchildren, …), read from /proc (Linux). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of existsSync("/proc") ? readdirSync("/proc") : []) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // The process ended while we looked.
    }
    // The name (2nd field) is in parentheses and may contain spaces; the parent pid follows it.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    const list = parents.get(ppid) ?? [];
    list.push(Number(entry));
    parents.set(ppid, list);
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const c of parents.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/**
 * A tiny shell that kills sshd and removes its folders when this process goes
 * away in any way (even SIGKILL, when `process.on("exit")` never runs): it
 * blocks reading a pipe from us, and the pipe closes when we die.
 *
 * If sshd ends first (e.g. a Jupyter kernel's process group gets SIGTERM on
 * shutdown, which reaches sshd too), we tell the watchdog instead of killing
 * it: it then kills nothing (the pid may be reused) but still removes the
 * folders once this process is gone.
 */
function startWatchdog(sshd: ChildProcess, folders: readonly string[]): ChildProcess {
  const script = [
    "read line",
    'if [ "$line" = "sshd exited" ]; then read _; else kill -TERM "$0" 2>/dev/null; sleep 1; fi',
    'rm -rf "$@"',
  ].join("\n");
  const watchdog = spawn("/bin/sh", ["-c", script, String(sshd.pid), ...folders], {
    stdio: ["pipe", "ignore", "ignore"],
    detached: true,
  });
  // Neither the child nor its pipe may keep this process alive.
  watchdog.unref();
  const pipe = watchdog.stdin;
  (pipe as unknown as { unref?: () => void } | null)?.unref?.();
  // Writing to a watchdog that is gone (killed by stop()) must not become an unhandled error.
  pipe?.on("error", () => undefined);
  sshd.once("exit", () => {
    if (watchdog.exitCode === null && watchdog.signalCode === null) pipe?.write("sshd exited\n");
  });
  return watchdog;
}
