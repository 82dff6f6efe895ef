/**
 * Property tests over every dataset field, driven by DATASET_FIELDS: any
 * value SciCat could send in a field reads tolerantly (a warning that names
 * the field) and displays without injected markup; any value a user could
 * assign is taken or refused with an error that names the field. Never an
 * engine error from inside the library.
 */
import fc from "fast-check";
import { datasetHtml, datasetText } from "../../src/html/dataset";
import { Dataset } from "../../src/model/dataset";
import { DATASET_FIELDS } from "../../src/model/dataset-fields";
import { setLogHandler } from "../../src/logging";
import { anyJson, anyString, expectNoInjectedMarkup, runs } from "./arbitraries";

/** A minimal valid record of the dataset type, so that only the field under test is odd. */
const BASE = { pid: "p/base", type: "raw", datasetName: "base", ownerGroup: "uu", creationTime: "2024-05-29T08:17:09Z" };

/** Captures warnings for the duration of `body`. */
function withWarnings<T>(body: () => T): { result: T; warnings: string[] } {
  const warnings: string[] = [];
  const previous = setLogHandler((level, message) => void (level === "warning" && warnings.push(message)));
  try {
    return { result: body(), warnings };
  } finally {
    setLogHandler(previous);
  }
}

/** What SciCat may put in a field: anything, and now and then a value of the right shape. */
const sciCatValue = fc.oneof(anyJson, anyString, fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));

describe.each(DATASET_FIELDS.map((f) => [f.name, f] as const))("field %s", (_name, field) => {
  it("any value SciCat sends reads with a warning naming the field, or as it is; the displays work", () => {
    fc.assert(
      fc.property(sciCatValue, (value) => {
        const record: Record<string, unknown> = { ...BASE };
        Object.defineProperty(record, field.scicatName, { value, enumerable: true, writable: true, configurable: true });
        const { result: dset, warnings } = withWarnings(() => Dataset.fromDownloadModels({ dataset: record, origDatablocks: [], attachments: [] }));
        const stored: unknown = dset.get(field.name);
        // A value that did not read as itself, or as its stored form, was reported, naming the field.
        if (value !== null && warnings.length === 0 && field.name !== "type") {
          expect(stored).not.toBeNull();
        }
        for (const warning of warnings) expect(warning.length).toBeLessThan(4_000);
        if (warnings.some((w) => w.includes("did not pass validation"))) {
          // The field itself (`owner: …`) or an item of it (`inputDatasets[0]: …`).
          expect(warnings.join("\n")).toMatch(new RegExp(`\\b${field.name}(\\[\\d+\\])?: `));
        }
        const markup = datasetHtml(dset);
        expectNoInjectedMarkup(markup);
        expect(typeof datasetText(dset)).toBe("string");
        expect(typeof dset.toString()).toBe("string");
        // Validation of what was read reports problems; it does not throw.
        expect(Array.isArray(dset.validationIssues())).toBe(true);
      }),
      { numRuns: runs(15) },
    );
  }, 120_000);

  if (!field.readOnly && field.name !== "type") {
    it("any value a user assigns is taken, or refused with an error that names the field", () => {
      fc.assert(
        fc.property(sciCatValue, (value) => {
          const dset = new Dataset({ type: "raw" });
          try {
            (dset as unknown as Record<string, unknown>)[field.name] = value;
          } catch (error) {
            expect(error).toBeInstanceOf(Error);
            expect((error as Error).message).toContain(field.name);
            expect((error as Error).message.length).toBeLessThan(2_000);
            return;
          }
          expectNoInjectedMarkup(datasetHtml(dset));
        }),
        { numRuns: runs(15) },
      );
    }, 120_000);
  }
});
