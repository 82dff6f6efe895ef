/**
 * The kernel side of a Jupyter widget (widget protocol 2.1.0, ipywidgets 8 /
 * `@jupyter-widgets/base` 6): {@link WidgetModel} and {@link widgetClass}.
 * @module
 */
import type { Comm, IncomingMessage, JsonObject, JsonValue } from "../comm";
import { getCommLayer } from "../comm";
import { registerDisplay } from "../display/index";
import type { MimeBundle } from "../display/index";
import { adoptControlTarget, findWidget, forgetWidget, rememberWidget } from "./registry";
import { MODEL_REF_PREFIX, fromWire, toWire } from "./serialize";
import type { WireState } from "./serialize";

/** The widget protocol version sent in `comm_open` metadata. */
export const WIDGET_PROTOCOL_VERSION = "2.1.0";
/** The comm target of widget models. */
export const WIDGET_TARGET = "jupyter.widget";
/** The MIME type of a widget view in a display bundle. */
export const WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json";

/** A front-end module, class and version (a semver range) for a model or a view. */
export interface ModuleRef {
  /** npm name of the front-end module, e.g. `"@jupyter-widgets/controls"`. */
  module: string;
  /** Semver range of that module, e.g. `"2.0.0"`. */
  version: string;
  /** Class name in that module, e.g. `"TextModel"`. */
  name: string;
}

/**
 * The trait map of a widget: every state key (camelCase) with its name on the wire, or `true`
 * for the automatic snake_case name (`barStyle` → `bar_style`).
 */
export type TraitMap<S> = { readonly [K in keyof S]-?: string | true };

/** Describes one kind of widget; {@link widgetClass} turns it into a class. */
export interface WidgetSpec<S extends object> {
  /** The model class the front end creates. */
  model: ModuleRef;
  /** The view class the front end renders; `null` for models that are never displayed. */
  view: ModuleRef | null;
  /** Every trait, camelCase → wire name (see {@link TraitMap}). */
  traits: TraitMap<S>;
  /**
   * The full default state of a new widget. `init` holds what the caller gives, so defaults that
   * are widgets themselves (a `Layout`, a style) are only made when not given.
   */
  defaults(init: Partial<S>): S;
  /** Traits holding widgets (or lists of widgets), restored from `"IPY_MODEL_<id>"` on receipt. */
  references?: readonly (keyof S)[];
  /** Traits the front end may not change; updates to them are ignored (and logged). */
  readOnly?: readonly (keyof S)[];
  /**
   * Normalizes a value before it is stored (from either side), e.g. clamps a progress value.
   * Returns the value to store; may throw a `TypeError` that names the trait.
   */
  coerce?<K extends keyof S>(key: K, value: S[K], state: Readonly<S>): S[K];
}

/** Who changed a trait: this kernel's code or the front end (a user's edit). */
export type ChangeSource = "kernel" | "frontend";

/** One trait change, as {@link WidgetModel.observe} reports it. */
export interface TraitChange<S, K extends keyof S = keyof S> {
  /** The trait that changed (camelCase). */
  name: K;
  /** Its value before. */
  oldValue: S[K];
  /** Its value now. */
  newValue: S[K];
  /** Whether kernel code or the front end changed it. */
  source: ChangeSource;
  /** The widget whose trait changed. */
  owner: Widget;
}

/** Handles `custom` messages from the front end: their content and binary buffers. */
export type CustomHandler = (content: JsonValue, buffers: Buffer[]) => void | Promise<void>;

/**
 * Any widget, whatever its state type: what containers hold and the registry keeps. Every
 * {@link WidgetModel} is one.
 */
export interface Widget {
  /** The model id, which is also the comm id. */
  readonly modelId: string;
  /** Whether {@link Widget.close} was called. */
  readonly closed: boolean;
  /** The widget's comm, or `undefined` where the kernel has no comms. */
  readonly comm: Comm | undefined;
  /** Closes the widget and its comm; the page removes its views. */
  close(): void;
  /** The display bundle: widget view, text and, where there is one, HTML. */
  mimeBundle(): MimeBundle;
  /** The model's and view's module, name and version, as the wire state carries them. */
  moduleState(): JsonObject;
  /** The whole state in snake_case, widget references as `IPY_MODEL_<id>`. */
  stateForWire(): Record<string, unknown>;
}

const CAMEL_BOUNDARY = /([a-z0-9])([A-Z])/g;

/** The automatic wire name of a camelCase trait. */
export function snakeCase(name: string): string {
  return name.replace(CAMEL_BOUNDARY, "$1_$2").toLowerCase();
}

/**
 * Base class of kernel-side widget models. A model keeps a typed state `S` (camelCase keys),
 * mirrors it to the front end over one comm on target `jupyter.widget` (the comm id is the model
 * id), and shows as a widget view when it is a cell's last value or passed to `display()`.
 *
 * - Changing state ({@link set}, or the trait properties {@link widgetClass} adds) sends one
 *   `update` with the changed keys, under the current parent header.
 * - Front-end `update`s are applied, echoed (`echo_update`, parent = that update) and reported
 *   to {@link observe} handlers with source `"frontend"`.
 * - `request_state` is answered with the full state.
 * - {@link send} and {@link onCustom} carry `custom` messages with binary buffers.
 * - {@link close} closes the comm.
 *
 * Without a kernel that has comms (another kernel, plain Node) a model still works locally and
 * displays its {@link htmlFallback}; a one-time warning says why.
 *
 * To make a new widget, describe it with a {@link WidgetSpec} and derive from
 * `widgetClass(spec)` (which adds a property per trait); or extend `WidgetModel` directly and
 * use {@link get}/{@link set}. Override {@link htmlFallback} to give static front ends a view.
 *
 * @typeParam S - the state: camelCase trait names and their kernel-side types.
 */
export class WidgetModel<S extends object> implements Widget {
  /** The model id, which is also the comm id. */
  readonly modelId: string;
  /** What the model is: module refs and traits. */
  readonly spec: WidgetSpec<S>;
  private readonly state: S;
  private readonly wireNames = new Map<keyof S, string>();
  private readonly keysByWireName = new Map<string, keyof S>();
  private readonly observers = new Map<keyof S | "*", Set<(change: TraitChange<S>) => void>>();
  private readonly customHandlers = new Set<CustomHandler>();
  private readonly commOrUndefined: Comm | undefined;
  private isClosed = false;

  /**
   * Creates the model and, in a kernel with comms, opens its comm with the full state (so the
   * front end has the model before any display of it refers to it).
   * @param spec - what widget this is.
   * @param init - initial trait values; the rest come from `spec.defaults`.
   */
  constructor(spec: WidgetSpec<S>, init: Partial<S> = {}) {
    this.spec = spec;
    for (const [key, wire] of Object.entries(spec.traits) as [keyof S & string, string | true][]) {
      const name = wire === true ? snakeCase(key) : wire;
      this.wireNames.set(key, name);
      this.keysByWireName.set(name, key);
    }
    for (const key of Object.keys(init)) {
      if (!this.wireNames.has(key as keyof S)) throw new TypeError(`${spec.model.name}: unknown option "${key}"`);
    }
    const defined = Object.fromEntries(Object.entries(init).filter(([, v]) => v !== undefined)) as Partial<S>;
    this.state = { ...spec.defaults(defined), ...defined };
    for (const key of this.wireNames.keys()) this.state[key] = this.coerce(key, this.state[key]);

    const layer = getCommLayer();
    const wire = this.wireState(true);
    const comm = layer?.openComm(WIDGET_TARGET, {
      data: { state: wire.state, buffer_paths: wire.bufferPaths },
      metadata: { version: WIDGET_PROTOCOL_VERSION },
      buffers: wire.buffers,
    });
    this.modelId = comm?.id ?? localId();
    this.commOrUndefined = comm;
    if (layer !== undefined && comm !== undefined) {
      adoptControlTarget(layer);
      comm.onMessage((data, buffers, msg) => this.handleMessage(data, buffers, msg));
      comm.onClose(() => this.markClosed());
    }
    rememberWidget(this);
  }

  /** The comm to the front end; `undefined` where the kernel has no comms. */
  get comm(): Comm | undefined {
    return this.commOrUndefined;
  }

  /** True once the model was closed (by {@link close} or by the front end). */
  get closed(): boolean {
    return this.isClosed;
  }

  /** The value of trait `key`. */
  get<K extends keyof S>(key: K): S[K] {
    return this.state[key];
  }

  /**
   * Sets traits and sends the ones that changed to the front end in one `update`, then tells
   * observers. Values are compared with `Object.is` (arrays element-wise); unchanged values send
   * nothing. Throws a `TypeError` naming an unknown trait; after {@link close} changes stay local.
   */
  set(changes: Partial<S>): void {
    const changed = this.apply(changes);
    if (changed.length === 0) return;
    this.sendUpdate("update", changed);
    this.notify(changed, "kernel");
  }

  /**
   * Calls `handler` with every change of trait `name` (or of any trait, for `"*"`), made by this
   * kernel or by the front end. Returns a function that stops the observation.
   */
  observe<K extends keyof S>(name: K | "*", handler: (change: TraitChange<S, K>) => void): () => void {
    const handlers = this.observers.get(name) ?? new Set();
    this.observers.set(name, handlers);
    const h = handler as unknown as (change: TraitChange<S>) => void;
    handlers.add(h);
    return () => handlers.delete(h);
  }

  /** Sends a `custom` message with `content` and binary `buffers` to the front end. */
  send(content: JsonValue, buffers: readonly Uint8Array[] = []): void {
    this.commOrUndefined?.send({ method: "custom", content }, { buffers });
  }

  /** Calls `handler` with each `custom` message from the front end. Returns a function that stops it. */
  onCustom(handler: CustomHandler): () => void {
    this.customHandlers.add(handler);
    return () => this.customHandlers.delete(handler);
  }

  /** Closes the comm (the front end drops its views) and forgets the model. Closing twice does nothing. */
  close(): void {
    if (this.isClosed) return;
    this.commOrUndefined?.close();
    this.markClosed();
  }

  /**
   * The full state in wire form (wire names, buffers split off), as `comm_open` and
   * `request_state` send it. `withModuleRefs` adds `_model_module`, `_view_name`, etc.
   */
  wireState(withModuleRefs = false): WireState {
    return toWire({ ...(withModuleRefs ? this.moduleState() : {}), ...this.stateForWire() });
  }

  /** The traits under their wire names, values not yet serialized. */
  stateForWire(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, name] of this.wireNames) out[name] = this.state[key];
    return out;
  }

  /** The immutable `_model_*` / `_view_*` keys of the state. */
  moduleState(): JsonObject {
    const { model, view } = this.spec;
    return {
      _model_module: model.module,
      _model_module_version: model.version,
      _model_name: model.name,
      _view_module: view?.module ?? null,
      _view_module_version: view?.version ?? "",
      _view_name: view?.name ?? null,
      _view_count: null,
    };
  }

  /**
   * HTML for front ends without widgets (static HTML exports, kernels without comms). `undefined`
   * (the default) leaves the display bundle without `text/html`. Subclasses override it.
   */
  htmlFallback(): string | undefined {
    return undefined;
  }

  /** The plain-text form, e.g. `IntProgress(value=3, max=10)`: the traits that differ from the defaults. */
  toString(): string {
    const defaults = this.spec.defaults(this.state);
    const shown = [...this.wireNames]
      .filter(([key]) => !sameValue(this.state[key], defaults[key]) && !isWidgetLike(this.state[key]))
      .map(([, name]) => `${name}=${textOf(this.get(this.keysByWireName.get(name)!))}`);
    return `${this.spec.model.name.replace(/Model$/, "")}(${shown.join(", ")})`;
  }

  /**
   * The display bundle: the widget view, a text form and, where {@link htmlFallback} gives one,
   * HTML. (Every model answers `Symbol.for("Jupyter.display")` with it.)
   */
  mimeBundle(): MimeBundle {
    const bundle: MimeBundle = { "text/plain": this.toString() };
    const html = this.htmlFallback();
    if (html !== undefined) bundle["text/html"] = html;
    if (this.commOrUndefined !== undefined && !this.isClosed) {
      bundle[WIDGET_VIEW_MIME] = { model_id: this.modelId, version_major: 2, version_minor: 1 };
    }
    return bundle;
  }

  private apply(changes: Partial<S>): (keyof S)[] {
    const changed: (keyof S)[] = [];
    const olds = new Map<keyof S, unknown>();
    for (const [key, value] of Object.entries(changes) as [keyof S, S[keyof S]][]) {
      if (!this.wireNames.has(key)) throw new TypeError(`${this.spec.model.name}: unknown trait "${String(key)}"`);
      const coerced = this.coerce(key, value);
      if (sameValue(coerced, this.state[key])) continue;
      olds.set(key, this.state[key]);
      this.state[key] = coerced;
      changed.push(key);
    }
    this.lastOld = olds;
    return changed;
  }

  /** Old values of the latest {@link apply}, for the change events that follow it. */
  private lastOld = new Map<keyof S, unknown>();

  private coerce<K extends keyof S>(key: K, value: S[K]): S[K] {
    return this.spec.coerce ? this.spec.coerce(key, value, this.state) : value;
  }

  private notify(changed: (keyof S)[], source: ChangeSource): void {
    const olds = this.lastOld;
    for (const name of changed) {
      const change: TraitChange<S> = {
        name,
        oldValue: olds.get(name) as S[keyof S],
        newValue: this.state[name],
        source,
        owner: this,
      };
      for (const handler of [...(this.observers.get(name) ?? []), ...(this.observers.get("*") ?? [])]) {
        try {
          handler(change);
        } catch (error) {
          // Like a failing traitlets observer: reported in the cell (or comm message) that caused it.
          console.error(`${this.spec.model.name}: observer of "${String(name)}" failed:`, error);
        }
      }
    }
  }

  private sendUpdate(method: "update" | "echo_update", keys: (keyof S)[]): void {
    const comm = this.commOrUndefined;
    if (comm === undefined || this.isClosed) return;
    const partial: Record<string, unknown> = {};
    for (const key of keys) partial[this.wireNames.get(key)!] = this.state[key];
    const wire = toWire(partial);
    comm.send({ method, state: wire.state, buffer_paths: wire.bufferPaths }, { buffers: wire.buffers });
  }

  private handleMessage(data: JsonObject, buffers: Buffer[], msg: IncomingMessage): void {
    switch (data.method) {
      case "update":
        this.handleUpdate(data, buffers);
        return;
      case "request_state": {
        const wire = this.wireState(true);
        this.commOrUndefined?.send({ method: "update", state: wire.state, buffer_paths: wire.bufferPaths }, { buffers: wire.buffers });
        return;
      }
      case "custom":
        for (const handler of [...this.customHandlers]) {
          callSafely(() => handler(data.content ?? null, buffers), `${this.spec.model.name}: custom message handler failed:`);
        }
        return;
      default:
        throw new Error(`${this.spec.model.name} ${this.modelId}: unknown method ${JSON.stringify(data.method)} in ${msg.header.msg_id}`);
    }
  }

  private handleUpdate(data: JsonObject, buffers: Buffer[]): void {
    const state = data.state;
    if (state === null || typeof state !== "object" || Array.isArray(state)) throw new Error("update without a state object");
    const received = fromWire(state, data.buffer_paths, buffers);
    const changes: Partial<S> = {};
    const echoed: (keyof S)[] = [];
    for (const [name, value] of Object.entries(received)) {
      const key = this.keysByWireName.get(name);
      if (key === undefined) throw new Error(`${this.spec.model.name}: update of unknown trait "${name}"`);
      if (this.spec.readOnly?.includes(key)) throw new Error(`${this.spec.model.name}: trait "${name}" is read-only`);
      changes[key] = this.fromJson(key, value);
      echoed.push(key);
    }
    const changed = this.apply(changes);
    // Echo what the front end set (as stored, i.e. after coercion), with the update as parent:
    // the sender drops its pending value once its own echo arrives, other views apply it.
    this.sendUpdate("echo_update", echoed);
    this.notify(changed, "frontend");
  }

  private fromJson<K extends keyof S>(key: K, value: unknown): S[K] {
    if (!this.spec.references?.includes(key)) return value as S[K];
    const resolve = (v: unknown): unknown => {
      if (typeof v === "string" && v.startsWith(MODEL_REF_PREFIX)) {
        const widget = findWidget(v.slice(MODEL_REF_PREFIX.length));
        if (widget === undefined) throw new Error(`${this.spec.model.name}: "${String(key)}" refers to unknown widget ${v}`);
        return widget;
      }
      return Array.isArray(v) ? v.map(resolve) : v;
    };
    return resolve(value) as S[K];
  }

  private markClosed(): void {
    this.isClosed = true;
    forgetWidget(this);
  }
}

registerDisplay(WidgetModel, (widget) => widget.mimeBundle());

/**
 * A widget class with a property per trait: reading it is {@link WidgetModel.get}, assigning it
 * {@link WidgetModel.set}. Derive from it to add methods:
 *
 * ```ts
 * class Badge extends widgetClass<BadgeState>(BADGE_SPEC) {
 *   override htmlFallback() { return `<b>${this.label}</b>`; }
 * }
 * ```
 */
export type WidgetClass<S extends object> = new (init?: Partial<S>) => WidgetModel<S> & S;

/** Makes a widget class from `spec` (see {@link WidgetClass}). */
export function widgetClass<S extends object>(spec: WidgetSpec<S>): WidgetClass<S> {
  class Widget extends WidgetModel<S> {
    constructor(init: Partial<S> = {}) {
      super(spec, init);
    }
  }
  for (const key of Object.keys(spec.traits)) {
    Object.defineProperty(Widget.prototype, key, {
      get(this: WidgetModel<S>) {
        return this.get(key as keyof S);
      },
      set(this: WidgetModel<S>, value: unknown) {
        this.set({ [key]: value } as Partial<S>);
      },
      enumerable: false,
      configurable: true,
    });
  }
  return Widget as unknown as WidgetClass<S>;
}

/**
 * Runs a user's handler now; what it throws, or the promise it returns rejects with, is reported
 * with `console.error` (so it lands where the handler's other output goes) and not thrown on.
 */
export function callSafely(fn: () => unknown, what: string): void {
  try {
    const result = fn();
    if (result instanceof Promise) result.catch((error: unknown) => console.error(what, error));
  } catch (error) {
    console.error(what, error);
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
  return false;
}

function isWidgetLike(value: unknown): boolean {
  return value instanceof WidgetModel || (Array.isArray(value) && value.some((v) => v instanceof WidgetModel));
}

function textOf(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

let localCounter = 0;
/** A model id for a model without a comm (kept unique, so references still work locally). */
function localId(): string {
  localCounter += 1;
  return `local-${process.pid}-${localCounter}`;
}
