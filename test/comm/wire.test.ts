import { createHmac } from "node:crypto";
import { DELIMITER, encodeFrames, newHeader, parseFrames, withoutBuffers } from "../../src/comm/wire";

const KEY = "secret-key";

function signed(parts: object[], extra: Buffer[] = [], key = KEY): Buffer[] {
  const json = parts.map((p) => Buffer.from(JSON.stringify(p)));
  const hmac = createHmac("sha256", key);
  json.forEach((p) => hmac.update(p));
  return [Buffer.from("ident"), DELIMITER, Buffer.from(hmac.digest("hex")), ...json, ...extra];
}

describe("parseFrames", () => {
  const header = newHeader("comm_msg", "s1");

  it("checks the signature over the four JSON parts only, keeping binary buffers", () => {
    const buffers = [Buffer.from([0, 1, 2, 255]), Buffer.alloc(3)];
    const msg = parseFrames(signed([header, {}, {}, { comm_id: "c" }], buffers), KEY);
    expect(msg.header.msg_type).toBe("comm_msg");
    expect(msg.identities).toEqual([Buffer.from("ident")]);
    expect(msg.content).toEqual({ comm_id: "c" });
    expect(msg.buffers).toEqual(buffers);
  });

  it("rejects a wrong signature, a missing delimiter, too few parts and non-object parts", () => {
    expect(() => parseFrames(signed([header, {}, {}, {}], [], "other"), KEY)).toThrow(/signature/);
    expect(() => parseFrames(signed([header, {}, {}, {}]).filter((f) => !f.equals(DELIMITER)), KEY)).toThrow(/delimiter/);
    expect(() => parseFrames(signed([header, {}, {}]), KEY)).toThrow(/parts/);
    expect(() => parseFrames(signed([header, {}, {}, [1]]), KEY)).toThrow(/content is not a JSON object/);
    expect(() => parseFrames(signed([{ msg_id: "x" }, {}, {}, {}]), KEY)).toThrow(/msg_type/);
  });

  it("accepts unsigned messages when the key is empty", () => {
    const frames = [DELIMITER, Buffer.from(""), ...[header, {}, {}, {}].map((p) => Buffer.from(JSON.stringify(p)))];
    expect(parseFrames(frames, "").header.msg_id).toBe(header.msg_id);
  });
});

describe("encodeFrames", () => {
  it("round-trips through parseFrames with raw binary buffers after the signed parts", () => {
    const bytes = new Uint8Array([9, 8, 7]);
    const frames = encodeFrames(
      { identities: [Buffer.from("id")], header: newHeader("comm_msg", "s"), parentHeader: {}, metadata: { a: 1 }, content: { x: "y" }, buffers: [bytes] },
      KEY,
    );
    expect(frames[frames.length - 1]).toEqual(Buffer.from(bytes));
    const back = parseFrames(frames, KEY);
    expect(back.content).toEqual({ x: "y" });
    expect(back.metadata).toEqual({ a: 1 });
    expect([...back.buffers[0]!]).toEqual([9, 8, 7]);
  });

  it("withoutBuffers drops only the buffers, so tslab's own check (over every part) passes", () => {
    const frames = signed([newHeader("kernel_info_request", "s"), {}, {}, {}], [Buffer.from("b")]);
    const stripped = withoutBuffers(frames);
    expect(stripped).toHaveLength(frames.length - 1);
    expect(() => parseFrames(stripped, KEY)).not.toThrow();
  });
});
