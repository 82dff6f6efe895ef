/**
 * B3: blake2b of local files. With one file: checksumOfFile. With a folder:
 * the checksums an upload computes, Dataset.makeDatablockUploadModels over
 * every file below it (several at once, in worker threads).
 * Usage: node hash.js <file or folder>
 */
const { newDataset, run, scitacean, since } = require("./common");
const fs = require("node:fs");
const path = require("node:path");

run(async () => {
  const [target] = process.argv.slice(2);
  const start = performance.now();
  const { checksumOfFile } = scitacean();
  if (fs.statSync(target).isFile()) {
    const checksum = await checksumOfFile(target, { algorithm: "blake2b" });
    return { files: 1, checksums: [checksum], innerMs: since(start) };
  }
  const files = fs.readdirSync(target).sort().map((name) => path.join(target, name));
  const dataset = newDataset({ sourceFolder: "/unused" });
  dataset.addLocalFiles(files, { basePath: target });
  const models = await dataset.makeDatablockUploadModels();
  const checksums = models.flatMap((m) => m.dataFileList.map((f) => f.chk));
  return { files: checksums.length, checksums, innerMs: since(start) };
});
