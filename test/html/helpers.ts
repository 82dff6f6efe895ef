/**
 * Test helpers for the HTML displays: a strict little HTML parser (enough for
 * our own output; it fails on unbalanced tags, so every test also checks that
 * the markup is well formed), queries by class, and fixtures.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Dataset } from "../../src/model/dataset";
import { guideDatasetInit } from "../fixtures/guide";

export interface Element {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: Array<Element | string>;
}

const VOID = new Set(["img", "col", "br", "hr", "input", "meta", "link"]);
const ENTITY: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Decodes the character references that may appear in HTML text and attributes. */
export function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref.startsWith("#x") || ref.startsWith("#X")) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    const named = ENTITY[ref.toLowerCase()];
    if (named === undefined) throw new Error(`unknown entity ${whole}`);
    return named;
  });
}

const TOKEN = /<!--[\s\S]*?-->|<\/([a-zA-Z][\w:-]*)\s*>|<([a-zA-Z][\w:-]*)((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*(\/?)>|([^<]+)|(<)/g;
const ATTR = /([^\s=>/]+)(?:="([^"]*)")?/g;

/**
 * Parses `markup` into a tree under a synthetic `#root` element. Raw text of
 * `<style>` is kept as one text child. Throws on stray `<`, unquoted
 * attributes and unbalanced tags.
 */
export function parseHtml(markup: string): Element {
  const root: Element = { tag: "#root", attrs: {}, children: [] };
  const stack: Element[] = [root];
  const top = (): Element => stack[stack.length - 1] as Element;
  let match: RegExpExecArray | null;
  TOKEN.lastIndex = 0;
  while ((match = TOKEN.exec(markup)) !== null) {
    const [whole, close, open, attrText, selfClose, text, stray] = match;
    if (stray !== undefined) throw new Error(`stray '<' at ${match.index}: ${markup.slice(match.index, match.index + 40)}`);
    if (text !== undefined) {
      top().children.push(decode(text));
    } else if (close !== undefined) {
      const current = stack.pop();
      if (current?.tag !== close.toLowerCase()) throw new Error(`</${close}> closes <${current?.tag}>`);
    } else if (open !== undefined) {
      const attrs: Record<string, string> = {};
      for (const [, name, value] of (attrText ?? "").matchAll(ATTR)) attrs[name as string] = decode(value ?? "");
      const element: Element = { tag: open.toLowerCase(), attrs, children: [] };
      top().children.push(element);
      if (element.tag === "style") {
        const end = markup.indexOf("</style>", TOKEN.lastIndex);
        if (end < 0) throw new Error("unclosed <style>");
        element.children.push(markup.slice(TOKEN.lastIndex, end));
        TOKEN.lastIndex = end + "</style>".length;
      } else if (!VOID.has(element.tag) && selfClose !== "/") {
        stack.push(element);
      }
    } else if (!whole.startsWith("<!--")) {
      throw new Error(`cannot parse ${whole}`);
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${top().tag}>`);
  return root;
}

export const classesOf = (e: Element): string[] => (e.attrs["class"] ?? "").split(/\s+/).filter(Boolean);
export const hasClass = (e: Element, cls: string): boolean => classesOf(e).includes(cls);

/** Every element below `root` (depth first, document order) that satisfies `test`. */
export function findAll(root: Element, test: (e: Element) => boolean): Element[] {
  const found: Element[] = [];
  const visit = (e: Element): void => {
    for (const child of e.children) {
      if (typeof child === "string") continue;
      if (test(child)) found.push(child);
      visit(child);
    }
  };
  visit(root);
  return found;
}

export const byClass = (root: Element, cls: string): Element[] => findAll(root, (e) => hasClass(e, cls));
export const byTag = (root: Element, tag: string): Element[] => findAll(root, (e) => e.tag === tag);

/** The one element with class `cls`; fails if there is none or several. */
export function only(root: Element, cls: string): Element {
  const found = byClass(root, cls);
  if (found.length !== 1) throw new Error(`expected one .${cls}, found ${found.length}`);
  return found[0] as Element;
}

/** Decoded text content (style sheets excluded). */
export function textOf(e: Element): string {
  if (e.tag === "style") return "";
  return e.children.map((c) => (typeof c === "string" ? c : textOf(c))).join("");
}

/** A field row of a dataset or attachment table, read back from the markup. */
export interface ParsedRow {
  readonly element: Element;
  readonly name: string;
  readonly type: string;
  readonly value: string;
  readonly description: string | null;
  readonly required: boolean;
  readonly locked: boolean;
  readonly title: string | undefined;
  readonly flagged: "missing" | "error" | null;
}

/** The field rows (`tr.cean-field`) below `root`, in order. */
export function fieldRows(root: Element): ParsedRow[] {
  return byClass(root, "cean-field").map((tr) => {
    const cell = (cls: string): Element => only(tr, cls);
    const description = byClass(tr, "cean-field-description");
    const flags = cell("cean-field-flag");
    return {
      element: tr,
      name: textOf(cell("cean-field-name")),
      type: textOf(cell("cean-field-type")),
      value: textOf(cell("cean-field-value")),
      description: description[0] ? textOf(description[0]) : null,
      required: byClass(flags, "cean-required").length > 0,
      locked: byTag(flags, "svg").length > 0,
      title: tr.attrs["title"],
      flagged: hasClass(tr, "cean-missing-value") ? "missing" : hasClass(tr, "cean-error") ? "error" : null,
    };
  });
}

/** The field rows of the first element with class `cls` below `root`. */
export function rowsIn(root: Element, cls: string): ParsedRow[] {
  const container = byClass(root, cls)[0];
  if (!container) throw new Error(`no .${cls}`);
  return fieldRows(container);
}

/** A temporary folder removed by the returned cleanup. */
export function tempFolder(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "cean-html-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Makes a temporary folder the working directory with the guide's data file
 * `data/witchcraft.dat` ("7.9 13 666", 10 bytes) in it, as the uploading guide
 * does in cell [2]. The returned cleanup restores the working directory.
 */
export function enterGuideFolder(): () => void {
  const previous = process.cwd();
  const { dir, cleanup } = tempFolder();
  mkdirSync(path.join(dir, "data"));
  writeFileSync(path.join(dir, "data", "witchcraft.dat"), "7.9 13 666");
  process.chdir(dir);
  return () => {
    process.chdir(previous);
    cleanup();
  };
}

/** The uploading guide's dataset (cell [3]) with its file added as in cell [4]. Needs {@link enterGuideFolder}. */
export function guideDataset(): Dataset {
  const dset = new Dataset(guideDatasetInit());
  dset.addLocalFiles("data/witchcraft.dat", { basePath: "data" });
  return dset;
}

/** A raw dataset with every field that upload requires, plus `extra`. */
export function minimalRaw(extra: Partial<ConstructorParameters<typeof Dataset>[0]> = {}): Dataset {
  return new Dataset({
    type: "raw",
    contactEmail: "p.stibbons@uu.am",
    creationLocation: "UnseenUniversity",
    owner: "Ponder Stibbons",
    ownerGroup: "uu",
    principalInvestigator: "Ponder Stibbons",
    sourceFolder: "/hex/ps/thaum",
    ...extra,
  });
}
