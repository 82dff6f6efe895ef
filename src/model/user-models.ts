import { PID } from "../values/pid";
import { parseDateTime } from "../values/format";
import type { DownloadLifecycle, DownloadRelationship, DownloadTechnique, UploadRelationship, UploadTechnique } from "./wire";

function optionalDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  try {
    return parseDateTime(value as Date | string);
  } catch {
    return null;
  }
}

/** A technique used to create the data, e.g. `{ name: "small-angle neutron scattering", pid: "…" }`. */
export class Technique {
  /** Name of the technique. */
  readonly name: string;
  /** Persistent identifier of the technique. */
  readonly pid: string;

  constructor(init: { name: string; pid: string }) {
    this.name = init.name;
    this.pid = init.pid;
  }

  /** Reads SciCat's JSON; missing values become empty or `null`. */
  static fromDownloadModel(model: DownloadTechnique): Technique {
    return new Technique({ name: model.name ?? "", pid: model.pid ?? "" });
  }

  /** The JSON that SciCat takes. */
  makeUploadModel(): UploadTechnique {
    return { name: this.name, pid: this.pid };
  }

  /** True if `other` is of the same class and holds the same values. */
  equals(other: unknown): boolean {
    return other instanceof Technique && other.name === this.name && other.pid === this.pid;
  }

  /** A Python-like representation, e.g. for logs. */
  toString(): string {
    return `Technique(name='${this.name}', pid='${this.pid}')`;
  }
}

/** A relationship to another dataset, e.g. `{ pid, relationship: "is derived from" }`. */
export class Relationship {
  /** PID of the related dataset. */
  readonly pid: PID;
  /** How the datasets relate, e.g. `is derived from`. */
  readonly relationship: string;

  constructor(init: { pid: PID | string; relationship: string }) {
    this.pid = PID.parse(init.pid);
    this.relationship = init.relationship;
  }

  /** Reads SciCat's JSON; missing values become empty or `null`. */
  static fromDownloadModel(model: DownloadRelationship): Relationship {
    return new Relationship({ pid: model.pid ?? "", relationship: model.relationship ?? "" });
  }

  /** The JSON that SciCat takes. */
  makeUploadModel(): UploadRelationship {
    return { pid: this.pid.toString(), relationship: this.relationship };
  }

  /** True if `other` is of the same class and holds the same values. */
  equals(other: unknown): boolean {
    return other instanceof Relationship && other.pid.equals(this.pid) && other.relationship === this.relationship;
  }

  /** A Python-like representation, e.g. for logs. */
  toString(): string {
    return `Relationship(pid=${this.pid.toString()}, relationship='${this.relationship}')`;
  }
}

/**
 * Where a dataset is in its life: archived, retrievable, published… Managed
 * by SciCat; read-only.
 */
export class Lifecycle {
  /** Whether the dataset can be archived now. */
  readonly archivable: boolean | null;
  /** Until when the archive keeps the dataset. */
  readonly archiveRetentionTime: Date | null;
  /** What the archive system answered on the last archive job. */
  readonly archiveReturnMessage: Record<string, unknown> | null;
  /** Where archiving stands, e.g. `datasetOnArchiveDisk`. */
  readonly archiveStatusMessage: string | null;
  /** When the files are removed from the central disk. */
  readonly dateOfDiskPurging: Date | null;
  /** From when the dataset may be published. */
  readonly dateOfPublishing: Date | null;
  /** Where the dataset was exported to. */
  readonly exportedTo: string | null;
  /** Whether the files are on the central disk. */
  readonly isOnCentralDisk: boolean | null;
  /** Whether the dataset may be published. */
  readonly publishable: boolean | null;
  /** When the dataset was published. */
  readonly publishedOn: Date | null;
  /** Whether the files can be retrieved from the archive. */
  readonly retrievable: boolean | null;
  /** Whether the retrieved files passed the integrity check. */
  readonly retrieveIntegrityCheck: boolean | null;
  /** What the archive system answered on the last retrieve job. */
  readonly retrieveReturnMessage: Record<string, unknown> | null;
  /** Where retrieving stands. */
  readonly retrieveStatusMessage: string | null;

  constructor(init: DownloadLifecycle = {}) {
    this.archivable = init.archivable ?? null;
    this.archiveRetentionTime = optionalDate(init.archiveRetentionTime);
    this.archiveReturnMessage = init.archiveReturnMessage ?? null;
    this.archiveStatusMessage = init.archiveStatusMessage ?? null;
    this.dateOfDiskPurging = optionalDate(init.dateOfDiskPurging);
    this.dateOfPublishing = optionalDate(init.dateOfPublishing);
    this.exportedTo = init.exportedTo ?? null;
    this.isOnCentralDisk = init.isOnCentralDisk ?? null;
    this.publishable = init.publishable ?? null;
    this.publishedOn = optionalDate(init.publishedOn);
    this.retrievable = init.retrievable ?? null;
    this.retrieveIntegrityCheck = init.retrieveIntegrityCheck ?? null;
    this.retrieveReturnMessage = init.retrieveReturnMessage ?? null;
    this.retrieveStatusMessage = init.retrieveStatusMessage ?? null;
  }

  /** Reads SciCat's JSON; missing values become empty or `null`. */
  static fromDownloadModel(model: DownloadLifecycle): Lifecycle {
    return new Lifecycle(model);
  }

  /** True if `other` is of the same class and holds the same values. */
  equals(other: unknown): boolean {
    return other instanceof Lifecycle && JSON.stringify(other) === JSON.stringify(this);
  }

  /** A Python-like representation, e.g. for logs. */
  toString(): string {
    const set = Object.entries(this).filter(([, v]) => v !== null);
    return `Lifecycle(${set.map(([k, v]) => `${k}=${v instanceof Date ? v.toISOString() : JSON.stringify(v)}`).join(", ")})`;
  }
}
