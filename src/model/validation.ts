/**
 * Validation rules for upload, as SciCat API v3 and Scitacean 24.05 apply
 * them, plus the later safety fix that the source folder must be absolute
 * (and free of `.` and `..` segments).
 * Each rule reports a {@link ValidationIssue} naming the field.
 */
import { boundText, echo } from "../values/bounded";
import type { ValidationIssue } from "../errors";
import { PID } from "../values/pid";
import { RemotePath } from "../values/remote-path";
import { DATASET_TYPES, type DatasetType, type FieldSpec, type FieldTypeName } from "./field-spec";
import { Lifecycle, Relationship, Technique } from "./user-models";

const arrayOf = (value: unknown, check: (v: unknown) => boolean): boolean => Array.isArray(value) && value.every(check);

/**
 * True if `value` has the stored form of `type`. Values set through the
 * fields always do; values read tolerantly from SciCat may not.
 */
function hasStoredType(type: FieldTypeName, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "Date":
      return value instanceof Date;
    case "string[]":
      return arrayOf(value, (v) => typeof v === "string");
    case "PID":
      return value instanceof PID;
    case "PID[]":
      return arrayOf(value, (v) => v instanceof PID);
    case "RemotePath":
      return value instanceof RemotePath;
    case "Lifecycle":
      return value instanceof Lifecycle;
    case "Relationship[]":
      return arrayOf(value, (v) => v instanceof Relationship);
    case "Technique[]":
      return arrayOf(value, (v) => v instanceof Technique);
    case "Record<string, unknown>":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "DatasetType":
      return DATASET_TYPES.includes(value as DatasetType);
  }
}

// Local part and domain per RFC 5321's common subset; the domain needs a dot
// and a top-level label that starts with a letter, as email-validator requires.
// Like email-validator (and so Scitacean), internationalised addresses are
// allowed: letters, marks and digits of any script (`jörg@bücher.de`).
const EMAIL_ATOM = "[\\p{L}\\p{M}\\p{N}!#$%&'*+/=?^_`{|}~-]+";
const EMAIL_LABEL = "[\\p{L}\\p{N}](?:[\\p{L}\\p{M}\\p{N}-]*[\\p{L}\\p{M}\\p{N}])?";
const EMAIL_TOP_LABEL = "\\p{L}[\\p{L}\\p{M}\\p{N}-]*[\\p{L}\\p{M}\\p{N}]";
const EMAIL = new RegExp(`^${EMAIL_ATOM}(?:\\.${EMAIL_ATOM})*@(?:${EMAIL_LABEL}\\.)+${EMAIL_TOP_LABEL}$`, "u");

/** Why `address` is not a valid email address, or `null` if it is. */
export function emailProblem(address: string): string | null {
  const at = address.split("@").length - 1;
  if (at === 0) return `'${boundText(address)}' is not a valid email address: it must have an @-sign.`;
  if (at > 1) return `'${boundText(address)}' is not a valid email address: it must have exactly one @-sign.`;
  if (!EMAIL.test(address)) return `'${boundText(address)}' is not a valid email address.`;
  return null;
}

/** Problems of a `;`-separated list of email addresses. */
export function emailListProblems(value: string): string[] {
  return value
    .split(";")
    .map((a) => a.trim())
    .map((a) => (a === "" ? "an empty entry in the ';'-separated list is not an email address." : emailProblem(a)))
    .filter((p): p is string => p !== null);
}

const ORCID = /^https:\/\/orcid\.org\/(\d{4})-(\d{4})-(\d{4})-(\d{3}[\dX])$/;

/** ISO 7064 MOD 11-2 check digit of the first 15 digits of an ORCID iD. */
function orcidCheckDigit(digits: string): string {
  let total = 0;
  for (const d of digits) total = (total + Number(d)) * 2;
  const result = (12 - (total % 11)) % 11;
  return result === 10 ? "X" : String(result);
}

/** Why `value` is not a valid ORCID iD URL, or `null` if it is. */
export function orcidProblem(value: string): string | null {
  const match = ORCID.exec(value.trim());
  if (!match) {
    return (
      `'${boundText(value)}' is not a valid ORCID iD. ORCIDs must be written with the https://orcid.org prefix, ` +
      "e.g. 'https://orcid.org/0000-0002-1825-0097'."
    );
  }
  const digits = match.slice(1, 5).join("");
  if (orcidCheckDigit(digits.slice(0, 15)) !== digits[15]) {
    return `'${boundText(value)}' is not a valid ORCID iD: its check digit is wrong. Check for a typo.`;
  }
  return null;
}

/** True if a segment of `path` is `.` or `..`, so that it could lead somewhere else than it reads. */
const hasDotSegment = (path: RemotePath): boolean => path.posix.split("/").some((s) => s === "." || s === "..");

const EMAIL_FIELDS = new Set(["contactEmail", "ownerEmail"]);

/** The other dataset type, for messages. */
const other = (type: DatasetType): DatasetType => (type === "raw" ? "derived" : "raw");

/**
 * All problems that stop a dataset with these values from being uploaded.
 * `values` maps field names to stored values.
 */
export function datasetIssues(
  fields: readonly FieldSpec[],
  type: DatasetType,
  get: (name: string) => unknown,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const field of fields) {
    if (field.name === "type") continue;
    const value = get(field.name);
    const used = field.usedBy[type];
    const add = (message: string): void => void issues.push({ field: field.name, message });
    if (value === null || value === undefined) {
      if (used && field.required) add(`required for ${type} datasets, but missing.`);
      continue;
    }
    if (field.readOnly) {
      add("is set by SciCat and cannot be uploaded. To upload a copy of a downloaded dataset, use dataset.asNew().");
      continue;
    }
    if (!used) {
      add(`is not a field of ${type} datasets. Set it to null, or make a ${other(type)} dataset.`);
      continue;
    }
    if (!hasStoredType(field.type, value)) {
      add(`must be of type ${field.type}, got ${echo(value)}.`);
    } else if (EMAIL_FIELDS.has(field.name) && typeof value === "string") {
      for (const problem of emailListProblems(value)) add(problem);
    } else if (field.name === "orcidOfOwner" && typeof value === "string") {
      const problem = orcidProblem(value);
      if (problem) add(problem);
    } else if (field.name === "sourceFolder" && value instanceof RemotePath && !value.isAbsolute()) {
      add(`must be an absolute path on the file server (starting with '/'), got '${boundText(value.posix)}'.`);
    } else if (field.name === "sourceFolder" && value instanceof RemotePath && hasDotSegment(value)) {
      add(
        `must not contain '.' or '..' segments, got '${boundText(value.posix)}'. ` +
          "Write the folder without them, e.g. '/data/x' instead of '/data/y/../x'.",
      );
    } else if (field.type === "number" && !Number.isInteger(value)) {
      add(`must be a whole number, got ${echo(value)}.`);
    } else if (field.type === "Date" && value instanceof Date && Number.isNaN(value.getTime())) {
      add("is not a valid date-time.");
    }
  }
  return issues;
}
