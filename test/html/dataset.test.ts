import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { datasetHtml, datasetText, mimeBundleOf, renderDataset } from "../../src/html";
import { Dataset } from "../../src/model/dataset";
import { DATASET_FIELDS } from "../../src/model/dataset-fields";
import { File } from "../../src/model/file";
import { setupFakeClient, THAUM_FLUX_PID } from "../../src/testing";
import {
  byClass,
  byTag,
  enterGuideFolder,
  fieldRows,
  guideDataset,
  hasClass,
  minimalRaw,
  only,
  parseHtml,
  rowsIn,
  tempFolder,
  textOf,
  type Element,
  type ParsedRow,
} from "./helpers";

const HOSTILE = `<script>alert("pwn")</script> & 'x'`;

const names = (rows: readonly ParsedRow[]): string[] => rows.map((r) => r.name);
const spec = (name: string) => {
  const field = DATASET_FIELDS.find((f) => f.name === name);
  if (!field) throw new Error(`no field ${name}`);
  return field;
};
const row = (rows: readonly ParsedRow[], name: string): ParsedRow => {
  const found = rows.find((r) => r.name === name);
  if (!found) throw new Error(`no row ${name} in ${names(rows).join(", ")}`);
  return found;
};
const parse = (dataset: Dataset): Element => parseHtml(datasetHtml(dataset));
const flagged = (root: Element): ParsedRow[] => fieldRows(root).filter((r) => r.flagged !== null);
/** The tooltip the display should show for `field`: its validation messages, one `field: message` line each. */
const expectedTitle = (dataset: Dataset, field: string): string =>
  dataset
    .validationIssues()
    .filter((i) => i.field === field)
    .map((i) => `${field}: ${i.message}`)
    .join("\n");

function minimalDerived(extra: Partial<ConstructorParameters<typeof Dataset>[0]> = {}): Dataset {
  return new Dataset({
    type: "derived",
    contactEmail: "p.stibbons@uu.am",
    owner: "Ponder Stibbons",
    ownerGroup: "uu",
    investigator: "Ponder Stibbons",
    inputDatasets: ["20.500.12269/72fe3ff6-105b-4c7f-b9d0-073b67c90ec3"],
    usedSoftware: ["https://github.com/SciCatProject/scitacean"],
    sourceFolder: "/hex/ps/derived",
    ...extra,
  });
}

describe("the uploading guide's dataset", () => {
  let leave: () => void;
  let dset: Dataset;
  let root: Element;
  beforeAll(() => {
    leave = enterGuideFolder();
    dset = guideDataset();
    dset.creationTime = new Date("2024-05-29T08:17:09.512Z");
    root = parse(dset);
  });
  afterAll(() => leave());

  it("is one scoped element headed RawDataset", () => {
    const top = root.children.filter((c): c is Element => typeof c !== "string");
    expect(top).toHaveLength(1);
    expect(hasClass(top[0] as Element, "cean-repr")).toBe(true);
    expect(textOf(only(root, "cean-dataset-type"))).toBe("RawDataset");
  });

  it("lists the main fields required first, then by name", () => {
    const main = rowsIn(root, "cean-main-fields");
    expect(names(main)).toEqual(["creationTime", "sourceFolder", "description", "name", "pid", "proposalId", "sampleId"]);
    expect(main.filter((r) => r.locked).map((r) => r.name)).toEqual(["pid"]);
  });

  it("puts the other fields in a collapsed Advanced fields section, in the same order", () => {
    const details = only(root, "cean-dataset-details");
    expect(details.tag).toBe("details");
    expect(details.attrs["open"]).toBeUndefined();
    expect(textOf(byTag(details, "summary")[0] as Element)).toBe("Advanced fields");
    expect(names(fieldRows(details))).toEqual([
      "contactEmail", "creationLocation", "owner", "ownerGroup", "principalInvestigator",
      "accessGroups", "apiVersion", "classification", "comment", "createdAt", "createdBy", "dataFormat",
      "dataQualityMetrics", "endTime", "instrumentGroup", "instrumentId", "isPublished", "keywords", "license",
      "lifecycle", "orcidOfOwner", "ownerEmail", "relationships", "sharedWith", "sourceFolderHost", "techniques",
      "updatedAt", "updatedBy", "validationStatus",
    ]);
  });

  it("shows every raw field except type, with * on exactly the required raw fields", () => {
    const rows = fieldRows(root);
    expect(rows).toHaveLength(36);
    expect(names(rows).sort()).toEqual(
      DATASET_FIELDS.filter((f) => f.usedBy.raw && f.name !== "type").map((f) => f.name).sort(),
    );
    const starred = rows.filter((r) => r.required).map((r) => r.name).sort();
    expect(starred).toEqual(
      ["contactEmail", "creationLocation", "creationTime", "owner", "ownerGroup", "principalInvestigator", "sourceFolder"].sort(),
    );
  });

  it("locks exactly the read-only fields", () => {
    const locked = fieldRows(root).filter((r) => r.locked).map((r) => r.name).sort();
    expect(locked).toEqual(["apiVersion", "createdAt", "createdBy", "lifecycle", "pid", "updatedAt", "updatedBy"]);
  });

  it("shows TypeScript types, formatted values and the field descriptions", () => {
    const rows = fieldRows(root);
    expect(row(rows, "creationTime")).toMatchObject({ type: "Date", value: "2024-05-29 08:17:09+0000" });
    expect(row(rows, "sourceFolder")).toMatchObject({ type: "RemotePath", value: "RemotePath('/somewhere/on/remote')" });
    expect(row(rows, "accessGroups")).toMatchObject({ type: "string[]", value: "['witches']" });
    expect(row(rows, "name")).toMatchObject({ type: "string", value: "Spellpower of the Three Witches" });
    expect(row(rows, "dataQualityMetrics").type).toBe("number");
    expect(row(rows, "relationships").type).toBe("Relationship[]");
    for (const r of rows) expect(r.description).toBe(spec(r.name).description);
  });

  it("shows empty fields as a dimmed null", () => {
    const pid = row(fieldRows(root), "pid");
    expect(pid.value).toBe("null");
    expect(byClass(only(pid.element, "cean-field-value"), "cean-empty")).toHaveLength(1);
    const name = row(fieldRows(root), "name");
    expect(byClass(only(name.element, "cean-field-value"), "cean-empty")).toHaveLength(0);
  });

  it("is valid, so nothing is highlighted", () => {
    expect(dset.validationIssues()).toEqual([]);
    expect(flagged(root)).toEqual([]);
    expect(fieldRows(root).every((r) => r.title === undefined)).toBe(true);
  });

  it("lists the file with its local path, no remote and its size", () => {
    const files = only(root, "cean-dataset-files");
    expect(textOf(byTag(files, "summary")[0] as Element)).toBe("Files: 1 (10 B)");
    const rows = byClass(files, "cean-file");
    expect(rows).toHaveLength(1);
    const cells = byTag(rows[0] as Element, "td").map(textOf);
    expect(cells).toEqual(["data/witchcraft.dat", "null", "10 B"]);
    const header = byTag(files, "th").map(textOf);
    expect(header).toEqual(["Local", "Remote", "Size"]);
  });

  it("has a Scientific Metadata section", () => {
    const meta = only(root, "cean-dataset-metadata");
    expect(textOf(byTag(meta, "summary")[0] as Element)).toBe("Scientific Metadata 0 entries");
    expect(byClass(meta, "cean-metadata-entry")).toHaveLength(0);
  });

  it("has a compact text form", () => {
    const text = datasetText(dset);
    const lines = text.split("\n");
    expect(lines[0]).toBe("RawDataset");
    expect(lines).toContain("  name: Spellpower of the Three Witches");
    expect(lines).toContain("  creationTime: 2024-05-29 08:17:09+0000");
    expect(lines).toContain("  sourceFolder: RemotePath('/somewhere/on/remote')");
    expect(lines).toContain("  accessGroups: ['witches']");
    expect(lines).toContain("Files: 1 (10 B)");
    expect(lines.some((l) => /^\s+data\/witchcraft\.dat\s+null\s+10 B$/.test(l))).toBe(true);
    expect(text).not.toMatch(/proposalId|apiVersion|null, /); // unset fields are left out
    expect(text).not.toMatch(/missing|invalid/);
    expect(lines.length).toBeLessThanOrEqual(60);
  });

  it("renders the same bundle through renderDataset and mimeBundleOf", () => {
    const bundle = renderDataset(dset);
    expect(bundle).toEqual({ "text/html": datasetHtml(dset), "text/plain": datasetText(dset) });
    expect(mimeBundleOf(dset)).toEqual(bundle);
  });
});

describe("dataset types", () => {
  it("shows the derived fields of a derived dataset and hides the raw-only ones", () => {
    const dset = minimalDerived();
    const root = parse(dset);
    expect(textOf(only(root, "cean-dataset-type"))).toBe("DerivedDataset");
    const rows = fieldRows(root);
    expect(rows).toHaveLength(34);
    expect(names(rowsIn(root, "cean-main-fields"))).toEqual([
      "creationTime", "inputDatasets", "sourceFolder", "description", "name", "pid",
    ]);
    expect(row(rows, "inputDatasets")).toMatchObject({
      type: "PID[]",
      required: true,
      value: "[PID(prefix='20.500.12269', pid='72fe3ff6-105b-4c7f-b9d0-073b67c90ec3')]",
    });
    expect(row(rows, "usedSoftware")).toMatchObject({ type: "string[]", required: true });
    expect(row(rows, "jobParameters").type).toBe("Record<string, unknown>");
    const rawOnly = DATASET_FIELDS.filter((f) => f.usedBy.raw && !f.usedBy.derived).map((f) => f.name);
    expect(rawOnly.length).toBeGreaterThan(0);
    for (const name of rawOnly) expect(names(rows)).not.toContain(name);
    expect(flagged(root)).toEqual([]);
  });

  it("shows and flags a field of the other type that holds a value", () => {
    const dset = minimalRaw({ usedSoftware: ["scipp"] });
    const rows = fieldRows(parse(dset));
    const used = row(rows, "usedSoftware");
    expect(used.flagged).toBe("error");
    expect(used.value).toBe("['scipp']");
    expect(used.title).toBe(expectedTitle(dset, "usedSoftware"));
    expect(used.title).toMatch(/not a field of raw datasets/);
    // Other derived-only fields without a value stay hidden.
    expect(names(rows)).not.toContain("investigator");
    expect(rows).toHaveLength(37);
  });
});

describe("highlighting", () => {
  it("marks a missing required field with the validation message as tooltip", () => {
    const dset = minimalRaw({ owner: null });
    const rows = fieldRows(parse(dset));
    const owner = row(rows, "owner");
    expect(owner.flagged).toBe("missing");
    expect(hasClass(owner.element, "cean-missing-value")).toBe(true);
    expect(owner.value).toBe("null");
    expect(owner.title).toBe(expectedTitle(dset, "owner"));
    expect(owner.title).toMatch(/^owner: .*missing/);
    expect(flagged(parse(dset)).map((r) => r.name)).toEqual(["owner"]);
  });

  it("marks an invalid email with its message and counts it on the collapsed section", () => {
    const dset = minimalRaw({ contactEmail: "ponder-at-uu" });
    const root = parse(dset);
    const email = row(fieldRows(root), "contactEmail");
    expect(email.flagged).toBe("error");
    expect(hasClass(email.element, "cean-error")).toBe(true);
    expect(email.value).toBe("ponder-at-uu");
    expect(email.title).toBe(expectedTitle(dset, "contactEmail"));
    expect(email.title).toMatch(/not a valid email address/);
    const summary = byTag(only(root, "cean-dataset-details"), "summary")[0] as Element;
    expect(textOf(summary)).toBe("Advanced fields 1 field to fix");
  });

  it("flags invalid optional fields and main fields too", () => {
    const dset = minimalRaw({ ownerEmail: "a@b.org;nope", sourceFolder: "relative/folder" });
    const rows = flagged(parse(dset));
    expect(names(rows).sort()).toEqual(["ownerEmail", "sourceFolder"]);
    for (const r of rows) expect(r.title).toBe(expectedTitle(dset, r.name));
  });

  it("keeps hostile values in tooltips as text", () => {
    const dset = minimalRaw({ contactEmail: `"><script>alert(1)</script>` });
    const html = datasetHtml(dset);
    expect(html).not.toMatch(/<script/i);
    const email = row(fieldRows(parseHtml(html)), "contactEmail");
    expect(email.title).toBe(expectedTitle(dset, "contactEmail"));
    expect(email.title).toContain(`"><script>alert(1)</script>`);
  });

  it("names missing and invalid fields in the text form", () => {
    const dset = minimalRaw({ owner: null, ownerGroup: null, contactEmail: "ponder-at-uu" });
    const lines = datasetText(dset).split("\n");
    expect(lines).toContain("  missing required: owner, ownerGroup");
    const email = lines.find((l) => l.startsWith("  contactEmail: ponder-at-uu"));
    expect(email).toMatch(/\(invalid: .*not a valid email address/);
  });
});

describe("a downloaded dataset", () => {
  let dset: Dataset;
  let root: Element;
  beforeAll(async () => {
    dset = await setupFakeClient().getDataset(THAUM_FLUX_PID);
    root = parse(dset);
  });

  it("renders clean although its read-only fields cannot be uploaded", () => {
    // Validation does complain (the values are SciCat's), which the display must not show.
    expect(dset.validationIssues().length).toBeGreaterThan(0);
    expect(flagged(root)).toEqual([]);
    expect(byClass(root, "cean-error")).toHaveLength(0);
    expect(byClass(root, "cean-missing-value")).toHaveLength(0);
    expect(byClass(root, "cean-problems")).toHaveLength(0);
  });

  it("shows the values SciCat set, locked", () => {
    const rows = fieldRows(root);
    expect(row(rows, "pid")).toMatchObject({ value: THAUM_FLUX_PID.toString(), locked: true });
    expect(row(rows, "createdBy")).toMatchObject({ value: "Ponder Stibbons", locked: true });
    expect(row(rows, "createdAt")).toMatchObject({ value: "2022-08-17 14:20:23+0000", locked: true });
    expect(row(rows, "creationTime").value).toBe("2022-06-29 14:01:05+0000");
    expect(row(rows, "sourceFolder").value).toBe("RemotePath('/hex/ps/thaum')");
  });

  it("shows quantities of the scientific metadata as value [unit]", () => {
    const meta = only(root, "cean-dataset-metadata");
    const entries = byClass(meta, "cean-metadata-entry").map((tr) => byTag(tr, "td").map(textOf));
    expect(entries).toEqual([
      ["data_type", "histogram"],
      ["temperature", "123 [K]"],
    ]);
  });

  it("lists the remote files relative to the source folder", () => {
    const files = only(root, "cean-dataset-files");
    expect(textOf(byTag(files, "summary")[0] as Element)).toBe("Files: 2 (95 B)");
    const cells = byClass(files, "cean-file").map((tr) => byTag(tr, "td").map(textOf));
    expect(cells).toEqual([
      ["null", "RemotePath('flux.dat')", "20 B"],
      ["null", "RemotePath('logs/measurement.log')", "75 B"],
    ]);
  });

  it("has a text form with the SciCat values and the metadata", () => {
    const lines = datasetText(dset).split("\n");
    expect(lines[0]).toBe("RawDataset");
    expect(lines).toContain(`  pid: ${THAUM_FLUX_PID.toString()}`);
    expect(lines).toContain("Files: 2 (95 B)");
    expect(lines).toContain("  temperature: 123 [K]");
    expect(lines.join("\n")).not.toMatch(/invalid|missing/);
  });
});

describe("scientific metadata", () => {
  const metadataCells = (meta: Record<string, unknown>): Record<string, string> => {
    const root = parse(minimalRaw({ meta }));
    return Object.fromEntries(
      byClass(root, "cean-metadata-entry").map((tr) => byTag(tr, "td").map(textOf) as [string, string]),
    );
  };

  it("reads value/unit records as quantities and everything else compactly", () => {
    expect(
      metadataCells({
        temperature: { value: 5, unit: "C" },
        unitless: { value: 3, unit: null },
        bare: { value: 7 },
        si: { value: 1.5, unit: "mm", valueSI: 0.0015, unitSI: "m" },
        extraKey: { value: 1, unit: "m", note: "x" },
        nested: { a: { b: 1 } },
        list: [1, 2],
        text: "histogram",
        flag: true,
      }),
    ).toEqual({
      temperature: "5 [C]",
      unitless: "3",
      bare: "7",
      si: "1.5 [mm]",
      extraKey: '{"value":1,"unit":"m","note":"x"}',
      nested: '{"a":{"b":1}}',
      list: "[1, 2]",
      text: "histogram",
      flag: "true",
    });
  });

  it("does not break on values that cannot be printed", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    const cells = metadataCells({ cyclic, fine: 1 });
    expect(cells["fine"]).toBe("1");
    expect(cells["cyclic"]).toBeDefined();
    const derived = minimalDerived({ jobParameters: cyclic });
    expect(fieldRows(parse(derived)).find((r) => r.name === "jobParameters")?.value).toBe(cells["cyclic"]);
    expect(datasetText(derived)).toContain(`jobParameters: ${cells["cyclic"]}`);
  });
});

describe("escaping", () => {
  let folder: { dir: string; cleanup: () => void };
  beforeAll(() => {
    folder = tempFolder();
  });
  afterAll(() => folder.cleanup());

  it("escapes field values, metadata keys and values, and file paths", () => {
    const fileName = `<img src=x onerror="alert(1)">&'.dat`;
    writeFileSync(path.join(folder.dir, fileName), "12345");
    const dset = minimalRaw({
      name: HOSTILE,
      description: `</td></tr></table>${HOSTILE}`,
      keywords: [HOSTILE],
      meta: { [HOSTILE]: { value: HOSTILE, unit: `<b>K</b>` }, plain: HOSTILE },
    });
    dset.addLocalFiles(path.join(folder.dir, fileName), { basePath: folder.dir });
    dset.addFiles(File.fromRemote({ remotePath: `sub/${HOSTILE}`, size: 3, creationTime: "2024-05-29T08:17:09Z" }));

    const html = datasetHtml(dset);
    expect(html).not.toMatch(/<script|<img|<b>|<\/td><\/tr><\/table><script/i);
    const root = parseHtml(html); // well formed despite the closing tags in the values
    expect(byTag(root, "script")).toHaveLength(0);
    expect(byTag(root, "img")).toHaveLength(0);
    expect(byTag(root, "b")).toHaveLength(0);

    const rows = fieldRows(root);
    expect(row(rows, "name").value).toBe(HOSTILE);
    expect(row(rows, "description").value).toBe(`</td></tr></table>${HOSTILE}`);
    expect(row(rows, "keywords").value).toBe(`['${HOSTILE}']`);

    const meta = byClass(root, "cean-metadata-entry").map((tr) => byTag(tr, "td").map(textOf));
    expect(meta).toEqual([
      [HOSTILE, `${HOSTILE} [<b>K</b>]`],
      ["plain", HOSTILE],
    ]);

    const files = byClass(root, "cean-file").map((tr) => byTag(tr, "td").map(textOf));
    expect(files).toEqual([
      [path.join(folder.dir, fileName), "null", "5 B"],
      ["null", `RemotePath('sub/${HOSTILE}')`, "3 B"],
    ]);
  });

  it("keeps the text form on one line per value", () => {
    const dset = minimalRaw({ description: `line one\nline two\n${"x".repeat(500)}` });
    const line = datasetText(dset).split("\n").find((l) => l.startsWith("  description: "));
    expect(line).toMatch(/^ {2}description: line one line two x+…$/);
    expect((line ?? "").length).toBeLessThanOrEqual(120);
  });
});

describe("files", () => {
  it("does not fail when a local file has disappeared", () => {
    const folder = tempFolder();
    const file = path.join(folder.dir, "gone.dat");
    writeFileSync(file, "abc");
    const dset = minimalRaw();
    dset.addLocalFiles(file, { basePath: folder.dir });
    folder.cleanup();
    const root = parse(dset);
    const cells = byClass(root, "cean-file").map((tr) => byTag(tr, "td").map(textOf));
    expect(cells).toEqual([[file, "null", "?"]]);
    expect(datasetText(dset)).toContain("Files: 1 (0 B)");
  });

  it("says so when there are none, and lists at most ten in the text form", () => {
    const empty = parse(minimalRaw());
    expect(textOf(byTag(only(empty, "cean-dataset-files"), "summary")[0] as Element)).toBe("Files: 0 (0 B)");
    expect(byClass(empty, "cean-file")).toHaveLength(0);

    const many = minimalRaw();
    many.addFiles(
      Array.from({ length: 12 }, (_, i) =>
        File.fromRemote({ remotePath: `f${i}.dat`, size: 1024, creationTime: "2024-05-29T08:17:09Z" }),
      ),
    );
    expect(byClass(parse(many), "cean-file")).toHaveLength(12);
    const text = datasetText(many);
    expect(text).toContain("Files: 12 (12.00 kiB)");
    expect(text).toContain("  … and 2 more");
    expect(text).not.toContain("f10.dat");
  });
});

describe("style sheet", () => {
  const css = (): string => {
    const root = parse(minimalRaw());
    return byTag(root, "style")
      .map((s) => s.children.join(""))
      .join("");
  };

  it("is scoped to the display: every selector starts at .cean-repr", () => {
    const sheet = css().replace(/\/\*[\s\S]*?\*\//g, "");
    const selectors = [...sheet.matchAll(/([^{}]+)\{[^{}]*\}/g)].flatMap((m) => (m[1] ?? "").split(","));
    expect(selectors.length).toBeGreaterThan(10);
    for (const selector of selectors) expect(selector.trim()).toMatch(/^\.cean-repr(?![\w-])/);
  });

  it("takes its colours from the JupyterLab and VS Code themes", () => {
    const sheet = css();
    for (const variable of ["--jp-error-color1", "--jp-border-color2", "--jp-content-font-color3", "--jp-code-font-family"]) {
      expect(sheet).toContain(`var(${variable}`);
    }
    expect(sheet).toMatch(/var\(--vscode-[\w-]+/);
  });
});
