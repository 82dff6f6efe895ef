import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Attachment } from "../../../src/model/attachment";
import { Dataset } from "../../../src/model/dataset";
import { DATASET_FIELDS } from "../../../src/model/dataset-fields";
import { rawDataset as tutorialDataset } from "./helpers";
import { EditorState, fieldText, inputKindOf, parseFieldText } from "../../../src/widgets/scitacean/editor-state";

const rawDataset = (): Dataset => tutorialDataset({ creationTime: "2024-05-29T08:17:09Z", keywords: ["magic", "broomsticks"] });

describe("EditorState from the field table", () => {
  it("has an input for every field of a raw dataset, main fields first, with required and read-only flags", () => {
    const state = new EditorState(rawDataset()).state();
    const expected = DATASET_FIELDS.filter((f) => f.usedBy.raw && f.name !== "type").map((f) => f.name);
    expect(state.fields.map((f) => f.name).sort()).toEqual([...expected].sort());
    const firstAdvanced = state.fields.findIndex((f) => !f.main);
    expect(state.fields.slice(firstAdvanced).every((f) => !f.main)).toBe(true);
    expect(firstAdvanced).toBeGreaterThan(0);
    // Required fields are never collapsed away under "Advanced fields".
    for (const f of state.fields) if (f.required) expect(f.main).toBe(true);
    expect(state.fields.find((f) => f.name === "ownerGroup")?.main).toBe(true);
    expect(state.fields.find((f) => f.name === "comment")?.main).toBe(false);
    const byName = new Map(state.fields.map((f) => [f.name, f]));
    expect(byName.get("ownerGroup")).toMatchObject({ required: true, readOnly: false, input: "text", text: "wyrdsisters" });
    expect(byName.get("pid")).toMatchObject({ readOnly: true, text: "" });
    expect(byName.get("keywords")).toMatchObject({ input: "list", text: "magic\nbroomsticks" });
    expect(byName.get("creationTime")).toMatchObject({ input: "datetime", text: "2024-05-29T08:17:09" });
    expect(byName.get("description")?.input).toBe("multiline");
    expect(byName.get("isPublished")?.input).toBe("boolean");
    expect(byName.has("inputDatasets")).toBe(false); // a derived-only field
    expect(state.datasetType).toBe("raw");
    expect(state.problems).toEqual([]);
  });

  it("has the derived fields for a derived dataset, with their own required flags", () => {
    const state = new EditorState(new Dataset({ type: "derived" })).state();
    const byName = new Map(state.fields.map((f) => [f.name, f]));
    expect(byName.get("inputDatasets")).toMatchObject({ input: "pidList", required: true });
    expect(byName.get("usedSoftware")).toMatchObject({ input: "list", required: true });
    expect(byName.get("investigator")?.required).toBe(true);
    expect(byName.has("principalInvestigator")).toBe(false); // raw only
    expect(state.datasetType).toBe("derived");
  });

  it("maps every field type to an input kind", () => {
    for (const field of DATASET_FIELDS) expect(typeof inputKindOf(field)).toBe("string");
  });
});

describe("validation in the editor", () => {
  it("shows exactly the messages of dataset.validationIssues(), per field and in the problem list", () => {
    const dataset = rawDataset();
    const editor = new EditorState(dataset);
    editor.setField("ownerGroup", "");
    editor.setField("contactEmail", "nanny-at-lancre");
    editor.setField("sourceFolder", "relative/folder");
    const issues = dataset.validationIssues();
    expect(issues.length).toBe(3);
    const state = editor.state();
    for (const issue of issues) {
      expect(state.fields.find((f) => f.name === issue.field)?.messages).toContain(issue.message);
    }
    expect(state.problems).toEqual(issues.map((i) => `${i.field}: ${i.message}`));
    expect(() => dataset.validate()).toThrow();
    expect(editor.isValid()).toBe(false);
    const untouched = state.fields.find((f) => f.name === "owner");
    expect(untouched?.messages).toEqual([]);
  });

  it("keeps text that cannot be a value, says why, and blocks the upload until it is fixed", () => {
    const dataset = rawDataset();
    const editor = new EditorState(dataset);
    editor.setField("endTime", "next tuesday");
    let field = editor.state().fields.find((f) => f.name === "endTime");
    expect(field?.text).toBe("next tuesday");
    expect(field?.messages.length).toBe(1);
    expect(field?.messages[0]).not.toMatch(/^endTime: /);
    expect(dataset.endTime).toBeNull(); // the dataset keeps its last valid value
    expect(editor.isValid()).toBe(false);
    expect(editor.state().problems[0]).toMatch(/^endTime: /);
    editor.setField("endTime", "2024-06-01T12:00:00");
    field = editor.state().fields.find((f) => f.name === "endTime");
    expect(field?.messages).toEqual([]);
    expect(dataset.endTime?.toISOString()).toBe("2024-06-01T12:00:00.000Z");
    expect(editor.isValid()).toBe(true);
  });
});

describe("edits reach the dataset", () => {
  it("sets every kind of field from its input text", () => {
    const dataset = new Dataset({ type: "derived" });
    const editor = new EditorState(dataset);
    editor.apply({ action: "setField", name: "inputDatasets", text: "20.500.12269/abc\n\n 20.500.12269/def " });
    editor.apply({ action: "setField", name: "isPublished", text: "true" });
    editor.apply({ action: "setField", name: "keywords", text: "a\nb" });
    editor.apply({ action: "setField", name: "meta" as never, text: "x" }); // not a field: ignored
    editor.apply({ action: "setField", name: "pid", text: "20.500.12269/x" }); // read-only: ignored
    editor.apply({ action: "setField", name: "jobParameters", text: '{"iterations": 3}' });
    expect(dataset.inputDatasets?.map(String)).toEqual(["20.500.12269/abc", "20.500.12269/def"]);
    expect(dataset.isPublished).toBe(true);
    expect(dataset.keywords).toEqual(["a", "b"]);
    expect(dataset.pid).toBeNull();
    expect(dataset.jobParameters).toEqual({ iterations: 3 });
    editor.apply({ action: "setField", name: "keywords", text: "  " });
    expect(dataset.keywords).toBeNull();
  });

  it("shows kernel-side changes of the dataset in the next state", () => {
    const dataset = rawDataset();
    const editor = new EditorState(dataset);
    dataset.ownerGroup = "new-group";
    expect(editor.state().fields.find((f) => f.name === "ownerGroup")?.text).toBe("new-group");
  });

  it("round-trips values through their text", () => {
    const dataset = rawDataset();
    for (const field of DATASET_FIELDS.filter((f) => !f.readOnly && f.name !== "type")) {
      const kind = inputKindOf(field);
      const before = dataset.get(field.name as never) as unknown;
      const text = fieldText(kind, before);
      const editor = new EditorState(dataset);
      editor.setField(field.name, text);
      expect(fieldText(kind, dataset.get(field.name as never))).toBe(text);
    }
    expect(parseFieldText("number", " 12 ")).toBe(12);
    expect(() => parseFieldText("number", "twelve")).toThrow("must be a number");
  });

  it("adds local files with a basePath and lists sizes and the total", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "editor-"));
    writeFileSync(path.join(dir, "a.dat"), "x".repeat(2048));
    writeFileSync(path.join(dir, "b.dat"), "yy");
    const dataset = rawDataset();
    const editor = new EditorState(dataset);
    editor.apply({ action: "addFiles", paths: [path.join(dir, "a.dat"), ` ${path.join(dir, "b.dat")} `, ""], basePath: dir });
    const state = editor.state();
    expect(state.filesError).toBe("");
    expect(state.files).toEqual([
      { remotePath: "a.dat", localPath: path.join(dir, "a.dat"), size: 2048, sizeText: "2.00 kiB" },
      { remotePath: "b.dat", localPath: path.join(dir, "b.dat"), size: 2, sizeText: "2 B" },
    ]);
    expect(state.totalSizeText).toBe("2.00 kiB");
    expect(dataset.files.length).toBe(2);
    editor.apply({ action: "addFiles", paths: [path.join(dir, "a.dat")], basePath: dir });
    expect(editor.state().filesError).toMatch(/Two files would have the remote path 'a.dat'/);
    expect(dataset.files.length).toBe(2);
  });

  it("edits attachment captions and shows thumbnails as data URLs", () => {
    const dataset = rawDataset();
    const png = "data:image/png;base64,iVBORw0KGgo=";
    dataset.attachments = [new Attachment({ caption: "old", ownerGroup: "wyrdsisters", thumbnail: png })];
    const editor = new EditorState(dataset);
    expect(editor.state().attachments).toEqual([{ caption: "old", thumbnail: png }]);
    editor.apply({ action: "setCaption", index: 0, caption: "new" });
    expect(dataset.attachments?.[0]?.caption).toBe("new");
  });

  it("edits scientific metadata as key, value and unit, keeping unchanged entries exactly", () => {
    const dataset = rawDataset();
    dataset.meta = { temperature: { value: 123, unit: "K", valueSI: 123, unitSI: "K" }, sample: "tea" };
    const editor = new EditorState(dataset);
    expect(editor.state().metadata).toEqual([
      { key: "temperature", value: "123", unit: "K" },
      { key: "sample", value: "tea", unit: "" },
    ]);
    editor.apply({
      action: "setMetadata",
      entries: [
        { key: "temperature", value: "123", unit: "K" },
        { key: "pressure", value: "1.5", unit: "bar" },
        { key: "flags", value: "[1, 2]", unit: "" },
      ],
    });
    expect(dataset.meta).toEqual({
      temperature: { value: 123, unit: "K", valueSI: 123, unitSI: "K" },
      pressure: { value: 1.5, unit: "bar" },
      flags: [1, 2],
    });
    editor.apply({ action: "setMetadata", entries: [{ key: "a", value: "1", unit: "" }, { key: "a", value: "2", unit: "" }] });
    expect(editor.state().metadataError).toMatch(/'a' appears twice/);
    expect(Object.keys(dataset.meta)).toEqual(["temperature", "pressure", "flags"]);
  });
});
