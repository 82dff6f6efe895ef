/**
 * `npm run bench`: performance and scale of scitacean-ts against reference
 * tools, on a throwaway OpenSSH sshd on 127.0.0.1 whose files live in memory
 * (/dev/shm). Every job runs as a fresh Node process through the public API
 * from dist/ (bench/jobs/*.js), paired with its reference run A B A B; after
 * a warm-up pair, each pair gives one ratio of whole-process times (ours /
 * reference: below 1 means we are faster). Prints the median ratio with its
 * range and the peak RSS of both sides, and writes everything to
 * bench/results/<time>-<scale>.json. Figures measured inside a job's process
 * (e.g. the time of uploadNewDatasetNow alone) are labelled "in-process".
 *
 * Environment:
 * - BENCH_SCALE=tiny  small sizes, one pair, no warm-up (the smoke run of `npm test`)
 * - BENCH_JOBS=B1,B3  only these jobs (default all: B1 … B8)
 * - BENCH_ROUNDS=5    counted pairs per job (default 5; tiny: 1)
 * - BENCH_RESULTS=dir  where the JSON goes (default bench/results)
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSftpServer, type SftpServer } from "../src/testing/sftp-server";

/** The project folder: the nearest folder above this file with the project's package.json (run.ts or its build). */
function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "scitacean-ts") return dir;
    if (path.dirname(dir) === dir) throw new Error("bench/run: cannot find the project's package.json");
  }
}

const ROOT = projectRoot();
const JOBS_DIR = path.join(ROOT, "bench", "jobs");
const TINY = process.env.BENCH_SCALE === "tiny";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (TINY ? 1 : 5));
const WARMUP = TINY ? 0 : 1;
const ONLY = process.env.BENCH_JOBS ? new Set(process.env.BENCH_JOBS.split(",").map((s) => s.trim().toUpperCase())) : null;
const MiB = 1024 * 1024;

/** Sizes of every job, full and tiny. */
export const SIZES = TINY
  ? { b1Bytes: 4 * MiB, b2Files: 20, b3Bytes: 4 * MiB, b3Many: [4, 2 * MiB], b4: [10, 150], b5: [1, 10, 20, 200], b7Bytes: 4 * MiB, b8Files: 50 }
  : { b1Bytes: 1024 * MiB, b2Files: 2000, b3Bytes: 1024 * MiB, b3Many: [200, 5 * MiB], b4: [100, 1000, 10_000, 100_000], b5: [1, 1000, 2000, 100_000], b7Bytes: 1024 * MiB, b8Files: 10_000 };

/** One process run: wall time measured here (spawn to exit), peak RSS from /usr/bin/time, and the job's result line. */
interface Run {
  wallMs: number;
  maxRssKiB: number | null;
  result: Record<string, unknown> | null;
  stdout: string;
}

const HAVE_TIME = existsSync("/usr/bin/time");

/** Runs a command to its end and measures it; fails on a non-zero exit. */
function measure(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Run> {
  const [cmd, argv] = HAVE_TIME ? ["/usr/bin/time", ["-f", "BENCH_TIME %M", command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, argv, { env: { ...process.env, ...options.env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) {
        reject(new Error(`${command} ${args.join(" ")} failed (${code}):\n${stderr.slice(-4000)}`));
        return;
      }
      const rss = /BENCH_TIME (\d+)/.exec(stderr);
      const line = stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
      const result = line ? (JSON.parse(line.slice("BENCH_RESULT ".length)) as Record<string, unknown>) : null;
      const maxRssKiB = rss ? Number(rss[1]) : typeof result?.["maxRssKiB"] === "number" ? (result["maxRssKiB"] as number) : null;
      resolve({ wallMs, maxRssKiB, result, stdout });
    });
    child.stdin.end(options.input ?? "");
  });
}

const node = (job: string, args: (string | number)[], env?: NodeJS.ProcessEnv): Promise<Run> =>
  measure(process.execPath, [path.join(JOBS_DIR, job), ...args.map(String)], env ? { env } : {});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** What one job reports. */
interface JobReport {
  id: string;
  title: string;
  pairs?: Array<{ oursMs: number; referenceMs: number; ratio: number; oursRssKiB: number | null; referenceRssKiB: number | null }>;
  ratio?: { median: number; min: number; max: number };
  target?: string;
  /** Figures that are not ratios: in-process times, sizes, counts. */
  figures?: Record<string, unknown>;
}

const reports: JobReport[] = [];
const STARTED = new Date();
const LOAD_BEFORE = os.loadavg();
const RESULTS_FILE = path.join(
  process.env["BENCH_RESULTS"] ?? path.join(ROOT, "bench", "results"),
  `${STARTED.toISOString().replace(/[:.]/g, "-")}-${TINY ? "tiny" : "full"}.json`,
);

/** Writes what is measured so far (after every job, so that an interrupted run keeps its figures). */
function saveResults(complete: boolean): void {
  const cpus = os.cpus();
  const machine = { cpus: cpus.length, model: cpus[0]?.model ?? null, memoryBytes: os.totalmem(), node: process.version };
  const results = {
    started: STARTED.toISOString(),
    complete,
    scale: TINY ? "tiny" : "full",
    rounds: ROUNDS,
    warmup: WARMUP,
    machine: { ...machine, loadBefore: LOAD_BEFORE, loadNow: os.loadavg() },
    sizes: SIZES,
    jobs: reports,
  };
  mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
}
const f2 = (x: number): string => x.toFixed(2);
const kib = (x: number | null): string => (x === null ? "?" : `${Math.round(x / 1024)} MiB`);

/**
 * Runs `ours` and `reference` A B A B: WARMUP uncounted pairs, then ROUNDS
 * counted ones. `around` prepares each pair and cleans up after it.
 */
async function paired(
  id: string,
  title: string,
  target: string | undefined,
  ours: (round: number) => Promise<Run>,
  reference: (round: number) => Promise<Run>,
  around: { before?: (round: number) => void | Promise<void>; after?: (round: number, a: Run, b: Run) => void | Promise<void> } = {},
): Promise<JobReport> {
  const pairs: NonNullable<JobReport["pairs"]> = [];
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    await around.before?.(round);
    const a = await ours(round);
    const b = await reference(round);
    await around.after?.(round, a, b);
    if (round >= WARMUP) {
      pairs.push({ oursMs: a.wallMs, referenceMs: b.wallMs, ratio: a.wallMs / b.wallMs, oursRssKiB: a.maxRssKiB, referenceRssKiB: b.maxRssKiB });
    }
  }
  const ratios = pairs.map((p) => p.ratio);
  const report: JobReport = {
    id,
    title,
    pairs,
    ratio: { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) },
    ...(target ? { target } : {}),
  };
  const rssOurs = Math.max(...pairs.map((p) => p.oursRssKiB ?? 0));
  const rssRef = Math.max(...pairs.map((p) => p.referenceRssKiB ?? 0));
  console.log(
    `${id} ${title.padEnd(58)} ${f2(report.ratio!.median)}× (${f2(report.ratio!.min)}–${f2(report.ratio!.max)}, ${pairs.length} pairs)` +
      `  ours ${f2(median(pairs.map((p) => p.oursMs)) / 1000)} s, peak RSS ${kib(rssOurs)} / reference ${kib(rssRef)}` +
      (target ? `  [target ${target}]` : ""),
  );
  reports.push(report);
  saveResults(false);
  return report;
}

function figures(id: string, title: string, values: Record<string, unknown>, line: string): void {
  console.log(`${id} ${title.padEnd(58)} ${line}`);
  reports.push({ id, title, figures: values });
  saveResults(false);
}

function writeRandomFile(file: string, bytes: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const chunk = 4 * MiB;
  // In pieces, so that memory stays flat for a 1 GiB file.
  writeFileSync(file, "");
  for (let done = 0; done < bytes; done += chunk) writeFileSync(file, randomBytes(Math.min(chunk, bytes - done)), { flag: "a" });
}

function writeSmallFiles(folder: string, count: number, bytes: number): void {
  mkdirSync(folder, { recursive: true });
  for (let i = 0; i < count; i++) writeFileSync(path.join(folder, `f${i}.dat`), randomBytes(bytes));
}

/** Files `d{i % 100}/{i}.dat` holding their own number, as the fake-upload and html jobs expect. */
function writeNumberedTree(folder: string, count: number): void {
  for (let d = 0; d < Math.min(100, count); d++) mkdirSync(path.join(folder, `d${d}`), { recursive: true });
  for (let i = 0; i < count; i++) writeFileSync(path.join(folder, `d${i % 100}`, `${i}.dat`), String(i));
}

const wanted = (id: string): boolean => ONLY === null || ONLY.has(id);

async function main(): Promise<void> {
  // Memory-backed files on both sides, so that the disk does not decide the comparison.
  if (existsSync("/dev/shm")) process.env["TMPDIR"] = "/dev/shm";
  if (!existsSync(path.join(ROOT, "dist", "index.js"))) throw new Error("dist/ is missing: run npm run build first.");
  const work = path.join(os.tmpdir(), `scitacean-bench-${process.pid}`);
  mkdirSync(work, { recursive: true });
  const needsSftp = ["B1", "B2", "B7", "B8"].some(wanted);
  let sftp: SftpServer | null = null;
  // Interrupted (Ctrl-C): stop sshd and remove the files, as at the end of a run.
  const interrupted = (): void => {
    void (sftp?.stop() ?? Promise.resolve()).finally(() => {
      rmSync(work, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once("SIGINT", interrupted).once("SIGTERM", interrupted);
  try {
    const cpus = os.cpus();
    console.log(
      `scitacean-ts benchmark (${TINY ? "tiny sizes" : "full sizes"}, ${ROUNDS} counted pairs after ${WARMUP} warm-up): ` +
        `${cpus.length} × ${cpus[0]?.model ?? "?"}, load average ${LOAD_BEFORE.map((l) => l.toFixed(1)).join(" ")}`,
    );
    console.log("ratios: whole-process time of ours / the reference, median (range); below 1 = faster than the reference\n");

    let sftpEnv: NodeJS.ProcessEnv = {};
    let opensshArgs: string[] = [];
    if (needsSftp) {
      sftp = await startSftpServer();
      const keyFile = path.join(work, "key");
      writeFileSync(keyFile, sftp.privateKey, { mode: 0o600 });
      sftpEnv = {
        BENCH_SFTP: JSON.stringify({ host: sftp.host, port: sftp.port, username: sftp.username, privateKeyFile: keyFile, knownHosts: sftp.knownHostsFile }),
      };
      const login = `${sftp.username}@${sftp.host}`;
      opensshArgs = ["-q", "-b", "-", "-P", String(sftp.port), "-i", keyFile, "-o", `UserKnownHostsFile=${sftp.knownHostsFile}`, "-o", "BatchMode=yes", login];
    }
    const openssh = (batch: string): Promise<Run> => measure("sftp", opensshArgs, { input: `${batch}\n` });
    const b2sum = (files: string[]): Promise<Run> => measure("b2sum", files);
    const b2 = (file: string): string => createHash("blake2b512").update(readFileSync(file)).digest("hex");
    const remoteRoot = sftp?.dataRoot ?? "";

    if (wanted("B1") || wanted("B7")) {
      const local = path.join(work, "b1", "payload.bin");
      writeRandomFile(local, Math.max(SIZES.b1Bytes, SIZES.b7Bytes));
      const expected = b2(local);
      if (wanted("B1")) await paired(
        "B1",
        `upload ${SIZES.b1Bytes / MiB} MiB incl. blake2b  vs  sftp put`,
        "≤0.75",
        (r) => node("upload.js", [path.dirname(local), `${remoteRoot}/b1-ours-${r}`], sftpEnv),
        (r) => openssh(`put ${local} ${remoteRoot}/b1-theirs-${r}.bin`),
        {
          after: (r, a) => {
            if (a.result?.["firstChecksum"] !== expected) throw new Error("B1: the uploaded checksum differs from blake2b of the file");
            if (b2(`${remoteRoot}/b1-ours-${r}/payload.bin`) !== expected) throw new Error("B1: the uploaded file differs");
            rmSync(`${remoteRoot}/b1-ours-${r}`, { recursive: true, force: true });
            rmSync(`${remoteRoot}/b1-theirs-${r}.bin`, { force: true });
          },
        },
      );
      if (wanted("B7")) {
        // The file to download is B1's payload, put on the server directly.
        const name = "payload.bin";
        const folder = `${remoteRoot}/b7`;
        mkdirSync(folder, { recursive: true });
        writeFileSync(path.join(folder, name), readFileSync(local));
        const target = path.join(work, "b7-download");
        const batch = path.join(work, "b7-batch");
        writeFileSync(batch, `get ${folder}/${name} ${path.join(work, "b7-theirs.bin")}\n`);
        await paired(
          "B7",
          `download ${SIZES.b7Bytes / MiB} MiB, checksum verified  vs  sftp get; b2sum`,
          "≤0.80",
          () => node("download.js", [folder, name, SIZES.b7Bytes, expected, target], sftpEnv),
          () =>
            measure("sh", ["-c", `sftp ${opensshArgs.map((a) => (a === "-" ? batch : a)).join(" ")} && b2sum ${path.join(work, "b7-theirs.bin")}`]),
          {
            after: () => {
              if (b2(path.join(target, name)) !== expected) throw new Error("B7: the downloaded file differs");
              rmSync(target, { recursive: true, force: true });
              rmSync(path.join(work, "b7-theirs.bin"), { force: true });
            },
          },
        );
        rmSync(folder, { recursive: true, force: true });
      }
      rmSync(path.dirname(local), { recursive: true, force: true });
    }

    const manySmall = async (id: string, count: number, target: string): Promise<void> => {
      const local = path.join(work, id.toLowerCase(), "files");
      writeSmallFiles(local, count, 4096);
      await paired(
        id,
        `upload ${count} × 4 KiB files, one dataset  vs  sftp put -r`,
        target,
        (r) => node("upload.js", [local, `${remoteRoot}/${id}-ours-${r}`], sftpEnv),
        (r) => openssh(`put -r ${local} ${remoteRoot}/${id}-theirs-${r}`),
        {
          after: (r, a) => {
            if (a.result?.["files"] !== count) throw new Error(`${id}: uploaded ${String(a.result?.["files"])} files, not ${count}`);
            rmSync(`${remoteRoot}/${id}-ours-${r}`, { recursive: true, force: true });
            rmSync(`${remoteRoot}/${id}-theirs-${r}`, { recursive: true, force: true });
          },
        },
      );
      rmSync(path.dirname(local), { recursive: true, force: true });
    };
    if (wanted("B2")) await manySmall("B2", SIZES.b2Files, "≤0.70");

    if (wanted("B3")) {
      const one = path.join(work, "b3", "one.bin");
      writeRandomFile(one, SIZES.b3Bytes);
      await paired(
        "B3",
        `blake2b of one ${SIZES.b3Bytes / MiB} MiB file  vs  b2sum`,
        "≤1.05",
        () => node("hash.js", [one]),
        () => b2sum([one]),
        { after: (_r, a, b) => checkSums("B3", a, b) },
      );
      rmSync(one, { force: true });
      const [count, bytes] = SIZES.b3Many as [number, number];
      const folder = path.join(work, "b3", "many");
      mkdirSync(folder, { recursive: true });
      const files: string[] = [];
      for (let i = 0; i < count; i++) {
        const file = path.join(folder, `f${String(i).padStart(4, "0")}.bin`);
        writeRandomFile(file, bytes);
        files.push(file);
      }
      await paired(
        "B3",
        `blake2b of ${count} × ${bytes / MiB} MiB files (upload's hashing)  vs  b2sum`,
        "≤0.60",
        () => node("hash.js", [folder]),
        () => b2sum(files),
        { after: (_r, a, b) => checkSums("B3", a, b) },
      );
      rmSync(path.join(work, "b3"), { recursive: true, force: true });
    }

    // The numbered tree serves B4 (local files), B5 and B8 (the fake client).
    const tree = path.join(work, "tree");
    const treeSize = Math.max(...SIZES.b5, ...SIZES.b4.filter((n) => n <= 10_000));
    if (wanted("B4") || wanted("B5") || wanted("B8")) writeNumberedTree(tree, treeSize);

    if (wanted("B4")) {
      const values: Record<string, unknown> = {};
      const parts: string[] = [];
      for (const n of SIZES.b4) {
        const run = await node("html.js", ["remote", n]);
        values[`remote${n}`] = run.result;
        parts.push(`${n}: ${f2(run.result?.["warmMs"] as number)} ms ${Math.round((run.result?.["bytes"] as number) / 1024)} KiB`);
      }
      figures("B4", "dataset display (HTML + text), remote files, in-process warm", values, `${parts.join("; ")}  [target 10k ≤2 ms, ≤200 KB]`);
      const localN = Math.min(10_000, treeSize);
      const local = await node("html.js", ["local", localN, tree]);
      figures(
        "B4",
        `dataset display, ${localN} local files (stat each), in-process warm`,
        { [`local${localN}`]: local.result },
        `${f2(local.result?.["warmMs"] as number)} ms ${Math.round((local.result?.["bytes"] as number) / 1024)} KiB`,
      );
    }

    if (wanted("B5") || wanted("B8")) {
      const values: Record<string, unknown> = {};
      const parts: string[] = [];
      const uploadMs: Record<number, number> = {};
      const counts = wanted("B5") ? SIZES.b5 : [Math.max(...SIZES.b5)];
      for (const n of counts) {
        const runs: Run[] = [];
        // Fresh processes; the biggest only a few times (it takes long), each counted after one warm-up.
        const rounds = n === Math.max(...SIZES.b5) ? Math.min(ROUNDS, 3) : ROUNDS;
        for (let r = 0; r < WARMUP + rounds; r++) {
          const run = await node("fake-upload.js", [tree, n]);
          if (r >= WARMUP) runs.push(run);
        }
        const ms = median(runs.map((r) => r.result?.["uploadMs"] as number));
        uploadMs[n] = ms;
        values[`files${n}`] = {
          uploadMs: ms,
          uploadCpuMs: median(runs.map((r) => r.result?.["uploadCpuMs"] as number)),
          addLocalFilesMs: median(runs.map((r) => r.result?.["addMs"] as number)),
          processMs: median(runs.map((r) => r.wallMs)),
          maxRssKiB: Math.max(...runs.map((r) => r.maxRssKiB ?? 0)),
          datablocks: runs[0]?.result?.["datablocks"],
          progressEvents: runs[0]?.result?.["events"],
        };
        parts.push(`${n}: ${f2(ms)} ms (CPU ${f2(median(runs.map((r) => r.result?.["uploadCpuMs"] as number)))} ms), ${kib(Math.max(...runs.map((r) => r.maxRssKiB ?? 0)))}`);
      }
      const [, k1, k2, big] = SIZES.b5 as [number, number, number, number];
      const [t1, t2, tBig] = [uploadMs[k1], uploadMs[k2], uploadMs[big]];
      const linear =
        t1 !== undefined && t2 !== undefined && tBig !== undefined
          ? `; ${k2}/${k1}: ${f2(t2 / t1)}×, ${big}/${k1} per file: ${f2(tBig / big / (t1 / k1))}×`
          : "";
      figures(
        "B5",
        "FakeClient uploadNewDatasetNow of local files, in-process (fresh process each)",
        values,
        `${parts.join("; ")}${linear}  [target 1k <100 ms, 2k ≤2.2× 1k, linear]`,
      );
    }

    if (wanted("B6")) {
      const python = path.join(ROOT, ".venv", "bin", "python");
      const script = path.join(JOBS_DIR, "tslab_import.py");
      const report = await paired(
        "B6",
        "first cell `import … from \"scitacean-ts\"` in a fresh tslab kernel  vs  a cell without import",
        "import cell ≤1 s",
        () => measure(python, [script, "import"]),
        () => measure(python, [script, "empty"]),
        {
          after: (r, a, b) => {
            cells.push({ importMs: a.result?.["cellMs"] as number, emptyMs: b.result?.["cellMs"] as number, counted: r >= WARMUP });
          },
        },
      );
      const counted = cells.filter((c) => c.counted);
      const importMs = median(counted.map((c) => c.importMs));
      const emptyMs = median(counted.map((c) => c.emptyMs));
      report.figures = { importCellMs: importMs, emptyCellMs: emptyMs, cellRatio: median(counted.map((c) => c.importMs / c.emptyMs)) };
      console.log(`   cells alone: import ${f2(importMs / 1000)} s, without import ${f2(emptyMs / 1000)} s (median)`);
    }

    if (wanted("B8")) await manySmall("B8", SIZES.b8Files, "linear, flat memory");
  } finally {
    process.off("SIGINT", interrupted).off("SIGTERM", interrupted);
    await sftp?.stop();
    rmSync(work, { recursive: true, force: true });
  }
  saveResults(true);
  console.log(`\nresults: ${RESULTS_FILE}`);
}

const cells: Array<{ importMs: number; emptyMs: number; counted: boolean }> = [];

function checkSums(id: string, ours: Run, reference: Run): void {
  const theirs = reference.stdout.trim().split("\n").map((l) => l.split(/\s+/)[0]);
  const mine = ours.result?.["checksums"];
  if (JSON.stringify(mine) !== JSON.stringify(theirs)) throw new Error(`${id}: checksums differ from b2sum`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

export { main };
