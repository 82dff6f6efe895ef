/**
 * Rich display of objects in Jupyter notebooks running the tslab kernel.
 *
 * A class is made displayable once with {@link registerDisplay}. Its instances then
 *
 * - answer the `Symbol.for("Jupyter.display")` protocol (used by Deno's kernel and by our own
 *   kernel entry `scitacean-ts/dist/display/kernel.js`, which turns a cell's last value into a real
 *   `execute_result` with HTML and a text fallback);
 * - print their plain-text form with `console.log` anywhere;
 * - show their HTML under the *stock* tslab kernel when they are a cell's last value, through a
 *   narrowly scoped `util.inspect.custom` hook (stock tslab only ever `console.log`s that value).
 *
 * This module must stay free of model imports: the model depends on it, never the other way round.
 * @module
 */
import * as util from "node:util";

/**
 * One representation in a MIME bundle: text for most types, a JSON object for JSON types such
 * as `application/vnd.jupyter.widget-view+json`.
 */
export type MimeData = string | { [key: string]: unknown };

/** A Jupyter MIME bundle: representations of one object keyed by MIME type. */
export type MimeBundle = {
  /** The HTML form. */
  "text/html"?: string;
  /** The text form, for `console.log` and front ends without HTML. */
  "text/plain": string;
  [mime: string]: MimeData | undefined;
};

/** The display protocol symbol shared with Deno's Jupyter kernel and `@anywidget/deno`. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display");

/**
 * Global key under which our kernel entry publishes {@link KernelHooks}. Its presence means
 * "rich output is handled by the kernel", so the stock-tslab hack must stay out of the way.
 * A global symbol (not a module variable) so that several copies of this package agree.
 */
export const KERNEL_HOOKS: unique symbol = Symbol.for("scitacean-ts.display.kernel");

/** What our kernel entry (or the comm layer attached to a stock tslab) offers to library code. */
export interface KernelHooks {
  /** Sends `bundle` as `display_data` of the current cell; false if there is no cell yet. */
  displayBundle(bundle: MimeBundle): boolean;
  /**
   * Whether the kernel itself renders a cell's last value (our kernel entry: `execute_result`).
   * `false` where only {@link KernelHooks.displayBundle} is rich (a stock tslab kernel with the
   * comm layer attached), so the last value still goes through the `util.inspect.custom` hook.
   * Absent means `true`.
   */
  richLastValue?: boolean;
}

type Displayable = { [JUPYTER_DISPLAY](): MimeBundle };

/**
 * Makes instances of `ctor` (and of its subclasses) displayable in notebooks.
 *
 * Installs, non-enumerably on `ctor.prototype`, `[Symbol.for("Jupyter.display")]()` returning
 * `render(this)`, and a `util.inspect.custom` hook that prints the bundle's `text/plain`.
 * Registering the same class again replaces its renderer.
 *
 * @param ctor - the class to register.
 * @param render - builds the MIME bundle of one instance; `text/plain` is required.
 */
export function registerDisplay<T extends object>(
  ctor: { readonly prototype: T },
  render: (obj: T) => MimeBundle,
): void {
  const proto = ctor.prototype as object;
  Object.defineProperty(proto, JUPYTER_DISPLAY, {
    value: function jupyterDisplay(this: T): MimeBundle {
      return render(this);
    },
    configurable: true,
    writable: true,
  });
  Object.defineProperty(proto, util.inspect.custom, {
    value: function inspectCustom(this: T, depth: number | null, options: util.InspectOptions): string {
      return inspectDisplayable(this as unknown as Displayable, depth, options);
    },
    configurable: true,
    writable: true,
  });
}

/**
 * Returns the MIME bundle of `obj` if it implements `Symbol.for("Jupyter.display")`, else
 * `undefined`.
 */
export function toMimeBundle(obj: unknown): MimeBundle | undefined {
  if (obj === null || (typeof obj !== "object" && typeof obj !== "function")) return undefined;
  const method = (obj as Partial<Displayable>)[JUPYTER_DISPLAY];
  if (typeof method !== "function") return undefined;
  const bundle = method.call(obj);
  if (typeof bundle?.["text/plain"] !== "string") {
    throw new TypeError("Symbol.for('Jupyter.display') must return a bundle with a 'text/plain' string");
  }
  return bundle;
}

/**
 * Displays `obj` in the current notebook cell, richly where possible.
 *
 * Under our kernel entry the whole bundle is sent as one `display_data`; under the stock tslab
 * kernel its `text/html` goes through `tslab.display.html`; elsewhere (plain Node, or an object
 * without a bundle) the object is printed as text with `console.log`.
 */
export function display(obj: unknown): void {
  const bundle = toMimeBundle(obj);
  if (bundle === undefined) {
    console.log(obj);
    return;
  }
  const hooks = kernelHooks();
  if (hooks?.displayBundle(bundle)) return;
  if (hooks === undefined && sendToStockTslab(bundle)) return;
  console.log(bundle["text/plain"]);
}

/** Alias of {@link display}. */
export const show = display;

function kernelHooks(): KernelHooks | undefined {
  return (globalThis as { [KERNEL_HOOKS]?: KernelHooks })[KERNEL_HOOKS];
}

function inspectDisplayable(obj: Displayable, depth: number | null, options: util.InspectOptions): string {
  const bundle = obj[JUPYTER_DISPLAY]();
  // Node passes `depth = options.depth - nesting level`, so equality means "the value itself",
  // not an element of an array or object: nested values always print as text.
  const topLevel = depth === options.depth;
  const hooks = kernelHooks();
  const kernelRendersLastValue = hooks !== undefined && hooks.richLastValue !== false;
  if (
    topLevel &&
    !kernelRendersLastValue &&
    calledByTslabForLastValue() &&
    (hooks === undefined ? sendToStockTslab(bundle) : hooks.displayBundle(bundle))
  ) {
    // tslab's console.log still writes the (now empty) text plus "\n"; drop that line.
    swallowNextNewline();
    return "";
  }
  return bundle["text/plain"];
}

/**
 * True when the `console.log` being formatted was called by tslab's executor (which does so only
 * for a cell's last value), not by user code (`evalmachine.<anonymous>`) or a library.
 */
function calledByTslabForLastValue(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40; // the inspect machinery alone takes ~7 frames
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  for (const frame of stack.split("\n").slice(1)) {
    // Skip this module and Node's own util.inspect/console frames; the first other frame is the caller.
    if (frame.includes(__filename) || frame.includes("(node:") || frame.includes(" node:")) continue;
    return /[\\/]tslab[\\/]dist[\\/]executor\.js:/.test(frame);
  }
  return false;
}

/**
 * Sends the HTML of `bundle` through the *running* tslab's display API. `require("tslab")` from
 * this package could load a second copy whose display throws "Not ready", so it is resolved via
 * the `__tslab__.require` that tslab's executor installs for cell code.
 */
function sendToStockTslab(bundle: MimeBundle): boolean {
  const html = bundle["text/html"];
  if (html === undefined) return false;
  try {
    const tslabRequire = (globalThis as { __tslab__?: { require?: (id: string) => unknown } }).__tslab__?.require;
    const tslab = tslabRequire?.("tslab") as { display?: { html?: (s: string) => void } } | undefined;
    if (typeof tslab?.display?.html !== "function") return false;
    tslab.display.html(html);
    return true;
  } catch {
    return false; // e.g. "Not ready": print text instead
  }
}

/** Wraps `process.stdout.write` for exactly one call, dropping it if it is a bare newline. */
function swallowNextNewline(): void {
  const stdout = process.stdout;
  const write = stdout.write;
  stdout.write = function (this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
    stdout.write = write;
    if (chunk === "\n") return true;
    return (write as (...a: unknown[]) => boolean).call(stdout, chunk, ...rest);
  } as typeof stdout.write;
}
