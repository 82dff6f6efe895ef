/**
 * Property tests of reading SciCat's answers with missing, extra and
 * wrong-typed fields at every level (dataset, datablock, file entry,
 * attachment), through `client.getDataset` on both backends (the fake, and
 * HTTP against the stand-in). The rule: the dataset reads, with warnings for
 * what was wrong, or a ScicatCommError refuses it; never an engine error from
 * inside, never a hang, never markup from the answer in the displays.
 */
import fc from "fast-check";
import { checkRecord, ORIG_DATABLOCK_SCHEMA } from "../../src/client/response-validation";
import { ScicatCommError } from "../../src/errors";
import { attachmentHtml, attachmentText } from "../../src/html/attachment";
import { datasetHtml, datasetText } from "../../src/html/dataset";
import { setLogHandler } from "../../src/logging";
import { OrigDatablock } from "../../src/model/datablock";
import type { Dataset } from "../../src/model/dataset";
import { newReadReport } from "../../src/model/table-model";
import { useBackends } from "../client/backends";
import { ANSWERS_PID, serveAnswers, wellFormedDatablock, wellFormedDataset } from "../model/scicat-answers";
import { anyJson, expectNoInjectedMarkup, isInternalCrash, mutated, runs } from "./arbitraries";

const { backends, server } = useBackends();

const GOOD_FILE = { path: "sub/a.dat", size: 12, time: "2024-05-29T08:17:09Z", chk: "abc", uid: "u", gid: "g", perm: "rw" };
const GOOD_ATTACHMENT = { id: "att", caption: "Image", ownerGroup: "uu", datasetId: ANSWERS_PID, thumbnail: "data:image/png;base64,AAAA" };

/** Now and then something else entirely instead of the record. */
const sometimes = <T>(record: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 5, arbitrary: record }, { weight: 1, arbitrary: anyJson });

const fileEntry = sometimes(mutated(GOOD_FILE));
const datablock = sometimes(
  fc
    .tuple(mutated(wellFormedDatablock()), fc.array(fileEntry, { maxLength: 3 }))
    .map(([block, files]) => ("dataFileList" in block && Array.isArray(block["dataFileList"]) ? { ...block, dataFileList: files } : block)),
);
const answers = fc.record({
  dataset: sometimes(mutated(wellFormedDataset())),
  origDatablocks: sometimes(fc.array(datablock, { maxLength: 3 })),
  attachments: sometimes(fc.array(sometimes(mutated(GOOD_ATTACHMENT)), { maxLength: 2 })),
});

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** True if some part of the served datablocks cannot be read at all, so a warning must say it was left out. */
function somethingLeftOut(blocks: unknown): boolean {
  // An empty answer means "no datablocks", on both backends.
  if (blocks === null) return false;
  if (!Array.isArray(blocks)) return true;
  return blocks.some((block) => {
    if (!isObject(block)) return true;
    const list = block["dataFileList"];
    if (list === undefined || list === null) return false;
    if (!Array.isArray(list)) return true;
    return list.some((entry) => !isObject(entry) || typeof entry["path"] !== "string");
  });
}

/** `promise`, or a failure if it takes longer than `ms`: a read must never hang. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: the read hangs`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function expectDisplays(dset: Dataset): void {
  expectNoInjectedMarkup(datasetHtml(dset));
  expect(typeof datasetText(dset)).toBe("string");
  expect(typeof dset.toString()).toBe("string");
  for (const attachment of dset.attachments ?? []) {
    expectNoInjectedMarkup(attachmentHtml(attachment));
    expect(typeof attachmentText(attachment)).toBe("string");
  }
  for (const file of dset.files) {
    expect(typeof file.size).toBe("number");
    expect(file.creationTime).toBeInstanceOf(Date);
  }
  expect(Number.isFinite(dset.size)).toBe(true);
}

describe.each(backends)("getDataset over $name", (b) => {
  it("reads any answer, or refuses it with a ScicatCommError; the displays work", async () => {
    // One client for all runs: on the fake, only the first client is the FakeClient that holds the answers.
    const client = b.makeClient();
    await fc.assert(
      fc.asyncProperty(answers, async (served) => {
        const warnings: string[] = [];
        const previous = setLogHandler((level, message) => void (level === "warning" && warnings.push(message)));
        try {
          serveAnswers(b, server, client, served);
          let dset: Dataset;
          try {
            dset = await within(20_000, client.getDataset(ANSWERS_PID, { attachments: true }));
          } catch (error) {
            if (isInternalCrash(error) || !(error instanceof ScicatCommError)) throw error;
            expect(error.message.length).toBeLessThan(2_000);
            return;
          }
          expectDisplays(dset);
          for (const warning of warnings) expect(warning.length).toBeLessThan(6_000);
          if (somethingLeftOut(served.origDatablocks)) {
            expect(warnings.join("\n")).toMatch(/read without some parts|read as none|Could not download the list of files/);
          }
        } finally {
          setLogHandler(previous);
        }
      }),
      { numRuns: runs(30) },
    );
    // Generous: the machine may be loaded, and PROPERTY_RUNS may ask for many more runs.
  }, 300_000);
});

describe("datablocks read by the model", () => {
  it("whatever problem the model finds in a datablock, SciCat's check has reported already", () => {
    // Client builds datasets without the model's own warnings about values (the ScicatClient gave them),
    // so every problem the model finds must be one the check finds too. (What it leaves out, it always reports.)
    const silence = setLogHandler(() => undefined);
    try {
      fc.assert(
        fc.property(datablock, (block) => {
          const report = newReadReport();
          OrigDatablock.read(block, report);
          if (report.problems.length > 0) {
            expect(checkRecord(ORIG_DATABLOCK_SCHEMA, block)).not.toEqual([]);
          }
        }),
        { numRuns: runs(300) },
      );
    } finally {
      setLogHandler(silence);
    }
  });
});
