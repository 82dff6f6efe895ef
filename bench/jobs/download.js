/**
 * B7: downloads one remote file with Client.downloadFiles over SFTP, which
 * checks it against the blake2b checksum SciCat records.
 * Usage: node download.js <remote folder> <file name> <size> <blake2b hex> <local target folder>
 */
const { run, scitacean, sftpOptions, since, testing } = require("./common");

run(async () => {
  const [folder, name, size, chk, target] = process.argv.slice(2);
  const start = performance.now();
  const { Dataset, SFTPFileTransfer } = scitacean();
  const { FakeClient } = testing();
  const dataset = Dataset.fromDownloadModels({
    dataset: { pid: "bench/1", type: "raw", sourceFolder: folder },
    origDatablocks: [{ chkAlg: "blake2b", dataFileList: [{ path: name, size: Number(size), time: "2024-05-29T08:17:09Z", chk }] }],
  });
  const client = FakeClient.withoutLogin({ url: "https://fake.scicat", fileTransfer: new SFTPFileTransfer(sftpOptions()) });
  const downloaded = await client.downloadFiles(dataset, { target, force: true });
  return { files: downloaded.files.length, innerMs: since(start) };
});
