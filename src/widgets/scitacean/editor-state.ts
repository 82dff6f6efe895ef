/**
 * The dataset editor's state, computed from a {@link Dataset} and the field table, and the
 * edits the front end asks for, applied to the dataset. Pure: no comms, so it is tested directly
 * and the widget class only wires it to a comm.
 * @module
 */
import type { Dataset, WritableDatasetFieldName } from "../../model/dataset";
import { DATASET_FIELDS } from "../../model/dataset-fields";
import type { DatasetType, FieldSpec, FieldTypeName } from "../../model/field-spec";
import { fileViews } from "../../html/files";
import { humanReadableSize } from "../../values/format";
import type {
  DatasetEditorState,
  EditorAttachmentState,
  EditorFieldState,
  EditorFileState,
  EditorRequest,
  FieldInputKind,
  MetadataEntryState,
} from "./state";

/** String fields whose values are paragraphs rather than one line. */
const MULTILINE_FIELDS: ReadonlySet<string> = new Set(["description", "comment", "jobLogData"]);

/** The input that edits a field of this type. */
export function inputKindOf(field: Pick<FieldSpec, "name" | "type">): FieldInputKind {
  const kinds: Record<FieldTypeName, FieldInputKind> = {
    string: MULTILINE_FIELDS.has(field.name) ? "multiline" : "text",
    number: "number",
    boolean: "boolean",
    Date: "datetime",
    "string[]": "list",
    PID: "text",
    "PID[]": "pidList",
    RemotePath: "text",
    Lifecycle: "json",
    "Relationship[]": "json",
    "Technique[]": "json",
    "Record<string, unknown>": "json",
    DatasetType: "text",
  };
  return kinds[field.type];
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** `2024-05-29T08:17:09` in UTC: the value form of `<input type="datetime-local" step="1">`. */
function dateText(date: Date): string {
  if (Number.isNaN(date.getTime())) return "";
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  );
}

/** A stored value as the text its input edits. */
export function fieldText(kind: FieldInputKind, value: unknown): string {
  if (value === null || value === undefined) return "";
  switch (kind) {
    case "datetime":
      return value instanceof Date ? dateText(value) : String(value);
    case "list":
    case "pidList":
      return Array.isArray(value) ? value.map(String).join("\n") : String(value);
    case "json":
      return JSON.stringify(JSON.parse(JSON.stringify(value)), null, 2);
    default:
      return String(value);
  }
}

/**
 * The input form of `text` for a field, as `dataset.set` takes it; `null` for empty text.
 * Throws an Error whose message says what to type, for text that cannot be a value.
 */
export function parseFieldText(kind: FieldInputKind, text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  switch (kind) {
    case "number": {
      const n = Number(trimmed);
      if (!Number.isFinite(n)) throw new Error(`must be a number, got '${trimmed}'.`);
      return n;
    }
    case "boolean":
      if (trimmed === "true" || trimmed === "false") return trimmed === "true";
      throw new Error(`must be true or false, got '${trimmed}'.`);
    case "list":
    case "pidList":
      return trimmed
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line !== "");
    case "json":
      try {
        return JSON.parse(trimmed) as unknown;
      } catch (error) {
        throw new Error(`is not valid JSON: ${(error as Error).message}`);
      }
    case "datetime":
    case "multiline":
      return kind === "multiline" ? text : trimmed;
    default:
      return text;
  }
}

/** Shown in the main group: the table's main fields, and every field the dataset's type requires (never collapsed away). */
const inMainGroup = (field: FieldSpec, type: DatasetType): boolean => field.main || (field.required && field.usedBy[type]);

/** Main group first, then the rest; within each, required fields first, each group alphabetically. */
const byGroupThenRequiredThenName =
  (type: DatasetType) =>
  (a: FieldSpec, b: FieldSpec): number => {
    const [am, bm] = [inMainGroup(a, type), inMainGroup(b, type)];
    if (am !== bm) return am ? -1 : 1;
    if (a.required !== b.required) return a.required ? -1 : 1;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  };

/** A metadata value as (value, unit) text: SciCat quantities `{ value, unit }` split, the rest as JSON or plain text. */
function metadataEntry(key: string, stored: unknown): MetadataEntryState {
  const isQuantity =
    typeof stored === "object" && stored !== null && !Array.isArray(stored) && "value" in stored;
  const value = isQuantity ? (stored as { value: unknown }).value : stored;
  const unit = isQuantity ? (stored as { unit?: unknown }).unit : undefined;
  return {
    key,
    value: typeof value === "string" ? value : JSON.stringify(value) ?? "",
    unit: typeof unit === "string" ? unit : "",
  };
}

/** The value a metadata value text stands for: a number, JSON (`true`, `[1, 2]`, `{…}`) or else the text. */
function metadataValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed !== "" && Number.isFinite(Number(trimmed))) return Number(trimmed);
  if (/^(true|false|null|\[.*\]|\{.*\})$/s.test(trimmed)) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * Keeps the dataset and what the user typed that is not (yet) a valid value, and computes the
 * editor state from both.
 */
export class EditorState {
  /** Text typed into fields that could not be stored, with why; kept so the input keeps showing it. */
  readonly #pending = new Map<string, { text: string; message: string }>();
  #filesError = "";
  #metadataError = "";

  constructor(readonly dataset: Dataset) {}

  /** The fields the editor shows: those of the dataset's type, plus others that hold a value. */
  #fields(): FieldSpec[] {
    const shown = new Set<string>(this.dataset.keys());
    return DATASET_FIELDS.filter((f) => f.name !== "type" && shown.has(f.name)).sort(byGroupThenRequiredThenName(this.dataset.type));
  }

  /** Validation messages by field, exactly those of `dataset.validationIssues()`. */
  #messagesByField(): Map<string, string[]> {
    const byField = new Map<string, string[]>();
    for (const issue of this.dataset.validationIssues()) {
      byField.set(issue.field, [...(byField.get(issue.field) ?? []), issue.message]);
    }
    return byField;
  }

  /** The full synced state. */
  state(): DatasetEditorState {
    const messages = this.#messagesByField();
    const fields = this.#fields().map((field): EditorFieldState => {
      const input = inputKindOf(field);
      const pending = this.#pending.get(field.name);
      return {
        name: field.name,
        type: field.type,
        input,
        required: field.required && field.usedBy[this.dataset.type],
        readOnly: field.readOnly,
        main: inMainGroup(field, this.dataset.type),
        description: field.description,
        text: pending ? pending.text : fieldText(input, this.dataset.get(field.name as never)),
        messages: pending ? [pending.message] : (messages.get(field.name) ?? []),
      };
    });
    const problems = [
      ...[...this.#pending].map(([name, p]) => `${name}: ${p.message}`),
      ...this.dataset
        .validationIssues()
        .filter((i) => !this.#pending.has(i.field))
        .map((i) => `${i.field}: ${i.message}`),
    ];
    const { views, total } = fileViews(this.dataset.files);
    const files = views.map(
      (v): EditorFileState => ({
        remotePath: v.remotePath,
        localPath: v.local,
        size: v.size ?? 0,
        sizeText: v.size === null ? "?" : humanReadableSize(v.size),
      }),
    );
    const attachments = (this.dataset.attachments ?? []).map(
      (a): EditorAttachmentState => ({ caption: a.caption ?? "", thumbnail: a.thumbnail ? a.thumbnail.serialize() : null }),
    );
    return {
      datasetType: this.dataset.type,
      fields,
      problems,
      files,
      totalSizeText: humanReadableSize(total),
      filesError: this.#filesError,
      attachments,
      metadata: Object.entries(this.dataset.meta).map(([k, v]) => metadataEntry(k, v)),
      metadataError: this.#metadataError,
    };
  }

  /** True if nothing stops an upload: no invalid typed text and no validation issue. */
  isValid(): boolean {
    return this.#pending.size === 0 && this.dataset.validationIssues().length === 0;
  }

  /** Applies one request of the front end to the dataset. Bad input is kept and reported in the state, never thrown. */
  apply(request: EditorRequest): void {
    switch (request.action) {
      case "setField":
        return this.setField(request.name, request.text);
      case "addFiles":
        return this.#addFiles(request.paths, request.basePath);
      case "setCaption":
        return this.#setCaption(request.index, request.caption);
      case "setMetadata":
        return this.#setMetadata(request.entries);
    }
  }

  /** Sets a writable field from the text of its input. */
  setField(name: string, text: string): void {
    const field = DATASET_FIELDS.find((f) => f.name === name);
    if (field === undefined || field.readOnly || field.name === "type") return; // the view never sends these
    const kind = inputKindOf(field);
    try {
      this.dataset.set(name as WritableDatasetFieldName, parseFieldText(kind, text) as never);
      this.#pending.delete(name);
    } catch (error) {
      const message = (error as Error).message;
      // Conversion errors start with the field name ("endTime: ..."); the form shows it beside the field already.
      this.#pending.set(name, { text, message: message.startsWith(`${name}: `) ? message.slice(name.length + 2) : message });
    }
  }

  /** Forgets invalid typed text, e.g. after the kernel set the field itself. */
  dropPending(): void {
    this.#pending.clear();
  }

  #addFiles(paths: readonly string[], basePath: string): void {
    const list = paths.map((p) => p.trim()).filter((p) => p !== "");
    try {
      if (list.length === 0) throw new Error("Type the path of a local file to add.");
      this.dataset.addLocalFiles(list, basePath.trim() === "" ? {} : { basePath: basePath.trim() });
      this.#filesError = "";
    } catch (error) {
      this.#filesError = (error as Error).message;
    }
  }

  #setCaption(index: number, caption: string): void {
    const attachment = this.dataset.attachments?.[index];
    if (attachment !== undefined) attachment.caption = caption;
  }

  #setMetadata(entries: readonly MetadataEntryState[]): void {
    const old = this.dataset.meta;
    const meta: Record<string, unknown> = {};
    for (const entry of entries) {
      const key = entry.key.trim();
      if (key === "") continue;
      if (key in meta) {
        this.#metadataError = `The metadata key '${key}' appears twice; give each entry its own key.`;
        return;
      }
      const previous = metadataEntry(key, old[key]);
      // Unchanged entries keep their stored value exactly (e.g. valueSI), which the text form does not show.
      if (key in old && previous.value === entry.value && previous.unit === entry.unit) meta[key] = old[key];
      else if (entry.unit.trim() !== "") meta[key] = { value: metadataValue(entry.value), unit: entry.unit.trim() };
      else meta[key] = metadataValue(entry.value);
    }
    this.dataset.meta = meta;
    this.#metadataError = "";
  }
}
