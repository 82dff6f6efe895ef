/** PidMap: stores keyed by PID that take a PID or its string alike. */
import { PidMap } from "../../src/testing/pid-map";
import { PID } from "../../src/values/pid";

describe("PidMap", () => {
  const pid = new PID({ prefix: "20.500.12269", pid: "abc-123" });
  const text = "20.500.12269/abc-123";

  it("set with a PID, get/has with a PID or a string", () => {
    const map = new PidMap<number>();
    expect(map.set(pid, 1)).toBe(map);
    expect(map.get(pid)).toBe(1);
    expect(map.get(text)).toBe(1);
    expect(map.get(PID.parse(text))).toBe(1);
    expect(map.has(pid)).toBe(true);
    expect(map.has(text)).toBe(true);
    expect([...map.keys()]).toEqual([text]);
  });

  it("set with a string, get with a PID; setting again replaces", () => {
    const map = new PidMap<string>();
    map.set(text, "a");
    map.set(pid, "b");
    expect(map.size).toBe(1);
    expect(map.get(pid)).toBe("b");
  });

  it("delete with either form", () => {
    const map = new PidMap<number>();
    map.set(pid, 1);
    expect(map.delete(text)).toBe(true);
    expect(map.has(pid)).toBe(false);
    map.set(text, 2);
    expect(map.delete(pid)).toBe(true);
    expect(map.size).toBe(0);
    expect(map.delete(pid)).toBe(false);
  });

  it("PIDs without prefix and ids with slashes", () => {
    const map = new PidMap<number>();
    map.set(new PID({ pid: "bare" }), 1);
    map.set("pre/fix/with/slashes", 2);
    expect(map.get("bare")).toBe(1);
    expect(map.get(new PID({ prefix: "pre", pid: "fix/with/slashes" }))).toBe(2);
    const pids = map.pids();
    expect(pids.map((p) => p.toRepr())).toEqual(["PID(pid='bare')", "PID(prefix='pre', pid='fix/with/slashes')"]);
    expect(pids.every((p) => p instanceof PID)).toBe(true);
  });

  it("unknown keys give undefined", () => {
    const map = new PidMap<number>();
    expect(map.get(pid)).toBeUndefined();
    expect(map.get("x")).toBeUndefined();
    expect(map.has("x")).toBe(false);
  });

  it("is a Map", () => {
    const map = new PidMap<number>();
    map.set(pid, 5);
    expect(map).toBeInstanceOf(Map);
    expect([...map.entries()]).toEqual([[text, 5]]);
  });
});
