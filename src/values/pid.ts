import { randomUUID } from "node:crypto";

/**
 * A SciCat persistent identifier: an optional site prefix and an id,
 * written `prefix/id` (for example `20.500.12269/72fe3ff6-…`).
 *
 * @example
 * const pid = PID.parse("20.500.12269/72fe3ff6-105b-4c7f-b9d0-073b67c90ec3");
 * pid.prefix; // "20.500.12269"
 * pid.toString(); // "20.500.12269/72fe3ff6-105b-4c7f-b9d0-073b67c90ec3"
 */
export class PID {
  /** The id without prefix. */
  readonly pid: string;
  /** The site prefix, or `null` if the identifier has none. */
  readonly prefix: string | null;

  constructor(init: { pid: string; prefix?: string | null | undefined }) {
    this.pid = init.pid;
    this.prefix = init.prefix ?? null;
  }

  /**
   * Parses `prefix/id`. Only the first `/` separates the prefix, so the id
   * itself may contain slashes. A string without `/` has no prefix.
   */
  static parse(value: string | PID): PID {
    if (value instanceof PID) return value;
    if (typeof value !== "string") {
      throw new TypeError(`Cannot parse a PID from ${typeof value}; expected a string like 'prefix/id'.`);
    }
    const slash = value.indexOf("/");
    return slash < 0
      ? new PID({ pid: value })
      : new PID({ prefix: value.slice(0, slash), pid: value.slice(slash + 1) });
  }

  /** A new random PID (UUID v4), as the fake SciCat server assigns them. */
  static generate(options: { prefix?: string | null } = {}): PID {
    return new PID({ pid: randomUUID(), prefix: options.prefix ?? null });
  }

  /** The id without prefix, as a PID. */
  get withoutPrefix(): PID {
    return new PID({ pid: this.pid });
  }

  /** `prefix/id`, the form SciCat uses. */
  toString(): string {
    return this.prefix === null ? this.pid : `${this.prefix}/${this.pid}`;
  }

  /** The PID as `prefix/id`, so that `JSON.stringify` writes a string. */
  toJSON(): string {
    return this.toString();
  }

  /** Equal to another PID with the same prefix and id (never to a plain string). */
  equals(other: unknown): boolean {
    return other instanceof PID && other.pid === this.pid && other.prefix === this.prefix;
  }

  /** Constructor-style text, e.g. `PID(prefix='20.500.12269', pid='72fe…')`. */
  toRepr(): string {
    return this.prefix === null ? `PID(pid='${this.pid}')` : `PID(prefix='${this.prefix}', pid='${this.pid}')`;
  }
}
