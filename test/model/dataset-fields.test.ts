/**
 * Dataset fields: construction, read-only fields, setting every writable
 * field, field tables, dict-like access, upload models and validation
 * (the intent of Scitacean's dataset_fields_test.py, for 24.05's rules).
 */
import * as path from "node:path";
import { ValidationError } from "../../src/errors";
import { Dataset } from "../../src/model/dataset";
import { DATASET_FIELDS } from "../../src/model/dataset-fields";
import type { FieldSpec, FieldTypeName } from "../../src/model/field-spec";
import { Relationship, Technique } from "../../src/model/user-models";
import { PID } from "../../src/values/pid";
import { RemotePath } from "../../src/values/remote-path";
import { useTempDir } from "./helpers";
import { guideDatasetInit } from "../fixtures/guide";

const tmp = useTempDir("fields");

type AnyRecord = Record<string, unknown>;
const asRecord = (d: Dataset): AnyRecord => d as unknown as AnyRecord;

const READ_ONLY = ["apiVersion", "createdAt", "createdBy", "lifecycle", "pid", "updatedAt", "updatedBy"];
const RAW_ONLY = ["creationLocation", "dataFormat", "endTime", "instrumentId", "principalInvestigator", "proposalId", "sampleId"];
const DERIVED_ONLY = ["inputDatasets", "investigator", "jobLogData", "jobParameters", "usedSoftware"];

/** The 24.05 field table, written out independently of src: [name, SciCat name, required, read-only, raw, derived]. */
const SPEC_24_05: Array<[string, string, boolean, boolean, boolean, boolean]> = [
  ["type", "type", true, false, true, true],
  ["accessGroups", "accessGroups", false, false, true, true],
  ["apiVersion", "version", false, true, true, true],
  ["classification", "classification", false, false, true, true],
  ["comment", "comment", false, false, true, true],
  ["contactEmail", "contactEmail", true, false, true, true],
  ["createdAt", "createdAt", false, true, true, true],
  ["createdBy", "createdBy", false, true, true, true],
  ["creationLocation", "creationLocation", true, false, true, false],
  ["creationTime", "creationTime", true, false, true, true],
  ["dataFormat", "dataFormat", false, false, true, false],
  ["dataQualityMetrics", "dataQualityMetrics", false, false, true, true],
  ["description", "description", false, false, true, true],
  ["endTime", "endTime", false, false, true, false],
  ["inputDatasets", "inputDatasets", true, false, false, true],
  ["instrumentGroup", "instrumentGroup", false, false, true, true],
  ["instrumentId", "instrumentId", false, false, true, false],
  ["investigator", "investigator", true, false, false, true],
  ["isPublished", "isPublished", false, false, true, true],
  ["jobLogData", "jobLogData", false, false, false, true],
  ["jobParameters", "jobParameters", false, false, false, true],
  ["keywords", "keywords", false, false, true, true],
  ["license", "license", false, false, true, true],
  ["lifecycle", "datasetlifecycle", false, true, true, true],
  ["name", "datasetName", false, false, true, true],
  ["orcidOfOwner", "orcidOfOwner", false, false, true, true],
  ["owner", "owner", true, false, true, true],
  ["ownerEmail", "ownerEmail", false, false, true, true],
  ["ownerGroup", "ownerGroup", true, false, true, true],
  ["pid", "pid", false, true, true, true],
  ["principalInvestigator", "principalInvestigator", true, false, true, false],
  ["proposalId", "proposalId", false, false, true, false],
  ["relationships", "relationships", false, false, true, true],
  ["sampleId", "sampleId", false, false, true, false],
  ["sharedWith", "sharedWith", false, false, true, true],
  ["sourceFolder", "sourceFolder", true, false, true, true],
  ["sourceFolderHost", "sourceFolderHost", false, false, true, true],
  ["techniques", "techniques", false, false, true, true],
  ["updatedAt", "updatedAt", false, true, true, true],
  ["updatedBy", "updatedBy", false, true, true, true],
  ["usedSoftware", "usedSoftware", true, false, false, true],
  ["validationStatus", "validationStatus", false, false, true, true],
];

/** An input for a field of each type, and the value that must be stored for it. */
function sampleValue(field: FieldSpec): Array<{ input: unknown; stored: unknown }> {
  const type: FieldTypeName = field.type;
  switch (type) {
    case "string":
      return [{ input: `${field.name} value ö`, stored: `${field.name} value ö` }];
    case "number":
      return [
        { input: 42, stored: 42 },
        { input: 0, stored: 0 },
      ];
    case "boolean":
      return [
        { input: true, stored: true },
        { input: false, stored: false },
      ];
    case "Date":
      return [
        { input: "2024-05-29T10:00:00+02:00", stored: new Date(Date.UTC(2024, 4, 29, 8, 0, 0)) },
        { input: new Date(Date.UTC(2021, 0, 2, 3, 4, 5)), stored: new Date(Date.UTC(2021, 0, 2, 3, 4, 5)) },
      ];
    case "string[]":
      return [
        { input: ["a", "b c"], stored: ["a", "b c"] },
        { input: [], stored: [] },
      ];
    case "PID":
      return [{ input: "20.500.12269/abc", stored: new PID({ prefix: "20.500.12269", pid: "abc" }) }];
    case "PID[]":
      return [
        {
          input: ["pre/one", new PID({ pid: "two" })],
          stored: [new PID({ prefix: "pre", pid: "one" }), new PID({ pid: "two" })],
        },
        { input: [], stored: [] },
      ];
    case "RemotePath":
      return [
        { input: "/data/folder", stored: new RemotePath("/data/folder") },
        { input: new RemotePath("/x/y"), stored: new RemotePath("/x/y") },
      ];
    case "Relationship[]":
      return [
        {
          input: [{ pid: "p/x", relationship: "is derived from" }],
          stored: [new Relationship({ pid: new PID({ prefix: "p", pid: "x" }), relationship: "is derived from" })],
        },
      ];
    case "Technique[]":
      return [
        {
          input: [new Technique({ name: "SANS", pid: "t1" }), { name: "diffraction", pid: "t2" }],
          stored: [new Technique({ name: "SANS", pid: "t1" }), new Technique({ name: "diffraction", pid: "t2" })],
        },
      ];
    case "Record<string, unknown>":
      return [{ input: { a: 1, nested: { b: [1, 2] } }, stored: { a: 1, nested: { b: [1, 2] } } }];
    case "Lifecycle":
    case "DatasetType":
      throw new Error(`no sample value for ${type}`);
  }
}

/** An input of the wrong type for each field type. */
function wrongValue(type: FieldTypeName): unknown {
  return type === "string" || type === "PID" || type === "RemotePath" || type === "Date" ? 12345 : "a string";
}

const WRITABLE = Dataset.fields({ readOnly: false }).filter((f) => f.name !== "type");
const typeFor = (f: FieldSpec): "raw" | "derived" => (f.usedBy.raw ? "raw" : "derived");

describe("field table", () => {
  it("matches the 24.05 field spec row by row", () => {
    const actual = DATASET_FIELDS.map((f) => [f.name, f.scicatName, f.required, f.readOnly, f.usedBy.raw, f.usedBy.derived]);
    expect(actual).toEqual(SPEC_24_05);
  });

  it("fields() lists all 42 fields", () => {
    expect(Dataset.fields()).toHaveLength(42);
  });

  it("filters by dataset type: raw → 37, derived → 35", () => {
    const raw = Dataset.fields({ datasetType: "raw" }).map((f) => f.name);
    const derived = Dataset.fields({ datasetType: "derived" }).map((f) => f.name);
    expect(raw).toHaveLength(37);
    expect(derived).toHaveLength(35);
    for (const name of RAW_ONLY) {
      expect(raw).toContain(name);
      expect(derived).not.toContain(name);
    }
    for (const name of DERIVED_ONLY) {
      expect(derived).toContain(name);
      expect(raw).not.toContain(name);
    }
  });

  it("filters by read-only", () => {
    expect(Dataset.fields({ readOnly: true }).map((f) => f.name).sort()).toEqual([...READ_ONLY].sort());
    expect(Dataset.fields({ readOnly: false })).toHaveLength(35);
    expect(Dataset.fields({ readOnly: false }).some((f) => READ_ONLY.includes(f.name))).toBe(false);
  });

  it("combines filters", () => {
    expect(Dataset.fields({ datasetType: "raw", readOnly: false })).toHaveLength(30);
    expect(Dataset.fields({ datasetType: "derived", readOnly: true })).toHaveLength(7);
  });
});

describe("construction", () => {
  it("needs only the type", () => {
    const raw = new Dataset({ type: "raw" });
    expect(raw.type).toBe("raw");
    const derived = new Dataset({ type: "derived" });
    expect(derived.type).toBe("derived");
    for (const field of WRITABLE) {
      if (field.name === "creationTime") continue;
      expect(asRecord(raw)[field.name]).toBeNull();
    }
    for (const name of READ_ONLY) expect(asRecord(raw)[name]).toBeNull();
    expect(raw.meta).toEqual({});
    expect(raw.checksumAlgorithm).toBe("blake2b");
  });

  it("rejects a missing or unknown type", () => {
    expect(() => new Dataset({} as never)).toThrow(TypeError);
    expect(() => new Dataset({ type: "processed" } as never)).toThrow(/raw.*derived/);
    expect(() => new Dataset(undefined as never)).toThrow(TypeError);
  });

  it("creationTime defaults to now", () => {
    const before = Date.now();
    const dset = new Dataset({ type: "raw" });
    const after = Date.now();
    expect(dset.creationTime).toBeInstanceOf(Date);
    expect((dset.creationTime as Date).getTime()).toBeGreaterThanOrEqual(before);
    expect((dset.creationTime as Date).getTime()).toBeLessThanOrEqual(after);
  });

  it("creationTime undefined also means now", () => {
    const dset = new Dataset({ type: "raw", creationTime: undefined });
    expect(dset.creationTime).toBeInstanceOf(Date);
    expect(Math.abs((dset.creationTime as Date).getTime() - Date.now())).toBeLessThan(5000);
  });

  it("creationTime can be null explicitly", () => {
    expect(new Dataset({ type: "raw", creationTime: null }).creationTime).toBeNull();
  });

  it("creationTime takes a Date", () => {
    const date = new Date("2022-06-29T14:01:05Z");
    const dset = new Dataset({ type: "raw", creationTime: date });
    expect(dset.creationTime?.getTime()).toBe(date.getTime());
  });

  it.each([
    ["2022-06-29T14:01:05Z", "2022-06-29T14:01:05.000Z"],
    ["2022-06-29T16:01:05+02:00", "2022-06-29T14:01:05.000Z"],
    ["2022-06-29T14:01:05", "2022-06-29T14:01:05.000Z"],
  ])("creationTime takes a string %s", (text, iso) => {
    expect(new Dataset({ type: "raw", creationTime: text }).creationTime?.toISOString()).toBe(iso);
  });

  it("creationTime takes 'now'", () => {
    const dset = new Dataset({ type: "derived", creationTime: "now" });
    expect(Math.abs((dset.creationTime as Date).getTime() - Date.now())).toBeLessThan(5000);
  });

  it("rejects an unreadable creationTime naming the field", () => {
    expect(() => new Dataset({ type: "raw", creationTime: "yesterday-ish" })).toThrow(/creationTime/);
  });

  it("ignores read-only fields given as undefined (e.g. from spread options)", () => {
    const dset = new Dataset({ type: "raw", pid: undefined } as never);
    expect(dset.pid).toBeNull();
  });

  it("takes techniques as plain objects", () => {
    const dset = new Dataset({ type: "raw", techniques: [{ name: "SANS", pid: "tech/1" }] });
    expect(dset.techniques?.[0]?.name).toBe("SANS");
  });

  it("rejects read-only fields", () => {
    expect(() => new Dataset({ type: "raw", pid: "a/b" } as never)).toThrow(/pid.*read-only/);
  });

  it("rejects unknown fields, suggesting the camelCase name", () => {
    expect(() => new Dataset({ type: "raw", owner_group: "x" } as never)).toThrow(/ownerGroup/);
    expect(() => new Dataset({ type: "raw", flavour: "x" } as never)).toThrow(/flavour/);
  });

  it("rejects an unknown checksum algorithm", () => {
    expect(() => new Dataset({ type: "raw", checksumAlgorithm: "nope" })).toThrow(/nope/);
    expect(new Dataset({ type: "raw", checksumAlgorithm: "md5" }).checksumAlgorithm).toBe("md5");
    expect(new Dataset({ type: "raw", checksumAlgorithm: null }).checksumAlgorithm).toBeNull();
  });

  it("takes meta", () => {
    const meta = { temperature: { value: 123, unit: "K" } };
    expect(new Dataset({ type: "raw", meta }).meta).toEqual(meta);
    expect(new Dataset({ type: "raw", meta: null }).meta).toEqual({});
  });
});

describe("read-only fields", () => {
  it.each(READ_ONLY)("%s cannot be assigned (error names the field)", (name) => {
    const dset = new Dataset({ type: "raw" });
    expect(() => {
      asRecord(dset)[name] = null;
    }).toThrow(TypeError);
    expect(() => {
      asRecord(dset)[name] = null;
    }).toThrow(new RegExp(`${name}.*read-only`));
    expect(asRecord(dset)[name]).toBeNull();
  });

  it.each(READ_ONLY)("%s cannot be set with set()", (name) => {
    const dset = new Dataset({ type: "raw" });
    expect(() => dset.set(name as never, null as never)).toThrow(new RegExp(name));
  });

  it("type cannot be assigned or set", () => {
    const dset = new Dataset({ type: "raw" });
    expect(() => {
      asRecord(dset)["type"] = "derived";
    }).toThrow(/type cannot be changed/);
    expect(() => dset.set("type" as never, "derived" as never)).toThrow(TypeError);
    expect(dset.type).toBe("raw");
  });

  it("read-only values can be read through get()", () => {
    const dset = new Dataset({ type: "raw" }).replace({}, { readOnly: { pid: "a/b", createdBy: "someone" } });
    expect(dset.get("pid")).toStrictEqual(new PID({ prefix: "a", pid: "b" }));
    expect(dset.get("createdBy")).toBe("someone");
  });
});

describe("writable fields", () => {
  it("cover 34 fields besides type", () => {
    expect(WRITABLE).toHaveLength(34);
  });

  describe.each(WRITABLE.map((f) => [f.name, f] as const))("%s", (_, field) => {
    const samples = sampleValue(field);

    it("can be given to the constructor", () => {
      for (const { input, stored } of samples) {
        const dset = new Dataset({ type: typeFor(field), [field.name]: input } as never);
        expect(asRecord(dset)[field.name]).toStrictEqual(stored);
        expect(dset.get(field.name as never)).toStrictEqual(stored);
      }
    });

    it("can be assigned as a property", () => {
      for (const { input, stored } of samples) {
        const dset = new Dataset({ type: typeFor(field) });
        asRecord(dset)[field.name] = input;
        expect(asRecord(dset)[field.name]).toStrictEqual(stored);
      }
    });

    it("can be set with set()", () => {
      for (const { input, stored } of samples) {
        const dset = new Dataset({ type: typeFor(field) });
        dset.set(field.name as never, input as never);
        expect(dset.get(field.name as never)).toStrictEqual(stored);
      }
    });

    it("can be set to null", () => {
      const first = samples[0] as { input: unknown };
      const dset = new Dataset({ type: typeFor(field), [field.name]: first.input } as never);
      expect(asRecord(dset)[field.name]).not.toBeNull();
      asRecord(dset)[field.name] = null;
      expect(asRecord(dset)[field.name]).toBeNull();
      dset.set(field.name as never, first.input as never);
      dset.set(field.name as never, null);
      expect(dset.get(field.name as never)).toBeNull();
    });

    it("can be set on a dataset of the other type (validation rejects it later)", () => {
      const other = typeFor(field) === "raw" ? "derived" : "raw";
      const first = samples[0] as { input: unknown; stored: unknown };
      const dset = new Dataset({ type: other });
      dset.set(field.name as never, first.input as never);
      expect(dset.get(field.name as never)).toStrictEqual(first.stored);
    });

    it("rejects a value of the wrong type, naming the field", () => {
      const dset = new Dataset({ type: typeFor(field) });
      expect(() => {
        asRecord(dset)[field.name] = wrongValue(field.type);
      }).toThrow(TypeError);
      expect(() => dset.set(field.name as never, wrongValue(field.type) as never)).toThrow(new RegExp(field.name));
      expect(asRecord(dset)[field.name]).toBe(field.name === "creationTime" ? dset.creationTime : null);
    });
  });
});

describe("dict-like access", () => {
  it("a raw dataset has the 37 raw keys, including type and read-only fields", () => {
    const dset = new Dataset({ type: "raw" });
    const keys = dset.keys();
    expect(keys).toHaveLength(37);
    expect(keys).toContain("type");
    expect(keys).toContain("pid");
    expect(new Set(keys)).toEqual(new Set(SPEC_24_05.filter((row) => row[4]).map((row) => row[0])));
  });

  it("a derived dataset has the 35 derived keys", () => {
    const keys = new Dataset({ type: "derived" }).keys();
    expect(new Set(keys)).toEqual(new Set(SPEC_24_05.filter((row) => row[5]).map((row) => row[0])));
  });

  it("keys include fields of the other type that hold a value", () => {
    const dset = new Dataset({ type: "raw", usedSoftware: ["scipp"], investigator: "Ridcully" });
    const keys = dset.keys();
    expect(keys).toHaveLength(39);
    expect(keys).toContain("usedSoftware");
    expect(keys).toContain("investigator");
    expect(keys).not.toContain("jobLogData");
  });

  it("values and items follow the keys", () => {
    const dset = new Dataset({ type: "raw", owner: "Ponder", ownerGroup: "uu" });
    const keys = dset.keys();
    const values = dset.values();
    const items = dset.items();
    expect(values).toHaveLength(keys.length);
    expect(items.map(([k]) => k)).toEqual(keys);
    expect(items.map(([, v]) => v)).toEqual(values);
    expect(values[keys.indexOf("owner")]).toBe("Ponder");
    expect(values[keys.indexOf("ownerGroup")]).toBe("uu");
    expect(values[keys.indexOf("pid")]).toBeNull();
  });

  it("get and set work by name", () => {
    const dset = new Dataset({ type: "raw" });
    dset.set("ownerGroup", "wyrdsisters");
    expect(dset.get("ownerGroup")).toBe("wyrdsisters");
    expect(dset.ownerGroup).toBe("wyrdsisters");
    expect(dset.get("type")).toBe("raw");
  });

  it("get and set reject unknown names", () => {
    const dset = new Dataset({ type: "raw" });
    expect(() => dset.get("nonsense" as never)).toThrow(/'nonsense' is not a valid field name/);
    expect(() => dset.set("nonsense" as never, "x" as never)).toThrow(/'nonsense' is not a valid field name/);
  });

  it("a snake_case name suggests the camelCase one", () => {
    const dset = new Dataset({ type: "raw" });
    expect(() => dset.get("owner_group" as never)).toThrow(/Did you mean 'ownerGroup'/);
    expect(() => dset.set("principal_investigator" as never, "x" as never)).toThrow(/Did you mean 'principalInvestigator'/);
  });

  it("a SciCat name suggests the field name", () => {
    expect(() => new Dataset({ type: "raw" }).get("datasetName" as never)).toThrow(/Did you mean 'name'/);
  });
});

/** The dataset of the uploading guide, with its file in a temporary `data` folder. */
function guideDataset(): Dataset {
  const file = tmp.write("data/witchcraft.dat", "7.9 13 666");
  const dset = new Dataset({ ...guideDatasetInit(), creationTime: "2024-05-29T08:17:09Z" });
  dset.addLocalFiles(file, { basePath: path.dirname(file) });
  return dset;
}

describe("upload model", () => {
  it("is exactly the JSON of the uploading guide", () => {
    const model = guideDataset().makeUploadModel();
    expect(JSON.parse(JSON.stringify(model))).toStrictEqual({
      contactEmail: "nogg@wyrd.lancre",
      creationLocation: "lancre/whichhut",
      creationTime: "2024-05-29T08:17:09.000Z",
      numberOfFilesArchived: 0,
      owner: "Nanny Ogg",
      ownerGroup: "wyrdsisters",
      principalInvestigator: "Esme Weatherwax",
      sourceFolder: "/somewhere/on/remote",
      type: "raw",
      accessGroups: ["witches"],
      dataFormat: "space-separated",
      description: "The spellpower of the maiden, mother, and crone.",
      datasetName: "Spellpower of the Three Witches",
      numberOfFiles: 1,
      packedSize: 0,
      size: 10,
    });
  });

  it("is exactly the expected JSON for a derived dataset", () => {
    const dset = new Dataset({
      type: "derived",
      name: "Reduced thaum flux",
      contactEmail: "p.stibbons@uu.am;ridcully@uu.am",
      owner: "Ponder Stibbons",
      ownerGroup: "uu",
      investigator: "Ponder Stibbons",
      inputDatasets: ["20.500.12269/72fe3ff6", new PID({ pid: "local-id" })],
      usedSoftware: ["https://github.com/scipp/scipp@v24.05"],
      sourceFolder: "/hex/ps/reduced",
      creationTime: new Date("2024-06-01T12:00:00+02:00"),
      jobParameters: { bins: 100, mode: "tof" },
      keywords: ["thaum", "flux"],
      orcidOfOwner: "https://orcid.org/0000-0002-1825-0097",
      dataQualityMetrics: 3,
      isPublished: false,
      techniques: [new Technique({ name: "small-angle neutron scattering", pid: "PaNET01189" })],
      relationships: [{ pid: "20.500.12269/72fe3ff6", relationship: "is derived from" }],
      meta: { temperature: { value: 123, unit: "K" } },
    });
    expect(JSON.parse(JSON.stringify(dset.makeUploadModel()))).toStrictEqual({
      type: "derived",
      datasetName: "Reduced thaum flux",
      contactEmail: "p.stibbons@uu.am;ridcully@uu.am",
      owner: "Ponder Stibbons",
      ownerGroup: "uu",
      investigator: "Ponder Stibbons",
      inputDatasets: ["20.500.12269/72fe3ff6", "local-id"],
      usedSoftware: ["https://github.com/scipp/scipp@v24.05"],
      sourceFolder: "/hex/ps/reduced",
      creationTime: "2024-06-01T10:00:00.000Z",
      jobParameters: { bins: 100, mode: "tof" },
      keywords: ["thaum", "flux"],
      orcidOfOwner: "https://orcid.org/0000-0002-1825-0097",
      dataQualityMetrics: 3,
      isPublished: false,
      techniques: [{ name: "small-angle neutron scattering", pid: "PaNET01189" }],
      relationships: [{ pid: "20.500.12269/72fe3ff6", relationship: "is derived from" }],
      scientificMetadata: { temperature: { value: 123, unit: "K" } },
      numberOfFiles: 0,
      numberOfFilesArchived: 0,
      size: 0,
      packedSize: 0,
    });
  });

  it("empty lists are sent, null values are not", () => {
    const dset = new Dataset({
      type: "derived",
      contactEmail: "a@b.org",
      owner: "o",
      ownerGroup: "g",
      investigator: "i",
      inputDatasets: [],
      usedSoftware: [],
      sourceFolder: "/s",
      comment: null,
    });
    const model = dset.makeUploadModel();
    expect(model["inputDatasets"]).toEqual([]);
    expect(model["usedSoftware"]).toEqual([]);
    expect("comment" in model).toBe(false);
    expect("scientificMetadata" in model).toBe(false);
    expect("pid" in model).toBe(false);
  });

  it("is a copy: changing it leaves the dataset alone", () => {
    const dset = new Dataset({ ...minimalRaw(), accessGroups: ["a"], meta: { k: { v: 1 } } });
    const model = dset.makeUploadModel();
    (model["accessGroups"] as string[]).push("b");
    (model.scientificMetadata as { k: { v: number } }).k.v = 2;
    expect(dset.accessGroups).toEqual(["a"]);
    expect(dset.meta).toEqual({ k: { v: 1 } });
  });

  it("validates first", () => {
    expect(() => new Dataset({ type: "raw" }).makeUploadModel()).toThrow(ValidationError);
  });
});

function minimalRaw(): ConstructorParameters<typeof Dataset>[0] {
  return {
    type: "raw",
    contactEmail: "nogg@wyrd.lancre",
    creationLocation: "lancre/whichhut",
    owner: "Nanny Ogg",
    ownerGroup: "wyrdsisters",
    principalInvestigator: "Esme Weatherwax",
    sourceFolder: "/somewhere/on/remote",
  };
}

function minimalDerived(): ConstructorParameters<typeof Dataset>[0] {
  return {
    type: "derived",
    contactEmail: "p.stibbons@uu.am",
    owner: "Ponder Stibbons",
    ownerGroup: "uu",
    investigator: "Ponder Stibbons",
    inputDatasets: ["20.500.12269/72fe"],
    usedSoftware: ["scitacean"],
    sourceFolder: "/hex/ps/reduced",
  };
}

const issueFields = (dset: Dataset): string[] => dset.validationIssues().map((i) => i.field).sort();

describe("validation", () => {
  it("minimal raw and derived datasets are valid", () => {
    expect(new Dataset(minimalRaw()).validationIssues()).toEqual([]);
    expect(new Dataset(minimalDerived()).validationIssues()).toEqual([]);
    expect(() => new Dataset(minimalRaw()).validate()).not.toThrow();
  });

  it("a dataset with only a type misses every required field of its type", () => {
    expect(issueFields(new Dataset({ type: "raw" }))).toEqual(
      ["contactEmail", "creationLocation", "owner", "ownerGroup", "principalInvestigator", "sourceFolder"].sort(),
    );
    expect(issueFields(new Dataset({ type: "derived" }))).toEqual(
      ["contactEmail", "inputDatasets", "investigator", "owner", "ownerGroup", "sourceFolder", "usedSoftware"].sort(),
    );
  });

  it("raw needs creationLocation and principalInvestigator", () => {
    const dset = new Dataset({ ...minimalRaw(), creationLocation: null, principalInvestigator: null });
    expect(issueFields(dset)).toEqual(["creationLocation", "principalInvestigator"]);
    for (const issue of dset.validationIssues()) expect(issue.message).toMatch(/required for raw datasets/);
  });

  it("derived needs inputDatasets, investigator and usedSoftware", () => {
    const dset = new Dataset({ ...minimalDerived(), inputDatasets: null, investigator: null, usedSoftware: null });
    expect(issueFields(dset)).toEqual(["inputDatasets", "investigator", "usedSoftware"]);
  });

  it("empty lists are valid for derived datasets", () => {
    expect(new Dataset({ ...minimalDerived(), inputDatasets: [], usedSoftware: [] }).validationIssues()).toEqual([]);
  });

  it("creationTime is required", () => {
    expect(issueFields(new Dataset({ ...minimalRaw(), creationTime: null }))).toEqual(["creationTime"]);
  });

  it("name is optional", () => {
    expect(new Dataset({ ...minimalRaw(), name: null }).validationIssues()).toEqual([]);
  });

  it("rejects fields of the other type", () => {
    const raw = new Dataset({ ...minimalRaw(), usedSoftware: ["scipp"], jobLogData: "log" });
    expect(issueFields(raw)).toEqual(["jobLogData", "usedSoftware"]);
    expect(raw.validationIssues()[0]?.message).toMatch(/not a field of raw datasets/);
    const derived = new Dataset({ ...minimalDerived(), creationLocation: "lancre", proposalId: "p1" });
    expect(issueFields(derived)).toEqual(["creationLocation", "proposalId"]);
  });

  it("rejects read-only fields with values", () => {
    const dset = new Dataset(minimalRaw()).replace({}, { readOnly: { pid: "a/b", createdBy: "me", apiVersion: "3" } });
    expect(issueFields(dset)).toEqual(["apiVersion", "createdBy", "pid"]);
    expect(dset.validationIssues()[0]?.message).toMatch(/asNew/);
    expect(dset.asNew().validationIssues()).toEqual([]);
  });

  it("accepts valid email addresses, also as ';'-separated lists", () => {
    for (const email of ["nogg@wyrd.lancre", "a.b+c@sub.example.org", "A@b.com;c@d.org", "x@y.eu; z@w.io"]) {
      expect(new Dataset({ ...minimalRaw(), contactEmail: email, ownerEmail: email }).validationIssues()).toEqual([]);
    }
  });

  it.each(["jörg@bücher.de", "ålesund@fjord.no", "用户@例子.广告", "иван@пример.рф", "josé.garcía@universidad.es", "राम@उदाहरण.भारत"])(
    "accepts the internationalised email address %s (as email-validator)",
    (email) => {
      expect(new Dataset({ ...minimalRaw(), contactEmail: email, ownerEmail: email }).validationIssues()).toEqual([]);
    },
  );

  it.each(["jörg@bücher", "jörg@-bücher.de", "jörg@bücher-.de", "jö rg@bücher.de", "jörg@bücher..de", ".jörg@bücher.de", "jörg@bücher.9"])(
    "rejects the bad internationalised email address %s",
    (email) => {
      const issues = new Dataset({ ...minimalRaw(), contactEmail: email }).validationIssues();
      expect(issues).toEqual([{ field: "contactEmail", message: expect.stringContaining(`'${email}'`) }]);
    },
  );

  it.each([
    ["contactEmail", "not-an-email", /not-an-email.*@-sign/],
    ["contactEmail", "two@at@signs.org", /two@at@signs.org/],
    ["ownerEmail", "good@mail.org;bad.address", /bad\.address/],
    ["ownerEmail", "user@nodot", /user@nodot/],
    ["contactEmail", "a@b.org;", /empty entry/],
  ])("rejects the bad email in %s = %j, naming it", (field, value, message) => {
    const dset = new Dataset({ ...minimalRaw(), [field]: value });
    const issues = dset.validationIssues();
    expect(issues).toHaveLength(1);
    expect(issues[0]?.field).toBe(field);
    expect(issues[0]?.message).toMatch(message);
  });

  it("names each bad email of a list", () => {
    const issues = new Dataset({ ...minimalRaw(), contactEmail: "bad1;ok@x.org;bad2" }).validationIssues();
    expect(issues.map((i) => i.field)).toEqual(["contactEmail", "contactEmail"]);
    expect(issues[0]?.message).toMatch(/bad1/);
    expect(issues[1]?.message).toMatch(/bad2/);
  });

  it.each([
    "https://orcid.org/0000-0002-1825-0097",
    "https://orcid.org/0000-0001-5109-3700",
    "https://orcid.org/0000-0002-1694-233X",
  ])("accepts the valid ORCID %s", (orcid) => {
    expect(new Dataset({ ...minimalRaw(), orcidOfOwner: orcid }).validationIssues()).toEqual([]);
  });

  it.each([
    ["https://orcid.org/0000-0002-1825-0098", /check digit/],
    ["https://orcid.org/0000-0002-1694-2339", /check digit/],
    ["0000-0002-1825-0097", /https:\/\/orcid.org/],
    ["http://orcid.org/0000-0002-1825-0097", /not a valid ORCID/],
    ["https://orcid.org/0000-0002-1825", /not a valid ORCID/],
  ])("rejects the ORCID %s", (orcid, message) => {
    const issues = new Dataset({ ...minimalRaw(), orcidOfOwner: orcid }).validationIssues();
    expect(issues).toHaveLength(1);
    expect(issues[0]?.field).toBe("orcidOfOwner");
    expect(issues[0]?.message).toMatch(message);
  });

  it("rejects a relative sourceFolder (later fix)", () => {
    const issues = new Dataset({ ...minimalRaw(), sourceFolder: "relative/folder" }).validationIssues();
    expect(issues).toEqual([{ field: "sourceFolder", message: expect.stringMatching(/absolute.*relative\/folder/) }]);
  });

  it.each(["/data/../etc", "/data/x/..", "/data/./x", "/.", "/data/x/./"])(
    "rejects a sourceFolder with '.' or '..' segments: %s",
    (folder) => {
      const issues = new Dataset({ ...minimalRaw(), sourceFolder: folder }).validationIssues();
      expect(issues).toEqual([{ field: "sourceFolder", message: expect.stringContaining(`'${folder}'`) }]);
      expect(issues[0]?.message).toMatch(/'\.' or '\.\.' segments/);
      expect(() => new Dataset({ ...minimalRaw(), sourceFolder: folder }).validate()).toThrow(
        /sourceFolder: must not contain '\.' or '\.\.' segments/,
      );
    },
  );

  it("accepts a sourceFolder with dots inside names", () => {
    for (const folder of ["/data/v1.2/x", "/data/.hidden", "/data/.../x", "/data/x/"]) {
      expect(new Dataset({ ...minimalRaw(), sourceFolder: folder }).validationIssues()).toEqual([]);
    }
  });

  it("rejects a non-integer dataQualityMetrics", () => {
    expect(issueFields(new Dataset({ ...minimalRaw(), dataQualityMetrics: 1.5 }))).toEqual(["dataQualityMetrics"]);
  });

  it("ValidationError lists every issue with its field", () => {
    const dset = new Dataset({ ...minimalRaw(), name: "Broken", contactEmail: "nope", creationLocation: null, usedSoftware: [] });
    let error: unknown;
    try {
      dset.validate();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const validationError = error as ValidationError;
    expect(validationError.issues.map((i) => i.field).sort()).toEqual(["contactEmail", "creationLocation", "usedSoftware"]);
    expect(validationError.message).toMatch(/Dataset 'Broken' is not valid \(3 problems\)/);
    for (const field of ["contactEmail", "creationLocation", "usedSoftware"]) {
      expect(validationError.message).toContain(`${field}:`);
    }
  });
});
