/**
 * Files are read once: checksums computed by a transfer while it streams the
 * bytes are reused for the datablock (upload) and for the check (download).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { IntegrityError } from "../../src/errors";
import { Dataset } from "../../src/model/dataset";
import { FakeFileTransfer } from "../../src/testing/fake-file-transfer";
import { LocalFileTransfer } from "../../src/transfer/local";
import * as filesystem from "../../src/values/filesystem";
import { guideDatasetInit } from "../fixtures/guide";
import { useBackends } from "./backends";

// Against the FakeClient and against HttpScicatClient with the SciCat stand-in server.
const { backends } = useBackends();

const blake2b = (data: string | Buffer): string => createHash("blake2b512").update(data).digest("hex");

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "single-read-"));
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.each(backends)("$name", (b) => {
  it("an upload through a hashing transfer reads each local file once", async () => {
    const content = "x".repeat(3 * 1024 * 1024 + 5);
    fs.mkdirSync(path.join(dir, "data"));
    fs.writeFileSync(path.join(dir, "data", "big.dat"), content);
    const server = path.join(dir, "server");
    fs.mkdirSync(server);
    const dset = new Dataset({ ...guideDatasetInit(), sourceFolder: path.join(server, "upload") });
    dset.addLocalFiles(path.join(dir, "data", "big.dat"), { basePath: path.join(dir, "data") });

    // The guide's owner group is "wyrdsisters": on the stand-in, log in as a member.
    const client = b.makeClient({ fileTransfer: new LocalFileTransfer(), user: "nanny" });
    const reread = jest.spyOn(filesystem, "checksumOfFile");
    const finalized = await client.uploadNewDatasetNow(dset);

    expect(reread).not.toHaveBeenCalled();
    const block = b.origDatablocksOf(finalized.pid)[0]!;
    expect(block.dataFileList![0]!.chk).toBe(blake2b(content));
    expect(fs.readFileSync(path.join(server, "upload", "big.dat"), "utf8")).toBe(content);
  });

  it("a download checks the checksum the transfer computed, without reading the file again", async () => {
    const transfer = new FakeFileTransfer({ files: { "/src/a.dat": "hello" } });
    const client = b.makeClient({ fileTransfer: transfer });
    const dset = Dataset.fromDownloadModels({
      dataset: { pid: "p/1", type: "raw", sourceFolder: "/src" },
      origDatablocks: [
        { chkAlg: "blake2b", dataFileList: [{ path: "a.dat", size: 5, time: "2024-01-01T00:00:00Z", chk: blake2b("hello") }] },
      ],
    });
    const reread = jest.spyOn(filesystem, "checksumOfFile");
    const downloaded = await client.downloadFiles(dset, { target: path.join(dir, "dl") });
    expect(reread).not.toHaveBeenCalled();
    expect(fs.readFileSync(downloaded.files[0]!.localPath!, "utf8")).toBe("hello");

    // The streamed checksum is still checked: a corrupt copy on the server is caught.
    transfer.files.set("/src/a.dat", Buffer.from("HELLO"));
    await expect(client.downloadFiles(dset, { target: path.join(dir, "dl2") })).rejects.toBeInstanceOf(IntegrityError);
    expect(fs.existsSync(path.join(dir, "dl2", "a.dat"))).toBe(false);
  });
});
