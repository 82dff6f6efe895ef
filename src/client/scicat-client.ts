/**
 * The low-level SciCat API, one method per endpoint, on SciCat's JSON
 * models. `Client` builds on it; the fake and the HTTP client implement it.
 */
import type { PID } from "../values/pid";
import type {
  DownloadAttachment,
  DownloadDataset,
  DownloadOrigDatablock,
  DownloadSample,
  UploadAttachment,
  UploadDataset,
  UploadOrigDatablock,
  UploadSample,
} from "../model/wire";
import type { Attachment } from "../model/attachment";

/** Options of read operations. */
export interface ReadOptions {
  /** Throw on values that do not fit the model instead of warning. */
  strictValidation?: boolean;
}

/** SciCat API v3, as used by Scitacean 24.05. */
export interface ScicatClient {
  /** `GET datasets/{pid}` */
  getDatasetModel(pid: PID | string, options?: ReadOptions): Promise<DownloadDataset>;
  /** `GET datasets/{pid}/origdatablocks` */
  getOrigDatablocks(pid: PID | string, options?: ReadOptions): Promise<DownloadOrigDatablock[]>;
  /** `GET datasets/{pid}/attachments` */
  getAttachmentsForDataset(pid: PID | string, options?: ReadOptions): Promise<DownloadAttachment[]>;
  /** `GET samples/{id}` */
  getSampleModel(sampleId: string, options?: ReadOptions): Promise<DownloadSample>;
  /** `POST datasets`; SciCat assigns the pid. */
  createDatasetModel(dataset: UploadDataset): Promise<DownloadDataset>;
  /** `POST datasets/{pid}/origdatablocks` */
  createOrigDatablock(datablock: UploadOrigDatablock, options: { datasetId: PID | string }): Promise<DownloadOrigDatablock>;
  /** `POST datasets/{pid}/attachments`. Takes an upload model or an {@link Attachment}. */
  createAttachmentForDataset(
    attachment: UploadAttachment | Attachment,
    options: { datasetId: PID | string },
  ): Promise<DownloadAttachment>;
  /** `POST samples` */
  createSampleModel(sample: UploadSample): Promise<DownloadSample>;
  /** `POST datasets/isValid`; throws if SciCat rejects the dataset. */
  validateDatasetModel(dataset: UploadDataset): Promise<void>;
}
