/**
 * What every benchmark job shares. A job is a fresh Node process that uses
 * scitacean-ts through its public API from dist/, as a user's script would,
 * and ends by printing one `BENCH_RESULT {...}` line for the runner.
 */
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");

/** The package as a user gets it: `require("scitacean-ts")` and `require("scitacean-ts/testing")`. */
function scitacean() {
  return require(path.join(root, "dist"));
}
function testing() {
  return require(path.join(root, "dist", "testing"));
}

/** Options of SFTPFileTransfer for the runner's sshd, passed in BENCH_SFTP. */
function sftpOptions() {
  const o = JSON.parse(process.env.BENCH_SFTP ?? "null");
  if (o === null) throw new Error("BENCH_SFTP is not set: run this job through bench/run.ts");
  return { host: o.host, port: o.port, username: o.username, privateKeyFile: o.privateKeyFile, knownHosts: o.knownHosts, agent: false };
}

/** A dataset that passes validation, for uploads. */
function newDataset(fields) {
  const { Dataset } = scitacean();
  return new Dataset({
    type: "raw",
    name: "bench",
    ownerGroup: "bench",
    owner: "Ponder Stibbons",
    principalInvestigator: "Mustrum Ridcully",
    contactEmail: "ponder@uu.am",
    creationLocation: "uu/hex",
    ...fields,
  });
}

/** Milliseconds since `start` (from performance.now()). */
const since = (start) => performance.now() - start;

/** Prints the result line, adding this process's peak RSS in KiB. */
function report(result) {
  const line = { ...result, maxRssKiB: process.resourceUsage().maxRSS };
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(line)}\n`);
}

/** Runs `main`, exiting non-zero with the error on failure. */
function run(main) {
  main().then(
    (result) => report(result ?? {}),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}

module.exports = { newDataset, report, run, scitacean, sftpOptions, since, testing };
