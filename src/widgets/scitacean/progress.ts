/**
 * `TransferProgressWidget`: live progress of an upload or download, with a Cancel button that
 * aborts through the transfer's `AbortSignal`.
 * @module
 */
import { ProgressMeter } from "../../display/progress/meter";
import { progressHtml, progressText } from "../../display/progress/render";
import { DEFAULT_INTERVAL_MS, Throttle } from "../../display/progress/throttle";
import type { TransferProgressEvent } from "../../client/client";
import { WidgetModel } from "../model";
import { computedStateSpec, setChanged, type DOMWidgetState } from "./module";
import type { ProgressRequest, TransferProgressState } from "./state";

/** The progress widget's traits. */
export type TransferProgressTraits = TransferProgressState & DOMWidgetState;

/** Options of {@link TransferProgressWidget}. */
export interface TransferProgressOptions {
  /** Least time between two updates sent to the front end (default 100 ms: at most 10 a second). */
  intervalMs?: number;
  /** Also called with every (throttled) state, e.g. to print a text bar or update an HTML display. */
  onUpdate?: (state: TransferProgressState) => void;
}

/**
 * The progress of one upload or download: phase, an overall bar and a bar per file in flight (in
 * bytes), rate and time left, files done, and Cancel. Pass {@link onProgress} and {@link signal}
 * to the client call, then {@link finish} it with the outcome (the helpers `uploadWithProgress`
 * and `downloadWithProgress` do all of this).
 */
export class TransferProgressWidget extends WidgetModel<TransferProgressTraits> {
  readonly #meter: ProgressMeter;
  readonly #throttle: Throttle<TransferProgressState>;
  readonly #controller = new AbortController();

  constructor(direction: "upload" | "download", options: TransferProgressOptions = {}) {
    const meter = new ProgressMeter(direction);
    super(computedStateSpec("TransferProgress", meter.state));
    this.#meter = meter;
    this.#throttle = new Throttle((state) => {
      setChanged(this, state);
      options.onUpdate?.(state);
    }, options.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.onCustom((content) => {
      if ((content as ProgressRequest | null)?.action === "cancel") this.cancel();
    });
  }

  /** Aborted by {@link cancel}; give it to the client call. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The current state (possibly ahead of what the front end has seen). */
  get progress(): TransferProgressState {
    return this.#meter.state;
  }

  /** The files some bytes of which were moved. */
  get movedFiles(): readonly string[] {
    return this.#meter.movedFiles;
  }

  /** Give it to the client call as `onProgress`. */
  readonly onProgress = (event: TransferProgressEvent<string>): void => {
    this.#throttle.push(this.#meter.update(event));
  };

  /** Aborts the transfer if it can still be stopped (an upload: until the dataset is being created). */
  cancel(): void {
    if (!this.#meter.state.cancellable) return;
    this.#throttle.push(this.#meter.cancelling());
    this.#throttle.flush();
    this.#controller.abort(new DOMException("Cancelled by the user.", "AbortError"));
  }

  /** Ends the display with the outcome. */
  finish(status: "done" | "failed" | "cancelled", message: string): void {
    this.#throttle.push(this.#meter.finish(status, message));
    this.#throttle.flush();
  }

  override htmlFallback(): string {
    return progressHtml(this.#meter.state);
  }

  override toString(): string {
    return progressText(this.#meter.state);
  }
}
