/**
 * Reading SciCat's error bodies. The backend answers errors in three shapes
 * (see the SciCat API notes, "Error responses"):
 *
 * 1. `{"message": ["…", "…"], "error": "Bad Request", "statusCode": 400}` — the global validation pipe;
 * 2. `{"message": "…", …}` — every other HTTP exception, where the v3 dataset
 *    validation puts a *JSON-encoded* list of class-validator errors into the string;
 * 3. the bare JSON string `"Internal server error"` — unexpected server failures.
 *
 * Anything else (an HTML page from a proxy, plain text) is shown shortened.
 */

/** A class-validator `ValidationError` as SciCat serialises it. */
interface WireValidationError {
  property?: unknown;
  constraints?: unknown;
  children?: unknown;
}

const MAX_TEXT = 300;

function shorten(text: string): string {
  const flat = text
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return flat.length > MAX_TEXT ? `${flat.slice(0, MAX_TEXT)}…` : flat;
}

/** Parses a response body: JSON if it is JSON, the text itself if not, `null` if empty. */
export function parseBody(text: string): unknown {
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const isValidationErrorList = (value: unknown): value is WireValidationError[] =>
  Array.isArray(value) &&
  value.length > 0 &&
  value.every((e) => typeof e === "object" && e !== null && ("constraints" in e || "children" in e));

/**
 * Flattens class-validator errors into messages, prefixing nested ones with
 * their path the way SciCat's validation pipe does (`dataFileList.0.size must be …`).
 */
function flattenValidationErrors(errors: readonly WireValidationError[], parentPath = ""): string[] {
  const messages: string[] = [];
  for (const error of errors) {
    const prefix = parentPath === "" ? "" : `${parentPath}.`;
    if (typeof error.constraints === "object" && error.constraints !== null) {
      for (const text of Object.values(error.constraints)) messages.push(`${prefix}${String(text)}`);
    }
    if (Array.isArray(error.children) && error.children.length > 0) {
      messages.push(...flattenValidationErrors(error.children as WireValidationError[], `${prefix}${String(error.property)}`));
    }
  }
  return messages;
}

function messagesOfString(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
    try {
      const nested: unknown = JSON.parse(trimmed);
      if (isValidationErrorList(nested)) return flattenValidationErrors(nested);
      if (Array.isArray(nested) && nested.every((m) => typeof m === "string")) return nested as string[];
    } catch {
      // Not JSON after all; fall through and show the text.
    }
  }
  return [shorten(text)];
}

/**
 * SciCat's explanation of an error, as a list of messages (empty if the body
 * says nothing useful).
 */
export function serverMessages(body: unknown): string[] {
  if (body === null || body === undefined) return [];
  if (typeof body === "string") return messagesOfString(body);
  if (Array.isArray(body)) return body.flatMap((item) => serverMessages(item));
  if (typeof body !== "object") return [String(body)];
  const record = body as Record<string, unknown>;
  const message = record["message"];
  if (Array.isArray(message)) {
    return isValidationErrorList(message)
      ? flattenValidationErrors(message)
      : message.map((m) => (typeof m === "string" ? m : shorten(JSON.stringify(m))));
  }
  if (typeof message === "string") return messagesOfString(message);
  if (message !== undefined && message !== null) return [shorten(JSON.stringify(message))];
  for (const key of ["error", "detail", "errmsg"]) {
    if (typeof record[key] === "string") return [record[key] as string];
  }
  return [shorten(JSON.stringify(body))];
}
