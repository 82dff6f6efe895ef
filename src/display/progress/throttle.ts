/**
 * A throttle for progress updates: a transfer may report thousands of events a second, but a
 * notebook front end should see at most a few (every update is a message to the browser).
 */

/** The clock a throttle reads, replaceable in tests. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock. */
export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    // A pending trailing update must not keep a script (or a test) alive.
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** At most ten updates a second. */
export const DEFAULT_INTERVAL_MS = 100;

/**
 * Calls `emit` at most once per `intervalMs`: the first call goes through at once, calls within
 * the interval are merged into one trailing call with the latest value, so the last value is
 * never lost. {@link flush} sends a pending value now (e.g. when the transfer ends).
 */
export class Throttle<T> {
  #last = -Infinity;
  #pending: { value: T } | null = null;
  #timer: unknown = null;

  constructor(
    private readonly emit: (value: T) => void,
    private readonly intervalMs: number = DEFAULT_INTERVAL_MS,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {}

  /** Offers a new value; it is emitted now or at the end of the current interval. */
  push(value: T): void {
    const wait = this.#last + this.intervalMs - this.clock.now();
    if (wait <= 0 && this.#timer === null) {
      this.#send(value);
      return;
    }
    this.#pending = { value };
    if (this.#timer === null) {
      this.#timer = this.clock.setTimeout(() => {
        this.#timer = null;
        this.flush();
      }, Math.max(wait, 0));
    }
  }

  /** Emits the pending value, if any, now. */
  flush(): void {
    if (this.#timer !== null) {
      this.clock.clearTimeout(this.#timer);
      this.#timer = null;
    }
    const pending = this.#pending;
    if (pending !== null) this.#send(pending.value);
  }

  #send(value: T): void {
    this.#pending = null;
    this.#last = this.clock.now();
    this.emit(value);
  }
}
