/**
 * Client.uploadNewDatasetNow (intent of Scitacean's tests/upload_test.py,
 * with the order and fixes of the 24.05 port brief), against the FakeClient
 * and against HttpScicatClient with the SciCat stand-in server.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { FileUploadError, PartialUploadError, ScicatCommError, ValidationError } from "../../src/errors";
import { Attachment } from "../../src/model/attachment";
import { Dataset } from "../../src/model/dataset";
import { File } from "../../src/model/file";
import type { Client, UploadProgress } from "../../src/client/client";
import { FakeFileTransfer } from "../../src/testing/fake-file-transfer";
import { Thumbnail } from "../../src/values/thumbnail";
import { transferOf, useBackends, type MakeClientOptions } from "./backends";
import { blake2b, derivedDataset, makeTempDir, rawDataset, recordLogs, removeTempDir, writeFile } from "./helpers";

const NXS = "contents of file.nxs";
const LOG = "this is a log file";
const DEEP = "deep inside the folders";

const { backends } = useBackends();

let dir: string;
let logs: ReturnType<typeof recordLogs>;

beforeEach(() => {
  dir = makeTempDir("scitacean-upload-");
  logs = recordLogs();
});

afterEach(() => {
  logs.restore();
  removeTempDir(dir);
  jest.restoreAllMocks();
});

/** A derived dataset with two local files (as in upload_test.py) and one in a sub-folder. */
function datasetWithFiles(options: { subFolder?: boolean } = {}): Dataset {
  const dset = derivedDataset();
  writeFile(dir, "data/file.nxs", NXS);
  writeFile(dir, "data/the_log_file.log", LOG);
  const paths = [path.join(dir, "data/file.nxs"), path.join(dir, "data/the_log_file.log")];
  if (options.subFolder) {
    writeFile(dir, "data/sub/deeper/deep.txt", DEEP);
    paths.push(path.join(dir, "data/sub/deeper/deep.txt"));
  }
  dset.addLocalFiles(paths, { basePath: path.join(dir, "data") });
  return dset;
}

function thumbnail(): Thumbnail {
  return new Thumbnail({ mime: "image/png", data: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]) });
}

function withAttachments(dset: Dataset, count = 2): Dataset {
  dset.attachments = Array.from(
    { length: count },
    (_, i) => new Attachment({ caption: `Attachment ${i + 1}`, ownerGroup: "uu", thumbnail: thumbnail() }),
  );
  return dset;
}

/** A copy with the attachments sorted by caption, for comparing attachment lists whatever their order. */
function inCaptionOrder(dset: Dataset): Dataset {
  if (dset.attachments === null) return dset;
  return dset.replace({ attachments: [...dset.attachments].sort((x, y) => x.caption.localeCompare(y.caption)) });
}

describe.each(backends)("$name", (b) => {
  /** A client of this backend with a FakeFileTransfer (or the given transfer, or none for `null`). */
  function makeClient(options: { transfer?: FakeFileTransfer | null } & Omit<MakeClientOptions, "fileTransfer"> = {}): Client {
    const { transfer, ...rest } = options;
    return b.makeClient({ ...rest, fileTransfer: transfer === undefined ? new FakeFileTransfer() : transfer });
  }

  /** Nothing was created in SciCat. */
  function expectNothingCreated(): void {
    expect(b.counts()).toMatchObject({ datasets: 0, origDatablocks: 0, attachments: 0 });
  }

  /** The stored dataset of `pid`. */
  const storedDataset = (pid: unknown) => b.datasets().get(String(pid));

  describe("the returned dataset", () => {
    it.each([
      ["with files and attachments", true, true],
      ["with files, without attachments", true, false],
      ["without files, with attachments", false, true],
      ["without files and attachments", false, false],
    ])("equals a re-download %s", async (_label, files, attachments) => {
      let dset = files ? datasetWithFiles({ subFolder: true }) : derivedDataset();
      if (attachments) dset = withAttachments(dset);
      const client = makeClient();
      const finalized = await client.uploadNewDatasetNow(dset);

      expect(finalized.pid).not.toBeNull();
      const downloaded = await client.getDataset(finalized.pid!, { attachments: true });
      // SciCat lists attachments newest first (the stand-in as the backend); the upload returns them in
      // upload order. Everything else, and the attachments themselves, must be equal.
      expect(inCaptionOrder(finalized).equals(inCaptionOrder(downloaded))).toBe(true);
      expect(inCaptionOrder(downloaded).equals(inCaptionOrder(finalized))).toBe(true);
      expect(finalized.attachments!.map((a) => a.caption)).toEqual(attachments ? ["Attachment 1", "Attachment 2"] : []);
      expect(finalized.files).toHaveLength(files ? 3 : 0);
      expect(finalized.attachments).toHaveLength(attachments ? 2 : 0);
      // Fields the user set survive the round trip.
      expect(downloaded.name).toBe("Data A38");
      expect(downloaded.usedSoftware).toEqual(["EasyScience"]);
      expect(downloaded.meta).toEqual(dset.meta);
      // Files of the result are remote-only, as in Scitacean.
      for (const f of finalized.files) {
        expect(f.localPath).toBeNull();
        expect(f.isOnRemote).toBe(true);
      }
    });

    it("is a new dataset with the server's pid and fields; the input is unchanged", async () => {
      const dset = datasetWithFiles();
      const client = makeClient();
      const finalized = await client.uploadNewDatasetNow(dset);
      expect(finalized.pid!.prefix).toBe(b.pidPrefix);
      expect(finalized.createdBy).toBe(b.createdBy());
      expect(finalized.updatedBy).toBe(b.createdBy());
      expect(finalized.createdAt).toBeInstanceOf(Date);
      expect(dset.pid).toBeNull();
      expect(dset.files.every((f) => f.isOnLocal && !f.isOnRemote)).toBe(true);
      // Uploading again makes another dataset (Scitacean semantics) — here into a fresh folder.
      const again = await client.uploadNewDatasetNow(dset.replace({ sourceFolder: "/hex/source124" }));
      expect(again.pid!.equals(finalized.pid)).toBe(false);
      expect(b.counts().datasets).toBe(2);
    });
  });

  describe("remote-only files", () => {
    it("need no file transfer and are registered in the datablock", async () => {
      const dset = derivedDataset();
      dset.addFiles([
        File.fromRemote({ remotePath: "already/there.h5", size: 1234, creationTime: "2020-01-02T03:04:05Z" }),
        File.fromRemote({ remotePath: "other.txt", size: 5, creationTime: "2020-01-02T03:04:05Z" }),
      ]);
      const client = makeClient({ transfer: null });
      expect(client.fileTransfer).toBeNull();
      const finalized = await client.uploadNewDatasetNow(dset);

      const downloaded = await client.getDataset(finalized.pid!, { attachments: true });
      expect(finalized.equals(downloaded)).toBe(true);
      const blocks = b.origDatablocksOf(finalized.pid);
      expect(blocks).toHaveLength(1);
      expect(blocks[0]!.dataFileList!.map((f) => [f.path, f.size])).toEqual([
        ["already/there.h5", 1234],
        ["other.txt", 5],
      ]);
      expect(storedDataset(finalized.pid)!.size).toBe(1239);
      expect(storedDataset(finalized.pid)!.numberOfFiles).toBe(2);
    });

    it("local files without a file transfer fail with a clear message before anything is created", async () => {
      const client = makeClient({ transfer: null });
      await expect(client.uploadNewDatasetNow(datasetWithFiles())).rejects.toThrow(/no file transfer/);
      expectNothingCreated();
    });
  });

  describe("a file both on local and remote", () => {
    it("is rejected with a message naming it, and nothing is written", async () => {
      const dset = derivedDataset();
      const local = writeFile(dir, "both.dat", "I am everywhere");
      dset.addFiles(File.fromLocal(local, { basePath: dir }).uploaded());
      const client = makeClient();
      const error = await client.uploadNewDatasetNow(dset).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/both\.dat/);
      expect((error as Error).message).toMatch(/both local and remote/);
      expect((error as Error).message).toMatch(/File\.fromLocal/);
      expectNothingCreated();
      expect(transferOf(client).files.size).toBe(0);
    });

    it("is rejected even without a file transfer", async () => {
      const dset = derivedDataset();
      dset.addFiles(File.fromLocal(writeFile(dir, "both.dat", "x"), { basePath: dir }).uploaded());
      const client = makeClient({ transfer: null });
      await expect(client.uploadNewDatasetNow(dset)).rejects.toThrow(/both\.dat.*both local and remote/);
      expectNothingCreated();
    });
  });

  describe("records created in SciCat", () => {
    it("dataset and datablock, with blake2b checksums computed from the contents", async () => {
      const dset = datasetWithFiles({ subFolder: true });
      const client = makeClient();
      const finalized = await client.uploadNewDatasetNow(dset);
      const pid = finalized.pid!;

      const stored = storedDataset(pid)!;
      expect(stored.pid).toBe(pid.toString());
      expect(stored.type).toBe("derived");
      expect(stored["datasetName"]).toBe("Data A38");
      expect(stored["sourceFolder"]).toBe("/hex/source123");
      expect(stored.numberOfFiles).toBe(3);
      expect(stored.size).toBe(NXS.length + LOG.length + DEEP.length);
      expect(stored.scientificMetadata).toEqual(dset.meta);
      expect(stored["createdBy"]).toBe(b.createdBy());

      const blocks = b.origDatablocksOf(pid);
      expect(blocks).toHaveLength(1);
      const block = blocks[0]!;
      expect(block.chkAlg).toBe("blake2b");
      expect(block.datasetId).toBe(pid.toString());
      expect(block.size).toBe(NXS.length + LOG.length + DEEP.length);
      expect(block.createdBy).toBe(b.createdBy());
      const files = Object.fromEntries(block.dataFileList!.map((f) => [f.path, f]));
      expect(Object.keys(files).sort()).toEqual(["file.nxs", "sub/deeper/deep.txt", "the_log_file.log"]);
      expect(files["file.nxs"]!.chk).toBe(blake2b(NXS));
      expect(files["file.nxs"]!.size).toBe(NXS.length);
      expect(files["the_log_file.log"]!.chk).toBe(blake2b(LOG));
      expect(files["the_log_file.log"]!.size).toBe(LOG.length);
      expect(files["sub/deeper/deep.txt"]!.chk).toBe(blake2b(DEEP));
      expect(files["sub/deeper/deep.txt"]!.size).toBe(DEEP.length);
      for (const f of block.dataFileList!) expect(typeof f.time).toBe("string");
      expect(b.attachmentsOf(pid)).toHaveLength(0);
    });

    it("the guide's raw dataset with one file", async () => {
      const dset = rawDataset();
      dset.addLocalFiles(writeFile(dir, "data/witchcraft.dat", "7.9 13 666"), { basePath: path.join(dir, "data") });
      // The guide's owner group is "wyrdsisters": on the stand-in, log in as a member.
      const client = makeClient({ user: "nanny" });
      const finalized = await client.uploadNewDatasetNow(dset);
      expect(finalized.sourceFolder!.posix).toBe("/somewhere/on/remote");
      expect(finalized.files[0]!.remoteAccessPath(finalized.sourceFolder)!.posix).toBe("/somewhere/on/remote/witchcraft.dat");
      expect(transferOf(client).files.get("/somewhere/on/remote/witchcraft.dat")!.toString()).toBe("7.9 13 666");
      const block = b.origDatablocksOf(finalized.pid)[0]!;
      expect(block.dataFileList![0]!.chk).toBe(blake2b("7.9 13 666"));
      expect(storedDataset(finalized.pid)!.size).toBe(10);
      expect(finalized.attachments).toEqual([]);
    });

    it("attachments, with the dataset's id", async () => {
      const dset = withAttachments(datasetWithFiles());
      const client = makeClient();
      const finalized = await client.uploadNewDatasetNow(dset);
      const pid = finalized.pid!;
      const stored = b.attachmentsOf(pid);
      expect(stored.map((a) => a.caption)).toEqual(["Attachment 1", "Attachment 2"]);
      for (const a of stored) {
        expect(a.datasetId).toBe(pid.toString());
        expect(a.ownerGroup).toBe("uu");
        expect(typeof a.id).toBe("string");
        expect(a.createdBy).toBe(b.createdBy());
        expect(a.thumbnail).toBe(thumbnail().serialize());
      }
      expect(finalized.attachments!.map((a) => a.datasetId?.toString())).toEqual([pid.toString(), pid.toString()]);
      expect(finalized.attachments!.map((a) => a.id)).toEqual(stored.map((a) => a.id));
    });
  });

  describe("where files land", () => {
    it("at sourceFolder/remotePath, keeping the folders below basePath", async () => {
      const client = makeClient();
      const finalized = await client.uploadNewDatasetNow(datasetWithFiles({ subFolder: true }));
      const files = transferOf(client).files;
      expect([...files.keys()].sort()).toEqual([
        "/hex/source123/file.nxs",
        "/hex/source123/sub/deeper/deep.txt",
        "/hex/source123/the_log_file.log",
      ]);
      expect(files.get("/hex/source123/file.nxs")!.toString()).toBe(NXS);
      expect(files.get("/hex/source123/the_log_file.log")!.toString()).toBe(LOG);
      expect(files.get("/hex/source123/sub/deeper/deep.txt")!.toString()).toBe(DEEP);
      for (const f of finalized.files) {
        expect(files.has(f.remoteAccessPath(finalized.sourceFolder)!.posix)).toBe(true);
      }
    });

    it.each([
      ["../escape.dat", "a '..' escape"],
      ["sub/../../escape.dat", "a hidden '..' escape"],
      ["/abs/f.dat", "an absolute remote path"],
    ])("outside the source folder (%s, %s): rejected before anything is written", async (remotePath) => {
      const dset = datasetWithFiles();
      dset.addFiles(File.fromLocal(writeFile(dir, "escape.dat", "bad"), { remotePath }));
      const client = makeClient();
      const validate = jest.spyOn(client.scicat, "validateDatasetModel");
      const error = await client.uploadNewDatasetNow(dset).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toContain(remotePath);
      expect((error as Error).message).toMatch(/outside of the source folder '\/hex\/source123'/);
      expect(validate).not.toHaveBeenCalled();
      expectNothingCreated();
      expect(transferOf(client).files.size).toBe(0);
      expect(transferOf(client).reverted.size).toBe(0);
    });

    it("a '..' that stays inside the folder is fine", async () => {
      const dset = derivedDataset();
      dset.addFiles(File.fromLocal(writeFile(dir, "ok.dat", "ok"), { remotePath: "sub/../ok.dat" }));
      const client = makeClient();
      await client.uploadNewDatasetNow(dset);
      expect(b.counts().datasets).toBe(1);
      expect(transferOf(client).files.size).toBe(1);
    });

    it("with a source folder template: the dataset's sourceFolder is where the files are (24.05 {uid} bug fixed)", async () => {
      const transfer = new FakeFileTransfer({ sourceFolder: "/up/{ownerGroup}/{uid}" });
      const client = makeClient({ transfer });
      const finalized = await client.uploadNewDatasetNow(datasetWithFiles({ subFolder: true }));
      const folder = finalized.sourceFolder!.posix;
      expect(folder).toMatch(/^\/up\/uu\/[0-9a-f-]{36}$/);
      expect(storedDataset(finalized.pid)!["sourceFolder"]).toBe(folder);
      expect([...transfer.files.keys()].sort()).toEqual(
        [`${folder}/file.nxs`, `${folder}/sub/deeper/deep.txt`, `${folder}/the_log_file.log`].sort(),
      );
      for (const f of finalized.files) expect(transfer.files.has(f.remoteAccessPath(folder)!.posix)).toBe(true);
    });

    it("the transfer's template wins over the dataset's sourceFolder", async () => {
      const transfer = new FakeFileTransfer({ sourceFolder: "/fixed/place" });
      const client = makeClient({ transfer });
      const finalized = await client.uploadNewDatasetNow(datasetWithFiles());
      expect(finalized.sourceFolder!.posix).toBe("/fixed/place");
      expect([...transfer.files.keys()].sort()).toEqual(["/fixed/place/file.nxs", "/fixed/place/the_log_file.log"]);
    });

    it("no source folder anywhere is a clear error before anything happens", async () => {
      const client = makeClient();
      await expect(client.uploadNewDatasetNow(datasetWithFiles().replace({ sourceFolder: null }))).rejects.toThrow(
        /sourceFolder/,
      );
      const noTransfer = makeClient({ transfer: null });
      await expect(noTransfer.uploadNewDatasetNow(derivedDataset({ sourceFolder: null }))).rejects.toThrow(/sourceFolder/);
      expectNothingCreated();
          expect(transferOf(client).files.size).toBe(0);
    });
  });

  describe("failing validation", () => {
    it("locally (bad email): nothing is created or uploaded, and the error names the field", async () => {
      const dset = datasetWithFiles().replace({ contactEmail: "not-an-email" });
      const client = makeClient();
      const validate = jest.spyOn(client.scicat, "validateDatasetModel");
      const error = await client.uploadNewDatasetNow(dset).catch((e: Error) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => i.field)).toEqual(["contactEmail"]);
      expect((error as Error).message).toMatch(/contactEmail/);
      expect(validate).not.toHaveBeenCalled();
      expectNothingCreated();
      expect(transferOf(client).files.size).toBe(0);
    });

    it("in SciCat (validateDatasetModel refused): nothing is created or uploaded", async () => {
      const client = makeClient({ refuse: { validateDatasetModel: { status: 400, message: "Not valid, says SciCat" } } });
      await expect(client.uploadNewDatasetNow(withAttachments(datasetWithFiles()))).rejects.toThrow("Not valid, says SciCat");
      expectNothingCreated();
      expect(transferOf(client).files.size).toBe(0);
      expect(transferOf(client).reverted.size).toBe(0);
    });
  });

  describe("failing file upload", () => {
    it("(second file exists on the server) is refused without overwriting; the first is removed; no dataset", async () => {
      const transfer = new FakeFileTransfer({ files: { "/hex/source123/the_log_file.log": "precious old log" } });
      const client = makeClient({ transfer });
      const error = await client.uploadNewDatasetNow(datasetWithFiles()).catch((e: Error) => e);
      expect(error).toBeInstanceOf(FileUploadError);
      expect((error as Error).message).toContain("/hex/source123/the_log_file.log");
      expect((error as Error).message).toMatch(/never overwritten/);
      expectNothingCreated();
      expect(transfer.files.get("/hex/source123/the_log_file.log")!.toString()).toBe("precious old log");
      expect(transfer.files.has("/hex/source123/file.nxs")).toBe(false);
      expect(transfer.reverted.get("/hex/source123/file.nxs")!.toString()).toBe(NXS);
      expect([...transfer.files.keys()]).toEqual(["/hex/source123/the_log_file.log"]);
    });

    it("(the transfer throws) creates no dataset and no datablock", async () => {
      const transfer = new FakeFileTransfer();
      jest.spyOn(transfer, "connectForUpload").mockImplementation(async (_d, sourceFolder) => ({
        sourceFolder,
        uploadFiles: async () => {
          throw new Error("Fake upload failure");
        },
        revertUpload: async () => {},
        close: async () => {},
      }));
      const client = makeClient({ transfer });
      await expect(client.uploadNewDatasetNow(withAttachments(datasetWithFiles()))).rejects.toThrow("Fake upload failure");
      expectNothingCreated();
    });
  });

  describe("failing dataset creation", () => {
    it("reverts the uploaded files (moved to reverted) and creates nothing else", async () => {
      const client = makeClient({ refuse: { createDatasetModel: { status: 400, message: "Ingestion failed" } } });
      await expect(client.uploadNewDatasetNow(withAttachments(datasetWithFiles({ subFolder: true })))).rejects.toThrow(
        "Ingestion failed",
      );
      expectNothingCreated();
      const transfer = transferOf(client);
      expect(transfer.files.size).toBe(0);
      expect([...transfer.reverted.keys()].sort()).toEqual([
        "/hex/source123/file.nxs",
        "/hex/source123/sub/deeper/deep.txt",
        "/hex/source123/the_log_file.log",
      ]);
      expect(transfer.reverted.get("/hex/source123/file.nxs")!.toString()).toBe(NXS);
    });

    it("with no answer (SciCat may have created it) keeps the files and says where to look", async () => {
      const client = makeClient();
      const lost = new ScicatCommError("SciCat did not answer within 10 s (timeout).", { outcomeUnknown: true });
      b.throwFrom(client, "createDatasetModel", lost);
      const error = await client.uploadNewDatasetNow(withAttachments(datasetWithFiles())).catch((e: Error) => e);
      expect(error).toBeInstanceOf(PartialUploadError);
      expect(error).toMatchObject({
        pid: null,
        sourceFolder: "/hex/source123",
        uploadedFiles: ["/hex/source123/file.nxs", "/hex/source123/the_log_file.log"],
      });
      expect((error as Error).cause).toBe(lost);
      expect((error as Error).message).toContain("It is not known whether SciCat created the dataset.");
      expect((error as Error).message).toContain("Its 2 new data files were kept in '/hex/source123'");
      expect((error as Error).message).toMatch(/apart from its datablocks and its attachments.*remove those files/);
      expect(transferOf(client).reverted.size).toBe(0);
      expect([...transferOf(client).files.keys()].sort()).toEqual(["/hex/source123/file.nxs", "/hex/source123/the_log_file.log"]);
    });

    it("with no answer for a dataset without new files: nothing to remove, and it says so", async () => {
      const client = makeClient();
      b.throwFrom(client, "createDatasetModel", new ScicatCommError("timeout", { outcomeUnknown: true }));
      const dset = derivedDataset();
      dset.addFiles(File.fromRemote({ remotePath: "already/there.dat", size: 3, creationTime: "2024-05-29T10:00:00Z" }));
      const error = await client.uploadNewDatasetNow(dset).catch((e: Error) => e);
      expect(error).toBeInstanceOf(PartialUploadError);
      expect(error).toMatchObject({ pid: null, uploadedFiles: [] });
      expect((error as Error).message).toContain("Nothing was written to the file server.");
      expect((error as Error).message).toContain("if there is one, the upload worked apart from its datablocks, which");
      expect((error as Error).message).toContain("if there is none, upload again.");
      expect((error as Error).message).not.toMatch(/remove/);
    });

    it("answered without a pid: the files stay and nothing more is sent", async () => {
      const client = makeClient();
      jest.spyOn(client.scicat, "createDatasetModel").mockResolvedValue({});
      const datablocks = jest.spyOn(client.scicat, "createOrigDatablock");
      const error = await client.uploadNewDatasetNow(datasetWithFiles()).catch((e: Error) => e);
      expect(error).toBeInstanceOf(PartialUploadError);
      expect((error as PartialUploadError).pid).toBeNull();
      expect((error as Error).message).toMatch(/without the dataset's pid/);
      expect(datablocks).not.toHaveBeenCalled();
      expect(transferOf(client).files.size).toBe(2);
      expect(transferOf(client).reverted.size).toBe(0);
    });

    it("with a non-SciCat error also reverts (the port reverts on any error)", async () => {
      const client = makeClient();
      b.throwFrom(client, "createDatasetModel", new TypeError("unexpected"));
      await expect(client.uploadNewDatasetNow(datasetWithFiles())).rejects.toThrow("unexpected");
      expect(transferOf(client).files.size).toBe(0);
      expect(transferOf(client).reverted.size).toBe(2);
    });
  });

  describe("failing datablock creation", () => {
    it("keeps dataset and files, creates no attachments, and throws PartialUploadError naming the pid", async () => {
      const client = makeClient({ refuse: { createOrigDatablock: { status: 400, message: "Datablock ingestion failed" } } });
      const error = await client.uploadNewDatasetNow(withAttachments(datasetWithFiles())).catch((e: Error) => e);
      expect(error).toBeInstanceOf(PartialUploadError);
      expect(b.counts().datasets).toBe(1);
      const [pid] = [...b.datasets().keys()];
      expect((error as PartialUploadError).pid).toBe(pid);
      expect((error as Error).message).toContain(pid!);
      expect((error as Error).message).toMatch(/Datablock ingestion failed/);
      expect((error as Error).message).toMatch(/0 of its 1 datablocks were created/);
      expect((error as Error).cause).toBeInstanceOf(ScicatCommError);
      expect(b.counts().origDatablocks).toBe(0);
      expect(b.counts().attachments).toBe(0);
      const transfer = transferOf(client);
      expect([...transfer.files.keys()].sort()).toEqual(["/hex/source123/file.nxs", "/hex/source123/the_log_file.log"]);
      expect(transfer.reverted.size).toBe(0);
      // The stored dataset is the one that was meant to be uploaded.
      const stored = storedDataset(pid)!;
      expect(stored["datasetName"]).toBe("Data A38");
      expect(stored.numberOfFiles).toBe(2);
    });
  });

  describe("failing attachment creation", () => {
    it("reverts nothing and says that 0 of 2 attachments made it", async () => {
      const client = makeClient({ refuse: { createAttachmentForDataset: { status: 400, message: "No attachments today" } } });
      const error = await client.uploadNewDatasetNow(withAttachments(datasetWithFiles())).catch((e: Error) => e);
      expect(error).toBeInstanceOf(PartialUploadError);
      const [pid] = [...b.datasets().keys()];
      expect((error as PartialUploadError).pid).toBe(pid);
      expect((error as Error).message).toContain(pid!);
      expect((error as Error).message).toMatch(/0 of 2 attachments/);
      expect((error as Error).message).toMatch(/createAttachmentForDataset/);
      expect(b.origDatablocksOf(pid)).toHaveLength(1);
      expect(b.counts().attachments).toBe(0);
      expect(transferOf(client).files.size).toBe(2);
      expect(transferOf(client).reverted.size).toBe(0);
    });

    it("after the first of three succeeded says 1 of 3", async () => {
      const client = makeClient();
      const scicat = client.scicat;
      const original = scicat.createAttachmentForDataset.bind(scicat);
      let calls = 0;
      jest.spyOn(scicat, "createAttachmentForDataset").mockImplementation(async (attachment, options) => {
        calls += 1;
        if (calls === 2) throw new ScicatCommError("Second attachment rejected");
        return original(attachment, options);
      });
      const error = await client.uploadNewDatasetNow(withAttachments(datasetWithFiles(), 3)).catch((e: Error) => e);
      expect(error).toBeInstanceOf(PartialUploadError);
      expect((error as Error).message).toMatch(/1 of 3 attachments/);
      expect((error as Error).message).toMatch(/Second attachment rejected/);
      const [pid] = [...b.datasets().keys()];
      expect(b.attachmentsOf(pid).map((a) => a.caption)).toEqual(["Attachment 1"]);
      expect(calls).toBe(2);
    });

    it("is never attempted when the dataset cannot be created", async () => {
      const client = makeClient({ refuse: { createDatasetModel: { status: 400, message: "no" } } });
      const create = jest.spyOn(client.scicat, "createAttachmentForDataset");
      const blocks = jest.spyOn(client.scicat, "createOrigDatablock");
      await expect(client.uploadNewDatasetNow(withAttachments(datasetWithFiles()))).rejects.toThrow("no");
      expect(create).not.toHaveBeenCalled();
      expect(blocks).not.toHaveBeenCalled();
    });

    it("is never attempted when the datablocks cannot be created", async () => {
      const client = makeClient({ refuse: { createOrigDatablock: { status: 400, message: "no" } } });
      const create = jest.spyOn(client.scicat, "createAttachmentForDataset");
      await expect(client.uploadNewDatasetNow(withAttachments(datasetWithFiles()))).rejects.toThrow(PartialUploadError);
      expect(create).not.toHaveBeenCalled();
    });
  });

  describe("attachments that cannot be uploaded are found before anything is written", () => {
    it("attachments === null (downloaded without attachments)", async () => {
      // A dataset cleared of its read-only fields but with unknown attachments.
      const dset = datasetWithFiles().replace({ attachments: null });
      expect(dset.attachments).toBeNull();
      const client = makeClient();
      const error = await client.uploadNewDatasetNow(dset).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/attachments/);
      expect((error as Error).message).toMatch(/downloadAttachmentsFor|attachments = \[\]/);
      expectNothingCreated();
      expect(transferOf(client).files.size).toBe(0);
    });

    it("a downloaded dataset (not asNew) is refused before anything is written", async () => {
      const client = makeClient();
      const first = await client.uploadNewDatasetNow(datasetWithFiles());
      const downloaded = await client.getDataset(first.pid!);
      expect(downloaded.attachments).toBeNull();
      const datasets = b.counts().datasets;
      const files = transferOf(client).files.size;
      await expect(client.uploadNewDatasetNow(downloaded)).rejects.toThrow(/asNew/);
      expect(b.counts().datasets).toBe(datasets);
      expect(transferOf(client).files.size).toBe(files);
    });

    it("a downloaded attachment with read-only fields", async () => {
      const client = makeClient();
      const first = await client.uploadNewDatasetNow(withAttachments(datasetWithFiles(), 1));
      const downloaded = await client.getDataset(first.pid!, { attachments: true });
      expect(downloaded.attachments![0]!.createdBy).toBe(b.createdBy());
      // Same metadata, new source folder; remote-only files need no transfer.
      const again = downloaded.asNew().replace({ sourceFolder: "/hex/elsewhere" });
      const before = b.counts();
      const validate = jest.spyOn(client.scicat, "validateDatasetModel");
      const error = await client.uploadNewDatasetNow(again).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/Attachment 'Attachment 1'/);
      expect((error as Error).message).toMatch(/createdBy|createdAt/);
      expect(validate).not.toHaveBeenCalled();
      expect(b.counts()).toEqual(before);
    });

    it("asNew() of a dataset downloaded without attachments uploads with none", async () => {
      const client = makeClient();
      const first = await client.uploadNewDatasetNow(datasetWithFiles());
      const downloaded = await client.getDataset(first.pid!);
      const again = await client.uploadNewDatasetNow(downloaded.asNew());
      expect(again.attachments).toEqual([]);
      // Remote-only files were registered again, no bytes moved.
      expect(again.files.map((f) => f.remotePath.posix).sort()).toEqual(["file.nxs", "the_log_file.log"]);
      expect(transferOf(client).files.size).toBe(2);
    });
  });

  describe("uploading the same dataset twice into the same folder", () => {
    it("fails the second time without overwriting and leaves the first intact", async () => {
      const dset = datasetWithFiles();
      const client = makeClient();
      const first = await client.uploadNewDatasetNow(dset);
      const snapshot = new Map([...transferOf(client).files].map(([k, v]) => [k, Buffer.from(v)]));
      // The local file changes; the server copy must not.
      fs.writeFileSync(path.join(dir, "data/file.nxs"), "changed locally");

      const error = await client.uploadNewDatasetNow(dset).catch((e: Error) => e);
      expect(error).toBeInstanceOf(FileUploadError);
      expect((error as Error).message).toMatch(/already exists/);
      expect([...b.datasets().keys()]).toEqual([first.pid!.toString()]);
      expect(transferOf(client).files).toEqual(snapshot);
      expect(transferOf(client).reverted.size).toBe(0);
      const again = await client.getDataset(first.pid!, { attachments: true });
      expect(again.equals(first)).toBe(true);
    });
  });

  describe("AbortSignal", () => {
    it("aborted before the start: nothing happens", async () => {
      const controller = new AbortController();
      controller.abort();
      const client = makeClient();
      const validate = jest.spyOn(client.scicat, "validateDatasetModel");
      await expect(client.uploadNewDatasetNow(datasetWithFiles(), { signal: controller.signal })).rejects.toThrow();
      expect(validate).not.toHaveBeenCalled();
      expectNothingCreated();
      expect(transferOf(client).files.size).toBe(0);
    });

    it("aborted during the file upload: uploaded files are reverted, no dataset", async () => {
      const controller = new AbortController();
      const client = makeClient();
      const onProgress = (p: UploadProgress): void => {
        if (p.phase === "uploading" && p.filesDone === 1) controller.abort();
      };
      const error = await client
        .uploadNewDatasetNow(datasetWithFiles({ subFolder: true }), { signal: controller.signal, onProgress })
        .catch((e: Error) => e);
      // Node's AbortError is a DOMException (not an Error of jest's realm).
      expect((error as Error).name).toBe("AbortError");
      expectNothingCreated();
      expect(transferOf(client).files.size).toBe(0);
      expect(transferOf(client).reverted.size).toBe(1);
    });

    it("aborted after the last file but before the dataset exists: files reverted, no dataset", async () => {
      const controller = new AbortController();
      const client = makeClient();
      const onProgress = (p: UploadProgress): void => {
        if (p.phase === "uploading" && p.filesDone === p.filesTotal) controller.abort();
      };
      await expect(
        client.uploadNewDatasetNow(datasetWithFiles(), { signal: controller.signal, onProgress }),
      ).rejects.toThrow();
      expectNothingCreated();
      expect(transferOf(client).files.size).toBe(0);
      expect(transferOf(client).reverted.size).toBe(2);
    });
  });

  describe("progress events", () => {
    it("go through the phases in order and count bytes and files", async () => {
      const events: UploadProgress[] = [];
      const client = makeClient();
      const dset = withAttachments(datasetWithFiles({ subFolder: true }));
      await client.uploadNewDatasetNow(dset, { onProgress: (p) => void events.push(p) });

      const phases = events.map((e) => e.phase).filter((p, i, all) => i === 0 || all[i - 1] !== p);
      expect(phases).toEqual(["validating", "uploading", "hashing", "creating-dataset", "datablocks", "attachments", "done"]);
      const total = NXS.length + LOG.length + DEEP.length;
      for (const e of events) {
        expect(e.bytesTotal).toBe(total);
        expect(e.filesTotal).toBe(3);
        expect(e.bytesDone).toBeLessThanOrEqual(e.bytesTotal);
      }
      const last = events[events.length - 1]!;
      expect(last.phase).toBe("done");
      expect(last.bytesDone).toBe(total);
      expect(last.filesDone).toBe(3);
      expect(events[0]!.bytesDone).toBe(0);
      expect(events[0]!.filesDone).toBe(0);
      // The fake transfer does not hash while it copies, so the hashing phase reads every file
      // again and counts from zero; otherwise bytesDone never goes down.
      const hashing = events.filter((e) => e.phase === "hashing");
      const moving = events.filter((e) => e.phase !== "hashing");
      for (const phase of [hashing, moving]) {
        for (let i = 1; i < phase.length; i++) expect(phase[i]!.bytesDone).toBeGreaterThanOrEqual(phase[i - 1]!.bytesDone);
      }
      expect(hashing[0]).toMatchObject({ bytesDone: 0, filesDone: 0 });
      expect(hashing[hashing.length - 1]).toMatchObject({ bytesDone: total, filesDone: 3 });
      for (const phase of ["uploading", "hashing"]) {
        const files = events.filter((e) => e.phase === phase && e.file).map((e) => e.file!.remotePath.posix);
        expect([...new Set(files)].sort()).toEqual(["file.nxs", "sub/deeper/deep.txt", "the_log_file.log"]);
      }
    });

    it("without files skips uploading and has zero totals", async () => {
      const events: UploadProgress[] = [];
      await makeClient().uploadNewDatasetNow(derivedDataset(), { onProgress: (p) => void events.push(p) });
      const phases = events.map((e) => e.phase);
      expect(phases).not.toContain("uploading");
      expect(phases[0]).toBe("validating");
      expect(phases[phases.length - 1]).toBe("done");
      expect(events.every((e) => e.bytesTotal === 0 && e.filesTotal === 0)).toBe(true);
    });

    it("a throwing progress callback does not break the upload", async () => {
      const client = makeClient();
      const finalized = await client.uploadNewDatasetNow(datasetWithFiles(), {
        onProgress: () => {
          throw new Error("broken display");
        },
      });
      expect(b.datasets().has(finalized.pid!.toString())).toBe(true);
      expect(logs.text()).toMatch(/onProgress callback failed: broken display/);
    });
  });

  describe("duplicate remote paths", () => {
    it("(local files put in separate datablocks) are rejected by name before anything is written", async () => {
      const dset = derivedDataset();
      dset.addFiles(File.fromLocal(writeFile(dir, "a/same.dat", "A"), { basePath: path.join(dir, "a") }));
      // OrigDatablock.addFiles bypasses Dataset.addFiles' duplicate check.
      dset
        .addOrigDatablock({ checksumAlgorithm: "blake2b" })
        .addFiles(File.fromLocal(writeFile(dir, "b/same.dat", "B"), { basePath: path.join(dir, "b") }));
      expect(dset.files.map((f) => f.remotePath.posix)).toEqual(["same.dat", "same.dat"]);
      const client = makeClient();
      const error = await client.uploadNewDatasetNow(dset).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/'same\.dat'/);
      expect((error as Error).message).toMatch(/remote path/);
      expectNothingCreated();
      expect(transferOf(client).files.size).toBe(0);
      expect(transferOf(client).reverted.size).toBe(0);
    });

    it("(remote-only files) are rejected too, so SciCat never lists one path twice", async () => {
      const dset = derivedDataset();
      const remote = (): File => File.fromRemote({ remotePath: "x/dup.h5", size: 3, creationTime: "2020-01-01T00:00:00Z" });
      dset.addFiles(remote());
      dset.addOrigDatablock({ checksumAlgorithm: null }).addFiles(remote());
      const client = makeClient({ transfer: null });
      await expect(client.uploadNewDatasetNow(dset)).rejects.toThrow(/'x\/dup\.h5'/);
      expectNothingCreated();
    });
  });

  describe("progress edge cases", () => {
    it("an empty file counts as done", async () => {
      const dset = derivedDataset();
      dset.addLocalFiles([writeFile(dir, "data/empty.dat", ""), writeFile(dir, "data/full.dat", "12345")], {
        basePath: path.join(dir, "data"),
      });
      const events: UploadProgress[] = [];
      const client = makeClient();
      await client.uploadNewDatasetNow(dset, { onProgress: (p) => void events.push(p) });
      const last = events[events.length - 1]!;
      expect(last.phase).toBe("done");
      expect(last.filesTotal).toBe(2);
      expect(last.filesDone).toBe(2);
      expect(last.bytesDone).toBe(5);
      expect(transferOf(client).files.get("/hex/source123/empty.dat")!.length).toBe(0);
    });

    it("a transfer that reports no progress still ends with everything done", async () => {
      const transfer = new FakeFileTransfer();
      const connect = transfer.connectForUpload.bind(transfer);
      jest.spyOn(transfer, "connectForUpload").mockImplementation(async (d, sourceFolder) => {
        const con = await connect(d, sourceFolder);
        return {
          sourceFolder: con.sourceFolder,
          uploadFiles: (files) => con.uploadFiles(files), // drops onProgress
          revertUpload: (files) => con.revertUpload(files),
          close: () => con.close(),
        };
      });
      const events: UploadProgress[] = [];
      await makeClient({ transfer }).uploadNewDatasetNow(datasetWithFiles(), { onProgress: (p) => void events.push(p) });
      const last = events[events.length - 1]!;
      expect(last.phase).toBe("done");
      expect(last.bytesDone).toBe(last.bytesTotal);
      expect(last.bytesTotal).toBe(NXS.length + LOG.length);
      expect(last.filesDone).toBe(2);
    });
  });

  describe("a local file that disappeared before the upload", () => {
    it("is named in the error and nothing is created", async () => {
      const dset = datasetWithFiles();
      fs.rmSync(path.join(dir, "data/the_log_file.log"));
      const client = makeClient();
      await expect(client.uploadNewDatasetNow(dset)).rejects.toThrow(/the_log_file\.log/);
      expectNothingCreated();
      expect(transferOf(client).files.size).toBe(0);
    });
  });

  describe("order of operations (scitacean-24.05 §4.1)", () => {
    it("validate, upload files, create dataset, datablocks, attachments", async () => {
      const order: string[] = [];
      const transfer = new FakeFileTransfer();
      const connect = transfer.connectForUpload.bind(transfer);
      jest.spyOn(transfer, "connectForUpload").mockImplementation(async (d, sourceFolder) => {
        order.push("connectForUpload");
        const con = await connect(d, sourceFolder);
        return {
          sourceFolder: con.sourceFolder,
          uploadFiles: async (files, options) => {
            order.push(`uploadFiles(${files.length})`);
            return con.uploadFiles(files, options);
          },
          revertUpload: async (files) => {
            order.push("revertUpload");
            return con.revertUpload(files);
          },
          close: async () => {
            order.push("close");
            return con.close();
          },
        };
      });
      const client = makeClient({ transfer });
      const scicat = client.scicat;
      for (const method of [
        "validateDatasetModel",
        "createDatasetModel",
        "createOrigDatablock",
        "createAttachmentForDataset",
      ] as const) {
        const original = (scicat[method] as (...args: unknown[]) => Promise<unknown>).bind(scicat);
        jest.spyOn(scicat, method).mockImplementation((async (...args: unknown[]) => {
          order.push(method);
          return original(...args);
        }) as never);
      }
      await client.uploadNewDatasetNow(withAttachments(datasetWithFiles()));
      expect(order).toEqual([
        "validateDatasetModel",
        "connectForUpload",
        "uploadFiles(2)",
        "createDatasetModel",
        "close",
        "createOrigDatablock",
        "createAttachmentForDataset",
        "createAttachmentForDataset",
      ]);
    });

    it("the dataset sent to SciCat counts the files and the bytes", async () => {
      const client = makeClient();
      const create = jest.spyOn(client.scicat, "createDatasetModel");
      const validate = jest.spyOn(client.scicat, "validateDatasetModel");
      await client.uploadNewDatasetNow(datasetWithFiles());
      const sent = create.mock.calls[0]![0];
      expect(sent.numberOfFiles).toBe(2);
      expect(sent.size).toBe(NXS.length + LOG.length);
      expect(sent.numberOfFilesArchived).toBe(0);
      expect(sent.packedSize).toBe(0);
      expect(sent["sourceFolder"]).toBe("/hex/source123");
      expect(sent.pid).toBeUndefined();
      expect(validate.mock.calls[0]![0]).toEqual(sent);
    });
  });
});
