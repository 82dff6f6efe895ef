import { inspect } from "node:util";
import type { AxiosInstance } from "axios";
import { ScicatCommError, ValidationError, type ValidationIssue } from "../../errors";
import { logger } from "../../logging";
import { Attachment } from "../../model/attachment";
import { DATASET_FIELDS } from "../../model/dataset-fields";
import type {
  DownloadAttachment,
  DownloadDataset,
  DownloadOrigDatablock,
  DownloadSample,
  UploadAttachment,
  UploadDataset,
  UploadOrigDatablock,
  UploadSample,
} from "../../model/wire";
import { PID } from "../../values/pid";
import { queryLimits, type QueryDatasetsOptions, type ReadOptions, type ScicatClient } from "../scicat-client";
import { loginForToken } from "./login";
import {
  acceptResponse,
  ATTACHMENT_SCHEMA,
  DATASET_SCHEMA,
  ORIG_DATABLOCK_SCHEMA,
  SAMPLE_SCHEMA,
  type RecordSchema,
} from "../response-validation";
import { serverMessages } from "./server-errors";
import { AccessToken, EXPIRED_LOGIN_MESSAGE } from "./token";
import { createHttp, DEFAULT_TIMEOUT_MS, httpError, isSuccess, redactUrl, send, type RequestSpec } from "./transport";

/** How many attachments SciCat's `GET datasets/{pid}/attachments` sends at most (its default limit). */
const ATTACHMENT_PAGE_SIZE = 10;

/** Where and how to reach SciCat. */
export interface HttpConnectionOptions {
  /**
   * SciCat's API root including the version, e.g. `https://scicat.ess.eu/api/v3`.
   * Used as given, apart from trailing slashes.
   */
  url: string;
  /** How long to wait for each answer; default 10 000 ms. */
  timeoutMs?: number;
}

/** Options of the {@link HttpScicatClient} constructor. */
export interface HttpScicatClientOptions extends HttpConnectionOptions {
  /** Access token (a JWT, or any other token SciCat accepts); `null` or absent for anonymous access. */
  token?: string | null;
}

function normalizeUrl(url: unknown): string {
  if (typeof url !== "string" || url.trim() === "") {
    throw new TypeError("The SciCat URL must be a non-empty string, e.g. 'https://scicat.example/api/v3'.");
  }
  return url.trim().replace(/\/+$/, "");
}

function normalizeTimeout(timeoutMs: unknown): number {
  if (timeoutMs === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError(`timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}.`);
  }
  return timeoutMs;
}

const segment = (id: PID | string): string => encodeURIComponent(String(id));

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The TypeScript field name for a SciCat dataset key, for mapping server messages to fields. */
const DATASET_FIELD_BY_SCICAT_NAME = new Map<string, string>(DATASET_FIELDS.map((f) => [f.scicatName, f.name]));

/**
 * The field a class-validator message is about: `"owner must be a string"`,
 * `"each value in keywords …"`, `"property foo should not exist"`.
 */
function issueOf(message: string): ValidationIssue {
  const unknown = /^property (\S+) should not exist/.exec(message)?.[1];
  if (unknown !== undefined) return { field: DATASET_FIELD_BY_SCICAT_NAME.get(unknown) ?? unknown, message };
  const first = /^(?:each value in )?([A-Za-z_]\w*)/.exec(message)?.[1];
  const field = first === undefined ? undefined : DATASET_FIELD_BY_SCICAT_NAME.get(first);
  if (field !== undefined) return { field, message };
  // SciCat's email-list validator does not name its field; only contactEmail uses it.
  if (message.startsWith("Expected an email or a list")) return { field: "contactEmail", message };
  return { field: "dataset", message };
}

/**
 * The SciCat client that talks to a real server over HTTP (SciCat API v3, the
 * API of Scitacean 24.05). Usually made through `Client.fromToken`,
 * `Client.fromCredentials` or `Client.withoutLogin`.
 *
 * The token is never shown: not in errors, logs, `util.inspect` or
 * `JSON.stringify` of the client. A JWT is checked for expiry when the
 * client is made and before every request.
 *
 * @example
 * const scicat = HttpScicatClient.fromToken({ url: "https://scicat.ess.eu/api/v3", token });
 * const model = await scicat.getDatasetModel("20.500.12269/72fe3ff6-105b-4c7f-b9d0-073b67c90ec3");
 */
export class HttpScicatClient implements ScicatClient {
  /** SciCat's API root, e.g. `https://scicat.ess.eu/api/v3`. */
  readonly url: string;
  /** Time limit of each request in milliseconds. */
  readonly timeoutMs: number;
  readonly #token: AccessToken | null;
  readonly #http: AxiosInstance;

  /** Prefer the factories; this takes a ready token. Throws if the token has expired. */
  constructor(options: HttpScicatClientOptions) {
    this.url = normalizeUrl(options.url);
    this.timeoutMs = normalizeTimeout(options.timeoutMs);
    this.#token = options.token === undefined || options.token === null ? null : new AccessToken(options.token);
    this.#token?.assertValid();
    this.#http = createHttp();
  }

  /** A client that uses an existing token, e.g. one copied from the SciCat web interface. */
  static fromToken(options: HttpConnectionOptions & { token: string }): HttpScicatClient {
    if (typeof options.token !== "string" || options.token.trim() === "") {
      throw new TypeError("fromToken needs a token; use withoutLogin for anonymous access.");
    }
    return new HttpScicatClient(options);
  }

  /**
   * Logs in with a user name and password and returns a client with the
   * resulting token. Tries `auth/login`, `Users/login`, `auth/msad` (at the
   * server root) and `auth/ldap`, in this order (see `LOGIN_ENDPOINTS`).
   * Throws a `ScicatLoginError` that says what each endpoint answered (never
   * the password) if none accepts the credentials, or a `ScicatCommError` if
   * SciCat cannot be reached.
   */
  static async fromCredentials(
    options: HttpConnectionOptions & { username: string; password: string },
  ): Promise<HttpScicatClient> {
    const url = normalizeUrl(options.url);
    const timeoutMs = normalizeTimeout(options.timeoutMs);
    const token = await loginForToken(createHttp(), {
      url,
      username: options.username,
      password: options.password,
      timeoutMs,
    });
    return new HttpScicatClient({ url, token, timeoutMs });
  }

  /** An anonymous client: it can read public data only. */
  static withoutLogin(options: HttpConnectionOptions): HttpScicatClient {
    return new HttpScicatClient({ url: options.url, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) });
  }

  /** Whether the client sends a token. */
  get isAuthenticated(): boolean {
    return this.#token !== null;
  }

  /** When the token expires (`null` if there is none or it does not expire). */
  get tokenExpiresAt(): Date | null {
    return this.#token?.expiresAt ?? null;
  }

  async getDatasetModel(pid: PID | string, options: ReadOptions = {}): Promise<DownloadDataset> {
    const operation = "getDatasetModel";
    const body = await this.#call({ method: "GET", path: `datasets/${segment(pid)}`, operation });
    if (body === null) {
      throw new ScicatCommError(
        `Cannot get dataset with pid=${PID.parse(pid).toRepr()}, no such dataset in SciCat at ${this.#shownUrl}.`,
        { operation },
      );
    }
    return this.#record(DATASET_SCHEMA, body, operation, options) as DownloadDataset;
  }

  async getOrigDatablocks(pid: PID | string, options: ReadOptions = {}): Promise<DownloadOrigDatablock[]> {
    const operation = "getOrigDatablocks";
    const body = await this.#call({ method: "GET", path: `datasets/${segment(pid)}/origdatablocks`, operation });
    return this.#list(ORIG_DATABLOCK_SCHEMA, body, operation, options, `dataset ${String(pid)}`) as DownloadOrigDatablock[];
  }

  async getAttachmentsForDataset(pid: PID | string, options: ReadOptions = {}): Promise<DownloadAttachment[]> {
    const operation = "getAttachmentsForDataset";
    const body = await this.#call({ method: "GET", path: `datasets/${segment(pid)}/attachments`, operation });
    const list = this.#list(ATTACHMENT_SCHEMA, body, operation, options, `dataset ${String(pid)}`) as DownloadAttachment[];
    // The route takes no paging, and the backend sends at most its default page: a full page may hide more.
    if (list.length >= ATTACHMENT_PAGE_SIZE) {
      logger.warn(
        `SciCat returned ${list.length} attachments for dataset ${String(pid)}, the most it sends at once (newest ` +
          "first). The dataset may have more attachments, which are not included.",
      );
    }
    return list;
  }

  async getSampleModel(sampleId: string, options: ReadOptions = {}): Promise<DownloadSample> {
    const operation = "getSampleModel";
    const body = await this.#call({ method: "GET", path: `samples/${segment(sampleId)}`, operation });
    if (body === null) {
      throw new ScicatCommError(
        `Cannot get sample with sampleId='${sampleId}', no such sample in SciCat at ${this.#shownUrl}.`,
        { operation },
      );
    }
    return this.#record(SAMPLE_SCHEMA, body, operation, options) as DownloadSample;
  }

  /**
   * Finds datasets through SciCat's `datasets/fullquery` (experimental, as in
   * Scitacean). `fields` are matched exactly, e.g. `{ proposalId: "p0124" }`;
   * SciCat also understands `text` (full-text search) and a few other keys.
   */
  async queryDatasets(fields: Record<string, unknown>, options: QueryDatasetsOptions = {}): Promise<DownloadDataset[]> {
    const operation = "queryDatasets";
    const limits = queryLimits(options);
    const params: Record<string, string> = { fields: JSON.stringify(fields) };
    if (limits !== null) params["limits"] = JSON.stringify(limits);
    const body = await this.#call({ method: "GET", path: "datasets/fullquery", operation, params });
    return this.#list(DATASET_SCHEMA, body, operation, options) as DownloadDataset[];
  }

  async createDatasetModel(dataset: UploadDataset): Promise<DownloadDataset> {
    const operation = "createDatasetModel";
    const body = await this.#call({ method: "POST", path: "datasets", operation, body: dataset });
    return this.#record(DATASET_SCHEMA, body, operation, {}) as DownloadDataset;
  }

  async createOrigDatablock(
    datablock: UploadOrigDatablock,
    options: { datasetId: PID | string },
  ): Promise<DownloadOrigDatablock> {
    const operation = "createOrigDatablock";
    const path = `datasets/${segment(options.datasetId)}/origdatablocks`;
    const body = await this.#call({ method: "POST", path, operation, body: datablock });
    return this.#record(ORIG_DATABLOCK_SCHEMA, body, operation, {}) as DownloadOrigDatablock;
  }

  async createAttachmentForDataset(
    attachment: UploadAttachment | Attachment,
    options: { datasetId: PID | string },
  ): Promise<DownloadAttachment> {
    const operation = "createAttachmentForDataset";
    const model = attachment instanceof Attachment ? attachment.makeUploadModel() : attachment;
    const path = `datasets/${segment(options.datasetId)}/attachments`;
    const body = await this.#call({ method: "POST", path, operation, body: model });
    if (body === null) {
      throw new ScicatCommError(
        `Failed to upload attachment for dataset with pid=${PID.parse(options.datasetId).toRepr()}. The server ` +
          "reported success but did not return a finalized attachment. This likely means that there is no dataset with this ID.",
        { operation },
      );
    }
    return this.#record(ATTACHMENT_SCHEMA, body, operation, {}) as DownloadAttachment;
  }

  async createSampleModel(sample: UploadSample): Promise<DownloadSample> {
    const operation = "createSampleModel";
    const body = await this.#call({ method: "POST", path: "samples", operation, body: sample });
    return this.#record(SAMPLE_SCHEMA, body, operation, {}) as DownloadSample;
  }

  /**
   * Asks SciCat whether it would accept the dataset. Throws a
   * `ValidationError` with SciCat's reasons (where it gives any) if not.
   */
  async validateDatasetModel(dataset: UploadDataset): Promise<void> {
    const operation = "validateDatasetModel";
    const body = await this.#call({ method: "POST", path: "datasets/isValid", operation, body: dataset });
    if (!isRecord(body) || typeof body["valid"] !== "boolean") {
      throw new ScicatCommError(
        `Error in operation '${operation}': SciCat's answer has no 'valid' flag: ${serverMessages(body).join("; ")}`,
        { operation },
      );
    }
    if (body["valid"]) return;
    // Current backends explain in `error` ("a; b"); older ones give no reason.
    const reasons = typeof body["error"] === "string" && body["error"] !== "" ? body["error"].split("; ") : [];
    const name = typeof dataset["datasetName"] === "string" ? ` '${dataset["datasetName"]}'` : "";
    throw new ValidationError(
      `Dataset${name} (checked by SciCat at ${this.#shownUrl})`,
      reasons.length > 0 ? reasons.map(issueOf) : [{ field: "dataset", message: "SciCat rejected the dataset without giving a reason." }],
    );
  }

  /** What `JSON.stringify` shows: where the client connects, never the token. */
  toJSON(): {
    /** SciCat's API URL. */
    url: string;
    /** Whether the client holds a token. */
    authenticated: boolean;
    /** When the token expires (ISO 8601), if known. */
    tokenExpiresAt: string | null;
  } {
    return { url: this.#shownUrl, authenticated: this.isAuthenticated, tokenExpiresAt: this.tokenExpiresAt?.toISOString() ?? null };
  }

  /** What `console.log` and `util.inspect` print: the URL, never the token. */
  [inspect.custom](): string {
    const expiry = this.tokenExpiresAt ? `, token expires ${this.tokenExpiresAt.toISOString()}` : "";
    return `HttpScicatClient(${this.#shownUrl}, ${this.isAuthenticated ? "logged in" : "anonymous"}${expiry})`;
  }

  toString(): string {
    return this[inspect.custom]();
  }

  get #shownUrl(): string {
    return redactUrl(this.url);
  }

  /** Sends a request and returns the parsed body of a 2xx answer (`null` if empty); throws otherwise. */
  async #call(request: {
    method: "GET" | "POST";
    path: string;
    operation: string;
    body?: unknown;
    params?: Record<string, string>;
  }): Promise<unknown> {
    const token = this.#token;
    const spec: RequestSpec = {
      method: request.method,
      url: `${this.url}/${request.path}`,
      operation: request.operation,
      ...(request.body === undefined ? {} : { body: request.body }),
      ...(request.params === undefined ? {} : { params: request.params }),
      // Checked here, before every request: a long notebook session can outlive its token.
      token: token === null ? null : token.value(),
      timeoutMs: this.timeoutMs,
      scrub: (text) => (token === null ? text : token.scrub(text)),
    };
    let response;
    try {
      response = await send(this.#http, spec);
    } catch (error) {
      logger.error(`SciCat API call to ${redactUrl(spec.url)} failed: ${(error as Error).message}`);
      throw error;
    }
    if (!isSuccess(response)) {
      const error = httpError(spec, response, this.#hintFor(response.status, serverMessages(response.body)));
      logger.error(
        `SciCat API call to ${redactUrl(spec.url)} failed: ${response.status} ${response.statusText}: ${error.serverMessage ?? ""}`,
      );
      throw error;
    }
    // No operation returns plain text; text usually means the URL leads to a web page instead of the API.
    if (typeof response.body === "string") {
      throw new ScicatCommError(
        `Error in operation '${request.operation}' (${request.method} ${redactUrl(spec.url)}): SciCat answered with ` +
          `text instead of JSON data: '${response.body.slice(0, 80)}'. Is the URL SciCat's API root, ` +
          "e.g. 'https://scicat.example/api/v3'?",
        { status: response.status, operation: request.operation, url: redactUrl(spec.url), outcomeUnknown: true },
      );
    }
    logger.info(`API call successful for operation '${request.operation}'`);
    return response.body;
  }

  /** What the user can do about common failures, or `undefined`. */
  #hintFor(status: number, messages: readonly string[]): string | undefined {
    if (status === 401 && messages.includes("SESSION_EXPIRED")) return `SciCat says: ${EXPIRED_LOGIN_MESSAGE}`;
    if ((status === 401 || status === 403) && this.#token === null) {
      return "This client is not logged in; make it with Client.fromToken or Client.fromCredentials to do this.";
    }
    return undefined;
  }

  /** Checks a single record; a record must at least be an object. */
  #record(
    schema: RecordSchema,
    body: unknown,
    operation: string,
    options: ReadOptions,
  ): Record<string, unknown> {
    if (!isRecord(body)) {
      throw new ScicatCommError(
        `Error in operation '${operation}': expected a ${schema.what} from SciCat, got ${JSON.stringify(body)?.slice(0, 80)}.`,
        // SciCat reported success, so whatever was asked may well have been done.
        { operation, outcomeUnknown: true },
      );
    }
    acceptResponse(schema, body, { operation, strict: options.strictValidation ?? false });
    return body;
  }

  /** Checks a list of records; an empty answer is an empty list. */
  #list(schema: RecordSchema, body: unknown, operation: string, options: ReadOptions, subject?: string): unknown[] {
    if (body === null) return [];
    if (!Array.isArray(body)) {
      throw new ScicatCommError(
        `Error in operation '${operation}': expected a list of ${schema.what}s from SciCat, got ${JSON.stringify(body)?.slice(0, 80)}.`,
        // SciCat reported success, so whatever was asked may well have been done.
        { operation, outcomeUnknown: true },
      );
    }
    acceptResponse(schema, body, { operation, strict: options.strictValidation ?? false, ...(subject === undefined ? {} : { subject }) });
    return body;
  }
}

