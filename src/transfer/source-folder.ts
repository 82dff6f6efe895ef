import { randomUUID } from "node:crypto";
import type { Dataset } from "../model/dataset";
import { escapePath } from "../values/filesystem";
import { RemotePath } from "../values/remote-path";

const FIELD = /\{([^{}]*)\}/g;
// A `/` of the template, not one inside a `{field}`.
const TEMPLATE_SEPARATOR = /\/(?![^{}]*\})/;

/**
 * Fills a source folder template: `{field}` becomes the dataset's value of
 * `field` (path-escaped, so a value can never add folders), `{uid}` a new
 * random id. `"/data/{ownerGroup}/{uid}"` → `/data/wyrdsisters/5c1f…`.
 * A segment made of dots only (`.`, `..`) that contains a value gets its dots
 * replaced by `_`, so that a value can never climb out of the folder either.
 */
export function formatSourceFolder(template: string | RemotePath, dataset: Dataset): RemotePath {
  const text = String(template);
  const fillField = (name: string): string => {
    if (name === "uid") return randomUUID();
    const value = readPath(dataset, name);
    // An empty value would silently drop a folder level (`/data/{ownerGroup}` → `/data/`).
    if (value === null || value === undefined || String(value) === "") {
      throw new RangeError(
        `Cannot make the source folder from '${text}': the dataset's ${name} is ${value === "" ? "empty" : "not set"}. ` +
          "Set it, or change the template.",
      );
    }
    return escapePath(String(value));
  };
  const filled = text
    .split(TEMPLATE_SEPARATOR)
    .map((segment) => {
      let hasField = false;
      const result = segment.replace(FIELD, (_, name: string) => {
        hasField = true;
        return fillField(name);
      });
      // escapePath keeps dots, so a value `..` (or `.` next to a literal `.`) would otherwise mean "parent folder".
      return hasField && /^\.+$/.test(result) ? result.replace(/\./g, "_") : result;
    })
    .join("/");
  return new RemotePath(filled);
}

function readPath(dataset: Dataset, dotted: string): unknown {
  let value: unknown = dataset;
  for (const part of dotted.split(".")) {
    if (value === null || value === undefined) return value;
    if (!(part in Object(value))) {
      throw new RangeError(`Cannot make the source folder: the dataset has no field '${dotted}'.`);
    }
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * The source folder of an upload: the transfer's template if there is one,
 * else the dataset's own. Shared by every transfer.
 */
export function sourceFolderFor(dataset: Dataset, template: string | RemotePath | null | undefined): RemotePath {
  if (template !== null && template !== undefined) return formatSourceFolder(template, dataset);
  if (dataset.sourceFolder === null) {
    throw new RangeError(
      "Cannot determine the source folder: the dataset's sourceFolder is not set and the file transfer has no " +
        "sourceFolder template. Set dataset.sourceFolder.",
    );
  }
  return dataset.sourceFolder;
}

/**
 * Where `remotePath` lands below `sourceFolder`, or `null` if it would not be
 * strictly inside it: an absolute remote path, one that leaves the folder
 * with `..`, or one that is the folder itself. Shared by the client's check
 * before anything is written and by the transfers' own check.
 */
export function targetInFolder(sourceFolder: RemotePath, remotePath: RemotePath): RemotePath | null {
  const folder = sourceFolder.resolve();
  const target = folder.join(remotePath).resolve();
  if (remotePath.isAbsolute() || !target.isRelativeTo(folder) || target.posix === folder.posix) return null;
  return target;
}
