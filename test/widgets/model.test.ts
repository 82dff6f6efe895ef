import { resetCommLayerForTests } from "../../src/comm";
import { toMimeBundle } from "../../src/display";
import {
  Button,
  IntProgress,
  Label,
  Layout,
  Text,
  VBox,
  WIDGET_VIEW_MIME,
  WidgetModel,
  controlsRef,
  findWidget,
  snakeCase,
  widgetClass,
} from "../../src/widgets";
import type { TraitChange, WidgetSpec } from "../../src/widgets";
import { installFakeLayer } from "./helpers";

afterEach(() => resetCommLayerForTests());

interface CounterState {
  count: number;
  longLabelText: string;
  payload: Uint8Array | null;
}
const COUNTER: WidgetSpec<CounterState> = {
  model: { module: "scitacean-ts-widgets", version: "^0.1.0", name: "CounterModel" },
  view: { module: "scitacean-ts-widgets", version: "^0.1.0", name: "CounterView" },
  traits: { count: true, longLabelText: "label", payload: true },
  defaults: () => ({ count: 0, longLabelText: "", payload: null }),
  readOnly: ["count"],
};
class Counter extends widgetClass(COUNTER) {
  override htmlFallback(): string {
    return `<b>${this.count}</b>`;
  }
}

describe("WidgetModel", () => {
  it("opens its comm with the full state under wire names, module refs and protocol 2.1.0", () => {
    const { port } = installFakeLayer();
    const c = new Counter({ count: 2, longLabelText: "x", payload: new Uint8Array([7, 8]) });
    const [open] = port.of("comm_open");
    expect(open?.content.comm_id).toBe(c.modelId);
    expect(open?.content.target_name).toBe("jupyter.widget");
    expect(open?.options.metadata).toEqual({ version: "2.1.0" });
    expect(open?.content.data).toEqual({
      state: {
        _model_module: "scitacean-ts-widgets",
        _model_module_version: "^0.1.0",
        _model_name: "CounterModel",
        _view_module: "scitacean-ts-widgets",
        _view_module_version: "^0.1.0",
        _view_name: "CounterView",
        _view_count: null,
        count: 2,
        label: "x",
      },
      buffer_paths: [["payload"]],
    });
    expect(open?.options.buffers).toEqual([new Uint8Array([7, 8])]);
  });

  it("sends one update with only the changed traits, and reports kernel changes to observers", () => {
    const { port } = installFakeLayer();
    const c = new Counter();
    const changes: TraitChange<CounterState>[] = [];
    c.observe("*", (ch) => changes.push(ch));
    port.clear();
    c.set({ count: 1, longLabelText: "" });
    c.count = 1;
    c.longLabelText = "now";
    expect(port.of("comm_msg").map((m) => m.content.data)).toEqual([
      { method: "update", state: { count: 1 }, buffer_paths: [] },
      { method: "update", state: { label: "now" }, buffer_paths: [] },
    ]);
    expect(changes.map((ch) => [ch.name, ch.oldValue, ch.newValue, ch.source])).toEqual([
      ["count", 0, 1, "kernel"],
      ["longLabelText", "", "now", "kernel"],
    ]);
  });

  it("applies front-end updates (with buffers), echoes them with the update as parent, and tells observers", () => {
    const fake = installFakeLayer();
    const c = new Counter();
    const seen: string[] = [];
    c.observe("longLabelText", (ch) => seen.push(`${ch.source}:${ch.newValue}`));
    fake.port.clear();
    const msg = fake.fromFrontend(c.modelId, { method: "update", state: { label: "typed" }, buffer_paths: [["payload"]] }, [Buffer.from("ab")]);
    expect(c.longLabelText).toBe("typed");
    expect(Buffer.from(c.payload!).toString()).toBe("ab");
    expect(seen).toEqual(["frontend:typed"]);
    const [echo] = fake.port.of("comm_msg");
    expect(echo?.content.data).toEqual({ method: "echo_update", state: { label: "typed" }, buffer_paths: [["payload"]] });
    expect(echo?.options.parent).toBe(msg.header);
    expect(echo?.options.buffers?.map((b) => Buffer.from(b).toString())).toEqual(["ab"]);
  });

  it("refuses front-end updates of unknown or read-only traits without changing anything", () => {
    const fake = installFakeLayer();
    const c = new Counter();
    fake.fromFrontend(c.modelId, { method: "update", state: { label: "a", count: 5 } });
    fake.fromFrontend(c.modelId, { method: "update", state: { nope: 1 } });
    expect([c.count, c.longLabelText]).toEqual([0, ""]);
    expect(fake.logged.join("\n")).toMatch(/"count" is read-only/);
    expect(fake.logged.join("\n")).toMatch(/unknown trait "nope"/);
  });

  it("answers request_state with the full state", () => {
    const fake = installFakeLayer();
    const c = new Counter({ count: 4 });
    fake.port.clear();
    fake.fromFrontend(c.modelId, { method: "request_state" });
    const [reply] = fake.port.of("comm_msg");
    expect(reply?.content.data).toMatchObject({ method: "update", state: { _model_name: "CounterModel", count: 4, label: "" } });
  });

  it("carries custom messages with buffers both ways", async () => {
    const fake = installFakeLayer();
    const c = new Counter();
    const got: unknown[] = [];
    c.onCustom((content, buffers) => void got.push(content, buffers.map((b) => b.toString())));
    fake.fromFrontend(c.modelId, { method: "custom", content: { kind: "chunk" } }, [Buffer.from("xyz")]);
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual([{ kind: "chunk" }, ["xyz"]]);
    fake.port.clear();
    c.send({ ack: 1 }, [new Uint8Array([1])]);
    const [sent] = fake.port.of("comm_msg");
    expect(sent?.content.data).toEqual({ method: "custom", content: { ack: 1 } });
    expect(sent?.options.buffers).toEqual([new Uint8Array([1])]);
  });

  it("displays as a widget view with text and its HTML fallback; close() closes the comm", () => {
    const { port } = installFakeLayer();
    const c = new Counter({ count: 3 });
    const bundle = toMimeBundle(c);
    expect(bundle?.[WIDGET_VIEW_MIME]).toEqual({ model_id: c.modelId, version_major: 2, version_minor: 1 });
    expect(bundle?.["text/plain"]).toBe("Counter(count=3)");
    expect(bundle?.["text/html"]).toBe("<b>3</b>");
    c.close();
    c.close();
    expect(port.of("comm_close").map((m) => m.content.comm_id)).toEqual([c.modelId]);
    expect(c.closed).toBe(true);
    expect(findWidget(c.modelId)).toBeUndefined();
    expect(toMimeBundle(c)?.[WIDGET_VIEW_MIME]).toBeUndefined();
  });

  it("rejects unknown options and traits by name", () => {
    installFakeLayer();
    expect(() => new Counter({ nope: 1 } as never)).toThrow(/CounterModel: unknown option "nope"/);
    const c = new Counter();
    expect(() => c.set({ nope: 1 } as never)).toThrow(/unknown trait "nope"/);
  });

  it("works locally without comms, after one warning, and shows its HTML", () => {
    resetCommLayerForTests();
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const a = new Counter({ count: 1 });
      const b = new Counter();
      a.count = 2;
      expect(a.count).toBe(2);
      expect(a.comm).toBeUndefined();
      expect(a.modelId).not.toBe(b.modelId);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/not available here \(this is not a tslab kernel\).*static HTML/);
      const bundle = toMimeBundle(a);
      expect(bundle).toEqual({ "text/plain": "Counter(count=2)", "text/html": "<b>2</b>" });
    } finally {
      warn.mockRestore();
    }
  });

  it("snakeCase maps camelCase trait names", () => {
    expect(["value", "barStyle", "descriptionAllowHtml", "maxWidth"].map(snakeCase)).toEqual([
      "value",
      "bar_style",
      "description_allow_html",
      "max_width",
    ]);
  });

  it("can be extended directly, without widgetClass", () => {
    const fake = installFakeLayer();
    class Plain extends WidgetModel<{ text: string }> {
      constructor() {
        super({ model: controlsRef("LabelModel"), view: controlsRef("LabelView"), traits: { text: "value" }, defaults: () => ({ text: "" }) });
      }
    }
    const p = new Plain();
    p.set({ text: "hi" });
    expect(fake.port.of("comm_msg")[0]?.content.data).toEqual({ method: "update", state: { value: "hi" }, buffer_paths: [] });
  });
});

describe("standard controls", () => {
  it("run the README example: a click handler moves the bar, children are references", async () => {
    const fake = installFakeLayer();
    const bar = new IntProgress({ value: 0, max: 10, description: "Steps" });
    const name = new Text({ value: "", description: "Name" });
    const go = new Button({ description: "Go" });
    go.onClick(() => {
      bar.value += 1;
    });
    const box = new VBox({ children: [name, bar, go] });
    const opens = fake.port.of("comm_open");
    const boxState = (opens.at(-1)?.content.data as { state: Record<string, unknown> }).state;
    expect(boxState.children).toEqual([name, bar, go].map((w) => `IPY_MODEL_${w.modelId}`));
    expect(boxState._model_name).toBe("VBoxModel");
    // Layout and style models are opened before the widgets that refer to them.
    const order = opens.map((o) => o.content.comm_id);
    expect(order.indexOf(bar.layout.modelId)).toBeLessThan(order.indexOf(bar.modelId));
    expect(order.indexOf(bar.style.modelId)).toBeLessThan(order.indexOf(bar.modelId));
    fake.port.clear();
    fake.fromFrontend(go.modelId, { method: "custom", content: { event: "click" } });
    await new Promise((r) => setImmediate(r));
    expect(bar.value).toBe(1);
    expect(fake.port.of("comm_msg").map((m) => m.content.data)).toEqual([{ method: "update", state: { value: 1 }, buffer_paths: [] }]);
    expect(box.mimeBundle()["text/html"]).toContain("<progress");
  });

  it("restores widget references sent by the front end", () => {
    const fake = installFakeLayer();
    const a = new Label({ value: "a" });
    const b = new Label({ value: "b" });
    const box = new VBox({ children: [a] });
    fake.fromFrontend(box.modelId, { method: "update", state: { children: [`IPY_MODEL_${b.modelId}`, `IPY_MODEL_${a.modelId}`] } });
    expect(box.children).toEqual([b, a]);
    fake.fromFrontend(box.modelId, { method: "update", state: { children: ["IPY_MODEL_nobody"] } });
    expect(box.children).toEqual([b, a]);
    expect(fake.logged.join("\n")).toMatch(/unknown widget IPY_MODEL_nobody/);
  });

  it("share a given layout instead of making one", () => {
    installFakeLayer();
    const layout = new Layout({ width: "20em" });
    const t = new Text({ layout });
    expect(t.layout).toBe(layout);
    expect(layout.stateForWire().width).toBe("20em");
  });
});
