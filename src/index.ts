/**
 * scitacean-ts: describe datasets, attach files and images, upload them to
 * SciCat and a file server, and fetch them back — from TypeScript notebooks.
 *
 * @example
 * import { Client, Dataset } from "scitacean-ts";
 * import { setupFakeClient } from "scitacean-ts/testing";
 * const client = setupFakeClient();
 * const dset = await client.getDataset("20.500.12269/72fe3ff6-105b-4c7f-b9d0-073b67c90ec3");
 *
 * @module scitacean-ts
 */

// Rich display of every object in notebooks (registers renderers on the classes below).
import "./display/install";

// Values
export { PID } from "./values/pid";
export { RemotePath } from "./values/remote-path";
export { Thumbnail } from "./values/thumbnail";
export {
  checksumOfFile,
  type ChecksumOptions,
  escapePath,
  fileModificationTime,
  fileSize,
  DEFAULT_CHECKSUM_ALGORITHM,
} from "./values/filesystem";

// Model
export { Dataset } from "./model/dataset";
export type {
  AddFilesOptions,
  DatasetFieldName,
  DatasetInit,
  DatasetReplacements,
  ReadOnlyDatasetFieldName,
  WritableDatasetFieldName,
} from "./model/dataset";
export { DATASET_FIELDS } from "./model/dataset-fields";
export { DATASET_TYPES, type DatasetType, type FieldSpec } from "./model/field-spec";
export { File, type HashingOptions } from "./model/file";
export {
  MAX_BYTES_PER_DATABLOCK,
  MAX_FILES_PER_DATABLOCK,
  OrigDatablock,
  splitUploadModel,
  type DatablockHashingOptions,
  type DatablockLimits,
} from "./model/datablock";
export { Attachment, ATTACHMENT_FIELDS, type AttachmentInit } from "./model/attachment";
export { Sample, SAMPLE_FIELDS, type SampleInit } from "./model/sample";
export { Lifecycle, Relationship, Technique } from "./model/user-models";
export type { FromDownloadOptions } from "./model/table-model";
export type {
  DownloadAttachment,
  DownloadDataFile,
  DownloadDataset,
  DownloadLifecycle,
  DownloadOrigDatablock,
  DownloadSample,
  UploadAttachment,
  UploadDataFile,
  UploadDataset,
  UploadOrigDatablock,
  UploadSample,
} from "./model/wire";

// Errors and logging
export {
  FileNotAccessibleError,
  FileUploadError,
  IntegrityError,
  PartialUploadError,
  type PartialUploadState,
  ScicatCommError,
  ScicatLoginError,
  ScitaceanError,
  ValidationError,
  type ValidationIssue,
} from "./errors";
export { logger, setLogHandler, type LogHandler, type LogLevel } from "./logging";

// Transfers
export type {
  DownloadConnection,
  Downloader,
  FileProgress,
  FileTransfer,
  TransferOptions,
  UploadConnection,
  Uploader,
} from "./transfer/types";
export type { DownloadedFile, TransferDownloadOptions } from "./transfer/types";
export type {
  FolderCheck,
  MeasuredWrite,
  UploadServerCheck,
  UploadServerCheckOptions,
} from "./transfer/types";
export { formatSourceFolder, sourceFolderFor } from "./transfer/source-folder";
export { SFTPFileTransfer, type SFTPFileTransferOptions } from "./transfer/sftp";
export { ConnectionLostError } from "./transfer/sftp/channel";
export { LocalFileTransfer, type LocalFileTransferOptions } from "./transfer/local";
export { LinkFileTransfer, type LinkFileTransferOptions } from "./transfer/link";
export { SelectFileTransfer, type SelectFileTransferOptions } from "./transfer/select";

// Client
export {
  Client,
  type DownloadOptions,
  type DownloadPhase,
  type DownloadProgress,
  type FileSelector,
  type UploadOptions,
  type UploadPhase,
  type UploadProgress,
} from "./client/client";
export type { QueryDatasetsOptions, ReadOptions, ScicatClient } from "./client/scicat-client";
export type { ClientConnectionOptions } from "./client/client";
export { UploadCheck } from "./client/check-upload-report";
export type { CheckUploadOptions, UploadCheckPhase } from "./client/check-upload";
export type {
  ScicatVerdict,
  UploadCheckFile,
  UploadCheckFolder,
  UploadProblem,
  UploadProblemKind,
} from "./html/upload-report";
export { HttpScicatClient, type HttpScicatClientOptions } from "./client/http";

// Display
export { display, show, toMimeBundle, type MimeBundle } from "./display";
export { mimeBundleOf } from "./html";
