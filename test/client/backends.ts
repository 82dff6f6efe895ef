/**
 * The two SciCat backends the client tests run against, as Scitacean runs
 * its client tests against its fake and a real SciCat:
 *
 * - `FakeClient`: the in-memory {@link FakeScicatClient};
 * - `HttpScicatClient`: a `Client.fromToken` talking HTTP to the stand-in
 *   {@link ScicatServer} on 127.0.0.1.
 *
 * A test file calls {@link useBackends} once at top level (it starts the
 * server once for the file, resets both backends before each test, and
 * checks after each test that the server hit no bug of its own), then writes
 * each test once inside `describe.each(backends)("$name", (b) => …)`.
 *
 * Every client a test makes with `b.makeClient` shares the same SciCat
 * records (one server, or one fake store per test), and the records can be
 * seeded and inspected through the backend in SciCat's `/api/v3` JSON form.
 */
import { STATUS_CODES } from "node:http";
import { Client } from "../../src/client/client";
import type { ScicatClient } from "../../src/client/scicat-client";
import { ScicatCommError } from "../../src/errors";
import type { DownloadAttachment, DownloadDataset, DownloadOrigDatablock, DownloadSample } from "../../src/model/wire";
import { setupFakeClient, THAUM_FLUX_PID } from "../../src/testing/docs";
import { FakeClient } from "../../src/testing/fake-client";
import type { FakeFileTransfer } from "../../src/testing/fake-file-transfer";
import { FAKE_PID_PREFIX } from "../../src/testing/fake-scicat-client";
import { ScicatServer } from "../../src/testing/scicat-server";
import type { FileTransfer } from "../../src/transfer/types";
import { registerSecret } from "../secrets/register";

/** The methods of {@link ScicatClient}. */
export type ScicatMethod = keyof ScicatClient;

/** How SciCat refuses a request: HTTP status and the message it gives. */
export interface ScicatRefusal {
  status: number;
  message: string;
}

/** Options of {@link Backend.makeClient}. */
export interface MakeClientOptions {
  /** Default: none (`null`). */
  fileTransfer?: FileTransfer | null;
  /**
   * Who is logged in to the stand-in server (see `DEFAULT_SCICAT_USERS`);
   * default `"ponder"` (groups `uu`, `faculty`). The fake has no users.
   */
  user?: string;
  /**
   * SciCat refuses the first call of these methods with a `ScicatCommError`
   * that carries the message: the fake through its `disable` option, the
   * stand-in through `failNext(route, status)` with a Nest error body.
   * (The fake's `disable` lasts; the tests call each failing method once.)
   */
  refuse?: Partial<Record<ScicatMethod, ScicatRefusal>>;
}

/** The routes of the stand-in server that each {@link ScicatClient} method calls. */
export const ROUTE_OF: Readonly<Record<ScicatMethod, string>> = {
  getDatasetModel: "GET /datasets/:pid",
  getOrigDatablocks: "GET /datasets/:pid/origdatablocks",
  getAttachmentsForDataset: "GET /datasets/:pid/attachments",
  getSampleModel: "GET /samples/:id",
  queryDatasets: "GET /datasets/fullquery",
  createDatasetModel: "POST /datasets",
  createOrigDatablock: "POST /datasets/:pid/origdatablocks",
  createAttachmentForDataset: "POST /datasets/:pid/attachments",
  createSampleModel: "POST /samples",
  validateDatasetModel: "POST /datasets/isValid",
};

/** One SciCat backend of the client tests. */
export interface Backend {
  readonly name: "FakeClient" | "HttpScicatClient";
  readonly kind: "fake" | "http";
  /** Prefix of the PIDs of new datasets. */
  readonly pidPrefix: string;
  /**
   * A client over this backend's SciCat. Several clients in one test share
   * the records. On the fake the first one is a `FakeClient` (as the tests
   * always built it) and later ones are `Client`s over the same fake SciCat.
   */
  makeClient(options?: MakeClientOptions): Client;
  /** What SciCat records as `createdBy` for records made by `user`'s clients. */
  createdBy(user?: string): string;
  /**
   * Makes `method` of `client`'s ScicatClient throw `error` itself (not an
   * answer of SciCat, e.g. a bug): the fake through `disabled`, the HTTP
   * client through a jest spy (restored by `jest.restoreAllMocks()`).
   */
  throwFrom(client: Client, method: ScicatMethod, error: Error): void;

  /** Stored datasets by PID (`/api/v3` JSON). */
  datasets(): Map<string, DownloadDataset>;
  /** Orig datablocks of a dataset, oldest first. */
  origDatablocksOf(pid: unknown): DownloadOrigDatablock[];
  /** Attachments of a dataset, oldest first, with `id` and `datasetId` (`/api/v3` JSON). */
  attachmentsOf(pid: unknown): DownloadAttachment[];
  /** Stored samples by id. */
  samples(): Map<string, DownloadSample>;
  /** How many records of each kind SciCat holds (datablocks and attachments counted one by one). */
  counts(): { datasets: number; origDatablocks: number; attachments: number; samples: number };

  /** Stores a dataset and its datablocks without validation, as if they were in SciCat already. */
  seedDataset(dataset: DownloadDataset, origDatablocks?: DownloadOrigDatablock[]): void;
  /** Stores an attachment of `datasetId`; returns its id. */
  seedAttachment(attachment: DownloadAttachment & { datasetId: string }): string;
  /** Stores the tutorials' "Thaum flux" dataset (owned by group `uu`); returns its PID. */
  seedThaumFlux(): string;
}

/** The fake: a `FakeClient` per test. */
class FakeBackend implements Backend {
  readonly name = "FakeClient" as const;
  readonly kind = "fake" as const;
  readonly pidPrefix = FAKE_PID_PREFIX;
  #client: FakeClient | null = null;
  /** Whether `#client` only holds records seeded before the test made its first client. */
  #implicit = false;

  reset(): void {
    this.#client = null;
    this.#implicit = false;
  }

  get #store(): FakeClient {
    if (this.#client === null) {
      this.#client = new FakeClient();
      this.#implicit = true;
    }
    return this.#client;
  }

  makeClient(options: MakeClientOptions = {}): Client {
    const fileTransfer = options.fileTransfer ?? null;
    const disable = Object.fromEntries(
      Object.entries(options.refuse ?? {}).map(([method, r]) => [method, new ScicatCommError(r.message, { status: r.status })]),
    );
    if (this.#client === null || this.#implicit) {
      const client = FakeClient.fromToken({ url: "", token: "", fileTransfer, disable });
      // Records seeded before the first client move into its store.
      const seeded = this.#client;
      if (seeded !== null) {
        for (const [k, v] of seeded.datasets) client.datasets.set(k, v);
        for (const [k, v] of seeded.origDatablocks) client.origDatablocks.set(k, v);
        for (const [k, v] of seeded.attachments) client.attachments.set(k, v);
        for (const [k, v] of seeded.samples) client.samples.set(k, v);
      }
      this.#client = client;
      this.#implicit = false;
      return client;
    }
    for (const [method, error] of Object.entries(disable)) this.#client.scicat.disabled.set(method as ScicatMethod, error);
    return new Client({ scicat: this.#client.scicat, fileTransfer });
  }

  createdBy(): string {
    return "fake";
  }

  throwFrom(client: Client, method: ScicatMethod, error: Error): void {
    (client.scicat as FakeClient["scicat"]).disabled.set(method, error);
  }

  datasets(): Map<string, DownloadDataset> {
    return new Map(this.#store.datasets);
  }
  origDatablocksOf(pid: unknown): DownloadOrigDatablock[] {
    return this.#store.origDatablocks.get(String(pid)) ?? [];
  }
  attachmentsOf(pid: unknown): DownloadAttachment[] {
    return this.#store.attachments.get(String(pid)) ?? [];
  }
  samples(): Map<string, DownloadSample> {
    return new Map(this.#store.samples);
  }
  counts(): { datasets: number; origDatablocks: number; attachments: number; samples: number } {
    const store = this.#store;
    const total = (m: Map<string, unknown[]>): number => [...m.values()].reduce((n, list) => n + list.length, 0);
    return {
      datasets: store.datasets.size,
      origDatablocks: total(store.origDatablocks),
      attachments: total(store.attachments),
      samples: store.samples.size,
    };
  }

  seedDataset(dataset: DownloadDataset, origDatablocks: DownloadOrigDatablock[] = []): void {
    const pid = String(dataset.pid);
    this.#store.datasets.set(pid, structuredClone(dataset));
    this.#store.origDatablocks.set(pid, structuredClone(origDatablocks));
  }
  seedAttachment(attachment: DownloadAttachment & { datasetId: string }): string {
    const list = this.#store.attachments.get(attachment.datasetId) ?? [];
    const id = attachment.id ?? `attachment-${list.length + 1}`;
    list.push({ ...structuredClone(attachment), id });
    this.#store.attachments.set(attachment.datasetId, list);
    return id;
  }
  seedThaumFlux(): string {
    const seed = setupFakeClient();
    const pid = THAUM_FLUX_PID.toString();
    this.seedDataset(seed.datasets.get(pid)!, seed.origDatablocks.get(pid)!);
    return pid;
  }
}

/** `Client.fromToken` against the stand-in server. */
class HttpBackend implements Backend {
  readonly name = "HttpScicatClient" as const;
  readonly kind = "http" as const;
  readonly pidPrefix = "PID.prefix.a0b1";

  constructor(readonly server: ScicatServer) {}

  makeClient(options: MakeClientOptions = {}): Client {
    for (const [method, r] of Object.entries(options.refuse ?? {})) {
      const body = { message: r.message, error: STATUS_CODES[r.status] ?? "Error", statusCode: r.status };
      this.server.failNext(ROUTE_OF[method as ScicatMethod], r.status, { body });
    }
    const token = this.server.issueToken(options.user ?? "ponder");
    registerSecret(`stand-in token of ${options.user ?? "ponder"}`, token);
    return Client.fromToken({ url: this.server.url, token, fileTransfer: options.fileTransfer ?? null });
  }

  createdBy(user = "ponder"): string {
    return user;
  }

  throwFrom(client: Client, method: ScicatMethod, error: Error): void {
    jest.spyOn(client.scicat, method).mockRejectedValue(error);
  }

  datasets(): Map<string, DownloadDataset> {
    return new Map([...this.server.datasets].map(([pid, d]) => [pid, structuredClone(d) as DownloadDataset]));
  }
  origDatablocksOf(pid: unknown): DownloadOrigDatablock[] {
    return structuredClone(this.server.origDatablocksOf(String(pid))) as DownloadOrigDatablock[];
  }
  attachmentsOf(pid: unknown): DownloadAttachment[] {
    // The stored schema links attachments through `relationships`; `/api/v3` shows `id` and `datasetId`.
    return this.server.attachmentsOf(String(pid)).map((stored) => {
      const { aid, relationships: _links, ...rest } = structuredClone(stored);
      return { ...rest, id: aid, datasetId: String(pid) } as DownloadAttachment;
    });
  }
  samples(): Map<string, DownloadSample> {
    return new Map([...this.server.samples].map(([id, s]) => [id, structuredClone(s) as DownloadSample]));
  }
  counts(): { datasets: number; origDatablocks: number; attachments: number; samples: number } {
    return {
      datasets: this.server.datasets.size,
      origDatablocks: this.server.origDatablocks.size,
      attachments: this.server.attachments.size,
      samples: this.server.samples.size,
    };
  }

  seedDataset(dataset: DownloadDataset, origDatablocks: DownloadOrigDatablock[] = []): void {
    this.server.seedDataset(structuredClone(dataset) as Record<string, unknown>, {
      username: typeof dataset["createdBy"] === "string" ? dataset["createdBy"] : "seed",
    });
    for (const block of origDatablocks) {
      this.server.seedOrigDatablock({ ...structuredClone(block), datasetId: String(dataset.pid) } as Record<string, unknown>);
    }
  }
  seedAttachment(attachment: DownloadAttachment & { datasetId: string }): string {
    return this.server.seedAttachment(structuredClone(attachment) as Record<string, unknown>)["aid"] as string;
  }
  seedThaumFlux(): string {
    return this.server.seedThaumFlux();
  }
}

/**
 * Registers the hooks of both backends for the calling test file and
 * returns them, for `describe.each(backends)("$name", (b) => …)`.
 */
export function useBackends(): { backends: Backend[]; fake: Backend; http: Backend; server: ScicatServer } {
  // The 24.05 sample model has no sampleName, which v5 requires; this server behaves like 4.x there.
  const server = new ScicatServer({ requireSampleName: false });
  const fake = new FakeBackend();
  const http = new HttpBackend(server);
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => {
    server.reset();
    fake.reset();
  });
  // Exceptions inside the stand-in are its bugs, not the client's: none may happen.
  afterEach(() => expect(server.unexpectedErrors).toEqual([]));
  return { backends: [fake, http], fake, http, server };
}

/** The transfer of a client made with a `FakeFileTransfer`. */
export function transferOf(client: Client): FakeFileTransfer {
  return client.fileTransfer as FakeFileTransfer;
}
