/**
 * A small link checker for the static docs site: every relative `href`/`src` of every HTML page
 * must name a file of the site, and a `#fragment` must name an `id` (or `name`) of that page.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";

/** One link that leads nowhere. */
export interface BrokenLink {
  /** The page, relative to the site's root. */
  readonly page: string;
  readonly link: string;
  readonly reason: string;
}

/** Every `.html` file below `dir`, recursively. */
export function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".html"))
    .map((f) => path.join(dir, f));
}

const LINK = /\s(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;
const ANCHOR = /\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;

/** Links to other sites and inline data are not ours to check. */
const external = (link: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith("//");

function decodeEntities(text: string): string {
  return text.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
}

/** The links of one page, without the content of `<script>` and `<style>` elements and of code listings. */
export function linksOf(markup: string): string[] {
  const visible = markup.replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi, "");
  return [...visible.matchAll(LINK)].map((m) => decodeEntities(m[1] ?? m[2] ?? ""));
}

/** Checks every page of the site at `root`. */
export function checkLinks(root: string): { pages: number; links: number; broken: BrokenLink[] } {
  const anchors = new Map<string, Set<string>>();
  const anchorsOf = (file: string): Set<string> => {
    let ids = anchors.get(file);
    if (!ids) {
      ids = new Set([...readFileSync(file, "utf8").matchAll(ANCHOR)].map((m) => decodeEntities(m[1] ?? m[2] ?? "")));
      anchors.set(file, ids);
    }
    return ids;
  };
  const broken: BrokenLink[] = [];
  const pages = htmlFiles(root);
  let links = 0;
  for (const page of pages) {
    const rel = path.relative(root, page);
    for (const link of linksOf(readFileSync(page, "utf8"))) {
      if (link === "" || external(link)) continue;
      links++;
      const [target = "", fragment] = link.split("#", 2) as [string, string | undefined];
      const pathPart = decodeURIComponent(target.split("?")[0] ?? "");
      let file = pathPart === "" ? page : path.resolve(path.dirname(page), pathPart);
      if (!path.resolve(file).startsWith(path.resolve(root))) {
        broken.push({ page: rel, link, reason: "leads out of the site" });
        continue;
      }
      if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, "index.html");
      if (!existsSync(file)) {
        broken.push({ page: rel, link, reason: "no such file" });
        continue;
      }
      if (fragment && file.endsWith(".html") && !anchorsOf(file).has(decodeURIComponent(fragment))) {
        broken.push({ page: rel, link, reason: `no id "${fragment}" in ${path.relative(root, file)}` });
      }
    }
  }
  return { pages: pages.length, links, broken };
}
