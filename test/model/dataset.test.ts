/**
 * Dataset behaviour: reading SciCat records, files and datablocks, equality,
 * replace/asNew/derive and the datablock/attachment upload models
 * (the intent of Scitacean's dataset_test.py, for 24.05 plus later fixes).
 */
import { utimesSync } from "node:fs";
import * as path from "node:path";
import { Attachment } from "../../src/model/attachment";
import { Dataset } from "../../src/model/dataset";
import { File } from "../../src/model/file";
import { Lifecycle, Relationship, Technique } from "../../src/model/user-models";
import type { DownloadAttachment, DownloadDataset, DownloadOrigDatablock } from "../../src/model/wire";
import { PID } from "../../src/values/pid";
import { RemotePath } from "../../src/values/remote-path";
import { Thumbnail } from "../../src/values/thumbnail";
import { hexDigest, inDir, useLogCapture, useTempDir } from "./helpers";

const tmp = useTempDir("dataset");
const logs = useLogCapture();

const THAUM_PID = "20.500.12269/72fe3ff6-105b-4c7f-b9d0-073b67c90ec3";

/** The dataset of the downloading guide, as SciCat returns it. */
function thaumModel(): DownloadDataset {
  return {
    pid: THAUM_PID,
    datasetName: "Thaum flux",
    description: "Measured the thaum flux",
    createdBy: "Ponder Stibbons",
    updatedBy: "anonymous",
    updatedAt: "2022-11-01T13:22:08.927Z",
    createdAt: "2022-08-17T14:20:23.675Z",
    owner: "Ponder Stibbons",
    ownerGroup: "uu",
    accessGroups: ["faculty"],
    principalInvestigator: "p.stibbons@uu.am",
    contactEmail: "p.stibbons@uu.am",
    creationTime: "2022-06-29T14:01:05.000Z",
    creationLocation: "UnseenUniversity",
    numberOfFiles: 2,
    numberOfFilesArchived: 0,
    size: 95,
    packedSize: 0,
    sourceFolder: "/hex/ps/thaum",
    scientificMetadata: { data_type: "histogram", temperature: { value: "123", unit: "K" } },
    type: "raw",
  };
}

function thaumBlock(): DownloadOrigDatablock {
  return {
    _id: "02dc390c-811c-4d6a-93bf-9f85a4214ca0",
    datasetId: THAUM_PID,
    size: 95,
    ownerGroup: "uu",
    accessGroups: ["faculty"],
    dataFileList: [
      { path: "flux.dat", size: 20, time: "2022-08-17T13:54:12Z" },
      { path: "logs/measurement.log", size: 75, time: "2022-08-17T13:55:21Z" },
    ],
  };
}

function thaumDataset(attachments: DownloadAttachment[] | null = null): Dataset {
  return Dataset.fromDownloadModels({ dataset: thaumModel(), origDatablocks: [thaumBlock()], attachments });
}

function minimalRaw(extra: Partial<ConstructorParameters<typeof Dataset>[0]> = {}): Dataset {
  return new Dataset({
    type: "raw",
    contactEmail: "nogg@wyrd.lancre",
    creationLocation: "lancre/whichhut",
    owner: "Nanny Ogg",
    ownerGroup: "wyrdsisters",
    principalInvestigator: "Esme Weatherwax",
    sourceFolder: "/somewhere/on/remote",
    creationTime: "2024-05-29T08:17:09Z",
    ...extra,
  });
}

const warnings = (): string[] => logs.filter((r) => r.level === "warning").map((r) => r.message);

describe("fromDownloadModels", () => {
  it("reads every raw field", () => {
    const model: DownloadDataset = {
      pid: THAUM_PID,
      type: "raw",
      accessGroups: ["faculty", "librarians"],
      version: "3.1",
      classification: "AV=medium,CO=low",
      comment: "a comment",
      contactEmail: "p.stibbons@uu.am",
      createdAt: "2022-08-17T14:20:23.675Z",
      createdBy: "Ponder Stibbons",
      creationLocation: "UnseenUniversity",
      creationTime: "2022-06-29T14:01:05.000Z",
      dataFormat: "hdf5",
      dataQualityMetrics: 4,
      description: "Measured the thaum flux",
      endTime: "2022-06-29T18:00:00+02:00",
      instrumentGroup: "uu-instruments",
      instrumentId: "thaumometer-1",
      isPublished: false,
      keywords: ["thaum", "flux"],
      license: "CC-BY-4.0",
      datasetlifecycle: {
        archivable: true,
        retrievable: false,
        archiveRetentionTime: "2031-01-01T00:00:00Z",
        archiveStatusMessage: "datasetCreated",
      },
      datasetName: "Thaum flux",
      orcidOfOwner: "https://orcid.org/0000-0002-1825-0097",
      owner: "Ponder Stibbons",
      ownerEmail: "ponder@uu.am",
      ownerGroup: "uu",
      principalInvestigator: "Mustrum Ridcully",
      proposalId: "prop-1",
      relationships: [{ pid: "20.500.12269/other", relationship: "is input of" }],
      sampleId: "sample-7",
      sharedWith: ["librarian"],
      sourceFolder: "/hex/ps/thaum",
      sourceFolderHost: "sftp://hex.uu.am",
      techniques: [{ name: "thaumometry", pid: "T-1" }],
      updatedAt: "2022-11-01T13:22:08.927Z",
      updatedBy: "anonymous",
      validationStatus: "checked",
      numberOfFiles: 0,
      numberOfFilesArchived: 0,
      size: 0,
      packedSize: 0,
      scientificMetadata: { temperature: { value: 123, unit: "K" } },
    };
    const dset = Dataset.fromDownloadModels({ dataset: model });
    const expected: Record<string, unknown> = {
      type: "raw",
      accessGroups: ["faculty", "librarians"],
      apiVersion: "3.1",
      classification: "AV=medium,CO=low",
      comment: "a comment",
      contactEmail: "p.stibbons@uu.am",
      createdAt: new Date(Date.UTC(2022, 7, 17, 14, 20, 23, 675)),
      createdBy: "Ponder Stibbons",
      creationLocation: "UnseenUniversity",
      creationTime: new Date(Date.UTC(2022, 5, 29, 14, 1, 5)),
      dataFormat: "hdf5",
      dataQualityMetrics: 4,
      description: "Measured the thaum flux",
      endTime: new Date(Date.UTC(2022, 5, 29, 16, 0, 0)),
      instrumentGroup: "uu-instruments",
      instrumentId: "thaumometer-1",
      isPublished: false,
      keywords: ["thaum", "flux"],
      license: "CC-BY-4.0",
      name: "Thaum flux",
      orcidOfOwner: "https://orcid.org/0000-0002-1825-0097",
      owner: "Ponder Stibbons",
      ownerEmail: "ponder@uu.am",
      ownerGroup: "uu",
      pid: new PID({ prefix: "20.500.12269", pid: "72fe3ff6-105b-4c7f-b9d0-073b67c90ec3" }),
      principalInvestigator: "Mustrum Ridcully",
      proposalId: "prop-1",
      relationships: [new Relationship({ pid: new PID({ prefix: "20.500.12269", pid: "other" }), relationship: "is input of" })],
      sampleId: "sample-7",
      sharedWith: ["librarian"],
      sourceFolder: new RemotePath("/hex/ps/thaum"),
      sourceFolderHost: "sftp://hex.uu.am",
      techniques: [new Technique({ name: "thaumometry", pid: "T-1" })],
      updatedAt: new Date(Date.UTC(2022, 10, 1, 13, 22, 8, 927)),
      updatedBy: "anonymous",
      validationStatus: "checked",
    };
    for (const [name, value] of Object.entries(expected)) {
      expect([name, dset.get(name as never)]).toStrictEqual([name, value]);
    }
    const lifecycle = dset.lifecycle as Lifecycle;
    expect(lifecycle).toBeInstanceOf(Lifecycle);
    expect(lifecycle.archivable).toBe(true);
    expect(lifecycle.retrievable).toBe(false);
    expect(lifecycle.archiveRetentionTime?.toISOString()).toBe("2031-01-01T00:00:00.000Z");
    expect(lifecycle.archiveStatusMessage).toBe("datasetCreated");
    // Every raw field was given, so every key holds a value.
    for (const [name, value] of dset.items()) expect([name, value]).not.toEqual([name, null]);
    expect(dset.keys()).toHaveLength(37);
    expect(dset.meta).toEqual({ temperature: { value: 123, unit: "K" } });
    expect(warnings()).toEqual([]);
  });

  it("reads the derived-only fields", () => {
    const dset = Dataset.fromDownloadModels({
      dataset: {
        type: "derived",
        pid: "p/d",
        inputDatasets: ["p/a", "b"],
        investigator: "Ponder Stibbons",
        jobLogData: "all fine",
        jobParameters: { bins: 10 },
        usedSoftware: ["scipp"],
      },
    });
    expect(dset.type).toBe("derived");
    expect(dset.inputDatasets).toStrictEqual([new PID({ prefix: "p", pid: "a" }), new PID({ pid: "b" })]);
    expect(dset.investigator).toBe("Ponder Stibbons");
    expect(dset.jobLogData).toBe("all fine");
    expect(dset.jobParameters).toEqual({ bins: 10 });
    expect(dset.usedSoftware).toEqual(["scipp"]);
    expect(warnings()).toEqual([]);
  });

  it("reads the guide dataset with metadata", () => {
    const dset = thaumDataset();
    expect(dset.name).toBe("Thaum flux");
    expect(dset.pid?.toString()).toBe(THAUM_PID);
    expect(dset.meta).toEqual({ data_type: "histogram", temperature: { value: "123", unit: "K" } });
    expect(dset.createdAt?.toISOString()).toBe("2022-08-17T14:20:23.675Z");
  });

  it("does not share metadata with the model", () => {
    const model = thaumModel();
    const dset = Dataset.fromDownloadModels({ dataset: model });
    (model.scientificMetadata as Record<string, unknown>)["data_type"] = "changed";
    expect(dset.meta["data_type"]).toBe("histogram");
  });

  it("reads the files of one datablock", () => {
    const dset = thaumDataset();
    expect(dset.numberOfFiles).toBe(2);
    expect(dset.size).toBe(95);
    expect(dset.origDatablocks).toHaveLength(1);
    expect(dset.origDatablocks[0]?.datablockId).toBe("02dc390c-811c-4d6a-93bf-9f85a4214ca0");
    const [flux, log] = dset.files as [File, File];
    expect(flux.remotePath.posix).toBe("flux.dat");
    expect(flux.size).toBe(20);
    expect(flux.creationTime.toISOString()).toBe("2022-08-17T13:54:12.000Z");
    expect(flux.isOnRemote).toBe(true);
    expect(flux.isOnLocal).toBe(false);
    expect(flux.localPath).toBeNull();
    expect(flux.checksumAlgorithm).toBeNull();
    expect(flux.remoteAccessPath(dset.sourceFolder)?.posix).toBe("/hex/ps/thaum/flux.dat");
    expect(log.remotePath.posix).toBe("logs/measurement.log");
    expect(log.size).toBe(75);
    expect(log.remoteAccessPath(dset.sourceFolder)?.posix).toBe("/hex/ps/thaum/logs/measurement.log");
  });

  it("reads the files of several datablocks, each with its algorithm", async () => {
    const dset = Dataset.fromDownloadModels({
      dataset: thaumModel(),
      origDatablocks: [
        {
          _id: "block-1",
          chkAlg: "md5",
          dataFileList: [{ path: "a.dat", size: 1, time: "2022-01-01T00:00:00Z", chk: "aaaa" }],
        },
        {
          id: "block-2",
          chkAlg: "sha256",
          dataFileList: [
            { path: "sub/b.dat", size: 2, time: "2022-01-02T00:00:00Z", chk: "bbbb" },
            { path: "c.dat", size: 3, time: "2022-01-03T00:00:00Z", chk: "cccc" },
          ],
        },
      ],
    });
    expect(dset.origDatablocks.map((b) => b.datablockId)).toEqual(["block-1", "block-2"]);
    expect(dset.files.map((f) => f.remotePath.posix)).toEqual(["a.dat", "sub/b.dat", "c.dat"]);
    expect(dset.files.map((f) => f.checksumAlgorithm)).toEqual(["md5", "sha256", "sha256"]);
    expect(await Promise.all(dset.files.map((f) => f.checksum()))).toEqual(["aaaa", "bbbb", "cccc"]);
    expect(dset.numberOfFiles).toBe(3);
    expect(dset.size).toBe(6);
    expect(dset.files.map((f) => f.remoteAccessPath(dset.sourceFolder)?.posix)).toEqual([
      "/hex/ps/thaum/a.dat",
      "/hex/ps/thaum/sub/b.dat",
      "/hex/ps/thaum/c.dat",
    ]);
  });

  it("keeps a checksum that has no algorithm", async () => {
    const dset = Dataset.fromDownloadModels({
      dataset: thaumModel(),
      origDatablocks: [{ dataFileList: [{ path: "a.dat", size: 1, time: "2022-01-01T00:00:00Z", chk: "abcd" }] }],
    });
    expect(dset.files[0]?.checksumAlgorithm).toBeNull();
    expect(await dset.files[0]?.checksum()).toBe("abcd");
  });

  it("drops the principalInvestigator that servers copy from investigator into derived datasets", () => {
    const derived = { ...thaumModel(), type: "derived", investigator: "Ponder Stibbons", inputDatasets: [], usedSoftware: [] };
    delete (derived as Record<string, unknown>)["creationLocation"];
    const mirrored = Dataset.fromDownloadModels({ dataset: { ...derived, principalInvestigator: "Ponder Stibbons" } });
    expect(mirrored.investigator).toBe("Ponder Stibbons");
    expect(mirrored.principalInvestigator).toBeNull();
    expect(mirrored.asNew().validate()).toBeUndefined();
    // Anything else is SciCat's data and stays, for validation to name.
    const other = Dataset.fromDownloadModels({ dataset: { ...derived, principalInvestigator: "Mustrum Ridcully" } });
    expect(other.principalInvestigator).toBe("Mustrum Ridcully");
    expect(() => other.asNew().validate()).toThrow(/principalInvestigator/);
    // Raw datasets keep theirs.
    expect(thaumDataset().principalInvestigator).toBe(thaumModel().principalInvestigator);
  });

  it("has null attachments when none were given", () => {
    expect(thaumDataset().attachments).toBeNull();
    expect(Dataset.fromDownloadModels({ dataset: thaumModel(), attachments: null }).attachments).toBeNull();
  });

  it("reads attachments when given", () => {
    const dset = thaumDataset([
      { caption: "Flux plot", ownerGroup: "uu", id: "att-1", datasetId: THAUM_PID, thumbnail: "data:image/png;base64,AAEC" },
      { caption: "Second", ownerGroup: "uu" },
    ]);
    const attachments = dset.attachments as Attachment[];
    expect(attachments).toHaveLength(2);
    expect(attachments[0]).toBeInstanceOf(Attachment);
    expect(attachments[0]?.caption).toBe("Flux plot");
    expect(attachments[0]?.datasetId).toStrictEqual(PID.parse(THAUM_PID));
    expect([...(attachments[0]?.thumbnail?.decodedData() ?? [])]).toEqual([0, 1, 2]);
    expect(attachments[1]?.caption).toBe("Second");
    expect(thaumDataset([]).attachments).toEqual([]);
  });

  it("reads a broken value tolerantly: warns and keeps the data", () => {
    const model = { ...thaumModel(), creationTime: "the day before yesterday", dataQualityMetrics: "high" };
    const dset = Dataset.fromDownloadModels({ dataset: model });
    expect(dset.get("creationTime")).toBe("the day before yesterday");
    expect(dset.get("dataQualityMetrics")).toBe("high");
    expect(dset.name).toBe("Thaum flux");
    expect(dset.owner).toBe("Ponder Stibbons");
    const messages = warnings();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/creationTime/);
    expect(messages[0]).toMatch(/dataQualityMetrics/);
    expect(messages[0]).toContain(THAUM_PID);
  });

  it("reports broken kept values when validating a copy for upload", () => {
    const dset = Dataset.fromDownloadModels({ dataset: { ...thaumModel(), endTime: "garbage", isPublished: "yes" } });
    const issues = dset.asNew().validationIssues();
    expect(issues.map((i) => i.field).sort()).toEqual(["endTime", "isPublished"]);
    expect(() => dset.asNew().makeUploadModel()).toThrow(/endTime/);
  });

  it("reads an unknown type as raw with a warning", () => {
    const dset = Dataset.fromDownloadModels({ dataset: { ...thaumModel(), type: "base" } });
    expect(dset.type).toBe("raw");
    expect(warnings().join("\n")).toMatch(/type/);
  });
});

describe("files", () => {
  it("a new dataset has no files and no attachments", () => {
    const dset = new Dataset({ type: "raw" });
    expect(dset.files).toEqual([]);
    expect(dset.numberOfFiles).toBe(0);
    expect(dset.numberOfFilesArchived).toBe(0);
    expect(dset.size).toBe(0);
    expect(dset.packedSize).toBe(0);
    expect(dset.origDatablocks).toEqual([]);
    expect(dset.attachments).toEqual([]);
  });

  it("adds one local file", () => {
    const file = tmp.write("one/file.dat", "1 2 3");
    const dset = new Dataset({ type: "raw" });
    dset.addLocalFiles(file, { basePath: path.join(tmp.dir, "one") });
    expect(dset.numberOfFiles).toBe(1);
    const added = dset.files[0] as File;
    expect(added.localPath).toBe(file);
    expect(added.remotePath.posix).toBe("file.dat");
    expect(added.isOnLocal).toBe(true);
    expect(added.isOnRemote).toBe(false);
    expect(dset.size).toBe(5);
  });

  it("adds many local files", () => {
    const a = tmp.write("many/a.dat", "aa");
    const b = tmp.write("many/b.dat", "bbbb");
    const dset = new Dataset({ type: "raw" });
    dset.addLocalFiles([a, b], { basePath: path.join(tmp.dir, "many") });
    expect(dset.files.map((f) => f.remotePath.posix)).toEqual(["a.dat", "b.dat"]);
    expect(dset.files.map((f) => f.localPath)).toEqual([a, b]);
    expect(dset.size).toBe(6);
    expect(dset.origDatablocks).toHaveLength(1);
  });

  it("keeps sub-folders below basePath", () => {
    tmp.write("cwd/data/sub/a.txt", "a");
    tmp.write("cwd/data/b.txt", "b");
    const dset = new Dataset({ type: "raw" });
    inDir(path.join(tmp.dir, "cwd"), () => {
      dset.addLocalFiles("data/sub/a.txt", { basePath: "data" });
      dset.addLocalFiles("./data/b.txt", { basePath: "data" });
    });
    expect(dset.files.map((f) => f.remotePath.posix)).toEqual(["sub/a.txt", "b.txt"]);
    expect(dset.files.map((f) => f.localPath)).toEqual(["data/sub/a.txt", "./data/b.txt"]);
  });

  it("keeps the whole relative path without basePath", () => {
    const dset = new Dataset({ type: "raw" });
    inDir(tmp.dir, () => dset.addLocalFiles("data/sub/a.txt"));
    expect(dset.files[0]?.remotePath.posix).toBe("data/sub/a.txt");
  });

  it("uses basePath with more levels", () => {
    const dset = new Dataset({ type: "raw" });
    inDir(tmp.dir, () => dset.addLocalFiles("data/sub/a.txt", { basePath: "data/sub" }));
    expect(dset.files[0]?.remotePath.posix).toBe("a.txt");
  });

  it("rejects a file outside basePath with a message naming it", () => {
    const outside = tmp.write("elsewhere/x.dat", "x");
    const dset = new Dataset({ type: "raw" });
    expect(() => dset.addLocalFiles(outside, { basePath: path.join(tmp.dir, "one") })).toThrow(/elsewhere.*x\.dat/);
    expect(() => inDir(tmp.dir, () => dset.addLocalFiles("../up.dat"))).toThrow(/up\.dat/);
    expect(() => dset.addLocalFiles(outside)).toThrow(/x\.dat.*basePath/);
    expect(dset.files).toEqual([]);
  });

  it("rejects duplicate remote paths in the same call", () => {
    const a = tmp.write("dup1/same.dat", "1");
    const b = tmp.write("dup2/same.dat", "2");
    const dset = new Dataset({ type: "raw" });
    expect(() => dset.addFiles([File.fromLocal(a, { basePath: path.dirname(a) }), File.fromLocal(b, { basePath: path.dirname(b) })])).toThrow(
      /same\.dat/,
    );
    expect(dset.files).toEqual([]);
  });

  it("rejects duplicate remote paths in separate calls", () => {
    const a = tmp.write("dup1/same.dat", "1");
    const b = tmp.write("dup2/same.dat", "2");
    const dset = new Dataset({ type: "raw" });
    dset.addLocalFiles(a, { basePath: path.dirname(a) });
    expect(() => dset.addLocalFiles(b, { basePath: path.dirname(b) })).toThrow(/remote path 'same\.dat'/);
    expect(dset.files.map((f) => f.localPath)).toEqual([a]);
  });

  it("rejects the same file twice", () => {
    const a = tmp.write("dup1/same.dat", "1");
    const dset = new Dataset({ type: "raw" });
    dset.addLocalFiles(a, { basePath: path.dirname(a) });
    expect(() => dset.addLocalFiles(a, { basePath: path.dirname(a) })).toThrow(RangeError);
    expect(dset.numberOfFiles).toBe(1);
  });

  it("rejects duplicate remote paths across datablocks", () => {
    const a = tmp.write("dup1/same.dat", "1");
    const b = tmp.write("dup2/same.dat", "2");
    const dset = new Dataset({ type: "raw" });
    dset.addLocalFiles(a, { basePath: path.dirname(a) });
    dset.addOrigDatablock({ checksumAlgorithm: "md5" });
    expect(() => dset.addLocalFiles(b, { basePath: path.dirname(b), datablock: -1 })).toThrow(/same\.dat/);
    expect(dset.origDatablocks[1]?.files).toEqual([]);
  });

  it("rejects remote paths that are the same after resolving", () => {
    const dset = new Dataset({ type: "raw" });
    dset.addFiles(File.fromRemote({ remotePath: "sub/a.dat", size: 1, creationTime: "2022-01-01T00:00:00Z" }));
    expect(() =>
      dset.addFiles(File.fromRemote({ remotePath: "sub/../sub/a.dat", size: 1, creationTime: "2022-01-01T00:00:00Z" })),
    ).toThrow(/sub\/\.\.\/sub\/a\.dat/);
  });

  it("gives files the default checksum algorithm blake2b", async () => {
    const file = tmp.write("alg/default.dat", "checksum me");
    const dset = new Dataset({ type: "raw" });
    dset.addLocalFiles(file, { basePath: path.dirname(file) });
    expect(dset.origDatablocks[0]?.checksumAlgorithm).toBe("blake2b");
    expect(dset.files[0]?.checksumAlgorithm).toBe("blake2b");
    expect(await dset.files[0]?.checksum()).toBe(hexDigest("blake2b", "checksum me"));
  });

  it("gives files the dataset's checksum algorithm", async () => {
    const file = tmp.write("alg/md5.dat", "checksum me too");
    const dset = new Dataset({ type: "raw", checksumAlgorithm: "sha256" });
    dset.addLocalFiles(file, { basePath: path.dirname(file) });
    expect(dset.files[0]?.checksumAlgorithm).toBe("sha256");
    expect(await dset.files[0]?.checksum()).toBe(hexDigest("sha256", "checksum me too"));
  });

  it("accepts a file whose algorithm matches the datablock", () => {
    const file = tmp.write("alg/match.dat", "m");
    const dset = new Dataset({ type: "raw", checksumAlgorithm: "md5" });
    dset.addFiles(File.fromLocal(file, { basePath: path.dirname(file) }).withChecksumAlgorithm("md5"));
    expect(dset.files[0]?.checksumAlgorithm).toBe("md5");
  });

  it("rejects files whose algorithm does not match the datablock", () => {
    const file = tmp.write("alg/mismatch.dat", "m");
    const dset = new Dataset({ type: "raw" });
    const md5File = File.fromLocal(file, { basePath: path.dirname(file) }).withChecksumAlgorithm("md5");
    expect(() => dset.addFiles(md5File)).toThrow(/md5.*blake2b/);
    expect(dset.files).toEqual([]);
    dset.addOrigDatablock({ checksumAlgorithm: "md5" });
    dset.addFiles(md5File);
    expect(dset.files.map((f) => f.checksumAlgorithm)).toEqual(["md5"]);
  });

  it("chooses the datablock by index or id", () => {
    const dset = Dataset.fromDownloadModels({
      dataset: thaumModel(),
      origDatablocks: [
        { _id: "first", chkAlg: "md5", dataFileList: [] },
        { _id: "second", chkAlg: "sha256", dataFileList: [] },
      ],
    });
    const remote = (name: string): File => File.fromRemote({ remotePath: name, size: 1, creationTime: "2022-01-01T00:00:00Z" });
    dset.addFiles(remote("last.dat"));
    dset.addFiles(remote("zero.dat"), { datablock: 0 });
    dset.addFiles(remote("by-id.dat"), { datablock: "first" });
    dset.addFiles(remote("negative.dat"), { datablock: -2 });
    expect(dset.origDatablocks[0]?.files.map((f) => f.remotePath.posix)).toEqual(["zero.dat", "by-id.dat", "negative.dat"]);
    expect(dset.origDatablocks[1]?.files.map((f) => f.remotePath.posix)).toEqual(["last.dat"]);
    expect(dset.files.map((f) => f.checksumAlgorithm)).toEqual(["md5", "md5", "md5", "sha256"]);
    expect(() => dset.addFiles(remote("x.dat"), { datablock: 5 })).toThrow(/no datablock 5/);
    expect(() => dset.addFiles(remote("y.dat"), { datablock: "nope" })).toThrow(/nope/);
  });

  it("datablock 0 or -1 makes the first block of a new dataset", () => {
    const remote = (name: string): File => File.fromRemote({ remotePath: name, size: 1, creationTime: "2022-01-01T00:00:00Z" });
    const zero = new Dataset({ type: "raw" });
    zero.addFiles(remote("a.dat"), { datablock: 0 });
    expect(zero.origDatablocks).toHaveLength(1);
    const minusOne = new Dataset({ type: "raw" });
    minusOne.addFiles(remote("a.dat"), { datablock: -1 });
    expect(minusOne.origDatablocks).toHaveLength(1);
    expect(() => new Dataset({ type: "raw" }).addFiles(remote("a.dat"), { datablock: 1 })).toThrow(RangeError);
  });

  it("addFiles rejects things that are not Files", () => {
    expect(() => new Dataset({ type: "raw" }).addFiles("path.dat" as never)).toThrow(/addLocalFiles/);
  });
});

describe("equality", () => {
  it("equal datasets are equal", () => {
    expect(minimalRaw().equals(minimalRaw())).toBe(true);
    expect(thaumDataset().equals(thaumDataset())).toBe(true);
    expect(thaumDataset([]).equals(thaumDataset([]))).toBe(true);
  });

  it("a different field makes them different", () => {
    expect(minimalRaw().equals(minimalRaw({ owner: "Magrat Garlick" }))).toBe(false);
    expect(minimalRaw().equals(minimalRaw({ comment: "x" }))).toBe(false);
    expect(minimalRaw().equals(minimalRaw({ creationTime: "2024-05-29T08:17:10Z" }))).toBe(false);
  });

  it("a different or extra file makes them different", () => {
    const a = tmp.write("eq/a.dat", "a");
    const b = tmp.write("eq/b.dat", "b");
    const base = path.dirname(a);
    const left = minimalRaw();
    const right = minimalRaw();
    left.addLocalFiles(a, { basePath: base });
    right.addLocalFiles(b, { basePath: base });
    expect(left.equals(right)).toBe(false);
    const same = minimalRaw();
    same.addLocalFiles(a, { basePath: base });
    expect(left.equals(same)).toBe(true);
    same.addLocalFiles(b, { basePath: base });
    expect(left.equals(same)).toBe(false);
  });

  it("different meta makes them different", () => {
    expect(minimalRaw({ meta: { a: 1 } }).equals(minimalRaw({ meta: { a: 2 } }))).toBe(false);
    expect(minimalRaw({ meta: { a: { b: 1 } } }).equals(minimalRaw({ meta: { a: { b: 1 } } }))).toBe(true);
  });

  it("attachments null and [] are different", () => {
    expect(thaumDataset(null).equals(thaumDataset([]))).toBe(false);
    const withAttachment = thaumDataset([{ caption: "c", ownerGroup: "uu" }]);
    expect(withAttachment.equals(thaumDataset([]))).toBe(false);
    expect(withAttachment.equals(thaumDataset([{ caption: "other", ownerGroup: "uu" }]))).toBe(false);
    expect(withAttachment.equals(thaumDataset([{ caption: "c", ownerGroup: "uu" }]))).toBe(true);
  });

  it("is never equal to other things", () => {
    expect(minimalRaw().equals(minimalRaw().makeUploadModel())).toBe(false);
    expect(minimalRaw().equals(null)).toBe(false);
  });
});

describe("replace", () => {
  it("replaces a writable field and leaves the original alone", () => {
    const original = minimalRaw({ name: "old" });
    const copy = original.replace({ name: "new" });
    expect(copy.name).toBe("new");
    expect(original.name).toBe("old");
    expect(copy).not.toBe(original);
  });

  it("converts replaced values", () => {
    const copy = minimalRaw().replace({ sourceFolder: "/new/place", creationTime: "2020-01-01T00:00:00Z" });
    expect(copy.sourceFolder).toStrictEqual(new RemotePath("/new/place"));
    expect(copy.creationTime?.toISOString()).toBe("2020-01-01T00:00:00.000Z");
  });

  it("replaces several fields at once, copying the others", () => {
    const original = minimalRaw({ comment: "c", keywords: ["k"] });
    const copy = original.replace({ owner: "Magrat", ownerGroup: "witches", comment: null });
    expect(copy.owner).toBe("Magrat");
    expect(copy.ownerGroup).toBe("witches");
    expect(copy.comment).toBeNull();
    expect(copy.keywords).toEqual(["k"]);
    expect(copy.contactEmail).toBe(original.contactEmail);
    expect(copy.creationTime?.getTime()).toBe(original.creationTime?.getTime());
    expect(copy.equals(original.replace({ owner: "Magrat", ownerGroup: "witches", comment: null }))).toBe(true);
  });

  it("replaces read-only fields only through options.readOnly", () => {
    const copy = minimalRaw().replace({}, { readOnly: { pid: "pre/abc", createdBy: "SciCat" } });
    expect(copy.pid).toStrictEqual(new PID({ prefix: "pre", pid: "abc" }));
    expect(copy.createdBy).toBe("SciCat");
    expect(copy.replace({ name: "n" }).pid?.toString()).toBe("pre/abc");
  });

  it("rejects read-only and unknown names with a TypeError naming them", () => {
    const dset = minimalRaw();
    expect(() => dset.replace({ pid: "a/b" } as never)).toThrow(TypeError);
    expect(() => dset.replace({ pid: "a/b" } as never)).toThrow(/Invalid arguments: pid/);
    expect(() => dset.replace({ flavour: 1, colour: 2 } as never)).toThrow(/Invalid arguments: flavour, colour/);
  });

  it("can replace the type", () => {
    expect(minimalRaw().replace({ type: "derived" }).type).toBe("derived");
    expect(() => minimalRaw().replace({ type: "other" } as never)).toThrow(/raw.*derived/);
  });

  it("preserves files, without sharing them with the original", () => {
    const a = tmp.write("replace/a.dat", "a");
    const b = tmp.write("replace/b.dat", "b");
    const base = path.dirname(a);
    const original = minimalRaw();
    original.addLocalFiles(a, { basePath: base });
    const copy = original.replace({ name: "copy" });
    expect(copy.files.map((f) => f.localPath)).toEqual([a]);
    expect(copy.files[0]?.equals(original.files[0])).toBe(true);
    copy.addLocalFiles(b, { basePath: base });
    expect(copy.numberOfFiles).toBe(2);
    expect(original.numberOfFiles).toBe(1);
    expect(original.origDatablocks[0]).not.toBe(copy.origDatablocks[0]);
    original.addLocalFiles(tmp.write("replace/c.dat", "c"), { basePath: base });
    expect(copy.files.map((f) => f.remotePath.posix)).toEqual(["a.dat", "b.dat"]);
  });

  it("preserves downloaded files and datablock ids", () => {
    const copy = thaumDataset().replace({ name: "x" });
    expect(copy.files.map((f) => f.remotePath.posix)).toEqual(["flux.dat", "logs/measurement.log"]);
    expect(copy.origDatablocks[0]?.datablockId).toBe("02dc390c-811c-4d6a-93bf-9f85a4214ca0");
  });

  it("preserves meta as a copy", () => {
    const original = minimalRaw({ meta: { temperature: { value: 3, unit: "K" } } });
    const copy = original.replace({ name: "x" });
    expect(copy.meta).toEqual(original.meta);
    (copy.meta["temperature"] as { value: number }).value = 4;
    copy.meta["new"] = 1;
    expect(original.meta).toEqual({ temperature: { value: 3, unit: "K" } });
  });

  it("replaces or removes meta", () => {
    const original = minimalRaw({ meta: { a: 1 } });
    expect(original.replace({ meta: { b: 2 } }).meta).toEqual({ b: 2 });
    expect(original.replace({ meta: null }).meta).toEqual({});
    expect(original.meta).toEqual({ a: 1 });
  });

  it("copies a replacing meta: changing the given object later leaves the copy alone", () => {
    const meta = { temperature: { value: 3, unit: "K" }, tags: ["a"] };
    const copy = minimalRaw().replace({ meta });
    expect(copy.meta).toEqual(meta);
    expect(copy.meta).not.toBe(meta);
    meta.temperature.value = 4;
    meta.tags.push("b");
    (meta as Record<string, unknown>)["new"] = 1;
    expect(copy.meta).toEqual({ temperature: { value: 3, unit: "K" }, tags: ["a"] });
    (copy.meta["temperature"] as { value: number }).value = 5;
    expect(meta.temperature.value).toBe(4);
  });

  it("copies a replacing attachment list: changing the given array later leaves the copy alone", () => {
    const first = new Attachment({ caption: "c", ownerGroup: "g" });
    const list = [first];
    const copy = minimalRaw().replace({ attachments: list });
    expect(copy.attachments).toEqual([first]);
    expect(copy.attachments).not.toBe(list);
    list.push(new Attachment({ caption: "d", ownerGroup: "g" }));
    list[0] = new Attachment({ caption: "e", ownerGroup: "g" });
    expect(copy.attachments).toHaveLength(1);
    expect(copy.attachments?.[0]).toBe(first);
    copy.attachments?.pop();
    expect(list).toHaveLength(2);
  });

  it("preserves attachments (as a new list) and replaces them", () => {
    const attachment = new Attachment({ caption: "c", ownerGroup: "g" });
    const original = minimalRaw();
    original.attachments = [attachment];
    const copy = original.replace({ name: "x" });
    expect(copy.attachments).toEqual([attachment]);
    expect(copy.attachments).not.toBe(original.attachments);
    copy.attachments?.push(new Attachment({ caption: "d", ownerGroup: "g" }));
    expect(original.attachments).toHaveLength(1);
    expect(original.replace({ attachments: null }).attachments).toBeNull();
    expect(original.replace({ attachments: [] }).attachments).toEqual([]);
    expect(thaumDataset(null).replace({ name: "x" }).attachments).toBeNull();
  });

  it("carries the checksum algorithm over (fixed: 24.05 reset it to blake2b)", async () => {
    const file = tmp.write("replace/alg.dat", "algorithm");
    const copy = minimalRaw({ checksumAlgorithm: "md5" }).replace({ name: "x" });
    expect(copy.checksumAlgorithm).toBe("md5");
    copy.addLocalFiles(file, { basePath: path.dirname(file) });
    expect(await copy.files[0]?.checksum()).toBe(hexDigest("md5", "algorithm"));
    expect(minimalRaw().replace({ checksumAlgorithm: "sha256" }).checksumAlgorithm).toBe("sha256");
  });
});

describe("replaceFiles", () => {
  it("replaces files by remote path", () => {
    const a = tmp.write("rf/a.dat", "aaa");
    const b = tmp.write("rf/b.dat", "bb");
    const original = minimalRaw();
    original.addLocalFiles([a, b], { basePath: path.dirname(a) });
    const uploadedA = (original.files[0] as File).uploaded({ remoteSize: 3, remoteCreationTime: new Date("2024-01-01T00:00:00Z") });
    const replaced = original.replaceFiles(uploadedA);
    expect(replaced.files.map((f) => f.remotePath.posix)).toEqual(["a.dat", "b.dat"]);
    expect(replaced.files[0]?.isOnRemote).toBe(true);
    expect(replaced.files[0]?.remoteSize).toBe(3);
    expect(replaced.files[1]?.isOnRemote).toBe(false);
    expect(replaced.files[0]?.checksumAlgorithm).toBe("blake2b");
    expect(original.files[0]?.isOnRemote).toBe(false);
    expect(replaced.name).toBe(original.name);
  });

  it("replaces several files", () => {
    const dset = thaumDataset();
    const local = dset.files.map((f, i) => f.downloaded({ localPath: `/local/${i}` }));
    const replaced = dset.replaceFiles(...local);
    expect(replaced.files.map((f) => f.localPath)).toEqual(["/local/0", "/local/1"]);
    expect(dset.files.map((f) => f.localPath)).toEqual([null, null]);
  });

  it("rejects files that match no file of the dataset", () => {
    const dset = thaumDataset();
    const stranger = File.fromRemote({ remotePath: "unknown.dat", size: 1, creationTime: "2022-01-01T00:00:00Z" });
    expect(() => dset.replaceFiles(stranger)).toThrow(/unknown\.dat/);
  });
});

describe("asNew", () => {
  it("clears read-only fields, sets creationTime to now and keeps the rest", () => {
    const downloaded = thaumDataset();
    const before = Date.now();
    const fresh = downloaded.asNew();
    for (const name of ["apiVersion", "createdAt", "createdBy", "lifecycle", "pid", "updatedAt", "updatedBy"]) {
      expect(fresh.get(name as never)).toBeNull();
    }
    expect(fresh.creationTime?.getTime()).toBeGreaterThanOrEqual(before);
    expect(fresh.creationTime?.getTime()).toBeLessThanOrEqual(Date.now());
    expect(fresh.name).toBe("Thaum flux");
    expect(fresh.ownerGroup).toBe("uu");
    expect(fresh.meta).toEqual(downloaded.meta);
    expect(fresh.files.map((f) => f.remotePath.posix)).toEqual(["flux.dat", "logs/measurement.log"]);
    expect(downloaded.pid?.toString()).toBe(THAUM_PID);
  });

  it("makes a downloaded dataset valid for upload", () => {
    const downloaded = thaumDataset();
    expect(downloaded.validationIssues().map((i) => i.field).sort()).toEqual([
      "createdAt",
      "createdBy",
      "pid",
      "updatedAt",
      "updatedBy",
    ]);
    expect(downloaded.asNew().validationIssues()).toEqual([]);
  });

  it("turns attachments null into [] (later fix) and keeps a list", () => {
    expect(thaumDataset(null).asNew().attachments).toEqual([]);
    const list = thaumDataset([{ caption: "c", ownerGroup: "uu" }]).asNew().attachments;
    expect(list?.map((a) => a.caption)).toEqual(["c"]);
  });
});

describe("derive", () => {
  it("keeps the default fields and uses the raw principal investigator as investigator", () => {
    const raw = thaumDataset().replace({
      orcidOfOwner: "https://orcid.org/0000-0002-1825-0097",
      ownerEmail: "ponder@uu.am",
      techniques: [new Technique({ name: "thaumometry", pid: "T-1" })],
      comment: "not kept",
    });
    const before = Date.now();
    const derived = raw.derive();
    expect(derived.type).toBe("derived");
    expect(derived.inputDatasets).toStrictEqual([PID.parse(THAUM_PID)]);
    expect(derived.contactEmail).toBe("p.stibbons@uu.am");
    expect(derived.investigator).toBe("p.stibbons@uu.am");
    expect(derived.owner).toBe("Ponder Stibbons");
    expect(derived.ownerEmail).toBe("ponder@uu.am");
    expect(derived.orcidOfOwner).toBe("https://orcid.org/0000-0002-1825-0097");
    expect(derived.techniques).toStrictEqual([new Technique({ name: "thaumometry", pid: "T-1" })]);
    for (const name of ["ownerGroup", "accessGroups", "name", "description", "comment", "usedSoftware", "sourceFolder", "pid"]) {
      expect(derived.get(name as never)).toBeNull();
    }
    expect(derived.principalInvestigator).toBeNull();
    expect(derived.creationTime?.getTime()).toBeGreaterThanOrEqual(before);
    expect(derived.files).toEqual([]);
    expect(derived.attachments).toEqual([]);
    expect(derived.meta).toEqual({});
  });

  it("keeps the given fields only", () => {
    const derived = thaumDataset().derive({ keep: ["ownerGroup", "accessGroups", "name"] });
    expect(derived.ownerGroup).toBe("uu");
    expect(derived.accessGroups).toEqual(["faculty"]);
    expect(derived.name).toBe("Thaum flux");
    expect(derived.contactEmail).toBeNull();
    expect(derived.owner).toBeNull();
    expect(derived.investigator).toBeNull();
  });

  it("keeps nothing", () => {
    const derived = thaumDataset().derive({ keep: [] });
    const set = derived.items().filter(([, v]) => v !== null).map(([k]) => k).sort();
    expect(set).toEqual(["creationTime", "inputDatasets", "type"]);
  });

  it("drops kept fields that derived datasets do not have", () => {
    const derived = thaumDataset().derive({ keep: ["creationLocation", "owner"] });
    expect(derived.creationLocation).toBeNull();
    expect(derived.owner).toBe("Ponder Stibbons");
  });

  it("keeps investigator of a derived dataset", () => {
    const first = thaumDataset().derive();
    const second = first.replace({ investigator: "Ridcully" }, { readOnly: { pid: "p/first" } }).derive();
    expect(second.investigator).toBe("Ridcully");
    expect(second.inputDatasets).toStrictEqual([PID.parse("p/first")]);
  });

  it("drops files and attachments", () => {
    const derived = thaumDataset([{ caption: "c", ownerGroup: "uu" }]).derive();
    expect(derived.files).toEqual([]);
    expect(derived.attachments).toEqual([]);
  });

  it("requires a pid", () => {
    expect(() => minimalRaw().derive()).toThrow(/pid/);
  });

  it("rejects read-only fields in keep", () => {
    expect(() => thaumDataset().derive({ keep: ["createdBy" as never] })).toThrow(/createdBy/);
  });
});

describe("datablock upload models", () => {
  it("are empty without files", async () => {
    expect(await minimalRaw().makeDatablockUploadModels()).toEqual([]);
  });

  it("have one entry with checksum, size, path and time for one file", async () => {
    const file = tmp.write("models/one/witchcraft.dat", "7.9 13 666");
    const mtime = new Date("2024-05-29T08:00:00.000Z");
    utimesSync(file, mtime, mtime);
    const dset = minimalRaw();
    dset.addLocalFiles(file, { basePath: path.dirname(file) });
    expect(await dset.makeDatablockUploadModels()).toStrictEqual([
      {
        dataFileList: [
          { path: "witchcraft.dat", size: 10, time: "2024-05-29T08:00:00.000Z", chk: hexDigest("blake2b", "7.9 13 666") },
        ],
        size: 10,
        chkAlg: "blake2b",
      },
    ]);
  });

  it("list two files of one block", async () => {
    const a = tmp.write("models/two/a.dat", "first file");
    const b = tmp.write("models/two/sub/b.dat", "second");
    const mtimeA = new Date("2023-01-01T00:00:00.000Z");
    const mtimeB = new Date("2023-02-02T02:02:02.000Z");
    utimesSync(a, mtimeA, mtimeA);
    utimesSync(b, mtimeB, mtimeB);
    const dset = minimalRaw();
    dset.addLocalFiles([a, b], { basePath: path.join(tmp.dir, "models/two") });
    const models = await dset.makeDatablockUploadModels();
    expect(models).toStrictEqual([
      {
        dataFileList: [
          { path: "a.dat", size: 10, time: "2023-01-01T00:00:00.000Z", chk: hexDigest("blake2b", "first file") },
          { path: "sub/b.dat", size: 6, time: "2023-02-02T02:02:02.000Z", chk: hexDigest("blake2b", "second") },
        ],
        size: 16,
        chkAlg: "blake2b",
      },
    ]);
  });

  it("have one entry per non-empty datablock, each with its algorithm", async () => {
    const a = tmp.write("models/blocks/a.dat", "in block one");
    const b = tmp.write("models/blocks/b.dat", "in block two");
    const dset = minimalRaw();
    dset.addLocalFiles(a, { basePath: path.dirname(a) });
    dset.addOrigDatablock({ checksumAlgorithm: "md5" });
    dset.addOrigDatablock({ checksumAlgorithm: "sha256" });
    dset.addLocalFiles(b, { basePath: path.dirname(b), datablock: 1 });
    const models = await dset.makeDatablockUploadModels();
    expect(models.map((m) => m.chkAlg)).toEqual(["blake2b", "md5"]);
    expect(models.map((m) => m.dataFileList.map((f) => f.chk))).toEqual([
      [hexDigest("blake2b", "in block one")],
      [hexDigest("md5", "in block two")],
    ]);
  });
});

describe("attachment upload models", () => {
  it("are made for each attachment", () => {
    const dset = minimalRaw();
    dset.attachments = [
      new Attachment({ caption: "Plot", ownerGroup: "wyrdsisters", thumbnail: new Thumbnail({ mime: "image/png", data: Buffer.from([1, 2]) }) }),
    ];
    expect(dset.makeAttachmentUploadModels()).toStrictEqual([
      { caption: "Plot", ownerGroup: "wyrdsisters", thumbnail: "data:image/png;base64,AQI=" },
    ]);
    dset.attachments = [];
    expect(dset.makeAttachmentUploadModels()).toEqual([]);
  });

  it("fail with a clear message when attachments are null", () => {
    const dset = thaumDataset(null);
    expect(() => dset.makeAttachmentUploadModels()).toThrow(/not downloaded.*downloadAttachmentsFor/s);
  });

  it("attachments must be Attachment objects", () => {
    const dset = minimalRaw();
    expect(() => {
      dset.attachments = [{ caption: "x" } as never];
    }).toThrow(TypeError);
  });
});

describe("meta", () => {
  it("can be assigned an object only", () => {
    const dset = minimalRaw();
    dset.meta = { temperature: { value: 5, unit: "C" } };
    expect(dset.meta).toEqual({ temperature: { value: 5, unit: "C" } });
    expect(() => {
      dset.meta = [] as never;
    }).toThrow(TypeError);
    expect(() => {
      dset.meta = null as never;
    }).toThrow(TypeError);
  });
});

describe("toString", () => {
  it("lists the fields that hold a value, in table order", () => {
    const dset = new Dataset({
      type: "raw",
      name: "Spellpower",
      accessGroups: ["witches", "crones"],
      creationTime: "2024-05-29T08:17:09Z",
      sourceFolder: "/somewhere/on/remote",
      dataQualityMetrics: 3,
    }).replace({}, { readOnly: { pid: "20.500.12269/abc" } });
    expect(dset.toString()).toBe(
      "Dataset(type=raw, accessGroups=['witches', 'crones'], creationTime=2024-05-29 08:17:09+0000, " +
        "dataQualityMetrics=3, name=Spellpower, pid=20.500.12269/abc, sourceFolder=RemotePath('/somewhere/on/remote'))",
    );
  });

  it("shows only the type for an empty dataset", () => {
    expect(String(new Dataset({ type: "derived", creationTime: null }))).toBe("Dataset(type=derived)");
  });
});
