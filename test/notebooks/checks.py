"""Assertions on the outputs of executed notebooks, keyed by notebook file stem.

``run_notebooks.py`` calls :func:`run` after a notebook has executed. A notebook without checks
here only has to run without errors. Add checks with::

    @check("my_notebook")
    def _(nb, kernel):
        assert_rich(nb, "cell-id", "execute_result", "text/html", "<table")

Cells are addressed by their nbformat cell ``id`` (set it in the .ipynb, it is stable).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable

Check = Callable[[dict, str], None]
CHECKS: dict[str, list[Check]] = defaultdict(list)


def check(stem: str) -> Callable[[Check], Check]:
    """Registers a check ``fn(nb, kernel_name)`` for the notebook ``<stem>.ipynb``."""

    def register(fn: Check) -> Check:
        CHECKS[stem].append(fn)
        return fn

    return register


def run(stem: str, kernel: str, nb: dict) -> None:
    """Runs every check registered for ``stem``; raises AssertionError on the first failure."""
    for fn in CHECKS.get(stem, []):
        fn(nb, kernel)


# --- helpers -------------------------------------------------------------------------------


def cell(nb: dict, cell_id: str) -> dict:
    for c in nb["cells"]:
        if c.get("id") == cell_id:
            return c
    raise AssertionError(f"no cell with id {cell_id!r}")


def outputs(nb: dict, cell_id: str, output_type: str | None = None) -> list[dict]:
    return [o for o in cell(nb, cell_id).get("outputs", []) if output_type in (None, o["output_type"])]


def stream_text(nb: dict, cell_id: str, name: str = "stdout") -> str:
    return "".join(o["text"] for o in outputs(nb, cell_id, "stream") if o["name"] == name)


def assert_rich(nb: dict, cell_id: str, output_type: str, mime: str, contains: str) -> dict:
    """Asserts that cell ``cell_id`` has an ``output_type`` output whose ``mime`` data contains
    ``contains``; returns that output."""
    for o in outputs(nb, cell_id, output_type):
        if contains in o.get("data", {}).get(mime, ""):
            return o
    raise AssertionError(
        f"cell {cell_id!r}: no {output_type} with {mime} containing {contains!r}; "
        f"outputs: {cell(nb, cell_id).get('outputs')}"
    )


def assert_only(nb: dict, cell_id: str, *output_types: str) -> None:
    """Asserts that cell ``cell_id`` has no outputs other than of ``output_types``."""
    got = [o["output_type"] for o in outputs(nb, cell_id)]
    extra = [t for t in got if t not in output_types]
    assert not extra, f"cell {cell_id!r}: unexpected outputs {extra}; outputs: {outputs(nb, cell_id)}"


def assert_stdout(nb: dict, cell_id: str, contains: str) -> None:
    text = stream_text(nb, cell_id)
    assert contains in text, f"cell {cell_id!r}: stdout {text!r} lacks {contains!r}"


# --- checks --------------------------------------------------------------------------------


@check("smoke")
def _smoke(nb: dict, kernel: str) -> None:
    if kernel == "tslab":
        # Our kernel entry: the last value is a real execute_result with the whole bundle.
        out = assert_rich(nb, "last-value", "execute_result", "text/html", 'class="smoke-badge">last-value<')
        assert out["data"].get("text/plain") == "Badge(last-value)", out
        assert isinstance(out.get("execution_count"), int), out
        assert_only(nb, "last-value", "execute_result")
        assert_rich(nb, "after-await", "execute_result", "text/html", ">after-await<")
        shown = assert_rich(nb, "shown", "display_data", "text/html", ">shown<")
        assert shown["data"].get("text/plain") == "Badge(shown)", shown
    elif kernel == "tslab-stock":
        # Stock tslab: the inspect.custom hook sends the HTML as display_data and swallows the
        # newline tslab would print (so no stream output at all).
        assert_rich(nb, "last-value", "display_data", "text/html", 'class="smoke-badge">last-value<')
        assert_only(nb, "last-value", "display_data")
        assert_rich(nb, "after-await", "display_data", "text/html", ">after-await<")
        assert_rich(nb, "shown", "display_data", "text/html", ">shown<")
    else:
        raise AssertionError(f"no smoke expectations for kernel {kernel!r}")
    # Both kernels: nested and explicitly logged values are text only.
    assert_stdout(nb, "nested", "[ Badge(nested) ]")
    assert_only(nb, "nested", "stream")
    assert_stdout(nb, "logged", "Badge(logged)")
    assert_only(nb, "logged", "stream")
    assert_stdout(nb, "plain", "{ answer: 42 }")
    assert_only(nb, "import", "stream")
    assert_only(nb, "register", "stream")


@check("failing_throw")
def _failing_throw(nb: dict, kernel: str) -> None:
    # tslab reports the exception only as stderr text (no `error` output) ...
    err = stream_text(nb, "throws", "stderr")
    assert "deliberate failure" in err, f"stderr of the failing cell: {err!r}"
    # ... and execution stopped there.
    assert outputs(nb, "not-reached") == [], outputs(nb, "not-reached")


@check("failing_type_error")
def _failing_type_error(nb: dict, kernel: str) -> None:
    err = stream_text(nb, "type-error", "stderr")
    assert "not assignable to type 'number'" in err, f"stderr of the failing cell: {err!r}"
    assert outputs(nb, "not-reached") == [], outputs(nb, "not-reached")


@check("package_resolution")
def _package_resolution(nb: dict, kernel: str) -> None:
    assert_only(nb, "imports", "stream")
    assert stream_text(nb, "imports", "stderr") == "", stream_text(nb, "imports", "stderr")
    assert_stdout(nb, "runtime", "main: object testing: object widgets: object")
    resolved = stream_text(nb, "runtime").split("resolved:", 1)[-1].split()
    assert len(resolved) == 3, resolved
    assert resolved[0].endswith("/dist/index.js"), resolved
    assert resolved[1].endswith("/dist/testing/index.js"), resolved
    assert resolved[2].endswith("/dist/widgets/index.js"), resolved


# --- tutorial notebooks (notebooks/*.ipynb) ------------------------------------------------

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
THAUM_PID = "20.500.12269/72fe3ff6-105b-4c7f-b9d0-073b67c90ec3"


class _Rows(HTMLParser):
    """Collects the rows of every table in an HTML fragment as ``(tr attributes, [cell texts])``,
    ignoring the text of <style> and <svg> (the lock icon), so that checks see what a reader sees."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[dict, list[str]]] = []
        self._skip = 0
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("style", "svg"):
            self._skip += 1
        elif tag == "tr":
            self.rows.append((dict(attrs), []))
            self._cell = None
        elif tag in ("td", "th") and self.rows:
            self._cell = []
            self.rows[-1][1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "svg"):
            self._skip -= 1
        elif tag in ("td", "th"):
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._skip == 0 and self._cell is not None and self.rows:
            cells = self.rows[-1][1]
            cells[-1] += data


def table_rows(html: str) -> list[tuple[dict, list[str]]]:
    parser = _Rows()
    parser.feed(html)
    return [(attrs, [" ".join(c.split()) for c in cells]) for attrs, cells in parser.rows]


def rich_type(kernel: str) -> str:
    """How a cell's last value arrives: our kernel sends execute_result, stock tslab display_data."""
    return "execute_result" if kernel == "tslab" else "display_data"


def rich_html(nb: dict, cell_id: str, kernel: str, contains: str) -> str:
    """The text/html of cell ``cell_id``'s rich last value, which must contain ``contains``."""
    out = assert_rich(nb, cell_id, rich_type(kernel), "text/html", contains)
    if kernel == "tslab":
        assert out["data"].get("text/plain"), f"cell {cell_id!r}: no text/plain fallback: {out['data'].keys()}"
    return out["data"]["text/html"]


def field_row(html: str, name: str) -> tuple[dict, list[str], int]:
    """The table row for field ``name``: (tr attributes, cell texts, index of the name cell)."""
    for attrs, cells in table_rows(html):
        if name in cells:
            return attrs, cells, cells.index(name)
    raise AssertionError(f"no table row for {name!r}")


def field_value(html: str, name: str) -> str:
    """Value column of a field row (columns: flag, name, type, value, ...)."""
    _, cells, i = field_row(html, name)
    assert len(cells) > i + 2, f"row {name!r} has no value cell: {cells}"
    return cells[i + 2]


def is_required(html: str, name: str) -> bool:
    _, cells, i = field_row(html, name)
    return i > 0 and "*" in cells[i - 1]


def is_flagged_missing(html: str, name: str) -> bool:
    attrs, _, _ = field_row(html, name)
    return "missing" in attrs.get("class", "")


def assert_row_with(html: str, *texts: str) -> list[str]:
    """Asserts that some table row has cells equal to all ``texts``; returns its cells."""
    rows = [cells for _, cells in table_rows(html)]
    for cells in rows:
        if all(t in cells for t in texts):
            return cells
    raise AssertionError(f"no table row with cells {texts}; rows: {rows}")


def assert_no_stderr(nb: dict) -> None:
    """Tutorials must run without warnings or errors on stderr."""
    for c in nb["cells"]:
        err = "".join(o["text"] for o in c.get("outputs", []) if o["output_type"] == "stream" and o["name"] == "stderr")
        assert not err, f"cell {c.get('id')!r} wrote to stderr: {err!r}"


def stdout_lines(nb: dict, cell_id: str) -> list[str]:
    """The non-blank stdout lines of a cell, without trailing spaces."""
    return [line.rstrip() for line in stream_text(nb, cell_id).splitlines() if line.strip()]


def assert_lines(nb: dict, cell_id: str, expected: list[str]) -> None:
    got = stdout_lines(nb, cell_id)
    assert got == expected, f"cell {cell_id!r}: stdout lines {got!r}, expected {expected!r}"


def assert_value(html: str, name: str, expected: str, cell_id: str) -> None:
    got = field_value(html, name)
    assert got == expected, f"cell {cell_id!r}: {name} shows {got!r}, expected {expected!r}"


def assert_committed_clean(stem: str) -> None:
    """The committed tutorial has no outputs and uses our kernel (outputs go to build/notebooks)."""
    path = NOTEBOOKS / f"{stem}.ipynb"
    if not path.exists():  # e.g. a copy run from elsewhere
        return
    committed = json.loads(path.read_text())
    assert committed["metadata"]["kernelspec"]["name"] == "tslab", committed["metadata"]["kernelspec"]
    for c in committed["cells"]:
        assert c.get("id"), f"{path.name}: a cell has no id"
        if c["cell_type"] == "code":
            assert not c["outputs"] and c["execution_count"] is None, f"{path.name}: cell {c['id']!r} has outputs"


@check("downloading")
def _downloading(nb: dict, kernel: str) -> None:
    assert_committed_clean("downloading")
    assert_no_stderr(nb)
    html = rich_html(nb, "show-dataset", kernel, "RawDataset")
    assert_value(html, "name", "Thaum flux", "show-dataset")
    assert_value(html, "pid", THAUM_PID, "show-dataset")
    assert_value(html, "owner", "Ponder Stibbons", "show-dataset")
    assert_row_with(html, "temperature", "123 [K]")  # scientific metadata, value with unit
    assert_row_with(html, "RemotePath('flux.dat')", "20 B")
    assert_row_with(html, "RemotePath('logs/measurement.log')", "75 B")
    assert_lines(nb, "type", ["raw"])
    assert_lines(nb, "name", ["Thaum flux"])
    assert_lines(nb, "owner", ["Ponder Stibbons"])
    assert_stdout(nb, "meta", "data_type: 'histogram'")
    assert_stdout(nb, "meta", "temperature: { value: '123', unit: 'K' }")
    before = stream_text(nb, "files-before")
    assert "RemotePath('/hex/ps/thaum/flux.dat')" in before, before
    assert "RemotePath('/hex/ps/thaum/logs/measurement.log')" in before, before
    assert before.count("local path:         null") == 2, before
    assert "20 bytes" in before and "75 bytes" in before, before
    after = stream_text(nb, "files-after")
    assert "local path:         download/flux.dat" in after, after
    assert after.count("local path:         null") == 1, after  # the log file was not selected
    assert_lines(nb, "read-file", ["download/flux.dat", "5 4 9 11 15 12 7 6 1"])
    # A regex selector; the logs/ folder is kept below the target.
    assert_stdout(nb, "select-regex", "[ null, 'download/logs/measurement.log' ]")


@check("uploading")
def _uploading(nb: dict, kernel: str) -> None:
    assert_committed_clean("uploading")
    assert_no_stderr(nb)
    # The table is the cell's only output, under both kernels (stock tslab: display_data).
    html = rich_html(nb, "show-dataset", kernel, "RawDataset")
    assert_only(nb, "show-dataset", rich_type(kernel))
    required = ["creationTime", "sourceFolder", "contactEmail", "creationLocation", "owner", "ownerGroup",
                "principalInvestigator"]
    for name in required:
        assert is_required(html, name), f"{name} lacks the required mark: {field_row(html, name)}"
        assert not is_flagged_missing(html, name), f"{name} is set but flagged missing: {field_row(html, name)}"
    for name in ["name", "description", "accessGroups", "dataFormat", "pid"]:
        assert not is_required(html, name), f"{name} has a required mark: {field_row(html, name)}"
    assert_value(html, "ownerGroup", "wyrdsisters", "show-dataset")
    assert_value(html, "accessGroups", "['witches']", "show-dataset")
    assert_value(html, "sourceFolder", "RemotePath('/somewhere/on/remote')", "show-dataset")
    assert_row_with(html, "data/witchcraft.dat", "10 B")
    assert_lines(nb, "n-files", ["1"])
    assert_lines(nb, "size", ["10"])
    assert_lines(nb, "file-info", [
        "remote access path: null",
        "local path:         data/witchcraft.dat",
        "size:               10 bytes",
    ])
    assert_lines(nb, "file-location", ["on local: true", "on remote: false"])
    # The dry run: a report table (problems first; none here), the plan, the file with its checksum.
    report = rich_html(nb, "dry-run", kernel, "Upload check: <span class=\"cean-check-ok\">ready to upload</span>")
    assert_only(nb, "dry-run", rich_type(kernel))
    assert 'class="cean-table cean-check-problems"' not in report, "a problems table although there are no problems"
    assert_row_with(report, "SciCat", "accepts the dataset (isValid)")
    assert_row_with(report, "source folder", "/somewhere/on/remote")
    assert_row_with(report, "datablocks", "1 (1 file)")
    witchcraft_hash = hashlib.blake2b(b"7.9 13 666").hexdigest()
    assert_row_with(report, "data/witchcraft.dat", "/somewhere/on/remote/witchcraft.dat", "10 B", "free", witchcraft_hash)
    estimate = [cells for _, cells in table_rows(report) if cells and cells[0] == "estimated time"]
    assert estimate and re.fullmatch(r"(under a second|about \d+ (s|min)) \(measured [\d.]+ \w?i?B/s\)", estimate[0][1]), estimate
    assert "probe files were written and removed again" in report, report
    if kernel == "tslab":
        assert_rich(nb, "dry-run", "execute_result", "text/plain", "Upload check: ready to upload\nSciCat: accepts")
    assert_lines(nb, "dry-run-ok", ["true"])
    assert_only(nb, "upload")  # no output at all

    pid_html = rich_html(nb, "pid", kernel, "PID.prefix.a0b1/")
    assert re.search(r"PID\.prefix\.a0b1/[0-9a-f-]{36}<", pid_html), pid_html
    if kernel == "tslab":
        assert_rich(nb, "pid", "execute_result", "text/plain", "PID(prefix='PID.prefix.a0b1', pid='")
        remote = "RemotePath('/somewhere/on/remote/witchcraft.dat')"
        assert_rich(nb, "remote-path", "execute_result", "text/plain", remote)
        assert_rich(nb, "source-folder", "execute_result", "text/plain", "RemotePath('/somewhere/on/remote')")
    rich_html(nb, "remote-path", kernel, "/somewhere/on/remote/witchcraft.dat<")
    rich_html(nb, "source-folder", kernel, "/somewhere/on/remote<")

    attachment = rich_html(nb, "attach", kernel, "Scitacean logo")
    assert "data:image/png;base64," in attachment, "attachment without its image"
    assert_value(attachment, "ownerGroup", "wyrdsisters", "attach")
    assert field_value(attachment, "createdBy") in ("null", "None", ""), field_row(attachment, "createdBy")

    refused = stream_text(nb, "upload-refused")
    assert "/somewhere/on/remote/witchcraft.dat" in refused and "overwrit" in refused, refused
    exists = rich_html(nb, "dry-run-exists", kernel, "1 problem: the upload would fail")
    problem = assert_row_with(exists, "file exists", "/somewhere/on/remote/witchcraft.dat")
    assert "files are never overwritten" in problem[2], problem
    tables = ['class="cean-table cean-check-problems"', 'class="cean-table cean-check-plan"']
    assert exists.index(tables[0]) < exists.index(tables[1]), "problems are not first"
    rich_html(nb, "set-folder", kernel, "/somewhere/on/remote/with-logo<")
    progress = stdout_lines(nb, "upload-with-logo")
    assert progress[0].startswith("validating:") and progress[-1] == "done: 1/1 files, 10/10 bytes", progress

    downloaded = rich_html(nb, "download-attachment", kernel, "Scitacean logo")
    assert "data:image/png;base64," in downloaded, "downloaded attachment without its image"
    assert_value(downloaded, "createdBy", "fake", "download-attachment")
    assert_value(downloaded, "updatedBy", "fake", "download-attachment")
    dataset_id = field_value(downloaded, "datasetId")
    assert re.fullmatch(r"PID\.prefix\.a0b1/[0-9a-f-]{36}", dataset_id), field_row(downloaded, "datasetId")
    assert re.fullmatch(r"[0-9a-f-]{36}", field_value(downloaded, "id")), field_row(downloaded, "id")


@check("testing")
def _testing(nb: dict, kernel: str) -> None:
    assert_committed_clean("testing")
    assert_no_stderr(nb)
    assert_stdout(nb, "upload", "Dataset(type=raw")
    assert_stdout(nb, "upload", "pid=PID.prefix.a0b1/")
    keys = stream_text(nb, "dataset-keys")
    assert re.fullmatch(r"\[ 'PID\.prefix\.a0b1/[0-9a-f-]{36}' \]\n", keys), f"cell 'dataset-keys': {keys!r}"
    record = ["datasetName: 'Important data'", "sourceFolder: '/upload/abcd'", "createdBy: 'fake'", "numberOfFiles: 1"]
    for text in record:
        assert_stdout(nb, "dataset-record", text)
    blocks = json.loads(stream_text(nb, "datablocks"))
    assert len(blocks) == 1 and blocks[0]["chkAlg"] == "blake2b", blocks
    assert [f["path"] for f in blocks[0]["dataFileList"]] == ["spellbook.txt"], blocks
    assert blocks[0]["datasetId"].startswith("PID.prefix.a0b1/"), blocks
    html = rich_html(nb, "download", kernel, "RawDataset")
    assert_value(html, "name", "Important data", "download")
    assert_value(html, "createdBy", "fake", "download")
    assert_row_with(html, "RemotePath('spellbook.txt')", "28 B")
    assert_lines(nb, "transfer-files", ['/upload/abcd/spellbook.txt -> "fireball power=1000 mana=123"'])
    assert_lines(nb, "download-files", ["test-data/download/spellbook.txt", "fireball power=1000 mana=123"])
    assert_stdout(nb, "seed", "'PID.test/run-42'")
    assert_stdout(nb, "seed", "'/data/run-42/counts.txt'")
    assert_lines(nb, "run-code-under-test", ["29"])
    assert_lines(nb, "failing-client", ["ScicatCommError: SciCat is down for maintenance"])
    assert_lines(nb, "reverted", [
        "files on the server: []",
        "reverted files:      [ '/upload/abcd/spellbook.txt' ]",
        "datasets in SciCat:  0",
    ])


@check("derived-datasets")
def _derived(nb: dict, kernel: str) -> None:
    assert_committed_clean("derived-datasets")
    assert_no_stderr(nb)
    assert_lines(nb, "get-raw", [f"Thaum flux - {THAUM_PID}"])
    html = rich_html(nb, "derive", kernel, "DerivedDataset")
    assert THAUM_PID.split("/")[1] in field_value(html, "inputDatasets"), field_value(html, "inputDatasets")
    assert is_required(html, "inputDatasets")
    for name in ["ownerGroup", "sourceFolder", "usedSoftware"]:  # required, not kept by derive
        assert is_required(html, name) and is_flagged_missing(html, name), field_row(html, name)
    for name, value in [("contactEmail", "p.stibbons@uu.am"), ("investigator", "p.stibbons@uu.am"),
                        ("owner", "Ponder Stibbons")]:  # kept by derive
        assert field_value(html, name) == value and not is_flagged_missing(html, name), field_row(html, name)
    problems = stream_text(nb, "validate-before")
    assert "3 problems" in problems, problems
    for name in ["ownerGroup", "sourceFolder", "usedSoftware"]:
        assert f"  {name}: " in problems, problems
    assert_lines(nb, "derive-keep", ["ownerGroup:   uu", "accessGroups: [ 'faculty' ]"])
    assert_lines(nb, "analysis", ["4 3 8 10 14 11 6 5 0"])
    filled = rich_html(nb, "fill", kernel, "DerivedDataset")
    flagged = [cells for attrs, cells in table_rows(filled) if "missing" in attrs.get("class", "")]
    assert not flagged, f"fields still flagged after filling in: {flagged}"
    assert_row_with(filled, "analysis/flux-corrected.dat", "20 B")
    assert_lines(nb, "validate-after", ["valid, problems: 0"])
    rich_html(nb, "upload", kernel, "PID.prefix.a0b1/")
    fetched = rich_html(nb, "fetch", kernel, "DerivedDataset")
    assert THAUM_PID.split("/")[1] in field_value(fetched, "inputDatasets"), field_value(fetched, "inputDatasets")
    assert re.fullmatch(r"PID\.prefix\.a0b1/[0-9a-f-]{36}", field_value(fetched, "pid")), field_row(fetched, "pid")
    assert "thaum-tools" in field_value(fetched, "usedSoftware"), field_value(fetched, "usedSoftware")
    assert_value(fetched, "investigator", "Ponder Stibbons", "fetch")
    assert_row_with(fetched, "RemotePath('flux-corrected.dat')", "20 B")
    assert_lines(nb, "follow-input", [f"{THAUM_PID} - Thaum flux"])


@check("sftp-and-real-servers")
def _sftp_and_real_servers(nb: dict, kernel: str) -> None:
    assert_committed_clean("sftp-and-real-servers")
    # The only stderr is the library's log line for the failed SciCat call the notebook provokes.
    for c in nb["cells"]:
        if c.get("id") != "scicat-error":
            err = stream_text(nb, c["id"], "stderr") if c["cell_type"] == "code" else ""
            assert not err, f"cell {c.get('id')!r} wrote to stderr: {err!r}"
    logged = stream_text(nb, "scicat-error", "stderr")
    assert "[scitacean] ERROR: SciCat API call" in logged and "400 Bad Request" in logged, logged
    # No token (a JWT, "eyJ...") shows up anywhere: not in messages, logs or printed objects.
    everything = json.dumps([c.get("outputs", []) for c in nb["cells"]])
    assert "eyJ" not in everything, "a JWT appears in the outputs"

    started = stdout_lines(nb, "start-servers")
    assert len(started) == 2 and re.fullmatch(r"SciCat API:  http://127\.0\.0\.1:\d+/api/v3", started[0]), started
    m = re.fullmatch(r"SFTP server: SftpServer\(127\.0\.0\.1:(\d+), user '[^']+', dataRoot '(/[^']+)'\)", started[1])
    assert m, started
    port, data_root = m.group(1), m.group(2)
    assert port != "22" and "scitacean-sftp-data-" in data_root, started
    assert_only(nb, "connect")
    assert_only(nb, "make-dataset")

    progress = stdout_lines(nb, "upload")
    phases = [line.split(":", 1)[0] for line in progress]
    assert progress[0] == "validating: 0/1 files, 0/10 bytes", progress
    assert progress[-1] == "done: 1/1 files, 10/10 bytes", progress
    assert [p for i, p in enumerate(phases) if i == 0 or phases[i - 1] != p] == [
        "validating", "uploading", "hashing", "creating-dataset", "datablocks", "attachments", "done"], progress

    html = rich_html(nb, "show-finalized", kernel, "RawDataset")
    assert re.fullmatch(r"PID\.prefix\.a0b1/[0-9a-f-]{36}", field_value(html, "pid")), field_row(html, "pid")
    folder = field_value(html, "sourceFolder").replace(" ", "")
    m = re.fullmatch(re.escape(f"RemotePath('{data_root}/wyrdsisters/") + r"([0-9a-f-]{36})'\)", folder)
    assert m, f"sourceFolder {folder!r} is not the template's folder below {data_root}"
    uid = m.group(1)
    assert_value(html, "createdBy", "nanny", "show-finalized")
    assert_value(html, "ownerGroup", "wyrdsisters", "show-finalized")
    assert_value(html, "name", "Spellpower of the Three Witches", "show-finalized")
    assert_row_with(html, "RemotePath('witchcraft.dat')", "10 B")

    assert_lines(nb, "list-server", [
        f"wyrdsisters/{uid}/witchcraft.dat: 10 bytes",
        f"remote access path: {data_root}/wyrdsisters/{uid}/witchcraft.dat",
    ])
    refused = stdout_lines(nb, "upload-refused")
    assert len(refused) == 3, refused
    assert refused[0].startswith(f"FileUploadError: Refusing to upload: this file already exists on SFTP host "
                                 f"'127.0.0.1:{port}', and files are never overwritten: "
                                 f"'{data_root}/wyrdsisters/{uid}/witchcraft.dat'"), refused
    assert "Nothing was uploaded." in refused[0], refused
    assert refused[1:] == ["datasets in SciCat before: 1 after: 1", "files on the SFTP server: 1"], refused

    assert_lines(nb, "download", ["download/witchcraft.dat: 7.9 13 666"])
    unknown = stream_text(nb, "unknown-host")
    assert unknown.startswith(f"FileNotAccessibleError: The host key of SFTP host '127.0.0.1:{port}' is not known"), unknown
    assert re.search(r"Its key is ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}\.", unknown), unknown
    assert f"`ssh -p {port} " in unknown and "(answer \"yes\")" in unknown, unknown

    email = "Expected an email or a list of semicolon separated emails, got nanny at the cottage"
    error = stdout_lines(nb, "scicat-error")
    assert error[:2] == ["status:         400", f"server message: {email}"], error
    assert error[2].startswith("message:        Error in operation 'createDatasetModel' (POST http://127.0.0.1:"), error
    assert error[2].endswith(f"/api/v3/datasets): 400 Bad Request: {email}"), error
    assert error[3:] == ["token in the message: false"], error
    expired = stdout_lines(nb, "expired-token")
    assert len(expired) == 2 and expired[0].startswith("ScicatLoginError: Your SciCat login has expired;"), expired
    assert expired[1] == "token in the message: false", expired
    assert_lines(nb, "cleanup", ["SFTP data root left: false", "local folder left:   false"])


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def widget_view(nb: dict, cell_id: str, output_type: str) -> dict:
    """The widget-view output of a cell: a model reference (protocol 2.1) with text and HTML fallbacks."""
    shown = [o for o in outputs(nb, cell_id, output_type) if WIDGET_VIEW in o.get("data", {})]
    assert len(shown) == 1, f"cell {cell_id!r}: expected one {output_type} with a widget view, got {outputs(nb, cell_id)}"
    data = shown[0]["data"]
    view = data[WIDGET_VIEW]
    assert (view.get("version_major"), view.get("version_minor")) == (2, 1), view
    assert data.get("text/plain") and data.get("text/html"), f"cell {cell_id!r}: fallbacks missing: {list(data)}"
    return data


@check("widgets")
def _widgets(nb: dict, kernel: str) -> None:
    assert_committed_clean("widgets")
    assert_no_stderr(nb)
    example = widget_view(nb, "example", rich_type(kernel))
    assert example["text/plain"].startswith("VBox("), example["text/plain"]
    assert "<progress" in example["text/html"] and "<button" in example["text/html"], example["text/html"]
    progress = widget_view(nb, "progress-loop", "display_data")
    assert_lines(nb, "read-name", ["Hello, (nobody yet: type a name above)!"])
    assert_lines(nb, "set-bar", ["The bar is at 3 of 10."])
    assert_lines(nb, "observe-code", ["3 → 4 (kernel)"])
    widget_view(nb, "more-controls", rich_type(kernel))
    assert_lines(nb, "read-choices", ["type: raw (Raw data), publish: false"])
    assert_lines(nb, "close", ["closed: true"])
    assert not outputs(nb, "progress-loop", "stream"), outputs(nb, "progress-loop", "stream")

    # nbclient kept every widget's latest state (comm_open, then each update) in the metadata.
    saved = nb["metadata"].get("widgets", {}).get(WIDGET_STATE)
    assert saved, f"no {WIDGET_STATE} in the notebook metadata: {list(nb['metadata'])}"
    states = saved["state"]
    for data in (example, progress):
        model_id = data[WIDGET_VIEW]["model_id"]
        assert model_id in states, f"displayed widget {model_id} is not in the saved widget state"
    by_name: dict[str, list[dict]] = defaultdict(list)
    for entry in states.values():
        if entry["model_module"] == "scitacean-ts-widgets":
            continue  # our own widgets: checked by _widgets_scitacean
        assert entry["model_module_version"] == "2.0.0", entry
        by_name[entry["model_name"]].append(entry["state"])
    for model in ["IntProgressModel", "FloatProgressModel", "TextModel", "TextareaModel", "ButtonModel", "CheckboxModel",
                  "DropdownModel", "LabelModel", "HTMLModel", "VBoxModel", "HBoxModel", "LayoutModel", "ProgressStyleModel"]:
        assert by_name.get(model), f"no {model} in the saved widget state ({sorted(by_name)})"
    [bar] = by_name["IntProgressModel"]
    assert (bar["value"], bar["max"], bar["bar_style"], bar["description"]) == (4, 10, "info", "Steps"), bar
    [done] = by_name["FloatProgressModel"]
    assert (done["value"], done["bar_style"]) == (1, "success"), done
    assert any(s["value"] == "step 10 of 10" for s in by_name["LabelModel"]), by_name["LabelModel"]
    [dropdown] = by_name["DropdownModel"]
    assert dropdown["_options_labels"] == ["Raw data", "Derived data"] and dropdown["index"] == 0, dropdown
    vbox = by_name["VBoxModel"][0]
    assert all(c.startswith("IPY_MODEL_") and c[len("IPY_MODEL_"):] in states for c in vbox["children"]), vbox


@check("widgets")
def _widgets_scitacean(nb: dict, kernel: str) -> None:
    """The dataset editor, the upload widget and uploads with progress (fake transfer and SFTP)."""
    editor = widget_view(nb, "editor-setup", rich_type(kernel))
    assert editor["text/plain"] == "DatasetEditor(Spellpower)", editor["text/plain"]
    assert "Spellpower" in editor["text/html"], "the editor's HTML fallback shows the dataset"
    assert_lines(nb, "editor-fix", ["contactEmail: required for raw datasets, but missing.", "issues now: 0"])
    upload = widget_view(nb, "upload-widget", rich_type(kernel))
    assert upload["text/plain"] == "UploadWidget(Spellpower)", upload["text/plain"]
    assert_lines(nb, "upload-run", ["uploaded: true, files on the file server: 2"])
    # uploadWithProgress displays the progress and updates that display in place at the end, so the
    # saved notebook shows the finished transfer as HTML too.
    progress = widget_view(nb, "with-progress", "display_data")
    assert progress["text/plain"].startswith("Upload: done [##############################] 100% 3.00 MiB / 3.00 MiB 1/1 files"), progress["text/plain"]
    assert 'aria-valuenow="3145728" aria-valuemax="3145728"' in progress["text/html"], progress["text/html"]
    assert "Uploaded dataset " in progress["text/html"], progress["text/html"]
    sftp = widget_view(nb, "sftp-upload", "display_data")
    assert sftp["text/plain"].startswith("Upload: done"), sftp["text/plain"]
    assert_lines(nb, "sftp-upload", ["files on the SFTP server: 1, datasets in SciCat: 1"])
    assert_lines(nb, "sftp-cleanup", ["stopped"])

    states = nb["metadata"]["widgets"][WIDGET_STATE]["state"]
    ours = defaultdict(list)
    for model_id, entry in states.items():
        if entry["model_module"] == "scitacean-ts-widgets":
            assert entry["model_module_version"] == "^0.1.0", entry
            ours[entry["model_name"]].append((model_id, entry["state"]))
    assert sorted(ours) == ["DatasetEditorModel", "TransferProgressModel", "UploadWidgetModel"], sorted(ours)
    [(upload_id, upload_state)] = ours["UploadWidgetModel"]
    assert upload_id == upload[WIDGET_VIEW]["model_id"]
    assert upload_state["pid"] and upload_state["error"] == "" and upload_state["uploading"] is False, upload_state
    assert upload_state["blockedReason"] == "", upload_state
    editors = dict(ours["DatasetEditorModel"])
    upload_editor = editors[upload_state["editor"][len("IPY_MODEL_"):]]
    email = next(f for f in upload_editor["fields"] if f["name"] == "contactEmail")
    assert email["text"] == "nogg@wyrd.lancre" and email["messages"] == [], email
    assert upload_editor["metadata"] == [{"key": "temperature", "value": "21.5", "unit": "degC"}], upload_editor["metadata"]
    progresses = dict(ours["TransferProgressModel"])
    done = progresses[upload_state["progress"][len("IPY_MODEL_"):]]
    assert done["status"] == "done" and done["overall"]["bytesDone"] == done["overall"]["bytesTotal"] == 3145748, done
