/**
 * Client reads, samples and attachments (intent of Scitacean's
 * tests/client/*), against the FakeClient and against HttpScicatClient with
 * the SciCat stand-in server; then the fake's own contract, fake only.
 */
import { Client } from "../../src/client/client";
import type { ScicatClient } from "../../src/client/scicat-client";
import { ScicatCommError, ValidationError } from "../../src/errors";
import { Attachment } from "../../src/model/attachment";
import { Sample } from "../../src/model/sample";
import type { UploadDataset } from "../../src/model/wire";
import { setupFakeClient, THAUM_FLUX_PID } from "../../src/testing/docs";
import { FakeClient } from "../../src/testing/fake-client";
import { FakeFileTransfer } from "../../src/testing/fake-file-transfer";
import { FAKE_PID_PREFIX, FakeScicatClient, type FakeScicatMethod } from "../../src/testing/fake-scicat-client";
import { PID } from "../../src/values/pid";
import { Thumbnail } from "../../src/values/thumbnail";
import { useBackends } from "./backends";
import { derivedDataset, recordLogs } from "./helpers";

const { backends } = useBackends();

let logs: ReturnType<typeof recordLogs>;
beforeEach(() => {
  logs = recordLogs();
});
afterEach(() => {
  logs.restore();
  jest.restoreAllMocks();
});

const SEED_PID = "20.500.12269/72fe3ff6-105b-4c7f-b9d0-073b67c90ec3";
const warnings = (): string[] => logs.records.filter((r) => r.level === "warning").map((r) => r.message);

describe.each(backends)("$name", (b) => {
  /** A client of `ponder` (group uu) with the "Thaum flux" seed in SciCat. */
  function seededClient(): Client {
    const client = b.makeClient();
    b.seedThaumFlux();
    return client;
  }

  describe("getDataset of the seed (scitacean-24.05 §4.5)", () => {
    it("has every seeded value", async () => {
      const client = seededClient();
      const dset = await client.getDataset(SEED_PID);
      expect(dset.pid!.equals(THAUM_FLUX_PID)).toBe(true);
      expect(dset.pid!.prefix).toBe("20.500.12269");
      expect(dset.pid!.pid).toBe("72fe3ff6-105b-4c7f-b9d0-073b67c90ec3");
      expect(dset.type).toBe("raw");
      expect(dset.name).toBe("Thaum flux");
      expect(dset.description).toBe("Measured the thaum flux");
      expect(dset.owner).toBe("Ponder Stibbons");
      expect(dset.ownerGroup).toBe("uu");
      expect(dset.accessGroups).toEqual(["faculty"]);
      expect(dset.principalInvestigator).toBe("p.stibbons@uu.am");
      expect(dset.contactEmail).toBe("p.stibbons@uu.am");
      expect(dset.creationLocation).toBe("UnseenUniversity");
      expect(dset.creationTime!.toISOString()).toBe("2022-06-29T14:01:05.000Z");
      expect(dset.createdBy).toBe("Ponder Stibbons");
      expect(dset.createdAt!.toISOString()).toBe("2022-08-17T14:20:23.675Z");
      expect(dset.updatedBy).toBe("anonymous");
      expect(dset.updatedAt!.toISOString()).toBe("2022-11-01T13:22:08.927Z");
      expect(dset.sourceFolder!.posix).toBe("/hex/ps/thaum");
      expect(dset.meta).toEqual({ data_type: "histogram", temperature: { value: "123", unit: "K" } });
      expect(dset.numberOfFiles).toBe(2);
      expect(dset.size).toBe(95);

      const files = dset.files;
      expect(files.map((f) => f.remotePath.posix)).toEqual(["flux.dat", "logs/measurement.log"]);
      expect(files.map((f) => f.size)).toEqual([20, 75]);
      expect(files.map((f) => f.localPath)).toEqual([null, null]);
      expect(files.map((f) => f.remoteAccessPath(dset.sourceFolder)!.posix)).toEqual([
        "/hex/ps/thaum/flux.dat",
        "/hex/ps/thaum/logs/measurement.log",
      ]);
      expect(files[0]!.creationTime.toISOString()).toBe("2022-08-17T13:54:12.000Z");
      expect(files[1]!.creationTime.toISOString()).toBe("2022-08-17T13:55:21.000Z");
      expect(dset.origDatablocks).toHaveLength(1);
      expect(dset.origDatablocks[0]!.datablockId).toBe("02dc390c-811c-4d6a-93bf-9f85a4214ca0");
      expect(dset.origDatablocks[0]!.checksumAlgorithm).toBeNull();
      // A well-formed seed reads without warnings.
      expect(warnings()).toEqual([]);
    });

    it("a record with broken and unknown fields reads, with one warning that names each problem once", async () => {
      const client = b.makeClient();
      const seed = setupFakeClient().datasets.get(SEED_PID)!;
      b.seedDataset({ ...seed, contactEmail: 42 as unknown as string, spellColour: "octarine" });
      const dset = await client.getDataset(SEED_PID);
      // Kept as SciCat sent it.
      expect(dset.contactEmail).toBe(42);
      expect(dset.name).toBe("Thaum flux");
      expect(warnings()).toHaveLength(1);
      const [warning] = warnings();
      expect(warning).toMatch(/^Validation of the dataset data that SciCat returned for 'getDatasetModel' failed: /);
      expect(warning).toContain("contactEmail: expected a string, got number;");
      expect(warning).toContain('spellColour: unknown field of a dataset (value "octarine")');
      expect(warning!.match(/contactEmail/g)).toHaveLength(1);
      expect(warning).not.toMatch(/\.\./);
    });

    it("a record without a type reads as raw, with a warning that says so", async () => {
      const client = b.makeClient();
      const { type: _type, ...untyped } = setupFakeClient().datasets.get(SEED_PID)!;
      b.seedDataset(untyped);
      const dset = await client.getDataset(SEED_PID);
      expect(dset.type).toBe("raw");
      expect(warnings()).toEqual([
        `Dataset ${SEED_PID} from SciCat has type undefined instead of 'raw' or 'derived'; it is read as a raw dataset.`,
      ]);
    });

    it("strictValidation turns a broken record into a ValidationError naming the field", async () => {
      const client = b.makeClient();
      const seed = setupFakeClient().datasets.get(SEED_PID)!;
      b.seedDataset({ ...seed, contactEmail: 42 as unknown as string });
      const error = await client.getDataset(SEED_PID, { strictValidation: true }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues).toEqual([{ field: "contactEmail", message: "expected a string, got number" }]);
    });

    it("accepts a PID or a string", async () => {
      const client = seededClient();
      const a = await client.getDataset(THAUM_FLUX_PID);
      const b2 = await client.getDataset(SEED_PID);
      expect(a.equals(b2)).toBe(true);
    });

    it("unknown pid → ScicatCommError naming it", async () => {
      const client = seededClient();
      const error = await client.getDataset("no/such").catch((e: Error) => e);
      expect(error).toBeInstanceOf(ScicatCommError);
      expect((error as Error).message).toContain("no/such");
    });

    it("attachments: null without the option, a list with it", async () => {
      const client = seededClient();
      expect((await client.getDataset(SEED_PID)).attachments).toBeNull();
      expect((await client.getDataset(SEED_PID, { attachments: false })).attachments).toBeNull();
      expect((await client.getDataset(SEED_PID, { attachments: true })).attachments).toEqual([]);

      // The fake keeps the given id; the stand-in assigns an id of its own.
      const id = b.seedAttachment({
        caption: "Flux plot",
        ownerGroup: "uu",
        id: "att-1",
        datasetId: SEED_PID,
        createdBy: "Ponder Stibbons",
      });
      const withAttachments = await client.getDataset(SEED_PID, { attachments: true });
      expect(withAttachments.attachments).toHaveLength(1);
      const [att] = withAttachments.attachments!;
      expect(att).toBeInstanceOf(Attachment);
      expect(att!.caption).toBe("Flux plot");
      expect(att!.id).toBe(id);
      expect(att!.datasetId!.toString()).toBe(SEED_PID);
      expect(att!.createdBy).toBe("Ponder Stibbons");
      expect((await client.getDataset(SEED_PID)).attachments).toBeNull();
    });

    it("returns copies: changing the result does not change SciCat's record", async () => {
      const client = seededClient();
      const dset = await client.getDataset(SEED_PID);
      dset.meta["data_type"] = "changed";
      dset.name = "Changed";
      const again = await client.getDataset(SEED_PID);
      expect(again.meta["data_type"]).toBe("histogram");
      expect(again.name).toBe("Thaum flux");
    });

    it("a dataset whose datablocks cannot be read comes without files and a warning (24.05 swallows ScicatCommError)", async () => {
      const client = b.makeClient({ refuse: { getOrigDatablocks: { status: 403, message: "Unauthorized access" } } });
      b.seedThaumFlux();
      const dset = await client.getDataset(SEED_PID);
      expect(dset.name).toBe("Thaum flux");
      expect(dset.files).toEqual([]);
      expect(warnings().some((w) => w.includes(SEED_PID) && w.includes("Unauthorized access"))).toBe(true);
    });

    it("other errors while reading datablocks are not swallowed", async () => {
      const client = seededClient();
      b.throwFrom(client, "getOrigDatablocks", new TypeError("bug"));
      await expect(client.getDataset(SEED_PID)).rejects.toThrow("bug");
    });
  });

  describe("samples", () => {
    it("uploadNewSampleNow ignores the given sampleId and returns the server's", async () => {
      const client = b.makeClient();
      const sample = new Sample({
        ownerGroup: "uu",
        sampleId: "my-own-id",
        description: "Octarine crystal",
        sampleCharacteristics: { colour: "octarine", mass: { value: 3, unit: "g" } },
      });
      const created = await client.uploadNewSampleNow(sample);
      expect(created.sampleId).not.toBeNull();
      expect(created.sampleId).not.toBe("my-own-id");
      expect(b.samples().has("my-own-id")).toBe(false);
      expect(b.samples().has(created.sampleId!)).toBe(true);
      expect(b.counts().samples).toBe(1);
      expect(created.description).toBe("Octarine crystal");
      expect(created.createdBy).toBe(b.createdBy());
      expect(sample.sampleId).toBe("my-own-id"); // input unchanged
    });

    it("getSample round trip", async () => {
      const client = b.makeClient();
      const created = await client.uploadNewSampleNow(
        new Sample({ ownerGroup: "uu", owner: "Ridcully", sampleCharacteristics: { a: [1, 2] }, isPublished: false }),
      );
      const fetched = await client.getSample(created.sampleId!);
      expect(fetched.equals(created)).toBe(true);
      expect(fetched.owner).toBe("Ridcully");
      expect(fetched.sampleCharacteristics).toEqual({ a: [1, 2] });
      expect(fetched.isPublished).toBe(false);
    });

    it("unknown sample → ScicatCommError", async () => {
      await expect(b.makeClient().getSample("nope")).rejects.toThrow(ScicatCommError);
    });

    it("a sample without ownerGroup is refused before it is sent", async () => {
      const client = b.makeClient();
      const create = jest.spyOn(client.scicat, "createSampleModel");
      await expect(client.uploadNewSampleNow(new Sample({} as never))).rejects.toThrow(/ownerGroup/);
      expect(create).not.toHaveBeenCalled();
      expect(b.counts().samples).toBe(0);
    });
  });

  describe("downloadAttachmentsFor", () => {
    it("needs a pid", async () => {
      const client = seededClient();
      await expect(client.downloadAttachmentsFor(derivedDataset())).rejects.toThrow(/no pid/);
    });

    it("fills in attachments of a dataset downloaded without them", async () => {
      const client = seededClient();
      await client.scicat.createAttachmentForDataset({ caption: "Flux plot", ownerGroup: "uu" }, { datasetId: SEED_PID });
      const dset = await client.getDataset(SEED_PID);
      expect(dset.attachments).toBeNull();
      const filled = await client.downloadAttachmentsFor(dset);
      expect(filled.attachments!.map((a) => a.caption)).toEqual(["Flux plot"]);
      expect(dset.attachments).toBeNull(); // input unchanged
      expect(warnings()).toEqual([]);
    });

    it("replaces existing attachments, with a warning", async () => {
      const client = seededClient();
      await client.scicat.createAttachmentForDataset({ caption: "On the server", ownerGroup: "uu" }, { datasetId: SEED_PID });
      const dset = (await client.getDataset(SEED_PID)).replace({
        attachments: [new Attachment({ caption: "Only local", ownerGroup: "uu" })],
      });
      const filled = await client.downloadAttachmentsFor(dset);
      expect(filled.attachments!.map((a) => a.caption)).toEqual(["On the server"]);
      expect(warnings()).toHaveLength(1);
      expect(warnings()[0]).toMatch(/already has attachments/);
    });
  });

  describe("createAttachmentForDataset on an existing dataset", () => {
    const thumb = new Thumbnail({ mime: "image/png", data: new Uint8Array([1, 2, 3, 4]) });

    it("accepts an Attachment", async () => {
      const client = seededClient();
      const created = await client.scicat.createAttachmentForDataset(
        new Attachment({ caption: "Detector image", ownerGroup: "uu", accessGroups: ["faculty"], thumbnail: thumb }),
        { datasetId: THAUM_FLUX_PID },
      );
      expect(created.datasetId).toBe(SEED_PID);
      expect(typeof created.id).toBe("string");
      expect(created.createdBy).toBe(b.createdBy());
      expect(created.updatedBy).toBe(b.createdBy());
      expect(created.thumbnail).toBe(thumb.serialize());
      const dset = await client.getDataset(SEED_PID, { attachments: true });
      expect(dset.attachments!.map((a) => [a.caption, a.id])).toEqual([["Detector image", created.id]]);
      expect(dset.attachments![0]!.thumbnail!.serialize()).toBe(thumb.serialize());
      expect(b.attachmentsOf(SEED_PID).map((a) => a.id)).toEqual([created.id]);
    });

    it("unknown dataset → ScicatCommError, nothing stored", async () => {
      const client = seededClient();
      await expect(
        client.scicat.createAttachmentForDataset({ caption: "x", ownerGroup: "uu" }, { datasetId: "no/such" }),
      ).rejects.toThrow(ScicatCommError);
      expect(b.counts().attachments).toBe(0);
    });

    it("a downloaded attachment (read-only fields set) is refused", async () => {
      const client = seededClient();
      await client.scicat.createAttachmentForDataset({ caption: "First", ownerGroup: "uu" }, { datasetId: SEED_PID });
      const [downloaded] = (await client.getDataset(SEED_PID, { attachments: true })).attachments!;
      await expect(client.scicat.createAttachmentForDataset(downloaded!, { datasetId: SEED_PID })).rejects.toThrow(
        /came from SciCat/,
      );
      expect(b.attachmentsOf(SEED_PID)).toHaveLength(1);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The fake's own contract: its seed helper, `disable`, its factories and stores, and what it
// stores. These are about FakeClient / FakeScicatClient themselves, so they run on the fake only.

describe("FakeClient only", () => {
  describe("disable", () => {
    const pid = PID.parse(SEED_PID);
    const uploadDataset = (): UploadDataset => derivedDataset().makeUploadModel();
    const calls: Record<FakeScicatMethod, (s: ScicatClient) => Promise<unknown>> = {
      getDatasetModel: (s) => s.getDatasetModel(pid),
      getOrigDatablocks: (s) => s.getOrigDatablocks(pid),
      getAttachmentsForDataset: (s) => s.getAttachmentsForDataset(pid),
      getSampleModel: (s) => s.getSampleModel("sample-1"),
      queryDatasets: (s) => s.queryDatasets({ datasetName: "Thaum flux" }),
      createDatasetModel: (s) => s.createDatasetModel(uploadDataset()),
      createOrigDatablock: (s) =>
        s.createOrigDatablock({ dataFileList: [{ path: "a", size: 1, time: "2020-01-01T00:00:00Z" }], size: 1 }, { datasetId: pid }),
      createAttachmentForDataset: (s) => s.createAttachmentForDataset({ caption: "c", ownerGroup: "uu" }, { datasetId: pid }),
      createSampleModel: (s) => s.createSampleModel({ ownerGroup: "uu", sampleId: "sample-2" }),
      validateDatasetModel: (s) => s.validateDatasetModel(uploadDataset()),
    };

    it.each(Object.keys(calls) as FakeScicatMethod[])("%s throws the given error and does nothing else", async (method) => {
      const error = new RangeError(`custom failure of ${method}`);
      const seeded = (): FakeClient => {
        const c = setupFakeClient();
        c.samples.set("sample-1", { ownerGroup: "uu", sampleId: "sample-1" });
        return c;
      };
      const client = seeded();
      const before = JSON.stringify([
        [...client.datasets],
        [...client.origDatablocks],
        [...client.attachments],
        [...client.samples],
      ]);
      // It works when enabled …
      await expect(calls[method](seeded().scicat)).resolves.not.toThrow();
      // … and throws exactly the given error when disabled.
      const disabled = new FakeClient({ disable: { [method]: error } });
      await expect(calls[method](disabled.scicat)).rejects.toBe(error);
      client.scicat.disabled.set(method, error);
      await expect(calls[method](client.scicat)).rejects.toBe(error);
      const after = JSON.stringify([
        [...client.datasets],
        [...client.origDatablocks],
        [...client.attachments],
        [...client.samples],
      ]);
      expect(after).toBe(before);
    });

    it("leaves the other methods working", async () => {
      const client = new FakeClient({ disable: { getSampleModel: new Error("no samples") } });
      await expect(client.scicat.validateDatasetModel(uploadDataset())).resolves.toBeUndefined();
      await expect(client.getSample("x")).rejects.toThrow("no samples");
    });
  });

  describe("FakeClient factories", () => {
    it("ignore url and credentials and never touch the network", async () => {
      const transfer = new FakeFileTransfer();
      const clients = [
        FakeClient.fromToken({ url: "https://does.not.exist.invalid/api/v3", token: "not-a-jwt", fileTransfer: transfer }),
        await FakeClient.fromCredentials({ url: "", username: "ridcully", password: "wrong", fileTransfer: transfer }),
        FakeClient.withoutLogin({ url: "::not a url::", fileTransfer: transfer }),
        new FakeClient({ fileTransfer: transfer }),
      ];
      for (const client of clients) {
        expect(client).toBeInstanceOf(Client);
        expect(client.fileTransfer).toBe(transfer);
        expect(client.scicat).toBeInstanceOf(FakeScicatClient);
        const finalized = await client.uploadNewDatasetNow(derivedDataset());
        expect(client.datasets.has(finalized.pid!)).toBe(true);
      }
      // Each client has its own store.
      expect(clients.map((c) => c.datasets.size)).toEqual([1, 1, 1, 1]);
    });

    it("without a file transfer have fileTransfer === null", () => {
      expect(FakeClient.withoutLogin({ url: "" }).fileTransfer).toBeNull();
      expect(new FakeClient().fileTransfer).toBeNull();
    });

    it("expose the fake's stores", () => {
      const client = new FakeClient();
      expect(client.datasets).toBe(client.scicat.datasets);
      expect(client.origDatablocks).toBe(client.scicat.origDatablocks);
      expect(client.attachments).toBe(client.scicat.attachments);
      expect(client.samples).toBe(client.scicat.samples);
    });
  });

  describe("samples in the fake", () => {
    // The fake's own rule and message; the stand-in answers a duplicate id with a bare 500, as the backend does.
    it("the fake SciCat rejects a duplicate sample id", async () => {
      const client = new FakeClient();
      await client.scicat.createSampleModel({ ownerGroup: "uu", sampleId: "s-1" });
      const error = await client.scicat.createSampleModel({ ownerGroup: "other", sampleId: "s-1" }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(ScicatCommError);
      expect((error as Error).message).toContain("s-1");
      expect(client.samples.get("s-1")!.ownerGroup).toBe("uu");
    });
  });

  describe("attachments in the fake", () => {
    // Keeping a client-given id is the fake's behaviour; the stand-in assigns its own.
    it("createAttachmentForDataset accepts an upload model and keeps a given id", async () => {
      const client = setupFakeClient();
      const created = await client.scicat.createAttachmentForDataset(
        { caption: "Model", ownerGroup: "uu", id: "given-id" },
        { datasetId: SEED_PID },
      );
      expect(created.id).toBe("given-id");
      expect(client.attachments.get(SEED_PID)!.map((a) => a.id)).toEqual(["given-id"]);
    });
  });

  describe("setupFakeClient", () => {
    // The tutorials' seed client itself (its records are read over both backends above).
    it("seeds the Thaum flux dataset with its files on the fake file transfer", async () => {
      const client = setupFakeClient();
      const dset = await client.getDataset(SEED_PID);
      expect(dset.name).toBe("Thaum flux");
      expect([...client.fileTransfer.files.keys()].sort()).toEqual(
        dset.files.map((f) => f.remoteAccessPath(dset.sourceFolder)!.posix).sort(),
      );
    });
  });

  describe("records the fake creates", () => {
    it("carry createdBy 'fake', timestamps and a PID.prefix.a0b1 pid", async () => {
      const client = new FakeClient();
      const before = Date.now();
      const created = await client.scicat.createDatasetModel(derivedDataset().makeUploadModel());
      expect(FAKE_PID_PREFIX).toBe("PID.prefix.a0b1");
      const pid = PID.parse(created.pid!);
      expect(pid.prefix).toBe("PID.prefix.a0b1");
      expect(pid.pid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(created["createdBy"]).toBe("fake");
      expect(created["updatedBy"]).toBe("fake");
      expect(created["createdAt"]).toBe(created["updatedAt"]);
      expect(Date.parse(created["createdAt"] as string)).toBeGreaterThanOrEqual(before - 1000);

      const block = await client.scicat.createOrigDatablock(
        { dataFileList: [{ path: "a.dat", size: 1, time: "2020-01-01T00:00:00Z" }], size: 1, chkAlg: "md5" },
        { datasetId: pid },
      );
      expect(block.createdBy).toBe("fake");
      expect(block.datasetId).toBe(created.pid);
      expect(block.accessGroups).toEqual(["group1", "2nd_group"]);
      expect(typeof block._id).toBe("string");

      const sample = await client.scicat.createSampleModel({ ownerGroup: "uu" });
      expect(sample.createdBy).toBe("fake");
      expect(typeof sample.sampleId).toBe("string");
    });

    it("a datablock for an unknown dataset → ScicatCommError", async () => {
      const client = new FakeClient();
      await expect(
        client.scicat.createOrigDatablock({ dataFileList: [], size: 0 }, { datasetId: "no/such" }),
      ).rejects.toThrow(ScicatCommError);
      expect(client.origDatablocks.size).toBe(0);
    });

    it("stored records are copies of what was sent and of what is returned", async () => {
      const client = new FakeClient();
      const model = derivedDataset().makeUploadModel();
      const created = await client.scicat.createDatasetModel(model);
      (model as Record<string, unknown>)["datasetName"] = "changed after sending";
      created["datasetName"] = "changed in the response";
      expect(client.datasets.get(created.pid!)!["datasetName"]).toBe("Data A38");
    });
  });
});
