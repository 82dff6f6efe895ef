import { randomUUID } from "node:crypto";
import { ScicatCommError } from "../errors";
import { Attachment } from "../model/attachment";
import { queryLimits, type QueryDatasetsOptions, type ReadOptions, type ScicatClient } from "../client/scicat-client";
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
import { echo } from "../values/bounded";
import { PID } from "../values/pid";
import { PidMap } from "./pid-map";
import { fullquery } from "./scicat-server/fullquery";
import {
  acceptResponse,
  ATTACHMENT_SCHEMA,
  DATASET_SCHEMA,
  ORIG_DATABLOCK_SCHEMA,
  SAMPLE_SCHEMA,
  type RecordSchema,
} from "../client/response-validation";

/** Methods of the fake SciCat that can be made to fail with `disable`. */
export type FakeScicatMethod = keyof ScicatClient;

/** The PID prefix of datasets created by the fake. */
export const FAKE_PID_PREFIX = "PID.prefix.a0b1";

/** What the fake fills in on every record it creates, like a SciCat server would. */
function serverFields(): { createdBy: string; createdAt: string; updatedBy: string; updatedAt: string } {
  const now = new Date().toISOString();
  return { createdBy: "fake", createdAt: now, updatedBy: "fake", updatedAt: now };
}

const copy = <T>(value: T): T => structuredClone(value);

/**
 * `records` after the checks the HTTP client makes of SciCat's answers, so
 * that broken records seeded into the fake are reported the same way.
 */
function checked<T>(schema: RecordSchema, records: T, operation: string, options: ReadOptions, subject?: string): T {
  acceptResponse(schema, records, { operation, strict: options.strictValidation ?? false, ...(subject === undefined ? {} : { subject }) });
  return records;
}

/**
 * `records` as {@link checked}, for answers that are lists: like the HTTP
 * client, an empty answer is an empty list, and anything else that is not a
 * list is refused with a ScicatCommError.
 */
function checkedList<T>(schema: RecordSchema, records: T[] | null, operation: string, options: ReadOptions, subject: string): T[] {
  if (records === null) return [];
  if (!Array.isArray(records)) {
    throw new ScicatCommError(
      `Error in operation '${operation}': expected a list of ${schema.what}s from SciCat, got ${echo(records, 80)}.`,
      { operation, outcomeUnknown: true },
    );
  }
  return checked(schema, records, operation, options, subject);
}

/**
 * An in-memory SciCat. It stores SciCat's JSON records in public maps so
 * tests can seed and inspect them, and it never touches the network.
 *
 * It does not validate like a real server and its messages differ; test
 * against a real SciCat too before relying on server behaviour.
 */
export class FakeScicatClient implements ScicatClient {
  /** Datasets by PID. */
  readonly datasets = new PidMap<DownloadDataset>();
  /** Orig datablocks by dataset PID. */
  readonly origDatablocks = new PidMap<DownloadOrigDatablock[]>();
  /** Attachments by dataset PID. */
  readonly attachments = new PidMap<DownloadAttachment[]>();
  /** Samples by sample id. */
  readonly samples = new Map<string, DownloadSample>();
  /** Methods that throw the given error instead of working, for testing failure paths. */
  readonly disabled: Map<FakeScicatMethod, Error>;

  constructor(options: { disable?: Partial<Record<FakeScicatMethod, Error>> } = {}) {
    this.disabled = new Map(Object.entries(options.disable ?? {}) as Array<[FakeScicatMethod, Error]>);
  }

  #check(method: FakeScicatMethod): void {
    const error = this.disabled.get(method);
    if (error) throw error;
  }

  async getDatasetModel(pid: PID | string, options: ReadOptions = {}): Promise<DownloadDataset> {
    this.#check("getDatasetModel");
    const found = this.datasets.get(pid);
    if (!found) throw new ScicatCommError(`Unable to retrieve dataset ${String(pid)}: no such dataset in the fake SciCat.`);
    return checked(DATASET_SCHEMA, copy(found), "getDatasetModel", options);
  }

  async getOrigDatablocks(pid: PID | string, options: ReadOptions = {}): Promise<DownloadOrigDatablock[]> {
    this.#check("getOrigDatablocks");
    if (!this.datasets.has(pid)) {
      throw new ScicatCommError(`Unable to retrieve orig datablocks of dataset ${String(pid)}: no such dataset.`);
    }
    return checkedList(ORIG_DATABLOCK_SCHEMA, copy(this.origDatablocks.get(pid) ?? []), "getOrigDatablocks", options, `dataset ${String(pid)}`);
  }

  async getAttachmentsForDataset(pid: PID | string, options: ReadOptions = {}): Promise<DownloadAttachment[]> {
    this.#check("getAttachmentsForDataset");
    return checkedList(ATTACHMENT_SCHEMA, copy(this.attachments.get(pid) ?? []), "getAttachmentsForDataset", options, `dataset ${String(pid)}`);
  }

  async getSampleModel(sampleId: string, options: ReadOptions = {}): Promise<DownloadSample> {
    this.#check("getSampleModel");
    const found = this.samples.get(sampleId);
    if (!found) throw new ScicatCommError(`Unable to retrieve sample ${sampleId}: no such sample in the fake SciCat.`);
    return checked(SAMPLE_SCHEMA, copy(found), "getSampleModel", options);
  }

  /** Matches like SciCat's fullquery; the fake has no users, so every dataset can be found. */
  async queryDatasets(fields: Record<string, unknown>, options: QueryDatasetsOptions = {}): Promise<DownloadDataset[]> {
    this.#check("queryDatasets");
    const limits = queryLimits(options) ?? {};
    // Through JSON, as over HTTP, so that PIDs, paths and dates compare as the strings SciCat stores.
    const wanted = JSON.parse(JSON.stringify(fields)) as Record<string, unknown>;
    return checked(DATASET_SCHEMA, copy(fullquery(this.datasets.values(), wanted, limits)), "queryDatasets", options);
  }

  async createDatasetModel(dataset: UploadDataset): Promise<DownloadDataset> {
    this.#check("createDatasetModel");
    const pid = PID.generate({ prefix: FAKE_PID_PREFIX });
    if (this.datasets.has(pid)) {
      throw new ScicatCommError(`Cannot create dataset with pid '${pid.toString()}' because there already is one.`);
    }
    const created: DownloadDataset = { ...copy(dataset), pid: pid.toString(), ...serverFields() };
    this.datasets.set(pid, created);
    return copy(created);
  }

  async createOrigDatablock(
    datablock: UploadOrigDatablock,
    options: { datasetId: PID | string },
  ): Promise<DownloadOrigDatablock> {
    this.#check("createOrigDatablock");
    const dataset = this.datasets.get(options.datasetId);
    if (!dataset) throw new ScicatCommError(`No dataset with id ${String(options.datasetId)}.`);
    const created: DownloadOrigDatablock = {
      ...copy(datablock),
      _id: randomUUID(),
      datasetId: String(options.datasetId),
      ...(dataset["accessGroups"] ? { accessGroups: copy(dataset["accessGroups"] as string[]) } : {}),
      ...(dataset["ownerGroup"] ? { ownerGroup: dataset["ownerGroup"] as string } : {}),
      ...serverFields(),
    };
    const list = this.origDatablocks.get(options.datasetId) ?? [];
    list.push(created);
    this.origDatablocks.set(options.datasetId, list);
    return copy(created);
  }

  async createAttachmentForDataset(
    attachment: UploadAttachment | Attachment,
    options: { datasetId: PID | string },
  ): Promise<DownloadAttachment> {
    this.#check("createAttachmentForDataset");
    const model = attachment instanceof Attachment ? attachment.makeUploadModel() : attachment;
    if (!this.datasets.has(options.datasetId)) throw new ScicatCommError(`No dataset with id ${String(options.datasetId)}.`);
    const created: DownloadAttachment = {
      ...copy(model),
      id: model.id ?? randomUUID(),
      datasetId: String(options.datasetId),
      ...serverFields(),
    };
    const list = this.attachments.get(options.datasetId) ?? [];
    list.push(created);
    this.attachments.set(options.datasetId, list);
    return copy(created);
  }

  async createSampleModel(sample: UploadSample): Promise<DownloadSample> {
    this.#check("createSampleModel");
    const sampleId = sample.sampleId ?? randomUUID();
    if (this.samples.has(sampleId)) {
      throw new ScicatCommError(`Cannot create sample with id '${sampleId}' because there already is a sample with this id.`);
    }
    const created: DownloadSample = { ...copy(sample), sampleId, ...serverFields() };
    this.samples.set(sampleId, created);
    return copy(created);
  }

  async validateDatasetModel(_dataset: UploadDataset): Promise<void> {
    this.#check("validateDatasetModel");
  }
}
