/**
 * Light checks of what SciCat returns, driven by the models' field tables.
 *
 * Like Scitacean, reads are tolerant by default: a record with unknown or
 * broken fields is returned as it came, with a warning, because SciCat may
 * hold data older or newer than this client. With `strictValidation` such a
 * record is an error instead.
 */
import { boundList, boundText, echo } from "../values/bounded";
import { ValidationError, type ValidationIssue } from "../errors";
import { logger } from "../logging";
import { ATTACHMENT_FIELDS } from "../model/attachment";
import { fromJson, isCount, type AnyFieldType } from "../model/conversion";
import { DATASET_FIELDS } from "../model/dataset-fields";
import { SAMPLE_FIELDS } from "../model/sample";

/** How one key of a record is checked. */
type Check =
  /** Converted like the model converts it (see `model/conversion.ts`). */
  | { type: AnyFieldType; name: string }
  /** A non-negative integer (sizes and counts). */
  | { type: "count"; name: string }
  /** A list of nested records. */
  | { type: "list"; name: string; of: RecordSchema };

/** What a record may contain. */
export interface RecordSchema {
  /** For messages: "dataset", "orig datablock", … */
  readonly what: string;
  /** Checks by SciCat key. */
  readonly checks: ReadonlyMap<string, Check>;
  /** Keys accepted without checks (server bookkeeping and fields of newer backends). */
  readonly known: ReadonlySet<string>;
  /** Keys without which the record cannot be used at all (a file entry without `path`). */
  readonly required?: ReadonlySet<string>;
}

/** Database bookkeeping that every SciCat record may carry. */
const BOOKKEEPING = ["_id", "id", "__v", "_v"];

function schema(
  what: string,
  fields: ReadonlyArray<{ readonly name: string; readonly scicatName: string; readonly type: AnyFieldType }>,
  extra: readonly Check[],
  known: readonly string[],
): RecordSchema {
  const checks = new Map<string, Check>(fields.map((f) => [f.scicatName, { type: f.type, name: f.name }]));
  // Extra checks are for keys outside the field tables, where the SciCat name is the name.
  for (const check of extra) checks.set(check.name, check);
  return { what, checks, known: new Set([...BOOKKEEPING, ...known]) };
}

/** A key outside the field tables, whose SciCat name is its name. */
const plain = (name: string, type: AnyFieldType): { name: string; scicatName: string; type: AnyFieldType } => ({
  name,
  scicatName: name,
  type,
});

const DATA_FILE_SCHEMA: RecordSchema = {
  ...schema(
  "data file",
  [
    plain("path", "string"),
    plain("time", "Date"),
    plain("chk", "string"),
    plain("gid", "string"),
    plain("perm", "string"),
    plain("uid", "string"),
    plain("type", "string"),
    plain("metadata", "Record<string, unknown>"),
  ],
  [{ type: "count", name: "size" }],
  [],
  ),
  // Without a path, an entry does not say which file it is.
  required: new Set(["path"]),
};

/** Dataset records: the dataset field table plus the file counts that datasets compute. */
export const DATASET_SCHEMA = schema(
  "dataset",
  DATASET_FIELDS,
  [
    ...["numberOfFiles", "numberOfFilesArchived", "size", "packedSize"].map((name) => ({ type: "count" as const, name })),
    { type: "Record<string, unknown>", name: "scientificMetadata" },
  ],
  [
    // Sub-records that Scitacean 24.05 masked as well.
    "history",
    "attachments",
    "datablocks",
    "origdatablocks",
    // Fields current backends (v4/v5) add to their v3 answers. Scitacean 24.05
    // warned about each of them on every read; knowing them keeps the warning
    // meaningful for fields that really are unexpected.
    "proposalIds",
    "sampleIds",
    "instrumentIds",
    "principalInvestigators",
    "startTime",
    "runNumber",
    "scientificMetadataSchema",
    "scientificMetadataValid",
  ],
);

/** Orig datablock records. */
export const ORIG_DATABLOCK_SCHEMA = schema(
  "orig datablock",
  [
    // Ids name the block in messages, so they must be strings.
    plain("_id", "string"),
    plain("id", "string"),
    plain("datasetId", "PID"),
    plain("chkAlg", "string"),
    plain("accessGroups", "string[]"),
    plain("createdAt", "Date"),
    plain("createdBy", "string"),
    plain("instrumentGroup", "string"),
    plain("isPublished", "boolean"),
    plain("ownerGroup", "string"),
    plain("updatedAt", "Date"),
    plain("updatedBy", "string"),
  ],
  [
    { type: "count", name: "size" },
    { type: "list", name: "dataFileList", of: DATA_FILE_SCHEMA },
  ],
  [],
);

/** Attachment records (v3 form). */
export const ATTACHMENT_SCHEMA = schema("attachment", ATTACHMENT_FIELDS, [], ["aid", "relationships"]);

/** Sample records. */
export const SAMPLE_SCHEMA = schema("sample", SAMPLE_FIELDS, [], [
  // Fields of newer backends that the 24.05 sample model does not have.
  "sampleName",
  "type",
  "proposalId",
  "parentSampleId",
]);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Values in these messages are short: a list of problems must stay readable. */
const describe = (value: unknown): string => echo(value, 60);

/** Every problem of `record` against `recordSchema`; field names are prefixed with `path`. */
export function checkRecord(recordSchema: RecordSchema, record: unknown, path = ""): ValidationIssue[] {
  // Keys come from SciCat too: a hostile key is quoted in part, like any value.
  const at = (name: string): string => (path === "" ? boundText(name, 60) : `${path}.${boundText(name, 60)}`);
  if (!isRecord(record)) {
    return [{ field: path === "" ? recordSchema.what : path, message: `expected a ${recordSchema.what} object, got ${describe(record)}` }];
  }
  const issues: ValidationIssue[] = [];
  for (const key of recordSchema.required ?? []) {
    if (record[key] === undefined || record[key] === null) {
      issues.push({ field: at(key), message: `missing; a ${recordSchema.what} needs it` });
    }
  }
  for (const [key, value] of Object.entries(record)) {
    const check = recordSchema.checks.get(key);
    if (check === undefined) {
      if (!recordSchema.known.has(key)) {
        issues.push({ field: at(key), message: `unknown field of a ${recordSchema.what} (value ${describe(value)})` });
      }
      continue;
    }
    if (value === null || value === undefined) continue;
    if (check.type === "count") {
      if (!isCount(value)) {
        issues.push({ field: at(check.name), message: `expected a non-negative integer, got ${describe(value)}` });
      }
    } else if (check.type === "list") {
      if (!Array.isArray(value)) {
        issues.push({ field: at(check.name), message: `expected a list, got ${describe(value)}` });
      } else {
        value.forEach((item, i) => issues.push(...checkRecord(check.of, item, at(`${check.name}.${i}`))));
      }
    } else {
      const field = at(check.name);
      const { problem } = fromJson(check.type, value, field);
      // The conversion's message starts with the field name, which the issue already holds.
      if (problem !== undefined) issues.push({ field, message: problem.replace(`${field}: `, "").replace(/\.$/, "") });
    }
  }
  return issues;
}

/**
 * Checks a record (or a list of records) that SciCat returned for
 * `operation`. Problems are logged as a warning, or thrown as a
 * {@link ValidationError} when `strict`.
 */
export function acceptResponse(
  recordSchema: RecordSchema,
  response: unknown,
  options: {
    operation: string;
    strict: boolean;
    /** What was asked for, for messages, e.g. `dataset 20.500.12269/abc`. */
    subject?: string;
  },
): void {
  const issues = Array.isArray(response)
    ? response.flatMap((item, i) => checkRecord(recordSchema, item, String(i)))
    : checkRecord(recordSchema, response);
  if (issues.length === 0) return;
  const about = options.subject === undefined ? "" : ` of ${boundText(options.subject)}`;
  const what = `The ${recordSchema.what} data that SciCat returned for '${options.operation}'${about}`;
  if (options.strict) throw new ValidationError(what, issues);
  logger.warn(
    `Validation of ${what.charAt(0).toLowerCase()}${what.slice(1)} failed: ` +
      boundList(issues.map((i) => `${i.field}: ${i.message}`)).join("; ") +
      ". The returned object may be incomplete or broken; in particular, some fields may not have the correct type.",
  );
}
