import { ScicatCommError } from "../errors";
import { boundText, echo } from "../values/bounded";
import * as path from "node:path";
import { ValidationError, type ValidationIssue } from "../errors";
import { logger } from "../logging";
import { checkChecksumAlgorithm, DEFAULT_CHECKSUM_ALGORITHM } from "../values/filesystem";
import { formatShort, listSome } from "../values/format";
import { Attachment } from "./attachment";
import { fromJson, toStored, valuesEqual } from "./conversion";
import { OrigDatablock, splitUploadModel, type DatablockHashingOptions, type DatablockLimits } from "./datablock";
import { DATASET_FIELDS } from "./dataset-fields";
import { DATASET_TYPES, type DatasetType, type FieldSpec } from "./field-spec";
import { File } from "./file";
import {
  describeProblems,
  findField,
  newReadReport,
  installFieldAccessors,
  VALUES,
  valuesFromJson,
  valuesToJson,
  type FieldName,
  type FromDownloadOptions,
  type FieldValue,
  type InputOf,
  type ReadOnlyProps,
  type ReadReport,
  type ValueOf,
} from "./table-model";
import { datasetIssues } from "./validation";
import type {
  DownloadAttachment,
  DownloadDataset,
  DownloadOrigDatablock,
  UploadAttachment,
  UploadDataset,
  UploadOrigDatablock,
} from "./wire";

type Fields = typeof DATASET_FIELDS;
type Row = Fields[number];

/** Name of any dataset field (`"ownerGroup"`, `"pid"`, …). */
export type DatasetFieldName = FieldName<Fields>;
/** Names of the fields a user may set. */
export type WritableDatasetFieldName = Exclude<
  Extract<
    Row,
    {
      /** Selects the writable fields. */
      readOnly: false;
    }
  >["name"],
  "type"
>;
/** Names of the fields that SciCat sets. */
export type ReadOnlyDatasetFieldName = Extract<
  Row,
  {
    /** Selects the read-only fields. */
    readOnly: true;
  }
>["name"];

type WritableDatasetProps = {
  -readonly [F in Row as F["readOnly"] extends true ? never : F["name"] extends "type" ? never : F["name"]]:
    | ValueOf<F>
    | null;
};

/** Values a dataset may be created or changed with: any writable field, in its input form. */
export type DatasetFieldInputs = {
  [F in Extract<Row, { readOnly: false }> as F["name"] extends "type" ? never : F["name"]]?: InputOf<F> | null;
};

/** Read-only values, for code that rebuilds datasets from SciCat records. */
export type DatasetReadOnlyInputs = {
  [F in Extract<Row, { readOnly: true }> as F["name"]]?: InputOf<F> | null;
};

/** Argument of `new Dataset(...)`. */
export interface DatasetInit extends DatasetFieldInputs {
  /** `"raw"` for measured data, `"derived"` for data computed from other datasets. */
  type: DatasetType;
  /** Free-form scientific metadata, e.g. `{ temperature: { value: 123, unit: "K" } }`. */
  meta?: Record<string, unknown> | null;
  /** Algorithm for the checksums of the files added to the dataset. Default `"blake2b"`. */
  checksumAlgorithm?: string | null;
}

/** Argument of {@link Dataset.replace}. */
export interface DatasetReplacements extends DatasetFieldInputs {
  /** `"raw"` or `"derived"`. */
  type?: DatasetType;
  /** New scientific metadata (`null`: none). */
  meta?: Record<string, unknown> | null;
  /** New attachments (`null`: not downloaded). */
  attachments?: Attachment[] | null;
  /** Algorithm for the checksums of files added later. */
  checksumAlgorithm?: string | null;
}

/** How files added to a dataset choose their datablock. */
export interface AddFilesOptions {
  /** Index into the dataset's datablocks (negative counts from the end) or a datablock id. Default: the last block. */
  datablock?: number | string;
}

const BLANK = Symbol("blank dataset");
const REPLACE_EXTRAS = new Set(["type", "meta", "attachments", "checksumAlgorithm"]);
const DEFAULT_DERIVE_KEEP = ["contactEmail", "investigator", "orcidOfOwner", "owner", "ownerEmail", "techniques"] as const;

export interface Dataset extends WritableDatasetProps, ReadOnlyProps<Fields> {
  /** `"raw"` or `"derived"`. Fixed when the dataset is made. */
  readonly type: DatasetType;
}

/**
 * A SciCat dataset: its metadata fields, scientific metadata, files and
 * attachments. It lives in memory until a client uploads it.
 *
 * Every field of {@link DATASET_FIELDS} is a property: `dset.ownerGroup`,
 * `dset.pid`, …. Read-only fields are set by SciCat.
 *
 * @example
 * const dset = new Dataset({
 *   type: "raw", name: "Spellpower", ownerGroup: "wyrdsisters", owner: "Nanny Ogg",
 *   principalInvestigator: "Esme Weatherwax", contactEmail: "nogg@wyrd.lancre",
 *   creationLocation: "lancre/whichhut", sourceFolder: "/somewhere/on/remote",
 * });
 * dset.addLocalFiles("data/witchcraft.dat", { basePath: "data" });
 */
export class Dataset {
  /** @internal */
  declare [VALUES]: Record<string, unknown>;
  #meta: Record<string, unknown> = {};
  #datablocks: OrigDatablock[] = [];
  #attachments: Attachment[] | null = [];
  #checksumAlgorithm: string | null = DEFAULT_CHECKSUM_ALGORITHM;
  /** {@link Dataset.files} as last built, with the blocks and their file counts it was built from. */
  #filesCache: { blocks: OrigDatablock[]; counts: number[]; files: readonly File[] } | null = null;

  constructor(init: DatasetInit) {
    Object.defineProperty(this, VALUES, { value: {}, enumerable: false });
    // Internal copies start blank and are filled by the caller (private fields need a real constructor call).
    if ((init as unknown) === BLANK) return;
    if (init === null || typeof init !== "object") {
      throw new TypeError("new Dataset() needs an object of fields, at least { type: 'raw' } or { type: 'derived' }.");
    }
    const unknown = Object.entries(init)
      .filter(([, v]) => v !== undefined)
      .map(([k]) => k)
      .filter((k) => k !== "meta" && k !== "checksumAlgorithm" && !DATASET_FIELDS.some((f) => f.name === k && !f.readOnly));
    if (unknown.length > 0) {
      const hints = unknown.map((k) => {
        try {
          findField(DATASET_FIELDS, k, "Dataset");
          return `'${k}' (read-only: SciCat sets it)`;
        } catch (error) {
          return (error as Error).message;
        }
      });
      throw new TypeError(`new Dataset() got fields it cannot take: ${hints.join(" ")}`);
    }
    const values = init as unknown as Record<string, unknown>;
    for (const field of DATASET_FIELDS) {
      if (field.readOnly) this[VALUES][field.name] = null;
      else if (field.name === "creationTime" && values["creationTime"] === undefined) this[VALUES][field.name] = new Date();
      else this[VALUES][field.name] = toStored(field.type, values[field.name], field.name);
    }
    if (this[VALUES]["type"] === null) {
      throw new TypeError("new Dataset() needs a type: { type: 'raw' } or { type: 'derived' }.");
    }
    this.meta = init.meta ?? {};
    if (init.checksumAlgorithm !== undefined) {
      if (init.checksumAlgorithm !== null) checkChecksumAlgorithm(init.checksumAlgorithm);
      this.#checksumAlgorithm = init.checksumAlgorithm;
    }
  }

  /**
   * The field table, optionally only the fields of one dataset type and/or
   * only (non-)read-only fields.
   */
  static fields(options: { datasetType?: DatasetType; readOnly?: boolean } = {}): FieldSpec[] {
    return DATASET_FIELDS.filter(
      (f) =>
        (options.datasetType === undefined || f.usedBy[options.datasetType]) &&
        (options.readOnly === undefined || f.readOnly === options.readOnly),
    );
  }

  /**
   * Builds a dataset from SciCat's records. Reading is tolerant: a value that
   * does not fit its field is kept as it came and a warning is logged.
   */
  static fromDownloadModels(
    models: {
      dataset: DownloadDataset;
      origDatablocks?: readonly DownloadOrigDatablock[] | null;
      /** Replaces the attachments; throws a `TypeError` unless given Attachments or `null`. */
      attachments?: readonly DownloadAttachment[] | null;
    },
    options: FromDownloadOptions = {},
  ): Dataset {
    const record: unknown = models.dataset;
    if (typeof record !== "object" || record === null || Array.isArray(record)) {
      // Without a record there is no dataset to be tolerant about.
      throw new ScicatCommError(`SciCat returned ${echo(record)} instead of a dataset record; no dataset can be read from it.`);
    }
    const json = record as DownloadDataset;
    const name = `Dataset ${formatShort(json.pid ?? "")}`.trimEnd();
    const report = newReadReport();
    const values = valuesFromJson(DATASET_FIELDS, json, report.problems);
    if (!DATASET_TYPES.includes(values["type"] as DatasetType)) {
      // This changes what the dataset is, so it is said even when the record's other problems were reported already.
      logger.warn(`${name} from SciCat has type ${echo(json.type)} instead of 'raw' or 'derived'; it is read as a raw dataset.`);
      values["type"] = "raw";
    }
    // Current backends answer v3 requests for derived datasets with principalInvestigator set to a copy of
    // investigator. Derived datasets have no such field, and keeping it would make asNew() fail validation.
    if (values["type"] === "derived" && values["principalInvestigator"] === values["investigator"]) {
      values["principalInvestigator"] = null;
    }
    const meta = fromJson("Record<string, unknown>", json.scientificMetadata, "scientificMetadata");
    if (meta.problem !== undefined) report.problems.push(`${meta.problem.replace(/\.$/, "")}; read as no metadata`);
    const blocks = listOf(models.origDatablocks, "origDatablocks", "datablocks", report);
    const attachments = listOf(models.attachments, "attachments", "attachments", report);

    const dataset = new Dataset(BLANK as unknown as DatasetInit);
    Object.assign(dataset[VALUES], values);
    dataset.#meta = meta.problem === undefined ? structuredClone((meta.value as Record<string, unknown> | null) ?? {}) : {};
    dataset.#datablocks = blocks.flatMap((m, i) => {
      const label = `datablock ${i}${idOf(m)}`;
      // A datablock that is not a record holds no files: leaving it out loses nothing, and an empty block would mislead.
      if (typeof m !== "object" || m === null || Array.isArray(m)) {
        report.losses.push(`${label}: expected a datablock (an object), got ${echo(m)}; it is left out`);
        return [];
      }
      return [OrigDatablock.read(m, report, label)];
    });
    dataset.#attachments =
      models.attachments === null || models.attachments === undefined
        ? null
        : attachments.flatMap((m, i) => {
            const label = `attachment ${i}${idOf(m)}`;
            if (typeof m !== "object" || m === null || Array.isArray(m)) {
              report.losses.push(`${label}: expected an attachment (an object), got ${echo(m)}; it is left out`);
              return [];
            }
            return [Attachment.read(m, report.problems, label)];
          });
    if (report.losses.length > 0) {
      logger.warn(`${name} from SciCat is read without some parts: ${describeProblems(report.losses)}.`);
    }
    if (report.problems.length > 0 && options.reportProblems !== false) {
      logger.warn(
        `${name} from SciCat did not pass validation: ${describeProblems(report.problems)}. ` +
          "The dataset may be incomplete, and some fields may not have the correct type.",
      );
    }
    return dataset;
  }

  /** Free-form scientific metadata (SciCat's `scientificMetadata`). */
  get meta(): Record<string, unknown> {
    return this.#meta;
  }
  /** Replaces the scientific metadata; throws a `TypeError` unless given an object. */
  set meta(value: Record<string, unknown>) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new TypeError("meta must be an object, e.g. { temperature: { value: 123, unit: 'K' } }.");
    }
    this.#meta = value;
  }

  /** Attachments; `null` means "not downloaded" (use `client.downloadAttachmentsFor`), `[]` means none. */
  get attachments(): Attachment[] | null {
    return this.#attachments;
  }
  /** Replaces the attachments; throws a `TypeError` unless given Attachments or `null`. */
  set attachments(value: Attachment[] | null) {
    if (value !== null && (!Array.isArray(value) || !value.every((a) => a instanceof Attachment))) {
      throw new TypeError("attachments must be an array of Attachment objects, or null.");
    }
    this.#attachments = value;
  }

  /** Algorithm for checksums of files added to a new datablock. */
  get checksumAlgorithm(): string | null {
    return this.#checksumAlgorithm;
  }

  /** All files, over all datablocks. */
  get files(): readonly File[] {
    // Blocks only ever grow (addFiles), so the list is current while every block has as many files as
    // when it was made; rebuilding it on every read took milliseconds per call with 100,000 files.
    const cache = this.#filesCache;
    const blocks = this.#datablocks;
    if (cache !== null && cache.blocks.length === blocks.length && blocks.every((b, i) => cache.blocks[i] === b && cache.counts[i] === b.files.length)) {
      return cache.files;
    }
    const files = ([] as File[]).concat(...blocks.map((b) => b.files));
    this.#filesCache = { blocks: [...blocks], counts: blocks.map((b) => b.files.length), files };
    return files;
  }

  /** Number of files. */
  get numberOfFiles(): number {
    let count = 0;
    for (const block of this.#datablocks) count += block.files.length;
    return count;
  }

  /** Number of archived files; archiving is not supported, so always 0. */
  get numberOfFilesArchived(): number {
    return 0;
  }

  /** Total size of the files in bytes (local files are measured now). */
  get size(): number {
    let sum = 0;
    for (const block of this.#datablocks) sum += block.size;
    return sum;
  }

  /** Size of archived files; always 0. */
  get packedSize(): number {
    return 0;
  }

  /** The datablocks (groups of files with one checksum algorithm). */
  get origDatablocks(): readonly OrigDatablock[] {
    return this.#datablocks;
  }

  /** Value of a field by name. */
  get<N extends DatasetFieldName>(name: N): FieldValue<Fields, N> | null {
    findField(DATASET_FIELDS, name, "Dataset");
    return (this[VALUES][name] ?? null) as FieldValue<Fields, N> | null;
  }

  /** Sets a field by name, converting input forms (`"2024-05-29"` → Date). */
  set<N extends WritableDatasetFieldName>(name: N, value: InputOf<Extract<Row, { name: N }>> | null): void {
    const field = findField(DATASET_FIELDS, name, "Dataset");
    (this as unknown as Record<string, unknown>)[field.name] = value;
  }

  /** Names of the fields of this dataset's type, plus other fields that hold a value. */
  keys(): DatasetFieldName[] {
    return DATASET_FIELDS.filter((f) => f.usedBy[this.type] || this[VALUES][f.name] !== null).map((f) => f.name);
  }

  /** Values in the order of {@link Dataset.keys}. */
  values(): unknown[] {
    return this.keys().map((k) => this[VALUES][k] ?? null);
  }

  /** `[name, value]` pairs in the order of {@link Dataset.keys}. */
  items(): Array<[DatasetFieldName, unknown]> {
    return this.keys().map((k) => [k, this[VALUES][k] ?? null]);
  }

  /**
   * Adds files to a datablock (by default the last one, created if there is
   * none). Files take the block's checksum algorithm. Two files may not have
   * the same remote path.
   */
  addFiles(files: File | readonly File[], options: AddFilesOptions = {}): void {
    const list: readonly File[] = Array.isArray(files) ? (files as readonly File[]) : [files as File];
    for (const f of list) {
      if (!(f instanceof File)) throw new TypeError("addFiles takes File objects; use addLocalFiles for paths.");
    }
    // Clashes with files already in the dataset come from the blocks' indexes, so that adding files
    // one at a time stays linear overall; clashes within `list` from this map.
    const seen = new Map<string, File>();
    for (const f of list) {
      const key = f.remotePath.resolve().posix;
      const clash = seen.get(key) ?? this.#fileAt(key);
      if (clash) {
        throw new RangeError(
          `Two files would have the remote path '${boundText(f.remotePath.posix)}': ${describe(clash)} and ${describe(f)}. ` +
            "Rename one, or give them different folders with basePath.",
        );
      }
      seen.set(key, f);
    }
    const block = this.#datablockFor(options.datablock);
    const mismatched = list.filter((f) => f.checksumAlgorithm !== null && f.checksumAlgorithm !== block.checksumAlgorithm);
    if (mismatched.length > 0) {
      throw new RangeError(
        `Files ${listSome(mismatched.map(describe))} have checksum algorithm ` +
          `'${mismatched[0]?.checksumAlgorithm}', but the datablock uses '${block.checksumAlgorithm}'. ` +
          "Add them to a datablock with that algorithm (dataset.addOrigDatablock).",
      );
    }
    block.addFiles(list);
  }

  /** The file of any datablock at the (resolved) remote path `key`, if any. */
  #fileAt(key: string): File | undefined {
    for (const block of this.#datablocks) {
      const found = block.fileAt(key);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * Adds local files. Their remote paths keep the folders below `basePath`:
   * with `{ basePath: "data" }`, `data/sub/a.txt` is uploaded to `<sourceFolder>/sub/a.txt`.
   */
  addLocalFiles(paths: string | readonly string[], options: AddFilesOptions & { basePath?: string } = {}): void {
    const list: readonly string[] = typeof paths === "string" ? [paths] : paths;
    const files = list.map((p) => File.fromLocal(p, options.basePath === undefined ? {} : { basePath: options.basePath }));
    this.addFiles(files, options.datablock === undefined ? {} : { datablock: options.datablock });
  }

  /** Appends an empty datablock with the given checksum algorithm and returns it. */
  addOrigDatablock(options: { checksumAlgorithm: string | null }): OrigDatablock {
    const block = new OrigDatablock({ checksumAlgorithm: options.checksumAlgorithm });
    this.#datablocks.push(block);
    return block;
  }

  #datablockFor(selector: number | string | undefined): OrigDatablock {
    // As in Scitacean, 0 and -1 both make the first block when there is none yet.
    if (selector === undefined || selector === -1 || (selector === 0 && this.#datablocks.length === 0)) {
      const last = this.#datablocks[this.#datablocks.length - 1];
      return last ?? this.addOrigDatablock({ checksumAlgorithm: this.#checksumAlgorithm });
    }
    if (typeof selector === "number") {
      const block = this.#datablocks.at(selector);
      if (!block) {
        throw new RangeError(`There is no datablock ${selector}; the dataset has ${this.#datablocks.length}.`);
      }
      return block;
    }
    const block = this.#datablocks.find((b) => b.datablockId === selector);
    if (!block) throw new RangeError(`No datablock with id '${boundText(selector)}'.`);
    return block;
  }

  /**
   * A copy with some values replaced. Read-only fields can only be replaced
   * through `options.readOnly`, which is meant for code that mirrors SciCat.
   */
  replace(
    changes: DatasetReplacements,
    options: { readOnly?: DatasetReadOnlyInputs; origDatablocks?: readonly OrigDatablock[] } = {},
  ): Dataset {
    const bad = Object.keys(changes).filter(
      (k) => !REPLACE_EXTRAS.has(k) && !DATASET_FIELDS.some((f) => f.name === k && !f.readOnly),
    );
    if (bad.length > 0) {
      throw new TypeError(
        `Invalid arguments: ${bad.join(", ")}. Only writable fields, meta, attachments and checksumAlgorithm can be ` +
          "replaced; read-only fields go in the second argument: replace({}, { readOnly: { pid } }).",
      );
    }
    const copy = new Dataset(BLANK as unknown as DatasetInit);
    Object.assign(copy[VALUES], this[VALUES]);
    const given = changes as Record<string, unknown>;
    for (const field of DATASET_FIELDS) {
      if (!field.readOnly && field.name in given) {
        copy[VALUES][field.name] = toStored(field.type, given[field.name], field.name);
      }
      const ro = options.readOnly as Record<string, unknown> | undefined;
      if (field.readOnly && ro && field.name in ro) {
        copy[VALUES][field.name] = toStored(field.type, ro[field.name], field.name);
      }
    }
    // Copies, also of given values: changing the caller's objects later must leave the copy alone.
    const meta = "meta" in given ? ((given["meta"] as Record<string, unknown> | null) ?? {}) : this.#meta;
    copy.#meta = structuredClone(meta);
    const attachments = "attachments" in given ? ((given["attachments"] as Attachment[] | null) ?? null) : this.#attachments;
    copy.#attachments = attachments && [...attachments];
    copy.#checksumAlgorithm = "checksumAlgorithm" in given ? (changes.checksumAlgorithm ?? null) : this.#checksumAlgorithm;
    // Copies, not shared blocks, so that adding files to the copy leaves this dataset alone.
    copy.#datablocks = (options.origDatablocks ?? this.#datablocks).map((b) => b.withFiles(b.files));
    return copy;
  }

  /**
   * A copy whose files with the same remote path as one of `files` are
   * replaced by it. Every given file must match a file of the dataset.
   * Takes files or arrays of files, of any length.
   */
  replaceFiles(...files: Array<File | readonly File[]>): Dataset {
    const byPath = new Map<string, File>();
    for (const item of files) {
      for (const f of Array.isArray(item) ? (item as readonly File[]) : [item as File]) byPath.set(f.remotePath.posix, f);
    }
    const used = new Set<string>();
    const blocks = this.#datablocks.map((b) =>
      b.withFiles(
        b.files.map((f) => {
          const replacement = byPath.get(f.remotePath.posix);
          if (!replacement) return f;
          used.add(f.remotePath.posix);
          return replacement;
        }),
      ),
    );
    const unmatched = [...byPath.values()].filter((f) => !used.has(f.remotePath.posix));
    if (unmatched.length > 0) {
      throw new RangeError(
        `replaceFiles: no file of the dataset has the remote path of ${listSome(unmatched.map(describe))}. ` +
          "Use addFiles to add new files.",
      );
    }
    return this.replace({}, { origDatablocks: blocks });
  }

  /**
   * A copy ready to be uploaded as a new dataset: read-only fields cleared,
   * creation time now, attachments known (empty if they were not downloaded).
   */
  asNew(): Dataset {
    const cleared = Object.fromEntries(
      DATASET_FIELDS.filter((f) => f.readOnly).map((f) => [f.name, null]),
    ) as DatasetReadOnlyInputs;
    return this.replace(
      { creationTime: new Date(), attachments: this.#attachments ? [...this.#attachments] : [] },
      { readOnly: cleared },
    );
  }

  /**
   * A new derived dataset with this one as input. Fields in `keep` are
   * copied; the new dataset has no files and no attachments. For a raw
   * source, `investigator` falls back to its principal investigator.
   */
  derive(options: { keep?: readonly WritableDatasetFieldName[] } = {}): Dataset {
    if (this.pid === null) {
      throw new RangeError("Cannot make a derived dataset because this dataset has no pid. Upload it first.");
    }
    const keep = options.keep ?? DEFAULT_DERIVE_KEEP;
    const init: Record<string, unknown> = { type: "derived", inputDatasets: [this.pid], creationTime: new Date() };
    for (const name of keep) {
      const field = findField(DATASET_FIELDS, name, "Dataset");
      if (field.readOnly || field.name === "type") throw new RangeError(`derive cannot keep '${name}': it is not writable.`);
      let value = this[VALUES][field.name];
      if (field.name === "investigator" && value === null) value = this[VALUES]["principalInvestigator"];
      if (value !== null && DATASET_FIELDS.find((f) => f.name === field.name)?.usedBy.derived) init[field.name] = value;
    }
    return new Dataset(init as unknown as DatasetInit);
  }

  /** Every problem that would stop this dataset from being uploaded (empty if none). */
  validationIssues(): ValidationIssue[] {
    return datasetIssues(DATASET_FIELDS, this.type, (name) => this[VALUES][name]);
  }

  /** Throws a {@link ValidationError} listing every problem, if there is any. */
  validate(): void {
    const issues = this.validationIssues();
    if (issues.length > 0) throw new ValidationError(`Dataset${this.name ? ` '${formatShort(this.name)}'` : ""}`, issues);
  }

  /** The body of `POST datasets`. Validates first. */
  makeUploadModel(): UploadDataset {
    this.validate();
    const json = valuesToJson(
      DATASET_FIELDS.filter((f) => !f.readOnly),
      this[VALUES],
    );
    const model: UploadDataset = {
      ...json,
      type: this.type,
      numberOfFiles: this.numberOfFiles,
      numberOfFilesArchived: 0,
      size: this.size,
      packedSize: 0,
    };
    if (Object.keys(this.#meta).length > 0) model.scientificMetadata = structuredClone(this.#meta);
    return model;
  }

  /**
   * Bodies of `POST datasets/{pid}/origdatablocks`: one per non-empty
   * datablock, or several for a large one, so that no body has more than
   * 20,000 files or 200 GB (see {@link splitUploadModel}). Computes checksums
   * of local files that need them.
   */
  async makeDatablockUploadModels(
    options: DatablockHashingOptions & { limits?: DatablockLimits } = {},
  ): Promise<UploadOrigDatablock[]> {
    const { limits, ...hashing } = options;
    const blocks = this.#datablocks.filter((b) => b.files.length > 0);
    const models: UploadOrigDatablock[] = [];
    for (const block of blocks) {
      for (const part of splitUploadModel(await block.makeUploadModel(hashing), limits)) models.push(part);
    }
    return models;
  }

  /** Bodies of `POST datasets/{pid}/attachments`. */
  makeAttachmentUploadModels(): UploadAttachment[] {
    if (this.#attachments === null) {
      throw new RangeError(
        "This dataset's attachments were not downloaded (attachments is null). Download them with " +
          "client.downloadAttachmentsFor(dataset), or set dataset.attachments = [] to upload none.",
      );
    }
    return this.#attachments.map((a) => a.makeUploadModel());
  }

  /** Same fields, metadata, files and attachments. */
  equals(other: unknown): boolean {
    if (!(other instanceof Dataset)) return false;
    const a = this.files;
    const b = other.files;
    return (
      DATASET_FIELDS.every((f) => valuesEqual(this[VALUES][f.name], other[VALUES][f.name])) &&
      valuesEqual(this.#meta, other.#meta) &&
      a.length === b.length &&
      a.every((f, i) => f.equals(b[i])) &&
      valuesEqual(this.#attachments, other.#attachments)
    );
  }

  /** `Dataset(type=raw, name=…, …)` with every field that holds a value. */
  toString(): string {
    const parts = DATASET_FIELDS.filter((f) => this[VALUES][f.name] !== null).map(
      (f) => `${f.name}=${formatShort(this[VALUES][f.name])}`,
    );
    return `Dataset(${parts.join(", ")})`;
  }
}

installFieldAccessors(Dataset.prototype, DATASET_FIELDS, (f) =>
  f.name === "type"
    ? "A dataset's type cannot be changed. Make a new Dataset, or use dataset.replace({ type }) for a copy."
    : `${f.name} is read-only: SciCat sets it. To upload a copy of a downloaded dataset, use dataset.asNew().`,
);
// `type` is writable in the table (it is uploaded) but fixed per object, as in Scitacean 24.05.
Object.defineProperty(Dataset.prototype, "type", {
  configurable: true,
  get(this: Dataset) {
    return this[VALUES]["type"];
  },
  set() {
    throw new TypeError("A dataset's type cannot be changed. Make a new Dataset, or use dataset.replace({ type }) for a copy.");
  },
});

/** The records of `list`, or none (with a problem in `report`) if it is not a list. */
function listOf(list: unknown, field: string, what: string, report: ReadReport): readonly unknown[] {
  if (list === null || list === undefined) return [];
  if (Array.isArray(list)) return list;
  report.losses.push(`${field}: expected a list of ${what}, got ${echo(list)}; read as none`);
  return [];
}

/** ` (id '…')` of a SciCat record that has a string id, for messages. */
function idOf(record: unknown): string {
  if (typeof record !== "object" || record === null) return "";
  const id = (record as Record<string, unknown>)["_id"] ?? (record as Record<string, unknown>)["id"];
  return typeof id === "string" ? ` (id '${boundText(id, 40)}')` : "";
}

function describe(file: File): string {
  return `'${boundText(file.localPath !== null ? path.normalize(file.localPath) : file.remotePath.posix)}'`;
}

