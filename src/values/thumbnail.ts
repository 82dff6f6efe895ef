import { readFileSync } from "node:fs";
import * as path from "node:path";

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".svg": "image/svg+xml",
  ".webp": "image/webp",
  ".bmp": "image/bmp",
  ".tif": "image/tiff",
  ".tiff": "image/tiff",
  ".pdf": "application/pdf",
};

// data:<mime>[;params],<payload> — the prefix, the mime and the params are all optional.
const DATA_URL = /^(?:data:)?(?:([^/;,]+\/[^;,]+)(?:;[^,]*)?,)?(.*)$/s;

/**
 * A small image attached to a dataset, stored base64-encoded as SciCat wants it.
 *
 * @example
 * const image = Thumbnail.loadFile("logo.png"); // MIME type from the file name
 * image.serialize(); // "data:image/png;base64,iVBORw0…"
 */
export class Thumbnail {
  /** MIME type such as `image/png`, or `null` if unknown. */
  readonly mime: string | null;
  readonly #encoded: string;

  /** Give either raw `data` or already base64-encoded `encodedData`. */
  constructor(init: { mime: string | null; data: Uint8Array } | { mime: string | null; encodedData: string }) {
    this.mime = init.mime;
    if ("data" in init && init.data !== undefined) {
      if ("encodedData" in init) throw new TypeError("Thumbnail takes either `data` or `encodedData`, not both.");
      this.#encoded = Buffer.from(init.data).toString("base64");
    } else if ("encodedData" in init && typeof init.encodedData === "string") {
      this.#encoded = init.encodedData;
    } else {
      throw new TypeError("Thumbnail needs `data` (bytes) or `encodedData` (base64 text).");
    }
  }

  /** Reads an image file; the MIME type is guessed from the file extension. */
  static loadFile(filePath: string): Thumbnail {
    const mime = MIME_BY_EXTENSION[path.extname(filePath).toLowerCase()] ?? null;
    return new Thumbnail({ mime, data: readFileSync(filePath) });
  }

  /** Parses a data URL (`data:image/png;base64,…`), with or without `data:`, or bare base64. */
  static parse(encoded: string | Thumbnail): Thumbnail {
    if (encoded instanceof Thumbnail) return new Thumbnail({ mime: encoded.mime, encodedData: encoded.encodedData() });
    if (typeof encoded !== "string") {
      const got = encoded === null ? "null" : Array.isArray(encoded) ? "an array" : typeof encoded;
      throw new TypeError(`Thumbnail.parse needs a data URL or base64 text (a string), got ${got}.`);
    }
    const match = DATA_URL.exec(encoded);
    return new Thumbnail({ mime: match?.[1] ?? null, encodedData: match?.[2] ?? encoded });
  }

  /** `image` of `image/png`. */
  get mimeType(): string | null {
    return this.mime === null ? null : (this.mime.split("/")[0] ?? null);
  }

  /** `png` of `image/png`. */
  get mimeSubtype(): string | null {
    return this.mime === null ? null : (this.mime.split("/")[1] ?? null);
  }

  /** The base64 text. */
  encodedData(): string {
    return this.#encoded;
  }

  /** The raw bytes. */
  decodedData(): Buffer {
    return Buffer.from(this.#encoded, "base64");
  }

  /** The data URL that SciCat stores: `data:<mime>;base64,<data>`. */
  serialize(): string {
    return this.mime === null ? this.#encoded : `data:${this.mime};base64,${this.#encoded}`;
  }

  /** The data URL (`data:image/png;base64,…`), as SciCat stores it. */
  toJSON(): string {
    return this.serialize();
  }

  /** True for a thumbnail with the same MIME type and bytes. */
  equals(other: unknown): boolean {
    return other instanceof Thumbnail && other.mime === this.mime && other.#encoded === this.#encoded;
  }

  /** `Thumbnail(image/png, len:100B)` */
  toString(): string {
    return `Thumbnail(${this.mime ?? "unknown"}, len:${this.decodedData().length}B)`;
  }
}
