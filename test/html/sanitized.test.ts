/**
 * The displays as a sanitizing viewer shows them: JupyterLab for a notebook opened without running
 * it, GitHub, nbviewer. They drop `<style>` and `<svg>`, `role` and `aria-*`, and inline style
 * declarations whose value is not a plain colour or keyword (e.g. `var(--jp-…)`); this is what the
 * browser test test/browser/saved-notebooks.test.ts sees JupyterLab 4 do. The meaning of every
 * table must survive that: the marks, the sections, the file list, the problems and their messages.
 */
import { attachmentHtml, datasetHtml, fileHtml } from "../../src/html";
import { LOCK_MARK, PROBLEM_MARK } from "../../src/html/icons";
import { uploadReportHtml } from "../../src/html/upload-report";
import { ERROR_COLOR } from "../../src/html/inline-style";
import { TABLE_STYLE } from "../../src/html/styles";
import { Attachment } from "../../src/model/attachment";
import { File } from "../../src/model/file";
import { setupFakeClient, THAUM_FLUX_PID } from "../../src/testing";
import {
  byClass,
  byTag,
  enterGuideFolder,
  findAll,
  guideDataset,
  hasClass,
  minimalRaw,
  only,
  parseHtml,
  textOf,
  type Element,
} from "./helpers";

/** Drops what JupyterLab's sanitizer drops from our markup (see the file comment). */
function sanitize(markup: string): string {
  return markup
    .replace(/<style>[\s\S]*?<\/style>/g, "")
    .replace(/<svg[\s\S]*?<\/svg>/g, "")
    .replace(/\s(?:role|aria-[\w-]+)="[^"]*"/g, "")
    .replace(/\sstyle="([^"]*)"/g, (_, decls: string) => {
      const kept = decls.split(";").filter((d) => d.trim() !== "" && !d.includes("var("));
      return kept.length === 0 ? "" : ` style="${kept.join(";")}"`;
    });
}

const sanitized = (markup: string): Element => {
  const clean = sanitize(markup);
  expect(clean).not.toMatch(/<style|<svg|var\(/); // the stand-in really removed them
  return parseHtml(clean);
};

/** One inline declaration of `e`, e.g. `styleOf(td, "text-align")`. */
function styleOf(e: Element, property: string): string | undefined {
  for (const decl of (e.attrs["style"] ?? "").split(";")) {
    const [name, ...value] = decl.split(":");
    if (name?.trim() === property) return value.join(":").trim();
  }
  return undefined;
}

const fieldRow = (root: Element, name: string): Element => {
  const rows = byClass(root, "cean-field").filter((tr) => textOf(only(tr, "cean-field-name")) === name);
  if (rows.length !== 1) throw new Error(`expected one row ${name}, found ${rows.length}`);
  return rows[0] as Element;
};
const flagText = (tr: Element): string => textOf(only(tr, "cean-field-flag"));

describe("a downloaded dataset without style sheet and SVG", () => {
  let root: Element;
  beforeAll(async () => {
    const dset = await setupFakeClient().getDataset(THAUM_FLUX_PID);
    root = sanitized(datasetHtml(dset));
  });

  it("marks the read-only pid with a padlock character and its tooltip", () => {
    const pid = fieldRow(root, "pid");
    expect(flagText(pid)).toBe(LOCK_MARK);
    expect(only(pid, "cean-read-only").attrs["title"]).toBe("read-only: set by SciCat");
  });

  it("marks every read-only row so, and no other", () => {
    for (const tr of byClass(root, "cean-field")) {
      const readOnly = byClass(tr, "cean-read-only").length > 0;
      expect([textOf(only(tr, "cean-field-name")), flagText(tr).includes(LOCK_MARK)]).toEqual([
        textOf(only(tr, "cean-field-name")),
        readOnly,
      ]);
    }
    expect(findAll(root, (e) => textOf(e) === LOCK_MARK && hasClass(e, "cean-fallback")).length).toBeGreaterThan(1);
  });

  it("aligns every cell left and top inline (JupyterLab right-aligns and centres table cells), sizes right", () => {
    const cells = [...byTag(root, "td"), ...byTag(root, "th")];
    expect(cells.length).toBeGreaterThan(40);
    for (const cell of cells) {
      expect(styleOf(cell, "text-align")).toBe(hasClass(cell, "cean-file-size") ? "right" : "left");
      expect(styleOf(cell, "vertical-align")).toBe("top");
    }
  });

  it("keeps main fields first and the advanced fields, files and metadata in titled sections", () => {
    const tables = byTag(root, "table");
    expect(hasClass(tables[0] as Element, "cean-main-fields")).toBe(true);
    const summaries = byTag(root, "summary").map(textOf);
    expect(summaries[0]).toBe("Advanced fields");
    expect(summaries[1]).toMatch(/^Files: \d+ \(/);
    expect(summaries[2]).toMatch(/^Scientific Metadata \d+ entr/);
    const files = byClass(only(root, "cean-dataset-files"), "cean-file");
    expect(files.length).toBeGreaterThan(0);
    expect(textOf(files[0] as Element)).toMatch(/RemotePath\('/);
  });

  it("shows required stars in red, inline", () => {
    const owner = fieldRow(root, "owner");
    const star = only(owner, "cean-required");
    expect(textOf(star)).toBe("*");
    expect(star.attrs["title"]).toBe("required for upload");
    expect(styleOf(star, "color")).toBe(ERROR_COLOR);
  });
});

describe("a dataset with problems, without style sheet", () => {
  const dset = minimalRaw({ contactEmail: "ponder-at-uu", owner: null as unknown as string });
  const root = sanitized(datasetHtml(dset));

  it("marks the invalid value with a warning sign, its message, a red value and a tinted row", () => {
    const email = fieldRow(root, "contactEmail");
    const mark = only(email, "cean-problem-mark");
    expect(textOf(mark)).toBe(PROBLEM_MARK);
    expect(mark.attrs["title"]).toMatch(/^contactEmail: .*not a valid email address/);
    expect(email.attrs["title"]).toBe(mark.attrs["title"]);
    expect(styleOf(only(email, "cean-field-value"), "color")).toBe(ERROR_COLOR);
    expect(styleOf(email, "background-color")).toMatch(/^rgba\(211, 47, 47/);
  });

  it("marks the missing required value with star and warning sign", () => {
    const owner = fieldRow(root, "owner");
    expect(flagText(owner)).toBe(`*${PROBLEM_MARK}`);
    expect(only(owner, "cean-problem-mark").attrs["title"]).toMatch(/^owner: /);
  });

  it("counts the problems on the collapsed section in red", () => {
    const note = only(root, "cean-problems");
    expect(textOf(note)).toBe("2 fields to fix"); // contactEmail and owner are advanced fields
    expect(styleOf(note, "color")).toBe(ERROR_COLOR);
  });

  it("leaves fine rows unmarked", () => {
    expect(byClass(root, "cean-problem-mark")).toHaveLength(2);
    expect(byClass(fieldRow(root, "sourceFolder"), "cean-problem-mark")).toHaveLength(0);
  });
});

describe("the live view keeps its look", () => {
  it("draws the padlock as SVG and hides the text marks with the style sheet", async () => {
    const dset = await setupFakeClient().getDataset(THAUM_FLUX_PID);
    const markup = datasetHtml(dset);
    const lock = only(fieldRow(parseHtml(markup), "pid"), "cean-read-only");
    expect(byTag(lock, "svg")).toHaveLength(1);
    expect(TABLE_STYLE.markup).toMatch(/\.cean-repr \.cean-fallback \{ display: none; \}/);
    // Where the sheet is present, theme colours beat the literal inline ones.
    expect(TABLE_STYLE.markup).toMatch(/\.cean-required \{ color: var\(--cean-color-error\) !important;/);
  });
});

describe("files and attachments without style sheet", () => {
  it("keeps a lone file's table, left-aligned, with its size right-aligned", () => {
    const restore = enterGuideFolder();
    try {
      const file = File.fromLocal("data/witchcraft.dat");
      const root = sanitized(fileHtml(file));
      const row = only(root, "cean-file");
      expect(textOf(row)).toMatch(/data\/witchcraft\.dat.*null.*10 B/);
      expect(styleOf(only(row, "cean-file-local-path"), "text-align")).toBe("left");
      expect(styleOf(only(row, "cean-file-size"), "text-align")).toBe("right");
      expect(only(row, "cean-empty").attrs["title"]).toMatch(/not on the file server yet/);
      // the guide's dataset carries the same file table
      expect(byClass(sanitized(datasetHtml(guideDataset())), "cean-file")).toHaveLength(1);
    } finally {
      restore();
    }
  });

  it("keeps the dry run's report left-aligned, sizes right-aligned", async () => {
    const restore = enterGuideFolder();
    try {
      const report = await setupFakeClient().checkUpload(guideDataset());
      const root = sanitized(uploadReportHtml(report));
      const cells = [...byTag(root, "td"), ...byTag(root, "th")];
      expect(cells.length).toBeGreaterThan(10);
      for (const cell of cells) {
        const expected = hasClass(cell, "cean-file-size") ? "right" : "left";
        expect(styleOf(cell, "text-align")).toBe(expected);
      }
      expect(textOf(only(root, "cean-file"))).toMatch(/witchcraft\.dat/);
    } finally {
      restore();
    }
  });

  it("marks the read-only fields of an attachment with the padlock character", () => {
    const root = sanitized(attachmentHtml(new Attachment({ caption: "logo", ownerGroup: "uu" })));
    const locked = byClass(root, "cean-field")
      .filter((tr) => flagText(tr) === LOCK_MARK)
      .map((tr) => textOf(only(tr, "cean-field-name")));
    expect(locked).toEqual(["createdAt", "createdBy", "isPublished", "updatedAt", "updatedBy"]);
    expect(byTag(root, "summary").map(textOf)).toEqual(["Fields"]);
  });
});
