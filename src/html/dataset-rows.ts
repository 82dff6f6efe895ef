/**
 * The view model of the dataset display: which fields are shown, in which
 * order and section, and which need the user's attention. The HTML and the
 * plain text are both built from it.
 */
import type { Dataset } from "../model/dataset";
import { DATASET_FIELDS } from "../model/dataset-fields";
import type { FieldSpec } from "../model/field-spec";

/** Whether a row's value is fine for upload. */
export type FieldStatus = "ok" | "missing" | "error";

/** One field row of the dataset display. */
export interface FieldRow {
  /** Property name, e.g. `ownerGroup`. */
  readonly name: string;
  /** Value type as a TypeScript user writes it, e.g. `string[]`. */
  readonly type: string;
  readonly value: unknown;
  readonly description: string;
  readonly required: boolean;
  readonly readOnly: boolean;
  /** `missing`: required but empty; `error`: holds a value that cannot be uploaded. */
  readonly status: FieldStatus;
  /** The validation messages of the field (empty when `status` is `ok`). */
  readonly messages: readonly string[];
}

/** The rows of the main table and of the "Advanced fields" section. */
export interface DatasetRows {
  readonly main: readonly FieldRow[];
  readonly advanced: readonly FieldRow[];
}

/**
 * The rows of `dataset`: the fields of its type plus any other field holding
 * a value ({@link Dataset.keys}), except `type`, which is the heading.
 * Within each section required fields come first, each group alphabetically.
 */
export function datasetRows(dataset: Dataset): DatasetRows {
  const messages = problemsByField(dataset);
  const shown = new Set<string>(dataset.keys());
  const rows = DATASET_FIELDS.filter((f) => f.name !== "type" && shown.has(f.name))
    .sort(byRequiredThenName)
    .map((f) => toRow(f, dataset.get(f.name), messages.get(f.name) ?? []));
  const isMain = new Set<string>(DATASET_FIELDS.filter((f) => f.main).map((f) => f.name));
  return {
    main: rows.filter((r) => isMain.has(r.name)),
    advanced: rows.filter((r) => !isMain.has(r.name)),
  };
}

function byRequiredThenName(a: FieldSpec, b: FieldSpec): number {
  if (a.required !== b.required) return a.required ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function toRow(field: FieldSpec, value: unknown, messages: readonly string[]): FieldRow {
  const status: FieldStatus = messages.length === 0 ? "ok" : value === null ? "missing" : "error";
  return {
    name: field.name,
    type: field.type,
    value,
    description: field.description,
    required: field.required,
    readOnly: field.readOnly,
    status,
    messages,
  };
}

/**
 * Validation messages by field name. Issues of read-only fields are left out:
 * they only say that SciCat set the value, which is exactly what a downloaded
 * dataset looks like, so flagging them would make every download look broken.
 */
function problemsByField(dataset: Dataset): Map<string, string[]> {
  const readOnly = new Set<string>(DATASET_FIELDS.filter((f) => f.readOnly).map((f) => f.name));
  const byField = new Map<string, string[]>();
  for (const issue of dataset.validationIssues()) {
    if (readOnly.has(issue.field)) continue;
    const list = byField.get(issue.field) ?? [];
    list.push(issue.message);
    byField.set(issue.field, list);
  }
  return byField;
}
