"""Assertions on the outputs of executed notebooks, keyed by notebook file stem.

``run_notebooks.py`` calls :func:`run` after a notebook has executed. A notebook without checks
here only has to run without errors. Add checks with::

    @check("my_notebook")
    def _(nb, kernel):
        assert_rich(nb, "cell-id", "execute_result", "text/html", "<table")

Cells are addressed by their nbformat cell ``id`` (set it in the .ipynb, it is stable).
"""

from __future__ import annotations

from collections import defaultdict
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
    assert_stdout(nb, "runtime", "main: object testing: object")
    resolved = stream_text(nb, "runtime").split("resolved:", 1)[-1].split()
    assert len(resolved) == 2, resolved
    assert resolved[0].endswith("/dist/index.js"), resolved
    assert resolved[1].endswith("/dist/testing/index.js"), resolved
