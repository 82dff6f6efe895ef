import { PID } from "../values/pid";

/**
 * A `Map` keyed by PID that accepts a `PID` or its string form alike, so
 * `client.datasets.get(finalized.pid)` and `.get("prefix/id")` both work.
 */
export class PidMap<V> extends Map<string, V> {
  override get(key: PID | string): V | undefined {
    return super.get(String(key));
  }
  override set(key: PID | string, value: V): this {
    return super.set(String(key), value);
  }
  override has(key: PID | string): boolean {
    return super.has(String(key));
  }
  override delete(key: PID | string): boolean {
    return super.delete(String(key));
  }
  /** The keys as PIDs. */
  pids(): PID[] {
    return [...this.keys()].map((k) => PID.parse(k));
  }
}
