import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { HttpScicatClient, LOGIN_ENDPOINTS } from "../../src/client/http";
import { ScicatCommError, ScicatLoginError } from "../../src/errors";
import { ScicatServer } from "../../src/testing/scicat-server";
import { captureLogs, everyRendering, nowSeconds, rawUploadModel, unsignedJwt, type CapturedLogs } from "./helpers";

/** The error `promise` rejects with. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

const PONDER = { username: "ponder", password: "thaum-flux-pw" };
const NANNY = { username: "nanny", password: "wyrd-sisters-pw" };

const server = new ScicatServer();
let logs: CapturedLogs;

beforeAll(() => server.start());
afterAll(() => server.stop());
beforeEach(() => {
  server.reset();
  logs = captureLogs();
});
afterEach(() => {
  expect(server.unexpectedErrors).toEqual([]);
  logs.restore();
  jest.restoreAllMocks();
});

/** The login routes tried, in order, as the server saw them. */
const attempts = (on: ScicatServer = server): string[] => on.requests.map((r) => `${r.method} ${r.path} -> ${r.status}`);

describe("fromCredentials", () => {
  test("the endpoints are tried in a documented order", () => {
    expect(LOGIN_ENDPOINTS.map((e) => e.url("https://scicat.example/api/v3"))).toEqual([
      "https://scicat.example/api/v3/auth/login",
      "https://scicat.example/api/v3/Users/login",
      "https://scicat.example/auth/msad",
      "https://scicat.example/api/v3/auth/ldap",
    ]);
  });

  test("a local account logs in at auth/login, and the token works", async () => {
    const scicat = await HttpScicatClient.fromCredentials({ url: server.url, ...PONDER });
    expect(attempts()).toEqual(["POST /api/v3/auth/login -> 201"]);
    expect(scicat.isAuthenticated).toBe(true);
    expect(scicat.tokenExpiresAt?.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    const pid = server.seedThaumFlux();
    await expect(scicat.getDatasetModel(pid)).resolves.toMatchObject({ pid });
    expect(server.requests.at(-1)).toMatchObject({ user: "ponder", token: "valid" });
    expect(logs.at("info")).toContain(`Logged in to ${server.url} via auth/login`);
  });

  test("an LDAP account falls through to auth/ldap on a current backend", async () => {
    const scicat = await HttpScicatClient.fromCredentials({ url: server.url, ...NANNY });
    expect(attempts()).toEqual([
      "POST /api/v3/auth/login -> 401",
      "POST /api/v3/Users/login -> 401",
      "POST /auth/msad -> 404",
      "POST /api/v3/auth/ldap -> 201",
    ]);
    expect(scicat.isAuthenticated).toBe(true);
    expect(logs.at("info")).toContain("Failed to log in via endpoint auth/msad: 404 Not Found: Cannot POST /auth/msad");
  });

  test("Scitacean 24.05's auth/msad at the server root is used where a deployment serves it", async () => {
    const old = new ScicatServer({ rootMsad: true });
    await old.start();
    try {
      await HttpScicatClient.fromCredentials({ url: old.url, ...NANNY });
      expect(attempts(old)).toEqual([
        "POST /api/v3/auth/login -> 401",
        "POST /api/v3/Users/login -> 401",
        "POST /auth/msad -> 201",
      ]);
    } finally {
      await old.stop();
    }
  });

  test("Users/login gives the token on older backends", async () => {
    const old = new ScicatServer({ legacyUsersLogin: true });
    await old.start();
    try {
      old.failNext("POST /auth/login", 404, { body: { message: "Cannot POST /api/v3/auth/login", error: "Not Found", statusCode: 404 } });
      const scicat = await HttpScicatClient.fromCredentials({ url: old.url, ...PONDER });
      expect(attempts(old)).toEqual(["POST /api/v3/auth/login -> 404", "POST /api/v3/Users/login -> 201"]);
      expect(scicat.isAuthenticated).toBe(true);
    } finally {
      await old.stop();
    }
  });

  test("v5's empty Users/login answer is not taken for a login", async () => {
    server.failNext("POST /auth/login", 404);
    const error = await failure(HttpScicatClient.fromCredentials({ url: server.url, ...PONDER }));
    expect(error).toBeInstanceOf(ScicatLoginError);
    expect(error.message).toContain("Users/login: 201: the server accepted the request but sent no token");
  });

  test("a wrong password is a ScicatLoginError with what each endpoint said, and never shows the password", async () => {
    const password = "Wr0ng-and-s3cret";
    const error = await failure(HttpScicatClient.fromCredentials({ url: server.url, username: "ponder", password }));
    expect(error).toBeInstanceOf(ScicatLoginError);
    expect(error.message).toBe(
      `Failed to log in to SciCat at ${server.url} as 'ponder'. Check the user name and password. ` +
        "What the login endpoints said: auth/login: 401 Unauthorized: Unauthorized; " +
        "Users/login: 401 Unauthorized: Unauthorized; auth/msad: 404 Not Found: Cannot POST /auth/msad; " +
        "auth/ldap: 401 Unauthorized: Unauthorized",
    );
    expect(logs.at("error")).toEqual([error.message]);
    const everything = everyRendering(error) + logs.records.map((r) => r.message).join("\n");
    expect(everything).not.toContain(password);
  });

  test("a server that echoes the password does not get it into the error", async () => {
    const password = "echo-me-pw";
    server.failNext("POST /auth/login", 401, { body: { message: `bad password ${password}`, statusCode: 401 } });
    const error = await failure(HttpScicatClient.fromCredentials({ url: server.url, username: "ponder", password }));
    expect(error.message).toContain("auth/login: 401 Unauthorized: bad password <HIDDEN>");
    expect(everyRendering(error) + logs.records.map((r) => r.message).join("\n")).not.toContain(password);
  });

  test("an unreachable server is a ScicatCommError after one attempt, not a login error", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(
      HttpScicatClient.fromCredentials({ url: `http://127.0.0.1:${port}/api/v3`, username: "a", password: "pw-unreachable" }),
    );
    expect(error).toBeInstanceOf(ScicatCommError);
    expect(error.message).toMatch(/login via auth\/login.*could not reach SciCat/);
    expect(error.message).not.toContain("pw-unreachable");
  });

  test("a login token that runs out right away is refused at once", async () => {
    const shortLived = new ScicatServer({ tokenLifetimeSeconds: 1 });
    await shortLived.start();
    try {
      await expect(HttpScicatClient.fromCredentials({ url: shortLived.url, ...PONDER })).rejects.toThrow(ScicatLoginError);
    } finally {
      await shortLived.stop();
    }
  });

  test("empty credentials are rejected before any request", async () => {
    await expect(HttpScicatClient.fromCredentials({ url: server.url, username: "ponder", password: "" })).rejects.toThrow(TypeError);
    expect(server.requests).toEqual([]);
  });
});

describe("token expiry", () => {
  test("an expired JWT is refused when the client is made", () => {
    for (const exp of [nowSeconds() - 3600, nowSeconds() + 1]) {
      expect(() => HttpScicatClient.fromToken({ url: server.url, token: unsignedJwt(exp) })).toThrow(ScicatLoginError);
    }
    expect(() => HttpScicatClient.fromToken({ url: server.url, token: unsignedJwt(nowSeconds() + 60) })).not.toThrow();
  });

  test("the message says how to log in again", () => {
    expect(() => HttpScicatClient.fromToken({ url: server.url, token: unsignedJwt(nowSeconds() - 1) })).toThrow(
      /^Your SciCat login has expired; log in again with Client\.fromCredentials or get a new token from the SciCat web interface/,
    );
  });

  test("a token that expires while the client is in use is refused before the request is sent", async () => {
    const pid = server.seedThaumFlux();
    const exp = nowSeconds() + 60;
    const scicat = HttpScicatClient.fromToken({ url: server.url, token: server.issueToken("ponder", { exp }) });
    await expect(scicat.getDatasetModel(pid)).resolves.toMatchObject({ pid });
    const sent = server.requests.length;
    jest.spyOn(Date, "now").mockReturnValue(exp * 1000 - 1000);
    await expect(scicat.getDatasetModel(pid)).rejects.toThrow(ScicatLoginError);
    await expect(scicat.createDatasetModel(rawUploadModel())).rejects.toThrow(/login has expired/);
    expect(server.requests.length).toBe(sent);
  });

  test("tokens that are not JWTs never expire on the client; the server decides", async () => {
    const scicat = HttpScicatClient.fromToken({ url: server.url, token: "fake-token" });
    expect(scicat.tokenExpiresAt).toBeNull();
    const pid = server.seedThaumFlux();
    const error = (await failure(scicat.getDatasetModel(pid))) as ScicatCommError;
    expect([error.status, error.serverMessage]).toEqual([403, "Unauthorized access"]);
    expect(server.requests.at(-1)?.token).toBe("invalid");
  });
});

describe("the token never leaks", () => {
  test("not through errors, logs, inspect or JSON of the client", async () => {
    const token = server.issueToken("ponder");
    const scicat = HttpScicatClient.fromToken({ url: server.url, token, timeoutMs: 300 });
    const pid = server.seedThaumFlux();
    const errors: Error[] = [];
    const collect = async (promise: Promise<unknown>): Promise<void> => void errors.push(await failure(promise));

    await scicat.getDatasetModel(pid);
    await collect(scicat.getDatasetModel("no/such"));
    await collect(scicat.createDatasetModel({ ...rawUploadModel(), contactEmail: "bad" }));
    server.failNext("GET /datasets/:pid", 400, { body: { message: `you sent ${token}`, statusCode: 400 } });
    await collect(scicat.getDatasetModel(pid));
    server.failNext("GET /datasets/:pid/attachments", 500);
    await collect(scicat.getAttachmentsForDataset(pid));
    server.hangNext("GET /samples/:id");
    await collect(scicat.getSampleModel("x"));
    const unreachable = HttpScicatClient.fromToken({ url: "http://127.0.0.1:1/api/v3", token });
    await collect(unreachable.getDatasetModel(pid));

    expect(errors).toHaveLength(6);
    expect(errors[2]?.message).toContain("you sent <HIDDEN>");
    for (const error of errors) {
      expect(error).toBeInstanceOf(ScicatCommError);
      // Raw axios errors carry the request headers; none may be passed on.
      expect(error.cause).toBeUndefined();
      const shown = everyRendering(error);
      expect(shown).not.toContain(token);
      expect(shown).not.toMatch(/Bearer|Authorization/i);
    }
    for (const client of [scicat, unreachable]) {
      const shown = everyRendering(client) + JSON.stringify({ client }) + String(client);
      expect(shown).not.toContain(token);
      expect(JSON.parse(JSON.stringify(client))).toEqual({
        url: client.url,
        authenticated: true,
        tokenExpiresAt: client.tokenExpiresAt?.toISOString(),
      });
    }
    expect(logs.records.length).toBeGreaterThan(10);
    expect(logs.records.map((r) => r.message).join("\n")).not.toContain(token);
  });

  test("user name and password in the URL are not shown either", async () => {
    const scicat = HttpScicatClient.withoutLogin({ url: `http://someone:pa55word@127.0.0.1:1/api/v3` });
    const error = await failure(scicat.getDatasetModel("a/b"));
    expect(error.message).toContain("http://127.0.0.1:1/api/v3/datasets/a%2Fb");
    expect(everyRendering(error) + everyRendering(scicat) + logs.records.map((r) => r.message).join()).not.toContain("pa55word");
  });
});
