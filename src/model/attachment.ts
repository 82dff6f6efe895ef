import { formatShort } from "../values/format";
import {
  initValues,
  installFieldAccessors,
  modelFromJson,
  readModel,
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
import type { DownloadAttachment, UploadAttachment } from "./wire";

/** Fields of an attachment (SciCat API v3), in display order. */
export const ATTACHMENT_FIELDS = [
  { name: "caption", scicatName: "caption", type: "string", required: true, readOnly: false },
  { name: "ownerGroup", scicatName: "ownerGroup", type: "string", required: true, readOnly: false },
  { name: "accessGroups", scicatName: "accessGroups", type: "string[]", required: false, readOnly: false },
  { name: "createdAt", scicatName: "createdAt", type: "Date", required: false, readOnly: true },
  { name: "createdBy", scicatName: "createdBy", type: "string", required: false, readOnly: true },
  { name: "datasetId", scicatName: "datasetId", type: "PID", required: false, readOnly: false },
  { name: "id", scicatName: "id", type: "string", required: false, readOnly: false },
  { name: "instrumentGroup", scicatName: "instrumentGroup", type: "string", required: false, readOnly: false },
  { name: "isPublished", scicatName: "isPublished", type: "boolean", required: false, readOnly: true },
  { name: "proposalId", scicatName: "proposalId", type: "string", required: false, readOnly: false },
  { name: "sampleId", scicatName: "sampleId", type: "string", required: false, readOnly: false },
  { name: "thumbnail", scicatName: "thumbnail", type: "Thumbnail", required: false, readOnly: false },
  { name: "updatedAt", scicatName: "updatedAt", type: "Date", required: false, readOnly: true },
  { name: "updatedBy", scicatName: "updatedBy", type: "string", required: false, readOnly: true },
] as const satisfies readonly ModelFieldSpec[];

type Fields = typeof ATTACHMENT_FIELDS;

/** What `new Attachment(...)` takes: `caption` and `ownerGroup`, and optionally more. */
export type AttachmentInit = ModelInit<Fields>;

export interface Attachment extends WritableProps<Fields>, ReadOnlyProps<Fields> {}

/**
 * An image with a caption, attached to a dataset.
 *
 * @example
 * dset.attachments.push(new Attachment({
 *   caption: "Detector image", ownerGroup: dset.ownerGroup!, thumbnail: Thumbnail.loadFile("image.png"),
 * }));
 */
export class Attachment {
  /** @internal */
  declare [VALUES]: Record<string, unknown>;

  constructor(init: AttachmentInit, readOnly: ReadOnlyInit<Fields> = {}) {
    initValues(this, ATTACHMENT_FIELDS, init, readOnly);
  }

  /** The field table, for code that wants to walk all fields. */
  static fields(): Fields {
    return ATTACHMENT_FIELDS;
  }

  /** An attachment as SciCat returned it. Unreadable values are kept and logged. */
  static fromDownloadModel(model: DownloadAttachment, options: FromDownloadOptions = {}): Attachment {
    return modelFromJson(Attachment.prototype, ATTACHMENT_FIELDS, model, "Attachment", options);
  }

  /**
   * Reads whatever SciCat sent as an attachment, never throwing: values that
   * do not fit are kept as they came and named in `problems` (prefixed with `label`).
   */
  static read(model: unknown, problems: string[], label?: string): Attachment {
    return readModel(Attachment.prototype, ATTACHMENT_FIELDS, model, problems, label);
  }

  /** The body of `POST datasets/{pid}/attachments`. */
  makeUploadModel(): UploadAttachment {
    const downloaded = ATTACHMENT_FIELDS.filter((f) => f.readOnly && this[VALUES][f.name] !== null).map((f) => f.name);
    if (downloaded.length > 0) {
      throw new TypeError(
        `Attachment '${formatShort(this.caption)}' came from SciCat (${downloaded.join(", ")} are set by SciCat) and cannot be ` +
          "uploaded again as it is. Make a new Attachment with the same caption and thumbnail instead.",
      );
    }
    for (const name of ["caption", "ownerGroup"] as const) {
      if (typeof this[name] !== "string" || this[name] === "") {
        throw new TypeError(`Attachment ${name} is required for upload, but missing.`);
      }
    }
    return valuesToJson(
      ATTACHMENT_FIELDS.filter((f) => !f.readOnly),
      this[VALUES],
    ) as unknown as UploadAttachment;
  }

  /** Same values in every field. */
  equals(other: unknown): boolean {
    return other instanceof Attachment && sameValues(this, other, ATTACHMENT_FIELDS);
  }

  /** A Python-like representation, e.g. for logs. */
  toString(): string {
    const quote = (value: unknown): string => `'${formatShort(value)}'`;
    return `Attachment(caption=${quote(this.caption)}, ownerGroup=${quote(this.ownerGroup)}${this.id ? `, id=${quote(this.id)}` : ""})`;
  }
}

installFieldAccessors(
  Attachment.prototype,
  ATTACHMENT_FIELDS,
  (f) => `Attachment.${f.name} is read-only: SciCat sets it.`,
);
