/**
 * SFTP requests that always end: every request is answered, fails, or is
 * failed by us when the connection is lost or the server stops answering.
 *
 * ssh2 alone can wait forever: a request sent after the SFTP channel closed
 * is queued and never answered (that hung uploads whose SSH session died),
 * and a network that silently drops packets leaves requests pending with
 * no error at all.
 */
import type { SFTPWrapper } from "ssh2";
import { FileNotAccessibleError } from "../../errors";
import { logger } from "../../logging";
import type { OpenedSftp } from "./login";

/** SFTP status codes (draft-ietf-secsh-filexfer-02). */
export const SFTP_STATUS = { NO_SUCH_FILE: 2, PERMISSION_DENIED: 3, FAILURE: 4 } as const;

/** The SFTP status code of an error from ssh2, if it has one. */
export function sftpCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}

/**
 * The connection to the file server was lost (closed, reset, keep-alives unanswered) or stalled
 * (no answer within `requestTimeout`): the operation cannot have completed. The message says
 * which host and file, and what happened.
 */
export class ConnectionLostError extends FileNotAccessibleError {
  /** The class name, which stack traces and logs show. */
  override name = "ConnectionLostError";
}

/** Times of {@link SftpChannel}, in ms. */
export interface ChannelTiming {
  /** Longest time requests may stay unanswered. */
  readonly requestTimeout: number;
  /** For the message after a keep-alive timeout. */
  readonly keepaliveInterval: number;
  readonly keepaliveCountMax: number;
}

type Callback<T> = (err: Error | undefined | null, value: T) => void;

/**
 * One SFTP connection whose requests are guarded. A request fails at once
 * when the connection is known to be gone, and every pending request fails
 * as soon as it goes (closed, reset, keep-alive timeout) or when none has
 * been answered for `requestTimeout` ms; the connection is then closed, so
 * that nothing keeps waiting on it.
 */
export class SftpChannel {
  readonly sftp: SFTPWrapper;
  readonly #opened: OpenedSftp;
  readonly #where: string;
  readonly #timing: ChannelTiming;
  readonly #pending = new Map<number, { what: string; fail: (error: Error) => void }>();
  #nextId = 0;
  /** When a pending request was last answered (or the first of a batch sent). */
  #lastAnswer = Date.now();
  #lost: ConnectionLostError | null = null;
  #lastError: (Error & { level?: string; code?: string }) | null = null;
  #watchdog: NodeJS.Timeout;
  readonly #every: number;
  /** When the watchdog last ran. */
  #lastTick = Date.now();

  constructor(opened: OpenedSftp, where: string, timing: ChannelTiming) {
    this.#opened = opened;
    this.sftp = opened.sftp;
    this.#where = where;
    this.#timing = timing;
    const { ssh, sftp } = opened;
    ssh.on("error", (error: Error) => {
      this.#lastError = error;
    });
    ssh.on("close", () => this.#fail(this.#closeReason()));
    sftp.on("close", () => this.#fail("the server closed the SFTP session"));
    // Checked often enough to be on time, rarely enough to cost nothing.
    this.#every = Math.max(50, Math.min(1000, timing.requestTimeout / 4));
    this.#watchdog = setInterval(() => this.#checkStall(), this.#every);
    // The watchdog must not keep a notebook or test process alive on its own.
    this.#watchdog.unref();
  }

  /** True until the connection is known to be lost or closed. */
  get alive(): boolean {
    return this.#lost === null;
  }

  /**
   * Sends one request: `send` gets the callback to pass to ssh2. `what` says
   * what it does, for messages: "writing '/data/x.nxs'".
   */
  request<T>(what: string, send: (cb: Callback<T>) => void): Promise<T> {
    if (this.#lost !== null) return Promise.reject(this.#lostError(what));
    return new Promise<T>((resolve, reject) => {
      const id = this.#nextId++;
      if (this.#pending.size === 0) this.#lastAnswer = Date.now();
      this.#pending.set(id, { what, fail: reject });
      const callback: Callback<T> = (err, value) => {
        if (!this.#pending.delete(id)) return; // Already failed by us.
        this.#lastAnswer = Date.now();
        // ssh2 fails pending requests with "No response from server" when the channel ends; say why instead.
        if (err && this.#lost !== null) reject(this.#lostError(what));
        else if (err) reject(err);
        else resolve(value);
      };
      try {
        send(callback);
      } catch (error) {
        this.#pending.delete(id);
        reject(error as Error);
      }
    });
  }

  /** Closes the connection; never waits longer than a moment, even for a dead connection. */
  async close(): Promise<void> {
    const wasAlive = this.#lost === null;
    this.#fail("the connection was closed", false);
    clearInterval(this.#watchdog);
    if (wasAlive) {
      // A polite end needs an answer; a silent network never gives one.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, 2_000)));
      await Promise.race([this.#opened.client.end().catch(() => undefined), timeout]);
      clearTimeout(timer);
    }
    this.#opened.ssh.destroy();
  }

  #closeReason(): string {
    const error = this.#lastError;
    if (error?.message === "Keepalive timeout") {
      const seconds = (this.#timing.keepaliveInterval * (this.#timing.keepaliveCountMax + 1)) / 1000;
      return `the server did not answer keep-alives for about ${seconds} s (the network or the server is down)`;
    }
    if (error?.code === "ECONNRESET") return "the connection was reset (the server or the network dropped it)";
    if (error?.code === "EPIPE") return "the connection broke (the server or the network dropped it)";
    if (error) return `the connection failed: ${error.message}`;
    return "the server closed the connection";
  }

  #checkStall(): void {
    const now = Date.now();
    // Time this process itself was busy (a blocked event loop) is not the server's: answers may be waiting
    // unread in the socket, and timers run before they are read.
    const lag = now - this.#lastTick - this.#every;
    this.#lastTick = now;
    if (lag > this.#every) this.#lastAnswer += lag;
    if (this.#pending.size === 0 || this.#lost !== null) return;
    const waited = now - this.#lastAnswer;
    if (waited < this.#timing.requestTimeout) return;
    this.#fail(
      `the server did not answer for ${Math.round(waited / 1000)} s (requestTimeout is ` +
        `${this.#timing.requestTimeout / 1000} s; the network or the server may be down or overloaded)`,
    );
  }

  /** Fails every pending and later request; `destroy` also drops the socket at once (else `close` ends it). */
  #fail(reason: string, destroy = true): void {
    if (this.#lost !== null) return;
    this.#lost = new ConnectionLostError(reason);
    clearInterval(this.#watchdog);
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    if (pending.length > 0) logger.warn(`${this.#where}: ${reason}; ${pending.length} requests failed.`);
    for (const p of pending) p.fail(this.#lostError(p.what));
    // Nothing more can come through; make sure the socket goes too.
    if (destroy) this.#opened.ssh.destroy();
  }

  #lostError(what: string): ConnectionLostError {
    const reason = (this.#lost as ConnectionLostError).message;
    return new ConnectionLostError(
      `Lost the connection to ${this.#where} while ${what}: ${reason}. Check the network and try again.`,
      { cause: this.#lost },
    );
  }
}
