/**
 * How single values read in the displays, shared by the HTML and the plain
 * text forms so that both always agree.
 */
import { boundText } from "../values/bounded";
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

/** Characters of a value a table cell shows before the rest folds away. */
export const CELL_LIMIT = 200;

/**
 * Characters of a long value that its expander shows: enough to read any
 * sensible value whole, while a hostile one (a 5 MB name) keeps the page
 * small. Code reads the whole value from the object itself.
 */
export const EXPANDED_LIMIT = 10_000;

/**
 * `text` as markup for a table cell. Short text is shown as it is; long text
 * shows its beginning in a `<details>` element whose body has the whole text
 * (up to {@link EXPANDED_LIMIT} characters, then cut with a marker). Plain
 * elements only, so it survives sanitizers that strip styles and scripts.
 */
export function boundedHtml(text: string): Html {
  if (text.length <= CELL_LIMIT) return html`${text}`;
  const head = boundText(text, CELL_LIMIT);
  return html`<details class="cean-long-value"><summary>${head}</summary><span class="cean-long-value-full">${boundText(text, EXPANDED_LIMIT)}</span></details>`;
}

/** A field value as markup: a dimmed `null` (or `""`) for nothing, else {@link valueText}, bounded by {@link boundedHtml}. */
export function valueHtml(value: unknown): Html {
  if (value === null || value === undefined) return NULL_HTML;
  if (value === "") return html`<span class="cean-empty"${DIM_TEXT}>""</span>`;
  return boundedHtml(valueText(value));
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

/** A scientific-metadata value as markup: {@link metadataText}, bounded by {@link boundedHtml}. */
export function metadataHtml(value: unknown): Html {
  return boundedHtml(metadataText(value));
}

/** Collapses line breaks and runs of white space and shortens to `max` characters, for one-line text. */
export function oneLine(text: string, max = 100): string {
  // Only the part that can be shown is flattened: a 5 MB value costs no more than a short one.
  const sliced = text.length > max * 4;
  const flat = (sliced ? text.slice(0, max * 4) : text).replace(/\s+/g, " ");
  return flat.length <= max && !sliced ? flat : `${flat.slice(0, max - 1)}…`;
}
