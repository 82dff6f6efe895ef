/**
 * The documentation site as `npm run docs` built it (scripts/test.sh builds it after the notebooks
 * ran, then runs these tests): every page there, every internal link and anchor resolving.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { checkLinks, htmlFiles } from "./links";

const REPO = path.resolve(__dirname, "..", "..");
const SITE = path.join(REPO, "build", "docs");
const read = (rel: string): string => readFileSync(path.join(SITE, rel), "utf8");
/** The reference page of a class, e.g. `api/classes/scitacean-ts.Dataset.html`. */
function classPage(cls: string): string {
  const found = readdirSync(path.join(SITE, "api", "classes")).filter((f) => f.endsWith(`.${cls}.html`));
  if (found.length !== 1) throw new Error(`expected one reference page of ${cls}, found ${found.join(", ") || "none"}`);
  return path.join("api", "classes", found[0] as string);
}
const tutorials = readdirSync(path.join(REPO, "notebooks"))
  .filter((f) => f.endsWith(".ipynb"))
  .map((f) => f.replace(/\.ipynb$/, ""));

describe("the link checker", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "cean-links-"));
    mkdirSync(path.join(dir, "sub"));
    writeFileSync(path.join(dir, "index.html"), '<a href="sub/page.html#here">ok</a><a href="sub/page.html#gone">x</a><img src="missing.png"><a href="https://example.org/x">ext</a><script>const s = "<a href=\\"nope.html\\">";</script>');
    writeFileSync(path.join(dir, "sub", "page.html"), '<h2 id="here">Here</h2><a href="../index.html">up</a><a href="../../outside.html">out</a><a href="#here">self</a>');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("finds missing files, missing anchors and links out of the site; skips external links and scripts", () => {
    const result = checkLinks(dir);
    expect(result.pages).toBe(2);
    expect(result.links).toBe(6);
    expect(result.broken.map((b) => `${b.page} ${b.link}: ${b.reason}`).sort()).toEqual([
      'index.html sub/page.html#gone: no id "gone" in sub/page.html',
      "index.html missing.png: no such file",
      "sub/page.html ../../outside.html: leads out of the site",
    ].sort());
  });
});

describe("the built site (npm run docs)", () => {
  it("has the landing page, every tutorial, the Markdown pages and the API reference", () => {
    const pages = htmlFiles(SITE).map((f) => path.relative(SITE, f));
    expect(pages).toContain("index.html");
    expect(pages).toContain("architecture.html");
    for (const stem of tutorials) expect(pages).toContain(path.join("notebooks", `${stem}.html`));
    expect(classPage("Dataset")).toBe("api/classes/scitacean-ts.Dataset.html");
    expect(classPage("FakeClient")).toBe("api/classes/scitacean-ts_testing.FakeClient.html");
  });

  it("says on the landing page what scitacean-ts is and how to install it (README's commands)", () => {
    const landing = read("index.html");
    expect(landing).toMatch(/TypeScript port of the Python SciCat client/);
    expect(readFileSync(path.join(REPO, "README.md"), "utf8")).toContain("npm run setup && npm start");
    expect(landing).toContain("npm run setup &amp;&amp; npm start");
    for (const stem of tutorials) expect(landing).toContain(`href="notebooks/${stem}.html"`);
    expect(landing).toContain('href="api/index.html"');
  });

  it("shows the tutorials with their outputs, rendered tables included, under the shared header", () => {
    for (const stem of tutorials) {
      const page = read(path.join("notebooks", `${stem}.html`));
      expect(page).toContain('<nav class="site-nav">');
      expect(page).toContain('href="../api/index.html"');
      expect(page).toMatch(/class="[^"]*jp-OutputArea-output/);
    }
    expect(read("notebooks/downloading.html")).toContain("cean-dataset-repr");
  });

  it("documents every main class with an example, and links the reference back to the site", () => {
    for (const cls of ["Dataset", "Client", "File", "FakeClient", "SFTPFileTransfer"]) {
      const page = read(classPage(cls));
      expect([cls, /<h4 class="tsd-anchor-link"[^>]*id="example"|id="example"/.test(page)]).toEqual([cls, true]);
      expect(page).toContain('href="../../index.html"');
    }
    // Fields made from the field table carry SciCat's description.
    expect(read(classPage("Dataset"))).toMatch(/Persistent Identifier for datasets/);
    for (const page of htmlFiles(path.join(SITE, "api"))) expect(readFileSync(page, "utf8")).not.toContain("SITE_ROOT/");
  });

  it("has no broken internal link or anchor", () => {
    const result = checkLinks(SITE);
    expect(result.pages).toBeGreaterThan(50);
    expect(result.links).toBeGreaterThan(1000);
    expect(result.broken.slice(0, 20)).toEqual([]);
  });
});
