/**
 * Display of files: the file table of a dataset and a lone {@link File}.
 */
import type { File } from "../model/file";
import { boundText } from "../values/bounded";
import { humanReadableSize } from "../values/format";
import { html, type Html } from "./escape";
import type { MimeBundle } from "./mime-bundle";
import { ALIGN_LEFT, ALIGN_RIGHT, DIM_TEXT } from "./inline-style";
import { TABLE_STYLE } from "./styles";
import { boundedHtml, NULL_HTML, oneLine } from "./values";

/** What the file table shows of one file. */
export interface FileView {
  readonly local: string | null;
  /** `RemotePath('…')` relative to the source folder, only if the file is on the file server. */
  readonly remote: string | null;
  /** Where the file will go on upload (relative to the source folder). */
  readonly remotePath: string;
  /** Bytes, or `null` if the local file cannot be read (e.g. deleted since it was added). */
  readonly size: number | null;
}

function viewOf(file: File): FileView {
  return {
    local: file.localPath,
    remote: file.isOnRemote ? file.remotePath.toRepr() : null,
    remotePath: file.remotePath.posix,
    size: sizeOf(file),
  };
}

function sizeOf(file: File): number | null {
  try {
    return file.size; // stats a local file, once per display
  } catch {
    return null;
  }
}

/**
 * How many files a dataset's HTML table shows. Beyond it the table ends with a
 * count of the others, so that the display of a dataset with 100,000 files
 * stays small and quick; {@link renderFiles} lists any number of them.
 */
export const MAX_HTML_FILE_ROWS = 100;

/**
 * Views of the first `limit` files (default all), and the number and total
 * size of all `files` (of the files whose size is known).
 */
export function fileViews(
  files: readonly File[],
  limit = Infinity,
): { views: FileView[]; total: number; count: number } {
  const views = files.slice(0, limit).map(viewOf);
  let total = views.reduce((sum, v) => sum + (v.size ?? 0), 0);
  for (let i = views.length; i < files.length; i++) total += sizeOf(files[i] as File) ?? 0;
  return { views, total, count: files.length };
}

const sizeText = (size: number | null): string => (size === null ? "?" : humanReadableSize(size));

function fileRowHtml(view: FileView): Html {
  const local = view.local === null ? NULL_HTML : boundedHtml(view.local);
  const remote =
    view.remote === null
      ? html`<span class="cean-empty" title="${`not on the file server yet; will be uploaded as ${boundText(view.remotePath)}`}"${DIM_TEXT}>null</span>`
      : boundedHtml(view.remote);
  const size =
    view.size === null ? html`<span class="cean-empty" title="the local file cannot be read"${DIM_TEXT}>?</span>` : html`${sizeText(view.size)}`;
  return html`<tr class="cean-file"><td class="cean-file-local-path"${ALIGN_LEFT}>${local}</td><td class="cean-file-remote-path"${ALIGN_LEFT}>${remote}</td><td class="cean-file-size"${ALIGN_RIGHT}>${size}</td></tr>`;
}

/**
 * The Local / Remote / Size table of `views`. If the list has `count` files
 * but only the first `views.length` are shown, a last row counts the others.
 */
export function filesTableHtml(views: readonly FileView[], count = views.length): Html {
  const rows =
    views.length === 0
      ? html`<tr class="cean-no-files"><td colspan="3"${ALIGN_LEFT}><span class="cean-empty"${DIM_TEXT}>no files</span></td></tr>`
      : views.map(fileRowHtml);
  const hidden = count - views.length;
  const more =
    hidden > 0
      ? html`<tr class="cean-more-files"><td colspan="3"${ALIGN_LEFT}><span class="cean-empty"${DIM_TEXT}>… and ${hidden} more (${count} in all): <code>dataset.files</code> lists them all</span></td></tr>`
      : null;
  return html`<table class="cean-table cean-files"><colgroup><col class="cean-col-path"><col class="cean-col-path"><col class="cean-col-size"></colgroup><thead><tr class="cean-header"><th class="cean-file-local-path"${ALIGN_LEFT}>Local</th><th class="cean-file-remote-path"${ALIGN_LEFT}>Remote</th><th class="cean-file-size"${ALIGN_RIGHT}>Size</th></tr></thead><tbody>${rows}${more}</tbody></table>`;
}

/**
 * The MIME bundle of a table of `files` (all of them, however many, unlike a
 * dataset's display), e.g. `renderFiles(dataset.files.slice(100, 200))`.
 */
export function renderFiles(files: readonly File[]): MimeBundle {
  const { views, total, count } = fileViews(files);
  return {
    "text/html": html`<div class="cean-repr cean-files-repr">${TABLE_STYLE}${filesTableHtml(views)}</div>`.markup,
    "text/plain": filesText(views, total, count, Infinity).join("\n"),
  };
}

/** The file count and the total size in parentheses, as the section headings show them. */
export function filesSummary(count: number, total: number): { count: string; size: string } {
  return { count: String(count), size: `(${humanReadableSize(total)})` };
}

/** How many files the plain text lists before it only counts. */
const MAX_TEXT_FILES = 10;

/**
 * The plain-text file table: `Files: N (size)` and aligned Local / Remote /
 * Size lines of the first `maxRows` of `views`. `count` is the number of all
 * files, of which `views` may be the first few.
 */
export function filesText(views: readonly FileView[], total: number, count = views.length, maxRows = MAX_TEXT_FILES): string[] {
  const summary = filesSummary(count, total);
  const lines = [`Files: ${summary.count} ${summary.size}`];
  if (views.length === 0) return lines;
  const cells = views
    .slice(0, maxRows)
    .map((v) => [oneLine(v.local ?? "null", 50), oneLine(v.remote ?? "null", 50), sizeText(v.size)] as const);
  const table = [["local", "remote", "size"] as const, ...cells];
  const width = (i: 0 | 1): number => Math.max(...table.map((row) => row[i].length));
  const [w0, w1] = [width(0), width(1)];
  lines.push(...table.map(([l, r, s]) => `  ${l.padEnd(w0)}  ${r.padEnd(w1)}  ${s}`));
  const shown = Math.min(views.length, maxRows);
  if (count > shown) lines.push(`  … and ${count - shown} more`);
  return lines;
}

/** HTML of a lone file: a one-row file table. */
export function fileHtml(file: File): string {
  return html`<div class="cean-repr cean-file-repr">${TABLE_STYLE}${filesTableHtml([viewOf(file)])}</div>`.markup;
}

/** `File  local: data/a.dat  remote: a.dat (not uploaded yet)  size: 10 B` */
export function fileText(file: File): string {
  const view = viewOf(file);
  const remote = view.remote === null ? `${boundText(view.remotePath)} (not uploaded yet)` : boundText(view.remotePath);
  return `File  local: ${boundText(view.local ?? "null")}  remote: ${remote}  size: ${sizeText(view.size)}`;
}

/** The MIME bundle of a file. */
export function renderFile(file: File): MimeBundle {
  return { "text/html": fileHtml(file), "text/plain": fileText(file) };
}
