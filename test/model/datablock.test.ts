import * as path from "node:path";
import { OrigDatablock } from "../../src/model/datablock";
import { File } from "../../src/model/file";
import { setLogHandler } from "../../src/logging";
import { hexDigest, useTempDir } from "./helpers";

const tmp = useTempDir("datablock");

const remote = (name: string, size = 1): File =>
  File.fromRemote({ remotePath: name, size, creationTime: "2022-01-01T00:00:00Z" });

describe("OrigDatablock", () => {
  it("starts empty", () => {
    const block = new OrigDatablock();
    expect(block.files).toEqual([]);
    expect(block.size).toBe(0);
    expect(block.checksumAlgorithm).toBeNull();
    expect(block.datablockId).toBeNull();
    expect([block.accessGroups, block.createdAt, block.createdBy, block.updatedAt, block.updatedBy, block.isPublished]).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it("rejects an unknown checksum algorithm", () => {
    expect(() => new OrigDatablock({ checksumAlgorithm: "nope" })).toThrow(/nope/);
  });

  it("gives added files its checksum algorithm", () => {
    const block = new OrigDatablock({ checksumAlgorithm: "md5" });
    const file = remote("a.dat");
    block.addFiles(file, remote("b.dat", 2));
    expect(block.files.map((f) => f.checksumAlgorithm)).toEqual(["md5", "md5"]);
    expect(file.checksumAlgorithm).toBeNull();
    expect(block.size).toBe(3);
  });

  it("takes files in the constructor", () => {
    const block = new OrigDatablock({ checksumAlgorithm: "sha256", files: [remote("a.dat", 5)] });
    expect(block.files.map((f) => [f.remotePath.posix, f.checksumAlgorithm])).toEqual([["a.dat", "sha256"]]);
    expect(block.size).toBe(5);
  });

  it("reads SciCat's record", () => {
    const block = OrigDatablock.fromDownloadModel({
      _id: "02dc390c-811c-4d6a-93bf-9f85a4214ca0",
      datasetId: "20.500.12269/72fe",
      size: 95,
      chkAlg: "md5",
      ownerGroup: "uu",
      accessGroups: ["faculty"],
      createdAt: "2022-08-17T14:20:23.675Z",
      createdBy: "Ponder",
      updatedAt: "2022-11-01T13:22:08.927Z",
      updatedBy: "anonymous",
      isPublished: true,
      dataFileList: [
        { path: "flux.dat", size: 20, time: "2022-08-17T13:54:12Z", chk: "c1" },
        { path: "logs/measurement.log", size: 75, time: "2022-08-17T13:55:21Z", chk: "c2" },
      ],
    });
    expect(block.datablockId).toBe("02dc390c-811c-4d6a-93bf-9f85a4214ca0");
    expect(block.checksumAlgorithm).toBe("md5");
    expect(block.accessGroups).toEqual(["faculty"]);
    expect(block.createdAt?.toISOString()).toBe("2022-08-17T14:20:23.675Z");
    expect(block.createdBy).toBe("Ponder");
    expect(block.updatedAt?.toISOString()).toBe("2022-11-01T13:22:08.927Z");
    expect(block.updatedBy).toBe("anonymous");
    expect(block.isPublished).toBe(true);
    expect(block.files.map((f) => f.remotePath.posix)).toEqual(["flux.dat", "logs/measurement.log"]);
    expect(block.files.map((f) => f.remoteChecksum)).toEqual(["c1", "c2"]);
    expect(block.files.every((f) => f.checksumAlgorithm === "md5" && f.isOnRemote && !f.isOnLocal)).toBe(true);
    expect(block.size).toBe(95);
  });

  it("reads an id given as 'id', no algorithm, and no file list", () => {
    const block = OrigDatablock.fromDownloadModel({ id: "plain-id" });
    expect(block.datablockId).toBe("plain-id");
    expect(block.checksumAlgorithm).toBeNull();
    expect(block.files).toEqual([]);
  });

  it("reads an empty chkAlg as no algorithm", () => {
    const block = OrigDatablock.fromDownloadModel({
      chkAlg: "",
      dataFileList: [{ path: "a.dat", size: 1, time: "2022-08-17T13:54:12Z", chk: "abc" }],
    });
    expect(block.checksumAlgorithm).toBeNull();
    expect(block.files[0]?.remoteChecksum).toBe("abc");
  });

  it("withFiles copies id and metadata, not the file list", () => {
    const block = OrigDatablock.fromDownloadModel({ _id: "id-1", chkAlg: "md5", createdBy: "x", dataFileList: [] });
    const copy = block.withFiles([remote("n.dat")]);
    expect(copy).not.toBe(block);
    expect(copy.datablockId).toBe("id-1");
    expect(copy.createdBy).toBe("x");
    expect(copy.files.map((f) => [f.remotePath.posix, f.checksumAlgorithm])).toEqual([["n.dat", "md5"]]);
    expect(block.files).toEqual([]);
  });

  it("makes the upload model (no datasetId), computing checksums of local files", async () => {
    const a = tmp.write("block/a.dat", "alpha");
    const b = tmp.write("block/b.dat", "beta!!");
    const block = new OrigDatablock({ checksumAlgorithm: "blake2b" });
    block.addFiles(File.fromLocal(a, { basePath: path.dirname(a) }), File.fromLocal(b, { basePath: path.dirname(b) }));
    const model = await block.makeUploadModel();
    expect(model.chkAlg).toBe("blake2b");
    expect(model.size).toBe(11);
    expect(model.dataFileList.map((f) => [f.path, f.size, f.chk])).toEqual([
      ["a.dat", 5, hexDigest("blake2b", "alpha")],
      ["b.dat", 6, hexDigest("blake2b", "beta!!")],
    ]);
    expect(Object.keys(model).sort()).toEqual(["chkAlg", "dataFileList", "size"]);
  });

  describe("with many files", () => {
    afterEach(() => jest.restoreAllMocks());

    /**
     * Replaces File.makeModel (which opens the local file to hash it) by one
     * that counts how many run at once. Each finishes after a number of
     * microtask turns that depends on its name, so they finish out of order.
     */
    function countConcurrentModels(fail: string | null = null): { running: number; most: number; started: string[] } {
      const stats = { running: 0, most: 0, started: [] as string[] };
      jest.spyOn(File.prototype, "makeModel").mockImplementation(async function (this: File) {
        const name = this.remotePath.posix;
        stats.started.push(name);
        stats.running += 1;
        stats.most = Math.max(stats.most, stats.running);
        try {
          for (let i = 0; i < (Number(name.replace(/\D/g, "")) * 7) % 5; i++) await Promise.resolve();
          if (name === fail) throw new Error(`cannot read ${name}`);
          return { path: name, size: 1, time: "2022-01-01T00:00:00.000Z", chk: `chk-${name}` };
        } finally {
          stats.running -= 1;
        }
      });
      return stats;
    }

    const names = Array.from({ length: 100 }, (_, i) => `f${i}.dat`);

    it("hashes a few files at a time (not all at once: that runs out of file handles), keeping their order", async () => {
      const stats = countConcurrentModels();
      const block = new OrigDatablock({ checksumAlgorithm: "md5", files: names.map((n) => remote(n)) });
      const model = await block.makeUploadModel();
      expect(stats.started).toHaveLength(100);
      expect(stats.most).toBeLessThanOrEqual(8);
      expect(stats.most).toBeGreaterThan(1);
      expect(model.dataFileList.map((f) => f.path)).toEqual(names);
      expect(model.dataFileList.map((f) => f.chk)).toEqual(names.map((n) => `chk-${n}`));
      expect(model.size).toBe(100);
    });

    it("stops starting new files after one fails", async () => {
      const stats = countConcurrentModels("f3.dat");
      const block = new OrigDatablock({ checksumAlgorithm: "md5", files: names.map((n) => remote(n)) });
      await expect(block.makeUploadModel()).rejects.toThrow(/cannot read f3\.dat/);
      expect(stats.started.length).toBeLessThan(20);
    });

    it("stops starting new files once the signal aborts", async () => {
      const stats = countConcurrentModels();
      const controller = new AbortController();
      const spy = File.prototype.makeModel as jest.Mock;
      const counting = spy.getMockImplementation()!;
      spy.mockImplementation(function (this: File) {
        if (stats.started.length === 20) controller.abort();
        return counting.call(this);
      });
      const block = new OrigDatablock({ checksumAlgorithm: "md5", files: names.map((n) => remote(n)) });
      const error = await block.makeUploadModel({ signal: controller.signal }).catch((e: Error) => e);
      expect((error as Error).name).toBe("AbortError");
      expect(stats.started.length).toBeGreaterThanOrEqual(20);
      expect(stats.started.length).toBeLessThan(30);
    });

    it("hashes many real local files correctly", async () => {
      const files = Array.from({ length: 30 }, (_, i) => tmp.write(`many/m${i}.dat`, `content ${i}`));
      const block = new OrigDatablock({ checksumAlgorithm: "sha256" });
      block.addFiles(...files.map((f) => File.fromLocal(f, { basePath: path.dirname(f) })));
      const model = await block.makeUploadModel();
      expect(model.dataFileList.map((f) => [f.path, f.chk])).toEqual(
        files.map((_, i) => [`m${i}.dat`, hexDigest("sha256", `content ${i}`)]),
      );
    });
  });

  it("leaves chkAlg out when there is no algorithm", async () => {
    const model = await new OrigDatablock({ files: [remote("x.dat", 4)] }).makeUploadModel();
    expect(model).toStrictEqual({
      dataFileList: [{ path: "x.dat", size: 4, time: "2022-01-01T00:00:00.000Z" }],
      size: 4,
    });
  });
});

describe("OrigDatablock.fromDownloadModel with an algorithm this machine lacks", () => {
  it("loads the files, drops the algorithm and warns", () => {
    const messages: string[] = [];
    const previous = setLogHandler((_level, message) => messages.push(message));
    try {
      const block = OrigDatablock.fromDownloadModel({
        _id: "block-1",
        chkAlg: "md5sum-v9",
        dataFileList: [{ path: "a.dat", size: 3, time: "2024-01-01T00:00:00Z", chk: "abc" }],
      });
      expect(block.checksumAlgorithm).toBeNull();
      expect(block.files.map((f) => f.remotePath.posix)).toEqual(["a.dat"]);
      expect(messages.join("\n")).toMatch(/block-1.*md5sum-v9/);
    } finally {
      setLogHandler(previous);
    }
  });
});
