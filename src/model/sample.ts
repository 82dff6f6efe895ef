import { logger } from "../logging";
import { toStored, valuesEqual } from "./conversion";
import {
  installFieldAccessors,
  VALUES,
  valuesFromJson,
  valuesToJson,
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

/** A physical sample that datasets were measured on. */
export class Sample {
  declare [VALUES]: Record<string, unknown>;

  constructor(init: SampleInit, readOnly: ReadOnlyInit<Fields> = {}) {
    Object.defineProperty(this, VALUES, { value: {}, enumerable: false });
    for (const field of SAMPLE_FIELDS) {
      const source: Record<string, unknown> = field.readOnly ? readOnly : init;
      this[VALUES][field.name] = toStored(field.type, source[field.name], field.name);
    }
  }

  static fields(): Fields {
    return SAMPLE_FIELDS;
  }

  /** A sample as SciCat returned it. Unreadable values are kept and logged. */
  static fromDownloadModel(model: DownloadSample): Sample {
    const problems: string[] = [];
    const values = valuesFromJson(SAMPLE_FIELDS, model, problems);
    if (problems.length > 0) logger.warn(`Sample from SciCat has unexpected values: ${problems.join("; ")}`);
    const sample = Object.create(Sample.prototype) as Sample;
    Object.defineProperty(sample, VALUES, { value: values, enumerable: false });
    return sample;
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

  equals(other: unknown): boolean {
    return other instanceof Sample && SAMPLE_FIELDS.every((f) => valuesEqual(this[VALUES][f.name], other[VALUES][f.name]));
  }

  toString(): string {
    return `Sample(sampleId=${this.sampleId === null ? "null" : `'${this.sampleId}'`}, ownerGroup='${this.ownerGroup}')`;
  }
}

installFieldAccessors(Sample.prototype, SAMPLE_FIELDS, (f) => `Sample.${f.name} is read-only: SciCat sets it.`);
