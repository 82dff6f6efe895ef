import { formatDateTime, formatValue, humanReadableSize, parseDateTime } from "../../src/values/format";
import { PID } from "../../src/values/pid";
import { RemotePath } from "../../src/values/remote-path";

describe("humanReadableSize", () => {
  it.each([
    [0, "0 B"],
    [1, "1 B"],
    [95, "95 B"],
    [1023, "1023 B"],
    [1024, "1.00 kiB"],
    [1536, "1.50 kiB"],
    [1024 ** 2 - 1, "1024.00 kiB"],
    [1024 ** 2, "1.00 MiB"],
    [5.25 * 1024 ** 2, "5.25 MiB"],
    [1024 ** 3 - 1, "1024.00 MiB"],
    [2 * 1024 ** 3, "2.00 GiB"],
    [1024 ** 4, "1.00 TiB"],
    [1024 ** 5, "1024.00 TiB"],
  ])("%d bytes is %j", (bytes, text) => {
    expect(humanReadableSize(bytes)).toBe(text);
  });
});

describe("formatDateTime", () => {
  it("writes seconds precision in UTC", () => {
    expect(formatDateTime(new Date("2024-05-29T08:17:09.678Z"))).toBe("2024-05-29 08:17:09+0000");
  });

  it("converts other offsets to UTC", () => {
    expect(formatDateTime(new Date("2024-05-29T10:00:00+02:00"))).toBe("2024-05-29 08:00:00+0000");
    expect(formatDateTime(new Date("2024-01-01T00:30:00+01:00"))).toBe("2023-12-31 23:30:00+0000");
  });

  it("pads every part", () => {
    expect(formatDateTime(new Date(Date.UTC(5, 0, 2, 3, 4, 5)))).toMatch(/-01-02 03:04:05\+0000$/);
  });

  it("says 'Invalid Date' for an invalid Date", () => {
    expect(formatDateTime(new Date(Number.NaN))).toBe("Invalid Date");
  });
});

describe("parseDateTime", () => {
  it("'now' is the current time", () => {
    const before = Date.now();
    const parsed = parseDateTime("now");
    const after = Date.now();
    expect(parsed.getTime()).toBeGreaterThanOrEqual(before);
    expect(parsed.getTime()).toBeLessThanOrEqual(after);
    expect(Math.abs(parseDateTime(" NOW ").getTime() - after)).toBeLessThan(5000);
  });

  it.each([
    ["2024-05-29T10:00:00+02:00", "2024-05-29T08:00:00.000Z"],
    ["2024-05-29T10:00:00-05:30", "2024-05-29T15:30:00.000Z"],
    ["2024-05-29T10:00:00Z", "2024-05-29T10:00:00.000Z"],
    ["2024-05-29T10:00:00.250Z", "2024-05-29T10:00:00.250Z"],
    ["2024-05-29 10:00:00+02:00", "2024-05-29T08:00:00.000Z"],
  ])("reads ISO 8601 with an offset: %s", (text, iso) => {
    expect(parseDateTime(text).toISOString()).toBe(iso);
  });

  it.each([
    ["2024-05-29T10:00:00", "2024-05-29T10:00:00.000Z"],
    ["2024-05-29 10:00:00", "2024-05-29T10:00:00.000Z"],
    ["2024-05-29T10:00", "2024-05-29T10:00:00.000Z"],
    ["2024-05-29T10:00:00.5", "2024-05-29T10:00:00.500Z"],
    ["2024-05-29", "2024-05-29T00:00:00.000Z"],
  ])("reads an offset-less ISO string as UTC: %s", (text, iso) => {
    expect(parseDateTime(text).toISOString()).toBe(iso);
  });

  it("copies a Date", () => {
    const date = new Date("2022-06-29T14:01:05Z");
    const parsed = parseDateTime(date);
    expect(parsed).not.toBe(date);
    expect(parsed.getTime()).toBe(date.getTime());
  });

  it("rejects an unreadable string with an error naming the field", () => {
    expect(() => parseDateTime("not a date", "creationTime")).toThrow(RangeError);
    expect(() => parseDateTime("not a date", "creationTime")).toThrow(/creationTime/);
    expect(() => parseDateTime("2024-13-45T99:00:00", "endTime")).toThrow(/endTime.*2024-13-45T99:00:00/);
  });

  it.each([
    "2024-02-30",
    "2024-02-30T10:00:00Z",
    "2023-02-29T10:00:00Z",
    "2024-04-31T00:00:00+02:00",
    "2024-13-01T00:00:00Z",
    "2024-01-01T25:00:00Z",
    "2024-01-01T24:00:00",
    "2024-01-01T10:60",
  ])("rejects the impossible date-time %s instead of rolling it over, naming it", (text) => {
    expect(() => parseDateTime(text, "endTime")).toThrow(RangeError);
    expect(() => parseDateTime(text, "endTime")).toThrow(`endTime: cannot read '${text}' as a date-time`);
    expect(() => parseDateTime(text, "endTime")).toThrow(/does not exist/);
  });

  it.each([
    ["2024-02-29", "2024-02-29T00:00:00.000Z"],
    ["2024-02-29T23:59:59Z", "2024-02-29T23:59:59.000Z"],
    ["2000-02-29T12:00:00+02:00", "2000-02-29T10:00:00.000Z"],
    ["2024-12-31T23:30:00-01:00", "2025-01-01T00:30:00.000Z"],
    ["0050-01-01T00:00:00Z", "0050-01-01T00:00:00.000Z"],
  ])("still reads the real date-time %s", (text, iso) => {
    expect(parseDateTime(text).toISOString()).toBe(iso);
  });

  it("rejects an invalid Date with an error naming the field", () => {
    expect(() => parseDateTime(new Date(Number.NaN), "endTime")).toThrow(/endTime/);
  });

  it("rejects other types with a TypeError naming the field", () => {
    expect(() => parseDateTime(12345 as never, "creationTime")).toThrow(TypeError);
    expect(() => parseDateTime(12345 as never, "creationTime")).toThrow(/creationTime/);
  });
});

describe("formatValue", () => {
  it("formats single values", () => {
    expect(formatValue(null)).toBe("null");
    expect(formatValue(undefined)).toBe("null");
    expect(formatValue("text")).toBe("text");
    expect(formatValue(5)).toBe("5");
    expect(formatValue(true)).toBe("true");
    expect(formatValue(new Date("2024-05-29T08:17:09Z"))).toBe("2024-05-29 08:17:09+0000");
  });

  it("shows a PID as prefix/id and a RemotePath in constructor form (as Scitacean's str)", () => {
    expect(formatValue(PID.parse("20.500.12269/72fe"))).toBe("20.500.12269/72fe");
    expect(formatValue(new RemotePath("/hex/ps/thaum"))).toBe("RemotePath('/hex/ps/thaum')");
  });

  it("formats arrays like Python lists", () => {
    expect(formatValue(["witches", "wizards"])).toBe("['witches', 'wizards']");
    expect(formatValue([PID.parse("a/b")])).toBe("[PID(prefix='a', pid='b')]");
    expect(formatValue([])).toBe("[]");
  });

  it("formats plain objects as JSON", () => {
    expect(formatValue({ a: 1, b: "x" })).toBe('{"a":1,"b":"x"}');
  });
});

describe("parseDateTime accepts only time-zone independent forms", () => {
  it.each([
    ["2024-05-29T10:00:00+0200", "2024-05-29T08:00:00.000Z"],
    ["2024-05-29T10:00:00+02", "2024-05-29T08:00:00.000Z"],
    ["2024-05-29 10:00:00.5-01:30", "2024-05-29T11:30:00.500Z"],
    ["2024-05-29t10:00z", "2024-05-29T10:00:00.000Z"],
  ])("reads %s", (text, iso) => {
    expect(parseDateTime(text, "endTime").toISOString()).toBe(iso);
  });

  it.each(["May 29 2024 10:00", "29/05/2024", "2024-05-29T10", "Wed, 29 May 2024 10:00:00 GMT"])(
    "rejects %s with a message naming the field",
    (text) => {
      expect(() => parseDateTime(text, "endTime")).toThrow(/endTime: cannot read .* ISO 8601/);
    },
  );
});
