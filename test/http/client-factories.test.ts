/**
 * `Client.fromToken`, `Client.fromCredentials` and `Client.withoutLogin`
 * against the SciCat stand-in over real HTTP.
 */
import { Client } from "../../src/client/client";
import { HttpScicatClient } from "../../src/client/http";
import { ScicatCommError, ScicatLoginError } from "../../src/errors";
import { FakeFileTransfer } from "../../src/testing/fake-file-transfer";
import { ScicatServer } from "../../src/testing/scicat-server";
import { THAUM_FLUX_PID } from "../../src/testing/docs";
import { everyRendering, nowSeconds, unsignedJwt } from "./helpers";

let server: ScicatServer;

beforeAll(async () => {
  server = new ScicatServer();
  await server.start();
});
afterAll(async () => server.stop());
beforeEach(() => {
  server.reset();
  server.seedThaumFlux();
});

describe("Client factories", () => {
  it("fromCredentials logs in, reads the seed dataset and keeps the file transfer", async () => {
    const transfer = new FakeFileTransfer();
    const client = await Client.fromCredentials({
      url: server.url,
      username: "ponder",
      password: "thaum-flux-pw",
      fileTransfer: transfer,
    });
    expect(client.scicat).toBeInstanceOf(HttpScicatClient);
    expect(client.fileTransfer).toBe(transfer);
    const dset = await client.getDataset(THAUM_FLUX_PID);
    expect(dset.name).toBe("Thaum flux");
    expect(dset.files.map((f) => f.remotePath.posix)).toEqual(["flux.dat", "logs/measurement.log"]);
    expect(everyRendering(client)).not.toContain("thaum-flux-pw");
  });

  it("fromCredentials with a wrong password fails without printing it", async () => {
    const error = await Client.fromCredentials({ url: server.url, username: "ponder", password: "n0t-the-pw" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ScicatLoginError);
    expect(everyRendering(error)).not.toContain("n0t-the-pw");
  });

  it("fromToken reads with the token and rejects an expired one up front", async () => {
    const token = server.issueToken("ponder");
    const client = Client.fromToken({ url: server.url, token });
    const dset = await client.getDataset(THAUM_FLUX_PID);
    expect(dset.owner).toBe("Ponder Stibbons");
    const expired = unsignedJwt(nowSeconds() - 60);
    expect(() => Client.fromToken({ url: server.url, token: expired })).toThrow(/expired/i);
  });

  it("withoutLogin cannot create datasets and the error says so", async () => {
    const client = Client.withoutLogin({ url: server.url });
    const upload = (await Client.fromCredentials({ url: server.url, username: "ponder", password: "thaum-flux-pw" }))
      .getDataset(THAUM_FLUX_PID)
      .then((d) => client.uploadNewDatasetNow(d.asNew()));
    const before = server.datasets.size;
    await expect(upload).rejects.toBeInstanceOf(ScicatCommError);
    expect(server.datasets.size).toBe(before);
  });

  it("timeoutMs reaches the HTTP client", () => {
    const client = Client.withoutLogin({ url: server.url, timeoutMs: 1234 });
    expect((client.scicat as HttpScicatClient).timeoutMs).toBe(1234);
  });
});
