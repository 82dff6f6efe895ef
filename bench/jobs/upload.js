/**
 * B1 / B2 / B8: uploads the files below a folder as one new dataset through
 * Client.uploadNewDatasetNow with SFTPFileTransfer (checksums: blake2b), to
 * the fake SciCat. Usage: node upload.js <local folder> <remote source folder>
 */
const { newDataset, run, scitacean, sftpOptions, since, testing } = require("./common");
const fs = require("node:fs");
const path = require("node:path");

run(async () => {
  const [local, remote] = process.argv.slice(2);
  const start = performance.now();
  const { SFTPFileTransfer } = scitacean();
  const { FakeClient } = testing();
  const files = fs.readdirSync(local, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
  const dataset = newDataset({ sourceFolder: remote });
  dataset.addLocalFiles(files, { basePath: local });
  const client = FakeClient.withoutLogin({ url: "https://fake.scicat", fileTransfer: new SFTPFileTransfer(sftpOptions()) });
  const finalized = await client.uploadNewDatasetNow(dataset);
  const blocks = client.origDatablocks.get(finalized.pid);
  const chk = blocks[0].dataFileList[0].chk;
  return { files: finalized.numberOfFiles, firstChecksum: chk, innerMs: since(start) };
});
