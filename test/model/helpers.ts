/**
 * Shared helpers of the model tests: temporary folders and captured log records.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { setLogHandler, type LogHandler, type LogLevel } from "../../src/logging";

/** A fresh temporary folder that is removed after the current test file. */
export function useTempDir(prefix: string): { readonly dir: string; write: (relative: string, content: string | Buffer) => string } {
  const state = { dir: "" };
  beforeAll(() => {
    state.dir = mkdtempSync(path.join(os.tmpdir(), `scitacean-${prefix}-`));
  });
  afterAll(() => rmSync(state.dir, { recursive: true, force: true }));
  return {
    get dir() {
      return state.dir;
    },
    write(relative: string, content: string | Buffer): string {
      const file = path.join(state.dir, relative);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
  };
}

export interface LogRecord {
  level: LogLevel;
  message: string;
}

/** Collects log records for the duration of each test, restoring the previous handler afterwards. */
export function useLogCapture(): LogRecord[] {
  const records: LogRecord[] = [];
  let previous: LogHandler | null = null;
  beforeEach(() => {
    records.length = 0;
    previous = setLogHandler((level, message) => records.push({ level, message }));
  });
  afterEach(() => {
    setLogHandler(previous);
  });
  return records;
}

/** Hex digest computed independently of the library. Python names map to OpenSSL ones. */
export function hexDigest(algorithm: string, content: string | Buffer): string {
  const name = algorithm === "blake2b" ? "blake2b512" : algorithm === "blake2s" ? "blake2s256" : algorithm;
  return createHash(name).update(content).digest("hex");
}

/** Runs `body` with `dir` as the working directory. */
export function inDir<T>(dir: string, body: () => T): T {
  const previous = process.cwd();
  process.chdir(dir);
  try {
    return body();
  } finally {
    process.chdir(previous);
  }
}

/** Runs async `body` with `dir` as the working directory. */
export async function inDirAsync<T>(dir: string, body: () => Promise<T>): Promise<T> {
  const previous = process.cwd();
  process.chdir(dir);
  try {
    return await body();
  } finally {
    process.chdir(previous);
  }
}
