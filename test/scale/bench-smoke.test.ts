/**
 * `npm run bench` at tiny sizes (BENCH_SCALE=tiny), so that the benchmarks
 * keep working: every job runs once against its reference and the results
 * file is complete. Times are not checked; they say nothing on a shared
 * machine at these sizes.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

jest.setTimeout(900_000);

interface Results {
  scale: string;
  complete: boolean;
  machine: { cpus: number };
  jobs: Array<{
    id: string;
    title: string;
    ratio?: { median: number; min: number; max: number };
    pairs?: Array<{ oursMs: number; referenceMs: number; oursRssKiB: number | null }>;
    figures?: Record<string, unknown>;
  }>;
}

let out: string;
let results: Results;
const saved = { ...process.env };

beforeAll(async () => {
  out = mkdtempSync(path.join(os.tmpdir(), "scitacean-bench-smoke-"));
  Object.assign(process.env, { BENCH_SCALE: "tiny", BENCH_RESULTS: out });
  delete process.env["BENCH_JOBS"];
  delete process.env["BENCH_ROUNDS"];
  // Loaded after the environment is set: the sizes are read when the module loads.
  let main: () => Promise<void> = async () => {};
  await jest.isolateModulesAsync(async () => {
    ({ main } = await import("../../bench/run"));
  });
  const log = jest.spyOn(console, "log").mockImplementation(() => {});
  try {
    await main();
  } finally {
    log.mockRestore();
  }
  const [file] = readdirSync(out);
  results = JSON.parse(readFileSync(path.join(out, file as string), "utf8")) as Results;
});

afterAll(() => {
  process.env = saved;
  rmSync(out, { recursive: true, force: true });
});

it("runs every job at tiny sizes", () => {
  expect(results.scale).toBe("tiny");
  expect(results.complete).toBe(true);
  expect(results.machine.cpus).toBeGreaterThan(0);
  expect([...new Set(results.jobs.map((j) => j.id))].sort()).toEqual(["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8"]);
});

it("pairs each compared job with its reference and measures both", () => {
  const compared = results.jobs.filter((j) => j.pairs);
  expect(compared.map((j) => j.id).sort()).toEqual(["B1", "B2", "B3", "B3", "B6", "B7", "B8"]);
  for (const job of compared) {
    expect(job.pairs).toHaveLength(1);
    const [pair] = job.pairs!;
    expect(pair!.oursMs).toBeGreaterThan(0);
    expect(pair!.referenceMs).toBeGreaterThan(0);
    expect(job.ratio!.median).toBeCloseTo(pair!.oursMs / pair!.referenceMs, 6);
  }
});

it("reports the display size and the fake-client upload of every file count", () => {
  const display = results.jobs.find((j) => j.id === "B4" && j.figures?.["remote150"]);
  expect(display?.figures?.["remote150"]).toMatchObject({ files: 150, kind: "remote" });
  const upload = results.jobs.find((j) => j.id === "B5")?.figures;
  for (const n of [1, 10, 20, 200]) expect(upload?.[`files${n}`]).toMatchObject({ progressEvents: expect.any(Number) });
  const b6 = results.jobs.find((j) => j.id === "B6")?.figures;
  expect(b6?.["importCellMs"]).toEqual(expect.any(Number));
});
