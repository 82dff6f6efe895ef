/** FakeFileTransfer: the in-memory file server of the tests and tutorials. */
import * as fs from "node:fs";
import * as path from "node:path";
import { FileUploadError } from "../../src/errors";
import { Dataset } from "../../src/model/dataset";
import { File } from "../../src/model/file";
import { FakeFileTransfer } from "../../src/testing/fake-file-transfer";
import { RemotePath } from "../../src/values/remote-path";
import { makeTempDir, removeTempDir, writeFile } from "../client/helpers";

let dir: string;
beforeEach(() => {
  dir = makeTempDir("scitacean-fake-transfer-");
});
afterEach(() => removeTempDir(dir));

function dataset(sourceFolder: string | null = "/data/abc"): Dataset {
  return new Dataset({ type: "raw", ownerGroup: "faculty", owner: "ridcully", sourceFolder });
}

function localFile(relative: string, content: string): File {
  return File.fromLocal(writeFile(dir, relative, content), { basePath: dir });
}

describe("seeded files", () => {
  it("from a record of strings and bytes", () => {
    const transfer = new FakeFileTransfer({ files: { "/a/b.txt": "text", "/a/c.bin": new Uint8Array([1, 2, 3]) } });
    expect([...transfer.files.keys()]).toEqual(["/a/b.txt", "/a/c.bin"]);
    expect(transfer.files.get("/a/b.txt")).toEqual(Buffer.from("text"));
    expect(transfer.files.get("/a/c.bin")).toEqual(Buffer.from([1, 2, 3]));
    expect(transfer.reverted.size).toBe(0);
  });

  it("from a Map with RemotePath keys (stored by their text)", () => {
    const transfer = new FakeFileTransfer({ files: new Map([[new RemotePath("/x/y.dat"), "y"]]) });
    expect(transfer.files.get("/x/y.dat")!.toString()).toBe("y");
  });

  it("empty by default", () => {
    const transfer = new FakeFileTransfer();
    expect(transfer.files.size).toBe(0);
    expect(transfer.reverted.size).toBe(0);
  });

  it("can be downloaded, creating local folders", async () => {
    const transfer = new FakeFileTransfer({ files: { "/data/abc/sub/f.txt": "hello" } });
    const con = await transfer.connectForDownload(dataset());
    const local = path.join(dir, "deep", "er", "f.txt");
    const seen: number[] = [];
    await con.downloadFiles(
      { remote: [new RemotePath("/data/abc/sub/f.txt")], local: [local] },
      { onProgress: (p) => void seen.push(p.bytesDone) },
    );
    await con.close();
    expect(fs.readFileSync(local, "utf8")).toBe("hello");
    expect(seen).toEqual([5]);
  });

  it("a missing file is a clear download error", async () => {
    const con = await new FakeFileTransfer().connectForDownload(dataset());
    await expect(
      con.downloadFiles({ remote: [new RemotePath("/nope.txt")], local: [path.join(dir, "nope.txt")] }),
    ).rejects.toThrow(/'\/nope\.txt' does not exist/);
    expect(fs.existsSync(path.join(dir, "nope.txt"))).toBe(false);
  });
});

describe("source folder", () => {
  it("is the dataset's without a template", () => {
    expect(new FakeFileTransfer().sourceFolderFor(dataset()).posix).toBe("/data/abc");
  });

  it("comes from the template, with fields filled in and a fresh uid per call", () => {
    const transfer = new FakeFileTransfer({ sourceFolder: "/up/{ownerGroup}/{uid}" });
    const a = transfer.sourceFolderFor(dataset()).posix;
    const b = transfer.sourceFolderFor(dataset()).posix;
    expect(a).toMatch(/^\/up\/faculty\/[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });

  it("neither set is a clear error", () => {
    expect(() => new FakeFileTransfer().sourceFolderFor(dataset(null))).toThrow(/sourceFolder/);
  });
});

describe("upload", () => {
  it("stores files at sourceFolder/remotePath and returns them marked as uploaded", async () => {
    const transfer = new FakeFileTransfer();
    const con = await transfer.connectForUpload(dataset(), new RemotePath("/data/abc"));
    expect(con.sourceFolder.posix).toBe("/data/abc");
    const uploaded = await con.uploadFiles([localFile("a.txt", "A"), localFile("sub/b.txt", "BB")]);
    await con.close();
    expect([...transfer.files.keys()]).toEqual(["/data/abc/a.txt", "/data/abc/sub/b.txt"]);
    expect(transfer.files.get("/data/abc/sub/b.txt")!.toString()).toBe("BB");
    expect(uploaded.map((f) => [f.remotePath.posix, f.isOnRemote, f.remoteSize])).toEqual([
      ["a.txt", true, 1],
      ["sub/b.txt", true, 2],
    ]);
  });

  it("refuses to overwrite, naming the file, and removes what that call uploaded", async () => {
    const transfer = new FakeFileTransfer({ files: { "/data/abc/b.txt": "old" } });
    const con = await transfer.connectForUpload(dataset(), new RemotePath("/data/abc"));
    const error = await con.uploadFiles([localFile("a.txt", "A"), localFile("b.txt", "new")]).catch((e: Error) => e);
    expect(error).toBeInstanceOf(FileUploadError);
    expect((error as Error).message).toContain("'/data/abc/b.txt'");
    expect((error as Error).message).toMatch(/never overwritten/);
    expect(transfer.files.get("/data/abc/b.txt")!.toString()).toBe("old");
    expect(transfer.files.has("/data/abc/a.txt")).toBe(false);
    expect(transfer.reverted.get("/data/abc/a.txt")!.toString()).toBe("A");
  });

  it("refuses a file without a local path", async () => {
    const transfer = new FakeFileTransfer();
    const con = await transfer.connectForUpload(dataset(), new RemotePath("/data/abc"));
    const remote = File.fromRemote({ remotePath: "r.txt", size: 1, creationTime: "2020-01-01T00:00:00Z" });
    await expect(con.uploadFiles([remote])).rejects.toThrow(/'r\.txt'.*no local path/);
    expect(transfer.files.size).toBe(0);
  });

  it("stops at an aborted signal and removes what it uploaded", async () => {
    const transfer = new FakeFileTransfer();
    const con = await transfer.connectForUpload(dataset(), new RemotePath("/data/abc"));
    const controller = new AbortController();
    const error = await con
      .uploadFiles([localFile("a.txt", "A"), localFile("b.txt", "B")], {
        signal: controller.signal,
        onProgress: () => controller.abort(),
      })
      .catch((e: Error) => e);
    expect((error as Error).name).toBe("AbortError");
    expect(transfer.files.size).toBe(0);
    expect([...transfer.reverted.keys()]).toEqual(["/data/abc/a.txt"]);
  });
});

describe("revert", () => {
  it("moves uploaded files to reverted and leaves other files alone", async () => {
    const transfer = new FakeFileTransfer({ files: { "/data/abc/keep.txt": "keep", "/other/x.txt": "x" } });
    const con = await transfer.connectForUpload(dataset(), new RemotePath("/data/abc"));
    const uploaded = await con.uploadFiles([localFile("a.txt", "A"), localFile("sub/b.txt", "B")]);
    await con.revertUpload(uploaded);
    expect([...transfer.files.keys()].sort()).toEqual(["/data/abc/keep.txt", "/other/x.txt"]);
    expect([...transfer.reverted.keys()].sort()).toEqual(["/data/abc/a.txt", "/data/abc/sub/b.txt"]);
    expect(transfer.reverted.get("/data/abc/sub/b.txt")!.toString()).toBe("B");
  });

  it("of files that are not there does nothing", async () => {
    const transfer = new FakeFileTransfer({ files: { "/data/abc/keep.txt": "keep" } });
    const con = await transfer.connectForUpload(dataset(), new RemotePath("/data/abc"));
    await con.revertUpload([localFile("ghost.txt", "boo")]);
    expect([...transfer.files.keys()]).toEqual(["/data/abc/keep.txt"]);
    expect(transfer.reverted.size).toBe(0);
  });

  it("uses a given reverted map", async () => {
    const reverted = new Map<string, Buffer>();
    const transfer = new FakeFileTransfer({ reverted });
    const con = await transfer.connectForUpload(dataset(), new RemotePath("/data/abc"));
    await con.revertUpload(await con.uploadFiles([localFile("a.txt", "A")]));
    expect(transfer.reverted).toBe(reverted);
    expect(reverted.has("/data/abc/a.txt")).toBe(true);
  });
});

describe("paths are normalised, as on a real file server", () => {
  function localAt(remotePath: string, content: string): File {
    return File.fromLocal(writeFile(dir, `local-${content}.txt`, content), { remotePath });
  }

  it("seeded keys are stored resolved, from a record or a Map", () => {
    const fromRecord = new FakeFileTransfer({ files: { "/data//abc/./x/../f.txt": "f", "/data/abc/sub/": "s" } });
    expect([...fromRecord.files.keys()]).toEqual(["/data/abc/f.txt", "/data/abc/sub"]);
    const fromMap = new FakeFileTransfer({ files: new Map([[new RemotePath("/x/./y/../y.dat"), "y"]]) });
    expect([...fromMap.files.keys()]).toEqual(["/x/y.dat"]);
  });

  it("files stays a plain Map", () => {
    expect(new FakeFileTransfer().files.constructor).toBe(Map);
  });

  it("finds a file set directly under an unresolved key: download, clash on upload", async () => {
    const transfer = new FakeFileTransfer();
    transfer.files.set("/data//abc/./sub/../g.txt", Buffer.from("g"));
    const down = await transfer.connectForDownload(dataset());
    const local = path.join(dir, "g.txt");
    await down.downloadFiles({ remote: [new RemotePath("/data/abc/g.txt")], local: [local] });
    expect(fs.readFileSync(local, "utf8")).toBe("g");
    const up = await transfer.connectForUpload(dataset(), new RemotePath("/data/abc"));
    await expect(up.uploadFiles([localAt("g.txt", "new")])).rejects.toThrow(/already exists.*never overwritten/);
    expect(transfer.files.size).toBe(1);
    expect(transfer.files.get("/data//abc/./sub/../g.txt")!.toString()).toBe("g");
  });

  it("downloads './flux.dat' and 'sub/../flux.dat' of the source folder", async () => {
    const transfer = new FakeFileTransfer({ files: { "/data/abc/flux.dat": "flux" } });
    const con = await transfer.connectForDownload(dataset());
    const folder = new RemotePath("/data/abc");
    const local = [path.join(dir, "one.dat"), path.join(dir, "two.dat")];
    await con.downloadFiles({ remote: [folder.join("./flux.dat"), folder.join("sub/../flux.dat")], local });
    expect(local.map((l) => fs.readFileSync(l, "utf8"))).toEqual(["flux", "flux"]);
  });

  it("an upload to 'a/../b.txt' clashes with an existing 'b.txt'", async () => {
    const transfer = new FakeFileTransfer({ files: { "/data/abc/b.txt": "old" } });
    const con = await transfer.connectForUpload(dataset(), new RemotePath("/data/abc"));
    const error = await con.uploadFiles([localAt("a/../b.txt", "new")]).catch((e: Error) => e);
    expect(error).toBeInstanceOf(FileUploadError);
    expect((error as Error).message).toMatch(/'\/data\/abc\/b\.txt'.*never overwritten/);
    expect([...transfer.files.keys()]).toEqual(["/data/abc/b.txt"]);
    expect(transfer.files.get("/data/abc/b.txt")!.toString()).toBe("old");
  });

  it("two files of one upload that name the same place clash", async () => {
    const transfer = new FakeFileTransfer();
    const con = await transfer.connectForUpload(dataset(), new RemotePath("/data/abc"));
    const error = await con.uploadFiles([localAt("b.txt", "one"), localAt("./x/../b.txt", "two")]).catch((e: Error) => e);
    expect(error).toBeInstanceOf(FileUploadError);
    expect(transfer.files.size).toBe(0);
    expect(transfer.reverted.get("/data/abc/b.txt")!.toString()).toBe("one");
  });

  it("stores uploads and reverts them under resolved paths, also for an unresolved source folder", async () => {
    const transfer = new FakeFileTransfer();
    const con = await transfer.connectForUpload(dataset(), new RemotePath("/data/x/../abc/"));
    const uploaded = await con.uploadFiles([localAt("sub/../c.txt", "c"), localAt("./d/e.txt", "e")]);
    expect([...transfer.files.keys()]).toEqual(["/data/abc/c.txt", "/data/abc/d/e.txt"]);
    await con.revertUpload(uploaded);
    expect(transfer.files.size).toBe(0);
    expect([...transfer.reverted.keys()]).toEqual(["/data/abc/c.txt", "/data/abc/d/e.txt"]);
  });

  it.each(["../escape.txt", "/abs/f.txt", "sub/../..", "a/../../abc2/f.txt"])(
    "refuses the remote path %s outside the source folder, naming it, and removes what that call uploaded",
    async (remotePath) => {
      const transfer = new FakeFileTransfer();
      const con = await transfer.connectForUpload(dataset(), new RemotePath("/data/abc"));
      const bad = localAt(remotePath, "bad");
      const error = await con.uploadFiles([localAt("ok.txt", "ok"), bad]).catch((e: Error) => e);
      expect(error).toBeInstanceOf(FileUploadError);
      expect((error as Error).message).toContain(`'${bad.localPath}'`);
      expect((error as Error).message).toContain(`'${remotePath}'`);
      expect((error as Error).message).toMatch(/outside of the source folder '\/data\/abc'/);
      expect(transfer.files.size).toBe(0);
      expect([...transfer.reverted.keys()]).toEqual(["/data/abc/ok.txt"]);
    },
  );
});
