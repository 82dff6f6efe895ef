/**
 * SciCat's JSON shapes (API v3), as sent and received. "Download" models are
 * what SciCat returns: every field optional and read leniently. "Upload"
 * models are what we send: built from validated user objects only.
 */

/** One file entry of an orig datablock. */
export interface UploadDataFile {
  /** Path relative to the dataset's source folder, POSIX style. */
  path: string;
  /** Size in bytes. */
  size: number;
  /** Modification time (ISO 8601). */
  time: string;
  /** Checksum, computed with the datablock's `chkAlg`. */
  chk?: string;
  /** Group of the file on the file server. */
  gid?: string;
  /** Permissions of the file on the file server. */
  perm?: string;
  /** Owner of the file on the file server. */
  uid?: string;
}

/** A file entry as SciCat returns it: every key optional. */
export type DownloadDataFile = Partial<UploadDataFile>;

/** An orig datablock (the list of a dataset's files) as we send it. */
export interface UploadOrigDatablock {
  /** The files of the datablock. */
  dataFileList: UploadDataFile[];
  /** Total size of the files in bytes. */
  size: number;
  /** Checksum algorithm of the files' `chk`, e.g. `blake2b`. */
  chkAlg?: string;
}

/** An orig datablock as SciCat returns it. Unknown keys are kept. */
export interface DownloadOrigDatablock {
  /** SciCat's database id (older servers). */
  _id?: string;
  /** ID of the datablock. */
  id?: string;
  /** PID of the dataset the datablock belongs to. */
  datasetId?: string;
  /** The files of the datablock. */
  dataFileList?: DownloadDataFile[];
  /** Total size of the files in bytes. */
  size?: number;
  /** Checksum algorithm of the files' `chk`. */
  chkAlg?: string;
  /** Groups that may read the entry besides the owner group. */
  accessGroups?: string[];
  /** When SciCat created the entry (ISO 8601). */
  createdAt?: string;
  /** Who created the entry in SciCat. */
  createdBy?: string;
  /** The group of the instrument that owns the entry. */
  instrumentGroup?: string;
  /** Whether the entry is published (readable by anyone). */
  isPublished?: boolean;
  /** The group that owns the entry. */
  ownerGroup?: string;
  /** When SciCat last changed the entry (ISO 8601). */
  updatedAt?: string;
  /** Who last changed the entry in SciCat. */
  updatedBy?: string;
  [extra: string]: unknown;
}

/** A technique as we send it. */
export interface UploadTechnique {
  /** Name of the technique. */
  name: string;
  /** Persistent identifier of the technique. */
  pid: string;
}
/** A technique as SciCat returns it. */
export type DownloadTechnique = Partial<UploadTechnique>;

/** A relationship to another dataset as we send it. */
export interface UploadRelationship {
  /** PID of the related dataset. */
  pid: string;
  /** How the datasets relate, e.g. `is derived from`. */
  relationship: string;
}
/** A relationship as SciCat returns it. */
export type DownloadRelationship = Partial<UploadRelationship>;

/** A dataset's lifecycle (`datasetlifecycle`) as SciCat returns it. */
export interface DownloadLifecycle {
  /** Whether the dataset can be archived now. */
  archivable?: boolean;
  /** Until when the archive keeps the dataset. */
  archiveRetentionTime?: string;
  /** What the archive system answered on the last archive job. */
  archiveReturnMessage?: Record<string, unknown>;
  /** Where archiving stands, e.g. `datasetOnArchiveDisk`. */
  archiveStatusMessage?: string;
  /** When the files are removed from the central disk. */
  dateOfDiskPurging?: string;
  /** From when the dataset may be published. */
  dateOfPublishing?: string;
  /** Where the dataset was exported to. */
  exportedTo?: string;
  /** Whether the files are on the central disk. */
  isOnCentralDisk?: boolean;
  /** Whether the dataset may be published. */
  publishable?: boolean;
  /** When the dataset was published. */
  publishedOn?: string;
  /** Whether the files can be retrieved from the archive. */
  retrievable?: boolean;
  /** Whether the retrieved files passed the integrity check. */
  retrieveIntegrityCheck?: boolean;
  /** What the archive system answered on the last retrieve job. */
  retrieveReturnMessage?: Record<string, unknown>;
  /** Where retrieving stands. */
  retrieveStatusMessage?: string;
}

/**
 * A dataset as SciCat stores it, keyed by SciCat names (`datasetName`,
 * `datasetlifecycle`, `version`, …). Unknown keys are kept.
 */
export interface DownloadDataset {
  pid?: string;
  type?: string;
  /** Free-form scientific metadata (`Dataset.meta`). */
  scientificMetadata?: Record<string, unknown>;
  /** Number of files in the dataset's datablocks. */
  numberOfFiles?: number;
  /** Number of archived files. */
  numberOfFilesArchived?: number;
  /** Total size of the files in bytes. */
  size?: number;
  /** Size of the archived (packed) files in bytes. */
  packedSize?: number;
  [scicatName: string]: unknown;
}

/** A dataset as we send it to `POST datasets`. Only non-null fields are present. */
export interface UploadDataset {
  type: "raw" | "derived";
  /** Number of files in the dataset's datablocks. */
  numberOfFiles: number;
  /** Number of archived files. */
  numberOfFilesArchived: number;
  /** Total size of the files in bytes. */
  size: number;
  /** Size of the archived (packed) files in bytes. */
  packedSize: number;
  /** Free-form scientific metadata (`Dataset.meta`). */
  scientificMetadata?: Record<string, unknown>;
  [scicatName: string]: unknown;
}

/** An attachment as we send it to `POST datasets/{pid}/attachments`. */
export interface UploadAttachment {
  caption: string;
  /** The group that owns the entry. */
  ownerGroup: string;
  /** Groups that may read the entry besides the owner group. */
  accessGroups?: string[];
  datasetId?: string;
  id?: string;
  /** The group of the instrument that owns the entry. */
  instrumentGroup?: string;
  proposalId?: string;
  sampleId?: string;
  thumbnail?: string;
}

/** An attachment as SciCat returns it. Unknown keys are kept. */
export interface DownloadAttachment extends Partial<UploadAttachment> {
  /** When SciCat created the entry (ISO 8601). */
  createdAt?: string;
  /** Who created the entry in SciCat. */
  createdBy?: string;
  /** Whether the entry is published (readable by anyone). */
  isPublished?: boolean;
  /** When SciCat last changed the entry (ISO 8601). */
  updatedAt?: string;
  /** Who last changed the entry in SciCat. */
  updatedBy?: string;
  [extra: string]: unknown;
}

/** A sample as we send it to `POST samples`. */
export interface UploadSample {
  /** The group that owns the entry. */
  ownerGroup: string;
  /** Groups that may read the entry besides the owner group. */
  accessGroups?: string[];
  description?: string;
  /** The group of the instrument that owns the entry. */
  instrumentGroup?: string;
  /** Whether the entry is published (readable by anyone). */
  isPublished?: boolean;
  owner?: string;
  sampleCharacteristics?: Record<string, unknown>;
  sampleId?: string;
}

/** A sample as SciCat returns it. Unknown keys are kept. */
export interface DownloadSample extends Partial<UploadSample> {
  /** When SciCat created the entry (ISO 8601). */
  createdAt?: string;
  /** Who created the entry in SciCat. */
  createdBy?: string;
  /** When SciCat last changed the entry (ISO 8601). */
  updatedAt?: string;
  /** Who last changed the entry in SciCat. */
  updatedBy?: string;
  [extra: string]: unknown;
}
