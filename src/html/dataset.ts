/**
 * Display of a {@link Dataset}: a `RawDataset` / `DerivedDataset` heading,
 * the main fields, the collapsed "Advanced fields", the files and the
 * scientific metadata. Fields that would stop an upload are highlighted, with
 * the validation message as tooltip.
 */
import type { Dataset } from "../model/dataset";
import type { DatasetType } from "../model/field-spec";
import { datasetRows, type FieldRow } from "./dataset-rows";
import { html, type Html } from "./escape";
import { fileViews, filesSummary, filesTableHtml, filesText, MAX_HTML_FILE_ROWS, type FileView } from "./files";
import { flagsHtml } from "./icons";
import { ALIGN_LEFT, DIM_TEXT, ERROR_CELL, ERROR_ROW, ERROR_TEXT } from "./inline-style";
import type { MimeBundle } from "./mime-bundle";
import { TABLE_STYLE } from "./styles";
import { boundedHtml, metadataHtml, metadataText, oneLine, valueHtml, valueText } from "./values";

/** `RawDataset` or `DerivedDataset`. */
export function datasetTypeName(type: DatasetType): string {
  return type === "derived" ? "DerivedDataset" : "RawDataset";
}

const STATUS_CLASS: Readonly<Record<FieldRow["status"], string | null>> = {
  ok: null,
  missing: "cean-missing-value",
  error: "cean-error",
};

/** The tooltip of a flagged row: one `field: message` line per problem. */
const problemText = (row: FieldRow): string => row.messages.map((m) => `${row.name}: ${m}`).join("\n");

function fieldRowHtml(row: FieldRow): Html {
  const status = STATUS_CLASS[row.status];
  const classes = status === null ? "cean-field" : `cean-field ${status}`;
  const problem = row.messages.length === 0 ? null : problemText(row);
  const title = problem === null ? null : html` title="${problem}"${ERROR_ROW}`;
  const valueStyle = problem === null ? ALIGN_LEFT : ERROR_CELL;
  return html`<tr class="${classes}"${title}><td class="cean-field-flag"${ALIGN_LEFT}>${flagsHtml({ ...row, problem })}</td><td class="cean-field-name"${ALIGN_LEFT}>${row.name}</td><td class="cean-field-type"${ALIGN_LEFT}>${row.type}</td><td class="cean-field-value"${valueStyle}>${valueHtml(row.value)}</td><td class="cean-field-description"${ALIGN_LEFT}>${row.description}</td></tr>`;
}

const FIELD_COLUMNS = html`<colgroup><col class="cean-col-flag"><col class="cean-col-name"><col class="cean-col-type"><col class="cean-col-value"><col class="cean-col-description"></colgroup>`;

const FIELD_HEADER = html`<thead><tr class="cean-header"><th class="cean-field-flag"${ALIGN_LEFT}></th><th class="cean-field-name"${ALIGN_LEFT}>Name</th><th class="cean-field-type"${ALIGN_LEFT}>Type</th><th class="cean-field-value"${ALIGN_LEFT}>Value</th><th class="cean-field-description"${ALIGN_LEFT}>Description</th></tr></thead>`;

function mainTableHtml(rows: readonly FieldRow[]): Html {
  return html`<table class="cean-table cean-dataset cean-main-fields">${FIELD_COLUMNS}${FIELD_HEADER}<tbody>${rows.map(fieldRowHtml)}</tbody></table>`;
}

/**
 * The advanced fields. Collapsed, so the summary counts flagged rows: a
 * problem hidden in a closed section would otherwise go unnoticed.
 */
function advancedSectionHtml(rows: readonly FieldRow[]): Html {
  const flagged = rows.filter((r) => r.status !== "ok").length;
  const note = flagged === 0 ? null : html` <span class="cean-summary-note cean-problems"${ERROR_TEXT}>${problemCount(flagged)}</span>`;
  return html`<details class="cean-section cean-dataset-details"><summary>Advanced fields${note}</summary><table class="cean-table cean-dataset cean-advanced-fields">${FIELD_COLUMNS}<tbody>${rows.map(fieldRowHtml)}</tbody></table></details>`;
}

const problemCount = (n: number): string => `${n} field${n === 1 ? "" : "s"} to fix`;

function filesSectionHtml(views: readonly FileView[], total: number, fileCount: number): Html {
  const { count, size } = filesSummary(fileCount, total);
  return html`<details class="cean-section cean-dataset-files"><summary>Files: <span class="cean-file-info">${count} <span class="cean-file-info-size">${size}</span></span></summary>${filesTableHtml(views, fileCount)}</details>`;
}

function metadataSectionHtml(meta: Record<string, unknown>): Html {
  const entries = Object.entries(meta);
  const rows =
    entries.length === 0
      ? html`<tr class="cean-no-metadata"><td colspan="2"${ALIGN_LEFT}><span class="cean-empty"${DIM_TEXT}>no scientific metadata</span></td></tr>`
      : entries.map(
          ([key, value]) =>
            html`<tr class="cean-metadata-entry"><td class="cean-metadata-name"${ALIGN_LEFT}>${boundedHtml(key)}</td><td class="cean-metadata-value"${ALIGN_LEFT}>${metadataHtml(value)}</td></tr>`,
        );
  return html`<details class="cean-section cean-dataset-metadata"><summary>Scientific Metadata <span class="cean-summary-note">${entryCount(entries.length)}</span></summary><table class="cean-table cean-metadata"><colgroup><col class="cean-col-metadata-name"><col class="cean-col-metadata-value"></colgroup><thead><tr class="cean-header"><th class="cean-metadata-name"${ALIGN_LEFT}>Name</th><th class="cean-metadata-value"${ALIGN_LEFT}>Value</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}

const entryCount = (n: number): string => `${n} ${n === 1 ? "entry" : "entries"}`;

/** Everything a display shows, gathered once (validation and file sizes are not free). */
interface DatasetView {
  readonly typeName: string;
  readonly main: readonly FieldRow[];
  readonly advanced: readonly FieldRow[];
  /** The first files, as many as the HTML table shows. */
  readonly files: readonly FileView[];
  readonly fileCount: number;
  readonly totalSize: number;
  readonly meta: Record<string, unknown>;
}

function viewOf(dataset: Dataset): DatasetView {
  const { main, advanced } = datasetRows(dataset);
  const { views, total, count } = fileViews(dataset.files, MAX_HTML_FILE_ROWS);
  return { typeName: datasetTypeName(dataset.type), main, advanced, files: views, fileCount: count, totalSize: total, meta: dataset.meta };
}

function htmlOf(view: DatasetView): string {
  return html`<div class="cean-repr cean-dataset-repr">${TABLE_STYLE}<div class="cean-info-line"><span class="cean-dataset-type">${view.typeName}</span></div>${mainTableHtml(view.main)}${advancedSectionHtml(view.advanced)}${filesSectionHtml(view.files, view.totalSize, view.fileCount)}${metadataSectionHtml(view.meta)}</div>`
    .markup;
}

/** How many metadata entries the plain text lists before it only counts. */
const MAX_TEXT_METADATA = 10;

function textOf(view: DatasetView): string {
  const rows = [...view.main, ...view.advanced];
  const lines = [view.typeName];
  for (const row of rows) {
    if (row.value === null) continue;
    const problem = row.status === "error" ? `  (invalid: ${oneLine(row.messages.join(" "))})` : "";
    lines.push(`  ${row.name}: ${oneLine(valueText(row.value))}${problem}`);
  }
  const missing = rows.filter((r) => r.status === "missing").map((r) => r.name);
  if (missing.length > 0) lines.push(`  missing required: ${missing.join(", ")}`);

  lines.push(...filesText(view.files, view.totalSize, view.fileCount));

  const entries = Object.entries(view.meta);
  lines.push(`Scientific Metadata: ${entryCount(entries.length)}`);
  for (const [key, value] of entries.slice(0, MAX_TEXT_METADATA)) {
    lines.push(`  ${oneLine(key, 40)}: ${oneLine(metadataText(value))}`);
  }
  if (entries.length > MAX_TEXT_METADATA) lines.push(`  … and ${entries.length - MAX_TEXT_METADATA} more`);
  return lines.join("\n");
}

/** The HTML display of a dataset. Reads the sizes of local files; no other I/O. */
export function datasetHtml(dataset: Dataset): string {
  return htmlOf(viewOf(dataset));
}

/**
 * The plain-text display: the heading, `name: value` for every field that
 * holds a value (main fields first), what is missing or invalid, the files
 * and the metadata. Long values are shortened to keep it to a screenful.
 */
export function datasetText(dataset: Dataset): string {
  return textOf(viewOf(dataset));
}

/** The MIME bundle of a dataset. */
export function renderDataset(dataset: Dataset): MimeBundle {
  const view = viewOf(dataset);
  return { "text/html": htmlOf(view), "text/plain": textOf(view) };
}
