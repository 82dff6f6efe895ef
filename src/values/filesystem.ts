import { boundText } from "./bounded";
import { createHash, getHashes } from "node:crypto";
import { stat } from "node:fs/promises";
import { closeSync, fstatSync, openSync, readFileSync, statSync } from "node:fs";
import { hashPool } from "./hash-pool";

// Python's hashlib names (what SciCat stores in `chkAlg`) → OpenSSL names used by Node.
const OPENSSL_NAMES: Readonly<Record<string, string>> = {
  blake2b: "blake2b512",
  blake2s: "blake2s256",
  "sha3-224": "sha3-224",
  "sha3-256": "sha3-256",
  "sha3-384": "sha3-384",
  "sha3-512": "sha3-512",
};

/** The default checksum algorithm, as in Scitacean. */
export const DEFAULT_CHECKSUM_ALGORITHM = "blake2b";

/**
 * The Node (OpenSSL) name for a checksum algorithm given by its SciCat/Python
 * name, or `null` if this machine cannot compute it.
 */
export function nodeHashName(algorithm: string): string | null {
  const name = OPENSSL_NAMES[algorithm.toLowerCase()] ?? algorithm.toLowerCase();
  return getHashes().includes(name) ? name : null;
}

/** Throws if `algorithm` is not a checksum algorithm this machine can compute. */
export function checkChecksumAlgorithm(algorithm: string): void {
  if (typeof algorithm !== "string" || nodeHashName(algorithm) === null) {
    throw new RangeError(
      `Checksum algorithm not recognized: ${boundText(String(algorithm))}. Use one of blake2b (default), sha256, md5, …`,
    );
  }
}

// Larger files are streamed in 1 MiB reads into one reused buffer (in a worker, see hash-pool.ts):
// as fast as b2sum, and memory stays flat for any file size.
const CHUNK = 1024 * 1024;

/** Options of {@link checksumOfFile}. */
export interface ChecksumOptions {
  /** SciCat/Python name of the algorithm, e.g. `"blake2b"`. */
  algorithm: string;
  /** Called with the number of bytes hashed so far, after each chunk. */
  onBytes?: (bytesDone: number) => void;
  /** Stops hashing between chunks. */
  signal?: AbortSignal;
}

/**
 * Files of at least this size are hashed in a worker thread ({@link hashPool}):
 * several at once on several cores, and without blocking the main thread.
 * Smaller files are read whole, at once, here: that costs less than handing
 * them over, or than a trip through the I/O thread pool for every system
 * call, which made hashing thousands of small files slow.
 */
export const WORKER_HASH_MIN_BYTES = CHUNK;

/**
 * Hex digest of a file, never read into memory whole if it is large: files
 * of 1 MiB or more are streamed in 1 MiB chunks in a
 * worker thread, so concurrent calls use every core.
 */
export async function checksumOfFile(filePath: string, options: ChecksumOptions): Promise<string> {
  checkChecksumAlgorithm(options.algorithm);
  const hashName = nodeHashName(options.algorithm) as string;
  options.signal?.throwIfAborted();
  const fd = openSync(filePath, "r");
  let content: Buffer | null = null;
  try {
    if (fstatSync(fd).size < WORKER_HASH_MIN_BYTES) content = readFileSync(fd);
  } finally {
    closeSync(fd);
  }
  if (content === null) {
    // The worker opens the file itself.
    const job = { path: filePath, hashName, ...(options.onBytes ? { onBytes: options.onBytes } : {}) };
    return hashPool.hash(options.signal ? { ...job, signal: options.signal } : job);
  }
  const digest = createHash(hashName).update(content).digest("hex");
  options.onBytes?.(content.length);
  return digest;
}

/** Size of a local file in bytes. */
export function fileSize(filePath: string): number {
  return statSync(filePath).size;
}

/** Last modification time of a local file. */
export function fileModificationTime(filePath: string): Date {
  return statSync(filePath).mtime;
}

/** Async variant of {@link fileSize} and {@link fileModificationTime} in one call. */
export async function fileStat(filePath: string): Promise<{ size: number; mtime: Date }> {
  const s = await stat(filePath);
  return { size: s.size, mtime: s.mtime };
}

/**
 * Makes a string safe as one path segment: non-ASCII characters become `_xNN`
 * style escapes and anything but letters, digits, `_`, space, `.` and `-` becomes `_`.
 * As in Scitacean, dots are kept, so `.` and `..` come out unchanged: code
 * that builds paths from the result must not let those act as segments
 * (`formatSourceFolder` replaces their dots by `_`).
 */
export function escapePath(value: string): string {
  let out = "";
  for (const ch of value) {
    const code = ch.codePointAt(0) as number;
    if (code > 0x7f) {
      const hex = code.toString(16);
      out += code <= 0xff ? `\\x${hex.padStart(2, "0")}` : code <= 0xffff ? `\\u${hex.padStart(4, "0")}` : `\\U${hex.padStart(8, "0")}`;
    } else {
      out += ch;
    }
  }
  return out.replace(/[^\w .-]/g, "_");
}
