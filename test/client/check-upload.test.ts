/**
 * Client.checkUpload, the dry run of an upload, against the FakeClient and
 * against HttpScicatClient with the SciCat stand-in, with the fake file
 * transfer (and the local ones, on a temporary folder). Every problem the
 * report can name is produced for real, and every test checks that nothing
 * was created in SciCat and nothing changed on the file server.
 */
import * as path from "node:path";
import { inspect } from "node:util";
import { Client } from "../../src/client/client";
import type { UploadCheck } from "../../src/client/check-upload-report";
import { toMimeBundle } from "../../src/display";
import "../../src/display/install";
import { ScicatCommError, ValidationError } from "../../src/errors";
import { Attachment } from "../../src/model/attachment";
import type { Dataset } from "../../src/model/dataset";
import { File } from "../../src/model/file";
import { FakeFileTransfer } from "../../src/testing/fake-file-transfer";
import { LinkFileTransfer } from "../../src/transfer/link";
import { SelectFileTransfer } from "../../src/transfer/select";
import { Thumbnail } from "../../src/values/thumbnail";
import { transferOf, useBackends, type Backend, type MakeClientOptions } from "./backends";
import { blake2b, makeTempDir, rawDataset, recordLogs, removeTempDir, writeFile } from "./helpers";

const WITCHCRAFT = "7.9 13 666";
const SPELLS = "maiden mother crone\n";

const { backends, server } = useBackends();

let dir: string;
let logs: ReturnType<typeof recordLogs>;

beforeEach(() => {
  dir = makeTempDir("scitacean-check-");
  logs = recordLogs();
});

afterEach(() => {
  logs.restore();
  removeTempDir(dir);
  jest.restoreAllMocks();
});

/** The guide's dataset with `witchcraft.dat` and `sub/spells.txt`, and one attachment. */
function guideDataset(): Dataset {
  const dset = rawDataset();
  const data = path.join(dir, "data");
  dset.addLocalFiles([writeFile(data, "witchcraft.dat", WITCHCRAFT), writeFile(data, "sub/spells.txt", SPELLS)], {
    basePath: data,
  });
  dset.attachments = [
    new Attachment({
      caption: "Spell diagram",
      ownerGroup: "wyrdsisters",
      thumbnail: new Thumbnail({ mime: "image/png", data: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) }),
    }),
  ];
  return dset;
}

/** Everything SciCat and the fake file server hold, to compare before and after a check. */
function stateOf(b: Backend, transfer: FakeFileTransfer | null): string {
  const sorted = <T>(m: Map<string, T>): Array<[string, T]> => [...m].sort(([x], [y]) => x.localeCompare(y));
  return JSON.stringify({
    counts: b.counts(),
    datasets: sorted(b.datasets()),
    samples: sorted(b.samples()),
    files: transfer === null ? null : sorted(new Map([...transfer.files].map(([k, v]) => [k, v.toString("base64")]))),
    reverted: transfer === null ? null : [...transfer.reverted.keys()],
  });
}

function kinds(check: UploadCheck): string[] {
  return check.problems.map((p) => p.kind);
}

describe.each(backends)("$name", (b) => {
  /** A client of this backend logged in as `nanny` (member of the guide's group), with a fake transfer. */
  function makeClient(options: { transfer?: FakeFileTransfer | null } & Omit<MakeClientOptions, "fileTransfer"> = {}): Client {
    const { transfer, ...rest } = options;
    return b.makeClient({ user: "nanny", ...rest, fileTransfer: transfer === undefined ? new FakeFileTransfer() : transfer });
  }

  /** Runs the check and asserts that it changed nothing in SciCat or on the fake file server. */
  async function checkUnchanged(client: Client, dset: Dataset, options: Parameters<Client["checkUpload"]>[1] = {}): Promise<UploadCheck> {
    const transfer = client.fileTransfer instanceof FakeFileTransfer ? client.fileTransfer : null;
    const before = stateOf(b, transfer);
    const check = await client.checkUpload(dset, options);
    expect(stateOf(b, transfer)).toBe(before);
    if (b.kind === "http") {
      // Only reads and isValid: nothing that creates.
      const writes = server.requests.filter((r) => r.method === "POST" && !r.path.endsWith("/datasets/isValid"));
      expect(writes).toEqual([]);
    }
    return check;
  }

  it("reports a dataset that would upload: SciCat's yes, the folder, each file, datablocks and attachments", async () => {
    const client = makeClient();
    const check = await checkUnchanged(client, guideDataset());
    expect(check.problems).toEqual([]);
    expect(check.ok).toBe(true);
    expect(check.scicat).toBe("valid");
    expect(check.sourceFolder).toBe("/somewhere/on/remote");
    expect(check.fileServer).toBe("the fake file server (FakeFileTransfer)");
    expect(check.files).toEqual([
      {
        localPath: path.join(dir, "data", "witchcraft.dat"),
        remotePath: "witchcraft.dat",
        target: "/somewhere/on/remote/witchcraft.dat",
        size: 10,
        exists: false,
        checksum: null,
      },
      {
        localPath: path.join(dir, "data", "sub", "spells.txt"),
        remotePath: "sub/spells.txt",
        target: "/somewhere/on/remote/sub/spells.txt",
        size: SPELLS.length,
        exists: false,
        checksum: null,
      },
    ]);
    expect(check.totalSize).toBe(10 + SPELLS.length);
    expect(check.datablocks).toHaveLength(1);
    expect(check.datablocks[0]!.chkAlg).toBe("blake2b");
    expect(check.datablocks[0]!.dataFileList.map((f) => [f.path, f.size, f.chk])).toEqual([
      ["witchcraft.dat", 10, undefined],
      ["sub/spells.txt", SPELLS.length, undefined],
    ]);
    expect(check.attachments.map((a) => a.caption)).toEqual(["Spell diagram"]);
    expect(check.probes).toHaveLength(1);
    expect(check.probes[0]).toMatch(/^\/somewhere\/on\/remote\/scitacean-check\.[0-9a-f]{12}\.probe$/);
    expect(check.leftOver).toEqual([]);
    expect(check.estimatedSeconds).toBeNull();
    expect(check.notes.join("\n")).toContain("Nothing was created in SciCat");
    // The check's plan is the upload's: the same upload then works.
    const finalized = await client.uploadNewDatasetNow(guideDataset());
    expect(b.origDatablocksOf(finalized.pid)[0]!.dataFileList!.map((f) => f.path)).toEqual(
      check.datablocks[0]!.dataFileList.map((f) => f.path),
    );
  });

  it("with checksums: the checksums the upload records; with measure: an estimate", async () => {
    const client = makeClient();
    const phases: string[] = [];
    const check = await checkUnchanged(client, guideDataset(), {
      checksums: true,
      measure: true,
      onProgress: (p) => {
        if (phases.at(-1) !== p.phase) phases.push(p.phase);
      },
    });
    expect(phases).toEqual(["validating", "checking-server", "hashing", "done"]);
    expect(check.files.map((f) => f.checksum)).toEqual([blake2b(WITCHCRAFT), blake2b(SPELLS)]);
    expect(check.datablocks[0]!.dataFileList.map((f) => f.chk)).toEqual([blake2b(WITCHCRAFT), blake2b(SPELLS)]);
    expect(check.measuredRate).toBeGreaterThan(0);
    expect(check.estimatedSeconds).toBeGreaterThanOrEqual(0);
    const finalized = await client.uploadNewDatasetNow(guideDataset());
    expect(b.origDatablocksOf(finalized.pid)[0]!.dataFileList!.map((f) => f.chk)).toEqual(check.files.map((f) => f.checksum));
  });

  it("names each invalid field, and does not ask SciCat about an invalid dataset", async () => {
    const client = makeClient();
    const dset = guideDataset();
    dset.contactEmail = "nanny at the cottage";
    dset.set("owner", null);
    const check = await checkUnchanged(client, dset);
    expect(check.ok).toBe(false);
    expect(check.problems.filter((p) => p.kind === "field").map((p) => p.subject).sort()).toEqual(["contactEmail", "owner"]);
    expect(check.scicat).toBe("not asked");
    if (b.kind === "http") expect(server.requests.filter((r) => r.path.endsWith("/datasets/isValid"))).toEqual([]);
    // The file server is still checked, so that one run shows every problem.
    expect(check.files.map((f) => f.exists)).toEqual([false, false]);
  });

  it("reports SciCat's refusal field by field (isValid: false)", async () => {
    const reason = "contactEmail must be an email";
    const client = makeClient();
    if (b.kind === "http") {
      server.failNext("POST /datasets/isValid", 200, { body: { valid: false, error: `${reason}; keywords must be an array` } });
    } else {
      b.throwFrom(client, "validateDatasetModel", new ValidationError("Dataset", [{ field: "contactEmail", message: reason }]));
    }
    const check = await checkUnchanged(client, guideDataset());
    expect(check.scicat).toBe("refused");
    expect(check.problems[0]).toEqual({ kind: "scicat-refused", subject: "contactEmail", message: `SciCat: ${reason}` });
    if (b.kind === "http") expect(check.problems[1]).toMatchObject({ kind: "scicat-refused", subject: "keywords" });
  });

  it("reports SciCat refusing the request (no permission)", async () => {
    // On the stand-in, 'ponder' is not in the guide's group 'wyrdsisters' and may not create the dataset.
    const client =
      b.kind === "http" ? makeClient({ user: "ponder" }) : makeClient({ refuse: { validateDatasetModel: { status: 403, message: "Unauthorized to create this dataset" } } });
    const check = await checkUnchanged(client, guideDataset());
    expect(check.scicat).toBe("refused");
    expect(kinds(check)).toEqual(["scicat-refused"]);
    expect(check.problems[0]!.message).toContain("Unauthorized to create this dataset");
  });

  it("reports an unreachable SciCat", async () => {
    let client: Client;
    if (b.kind === "http") {
      // A port where nothing listens: the stand-in's, after it was stopped, is not usable here; port 9 (discard) is.
      client = Client.fromToken({ url: "http://127.0.0.1:9/api/v3", token: "x", fileTransfer: new FakeFileTransfer(), timeoutMs: 5000 });
    } else {
      client = makeClient();
      b.throwFrom(client, "validateDatasetModel", new ScicatCommError("Cannot reach SciCat at http://127.0.0.1:9: connection refused."));
    }
    const check = await client.checkUpload(guideDataset());
    expect(check.scicat).toBe("unreachable");
    expect(kinds(check)).toEqual(["scicat-unreachable"]);
    expect(check.problems[0]!.subject).toBe("SciCat");
    expect(b.counts().datasets).toBe(0);
  });

  it("reports a file that already exists on the server, without touching it", async () => {
    const transfer = new FakeFileTransfer({ files: { "/somewhere/on/remote/sub/spells.txt": "older spells" } });
    const client = makeClient({ transfer });
    const check = await checkUnchanged(client, guideDataset());
    expect(check.files.map((f) => f.exists)).toEqual([false, true]);
    expect(check.problems).toEqual([
      expect.objectContaining({ kind: "file-exists", subject: "/somewhere/on/remote/sub/spells.txt" }),
    ]);
    expect(check.problems[0]!.message).toContain("files are never overwritten");
    expect(transferOf(client).files.get("/somewhere/on/remote/sub/spells.txt")!.toString()).toBe("older spells");
  });

  it("reports a source folder that cannot be made from the transfer's template", async () => {
    const client = makeClient({ transfer: new FakeFileTransfer({ sourceFolder: "/data/{proposalId}/{uid}" }) });
    const check = await checkUnchanged(client, guideDataset());
    expect(check.sourceFolder).toBeNull();
    expect(check.problems[0]).toMatchObject({ kind: "source-folder", subject: "sourceFolder" });
    expect(check.problems[0]!.message).toContain("proposalId is not set");
  });

  it("fills in the template, and says that {uid} makes a new folder for each upload", async () => {
    const client = makeClient({ transfer: new FakeFileTransfer({ sourceFolder: "/data/{ownerGroup}/{uid}" }) });
    const check = await checkUnchanged(client, guideDataset());
    expect(check.ok).toBe(true);
    expect(check.sourceFolder).toMatch(/^\/data\/wyrdsisters\/[0-9a-f-]{36}$/);
    expect(check.notes.join("\n")).toContain("makes a new source folder for every upload");
  });

  it("reports files that would land outside of the source folder", async () => {
    const client = makeClient();
    const dset = guideDataset();
    dset.addFiles(File.fromLocal(writeFile(dir, "escape.dat", "x"), { remotePath: "../escape.dat" }));
    const check = await checkUnchanged(client, dset);
    expect(check.problems[0]).toMatchObject({ kind: "file", subject: "files" });
    expect(check.problems[0]!.message).toContain("outside of the source folder '/somewhere/on/remote'");
    expect(check.files.find((f) => f.remotePath === "../escape.dat")!.target).toBeNull();
  });

  it("reports a local file that is gone", async () => {
    const client = makeClient();
    const dset = guideDataset();
    removeTempDir(path.join(dir, "data", "sub"));
    const check = await checkUnchanged(client, dset);
    const gone = path.join(dir, "data", "sub", "spells.txt");
    expect(check.problems).toEqual([
      { kind: "file", subject: gone, message: `Cannot upload the local file '${gone}': it does not exist. Check the path.` },
    ]);
    expect(check.scicat).toBe("not asked");
  });

  it("does not contact the file server for a dataset without files, as the upload does not", async () => {
    const check = await checkUnchanged(makeClient(), rawDataset());
    expect(check.ok).toBe(true);
    expect(check.fileServer).toBeNull();
    expect(check.files).toEqual([]);
    expect(check.datablocks).toEqual([]);
    expect(check.notes.join("\n")).toContain("There are no files to upload, so the file server was not contacted");
    expect(String(check)).toContain("file server: not contacted");
  });

  it("reports files without a file transfer", async () => {
    const client = makeClient({ transfer: null });
    const check = await checkUnchanged(client, guideDataset());
    expect(kinds(check)).toEqual(["no-transfer"]);
    expect(check.fileServer).toBeNull();
  });

  it("reports a transfer that cannot upload (links), and uses the one a SelectFileTransfer would", async () => {
    const link = await checkUnchanged(b.makeClient({ user: "nanny", fileTransfer: new LinkFileTransfer() }), guideDataset());
    expect(kinds(link)).toEqual(["file-server"]);
    expect(link.problems[0]!.message).toContain("LinkFileTransfer cannot upload files");

    const fake = new FakeFileTransfer({ files: { "/somewhere/on/remote/witchcraft.dat": "x" } });
    const select = b.makeClient({ user: "nanny", fileTransfer: new SelectFileTransfer([new LinkFileTransfer(), fake]) });
    const check = await checkUnchanged(select, guideDataset());
    expect(kinds(check)).toEqual(["file-exists"]);
    expect(fake.files.size).toBe(1);
  });

  it("reports attachments that are not valid or not downloaded", async () => {
    const client = makeClient();
    const dset = guideDataset();
    dset.attachments = null;
    const check = await checkUnchanged(client, dset);
    expect(check.problems[0]).toMatchObject({ kind: "attachment", subject: "attachments" });
    expect(check.problems[0]!.message).toContain("were not downloaded");
  });

  it("throws mistakes in the code, and stops when aborted", async () => {
    const client = makeClient();
    b.throwFrom(client, "validateDatasetModel", new TypeError("a bug"));
    await expect(client.checkUpload(guideDataset())).rejects.toThrow("a bug");
    const controller = new AbortController();
    controller.abort();
    await expect(makeClient().checkUpload(guideDataset(), { signal: controller.signal })).rejects.toThrow();
  });

  it("shows as a table with the problems first, and prints as text", async () => {
    const transfer = new FakeFileTransfer({ files: { "/somewhere/on/remote/witchcraft.dat": "x" } });
    const dset = guideDataset();
    dset.set("owner", null);
    const check = await makeClient({ transfer }).checkUpload(dset, { checksums: true });
    const bundle = toMimeBundle(check)!;
    const html = bundle["text/html"]!;
    expect(html).toContain('class="cean-repr cean-upload-check"');
    expect(html).not.toMatch(/<svg|<script/);
    // Problems before the plan, and the states written out (not only coloured).
    const problems = html.indexOf('<table class="cean-table cean-check-problems">');
    expect(problems).toBeGreaterThan(0);
    expect(problems).toBeLessThan(html.indexOf('<table class="cean-table cean-check-plan">'));
    expect(html).toContain("2 problems: the upload would fail");
    expect(html).toContain("exists: refused");
    expect(html).toContain(blake2b(SPELLS));
    const text = bundle["text/plain"];
    expect(text).toBe(String(check));
    // console.log and nested objects print the same text.
    expect(inspect(check)).toBe(text);
    expect(text.split("\n").slice(0, 3)).toEqual([
      "Upload check: 2 problems: the upload would fail",
      "  ✗ invalid field (owner): required for raw datasets, but missing.",
      expect.stringMatching(/^ {2}✗ file exists \(\/somewhere\/on\/remote\/witchcraft\.dat\): A file already exists/),
    ]);
    expect(text).toContain("source folder: /somewhere/on/remote");
  });
});
