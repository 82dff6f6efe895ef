import { PID } from "../../src/values/pid";

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("PID", () => {
  it("is built from pid and optional prefix", () => {
    const withPrefix = new PID({ pid: "abc", prefix: "20.500.12269" });
    expect(withPrefix.pid).toBe("abc");
    expect(withPrefix.prefix).toBe("20.500.12269");
    const without = new PID({ pid: "abc" });
    expect(without.pid).toBe("abc");
    expect(without.prefix).toBeNull();
  });

  it.each([
    ["20.500.12269/72fe3ff6-105b-4c7f-b9d0-073b67c90ec3", "20.500.12269", "72fe3ff6-105b-4c7f-b9d0-073b67c90ec3"],
    ["no-prefix", null, "no-prefix"],
    ["a/b/c", "a", "b/c"],
    ["a/", "a", ""],
    ["/x", "", "x"],
  ])("parse(%j) splits at the first '/'", (text, prefix, pid) => {
    const parsed = PID.parse(text);
    expect(parsed.prefix).toBe(prefix);
    expect(parsed.pid).toBe(pid);
  });

  it("parse returns a given PID unchanged", () => {
    const pid = new PID({ pid: "x", prefix: "p" });
    expect(PID.parse(pid)).toBe(pid);
  });

  it("parse rejects non-strings with a TypeError", () => {
    expect(() => PID.parse(5 as never)).toThrow(TypeError);
    expect(() => PID.parse(null as never)).toThrow(TypeError);
  });

  it("generate makes a random UUID v4, with optional prefix", () => {
    const a = PID.generate();
    const b = PID.generate({ prefix: "PID.prefix.a0b1" });
    expect(a.prefix).toBeNull();
    expect(a.pid).toMatch(UUID4);
    expect(b.prefix).toBe("PID.prefix.a0b1");
    expect(b.pid).toMatch(UUID4);
    expect(a.pid).not.toBe(b.pid);
    expect(new Set(Array.from({ length: 50 }, () => PID.generate().pid)).size).toBe(50);
  });

  it("withoutPrefix drops the prefix only", () => {
    const pid = PID.parse("pre/id/with/slash");
    const bare = pid.withoutPrefix;
    expect(bare.prefix).toBeNull();
    expect(bare.pid).toBe("id/with/slash");
    expect(pid.prefix).toBe("pre");
    expect(PID.parse("plain").withoutPrefix.equals(PID.parse("plain"))).toBe(true);
  });

  it("toString is prefix/id or just id", () => {
    expect(new PID({ pid: "abc", prefix: "pre" }).toString()).toBe("pre/abc");
    expect(new PID({ pid: "abc" }).toString()).toBe("abc");
    expect(`${PID.parse("a/b/c")}`).toBe("a/b/c");
  });

  it("round-trips through parse and toString", () => {
    for (const text of ["20.500.12269/72fe", "x", "a/b/c"]) expect(PID.parse(text).toString()).toBe(text);
  });

  it("serialises to JSON as its string", () => {
    expect(JSON.stringify([PID.parse("p/i")])).toBe('["p/i"]');
  });

  it("toRepr is constructor style", () => {
    expect(new PID({ pid: "abc", prefix: "pre" }).toRepr()).toBe("PID(prefix='pre', pid='abc')");
    expect(new PID({ pid: "abc" }).toRepr()).toBe("PID(pid='abc')");
  });

  it("equals only PIDs with the same prefix and id", () => {
    const pid = PID.parse("a/b");
    expect(pid.equals(PID.parse("a/b"))).toBe(true);
    expect(pid.equals(new PID({ prefix: "a", pid: "b" }))).toBe(true);
    expect(pid.equals(PID.parse("a/c"))).toBe(false);
    expect(pid.equals(PID.parse("x/b"))).toBe(false);
    expect(pid.equals(PID.parse("b"))).toBe(false);
    expect(PID.parse("b").equals(new PID({ pid: "b", prefix: null }))).toBe(true);
  });

  it("never equals a string, even the same text", () => {
    expect(PID.parse("a/b").equals("a/b")).toBe(false);
    expect(PID.parse("b").equals("b")).toBe(false);
    expect(PID.parse("b").equals(null)).toBe(false);
  });
});
