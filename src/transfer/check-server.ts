/**
 * The dry run of an upload on a file server: what {@link UploadSession}
 * would find and do, checked for real and undone. Shared by every transfer
 * built on a {@link FileServer} (SFTP, local copy).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { FileUploadError } from "../errors";
import { logger } from "../logging";
import type { File } from "../model/file";
import type { RemotePath } from "../values/remote-path";
import { partName } from "./part-name";
import { targetInFolder } from "./source-folder";
import type { FolderCheck, MeasuredWrite, UploadServerCheck, UploadServerCheckOptions } from "./types";
import { clause, makeFolders, neededFolders, type FileServer } from "./upload-session";

/** What a probe file holds: it says where it comes from, for anyone who finds one left over. */
const PROBE_TEXT = "Written by scitacean-ts to check that an upload may write here; safe to remove.\n";

/**
 * A name for a probe file in `folder` that no data file has: with a random
 * part, and never replacing anything (the transfers create it exclusively and
 * rename without replacing). Not hidden, so that one left over is found.
 */
export function probeName(folder: string): string {
  return path.posix.join(folder, `scitacean-check.${randomBytes(6).toString("hex")}.probe`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Seconds since `start` (a `performance.now()`). */
const secondsSince = (start: number): number => (performance.now() - start) / 1000;

/**
 * Checks an upload of `files` into `sourceFolder` on `server` and undoes
 * every change: says which targets are taken, creates the missing folders,
 * writes a small probe file into the source folder and into every other
 * folder that files go into which already existed (under a temporary name,
 * then renamed, as the upload writes), optionally times a larger probe, then removes the probes and the folders it created.
 * Whatever cannot be removed is listed in `leftOver`.
 *
 * Throws only for server errors that stop the check itself (e.g. the
 * connection broke), after removing what it wrote.
 */
export async function checkOnServer(
  server: FileServer,
  sourceFolder: RemotePath,
  files: readonly File[],
  options: UploadServerCheckOptions = {},
): Promise<UploadServerCheck> {
  const { signal } = options;
  signal?.throwIfAborted();
  const folder = sourceFolder.resolve();
  const targets = files.map((file) => {
    const target = targetInFolder(folder, file.remotePath);
    if (target === null) {
      throw new FileUploadError(
        `'${file.remotePath.posix}' would be placed outside of the source folder '${folder.posix}'.`,
      );
    }
    return target;
  });
  // All at once: over SFTP the requests are pipelined, so this costs about one round trip.
  const kinds = await Promise.all(targets.map((t) => server.kind(t.posix)));

  const wanted = neededFolders([folder, ...targets.map((t) => t.parent)]);
  const before = await Promise.all(wanted.map((f) => server.kind(f)));
  const existed = new Set(wanted.filter((_, i) => before[i] === "directory"));
  const created: string[] = [];
  const probes: string[] = [];
  const local = await mkdtemp(path.join(os.tmpdir(), "scitacean-check-"));
  const results = new Map<string, FolderCheck>();
  let measured: MeasuredWrite | null = null;
  let leftOver: string[] = [];
  try {
    let blockedAt: string | null = null;
    try {
      await makeFolders(server, wanted, created);
    } catch (error) {
      if (!(error instanceof FileUploadError)) throw error;
      // makeFolders stops at a file in the way, or at the first folder it cannot make; the ones below are not reached.
      const inTheWay = wanted.find((_, i) => before[i] !== null && before[i] !== "directory");
      blockedAt = inTheWay ?? wanted.find((f) => !existed.has(f) && !created.includes(f)) ?? folder.posix;
      results.set(blockedAt, { path: blockedAt, existed: existed.has(blockedAt), writable: false, problem: error.message });
    }
    signal?.throwIfAborted();

    const probeFile = path.join(local, "probe");
    await writeFile(probeFile, PROBE_TEXT);
    // As the upload writes a file: under a temporary name first, then renamed without replacing anything.
    const write = async (into: string, localFile: string): Promise<void> => {
      const remote = probeName(into);
      const temp = partName(remote);
      let index = -1;
      await server.writeNew(localFile, temp, {
        algorithm: null,
        onBytes: () => undefined,
        onCreated: () => (index = probes.push(temp) - 1),
        ...(signal ? { signal } : {}),
      });
      await server.renameNoReplace(temp, remote);
      probes[index] = remote;
    };
    // The source folder, and the folders below it that files go into which existed already
    // (a folder this check created is ours, so writing in it is proven by the source folder's probe).
    const parents = new Set(targets.map((t) => t.parent.posix));
    const toProbe = wanted.filter((f) => (f === folder.posix || (existed.has(f) && parents.has(f))) && f !== blockedAt);
    let perFileSeconds: number | null = null;
    for (const into of toProbe) {
      if (!existed.has(into) && !created.includes(into)) continue; // below a folder that could not be made
      signal?.throwIfAborted();
      const start = performance.now();
      try {
        await write(into, probeFile);
        if (into === folder.posix) perFileSeconds = secondsSince(start);
        results.set(into, { path: into, existed: existed.has(into), writable: true, problem: null });
      } catch (error) {
        if (signal?.aborted) throw error;
        results.set(into, {
          path: into,
          existed: existed.has(into),
          writable: false,
          // A transfer's own FileUploadError already says what to do.
          problem:
            `Cannot write in the folder '${into}' on ${server.description}: ${clause(error)}.` +
            (error instanceof FileUploadError ? "" : " Check that you may write there, or choose another source folder."),
        });
      }
    }

    const size = options.measureBytes ?? 0;
    if (size > 0 && perFileSeconds !== null) {
      const big = path.join(local, "measure");
      await writeFile(big, randomBytes(size));
      try {
        // Twice, keeping the faster: the first write of a connection also pays for its start (SSH windows
        // growing, caches), which the many files of an upload do not.
        let seconds = Infinity;
        for (let i = 0; i < 2; i++) {
          const start = performance.now();
          await write(folder.posix, big);
          seconds = Math.min(seconds, secondsSince(start));
        }
        measured = { bytes: size, seconds, perFileSeconds };
      } catch (error) {
        if (signal?.aborted) throw error;
        // The small probe worked, so this is about size: a quota or a full disk would stop the upload too.
        results.set(folder.posix, {
          path: folder.posix,
          existed: existed.has(folder.posix),
          writable: false,
          problem:
            `A probe of ${size} bytes could not be written in '${folder.posix}' on ${server.description}: ` +
            `${clause(error)}. The server may be out of space, or a quota reached.`,
        });
      }
    }
  } finally {
    leftOver = await undo(server, probes, created);
    await rm(local, { recursive: true, force: true });
  }

  // Every folder the upload needs at or below the source folder, and any missing one above it.
  const shown = wanted.filter((f) => f === folder.posix || f.startsWith(`${folder.posix}/`) || !existed.has(f));
  const madeHere = new Set(created);
  const folders = shown.map(
    (f): FolderCheck =>
      results.get(f) ?? {
        path: f,
        existed: existed.has(f),
        writable: existed.has(f) || madeHere.has(f),
        problem: null,
      },
  );
  return {
    server: server.description,
    files: targets.map((t, i) => ({ target: t.posix, exists: kinds[i] !== null })),
    folders,
    createdFolders: created,
    probes,
    leftOver,
    measured,
  };
}

/** Removes the probe files, then the created folders deepest first; returns what is left. */
async function undo(server: FileServer, probes: readonly string[], created: readonly string[]): Promise<string[]> {
  const left: string[] = [];
  for (const probe of probes) {
    try {
      await server.remove(probe);
    } catch (error) {
      logger.warn(`Could not remove the probe file '${probe}' from ${server.description}: ${messageOf(error)}`);
      left.push(probe);
    }
  }
  for (const folder of [...created].reverse()) {
    if (!(await server.rmdirIfEmpty(folder).catch(() => false))) left.push(folder);
  }
  return left;
}
