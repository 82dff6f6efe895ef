/**
 * Progress without a widget front end: HTML (for notebooks: nbconvert, saved notebooks, a
 * display updated in place) and a one-line text bar (for a terminal).
 */
import { html, type Html } from "../../html/escape";
import { humanReadableSize } from "../../values/format";
import type { ProgressBarState, TransferProgressState } from "../../widgets/scitacean/state";

const fraction = (bar: ProgressBarState): number =>
  bar.bytesTotal <= 0 ? 1 : Math.min(1, Math.max(0, bar.bytesDone / bar.bytesTotal));

function heading(state: TransferProgressState): string {
  const what = state.direction === "upload" ? "Upload" : "Download";
  return `${what}: ${state.status === "running" ? state.phase : state.status}`;
}

function barHtml(bar: ProgressBarState): Html {
  const max = Math.max(bar.bytesTotal, 0);
  const now = Math.min(Math.max(bar.bytesDone, 0), max);
  const width = `${(100 * fraction(bar)).toFixed(1)}%`;
  return html`<div style="display:flex;gap:8px;align-items:center;margin:2px 0"><span style="min-width:12em;font-family:monospace">${bar.label}</span><div role="progressbar" aria-label="${bar.label}" aria-valuemin="0" aria-valuenow="${String(now)}" aria-valuemax="${String(max)}" style="flex:1;max-width:420px;height:10px;background:var(--jp-layout-color3,#ddd);border-radius:2px;overflow:hidden"><div style="height:100%;width:${width};background:var(--jp-brand-color1,#1976d2)"></div></div><span>${humanReadableSize(now)} / ${humanReadableSize(max)}</span></div>`;
}

/** The progress as HTML: heading, overall bar, a bar per file in flight, and the outcome. */
export function progressHtml(state: TransferProgressState): string {
  const files = `${state.filesDone}/${state.filesTotal} files`;
  return html`<div class="scitacean-progress-static"><div><strong>${heading(state)}</strong> ${files} ${state.rateText}</div>${barHtml(state.overall)}${state.files.map(barHtml)}${state.message ? html`<pre style="white-space:pre-wrap">${state.message}</pre>` : ""}</div>`.toString();
}

/** The progress as one line of text: `Upload: uploading [#####.....] 50% 5.00 MiB / 10.00 MiB 1/2 files 2.00 MiB/s, 3 s left`. */
export function progressText(state: TransferProgressState, width = 30): string {
  const f = fraction(state.overall);
  const filled = Math.round(f * width);
  const bar = `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
  const bytes = `${humanReadableSize(state.overall.bytesDone)} / ${humanReadableSize(state.overall.bytesTotal)}`;
  const parts = [heading(state), bar, `${Math.floor(f * 100)}%`, bytes, `${state.filesDone}/${state.filesTotal} files`];
  if (state.rateText) parts.push(state.rateText);
  return parts.join(" ") + (state.message ? `\n${state.message}` : "");
}
