/** setupFakeClient: the downloading and uploading guides, end to end. */
import * as fs from "node:fs";
import * as path from "node:path";
import { Dataset } from "../../src/model/dataset";
import { setupFakeClient, THAUM_FLUX_PID } from "../../src/testing/docs";
import { FakeClient } from "../../src/testing/fake-client";
import { FakeFileTransfer } from "../../src/testing/fake-file-transfer";
import { blake2b, listFiles, makeTempDir, recordLogs, removeTempDir, writeFile } from "../client/helpers";
import { guideDatasetInit } from "../fixtures/guide";

let dir: string;
let logs: ReturnType<typeof recordLogs>;
beforeEach(() => {
  dir = makeTempDir("scitacean-docs-");
  logs = recordLogs();
});
afterEach(() => {
  logs.restore();
  removeTempDir(dir);
});

describe("setupFakeClient", () => {
  it("is a FakeClient with a seeded FakeFileTransfer", () => {
    const client = setupFakeClient();
    expect(client).toBeInstanceOf(FakeClient);
    const transfer = client.fileTransfer as FakeFileTransfer;
    expect(transfer).toBeInstanceOf(FakeFileTransfer);
    expect([...transfer.files.keys()]).toEqual(["/hex/ps/thaum/flux.dat", "/hex/ps/thaum/logs/measurement.log"]);
    expect(transfer.files.get("/hex/ps/thaum/flux.dat")!.length).toBe(20);
    expect(transfer.files.get("/hex/ps/thaum/logs/measurement.log")!.length).toBe(75);
    expect([...client.datasets.keys()]).toEqual([THAUM_FLUX_PID.toString()]);
    expect(client.origDatablocks.get(THAUM_FLUX_PID)).toHaveLength(1);
    expect(client.attachments.size).toBe(0);
    expect(client.samples.size).toBe(0);
  });

  it("gives independent clients", async () => {
    const a = setupFakeClient();
    const b = setupFakeClient();
    a.datasets.delete(THAUM_FLUX_PID);
    expect(b.datasets.has(THAUM_FLUX_PID)).toBe(true);
  });

  it("runs the downloading guide: flux.dat only, into a temp target", async () => {
    const client = setupFakeClient();
    const dset = await client.getDataset("20.500.12269/72fe3ff6-105b-4c7f-b9d0-073b67c90ec3");
    expect(dset.type).toBe("raw");
    expect(dset.name).toBe("Thaum flux");
    expect(dset.owner).toBe("Ponder Stibbons");
    expect(dset.files.map((f) => [f.remoteAccessPath(dset.sourceFolder)!.posix, f.localPath, f.size])).toEqual([
      ["/hex/ps/thaum/flux.dat", null, 20],
      ["/hex/ps/thaum/logs/measurement.log", null, 75],
    ]);

    const target = path.join(dir, "download");
    const withLocal = await client.downloadFiles(dset, { target, select: "flux.dat" });
    expect(withLocal.files.map((f) => f.localPath)).toEqual([path.join(target, "flux.dat"), null]);
    const file = withLocal.files[0]!;
    expect(fs.readFileSync(file.localPath!, "utf8")).toBe("5 4 9 11 15 12 7 6 1");
    expect(listFiles(target)).toEqual(["flux.dat"]);
    expect(dset.files[0]!.localPath).toBeNull();
  });

  it("runs the uploading guide", async () => {
    const client = setupFakeClient();
    const data = writeFile(dir, "data/witchcraft.dat", "7.9 13 666");
    const dset = new Dataset(guideDatasetInit());
    dset.addLocalFiles(data, { basePath: path.join(dir, "data") });
    expect(dset.size).toBe(10);
    expect(dset.files[0]!.remoteAccessPath(dset.sourceFolder)).toBeNull();

    const finalized = await client.uploadNewDatasetNow(dset);
    expect(finalized.pid!.prefix).toBe("PID.prefix.a0b1");
    expect(finalized.createdBy).toBe("fake");
    expect(finalized.files[0]!.remoteAccessPath(finalized.sourceFolder)!.posix).toBe("/somewhere/on/remote/witchcraft.dat");
    expect(finalized.attachments).toEqual([]);
    const transfer = client.fileTransfer as FakeFileTransfer;
    expect(transfer.files.get("/somewhere/on/remote/witchcraft.dat")!.toString()).toBe("7.9 13 666");
    const block = client.origDatablocks.get(finalized.pid!)![0]!;
    expect(block.chkAlg).toBe("blake2b");
    expect(block.dataFileList![0]!.chk).toBe(blake2b("7.9 13 666"));
    // The seed is still there.
    expect(client.datasets.size).toBe(2);

    // And the uploaded dataset downloads again.
    const back = await client.getDataset(finalized.pid!);
    const target = path.join(dir, "back");
    const withLocal = await client.downloadFiles(back, { target });
    expect(fs.readFileSync(withLocal.files[0]!.localPath!, "utf8")).toBe("7.9 13 666");
  });
});

describe("FakeClient keeps the type of its file transfer", () => {
  it("so tests reach the fake server's files through the client, as in Scitacean's testing guide", () => {
    const client = FakeClient.withoutLogin({ url: "https://fake.scicat", fileTransfer: new FakeFileTransfer() });
    // Type-checked: `files` exists on FakeFileTransfer, not on the FileTransfer interface.
    expect(client.fileTransfer.files.size).toBe(0);
    expect(setupFakeClient().fileTransfer.files.get("/hex/ps/thaum/flux.dat")?.toString()).toBe("5 4 9 11 15 12 7 6 1");
    expect(FakeClient.withoutLogin({ url: "x" }).fileTransfer).toBeNull();
  });
});
