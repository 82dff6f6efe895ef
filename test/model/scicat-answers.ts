/**
 * Makes SciCat answer `getDataset`'s three requests with any JSON, on both
 * test backends: the fake keeps the answers in its stores as they are, and
 * the stand-in server sends them as the bodies of 200 answers (`failNext`
 * with status 200), so the HTTP client parses them off the wire.
 */
import type { Client } from "../../src/client/client";
import { FakeClient } from "../../src/testing/fake-client";
import type { ScicatServer } from "../../src/testing/scicat-server";
import type { Backend } from "../client/backends";

/** The PID the answers are served for. */
export const ANSWERS_PID = "20.500.12269/answers-0001";

/** A dataset record SciCat could send, valid in every field. */
export function wellFormedDataset(): Record<string, unknown> {
  return {
    pid: ANSWERS_PID,
    type: "raw",
    datasetName: "Octarine flux",
    ownerGroup: "uu",
    owner: "Ponder Stibbons",
    principalInvestigator: "Ridcully",
    contactEmail: "ponder@uu.am",
    creationLocation: "UU/HEX",
    sourceFolder: "/hex/octarine",
    creationTime: "2024-05-29T08:17:09Z",
    scientificMetadata: { temperature: { value: 123, unit: "K" } },
  };
}

/** A datablock record with one well-formed file entry. */
export function wellFormedDatablock(id = "block-good"): Record<string, unknown> {
  return {
    _id: id,
    datasetId: ANSWERS_PID,
    chkAlg: "sha256",
    size: 20,
    dataFileList: [{ path: "good.dat", size: 20, time: "2024-05-29T08:17:09Z" }],
  };
}

/** What SciCat answers; omitted parts are a well-formed dataset and empty lists. */
export interface Answers {
  dataset?: unknown;
  origDatablocks?: unknown;
  attachments?: unknown;
}

/** Serves `answers` for {@link ANSWERS_PID} to `client` (made by `b.makeClient()`). */
export function serveAnswers(b: Backend, server: ScicatServer, client: Client, answers: Answers): void {
  const dataset = "dataset" in answers ? answers.dataset : wellFormedDataset();
  const origDatablocks = "origDatablocks" in answers ? answers.origDatablocks : [];
  const attachments = "attachments" in answers ? answers.attachments : [];
  if (b.kind === "fake") {
    if (!(client instanceof FakeClient)) throw new Error("serveAnswers needs the first client of the fake backend");
    client.datasets.set(ANSWERS_PID, dataset as never);
    client.origDatablocks.set(ANSWERS_PID, origDatablocks as never);
    client.attachments.set(ANSWERS_PID, attachments as never);
    return;
  }
  // Answers of an earlier call that stopped early (e.g. at a broken dataset record) must not linger;
  // the stand-in's own errors are checked before they are cleared with them.
  if (server.unexpectedErrors.length > 0) throw new Error(`the stand-in failed: ${String(server.unexpectedErrors[0])}`);
  server.reset();
  // The answers go over the wire as JSON, so `undefined` cannot be sent (it is no JSON value).
  for (const [route, body] of [
    ["GET /datasets/:pid", dataset],
    ["GET /datasets/:pid/origdatablocks", origDatablocks],
    ["GET /datasets/:pid/attachments", attachments],
  ] as const) {
    if (body === undefined) throw new Error(`serveAnswers: ${route} cannot answer undefined over HTTP`);
    server.failNext(route, 200, { body });
  }
}
