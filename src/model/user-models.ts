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
  readonly name: string;
  readonly pid: string;

  constructor(init: { name: string; pid: string }) {
    this.name = init.name;
    this.pid = init.pid;
  }

  static fromDownloadModel(model: DownloadTechnique): Technique {
    return new Technique({ name: model.name ?? "", pid: model.pid ?? "" });
  }

  makeUploadModel(): UploadTechnique {
    return { name: this.name, pid: this.pid };
  }

  equals(other: unknown): boolean {
    return other instanceof Technique && other.name === this.name && other.pid === this.pid;
  }

  toString(): string {
    return `Technique(name='${this.name}', pid='${this.pid}')`;
  }
}

/** A relationship to another dataset, e.g. `{ pid, relationship: "is derived from" }`. */
export class Relationship {
  readonly pid: PID;
  readonly relationship: string;

  constructor(init: { pid: PID | string; relationship: string }) {
    this.pid = PID.parse(init.pid);
    this.relationship = init.relationship;
  }

  static fromDownloadModel(model: DownloadRelationship): Relationship {
    return new Relationship({ pid: model.pid ?? "", relationship: model.relationship ?? "" });
  }

  makeUploadModel(): UploadRelationship {
    return { pid: this.pid.toString(), relationship: this.relationship };
  }

  equals(other: unknown): boolean {
    return other instanceof Relationship && other.pid.equals(this.pid) && other.relationship === this.relationship;
  }

  toString(): string {
    return `Relationship(pid=${this.pid.toString()}, relationship='${this.relationship}')`;
  }
}

/**
 * Where a dataset is in its life: archived, retrievable, published… Managed
 * by SciCat; read-only.
 */
export class Lifecycle {
  readonly archivable: boolean | null;
  readonly archiveRetentionTime: Date | null;
  readonly archiveReturnMessage: Record<string, unknown> | null;
  readonly archiveStatusMessage: string | null;
  readonly dateOfDiskPurging: Date | null;
  readonly dateOfPublishing: Date | null;
  readonly exportedTo: string | null;
  readonly isOnCentralDisk: boolean | null;
  readonly publishable: boolean | null;
  readonly publishedOn: Date | null;
  readonly retrievable: boolean | null;
  readonly retrieveIntegrityCheck: boolean | null;
  readonly retrieveReturnMessage: Record<string, unknown> | null;
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

  static fromDownloadModel(model: DownloadLifecycle): Lifecycle {
    return new Lifecycle(model);
  }

  equals(other: unknown): boolean {
    return other instanceof Lifecycle && JSON.stringify(other) === JSON.stringify(this);
  }

  toString(): string {
    const set = Object.entries(this).filter(([, v]) => v !== null);
    return `Lifecycle(${set.map(([k, v]) => `${k}=${v instanceof Date ? v.toISOString() : JSON.stringify(v)}`).join(", ")})`;
  }
}
