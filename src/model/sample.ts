import { formatShort } from "../values/format";
import { toStored } from "./conversion";
import {
  initValues,
  installFieldAccessors,
  modelFromJson,
  sameValues,
  VALUES,
  valuesToJson,
  type FromDownloadOptions,
  type ModelFieldSpec,
  type ModelInit,
  type ReadOnlyInit,
  type ReadOnlyProps,
  type WritableProps,
} from "./table-model";
import type { DownloadSample, UploadSample } from "./wire";

/** Fields of a sample (SciCat API v3). */
export const SAMPLE_FIELDS = [
  { name: "ownerGroup", scicatName: "ownerGroup", type: "string", required: true, readOnly: false },
  { name: "accessGroups", scicatName: "accessGroups", type: "string[]", required: false, readOnly: false },
  { name: "createdAt", scicatName: "createdAt", type: "Date", required: false, readOnly: true },
  { name: "createdBy", scicatName: "createdBy", type: "string", required: false, readOnly: true },
  { name: "description", scicatName: "description", type: "string", required: false, readOnly: false },
  { name: "instrumentGroup", scicatName: "instrumentGroup", type: "string", required: false, readOnly: false },
  { name: "isPublished", scicatName: "isPublished", type: "boolean", required: false, readOnly: false },
  { name: "owner", scicatName: "owner", type: "string", required: false, readOnly: false },
  {
    name: "sampleCharacteristics",
    scicatName: "sampleCharacteristics",
    type: "Record<string, unknown>",
    required: false,
    readOnly: false,
  },
  { name: "sampleId", scicatName: "sampleId", type: "string", required: false, readOnly: false },
  { name: "updatedAt", scicatName: "updatedAt", type: "Date", required: false, readOnly: true },
  { name: "updatedBy", scicatName: "updatedBy", type: "string", required: false, readOnly: true },
] as const satisfies readonly ModelFieldSpec[];

type Fields = typeof SAMPLE_FIELDS;

/** What `new Sample(...)` takes: `ownerGroup`, and optionally more. */
export type SampleInit = ModelInit<Fields>;

export interface Sample extends WritableProps<Fields>, ReadOnlyProps<Fields> {}

/**
 * A physical sample that datasets were measured on.
 *
 * @example
 * const sample = new Sample({ ownerGroup: "uu", description: "Octarine crystal" });
 * dset.sampleId = (await client.uploadNewSampleNow(sample)).sampleId;
 */
export class Sample {
  /** @internal */
  declare [VALUES]: Record<string, unknown>;

  constructor(init: SampleInit, readOnly: ReadOnlyInit<Fields> = {}) {
    initValues(this, SAMPLE_FIELDS, init, readOnly);
  }

  /** The field table, for code that wants to walk all fields. */
  static fields(): Fields {
    return SAMPLE_FIELDS;
  }

  /** A sample as SciCat returned it. Unreadable values are kept and logged. */
  static fromDownloadModel(model: DownloadSample, options: FromDownloadOptions = {}): Sample {
    return modelFromJson(Sample.prototype, SAMPLE_FIELDS, model, "Sample", options);
  }

  /** A copy with some writable fields changed. */
  replace(changes: Partial<SampleInit>): Sample {
    const copy = Sample.fromDownloadModel({});
    for (const field of SAMPLE_FIELDS) {
      copy[VALUES][field.name] = Object.prototype.hasOwnProperty.call(changes, field.name)
        ? toStored(field.type, (changes as Record<string, unknown>)[field.name], field.name)
        : this[VALUES][field.name];
    }
    return copy;
  }

  /** The body of `POST samples` (SciCat fills in the read-only fields). */
  makeUploadModel(): UploadSample {
    if (typeof this.ownerGroup !== "string" || this.ownerGroup === "") {
      throw new TypeError("Sample ownerGroup is required for upload, but missing.");
    }
    return valuesToJson(SAMPLE_FIELDS.filter((f) => !f.readOnly), this[VALUES]) as unknown as UploadSample;
  }

  /** True for a sample with the same values. */
  equals(other: unknown): boolean {
    return other instanceof Sample && sameValues(this, other, SAMPLE_FIELDS);
  }

  /** A Python-like representation, e.g. for logs. */
  toString(): string {
    const quote = (value: unknown): string => (value === null ? "null" : `'${formatShort(value)}'`);
    return `Sample(sampleId=${quote(this.sampleId)}, ownerGroup=${quote(this.ownerGroup)})`;
  }
}

installFieldAccessors(Sample.prototype, SAMPLE_FIELDS, (f) => `Sample.${f.name} is read-only: SciCat sets it.`);
