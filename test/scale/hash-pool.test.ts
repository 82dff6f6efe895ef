/**
 * Hashing in worker threads: the pool behind checksumOfFile for large files.
 */
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checksumOfFile, WORKER_HASH_MIN_BYTES } from "../../src/values/filesystem";
import { HashPool, hashPool } from "../../src/values/hash-pool";

jest.setTimeout(120_000);

let dir: string;
const contents = new Map<string, Buffer>();
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "scitacean-hash-pool-"));
  for (const [name, size] of [["small", 1000], ["edge", WORKER_HASH_MIN_BYTES], ["big", 3 * WORKER_HASH_MIN_BYTES + 17]] as const) {
    const content = randomBytes(size);
    writeFileSync(path.join(dir, name), content);
    contents.set(name, content);
  }
  for (let i = 0; i < 6; i++) {
    const content = randomBytes(WORKER_HASH_MIN_BYTES + i);
    writeFileSync(path.join(dir, `many${i}`), content);
    contents.set(`many${i}`, content);
  }
});
afterAll(async () => {
  await hashPool.close();
  rmSync(dir, { recursive: true, force: true });
});

const expected = (name: string, algorithm = "blake2b512"): string =>
  createHash(algorithm).update(contents.get(name) as Buffer).digest("hex");

describe("checksumOfFile", () => {
  it("gives the same digest for small files (read here) and large ones (hashed in a worker)", async () => {
    for (const name of ["small", "edge", "big"]) {
      expect(await checksumOfFile(path.join(dir, name), { algorithm: "blake2b" })).toBe(expected(name));
      expect(await checksumOfFile(path.join(dir, name), { algorithm: "sha256" })).toBe(expected(name, "sha256"));
    }
  });

  it("reports the bytes of a large file chunk by chunk, ending with its size", async () => {
    const seen: number[] = [];
    await checksumOfFile(path.join(dir, "big"), { algorithm: "md5", onBytes: (b) => seen.push(b) });
    expect(seen).toEqual([1, 2, 3, 3].map((k, i) => (i < 3 ? k * WORKER_HASH_MIN_BYTES : 3 * WORKER_HASH_MIN_BYTES + 17)));
  });

  it("hashes many files at once on several threads, each with its own digest", async () => {
    const names = Array.from({ length: 6 }, (_, i) => `many${i}`);
    const digests = await Promise.all(names.map((n) => checksumOfFile(path.join(dir, n), { algorithm: "blake2b" })));
    expect(digests).toEqual(names.map((n) => expected(n)));
    expect(hashPool.threads).toBeGreaterThanOrEqual(2);
    expect(hashPool.threads).toBeLessThanOrEqual(hashPool.size);
  });

  it("fails like a read for a missing file, and the pool keeps working", async () => {
    await expect(checksumOfFile(path.join(dir, "missing"), { algorithm: "blake2b" })).rejects.toMatchObject({ code: "ENOENT" });
    expect(await checksumOfFile(path.join(dir, "big"), { algorithm: "blake2b" })).toBe(expected("big"));
  });
});

describe("HashPool", () => {
  it("stops a job when its signal aborts, with the signal's reason, and takes the next job", async () => {
    const pool = new HashPool(1);
    try {
      const controller = new AbortController();
      const reason = new Error("stop");
      const job = pool.hash({
        path: path.join(dir, "big"),
        hashName: "blake2b512",
        signal: controller.signal,
        onBytes: () => controller.abort(reason),
      });
      await expect(job).rejects.toBe(reason);
      const after = await pool.hash({ path: path.join(dir, "many1"), hashName: "blake2b512" });
      expect(after).toBe(expected("many1"));
      await expect(pool.hash({ path: path.join(dir, "big"), hashName: "md5", signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    } finally {
      await pool.close();
    }
  });

  it("a worker that reports an error fails its job only", async () => {
    const pool = new HashPool(2);
    try {
      const results = await Promise.allSettled([
        pool.hash({ path: path.join(dir, "big"), hashName: "no-such-hash" }),
        pool.hash({ path: path.join(dir, "big"), hashName: "sha256" }),
      ]);
      expect(results[0]).toMatchObject({ status: "rejected" });
      expect(results[1]).toEqual({ status: "fulfilled", value: expected("big", "sha256") });
    } finally {
      await pool.close();
    }
  });

  it("never keeps a finished program alive, but keeps it alive while it hashes", () => {
    // Resources that keep the event loop alive, listed once the digest is in and while a job runs.
    const script = `
      const { checksumOfFile } = require(${JSON.stringify(path.resolve(__dirname, "../../dist/values/filesystem"))});
      const file = ${JSON.stringify(path.join(dir, "big"))};
      checksumOfFile(file, { algorithm: "blake2b" }).then((digest) => {
        setImmediate(() => {
          const idle = process.getActiveResourcesInfo();
          checksumOfFile(file, { algorithm: "md5" });
          const busy = process.getActiveResourcesInfo();
          console.log(JSON.stringify({ digest, idle, busy }));
        });
      });
    `;
    const result = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 60_000 });
    expect(result.status).toBe(0);
    const { digest, idle, busy } = JSON.parse(result.stdout) as { digest: string; idle: string[]; busy: string[] };
    expect(digest).toBe(expected("big"));
    // (stdout and stderr are pipes here; those are the test's, not the pool's.)
    expect(idle.filter((r) => r !== "PipeWrap")).toEqual([]);
    expect(busy).toContain("MessagePort");
  });
});
