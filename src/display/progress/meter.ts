/**
 * Turns the client's progress events into what a progress display shows: the phase, an overall
 * bar and one bar per file in flight (in bytes), files done, rate and time left, and the outcome.
 * Pure apart from the clock it is given, so the widget, the HTML fallback and the text bar share it.
 */
import type { TransferProgressEvent } from "../../client/client";
import { humanReadableSize } from "../../values/format";
import type { ProgressBarState, TransferProgressState } from "../../widgets/scitacean/state";

/** How far back the rate looks: long enough to be steady, short enough to follow a change. */
const RATE_WINDOW_MS = 5000;

/** The phases that move the bytes the overall bar counts. */
const MOVING_PHASES: ReadonlySet<string> = new Set(["uploading", "downloading"]);

/** Upload phases in which an abort is still honoured (see `UploadOptions.signal`). */
const CANCELLABLE_UPLOAD_PHASES: ReadonlySet<string> = new Set(["validating", "uploading", "hashing"]);

/** `4 s`, `2 min 5 s`, `1 h 3 min`. */
export function durationText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** Follows one upload or download. */
export class ProgressMeter {
  #state: TransferProgressState;
  readonly #inFlight = new Map<string, ProgressBarState>();
  readonly #moved = new Set<string>();
  #samples: Array<{ t: number; bytes: number }> = [];

  constructor(
    direction: "upload" | "download",
    private readonly now: () => number = Date.now,
  ) {
    this.#state = {
      direction,
      status: "idle",
      phase: "",
      overall: { label: "total", bytesDone: 0, bytesTotal: 0 },
      files: [],
      filesDone: 0,
      filesTotal: 0,
      bytesPerSecond: 0,
      rateText: "",
      message: "",
      cancellable: false,
    };
  }

  /** The current state. */
  get state(): TransferProgressState {
    return this.#state;
  }

  /** The files some bytes of which were moved, in the order they started. */
  get movedFiles(): readonly string[] {
    return [...this.#moved];
  }

  /** Takes one event of `onProgress`. */
  update(event: TransferProgressEvent<string>): TransferProgressState {
    const moving = MOVING_PHASES.has(event.phase);
    let overall = this.#state.overall;
    let filesDone = this.#state.filesDone;
    let filesTotal = this.#state.filesTotal;
    if (moving || this.#state.status === "idle") {
      overall = { label: "total", bytesDone: event.bytesDone, bytesTotal: event.bytesTotal };
      filesDone = event.filesDone;
      filesTotal = event.filesTotal;
    }
    if (event.phase === "done") {
      overall = { ...overall, bytesDone: overall.bytesTotal };
      filesDone = filesTotal;
      this.#inFlight.clear();
    }
    const file = event.file;
    if (file !== undefined && moving && file.bytesDone > 0) this.#moved.add(file.remotePath.posix);
    if (file !== undefined) {
      const label = event.phase === "hashing" ? `checksum ${file.remotePath.posix}` : file.remotePath.posix;
      if (file.bytesDone >= file.bytesTotal) this.#inFlight.delete(label);
      else this.#inFlight.set(label, { label, bytesDone: file.bytesDone, bytesTotal: file.bytesTotal });
    }
    if (!moving) {
      // Leaving the moving phase: no file is in flight any more.
      for (const key of [...this.#inFlight.keys()]) if (!key.startsWith("checksum ")) this.#inFlight.delete(key);
    }
    const rate = moving ? this.#rate(event.bytesDone) : 0;
    const left = overall.bytesTotal - overall.bytesDone;
    const rateText =
      rate > 0 ? `${humanReadableSize(rate)}/s, ${durationText(left / rate)} left` : "";
    const direction = this.#state.direction;
    this.#state = {
      ...this.#state,
      status: event.phase === "done" ? "done" : this.#state.status === "cancelling" ? "cancelling" : "running",
      phase: event.phase,
      overall,
      files: [...this.#inFlight.values()],
      filesDone,
      filesTotal,
      bytesPerSecond: rate,
      rateText,
      cancellable:
        event.phase !== "done" && (direction === "download" || CANCELLABLE_UPLOAD_PHASES.has(event.phase)),
    };
    return this.#state;
  }

  /** Marks the transfer as being cancelled (Cancel was pressed; the abort is under way). */
  cancelling(): TransferProgressState {
    this.#state = { ...this.#state, status: "cancelling", cancellable: false };
    return this.#state;
  }

  /** Ends the transfer with an outcome: done, failed or cancelled, and a message saying what happened. */
  finish(status: "done" | "failed" | "cancelled", message: string): TransferProgressState {
    this.#inFlight.clear();
    this.#state = {
      ...this.#state,
      status,
      files: [],
      message,
      cancellable: false,
      bytesPerSecond: 0,
      rateText: status === "done" ? this.#state.rateText.replace(/, .* left$/, "") : "",
    };
    return this.#state;
  }

  /** Bytes per second over the last {@link RATE_WINDOW_MS}. */
  #rate(bytes: number): number {
    const t = this.now();
    this.#samples.push({ t, bytes });
    while (this.#samples.length > 2 && t - (this.#samples[0]?.t ?? t) > RATE_WINDOW_MS) this.#samples.shift();
    const first = this.#samples[0];
    if (first === undefined || t - first.t < 200 || bytes <= first.bytes) return 0;
    return ((bytes - first.bytes) * 1000) / (t - first.t);
  }
}
