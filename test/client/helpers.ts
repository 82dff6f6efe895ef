/**
 * Shared fixtures of the client tests: temporary folders, a log recorder and
 * small datasets. Nothing here depends on the working directory.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { setLogHandler, type LogHandler, type LogLevel } from "../../src/logging";
import { Dataset } from "../../src/model/dataset";
import { guideDatasetInit } from "../fixtures/guide";

/** A fresh temporary folder; remove it with {@link removeTempDir}. */
export function makeTempDir(label = "scitacean-client-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), label));
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes `content` to `dir/relative`, creating folders; returns the full path. */
export function writeFile(dir: string, relative: string, content: string | Buffer): string {
  const full = path.join(dir, relative);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, content);
  return full;
}

/** Every file below `dir`, as `/`-separated paths relative to it, sorted. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (sub: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub === "" ? entry.name : `${sub}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else out.push(rel);
    }
  };
  walk("");
  return out.sort();
}

/** blake2b-512 hex digest computed independently of the library. */
export function blake2b(content: string | Buffer): string {
  return createHash("blake2b512").update(content).digest("hex");
}

export function md5(content: string | Buffer): string {
  return createHash("md5").update(content).digest("hex");
}

export interface LogRecord {
  level: LogLevel;
  message: string;
}

/** Records every log message until `restore()` is called. */
export function recordLogs(): { records: LogRecord[]; text: () => string; restore: () => void } {
  const records: LogRecord[] = [];
  const handler: LogHandler = (level, message) => void records.push({ level, message });
  const previous = setLogHandler(handler);
  return {
    records,
    text: () => records.map((r) => `${r.level}: ${r.message}`).join("\n"),
    restore: () => void setLogHandler(previous),
  };
}

/** A valid raw dataset (no files) in the spirit of the uploading guide. */
export function rawDataset(overrides: Record<string, unknown> = {}): Dataset {
  return new Dataset({
    ...guideDatasetInit(),
    creationTime: "2024-05-29T08:17:09Z",
    meta: { temperature: { value: 123, unit: "K" }, mood: "grumpy" },
    ...overrides,
  } as ConstructorParameters<typeof Dataset>[0]);
}

/** A valid derived dataset (no files). */
export function derivedDataset(overrides: Record<string, unknown> = {}): Dataset {
  return new Dataset({
    type: "derived",
    name: "Data A38",
    owner: "PonderStibbons",
    investigator: "ridcully@uu.am",
    contactEmail: "p.stibbons@uu.am",
    ownerGroup: "uu",
    accessGroups: ["group1", "2nd_group"],
    sourceFolder: "/hex/source123",
    creationTime: "2011-08-24T12:34:56Z",
    inputDatasets: [],
    usedSoftware: ["EasyScience"],
    meta: { data_type: "event data", temperature: { value: "123", unit: "K" } },
    ...overrides,
  } as ConstructorParameters<typeof Dataset>[0]);
}
