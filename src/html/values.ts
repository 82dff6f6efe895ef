/**
 * How single values read in the displays, shared by the HTML and the plain
 * text forms so that both always agree.
 */
import { formatValue } from "../values/format";
import { html, type Html } from "./escape";
import { DIM_TEXT } from "./inline-style";

/**
 * A field value as text: `null`, dates as `2024-05-29 08:17:09+0000`, a PID
 * as `prefix/id`, a RemotePath as `RemotePath('/x')`, arrays in brackets.
 */
export function valueText(value: unknown): string {
  return printable(() => formatValue(value));
}

/**
 * Free-form values (metadata, `jobParameters`) may be cyclic or otherwise
 * unprintable; that must not break the whole display.
 */
function printable(format: () => string): string {
  try {
    return format();
  } catch {
    return "(value cannot be shown)";
  }
}

/** A field value as markup: a dimmed `null` (or `""`) for nothing, else {@link valueText}. */
export function valueHtml(value: unknown): Html {
  if (value === null || value === undefined) return NULL_HTML;
  if (value === "") return html`<span class="cean-empty"${DIM_TEXT}>""</span>`;
  return html`${valueText(value)}`;
}

/** The dimmed `null` of empty cells. */
export const NULL_HTML: Html = html`<span class="cean-empty"${DIM_TEXT}>null</span>`;

/** The keys a scientific-metadata entry may have to read as a quantity. */
const QUANTITY_KEYS: ReadonlySet<string> = new Set(["value", "unit", "valueSI", "unitSI"]);

/** True for `{ value, unit?, valueSI?, unitSI? }`, SciCat's way of writing a quantity. */
function isQuantity(value: unknown): value is { value: unknown; unit?: unknown } {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.includes("value") && keys.every((k) => QUANTITY_KEYS.has(k));
}

/**
 * A scientific-metadata value as text: a quantity as `123 [K]` (just `123`
 * without unit), anything else compactly (`{"a":1}`, `[1, 2]`).
 */
export function metadataText(value: unknown): string {
  return printable(() => {
    if (!isQuantity(value)) return formatValue(value);
    const { unit } = value;
    const number = formatValue(value.value);
    return unit === null || unit === undefined || unit === "" ? number : `${number} [${formatValue(unit)}]`;
  });
}

/** Collapses line breaks and runs of white space and shortens to `max` characters, for one-line text. */
export function oneLine(text: string, max = 100): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
