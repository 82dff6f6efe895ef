import { Sample, SAMPLE_FIELDS } from "../../src/model/sample";
import { useLogCapture } from "./helpers";

const logs = useLogCapture();

describe("Sample", () => {
  it("has the 24.05 fields", () => {
    expect(SAMPLE_FIELDS.map((f) => f.name).sort()).toEqual(
      [
        "ownerGroup",
        "accessGroups",
        "createdAt",
        "createdBy",
        "description",
        "instrumentGroup",
        "isPublished",
        "owner",
        "sampleCharacteristics",
        "sampleId",
        "updatedAt",
        "updatedBy",
      ].sort(),
    );
    expect(SAMPLE_FIELDS.filter((f) => f.readOnly).map((f) => f.name).sort()).toEqual(["createdAt", "createdBy", "updatedAt", "updatedBy"]);
  });

  it("makes an upload model with the given fields", () => {
    const sample = new Sample({
      ownerGroup: "uu",
      accessGroups: ["faculty"],
      description: "A lump of octiron",
      instrumentGroup: "ig",
      isPublished: false,
      owner: "Ponder",
      sampleCharacteristics: { mass: { value: 3, unit: "g" } },
      sampleId: "octiron-1",
    });
    // JSON round trip: structuredClone'd objects come from another realm than jest's expectations.
    expect(JSON.parse(JSON.stringify(sample.makeUploadModel()))).toStrictEqual({
      ownerGroup: "uu",
      accessGroups: ["faculty"],
      description: "A lump of octiron",
      instrumentGroup: "ig",
      isPublished: false,
      owner: "Ponder",
      sampleCharacteristics: { mass: { value: 3, unit: "g" } },
      sampleId: "octiron-1",
    });
    expect(new Sample({ ownerGroup: "g" }).makeUploadModel()).toStrictEqual({ ownerGroup: "g" });
  });

  it("needs ownerGroup for upload", () => {
    expect(() => new Sample({} as never).makeUploadModel()).toThrow(/ownerGroup/);
  });

  it("never uploads read-only fields", () => {
    const sample = Sample.fromDownloadModel({ ownerGroup: "g", sampleId: "s", createdBy: "x", createdAt: "2022-01-01T00:00:00Z" });
    expect(sample.createdBy).toBe("x");
    expect(sample.makeUploadModel()).toStrictEqual({ ownerGroup: "g", sampleId: "s" });
  });

  it("reads SciCat's record", () => {
    const sample = Sample.fromDownloadModel({
      ownerGroup: "uu",
      sampleId: "octiron-1",
      sampleCharacteristics: { a: 1 },
      updatedAt: "2022-11-01T13:22:08.927Z",
      updatedBy: "anonymous",
    });
    expect(sample).toBeInstanceOf(Sample);
    expect(sample.sampleId).toBe("octiron-1");
    expect(sample.sampleCharacteristics).toEqual({ a: 1 });
    expect(sample.updatedAt?.toISOString()).toBe("2022-11-01T13:22:08.927Z");
    expect(sample.description).toBeNull();
    expect(logs).toEqual([]);
  });

  it("replace makes a changed copy", () => {
    const original = Sample.fromDownloadModel({ ownerGroup: "uu", sampleId: "s1", owner: "Ponder", createdBy: "x" });
    const copy = original.replace({ sampleId: null, description: "new" });
    expect(copy).not.toBe(original);
    expect(copy.sampleId).toBeNull();
    expect(copy.description).toBe("new");
    expect(copy.owner).toBe("Ponder");
    expect(copy.createdBy).toBe("x");
    expect(original.sampleId).toBe("s1");
    expect(original.description).toBeNull();
    expect(() => original.replace({ owner: 5 as never })).toThrow(/owner/);
  });

  it("read-only fields cannot be assigned", () => {
    const sample = new Sample({ ownerGroup: "g" });
    expect(() => {
      (sample as unknown as Record<string, unknown>)["createdBy"] = "me";
    }).toThrow(/createdBy is read-only/);
  });

  it("equals compares every field", () => {
    expect(new Sample({ ownerGroup: "g", sampleId: "s" }).equals(new Sample({ ownerGroup: "g", sampleId: "s" }))).toBe(true);
    expect(new Sample({ ownerGroup: "g", sampleId: "s" }).equals(new Sample({ ownerGroup: "g", sampleId: "t" }))).toBe(false);
    expect(new Sample({ ownerGroup: "g", sampleCharacteristics: { a: 1 } }).equals(new Sample({ ownerGroup: "g", sampleCharacteristics: { a: 2 } }))).toBe(false);
  });
});
