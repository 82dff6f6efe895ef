/**
 * B5 / B8: uploads the first <count> files below a folder (named 0.dat,
 * 1.dat, ... in subfolders d0..d99) as one dataset through FakeClient and
 * FakeFileTransfer; the time of uploadNewDatasetNow is measured in-process.
 * Usage: node fake-upload.js <folder> <count>
 */
const { newDataset, run, since, testing } = require("./common");
const path = require("node:path");

run(async () => {
  const [folder, count] = process.argv.slice(2);
  const n = Number(count);
  const { FakeClient, FakeFileTransfer } = testing();
  const paths = Array.from({ length: n }, (_, i) => path.join(folder, `d${i % 100}`, `${i}.dat`));
  const addStart = performance.now();
  const dataset = newDataset({ sourceFolder: "/fake/bench" });
  dataset.addLocalFiles(paths, { basePath: folder });
  const addMs = since(addStart);
  const client = FakeClient.withoutLogin({ url: "https://fake.scicat", fileTransfer: new FakeFileTransfer() });
  let events = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();
  const finalized = await client.uploadNewDatasetNow(dataset, { onProgress: () => void events++ });
  const uploadMs = since(start);
  // CPU time too: on a busy machine the wall time is mostly waiting for a core.
  const used = process.cpuUsage(cpu);
  const uploadCpuMs = (used.user + used.system) / 1000;
  if (finalized.numberOfFiles !== n) throw new Error(`uploaded ${finalized.numberOfFiles} files, not ${n}`);
  return { files: n, addMs, uploadMs, uploadCpuMs, events, datablocks: client.origDatablocks.get(finalized.pid).length };
});
