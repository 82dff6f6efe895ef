"""B6: the first cell of a fresh tslab kernel (our kernelspec, cwd notebooks/).

Prints one ``BENCH_RESULT {...}`` line: the time of the first cell, which is
either the package import or (the reference) a cell without imports. Run
with the project's venv: .venv/bin/python bench/jobs/tslab_import.py import|empty
"""
import json
import os
import sys
import time
from pathlib import Path

from jupyter_client.manager import start_new_kernel

ROOT = Path(__file__).resolve().parents[2]
# Our kernelspecs live in the venv (sys-prefix), as for the notebook tests.
os.environ["JUPYTER_PATH"] = os.pathsep.join(
    p for p in [str(Path(sys.prefix) / "share" / "jupyter"), os.environ.get("JUPYTER_PATH", "")] if p
)

CELLS = {
    "import": 'import { Dataset, Client } from "scitacean-ts";\nconst bench = [Dataset, Client].length;',
    "empty": "const bench = [1, 2].length;",
}


def main() -> None:
    which = sys.argv[1]
    kernel = os.environ.get("BENCH_KERNEL", "tslab")
    km, kc = start_new_kernel(kernel_name=kernel, cwd=str(ROOT / "notebooks"), startup_timeout=120)
    try:
        start = time.perf_counter()
        reply = kc.execute_interactive(CELLS[which], timeout=120, output_hook=lambda _msg: None)
        cell = time.perf_counter() - start
        if reply["content"]["status"] != "ok":
            raise SystemExit(f"cell failed: {reply['content']}")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print("BENCH_RESULT " + json.dumps({"cell": which, "kernel": kernel, "cellMs": cell * 1000}), flush=True)


if __name__ == "__main__":
    main()
