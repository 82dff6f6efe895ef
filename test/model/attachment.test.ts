import { Attachment, ATTACHMENT_FIELDS } from "../../src/model/attachment";
import { PID } from "../../src/values/pid";
import { Thumbnail } from "../../src/values/thumbnail";
import { useLogCapture } from "./helpers";

const logs = useLogCapture();

const THUMB = new Thumbnail({ mime: "image/png", data: Buffer.from("not really a png") });
const THUMB_URL = `data:image/png;base64,${Buffer.from("not really a png").toString("base64")}`;

const READ_ONLY = ["createdAt", "createdBy", "isPublished", "updatedAt", "updatedBy"];

describe("Attachment", () => {
  it("has the 24.05 fields, with the right ones read-only", () => {
    expect(ATTACHMENT_FIELDS.map((f) => f.name).sort()).toEqual(
      [
        "accessGroups",
        "caption",
        "createdAt",
        "createdBy",
        "datasetId",
        "id",
        "instrumentGroup",
        "isPublished",
        "ownerGroup",
        "proposalId",
        "sampleId",
        "thumbnail",
        "updatedAt",
        "updatedBy",
      ].sort(),
    );
    expect(ATTACHMENT_FIELDS.filter((f) => f.readOnly).map((f) => f.name).sort()).toEqual([...READ_ONLY].sort());
    expect(Attachment.fields()).toBe(ATTACHMENT_FIELDS);
  });

  it("makes an upload model with only the given fields", () => {
    const attachment = new Attachment({ caption: "Detector image", ownerGroup: "wyrdsisters", thumbnail: THUMB });
    expect(attachment.makeUploadModel()).toStrictEqual({ caption: "Detector image", ownerGroup: "wyrdsisters", thumbnail: THUMB_URL });
  });

  it("makes an upload model with every writable field", () => {
    const attachment = new Attachment({
      caption: "Plot",
      ownerGroup: "uu",
      accessGroups: ["faculty"],
      datasetId: "20.500.12269/abc",
      id: "att-1",
      instrumentGroup: "instruments",
      proposalId: "prop",
      sampleId: "sample",
      thumbnail: THUMB_URL as never,
    });
    expect(attachment.datasetId).toStrictEqual(new PID({ prefix: "20.500.12269", pid: "abc" }));
    expect(attachment.thumbnail?.equals(THUMB)).toBe(true);
    expect(JSON.parse(JSON.stringify(attachment.makeUploadModel()))).toStrictEqual({
      caption: "Plot",
      ownerGroup: "uu",
      accessGroups: ["faculty"],
      datasetId: "20.500.12269/abc",
      id: "att-1",
      instrumentGroup: "instruments",
      proposalId: "prop",
      sampleId: "sample",
      thumbnail: THUMB_URL,
    });
  });

  it("needs caption and ownerGroup for upload", () => {
    expect(() => new Attachment({ caption: "", ownerGroup: "g" }).makeUploadModel()).toThrow(/caption/);
    expect(() => new Attachment({ caption: "c" } as never).makeUploadModel()).toThrow(/ownerGroup/);
  });

  it("reads SciCat's record", () => {
    const attachment = Attachment.fromDownloadModel({
      caption: "Flux",
      ownerGroup: "uu",
      accessGroups: ["faculty"],
      createdAt: "2022-08-17T14:20:23.675Z",
      createdBy: "Ponder",
      datasetId: "20.500.12269/72fe",
      id: "a1",
      instrumentGroup: "ig",
      isPublished: false,
      proposalId: "p",
      sampleId: "s",
      thumbnail: THUMB_URL,
      updatedAt: "2022-11-01T13:22:08.927Z",
      updatedBy: "anonymous",
    });
    expect(attachment).toBeInstanceOf(Attachment);
    expect(attachment.caption).toBe("Flux");
    expect(attachment.createdAt?.toISOString()).toBe("2022-08-17T14:20:23.675Z");
    expect(attachment.createdBy).toBe("Ponder");
    expect(attachment.datasetId).toStrictEqual(new PID({ prefix: "20.500.12269", pid: "72fe" }));
    expect(attachment.isPublished).toBe(false);
    expect(attachment.thumbnail?.mime).toBe("image/png");
    expect(attachment.thumbnail?.decodedData().toString()).toBe("not really a png");
    expect(attachment.updatedBy).toBe("anonymous");
    expect(logs).toEqual([]);
  });

  it("a downloaded attachment cannot be uploaded again", () => {
    const attachment = Attachment.fromDownloadModel({ caption: "Flux", ownerGroup: "uu", createdBy: "Ponder", createdAt: "2022-08-17T14:20:23.675Z" });
    expect(() => attachment.makeUploadModel()).toThrow(/Flux.*createdAt, createdBy.*set by SciCat/);
  });

  it("a downloaded attachment without read-only values can be uploaded", () => {
    const attachment = Attachment.fromDownloadModel({ caption: "Flux", ownerGroup: "uu", id: "x" });
    expect(attachment.makeUploadModel()).toStrictEqual({ caption: "Flux", ownerGroup: "uu", id: "x" });
  });

  it.each(READ_ONLY)("%s is read-only", (name) => {
    const attachment = new Attachment({ caption: "c", ownerGroup: "g" });
    expect(() => {
      (attachment as unknown as Record<string, unknown>)[name] = null;
    }).toThrow(new RegExp(`${name} is read-only`));
  });

  it("read-only values can be given as the second constructor argument", () => {
    const attachment = new Attachment({ caption: "c", ownerGroup: "g" }, { createdBy: "me", isPublished: true });
    expect(attachment.createdBy).toBe("me");
    expect(attachment.isPublished).toBe(true);
  });

  it("writable fields can be assigned and are converted", () => {
    const attachment = new Attachment({ caption: "c", ownerGroup: "g" });
    attachment.caption = "new caption";
    attachment.datasetId = "p/x" as never;
    attachment.thumbnail = THUMB_URL as never;
    expect(attachment.caption).toBe("new caption");
    expect(attachment.datasetId).toStrictEqual(new PID({ prefix: "p", pid: "x" }));
    expect((attachment.thumbnail as Thumbnail | null)?.equals(THUMB)).toBe(true);
    expect(() => {
      attachment.caption = 5 as never;
    }).toThrow(/caption/);
  });

  it("warns about a broken value from SciCat and keeps it", () => {
    const attachment = Attachment.fromDownloadModel({ caption: "c", ownerGroup: "g", createdAt: "not a date" });
    expect(attachment.createdAt as unknown).toBe("not a date");
    expect(logs.filter((r) => r.level === "warning").map((r) => r.message).join()).toMatch(/createdAt/);
  });

  it("equals compares every field", () => {
    const a = new Attachment({ caption: "c", ownerGroup: "g", thumbnail: THUMB });
    expect(a.equals(new Attachment({ caption: "c", ownerGroup: "g", thumbnail: THUMB_URL as never }))).toBe(true);
    expect(a.equals(new Attachment({ caption: "d", ownerGroup: "g", thumbnail: THUMB }))).toBe(false);
    expect(a.equals(new Attachment({ caption: "c", ownerGroup: "g" }))).toBe(false);
    expect(a.equals({ caption: "c", ownerGroup: "g" })).toBe(false);
  });

  it("toString names caption and group", () => {
    expect(String(new Attachment({ caption: "c", ownerGroup: "g", id: "i" }))).toBe("Attachment(caption='c', ownerGroup='g', id='i')");
  });
});
