import type { Comm } from "../../src/comm";
import { fakeLayer, frontendMessage } from "./fake-port";

describe("CommLayer", () => {
  it("opens a comm from the kernel with target, data, metadata and buffers under the current parent", () => {
    const { layer, port } = fakeLayer();
    const parent = frontendMessage("execute_request", {}).header;
    const comm = layer.runWithParent(parent, () =>
      layer.openComm("t", { data: { a: 1 }, metadata: { version: "2.1.0" }, buffers: [new Uint8Array([1])] }),
    );
    const [open] = port.of("comm_open");
    expect(open?.content).toEqual({ comm_id: comm.id, target_name: "t", data: { a: 1 } });
    expect(open?.options.metadata).toEqual({ version: "2.1.0" });
    expect(open?.options.buffers).toEqual([new Uint8Array([1])]);
    expect(open?.options.parent).toBe(parent);
  });

  it("wraps every comm message from the front end in busy/idle with it as parent", () => {
    const { layer, port } = fakeLayer();
    const comm = layer.openComm("t");
    const msg = frontendMessage("comm_msg", { comm_id: comm.id, data: { x: 1 } });
    layer.handleMessage(msg, () => undefined);
    const statuses = port.of("status");
    expect(statuses.map((s) => s.content.execution_state)).toEqual(["busy", "idle"]);
    expect(statuses.every((s) => s.options.parent === msg.header)).toBe(true);
  });

  it("delivers comm_msg with buffers, and sends from inside a handler are parented to that message", () => {
    const { layer, port } = fakeLayer();
    const comm = layer.openComm("t");
    const got: unknown[] = [];
    comm.onMessage((data, buffers) => {
      got.push(data, buffers.map((b) => b.length));
      comm.send({ reply: true });
    });
    const msg = frontendMessage("comm_msg", { comm_id: comm.id, data: { x: 1 } }, [Buffer.alloc(5)]);
    layer.handleMessage(msg, () => undefined);
    expect(got).toEqual([{ x: 1 }, [5]]);
    const [sent] = port.of("comm_msg");
    expect(sent?.content).toEqual({ comm_id: comm.id, data: { reply: true } });
    expect(sent?.options.parent).toBe(msg.header);
  });

  it("keeps the parent in async work started under runWithParent, and falls back outside it", async () => {
    const { layer } = fakeLayer();
    const cell = frontendMessage("execute_request", {}).header;
    const fallback = frontendMessage("execute_request", {}).header;
    layer.setFallbackParent(() => fallback);
    const later = layer.runWithParent(cell, () => new Promise((r) => setTimeout(() => r(layer.currentParent()), 5)));
    expect(layer.currentParent()).toBe(fallback);
    expect(await later).toBe(cell);
  });

  it("answers comm_info_request filtered by target_name", () => {
    const { layer } = fakeLayer();
    const a = layer.openComm("a");
    const b = layer.openComm("b");
    const replies: [string, unknown][] = [];
    const reply = (t: string, c: object): void => void replies.push([t, c]);
    layer.handleMessage(frontendMessage("comm_info_request", { target_name: "a" }), reply);
    layer.handleMessage(frontendMessage("comm_info_request", {}), reply);
    expect(replies[0]).toEqual(["comm_info_reply", { status: "ok", comms: { [a.id]: { target_name: "a" } } }]);
    expect(replies[1]).toEqual(["comm_info_reply", { status: "ok", comms: { [a.id]: { target_name: "a" }, [b.id]: { target_name: "b" } } }]);
  });

  it("hands front-end comm_open on a registered target to its handler, and closes unknown targets", () => {
    const { layer, port, logged } = fakeLayer();
    let opened: Comm | undefined;
    layer.registerTarget("known", (comm, data) => {
      opened = comm;
      expect(data).toEqual({ hello: 1 });
    });
    layer.handleMessage(frontendMessage("comm_open", { comm_id: "c1", target_name: "known", data: { hello: 1 } }), () => undefined);
    expect(opened?.id).toBe("c1");
    expect(layer.comms("known").map((c) => c.id)).toEqual(["c1"]);
    layer.handleMessage(frontendMessage("comm_open", { comm_id: "c2", target_name: "unknown", data: {} }), () => undefined);
    expect(port.of("comm_close").map((m) => m.content.comm_id)).toEqual(["c2"]);
    expect(logged.join("\n")).toMatch(/unknown target "unknown"/);
  });

  it("closes from either side once, telling close handlers", () => {
    const { layer, port } = fakeLayer();
    const mine = layer.openComm("t");
    const theirs = layer.openComm("t");
    const closed: string[] = [];
    mine.onClose(() => closed.push("mine"));
    theirs.onClose(() => closed.push("theirs"));
    mine.close();
    mine.close();
    mine.send({ ignored: true });
    layer.handleMessage(frontendMessage("comm_close", { comm_id: theirs.id, data: {} }), () => undefined);
    expect(closed).toEqual(["mine", "theirs"]);
    expect(port.of("comm_close")).toHaveLength(1);
    expect(port.of("comm_msg")).toHaveLength(0);
    expect(layer.comms()).toEqual([]);
  });

  it("logs and ignores malformed messages and failing handlers, never throwing", async () => {
    const { layer, port, logged } = fakeLayer();
    const comm = layer.openComm("t");
    comm.onMessage(() => {
      throw new Error("sync failure");
    });
    comm.onMessage(async () => Promise.reject(new Error("async failure")));
    const bad = [
      frontendMessage("comm_msg", { comm_id: "nope", data: {} }),
      frontendMessage("comm_msg", { data: {} }),
      frontendMessage("comm_close", { comm_id: 3 }),
      frontendMessage("comm_open", { target_name: "t" }),
      frontendMessage("comm_msg", { comm_id: comm.id, data: {} }),
    ];
    for (const msg of bad) expect(() => layer.handleMessage(msg, () => undefined)).not.toThrow();
    await new Promise((r) => setImmediate(r));
    expect(logged.join("\n")).toMatch(/no open comm "nope"/);
    expect(logged.join("\n")).toMatch(/comm_id is not a string/);
    expect(logged.join("\n")).toMatch(/sync failure/);
    expect(logged.join("\n")).toMatch(/async failure/);
    expect(port.of("status")).toHaveLength(2 * bad.length);
  });
});
