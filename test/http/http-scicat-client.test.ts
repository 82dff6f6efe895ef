import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { HttpScicatClient } from "../../src/client/http";
import { Client } from "../../src/client/client";
import { ScicatCommError, ValidationError } from "../../src/errors";
import { Attachment } from "../../src/model/attachment";
import type { UploadDataset, UploadSample } from "../../src/model/wire";
import { PID } from "../../src/values/pid";
import { Thumbnail } from "../../src/values/thumbnail";
import { ScicatServer } from "../../src/testing/scicat-server";
import { captureLogs, datablockUploadModel, PNG_1X1, rawUploadModel, type CapturedLogs } from "./helpers";

const server = new ScicatServer();
let scicat: HttpScicatClient;
let thaumPid: string;
let logs: CapturedLogs;

beforeAll(() => server.start());
afterAll(() => server.stop());

beforeEach(() => {
  server.reset();
  thaumPid = server.seedThaumFlux();
  scicat = HttpScicatClient.fromToken({ url: server.url, token: server.issueToken("ponder") });
  logs = captureLogs();
});
afterEach(() => {
  logs.restore();
  expect(server.unexpectedErrors).toEqual([]);
});

/** The error `promise` rejects with. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

describe("reading", () => {
  test("getDatasetModel returns the dataset, with the PID percent-encoded in the path and the token sent", async () => {
    const model = await scicat.getDatasetModel(PID.parse(thaumPid));
    expect(model).toMatchObject({
      pid: thaumPid,
      datasetName: "Thaum flux",
      principalInvestigator: "p.stibbons@uu.am",
      sourceFolder: "/hex/ps/thaum",
      type: "raw",
    });
    const request = server.requests.at(-1);
    expect(request?.path).toBe(`/api/v3/datasets/${encodeURIComponent(thaumPid)}`);
    expect(request?.path).toContain("%2F");
    expect(request?.user).toBe("ponder");
    expect(logs.at("warning")).toEqual([]);
    expect(logs.at("info")).toEqual([
      `Calling SciCat API at GET ${server.url}/datasets/${encodeURIComponent(thaumPid)} for operation 'getDatasetModel'`,
      "API call successful for operation 'getDatasetModel'",
    ]);
  });

  test("only trailing slashes are removed from the URL", async () => {
    const client = HttpScicatClient.fromToken({ url: `${server.url}//`, token: server.issueToken("ponder") });
    expect(client.url).toBe(server.url);
    await expect(client.getDatasetModel(thaumPid)).resolves.toMatchObject({ pid: thaumPid });
  });

  test("getOrigDatablocks and getAttachmentsForDataset return the dataset's records", async () => {
    const blocks = await scicat.getOrigDatablocks(thaumPid);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]?.dataFileList?.map((f) => f.path)).toEqual(["flux.dat", "logs/measurement.log"]);
    expect(await scicat.getAttachmentsForDataset(thaumPid)).toEqual([]);
    server.seedAttachment({ caption: "Flux plot", ownerGroup: "uu", datasetId: thaumPid });
    const attachments = await scicat.getAttachmentsForDataset(thaumPid);
    expect(attachments).toEqual([expect.objectContaining({ caption: "Flux plot", datasetId: thaumPid })]);
    expect(logs.at("warning")).toEqual([]);
  });

  test("a full page of attachments comes with a warning that there may be more", async () => {
    const seed = (n: number): void => {
      for (let i = 0; i < n; i++) server.seedAttachment({ caption: `Plot ${i}`, ownerGroup: "uu", datasetId: thaumPid });
    };
    seed(9);
    expect(await scicat.getAttachmentsForDataset(thaumPid)).toHaveLength(9);
    expect(logs.at("warning")).toEqual([]);
    seed(3);
    // The server sends its newest 10 of 12; the client cannot ask for more, so it says so.
    expect(await scicat.getAttachmentsForDataset(thaumPid)).toHaveLength(10);
    expect(logs.at("warning")).toEqual([
      `SciCat returned 10 attachments for dataset ${thaumPid}, the most it sends at once (newest first). ` +
        "The dataset may have more attachments, which are not included.",
    ]);
  });

  test("a missing dataset is a ScicatCommError with SciCat's status and message", async () => {
    const error = await failure(scicat.getDatasetModel("PID.prefix.a0b1/does-not-exist"));
    expect(error).toBeInstanceOf(ScicatCommError);
    const comm = error as ScicatCommError;
    expect(comm.status).toBe(404);
    expect(comm.operation).toBe("getDatasetModel");
    expect(comm.url).toBe(`${server.url}/datasets/PID.prefix.a0b1%2Fdoes-not-exist`);
    expect(comm.serverMessage).toBe("dataset: PID.prefix.a0b1/does-not-exist not found");
    expect(comm.message).toBe(
      `Error in operation 'getDatasetModel' (GET ${comm.url}): 404 Not Found: dataset: PID.prefix.a0b1/does-not-exist not found`,
    );
    expect(logs.at("error")).toEqual([
      `SciCat API call to ${comm.url} failed: 404 Not Found: dataset: PID.prefix.a0b1/does-not-exist not found`,
    ]);
  });

  test("anonymous clients read public datasets only, and are told that they are not logged in", async () => {
    const anonymous = HttpScicatClient.withoutLogin({ url: server.url });
    const error = (await failure(anonymous.getDatasetModel(thaumPid))) as ScicatCommError;
    expect(error.status).toBe(403);
    expect(error.serverMessage).toBe("Unauthorized access");
    expect(error.message).toMatch(/not logged in.*Client\.fromToken/);
    const published = server.seedDataset({ ...(server.datasets.get(thaumPid) as object), pid: "p/public", isPublished: true });
    await expect(anonymous.getDatasetModel("p/public")).resolves.toMatchObject({ pid: published["pid"] });
    expect(server.requests.at(-1)?.token).toBe("none");
  });

  test("a read of another group's dataset is refused", async () => {
    const other = HttpScicatClient.fromToken({ url: server.url, token: server.issueToken("nanny") });
    const error = (await failure(other.getOrigDatablocks(thaumPid))) as ScicatCommError;
    expect([error.status, error.serverMessage]).toEqual([403, "Unauthorized access"]);
  });
});

describe("tolerant reads", () => {
  beforeEach(() => {
    server.seedDataset({
      ...(server.datasets.get(thaumPid) as object),
      pid: "p/broken",
      unknownField: "from a newer SciCat",
      numberOfFiles: -1,
      size: -10,
      creationTime: "the day before yesterday",
    });
  });

  test("a dataset with unknown and broken fields is returned as it came, with a warning", async () => {
    const model = await scicat.getDatasetModel("p/broken");
    expect(model).toMatchObject({ unknownField: "from a newer SciCat", numberOfFiles: -1, size: -10 });
    const [warning, ...others] = logs.at("warning");
    expect(others).toEqual([]);
    expect(warning).toMatch(/returned for 'getDatasetModel' failed/);
    for (const field of ["unknownField", "numberOfFiles", "size", "creationTime"]) expect(warning).toContain(field);
    expect(warning).toMatch(/may be incomplete or broken/);
  });

  test("with strictValidation the same dataset is an error naming each field", async () => {
    const error = await failure(scicat.getDatasetModel("p/broken", { strictValidation: true }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.field).sort()).toEqual(
      ["creationTime", "numberOfFiles", "size", "unknownField"].sort(),
    );
  });

  test("Client.getDataset loads the broken dataset non-strictly", async () => {
    server.seedOrigDatablock({ datasetId: "p/broken", size: 20, dataFileList: [{ path: "a.dat", size: 20, time: "2022-08-17T13:54:12Z" }] });
    const dataset = await new Client({ scicat }).getDataset("p/broken");
    expect(dataset.name).toBe("Thaum flux");
    expect(dataset.files.map((f) => f.remotePath.posix)).toEqual(["a.dat"]);
    expect(logs.at("warning").length).toBeGreaterThan(0);
  });

  test("broken datablock files are reported with their path", async () => {
    server.seedOrigDatablock({ datasetId: thaumPid, size: 1, dataFileList: [{ path: "b.dat", size: "big", time: "2022-08-17T13:54:12Z" }] });
    await scicat.getOrigDatablocks(thaumPid);
    expect(logs.at("warning").join("\n")).toMatch(/1\.dataFileList\.0\.size: expected a non-negative integer, got "big"/);
    await expect(scicat.getOrigDatablocks(thaumPid, { strictValidation: true })).rejects.toThrow(ValidationError);
  });
});

describe("writing", () => {
  test("createDatasetModel returns the dataset as SciCat stored it", async () => {
    const created = await scicat.createDatasetModel(rawUploadModel());
    expect(created.pid).toMatch(/^PID\.prefix\.a0b1\/[0-9a-f-]{36}$/);
    expect(created).toMatchObject({
      datasetName: "Thaum flux, again",
      createdBy: "ponder",
      principalInvestigator: "Ponder Stibbons",
      version: "3",
      scientificMetadata: { temperature: { value: 123, unit: "K", valueSI: 123, unitSI: "K" } },
    });
    const stored = server.datasets.get(created.pid as string);
    expect(stored).toMatchObject({ principalInvestigators: ["Ponder Stibbons"], ownerGroup: "uu", createdBy: "ponder" });
    expect(stored).not.toHaveProperty("principalInvestigator");
    expect(server.requests.at(-1)?.body).toEqual(rawUploadModel());
    expect(logs.at("warning")).toEqual([]);
  });

  test("the server's validation errors (JSON-encoded in a string) become readable messages", async () => {
    const bad = { ...rawUploadModel(), contactEmail: "not-an-email", foo: 1 } as UploadDataset;
    const error = (await failure(scicat.createDatasetModel(bad))) as ScicatCommError;
    expect(error.status).toBe(400);
    expect(error.serverMessage).toBe(
      "Expected an email or a list of semicolon separated emails, got not-an-email; property foo should not exist",
    );
  });

  test("relationships in the 24.05 shape are rejected by a v5 backend, with the nested path", async () => {
    const withRelationship = { ...rawUploadModel(), relationships: [{ pid: "x/y", relationship: "is derived from" }] };
    const error = (await failure(scicat.createDatasetModel(withRelationship))) as ScicatCommError;
    expect(error.serverMessage).toContain("relationships.0.property pid should not exist");
    expect(error.serverMessage).toContain("relationships.0.identifier must be a string");
  });

  test("an unknown dataset type is reported", async () => {
    const error = (await failure(scicat.createDatasetModel({ ...rawUploadModel(), type: "weird" as "raw" }))) as ScicatCommError;
    expect([error.status, error.serverMessage]).toEqual([400, "Invalid dataset type!"]);
  });

  test("validateDatasetModel accepts valid datasets and names the fields SciCat rejects", async () => {
    await expect(scicat.validateDatasetModel(rawUploadModel())).resolves.toBeUndefined();
    const { owner: _owner, ...withoutOwner } = rawUploadModel();
    const error = await failure(
      scicat.validateDatasetModel({ ...withoutOwner, ownerEmail: "nope", contactEmail: "x", datasetName: 3 } as UploadDataset),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect([...(error as ValidationError).issues].sort((a, b) => a.field.localeCompare(b.field))).toEqual([
      { field: "contactEmail", message: "Expected an email or a list of semicolon separated emails, got x" },
      { field: "name", message: "datasetName must be a string" },
      { field: "owner", message: "owner must be a string" },
      { field: "ownerEmail", message: "ownerEmail must be an email" },
    ]);
    expect(error.message).toMatch(/^Dataset \(checked by SciCat at http:\/\/127\.0\.0\.1:\d+\/api\/v3\) is not valid \(4 problems\)/);
  });

  test("createOrigDatablock links the files to the dataset and SciCat updates its totals", async () => {
    const created = await scicat.createDatasetModel(rawUploadModel());
    const pid = created.pid as string;
    const block = await scicat.createOrigDatablock(datablockUploadModel(), { datasetId: pid });
    expect(block).toMatchObject({ datasetId: pid, size: 95, chkAlg: "md5", ownerGroup: "uu", accessGroups: ["faculty"] });
    expect(typeof block._id).toBe("string");
    expect(server.requests.at(-1)?.path).toBe(`/api/v3/datasets/${encodeURIComponent(pid)}/origdatablocks`);
    expect(server.datasets.get(pid)).toMatchObject({ numberOfFiles: 2, size: 95 });
    expect(await scicat.getOrigDatablocks(pid)).toEqual([block]);
  });

  test("the validation pipe's list of messages is reported", async () => {
    const error = (await failure(
      scicat.createOrigDatablock({ size: 1.5, dataFileList: [] }, { datasetId: thaumPid }),
    )) as ScicatCommError;
    expect(error.status).toBe(400);
    expect(error.serverMessage).toBe("size must be an integer number; dataFileList should not be empty");
  });

  test("createAttachmentForDataset takes an Attachment and returns SciCat's record", async () => {
    const attachment = new Attachment({
      caption: "Flux plot",
      ownerGroup: "uu",
      thumbnail: new Thumbnail({ mime: "image/png", data: PNG_1X1 }),
    });
    const created = await scicat.createAttachmentForDataset(attachment, { datasetId: thaumPid });
    expect(created).toMatchObject({ caption: "Flux plot", datasetId: thaumPid, ownerGroup: "uu", createdBy: "ponder" });
    expect(created.thumbnail).toBe(`data:image/png;base64,${PNG_1X1.toString("base64")}`);
    const stored = server.attachments.get(created.id as string);
    expect(stored?.["relationships"]).toEqual([{ targetId: thaumPid, targetType: "dataset", relationType: "is attached to" }]);
    expect(logs.at("warning")).toEqual([]);
  });

  test("writes without login are refused with a hint", async () => {
    const anonymous = HttpScicatClient.withoutLogin({ url: server.url });
    const error = (await failure(anonymous.createDatasetModel(rawUploadModel()))) as ScicatCommError;
    expect([error.status, error.serverMessage]).toEqual([403, "Forbidden resource"]);
    expect(error.message).toMatch(/not logged in/);
    expect(server.datasets.size).toBe(1);
  });

  test("datasets of groups one is not in cannot be created", async () => {
    const error = (await failure(scicat.createDatasetModel(rawUploadModel({ ownerGroup: "wyrdsisters" })))) as ScicatCommError;
    expect([error.status, error.serverMessage]).toEqual([403, "Unauthorized to create this dataset"]);
  });
});

describe("samples", () => {
  const sample = { ownerGroup: "uu", description: "Octarine crystal", sampleCharacteristics: { mass: { value: 3, unit: "g" } } };

  test("a v5 backend needs a sampleName, which the 24.05 sample model does not have", async () => {
    const error = (await failure(scicat.createSampleModel(sample))) as ScicatCommError;
    expect([error.status, error.serverMessage]).toEqual([400, "sampleName must be a string; sampleName should not be empty"]);
  });

  test("create and get a sample", async () => {
    const withName = { ...sample, sampleName: "Crystal 1" } as UploadSample;
    const created = await scicat.createSampleModel(withName);
    expect(created).toMatchObject({ ownerGroup: "uu", createdBy: "ponder", sampleName: "Crystal 1" });
    expect(created.sampleCharacteristics).toEqual({ mass: { value: 3, unit: "g", valueSI: 0.003, unitSI: "kg" } });
    expect(await scicat.getSampleModel(created.sampleId as string)).toEqual(created);
    expect(logs.at("warning")).toEqual([]);
  });

  test("a duplicate sample id is the backend's bare 'Internal server error'", async () => {
    const withId = { ...sample, sampleName: "Crystal", sampleId: "crystal-1" } as UploadSample;
    await scicat.createSampleModel(withId);
    const error = (await failure(scicat.createSampleModel(withId))) as ScicatCommError;
    expect([error.status, error.serverMessage]).toEqual([500, "Internal server error"]);
  });

  test("missing samples and anonymous writes are errors", async () => {
    const missing = (await failure(scicat.getSampleModel("nope"))) as ScicatCommError;
    expect([missing.status, missing.serverMessage]).toEqual([404, "Sample: nope not found"]);
    const anonymous = HttpScicatClient.withoutLogin({ url: server.url });
    const error = (await failure(anonymous.createSampleModel(sample))) as ScicatCommError;
    expect([error.status, error.serverMessage]).toEqual([401, "Unauthenticated"]);
    expect(error.message).toMatch(/not logged in/);
  });
});

describe("queryDatasets", () => {
  beforeEach(async () => {
    for (const name of ["b-second", "a-first", "c-third"]) await scicat.createDatasetModel(rawUploadModel({ name }));
  });

  test("matches fields exactly", async () => {
    const found = await scicat.queryDatasets({ datasetName: "a-first" });
    expect(found.map((d) => d.datasetName)).toEqual(["a-first"]);
    expect(JSON.parse(server.requests.at(-1)?.query["fields"] ?? "")).toEqual({ datasetName: "a-first" });
  });

  test("orders and limits", async () => {
    const found = await scicat.queryDatasets({ keywords: "thaum" }, { order: "datasetName:desc", limit: 2 });
    expect(found.map((d) => d.datasetName)).toEqual(["c-third", "b-second"]);
    expect(JSON.parse(server.requests.at(-1)?.query["limits"] ?? "")).toEqual({ order: "datasetName:desc", limit: 2 });
  });

  test("a limit needs an order", async () => {
    const before = server.requests.length;
    await expect(scicat.queryDatasets({}, { limit: 1 })).rejects.toThrow("`order` is required when `limit` is specified.");
    expect(server.requests.length).toBe(before);
  });
});

describe("failures", () => {
  test("every route can be made to fail; 500s carry the bare message", async () => {
    server.failNext("GET /datasets/:pid/origdatablocks", 500);
    const error = (await failure(scicat.getOrigDatablocks(thaumPid))) as ScicatCommError;
    expect(error.message).toBe(
      `Error in operation 'getOrigDatablocks' (GET ${server.url}/datasets/${encodeURIComponent(thaumPid)}/origdatablocks): ` +
        "500 Internal Server Error: Internal server error",
    );
    await expect(scicat.getOrigDatablocks(thaumPid)).resolves.toHaveLength(1);
  });

  test("a session that SciCat reports as expired comes with advice", async () => {
    server.failNext("GET /datasets/:pid", 401, { body: { message: "SESSION_EXPIRED", error: "Unauthorized", statusCode: 401 } });
    const error = (await failure(scicat.getDatasetModel(thaumPid))) as ScicatCommError;
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/SESSION_EXPIRED\nSciCat says: Your SciCat login has expired/);
  });

  test("a request that gets no answer times out with the operation and URL in the error", async () => {
    const impatient = HttpScicatClient.fromToken({ url: server.url, token: server.issueToken("ponder"), timeoutMs: 200 });
    server.hangNext("GET /datasets/:pid");
    const error = (await failure(impatient.getDatasetModel(thaumPid))) as ScicatCommError;
    expect(error).toBeInstanceOf(ScicatCommError);
    expect(error.message).toBe(
      `Error in operation 'getDatasetModel' (GET ${server.url}/datasets/${encodeURIComponent(thaumPid)}): ` +
        "SciCat did not answer within 0.2 s (timeout). Check the URL and the network, or allow more time with timeoutMs.",
    );
    expect(error.status).toBeNull();
    expect(error.operation).toBe("getDatasetModel");
    // The request went out, so whatever it asked for may have happened.
    expect(error.outcomeUnknown).toBe(true);
    await expect(impatient.getDatasetModel(thaumPid)).resolves.toMatchObject({ pid: thaumPid });
  });

  test("an unreachable server is a ScicatCommError", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const client = HttpScicatClient.withoutLogin({ url: `http://127.0.0.1:${port}/api/v3` });
    const error = (await failure(client.getDatasetModel("a/b"))) as ScicatCommError;
    expect(error).toBeInstanceOf(ScicatCommError);
    expect(error.message).toMatch(/could not reach SciCat: .*ECONNREFUSED/);
    // Nothing was sent, so nothing can have happened.
    expect(error.outcomeUnknown).toBe(false);
  });

  test("a failed TLS handshake sent nothing", async () => {
    // https:// to the stand-in, which speaks plain HTTP: the handshake fails before any request.
    const client = HttpScicatClient.withoutLogin({ url: server.url.replace("http://", "https://") });
    const before = server.requests.length;
    const error = (await failure(client.getDatasetModel("a/b"))) as ScicatCommError;
    expect(error.message).toMatch(/could not reach SciCat: .*EPROTO/);
    expect(error.outcomeUnknown).toBe(false);
    expect(server.requests.length).toBe(before);
  });

  test("a success without the record asked for leaves it open whether the work was done", async () => {
    server.failNext("POST /datasets", 201, { body: [] });
    const error = (await failure(scicat.createDatasetModel(rawUploadModel()))) as ScicatCommError;
    expect(error.message).toMatch(/expected a dataset from SciCat, got \[\]/);
    expect(error.outcomeUnknown).toBe(true);
    server.failNext("GET /datasets/:pid/attachments", 200, { body: { not: "a list" } });
    const list = (await failure(scicat.getAttachmentsForDataset(thaumPid))) as ScicatCommError;
    expect(list.message).toMatch(/expected a list of attachments/);
    expect(list.outcomeUnknown).toBe(true);
  });

  test("only answers that leave it open whether SciCat did the work say outcomeUnknown", async () => {
    const upload = rawUploadModel();
    const outcome = async (status: number): Promise<boolean> => {
      server.failNext("POST /datasets", status);
      const error = (await failure(scicat.createDatasetModel(upload))) as ScicatCommError;
      expect(error.status).toBe(status);
      return error.outcomeUnknown;
    };
    // Refusals: SciCat did not create anything.
    for (const status of [400, 401, 403, 409, 500, 503]) expect(await outcome(status)).toBe(false);
    // A gateway that gave up waiting cannot know what SciCat did.
    for (const status of [502, 504]) expect(await outcome(status)).toBe(true);
  });

  test("a web page instead of the API is reported as such", async () => {
    const web: Server = createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<!doctype html><html><body>SciCat frontend</body></html>");
    });
    await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
    try {
      const client = HttpScicatClient.withoutLogin({ url: `http://127.0.0.1:${(web.address() as AddressInfo).port}` });
      const error = (await failure(client.getDatasetModel("a/b"))) as ScicatCommError;
      expect(error.message).toMatch(/text instead of JSON data.*API root/s);
      // It said success; a POST could have been carried out.
      expect(error.outcomeUnknown).toBe(true);
    } finally {
      await new Promise<void>((resolve) => web.close(() => resolve()));
    }
  });

  test("bad options are rejected", () => {
    expect(() => HttpScicatClient.withoutLogin({ url: "" })).toThrow(TypeError);
    expect(() => HttpScicatClient.withoutLogin({ url: server.url, timeoutMs: 0 })).toThrow(RangeError);
    expect(() => HttpScicatClient.fromToken({ url: server.url, token: "" })).toThrow(TypeError);
  });
});
