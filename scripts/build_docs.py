"""Builds the static documentation site in build/docs/ (run by scripts/docs.sh, after TypeDoc).

    index.html               landing page (docs/site/landing.md) with the list of tutorials
    <page>.html              every docs/*.md (architecture, reliability, ...)
    notebooks/<name>.html    every notebooks/*.ipynb, executed as npm test runs them, with outputs
    api/                     the API reference (TypeDoc, written before this script runs)

Every page but the API reference carries the same header; TypeDoc's pages get links back through
its `navigationLinks` (typedoc.config.mjs), whose `SITE_ROOT/` placeholder is made relative here,
so the site opens from disk as well as from any web server.

Executed notebooks come from build/notebooks/ (the notebook runner writes them during npm test);
the runner executes those that are missing or older than their source.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import mistune
import nbformat
from nbconvert import HTMLExporter

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
EXECUTED = REPO / "build" / "notebooks"
SITE = REPO / "docs" / "site"
PLACEHOLDER = "SITE_ROOT/"

markdown = mistune.create_markdown(plugins=["table", "strikethrough"], escape=False)


def md_title(text: str, fallback: str) -> str:
    m = re.search(r"^#\s+(.+)$", text, re.M)
    return m.group(1).strip() if m else fallback


def nb_title(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            return md_title(cell.source, path.stem)
    return path.stem


class Site:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.pages = [(p.stem, md_title(p.read_text(), p.stem)) for p in sorted((REPO / "docs").glob("*.md"))]
        self.tutorials = [(p.stem, nb_title(p)) for p in sorted(NOTEBOOKS.glob("*.ipynb"))]

    def nav(self, root: str, current: str) -> str:
        """The shared header; `root` leads from the page to the site's root, `current` is the page's path."""
        links = [("index.html", "Home")]
        links += [(f"notebooks/{stem}.html", title) for stem, title in self.tutorials]
        links += [(f"{stem}.html", title) for stem, title in self.pages]
        links.append(("api/index.html", "API reference"))
        items = []
        for i, (href, label) in enumerate(links):
            cls = ' class="site-home"' if i == 0 else ""
            cur = ' aria-current="page"' if href == current else ""
            text = "scitacean-ts" if i == 0 else label
            items.append(f'<a{cls}{cur} href="{root}{href}">{html.escape(text)}</a>')
        return f'<nav class="site-nav">{"".join(items)}</nav>'

    def page(self, path: str, title: str, body: str) -> None:
        root = "../" * path.count("/")
        doc = (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)} · scitacean-ts</title>"
            f'<link rel="stylesheet" href="{root}style.css"></head>'
            f'<body class="site-page">{self.nav(root, path)}<main>{body}</main></body></html>\n'
        )
        target = self.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(doc)

    def landing(self) -> None:
        items = "".join(
            f'<li><a href="notebooks/{stem}.html">{html.escape(title)}</a></li>' for stem, title in self.tutorials
        )
        pages = "".join(f'<li><a href="{stem}.html">{html.escape(title)}</a></li>' for stem, title in self.pages)
        body = (
            "<h1>scitacean-ts</h1>"
            + markdown((SITE / "landing.md").read_text())
            + '<h2 id="tutorials">Tutorials</h2><p>Executed against the fake client, with their outputs:</p>'
            + f'<ul class="site-tutorials">{items}</ul>'
            + f'<h2 id="reference">Reference</h2><ul><li><a href="api/index.html">API reference</a> '
            + "(<code>scitacean-ts</code>, <code>scitacean-ts/testing</code>, and more subpaths as they ship)</li>"
            + f"{pages}</ul>"
        )
        self.page("index.html", "scitacean-ts", body)

    def markdown_pages(self) -> None:
        for src in sorted((REPO / "docs").glob("*.md")):
            text = re.sub(r"\]\(([^)#:]+)\.md(#[^)]*)?\)", r"](\1.html\2)", src.read_text())
            self.page(f"{src.stem}.html", md_title(text, src.stem), markdown(text))

    def notebooks(self) -> None:
        exporter = HTMLExporter(template_name="lab")
        for stem, title in self.tutorials:
            nb = nbformat.read(EXECUTED / f"{stem}.ipynb", as_version=4)
            body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
            header = f'<link rel="stylesheet" href="../style.css">'
            body = body.replace("</head>", f"{header}</head>", 1)
            body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + self.nav("../", f"notebooks/{stem}.html"), body, count=1)
            target = self.out / "notebooks" / f"{stem}.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body)

    def api_links(self) -> None:
        """Makes TypeDoc's `SITE_ROOT/` links relative to each page of the reference."""
        api = self.out / "api"
        for page in api.rglob("*.html"):
            depth = len(page.relative_to(self.out).parts) - 1
            text = page.read_text()
            if PLACEHOLDER in text:
                page.write_text(text.replace(PLACEHOLDER, "../" * depth))


def execute_missing() -> None:
    """Runs the runner on tutorials without an up-to-date executed copy in build/notebooks/."""
    stale = [
        p for p in sorted(NOTEBOOKS.glob("*.ipynb"))
        if not (EXECUTED / p.name).exists() or (EXECUTED / p.name).stat().st_mtime < p.stat().st_mtime
    ]
    if stale:
        print(f"docs: executing {', '.join(p.name for p in stale)}", flush=True)
        runner = REPO / "test" / "notebooks" / "run_notebooks.py"
        subprocess.run([sys.executable, str(runner), "--out", str(EXECUTED), *map(str, stale)], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "build" / "docs")
    args = parser.parse_args()
    if not (args.out / "api" / "index.html").exists():
        print(f"docs: {args.out}/api/index.html is missing; run TypeDoc first (npm run docs)", file=sys.stderr)
        return 1
    execute_missing()
    site = Site(args.out)
    shutil.copyfile(SITE / "style.css", args.out / "style.css")
    site.landing()
    site.markdown_pages()
    site.notebooks()
    site.api_links()
    print(f"docs: {len(site.tutorials)} tutorials, {len(site.pages)} pages and the API reference in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
