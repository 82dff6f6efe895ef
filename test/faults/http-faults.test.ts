/**
 * HTTP faults at every API step of an upload, against the SciCat stand-in
 * (behind a fault proxy) and a real sshd: 500, 502/504 gateway pages, a
 * timeout, a reset connection, malformed JSON and an HTML page — each both
 * before SciCat saw the request and after it carried it out (only the
 * answer lost or garbled).
 *
 * After each: the upload failed with a ScitaceanError, the servers are
 * consistent (see fixture.ts) and a retry, done as the error says, succeeds.
 */
import { PartialUploadError, ScitaceanError } from "../../src/errors";
import { HttpFaultProxy, type HttpFault } from "../helpers/faults";
import { expectConsistentAfterFault, expectRetrySucceeds, faultCase, faultClient, failureOf, useFaultServers } from "./fixture";

const env = useFaultServers("http");
let proxy: HttpFaultProxy;

beforeAll(async () => {
  proxy = await HttpFaultProxy.start(env.scicat.origin);
});
afterAll(async () => {
  await proxy?.stop();
});

/** The API steps of an upload, in order. */
const STEPS: ReadonlyArray<{ name: string; pattern: RegExp; writes: boolean }> = [
  { name: "validate", pattern: /\/datasets\/isValid/, writes: false },
  { name: "create dataset", pattern: /\/datasets(\?|$)/, writes: true },
  { name: "datablocks", pattern: /\/datasets\/[^/]+\/origdatablocks/, writes: true },
  { name: "attachments", pattern: /\/datasets\/[^/]+\/attachments/, writes: true },
];

const FAULTS: ReadonlyArray<[string, HttpFault]> = [
  ["500", { kind: "status", status: 500 }],
  ["502 page", { kind: "status", status: 502 }],
  ["504 page", { kind: "status", status: 504 }],
  ["timeout", { kind: "hang" }],
  ["reset", { kind: "reset" }],
  ["malformed JSON", { kind: "malformed" }],
  ["HTML page", { kind: "html" }],
];

const CASES = STEPS.flatMap((step) =>
  FAULTS.flatMap(([faultName, fault]) =>
    // A step that writes nothing cannot be "carried out" differently.
    (step.writes ? [false, true] : [false]).map((carriedOut) => ({
      title: `${step.name}: ${faultName}${carriedOut ? " after SciCat carried it out" : ""}`,
      step,
      fault,
      carriedOut,
    })),
  ),
);


describe("HTTP faults at every API step of an upload", () => {
  const run = async ({ step, fault, carriedOut }: (typeof CASES)[number]): Promise<void> => {
    const c = faultCase(env.localRoot, env.sshd.dataRoot, [200_000, 50_000]);
    const client = faultClient(proxy.url, env.scicat, env.sshd.transferOptions(), { timeoutMs: 2_000 });
    proxy.failNext("POST", step.pattern, fault, { carriedOut });
    const { error } = await failureOf(client.uploadNewDatasetNow(c.dataset({ attachments: 2 })));
    expect(error).toBeInstanceOf(ScitaceanError);
    // Once SciCat holds the dataset, the error must say what is left and where.
    // SciCat is asked after a failed creation, so a dataset it did store is named by its PID.
    if (step.name === "datablocks" || step.name === "attachments" || (step.name === "create dataset" && carriedOut)) {
      expect(error).toBeInstanceOf(PartialUploadError);
      expect((error as PartialUploadError).pid).not.toBeNull();
    }
    expectConsistentAfterFault(c, error, env.scicat);
    await expectRetrySucceeds(c, error, client, env.scicat);
  };
  for (const item of CASES) {
    it(item.title, () => run(item), 60_000);
  }
});
