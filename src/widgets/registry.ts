/**
 * The live widgets of this process, and the `jupyter.widget.control` comm target that hands all
 * their states to a front end at once (ipywidgets 8 asks for them when a page is (re)loaded;
 * without an answer it waits 4 s and then asks each widget on its own).
 * @module
 */
import type { CommLayer, JsonObject } from "../comm";
import type { Widget } from "./model";
import { toWire } from "./serialize";

/** The comm target of the widget control protocol 1.0.0. */
export const CONTROL_TARGET = "jupyter.widget.control";

type AnyWidget = Widget;

// Global, so that widgets made through two copies of this package are one set.
const LIVE: unique symbol = Symbol.for("scitacean-ts.widgets.live");
const ADOPTED: unique symbol = Symbol.for("scitacean-ts.widgets.control-layers");
const slots = globalThis as { [LIVE]?: Map<string, AnyWidget>; [ADOPTED]?: WeakSet<CommLayer> };
const live = (slots[LIVE] ??= new Map());
const adopted = (slots[ADOPTED] ??= new WeakSet());

/** @internal Called by every new model. */
export function rememberWidget(widget: Widget): void {
  live.set(widget.modelId, widget as AnyWidget);
}

/** @internal Called when a model closes. */
export function forgetWidget(widget: { readonly modelId: string }): void {
  live.delete(widget.modelId);
}

/** The open widget with model id `modelId`, if any. */
export function findWidget(modelId: string): AnyWidget | undefined {
  return live.get(modelId);
}

/** Every open widget. */
export function liveWidgets(): AnyWidget[] {
  return [...live.values()];
}

/**
 * The `update_states` answer to `request_states`: `states` maps each model id to its module refs
 * and full state; buffer paths start with the model id (and `"state"`), as ipywidgets sends them.
 */
export function allStates(): { content: JsonObject; buffers: Uint8Array[] } {
  const states: Record<string, unknown> = {};
  for (const widget of live.values()) {
    if (widget.comm === undefined) continue;
    const module = widget.moduleState();
    states[widget.modelId] = {
      model_name: module._model_name,
      model_module: module._model_module,
      model_module_version: module._model_module_version,
      // Not the JSON of wireState(): buffers must be found again under this object.
      state: { ...module, ...widget.stateForWire() },
    };
  }
  const wire = toWire(states);
  return { content: { method: "update_states", states: wire.state, buffer_paths: wire.bufferPaths }, buffers: wire.buffers };
}

/** @internal Registers the control target on `layer`, once. */
export function adoptControlTarget(layer: CommLayer): void {
  if (adopted.has(layer)) return;
  adopted.add(layer);
  layer.registerTarget(CONTROL_TARGET, (comm) => {
    comm.onMessage((data) => {
      if (data.method !== "request_states") throw new Error(`unknown control method ${JSON.stringify(data.method)}`);
      const { content, buffers } = allStates();
      comm.send(content, { buffers });
    });
  });
}
