/**
 * Property tests of the value parsers: PID, RemotePath and Thumbnail take any
 * string and read it back unchanged, and refuse anything else with a clear
 * error, never an engine error from inside.
 */
import fc from "fast-check";
import { PID } from "../../src/values/pid";
import { RemotePath } from "../../src/values/remote-path";
import { Thumbnail } from "../../src/values/thumbnail";
import { anyJson, anyString, runs } from "./arbitraries";

const notAString = anyJson.filter((v) => typeof v !== "string");

describe("PID.parse", () => {
  it("reads any string back as it was written", () => {
    fc.assert(
      fc.property(anyString, (text) => {
        const pid = PID.parse(text);
        expect(pid.toString()).toBe(text);
        expect(PID.parse(pid.toString()).equals(pid)).toBe(true);
        expect(pid.prefix === null ? pid.pid : `${pid.prefix}/${pid.pid}`).toBe(text);
        expect(pid.prefix === null || !pid.prefix.includes("/")).toBe(true);
      }),
      { numRuns: runs(200) },
    );
  });

  it("refuses anything else with a TypeError that says what it expects", () => {
    fc.assert(
      fc.property(notAString, (value) => {
        expect(() => PID.parse(value as string)).toThrow(/^Cannot parse a PID from \w+; expected a string like 'prefix\/id'\.$/);
      }),
      { numRuns: runs(100) },
    );
  });
});

describe("RemotePath", () => {
  it("keeps the non-empty segments of any strings, joined with /", () => {
    fc.assert(
      fc.property(fc.array(anyString, { maxLength: 4 }), (segments) => {
        const remote = new RemotePath(...segments);
        expect(remote.posix).toBe(segments.filter((s) => s.length > 0).join("/"));
        expect(new RemotePath(remote).equals(remote)).toBe(true);
        expect(typeof remote.name).toBe("string");
        expect(typeof remote.toRepr()).toBe("string");
      }),
      { numRuns: runs(200) },
    );
  });

  it("join keeps the right-hand side inside the left", () => {
    fc.assert(
      fc.property(anyString, anyString, (left, right) => {
        const joined = new RemotePath("/base", left).join(right);
        expect(joined.posix.startsWith("/base")).toBe(true);
      }),
      { numRuns: runs(200) },
    );
  });

  it("refuses anything else with a TypeError that says what it expects", () => {
    fc.assert(
      fc.property(notAString, (value) => {
        expect(() => new RemotePath(value as string)).toThrow(/^Expected a string or RemotePath, got \w+\./);
      }),
      { numRuns: runs(100) },
    );
  });
});

describe("Thumbnail.parse", () => {
  it("reads any data URL back unchanged", () => {
    const mime = fc.constantFrom("image/png", "image/jpeg", "image/svg+xml", "application/x-thing");
    fc.assert(
      fc.property(mime, fc.uint8Array({ maxLength: 64 }), (type, bytes) => {
        const url = `data:${type};base64,${Buffer.from(bytes).toString("base64")}`;
        const thumbnail = Thumbnail.parse(url);
        expect(thumbnail.mime).toBe(type);
        expect(thumbnail.serialize()).toBe(url);
        expect(Buffer.compare(thumbnail.decodedData(), Buffer.from(bytes))).toBe(0);
      }),
      { numRuns: runs(100) },
    );
  });

  it("takes any string without crashing", () => {
    fc.assert(
      fc.property(anyString, (text) => {
        const thumbnail = Thumbnail.parse(text);
        expect(typeof thumbnail.serialize()).toBe("string");
        expect(typeof thumbnail.toString()).toBe("string");
      }),
      { numRuns: runs(200) },
    );
  });

  it("refuses anything else with a TypeError that says what it expects", () => {
    fc.assert(
      fc.property(notAString, (value) => {
        expect(() => Thumbnail.parse(value as string)).toThrow(/^Thumbnail\.parse needs a data URL or base64 text \(a string\), got /);
      }),
      { numRuns: runs(100) },
    );
  });
});
