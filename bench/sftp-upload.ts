/**
 * Upload benchmark: SFTPFileTransfer (including the blake2b checksum computed
 * while streaming) against OpenSSH's `sftp put`, and our blake2b against
 * `b2sum`, on the test sshd over loopback; the download against `sftp get`
 * as a bonus. Prints ratios only (ours / theirs;
 * below 1 means we are faster), because bare times say little across
 * machines. Run through bench/sftp-upload.sh.
 *
 * Environment: SIZE_MIB (default 256), ROUNDS (default 3).
 */
import { spawn } from "node:child_process";
import { createReadStream, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import * as os from "node:os";
import * as path from "node:path";
import { File } from "../src/model/file";
import { SFTPFileTransfer } from "../src/transfer/sftp";
import { checksumOfFile } from "../src/values/filesystem";
import { RemotePath } from "../src/values/remote-path";
import { startSshd, type TestSshd } from "../test/helpers/sshd";
import type { Dataset } from "../src/model/dataset";

const SIZE_MIB = Number(process.env.SIZE_MIB ?? 256);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function run(command: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} failed (${code}): ${err}`))));
    child.stdin.end(input ?? "");
  });
}

async function makeFile(file: string, mib: number): Promise<void> {
  const handle = await open(file, "w");
  try {
    for (let i = 0; i < mib; i++) await handle.write(randomBytes(1024 * 1024));
  } finally {
    await handle.close();
  }
  // Warm the page cache so that every contender reads from memory.
  await new Promise<void>((resolve, reject) => {
    createReadStream(file).on("data", () => {}).on("end", resolve).on("error", reject);
  });
}

/** Runs one OpenSSH `sftp` batch command (`put a b`, `get a b`) and returns its time, connection included. */
async function openssh(sshd: TestSshd, keyFile: string, command: string): Promise<number> {
  const start = process.hrtime.bigint();
  const options = ["-o", `UserKnownHostsFile=${sshd.knownHostsFile}`, "-o", "BatchMode=yes"];
  const login = `${sshd.username}@${sshd.host}`;
  await run("sftp", ["-q", "-b", "-", "-P", String(sshd.port), "-i", keyFile, ...options, login], `${command}\n`);
  return seconds(start);
}

function transferFor(sshd: TestSshd): SFTPFileTransfer {
  return new SFTPFileTransfer(sshd.transferOptions());
}

/** Downloads `folder/ours.bin` with SFTPFileTransfer, computing blake2b on the way, as the client would. */
async function oursGet(sshd: TestSshd, folder: string, target: string): Promise<{ time: number; checksum: string | null }> {
  const start = process.hrtime.bigint();
  const dataset = { sourceFolder: new RemotePath(folder) } as unknown as Dataset;
  const connection = await transferFor(sshd).connectForDownload(dataset);
  try {
    const [result] = await connection.downloadFiles(
      { remote: [new RemotePath(folder, "ours.bin")], local: [target] },
      { checksumAlgorithms: ["blake2b"] },
    );
    return { time: seconds(start), checksum: result?.checksum ?? null };
  } finally {
    await connection.close();
  }
}

async function oursPut(
  sshd: TestSshd,
  local: string,
  folder: string,
  algorithm: string | null,
): Promise<{ time: number; checksum: string | null }> {
  const start = process.hrtime.bigint();
  // The connection does not look at the dataset, only at the folder.
  const connection = await transferFor(sshd).connectForUpload(null as unknown as Dataset, new RemotePath(folder));
  try {
    const file = File.fromLocal(local, { remotePath: "ours.bin" }).withChecksumAlgorithm(algorithm);
    const [uploaded] = await connection.uploadFiles([file]);
    return { time: seconds(start), checksum: uploaded?.remoteChecksum ?? null };
  } finally {
    await connection.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Ratios of `ours` to `reference`: the median of the per-round ratios, and the ratio of the best times. */
function summary(name: string, ours: number[], reference: number[]): string {
  const f = (x: number): string => x.toFixed(2);
  const ratios = ours.map((t, i) => t / (reference[i] as number));
  return (
    `${name.padEnd(50)} ${f(median(ratios))}× median of ${ratios.length} rounds ` +
    `(${f(Math.min(...ratios))}–${f(Math.max(...ratios))}), ${f(Math.min(...ours) / Math.min(...reference))}× best vs best`
  );
}

async function main(): Promise<void> {
  const work = path.join(os.tmpdir(), `scitacean-bench-${process.pid}`);
  const sshd = await startSshd();
  try {
    mkdirSync(work, { recursive: true });
    const local = path.join(work, "payload.bin");
    const keyFile = path.join(work, "key");
    writeFileSync(keyFile, sshd.privateKey, { mode: 0o600 });
    await makeFile(local, SIZE_MIB);
    const expected = (await run("b2sum", [local])).split(/\s+/)[0];

    const times: Record<"openssh" | "ours" | "oursPlain" | "opensshGet" | "oursGet" | "b2sum" | "ourHash", number[]> = {
      openssh: [],
      ours: [],
      oursPlain: [],
      opensshGet: [],
      oursGet: [],
      b2sum: [],
      ourHash: [],
    };
    const downloaded = path.join(work, "downloaded.bin");
    for (let round = 0; round < ROUNDS; round++) {
      const folder = path.join(sshd.dataRoot, `round-${round}`);
      // Alternate the order so that neither side always runs on a warmer (or busier) machine.
      const theirsPut = (): Promise<number> =>
        openssh(sshd, keyFile, `put ${local} ${sshd.dataRoot}/openssh-${round}.bin`);
      const early = round % 2 === 0 ? await theirsPut() : null;
      const ours = await oursPut(sshd, local, folder, "blake2b");
      const oursPlain = await oursPut(sshd, local, `${folder}-plain`, null);
      const theirs = early ?? (await theirsPut());
      if (ours.checksum !== expected) throw new Error(`checksum mismatch: ${ours.checksum} vs b2sum ${expected}`);
      const remoteSum = (await run("b2sum", [path.join(folder, "ours.bin")])).split(/\s+/)[0];
      if (remoteSum !== expected) throw new Error("the uploaded file differs from the local one");
      times.openssh.push(theirs);
      times.ours.push(ours.time);
      times.oursPlain.push(oursPlain.time);

      const theirsGet = (): Promise<number> => openssh(sshd, keyFile, `get ${folder}/ours.bin ${downloaded}`);
      const earlyGet = round % 2 === 0 ? await theirsGet() : null;
      const got = await oursGet(sshd, folder, downloaded);
      const theirsGot = earlyGet ?? (await theirsGet());
      if (got.checksum !== expected) throw new Error("the downloaded file's checksum differs");
      times.opensshGet.push(theirsGot);
      times.oursGet.push(got.time);
      rmSync(downloaded, { force: true });
      rmSync(folder, { recursive: true, force: true });
      rmSync(`${folder}-plain`, { recursive: true, force: true });
      rmSync(`${sshd.dataRoot}/openssh-${round}.bin`, { force: true });

      let start = process.hrtime.bigint();
      await run("b2sum", [local]);
      const b2sum = seconds(start);
      start = process.hrtime.bigint();
      const ourSum = await checksumOfFile(local, { algorithm: "blake2b" });
      const ourHash = seconds(start);
      if (ourSum !== expected) throw new Error("checksumOfFile differs from b2sum");
      times.b2sum.push(b2sum);
      times.ourHash.push(ourHash);
    }

    const cpus = os.cpus();
    console.log(`SFTP benchmark: ${SIZE_MIB} MiB of random data over loopback to OpenSSH sshd, ${ROUNDS} rounds`);
    const load = os.loadavg().map((l) => l.toFixed(1)).join(" ");
    console.log(`machine: ${cpus.length} × ${cpus[0]?.model ?? "?"}, load average ${load}`);
    console.log("ratios are our time / reference time: below 1 = faster than the reference; the load of other");
    console.log("processes makes single rounds noisy, so both the median ratio and the ratio of best times are shown\n");
    console.log(summary("SFTPFileTransfer upload + blake2b  vs  sftp put", times.ours, times.openssh));
    console.log(summary("SFTPFileTransfer upload, no checksum  vs  sftp put", times.oursPlain, times.openssh));
    console.log(summary("upload + blake2b  vs  upload without checksum", times.ours, times.oursPlain));
    // The alternative design: upload, then read the file again for its checksum.
    const twoPasses = times.oursPlain.map((t, i) => t + (times.ourHash[i] as number));
    console.log(summary("upload + blake2b  vs  upload, then checksumOfFile", times.ours, twoPasses));
    console.log(summary("SFTPFileTransfer download + blake2b  vs  sftp get", times.oursGet, times.opensshGet));
    console.log(summary("checksumOfFile(blake2b)  vs  b2sum", times.ourHash, times.b2sum));
    console.log("\nchecksums verified: ours (upload and download) == b2sum of the local file == b2sum of the uploaded file");
  } finally {
    await sshd.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
