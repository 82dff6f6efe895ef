import { Dataset } from "../../src/model/dataset";
import { Lifecycle, Relationship, Technique } from "../../src/model/user-models";
import { PID } from "../../src/values/pid";

describe("Technique", () => {
  it("converts to its upload model", () => {
    expect(new Technique({ name: "small-angle neutron scattering", pid: "PaNET01189" }).makeUploadModel()).toStrictEqual({
      name: "small-angle neutron scattering",
      pid: "PaNET01189",
    });
  });

  it("is read from SciCat", () => {
    const technique = Technique.fromDownloadModel({ name: "diffraction", pid: "PaNET01102" });
    expect(technique).toStrictEqual(new Technique({ name: "diffraction", pid: "PaNET01102" }));
  });

  it("equals compares name and pid", () => {
    const t = new Technique({ name: "a", pid: "1" });
    expect(t.equals(new Technique({ name: "a", pid: "1" }))).toBe(true);
    expect(t.equals(new Technique({ name: "a", pid: "2" }))).toBe(false);
    expect(t.equals({ name: "a", pid: "1" })).toBe(false);
    expect(String(t)).toBe("Technique(name='a', pid='1')");
  });
});

describe("Relationship", () => {
  it("parses the pid and converts to its upload model", () => {
    const relationship = new Relationship({ pid: "20.500.12269/abc", relationship: "is derived from" });
    expect(relationship.pid).toStrictEqual(new PID({ prefix: "20.500.12269", pid: "abc" }));
    expect(relationship.makeUploadModel()).toStrictEqual({ pid: "20.500.12269/abc", relationship: "is derived from" });
  });

  it("is read from SciCat", () => {
    const relationship = Relationship.fromDownloadModel({ pid: "p/x", relationship: "is input of" });
    expect(relationship.pid).toStrictEqual(new PID({ prefix: "p", pid: "x" }));
    expect(relationship.relationship).toBe("is input of");
  });

  it("equals compares pid and relationship", () => {
    const r = new Relationship({ pid: "p/x", relationship: "r" });
    expect(r.equals(new Relationship({ pid: PID.parse("p/x"), relationship: "r" }))).toBe(true);
    expect(r.equals(new Relationship({ pid: "p/y", relationship: "r" }))).toBe(false);
    expect(r.equals(new Relationship({ pid: "p/x", relationship: "s" }))).toBe(false);
    expect(String(r)).toBe("Relationship(pid=p/x, relationship='r')");
  });
});

describe("Lifecycle", () => {
  it("is read from SciCat, converting dates", () => {
    const lifecycle = Lifecycle.fromDownloadModel({
      archivable: true,
      archiveRetentionTime: "2031-01-01T00:00:00Z",
      archiveReturnMessage: { ok: true },
      archiveStatusMessage: "datasetCreated",
      dateOfDiskPurging: "2030-01-01T00:00:00Z",
      dateOfPublishing: "2024-01-01T00:00:00+01:00",
      exportedTo: "tape",
      isOnCentralDisk: true,
      publishable: false,
      publishedOn: "2024-02-02T00:00:00Z",
      retrievable: true,
      retrieveIntegrityCheck: false,
      retrieveReturnMessage: { code: 1 },
      retrieveStatusMessage: "",
    });
    expect(lifecycle.archivable).toBe(true);
    expect(lifecycle.archiveRetentionTime?.toISOString()).toBe("2031-01-01T00:00:00.000Z");
    expect(lifecycle.archiveReturnMessage).toEqual({ ok: true });
    expect(lifecycle.archiveStatusMessage).toBe("datasetCreated");
    expect(lifecycle.dateOfDiskPurging?.toISOString()).toBe("2030-01-01T00:00:00.000Z");
    expect(lifecycle.dateOfPublishing?.toISOString()).toBe("2023-12-31T23:00:00.000Z");
    expect(lifecycle.exportedTo).toBe("tape");
    expect(lifecycle.isOnCentralDisk).toBe(true);
    expect(lifecycle.publishable).toBe(false);
    expect(lifecycle.publishedOn?.toISOString()).toBe("2024-02-02T00:00:00.000Z");
    expect(lifecycle.retrievable).toBe(true);
    expect(lifecycle.retrieveIntegrityCheck).toBe(false);
    expect(lifecycle.retrieveReturnMessage).toEqual({ code: 1 });
    expect(lifecycle.retrieveStatusMessage).toBe("");
  });

  it("has null for missing values and unreadable dates", () => {
    const lifecycle = new Lifecycle({ archiveRetentionTime: "garbage" });
    expect(lifecycle.archiveRetentionTime).toBeNull();
    expect(lifecycle.archivable).toBeNull();
    expect(lifecycle.exportedTo).toBeNull();
  });

  it("equals compares values", () => {
    expect(new Lifecycle({ archivable: true }).equals(new Lifecycle({ archivable: true }))).toBe(true);
    expect(new Lifecycle({ archivable: true }).equals(new Lifecycle({ archivable: false }))).toBe(false);
  });

  it("shows the values that are set", () => {
    expect(String(new Lifecycle({ archivable: true, publishedOn: "2024-02-02T00:00:00Z" }))).toBe(
      "Lifecycle(archivable=true, publishedOn=2024-02-02T00:00:00.000Z)",
    );
  });
});

describe("user models in datasets", () => {
  it("go to SciCat as upload models and come back as user models", () => {
    const dset = new Dataset({
      type: "raw",
      techniques: [new Technique({ name: "t", pid: "T1" })],
      relationships: [new Relationship({ pid: "p/x", relationship: "r" })],
      contactEmail: "a@b.org",
      creationLocation: "l",
      owner: "o",
      ownerGroup: "g",
      principalInvestigator: "pi",
      sourceFolder: "/s",
    });
    const model = dset.makeUploadModel();
    expect(model["techniques"]).toStrictEqual([{ name: "t", pid: "T1" }]);
    expect(model["relationships"]).toStrictEqual([{ pid: "p/x", relationship: "r" }]);
    const back = Dataset.fromDownloadModels({ dataset: JSON.parse(JSON.stringify(model)), attachments: [] });
    expect(back.techniques).toStrictEqual(dset.techniques);
    expect(back.relationships?.[0]?.equals(dset.relationships?.[0])).toBe(true);
    expect(back.equals(dset)).toBe(true);
  });

  it("plain objects are converted when setting dataset fields", () => {
    const dset = new Dataset({ type: "raw" });
    dset.set("relationships", [{ pid: "p/x", relationship: "r" }]);
    expect(dset.relationships?.[0]).toBeInstanceOf(Relationship);
    expect(() => dset.set("techniques", [{ name: "only a name" } as never])).toThrow(/techniques\[0\]/);
    expect(() => dset.set("relationships", [{ pid: "p/x" } as never])).toThrow(/relationships\[0\]/);
  });

  it("a lifecycle from SciCat is kept read-only on the dataset", () => {
    const dset = Dataset.fromDownloadModels({ dataset: { type: "raw", datasetlifecycle: { archivable: false } } });
    expect(dset.lifecycle).toBeInstanceOf(Lifecycle);
    expect(dset.lifecycle?.archivable).toBe(false);
    expect(() => {
      (dset as unknown as Record<string, unknown>)["lifecycle"] = null;
    }).toThrow(/lifecycle is read-only/);
  });
});
