/**
 * `GET datasets/fullquery` as the backend's `createFullqueryFilter` reads
 * it, over in-memory records. The stand-in server adds its permission rules
 * on top; the in-memory fake uses it as it is.
 */
import type { JsonRecord } from "./records";

const isRecord = (v: unknown): v is JsonRecord => typeof v === "object" && v !== null && !Array.isArray(v);
const asStrings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** The backend's default page size when `limits.limit` is not given. */
const DEFAULT_LIMIT = 100;

/**
 * The records that match every entry of `fields`, sorted by `limits.order`
 * (`"field:asc"` or `"field:desc"`), after `limits.skip`, at most `limits.limit`.
 */
export function fullquery<T extends JsonRecord>(records: Iterable<T>, fields: JsonRecord, limits: JsonRecord = {}): T[] {
  let found = [...records].filter((d) => Object.entries(fields).every(([k, v]) => matchesField(d, k, v)));
  const order = typeof limits["order"] === "string" ? limits["order"] : null;
  if (order !== null) {
    const [field = "", direction = "asc"] = order.split(":");
    const sign = direction.toLowerCase() === "desc" ? -1 : 1;
    found = found.sort((a, b) => sign * compareValues(a[field], b[field]));
  }
  const skip = typeof limits["skip"] === "number" ? limits["skip"] : 0;
  const limit = typeof limits["limit"] === "number" ? limits["limit"] : DEFAULT_LIMIT;
  return found.slice(skip, skip + limit);
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  return typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b));
}

/** One `fields` entry: full text, a `mode` of further fields, groups, a time range, one of a list, or a value. */
function matchesField(record: JsonRecord, key: string, wanted: unknown): boolean {
  if (key === "text") {
    const text = String(wanted).toLowerCase();
    return [record["datasetName"], record["description"]].some((v) => typeof v === "string" && v.toLowerCase().includes(text));
  }
  if (key === "mode") return isRecord(wanted) && Object.entries(wanted).every(([k, v]) => matchesField(record, k, v));
  if (key === "userGroups") {
    const groups = asStrings(wanted);
    return groups.includes(record["ownerGroup"] as string) || asStrings(record["accessGroups"]).some((g) => groups.includes(g));
  }
  const value = record[key];
  const values = Array.isArray(value) ? value : [value];
  if (Array.isArray(wanted)) return values.some((v) => wanted.includes(v));
  if (isRecord(wanted) && ("begin" in wanted || "end" in wanted)) {
    const time = Date.parse(String(value));
    const begin = wanted["begin"] === undefined ? -Infinity : Date.parse(String(wanted["begin"]));
    const end = wanted["end"] === undefined ? Infinity : Date.parse(String(wanted["end"]));
    return time >= begin && time <= end;
  }
  return values.some((v) => v === wanted);
}
