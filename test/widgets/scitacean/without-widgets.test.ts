/**
 * Progress where no widget can be shown (plain Node, no kernel): uploadWithProgress still reports,
 * as a text bar, and the outcome says what happened.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { resetCommLayerForTests } from "../../../src/comm";
import { FakeClient } from "../../../src/testing/fake-client";
import { FakeFileTransfer } from "../../../src/testing/fake-file-transfer";
import { uploadWithProgress } from "../../../src/widgets";
import { rawDataset } from "./helpers";

test("an upload without a widget front end prints its progress as text", async () => {
  resetCommLayerForTests();
  const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  try {
    const dir = mkdtempSync(path.join(tmpdir(), "no-widgets-"));
    writeFileSync(path.join(dir, "a.dat"), Buffer.alloc(2048, 1));
    const client = FakeClient.withoutLogin({ url: "https://fake.scicat", fileTransfer: new FakeFileTransfer() });
    const dataset = rawDataset();
    dataset.addLocalFiles(path.join(dir, "a.dat"), { basePath: dir });
    const finalized = await uploadWithProgress(client, dataset);
    // Not a terminal (jest's stderr): one final line on stdout instead of a bar redrawn in place.
    const printed = log.mock.calls.map((c) => String(c[0]));
    expect(printed).toEqual([
      `Upload: done [${"#".repeat(30)}] 100% 2.00 kiB / 2.00 kiB 1/1 files\nUploaded dataset ${String(finalized.pid)}.`,
    ]);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/interactive widgets are not available here/);
  } finally {
    warn.mockRestore();
    log.mockRestore();
    resetCommLayerForTests();
  }
});
