/**
 * One HTTP request to SciCat, with a hard timeout and errors that carry no
 * secrets. Axios errors are never passed on: they hold the request config,
 * and with it the `Authorization` header.
 */
import type { AxiosInstance, AxiosStatic } from "axios";
import { ScicatCommError } from "../../errors";
import { logger } from "../../logging";
import { parseBody, serverMessages } from "./server-errors";

/** What SciCat answered: status and parsed body (JSON, raw text, or `null` if empty). */
export interface RawResponse {
  readonly status: number;
  readonly statusText: string;
  readonly body: unknown;
}

/** One request. */
export interface RequestSpec {
  readonly method: "GET" | "POST";
  /** Full URL without query. */
  readonly url: string;
  /** For messages and logs: the ScicatClient operation, e.g. `"getDatasetModel"`. */
  readonly operation: string;
  readonly body?: unknown;
  readonly params?: Readonly<Record<string, string>>;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string | null;
  readonly timeoutMs: number;
  /** Removes secrets from text that comes from outside (server messages, network errors). */
  readonly scrub: (text: string) => string;
}

/** Default request timeout, as in Scitacean. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * axios, loaded when a client is made: loading it takes about a third of a
 * second, which every notebook's first `import` paid, even one that never
 * talks to SciCat (bench B6).
 */
function axiosModule(): AxiosStatic {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("axios") as { default: AxiosStatic }).default;
}

/** A new axios instance for talking to SciCat; it holds no credentials. */
export function createHttp(): AxiosInstance {
  return axiosModule().create({ headers: { Accept: "application/json" } });
}

/** `url` without user name and password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === "" && parsed.password === "") return url;
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return url;
  }
}

function withQuery(url: string, params: Readonly<Record<string, string>> | undefined): string {
  if (params === undefined || Object.keys(params).length === 0) return url;
  return `${url}?${new URLSearchParams(params).toString()}`;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/**
 * Sends a request and returns SciCat's answer whatever its status. Throws a
 * {@link ScicatCommError} only when there is no answer (timeout, network).
 */
export async function send(http: AxiosInstance, spec: RequestSpec): Promise<RawResponse> {
  const shownUrl = redactUrl(spec.url);
  logger.info(`Calling SciCat API at ${spec.method} ${shownUrl} for operation '${spec.operation}'`);
  const headers: Record<string, string> = {};
  if (spec.token) headers["Authorization"] = `Bearer ${spec.token}`;
  if (spec.body !== undefined) headers["Content-Type"] = "application/json";

  // Our own timer rather than axios' `timeout`, which only limits idle time on the socket.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, spec.timeoutMs);
  try {
    const response = await http.request<string>({
      method: spec.method,
      url: withQuery(spec.url, spec.params),
      headers,
      data: spec.body === undefined ? undefined : JSON.stringify(spec.body),
      responseType: "text",
      // Parsed here, so that empty bodies, bare JSON strings and HTML pages are all handled alike.
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      signal: controller.signal,
    });
    const text = typeof response.data === "string" ? response.data : "";
    return { status: response.status, statusText: response.statusText ?? "", body: parseBody(text) };
  } catch (error) {
    const what = timedOut
      ? `SciCat did not answer within ${seconds(spec.timeoutMs)} (timeout). Check the URL and the network, or allow more time with timeoutMs.`
      : `could not reach SciCat: ${spec.scrub(describeNetworkError(error))}`;
    throw new ScicatCommError(`Error in operation '${spec.operation}' (${spec.method} ${shownUrl}): ${what}`, {
      operation: spec.operation,
      url: shownUrl,
      outcomeUnknown: timedOut || !neverSent(error),
    });
  } finally {
    clearTimeout(timer);
  }
}

/** Errors that happen before a request leaves this machine: no connection, or a rejected certificate. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  // The TLS handshake failed, e.g. https:// to a server that speaks plain HTTP.
  "EPROTO",
  // axios refuses a bad URL or option before it connects.
  "ERR_INVALID_URL",
  "ERR_BAD_OPTION",
  "ERR_BAD_OPTION_VALUE",
]);

/** Whether the request certainly did not reach SciCat (as opposed to a dropped connection). */
function neverSent(error: unknown): boolean {
  const code = axiosModule().isAxiosError(error) ? error.code : (error as NodeJS.ErrnoException | null)?.code;
  // ERR_TLS_*: the TLS handshake failed, so no request was sent.
  return code !== undefined && (NOT_SENT_CODES.has(code) || code.startsWith("ERR_TLS_"));
}

/** The message of a network error, without the request it belonged to. */
function describeNetworkError(error: unknown): string {
  if (axiosModule().isAxiosError(error)) {
    const code = error.code ? ` (${error.code})` : "";
    return `${error.message}${code}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Whether the response is a success (2xx). */
export const isSuccess = (response: RawResponse): boolean => response.status >= 200 && response.status < 300;

/** SciCat's explanation of a failed response, as one line. */
export function describeFailure(response: RawResponse, scrub: (text: string) => string): string {
  const messages = serverMessages(response.body);
  return scrub(messages.length > 0 ? messages.join("; ") : "(no message)");
}

/** The {@link ScicatCommError} for a non-2xx response; `hint` says what the user can do about it. */
export function httpError(spec: RequestSpec, response: RawResponse, hint?: string): ScicatCommError {
  const shownUrl = redactUrl(spec.url);
  const serverMessage = describeFailure(response, spec.scrub);
  const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  const message = `Error in operation '${spec.operation}' (${spec.method} ${shownUrl}): ${status}: ${serverMessage}`;
  return new ScicatCommError(hint ? `${message}\n${hint}` : message, {
    status: response.status,
    operation: spec.operation,
    url: shownUrl,
    serverMessage,
    // A gateway that gave up waiting does not know whether SciCat carried the request out.
    outcomeUnknown: response.status === 502 || response.status === 504,
  });
}
