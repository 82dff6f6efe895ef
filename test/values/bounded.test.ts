/**
 * The bounded-echo helpers that every quoted value in messages and text
 * forms goes through.
 */
import { boundText, ECHO_LIMIT, echo } from "../../src/values/bounded";
import { formatShort, parseDateTime } from "../../src/values/format";
import { checkChecksumAlgorithm } from "../../src/values/filesystem";
import { logger, MAX_LOG_MESSAGE, setLogHandler } from "../../src/logging";

describe("boundText", () => {
  it("keeps text up to the limit as it is", () => {
    expect(boundText("a".repeat(ECHO_LIMIT))).toBe("a".repeat(ECHO_LIMIT));
    expect(boundText("short", 5)).toBe("short");
  });

  it("cuts longer text and says how much was left out", () => {
    expect(boundText("abcdefghij", 4)).toBe("abcd… [6 more characters]");
    expect(boundText("x".repeat(10_000))).toBe(`${"x".repeat(ECHO_LIMIT)}… [${(10_000 - ECHO_LIMIT).toLocaleString("en-US")} more characters]`);
  });

  it("never cuts a surrogate pair in half", () => {
    const text = `abc${"😀".repeat(5)}`; // each emoji is two UTF-16 units
    const cut = boundText(text, 4); // would end between the halves of the first emoji
    expect(cut).toBe("abc… [10 more characters]");
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it("stays bounded for 5 MB", () => {
    expect(boundText("n".repeat(5 * 1024 * 1024)).length).toBeLessThan(ECHO_LIMIT + 40);
  });
});

describe("echo", () => {
  it("writes values as JSON literals, so control characters show as escapes", () => {
    expect(echo("a\nb\u001b[31m")).toBe('"a\\nb\\u001b[31m"');
    expect(echo({ a: [1, null] })).toBe('{"a":[1,null]}');
    expect(echo(null)).toBe("null");
    expect(echo(undefined)).toBe("undefined");
    expect(echo(Number.NaN)).toBe("NaN");
    expect(echo(10n)).toBe("10n");
    expect(echo(() => 1)).toBe("a function");
  });

  it("never throws, also for cyclic objects and BigInts inside objects", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    expect(echo(cyclic)).toBe("an object");
    expect(echo([1n])).toBe("an array");
  });

  it("is cut like boundText", () => {
    expect(echo("y".repeat(1000), 10)).toBe('"yyyyyyyyy… [992 more characters]');
  });
});

describe("values quoted by the library are bounded", () => {
  it("parseDateTime quotes at most a bounded part of the value", () => {
    const text = "9".repeat(10_000);
    let message = "";
    try {
      parseDateTime(text, "endTime");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^endTime: cannot read '9{200}… \[9,800 more characters\]' as a date-time/);
  });

  it("checkChecksumAlgorithm quotes at most a bounded part", () => {
    expect(() => checkChecksumAlgorithm("z".repeat(5000))).toThrow(/not recognized: z{200}… \[4,800 more characters\]\./);
  });

  it("formatShort bounds and never throws", () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(formatShort("q".repeat(500), 10)).toBe("qqqqqqqqqq… [490 more characters]");
    expect(formatShort(cyclic)).toBe("(value cannot be shown)");
  });
});

describe("the logger", () => {
  it("passes on at most MAX_LOG_MESSAGE characters of any message, with the marker", () => {
    const seen: string[] = [];
    const previous = setLogHandler((_level, message) => void seen.push(message));
    try {
      logger.warn("w".repeat(MAX_LOG_MESSAGE * 3));
      logger.info("short");
    } finally {
      setLogHandler(previous);
    }
    expect(seen[0]).toBe(`${"w".repeat(MAX_LOG_MESSAGE)}… [${(MAX_LOG_MESSAGE * 2).toLocaleString("en-US")} more characters]`);
    expect(seen[1]).toBe("short");
  });
});
