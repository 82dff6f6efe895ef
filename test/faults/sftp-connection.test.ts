/**
 * Fault injection on the SSH connection, against a real OpenSSH sshd and the
 * SciCat stand-in: the sshd session is killed or stopped, or the network
 * (a TCP proxy between client and sshd) resets, closes or silently drops the
 * connection — at seeded random points of uploads, downloads and reverts.
 *
 * After each fault: the operation failed within its bound with an error
 * naming the host and file, nothing incomplete has a final name, nothing is
 * left unless the error lists it, and a retry succeeds.
 */
import { existsSync, readdirSync } from "node:fs";
import * as path from "node:path";
import type { UploadProgress } from "../../src/client/client";
import { FileNotAccessibleError, FileUploadError, PartialUploadError, ScicatCommError } from "../../src/errors";
import type { SFTPFileTransferOptions } from "../../src/transfer/sftp";
import { seededRng, TcpProxy, type NetworkFault } from "../helpers/faults";
import {
  expectConsistentAfterFault,
  expectRetrySucceeds,
  faultCase,
  expectDownloadConsistentAndRetried,
  faultClient,
  failureOf,
  useFaultServers,
  listedLeftovers,
  type FaultCase,
} from "./fixture";

const rng = seededRng("sftp-connection");
/** Moderate sizes: big enough to be cut mid-file, small enough for 2 loaded cores. */
const SIZES = [6_000_000, 9_000_000, 5_000_000];

const env = useFaultServers("sftp");

afterEach(() => {
  // Nothing stopped by a test may stay stopped.
  for (const pid of env.sshd.sessionPids()) signal(pid, "SIGCONT");
});

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

function killSessions(): void {
  for (const pid of env.sshd.sessionPids()) signal(pid, "SIGKILL");
}

function newCase(): FaultCase {
  return faultCase(env.localRoot, env.sshd.dataRoot, SIZES);
}

/**
 * A byte offset at which a fault still hits the transfer: before the last
 * file (progress events come about every MiB, so a point in the last one
 * could fall after its last write).
 */
function randomOffset(c: FaultCase, from = 1): number {
  return rng.int(from, c.totalBytes - (SIZES[SIZES.length - 1] as number));
}

/** When the last fault was injected (ms since the epoch). */
let faultAt = 0;

/** Milliseconds since the last fault was injected. */
function sinceFault(): number {
  return Date.now() - faultAt;
}

/** Calls `act` once the upload has moved `offset` bytes, and notes the time. */
function atOffset(offset: number, act: () => void): (p: UploadProgress) => void {
  let done = false;
  return (p) => {
    if (done || p.phase !== "uploading" || p.bytesDone < offset) return;
    done = true;
    faultAt = Date.now();
    act();
  };
}

function log(message: string): void {
  process.stdout.write(`[faults] ${message}\n`);
}

/** Fast timings for the tests that wait for a silent network (the defaults are checked separately). */
const FAST: Partial<SFTPFileTransferOptions> = { keepaliveInterval: 1_000, keepaliveCountMax: 2, requestTimeout: 4_000, readyTimeout: 4_000 };

describe("the env.sshd session dies mid-upload", () => {
  it.each([1, 2, 3])(
    "killed at a random byte offset (run %i): rejects at once, removes what it wrote, a retry succeeds",
    async () => {
      const c = newCase();
      const offset = randomOffset(c);
      const client = faultClient(env.scicat.url, env.scicat, env.sshd.transferOptions());
      const { error } = await failureOf(
        client.uploadNewDatasetNow(c.dataset(), { onProgress: atOffset(offset, killSessions) }),
      );
      const ms = sinceFault();
      log(`session killed at byte ${offset} of ${c.totalBytes}: rejected ${ms} ms later (cleanup included)`);
      expect(error).toBeInstanceOf(FileUploadError);
      const message = (error as Error).message;
      expect(message).toContain(`SFTP host '${env.sshd.host}:${env.sshd.port}'`);
      expect(message).toMatch(/Lost the connection to SFTP host .* while (writing|creating|closing|checking|renaming) '/);
      expect(message).toMatch(new RegExp(`'${c.sourceFolder}/`));
      // Detected at once (the connection closes); the bound is the default requestTimeout, not hit here.
      expect(ms).toBeLessThan(30_000);
      // Cleaned up over a new connection: nothing at all is left.
      expect(existsSync(c.sourceFolder) ? readdirSync(c.sourceFolder) : []).toEqual([]);
      expectConsistentAfterFault(c, error, env.scicat);
      await expectRetrySucceeds(c, error, client, env.scicat);
    },
    90_000,
  );
});

describe("the network fails mid-upload (TCP proxy)", () => {
  let proxy: TcpProxy;
  beforeEach(async () => {
    proxy = await TcpProxy.start(env.sshd.port);
  });
  afterEach(async () => {
    await proxy.stop();
  });

  function viaProxy(extra: Partial<SFTPFileTransferOptions> = {}): SFTPFileTransferOptions {
    // The host key is the same; known_hosts names the port, so accept exactly env.sshd's key.
    const key = env.sshd.knownHostsLine.split(/\s+/)[2] as string;
    return {
      ...env.sshd.transferOptions(),
      port: proxy.port,
      knownHosts: undefined,
      hostVerifier: (k: Buffer) => k.equals(Buffer.from(key, "base64")),
      ...extra,
    };
  }

  it.each<[NetworkFault]>([["reset"], ["close"]])(
    "connection %s at a random offset: rejects at once, cleans up over a new connection, a retry succeeds",
    async (fault) => {
      const c = newCase();
      const offset = randomOffset(c);
      const client = faultClient(env.scicat.url, env.scicat, viaProxy());
      const { error } = await failureOf(
        client.uploadNewDatasetNow(c.dataset(), { onProgress: atOffset(offset, () => proxy.cut(fault)) }),
      );
      const ms = sinceFault();
      log(`connection ${fault} at byte ${offset}: rejected ${ms} ms later (cleanup included)`);
      expect(error).toBeInstanceOf(FileUploadError);
      expect((error as Error).message).toMatch(/Lost the connection to SFTP host '127\.0\.0\.1:\d+' while/);
      expect(ms).toBeLessThan(30_000);
      expect(listedLeftovers(error)).toEqual([]);
      expectConsistentAfterFault(c, error, env.scicat);
      await expectRetrySucceeds(c, error, client, env.scicat);
    },
    90_000,
  );

  it("silent network with default timings: noticed within 30 s, cleaned up over a new connection", async () => {
    const c = newCase();
    const offset = randomOffset(c);
    const client = faultClient(env.scicat.url, env.scicat, viaProxy());
    const { error } = await failureOf(
      client.uploadNewDatasetNow(c.dataset(), { onProgress: atOffset(offset, () => proxy.cut("silent")) }),
    );
    const ms = sinceFault();
    log(`silent network at byte ${offset}, default timings: rejected ${ms} ms later (cleanup included)`);
    expect(error).toBeInstanceOf(FileUploadError);
    expect((error as Error).message).toMatch(
      /Lost the connection to SFTP host '127\.0\.0\.1:\d+' while .*: the server did not answer (keep-alives|for)/,
    );
    // Detection ≤ 30 s by default; the cleanup over a new connection adds a moment.
    expect(ms).toBeLessThan(45_000);
    expectConsistentAfterFault(c, error, env.scicat);
    await expectRetrySucceeds(c, error, client, env.scicat);
  }, 90_000);

  it("silent network that stays down: the error lists exactly what is left, temporary names included", async () => {
    const c = newCase();
    const offset = randomOffset(c, SIZES[0] as number); // After the first file has its name.
    const client = faultClient(env.scicat.url, env.scicat, viaProxy(FAST));
    const { error } = await failureOf(
      client.uploadNewDatasetNow(c.dataset(), { onProgress: atOffset(offset, () => proxy.cut("silent", "blackhole")) }),
    );
    const ms = sinceFault();
    log(`silent network (staying down) at byte ${offset}: rejected ${ms} ms later`);
    expect(error).toBeInstanceOf(PartialUploadError);
    const partial = error as PartialUploadError;
    expect(partial.pid).toBeNull();
    expect(partial.message).toMatch(/Remove them by hand/);
    // The finished first file, and the temporary file being written, both by name.
    expect(partial.uploadedFiles).toContain(path.join(c.sourceFolder, "f0.bin"));
    expect(partial.uploadedFiles.some((f) => /\/\.f\d\.bin\.[0-9a-f]{8}\.part$/.test(f))).toBe(true);
    for (const f of partial.uploadedFiles) expect(partial.message).toContain(f);
    expectConsistentAfterFault(c, error, env.scicat);
    proxy.restore();
    await expectRetrySucceeds(c, error, client, env.scicat);
  }, 90_000);
});

describe("the server stops answering", () => {
  it("a stalled request fails after requestTimeout (keep-alives off); cleanup over a new connection", async () => {
    const c = newCase();
    const offset = randomOffset(c);
    const stopped: number[] = [];
    const client = faultClient(env.scicat.url, env.scicat, {
      ...env.sshd.transferOptions(),
      keepaliveInterval: 0,
      requestTimeout: 3_000,
    });
    const { error } = await failureOf(
      client.uploadNewDatasetNow(c.dataset(), {
        onProgress: atOffset(offset, () => {
          for (const pid of env.sshd.sessionPids()) {
            signal(pid, "SIGSTOP");
            stopped.push(pid);
          }
        }),
      }),
    );
    const ms = sinceFault();
    log(`session stopped at byte ${offset}: rejected ${ms} ms later (cleanup included)`);
    for (const pid of stopped) signal(pid, "SIGKILL");
    expect(error).toBeInstanceOf(FileUploadError);
    expect((error as Error).message).toMatch(/the server did not answer for \d+ s \(requestTimeout is 3 s/);
    expectConsistentAfterFault(c, error, env.scicat);
    await expectRetrySucceeds(c, error, client, env.scicat);
  }, 90_000);

  it("the revert itself stalls: it too fails over to a new connection and removes the files", async () => {
    const c = newCase();
    const stopped: number[] = [];
    const client = faultClient(env.scicat.url, env.scicat, { ...env.sshd.transferOptions(), requestTimeout: 3_000 });
    env.scicat.failNext("POST /datasets", 500);
    const { error, ms } = await failureOf(
      client.uploadNewDatasetNow(c.dataset(), {
        onProgress: (p) => {
          // The files are uploaded; the next SFTP requests are the revert's.
          if (p.phase !== "creating-dataset" || stopped.length > 0) return;
          for (const pid of env.sshd.sessionPids()) {
            signal(pid, "SIGSTOP");
            stopped.push(pid);
          }
        },
      }),
    );
    log(`session stopped before the revert: rejected after ${ms} ms`);
    for (const pid of stopped) signal(pid, "SIGKILL");
    expect(stopped.length).toBeGreaterThan(0);
    if (!(error instanceof ScicatCommError)) throw error;
    // SciCat's refusal is what the user sees; the files were removed despite the stalled connection.
    expect(error).toBeInstanceOf(ScicatCommError);
    expect(existsSync(c.sourceFolder) ? readdirSync(c.sourceFolder) : []).toEqual([]);
    expectConsistentAfterFault(c, error, env.scicat);
    await expectRetrySucceeds(c, error, client, env.scicat);
  }, 90_000);
});

describe("the env.sshd session dies mid-download", () => {
  it("rejects, leaves nothing under the local name, and a retry downloads the file whole", async () => {
    const c = newCase();
    const client = faultClient(env.scicat.url, env.scicat, env.sshd.transferOptions());
    const uploaded = await client.uploadNewDatasetNow(c.dataset());
    const target = path.join(env.localRoot, `download-${path.basename(c.remoteRoot)}`);
    const offset = randomOffset(c);
    let killed = false;
    const { error, ms } = await failureOf(
      client.downloadFiles(uploaded, {
        target,
        onProgress: (p) => {
          if (killed || p.bytesDone < offset) return;
          killed = true;
          killSessions();
        },
      }),
    );
    log(`session killed at byte ${offset} of a download: rejected after ${ms} ms`);
    expect(error).toBeInstanceOf(FileNotAccessibleError);
    expect((error as Error).message).toMatch(/Lost the connection to SFTP host .* while (reading|checking) '/);
    await expectDownloadConsistentAndRetried(c, target, client, uploaded);
  }, 90_000);
});
