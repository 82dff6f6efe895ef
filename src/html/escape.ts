/**
 * HTML escaping. All markup of the html layer is built with the {@link html}
 * tagged template, which escapes every interpolated value unless it is
 * already {@link Html}. So a value can only reach the output unescaped by
 * being wrapped on purpose, which keeps `<script>` in a dataset name harmless.
 */

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes text for use in HTML element content and in quoted attribute
 * values (both quote characters are escaped).
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** A piece of markup that is safe to insert as it is. */
export class Html {
  /** The markup. */
  readonly markup: string;

  constructor(markup: string) {
    this.markup = markup;
  }

  toString(): string {
    return this.markup;
  }
}

/**
 * What may be interpolated into {@link html}: markup is inserted as it is,
 * text and numbers are escaped, arrays are concatenated. `null` stands for
 * "nothing", so optional parts read naturally (`${cond ? part : null}`).
 */
export type HtmlPart = Html | string | number | null | readonly HtmlPart[];

function render(part: HtmlPart): string {
  if (part === null) return "";
  if (part instanceof Html) return part.markup;
  if (Array.isArray(part)) return (part as readonly HtmlPart[]).map(render).join("");
  return escapeHtml(String(part));
}

/**
 * Tagged template for markup: `` html`<td>${value}</td>` `` escapes `value`.
 * The literal parts are trusted markup, so attribute values in them must be
 * quoted (`class="${cls}"`) for the escaping to protect them.
 */
export function html(strings: TemplateStringsArray, ...parts: readonly HtmlPart[]): Html {
  let markup = strings[0] ?? "";
  parts.forEach((part, i) => {
    markup += render(part) + (strings[i + 1] ?? "");
  });
  return new Html(markup);
}

/** Trusted markup written by this library (styles, icons); never user data. */
export function trusted(markup: string): Html {
  return new Html(markup);
}
