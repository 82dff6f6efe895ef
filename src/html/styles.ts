/**
 * Style sheets of the rich displays, kept as TypeScript strings so that the
 * compiled package needs no asset loader.
 *
 * Every selector starts with `.cean-repr`, the class of the outermost element
 * of each display, so the sheets cannot restyle the rest of a notebook. Colours
 * are `--cean-*` custom properties mapped onto JupyterLab's `--jp-*` theme
 * variables, then VS Code's `--vscode-*`, then neutral translucent greys that
 * read on light and dark backgrounds alike; so one sheet follows every theme.
 *
 * The sheet is an enhancement: viewers that sanitize outputs drop it, and the
 * tables keep their meaning through text marks and inline styles
 * (inline-style.ts). `!important` marks the colours that also appear inline,
 * so that the theme's colours win where the sheet is present.
 */
import { trusted, type Html } from "./escape";

/** Theme variables and what every display shares. */
const COMMON_CSS = `
.cean-repr {
  --cean-font-mono: var(--jp-code-font-family, var(--vscode-editor-font-family, monospace));
  --cean-color-dim: var(--jp-content-font-color3, var(--vscode-descriptionForeground, rgba(128, 128, 128, 0.95)));
  --cean-color-type: var(--jp-content-font-color2, var(--vscode-descriptionForeground, rgba(128, 128, 128, 0.95)));
  --cean-color-error: var(--jp-error-color1, var(--vscode-errorForeground, #d32f2f));
  --cean-background-error: rgba(211, 47, 47, 0.1);
  --cean-color-lock: var(--jp-ui-font-color2, var(--vscode-icon-foreground, rgba(128, 128, 128, 0.95)));
  --cean-color-border: var(--jp-border-color2, var(--vscode-editorWidget-border, rgba(128, 128, 128, 0.3)));
  --cean-color-header-border: var(--jp-border-color1, var(--vscode-editorWidget-border, rgba(128, 128, 128, 0.5)));
  --cean-background-row-alt: var(--jp-rendermime-table-row-background, rgba(128, 128, 128, 0.05));
  --cean-background-row-hover: var(--jp-rendermime-table-row-hover-background, var(--vscode-list-hoverBackground, rgba(128, 128, 128, 0.12)));
  font-size: var(--jp-content-font-size1, 13px);
  line-height: 1.4;
}
.cean-repr .cean-empty { color: var(--cean-color-dim) !important; font-style: italic; }
/* Marks written as text for viewers that drop this sheet and the SVG icons (see inline-style.ts). */
.cean-repr .cean-fallback { display: none; }
.cean-repr code, .cean-repr .cean-mono { font-family: var(--cean-font-mono); font-size: 0.95em; }
.cean-repr .cean-info-line { font-weight: 600; margin: 0.2em 0 0.4em 0; }
`;

/** Field, file and metadata tables (datasets, attachments, files). */
const TABLE_CSS = `
.cean-repr table.cean-table {
  table-layout: fixed; width: 100%; margin: 0; border-collapse: collapse; border: none; font-size: inherit;
}
.cean-repr .cean-table th, .cean-repr .cean-table td {
  text-align: left; vertical-align: top; padding: 0.15em 0.5em; border: none;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: none;
}
.cean-repr .cean-table tr.cean-header th { font-weight: 600; border-bottom: 2px solid var(--cean-color-header-border); }
.cean-repr table.cean-table tbody tr { background: transparent; }
.cean-repr .cean-table tbody tr:nth-child(even) { background: var(--cean-background-row-alt); }
.cean-repr .cean-table tbody tr:hover { background: var(--cean-background-row-hover); }
/* Values, names and paths wrap so that a long pid or path is always readable in a narrow output
   area; only the long descriptions are cut to one line and open up on hover. */
.cean-repr .cean-table td:not(.cean-field-description), .cean-repr .cean-table td:hover {
  white-space: normal; overflow-wrap: anywhere;
}
.cean-repr col.cean-col-flag { width: 2.6em; }
.cean-repr col.cean-col-name { width: 20%; }
.cean-repr col.cean-col-type { width: 14%; }
.cean-repr col.cean-col-value { width: 34%; }
.cean-repr .cean-field-flag { padding-right: 0; }
.cean-repr td.cean-field-name { font-family: var(--cean-font-mono); }
.cean-repr td.cean-field-type { font-family: var(--cean-font-mono); color: var(--cean-color-type); }
.cean-repr td.cean-field-description { color: var(--cean-color-type); }
.cean-repr .cean-required { color: var(--cean-color-error) !important; font-weight: 700; }
.cean-repr .cean-lock { color: var(--cean-color-lock); vertical-align: -0.1em; }
.cean-repr .cean-table tbody tr.cean-missing-value, .cean-repr .cean-table tbody tr.cean-error {
  background: var(--cean-background-error); box-shadow: inset 3px 0 0 var(--cean-color-error) !important;
}
.cean-repr tr.cean-missing-value .cean-field-value, .cean-repr tr.cean-error .cean-field-value {
  color: var(--cean-color-error) !important;
}
.cean-repr tr.cean-missing-value .cean-empty { color: var(--cean-color-error) !important; }
.cean-repr details.cean-section { margin-top: 0.3em; }
.cean-repr details.cean-section > summary { cursor: pointer; font-weight: 600; padding: 0.15em 0; }
.cean-repr .cean-summary-note { font-weight: 400 !important; color: var(--cean-color-dim) !important; margin-left: 0.25em; }
.cean-repr .cean-summary-note.cean-problems { color: var(--cean-color-error) !important; }
.cean-repr .cean-table .cean-file-size { text-align: right; }
.cean-repr col.cean-col-path { width: 43%; }
.cean-repr col.cean-col-size { width: 14%; }
.cean-repr col.cean-col-metadata-name { width: 30%; }
.cean-repr .cean-attachment-table col.cean-col-name { width: 30%; }
.cean-repr .cean-attachment-table col.cean-col-type { width: 28%; }
.cean-repr td.cean-metadata-name { font-family: var(--cean-font-mono); }
`;

/** Attachments and thumbnails. */
const IMAGE_CSS = `
.cean-repr .cean-attachment { display: flex; gap: 1.5em; align-items: flex-start; }
.cean-repr .cean-attachment-info { flex: 3 1 0; min-width: 0; }
.cean-repr .cean-thumbnail { flex: 1 1 0; min-width: 0; }
.cean-repr img.cean-thumbnail-image { max-width: 100%; max-height: 20em; height: auto; }
`;

/** Small inline values (PID, RemotePath). */
const INLINE_CSS = `
.cean-repr.cean-inline { display: inline-block; }
.cean-repr .cean-inline-kind { color: var(--cean-color-type); margin-right: 0.4em; }
`;

/** The report of an upload's dry run: problem and folder columns, the verdict. */
const CHECK_CSS = `
.cean-repr col.cean-col-kind { width: 16%; }
.cean-repr col.cean-col-subject { width: 26%; }
.cean-repr .cean-check-problems td.cean-check-message { white-space: normal; overflow-wrap: anywhere; }
.cean-repr .cean-check-plan col.cean-col-name { width: 20%; }
.cean-repr .cean-check-plan col.cean-col-value { width: auto; }
.cean-repr .cean-info-line .cean-problems { color: var(--cean-color-error); }
.cean-repr .cean-check-notes { margin: 0.3em 0 0 0; padding-left: 1.4em; color: var(--cean-color-type); }
.cean-repr tr.cean-error td.cean-check-state { color: var(--cean-color-error); font-weight: 600; }
.cean-repr .cean-table tbody tr.cean-folder.cean-error, .cean-repr .cean-table tbody tr.cean-file.cean-error {
  background: var(--cean-background-error); box-shadow: inset 3px 0 0 var(--cean-color-error);
}
`;

/** Joins sheets into one `<style>` element, with whitespace collapsed (the sheets hold no strings). */
function styleElement(...sheets: string[]): Html {
  return trusted(`<style>${sheets.join("").replace(/\s+/g, " ").trim()}</style>`);
}

/** Styles of the dataset and file displays. */
export const TABLE_STYLE: Html = styleElement(COMMON_CSS, TABLE_CSS);
/** Styles of the attachment display (a table beside an image). */
export const ATTACHMENT_STYLE: Html = styleElement(COMMON_CSS, TABLE_CSS, IMAGE_CSS);
/** Styles of a lone thumbnail. */
export const THUMBNAIL_STYLE: Html = styleElement(COMMON_CSS, IMAGE_CSS);
/** Styles of the inline displays. */
export const INLINE_STYLE: Html = styleElement(COMMON_CSS, INLINE_CSS);
/** Styles of the report of an upload's dry run. */
export const UPLOAD_CHECK_STYLE: Html = styleElement(COMMON_CSS, TABLE_CSS, CHECK_CSS);
