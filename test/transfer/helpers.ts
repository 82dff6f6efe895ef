/** Small helpers shared by the transfer tests. */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FileNotAccessibleError } from "../../src/errors";
import { setLogHandler } from "../../src/logging";
import { Dataset } from "../../src/model/dataset";
import type { File } from "../../src/model/file";
import type { DownloadConnection, FileProgress, FileTransfer, UploadConnection } from "../../src/transfer/types";

/** A temporary folder removed by `cleanup()`. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `files` (relative path → contents) below `root`, creating folders. Returns the full paths. */
export function writeFiles(root: string, files: Record<string, string | Buffer>): string[] {
  return Object.entries(files).map(([relative, content]) => {
    const full = path.join(root, relative);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
    return full;
  });
}

/** A valid raw dataset whose files are the given local files below `base`. */
export function datasetWith(base: string, files: Record<string, string | Buffer>, sourceFolder: string | null): Dataset {
  const dset = new Dataset({
    type: "raw",
    name: "Transfer test",
    ownerGroup: "wyrdsisters",
    accessGroups: ["witches"],
    owner: "Nanny Ogg",
    principalInvestigator: "Esme Weatherwax",
    contactEmail: "nogg@wyrd.lancre",
    creationLocation: "lancre/whichhut",
    ...(sourceFolder === null ? {} : { sourceFolder }),
  });
  const paths = writeFiles(base, files);
  if (paths.length > 0) dset.addLocalFiles(paths, { basePath: base });
  return dset;
}

export function blake2b(content: string | Buffer): string {
  return createHash("blake2b512").update(content).digest("hex");
}

/** Collects progress events by remote path. */
export function progressLog(): {
  events: FileProgress[];
  onProgress: (p: FileProgress) => void;
  last: (remote: string) => FileProgress | undefined;
} {
  const events: FileProgress[] = [];
  return {
    events,
    onProgress: (p) => events.push(p),
    last: (remote) => [...events].reverse().find((e) => e.remotePath.posix === remote),
  };
}

/** Remote paths of files, for readable assertions. */
export function remotePaths(files: readonly File[]): string[] {
  return files.map((f) => f.remotePath.posix);
}

/** Random bytes (so that compression or deduplication cannot help a transfer). */
export function bytes(size: number): Buffer {
  return randomBytes(size);
}

/** A transfer that cannot connect (and counts the attempts); for fallback tests. */
export function failingTransfer(
  message: string,
  makeError: (message: string) => Error = (m) => new FileNotAccessibleError(m),
): FileTransfer & { attempts: number } {
  const transfer = {
    attempts: 0,
    sourceFolderFor: (dataset: Dataset) => {
      if (dataset.sourceFolder === null) throw new RangeError("no source folder");
      return dataset.sourceFolder;
    },
    async connectForUpload(): Promise<UploadConnection> {
      transfer.attempts += 1;
      throw makeError(message);
    },
    async connectForDownload(): Promise<DownloadConnection> {
      transfer.attempts += 1;
      throw makeError(message);
    },
    toString: () => `Failing(${message})`,
  };
  return transfer;
}

/** Collects log messages instead of printing them, until `restore()`. */
export function captureLogs(): { messages: string[]; restore: () => void } {
  const messages: string[] = [];
  const previous = setLogHandler((level, message) => messages.push(`${level}: ${message}`));
  return { messages, restore: () => setLogHandler(previous) };
}
