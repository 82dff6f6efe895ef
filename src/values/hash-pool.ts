/**
 * Checksums of local files computed in worker threads, so that the files of
 * a dataset are hashed on every core at once and the main thread (the
 * notebook kernel, a transfer encrypting data) stays free.
 *
 * A worker reads and hashes one whole file per job; the main thread only
 * passes the path and receives progress and the digest. Workers start on
 * first use and stop when they have been idle for a while, and they never
 * keep a finished program alive.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

/**
 * The worker's program. Plain JavaScript in a string, so that it runs the
 * same from the built package and from the TypeScript sources under jest.
 * It reads synchronously: a worker has nothing else to do, and it checks
 * the cancel flag (shared memory, because a busy worker reads no messages)
 * between chunks.
 */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const fs = require("node:fs");
let buffer = null;
parentPort.on("message", ({ id, path, hashName, chunk, cancel }) => {
  const flag = new Int32Array(cancel);
  if (buffer === null || buffer.length !== chunk) buffer = Buffer.allocUnsafe(chunk);
  let fd = null;
  try {
    fd = fs.openSync(path, "r");
    const hash = createHash(hashName);
    let done = 0;
    for (;;) {
      if (Atomics.load(flag, 0) !== 0) return parentPort.postMessage({ id, cancelled: true });
      const n = fs.readSync(fd, buffer, 0, chunk, null);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      done += n;
      parentPort.postMessage({ id, bytes: done });
    }
    parentPort.postMessage({ id, digest: hash.digest("hex") });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: String(error && error.message), code: error && error.code } });
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
});
`;

/** What the worker sends back about a job. */
type WorkerMessage =
  | { id: number; bytes: number }
  | { id: number; digest: string }
  | { id: number; cancelled: true }
  | { id: number; error: { message: string; code?: string } };

/** One file to hash. */
export interface HashJob {
  /** Path of the local file. */
  path: string;
  /** OpenSSL name of the hash (`blake2b512`, not `blake2b`). */
  hashName: string;
  /** Called with the bytes hashed so far, after each chunk. */
  onBytes?: (bytesDone: number) => void;
  /** Stops hashing between chunks; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

interface Running {
  readonly id: number;
  readonly job: HashJob;
  readonly resolve: (digest: string) => void;
  readonly reject: (error: unknown) => void;
  readonly onAbort: () => void;
}

interface Queued {
  readonly job: HashJob;
  readonly resolve: (digest: string) => void;
  readonly reject: (error: unknown) => void;
}

interface PoolWorker {
  readonly worker: Worker;
  readonly cancel: Int32Array;
  running: Running | null;
}

/** How long a worker waits for more work before it stops, in ms. */
const IDLE_MS = 2000;

/** Read size in the workers: as in `checksumOfFile`, 1 MiB keeps memory flat and the hash at full speed. */
const CHUNK = 1024 * 1024;

/**
 * A fixed number of hashing threads with a queue of files. Use the shared
 * {@link hashPool}; a pool of one's own is for tests.
 */
export class HashPool {
  readonly size: number;
  #workers: PoolWorker[] = [];
  #queue: Queued[] = [];
  #nextId = 0;
  #idleTimer: NodeJS.Timeout | null = null;

  /** @param size - number of threads; default one per core (at least two, at most eight). */
  constructor(size = Math.min(8, Math.max(2, availableParallelism()))) {
    this.size = size;
  }

  /** Number of threads running now (they stop when idle). */
  get threads(): number {
    return this.#workers.length;
  }

  /** The hex digest of a file, computed in a worker thread. */
  hash(job: HashJob): Promise<string> {
    try {
      job.signal?.throwIfAborted();
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<string>((resolve, reject) => {
      this.#queue.push({ job, resolve, reject });
      this.#dispatch();
    });
  }

  /** Stops every thread now; running jobs fail. For tests and shutdown. */
  async close(): Promise<void> {
    const workers = this.#workers;
    this.#workers = [];
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      let free = this.#workers.find((w) => w.running === null);
      if (!free && this.#workers.length < this.size) free = this.#spawn();
      if (!free) return;
      const next = this.#queue.shift() as Queued;
      this.#start(free, next.job, next.resolve, next.reject);
    }
    this.#scheduleIdleStop();
  }

  #spawn(): PoolWorker {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    const entry: PoolWorker = { worker, cancel: new Int32Array(new SharedArrayBuffer(4)), running: null };
    worker.on("message", (message: WorkerMessage) => this.#onMessage(entry, message));
    const fail = (error: unknown): void => {
      this.#workers = this.#workers.filter((w) => w !== entry);
      const running = entry.running;
      entry.running = null;
      if (running) {
        running.job.signal?.removeEventListener("abort", running.onAbort);
        running.reject(error instanceof Error ? error : new Error(`The hashing thread stopped: ${String(error)}`));
      }
      this.#dispatch();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (this.#workers.includes(entry)) fail(new Error(`The hashing thread stopped with exit code ${code}.`));
    });
    this.#workers.push(entry);
    return entry;
  }

  #start(entry: PoolWorker, job: HashJob, resolve: (d: string) => void, reject: (e: unknown) => void): void {
    const id = this.#nextId++;
    Atomics.store(entry.cancel, 0, 0);
    const onAbort = (): void => void Atomics.store(entry.cancel, 0, 1);
    entry.running = { id, job, resolve, reject, onAbort };
    job.signal?.addEventListener("abort", onAbort, { once: true });
    // A busy worker keeps the program alive (it is awaited); an idle one must not.
    entry.worker.ref();
    entry.worker.postMessage({ id, path: job.path, hashName: job.hashName, chunk: CHUNK, cancel: entry.cancel.buffer });
  }

  #onMessage(entry: PoolWorker, message: WorkerMessage): void {
    const running = entry.running;
    if (running === null || running.id !== message.id) return;
    if ("bytes" in message) {
      running.job.onBytes?.(message.bytes);
      return;
    }
    entry.running = null;
    entry.worker.unref();
    running.job.signal?.removeEventListener("abort", running.onAbort);
    if ("digest" in message) running.resolve(message.digest);
    else if ("cancelled" in message) running.reject(running.job.signal?.reason ?? new Error("Hashing was cancelled."));
    else running.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
    this.#dispatch();
  }

  #scheduleIdleStop(): void {
    if (this.#idleTimer !== null) clearTimeout(this.#idleTimer);
    if (this.#workers.length === 0) return;
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = null;
      const idle = this.#workers.filter((w) => w.running === null);
      this.#workers = this.#workers.filter((w) => w.running !== null);
      for (const w of idle) void w.worker.terminate();
    }, IDLE_MS);
    this.#idleTimer.unref();
  }
}

/** The pool that `checksumOfFile` uses for large files. */
export const hashPool = new HashPool();
