/** Types of scripts/secrets-scan.js, for the tests that run it. */

/** A value that must never appear in the run's output, and what it is. */
export interface Secret {
  label: string;
  value: string;
}

/** A secret found in an output file: where, and which (never the value). */
export interface Finding {
  where: string;
  label: string;
}

/** Every secret of the test suite under `root` (registered, fixture literals, environment). */
export function collectSecrets(root: string, options?: { listFile?: string; env?: Record<string, string | undefined> }): Secret[];

/** Scans `outputs` for `secrets` and for secret shapes (private keys, JWTs, token links). */
export function scanFiles(outputs: readonly string[], secrets: readonly Secret[], options?: { root?: string }): { findings: Finding[]; scanned: number };

/** The output files under a build folder, except the secrets list. */
export function outputFiles(buildDir: string): string[];

/** The command line: returns the exit code. */
export function main(argv: readonly string[]): number;
