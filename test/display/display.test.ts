import { Console } from "node:console";
import * as util from "node:util";
import * as vm from "node:vm";
import {
  JUPYTER_DISPLAY,
  KERNEL_HOOKS,
  KernelHooks,
  MimeBundle,
  display,
  registerDisplay,
  show,
  toMimeBundle,
} from "../../src/display";

class Badge {
  constructor(readonly label: string) {}
}
registerDisplay(Badge, (b) => ({
  "text/html": `<b>${b.label}</b>`,
  "text/plain": `Badge(${b.label})`,
}));

class SubBadge extends Badge {}

class TextOnly {}
registerDisplay(TextOnly, () => ({ "text/plain": "TextOnly()" }));

type Globals = { [KERNEL_HOOKS]?: KernelHooks; __tslab__?: unknown };
const globals = globalThis as Globals;

afterEach(() => {
  delete globals[KERNEL_HOOKS];
  delete globals.__tslab__;
  jest.restoreAllMocks();
});

/** Captures everything a real Console writes to process.stdout (as tslab's console.log does). */
function captureStdout(): { text: () => string; write: jest.SpyInstance } {
  const chunks: string[] = [];
  const write = jest.spyOn(process.stdout, "write").mockImplementation((chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  });
  return { text: () => chunks.join(""), write };
}

/**
 * A stand-in for tslab's executor printing a cell's last value: the caller frame is attributed
 * to `.../node_modules/tslab/dist/executor.js`, which is what the stock-kernel hook looks for.
 */
const tslabPrintsLastValue: (log: (v: unknown) => void, value: unknown) => void = vm.runInThisContext(
  "(function execute(log, value) { log(value); })",
  { filename: "/opt/app/node_modules/tslab/dist/executor.js" },
);

/** Pretends to be the running stock tslab; returns the spy of its `display.html`. */
function fakeStockTslab(html: (s: string) => void = () => {}): jest.Mock {
  const spy = jest.fn(html);
  globals.__tslab__ = { require: (id: string) => (id === "tslab" ? { display: { html: spy } } : undefined) };
  return spy;
}

describe("registerDisplay", () => {
  it("installs the Symbol.for('Jupyter.display') protocol", () => {
    const method = (new Badge("a") as unknown as Record<symbol, () => MimeBundle>)[Symbol.for("Jupyter.display")];
    expect(method?.call(new Badge("a"))).toEqual({ "text/html": "<b>a</b>", "text/plain": "Badge(a)" });
    expect(JUPYTER_DISPLAY).toBe(Symbol.for("Jupyter.display"));
  });

  it("adds nothing enumerable", () => {
    expect(Object.keys(new Badge("a"))).toEqual(["label"]);
    expect(Object.keys(Badge.prototype)).toEqual([]);
  });

  it("applies to subclasses and can be replaced", () => {
    expect(toMimeBundle(new SubBadge("s"))?.["text/plain"]).toBe("Badge(s)");
    class Local {}
    registerDisplay(Local, () => ({ "text/plain": "first" }));
    registerDisplay(Local, () => ({ "text/plain": "second" }));
    expect(util.inspect(new Local())).toBe("second");
  });
});

describe("toMimeBundle", () => {
  it("returns undefined for values without the protocol", () => {
    for (const v of [null, undefined, 1, "s", {}, [], () => 1]) expect(toMimeBundle(v)).toBeUndefined();
  });

  it("rejects a bundle without text/plain", () => {
    const bad = { [Symbol.for("Jupyter.display")]: () => ({ "text/html": "<i>x</i>" }) };
    expect(() => toMimeBundle(bad)).toThrow(TypeError);
  });
});

describe("text form", () => {
  it("is the bundle's text/plain for inspect and console.log", () => {
    expect(util.inspect(new Badge("a"))).toBe("Badge(a)");
    const out = captureStdout();
    new Console(process.stdout).log(new Badge("b"));
    expect(out.text()).toBe("Badge(b)\n");
  });

  it("is used for nested values", () => {
    expect(util.inspect([new Badge("n")])).toBe("[ Badge(n) ]");
    expect(util.inspect({ b: new Badge("o") })).toBe("{ b: Badge(o) }");
  });
});

describe("stock tslab kernel (util.inspect.custom hook)", () => {
  it("displays a cell's last value as HTML and swallows tslab's newline", () => {
    const html = fakeStockTslab();
    const out = captureStdout();
    tslabPrintsLastValue(new Console(process.stdout).log, new Badge("last"));
    expect(html).toHaveBeenCalledWith("<b>last</b>");
    expect(out.write).not.toHaveBeenCalled();
    // The one-shot wrapper has put the previous write back.
    expect(process.stdout.write).toBe(out.write);
  });

  it("prints nested values as text", () => {
    const html = fakeStockTslab();
    const out = captureStdout();
    tslabPrintsLastValue(new Console(process.stdout).log, [new Badge("n")]);
    expect(html).not.toHaveBeenCalled();
    expect(out.text()).toBe("[ Badge(n) ]\n");
  });

  it("prints text when user code logs the value", () => {
    const html = fakeStockTslab();
    const out = captureStdout();
    new Console(process.stdout).log(new Badge("user"));
    expect(html).not.toHaveBeenCalled();
    expect(out.text()).toBe("Badge(user)\n");
  });

  it("prints text when the bundle has no HTML", () => {
    const html = fakeStockTslab();
    const out = captureStdout();
    tslabPrintsLastValue(new Console(process.stdout).log, new TextOnly());
    expect(html).not.toHaveBeenCalled();
    expect(out.text()).toBe("TextOnly()\n");
  });

  it("prints text when tslab's display fails (a second tslab copy is 'Not ready')", () => {
    fakeStockTslab(() => {
      throw new Error("Not ready");
    });
    const out = captureStdout();
    tslabPrintsLastValue(new Console(process.stdout).log, new Badge("x"));
    expect(out.text()).toBe("Badge(x)\n");
  });

  it("stays out of the way under our own kernel", () => {
    const html = fakeStockTslab();
    globals[KERNEL_HOOKS] = { displayBundle: () => true };
    const out = captureStdout();
    tslabPrintsLastValue(new Console(process.stdout).log, new Badge("k"));
    expect(html).not.toHaveBeenCalled();
    expect(out.text()).toBe("Badge(k)\n");
  });
});

describe("display / show", () => {
  it("prints text outside any kernel", () => {
    const log = jest.spyOn(console, "log").mockImplementation(() => {});
    display(new Badge("t"));
    show(new TextOnly());
    display({ plain: 1 });
    expect(log.mock.calls).toEqual([["Badge(t)"], ["TextOnly()"], [{ plain: 1 }]]);
  });

  it("sends the whole bundle through our kernel", () => {
    const displayBundle = jest.fn(() => true);
    globals[KERNEL_HOOKS] = { displayBundle };
    const log = jest.spyOn(console, "log").mockImplementation(() => {});
    display(new Badge("k"));
    expect(displayBundle).toHaveBeenCalledWith({ "text/html": "<b>k</b>", "text/plain": "Badge(k)" });
    expect(log).not.toHaveBeenCalled();
  });

  it("falls back to text when our kernel has no cell to display in", () => {
    globals[KERNEL_HOOKS] = { displayBundle: () => false };
    const log = jest.spyOn(console, "log").mockImplementation(() => {});
    display(new Badge("early"));
    expect(log).toHaveBeenCalledWith("Badge(early)");
  });

  it("sends HTML through the stock tslab kernel", () => {
    const html = fakeStockTslab();
    const log = jest.spyOn(console, "log").mockImplementation(() => {});
    display(new Badge("s"));
    expect(html).toHaveBeenCalledWith("<b>s</b>");
    expect(log).not.toHaveBeenCalled();
  });
});
