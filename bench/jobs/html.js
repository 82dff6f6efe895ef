/**
 * B4: the display (MIME bundle) of a dataset with <count> files, remote (as a dataset
 * downloaded from SciCat) or local (files below <folder>, named as for
 * fake-upload.js). Times mimeBundleOf warm: the median of 21 calls after 11.
 * Usage: node html.js remote <count>  |  node html.js local <count> <folder>
 */
const { newDataset, run, scitacean, since } = require("./common");
const path = require("node:path");

run(async () => {
  const [kind, count, folder] = process.argv.slice(2);
  const n = Number(count);
  const { Dataset, mimeBundleOf } = scitacean();
  // What a notebook shows: the whole MIME bundle (HTML and the plain-text fallback).
  const datasetHtml = (d) => mimeBundleOf(d)["text/html"];
  let dataset;
  if (kind === "local") {
    dataset = newDataset({ sourceFolder: "/remote" });
    dataset.addLocalFiles(Array.from({ length: n }, (_, i) => path.join(folder, `d${i % 100}`, `${i}.dat`)), { basePath: folder });
  } else {
    dataset = Dataset.fromDownloadModels({
      dataset: { pid: "bench/1", type: "raw", sourceFolder: "/remote", owner: "o", ownerGroup: "g" },
      origDatablocks: [{
        chkAlg: "blake2b",
        dataFileList: Array.from({ length: n }, (_, i) => ({ path: `d${i % 100}/${i}.dat`, size: 4096, time: "2024-05-29T08:17:09Z", chk: "ab".repeat(64) })),
      }],
    });
  }
  const first = performance.now();
  const markup = datasetHtml(dataset);
  const coldMs = since(first);
  // Warm up the JIT first: a notebook redraws the same dataset many times.
  for (let i = 0; i < 10; i++) datasetHtml(dataset);
  const times = [];
  for (let i = 0; i < 21; i++) {
    const start = performance.now();
    datasetHtml(dataset);
    times.push(since(start));
  }
  times.sort((a, b) => a - b);
  return { files: n, kind, coldMs, warmMs: times[10], bytes: Buffer.byteLength(markup) };
});
