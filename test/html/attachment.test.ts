import { attachmentHtml, attachmentText, mimeBundleOf, renderAttachment } from "../../src/html";
import { Attachment, ATTACHMENT_FIELDS } from "../../src/model/attachment";
import { setupFakeClient } from "../../src/testing";
import { Thumbnail } from "../../src/values/thumbnail";
import { byClass, byTag, enterGuideFolder, fieldRows, guideDataset, only, parseHtml, textOf, type Element } from "./helpers";

/** The 1×1 transparent PNG, small enough to spell out. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);
const logo = (): Thumbnail => new Thumbnail({ mime: "image/png", data: PNG });
const HOSTILE = `<img src=x onerror="alert(1)"> & 'x'`;

const guideAttachment = (): Attachment =>
  new Attachment({ caption: "Scitacean logo", ownerGroup: "wyrdsisters", thumbnail: logo() });

describe("a new attachment (uploading guide, cell [13])", () => {
  const attachment = guideAttachment();
  const root = parseHtml(attachmentHtml(attachment));

  it("is headed by its caption", () => {
    expect(textOf(only(root, "cean-info-line"))).toBe("Scitacean logo");
  });

  it("lists all fields but caption and thumbnail by name, in a collapsible Fields section", () => {
    const details = only(root, "cean-attachment-details");
    expect(details.tag).toBe("details");
    expect(textOf(byTag(details, "summary")[0] as Element)).toBe("Fields");
    expect(byTag(details, "th").map(textOf)).toEqual(["", "Name", "Type", "Value"]);
    const rows = fieldRows(details);
    expect(rows.map((r) => r.name)).toEqual([
      "accessGroups", "createdAt", "createdBy", "datasetId", "id", "instrumentGroup", "isPublished",
      "ownerGroup", "proposalId", "sampleId", "updatedAt", "updatedBy",
    ]);
    expect(rows.every((r) => r.description === null)).toBe(true);
  });

  it("shows the types as the properties are typed and locks only read-only fields", () => {
    const rows = fieldRows(root);
    const types = Object.fromEntries(rows.map((r) => [r.name, r.type]));
    expect(types).toMatchObject({
      accessGroups: "string[] | null",
      createdAt: "Date | null",
      datasetId: "PID | null",
      isPublished: "boolean | null",
      ownerGroup: "string",
      id: "string | null",
    });
    const readOnly = ATTACHMENT_FIELDS.filter((f) => f.readOnly).map((f) => f.name as string);
    expect(rows.filter((r) => r.locked).map((r) => r.name)).toEqual(readOnly.sort());
    expect(rows.some((r) => r.required)).toBe(false);
  });

  it("shows the values, null dimmed", () => {
    const rows = fieldRows(root);
    expect(rows.find((r) => r.name === "ownerGroup")?.value).toBe("wyrdsisters");
    const empty = rows.filter((r) => r.name !== "ownerGroup");
    expect(empty.every((r) => r.value === "null" && byClass(r.element, "cean-empty").length === 1)).toBe(true);
  });

  it("shows the thumbnail as a data URL image with a quoted src", () => {
    const images = byTag(root, "img");
    expect(images).toHaveLength(1);
    const src = (images[0] as Element).attrs["src"];
    expect(src).toBe(attachment.thumbnail?.serialize());
    expect(src).toMatch(/^data:image\/png;base64,iVBOR/);
    expect(attachmentHtml(attachment)).toContain(`src="data:image/png;base64,`);
  });

  it("has a text form with caption, set fields and thumbnail", () => {
    expect(attachmentText(attachment).split("\n")).toEqual([
      "Attachment 'Scitacean logo'",
      "  ownerGroup: wyrdsisters",
      `  thumbnail: ${logo().toString()}`,
    ]);
    expect(renderAttachment(attachment)).toEqual({
      "text/html": attachmentHtml(attachment),
      "text/plain": attachmentText(attachment),
    });
    expect(mimeBundleOf(attachment)).toEqual(renderAttachment(attachment));
  });
});

describe("a downloaded attachment (uploading guide, cell [15])", () => {
  let root: Element;
  let downloaded: Attachment;
  beforeAll(async () => {
    const leave = enterGuideFolder();
    try {
      const client = setupFakeClient();
      const dset = guideDataset();
      dset.attachments = [guideAttachment()];
      const finalized = await client.uploadNewDatasetNow(dset);
      const again = await client.getDataset(finalized.pid ?? "", { attachments: true });
      const first = again.attachments?.[0];
      if (!first) throw new Error("no attachment downloaded");
      downloaded = first;
      root = parseHtml(attachmentHtml(downloaded));
    } finally {
      leave();
    }
  });

  it("shows the values SciCat set", () => {
    const values = Object.fromEntries(fieldRows(root).map((r) => [r.name, r.value]));
    expect(values["createdBy"]).toBe("fake");
    expect(values["createdAt"]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+0000$/);
    expect(values["datasetId"]).toBe(downloaded.datasetId?.toString());
    expect(values["datasetId"]).toMatch(/^PID\.prefix\.a0b1\/[0-9a-f-]{36}$/);
    expect(values["ownerGroup"]).toBe("wyrdsisters");
    expect(textOf(only(root, "cean-info-line"))).toBe("Scitacean logo");
    expect(byTag(root, "img")[0]?.attrs["src"]).toMatch(/^data:image\/png;base64,/);
  });
});

describe("attachment edge cases", () => {
  it("escapes the caption in the heading, the alt text and the text form", () => {
    const attachment = new Attachment({ caption: HOSTILE, ownerGroup: HOSTILE, thumbnail: logo() });
    const html = attachmentHtml(attachment);
    const root = parseHtml(html);
    const images = byTag(root, "img");
    expect(images).toHaveLength(1); // only the thumbnail, not the one in the caption
    expect(images[0]?.attrs["alt"]).toBe(HOSTILE);
    expect(textOf(only(root, "cean-info-line"))).toBe(HOSTILE);
    expect(fieldRows(root).find((r) => r.name === "ownerGroup")?.value).toBe(HOSTILE);
    expect(attachmentText(attachment).split("\n")[0]).toBe(`Attachment '${HOSTILE}'`);
  });

  it("escapes a hostile MIME type inside the src attribute", () => {
    const mime = `image/png" onload="alert(1)`;
    const attachment = new Attachment({
      caption: "c",
      ownerGroup: "g",
      thumbnail: new Thumbnail({ mime, data: PNG }),
    });
    const image = byTag(parseHtml(attachmentHtml(attachment)), "img")[0];
    expect(image?.attrs["onload"]).toBeUndefined();
    expect(image?.attrs["src"]).toBe(attachment.thumbnail?.serialize());
  });

  it("has no image without thumbnail, and none for an image of unknown type", () => {
    const bare = new Attachment({ caption: "no image", ownerGroup: "g" });
    expect(byTag(parseHtml(attachmentHtml(bare)), "img")).toHaveLength(0);
    expect(attachmentText(bare)).not.toContain("thumbnail");

    const unknown = new Attachment({
      caption: "unknown",
      ownerGroup: "g",
      thumbnail: new Thumbnail({ mime: null, encodedData: PNG.toString("base64") }),
    });
    const root = parseHtml(attachmentHtml(unknown));
    expect(byTag(root, "img")).toHaveLength(0);
    expect(textOf(only(root, "cean-thumbnail"))).toMatch(/unknown type/);
  });
});
