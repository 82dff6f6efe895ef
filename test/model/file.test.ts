/**
 * File (the intent of Scitacean's file_test.py, with 24.05's basePath rule).
 */
import { statSync, utimesSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { IntegrityError } from "../../src/errors";
import { File } from "../../src/model/file";
import * as filesystem from "../../src/values/filesystem";
import { RemotePath } from "../../src/values/remote-path";
import { hexDigest, inDir, useLogCapture, useTempDir } from "./helpers";

const tmp = useTempDir("file");
const logs = useLogCapture();

afterEach(() => jest.restoreAllMocks());

const T0 = new Date("2022-08-17T13:54:12.000Z");

function localFile(relative: string, content: string, mtime = T0): string {
  const file = tmp.write(relative, content);
  utimesSync(file, mtime, mtime);
  return file;
}

describe("File.fromLocal", () => {
  it("has sensible defaults", () => {
    const file = localFile("local/defaults.dat", "some data");
    const f = File.fromLocal(file, { basePath: path.dirname(file) });
    expect(f.localPath).toBe(file);
    expect(f.remotePath).toStrictEqual(new RemotePath("defaults.dat"));
    expect(f.remoteUid).toBeNull();
    expect(f.remoteGid).toBeNull();
    expect(f.remotePerm).toBeNull();
    expect(f.checksumAlgorithm).toBeNull();
    expect(f.isOnLocal).toBe(true);
    expect(f.isOnRemote).toBe(false);
    expect(f.remoteSize).toBeNull();
    expect(f.remoteChecksum).toBeNull();
    expect(f.size).toBe(9);
    expect(f.creationTime.getTime()).toBe(T0.getTime());
    expect(f.remoteAccessPath("/source")).toBeNull();
  });

  it("keeps relative folders of the local path (24.05)", () => {
    const f = inDir(tmp.dir, () => File.fromLocal("local/sub/x.dat"));
    expect(f.remotePath.posix).toBe("local/sub/x.dat");
    expect(inDir(tmp.dir, () => File.fromLocal("./local/./sub/x.dat")).remotePath.posix).toBe("local/sub/x.dat");
    expect(File.fromLocal(path.join(tmp.dir, "a", "b", "c.dat"), { basePath: tmp.dir }).remotePath.posix).toBe("a/b/c.dat");
  });

  it("rejects local paths that leave basePath or the working folder", () => {
    expect(() => File.fromLocal(path.join(tmp.dir, "x.dat"))).toThrow(/x\.dat.*basePath/);
    expect(() => File.fromLocal("../x.dat")).toThrow(/'\.\.\/x\.dat' is not inside/);
    expect(() => File.fromLocal(path.join(tmp.dir, "a/x.dat"), { basePath: path.join(tmp.dir, "b") })).toThrow(/x\.dat/);
    expect(() => File.fromLocal(tmp.dir, { basePath: tmp.dir })).toThrow(RangeError);
  });

  it("rejects an empty or non-string path", () => {
    expect(() => File.fromLocal("")).toThrow(TypeError);
    expect(() => File.fromLocal(5 as never)).toThrow(TypeError);
  });

  it("takes a remote path", () => {
    const file = localFile("local/rp.dat", "x");
    expect(File.fromLocal(file, { remotePath: "target/name.dat" }).remotePath.posix).toBe("target/name.dat");
    expect(File.fromLocal(file, { remotePath: new RemotePath("a/b") }).remotePath.posix).toBe("a/b");
    // An empty remote path falls back to the path below basePath.
    expect(File.fromLocal(file, { remotePath: "", basePath: path.dirname(file) }).remotePath.posix).toBe("rp.dat");
  });

  it("takes uid, gid and perm", () => {
    const file = localFile("local/ids.dat", "x");
    const f = File.fromLocal(file, { basePath: path.dirname(file), remoteUid: "1001", remoteGid: "2002", remotePerm: "-rw-r--r--" });
    expect(f.remoteUid).toBe("1001");
    expect(f.remoteGid).toBe("2002");
    expect(f.remotePerm).toBe("-rw-r--r--");
  });

  it.each(["md5", "sha256", "blake2s", "blake2b"])("computes the %s checksum once an algorithm is set", async (alg) => {
    const file = localFile(`local/alg-${alg}.dat`, `content for ${alg}`);
    const f = File.fromLocal(file, { basePath: path.dirname(file) });
    expect(await f.checksum()).toBeNull();
    const withAlg = f.withChecksumAlgorithm(alg);
    expect(withAlg.checksumAlgorithm).toBe(alg);
    expect(await withAlg.checksum()).toBe(hexDigest(alg, `content for ${alg}`));
    expect(f.checksumAlgorithm).toBeNull();
  });

  it("rejects an unknown checksum algorithm", () => {
    const file = localFile("local/badalg.dat", "x");
    expect(() => File.fromLocal(file, { basePath: path.dirname(file) }).withChecksumAlgorithm("nope")).toThrow(/nope/);
  });
});

describe("File.fromRemote", () => {
  it("has sensible defaults", async () => {
    const f = File.fromRemote({ remotePath: "/remote/file.dat", size: 6163, creationTime: "2022-12-17T09:30:00Z" });
    expect(f.localPath).toBeNull();
    expect(f.remotePath.posix).toBe("/remote/file.dat");
    expect(f.size).toBe(6163);
    expect(f.remoteSize).toBe(6163);
    expect(f.creationTime.toISOString()).toBe("2022-12-17T09:30:00.000Z");
    expect(f.checksumAlgorithm).toBeNull();
    expect(await f.checksum()).toBeNull();
    expect(f.remoteUid).toBeNull();
    expect(f.remoteGid).toBeNull();
    expect(f.remotePerm).toBeNull();
    expect(f.isOnLocal).toBe(false);
    expect(f.isOnRemote).toBe(true);
  });

  it("takes every argument", async () => {
    const f = File.fromRemote({
      remotePath: new RemotePath("data/file.dat"),
      size: 10,
      creationTime: new Date("2021-01-01T10:00:00+01:00"),
      checksum: "abcd",
      checksumAlgorithm: "md5",
      remoteUid: "u",
      remoteGid: "g",
      remotePerm: "p",
    });
    expect(f.remotePath.posix).toBe("data/file.dat");
    expect(f.size).toBe(10);
    expect(f.creationTime.toISOString()).toBe("2021-01-01T09:00:00.000Z");
    expect(await f.checksum()).toBe("abcd");
    expect(f.remoteChecksum).toBe("abcd");
    expect(f.checksumAlgorithm).toBe("md5");
    expect([f.remoteUid, f.remoteGid, f.remotePerm]).toEqual(["u", "g", "p"]);
  });

  it("reads an offset-less time as UTC", () => {
    const f = File.fromRemote({ remotePath: "x", size: 1, creationTime: "2022-01-01T12:00:00" });
    expect(f.creationTime.toISOString()).toBe("2022-01-01T12:00:00.000Z");
  });

  it("a checksum needs its algorithm", () => {
    expect(() =>
      File.fromRemote({ remotePath: "a/b.dat", size: 1, creationTime: "2022-01-01T00:00:00Z", checksum: "abcd" }),
    ).toThrow(TypeError);
    expect(() =>
      File.fromRemote({ remotePath: "a/b.dat", size: 1, creationTime: "2022-01-01T00:00:00Z", checksum: "abcd" }),
    ).toThrow(/a\/b\.dat.*checksumAlgorithm/);
  });

  it("remoteAccessPath joins the source folder", () => {
    const f = File.fromRemote({ remotePath: "sub/file.dat", size: 1, creationTime: "2022-01-01T00:00:00Z" });
    expect(f.remoteAccessPath("/source/folder")?.posix).toBe("/source/folder/sub/file.dat");
    expect(f.remoteAccessPath(new RemotePath("/source/folder/"))?.posix).toBe("/source/folder/sub/file.dat");
    expect(f.remoteAccessPath(null)).toBeNull();
  });
});

describe("File.fromDownloadModel", () => {
  it("reads a SciCat data file entry", async () => {
    const f = File.fromDownloadModel(
      { path: "dir/flux.dat", size: 20, time: "2022-08-17T13:54:12Z", chk: "1234", uid: "1", gid: "2", perm: "755" },
      { checksumAlgorithm: "sha256" },
    );
    expect(f.remotePath.posix).toBe("dir/flux.dat");
    expect(f.size).toBe(20);
    expect(f.creationTime.toISOString()).toBe("2022-08-17T13:54:12.000Z");
    expect(await f.checksum()).toBe("1234");
    expect(f.checksumAlgorithm).toBe("sha256");
    expect([f.remoteUid, f.remoteGid, f.remotePerm]).toEqual(["1", "2", "755"]);
    expect(f.isOnRemote).toBe(true);
    expect(f.isOnLocal).toBe(false);
  });

  it("keeps a checksum without algorithm instead of failing", async () => {
    const f = File.fromDownloadModel({ path: "a.dat", size: 1, time: "2022-08-17T13:54:12Z", chk: "beef" });
    expect(f.checksumAlgorithm).toBeNull();
    expect(f.remoteChecksum).toBe("beef");
    expect(await f.checksum()).toBe("beef");
  });

  it("can attach a local path", () => {
    const file = localFile("download-model/a.dat", "abc");
    const f = File.fromDownloadModel({ path: "a.dat", size: 3, time: "2022-08-17T13:54:12Z" }, { localPath: file });
    expect(f.localPath).toBe(file);
    expect(f.isOnLocal).toBe(true);
    expect(f.isOnRemote).toBe(true);
  });
});

describe("File.makeModel", () => {
  it("describes a local file", async () => {
    const file = localFile("model/local.dat", "model me", new Date("2023-03-03T03:03:03.000Z"));
    const f = File.fromLocal(file, { basePath: path.join(tmp.dir, "model"), remoteUid: "u", remoteGid: "g", remotePerm: "p" }).withChecksumAlgorithm(
      "blake2b",
    );
    expect(await f.makeModel()).toStrictEqual({
      path: "local.dat",
      size: 8,
      time: "2023-03-03T03:03:03.000Z",
      chk: hexDigest("blake2b", "model me"),
      gid: "g",
      perm: "p",
      uid: "u",
    });
  });

  it("leaves out what is not known", async () => {
    const file = localFile("model/plain.dat", "plain", new Date("2023-03-03T03:03:03.000Z"));
    expect(await File.fromLocal(file, { basePath: path.dirname(file) }).makeModel()).toStrictEqual({
      path: "plain.dat",
      size: 5,
      time: "2023-03-03T03:03:03.000Z",
    });
  });

  it("describes a remote file", async () => {
    const f = File.fromRemote({
      remotePath: "r.dat",
      size: 7,
      creationTime: "2020-02-02T02:02:02Z",
      checksum: "c0ffee",
      checksumAlgorithm: "md5",
    });
    expect(await f.makeModel()).toStrictEqual({ path: "r.dat", size: 7, time: "2020-02-02T02:02:02.000Z", chk: "c0ffee" });
  });
});

describe("uploaded and downloaded", () => {
  it("uploaded puts a local file on remote too", async () => {
    const file = localFile("up/a.dat", "uploaded content");
    const local = File.fromLocal(file, { basePath: path.dirname(file) }).withChecksumAlgorithm("md5");
    const before = Date.now();
    const up = local.uploaded({ remoteUid: "12", remoteGid: "34", remotePerm: "rw" });
    expect(up.isOnLocal).toBe(true);
    expect(up.isOnRemote).toBe(true);
    expect(up.localPath).toBe(file);
    expect(up.remotePath.posix).toBe("a.dat");
    expect(up.remoteSize).toBe(16);
    expect([up.remoteUid, up.remoteGid, up.remotePerm]).toEqual(["12", "34", "rw"]);
    expect(up.checksumAlgorithm).toBe("md5");
    expect(local.isOnRemote).toBe(false);
    expect(await up.checksum()).toBe(hexDigest("md5", "uploaded content"));
    // The remote creation time defaults to now; the local file's time stays the mtime.
    const remoteTime = up.withoutLocal().creationTime.getTime();
    expect(remoteTime).toBeGreaterThanOrEqual(before);
    expect(remoteTime).toBeLessThanOrEqual(Date.now());
  });

  it("uploaded takes explicit values", () => {
    const file = localFile("up/b.dat", "bbb");
    const up = File.fromLocal(file, { basePath: path.dirname(file) }).uploaded({
      remotePath: "elsewhere/b.dat",
      remoteSize: 99,
      remoteCreationTime: new Date("2020-01-01T00:00:00Z"),
      remoteChecksum: "given",
    });
    expect(up.remotePath.posix).toBe("elsewhere/b.dat");
    expect(up.remoteSize).toBe(99);
    expect(up.remoteChecksum).toBe("given");
    expect(up.withoutLocal().creationTime.toISOString()).toBe("2020-01-01T00:00:00.000Z");
  });

  it("uploaded records the checksum computed for the current content", async () => {
    const file = localFile("up/c.dat", "first content");
    const f = File.fromLocal(file, { basePath: path.dirname(file) }).withChecksumAlgorithm("blake2b");
    await f.checksum();
    expect(f.uploaded().remoteChecksum).toBe(hexDigest("blake2b", "first content"));
  });

  it("uploaded does not record a checksum that went stale", async () => {
    const file = localFile("up/d.dat", "old content");
    const f = File.fromLocal(file, { basePath: path.dirname(file) }).withChecksumAlgorithm("blake2b");
    await f.checksum();
    writeFileSync(file, "new content, longer");
    const up = f.uploaded();
    expect(up.remoteChecksum).not.toBe(hexDigest("blake2b", "old content"));
    expect(await up.checksum()).toBe(hexDigest("blake2b", "new content, longer"));
  });

  it("downloaded puts a remote file on local too", () => {
    const remote = File.fromRemote({ remotePath: "flux.dat", size: 20, creationTime: "2022-08-17T13:54:12Z" });
    const down = remote.downloaded({ localPath: "/download/flux.dat" });
    expect(down.localPath).toBe("/download/flux.dat");
    expect(down.isOnLocal).toBe(true);
    expect(down.isOnRemote).toBe(true);
    expect(down.remotePath.posix).toBe("flux.dat");
    expect(down.remoteSize).toBe(20);
    expect(remote.localPath).toBeNull();
  });

  it("withoutLocal drops the local copy", () => {
    const remote = File.fromRemote({ remotePath: "x.dat", size: 2, creationTime: "2022-08-17T13:54:12Z" });
    const back = remote.downloaded({ localPath: "/tmp/x.dat" }).withoutLocal();
    expect(back.equals(remote)).toBe(true);
  });
});

describe("local values are always current", () => {
  it("size follows the local file", () => {
    const file = localFile("current/size.dat", "12345");
    const f = File.fromLocal(file, { basePath: path.dirname(file) });
    expect(f.size).toBe(5);
    writeFileSync(file, "1234567890");
    expect(f.size).toBe(10);
  });

  it("creationTime follows the local file's mtime", () => {
    const file = localFile("current/time.dat", "x", new Date("2020-01-01T00:00:00Z"));
    const f = File.fromLocal(file, { basePath: path.dirname(file) });
    expect(f.creationTime.toISOString()).toBe("2020-01-01T00:00:00.000Z");
    const later = new Date("2021-06-01T12:00:00Z");
    utimesSync(file, later, later);
    expect(f.creationTime.toISOString()).toBe("2021-06-01T12:00:00.000Z");
  });

  it("checksum is recomputed after the content changes (same size, new mtime)", async () => {
    const file = localFile("current/chk.dat", "AAAA", new Date("2020-01-01T00:00:00Z"));
    const f = File.fromLocal(file, { basePath: path.dirname(file) }).withChecksumAlgorithm("blake2b");
    expect(await f.checksum()).toBe(hexDigest("blake2b", "AAAA"));
    writeFileSync(file, "BBBB");
    const later = new Date("2020-01-01T00:00:10Z");
    utimesSync(file, later, later);
    expect(await f.checksum()).toBe(hexDigest("blake2b", "BBBB"));
  });

  it("checksum is recomputed after the size changes", async () => {
    const file = localFile("current/chk2.dat", "short", new Date("2020-01-01T00:00:00Z"));
    const f = File.fromLocal(file, { basePath: path.dirname(file) }).withChecksumAlgorithm("md5");
    expect(await f.checksum()).toBe(hexDigest("md5", "short"));
    writeFileSync(file, "much longer content");
    // Same mtime as before: the size alone must invalidate the cache.
    utimesSync(file, new Date("2020-01-01T00:00:00Z"), new Date("2020-01-01T00:00:00Z"));
    expect(await f.checksum()).toBe(hexDigest("md5", "much longer content"));
  });

  it("checksum is cached while the file is unchanged", async () => {
    const file = localFile("current/cached.dat", "cache me");
    const f = File.fromLocal(file, { basePath: path.dirname(file) }).withChecksumAlgorithm("sha256");
    const spy = jest.spyOn(filesystem, "checksumOfFile");
    expect(await f.checksum()).toBe(hexDigest("sha256", "cache me"));
    expect(await f.checksum()).toBe(hexDigest("sha256", "cache me"));
    expect(await f.checksum()).toBe(hexDigest("sha256", "cache me"));
    expect(spy).toHaveBeenCalledTimes(1);
    const later = new Date(statSync(file).mtimeMs + 5000);
    utimesSync(file, later, later);
    await f.checksum();
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it("a different algorithm is not served from the cache", async () => {
    const file = localFile("current/two-algs.dat", "two algorithms");
    const f = File.fromLocal(file, { basePath: path.dirname(file) }).withChecksumAlgorithm("md5");
    expect(await f.checksum()).toBe(hexDigest("md5", "two algorithms"));
    expect(await f.withChecksumAlgorithm("sha256").checksum()).toBe(hexDigest("sha256", "two algorithms"));
  });
});

function downloadedFile(name: string, content: string, remote: { size?: number; checksum?: string | null; algorithm?: string | null }): File {
  const file = localFile(`validate/${name}`, content);
  const init = {
    remotePath: name,
    size: remote.size ?? Buffer.byteLength(content),
    creationTime: "2022-08-17T13:54:12Z",
    checksum: remote.checksum ?? null,
    checksumAlgorithm: remote.algorithm ?? null,
  };
  if (init.checksum !== null && init.checksumAlgorithm === null) {
    return File.fromDownloadModel({ path: name, size: init.size, time: init.creationTime, chk: init.checksum }, { localPath: file });
  }
  return File.fromRemote(init).downloaded({ localPath: file });
}

describe("validateAfterDownload", () => {
  it("passes for a matching checksum", async () => {
    const f = downloadedFile("good.dat", "good content", { checksum: hexDigest("blake2b", "good content"), algorithm: "blake2b" });
    await expect(f.validateAfterDownload()).resolves.toBeUndefined();
    expect(logs.filter((r) => r.level !== "debug")).toEqual([]);
  });

  it("throws IntegrityError for a bad checksum, and logs an error", async () => {
    const f = downloadedFile("bad.dat", "actual content", { checksum: hexDigest("md5", "expected content"), algorithm: "md5" });
    const error = await f.validateAfterDownload().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as Error).message).toContain(hexDigest("md5", "actual content"));
    expect((error as Error).message).toContain(hexDigest("md5", "expected content"));
    expect((error as Error).message).toMatch(/bad\.dat.*md5/s);
    expect(logs.filter((r) => r.level === "error")).toHaveLength(1);
  });

  it("warns and passes when there is no algorithm", async () => {
    const f = downloadedFile("noalg.dat", "content", { checksum: "0123", algorithm: null });
    await expect(f.validateAfterDownload()).resolves.toBeUndefined();
    const warnings = logs.filter((r) => r.level === "warning");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/noalg\.dat.*no checksum algorithm/);
  });

  it("passes (with an info) when there is no checksum", async () => {
    const f = downloadedFile("nochk.dat", "content", { checksum: null, algorithm: "md5" });
    await expect(f.validateAfterDownload()).resolves.toBeUndefined();
    expect(logs.filter((r) => r.level === "warning" || r.level === "error")).toEqual([]);
  });

  it("only logs a size mismatch", async () => {
    const f = downloadedFile("size.dat", "12345", { size: 999, checksum: hexDigest("sha256", "12345"), algorithm: "sha256" });
    await expect(f.validateAfterDownload()).resolves.toBeUndefined();
    const info = logs.filter((r) => r.level === "info");
    expect(info).toHaveLength(1);
    expect(info[0]?.message).toMatch(/5 bytes.*999 bytes/);
    expect(logs.filter((r) => r.level === "warning" || r.level === "error")).toEqual([]);
  });
});

describe("localIsUpToDate", () => {
  it("is true for a file that is not on remote", async () => {
    const file = localFile("uptodate/local-only.dat", "x");
    expect(await File.fromLocal(file, { basePath: path.dirname(file) }).localIsUpToDate()).toBe(true);
  });

  it("is false for a file that is not on local", async () => {
    const f = File.fromRemote({ remotePath: "r.dat", size: 1, creationTime: "2022-01-01T00:00:00Z", checksum: "x", checksumAlgorithm: "md5" });
    expect(await f.localIsUpToDate()).toBe(false);
  });

  it("is true when the checksums match", async () => {
    const f = downloadedFile("same.dat", "same", { checksum: hexDigest("sha256", "same"), algorithm: "sha256" });
    expect(await f.localIsUpToDate()).toBe(true);
  });

  it("is false when the checksums differ", async () => {
    const f = downloadedFile("differ.dat", "local version", { checksum: hexDigest("sha256", "remote version"), algorithm: "sha256" });
    expect(await f.localIsUpToDate()).toBe(false);
  });

  it("is false when the remote has no checksum", async () => {
    const f = downloadedFile("nochecksum.dat", "content", { checksum: null, algorithm: "md5" });
    expect(await f.localIsUpToDate()).toBe(false);
  });

  it("uses blake2b with a warning when there is no algorithm", async () => {
    const f = downloadedFile("default-alg.dat", "default", { checksum: hexDigest("blake2b", "default"), algorithm: null });
    expect(await f.localIsUpToDate()).toBe(true);
    const warnings = logs.filter((r) => r.level === "warning");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/No checksum algorithm.*default-alg\.dat.*'blake2b'/);
    const other = downloadedFile("default-alg2.dat", "default", { checksum: hexDigest("md5", "default"), algorithm: null });
    expect(await other.localIsUpToDate()).toBe(false);
  });

  it("notices a local change", async () => {
    const f = downloadedFile("changed.dat", "v1", { checksum: hexDigest("md5", "v1"), algorithm: "md5" });
    expect(await f.localIsUpToDate()).toBe(true);
    writeFileSync(f.localPath as string, "v2 changed");
    expect(await f.localIsUpToDate()).toBe(false);
  });
});

describe("equality and text", () => {
  it("equals compares paths, remote record and algorithm", () => {
    const a = File.fromRemote({ remotePath: "a.dat", size: 1, creationTime: "2022-01-01T00:00:00Z" });
    expect(a.equals(File.fromRemote({ remotePath: "a.dat", size: 1, creationTime: "2022-01-01T00:00:00Z" }))).toBe(true);
    expect(a.equals(File.fromRemote({ remotePath: "b.dat", size: 1, creationTime: "2022-01-01T00:00:00Z" }))).toBe(false);
    expect(a.equals(File.fromRemote({ remotePath: "a.dat", size: 2, creationTime: "2022-01-01T00:00:00Z" }))).toBe(false);
    expect(a.equals(File.fromRemote({ remotePath: "a.dat", size: 1, creationTime: "2022-01-01T00:00:01Z" }))).toBe(false);
    expect(a.equals(a.withChecksumAlgorithm("md5"))).toBe(false);
    expect(a.equals(a.downloaded({ localPath: "/x" }))).toBe(false);
    expect(a.equals("a.dat")).toBe(false);
  });

  it("toString shows both sides", () => {
    const remote = File.fromRemote({ remotePath: "a.dat", size: 12, creationTime: "2022-01-01T00:00:00Z" });
    expect(String(remote)).toBe("File(localPath=null, remotePath=RemotePath('a.dat'), remoteSize=12)");
    expect(String(remote.downloaded({ localPath: "/x/a.dat" }))).toBe(
      "File(localPath='/x/a.dat', remotePath=RemotePath('a.dat'), remoteSize=12)",
    );
  });
});
