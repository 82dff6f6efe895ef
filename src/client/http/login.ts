/**
 * Logging in to SciCat with a user name and password.
 *
 * SciCat deployments differ in where they log users in, so several endpoints
 * are tried in turn until one returns a token:
 *
 * 1. `{url}/auth/login` — current backends (v4, v5): local and functional
 *    accounts. First, because that is what most servers run today.
 * 2. `{url}/Users/login` — Scitacean 24.05's first choice; what older backends
 *    (loopback, 4.x) answer. Current backends still accept it but answer with
 *    an empty body, which counts as a failure here.
 * 3. `{url without /api/vN}/auth/msad` — Scitacean 24.05's second choice: LDAP
 *    accounts on deployments that serve it at the server root.
 * 4. `{url}/auth/ldap` — LDAP accounts on current backends.
 *
 * The password goes only into request bodies; it never appears in errors or logs.
 */
import type { AxiosInstance } from "axios";
import { ScicatCommError, ScicatLoginError } from "../../errors";
import { logger } from "../../logging";
import { describeFailure, isSuccess, redactUrl, send, type RawResponse } from "./transport";

/** One place to log in at. */
export interface LoginEndpoint {
  /** Name for messages, e.g. `"auth/login"`. */
  readonly name: string;
  /** The endpoint's URL for a given API root (`https://scicat.example/api/v3`). */
  readonly url: (apiUrl: string) => string;
}

/** The login endpoints, in the order they are tried. */
export const LOGIN_ENDPOINTS: readonly LoginEndpoint[] = [
  { name: "auth/login", url: (api) => `${api}/auth/login` },
  { name: "Users/login", url: (api) => `${api}/Users/login` },
  { name: "auth/msad", url: (api) => `${api.replace(/\/api\/v\d+\/?/, "")}/auth/msad` },
  { name: "auth/ldap", url: (api) => `${api}/auth/ldap` },
];

/** The token in a login answer: `access_token` (current backends) or `id` (loopback), the same JWT where both exist. */
function tokenOf(response: RawResponse): string | null {
  const body = response.body;
  if (typeof body !== "object" || body === null) return null;
  for (const key of ["access_token", "id"]) {
    const value = (body as Record<string, unknown>)[key];
    if (typeof value === "string" && value !== "") return value;
  }
  return null;
}

/**
 * Logs in and returns the token. Throws a {@link ScicatLoginError} listing
 * what each endpoint said if none accepted the credentials, or a
 * {@link ScicatCommError} if SciCat could not be reached at all.
 */
export async function loginForToken(
  http: AxiosInstance,
  options: { url: string; username: string; password: string; timeoutMs: number },
): Promise<string> {
  const { url, username, password, timeoutMs } = options;
  if (typeof username !== "string" || username === "" || typeof password !== "string" || password === "") {
    throw new TypeError("Logging in to SciCat needs a non-empty username and password.");
  }
  const scrub = (text: string): string => text.split(password).join("<HIDDEN>");
  const shownUrl = redactUrl(url);
  logger.info(`Logging in to ${shownUrl} as '${username}'`);

  const failures: string[] = [];
  let anyAnswer = false;
  for (const endpoint of LOGIN_ENDPOINTS) {
    let response: RawResponse;
    try {
      response = await send(http, {
        method: "POST",
        url: endpoint.url(url),
        operation: `login via ${endpoint.name}`,
        body: { username, password },
        timeoutMs,
        scrub,
      });
    } catch (error) {
      // No answer from the first endpoint means no server: trying the others would only repeat the wait.
      if (!anyAnswer) {
        logger.error(`Failed to log in to ${shownUrl}: ${(error as Error).message}`);
        throw error instanceof ScicatCommError ? error : new ScicatCommError(scrub(String(error)));
      }
      failures.push(`${endpoint.name}: ${(error as Error).message}`);
      continue;
    }
    anyAnswer = true;
    const token = isSuccess(response) ? tokenOf(response) : null;
    if (token !== null) {
      logger.info(`Logged in to ${shownUrl} via ${endpoint.name}`);
      return token;
    }
    const reason = isSuccess(response)
      ? `${response.status}: the server accepted the request but sent no token`
      : `${response.status}${response.statusText ? ` ${response.statusText}` : ""}: ${describeFailure(response, (t) => scrub(t))}`;
    logger.info(`Failed to log in via endpoint ${endpoint.name}: ${reason}`);
    failures.push(`${endpoint.name}: ${reason}`);
  }
  const message =
    `Failed to log in to SciCat at ${shownUrl} as '${username}'. Check the user name and password. ` +
    `What the login endpoints said: ${failures.join("; ")}`;
  logger.error(message);
  throw new ScicatLoginError(message);
}
