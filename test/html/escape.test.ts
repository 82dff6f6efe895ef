import { escapeHtml, html, Html } from "../../src/html/escape";
import { decode, parseHtml, textOf } from "./helpers";

const HOSTILE = `<script>alert("x")</script> & 'quoted' "double" &amp;`;

describe("escapeHtml", () => {
  it("escapes the five characters that can start markup or end an attribute", () => {
    expect(escapeHtml(`<>&"'`)).toBe("&lt;&gt;&amp;&quot;&#39;");
  });

  it("round-trips through an HTML decoder and leaves other text alone", () => {
    const escaped = escapeHtml(HOSTILE);
    expect(escaped).not.toMatch(/[<>"']/);
    expect(decode(escaped)).toBe(HOSTILE);
    expect(escapeHtml("plain text: 10 B, ÄÖ ✓")).toBe("plain text: 10 B, ÄÖ ✓");
  });
});

describe("html template", () => {
  it("escapes interpolated text in content and in quoted attributes", () => {
    const markup = html`<span title="${HOSTILE}">${HOSTILE}</span>`.markup;
    const span = parseHtml(markup).children[0];
    if (typeof span !== "object") throw new Error("no element");
    expect(span.attrs["title"]).toBe(HOSTILE);
    expect(textOf(span)).toBe(HOSTILE);
    expect(span.children).toEqual([HOSTILE]); // text only, no <script> element
  });

  it("inserts Html as it is, concatenates arrays and drops null", () => {
    const inner = html`<b>${"<i>"}</b>`;
    expect(html`<p>${inner}${null}${[1, "<", inner]}</p>`.markup).toBe("<p><b>&lt;i&gt;</b>1&lt;<b>&lt;i&gt;</b></p>");
    expect(inner).toBeInstanceOf(Html);
    expect(String(inner)).toBe("<b>&lt;i&gt;</b>");
  });
});
