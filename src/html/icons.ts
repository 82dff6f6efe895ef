/**
 * The two row flags of field tables: a padlock for read-only fields and a
 * star for required ones. The padlock is drawn in `currentColor` so that the
 * style sheet can give it the theme's icon colour.
 */
import { trusted, type Html } from "./escape";

/** Shackle (stroked arc) over a body (filled rounded rectangle) with a keyhole, on a 16×16 grid. */
const LOCK_SVG =
  '<svg class="cean-lock" width="0.9em" height="0.9em" viewBox="0 0 16 16" aria-hidden="true" focusable="false">' +
  '<path d="M4.75 7.5V5a3.25 3.25 0 0 1 6.5 0v2.5" fill="none" stroke="currentColor" stroke-width="1.7"/>' +
  '<path fill="currentColor" fill-rule="evenodd" ' +
  'd="M3.5 7h9A1.5 1.5 0 0 1 14 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 2 13.5v-5A1.5 1.5 0 0 1 3.5 7z' +
  'M8 9.25a1.25 1.25 0 0 0-.6 2.35V13h1.2v-1.4A1.25 1.25 0 0 0 8 9.25z"/>' +
  "</svg>";

/** Marks a read-only field (set by SciCat). */
export const LOCK_FLAG: Html = trusted(
  `<span class="cean-read-only" title="read-only: set by SciCat" role="img" aria-label="read-only">${LOCK_SVG}</span>`,
);

/** Marks a field that upload requires. */
export const REQUIRED_FLAG: Html = trusted(
  '<span class="cean-required" title="required for upload" aria-label="required">*</span>',
);

/** The flag cell content of a field row: padlock and/or star. */
export function flagsHtml(field: { readonly readOnly: boolean; readonly required: boolean }): Html[] {
  const flags: Html[] = [];
  if (field.readOnly) flags.push(LOCK_FLAG);
  if (field.required) flags.push(REQUIRED_FLAG);
  return flags;
}
