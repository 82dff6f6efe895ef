/**
 * Property tests of the other records `Client` reads: samples
 * (`getSample`) and attachments (`downloadAttachmentsFor`), with missing,
 * extra and wrong-typed fields or something else entirely, on both backends.
 * The rule: a model with warnings, or a ScicatCommError; never an engine
 * error from inside, and their text forms work.
 */
import fc from "fast-check";
import { ScicatCommError } from "../../src/errors";
import { attachmentHtml, attachmentText } from "../../src/html/attachment";
import { setLogHandler } from "../../src/logging";
import { Dataset } from "../../src/model/dataset";
import type { Sample } from "../../src/model/sample";
import { FakeClient } from "../../src/testing/fake-client";
import { useBackends } from "../client/backends";
import { ANSWERS_PID } from "../model/scicat-answers";
import { anyJson, expectNoInjectedMarkup, isInternalCrash, mutated, runs } from "./arbitraries";

const { backends, server } = useBackends();

const SAMPLE_ID = "sample-0001";
const GOOD_SAMPLE = { sampleId: SAMPLE_ID, ownerGroup: "uu", owner: "Ponder", description: "octarine", sampleCharacteristics: { a: 1 } };
const GOOD_ATTACHMENT = { id: "att", caption: "Image", ownerGroup: "uu", datasetId: ANSWERS_PID, thumbnail: "data:image/png;base64,AAAA" };

const sometimes = <T>(record: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 4, arbitrary: record }, { weight: 1, arbitrary: anyJson });

/** Runs `body` with warnings silenced (their content is checked elsewhere). */
async function quietly<T>(body: () => Promise<T>): Promise<T> {
  const previous = setLogHandler(() => undefined);
  try {
    return await body();
  } finally {
    setLogHandler(previous);
  }
}

/** `body`'s result, or null if it refused with a ScicatCommError; anything else fails the property. */
async function readOrRefuse<T>(body: () => Promise<T>): Promise<T | null> {
  try {
    return await quietly(body);
  } catch (error) {
    if (isInternalCrash(error) || !(error instanceof ScicatCommError)) throw error;
    return null;
  }
}

describe.each(backends)("$name", (b) => {
  it("getSample reads any answer, or refuses it with a ScicatCommError", async () => {
    const client = b.makeClient();
    await fc.assert(
      fc.asyncProperty(sometimes(mutated(GOOD_SAMPLE)), async (answer) => {
        if (b.kind === "fake") {
          (client as FakeClient).samples.set(SAMPLE_ID, answer as never);
        } else {
          server.reset();
          server.failNext("GET /samples/:id", 200, { body: answer });
        }
        const sample: Sample | null = await readOrRefuse(() => client.getSample(SAMPLE_ID));
        if (sample !== null) expect(typeof sample.toString()).toBe("string");
      }),
      { numRuns: runs(30) },
    );
  }, 300_000);

  it("downloadAttachmentsFor reads any answer, or refuses it with a ScicatCommError", async () => {
    const client = b.makeClient();
    const dataset = Dataset.fromDownloadModels({ dataset: { pid: ANSWERS_PID, type: "raw" } });
    await fc.assert(
      fc.asyncProperty(sometimes(fc.array(sometimes(mutated(GOOD_ATTACHMENT)), { maxLength: 3 })), async (answer) => {
        if (b.kind === "fake") {
          (client as FakeClient).attachments.set(ANSWERS_PID, answer as never);
        } else {
          server.reset();
          server.failNext("GET /datasets/:pid/attachments", 200, { body: answer });
        }
        const read = await readOrRefuse(() => client.downloadAttachmentsFor(dataset));
        for (const attachment of read?.attachments ?? []) {
          expectNoInjectedMarkup(attachmentHtml(attachment));
          expect(typeof attachmentText(attachment)).toBe("string");
          expect(typeof attachment.toString()).toBe("string");
        }
      }),
      { numRuns: runs(30) },
    );
  }, 300_000);
});
