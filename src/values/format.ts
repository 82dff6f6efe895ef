/**
 * Text formatting shared by the text and HTML representations.
 */
import { boundText, ECHO_LIMIT } from "./bounded";
import { PID } from "./pid";

const UNITS: ReadonlyArray<readonly [number, string]> = [
  [1024 ** 4, "TiB"],
  [1024 ** 3, "GiB"],
  [1024 ** 2, "MiB"],
  [1024, "kiB"],
];

/** `10 B`, `1.50 kiB`, `2.00 GiB`: binary units, two decimals above bytes. */
export function humanReadableSize(bytes: number): string {
  for (const [factor, unit] of UNITS) {
    if (bytes >= factor) return `${(bytes / factor).toFixed(2)} ${unit}`;
  }
  return `${bytes} B`;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** `2024-05-29 08:17:09+0000`: seconds precision, always in UTC. */
export function formatDateTime(date: Date): string {
  if (Number.isNaN(date.getTime())) return "Invalid Date";
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}+0000`
  );
}

// date, then optional time (HH:MM, :SS, .fraction) and optional offset (Z, +HH:MM, +HHMM, +HH).
const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2})?(\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** `Z`, `+02:00`, `+0200` or `+02` as the `±HH:MM` form `Date` reads; none means UTC. */
function normaliseOffset(offset: string | undefined): string {
  if (offset === undefined || offset.toUpperCase() === "Z") return "Z";
  const digits = offset.slice(1).replace(":", "");
  return `${offset[0]}${digits.slice(0, 2)}:${digits.slice(2) || "00"}`;
}

/**
 * True if the date and clock time of an ISO match name a real moment: the JS
 * engine rolls `2024-02-30` over to March 1 and `24:00` to the next day, so the
 * parts must read back unchanged.
 */
function partsExist(date: string, hoursMinutes: string | undefined, seconds: string | undefined): boolean {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const [hour, minute] = (hoursMinutes ?? "00:00").split(":").map(Number) as [number, number];
  const second = seconds === undefined ? 0 : Number(seconds.slice(1));
  const check = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps the years 0-99 as they are.
  check.setUTCFullYear(year, month - 1, day);
  check.setUTCHours(hour, minute, second);
  return (
    check.getUTCFullYear() === year &&
    check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day &&
    check.getUTCHours() === hour &&
    check.getUTCMinutes() === minute &&
    check.getUTCSeconds() === second
  );
}

/**
 * Parses a date-time the way a scientist writes it: a `Date`, `"now"`, or an
 * ISO 8601 / RFC 3339 string. Strings without an offset are taken as UTC so
 * that a notebook gives the same result on every machine.
 */
export function parseDateTime(value: Date | string, field = "date"): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RangeError(`${field}: the Date is invalid.`);
    return new Date(value.getTime());
  }
  if (typeof value !== "string") {
    throw new TypeError(`${field}: expected a Date or an ISO 8601 string, got ${typeof value}.`);
  }
  if (value.trim().toLowerCase() === "now") return new Date();
  const text = value.trim();
  // Only ISO 8601 / RFC 3339 forms are accepted: other formats would go to the JS engine's
  // fallback parser, whose result depends on the machine's time zone.
  const match = ISO_DATE_TIME.exec(text);
  // The engine would roll impossible dates over (`2024-02-30` to March 1): such strings are refused.
  if (match && !partsExist(match[1] as string, match[2], match[3])) {
    throw new RangeError(`${field}: cannot read '${boundText(value)}' as a date-time: that day or time of day does not exist.`);
  }
  const parsed = match
    ? new Date(`${match[1]}T${match[2] ?? "00:00"}${match[3] ?? ""}${match[4] ?? ""}${normaliseOffset(match[5])}`)
    : new Date(Number.NaN);
  if (Number.isNaN(parsed.getTime())) {
    throw new RangeError(
      `${field}: cannot read '${boundText(value)}' as a date-time. Use ISO 8601, e.g. '2024-05-29T08:17:09Z', or a Date.`,
    );
  }
  return parsed;
}

/**
 * Short text of a field value for tables and `toString()`: dates in UTC,
 * a PID as `prefix/id`, paths (and ids inside arrays) in their constructor
 * form, arrays in brackets.
 */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (value instanceof Date) return formatDateTime(value);
  if (typeof value === "string") return value;
  // A PID reads as `prefix/id` on its own (as Scitacean's str(PID)); inside lists it keeps the constructor form.
  if (value instanceof PID) return value.toString();
  return formatNested(value);
}

function formatNested(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return `'${value}'`;
  if (value instanceof Date) return formatDateTime(value);
  if (Array.isArray(value)) return `[${value.map(formatNested).join(", ")}]`;
  const repr = (value as { toRepr?: () => string }).toRepr;
  if (typeof repr === "function") return repr.call(value);
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) return JSON.stringify(value);
  return String(value);
}

/**
 * {@link formatValue} cut to `max` characters with {@link boundText}, for
 * messages and `toString()`. Never throws: a value that cannot be formatted
 * (a cyclic object) reads as `(value cannot be shown)`.
 */
export function formatShort(value: unknown, max: number = ECHO_LIMIT): string {
  try {
    return boundText(formatValue(value), max);
  } catch {
    return "(value cannot be shown)";
  }
}

/**
 * `items` joined with `, `, but at most `max` of them followed by `and N more`,
 * so that a message about a hundred thousand files stays one readable line.
 */
export function listSome(items: readonly string[], max = 10): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}
