import { setupFakeClient } from "../../../src/testing";
import { DatasetEditor, TransferProgressWidget, UploadWidget } from "../../../src/widgets";
import { FakeFrontEnd, settle } from "./fake-frontend";
import { rawDataset } from "./helpers";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";


type Field = { name: string; text: string; messages: string[]; required: boolean; readOnly: boolean };
const fieldOf = (state: Record<string, unknown>, name: string): Field | undefined =>
  (state["fields"] as Field[]).find((f) => f.name === name);

let frontEnd: FakeFrontEnd;
beforeEach(() => {
  frontEnd = new FakeFrontEnd();
});
afterEach(() => frontEnd.close());

describe("DatasetEditor over a comm", () => {
  it("opens with our front end's module names and the field state", () => {
    const editor = new DatasetEditor(rawDataset());
    const state = frontEnd.state(editor.modelId);
    expect(state).toMatchObject({
      _model_module: "scitacean-ts-widgets",
      _model_module_version: "^0.1.0",
      _model_name: "DatasetEditorModel",
      _view_name: "DatasetEditorView",
      datasetType: "raw",
    });
    expect(fieldOf(state, "ownerGroup")).toMatchObject({ text: "wyrdsisters", required: true, readOnly: false, messages: [] });
    expect(editor.mimeBundle()["application/vnd.jupyter.widget-view+json"]).toEqual({ model_id: editor.modelId, version_major: 2, version_minor: 1 });
    expect(editor.mimeBundle()["text/html"]).toContain("wyrdsisters"); // saved notebooks show the dataset
    editor.close();
  });

  it("applies front-end edits to the dataset and sends back the messages of validate()", async () => {
    const dataset = rawDataset();
    const editor = new DatasetEditor(dataset);
    frontEnd.custom(editor.modelId, { action: "setField", name: "ownerGroup", text: "" });
    await settle();
    expect(dataset.ownerGroup).toBeNull();
    const issue = dataset.validationIssues().find((i) => i.field === "ownerGroup");
    expect(issue).toBeDefined();
    let state = frontEnd.state(editor.modelId);
    expect(fieldOf(state, "ownerGroup")?.messages).toEqual([issue!.message]);
    expect(state["problems"]).toEqual([`ownerGroup: ${issue!.message}`]);
    expect(editor.isValid()).toBe(false);

    frontEnd.custom(editor.modelId, { action: "setField", name: "ownerGroup", text: "unseen-university" });
    await settle();
    expect(dataset.ownerGroup).toBe("unseen-university");
    state = frontEnd.state(editor.modelId);
    expect(fieldOf(state, "ownerGroup")?.messages).toEqual([]);
    expect(state["problems"]).toEqual([]);
    editor.close();
  });

  it("shows changes made to the dataset by kernel code", async () => {
    const dataset = rawDataset();
    const editor = new DatasetEditor(dataset);
    dataset.owner = "Granny Weatherwax";
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the editor looks every 300 ms
    expect(fieldOf(frontEnd.state(editor.modelId), "owner")?.text).toBe("Granny Weatherwax");
    const before = frontEnd.updates(editor.modelId);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(frontEnd.updates(editor.modelId)).toBe(before); // nothing changed, nothing sent
    editor.close();
  });
});

describe("TransferProgressWidget", () => {
  it("sends at most ~10 updates a second while events pour in, and the final state", async () => {
    const widget = new TransferProgressWidget("upload");
    const start = Date.now();
    let i = 0;
    const total = 1_000_000;
    while (Date.now() - start < 1000) {
      i += 1;
      const done = Math.min(i * 100, total);
      widget.onProgress({ phase: "uploading", bytesDone: done, bytesTotal: total, filesDone: 0, filesTotal: 1 });
      if (i % 100 === 0) await settle();
    }
    widget.finish("done", "ok");
    const updates = frontEnd.updates(widget.modelId);
    expect(i).toBeGreaterThan(500);
    expect(updates).toBeLessThanOrEqual(14); // 1 s at 10/s, plus the first and the final
    expect(frontEnd.state(widget.modelId)).toMatchObject({ status: "done", message: "ok" });
    widget.close();
  });

  it("aborts its signal on a Cancel from the front end while cancellable", async () => {
    const widget = new TransferProgressWidget("upload");
    frontEnd.custom(widget.modelId, { action: "cancel" });
    await settle();
    expect(widget.signal.aborted).toBe(false); // nothing running yet
    widget.onProgress({ phase: "uploading", bytesDone: 1, bytesTotal: 10, filesDone: 0, filesTotal: 1 });
    frontEnd.custom(widget.modelId, { action: "cancel" });
    await settle();
    expect(widget.signal.aborted).toBe(true);
    expect(frontEnd.state(widget.modelId)["status"]).toBe("cancelling");
    widget.close();
  });
});

describe("UploadWidget", () => {
  it("is blocked while the dataset is invalid, uploads from the button, and shows the PID", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "upload-widget-"));
    writeFileSync(path.join(dir, "a.dat"), "x".repeat(5000));
    const client = setupFakeClient();
    const fileTransfer = client.fileTransfer!;
    const dataset = rawDataset();
    dataset.addLocalFiles(path.join(dir, "a.dat"), { basePath: dir });
    dataset.contactEmail = null;
    const upload = new UploadWidget(client, dataset);
    const state = () => frontEnd.state(upload.modelId);
    expect(state()["blockedReason"]).toMatch(/^contactEmail: required/);
    await expect(upload.upload()).rejects.toThrow(/cannot be uploaded yet: contactEmail/);

    frontEnd.custom(upload.editor.modelId, { action: "setField", name: "contactEmail", text: "nogg@wyrd.lancre" });
    await settle();
    expect(state()["blockedReason"]).toBe("");
    frontEnd.custom(upload.modelId, { action: "upload" });
    for (let k = 0; k < 100 && !state()["pid"]; k++) await new Promise((r) => setTimeout(r, 50));
    const pid = String(upload.finalized?.pid);
    expect(state()).toMatchObject({ uploading: false, pid, error: "" });
    expect(String(state()["resultHtml"])).toContain(pid.split("/").pop());
    expect(fileTransfer.files.get("/somewhere/on/remote/a.dat")?.length).toBe(5000);
    expect(frontEnd.state(upload.progress.modelId)).toMatchObject({ status: "done", overall: { label: "total", bytesDone: 5000, bytesTotal: 5000 } });
    upload.close();
  });
});

describe("uploads with progress on the fake transfer's speed", () => {
  it("moves bytes at the given speed, and a Cancel midway rolls back with nothing left", async () => {
    const { FakeFileTransfer } = await import("../../../src/testing/fake-file-transfer");
    const { FakeClient } = await import("../../../src/testing/fake-client");
    const { uploadWithProgress } = await import("../../../src/widgets");
    const dir = mkdtempSync(path.join(tmpdir(), "upload-speed-"));
    writeFileSync(path.join(dir, "a.dat"), Buffer.alloc(400_000, 1));
    writeFileSync(path.join(dir, "b.dat"), Buffer.alloc(400_000, 2));
    const fileTransfer = new FakeFileTransfer({ bytesPerSecond: 400_000 });
    const client = FakeClient.withoutLogin({ url: "https://fake.scicat", fileTransfer });
    const dataset = rawDataset();
    dataset.addLocalFiles([path.join(dir, "a.dat"), path.join(dir, "b.dat")], { basePath: dir });
    const widget = new TransferProgressWidget("upload");
    const seen: number[] = [];
    const upload = uploadWithProgress(client, dataset, { widget });
    const outcome = upload.then(
      () => "done",
      (e: Error) => e.name,
    );
    for (let k = 0; k < 200 && widget.progress.overall.bytesDone < 500_000; k++) {
      await new Promise((r) => setTimeout(r, 25));
      seen.push(widget.progress.overall.bytesDone);
    }
    widget.cancel();
    expect(await outcome).toBe("AbortError");
    expect(new Set(seen).size).toBeGreaterThan(3); // the bar moved over several samples
    expect(fileTransfer.files.size).toBe(0); // nothing left on the server
    expect(client.datasets.size).toBe(0); // and no dataset
    const state = frontEnd.state(widget.modelId);
    expect(state["status"]).toBe("cancelled");
    expect(String(state["message"])).toMatch(/^Cancelled\. Rolled back: removed 2 file\(s\) from the file server \(a\.dat, b\.dat\)/);
    widget.close();
  });
});

describe("downloads with progress", () => {
  it("shows the bytes of a download and ends done", async () => {
    const { FakeFileTransfer } = await import("../../../src/testing/fake-file-transfer");
    const { FakeClient } = await import("../../../src/testing/fake-client");
    const { downloadWithProgress } = await import("../../../src/widgets");
    const dir = mkdtempSync(path.join(tmpdir(), "download-speed-"));
    writeFileSync(path.join(dir, "a.dat"), Buffer.alloc(300_000, 3));
    const fileTransfer = new FakeFileTransfer({ bytesPerSecond: 1_000_000 });
    const client = FakeClient.withoutLogin({ url: "https://fake.scicat", fileTransfer });
    const dataset = rawDataset();
    dataset.addLocalFiles(path.join(dir, "a.dat"), { basePath: dir });
    const uploaded = await client.uploadNewDatasetNow(dataset);
    const widget = new TransferProgressWidget("download");
    const downloaded = await downloadWithProgress(client, uploaded, { target: path.join(dir, "down"), widget });
    expect(downloaded.files[0]?.localPath).toBe(path.join(dir, "down", "a.dat"));
    expect(frontEnd.state(widget.modelId)).toMatchObject({
      direction: "download",
      status: "done",
      overall: { label: "total", bytesDone: 300_000, bytesTotal: 300_000 },
      message: `Downloaded to ${path.join(dir, "down")}.`,
    });
    expect(frontEnd.updates(widget.modelId)).toBeGreaterThan(2); // it moved on the way, not just at the end
    widget.close();
  });
});
