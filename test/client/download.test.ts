/**
 * Client.downloadFiles (intent of Scitacean's tests/download_test.py;
 * sub-folders are kept and, unlike 24.05, created), against the FakeClient
 * and against HttpScicatClient with the SciCat stand-in server. The datasets
 * are seeded into SciCat and read back with getDataset, so the files of a
 * dataset as each backend returns it are downloaded.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Client, type DownloadProgress } from "../../src/client/client";
import { IntegrityError } from "../../src/errors";
import { Dataset, type DatasetFieldName } from "../../src/model/dataset";
import { File } from "../../src/model/file";
import type { DownloadDataset, DownloadOrigDatablock } from "../../src/model/wire";
import { FakeFileTransfer } from "../../src/testing/fake-file-transfer";
import { FakeScicatClient } from "../../src/testing/fake-scicat-client";
import { setupFakeClient, THAUM_FLUX_PID } from "../../src/testing/docs";
import type { DownloadConnection } from "../../src/transfer/types";
import { useBackends } from "./backends";
import { listFiles, makeTempDir, md5, recordLogs, removeTempDir, writeFile } from "./helpers";

const CONTENTS: Record<string, string> = {
  "file1.dat": "contents-of-file1",
  "log/what-happened.log": "ERROR Flux is off the scale",
  "thaum.dat": "0 4 2 59 330 2314552",
};
const SOURCE = "/src/stibbons/774";
const PID_TEXT = "UU.000/5125.ab.663.8c9f";

const { backends } = useBackends();

let dir: string;
let target: string;
let logs: ReturnType<typeof recordLogs>;

beforeEach(() => {
  dir = makeTempDir("scitacean-download-");
  target = path.join(dir, "download");
  logs = recordLogs();
});

afterEach(() => {
  logs.restore();
  removeTempDir(dir);
  jest.restoreAllMocks();
});

function datasetModel(): DownloadDataset {
  return {
    contactEmail: "p.stibbons@uu.am",
    creationTime: "1995-08-06T14:14:14Z",
    numberOfFiles: 3,
    numberOfFilesArchived: 0,
    owner: "pstibbons",
    ownerGroup: "faculty",
    packedSize: 0,
    pid: PID_TEXT,
    principalInvestigator: "m.ridcully@uu.am",
    creationLocation: "UnseenUniversity",
    size: Object.values(CONTENTS).reduce((s, c) => s + c.length, 0),
    sourceFolder: SOURCE,
    type: "raw",
    scientificMetadata: { height: { value: 0.3, unit: "m" }, mass: "hefty" },
  };
}

function blockModel(chkAlg: string | null = "md5"): DownloadOrigDatablock {
  return {
    ...(chkAlg ? { chkAlg } : {}),
    ownerGroup: "faculty",
    size: Object.values(CONTENTS).reduce((s, c) => s + c.length, 0),
    datasetId: PID_TEXT,
    _id: "0941.66.abff.41de",
    dataFileList: Object.entries(CONTENTS).map(([name, content]) => ({
      path: name,
      size: content.length,
      chk: md5(content),
      time: "1995-08-06T14:14:14Z",
    })),
  };
}

function serverFiles(): Record<string, string> {
  return Object.fromEntries(Object.entries(CONTENTS).map(([name, content]) => [`${SOURCE}/${name}`, content]));
}

/** A transfer that must not be used for downloading. */
class RaisingTransfer extends FakeFileTransfer {
  connects = 0;
  override async connectForDownload(): Promise<DownloadConnection> {
    this.connects += 1;
    throw new Error("Download disabled");
  }
}

/** Like 24.05's fake and SFTP: writes the file, never creates folders. */
class StrictTransfer extends FakeFileTransfer {
  override async connectForDownload(): Promise<DownloadConnection> {
    const files = this.files;
    return {
      async downloadFiles({ remote, local }) {
        return remote.map((r, i) => {
          const parent = path.dirname(local[i]!);
          if (!fs.existsSync(parent)) throw new Error(`ENOENT: parent folder '${parent}' does not exist`);
          fs.writeFileSync(local[i]!, files.get(r.posix)!);
          return { local: local[i]!, size: files.get(r.posix)!.length, checksum: null };
        });
      },
      async close() {},
    };
  }
}

/** The files of the tutorials' "Thaum flux" seed, as on its fake file server. */
function thaumFluxFiles(): Map<string, Buffer> {
  return (setupFakeClient().fileTransfer as FakeFileTransfer).files;
}

const read = (relative: string): string => fs.readFileSync(path.join(target, relative), "utf8");

describe.each(backends)("$name", (b) => {
  function clientWith(transfer: FakeFileTransfer | null = new FakeFileTransfer({ files: serverFiles() })): Client {
    return b.makeClient({ fileTransfer: transfer });
  }

  /**
   * The dataset of download_test.py, three files with md5 checksums, one in a sub-folder: seeded into
   * SciCat (owned by group faculty, which ponder is in) and read back.
   */
  async function dataset(chkAlg: string | null = "md5"): Promise<Dataset> {
    b.seedDataset(datasetModel(), [blockModel(chkAlg)]);
    return b.makeClient().getDataset(PID_TEXT);
  }

  describe("selecting files", () => {
    it("all (true, the default) — and sub-folders are created", async () => {
      const result = await clientWith().downloadFiles(await dataset(), { target });
      expect(listFiles(target)).toEqual(["file1.dat", "log/what-happened.log", "thaum.dat"]);
      for (const [name, content] of Object.entries(CONTENTS)) expect(read(name)).toBe(content);
      expect(result.files.every((f) => f.isOnLocal)).toBe(true);
      const explicit = await clientWith().downloadFiles(await dataset(), {
        target: path.join(dir, "d2"),
        select: true,
        force: true,
      });
      expect(explicit.files.every((f) => f.isOnLocal)).toBe(true);
      expect(listFiles(path.join(dir, "d2"))).toEqual(["file1.dat", "log/what-happened.log", "thaum.dat"]);
    });

    it("none (false), and the target is created anyway", async () => {
      const nested = path.join(dir, "not", "there", "yet");
      const result = await clientWith(null).downloadFiles(await dataset(), { target: nested, select: false });
      expect(fs.statSync(nested).isDirectory()).toBe(true);
      expect(listFiles(nested)).toEqual([]);
      expect(result.files.every((f) => !f.isOnLocal)).toBe(true);
    });

    it.each<[string, Parameters<Client["downloadFiles"]>[1]["select"], string[]]>([
      ["one by string", "thaum.dat", ["thaum.dat"]],
      ["one in a sub-folder by string", "log/what-happened.log", ["log/what-happened.log"]],
      ["two by array", ["thaum.dat", "log/what-happened.log"], ["log/what-happened.log", "thaum.dat"]],
      ["one by regex on the name", /thaum/, ["thaum.dat"]],
      ["two by regex suffix", /\.dat$/, ["file1.dat", "thaum.dat"]],
      ["one by anchored regex", /^file1\.dat$/, ["file1.dat"]],
      ["by a global regex, consistently", /a/g, ["file1.dat", "log/what-happened.log", "thaum.dat"]],
    // A sticky regex would only match at the start; a selector searches the whole path.
    ["by a sticky regex, anywhere in the path", /happened/y, ["log/what-happened.log"]],
      ["one by predicate", (f: File) => f.remotePath.equals("file1.dat"), ["file1.dat"]],
      ["none by an unmatched string", "nope.dat", []],
    ])("%s", async (_label, select, expected) => {
      const input = await dataset();
      const result = await clientWith().downloadFiles(input, { target, select });
      expect(listFiles(target)).toEqual(expected);
      for (const name of expected) expect(read(name)).toBe(CONTENTS[name]);
      const local = result.files.filter((f) => f.isOnLocal).map((f) => f.remotePath.posix).sort();
      expect(local).toEqual(expected);
    });

    it("a string matches the whole remote path, not the name", async () => {
      await clientWith().downloadFiles(await dataset(), { target, select: "what-happened.log" });
      expect(listFiles(target)).toEqual([]);
    });
  });

  describe("the returned dataset", () => {
    it("has local paths below the target; the input dataset is unchanged", async () => {
      const input = await dataset();
      const original = input.replace({});
      const result = await clientWith().downloadFiles(input, { target, select: /\.dat$/ });

      expect(input.equals(original)).toBe(true);
      expect(input.files.every((f) => !f.isOnLocal)).toBe(true);
      for (const field of Dataset.fields()) {
        const name = field.name as DatasetFieldName;
        expect(result.get(name)).toEqual(original.get(name));
      }
      expect(result.meta).toEqual(original.meta);
      const byPath = Object.fromEntries(result.files.map((f) => [f.remotePath.posix, f]));
      expect(byPath["file1.dat"]!.localPath).toBe(path.join(target, "file1.dat"));
      expect(byPath["thaum.dat"]!.localPath).toBe(path.join(target, "thaum.dat"));
      expect(byPath["log/what-happened.log"]!.localPath).toBeNull();
      // Remote side is kept.
      expect(byPath["file1.dat"]!.isOnRemote).toBe(true);
      expect(byPath["file1.dat"]!.remoteChecksum).toBe(md5(CONTENTS["file1.dat"]!));
      expect(byPath["file1.dat"]!.checksumAlgorithm).toBe("md5");
    });
  });

  describe("the downloading guide's seed (24.05 FileNotFoundError bug fixed)", () => {
    it("downloads logs/measurement.log into a new sub-folder", async () => {
      const client = clientWith(new FakeFileTransfer({ files: thaumFluxFiles() }));
      b.seedThaumFlux();
      const dset = await client.getDataset(THAUM_FLUX_PID);
      const result = await client.downloadFiles(dset, { target });
      expect(listFiles(target)).toEqual(["flux.dat", "logs/measurement.log"]);
      expect(read("flux.dat")).toBe("5 4 9 11 15 12 7 6 1");
      expect(read("logs/measurement.log")).toBe(
        "INFO Starting measurement\nWARN Detector saturated\nINFO Measurement finished",
      );
      expect(result.files.map((f) => f.localPath)).toEqual([
        path.join(target, "flux.dat"),
        path.join(target, "logs", "measurement.log"),
      ]);
    });
  });

  describe("checks after download", () => {
    async function withExtraFile(
      chkAlg: string | null,
      chk: string,
      size: number,
    ): Promise<{ dset: Dataset; transfer: FakeFileTransfer }> {
      const dset = await dataset();
      dset.addOrigDatablock({ checksumAlgorithm: chkAlg });
      dset.addFiles(File.fromDownloadModel({ path: "file.txt", size, time: "2022-06-22T15:42:53Z", chk }, { checksumAlgorithm: chkAlg }));
      const transfer = new FakeFileTransfer({ files: { ...serverFiles(), [`${SOURCE}/file.txt`]: "random-stuff" } });
      return { dset, transfer };
    }

    it("a bad checksum with an algorithm raises IntegrityError and leaves no file and no .part behind", async () => {
      const { dset, transfer } = await withExtraFile("md5", "incorrect-checksum", "random-stuff".length);
      const error = await clientWith(transfer).downloadFiles(dset, { target, select: "file.txt" }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(IntegrityError);
      expect((error as Error).message).toMatch(/file\.txt/);
      expect((error as Error).message).toMatch(/incorrect-checksum/);
      expect((error as Error).message).toMatch(/md5/);
      // The message names the file the user asked for, not the temporary download.
      expect((error as Error).message).toContain(path.join(target, "file.txt"));
      expect((error as Error).message).not.toMatch(/\.part/);
      expect(fs.existsSync(path.join(target, "file.txt"))).toBe(false);
      expect(listFiles(target)).toEqual([]);
      const logged = logs.records.filter((r) => r.level === "error");
      expect(logged.some((r) => r.message.includes(path.join(target, "file.txt")))).toBe(true);
      expect(logged.some((r) => /\.part/.test(r.message))).toBe(false);
    });

    it("a checksum mismatch quotes both 512-bit digests whole", async () => {
      const stored = "e".repeat(128);
      const { dset, transfer } = await withExtraFile("blake2b", stored, "random-stuff".length);
      const error = await clientWith(transfer).downloadFiles(dset, { target, select: "file.txt" }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(IntegrityError);
      expect((error as Error).message).toContain(`(${stored})`);
      expect((error as Error).message).toMatch(/\([0-9a-f]{128}\) does not match/);
      expect((error as Error).message).not.toMatch(/more characters/);
    });

    it("a bad download never replaces an existing local copy, and other files of the batch are not kept half-way", async () => {
      const { dset, transfer } = await withExtraFile("md5", "incorrect-checksum", "random-stuff".length);
      writeFile(target, "file.txt", "my old copy");
      await expect(
        clientWith(transfer).downloadFiles(dset, { target, select: ["file1.dat", "file.txt"] }),
      ).rejects.toThrow(IntegrityError);
      expect(read("file.txt")).toBe("my old copy");
      expect(listFiles(target).filter((f) => f.endsWith(".part"))).toEqual([]);
      expect(listFiles(target)).toEqual(["file.txt"]);
    });

    it("a bad checksum without an algorithm passes, with a warning", async () => {
      const { dset, transfer } = await withExtraFile(null, "incorrect-checksum", "random-stuff".length);
      const result = await clientWith(transfer).downloadFiles(dset, { target, select: "file.txt" });
      expect(read("file.txt")).toBe("random-stuff");
      expect(result.files.find((f) => f.remotePath.equals("file.txt"))!.localPath).toBe(path.join(target, "file.txt"));
      expect(logs.records.some((r) => r.level === "warning" && /file\.txt/.test(r.message) && /algorithm/.test(r.message))).toBe(
        true,
      );
      expect(listFiles(target)).toEqual(["file.txt"]);
    });

    it("a size mismatch is only logged (with the sizes)", async () => {
      const { dset, transfer } = await withExtraFile("md5", md5("random-stuff"), 89412);
      await clientWith(transfer).downloadFiles(dset, { target, select: "file.txt" });
      expect(read("file.txt")).toBe("random-stuff");
      const info = logs.records.filter((r) => r.level === "info").map((r) => r.message).join("\n");
      expect(info).toMatch(/does not match the size reported in the dataset/);
      expect(info).toMatch(/89412/);
      expect(logs.records.some((r) => r.level === "error")).toBe(false);
    });
  });

  describe("files already downloaded", () => {
    async function downloadOnce(): Promise<void> {
      await clientWith().downloadFiles(await dataset(), { target });
      expect(listFiles(target)).toEqual(["file1.dat", "log/what-happened.log", "thaum.dat"]);
    }

    it("are not downloaded again when up to date", async () => {
      await downloadOnce();
      const raising = new RaisingTransfer();
      const result = await clientWith(raising).downloadFiles(await dataset(), { target });
      expect(raising.connects).toBe(0);
      expect(result.files.every((f) => f.localPath !== null)).toBe(true);
    });

    it("need no transfer at all when up to date", async () => {
      await downloadOnce();
      const result = await clientWith(null).downloadFiles(await dataset(), { target });
      expect(result.files.every((f) => f.isOnLocal)).toBe(true);
    });

    it("are downloaded again when the local copy changed", async () => {
      await downloadOnce();
      fs.writeFileSync(path.join(target, "thaum.dat"), "tampered");
      const raising = new RaisingTransfer();
      await expect(clientWith(raising).downloadFiles(await dataset(), { target })).rejects.toThrow("Download disabled");
      await clientWith().downloadFiles(await dataset(), { target });
      expect(read("thaum.dat")).toBe(CONTENTS["thaum.dat"]);
    });

    it("use the checksumAlgorithm override (block without algorithm, md5 checksums)", async () => {
      await downloadOnce();
      // Without the override blake2b is assumed, which does not match → a download is attempted.
      const raising = new RaisingTransfer();
      await expect(clientWith(raising).downloadFiles(await dataset(null), { target })).rejects.toThrow("Download disabled");
      expect(logs.text()).toMatch(/No checksum algorithm has been set/);
      // With the right override they are up to date.
      const again = new RaisingTransfer();
      const result = await clientWith(again).downloadFiles(await dataset(null), { target, checksumAlgorithm: "md5" });
      expect(again.connects).toBe(0);
      expect(result.files.every((f) => f.isOnLocal)).toBe(true);
    });

    it("matching override of the datablock's own algorithm: not downloaded", async () => {
      await downloadOnce();
      const raising = new RaisingTransfer();
      await clientWith(raising).downloadFiles(await dataset(), { target, checksumAlgorithm: "md5" });
      expect(raising.connects).toBe(0);
    });

    it("a wrong override forces a download", async () => {
      await downloadOnce();
      const raising = new RaisingTransfer();
      await expect(
        clientWith(raising).downloadFiles(await dataset(), { target, checksumAlgorithm: "sha256" }),
      ).rejects.toThrow("Download disabled");
      expect(raising.connects).toBe(1);
    });

    it("a wrong override only affects the up-to-date check: the download itself is checked with the datablock's algorithm", async () => {
      await downloadOnce();
      fs.writeFileSync(path.join(target, "thaum.dat"), "stale");
      const result = await clientWith().downloadFiles(await dataset(), { target, checksumAlgorithm: "sha256" });
      expect(read("thaum.dat")).toBe(CONTENTS["thaum.dat"]);
      // The returned files keep the datablock's algorithm (24.05: the override is not stored).
      expect(result.files.map((f) => f.checksumAlgorithm)).toEqual(["md5", "md5", "md5"]);
    });

    it("an unknown override algorithm is a clear error", async () => {
      await expect(clientWith().downloadFiles(await dataset(), { target, checksumAlgorithm: "crc-9000" })).rejects.toThrow(
        /Checksum algorithm not recognized: crc-9000/,
      );
    });

    it("force: true downloads again", async () => {
      await downloadOnce();
      const raising = new RaisingTransfer();
      await expect(
        clientWith(raising).downloadFiles(await dataset(), { target, checksumAlgorithm: "md5", force: true }),
      ).rejects.toThrow("Download disabled");
      fs.writeFileSync(path.join(target, "file1.dat"), "old");
      // A real forced download overwrites the local copies.
      const transfer = new FakeFileTransfer({ files: { ...serverFiles(), [`${SOURCE}/file1.dat`]: "contents-of-file1" } });
      await clientWith(transfer).downloadFiles(await dataset(), { target, force: true, select: "file1.dat" });
      expect(read("file1.dat")).toBe("contents-of-file1");
    });
  });

  describe("unsafe or impossible downloads", () => {
    it.each([["../x"], ["sub/../../x"], ["/etc/x"]])("a remote path escaping the target (%s) is refused", async (remotePath) => {
      const dset = await dataset();
      dset.addFiles(File.fromRemote({ remotePath, size: 3, creationTime: "2020-01-01T00:00:00Z" }));
      const transfer = new FakeFileTransfer({ files: { ...serverFiles(), [`${SOURCE}/x`]: "bad", [`/etc/x`]: "bad" } });
      const error = await clientWith(transfer).downloadFiles(dset, { target, select: true }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toContain(remotePath);
      expect((error as Error).message).toMatch(/outside the target folder/);
      expect(listFiles(dir)).toEqual([]);
    });

    it("escaping files are refused even when not the only ones selected — and only selected files are checked", async () => {
      const dset = await dataset();
      dset.addFiles(File.fromRemote({ remotePath: "../x", size: 3, creationTime: "2020-01-01T00:00:00Z" }));
      // Not selected: fine.
      await clientWith().downloadFiles(dset, { target, select: "file1.dat" });
      expect(listFiles(dir)).toEqual(["download/file1.dat"]);
    });

    it("without a file transfer is a clear error", async () => {
      const error = await clientWith(null).downloadFiles(await dataset(), { target }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/no file transfer/);
      expect((error as Error).message).toMatch(/fileTransfer/);
      expect(listFiles(target)).toEqual([]);
    });

    it("without a source folder is a clear error", async () => {
      const dset = (await dataset()).replace({ sourceFolder: null });
      await expect(clientWith().downloadFiles(dset, { target })).rejects.toThrow(/sourceFolder/);
    });

    it("a file missing on the server leaves nothing behind", async () => {
      const transfer = new FakeFileTransfer({ files: { [`${SOURCE}/file1.dat`]: CONTENTS["file1.dat"]! } });
      await expect(clientWith(transfer).downloadFiles(await dataset(), { target })).rejects.toThrow(/does not exist/);
      expect(listFiles(target)).toEqual([]);
    });

    it("an aborted download leaves nothing behind", async () => {
      const controller = new AbortController();
      const onProgress = (p: DownloadProgress): void => {
        if (p.phase === "downloading" && p.filesDone === 1) controller.abort();
      };
      const error = await clientWith()
        .downloadFiles(await dataset(), { target, signal: controller.signal, onProgress })
        .catch((e: Error) => e);
      expect((error as Error).name).toBe("AbortError");
      expect(listFiles(target)).toEqual([]);
    });
  });

  describe("progress events", () => {
    it("go downloading → verifying → done and count all bytes", async () => {
      const events: DownloadProgress[] = [];
      await clientWith().downloadFiles(await dataset(), { target, onProgress: (p) => void events.push(p) });
      const phases = events.map((e) => e.phase).filter((p, i, all) => i === 0 || all[i - 1] !== p);
      expect(phases).toEqual(["downloading", "verifying", "done"]);
      const total = Object.values(CONTENTS).reduce((s, c) => s + c.length, 0);
      const last = events[events.length - 1]!;
      expect(last.bytesTotal).toBe(total);
      expect(last.bytesDone).toBe(total);
      expect(last.filesDone).toBe(3);
      expect(last.filesTotal).toBe(3);
    });
  });

  describe("the client creates the local sub-folders itself (transfers may assume they exist)", () => {
    it("for a file in a sub-folder", async () => {
      const client = clientWith(new StrictTransfer({ files: serverFiles() }));
      await client.downloadFiles(await dataset(), { target });
      expect(read("log/what-happened.log")).toBe(CONTENTS["log/what-happened.log"]);
    });

    it("for the seed's logs/measurement.log", async () => {
      const client = clientWith(new StrictTransfer({ files: thaumFluxFiles() }));
      b.seedThaumFlux();
      const dset = await b.makeClient().getDataset(THAUM_FLUX_PID);
      await client.downloadFiles(dset, { target, select: /measurement/ });
      expect(listFiles(target)).toEqual(["logs/measurement.log"]);
    });
  });
});

/** The dataset of download_test.py, built from its models without any SciCat. */
function datasetFromModels(): Dataset {
  return Dataset.fromDownloadModels({ dataset: datasetModel(), origDatablocks: [blockModel()] });
}

// Fake only: this is about the fake SciCat under a plain Client rather than a FakeClient.
describe("a plain Client over a FakeScicatClient", () => {
  it("downloads the same way (the fake client is not special)", async () => {
    const client = new Client({ scicat: new FakeScicatClient(), fileTransfer: new FakeFileTransfer({ files: serverFiles() }) });
    await client.downloadFiles(datasetFromModels(), { target, select: "log/what-happened.log" });
    expect(read("log/what-happened.log")).toBe(CONTENTS["log/what-happened.log"]);
  });
});
