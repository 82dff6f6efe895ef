/**
 * Which real SciCat the live tests use, from the environment:
 * `SCICAT_URL` (API root with `/api/v3`) plus `SCICAT_TOKEN`, or
 * `SCICAT_USERNAME` and `SCICAT_PASSWORD`. `SCICAT_TEST_PID` optionally names a
 * dataset that the account can read.
 */
export type LiveConfig =
  | { url: string; token: string; testPid: string | null }
  | { url: string; username: string; password: string; testPid: string | null };

/** The live configuration, or `null` if the environment does not give a complete one. */
export function liveConfig(env: Readonly<Record<string, string | undefined>>): LiveConfig | null {
  const value = (name: string): string | null => {
    const v = env[name]?.trim();
    return v ? v : null;
  };
  const url = value("SCICAT_URL");
  if (url === null) return null;
  const testPid = value("SCICAT_TEST_PID");
  const token = value("SCICAT_TOKEN");
  if (token !== null) return { url, token, testPid };
  const username = value("SCICAT_USERNAME");
  const password = env["SCICAT_PASSWORD"];
  if (username !== null && password) return { url, username, password, testPid };
  return null;
}
