/**
 * Builds model classes from field tables: the TypeScript property types are
 * mapped from the table, and the runtime accessors are installed from it, so
 * neither is written by hand per field.
 */
import { ScicatCommError } from "../errors";
import { logger } from "../logging";
import { boundList, echo } from "../values/bounded";
import { fromJson, toJson, toStored, valuesEqual, type AnyFieldType } from "./conversion";
import type { FieldValueTypes } from "./field-spec";
import type { Thumbnail } from "../values/thumbnail";

/** The minimum a table row needs for accessors and conversions. */
export interface ModelFieldSpec {
  readonly name: string;
  readonly scicatName: string;
  readonly type: AnyFieldType;
  readonly required: boolean;
  readonly readOnly: boolean;
}

/** Value types of every field type, user-model types included. */
export interface AnyFieldValueTypes extends FieldValueTypes {
  Thumbnail: Thumbnail;
}

/** The stored value type of one table row. */
export type ValueOf<F extends ModelFieldSpec> = AnyFieldValueTypes[F["type"]];

/** Properties for the read-only rows of a table: readable, never assignable. */
export type ReadOnlyProps<T extends readonly ModelFieldSpec[]> = {
  readonly [F in T[number] as F["readOnly"] extends true ? F["name"] : never]: ValueOf<F> | null;
};

/** Names of the writable rows of a table. */
export type WritableName<T extends readonly ModelFieldSpec[]> = Extract<T[number], { readOnly: false }>["name"];

/** Names of the read-only rows of a table. */
export type ReadOnlyName<T extends readonly ModelFieldSpec[]> = Extract<T[number], { readOnly: true }>["name"];

/** All field names of a table. */
export type FieldName<T extends readonly ModelFieldSpec[]> = T[number]["name"];

/** The stored value type of the field called `N`. */
export type FieldValue<T extends readonly ModelFieldSpec[], N extends string> = ValueOf<Extract<T[number], { name: N }>>;

/** Where a model keeps its field values (one record, keyed by field name). */
export const VALUES = Symbol("scitacean.values");

/** An object built from a field table. */
export interface TableBacked {
  [VALUES]: Record<string, unknown>;
}

/**
 * Installs one accessor per field on `proto`. Writable fields convert what
 * they are given (`"2024-05-29"` → `Date`); read-only fields throw a clear
 * error instead of failing silently.
 */
export function installFieldAccessors(
  proto: object,
  fields: readonly ModelFieldSpec[],
  readOnlyMessage: (field: ModelFieldSpec) => string,
): void {
  for (const field of fields) {
    Object.defineProperty(proto, field.name, {
      configurable: true,
      enumerable: false,
      get(this: TableBacked) {
        return this[VALUES][field.name] ?? null;
      },
      set(this: TableBacked, value: unknown) {
        if (field.readOnly) throw new TypeError(readOnlyMessage(field));
        this[VALUES][field.name] = toStored(field.type, value, field.name);
      },
    });
  }
}

/** Looks a field up by name, suggesting the camelCase name for a snake_case one. */
export function findField<F extends ModelFieldSpec>(fields: readonly F[], name: string, what: string): F {
  const field = fields.find((f) => f.name === name);
  if (field) return field;
  const camel = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const guess = fields.find((f) => f.name === camel || f.name.toLowerCase() === name.toLowerCase() || f.scicatName === name);
  const hint = guess ? ` Did you mean '${guess.name}'?` : "";
  throw new RangeError(`'${name}' is not a valid field name of ${what}.${hint}`);
}

/** Properties for the writable rows: required rows hold a value, others may be `null`. */
export type WritableProps<T extends readonly ModelFieldSpec[]> = {
  -readonly [F in T[number] as F["readOnly"] extends true ? never : F["name"]]: F["required"] extends true
    ? ValueOf<F>
    : ValueOf<F> | null;
};

/** What the writable field `F` accepts on input. */
export type InputOf<F extends ModelFieldSpec> = F["type"] extends keyof import("./field-spec").FieldInputTypes
  ? import("./field-spec").FieldInputTypes[F["type"]]
  : ValueOf<F>;

/** Constructor argument of a model: required writable fields must be given, the others may be. */
export type ModelInit<T extends readonly ModelFieldSpec[]> = {
  [F in Extract<T[number], { readOnly: false; required: true }> as F["name"]]: InputOf<F>;
} & {
  [F in Extract<T[number], { readOnly: false; required: false }> as F["name"]]?: InputOf<F> | null;
};

/** Download-only values of a model, as given to `fromDownloadModel`-style constructors. */
export type ReadOnlyInit<T extends readonly ModelFieldSpec[]> = {
  [F in Extract<T[number], { readOnly: true }> as F["name"]]?: InputOf<F> | null;
};

/** Converts a SciCat JSON object into stored values, collecting what could not be read. */
export function valuesFromJson(
  fields: readonly ModelFieldSpec[],
  json: Record<string, unknown>,
  problems: string[],
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of fields) {
    const { value, problem } = fromJson(field.type, json[field.scicatName], field.name);
    values[field.name] = value;
    if (problem) problems.push(problem);
  }
  return values;
}

/** Converts stored values into SciCat JSON, leaving out `null`s. */
export function valuesToJson(fields: readonly ModelFieldSpec[], values: Record<string, unknown>): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const field of fields) {
    const value = toJson(field.type, values[field.name]);
    if (value !== undefined) json[field.scicatName] = value;
  }
  return json;
}

/**
 * Fills a new model object's values from its constructor arguments:
 * writable fields from `init`, read-only ones from `readOnly`, each
 * converted (and type-checked) for its field.
 */
export function initValues(
  target: TableBacked,
  fields: readonly ModelFieldSpec[],
  init: object,
  readOnly: object,
): void {
  Object.defineProperty(target, VALUES, { value: {}, enumerable: false });
  for (const field of fields) {
    const source = (field.readOnly ? readOnly : init) as Record<string, unknown>;
    target[VALUES][field.name] = toStored(field.type, source[field.name], field.name);
  }
}

/** Options of the `fromDownloadModel` constructors. */
export interface FromDownloadOptions {
  /**
   * Log a warning about values that do not fit their fields (default `true`).
   * `Client` turns it off: its `ScicatClient` has reported them already.
   */
  reportProblems?: boolean;
}

/** `problems` as one sentence: each already names its field. */
export function describeProblems(problems: readonly string[]): string {
  return boundList(problems.map((p) => p.replace(/\.$/, ""))).join("; ");
}

/**
 * What reading one SciCat answer found, for one warning that names
 * everything: values that did not fit (kept as they came, or defaulted) and
 * parts that had to be left out. Each entry names its field, prefixed with the
 * record it is in (`datablock 0 (id 'b1'): dataFileList: …`).
 */
export interface ReadReport {
  /** Values that do not fit their fields; reported unless the caller has reported them already. */
  readonly problems: string[];
  /**
   * Parts left out because they cannot be read at all (a datablock that is
   * not an object, a file entry without path), or read but unusable (a
   * checksum algorithm this machine cannot compute). Always reported: they
   * change what the user gets, and the raw record's check does not say so.
   */
  readonly losses: string[];
}

/** An empty {@link ReadReport}. */
export const newReadReport = (): ReadReport => ({ problems: [], losses: [] });

const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A model object (of the class with prototype `proto`) from SciCat's JSON,
 * collecting into `problems` what did not fit (each prefixed with `label`,
 * if given). Never throws: a record that is not an object reads as an empty one.
 */
export function readModel<T extends TableBacked>(
  proto: T,
  fields: readonly ModelFieldSpec[],
  json: unknown,
  problems: string[],
  label?: string,
): T {
  const found: string[] = [];
  if (!isJsonObject(json)) found.push(`expected an object, got ${echo(json)}`);
  const values = valuesFromJson(fields, isJsonObject(json) ? json : {}, found);
  problems.push(...found.map((p) => (label === undefined ? p : `${label}: ${p}`)));
  const model = Object.create(proto) as T;
  Object.defineProperty(model, VALUES, { value: values, enumerable: false });
  return model;
}

/**
 * A model object (of the class with prototype `proto`) from SciCat's JSON.
 * Tolerant: values that do not fit are kept as they came, and one warning
 * says which. A record that is not an object is refused with a
 * `ScicatCommError`.
 */
export function modelFromJson<T extends TableBacked>(
  proto: T,
  fields: readonly ModelFieldSpec[],
  json: Record<string, unknown>,
  what: string,
  options: FromDownloadOptions = {},
): T {
  if (!isJsonObject(json)) {
    // Without a record there is nothing to be tolerant about.
    throw new ScicatCommError(`SciCat returned ${echo(json)} instead of ${what === "Attachment" ? "an" : "a"} ${what.toLowerCase()} record.`);
  }
  const problems: string[] = [];
  const model = readModel(proto, fields, json, problems);
  if (problems.length > 0 && options.reportProblems !== false) {
    logger.warn(`${what} from SciCat has unexpected values: ${describeProblems(problems)}.`);
  }
  return model;
}

/** True if both objects hold equal values in every field. */
export function sameValues(a: TableBacked, b: TableBacked, fields: readonly ModelFieldSpec[]): boolean {
  return fields.every((f) => valuesEqual(a[VALUES][f.name], b[VALUES][f.name]));
}
