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

/** Options of {@link ScicatClient.queryDatasets}. */
export interface QueryDatasetsOptions extends ReadOptions {
  /** At most this many datasets; needs `order`. */
  limit?: number;
  /** Sort order, `"field:asc"` or `"field:desc"`, e.g. `"creationTime:desc"`. */
  order?: string;
}

/** SciCat's `limits` of a query, or `null` for none. Throws if `limit` comes without `order`, as Scitacean does. */
export function queryLimits(options: QueryDatasetsOptions): { order?: string; limit?: number } | null {
  if (options.limit !== undefined && options.order === undefined) {
    throw new RangeError("`order` is required when `limit` is specified.");
  }
  if (options.limit === undefined && options.order === undefined) return null;
  return { ...(options.order === undefined ? {} : { order: options.order }), ...(options.limit === undefined ? {} : { limit: options.limit }) };
}

/**
 * SciCat API v3, as used by Scitacean 24.05.
 *
 * Reads are tolerant: records come back as SciCat sent them, and an
 * implementation logs one warning about unknown or broken fields (or throws
 * with `strictValidation`). `Client` relies on this and does not warn again.
 */
export interface ScicatClient {
  /** `GET datasets/{pid}` */
  getDatasetModel(pid: PID | string, options?: ReadOptions): Promise<DownloadDataset>;
  /** `GET datasets/{pid}/origdatablocks` */
  getOrigDatablocks(pid: PID | string, options?: ReadOptions): Promise<DownloadOrigDatablock[]>;
  /** `GET datasets/{pid}/attachments` */
  getAttachmentsForDataset(pid: PID | string, options?: ReadOptions): Promise<DownloadAttachment[]>;
  /** `GET samples/{id}` */
  getSampleModel(sampleId: string, options?: ReadOptions): Promise<DownloadSample>;
  /**
   * `GET datasets/fullquery`: the datasets whose fields equal `fields`
   * (SciCat names, e.g. `{ proposalId: "p0124" }`; values may be PIDs,
   * paths or dates). Experimental, as in Scitacean.
   */
  queryDatasets(fields: Record<string, unknown>, options?: QueryDatasetsOptions): Promise<DownloadDataset[]>;
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
