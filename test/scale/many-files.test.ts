/**
 * Datasets with very many files: adding, validating, displaying, uploading
 * (FakeClient) and downloading 100,000 files, and the split of large uploads
 * into several orig datablocks. No timing assertions: these fail on a crash
 * (e.g. a spread of a long array overflowing the stack) or on wrong results,
 * and a quadratic step would show up as a test timeout.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  MAX_BYTES_PER_DATABLOCK,
  MAX_FILES_PER_DATABLOCK,
  OrigDatablock,
  splitUploadModel,
} from "../../src/model/datablock";
import { Dataset } from "../../src/model/dataset";
import { File } from "../../src/model/file";
import type { UploadOrigDatablock } from "../../src/model/wire";
import { datasetHtml, datasetText } from "../../src/html/dataset";
import { MAX_HTML_FILE_ROWS, renderFiles } from "../../src/html/files";
import { FakeClient } from "../../src/testing/fake-client";
import { FakeFileTransfer } from "../../src/testing/fake-file-transfer";
import { guideDatasetInit } from "../fixtures/guide";

const N = 100_000;
// Generous: the machine running the suite may be busy with other work.
jest.setTimeout(600_000);

const blake2b = (data: string): string => createHash("blake2b512").update(data).digest("hex");

function remoteFiles(count: number, prefix = "f"): File[] {
  return Array.from({ length: count }, (_, i) =>
    File.fromRemote({ remotePath: `${prefix}/${i}.dat`, size: i % 7, creationTime: "2024-05-29T08:17:09Z" }),
  );
}

describe("adding files", () => {
  it("addLocalFiles takes 100,000 paths at once", () => {
    const dset = new Dataset(guideDatasetInit());
    const paths = Array.from({ length: N }, (_, i) => path.join("data", `d${i % 100}`, `${i}.dat`));
    dset.addLocalFiles(paths, { basePath: "data" });
    expect(dset.numberOfFiles).toBe(N);
    expect(dset.files[N - 1]?.remotePath.posix).toBe(`d99/${N - 1}.dat`);
    // The clash check still sees every file already added.
    expect(() => dset.addLocalFiles(path.join("data", "d7", "7.dat"), { basePath: "data" })).toThrow(/Two files/);
  });

  it("addFiles one file at a time, 100,000 times, still finds a clash with the first", () => {
    const dset = new Dataset(guideDatasetInit());
    for (const file of remoteFiles(N)) dset.addFiles(file);
    expect(dset.numberOfFiles).toBe(N);
    const again = File.fromRemote({ remotePath: "f/./0.dat", size: 1, creationTime: "2024-05-29T08:17:09Z" });
    expect(() => dset.addFiles(again)).toThrow(/'f\/\.\/0\.dat'/);
  });

  it("a clash inside one long list is reported, and nothing of the list is added", () => {
    const dset = new Dataset(guideDatasetInit());
    const files = remoteFiles(N);
    files.push(File.fromRemote({ remotePath: "f/12345.dat", size: 1, creationTime: "2024-05-29T08:17:09Z" }));
    expect(() => dset.addFiles(files)).toThrow(/f\/12345\.dat/);
    expect(dset.numberOfFiles).toBe(0);
  });

  it("a datablock is made with, and takes, 100,000 files; a long error names only a few of them", () => {
    const block = new OrigDatablock({ checksumAlgorithm: "md5", files: remoteFiles(N) });
    block.addFiles(remoteFiles(N, "g"));
    expect(block.files).toHaveLength(2 * N);
    expect(block.files.every((f) => f.checksumAlgorithm === "md5")).toBe(true);
    expect(block.fileAt("g/./5.dat")?.remotePath.posix).toBe("g/5.dat");

    const dset = new Dataset(guideDatasetInit());
    const sha = remoteFiles(N).map((f) => f.withChecksumAlgorithm("sha256"));
    const error = (() => {
      try {
        dset.addFiles(sha);
      } catch (e) {
        return e as Error;
      }
      throw new Error("addFiles accepted files of another algorithm");
    })();
    expect(error.message).toMatch(/and 99990 more have checksum algorithm 'sha256'/);
    expect(error.message.length).toBeLessThan(2000);
  });

  it("replaceFiles takes 100,000 files in one array", () => {
    const dset = new Dataset(guideDatasetInit());
    dset.addFiles(remoteFiles(N));
    const replaced = dset.replaceFiles(dset.files.map((f) => f.withoutLocal().uploaded({ remoteSize: 42 })));
    expect(replaced.files.every((f) => f.remoteSize === 42)).toBe(true);
    expect(replaced.numberOfFiles).toBe(N);
  });
});

describe("splitting uploads into datablocks", () => {
  const model = (sizes: number[]): UploadOrigDatablock => ({
    chkAlg: "blake2b",
    size: sizes.reduce((a, b) => a + b, 0),
    dataFileList: sizes.map((size, i) => ({ path: `${i}.dat`, size, time: "2024-05-29T08:17:09Z", chk: String(i) })),
  });

  it("uses scicat-cli's limits: 20,000 files and 200 GB", () => {
    expect(MAX_FILES_PER_DATABLOCK).toBe(20_000);
    expect(MAX_BYTES_PER_DATABLOCK).toBe(200_000_000_000);
  });

  it("leaves a block within the limits alone", () => {
    const small = model([1, 2, 3]);
    expect(splitUploadModel(small)).toEqual([small]);
  });

  it("splits by file count, keeping order, sizes and the algorithm", () => {
    const parts = splitUploadModel(model(new Array<number>(45_001).fill(2)));
    expect(parts.map((p) => p.dataFileList.length)).toEqual([20_000, 20_000, 5_001]);
    expect(parts.map((p) => p.size)).toEqual([40_000, 40_000, 10_002]);
    expect(parts.every((p) => p.chkAlg === "blake2b")).toBe(true);
    expect(parts.flatMap((p) => p.dataFileList.map((f) => f.path))).toEqual(
      Array.from({ length: 45_001 }, (_, i) => `${i}.dat`),
    );
  });

  it("splits by bytes; a file larger than the limit gets a block of its own", () => {
    const parts = splitUploadModel(model([4, 5, 20, 1, 1, 9]), { maxBytes: 10 });
    expect(parts.map((p) => p.dataFileList.map((f) => f.size))).toEqual([[4, 5], [20], [1, 1], [9]]);
    expect(parts.map((p) => p.size)).toEqual([9, 20, 2, 9]);
  });
});

describe("a dataset of 100,000 local files", () => {
  let dir: string;
  let dset: Dataset;
  beforeAll(() => {
    // Memory-backed where there is one: writing 100,000 files to a disk is slow for no gain here.
    dir = mkdtempSync(path.join(existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir(), "scitacean-scale-"));
    for (let d = 0; d < 100; d++) mkdirSync(path.join(dir, "data", `d${d}`), { recursive: true });
    const paths: string[] = [];
    for (let i = 0; i < N; i++) {
      const file = path.join(dir, "data", `d${i % 100}`, `${i}.dat`);
      writeFileSync(file, String(i));
      paths.push(file);
    }
    dset = new Dataset({ ...guideDatasetInit(), sourceFolder: "/hex/many" });
    dset.addLocalFiles(paths, { basePath: path.join(dir, "data") });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("validates", () => {
    expect(dset.validationIssues()).toEqual([]);
    const model = dset.makeUploadModel();
    expect(model.numberOfFiles).toBe(N);
    expect(model.size).toBe(Array.from({ length: N }, (_, i) => String(i).length).reduce((a, b) => a + b, 0));
  });

  it("displays a summary and the first rows; renderFiles lists every file it is given", () => {
    const markup = datasetHtml(dset);
    expect(markup.length).toBeLessThan(200_000);
    expect(markup).toContain(`… and ${N - MAX_HTML_FILE_ROWS} more (${N} in all)`);
    expect(markup.match(/<tr class="cean-file">/g)).toHaveLength(MAX_HTML_FILE_ROWS);
    expect(markup).toContain(`Files: <span class="cean-file-info">${N} `);
    expect(datasetText(dset)).toMatch(new RegExp(`Files: ${N} .*\\n[^]*… and ${N - 10} more`));

    const all = renderFiles(dset.files.slice(0, 2_000));
    expect(all["text/html"]?.match(/<tr class="cean-file">/g)).toHaveLength(2_000);
    expect(all["text/plain"].split("\n")).toHaveLength(1 + 1 + 2_000);
  });

  it("uploads through the FakeClient in several datablocks, and every one is read back and downloaded from", async () => {
    const transfer = new FakeFileTransfer();
    const client = FakeClient.withoutLogin({ url: "https://fake.scicat", fileTransfer: transfer });
    let events = 0;
    const finalized = await client.uploadNewDatasetNow(dset, { onProgress: () => void events++ });

    expect(transfer.files.size).toBe(N);
    expect(transfer.files.get(`/hex/many/d3/${N - 97}.dat`)?.toString()).toBe(String(N - 97));
    const blocks = client.origDatablocks.get(finalized.pid!)!;
    expect(blocks.map((b) => b.dataFileList!.length)).toEqual([20_000, 20_000, 20_000, 20_000, 20_000]);
    const first = blocks[0]!.dataFileList![0]!;
    expect(first).toMatchObject({ path: "d0/0.dat", size: 1, chk: blake2b("0") });
    // Each document stays well below MongoDB's 16 MB limit (about 200 bytes per file here).
    for (const b of blocks) expect(JSON.stringify(b).length).toBeLessThan(8e6);
    // A bounded number per file (one while uploading, the hash's count and "done" while hashing),
    // plus the phase changes: nothing grows with the number of files already moved.
    expect(events).toBeLessThanOrEqual(3 * N + 20);

    const again = await client.getDataset(finalized.pid!);
    expect(again.origDatablocks).toHaveLength(5);
    expect(again.numberOfFiles).toBe(N);
    const wanted = ["d0/0.dat", "d0/20000.dat", "d0/40000.dat", "d0/60000.dat", `d99/${N - 1}.dat`];
    const target = path.join(dir, "download");
    const downloaded = await client.downloadFiles(again, { target, select: wanted });
    for (const p of wanted) expect(readFileSync(path.join(target, p), "utf8")).toBe(p.replace(/.*\/|\.dat/g, ""));
    expect(downloaded.files.filter((f) => f.isOnLocal).map((f) => f.remotePath.posix)).toEqual(wanted);
  });
});
