/**
 * Bounded echo: how values from users or from SciCat are quoted in errors,
 * warnings and text forms. A value can be anything SciCat stores (a 5 MB
 * name, a 10,000-character path), and quoting it whole would bury the
 * message, flood the log and freeze the notebook, so every quote goes through
 * these helpers and is cut at a fixed length with a marker that says how much
 * was left out.
 */

/** Characters of a value quoted in a message before it is cut: room for a whole 512-bit checksum in hex (128). */
export const ECHO_LIMIT = 200;

/** True for the first half of a UTF-16 surrogate pair, which must not be cut from its second half. */
const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;

/**
 * `text` if it has at most `max` characters, else its first `max` characters
 * followed by `… [N more characters]`. Never cuts a surrogate pair apart.
 */
export function boundText(text: string, max: number = ECHO_LIMIT): string {
  if (text.length <= max) return text;
  let cut = Math.max(0, max);
  if (cut > 0 && isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
  return `${text.slice(0, cut)}… [${(text.length - cut).toLocaleString("en-US")} more characters]`;
}

/**
 * Any value as a short, one-line literal for a message: strings and plain
 * data in JSON form (so quotes, line breaks and control characters show as
 * escapes instead of breaking the message), `undefined`, functions and the
 * like by name; cut with {@link boundText}. Never throws, also not for
 * cyclic objects or BigInts.
 */
export function echo(value: unknown, max: number = ECHO_LIMIT): string {
  return boundText(literal(value), max);
}

function literal(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol") return value.toString();
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // Cyclic objects and objects holding BigInts: their type is all that can be said safely.
    return Array.isArray(value) ? "an array" : "an object";
  }
}

/** Items of a list that a message names before it only counts the rest. */
export const LIST_LIMIT = 20;

/**
 * The first `max` of `items`, and then `… and N more` if there are more: a
 * record with ten thousand broken entries still makes a readable message.
 */
export function boundList(items: readonly string[], max: number = LIST_LIMIT): string[] {
  if (items.length <= max) return [...items];
  return [...items.slice(0, max), `… and ${(items.length - max).toLocaleString("en-US")} more`];
}
