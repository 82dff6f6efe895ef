/**
 * The row flags of field tables: a padlock for read-only fields, a star for
 * required ones and a warning sign for values that stop an upload. The
 * padlock is drawn in `currentColor` so that the style sheet can give it the
 * theme's icon colour.
 *
 * Viewers that sanitize outputs drop the SVG and the style sheet, so every
 * flag also carries its meaning as text: a Unicode mark (hidden by the sheet
 * when the SVG is shown) and a `title`.
 */
import { html, trusted, type Html } from "./escape";
import { ERROR_TEXT } from "./inline-style";

/** Shackle (stroked arc) over a body (filled rounded rectangle) with a keyhole, on a 16×16 grid. */
const LOCK_SVG =
  '<svg class="cean-lock" width="0.9em" height="0.9em" viewBox="0 0 16 16" aria-hidden="true" focusable="false">' +
  '<path d="M4.75 7.5V5a3.25 3.25 0 0 1 6.5 0v2.5" fill="none" stroke="currentColor" stroke-width="1.7"/>' +
  '<path fill="currentColor" fill-rule="evenodd" ' +
  'd="M3.5 7h9A1.5 1.5 0 0 1 14 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 2 13.5v-5A1.5 1.5 0 0 1 3.5 7z' +
  'M8 9.25a1.25 1.25 0 0 0-.6 2.35V13h1.2v-1.4A1.25 1.25 0 0 0 8 9.25z"/>' +
  "</svg>";

/** The text stand-in of the padlock, for viewers that drop SVG: U+1F512 LOCK. */
export const LOCK_MARK = "\u{1F512}";
/** The mark of a value that needs fixing: U+26A0 WARNING SIGN (text presentation). */
export const PROBLEM_MARK = "\u26A0";

/** Marks a read-only field (set by SciCat). */
export const LOCK_FLAG: Html = trusted(
  `<span class="cean-read-only" title="read-only: set by SciCat" role="img" aria-label="read-only">${LOCK_SVG}<span class="cean-fallback">${LOCK_MARK}</span></span>`,
);

/** Marks a field that upload requires. */
export const REQUIRED_FLAG: Html = trusted(
  `<span class="cean-required" title="required for upload" aria-label="required"${ERROR_TEXT.markup}>*</span>`,
);

/**
 * Marks a field whose value stops an upload; `title` holds the messages. The
 * live view shows the row's tint and tooltip instead, so the mark is a fallback.
 */
function problemFlag(title: string): Html {
  return html`<span class="cean-fallback cean-problem-mark" title="${title}"${ERROR_TEXT}>${PROBLEM_MARK}</span>`;
}

/** What a field row needs to know to be flagged. */
export interface FlaggedField {
  readonly readOnly: boolean;
  readonly required: boolean;
  /** The row's validation messages as one tooltip, or `null` when the value is fine. */
  readonly problem?: string | null;
}

/** The flag cell content of a field row: padlock, star and/or warning sign. */
export function flagsHtml(field: FlaggedField): Html[] {
  const flags: Html[] = [];
  if (field.readOnly) flags.push(LOCK_FLAG);
  if (field.required) flags.push(REQUIRED_FLAG);
  if (field.problem !== undefined && field.problem !== null) flags.push(problemFlag(field.problem));
  return flags;
}
