/**
 * Uploads and downloads with progress shown wherever the code runs: a live widget in JupyterLab
 * (whose display is updated in place with HTML at each phase and at the end, so nbconvert and
 * saved notebooks keep the outcome), or a text bar on a terminal.
 * @module
 */
import { randomBytes } from "node:crypto";
import type { Client, DownloadOptions, UploadOptions } from "../../client/client";
import { PartialUploadError } from "../../errors";
import type { Dataset } from "../../model/dataset";
import { progressText } from "../../display/progress/render";
import { getCommLayer } from "../../comm";
import { TransferProgressWidget } from "./progress";
import type { TransferProgressState } from "./state";

/** True if `error` is the abort of a cancelled transfer. */
export function isAbort(error: unknown): boolean {
  // By name: a DOMException from another realm (the kernel's vm context) is no `instanceof Error` here.
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AbortError";
}

const list = (paths: readonly string[]): string => (paths.length === 0 ? "none" : paths.join(", "));

/** What a failed or cancelled upload left, for the user: what was rolled back and what remains. */
export function uploadOutcome(error: unknown, widget: TransferProgressWidget): { status: "failed" | "cancelled"; message: string } {
  if (error instanceof PartialUploadError) {
    return {
      status: "failed",
      message:
        `${error.message}\nLeft behind: dataset ${error.pid ?? "(unknown whether SciCat created it)"}; ` +
        `files in ${error.sourceFolder}: ${list(error.uploadedFiles)}.`,
    };
  }
  const moved = widget.movedFiles;
  const rolledBack =
    moved.length === 0
      ? "No file had been written, and no dataset was created in SciCat."
      : `Rolled back: removed ${moved.length} file(s) from the file server (${list(moved)}); no dataset was created in SciCat.`;
  if (isAbort(error)) return { status: "cancelled", message: `Cancelled. ${rolledBack}` };
  return { status: "failed", message: `${(error as Error).message ?? String(error)}\n${rolledBack}` };
}

/** Where a progress display goes: a widget (updated in place at phase changes) or a terminal. */
function showProgress(widget: TransferProgressWidget): { update(state: TransferProgressState): void; end(): void } {
  const layer = getCommLayer();
  if (layer !== undefined) {
    const displayId = randomBytes(8).toString("hex");
    const send = (update: boolean): void => layer.display(widget.mimeBundle() as Parameters<typeof layer.display>[0], { displayId, update });
    send(false);
    let phase = "";
    return {
      // The widget view updates itself; the display is re-sent only when the phase changes, so
      // front ends without widgets (and saved notebooks) see the HTML bar move on.
      update(state) {
        if (state.phase === phase) return;
        phase = state.phase;
        send(true);
      },
      end: () => send(true),
    };
  }
  const tty = process.stderr.isTTY === true;
  return {
    update(state) {
      if (tty) process.stderr.write(`\r\x1b[2K${progressText(state).split("\n")[0]}`);
    },
    end() {
      const text = progressText(widget.progress);
      if (tty) process.stderr.write(`\r\x1b[2K${text}\n`);
      else console.log(text);
    },
  };
}

/** A signal aborted when `a` or `b` is (the user's own signal, and Cancel). */
function eitherSignal(a: AbortSignal, b: AbortSignal | undefined): AbortSignal {
  if (b === undefined) return a;
  const controller = new AbortController();
  for (const s of [a, b]) {
    if (s.aborted) controller.abort(s.reason);
    else s.addEventListener("abort", () => controller.abort(s.reason), { once: true });
  }
  return controller.signal;
}

async function run<T>(
  widget: TransferProgressWidget,
  show: { update(state: TransferProgressState): void; end(): void },
  work: () => Promise<T>,
  describe: (result: T) => string,
  outcome: (error: unknown) => { status: "failed" | "cancelled"; message: string },
): Promise<T> {
  try {
    const result = await work();
    widget.finish("done", describe(result));
    return result;
  } catch (error) {
    const { status, message } = outcome(error);
    widget.finish(status, message);
    throw error;
  } finally {
    show.end();
  }
}

/** Options of {@link uploadWithProgress}. */
export interface UploadWithProgressOptions extends Omit<UploadOptions, "onProgress"> {
  /** A widget to report to, e.g. one already on screen; by default a new one is displayed. */
  widget?: TransferProgressWidget;
}

/**
 * `client.uploadNewDatasetNow(dataset)` with progress on screen and a Cancel button. Returns
 * the finalized dataset; on failure the display says what was rolled back or left, and the error
 * is thrown as by the client.
 */
export async function uploadWithProgress(client: Client, dataset: Dataset, options: UploadWithProgressOptions = {}): Promise<Dataset> {
  const callbacks: { update(state: TransferProgressState): void } = { update: () => undefined };
  const widget = options.widget ?? new TransferProgressWidget("upload", { onUpdate: (s) => callbacks.update(s) });
  const show = options.widget ? { update: () => undefined, end: () => undefined } : showProgress(widget);
  callbacks.update = show.update;
  const signal = eitherSignal(widget.signal, options.signal);
  return run(
    widget,
    show,
    () => client.uploadNewDatasetNow(dataset, { onProgress: widget.onProgress, signal }),
    (finalized) => `Uploaded dataset ${String(finalized.pid)}.`,
    (error) => uploadOutcome(error, widget),
  );
}

/** Options of {@link downloadWithProgress}. */
export interface DownloadWithProgressOptions extends Omit<DownloadOptions, "onProgress"> {
  /** A progress widget to drive, e.g. one already on screen; without it a new one is shown. */
  widget?: TransferProgressWidget;
}

/** `client.downloadFiles(dataset, options)` with progress on screen and a Cancel button. */
export async function downloadWithProgress(client: Client, dataset: Dataset, options: DownloadWithProgressOptions): Promise<Dataset> {
  const callbacks: { update(state: TransferProgressState): void } = { update: () => undefined };
  const widget = options.widget ?? new TransferProgressWidget("download", { onUpdate: (s) => callbacks.update(s) });
  const show = options.widget ? { update: () => undefined, end: () => undefined } : showProgress(widget);
  callbacks.update = show.update;
  const { widget: _widget, ...rest } = options;
  const signal = eitherSignal(widget.signal, options.signal);
  return run(
    widget,
    show,
    () => client.downloadFiles(dataset, { ...rest, onProgress: widget.onProgress, signal }),
    () => `Downloaded to ${options.target}.`,
    (error) => ({
      status: isAbort(error) ? "cancelled" : "failed",
      message: isAbort(error)
        ? "Cancelled. A partly written file is removed; files downloaded before stay."
        : (error as Error).message,
    }),
  );
}
