import { writeFileSync } from "node:fs";
import * as path from "node:path";
import {
  fileHtml,
  fileText,
  mimeBundleOf,
  renderFile,
  renderPid,
  renderRemotePath,
  renderThumbnail,
  thumbnailHtml,
  thumbnailText,
} from "../../src/html";
import { File } from "../../src/model/file";
import { PID } from "../../src/values/pid";
import { RemotePath } from "../../src/values/remote-path";
import { Thumbnail } from "../../src/values/thumbnail";
import { byClass, byTag, hasClass, only, parseHtml, tempFolder, textOf, type Element } from "./helpers";

const HOSTILE = `<script>alert("x")</script>&'`;
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);

/** The outermost element of a display. */
function outer(markup: string): Element {
  const elements = parseHtml(markup).children.filter((c): c is Element => typeof c !== "string");
  expect(elements).toHaveLength(1);
  const element = elements[0] as Element;
  expect(hasClass(element, "cean-repr")).toBe(true);
  return element;
}

describe("Thumbnail", () => {
  it("is shown as the image itself", () => {
    const thumbnail = new Thumbnail({ mime: "image/png", data: PNG });
    const images = byTag(outer(thumbnailHtml(thumbnail)), "img");
    expect(images).toHaveLength(1);
    expect(images[0]?.attrs["src"]).toBe(thumbnail.serialize());
    expect(thumbnailText(thumbnail)).toBe(`Thumbnail(image/png, len:${PNG.length}B)`);
    expect(renderThumbnail(thumbnail)).toEqual({ "text/html": thumbnailHtml(thumbnail), "text/plain": thumbnailText(thumbnail) });
    expect(mimeBundleOf(thumbnail)).toEqual(renderThumbnail(thumbnail));
  });
});

describe("File", () => {
  let folder: { dir: string; cleanup: () => void };
  beforeAll(() => {
    folder = tempFolder();
  });
  afterAll(() => folder.cleanup());

  const cells = (file: File): string[] => byTag(only(outer(fileHtml(file)), "cean-file"), "td").map(textOf);

  it("shows a local file with its path and size, not yet on remote", () => {
    const local = path.join(folder.dir, "witchcraft.dat");
    writeFileSync(local, "7.9 13 666");
    const file = File.fromLocal(local, { basePath: folder.dir });
    expect(cells(file)).toEqual([local, "null", "10 B"]);
    const remoteCell = only(only(outer(fileHtml(file)), "cean-file"), "cean-file-remote-path");
    expect(byClass(remoteCell, "cean-empty")[0]?.attrs["title"]).toMatch(/witchcraft\.dat/);
    expect(fileText(file)).toBe(`File  local: ${local}  remote: witchcraft.dat (not uploaded yet)  size: 10 B`);
  });

  it("shows a remote file with its remote path", () => {
    const file = File.fromRemote({ remotePath: "logs/measurement.log", size: 75, creationTime: "2022-08-17T13:55:21Z" });
    expect(cells(file)).toEqual(["null", "RemotePath('logs/measurement.log')", "75 B"]);
    expect(fileText(file)).toBe("File  local: null  remote: logs/measurement.log  size: 75 B");
    expect(renderFile(file)).toEqual({ "text/html": fileHtml(file), "text/plain": fileText(file) });
    expect(mimeBundleOf(file)).toEqual(renderFile(file));
  });

  it("escapes paths", () => {
    const file = File.fromRemote({ remotePath: HOSTILE, size: 2048, creationTime: "2022-08-17T13:55:21Z" });
    const html = fileHtml(file);
    expect(html).not.toMatch(/<script/i);
    expect(cells(file)).toEqual(["null", `RemotePath('${HOSTILE}')`, "2.00 kiB"]);
  });
});

describe("PID and RemotePath", () => {
  it("shows a PID inline as prefix/id, with its constructor form as text", () => {
    const pid = new PID({ prefix: "20.500.12269", pid: "72fe3ff6" });
    const bundle = renderPid(pid);
    const element = outer(bundle["text/html"]);
    expect(element.tag).toBe("span");
    expect(textOf(only(element, "cean-inline-value"))).toBe("20.500.12269/72fe3ff6");
    expect(only(element, "cean-inline-value").tag).toBe("code");
    expect(bundle["text/plain"]).toBe("PID(prefix='20.500.12269', pid='72fe3ff6')");
    expect(mimeBundleOf(pid)).toEqual(bundle);
  });

  it("shows a RemotePath inline, with its constructor form as text", () => {
    const remote = new RemotePath("/hex/ps/thaum");
    const bundle = renderRemotePath(remote);
    expect(textOf(only(outer(bundle["text/html"]), "cean-inline-value"))).toBe("/hex/ps/thaum");
    expect(bundle["text/plain"]).toBe("RemotePath('/hex/ps/thaum')");
    expect(mimeBundleOf(remote)).toEqual(bundle);
  });

  it("escapes both", () => {
    for (const bundle of [renderPid(PID.parse(`${HOSTILE}/${HOSTILE}`)), renderRemotePath(new RemotePath(HOSTILE))]) {
      expect(bundle["text/html"]).not.toMatch(/<script/i);
      expect(textOf(only(outer(bundle["text/html"]), "cean-inline-value"))).toContain(HOSTILE);
    }
  });
});

describe("mimeBundleOf", () => {
  it("is null for values without a display", () => {
    for (const value of [null, undefined, "text", 3, {}, [], new Date(), () => 1]) {
      expect(mimeBundleOf(value)).toBeNull();
    }
  });
});
