/**
 * Malformed SciCat answers below the dataset record: datablocks, file
 * entries and attachments of every broken shape, read through
 * `client.getDataset` on both backends (the fake, and HTTP against the
 * stand-in). Each is read with warnings that name the dataset, the datablock
 * and the field, or refused with a ScicatCommError; never an internal
 * TypeError, never a message that blames the wrong field.
 */
import { ScicatCommError, ValidationError } from "../../src/errors";
import { attachmentHtml, attachmentText } from "../../src/html/attachment";
import { datasetHtml, datasetText } from "../../src/html/dataset";
import { OrigDatablock } from "../../src/model/datablock";
import { Dataset } from "../../src/model/dataset";
import { File } from "../../src/model/file";
import { useBackends } from "../client/backends";
import { useLogCapture } from "./helpers";
import { ANSWERS_PID, serveAnswers, wellFormedDatablock, wellFormedDataset } from "./scicat-answers";

const { backends, server } = useBackends();
const logs = useLogCapture();
const warnings = (): string => logs.filter((r) => r.level === "warning").map((r) => r.message).join("\n");

describe.each(backends)("getDataset over $name", (b) => {
  async function read(answers: Parameters<typeof serveAnswers>[3]): Promise<Dataset> {
    const client = b.makeClient();
    serveAnswers(b, server, client, answers);
    return client.getDataset(ANSWERS_PID, { attachments: true });
  }

  it("dataFileList that is not a list: the block reads without files, and the warning names dataset, block and field", async () => {
    const dset = await read({ origDatablocks: [{ ...wellFormedDatablock("block-x"), dataFileList: "x" }, wellFormedDatablock()] });
    expect(dset.files.map((f) => f.remotePath.posix)).toEqual(["good.dat"]);
    expect(dset.origDatablocks.map((block) => block.datablockId)).toEqual(["block-x", "block-good"]);
    expect(warnings()).toContain(
      `Dataset ${ANSWERS_PID} from SciCat is read without some parts: datablock 0 (id 'block-x'): ` +
        `dataFileList: expected a list of file entries, got "x"; the block is read without files.`,
    );
  });

  it("a null datablock is left out; the others read", async () => {
    const dset = await read({ origDatablocks: [null, wellFormedDatablock()] });
    expect(dset.origDatablocks).toHaveLength(1);
    expect(dset.files.map((f) => f.remotePath.posix)).toEqual(["good.dat"]);
    expect(warnings()).toContain(`Dataset ${ANSWERS_PID} from SciCat is read without some parts: datablock 0: expected a datablock (an object), got null; it is left out.`);
  });

  it("a file entry whose path is not a string is left out, named by its place", async () => {
    const block = wellFormedDatablock();
    const dset = await read({ origDatablocks: [{ ...block, dataFileList: [{ path: 5, size: 1 }, ...(block["dataFileList"] as object[])] }] });
    expect(dset.files.map((f) => f.remotePath.posix)).toEqual(["good.dat"]);
    expect(warnings()).toContain("datablock 0 (id 'block-good'): dataFileList[0]: path: expected a string, got 5; the entry is left out");
    // Whatever SciCat's check says about it names the dataset and the field too.
    expect(warnings()).toMatch(new RegExp(`getOrigDatablocks' of dataset ${ANSWERS_PID} failed: 0\\.dataFileList\\.0\\.path: expected a string, got number`));
  });

  it("a file's unreadable time blames `time`, not the dataset's creationTime; the file keeps its other values", async () => {
    const dset = await read({
      origDatablocks: [{ _id: "b", dataFileList: [{ path: "a.dat", size: 7, time: "yesterday", chk: "abc" }] }],
    });
    const [file] = dset.files;
    expect(file!.remotePath.posix).toBe("a.dat");
    expect(file!.size).toBe(7);
    // The time is unknown; like a missing time, it reads as the epoch.
    expect(file!.creationTime.getTime()).toBe(0);
    expect(warnings()).toContain("0.dataFileList.0.time: cannot read 'yesterday' as a date-time");
    expect(warnings()).not.toContain("creationTime");
  });

  it("sizes that are not counts read as 0, so totals stay numbers", async () => {
    const dset = await read({
      origDatablocks: [{ _id: "b", dataFileList: [{ path: "a", size: "big" }, { path: "b", size: -3 }, { path: "c", size: 2.5 }, { path: "d", size: 4 }] }],
    });
    expect(dset.files.map((f) => f.size)).toEqual([0, 0, 0, 4]);
    expect(dset.size).toBe(4);
    expect(warnings()).toMatch(/0\.dataFileList\.0\.size: expected a non-negative integer, got "big"/);
  });

  it("owner, checksum and algorithm of the wrong type read as unknown", async () => {
    const dset = await read({
      origDatablocks: [{ _id: "b", chkAlg: 5, createdAt: "soon", accessGroups: "uu", dataFileList: [{ path: "a", size: 1, uid: 7, chk: ["x"] }] }],
    });
    const [block] = dset.origDatablocks;
    expect(block!.checksumAlgorithm).toBeNull();
    expect(block!.createdAt).toBeNull();
    expect(block!.accessGroups).toBeNull();
    expect(dset.files[0]!.remoteUid).toBeNull();
    for (const field of ["0.chkAlg", "0.createdAt", "0.accessGroups", "0.dataFileList.0.uid", "0.dataFileList.0.chk"]) {
      expect(warnings()).toContain(`${field}: `);
    }
  });

  it("attachments that are not objects are left out; broken values are kept and still display", async () => {
    const dset = await read({ attachments: [null, { caption: 5, ownerGroup: "uu", thumbnail: 7, id: "att-1" }] });
    expect(dset.attachments).toHaveLength(1);
    const [attachment] = dset.attachments!;
    expect(attachment!.caption).toBe(5);
    expect(attachmentHtml(attachment!)).toContain("7");
    expect(attachmentText(attachment!)).toContain("Attachment '5'");
    expect(warnings()).toContain("attachment 0: expected an attachment (an object), got null; it is left out");
  });

  it("scientificMetadata that is not an object reads as none", async () => {
    const dset = await read({ dataset: { ...wellFormedDataset(), scientificMetadata: "lots" } });
    expect(dset.meta).toEqual({});
    expect(warnings()).toMatch(/scientificMetadata: expected an object, got string/);
  });

  it("a dataset answer that is not a record is refused with a ScicatCommError", async () => {
    const error = await read({ dataset: ["not", "a", "dataset"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScicatCommError);
    expect((error as Error).message).toMatch(/\["not","a","dataset"\]/);
  });

  it("a list of datablocks that is not a list: the dataset reads without files, and a warning says so", async () => {
    const dset = await read({ origDatablocks: { dataFileList: [] } });
    expect(dset.files).toEqual([]);
    expect(dset.name).toBe("Octarine flux");
    // Both ScicatClients refuse it with a ScicatCommError, which getDataset reports as a dataset without files.
    expect(warnings()).toContain(`Could not download the list of files of dataset ${ANSWERS_PID} (Error in operation 'getOrigDatablocks': expected a list of orig datablocks from SciCat, got {"dataFileList":[]}.); the dataset is returned without files.`);
  });

  it("a list of attachments that is not a list is refused with a ScicatCommError", async () => {
    const error = await read({ attachments: { caption: "x" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScicatCommError);
    expect((error as Error).message).toBe(`Error in operation 'getAttachmentsForDataset': expected a list of attachments from SciCat, got {"caption":"x"}.`);
  });

  it("a checksum algorithm this machine cannot compute: files read, and the warning names dataset and block", async () => {
    const dset = await read({ origDatablocks: [{ ...wellFormedDatablock("b-crc"), chkAlg: "crc-9000" }] });
    expect(dset.files.map((f) => f.checksumAlgorithm)).toEqual([null]);
    expect(warnings()).toContain(
      `Dataset ${ANSWERS_PID} from SciCat is read without some parts: datablock 0 (id 'b-crc'): chkAlg: 'crc-9000' cannot ` +
        "be computed on this machine; the files' checksums will not be checked.",
    );
  });

  it("strictValidation refuses a broken datablock with a ValidationError naming it", async () => {
    const client = b.makeClient();
    serveAnswers(b, server, client, { origDatablocks: [{ _id: "b", dataFileList: [{ path: 5 }] }] });
    const error = await client.getDataset(ANSWERS_PID, { strictValidation: true }).catch((e: unknown) => e);
    // On HTTP the client refuses the datablocks, which getDataset reports as "no files" only for SciCat errors.
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toContainEqual({ field: "0.dataFileList.0.path", message: "expected a string, got number" });
  });

  it("a 10,000-character value is quoted in warnings only in part, with a marker", async () => {
    const huge = "ω".repeat(10_000);
    const dset = await read({ origDatablocks: [{ _id: "b", chkAlg: huge, dataFileList: [{ path: "a", size: huge }] }] });
    expect(dset.files).toHaveLength(1);
    const all = logs.map((r) => r.message);
    expect(all.length).toBeGreaterThan(0);
    for (const message of all) expect(message.length).toBeLessThan(1_500);
    expect(warnings()).toMatch(/… \[[\d,]+ more characters\]/);
  });

  it("what was read displays as HTML and text", async () => {
    const dset = await read({
      origDatablocks: [{ _id: "b", dataFileList: [{ path: "<img src=x onerror=alert(1)>", size: 1, time: "2024-05-29" }] }],
      attachments: [{ caption: "<script>alert(1)</script>", ownerGroup: "uu", thumbnail: "<img src=x>" }],
    });
    const markup = datasetHtml(dset) + dset.attachments!.map(attachmentHtml).join("");
    expect(markup).not.toMatch(/<script/i);
    expect(markup).not.toMatch(/<img src=x/i);
    expect(markup).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(datasetText(dset)).toContain("Files: 1");
  });
});

describe("the model read directly", () => {
  it("OrigDatablock.fromDownloadModel reads any shape, warning once about what it left out", () => {
    for (const model of [null, "x", 5, [], { dataFileList: "x" }, { dataFileList: [null, 5, { path: 5 }] }]) {
      logs.length = 0;
      const block = OrigDatablock.fromDownloadModel(model as never);
      expect(block.files).toEqual([]);
      expect(logs.filter((r) => r.level === "warning")).toHaveLength(1);
      expect(warnings()).toMatch(/^Datablock from SciCat is read without some parts: .*(left out|read without files)/);
    }
  });

  it("File.fromDownloadModel refuses an entry without path with a message naming `path`, and reads the rest", () => {
    expect(() => File.fromDownloadModel({ size: 3 })).toThrow("Cannot read a file from SciCat's data file entry: path: expected a string, got nothing");
    const file = File.fromDownloadModel({ path: "a", time: "yesterday", size: "3" as never });
    expect(file.size).toBe(0);
    expect(warnings()).toMatch(/^File 'a' from SciCat has unexpected values: /);
    expect(warnings()).toContain('size: expected a non-negative integer, got "3"; read as 0');
    expect(warnings()).toContain("time: cannot read 'yesterday' as a date-time");
  });

  it("Dataset.fromDownloadModels refuses a dataset that is not an object with a ScicatCommError", () => {
    expect(() => Dataset.fromDownloadModels({ dataset: null as never })).toThrow(ScicatCommError);
  });

  it("Dataset.fromDownloadModels with reportProblems false still says what it left out", () => {
    Dataset.fromDownloadModels(
      { dataset: wellFormedDataset(), origDatablocks: [{ dataFileList: [{ path: 5 as never }] }], attachments: "x" as never },
      { reportProblems: false },
    );
    expect(warnings()).toContain("datablock 0: dataFileList[0]: path: expected a string, got 5; the entry is left out");
    expect(warnings()).toContain('attachments: expected a list of attachments, got "x"; read as none');
  });
});
