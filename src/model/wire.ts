/**
 * SciCat's JSON shapes (API v3), as sent and received. "Download" models are
 * what SciCat returns: every field optional and read leniently. "Upload"
 * models are what we send: built from validated user objects only.
 */

/** One file entry of an orig datablock. */
export interface UploadDataFile {
  path: string;
  size: number;
  time: string;
  chk?: string;
  gid?: string;
  perm?: string;
  uid?: string;
}

export type DownloadDataFile = Partial<UploadDataFile>;

export interface UploadOrigDatablock {
  dataFileList: UploadDataFile[];
  size: number;
  chkAlg?: string;
}

export interface DownloadOrigDatablock {
  _id?: string;
  id?: string;
  datasetId?: string;
  dataFileList?: DownloadDataFile[];
  size?: number;
  chkAlg?: string;
  accessGroups?: string[];
  createdAt?: string;
  createdBy?: string;
  instrumentGroup?: string;
  isPublished?: boolean;
  ownerGroup?: string;
  updatedAt?: string;
  updatedBy?: string;
  [extra: string]: unknown;
}

export interface UploadTechnique {
  name: string;
  pid: string;
}
export type DownloadTechnique = Partial<UploadTechnique>;

export interface UploadRelationship {
  pid: string;
  relationship: string;
}
export type DownloadRelationship = Partial<UploadRelationship>;

export interface DownloadLifecycle {
  archivable?: boolean;
  archiveRetentionTime?: string;
  archiveReturnMessage?: Record<string, unknown>;
  archiveStatusMessage?: string;
  dateOfDiskPurging?: string;
  dateOfPublishing?: string;
  exportedTo?: string;
  isOnCentralDisk?: boolean;
  publishable?: boolean;
  publishedOn?: string;
  retrievable?: boolean;
  retrieveIntegrityCheck?: boolean;
  retrieveReturnMessage?: Record<string, unknown>;
  retrieveStatusMessage?: string;
}

/**
 * A dataset as SciCat stores it, keyed by SciCat names (`datasetName`,
 * `datasetlifecycle`, `version`, …). Unknown keys are kept.
 */
export interface DownloadDataset {
  pid?: string;
  type?: string;
  scientificMetadata?: Record<string, unknown>;
  numberOfFiles?: number;
  numberOfFilesArchived?: number;
  size?: number;
  packedSize?: number;
  [scicatName: string]: unknown;
}

/** A dataset as we send it to `POST datasets`. Only non-null fields are present. */
export interface UploadDataset {
  type: "raw" | "derived";
  numberOfFiles: number;
  numberOfFilesArchived: number;
  size: number;
  packedSize: number;
  scientificMetadata?: Record<string, unknown>;
  [scicatName: string]: unknown;
}

export interface UploadAttachment {
  caption: string;
  ownerGroup: string;
  accessGroups?: string[];
  datasetId?: string;
  id?: string;
  instrumentGroup?: string;
  proposalId?: string;
  sampleId?: string;
  thumbnail?: string;
}

export interface DownloadAttachment extends Partial<UploadAttachment> {
  createdAt?: string;
  createdBy?: string;
  isPublished?: boolean;
  updatedAt?: string;
  updatedBy?: string;
  [extra: string]: unknown;
}

export interface UploadSample {
  ownerGroup: string;
  accessGroups?: string[];
  description?: string;
  instrumentGroup?: string;
  isPublished?: boolean;
  owner?: string;
  sampleCharacteristics?: Record<string, unknown>;
  sampleId?: string;
}

export interface DownloadSample extends Partial<UploadSample> {
  createdAt?: string;
  createdBy?: string;
  updatedAt?: string;
  updatedBy?: string;
  [extra: string]: unknown;
}
