/**
 * Makes a secret that a test uses at run time (an issued token, a generated
 * key) known to the secrets scan, the last step of `npm test`
 * (scripts/secrets-scan.js), which fails if it appears in anything the run
 * printed or saved. Secrets written into the fixtures are found by the scan
 * itself; this is for the ones made while the tests run.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import * as path from "node:path";

/** Where the tests list their run-time secrets: `build/secrets.list` of the checkout. */
export const SECRETS_LIST = path.resolve(__dirname, "..", "..", "build", "secrets.list");

/** Values already registered by this worker, so that a token reused a thousand times is listed once. */
const seen = new Set<string>();

/**
 * Registers `value` (under a `label` that says what it is; the label, never
 * the value, is what a finding prints). Values shorter than 8 characters are
 * ignored: they would be found in ordinary words.
 */
export function registerSecret(label: string, value: string, list: string = SECRETS_LIST): void {
  if (value.length < 8 || seen.has(`${list}\n${value}`)) return;
  seen.add(`${list}\n${value}`);
  mkdirSync(path.dirname(list), { recursive: true });
  // One short append per secret: lines from parallel jest workers do not interleave.
  appendFileSync(list, `${JSON.stringify({ label, value })}\n`);
}
