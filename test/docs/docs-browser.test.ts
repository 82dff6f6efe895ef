/// <reference lib="dom" />
/**
 * The built docs site in headless chromium, opened from disk (file://) as a reader would: the
 * landing page, a tutorial with its rendered dataset table, and the `Dataset` reference page with
 * TypeDoc's search. Screenshots go to build/browser/docs-*.png.
 */
import { readdirSync } from "node:fs";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, REPO_ROOT, saveScreenshot } from "../browser/jupyterlab";

jest.setTimeout(180_000);

const SITE = path.join(REPO_ROOT, "build", "docs");
const url = (rel: string): string => `file://${path.join(SITE, rel)}`;

let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (e) => errors.push(String(e)));
});
afterAll(async () => {
  await browser?.close();
});
afterEach(() => {
  expect(errors).toEqual([]); // no page threw
});

test("the landing page says what it is and leads to every part of the site", async () => {
  await page.goto(url("index.html"));
  await expect(page.locator("h1").innerText()).resolves.toBe("scitacean-ts");
  await expect(page.locator("main pre").first().innerText()).resolves.toContain("npm run setup && npm start");
  const nav = await page.locator("nav.site-nav a").allInnerTexts();
  expect(nav).toEqual(expect.arrayContaining(["scitacean-ts", "Downloading datasets", "Architecture", "API reference"]));
  await saveScreenshot(page, "docs-landing");
  // Following the header leads to the tutorial page.
  await page.locator('nav.site-nav a:text-is("Downloading datasets")').click();
  await page.waitForURL(/notebooks\/downloading\.html$/);
});

test("a tutorial page shows the executed notebook with its rendered dataset table", async () => {
  await page.goto(url("notebooks/downloading.html"));
  const table = page.locator(".cean-dataset-repr table.cean-main-fields").first();
  await table.waitFor({ state: "visible" });
  const pidRow = table.locator("tr.cean-field", { has: page.locator('td.cean-field-name:text-is("pid")') });
  await expect(pidRow.locator("td.cean-field-value").innerText()).resolves.toBe(
    "20.500.12269/72fe3ff6-105b-4c7f-b9d0-073b67c90ec3",
  );
  const box = await pidRow.locator(".cean-read-only").boundingBox();
  expect(box?.width ?? 0).toBeGreaterThan(4); // the padlock is drawn
  await table.scrollIntoViewIfNeeded();
  await saveScreenshot(page, "docs-tutorial-downloading");
  await page.locator('nav.site-nav a:text-is("API reference")').click();
  await page.waitForURL(/api\/index\.html$/);
});

test("the Dataset reference page documents the class, searches, and links back to the site", async () => {
  const file = readdirSync(path.join(SITE, "api", "classes")).find((f) => f.endsWith(".Dataset.html"));
  expect(file).toBeDefined();
  await page.goto(url(`api/classes/${file}`));
  await expect(page.locator("h1").first().innerText()).resolves.toMatch(/Class Dataset/);
  await expect(page.locator(".tsd-comment").first().innerText()).resolves.toMatch(/\S/);
  // TypeDoc's search works from disk: type a name, get a result.
  await page.locator("#tsd-search-trigger, #tsd-search input, #tsd-search-field").first().click();
  await page.keyboard.type("FakeClient");
  const result = page.locator("#tsd-search-results li, .results li").first();
  await result.waitFor({ state: "visible", timeout: 30_000 });
  await expect(result.innerText()).resolves.toContain("FakeClient");
  await page.keyboard.press("Escape");
  await saveScreenshot(page, "docs-api-dataset", { fullPage: false }); // the whole page is ~70 000 px tall
  await page.locator('a:text-is("Docs home")').first().click();
  await page.waitForURL(/docs\/index\.html$/);
});
