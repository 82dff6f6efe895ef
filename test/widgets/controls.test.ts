import { resetCommLayerForTests } from "../../src/comm";
import { Checkbox, Dropdown, FloatProgress, IntProgress, Label, Text } from "../../src/widgets";
import { fromWire, toWire } from "../../src/widgets/serialize";
import { frontendMessage } from "../comm/fake-port";
import { installFakeLayer } from "./helpers";

afterEach(() => resetCommLayerForTests());

describe("serialize", () => {
  it("splits nested bytes into buffer paths (object keys removed, array slots null) and puts them back", () => {
    const wire = toWire({ a: new Uint8Array([1]), list: [1, Buffer.from("x")], nested: { deep: new ArrayBuffer(2) }, n: Number.NaN, u: undefined });
    expect(wire.state).toEqual({ list: [1, null], nested: {}, n: null, u: null });
    expect(wire.bufferPaths).toEqual([["a"], ["list", 1], ["nested", "deep"]]);
    const back = fromWire(wire.state, wire.bufferPaths, wire.buffers.map((b) => Buffer.from(b)));
    expect(back.a).toEqual(Buffer.from([1]));
    expect((back.list as unknown[])[1]).toEqual(Buffer.from("x"));
    expect((back.nested as { deep: Buffer }).deep.length).toBe(2);
  });

  it("names the buffer path that does not fit", () => {
    expect(() => fromWire({}, [["a", "b"]], [Buffer.alloc(1)])).toThrow(/buffer_paths\[0\] \["a","b"\] does not fit/);
    expect(() => fromWire({}, [["a"]], [])).toThrow(/has no buffer/);
    expect(() => fromWire({}, "x", [])).toThrow(/not a list/);
  });
});

describe("controls", () => {
  it("IntProgress rounds and clamps like ipywidgets; FloatProgress keeps fractions", () => {
    installFakeLayer();
    const bar = new IntProgress({ max: 10 });
    bar.value = 3.6;
    expect(bar.value).toBe(4);
    bar.value = 50;
    expect(bar.value).toBe(10);
    expect(() => (bar.value = "x" as never)).toThrow(/IntProgressModel.value must be a number/);
    const f = new FloatProgress({ max: 1, value: 0.25 });
    expect(f.value).toBe(0.25);
    expect(f.htmlFallback()).toBe('<progress value="0.25" max="1"></progress>');
  });

  it("Dropdown syncs labels and index; the values stay in the kernel", () => {
    const fake = installFakeLayer();
    const d = new Dropdown<number>({ options: [["one", 1], ["two", 2]], value: 2, description: "N" });
    const state = (fake.port.of("comm_open").at(-1)?.content.data as { state: Record<string, unknown> }).state;
    expect([state._options_labels, state.index, state._model_name]).toEqual([["one", "two"], 1, "DropdownModel"]);
    expect([d.value, d.label]).toEqual([2, "two"]);
    fake.fromFrontend(d.modelId, { method: "update", state: { index: 0 } });
    expect(d.value).toBe(1);
    fake.fromFrontend(d.modelId, { method: "update", state: { index: 7 } });
    expect(d.index).toBe(0);
    expect(() => (d.value = 3)).toThrow(/3 is not one of the options/);
    d.options = ["a", "b", "c"] as never;
    expect([d.optionsLabels, d.index]).toEqual([["a", "b", "c"], 0]);
  });

  it("Text and Checkbox check value types; default states match ipywidgets 8", () => {
    const fake = installFakeLayer();
    const t = new Text();
    const c = new Checkbox();
    const states = fake.port.of("comm_open").map((o) => (o.content.data as { state: Record<string, unknown> }).state);
    const text = states.find((s) => s._model_name === "TextModel");
    expect(text).toMatchObject({ value: "", placeholder: "\u200b", continuous_update: true, disabled: false, description_allow_html: false, _dom_classes: [], tabbable: null, tooltip: null, _view_name: "TextView" });
    expect(states.find((s) => s._model_name === "TextStyleModel")).toMatchObject({ _view_module: "@jupyter-widgets/base", _view_name: "StyleView", description_width: "", background: null });
    expect(states.find((s) => s._model_name === "CheckboxModel")).toMatchObject({ value: false, indent: true });
    expect(() => (t.value = 5 as never)).toThrow(/TextModel.value must be a string/);
    expect(() => (c.value = "yes" as never)).toThrow(/Checkbox.value must be true or false/);
  });

  it("the control comm answers request_states with every open widget, grouped buffer paths included", () => {
    const fake = installFakeLayer();
    const labels = Array.from({ length: 30 }, (_, i) => new Label({ value: `l${i}` }));
    labels[3]!.close();
    fake.layer.handleMessage(
      frontendMessage("comm_open", { comm_id: "ctl", target_name: "jupyter.widget.control", data: {} }),
      () => undefined,
    );
    fake.port.clear();
    fake.fromFrontend("ctl", { method: "request_states" });
    const [reply] = fake.port.of("comm_msg");
    const data = reply?.content.data as { method: string; states: Record<string, { model_name: string; state: Record<string, unknown> }>; buffer_paths: unknown[] };
    expect(data.method).toBe("update_states");
    expect(Object.keys(data.states)).toEqual(expect.arrayContaining(labels.filter((_, i) => i !== 3).map((l) => l.modelId)));
    expect(data.states[labels[3]!.modelId]).toBeUndefined();
    expect(data.states[labels[0]!.modelId]).toMatchObject({ model_name: "LabelModel", state: { value: "l0", _view_name: "LabelView" } });
    expect(data.buffer_paths).toEqual([]);
  });
});
