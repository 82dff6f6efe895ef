/**
 * How SFTPFileTransfer logs in and which host keys it trusts when options are
 * left out: encrypted keys, the SSH agent, ~/.ssh/known_hosts and the
 * default keys in ~/.ssh. Against a real OpenSSH sshd (see test/helpers/sshd.ts).
 *
 * `~` is what `os.homedir()` says (sftp.ts asks it each time). Jest gives the
 * tests a copy of the environment, so setting HOME here would not reach
 * `os.homedir()`; each test instead points `os.homedir()` at a fresh folder,
 * so the real home of the user running the tests is never read or written.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { FileNotAccessibleError } from "../../src/errors";
import { SFTPFileTransfer, type SFTPFileTransferOptions } from "../../src/transfer/sftp";
import { RemotePath } from "../../src/values/remote-path";
import { startSshd, type TestSshd } from "../helpers/sshd";
import { datasetWith, tempDir } from "./helpers";

// The module object itself (not an import-star copy), so that a spy on it is what src/transfer/sftp.ts sees.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an `import x = require()` is exactly that object
import os = require("node:os");

// Real logins and uploads: on a loaded machine (2 cores shared by several test runs) they take seconds.
jest.setTimeout(60_000);

let sshd: TestSshd;
let scratch: { dir: string; cleanup: () => void };
let counter = 0;
/** ssh-agents started by a test; each test must have stopped its own. */
const agents = new Set<Agent>();

beforeAll(async () => {
  sshd = await startSshd();
  scratch = tempDir("scitacean-sftp-login-");
}, 30_000);

afterAll(async () => {
  for (const agent of agents) await agent.stop();
  await sshd?.stop();
  scratch?.cleanup();
});

afterEach(async () => {
  const running = [...agents].filter((a) => a.running());
  for (const agent of running) await agent.stop();
  expect(running).toEqual([]);
});

/** A fresh case folder: `home` (empty; to become HOME), `work` (local files) and a remote folder (not created). */
function fresh(): { home: string; work: string; remote: string } {
  counter += 1;
  const base = path.join(scratch.dir, `case-${counter}`);
  const home = path.join(base, "home");
  const work = path.join(base, "work");
  mkdirSync(home, { recursive: true });
  mkdirSync(work, { recursive: true });
  return { home, work, remote: path.join(sshd.dataRoot, `case-${counter}`) };
}

/**
 * Runs `fn` with `~` (os.homedir()) at `HOME` and the environment variables
 * set (`undefined` = unset), restoring both afterwards.
 */
async function withEnv<T>(
  vars: { HOME: string } & Record<string, string | undefined>,
  fn: () => Promise<T>,
): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>): void => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  const home = jest.spyOn(os, "homedir").mockReturnValue(vars.HOME);
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
    home.mockRestore();
  }
}

/** Only where the server is; how to log in and which host keys to trust is left to each test. */
function serverOnly(): { host: string; port: number; username: string } {
  return { host: sshd.host, port: sshd.port, username: sshd.username };
}

/** Uploads two files with `options` and checks that they arrived; this proves the login worked. */
async function uploadWorks(options: SFTPFileTransferOptions, work: string, remote: string): Promise<void> {
  const files = { "a.txt": `hello ${remote}`, "sub/b.txt": "b" };
  const dset = datasetWith(work, files, remote);
  const connection = await new SFTPFileTransfer(options).connectForUpload(dset, new RemotePath(remote));
  try {
    await connection.uploadFiles(dset.files);
  } finally {
    await connection.close();
  }
  for (const [relative, content] of Object.entries(files)) {
    expect(readFileSync(path.join(remote, relative), "utf8")).toBe(content);
  }
}

/** The error of connecting with `options` (fails the test if it connects). */
async function connectError(options: SFTPFileTransferOptions, work: string): Promise<Error> {
  const error = await new SFTPFileTransfer(options)
    .connectForUpload(datasetWith(work, {}, "/x"), new RemotePath("/x"))
    .then(
      async (connection) => {
        await connection.close();
        return null;
      },
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(FileNotAccessibleError);
  return error as Error;
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(command, args, { encoding: "utf8", env });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed (${result.status}): ${result.stderr || String(result.error)}`);
  }
  return result.stdout;
}

/** Writes a private key file the way ssh-keygen would (0600), creating its folder. */
function writeKey(file: string, key: string | Buffer): string {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, key, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

/** The server's user key, encrypted with `passphrase` by ssh-keygen; the server still accepts it. */
function encryptedServerKey(file: string, passphrase: string): string {
  writeKey(file, sshd.privateKey);
  run("ssh-keygen", ["-q", "-p", "-P", "", "-N", passphrase, "-f", file]);
  return file;
}

/** A new key that the server does not accept. */
function unknownKey(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "not authorized", "-f", file]);
  return file;
}

interface Agent {
  readonly socket: string;
  /** `ssh-add` with this agent. */
  add(keyFile: string): void;
  /** Removes every key from the agent (`ssh-add -D`). */
  removeAll(): void;
  /** Number of keys the agent holds (`ssh-add -l`). */
  count(): number;
  running(): boolean;
  /** Kills the agent and waits until it is gone. */
  stop(): Promise<void>;
}

/** Starts `ssh-agent -D` (in the foreground, so its pid is ours to kill) on a socket in `dir`. */
async function startAgent(dir: string): Promise<Agent> {
  const socket = path.join(dir, "agent.sock");
  const child = spawn("ssh-agent", ["-D", "-a", socket], { stdio: "ignore" });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const env = { ...process.env, SSH_AUTH_SOCK: socket };
  const agent: Agent = {
    socket,
    add: (keyFile) => void run("ssh-add", ["-q", keyFile], env),
    removeAll: () => void run("ssh-add", ["-D"], env),
    count: () => {
      const listed = spawnSync("ssh-add", ["-l"], { encoding: "utf8", env });
      // ssh-add -l exits with 1 when the agent has no keys.
      return listed.status === 0 ? listed.stdout.trim().split("\n").length : 0;
    },
    running: () => !exited,
    async stop() {
      if (!exited) child.kill("SIGTERM");
      await exit;
      agents.delete(agent);
    },
  };
  agents.add(agent);
  for (let i = 0; i < 200 && !existsSync(socket) && !exited; i++) await new Promise((r) => setTimeout(r, 25));
  if (!existsSync(socket)) {
    await agent.stop();
    throw new Error("ssh-agent did not create its socket");
  }
  return agent;
}

describe("an encrypted private key", () => {
  it("logs in with the right passphrase, given as a key or as a key file", async () => {
    const { home, work, remote } = fresh();
    const file = encryptedServerKey(path.join(home, "locked_key"), "correct horse");
    const key = readFileSync(file);
    expect(key.equals(sshd.privateKey)).toBe(false);
    await withEnv({ HOME: home, SSH_AUTH_SOCK: undefined }, async () => {
      const base = { ...serverOnly(), knownHosts: sshd.knownHostsFile, agent: false as const };
      // Without the passphrase the key cannot be used at all, so a login below is the key's doing.
      expect((await connectError({ ...base, privateKey: key }, work)).message).toMatch(/encrypted; give its passphrase/);
      await uploadWorks({ ...base, privateKey: key, passphrase: "correct horse" }, work, `${remote}/as-key`);
      await uploadWorks({ ...base, privateKeyFile: file, passphrase: "correct horse" }, work, `${remote}/as-file`);
      // A key file below ~ can be named with ~.
      await uploadWorks({ ...base, privateKeyFile: "~/locked_key", passphrase: "correct horse" }, work, `${remote}/tilde`);
    });
  });
});

describe("the SSH agent", () => {
  it("is used from SSH_AUTH_SOCK when no key or password is given, for a whole upload", async () => {
    const { home, work, remote } = fresh();
    const agent = await startAgent(path.dirname(home));
    try {
      agent.add(writeKey(path.join(path.dirname(home), "agent_key"), sshd.privateKey));
      expect(agent.count()).toBe(1);
      // HOME has no keys, so only the agent can log in.
      await withEnv({ HOME: home, SSH_AUTH_SOCK: agent.socket }, async () => {
        const options = { ...serverOnly(), knownHosts: sshd.knownHostsFile };
        await uploadWorks(options, work, remote);
        // Without the key in the agent, the same transfer is refused, and the message says what was tried.
        agent.removeAll();
        expect(agent.count()).toBe(0);
        const error = await connectError(options, work);
        expect(error.message).toMatch(new RegExp(`refused the login as '${sshd.username}' .*\\(SSH agent\\)`));
      });
    } finally {
      await agent.stop();
    }
    expect(agent.running()).toBe(false);
  });

  it("is used from the agent option, and agent: false ignores SSH_AUTH_SOCK", async () => {
    const { home, work, remote } = fresh();
    const agent = await startAgent(path.dirname(home));
    try {
      agent.add(writeKey(path.join(path.dirname(home), "agent_key"), sshd.privateKey));
      const options = { ...serverOnly(), knownHosts: sshd.knownHostsFile };
      await withEnv({ HOME: home, SSH_AUTH_SOCK: undefined }, async () => {
        await uploadWorks({ ...options, agent: agent.socket }, work, remote);
      });
      await withEnv({ HOME: home, SSH_AUTH_SOCK: agent.socket }, async () => {
        const error = await connectError({ ...options, agent: false }, work);
        expect(error.message).toMatch(/No way to log in to SFTP host/);
      });
    } finally {
      await agent.stop();
    }
  });
});

describe("~/.ssh/known_hosts", () => {
  /** Login without the agent and without the knownHosts option, so that the default known_hosts is used. */
  function withoutKnownHosts(): SFTPFileTransferOptions {
    return { ...serverOnly(), privateKey: sshd.privateKey, agent: false };
  }

  /** The server's host key fingerprint as OpenSSH prints it, e.g. `SHA256:abc…`. */
  function serverFingerprint(): string {
    const line = run("ssh-keygen", ["-l", "-f", sshd.knownHostsFile]);
    return line.split(/\s+/)[1] as string;
  }

  it("is checked when knownHosts is not given: the server's entry there lets it connect", async () => {
    const { home, work, remote } = fresh();
    mkdirSync(path.join(home, ".ssh"), { mode: 0o700 });
    writeFileSync(
      path.join(home, ".ssh", "known_hosts"),
      `other.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIc\n${sshd.knownHostsLine}\n`,
    );
    await withEnv({ HOME: home, SSH_AUTH_SOCK: undefined }, () => uploadWorks(withoutKnownHosts(), work, remote));
  });

  it.each([
    ["there is no ~/.ssh", null],
    ["~/.ssh/known_hosts lacks the server", "other.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIc\n"],
  ])("refuses an unknown server when %s, saying how to accept it; accepting it works", async (_, content) => {
    const { home, work, remote } = fresh();
    const knownHosts = path.join(home, ".ssh", "known_hosts");
    if (content !== null) {
      mkdirSync(path.dirname(knownHosts), { mode: 0o700 });
      writeFileSync(knownHosts, content);
    }
    await withEnv({ HOME: home, SSH_AUTH_SOCK: undefined }, async () => {
      const error = await connectError(withoutKnownHosts(), work);
      const message = error.message;
      expect(message).toContain(`The host key of SFTP host '${sshd.host}:${sshd.port}' is not known`);
      expect(message).toContain(`not in ${knownHosts}, /etc/ssh/ssh_known_hosts`);
      expect(message).toContain(`ssh-ed25519 ${serverFingerprint()}`);
      expect(message).toContain(`\`ssh -p ${sshd.port} ${sshd.username}@${sshd.host}\``);
      expect(message).toMatch(/knownHosts .* or hostVerifier/);
      // Nothing was written to known_hosts: trusting the key is the user's decision.
      expect(content === null ? existsSync(knownHosts) : readFileSync(knownHosts, "utf8")).toBe(content ?? false);

      // Accepting the key (here with ssh-keyscan rather than an interactive ssh) lets the same transfer connect.
      const scanned = run("ssh-keyscan", ["-t", "ed25519", "-p", String(sshd.port), sshd.host]);
      expect(scanned).toContain(`[${sshd.host}]:${sshd.port} ssh-ed25519 `);
      mkdirSync(path.dirname(knownHosts), { recursive: true, mode: 0o700 });
      writeFileSync(knownHosts, scanned, { flag: "a" });
      await uploadWorks(withoutKnownHosts(), work, remote);
    });
  });

  it("refuses a changed host key, naming ~/.ssh/known_hosts", async () => {
    const { home, work } = fresh();
    const other = unknownKey(path.join(path.dirname(home), "other_host_key"));
    const otherKey = readFileSync(`${other}.pub`, "utf8").split(" ").slice(0, 2).join(" ");
    const knownHosts = path.join(home, ".ssh", "known_hosts");
    mkdirSync(path.dirname(knownHosts), { mode: 0o700 });
    writeFileSync(knownHosts, `[${sshd.host}]:${sshd.port} ${otherKey}\n`);
    await withEnv({ HOME: home, SSH_AUTH_SOCK: undefined }, async () => {
      const error = await connectError(withoutKnownHosts(), work);
      expect(error.message).toContain(`does not match the one in ${knownHosts}`);
      expect(error.message).toContain(`ssh-keygen -R "[${sshd.host}]:${sshd.port}"`);
    });
  });
});

describe("the default keys in ~/.ssh", () => {
  /** Nothing about logging in: no password, no key, no agent (SSH_AUTH_SOCK is unset in these tests). */
  function nothingGiven(): SFTPFileTransferOptions {
    return { ...serverOnly(), knownHosts: sshd.knownHostsFile };
  }

  it("logs in with ~/.ssh/id_ed25519 when nothing else is given", async () => {
    const { home, work, remote } = fresh();
    writeKey(path.join(home, ".ssh", "id_ed25519"), sshd.privateKey);
    await withEnv({ HOME: home, SSH_AUTH_SOCK: undefined }, () => uploadWorks(nothingGiven(), work, remote));
  });

  it("tries every default key, not only the first one", async () => {
    const { home, work, remote } = fresh();
    unknownKey(path.join(home, ".ssh", "id_ed25519"));
    // id_rsa is tried last; what matters is the file name, whatever the type of the key in it.
    writeKey(path.join(home, ".ssh", "id_rsa"), sshd.privateKey);
    await withEnv({ HOME: home, SSH_AUTH_SOCK: undefined }, () => uploadWorks(nothingGiven(), work, remote));
  });

  it("is refused with a message naming the keys in ~/.ssh when the server does not accept them", async () => {
    const { home, work } = fresh();
    unknownKey(path.join(home, ".ssh", "id_ed25519"));
    await withEnv({ HOME: home, SSH_AUTH_SOCK: undefined }, async () => {
      const error = await connectError(nothingGiven(), work);
      expect(error.message).toMatch(new RegExp(`refused the login as '${sshd.username}' .*\\(keys in ~/\\.ssh\\)`));
    });
  });

  it("skips an encrypted default key without a passphrase and says how to log in", async () => {
    const { home, work } = fresh();
    encryptedServerKey(path.join(home, ".ssh", "id_ed25519"), "secret");
    await withEnv({ HOME: home, SSH_AUTH_SOCK: undefined }, async () => {
      const error = await connectError(nothingGiven(), work);
      expect(error.message).toMatch(/No way to log in to SFTP host .*put a key in ~\/\.ssh \(with the passphrase option if it is encrypted\)/);
    });
  });

  it("decrypts an encrypted default key with the passphrase option, as paramiko does", async () => {
    const { home, work, remote } = fresh();
    encryptedServerKey(path.join(home, ".ssh", "id_ed25519"), "secret");
    await withEnv({ HOME: home, SSH_AUTH_SOCK: undefined }, () =>
      uploadWorks({ ...nothingGiven(), passphrase: "secret" }, work, remote),
    );
    await withEnv({ HOME: home, SSH_AUTH_SOCK: undefined }, async () => {
      const error = await connectError({ ...nothingGiven(), passphrase: "wrong" }, work);
      expect(error.message).toMatch(/No way to log in to SFTP host \S+ \(the passphrase does not decrypt ~\/\.ssh\/id_ed25519\)/);
    });
  });

  it("are not used when a private key is given", async () => {
    const { home, work } = fresh();
    writeKey(path.join(home, ".ssh", "id_ed25519"), sshd.privateKey);
    const wrong = readFileSync(unknownKey(path.join(path.dirname(home), "wrong")));
    await withEnv({ HOME: home, SSH_AUTH_SOCK: undefined }, async () => {
      const error = await connectError({ ...nothingGiven(), privateKey: wrong }, work);
      expect(error.message).toMatch(/refused the login .*\(private key\)/);
    });
  });
});
