import * as path from "node:path";

type Segment = string | RemotePath;

function segmentText(segment: unknown): string {
  if (segment instanceof RemotePath) return segment.posix;
  if (typeof segment === "string") return segment;
  throw new TypeError(
    `Expected a string or RemotePath, got ${segment === null ? "null" : typeof segment}. ` +
      "Use RemotePath.fromLocal to convert a local path.",
  );
}

/**
 * A path on the file server (or a URL), always `/`-separated.
 *
 * It is plain text and never touches the local file system, so that a path on
 * a Linux file server means the same thing on every machine.
 *
 * @example
 * const folder = new RemotePath("/hex/ps");
 * folder.join("thaum", "flux.dat").posix; // "/hex/ps/thaum/flux.dat"
 */
export class RemotePath {
  /** The path as a `/`-separated string. */
  readonly posix: string;

  /** Joins the non-empty segments with `/`. */
  constructor(...segments: Segment[]) {
    this.posix = segments
      .map(segmentText)
      .filter((s) => s.length > 0)
      .join("/");
  }

  /** Converts a path of the local file system, using `/` as the separator. */
  static fromLocal(localPath: string): RemotePath {
    return new RemotePath(localPath.split(path.sep).join("/"));
  }

  /** The same path on the local file system (every segment kept). */
  toLocal(): string {
    return this.posix.split("/").join(path.sep);
  }

  /**
   * Appends `other`. Slashes at the seam are collapsed, so `'/a/'` joined with
   * `'/b/'` is `'/a/b'`: the right-hand side always stays *inside* this path.
   */
  join(...others: Segment[]): RemotePath {
    let result = this.posix;
    for (const other of others) {
      const right = segmentText(other).replace(/^\/+|\/+$/g, "");
      if (right.length === 0) continue;
      const left = result.replace(/\/+$/, "");
      result = result.length === 0 ? right : `${left}/${right}`;
    }
    return new RemotePath(result);
  }

  /** The last segment. A trailing `/` is ignored. */
  get name(): string {
    const trimmed = this.posix.replace(/\/+$/, "");
    return trimmed.slice(trimmed.lastIndexOf("/") + 1);
  }

  /** The extension of {@link RemotePath.name} including the dot, or `null`. */
  get suffix(): string | null {
    const name = this.name;
    const dot = name.lastIndexOf(".");
    return dot <= 0 || dot === name.length - 1 ? null : name.slice(dot);
  }

  /** The folder containing this path: `'/'` for `'/x'`, `'.'` for a bare name. */
  get parent(): RemotePath {
    const trimmed = this.posix === "/" ? "/" : this.posix.replace(/\/+$/, "");
    const slash = trimmed.lastIndexOf("/");
    if (slash < 0) return new RemotePath(".");
    if (slash === 0) return new RemotePath("/");
    return new RemotePath(trimmed.slice(0, slash));
  }

  /** True if the path starts with `/`. */
  isAbsolute(): boolean {
    return this.posix.startsWith("/");
  }

  /**
   * Collapses `.` and `..` segments lexically (no symbolic links, no
   * working directory). Leading `..` of a relative path are kept.
   */
  resolve(): RemotePath {
    const absolute = this.isAbsolute();
    const out: string[] = [];
    for (const seg of this.posix.split("/")) {
      if (seg === "" || seg === ".") continue;
      if (seg === "..") {
        if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
        else if (!absolute) out.push("..");
        continue;
      }
      out.push(seg);
    }
    const joined = out.join("/");
    return new RemotePath(absolute ? `/${joined}` : joined === "" ? "." : joined);
  }

  /**
   * True if this path lies inside `other` (or is `other`), compared segment by
   * segment after {@link RemotePath.resolve}; `/source1/x` is *not* inside `/source`.
   */
  isRelativeTo(other: Segment): boolean {
    const base = new RemotePath(other).resolve().posix;
    const self = this.resolve().posix;
    // The root contains every absolute path; `.` every relative path that does not climb out of it.
    if (base === "/") return this.isAbsolute();
    if (base === ".") return !this.isAbsolute() && self !== ".." && !self.startsWith("../");
    return self === base || self.startsWith(`${base}/`);
  }

  /**
   * Shortens every segment to at most `maxLength` characters, keeping the file
   * extension where possible, for file systems with short name limits.
   */
  truncated(maxLength = 255): RemotePath {
    const truncate = (seg: string): string => {
      if (seg.length <= maxLength) return seg;
      const dot = seg.lastIndexOf(".");
      if (dot <= 0) return seg.slice(0, maxLength);
      const ext = seg.slice(dot);
      const stem = seg.slice(0, dot);
      const keep = Math.max(1, maxLength - ext.length);
      return (stem.slice(0, keep) + ext).slice(0, maxLength);
    };
    return new RemotePath(this.posix.split("/").map(truncate).join("/"));
  }

  /** Equal to a RemotePath or string with exactly the same text. */
  equals(other: unknown): boolean {
    if (other instanceof RemotePath) return other.posix === this.posix;
    return typeof other === "string" && other === this.posix;
  }

  /** The plain path, so that template strings read naturally. */
  toString(): string {
    return this.posix;
  }

  /** The POSIX path, so that `JSON.stringify` writes a string. */
  toJSON(): string {
    return this.posix;
  }

  /** Constructor-style text, e.g. `RemotePath('/hex/ps/thaum')`. */
  toRepr(): string {
    return `RemotePath('${this.posix}')`;
  }
}
