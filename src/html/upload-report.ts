/**
 * Display of the report of an upload's dry run (`Client.checkUpload`): the
 * problems first, then what the upload would do: SciCat's answer, the source
 * folder, the folders and files on the file server, the datablocks and
 * attachments, the size and the estimated time. In the style of the dataset
 * table, and readable without the style sheet: every status is written out.
 */
import type { UploadAttachment, UploadOrigDatablock } from "../model/wire";
import { humanReadableSize } from "../values/format";
import { html, type Html } from "./escape";
import { filesSummary } from "./files";
import { ALIGN_LEFT, ALIGN_RIGHT, DIM_TEXT } from "./inline-style";
import type { MimeBundle } from "./mime-bundle";
import { UPLOAD_CHECK_STYLE } from "./styles";
import { NULL_HTML, oneLine } from "./values";

/** What a problem of an upload concerns. */
export type UploadProblemKind =
  /** A dataset field is not valid (checked here). */
  | "field"
  /** An attachment is not valid, or the attachments were not downloaded. */
  | "attachment"
  /** SciCat refused the dataset (its `isValid` answer) or the request (e.g. no permission). */
  | "scicat-refused"
  /** SciCat could not be reached, or did not answer. */
  | "scicat-unreachable"
  /** The source folder cannot be determined (a template field not set, no folder at all). */
  | "source-folder"
  /** A file cannot be uploaded: missing here, outside of the source folder, twice, or both local and remote. */
  | "file"
  /** A file already exists on the file server, and files are never overwritten. */
  | "file-exists"
  /** There are files but no file transfer. */
  | "no-transfer"
  /** The file server cannot be reached, refuses the login, or the transfer cannot upload. */
  | "file-server"
  /** A folder cannot be created or written. */
  | "not-writable"
  /** The check could not remove a probe file or a folder it created. */
  | "left-over"
  /** Checksums could not be computed. */
  | "checksum";

/** One thing that would stop the upload (or that the check left behind). */
export interface UploadProblem {
  /** What kind of problem it is. */
  readonly kind: UploadProblemKind;
  /** What it concerns: a field name, a file or folder path, `SciCat`, the file server. */
  readonly subject: string;
  /** What is wrong and what to do. */
  readonly message: string;
}

/** One file of the upload. */
export interface UploadCheckFile {
  /** Where the file is on this machine, or `null` for a file already on the server. */
  readonly localPath: string | null;
  /** Relative to the source folder. */
  readonly remotePath: string;
  /** Full remote path, or `null` if it would be outside of the source folder (or there is no folder). */
  readonly target: string | null;
  /** Bytes, or `null` if the local file cannot be read. */
  readonly size: number | null;
  /** Whether something already exists at `target`; `null` if the server was not checked. */
  readonly exists: boolean | null;
  /** The checksum the upload would record, if checksums were asked for (else `null`). */
  readonly checksum: string | null;
}

/** One folder on the file server, as checked. */
export interface UploadCheckFolder {
  /** The folder's full remote path. */
  readonly path: string;
  /** Whether it existed before the check (else the upload would create it). */
  readonly existed: boolean;
  /** Whether the check could write a probe file into it. */
  readonly writable: boolean;
}

/** SciCat's verdict on the dataset. */
export type ScicatVerdict = "valid" | "refused" | "unreachable" | "not asked";

/** What {@link renderUploadReport} shows; the report of `Client.checkUpload` is one. */
export interface UploadReportView {
  readonly problems: readonly UploadProblem[];
  /** Facts worth knowing that are not problems (what was checked how, what the real upload does differently). */
  readonly notes: readonly string[];
  readonly scicat: ScicatVerdict;
  readonly sourceFolder: string | null;
  /** Names the file server (and how it was reached), or `null` if it was not contacted. */
  readonly fileServer: string | null;
  readonly folders: readonly UploadCheckFolder[];
  readonly files: readonly UploadCheckFile[];
  readonly datablocks: readonly UploadOrigDatablock[];
  readonly attachments: readonly UploadAttachment[];
  readonly totalSize: number;
  /** Estimated seconds of the upload of the files, if measured. */
  readonly estimatedSeconds: number | null;
  /** Bytes per second of the measured probe, if measured. */
  readonly measuredRate: number | null;
}

/** How each kind of problem reads in the report. */
const KIND_LABEL: Readonly<Record<UploadProblemKind, string>> = {
  field: "invalid field",
  attachment: "attachment",
  "scicat-refused": "SciCat refuses",
  "scicat-unreachable": "SciCat unreachable",
  "source-folder": "source folder",
  file: "file",
  "file-exists": "file exists",
  "no-transfer": "no file transfer",
  "file-server": "file server",
  "not-writable": "not writable",
  "left-over": "left on the server",
  checksum: "checksums",
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** `ready to upload` or `3 problems`. */
function verdict(view: UploadReportView): string {
  return view.problems.length === 0 ? "ready to upload" : `${plural(view.problems.length, "problem")}: the upload would fail`;
}

/** `45 s`, `12 min`, `3.1 h`. */
export function durationText(seconds: number): string {
  if (seconds < 1) return "under a second";
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

const SCICAT_TEXT: Readonly<Record<ScicatVerdict, string>> = {
  valid: "accepts the dataset (isValid)",
  refused: "refuses the dataset",
  unreachable: "could not be reached",
  "not asked": "not asked (the dataset is not valid here)",
};

function existsText(file: UploadCheckFile): string {
  if (file.exists === null) return "not checked";
  return file.exists ? "exists: refused" : "free";
}

function folderText(folder: UploadCheckFolder): string {
  const state = folder.existed ? "exists" : "would be created";
  return `${state}, ${folder.writable ? "writable" : "NOT writable"}`;
}

function estimateText(view: UploadReportView): string | null {
  if (view.estimatedSeconds === null || view.measuredRate === null) return null;
  const time = durationText(view.estimatedSeconds);
  return `${view.estimatedSeconds < 1 ? time : `about ${time}`} (measured ${humanReadableSize(view.measuredRate)}/s)`;
}

/** The key facts, as `[label, value]` rows. */
function planRows(view: UploadReportView): Array<[string, string | null]> {
  const { count, size } = filesSummary(view.files.length, view.totalSize);
  const blockFiles = view.datablocks.map((b) => b.dataFileList.length);
  return [
    ["SciCat", SCICAT_TEXT[view.scicat]],
    ["source folder", view.sourceFolder],
    ["file server", view.fileServer ?? "not contacted"],
    ["files", `${count} ${size}`],
    [
      "datablocks",
      view.datablocks.length === 0 ? "none" : `${view.datablocks.length} (${blockFiles.map((n) => plural(n, "file")).join(", ")})`,
    ],
    ["attachments", view.attachments.length === 0 ? "none" : view.attachments.map((a) => a.caption).join(", ")],
    // Only when measured: an estimate nobody asked for is not missing.
    ...(view.estimatedSeconds === null ? [] : [["estimated time", estimateText(view)] as [string, string | null]]),
  ];
}

function problemRowHtml(problem: UploadProblem): Html {
  return html`<tr class="cean-field cean-error"><td class="cean-check-kind"${ALIGN_LEFT}>${KIND_LABEL[problem.kind]}</td><td class="cean-check-subject"${ALIGN_LEFT}>${problem.subject}</td><td class="cean-check-message"${ALIGN_LEFT}>${problem.message}</td></tr>`;
}

function problemsHtml(view: UploadReportView): Html | null {
  if (view.problems.length === 0) return null;
  return html`<table class="cean-table cean-check-problems"><colgroup><col class="cean-col-kind"><col class="cean-col-subject"><col class="cean-col-message"></colgroup><thead><tr class="cean-header"><th${ALIGN_LEFT}>Problem</th><th${ALIGN_LEFT}>Concerns</th><th${ALIGN_LEFT}>What to do</th></tr></thead><tbody>${view.problems.map(problemRowHtml)}</tbody></table>`;
}

function planHtml(view: UploadReportView): Html {
  const rows = planRows(view).map(
    ([label, value]) =>
      html`<tr class="cean-field"><td class="cean-field-name"${ALIGN_LEFT}>${label}</td><td class="cean-field-value"${ALIGN_LEFT}>${value === null ? NULL_HTML : value}</td></tr>`,
  );
  return html`<table class="cean-table cean-check-plan"><colgroup><col class="cean-col-name"><col class="cean-col-value"></colgroup><tbody>${rows}</tbody></table>`;
}

function foldersHtml(view: UploadReportView): Html | null {
  if (view.folders.length === 0) return null;
  const rows = view.folders.map(
    (f) =>
      html`<tr class="${f.writable ? "cean-folder" : "cean-folder cean-error"}"><td class="cean-file-remote-path"${ALIGN_LEFT}>${f.path}</td><td class="cean-check-state"${ALIGN_LEFT}>${folderText(f)}</td></tr>`,
  );
  return html`<details class="cean-section cean-check-folders" open><summary>Folders: <span class="cean-summary-note">${String(view.folders.length)}</span></summary><table class="cean-table"><thead><tr class="cean-header"><th${ALIGN_LEFT}>Folder</th><th${ALIGN_LEFT}>State</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}

function filesHtml(view: UploadReportView): Html {
  const withChecksums = view.files.some((f) => f.checksum !== null);
  const rows =
    view.files.length === 0
      ? html`<tr class="cean-no-files"><td colspan="${withChecksums ? "5" : "4"}"${ALIGN_LEFT}><span class="cean-empty"${DIM_TEXT}>no files</span></td></tr>`
      : view.files.map((f) => {
          const size = f.size === null ? html`<span class="cean-empty">?</span>` : humanReadableSize(f.size);
          const checksum = withChecksums ? html`<td class="cean-check-checksum cean-mono"${ALIGN_LEFT}>${f.checksum ?? NULL_HTML}</td>` : null;
          return html`<tr class="${f.exists ? "cean-file cean-error" : "cean-file"}"><td class="cean-file-local-path"${ALIGN_LEFT}>${f.localPath ?? NULL_HTML}</td><td class="cean-file-remote-path"${ALIGN_LEFT}>${f.target ?? f.remotePath}</td><td class="cean-file-size"${ALIGN_RIGHT}>${size}</td><td class="cean-check-state"${ALIGN_LEFT}>${existsText(f)}</td>${checksum}</tr>`;
        });
  const { count, size } = filesSummary(view.files.length, view.totalSize);
  const checksumHead = withChecksums ? html`<th${ALIGN_LEFT}>Checksum</th>` : null;
  return html`<details class="cean-section cean-check-files"${view.files.some((f) => f.exists) ? html` open` : null}><summary>Files: <span class="cean-file-info">${count} <span class="cean-file-info-size">${size}</span></span></summary><table class="cean-table cean-files"><thead><tr class="cean-header"><th class="cean-file-local-path"${ALIGN_LEFT}>Local</th><th class="cean-file-remote-path"${ALIGN_LEFT}>Remote</th><th class="cean-file-size"${ALIGN_RIGHT}>Size</th><th${ALIGN_LEFT}>On the server</th>${checksumHead}</tr></thead><tbody>${rows}</tbody></table></details>`;
}

function notesHtml(view: UploadReportView): Html | null {
  if (view.notes.length === 0) return null;
  return html`<ul class="cean-check-notes">${view.notes.map((n) => html`<li>${n}</li>`)}</ul>`;
}

/** The HTML display of an upload check. */
export function uploadReportHtml(view: UploadReportView): string {
  const state = view.problems.length === 0 ? "cean-check-ok" : "cean-problems";
  return html`<div class="cean-repr cean-upload-check">${UPLOAD_CHECK_STYLE}<div class="cean-info-line">Upload check: <span class="${state}">${verdict(view)}</span></div>${problemsHtml(view)}${planHtml(view)}${foldersHtml(view)}${filesHtml(view)}${notesHtml(view)}</div>`
    .markup;
}

/** How many files the plain text lists before it only counts. */
const MAX_TEXT_FILES = 10;

/** The plain-text display: verdict, problems, the plan, folders, files and notes. */
export function uploadReportText(view: UploadReportView): string {
  const lines = [`Upload check: ${verdict(view)}`];
  for (const p of view.problems) lines.push(`  ✗ ${KIND_LABEL[p.kind]} (${p.subject}): ${oneLine(p.message, 400)}`);
  for (const [label, value] of planRows(view)) if (value !== null) lines.push(`${label}: ${value}`);
  if (view.folders.length > 0) lines.push("folders:", ...view.folders.map((f) => `  ${f.path}: ${folderText(f)}`));
  if (view.files.length > 0) {
    lines.push("files:");
    for (const f of view.files.slice(0, MAX_TEXT_FILES)) {
      const size = f.size === null ? "?" : humanReadableSize(f.size);
      const checksum = f.checksum === null ? "" : `  ${f.checksum.slice(0, 16)}…`;
      lines.push(`  ${f.localPath ?? "null"} -> ${f.target ?? f.remotePath}  ${size}  ${existsText(f)}${checksum}`);
    }
    if (view.files.length > MAX_TEXT_FILES) lines.push(`  … and ${view.files.length - MAX_TEXT_FILES} more`);
  }
  lines.push(...view.notes.map((n) => `note: ${n}`));
  return lines.join("\n");
}

/** The MIME bundle of an upload check. */
export function renderUploadReport(view: UploadReportView): MimeBundle {
  return { "text/html": uploadReportHtml(view), "text/plain": uploadReportText(view) };
}
