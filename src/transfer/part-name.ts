/**
 * Temporary names for files being written: a file is written under such a
 * name next to its final place and renamed only once complete, so that a
 * partial file never has the final name.
 */
import { randomBytes } from "node:crypto";

/**
 * `folder/.name.<random>.part` for `folder/name`: hidden, in the same folder
 * (so the rename stays within one file system and is atomic), and unique.
 * `separator` is `/` for remote paths, the local one for local paths.
 */
export function partName(file: string, separator = "/"): string {
  const cut = Math.max(file.lastIndexOf("/"), separator === "/" ? -1 : file.lastIndexOf(separator));
  return `${file.slice(0, cut + 1)}.${file.slice(cut + 1)}.${randomBytes(4).toString("hex")}.part`;
}

const PART = /^\.(.+)\.[0-9a-f]{8}\.part$/;

/** True if `name` (a base name) looks like a name made by {@link partName}. */
export function isPartName(name: string): boolean {
  return PART.test(name);
}

/** The final name a temporary name (a path, `/` separated) stands for; other paths as they are. */
export function finalNameOf(file: string): string {
  const cut = file.lastIndexOf("/");
  const match = PART.exec(file.slice(cut + 1));
  return match ? `${file.slice(0, cut + 1)}${match[1] as string}` : file;
}
