/**
 * A real OpenSSH server for the transfer tests: `/usr/sbin/sshd` with its own
 * config, host key and user key in a temporary folder, listening on
 * 127.0.0.1 on a free port. Nothing of the system's sshd setup is used or
 * changed, except that `/run/sshd` is created when running as root because
 * sshd refuses to start without its privilege separation directory.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import * as os from "node:os";
import * as path from "node:path";

/** A running test sshd. */
export interface TestSshd {
  readonly host: string;
  readonly port: number;
  /** The user to log in as: the user running the tests. */
  readonly username: string;
  /** OpenSSH private key (unencrypted) that the server accepts for `username`. */
  readonly privateKey: Buffer;
  /** Public half of {@link TestSshd.privateKey}, as in `authorized_keys`. */
  readonly publicKey: string;
  /** A `known_hosts` line for this server: `[127.0.0.1]:PORT ssh-ed25519 AAAA…`. */
  readonly knownHostsLine: string;
  /** A `known_hosts` file containing only {@link TestSshd.knownHostsLine}. */
  readonly knownHostsFile: string;
  /** A temporary folder for the tests' remote files (the server sees the same paths). */
  readonly dataRoot: string;
  /** What sshd wrote to stderr so far, for diagnosing failed tests. */
  log(): string;
  /** Stops the server and removes its temporary folders. */
  stop(): Promise<void>;
}

export const SSHD_BINARY = "/usr/sbin/sshd";

/** True if this machine can run the test sshd. */
export function sshdAvailable(): boolean {
  return existsSync(SSHD_BINARY) && spawnSync("ssh-keygen", ["-?"], { stdio: "ignore" }).error === undefined;
}

function keygen(file: string, comment: string): void {
  const result = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file], {
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`ssh-keygen failed for ${file}: ${result.stderr || result.error}`);
}

async function freePort(): Promise<number> {
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

/** Starts a test sshd; call `stop()` in `afterAll`. */
export async function startSshd(): Promise<TestSshd> {
  if (!sshdAvailable()) {
    throw new Error(
      `The SFTP tests need OpenSSH's server (${SSHD_BINARY}) and ssh-keygen. On Debian: apt-get install openssh-server.`,
    );
  }
  ensurePrivsepDir();
  const dir = mkdtempSync(path.join(os.tmpdir(), "scitacean-sshd-"));
  const dataRoot = mkdtempSync(path.join(os.tmpdir(), "scitacean-sftp-data-"));
  try {
    keygen(path.join(dir, "host_ed25519"), "scitacean test host");
    keygen(path.join(dir, "user_ed25519"), "scitacean test user");
    writeFileSync(path.join(dir, "authorized_keys"), readFileSync(path.join(dir, "user_ed25519.pub")));
    // A port can be taken between probing and binding; retry a few times.
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      try {
        return await launch(dir, dataRoot, port);
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

async function launch(dir: string, dataRoot: string, port: number): Promise<TestSshd> {
  const host = "127.0.0.1";
  const username = os.userInfo().username;
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
  const child = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
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
    const timer = setTimeout(() => done(new Error(`sshd did not start within 10 s:\n${stderr}`)), 10_000);
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

  // A test process that ends without stop() (a crash, an unhandled error) still takes sshd and its files along.
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
  return {
    host,
    port,
    username,
    privateKey: readFileSync(path.join(dir, "user_ed25519")),
    publicKey: readFileSync(path.join(dir, "user_ed25519.pub"), "utf8").trim(),
    knownHostsLine,
    knownHostsFile,
    dataRoot,
    log: () => stderr,
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
  };
}

/**
 * A tiny shell that kills sshd and removes its folders when this process goes
 * away in any way (even SIGKILL, when `process.on("exit")` never runs): it
 * blocks reading a pipe from us, and the pipe closes when we die.
 */
function startWatchdog(sshd: ChildProcess, folders: readonly string[]): ChildProcess {
  const script = 'read _ ; kill -TERM "$0" 2>/dev/null; sleep 1; rm -rf "$@"';
  const watchdog = spawn("/bin/sh", ["-c", script, String(sshd.pid), ...folders], {
    stdio: ["pipe", "ignore", "ignore"],
    detached: true,
  });
  // Neither the child nor its pipe may keep the test process alive.
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  sshd.once("exit", () => watchdog.kill("SIGKILL"));
  return watchdog;
}
