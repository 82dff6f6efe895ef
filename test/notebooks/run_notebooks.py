"""Execute notebooks headless in a real tslab kernel and check their outputs.

Run with the project's venv (``scripts/setup.sh`` creates it)::

    .venv/bin/python test/notebooks/run_notebooks.py                 # every notebooks/*.ipynb
    .venv/bin/python test/notebooks/run_notebooks.py notebooks/uploading.ipynb --kernel tslab-stock
    .venv/bin/python test/notebooks/run_notebooks.py --expect-fail test/notebooks/fixtures/failing_throw.ipynb
    .venv/bin/python test/notebooks/run_notebooks.py --fake-package test/notebooks/fixtures/package_resolution.ipynb

Each notebook runs with the kernel's cwd set to the notebook's folder (or ``--cwd``), fails on the
first cell whose ``execute_reply`` has status ``error`` (tslab sends no ``error`` output, only
stderr text and that status, which nbclient does treat as a failure), then must pass the checks
that ``checks.py`` defines for it. Executed notebooks, with outputs, go to ``build/notebooks/``.
One JSON line per run is appended to ``--report`` for the test summary.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Our kernelspecs live in the venv (sys-prefix); put them first so a same-named user-level
# kernelspec (~/.local/share/jupyter/kernels/tslab) cannot shadow them.
os.environ["JUPYTER_PATH"] = os.pathsep.join(
    p for p in [str(Path(sys.prefix) / "share" / "jupyter"), os.environ.get("JUPYTER_PATH", "")] if p
)

import nbformat  # noqa: E402
from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import CellExecutionError  # noqa: E402

# The kernelspec of unmodified tslab (see scripts/install-kernel.js).
STOCK_KERNEL = "tslab-stock"

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import checks  # noqa: E402


def default_kernel(nb: nbformat.NotebookNode) -> str:
    return nb.metadata.get("kernelspec", {}).get("name", "tslab")


def make_fake_package(root: Path) -> Path:
    """Builds ``root/pkg``, a stand-in for this package with the *real* package.json resolution
    fields (main, types, exports, typesVersions) and stub files where they point, plus
    ``root/nb/node_modules/scitacean-ts -> ../../pkg`` as setup links the real one. Returns
    ``root/nb``, the folder to run a notebook in."""
    meta = json.loads((REPO / "package.json").read_text())
    pkg = root / "pkg"
    fields = {k: meta[k] for k in ("name", "version", "main", "types", "exports", "typesVersions") if k in meta}
    targets: set[str] = {meta["main"], meta["types"]}
    for entry in meta.get("exports", {}).values():
        if isinstance(entry, dict):
            targets.update(v for v in entry.values() if isinstance(v, str))
    for mapping in meta.get("typesVersions", {}).values():
        for paths in mapping.values():
            targets.update(paths)
    for target in targets:
        if not target.endswith((".js", ".d.ts")):
            continue
        file = pkg / target
        file.parent.mkdir(parents=True, exist_ok=True)
        stub = f"fake {target}"
        if target.endswith(".d.ts"):
            file.write_text(f"export declare const stub: {json.dumps(stub)};\n")
        else:
            file.write_text(f"exports.stub = {json.dumps(stub)};\n")
    (pkg / "package.json").write_text(json.dumps(fields, indent=2))
    nb_dir = root / "nb"
    (nb_dir / "node_modules").mkdir(parents=True)
    (nb_dir / "node_modules" / "scitacean-ts").symlink_to(Path("..") / ".." / "pkg")
    return nb_dir


def run_one(path: Path, args: argparse.Namespace) -> dict:
    nb = nbformat.read(path, as_version=4)
    kernel = args.kernel or default_kernel(nb)
    # Output name: the notebook's, plus what differs from a default run, so runs don't overwrite.
    stem = path.stem + ("" if kernel == default_kernel(nb) else f".{kernel}")
    stem += ".fake-package" if args.fake_package else ""
    name = f"{stem} [{kernel}]" + (" (expected to fail)" if args.expect_fail else "")
    result = {"notebook": str(path), "kernel": kernel, "name": name, "passed": False, "detail": ""}
    spec = KernelSpecManager().get_kernel_spec(kernel)  # raises NoSuchKernel: a failure, not a pass

    with tempfile.TemporaryDirectory(prefix="nbrun-") as tmp:
        cwd = make_fake_package(Path(tmp)) if args.fake_package else Path(args.cwd or path.parent)
        print(f"RUN  {name}: cwd={cwd} kernel={' '.join(spec.argv)}", flush=True)
        pristine = copy.deepcopy(nb)
        for attempt in (1, 2):
            client = NotebookClient(
                nb,
                kernel_name=kernel,
                timeout=args.timeout,  # per cell; the first cell also pays TypeScript's warm-up
                startup_timeout=60,
                resources={"metadata": {"path": str(cwd.resolve())}},
                # Keep widget state in metadata.widgets, as nbconvert --execute does (checks.py reads it).
                store_widget_state=True,
            )
            started = time.monotonic()
            error: str | None = None
            try:
                client.execute()
            except CellExecutionError as e:
                error = f"cell failed: {e}"
            except RuntimeError as e:
                # Stock tslab starts reading its sockets before they are bound, so a request that comes
                # in early can leave it deaf (our kernel binds first; see src/display/kernel.ts). That
                # race is tslab's, not the notebook's: the stock kernel gets one more start.
                if kernel == STOCK_KERNEL and attempt == 1 and "didn't respond" in str(e):
                    print(f"NOTE {name}: the stock tslab kernel did not start ({e}); starting it again", flush=True)
                    nb = copy.deepcopy(pristine)
                    continue
                result["detail"] = traceback.format_exc()
                write_output(nb, stem, args)
                return result
            except Exception:  # kernel died, timeout, ...: never counts as an expected failure
                result["detail"] = traceback.format_exc()
                write_output(nb, stem, args)
                return result
            break
        elapsed = time.monotonic() - started

    out = write_output(nb, stem, args)
    if args.expect_fail and error is None:
        result["detail"] = "executed without error, but a cell was expected to fail"
    elif not args.expect_fail and error is not None:
        result["detail"] = error
    else:
        try:
            checks.run(path.stem, kernel, nb)
            result["passed"] = True
            outcome = "failed as expected" if args.expect_fail else "ran"
            result["detail"] = f"{outcome} in {elapsed:.1f}s, outputs checked, saved to {out}"
        except AssertionError as e:
            result["detail"] = f"output check failed: {e} (see {out})"
    return result


def write_output(nb: nbformat.NotebookNode, stem: str, args: argparse.Namespace) -> Path:
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{stem}.ipynb"
    nbformat.write(nb, out)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: notebooks/*.ipynb)")
    parser.add_argument("--kernel", help="kernel name (default: the notebook's kernelspec, else tslab)")
    parser.add_argument("--cwd", help="kernel working directory (default: the notebook's folder)")
    parser.add_argument("--fake-package", action="store_true",
                        help="run in a temp folder whose node_modules/scitacean-ts is a stub with our package.json")
    parser.add_argument("--expect-fail", action="store_true", help="pass only if some cell fails")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    parser.add_argument("--out", default=str(REPO / "build" / "notebooks"), help="where executed notebooks go")
    parser.add_argument("--report", type=Path, help="append one JSON line per notebook run here")
    args = parser.parse_args()

    paths = args.paths or sorted((REPO / "notebooks").glob("*.ipynb"))
    if not paths:
        print("no notebooks to run", file=sys.stderr)
        return 1
    results = []
    for path in paths:
        try:
            result = run_one(path, args)
        except Exception:
            result = {"notebook": str(path), "name": path.stem, "passed": False, "detail": traceback.format_exc()}
        print(f"{'PASS' if result['passed'] else 'FAIL'} {result['name']}: {result['detail']}", flush=True)
        results.append(result)
        if args.report:
            args.report.parent.mkdir(parents=True, exist_ok=True)
            with args.report.open("a") as f:
                f.write(json.dumps(result) + "\n")
    return 0 if all(r["passed"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
