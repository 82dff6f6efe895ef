/**
 * Inline `style` attributes: the part of the look that must survive viewers
 * which sanitize untrusted outputs. JupyterLab (for a notebook opened without
 * running it), GitHub and nbviewer drop `<style>` and `<svg>` elements; the
 * JupyterLab sanitizer keeps `class`, `title` and a `style` attribute limited
 * to an allow-list of properties whose values are plain colours and keywords
 * (checked in the browser: `text-align`, `color` and `background-color` as hex
 * or `rgba()`, `font-weight`, `font-style`, `box-shadow` stay; `var(--jp-…)`
 * values, `overflow-wrap`, `role` and `aria-*` go). So the inline colours are
 * literal, chosen to read on light and dark backgrounds; where the style
 * sheet is present it overrides them with the theme's colours (`!important`
 * in styles.ts), which keeps the live look unchanged.
 */
import { trusted, type Html } from "./escape";

/** The error red of the sanitized view (Material red 700, JupyterLab's `--jp-error-color1` in the light theme). */
export const ERROR_COLOR = "#d32f2f";
/** The dim grey of the sanitized view, legible on white and on black. */
export const DIM_COLOR = "rgba(128, 128, 128, 0.95)";

/**
 * Cells read left to right and from the top: JupyterLab right-aligns and vertically centres
 * every table cell by default, which scatters a row whose description wraps.
 */
export const ALIGN_LEFT: Html = trusted(' style="text-align:left;vertical-align:top"');
/** Numbers (file sizes) stay right-aligned. */
export const ALIGN_RIGHT: Html = trusted(' style="text-align:right;vertical-align:top"');
/** A value cell of a row that needs fixing. */
export const ERROR_CELL: Html = trusted(` style="text-align:left;vertical-align:top;color:${ERROR_COLOR}"`);
/** A row that needs fixing: the same tint and left bar as the style sheet draws. */
export const ERROR_ROW: Html = trusted(
  ` style="background-color:rgba(211, 47, 47, 0.1);box-shadow:inset 3px 0 0 ${ERROR_COLOR}"`,
);
/** Dimmed, italic text: `null`, `no files`. */
export const DIM_TEXT: Html = trusted(` style="color:${DIM_COLOR};font-style:italic"`);
/** Red, bold text: the required star, "N fields to fix". */
export const ERROR_TEXT: Html = trusted(` style="color:${ERROR_COLOR};font-weight:700"`);
