import { randomBytes, randomUUID } from "node:crypto";
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setupFakeClient, THAUM_FLUX_PID } from "../docs";
import {
  ATTACHMENT_V3_DTO,
  DATASET_ORIG_DATABLOCK_DTO,
  DERIVED_DATASET_DTO,
  pipeMessages,
  RAW_DATASET_DTO,
  sampleDto,
  validateDto,
  type Dto,
} from "./dto";
import { fullquery } from "./fullquery";
import { signJwt, verifyJwt } from "./jwt";
import {
  addSiUnits,
  createdFields,
  datasetToV3,
  normalizeDataFiles,
  storeDataset,
  type JsonRecord,
} from "./records";

/** A user account of the stand-in server. */
export interface ScicatServerUser {
  /** Login name. */
  username: string;
  /** Password for `POST auth/login`. */
  password: string;
  /** Groups the user belongs to (SciCat's `currentGroups`). */
  groups?: string[];
  /** The user's email address, as `users/my/identity` returns it. */
  email?: string;
  /**
   * `"local"` accounts log in at `auth/login` (and `Users/login`), `"ldap"`
   * accounts at `auth/ldap` and `auth/msad`. Default `"local"`.
   */
  authStrategy?: "local" | "ldap";
}

/**
 * The default accounts. `ingestor` may create datasets for any group (like
 * SciCat's `CREATE_DATASET_PRIVILEGED_GROUPS`) but reads only its own;
 * `ponder` owns the "Thaum flux" seed; `nanny` owns the upload guide's
 * dataset and is an LDAP user; `admin` may do anything.
 */
export const DEFAULT_SCICAT_USERS: readonly ScicatServerUser[] = [
  { username: "ingestor", password: "aman-ingest-pw", groups: ["ingestor"], email: "ingestor@scicat.test" },
  { username: "ponder", password: "thaum-flux-pw", groups: ["uu", "faculty"], email: "p.stibbons@uu.am" },
  {
    /** Login name. */
    username: "nanny",
    /** Password for `POST auth/login`. */
    password: "wyrd-sisters-pw",
    groups: ["wyrdsisters", "witches"],
    /** The user's email address, as `users/my/identity` returns it. */
    email: "nogg@wyrd.lancre",
    authStrategy: "ldap",
  },
  { username: "admin", password: "admin-pw", groups: ["admin"], email: "admin@scicat.test" },
];

/** Options of {@link ScicatServer}. */
export interface ScicatServerOptions {
  /** Accounts; default {@link DEFAULT_SCICAT_USERS}. */
  users?: readonly ScicatServerUser[];
  /** Prefix of new dataset PIDs; default `"PID.prefix.a0b1"` (as in Scitacean's test backend). */
  pidPrefix?: string;
  /** Lifetime of issued tokens; default 3600 s (`JWT_EXPIRES_IN`). */
  tokenLifetimeSeconds?: number;
  /** `ADMIN_GROUPS`; default `["admin"]`. */
  adminGroups?: readonly string[];
  /** `CREATE_DATASET_PRIVILEGED_GROUPS`; default `["ingestor"]`. */
  privilegedGroups?: readonly string[];
  /**
   * Answer `Users/login` with a token, as backends before v5 did. By default
   * it answers like v5: 201 with an empty body.
   */
  legacyUsersLogin?: boolean;
  /** Also serve LDAP login at `/auth/msad` outside `/api/v3`, as some old deployments did. */
  rootMsad?: boolean;
  /** Require `sampleName` on new samples, as backend v5 does; default `true`. */
  requireSampleName?: boolean;
}

/** One request the server received. */
export interface RecordedRequest {
  /** HTTP method, e.g. `POST`. */
  readonly method: string;
  /** Path as received (percent-encoded), without the query. */
  readonly path: string;
  /** The route it matched (`"POST /datasets/:pid/origdatablocks"`), or `null`. */
  readonly route: string | null;
  /** The query parameters. */
  readonly query: Readonly<Record<string, string>>;
  /** Parsed JSON body, or `undefined` if there was none. */
  readonly body: unknown;
  /** What the presented token was. */
  readonly token: "none" | "valid" | "invalid" | "expired";
  /** The logged-in user, or `null` for anonymous requests. */
  readonly user: string | null;
  /** The status answered, or `null` while unanswered (see {@link ScicatServer.hangNext}). */
  status: number | null;
}

/** An answer: status and JSON body (`undefined` for an empty body). */
interface Reply {
  readonly status: number;
  readonly body?: unknown;
}

/** Thrown by handlers to answer with an error. */
class HttpError extends Error {
  constructor(readonly reply: Reply) {
    super(`HTTP ${reply.status}`);
  }
}

/** A Nest `HttpException` body: `{message, error, statusCode}`. */
function nestError(status: number, message: string | string[]): HttpError {
  return new HttpError({ status, body: { message, error: STATUS_CODES[status] ?? "Error", statusCode: status } });
}

/** The body of failures outside Nest's HTTP exceptions (`AllExceptionsFilter`). */
const INTERNAL_ERROR: Reply = { status: 500, body: "Internal server error" };
/** What passport answers for bad credentials. */
const BAD_CREDENTIALS: Reply = { status: 401, body: { message: "Unauthorized", statusCode: 401 } };
const MAX_BODY_BYTES = 16 * 1024 * 1024;

interface SessionUser {
  readonly username: string;
  readonly groups: readonly string[];
  readonly email: string;
}

interface Context {
  readonly params: Readonly<Record<string, string>>;
  /** The query parameters. */
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly user: SessionUser | null;
}

interface Route {
  /** HTTP method, e.g. `POST`. */
  readonly method: "GET" | "POST";
  /** Path below `/api/v3` (or below the server root for `root` routes). */
  readonly path: string;
  readonly root?: boolean;
  readonly handle: (ctx: Context) => Reply;
}

const routeKey = (route: Route): string => `${route.method} ${route.path}${route.root ? " (server root)" : ""}`;

const isRecord = (v: unknown): v is JsonRecord => typeof v === "object" && v !== null && !Array.isArray(v);
const asStrings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/**
 * A SciCat stand-in for tests: a real HTTP server on 127.0.0.1 that answers
 * the routes a Scitacean client uses (`/api/v3`: login, datasets, orig
 * datablocks, attachments, samples) with the rules, status codes and error
 * bodies of the real backend (v5), and keeps its records in memory.
 *
 * Tests can seed and inspect the stores, read the request log, and make any
 * route fail ({@link failNext}) or never answer ({@link hangNext}).
 *
 * Not implemented: updates and deletes, scientific-metadata queries,
 * metadata schema validation, proposals, instruments, `/api/v4`.
 *
 * @example
 * const server = new ScicatServer();
 * await server.start();
 * // The default accounts (DEFAULT_SCICAT_USERS); passwords stay out of notebooks and logs.
 * const { username, password } = DEFAULT_SCICAT_USERS.find((u) => u.username === "ponder")!;
 * const scicat = await HttpScicatClient.fromCredentials({ url: server.url, username, password });
 * server.failNext("POST /datasets", 500);
 * await server.stop();
 */
export class ScicatServer {
  /** Datasets by PID, in the stored (current) schema; `/api/v3` answers add the scalar v3 fields. */
  readonly datasets = new Map<string, JsonRecord>();
  /** Orig datablocks by `_id`. */
  readonly origDatablocks = new Map<string, JsonRecord>();
  /** Attachments by `aid`, in the stored schema (`relationships` instead of `datasetId`). */
  readonly attachments = new Map<string, JsonRecord>();
  /** Samples by `sampleId`. */
  readonly samples = new Map<string, JsonRecord>();
  /** Every request received, oldest first. */
  readonly requests: RecordedRequest[] = [];
  /**
   * Exceptions of route handlers that were answered with a 500: bugs of the
   * stand-in or input it did not foresee. Tests can assert that this is empty.
   */
  readonly unexpectedErrors: unknown[] = [];

  readonly #users: readonly ScicatServerUser[];
  readonly #pidPrefix: string;
  readonly #tokenLifetimeSeconds: number;
  readonly #adminGroups: readonly string[];
  readonly #privilegedGroups: readonly string[];
  readonly #legacyUsersLogin: boolean;
  readonly #requireSampleName: boolean;
  readonly #secret = randomBytes(32).toString("hex");
  readonly #routes: readonly Route[];
  /** Per route, what the next requests get: a failure, or `null` for a normal answer. */
  readonly #failures = new Map<string, Array<Reply | null>>();
  readonly #hangs = new Map<string, Array<{ carriedOut: boolean }>>();
  #server: Server | null = null;
  #port = 0;

  constructor(options: ScicatServerOptions = {}) {
    this.#users = options.users ?? DEFAULT_SCICAT_USERS;
    this.#pidPrefix = options.pidPrefix ?? "PID.prefix.a0b1";
    this.#tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
    this.#adminGroups = options.adminGroups ?? ["admin"];
    this.#privilegedGroups = options.privilegedGroups ?? ["ingestor"];
    this.#legacyUsersLogin = options.legacyUsersLogin ?? false;
    this.#requireSampleName = options.requireSampleName ?? true;
    this.#routes = [
      { method: "POST", path: "/auth/login", handle: (c) => this.#login(c, "local") },
      { method: "POST", path: "/users/login", handle: (c) => this.#usersLogin(c) },
      { method: "POST", path: "/auth/msad", handle: (c) => this.#login(c, "ldap") },
      { method: "POST", path: "/auth/ldap", handle: (c) => this.#login(c, "ldap") },
      ...(options.rootMsad
        ? [{ method: "POST" as const, path: "/auth/msad", root: true, handle: (c: Context) => this.#login(c, "ldap") }]
        : []),
      // Literal routes before `/datasets/:pid`, as in the backend's controller.
      { method: "POST", path: "/datasets/isValid", handle: (c) => this.#isValid(c) },
      { method: "GET", path: "/datasets/fullquery", handle: (c) => this.#fullquery(c) },
      { method: "POST", path: "/datasets", handle: (c) => this.#createDataset(c) },
      { method: "GET", path: "/datasets/:pid", handle: (c) => this.#getDataset(c) },
      { method: "POST", path: "/datasets/:pid/origdatablocks", handle: (c) => this.#createOrigDatablock(c) },
      { method: "GET", path: "/datasets/:pid/origdatablocks", handle: (c) => this.#getOrigDatablocks(c) },
      { method: "POST", path: "/datasets/:pid/attachments", handle: (c) => this.#createAttachment(c) },
      { method: "GET", path: "/datasets/:pid/attachments", handle: (c) => this.#getAttachments(c) },
      { method: "POST", path: "/samples", handle: (c) => this.#createSample(c) },
      { method: "GET", path: "/samples/:id", handle: (c) => this.#getSample(c) },
    ];
  }

  /** The route names that {@link failNext} and {@link hangNext} accept. */
  get routes(): string[] {
    return this.#routes.map(routeKey);
  }

  /** Starts listening on a random port of 127.0.0.1. */
  async start(): Promise<void> {
    if (this.#server !== null) throw new Error("The SciCat stand-in server is already running.");
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        this.unexpectedErrors.push(error);
        if (!res.headersSent) reply(res, INTERNAL_ERROR);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Stops the server, dropping open connections (including hung requests). */
  async stop(): Promise<void> {
    const server = this.#server;
    if (server === null) return;
    this.#server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** `http://127.0.0.1:<port>`. */
  get origin(): string {
    if (this.#server === null) throw new Error("The SciCat stand-in server is not running; call start() first.");
    return `http://127.0.0.1:${this.#port}`;
  }

  /** The API root to give clients: `http://127.0.0.1:<port>/api/v3`. */
  get url(): string {
    return `${this.origin}/api/v3`;
  }

  /**
   * Makes the next `times` requests to `route` (e.g. `"POST /datasets"`,
   * `"GET /datasets/:pid/attachments"`; see {@link routes}) fail with
   * `status`, after `after` requests that are answered normally (default 0).
   * The body defaults to what the real backend sends for that status.
   */
  failNext(route: string, status: number, options: { body?: unknown; times?: number; after?: number } = {}): void {
    const key = this.#routeKeyOf(route);
    const body =
      options.body !== undefined
        ? options.body
        : status === 500
          ? INTERNAL_ERROR.body
          : status === 401
            ? BAD_CREDENTIALS.body
            : nestError(status, STATUS_CODES[status] ?? "Error").reply.body;
    const list = this.#failures.get(key) ?? [];
    for (let i = 0; i < (options.after ?? 0); i++) list.push(null);
    for (let i = 0; i < (options.times ?? 1); i++) list.push({ status, body });
    this.#failures.set(key, list);
  }

  /**
   * Makes the next `times` requests to `route` never get an answer (until
   * {@link stop}), for timeout tests. With `carriedOut`, the server does what
   * was asked (creates the dataset, …) and only the answer is lost, as when a
   * connection drops or a proxy gives up.
   */
  hangNext(route: string, options: { times?: number; carriedOut?: boolean } = {}): void {
    const key = this.#routeKeyOf(route);
    const list = this.#hangs.get(key) ?? [];
    for (let i = 0; i < (options.times ?? 1); i++) list.push({ carriedOut: options.carriedOut ?? false });
    this.#hangs.set(key, list);
  }

  /** Forgets all records, requests and pending failures. */
  reset(): void {
    this.datasets.clear();
    this.origDatablocks.clear();
    this.attachments.clear();
    this.samples.clear();
    this.requests.length = 0;
    this.unexpectedErrors.length = 0;
    this.#failures.clear();
    this.#hangs.clear();
  }

  /**
   * A token for `username` as the login endpoints issue it. `exp` (seconds
   * since the epoch) or `expiresInSeconds` set its expiry, e.g. in the past
   * to test expired logins.
   */
  issueToken(username: string, options: { exp?: number; expiresInSeconds?: number } = {}): string {
    const user = this.#users.find((u) => u.username === username);
    if (!user) throw new RangeError(`No user '${username}' on the SciCat stand-in server.`);
    const now = Math.floor(Date.now() / 1000);
    const exp = options.exp ?? now + (options.expiresInSeconds ?? this.#tokenLifetimeSeconds);
    return signJwt(
      { _id: user.username, username: user.username, email: user.email ?? "", authStrategy: user.authStrategy ?? "local", iat: now, exp },
      this.#secret,
    );
  }

  /** The orig datablocks of a dataset, oldest first. */
  origDatablocksOf(pid: string): JsonRecord[] {
    return [...this.origDatablocks.values()].filter((b) => b["datasetId"] === pid);
  }

  /** The attachments of a dataset (stored schema), oldest first. */
  attachmentsOf(pid: string): JsonRecord[] {
    return [...this.attachments.values()].filter((a) =>
      (a["relationships"] as JsonRecord[] | undefined)?.some((r) => r["targetType"] === "dataset" && r["targetId"] === pid),
    );
  }

  /**
   * Stores a dataset (v3 JSON) as if it were in the database already: no
   * validation, so broken records can be seeded too. Returns the stored record.
   */
  seedDataset(record: JsonRecord, options: { username?: string } = {}): JsonRecord {
    const pid = typeof record["pid"] === "string" ? record["pid"] : `${this.#pidPrefix}/${randomUUID()}`;
    const stored = storeDataset(record, { pid, username: options.username ?? "seed", now: new Date() });
    this.datasets.set(pid, stored);
    return stored;
  }

  /** Stores an orig datablock (with `datasetId`) without validation. */
  seedOrigDatablock(record: JsonRecord): JsonRecord {
    const id = typeof record["_id"] === "string" ? record["_id"] : randomUUID();
    const stored = { isPublished: false, ...createdFields("seed", new Date()), ...structuredClone(record), _id: id, __v: 0 };
    this.origDatablocks.set(id, stored);
    return stored;
  }

  /** Stores an attachment (v3 JSON with `datasetId`) without validation. */
  seedAttachment(record: JsonRecord): JsonRecord {
    const stored = attachmentToStored(record, randomUUID(), { ...createdFields("seed", new Date()) });
    this.attachments.set(stored["aid"] as string, stored);
    return stored;
  }

  /** Stores a sample without validation. */
  seedSample(record: JsonRecord): JsonRecord {
    const sampleId = typeof record["sampleId"] === "string" ? record["sampleId"] : randomUUID();
    const stored = { isPublished: false, ...createdFields("seed", new Date()), ...structuredClone(record), _id: sampleId, sampleId, __v: 0 };
    this.samples.set(sampleId, stored);
    return stored;
  }

  /**
   * Seeds the tutorials' "Thaum flux" dataset and its orig datablock (the
   * same records as `setupFakeClient()`), owned by group `uu`. Returns its PID.
   */
  seedThaumFlux(): string {
    const fake = setupFakeClient();
    const pid = THAUM_FLUX_PID.toString();
    const dataset = fake.datasets.get(pid) as JsonRecord;
    this.seedDataset(dataset, { username: String(dataset["createdBy"]) });
    for (const block of fake.origDatablocks.get(pid) ?? []) this.seedOrigDatablock(block);
    return pid;
  }

  // ---------------------------------------------------------------- plumbing

  #routeKeyOf(route: string): string {
    const wanted = route.trim().replace(/\s+/g, " ").toLowerCase();
    const key = this.routes.find((k) => k.toLowerCase() === wanted);
    if (key === undefined) {
      throw new RangeError(`Unknown route '${route}'. The SciCat stand-in server has: ${this.routes.join(", ")}.`);
    }
    return key;
  }

  #match(method: string, segments: readonly string[], root: boolean): { route: Route; params: Record<string, string> } | null {
    for (const route of this.#routes) {
      if (route.method !== method || (route.root ?? false) !== root) continue;
      const pattern = route.path.split("/").filter(Boolean);
      if (pattern.length !== segments.length) continue;
      const params: Record<string, string> = {};
      // Express matches paths case-insensitively; old clients send `Datasets` and `Users/login`.
      const ok = pattern.every((p, i) => {
        const segment = segments[i] as string;
        if (p.startsWith(":")) {
          params[p.slice(1)] = segment;
          return true;
        }
        return p.toLowerCase() === segment.toLowerCase();
      });
      if (ok) return { route, params };
    }
    return null;
  }

  #authenticate(req: IncomingMessage): { user: SessionUser | null; token: RecordedRequest["token"] } {
    // Only `Authorization: Bearer <jwt>`, like the backend's JWT strategy: a bare token or `?access_token=` is ignored.
    const header = req.headers.authorization;
    const raw = header?.startsWith("Bearer ") ? header.slice("Bearer ".length).trim() : null;
    if (!raw) return { user: null, token: "none" };
    const check = verifyJwt(raw, this.#secret);
    if (check.state !== "valid") return { user: null, token: check.state };
    const account = this.#users.find((u) => u.username === check.payload["username"]);
    // A token of a removed account, or a forged one, counts as anonymous, as in the backend.
    if (!account) return { user: null, token: "invalid" };
    return {
      user: { username: account.username, groups: account.groups ?? [], email: account.email ?? "" },
      token: "valid",
    };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const query = url.searchParams;
    const { user, token } = this.#authenticate(req);
    const entry: RecordedRequest = {
      method,
      path: url.pathname,
      route: null,
      query: Object.fromEntries(query.entries()),
      body: undefined,
      token,
      user: user?.username ?? null,
      status: null,
    };
    this.requests.push(entry);
    const answer = (r: Reply): void => {
      entry.status = r.status;
      reply(res, r);
    };

    let text: string;
    try {
      text = await readBody(req);
    } catch {
      return answer(nestError(413, "request entity too large").reply);
    }
    if (text.trim() !== "") {
      try {
        (entry as { body: unknown }).body = JSON.parse(text);
      } catch (error) {
        return answer(nestError(400, (error as Error).message).reply);
      }
    }

    let segments: string[];
    try {
      segments = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    } catch {
      return answer(nestError(400, `Failed to decode param '${url.pathname}'`).reply);
    }
    const inApi = segments.length >= 2 && segments[0]?.toLowerCase() === "api" && segments[1]?.toLowerCase() === "v3";
    const found = this.#match(method, inApi ? segments.slice(2) : segments, !inApi);
    if (found === null) return answer(nestError(404, `Cannot ${method} ${url.pathname}`).reply);
    const key = routeKey(found.route);
    (entry as { route: string | null }).route = key;

    // The global JWT guard runs first: an expired token fails every route.
    if (token === "expired") return answer(nestError(401, "SESSION_EXPIRED").reply);

    // A hung request is never answered; stop() drops its connection.
    const hang = this.#hangs.get(key)?.shift();
    if (hang && !hang.carriedOut) return;
    const failure = hang ? undefined : this.#failures.get(key)?.shift();
    if (failure) return answer(failure);

    let result: Reply;
    try {
      result = found.route.handle({ params: found.params, query, body: entry.body, user });
    } catch (error) {
      if (!(error instanceof HttpError)) this.unexpectedErrors.push(error);
      result = error instanceof HttpError ? error.reply : INTERNAL_ERROR;
    }
    if (!hang) answer(result);
  }

  // ---------------------------------------------------------------- permissions

  #isAdmin(user: SessionUser | null): boolean {
    return user !== null && user.groups.some((g) => this.#adminGroups.includes(g));
  }

  #isPrivileged(user: SessionUser | null): boolean {
    return this.#isAdmin(user) || (user !== null && user.groups.some((g) => this.#privilegedGroups.includes(g)));
  }

  #isOwner(user: SessionUser | null, record: JsonRecord): boolean {
    return user !== null && user.groups.includes(record["ownerGroup"] as string);
  }

  /** Published records for everyone; owner and access groups for their members; everything for admins. */
  #canRead(user: SessionUser | null, record: JsonRecord): boolean {
    if (record["isPublished"] === true || this.#isAdmin(user)) return true;
    return (
      user !== null &&
      (this.#isOwner(user, record) || asStrings(record["accessGroups"]).some((g) => user.groups.includes(g)))
    );
  }

  /** Owners may add to their datasets; privileged groups to any. */
  #canAddTo(user: SessionUser | null, dataset: JsonRecord): boolean {
    return this.#isPrivileged(user) || this.#isOwner(user, dataset);
  }

  /** Global validation pipe (whitelist, forbidNonWhitelisted). */
  #pipe(dto: Dto, body: unknown): void {
    const errors = validateDto(dto, body ?? {}, { whitelist: true });
    if (errors.length > 0) throw nestError(400, pipeMessages(errors));
  }

  #dataset(pid: string | undefined): JsonRecord {
    const dataset = pid === undefined ? undefined : this.datasets.get(pid);
    if (!dataset) throw nestError(404, `dataset: ${pid} not found`);
    return dataset;
  }

  // ---------------------------------------------------------------- login

  #login(ctx: Context, strategy: "local" | "ldap"): Reply {
    const body = isRecord(ctx.body) ? ctx.body : {};
    const account = this.#users.find(
      (u) => u.username === body["username"] && u.password === body["password"] && (u.authStrategy ?? "local") === strategy,
    );
    if (!account) throw new HttpError(BAD_CREDENTIALS);
    const token = this.issueToken(account.username);
    return {
      status: 201,
      body: {
        access_token: token,
        id: token,
        expires_in: this.#tokenLifetimeSeconds,
        ttl: this.#tokenLifetimeSeconds,
        created: new Date().toISOString(),
        userId: account.username,
        user: {
          username: account.username,
          email: account.email ?? "",
          authStrategy: strategy,
          _id: account.username,
          id: account.username,
        },
      },
    };
  }

  /** Deprecated in v5: it checks the credentials but answers 201 with an empty body. */
  #usersLogin(ctx: Context): Reply {
    const answer = this.#login(ctx, "local");
    return this.#legacyUsersLogin ? answer : { status: 201 };
  }

  // ---------------------------------------------------------------- datasets

  /** The DTO for a dataset body, with `datasetName` filled in from `sourceFolder` as the backend does. */
  #datasetInput(body: unknown): { dto: Dto; input: JsonRecord } {
    const input = isRecord(body) ? { ...body } : {};
    const type = input["type"];
    if (type !== "raw" && type !== "derived") {
      throw new HttpError({ status: 400, body: { status: 400, message: "Invalid dataset type!" } });
    }
    if (input["datasetName"] === undefined && typeof input["sourceFolder"] === "string") {
      input["datasetName"] = input["sourceFolder"].split("/").filter(Boolean).slice(-2).join("/");
    }
    return { dto: type === "raw" ? RAW_DATASET_DTO : DERIVED_DATASET_DTO, input };
  }

  #checkCreatePermission(user: SessionUser | null, input: JsonRecord): void {
    const allowed = this.#isPrivileged(user) || (this.#isOwner(user, input) && !input["pid"]);
    if (!allowed) throw nestError(403, "Unauthorized to create this dataset");
  }

  #createDataset(ctx: Context): Reply {
    if (ctx.user === null) throw nestError(403, "Forbidden resource");
    const { dto, input } = this.#datasetInput(ctx.body);
    const errors = validateDto(dto, input, { whitelist: true });
    if (errors.length > 0) {
      // The v3 dataset controller validates by hand and sends the errors as a JSON *string*.
      throw new HttpError({ status: 400, body: { status: 400, message: JSON.stringify(errors) } });
    }
    this.#checkCreatePermission(ctx.user, input);
    const pid = typeof input["pid"] === "string" && input["pid"] !== "" ? input["pid"] : `${this.#pidPrefix}/${randomUUID()}`;
    if (this.datasets.has(pid)) throw nestError(409, `A dataset with pid ${pid} already exists!`);
    const stored = storeDataset(input, { pid, username: ctx.user.username, now: new Date() });
    this.datasets.set(pid, stored);
    return { status: 201, body: datasetToV3(stored) };
  }

  #isValid(ctx: Context): Reply {
    if (ctx.user === null) throw nestError(403, "Forbidden resource");
    const input = isRecord(ctx.body) ? ctx.body : {};
    this.#checkCreatePermission(ctx.user, input);
    let dto: Dto;
    let named: JsonRecord;
    try {
      ({ dto, input: named } = this.#datasetInput(input));
    } catch {
      return { status: 200, body: { valid: false, error: "type must be one of the following values: raw, derived" } };
    }
    // Unlike create, isValid validates without the whitelist: unknown fields pass here and fail on create.
    const errors = validateDto(dto, named, { whitelist: false });
    if (errors.length === 0) return { status: 200, body: { valid: true } };
    const error = errors.flatMap((e) => Object.values(e.constraints ?? {})).join("; ");
    return { status: 200, body: { valid: false, error } };
  }

  #getDataset(ctx: Context): Reply {
    const dataset = this.#dataset(ctx.params["pid"]);
    if (!this.#canRead(ctx.user, dataset)) throw nestError(403, "Unauthorized access");
    return { status: 200, body: { ...datasetToV3(dataset), history: [] } };
  }

  #fullquery(ctx: Context): Reply {
    // Bad JSON here is an unhandled exception in the backend, hence a 500.
    let fields: JsonRecord;
    let limits: JsonRecord;
    try {
      fields = JSON.parse(ctx.query.get("fields") ?? "{}") as JsonRecord;
      limits = JSON.parse(ctx.query.get("limits") ?? "{}") as JsonRecord;
    } catch {
      throw new HttpError(INTERNAL_ERROR);
    }
    if (!isRecord(fields) || !isRecord(limits)) throw new HttpError(INTERNAL_ERROR);
    if ("scientific" in fields) throw nestError(400, "The SciCat stand-in server does not support scientific queries.");
    if (ctx.user === null) fields["isPublished"] = true;
    else if (!this.#isAdmin(ctx.user) && !fields["isPublished"]) {
      fields["userGroups"] = [...asStrings(fields["userGroups"]), ...ctx.user.groups];
    }
    return { status: 200, body: fullquery(this.datasets.values(), fields, limits).map(datasetToV3) };
  }

  // ---------------------------------------------------------------- orig datablocks

  #createOrigDatablock(ctx: Context): Reply {
    if (ctx.user === null) throw nestError(403, "Forbidden resource");
    this.#pipe(DATASET_ORIG_DATABLOCK_DTO, ctx.body);
    const pid = ctx.params["pid"] as string;
    const dataset = this.#dataset(pid);
    if (!this.#canAddTo(ctx.user, dataset)) throw nestError(403, "Unauthorized access");
    const body = ctx.body as JsonRecord;
    const id = randomUUID();
    const stored: JsonRecord = {
      _id: id,
      ...structuredClone(body),
      dataFileList: normalizeDataFiles(structuredClone(body["dataFileList"])),
      datasetId: pid,
      // Copied from the dataset, whatever the client sent.
      ownerGroup: dataset["ownerGroup"],
      accessGroups: structuredClone(dataset["accessGroups"] ?? []),
      ...(dataset["instrumentGroup"] === undefined ? {} : { instrumentGroup: dataset["instrumentGroup"] }),
      isPublished: body["isPublished"] ?? false,
      ...createdFields(ctx.user.username, new Date()),
      __v: 0,
    };
    this.origDatablocks.set(id, stored);
    // The backend recomputes the dataset's totals from all its orig datablocks.
    const blocks = this.origDatablocksOf(pid);
    dataset["size"] = blocks.reduce((sum, b) => sum + (Number(b["size"]) || 0), 0);
    dataset["numberOfFiles"] = blocks.reduce((sum, b) => sum + (Array.isArray(b["dataFileList"]) ? b["dataFileList"].length : 0), 0);
    return { status: 201, body: structuredClone(stored) };
  }

  #getOrigDatablocks(ctx: Context): Reply {
    const pid = ctx.params["pid"] as string;
    const dataset = this.#dataset(pid);
    if (!this.#canRead(ctx.user, dataset)) throw nestError(403, "Unauthorized access");
    return { status: 200, body: structuredClone(this.origDatablocksOf(pid)) };
  }

  // ---------------------------------------------------------------- attachments

  #createAttachment(ctx: Context): Reply {
    if (ctx.user === null) throw nestError(403, "Forbidden resource");
    this.#pipe(ATTACHMENT_V3_DTO, ctx.body);
    const pid = ctx.params["pid"] as string;
    const dataset = this.#dataset(pid);
    if (!this.#canAddTo(ctx.user, dataset)) throw nestError(403, "Unauthorized access");
    const stored = attachmentToStored(
      { ...(ctx.body as JsonRecord), datasetId: pid, ownerGroup: dataset["ownerGroup"] },
      randomUUID(),
      createdFields(ctx.user.username, new Date()),
    );
    this.attachments.set(stored["aid"] as string, stored);
    return { status: 201, body: attachmentToV3(stored) };
  }

  #getAttachments(ctx: Context): Reply {
    const pid = ctx.params["pid"] as string;
    const dataset = this.#dataset(pid);
    if (!this.#canRead(ctx.user, dataset)) throw nestError(403, "Unauthorized access");
    // The backend's default for attachment lists: newest first, at most 10.
    const list = this.attachmentsOf(pid)
      .sort((a, b) => String(b["createdAt"]).localeCompare(String(a["createdAt"])))
      .slice(0, 10);
    return { status: 200, body: list.map(attachmentToV3) };
  }

  // ---------------------------------------------------------------- samples

  #createSample(ctx: Context): Reply {
    if (ctx.user === null) throw nestError(401, "Unauthenticated");
    this.#pipe(sampleDto(this.#requireSampleName), ctx.body);
    const body = ctx.body as JsonRecord;
    if (!this.#isPrivileged(ctx.user) && !this.#isOwner(ctx.user, body)) {
      throw nestError(403, "Unauthorized to create this sample");
    }
    const sampleId = typeof body["sampleId"] === "string" ? body["sampleId"] : randomUUID();
    // A duplicate id is a database error that the backend does not handle.
    if (this.samples.has(sampleId)) throw new HttpError(INTERNAL_ERROR);
    const stored: JsonRecord = {
      isPublished: false,
      accessGroups: [],
      ...structuredClone(body),
      ...("sampleCharacteristics" in body ? { sampleCharacteristics: addSiUnits(body["sampleCharacteristics"]) } : {}),
      _id: sampleId,
      sampleId,
      ...createdFields(ctx.user.username, new Date()),
      __v: 0,
    };
    this.samples.set(sampleId, stored);
    return { status: 201, body: structuredClone(stored) };
  }

  #getSample(ctx: Context): Reply {
    const id = ctx.params["id"] as string;
    const sample = this.samples.get(id);
    if (!sample) throw nestError(404, `Sample: ${id} not found`);
    if (!this.#canRead(ctx.user, sample)) throw nestError(403, "Unauthorized to this sample");
    return { status: 200, body: structuredClone(sample) };
  }
}

function reply(res: ServerResponse, r: Reply): void {
  const text = r.body === undefined ? "" : JSON.stringify(r.body);
  res.writeHead(r.status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error("too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** An attachment in the stored (v4) schema: the v3 ids become `relationships`. */
function attachmentToStored(v3: JsonRecord, aid: string, created: JsonRecord): JsonRecord {
  const { id: _ignored, datasetId, sampleId, proposalId, ...rest } = structuredClone(v3);
  const relationships = (
    [
      [datasetId, "dataset"],
      [sampleId, "sample"],
      [proposalId, "proposal"],
    ] as const
  )
    .filter(([target]) => typeof target === "string" && target !== "")
    .map(([targetId, targetType]) => ({ targetId, targetType, relationType: "is attached to" }));
  return { isPublished: false, accessGroups: [], ...created, ...rest, _id: aid, aid, relationships, __v: 0 };
}

/** An attachment as `/api/v3` returns it: `id` and `datasetId` instead of `aid` and `relationships`. */
function attachmentToV3(stored: JsonRecord): JsonRecord {
  const { aid, relationships, ...rest } = structuredClone(stored);
  const out: JsonRecord = { ...rest };
  const ids = { dataset: "datasetId", sample: "sampleId", proposal: "proposalId" } as const;
  for (const r of (relationships as JsonRecord[] | undefined) ?? []) {
    const key = ids[r["targetType"] as keyof typeof ids];
    if (key) out[key] = r["targetId"];
  }
  out["id"] = aid;
  return out;
}

