/**
 * Conversions between the three forms of a field value, driven by the field
 * type name of a table row: what users pass in, what objects store, and
 * SciCat's JSON.
 */
import { echo } from "../values/bounded";
import { parseDateTime } from "../values/format";
import { PID } from "../values/pid";
import { RemotePath } from "../values/remote-path";
import { Thumbnail } from "../values/thumbnail";
import { DATASET_TYPES, type FieldTypeName } from "./field-spec";
import { Lifecycle, Relationship, Technique } from "./user-models";

/** Field type names of every table, dataset and user models alike. */
export type AnyFieldType = FieldTypeName | "Thumbnail";

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

function typeError(field: string, expected: string, value: unknown): TypeError {
  const got = value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
  return new TypeError(`${field}: expected ${expected}, got ${got}.`);
}

function stringList(field: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw typeError(field, "an array of strings", value);
  }
  return [...value];
}

/**
 * Converts user input to the stored form of `type`, or throws a `TypeError`
 * naming the field. `null` and `undefined` both mean "no value".
 */
export function toStored(type: AnyFieldType, value: unknown, field: string): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "string":
      if (typeof value !== "string") throw typeError(field, "a string", value);
      return value;
    case "number":
      if (typeof value !== "number" || Number.isNaN(value)) throw typeError(field, "a number", value);
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw typeError(field, "true or false", value);
      return value;
    case "Date":
      if (!(value instanceof Date) && typeof value !== "string") throw typeError(field, "a Date or ISO 8601 string", value);
      return parseDateTime(value, field);
    case "string[]":
      return stringList(field, value);
    case "PID":
      if (!(value instanceof PID) && typeof value !== "string") throw typeError(field, "a PID or string", value);
      return PID.parse(value);
    case "PID[]":
      if (!Array.isArray(value)) throw typeError(field, "an array of PIDs", value);
      return value.map((v, i) => toStored("PID", v, `${field}[${i}]`));
    case "RemotePath":
      if (!(value instanceof RemotePath) && typeof value !== "string") {
        throw typeError(field, "a RemotePath or string", value);
      }
      return new RemotePath(value);
    case "Lifecycle":
      if (value instanceof Lifecycle) return value;
      if (isPlainObject(value)) return new Lifecycle(value);
      throw typeError(field, "a Lifecycle", value);
    case "Relationship[]":
      if (!Array.isArray(value)) throw typeError(field, "an array of Relationships", value);
      return value.map((v, i) => {
        if (v instanceof Relationship) return v;
        if (isPlainObject(v) && typeof v["relationship"] === "string") {
          return new Relationship(v as { pid: string; relationship: string });
        }
        throw typeError(`${field}[${i}]`, "a Relationship", v);
      });
    case "Technique[]":
      if (!Array.isArray(value)) throw typeError(field, "an array of Techniques", value);
      return value.map((v, i) => {
        if (v instanceof Technique) return v;
        if (isPlainObject(v) && typeof v["name"] === "string" && typeof v["pid"] === "string") {
          return new Technique(v as { name: string; pid: string });
        }
        throw typeError(`${field}[${i}]`, "a Technique", v);
      });
    case "Record<string, unknown>":
      if (typeof value !== "object" || Array.isArray(value)) throw typeError(field, "an object", value);
      return value;
    case "DatasetType":
      if (!DATASET_TYPES.includes(value as never)) {
        throw new TypeError(`${field}: must be 'raw' or 'derived', got ${echo(value)}.`);
      }
      return value;
    case "Thumbnail":
      if (value instanceof Thumbnail) return value;
      if (typeof value === "string") return Thumbnail.parse(value);
      throw typeError(field, "a Thumbnail", value);
  }
}

/** Converts a stored value to SciCat's JSON. */
export function toJson(type: AnyFieldType, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  switch (type) {
    case "Date":
      return (value as Date).toISOString();
    case "PID":
    case "RemotePath":
      return String(value);
    case "PID[]":
      return (value as PID[]).map(String);
    case "Relationship[]":
      return (value as Relationship[]).map((r) => r.makeUploadModel());
    case "Technique[]":
      return (value as Technique[]).map((t) => t.makeUploadModel());
    case "Thumbnail":
      return (value as Thumbnail).serialize();
    case "string[]":
      return [...(value as string[])];
    case "Record<string, unknown>":
      return structuredClone(value);
    case "Lifecycle":
      return JSON.parse(JSON.stringify(value));
    default:
      return value;
  }
}

/**
 * Converts SciCat JSON to the stored form. Tolerant on purpose: SciCat may
 * hold data older or newer than this client. A value that cannot be
 * converted is kept as it came, and a message says what was wrong.
 */
export function fromJson(type: AnyFieldType, value: unknown, field: string): { value: unknown; problem?: string } {
  if (value === null || value === undefined) return { value: null };
  try {
    if (type === "Lifecycle" && isPlainObject(value)) return { value: Lifecycle.fromDownloadModel(value) };
    if (type === "Relationship[]" && Array.isArray(value)) {
      return { value: downloadedItems(field, value, "a Relationship ({ pid, relationship })", ["pid", "relationship"], Relationship.fromDownloadModel) };
    }
    if (type === "Technique[]" && Array.isArray(value)) {
      return { value: downloadedItems(field, value, "a Technique ({ name, pid })", ["name", "pid"], Technique.fromDownloadModel) };
    }
    return { value: toStored(type, value, field) };
  } catch (error) {
    return { value, problem: (error as Error).message };
  }
}

/** True for a non-negative integer, as SciCat's sizes and counts are. */
export const isCount = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0;

/**
 * The items of a list of user models as SciCat sent them: each must be an
 * object whose `keys` are strings or missing, else a TypeError names the item.
 */
function downloadedItems<T>(
  field: string,
  items: readonly unknown[],
  expected: string,
  keys: readonly string[],
  make: (model: Record<string, string>) => T,
): T[] {
  return items.map((item, i) => {
    const fits =
      isPlainObject(item) && keys.every((k) => item[k] === undefined || item[k] === null || typeof item[k] === "string");
    if (!fits) throw typeError(`${field}[${i}]`, expected, item);
    return make(item as Record<string, string>);
  });
}

/** Deep equality of two stored values. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => valuesEqual(v, b[i]));
  const eq = (a as { equals?: (o: unknown) => boolean }).equals;
  if (typeof eq === "function") return eq.call(a, b);
  if (typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    return (
      ka.length === kb.length &&
      ka.every((k) => valuesEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    );
  }
  return false;
}
