/**
 * The same ScicatClient-level behaviour from the in-memory fake and from the
 * HTTP client talking to the stand-in server: what tests pass against the
 * fake should hold against a server.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Client } from "../../src/client/client";
import { HttpScicatClient } from "../../src/client/http";
import type { ScicatClient } from "../../src/client/scicat-client";
import { ScicatCommError } from "../../src/errors";
import { Attachment } from "../../src/model/attachment";
import { Dataset } from "../../src/model/dataset";
import type { DownloadDataset, UploadSample } from "../../src/model/wire";
import { PID } from "../../src/values/pid";
import { RemotePath } from "../../src/values/remote-path";
import { Thumbnail } from "../../src/values/thumbnail";
import { FakeFileTransfer } from "../../src/testing/fake-file-transfer";
import { FakeScicatClient } from "../../src/testing/fake-scicat-client";
import { ScicatServer } from "../../src/testing/scicat-server";
import { captureLogs, datablockUploadModel, PNG_1X1, rawUploadModel, type CapturedLogs } from "./helpers";
import { guideDatasetInit } from "../fixtures/guide";

// The 24.05 sample model has no sampleName, which v5 requires; this server behaves like 4.x there.
const server = new ScicatServer({ requireSampleName: false });
beforeAll(() => server.start());
afterAll(() => server.stop());
beforeEach(() => server.reset());
afterEach(() => expect(server.unexpectedErrors).toEqual([]));

const implementations: Array<[string, () => ScicatClient]> = [
  ["FakeScicatClient", () => new FakeScicatClient()],
  ["HttpScicatClient", () => HttpScicatClient.fromToken({ url: server.url, token: server.issueToken("ponder") })],
];

/** The upload fields as they come back, for comparing created and fetched records. */
function subset(record: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in record).map((k) => [k, record[k]]));
}

describe.each(implementations)("%s", (_name, make) => {
  let scicat: ScicatClient;
  let logs: CapturedLogs;
  beforeEach(() => {
    scicat = make();
    logs = captureLogs();
  });
  afterEach(() => {
    // Reads must not find anything odd in what the same implementation wrote.
    expect(logs.at("warning")).toEqual([]);
    logs.restore();
  });

  test("create and get a dataset", async () => {
    const upload = rawUploadModel();
    await scicat.validateDatasetModel(upload);
    const created = await scicat.createDatasetModel(upload);
    expect(typeof created.pid).toBe("string");
    expect(PID.parse(created.pid as string).prefix).toBe("PID.prefix.a0b1");
    expect(created).toMatchObject({ createdBy: expect.any(String), createdAt: expect.any(String) });
    // Metadata is compared separately: SciCat adds SI values to quantities.
    const { scientificMetadata: _metadata, ...fields } = upload;
    const keys = Object.keys(fields);
    expect(subset(created, keys)).toEqual(fields);
    const fetched = await scicat.getDatasetModel(created.pid as string);
    expect(subset(fetched, keys)).toEqual(fields);
    expect(fetched.scientificMetadata).toMatchObject({ data_type: "histogram", temperature: { value: 123, unit: "K" } });
  });

  test("orig datablocks", async () => {
    const { pid } = await scicat.createDatasetModel(rawUploadModel());
    const upload = datablockUploadModel();
    const created = await scicat.createOrigDatablock(upload, { datasetId: pid as string });
    expect(created).toMatchObject({ ...upload, datasetId: pid, ownerGroup: "uu", accessGroups: ["faculty"] });
    const blocks = await scicat.getOrigDatablocks(pid as string);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ _id: created._id, ...upload });
  });

  test("attachments", async () => {
    const { pid } = await scicat.createDatasetModel(rawUploadModel());
    const thumbnail = new Thumbnail({ mime: "image/png", data: PNG_1X1 });
    for (const caption of ["Flux plot", "Detector image"]) {
      const created = await scicat.createAttachmentForDataset(new Attachment({ caption, ownerGroup: "uu", thumbnail }), {
        datasetId: pid as string,
      });
      expect(created).toMatchObject({ caption, datasetId: pid, thumbnail: thumbnail.serialize() });
      expect(typeof created.id).toBe("string");
    }
    const attachments = await scicat.getAttachmentsForDataset(pid as string);
    expect(attachments.map((a) => a.caption).sort()).toEqual(["Detector image", "Flux plot"]);
  });

  test("samples", async () => {
    const upload: UploadSample = { ownerGroup: "uu", description: "Octarine crystal", owner: "Ponder Stibbons" };
    const created = await scicat.createSampleModel(upload);
    expect(created).toMatchObject(upload);
    expect(typeof created.sampleId).toBe("string");
    expect(await scicat.getSampleModel(created.sampleId as string)).toEqual(created);
  });

  describe("queryDatasets (experimental, as in Scitacean)", () => {
    // Three datasets of two owners in two folders.
    const seed = [
      { name: "b-second", owner: "Ponder Stibbons", sourceFolder: "/hex/query/one" },
      { name: "a-first", owner: "Ponder Stibbons", sourceFolder: "/hex/query/two" },
      { name: "c-third", owner: "Mustrum Ridcully", sourceFolder: "/hex/query/one" },
    ];
    const names = (found: readonly DownloadDataset[]): unknown[] => found.map((d) => d.datasetName);
    let pids: string[];
    beforeEach(async () => {
      pids = [];
      for (const { name, ...fields } of seed) {
        pids.push((await scicat.createDatasetModel({ ...rawUploadModel({ name }), ...fields })).pid as string);
      }
    });

    test("by one field", async () => {
      expect(names(await scicat.queryDatasets({ datasetName: "a-first" }))).toEqual(["a-first"]);
      expect(names(await scicat.queryDatasets({ datasetName: "no such name" }))).toEqual([]);
    });

    test("by several fields, all of which must match", async () => {
      const found = await scicat.queryDatasets({ owner: "Ponder Stibbons", sourceFolder: "/hex/query/one" });
      expect(names(found)).toEqual(["b-second"]);
    });

    test("with PID and RemotePath values", async () => {
      expect(names(await scicat.queryDatasets({ pid: PID.parse(pids[2] as string) }))).toEqual(["c-third"]);
      const inFolder = await scicat.queryDatasets({ sourceFolder: new RemotePath("/hex/query/one") }, { order: "datasetName:asc" });
      expect(names(inFolder)).toEqual(["b-second", "c-third"]);
    });

    test("ordered either way, and limited", async () => {
      const all = { keywords: "thaum" };
      expect(names(await scicat.queryDatasets(all, { order: "datasetName:asc" }))).toEqual(["a-first", "b-second", "c-third"]);
      expect(names(await scicat.queryDatasets(all, { order: "datasetName:desc" }))).toEqual(["c-third", "b-second", "a-first"]);
      expect(names(await scicat.queryDatasets(all, { order: "datasetName:asc", limit: 2 }))).toEqual(["a-first", "b-second"]);
      expect(names(await scicat.queryDatasets(all, { order: "datasetName:desc", limit: 1 }))).toEqual(["c-third"]);
    });

    test("a limit needs an order", async () => {
      await expect(scicat.queryDatasets({}, { limit: 1 })).rejects.toThrow("`order` is required when `limit` is specified.");
    });

    test("no fields finds every dataset", async () => {
      const found = await scicat.queryDatasets({});
      expect(found.map((d) => d.pid).sort()).toEqual(expect.arrayContaining([...pids].sort()));
      expect(names(found)).toEqual(expect.arrayContaining(["a-first", "b-second", "c-third"]));
    });
  });

  test("unknown ids are ScicatCommErrors", async () => {
    const missing = "PID.prefix.a0b1/00000000-0000-0000-0000-000000000000";
    await expect(scicat.getDatasetModel(missing)).rejects.toThrow(ScicatCommError);
    await expect(scicat.getOrigDatablocks(missing)).rejects.toThrow(ScicatCommError);
    await expect(scicat.getSampleModel("no-such-sample")).rejects.toThrow(ScicatCommError);
    await expect(scicat.createOrigDatablock(datablockUploadModel(), { datasetId: missing })).rejects.toThrow(ScicatCommError);
    await expect(
      scicat.createAttachmentForDataset({ caption: "x", ownerGroup: "uu" }, { datasetId: missing }),
    ).rejects.toThrow(ScicatCommError);
  });
});

describe("Client with HttpScicatClient, end to end", () => {
  let workdir: string;
  beforeEach(async () => {
    workdir = await mkdtemp(path.join(tmpdir(), "scitacean-http-"));
  });
  afterEach(() => rm(workdir, { recursive: true, force: true }));

  test("uploads the guide's dataset with its file and attachment, and downloads it again", async () => {
    // The guide's owner group is "wyrdsisters": log in as a member (an LDAP account).
    const scicat = await HttpScicatClient.fromCredentials({ url: server.url, username: "nanny", password: "wyrd-sisters-pw" });
    const fileTransfer = new FakeFileTransfer();
    const client = new Client({ scicat, fileTransfer });
    await writeFile(path.join(workdir, "witchcraft.dat"), "7.9 13 666");

    const dset = new Dataset(guideDatasetInit());
    dset.addLocalFiles(path.join(workdir, "witchcraft.dat"), { basePath: workdir });
    dset.attachments?.push(
      new Attachment({
        caption: "Scitacean logo",
        ownerGroup: "wyrdsisters",
        thumbnail: new Thumbnail({ mime: "image/png", data: PNG_1X1 }),
      }),
    );

    const logs = captureLogs();
    let finalized: Dataset;
    try {
      finalized = await client.uploadNewDatasetNow(dset);
    } finally {
      logs.restore();
    }
    expect(logs.at("warning")).toEqual([]);
    expect(logs.at("error")).toEqual([]);

    const pid = String(finalized.pid);
    expect(finalized.pid?.prefix).toBe("PID.prefix.a0b1");
    expect(finalized.createdBy).toBe("nanny");
    expect(finalized.files.map((f) => f.remotePath.posix)).toEqual(["witchcraft.dat"]);
    expect([...fileTransfer.files.keys()]).toEqual(["/somewhere/on/remote/witchcraft.dat"]);

    // What the server recorded.
    expect(server.requests.map((r) => r.route).filter((r) => r !== null && !/\/(auth|users)\//.test(r))).toEqual([
      "POST /datasets/isValid",
      "POST /datasets",
      "POST /datasets/:pid/origdatablocks",
      "POST /datasets/:pid/attachments",
    ]);
    expect(server.datasets.get(pid)).toMatchObject({
      datasetName: "Spellpower of the Three Witches",
      type: "raw",
      ownerGroup: "wyrdsisters",
      accessGroups: ["witches"],
      owner: "Nanny Ogg",
      principalInvestigators: ["Esme Weatherwax"],
      contactEmail: "nogg@wyrd.lancre",
      creationLocation: "lancre/whichhut",
      dataFormat: "space-separated",
      sourceFolder: "/somewhere/on/remote",
      numberOfFiles: 1,
      size: 10,
      createdBy: "nanny",
    });
    const [block, ...moreBlocks] = server.origDatablocksOf(pid);
    expect(moreBlocks).toEqual([]);
    expect(block).toMatchObject({ datasetId: pid, size: 10, chkAlg: "blake2b", ownerGroup: "wyrdsisters" });
    expect(block?.["dataFileList"]).toEqual([
      expect.objectContaining({ path: "witchcraft.dat", size: 10, chk: expect.stringMatching(/^[0-9a-f]{128}$/) }),
    ]);
    const [attachment, ...moreAttachments] = server.attachmentsOf(pid);
    expect(moreAttachments).toEqual([]);
    expect(attachment).toMatchObject({ caption: "Scitacean logo", ownerGroup: "wyrdsisters", createdBy: "nanny" });
    expect(attachment?.["thumbnail"]).toBe(`data:image/png;base64,${PNG_1X1.toString("base64")}`);

    const downloaded = await client.getDataset(pid, { attachments: true });
    expect(downloaded.name).toBe("Spellpower of the Three Witches");
    expect(downloaded.principalInvestigator).toBe("Esme Weatherwax");
    expect(downloaded.files.map((f) => [f.remotePath.posix, f.size])).toEqual([["witchcraft.dat", 10]]);
    expect(downloaded.attachments?.map((a) => [a.caption, String(a.datasetId)])).toEqual([["Scitacean logo", pid]]);
  });

  test("a failed dataset creation removes the uploaded files again", async () => {
    const scicat = HttpScicatClient.fromToken({ url: server.url, token: server.issueToken("ponder") });
    const fileTransfer = new FakeFileTransfer();
    const client = new Client({ scicat, fileTransfer });
    await writeFile(path.join(workdir, "flux.dat"), "5 4 9 11 15 12 7 6 1");
    const dset = new Dataset({
      type: "raw",
      ownerGroup: "uu",
      owner: "Ponder Stibbons",
      principalInvestigator: "Ponder Stibbons",
      contactEmail: "p.stibbons@uu.am",
      creationLocation: "UnseenUniversity",
      sourceFolder: "/hex/ps/again",
    });
    dset.addLocalFiles(path.join(workdir, "flux.dat"), { basePath: workdir });
    server.failNext("POST /datasets", 500);
    const logs = captureLogs();
    try {
      await expect(client.uploadNewDatasetNow(dset)).rejects.toThrow(/createDatasetModel.*500.*Internal server error/);
    } finally {
      logs.restore();
    }
    expect(fileTransfer.files.size).toBe(0);
    expect([...fileTransfer.reverted.keys()]).toEqual(["/hex/ps/again/flux.dat"]);
    expect(server.datasets.size).toBe(0);
  });
});
