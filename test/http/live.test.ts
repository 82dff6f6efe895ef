/**
 * Tests against a real SciCat, run only when the environment names one (see
 * `live-config.ts`). They only read: regular users cannot delete datasets.
 */
import { Client } from "../../src/client/client";
import { HttpScicatClient } from "../../src/client/http";
import { ScicatCommError } from "../../src/errors";
import { liveConfig, type LiveConfig } from "./live-config";

// These always run: they decide whether the live tests do.
describe("live test configuration", () => {
  test("needs SCICAT_URL and a token or user name and password", () => {
    expect(liveConfig({})).toBeNull();
    expect(liveConfig({ SCICAT_URL: "https://scicat.example/api/v3" })).toBeNull();
    expect(liveConfig({ SCICAT_URL: "https://s/api/v3", SCICAT_USERNAME: "u" })).toBeNull();
    expect(liveConfig({ SCICAT_TOKEN: "t" })).toBeNull();
  });

  test("prefers a token to credentials", () => {
    expect(liveConfig({ SCICAT_URL: " https://s/api/v3 ", SCICAT_TOKEN: "t", SCICAT_USERNAME: "u", SCICAT_PASSWORD: "p" })).toEqual({
      url: "https://s/api/v3",
      token: "t",
      testPid: null,
    });
    expect(liveConfig({ SCICAT_URL: "https://s/api/v3", SCICAT_USERNAME: "u", SCICAT_PASSWORD: " p ", SCICAT_TEST_PID: "a/b" })).toEqual({
      url: "https://s/api/v3",
      username: "u",
      password: " p ",
      testPid: "a/b",
    });
  });
});

const config = liveConfig(process.env);

async function connect(live: LiveConfig): Promise<HttpScicatClient> {
  return "token" in live
    ? HttpScicatClient.fromToken({ url: live.url, token: live.token, timeoutMs: 30_000 })
    : HttpScicatClient.fromCredentials({ url: live.url, username: live.username, password: live.password, timeoutMs: 30_000 });
}

if (config === null) {
  console.log(
    "Live SciCat tests were not run: set SCICAT_URL (API root with /api/v3) and SCICAT_TOKEN, " +
      "or SCICAT_USERNAME and SCICAT_PASSWORD (optionally SCICAT_TEST_PID).",
  );
} else {
  const live = config;
  describe(`live SciCat at ${live.url}`, () => {
    let scicat: HttpScicatClient;
    beforeAll(async () => {
      scicat = await connect(live);
    }, 60_000);

    test("is logged in", () => {
      expect(scicat.isAuthenticated).toBe(true);
    });

    test("finds the newest dataset and loads it", async () => {
      const [newest] = await scicat.queryDatasets({}, { limit: 1, order: "creationTime:desc" });
      if (newest === undefined) return; // an empty catalogue has nothing to load
      const pid = String(newest.pid);
      expect(await scicat.getDatasetModel(pid)).toMatchObject({ pid });
      const dataset = await new Client({ scicat }).getDataset(pid);
      expect(String(dataset.pid)).toBe(pid);
    }, 60_000);

    test("a dataset that does not exist is a ScicatCommError", async () => {
      const error = await scicat.getDatasetModel("scitacean-ts/does-not-exist").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ScicatCommError);
      expect([403, 404]).toContain((error as ScicatCommError).status);
    }, 60_000);

    if (live.testPid !== null) {
      const testPid = live.testPid;
      test("loads SCICAT_TEST_PID with its files and attachments", async () => {
        const dataset = await new Client({ scicat }).getDataset(testPid, { attachments: true });
        expect(String(dataset.pid)).toBe(testPid);
        expect(Array.isArray(dataset.attachments)).toBe(true);
      }, 60_000);
    }
  });
}
