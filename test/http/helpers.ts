/**
 * Shared pieces of the HTTP tests: log capture, a scan for leaked secrets,
 * hand-made JWTs and valid upload models.
 */
import * as util from "node:util";
import { setLogHandler, type LogLevel } from "../../src/logging";
import { Dataset } from "../../src/model/dataset";
import type { UploadDataset, UploadOrigDatablock } from "../../src/model/wire";

/** Log records captured from the library's logger. */
export interface CapturedLogs {
  readonly records: Array<{ level: LogLevel; message: string }>;
  /** Messages at one level. */
  at(level: LogLevel): string[];
  restore(): void;
}

/** Captures every log record until `restore()`. */
export function captureLogs(): CapturedLogs {
  const records: Array<{ level: LogLevel; message: string }> = [];
  const previous = setLogHandler((level, message) => records.push({ level, message }));
  return {
    records,
    at: (level) => records.filter((r) => r.level === level).map((r) => r.message),
    restore: () => void setLogHandler(previous),
  };
}

/** Everything a user could print of `value`: messages, stacks, inspect output and JSON. */
export function everyRendering(value: unknown): string {
  const parts = [util.inspect(value, { depth: Infinity, showHidden: true, getters: true })];
  try {
    parts.push(JSON.stringify(value) ?? "");
  } catch (error) {
    parts.push(String(error));
  }
  if (value instanceof Error) parts.push(value.message, value.stack ?? "", String(value.cause ?? ""));
  parts.push(String(value));
  return parts.join("\n");
}

/** An unsigned JWT with the given `exp` (seconds since the epoch); enough for client-side expiry checks. */
export function unsignedJwt(exp: number, extra: Record<string, unknown> = {}): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ alg: "HS256", typ: "JWT" })}.${part({ username: "someone", ...extra, exp })}.c2lnbmF0dXJl`;
}

/** Seconds since the epoch, now. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** A valid raw dataset owned by `ownerGroup`, as `Dataset.makeUploadModel()` builds it. */
export function rawUploadModel(overrides: { ownerGroup?: string; name?: string } = {}): UploadDataset {
  return new Dataset({
    type: "raw",
    name: overrides.name ?? "Thaum flux, again",
    description: "Measured the thaum flux once more",
    ownerGroup: overrides.ownerGroup ?? "uu",
    accessGroups: ["faculty"],
    owner: "Ponder Stibbons",
    principalInvestigator: "Ponder Stibbons",
    contactEmail: "p.stibbons@uu.am",
    creationLocation: "UnseenUniversity",
    creationTime: "2024-05-29T10:00:00Z",
    sourceFolder: "/hex/ps/thaum2",
    keywords: ["thaum", "flux"],
    meta: { temperature: { value: 123, unit: "K" }, data_type: "histogram" },
  }).makeUploadModel();
}

/** A valid orig datablock body with two files. */
export function datablockUploadModel(): UploadOrigDatablock {
  return {
    size: 95,
    chkAlg: "md5",
    dataFileList: [
      { path: "flux.dat", size: 20, time: "2024-05-29T10:01:00.000Z", chk: "0123456789abcdef0123456789abcdef" },
      { path: "logs/measurement.log", size: 75, time: "2024-05-29T10:02:00.000Z" },
    ],
  };
}

/** A tiny PNG (1×1 pixel). */
export const PNG_1X1 = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);
