/**
 * How the stand-in server stores and returns records. Like the real backend
 * (v5), it stores datasets in the current schema (list-valued
 * `principalInvestigators`, `proposalIds`, …) and adds the scalar v3 forms
 * back when answering on `/api/v3`.
 */

/** A stored record: SciCat JSON. */
export type JsonRecord = Record<string, unknown>;

/** Scalar v3 field → list-valued current field, and which dataset types the mapping applies to. */
const OBSOLETE_TO_CURRENT: ReadonlyArray<{ v3: string; current: string; types: readonly string[] }> = [
  { v3: "proposalId", current: "proposalIds", types: ["raw", "derived"] },
  { v3: "sampleId", current: "sampleIds", types: ["raw"] },
  { v3: "instrumentId", current: "instrumentIds", types: ["raw"] },
  { v3: "principalInvestigator", current: "principalInvestigators", types: ["raw"] },
  { v3: "investigator", current: "principalInvestigators", types: ["derived"] },
];

/** Fields that the current schema does not have; the database drops them. */
const DROPPED_ON_STORE = new Set(["proposalId", "sampleId", "instrumentId", "principalInvestigator", "investigator"]);

const DATE_FIELDS = ["creationTime", "startTime", "endTime"];

function lifecycleDefaults(now: Date): JsonRecord {
  const inDays = (days: number): string => new Date(now.getTime() + days * 86_400_000).toISOString();
  return {
    archivable: true,
    retrievable: false,
    publishable: false,
    dateOfDiskPurging: now.toISOString(),
    archiveRetentionTime: inDays(3650),
    dateOfPublishing: inDays(3 * 365),
    publishedOn: now.toISOString(),
    isOnCentralDisk: true,
    archiveStatusMessage: "datasetCreated",
    retrieveStatusMessage: "",
    archiveReturnMessage: {},
    retrieveReturnMessage: {},
    retrieveIntegrityCheck: false,
  };
}

/** `creationTime` and friends as the database returns them: UTC with milliseconds. */
function normalizeDate(value: unknown): unknown {
  if (typeof value !== "string") return value;
  // Times without an offset are the server's local time; the stand-in's "local time" is UTC.
  const text = /[zZ]|[+-]\d{2}(:?\d{2})?$/.test(value) || value.length === 10 ? value : `${value}Z`;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

// Base units and their SI unit with the factor to it; metric prefixes are applied on top.
const SI_BASE: Readonly<Record<string, { si: string; factor: number }>> = {
  m: { si: "m", factor: 1 },
  g: { si: "kg", factor: 1e-3 },
  s: { si: "s", factor: 1 },
  K: { si: "K", factor: 1 },
  A: { si: "A", factor: 1 },
  mol: { si: "mol", factor: 1 },
  cd: { si: "cd", factor: 1 },
  Hz: { si: "s^-1", factor: 1 },
};
const PREFIXES: Readonly<Record<string, number>> = { "": 1, G: 1e9, M: 1e6, k: 1e3, c: 1e-2, m: 1e-3, u: 1e-6, "µ": 1e-6, n: 1e-9 };

/** `{valueSI, unitSI}` for simple metric units; `null` for units this stand-in does not know. */
function toSi(value: number, unit: string): { valueSI: number; unitSI: string } | null {
  for (const [symbol, base] of Object.entries(SI_BASE)) {
    if (!unit.endsWith(symbol)) continue;
    const factor = PREFIXES[unit.slice(0, unit.length - symbol.length)];
    if (factor !== undefined) return { valueSI: value * factor * base.factor, unitSI: base.si };
  }
  return null;
}

/**
 * Adds `valueSI` and `unitSI` to `{value, unit}` quantities, as the backend's
 * `FormatPhysicalQuantitiesInterceptor` does, so clients meet the extra keys.
 * Only simple metric units are converted here.
 */
export function addSiUnits(metadata: unknown): unknown {
  if (Array.isArray(metadata)) return metadata.map(addSiUnits);
  if (typeof metadata !== "object" || metadata === null) return metadata;
  const record = metadata as JsonRecord;
  const out: JsonRecord = {};
  for (const [key, value] of Object.entries(record)) out[key] = addSiUnits(value);
  if (typeof record["value"] === "number" && typeof record["unit"] === "string") {
    const si = toSi(record["value"], record["unit"]);
    if (si) Object.assign(out, si);
  }
  return out;
}

/**
 * A dataset (v3 JSON, as sent to `POST datasets` or given as seed) in the
 * stored form: current field names, server defaults and bookkeeping.
 */
export function storeDataset(input: JsonRecord, server: { pid: string; username: string; now: Date }): JsonRecord {
  const type = String(input["type"]);
  const stored: JsonRecord = {
    isPublished: false,
    keywords: [],
    accessGroups: [],
    sharedWith: [],
    techniques: [],
    relationships: [],
    size: 0,
    packedSize: 0,
    numberOfFiles: 0,
    numberOfFilesArchived: 0,
    datasetlifecycle: lifecycleDefaults(server.now),
  };
  for (const [key, value] of Object.entries(input)) {
    if (!DROPPED_ON_STORE.has(key)) stored[key] = structuredClone(value);
  }
  for (const mapping of OBSOLETE_TO_CURRENT) {
    if (mapping.v3 in input && mapping.types.includes(type)) stored[mapping.current] = [input[mapping.v3]];
  }
  for (const field of DATE_FIELDS) if (field in stored) stored[field] = normalizeDate(stored[field]);
  if (typeof stored["sourceFolder"] === "string") stored["sourceFolder"] = stored["sourceFolder"].replace(/\/+$/, "");
  if ("scientificMetadata" in stored) stored["scientificMetadata"] = addSiUnits(stored["scientificMetadata"]);
  const timestamp = server.now.toISOString();
  return {
    ...stored,
    _id: server.pid,
    pid: server.pid,
    version: stored["version"] ?? "3",
    createdBy: stored["createdBy"] ?? server.username,
    updatedBy: stored["updatedBy"] ?? server.username,
    createdAt: stored["createdAt"] ?? timestamp,
    updatedAt: stored["updatedAt"] ?? timestamp,
    __v: 0,
  };
}

/**
 * A stored dataset as `/api/v3` returns it: the scalar v3 fields are added
 * back from the first list element, for every dataset type (so derived
 * datasets come back with a `principalInvestigator` too, as from the real backend).
 */
export function datasetToV3(stored: JsonRecord): JsonRecord {
  const out = structuredClone(stored);
  const first = (key: string): unknown => {
    const list = stored[key];
    return Array.isArray(list) && list.length > 0 ? list[0] : undefined;
  };
  for (const [v3, current] of [
    ["proposalId", "proposalIds"],
    ["sampleId", "sampleIds"],
    ["instrumentId", "instrumentIds"],
    ["principalInvestigator", "principalInvestigators"],
  ] as const) {
    if (first(current) !== undefined) out[v3] = first(current);
  }
  if (stored["type"] === "derived" && first("principalInvestigators") !== undefined) {
    out["investigator"] = first("principalInvestigators");
  }
  return out;
}

/** Data file times, normalized like dataset dates. */
export function normalizeDataFiles(files: unknown): unknown {
  if (!Array.isArray(files)) return files;
  return files.map((f) =>
    typeof f === "object" && f !== null ? { ...(f as JsonRecord), time: normalizeDate((f as JsonRecord)["time"]) } : f,
  );
}

/** Bookkeeping fields of every record created by a user. */
export function createdFields(username: string, now: Date): JsonRecord {
  const timestamp = now.toISOString();
  return { createdBy: username, updatedBy: username, createdAt: timestamp, updatedAt: timestamp };
}
