/**
 * The stand-in server itself, over raw HTTP: its rules, status codes and
 * error bodies must be those of the real backend (v5, `/api/v3`).
 */
import { decodeJwtPayload } from "../../src/client/http";
import { ScicatServer } from "../../src/testing/scicat-server";
import { nowSeconds, rawUploadModel } from "./helpers";

const server = new ScicatServer();
beforeAll(() => server.start());
afterAll(() => server.stop());
beforeEach(() => server.reset());
afterEach(() => expect(server.unexpectedErrors).toEqual([]));

interface Answer {
  status: number;
  body: unknown;
  text: string;
}

/** One request with `fetch`; `user` logs in by token. */
async function call(method: string, path: string, options: { user?: string; token?: string; body?: unknown } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  const token = options.token ?? (options.user ? server.issueToken(options.user) : undefined);
  if (token) headers["Authorization"] = `Bearer ${token}`;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(`${server.origin}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === "" ? null : JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: response.status, body, text };
}

/** The class-validator errors inside a v3 dataset validation body. */
function v3Errors(answer: Answer): Array<{ property: string; constraints?: Record<string, string>; children: unknown[] }> {
  expect(answer.status).toBe(400);
  const body = answer.body as { status: number; message: string };
  expect(body.status).toBe(400);
  expect(typeof body.message).toBe("string");
  return JSON.parse(body.message);
}

describe("login", () => {
  test("auth/login answers 201 with the token as access_token and id", async () => {
    const answer = await call("POST", "/api/v3/auth/login", { body: { username: "ponder", password: "thaum-flux-pw" } });
    expect(answer.status).toBe(201);
    const body = answer.body as Record<string, unknown>;
    expect(body).toMatchObject({ expires_in: 3600, ttl: 3600, userId: "ponder", user: { username: "ponder", authStrategy: "local" } });
    expect(body["id"]).toBe(body["access_token"]);
    const payload = decodeJwtPayload(body["access_token"] as string);
    expect(payload?.["username"]).toBe("ponder");
    expect(Math.abs((payload?.["exp"] as number) - (nowSeconds() + 3600))).toBeLessThan(5);
  });

  test("bad credentials get passport's bare 401", async () => {
    const answer = await call("POST", "/api/v3/auth/login", { body: { username: "ponder", password: "nope" } });
    expect([answer.status, answer.text]).toEqual([401, '{"message":"Unauthorized","statusCode":401}']);
    const ldapUserLocally = await call("POST", "/api/v3/auth/login", { body: { username: "nanny", password: "wyrd-sisters-pw" } });
    expect(ldapUserLocally.status).toBe(401);
  });

  test("Users/login answers 201 with an empty body, as v5 does; LDAP accounts use auth/ldap and auth/msad", async () => {
    const users = await call("POST", "/api/v3/Users/login", { body: { username: "ponder", password: "thaum-flux-pw" } });
    expect([users.status, users.text]).toEqual([201, ""]);
    for (const path of ["/api/v3/auth/ldap", "/api/v3/auth/msad"]) {
      const answer = await call("POST", path, { body: { username: "nanny", password: "wyrd-sisters-pw" } });
      expect(answer.status).toBe(201);
    }
    const root = await call("POST", "/auth/msad", { body: { username: "nanny", password: "wyrd-sisters-pw" } });
    expect(root.body).toEqual({ message: "Cannot POST /auth/msad", error: "Not Found", statusCode: 404 });
  });

  test("an expired token fails every route with SESSION_EXPIRED; a forged one is anonymous", async () => {
    const expired = server.issueToken("ponder", { exp: nowSeconds() - 10 });
    const answer = await call("GET", "/api/v3/datasets/x", { token: expired });
    expect([answer.status, answer.text]).toEqual([401, '{"message":"SESSION_EXPIRED","error":"Unauthorized","statusCode":401}']);
    const forged = `${server.issueToken("ponder").slice(0, -4)}AAAA`;
    const write = await call("POST", "/api/v3/datasets", { token: forged, body: rawUploadModel() });
    expect([write.status, write.body]).toEqual([403, { message: "Forbidden resource", error: "Forbidden", statusCode: 403 }]);
    expect(server.requests.at(-1)).toMatchObject({ token: "invalid", user: null });
  });

  test("only 'Authorization: Bearer' logs in; a bare token header or ?access_token= is anonymous", async () => {
    const token = server.issueToken("ponder");
    const bare = await fetch(`${server.url}/datasets`, {
      method: "POST",
      headers: { Authorization: token, "Content-Type": "application/json" },
      body: JSON.stringify(rawUploadModel()),
    });
    expect(bare.status).toBe(403);
    expect(server.requests.at(-1)).toMatchObject({ token: "none", user: null, status: 403 });
    const inQuery = await call("POST", `/api/v3/datasets?access_token=${token}`, { body: rawUploadModel() });
    expect(inQuery.status).toBe(403);
    expect(server.requests.at(-1)).toMatchObject({ token: "none", user: null });
    expect((await call("POST", "/api/v3/datasets", { token, body: rawUploadModel() })).status).toBe(201);
    expect(server.requests.at(-1)).toMatchObject({ token: "valid", user: "ponder" });
  });
});

describe("creating datasets", () => {
  test("required fields of raw datasets, in the v3 error shape", async () => {
    const errors = v3Errors(await call("POST", "/api/v3/datasets", { user: "ingestor", body: { type: "raw" } }));
    expect(errors.map((e) => e.property).sort()).toEqual(
      ["contactEmail", "creationLocation", "creationTime", "datasetName", "owner", "ownerGroup", "principalInvestigator", "sourceFolder"].sort(),
    );
    expect(errors.find((e) => e.property === "ownerGroup")?.constraints).toEqual({
      isString: "ownerGroup must be a string",
      isNotEmpty: "ownerGroup should not be empty",
    });
  });

  test("required fields of derived datasets", async () => {
    const { principalInvestigator: _pi, creationLocation: _cl, ...common } = rawUploadModel();
    const errors = v3Errors(await call("POST", "/api/v3/datasets", { user: "ponder", body: { ...common, type: "derived" } }));
    expect(errors.map((e) => e.property).sort()).toEqual(["inputDatasets", "investigator", "usedSoftware"]);
  });

  test("unknown and server-managed fields are rejected", async () => {
    const body = { ...rawUploadModel(), foo: 1, createdBy: "me" };
    const errors = v3Errors(await call("POST", "/api/v3/datasets", { user: "ponder", body }));
    expect(errors).toEqual([
      { property: "foo", children: [], constraints: { whitelistValidation: "property foo should not exist" } },
      { property: "createdBy", children: [], constraints: { whitelistValidation: "property createdBy should not exist" } },
    ]);
  });

  test("contactEmail is one email or a ';'-separated list; ownerEmail is one email", async () => {
    const ok = await call("POST", "/api/v3/datasets", {
      user: "ponder",
      body: { ...rawUploadModel(), contactEmail: "a@uu.am; b@uu.am" },
    });
    expect(ok.status).toBe(201);
    const errors = v3Errors(
      await call("POST", "/api/v3/datasets", {
        user: "ponder",
        body: { ...rawUploadModel(), contactEmail: "a@uu.am;nobody", ownerEmail: "a@uu.am;b@uu.am" },
      }),
    );
    expect(errors.map((e) => e.constraints)).toEqual([
      { isEmail: "ownerEmail must be an email" },
      { customEmailList: "Expected an email or a list of semicolon separated emails, got a@uu.am;nobody" },
    ]);
  });

  test("an unknown type gets the plain v3 message", async () => {
    const answer = await call("POST", "/api/v3/datasets", { user: "ponder", body: { ...rawUploadModel(), type: "custom" } });
    expect([answer.status, answer.text]).toEqual([400, '{"status":400,"message":"Invalid dataset type!"}']);
  });

  test("the server fills in pid, name, creator and timestamps, and normalizes times and folders", async () => {
    const { datasetName: _name, ...body } = rawUploadModel();
    const before = Date.now();
    const answer = await call("POST", "/api/v3/datasets", {
      user: "ponder",
      body: { ...body, sourceFolder: "/hex/ps/thaum2/", creationTime: "2024-05-29T12:00:00+02:00" },
    });
    expect(answer.status).toBe(201);
    const created = answer.body as Record<string, unknown>;
    expect(created).toMatchObject({
      datasetName: "ps/thaum2",
      sourceFolder: "/hex/ps/thaum2",
      creationTime: "2024-05-29T10:00:00.000Z",
      createdBy: "ponder",
      updatedBy: "ponder",
      version: "3",
      isPublished: false,
      principalInvestigator: "Ponder Stibbons",
      principalInvestigators: ["Ponder Stibbons"],
    });
    expect(created["pid"]).toMatch(/^PID\.prefix\.a0b1\/[0-9a-f-]{36}$/);
    expect(created["_id"]).toBe(created["pid"]);
    expect(Date.parse(created["createdAt"] as string)).toBeGreaterThanOrEqual(before - 1000);
    expect(created["updatedAt"]).toBe(created["createdAt"]);
  });

  test("only privileged groups may send a pid or write for other groups; pids are unique", async () => {
    const withPid = { ...rawUploadModel(), pid: "PID.prefix.a0b1/mine" };
    const refused = await call("POST", "/api/v3/datasets", { user: "ponder", body: withPid });
    expect(refused.body).toEqual({ message: "Unauthorized to create this dataset", error: "Forbidden", statusCode: 403 });
    expect((await call("POST", "/api/v3/datasets", { user: "ingestor", body: withPid })).status).toBe(201);
    const duplicate = await call("POST", "/api/v3/datasets", { user: "ingestor", body: withPid });
    expect([duplicate.status, (duplicate.body as { message: string }).message]).toEqual([
      409,
      "A dataset with pid PID.prefix.a0b1/mine already exists!",
    ]);
  });

  test("isValid checks without the whitelist, like the backend", async () => {
    const valid = await call("POST", "/api/v3/datasets/isValid", { user: "ponder", body: { ...rawUploadModel(), foo: 1 } });
    expect([valid.status, valid.body]).toEqual([200, { valid: true }]);
    const { owner: _owner, ...withoutOwner } = rawUploadModel();
    const invalid = await call("POST", "/api/v3/datasets/isValid", { user: "ponder", body: withoutOwner });
    expect(invalid.body).toEqual({ valid: false, error: "owner must be a string" });
    expect((await call("POST", "/api/v3/datasets/isValid", { body: rawUploadModel() })).status).toBe(403);
  });

  test("broken JSON and unknown routes get Nest's answers; routes are case-insensitive", async () => {
    const broken = await call("POST", "/api/v3/datasets", { user: "ponder", body: "{not json" });
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ error: "Bad Request", statusCode: 400 });
    const unknown = await call("GET", "/api/v3/proposals");
    expect(unknown.body).toEqual({ message: "Cannot GET /api/v3/proposals", error: "Not Found", statusCode: 404 });
    expect((await call("POST", "/api/v3/Datasets", { user: "ponder", body: rawUploadModel() })).status).toBe(201);
  });
});

describe("datablocks, attachments and samples", () => {
  let pid: string;
  beforeEach(() => {
    pid = server.seedThaumFlux();
  });
  const path = (sub: string): string => `/api/v3/datasets/${encodeURIComponent(pid)}/${sub}`;

  test("the seed is the tutorials' Thaum flux dataset", async () => {
    const answer = await call("GET", `/api/v3/datasets/${encodeURIComponent(pid)}`, { user: "ponder" });
    expect(answer.body).toMatchObject({ pid, datasetName: "Thaum flux", ownerGroup: "uu", history: [] });
    expect(server.origDatablocksOf(pid)).toHaveLength(1);
  });

  test("orig datablocks take no datasetId or ownership fields and need files", async () => {
    const answer = await call("POST", path("origdatablocks"), {
      user: "ponder",
      body: { datasetId: pid, ownerGroup: "x", size: 1, dataFileList: [{ path: "a", size: "1", time: "yesterday" }] },
    });
    expect(answer.body).toEqual({
      message: [
        "dataFileList.0.size must be a number conforming to the specified constraints",
        "dataFileList.0.time must be a valid ISO 8601 date string",
        "property datasetId should not exist",
        "property ownerGroup should not exist",
      ],
      error: "Bad Request",
      statusCode: 400,
    });
  });

  test("sub-records of a missing dataset are 404s; of another group's dataset 403s", async () => {
    const block = { size: 1, dataFileList: [{ path: "a", size: 1, time: "2024-01-01T00:00:00Z" }] };
    const missing = await call("POST", "/api/v3/datasets/no%2Fsuch/origdatablocks", { user: "ponder", body: block });
    expect(missing.body).toEqual({ message: "dataset: no/such not found", error: "Not Found", statusCode: 404 });
    const foreign = await call("POST", path("origdatablocks"), { user: "nanny", body: block });
    expect(foreign.body).toEqual({ message: "Unauthorized access", error: "Forbidden", statusCode: 403 });
    expect((await call("POST", path("origdatablocks"), { user: "ingestor", body: block })).status).toBe(201);
  });

  test("v3 attachments need a caption and an ownerGroup, and may not say isPublished", async () => {
    const answer = await call("POST", path("attachments"), { user: "ponder", body: { isPublished: true } });
    expect((answer.body as { message: string[] }).message).toEqual([
      "ownerGroup must be a string",
      "ownerGroup should not be empty",
      "caption must be a string",
      "property isPublished should not exist",
    ]);
  });

  test("attachment lists are newest first and at most 10, as the backend's default limits say", async () => {
    for (let i = 0; i < 12; i++) {
      server.seedAttachment({ caption: `#${i}`, ownerGroup: "uu", datasetId: pid, createdAt: new Date(Date.UTC(2024, 0, i + 1)).toISOString() });
    }
    const answer = await call("GET", path("attachments"), { user: "ponder" });
    const captions = (answer.body as Array<{ caption: string }>).map((a) => a.caption);
    expect(captions).toEqual(["#11", "#10", "#9", "#8", "#7", "#6", "#5", "#4", "#3", "#2"]);
  });

  test("samples need login (401) and a sampleName", async () => {
    const anonymous = await call("POST", "/api/v3/samples", { body: { ownerGroup: "uu", sampleName: "s" } });
    expect(anonymous.body).toEqual({ message: "Unauthenticated", error: "Unauthorized", statusCode: 401 });
    const nameless = await call("POST", "/api/v3/samples", { user: "ponder", body: { ownerGroup: "uu" } });
    expect((nameless.body as { message: string[] }).message).toEqual([
      "sampleName must be a string",
      "sampleName should not be empty",
    ]);
  });

  test("fullquery shows anonymous users published datasets only", async () => {
    server.seedDataset({ ...rawUploadModel({ name: "public one" }), pid: "p/pub", isPublished: true });
    const anonymous = await call("GET", `/api/v3/datasets/fullquery?fields=${encodeURIComponent("{}")}`);
    expect((anonymous.body as Array<{ pid: string }>).map((d) => d.pid)).toEqual(["p/pub"]);
    const owner = await call("GET", `/api/v3/datasets/fullquery?fields=${encodeURIComponent("{}")}`, { user: "ponder" });
    expect((owner.body as Array<{ pid: string }>).map((d) => d.pid).sort()).toEqual(["p/pub", pid].sort());
  });
});

describe("test controls", () => {
  test("failNext knows the routes and fails a request as often as asked", async () => {
    expect(() => server.failNext("POST /proposals", 500)).toThrow(/Unknown route 'POST \/proposals'.*POST \/datasets/);
    server.failNext("post /DATASETS", 503, { times: 2 });
    for (let i = 0; i < 2; i++) {
      const answer = await call("POST", "/api/v3/datasets", { user: "ponder", body: rawUploadModel() });
      expect(answer.body).toEqual({ message: "Service Unavailable", error: "Service Unavailable", statusCode: 503 });
    }
    expect((await call("POST", "/api/v3/datasets", { user: "ponder", body: rawUploadModel() })).status).toBe(201);
  });

  test("hangNext never answers; with carriedOut the request still takes effect", async () => {
    const timeout = (): { signal: AbortSignal } => ({ signal: AbortSignal.timeout(300) });
    server.hangNext("POST /datasets", { times: 2, carriedOut: true });
    server.hangNext("GET /datasets/:pid");
    for (let i = 0; i < 2; i++) {
      const request = fetch(`${server.url}/datasets`, {
        method: "POST",
        headers: { Authorization: `Bearer ${server.issueToken("ponder")}`, "Content-Type": "application/json" },
        body: JSON.stringify(rawUploadModel()),
        ...timeout(),
      });
      await expect(request).rejects.toThrow();
    }
    // Both were created although neither was answered.
    expect(server.datasets.size).toBe(2);
    expect(server.requests.slice(-2).map((r) => r.status)).toEqual([null, null]);
    const pid = [...server.datasets.keys()][0] as string;
    await expect(fetch(`${server.url}/datasets/${encodeURIComponent(pid)}`, timeout())).rejects.toThrow();
    expect((await call("GET", `/api/v3/datasets/${encodeURIComponent(pid)}`, { user: "ponder" })).status).toBe(200);
  });

  test("the request log has route, body, user and status", async () => {
    await call("POST", "/api/v3/datasets?x=1", { user: "ponder", body: { type: "raw" } });
    expect(server.requests).toEqual([
      {
        method: "POST",
        path: "/api/v3/datasets",
        route: "POST /datasets",
        query: { x: "1" },
        body: { type: "raw" },
        token: "valid",
        user: "ponder",
        status: 400,
      },
    ]);
  });
});
