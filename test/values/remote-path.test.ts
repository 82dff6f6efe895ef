import * as path from "node:path";
import { RemotePath } from "../../src/values/remote-path";

describe("RemotePath construction", () => {
  it("keeps a single path as given", () => {
    expect(new RemotePath("/mnt/data/folder/file.txt").posix).toBe("/mnt/data/folder/file.txt");
    expect(new RemotePath("relative/file.txt").posix).toBe("relative/file.txt");
    expect(new RemotePath("").posix).toBe("");
  });

  it("joins segments with '/'", () => {
    expect(new RemotePath("/mnt", "data", "file.txt").posix).toBe("/mnt/data/file.txt");
    expect(new RemotePath("a", new RemotePath("b/c"), "d").posix).toBe("a/b/c/d");
  });

  it("drops empty segments", () => {
    expect(new RemotePath("", "a", "", "b", "").posix).toBe("a/b");
  });

  it("accepts another RemotePath", () => {
    const original = new RemotePath("/a/b");
    const copy = new RemotePath(original);
    expect(copy.posix).toBe("/a/b");
    expect(copy).not.toBe(original);
  });

  it.each([
    ["a number", 42],
    ["null", null],
    ["undefined", undefined],
    ["an object", { posix: "/a" }],
    ["an array", ["/a"]],
  ])("rejects %s with a TypeError that points to fromLocal", (_, value) => {
    expect(() => new RemotePath(value as never)).toThrow(TypeError);
    expect(() => new RemotePath("ok", value as never)).toThrow(/fromLocal/);
  });

  it("builds from a local path with '/' separators", () => {
    const local = ["folder", "sub", "file.dat"].join(path.sep);
    expect(RemotePath.fromLocal(local).posix).toBe("folder/sub/file.dat");
    expect(RemotePath.fromLocal(`${path.sep}abs${path.sep}x`).posix).toBe("/abs/x");
  });
});

describe("RemotePath text forms", () => {
  it("posix is the plain path", () => {
    expect(new RemotePath("/hex/ps/thaum").posix).toBe("/hex/ps/thaum");
  });

  it("toString is the plain path (template strings read naturally)", () => {
    const p = new RemotePath("/hex/ps/thaum");
    expect(String(p)).toBe("/hex/ps/thaum");
    expect(`${p}/flux.dat`).toBe("/hex/ps/thaum/flux.dat");
  });

  it("toRepr is constructor style", () => {
    expect(new RemotePath("/hex/ps/thaum").toRepr()).toBe("RemotePath('/hex/ps/thaum')");
    expect(new RemotePath("flux.dat").toRepr()).toBe("RemotePath('flux.dat')");
  });

  it("serialises to JSON as the plain path", () => {
    expect(JSON.stringify({ p: new RemotePath("/a/b") })).toBe('{"p":"/a/b"}');
  });

  it("toLocal keeps every segment (24.05)", () => {
    expect(new RemotePath("/a/b/c.txt").toLocal()).toBe(["", "a", "b", "c.txt"].join(path.sep));
    expect(new RemotePath("a/b").toLocal()).toBe(["a", "b"].join(path.sep));
    expect(new RemotePath("c.txt").toLocal()).toBe("c.txt");
  });
});

describe("RemotePath equality", () => {
  it("equals a RemotePath with the same text", () => {
    expect(new RemotePath("/a/b").equals(new RemotePath("/a", "b"))).toBe(true);
    expect(new RemotePath("/a/b").equals(new RemotePath("/a/c"))).toBe(false);
  });

  it("equals a string with the same text", () => {
    expect(new RemotePath("/a/b").equals("/a/b")).toBe(true);
    expect(new RemotePath("/a/b").equals("/a/c")).toBe(false);
  });

  it("is text equality: a trailing slash matters", () => {
    expect(new RemotePath("a/b/").equals("a/b")).toBe(false);
    expect(new RemotePath("a/b/").equals(new RemotePath("a/b"))).toBe(false);
  });

  it("never equals other types", () => {
    expect(new RemotePath("1").equals(1)).toBe(false);
    expect(new RemotePath("").equals(null)).toBe(false);
    expect(new RemotePath("/a").equals({ posix: "/a" })).toBe(false);
  });
});

describe("RemotePath.join", () => {
  it("appends segments", () => {
    expect(new RemotePath("/a").join("b").posix).toBe("/a/b");
    expect(new RemotePath("/a").join("b", new RemotePath("c/d")).posix).toBe("/a/b/c/d");
    expect(new RemotePath("a").join(new RemotePath("b")).posix).toBe("a/b");
  });

  it("collapses slashes at the seam", () => {
    expect(new RemotePath("/a/").join("b").posix).toBe("/a/b");
    expect(new RemotePath("/a").join("b/").posix).toBe("/a/b");
  });

  it("never treats the right-hand side as absolute (24.05)", () => {
    expect(new RemotePath("/a/").join("/b/").posix).toBe("/a/b");
    expect(new RemotePath("/source").join(new RemotePath("/etc/passwd")).posix).toBe("/source/etc/passwd");
  });

  it("joins onto the root", () => {
    expect(new RemotePath("/").join("x").posix).toBe("/x");
  });

  it("works for URLs", () => {
    expect(new RemotePath("https://x.eu/").join(new RemotePath("y/z")).posix).toBe("https://x.eu/y/z");
    expect(new RemotePath("https://server.eu").join("/x/y").posix).toBe("https://server.eu/x/y");
  });

  it("does not change the original", () => {
    const base = new RemotePath("/a");
    base.join("b");
    expect(base.posix).toBe("/a");
  });

  it("rejects non-path arguments", () => {
    expect(() => new RemotePath("/a").join(3 as never)).toThrow(TypeError);
  });
});

describe("RemotePath parts", () => {
  it.each([
    ["/a/b/file.txt", "file.txt"],
    ["file.txt", "file.txt"],
    ["path/", "path"],
    ["/folder", "folder"],
    ["a/b/c", "c"],
  ])("name of %j is %j", (p, name) => {
    expect(new RemotePath(p).name).toBe(name);
  });

  it.each([
    ["file.txt", ".txt"],
    ["/a/b/archive.tar.gz", ".gz"],
    ["location.dir/file", null],
    ["noext", null],
    [".bashrc", null],
  ])("suffix of %j is %j", (p, suffix) => {
    expect(new RemotePath(p).suffix).toBe(suffix);
  });

  it.each([
    ["/", "/"],
    ["/folder", "/"],
    ["/folder/", "/"],
    ["", "."],
    [".", "."],
    ["relative", "."],
    ["a/b", "a"],
    ["/a/b/c.txt", "/a/b"],
  ])("parent of %j is %j", (p, parent) => {
    const result = new RemotePath(p).parent;
    expect(result).toBeInstanceOf(RemotePath);
    expect(result.posix).toBe(parent);
  });

  it("isAbsolute is true for paths starting with '/'", () => {
    expect(new RemotePath("/a").isAbsolute()).toBe(true);
    expect(new RemotePath("/").isAbsolute()).toBe(true);
    expect(new RemotePath("a/b").isAbsolute()).toBe(false);
    expect(new RemotePath("").isAbsolute()).toBe(false);
    expect(new RemotePath("https://x.eu/a").isAbsolute()).toBe(false);
  });
});

describe("RemotePath.resolve", () => {
  it.each([
    ["/base/../up", "/up"],
    ["/a/./b/../c", "/a/c"],
    ["/a/b/", "/a/b"],
    ["/..", "/"],
    ["/../x", "/x"],
    ["../up", "../up"],
    ["../../a/../b", "../../b"],
    ["a/..", "."],
    ["a/../..", ".."],
    ["a//b", "a/b"],
    ["/x/y", "/x/y"],
  ])("resolve(%j) is %j", (p, resolved) => {
    expect(new RemotePath(p).resolve().posix).toBe(resolved);
  });
});

describe("RemotePath.isRelativeTo", () => {
  it("is true for paths inside the other path, and for the path itself", () => {
    expect(new RemotePath("/source/x").isRelativeTo("/source")).toBe(true);
    expect(new RemotePath("/source/a/b/c").isRelativeTo(new RemotePath("/source/a"))).toBe(true);
    expect(new RemotePath("/source").isRelativeTo("/source")).toBe(true);
    expect(new RemotePath("/source/x").isRelativeTo("/source/")).toBe(true);
  });

  it("compares segments, not text: /source1/x is NOT inside /source", () => {
    expect(new RemotePath("/source1/x").isRelativeTo("/source")).toBe(false);
    expect(new RemotePath("/sourcefile").isRelativeTo("/source")).toBe(false);
  });

  it("resolves '..' before comparing", () => {
    expect(new RemotePath("/source/../etc/passwd").isRelativeTo("/source")).toBe(false);
    expect(new RemotePath("/source/a/../b").isRelativeTo("/source")).toBe(true);
    expect(new RemotePath("/other/../source/x").isRelativeTo("/source")).toBe(true);
  });

  it("does not mix absolute and relative paths", () => {
    expect(new RemotePath("source/x").isRelativeTo("/source")).toBe(false);
    expect(new RemotePath("/source/x").isRelativeTo("source")).toBe(false);
  });

  it("works for relative paths", () => {
    expect(new RemotePath("a/b").isRelativeTo("a")).toBe(true);
    expect(new RemotePath("ab/c").isRelativeTo("a")).toBe(false);
  });

  it("treats the root as containing every absolute path", () => {
    expect(new RemotePath("/a/b").isRelativeTo("/")).toBe(true);
    expect(new RemotePath("/").isRelativeTo("/")).toBe(true);
    expect(new RemotePath("a/b").isRelativeTo("/")).toBe(false);
  });

  it("treats '.' as containing relative paths that stay below it", () => {
    expect(new RemotePath("a/b").isRelativeTo(".")).toBe(true);
    expect(new RemotePath("../a").isRelativeTo(".")).toBe(false);
    expect(new RemotePath("/a").isRelativeTo(".")).toBe(false);
  });
});

describe("RemotePath.truncated", () => {
  it.each([
    ["something-long.txt", 10, "someth.txt"],
    ["file.longextension", 9, "f.longext"],
    ["short.txt", 255, "short.txt"],
    ["abcdefghij", 4, "abcd"],
    ["/folder-with-long-name/file-with-long-name.dat", 8, "/folder-w/file.dat"],
  ])("truncated(%j, %d) is %j", (p, max, expected) => {
    expect(new RemotePath(p).truncated(max).posix).toBe(expected);
  });

  it("truncates every segment to at most the given length", () => {
    const long = "x".repeat(300);
    const result = new RemotePath(`/${long}/${long}.h5`).truncated();
    for (const segment of result.posix.split("/").slice(1)) expect(segment.length).toBeLessThanOrEqual(255);
    expect(result.posix.endsWith(".h5")).toBe(true);
    expect(result.posix.startsWith("/x")).toBe(true);
  });
});
