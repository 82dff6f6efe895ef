import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Thumbnail } from "../../src/values/thumbnail";

const BYTES = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x10, 0x20]);
const B64 = BYTES.toString("base64");

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "scitacean-thumbnail-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("Thumbnail construction", () => {
  it("encodes raw data as base64", () => {
    const t = new Thumbnail({ mime: "image/png", data: BYTES });
    expect(t.encodedData()).toBe(B64);
    expect(Buffer.compare(t.decodedData(), BYTES)).toBe(0);
  });

  it("keeps encoded data and decodes it", () => {
    const t = new Thumbnail({ mime: "image/png", encodedData: B64 });
    expect(t.encodedData()).toBe(B64);
    expect([...t.decodedData()]).toEqual([...BYTES]);
  });

  it("decodes text", () => {
    const t = new Thumbnail({ mime: "text/plain", encodedData: Buffer.from("hello thumbnail").toString("base64") });
    expect(t.decodedData().toString("utf8")).toBe("hello thumbnail");
  });

  it("needs data or encodedData (TypeError)", () => {
    expect(() => new Thumbnail({ mime: "image/png" } as never)).toThrow(TypeError);
  });

  it("rejects both data and encodedData (TypeError)", () => {
    expect(() => new Thumbnail({ mime: "image/png", data: BYTES, encodedData: B64 } as never)).toThrow(TypeError);
  });
});

describe("Thumbnail MIME", () => {
  it("splits the MIME type", () => {
    const t = new Thumbnail({ mime: "image/png", data: BYTES });
    expect(t.mime).toBe("image/png");
    expect(t.mimeType).toBe("image");
    expect(t.mimeSubtype).toBe("png");
  });

  it("handles subtypes with '+'", () => {
    const t = new Thumbnail({ mime: "image/svg+xml", data: BYTES });
    expect(t.mimeType).toBe("image");
    expect(t.mimeSubtype).toBe("svg+xml");
  });

  it("has null parts without MIME", () => {
    const t = new Thumbnail({ mime: null, data: BYTES });
    expect(t.mime).toBeNull();
    expect(t.mimeType).toBeNull();
    expect(t.mimeSubtype).toBeNull();
  });
});

describe("Thumbnail.parse", () => {
  it("reads a data URL with 'data:' prefix", () => {
    const t = Thumbnail.parse(`data:image/png;base64,${B64}`);
    expect(t.mime).toBe("image/png");
    expect(t.encodedData()).toBe(B64);
  });

  it("reads a data URL without 'data:' prefix", () => {
    const t = Thumbnail.parse(`image/jpeg;base64,${B64}`);
    expect(t.mime).toBe("image/jpeg");
    expect(t.encodedData()).toBe(B64);
  });

  it("drops other parameters", () => {
    const t = Thumbnail.parse(`text/html; charset=utf-8,${B64}`);
    expect(t.mime).toBe("text/html");
    expect(t.encodedData()).toBe(B64);
  });

  it("accepts empty parameters", () => {
    const t = Thumbnail.parse(`image/jpeg;,${B64}`);
    expect(t.mime).toBe("image/jpeg");
    expect(t.encodedData()).toBe(B64);
  });

  it("accepts a MIME type without parameters", () => {
    const t = Thumbnail.parse(`data:image/gif,${B64}`);
    expect(t.mime).toBe("image/gif");
    expect(t.encodedData()).toBe(B64);
  });

  it("reads bare base64 (containing '/' and '+') as data without MIME", () => {
    const bare = Buffer.from([0xfb, 0xff, 0xbf, 0xfe, 0x01]).toString("base64");
    expect(bare).toMatch(/[/+]/);
    const t = Thumbnail.parse(bare);
    expect(t.mime).toBeNull();
    expect(t.encodedData()).toBe(bare);
    expect([...t.decodedData()]).toEqual([0xfb, 0xff, 0xbf, 0xfe, 0x01]);
  });

  it("copies a Thumbnail", () => {
    const original = new Thumbnail({ mime: "image/png", data: BYTES });
    const copy = Thumbnail.parse(original);
    expect(copy).not.toBe(original);
    expect(copy.equals(original)).toBe(true);
  });
});

describe("Thumbnail.loadFile", () => {
  it.each([
    ["image.png", "image/png"],
    ["photo.JPG", "image/jpeg"],
    ["photo.jpeg", "image/jpeg"],
    ["drawing.svg", "image/svg+xml"],
  ])("guesses the MIME type of %s", (name, mime) => {
    const file = path.join(dir, name);
    writeFileSync(file, BYTES);
    const t = Thumbnail.loadFile(file);
    expect(t.mime).toBe(mime);
    expect(t.encodedData()).toBe(B64);
  });

  it("has no MIME type for an unknown extension", () => {
    const file = path.join(dir, "data.unknownext");
    writeFileSync(file, "some text");
    const t = Thumbnail.loadFile(file);
    expect(t.mime).toBeNull();
    expect(t.decodedData().toString()).toBe("some text");
  });

  it("fails for a missing file", () => {
    expect(() => Thumbnail.loadFile(path.join(dir, "missing.png"))).toThrow(/ENOENT/);
  });
});

describe("Thumbnail output", () => {
  it("serialize gives the data URL SciCat stores", () => {
    expect(new Thumbnail({ mime: "image/png", data: BYTES }).serialize()).toBe(`data:image/png;base64,${B64}`);
  });

  it("serialize gives bare base64 without MIME", () => {
    expect(new Thumbnail({ mime: null, data: BYTES }).serialize()).toBe(B64);
  });

  it("toJSON is the data URL", () => {
    expect(JSON.parse(JSON.stringify({ t: new Thumbnail({ mime: "image/png", data: BYTES }) }))).toEqual({
      t: `data:image/png;base64,${B64}`,
    });
  });

  it.each<[string | null, string]>([
    ["image/png", `data:image/png;base64,${B64}`],
    [null, B64],
  ])("round-trips serialize → parse (%s)", (mime, serialized) => {
    const t = new Thumbnail({ mime, data: BYTES });
    expect(t.serialize()).toBe(serialized);
    const back = Thumbnail.parse(t.serialize());
    expect(back.equals(t)).toBe(true);
    expect(back.mime).toBe(mime);
    expect([...back.decodedData()]).toEqual([...BYTES]);
  });

  it("round-trips loadFile → serialize → parse", () => {
    const file = path.join(dir, "roundtrip.png");
    writeFileSync(file, BYTES);
    const t = Thumbnail.parse(Thumbnail.loadFile(file).serialize());
    expect(t.mime).toBe("image/png");
    expect([...t.decodedData()]).toEqual([...BYTES]);
  });

  it("toString shows MIME and decoded length", () => {
    expect(String(new Thumbnail({ mime: "image/png", data: new Uint8Array(100) }))).toBe(
      "Thumbnail(image/png, len:100B)",
    );
    expect(String(new Thumbnail({ mime: null, data: new Uint8Array(3) }))).toBe("Thumbnail(unknown, len:3B)");
  });

  it("equals compares MIME and data", () => {
    const t = new Thumbnail({ mime: "image/png", data: BYTES });
    expect(t.equals(new Thumbnail({ mime: "image/png", encodedData: B64 }))).toBe(true);
    expect(t.equals(new Thumbnail({ mime: "image/jpeg", encodedData: B64 }))).toBe(false);
    expect(t.equals(new Thumbnail({ mime: "image/png", data: Buffer.from("other") }))).toBe(false);
    expect(t.equals(t.serialize())).toBe(false);
  });
});
