/**
 * Source folder templates (the intent of Scitacean's util/formatter_test.py
 * and transfer source_folder_for).
 */
import { Dataset } from "../../src/model/dataset";
import { formatSourceFolder, sourceFolderFor, targetInFolder } from "../../src/transfer/source-folder";
import { RemotePath } from "../../src/values/remote-path";

const UUID4 = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/;

function dataset(extra: Partial<ConstructorParameters<typeof Dataset>[0]> = {}): Dataset {
  return new Dataset({ type: "raw", name: "my-dataset", ownerGroup: "wyrdsisters", sourceFolder: "/dataset/own/folder", ...extra });
}

describe("formatSourceFolder", () => {
  it("keeps a plain folder", () => {
    expect(formatSourceFolder("transfer/folder", dataset())).toStrictEqual(new RemotePath("transfer/folder"));
    expect(formatSourceFolder(new RemotePath("/abs/folder"), dataset()).posix).toBe("/abs/folder");
  });

  it("fills in a field", () => {
    expect(formatSourceFolder("transfer/{name}", dataset()).posix).toBe("transfer/my-dataset");
  });

  it("fills in several fields", () => {
    expect(formatSourceFolder("/data/{ownerGroup}/{name}", dataset()).posix).toBe("/data/wyrdsisters/my-dataset");
  });

  it("escapes values so that they cannot add folders", () => {
    const result = formatSourceFolder("/base/{ownerGroup}/{name}", dataset({ ownerGroup: "g g/ö", name: "My Name!" }));
    expect(result.posix).toBe("/base/g g__xf6/My Name_");
    expect(result.posix.split("/")).toHaveLength(4);
  });

  it("a value cannot climb out of the folder", () => {
    const result = formatSourceFolder("/base/{name}", dataset({ name: "../../etc" }));
    expect(result.posix.split("/")).toHaveLength(3);
    expect(result.resolve().isRelativeTo("/base")).toBe(true);
    expect(result.posix).not.toContain("../");
  });

  it.each([
    ["/data/{ownerGroup}/{name}", { name: ".." }, "/data/wyrdsisters/__"],
    ["/data/{ownerGroup}/{name}", { name: "." }, "/data/wyrdsisters/_"],
    ["/data/{name}/{ownerGroup}", { name: ".." }, "/data/__/wyrdsisters"],
    ["/data/{ownerGroup}/{name}", { name: "..." }, "/data/wyrdsisters/___"],
    ["/data/{ownerGroup}{name}", { ownerGroup: ".", name: "." }, "/data/__"],
    ["/data/.{name}", { name: "." }, "/data/__"],
  ])("a value of dots cannot act as '.' or '..': %s with %j", (template, values, expected) => {
    const result = formatSourceFolder(template, dataset(values));
    expect(result.posix).toBe(expected);
    expect(result.resolve().posix).toBe(expected);
    expect(result.posix.split("/")).toHaveLength(template.split("/").length);
  });

  it("keeps dots that are part of a longer value or of the template", () => {
    expect(formatSourceFolder("/data/{name}", dataset({ name: "v1.2" })).posix).toBe("/data/v1.2");
    expect(formatSourceFolder("/data/{name}", dataset({ name: ".hidden" })).posix).toBe("/data/.hidden");
    expect(formatSourceFolder("/data/../x/{name}", dataset()).posix).toBe("/data/../x/my-dataset");
  });

  it("fills {uid} with a new random id each time", () => {
    const first = formatSourceFolder("/base/{uid}", dataset());
    const second = formatSourceFolder("/base/{uid}", dataset());
    expect(first.posix).toMatch(new RegExp(`^/base/${UUID4.source}$`));
    expect(second.posix).toMatch(new RegExp(`^/base/${UUID4.source}$`));
    expect(first.posix).not.toBe(second.posix);
  });

  it("combines {uid} with fields", () => {
    expect(formatSourceFolder("/base/{ownerGroup}/{uid}", dataset()).posix).toMatch(
      new RegExp(`^/base/wyrdsisters/${UUID4.source}$`),
    );
  });

  it("reads nested values", () => {
    const withPid = dataset().replace({}, { readOnly: { pid: "20.500.12269/abc-123" } });
    expect(formatSourceFolder("/base/{pid.pid}", withPid).posix).toBe("/base/abc-123");
    expect(formatSourceFolder("/base/{pid.prefix}", withPid).posix).toBe("/base/20.500.12269");
  });

  it("rejects a field without value, naming it", () => {
    const noGroup = dataset({ ownerGroup: null });
    expect(() => formatSourceFolder("/base/{ownerGroup}", noGroup)).toThrow(RangeError);
    expect(() => formatSourceFolder("/base/{ownerGroup}", noGroup)).toThrow(/ownerGroup is not set/);
    expect(() => formatSourceFolder("/base/{pid.pid}", noGroup)).toThrow(/pid\.pid is not set/);
  });

  it("rejects an empty value, which would silently drop a folder level", () => {
    const emptyGroup = dataset({ ownerGroup: "" });
    expect(() => formatSourceFolder("/base/{ownerGroup}/data", emptyGroup)).toThrow(/ownerGroup is empty/);
  });

  it("rejects an unknown field, naming it", () => {
    expect(() => formatSourceFolder("/base/{owner_group}", dataset())).toThrow(/no field 'owner_group'/);
    expect(() => formatSourceFolder("/base/{flavour}", dataset())).toThrow(/flavour/);
  });
});

describe("sourceFolderFor", () => {
  it("uses the template when there is one", () => {
    expect(sourceFolderFor(dataset(), "/transfer/{name}").posix).toBe("/transfer/my-dataset");
  });

  it("uses the dataset's folder without template", () => {
    expect(sourceFolderFor(dataset(), null).posix).toBe("/dataset/own/folder");
    expect(sourceFolderFor(dataset(), undefined).posix).toBe("/dataset/own/folder");
  });

  it("fails when neither is set", () => {
    expect(() => sourceFolderFor(dataset({ sourceFolder: null }), null)).toThrow(/sourceFolder/);
  });
});

describe("targetInFolder", () => {
  const folder = new RemotePath("/up/x/");
  it.each([
    ["a.dat", "/up/x/a.dat"],
    ["sub/../b.dat", "/up/x/b.dat"],
    ["./c/d.dat", "/up/x/c/d.dat"],
  ])("places %s at %s", (remote, target) => {
    expect(targetInFolder(folder, new RemotePath(remote))?.posix).toBe(target);
  });

  it.each(["../escape.dat", "/abs/f.dat", ".", "sub/..", "a/../../x1/f"])("refuses %s", (remote) => {
    expect(targetInFolder(folder, new RemotePath(remote))).toBeNull();
  });
});
