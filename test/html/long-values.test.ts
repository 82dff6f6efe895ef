/**
 * Hostile sizes in displays: a long value shows its beginning in the table
 * cell and folds the rest into a plain <details> expander, cut at a bound, so
 * a 5 MB name makes a small page and the text forms stay one screenful.
 */
import { attachmentHtml, attachmentText } from "../../src/html/attachment";
import { datasetHtml, datasetText } from "../../src/html/dataset";
import { boundedHtml, CELL_LIMIT, EXPANDED_LIMIT, valueHtml } from "../../src/html/values";
import { Attachment } from "../../src/model/attachment";
import { Dataset } from "../../src/model/dataset";
import { File } from "../../src/model/file";
import { fileHtml, fileText } from "../../src/html/files";
import { byClass, byTag, parseHtml, textOf } from "./helpers";

const FIVE_MB = 5 * 1024 * 1024;

describe("boundedHtml", () => {
  it("shows short text as it is, escaped", () => {
    expect(boundedHtml("<b>x</b>").markup).toBe("&lt;b&gt;x&lt;/b&gt;");
    expect(boundedHtml("a".repeat(CELL_LIMIT)).markup).toBe("a".repeat(CELL_LIMIT));
  });

  it("folds long text into a <details> whose summary is the beginning and whose body is the whole text", () => {
    const text = `${"<".repeat(150)}${"b".repeat(300)}`;
    const root = parseHtml(boundedHtml(text).markup);
    const [details] = byTag(root, "details");
    expect(details).toBeDefined();
    expect(textOf(byTag(details!, "summary")[0]!)).toBe(`${text.slice(0, CELL_LIMIT)}… [250 more characters]`);
    expect(textOf(byClass(details!, "cean-long-value-full")[0]!)).toBe(text);
    expect(byTag(root, "script")).toEqual([]);
  });

  it("cuts the expanded text at its bound, with a marker", () => {
    const markup = boundedHtml("c".repeat(FIVE_MB)).markup;
    expect(markup.length).toBeLessThan(EXPANDED_LIMIT + CELL_LIMIT + 500);
    const full = textOf(byClass(parseHtml(markup), "cean-long-value-full")[0]!);
    expect(full).toBe(`${"c".repeat(EXPANDED_LIMIT)}… [${(FIVE_MB - EXPANDED_LIMIT).toLocaleString("en-US")} more characters]`);
  });

  it("is what valueHtml gives for long values of any type", () => {
    expect(valueHtml(["x".repeat(500)]).markup).toContain('<details class="cean-long-value">');
  });
});

describe("a dataset with 5 MB values", () => {
  const hostile = (): Dataset =>
    Dataset.fromDownloadModels({
      dataset: {
        pid: "p/1",
        type: "raw",
        datasetName: "N".repeat(FIVE_MB),
        description: `<script>${"d".repeat(FIVE_MB)}`,
        scientificMetadata: { ["k".repeat(FIVE_MB)]: "v".repeat(FIVE_MB) },
      },
      origDatablocks: [{ _id: "b", dataFileList: [{ path: "p".repeat(FIVE_MB), size: 1, time: "2024-05-29" }] }],
    });

  it("has bounded HTML in which every long value is folded", () => {
    const markup = datasetHtml(hostile());
    // Five long values, each at most about EXPANDED_LIMIT characters, plus the table itself.
    expect(markup.length).toBeLessThan(5 * (EXPANDED_LIMIT + 1_000) + 60_000);
    const root = parseHtml(markup);
    expect(byClass(root, "cean-long-value")).toHaveLength(5);
    expect(byTag(root, "script")).toEqual([]);
  });

  it("has a bounded plain text form and toString", () => {
    const dset = hostile();
    expect(datasetText(dset).length).toBeLessThan(10_000);
    expect(dset.toString().length).toBeLessThan(10_000);
  });

  it("an attachment with a 5 MB caption displays bounded", () => {
    const attachment = new Attachment({ caption: "C".repeat(FIVE_MB), ownerGroup: "uu" });
    const plain = new Attachment({ caption: "C", ownerGroup: "uu" });
    // The styles are the same for both; the caption adds its folded part only.
    expect(attachmentHtml(attachment).length - attachmentHtml(plain).length).toBeLessThan(EXPANDED_LIMIT + 1_000);
    expect(attachmentText(attachment).length).toBeLessThan(1_000);
    expect(attachment.toString().length).toBeLessThan(1_000);
  });
});

describe("a file with a 5 MB remote path", () => {
  it("has a bounded toString, text form and HTML", () => {
    const file = File.fromDownloadModel({ path: "f".repeat(FIVE_MB), size: 1, time: "2024-05-29" });
    expect(file.toString().length).toBeLessThan(1_000);
    expect(fileText(file).length).toBeLessThan(1_000);
    expect(fileHtml(file).length).toBeLessThan(EXPANDED_LIMIT + 20_000);
  });
});
