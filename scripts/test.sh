#!/usr/bin/env bash
# The whole test suite (npm test): setup, typecheck, lint, jest, then notebooks in real tslab kernels,
# then the docs site built from them (npm run docs) and its checks.
# Ends with one line "N passed, N failed" (jest tests + notebook runs + docs build and checks; a failed typecheck or lint,
# or a test runner that could not report, counts as one failure) and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! bash scripts/setup.sh; then
  echo "test: setup FAILED (see above); nothing else was run"
  echo "0 passed, 1 failed"
  exit 1
fi

rm -rf build/notebooks build/jest-results.json build/jest-docs-results.json
mkdir -p build/notebooks
passed=0
failed=0

echo "== typecheck"
if ! npm run --silent typecheck; then
  echo "test: typecheck FAILED"
  failed=$((failed + 1))
fi

echo "== lint"
if ! npm run --silent lint; then
  echo "test: lint FAILED"
  failed=$((failed + 1))
fi

# Runs jest with the given arguments and adds its passed and failed tests to the totals.
jest_counted() {
  local results=$1 rc=0 jp jf
  shift
  npx jest --json --outputFile="$results" "$@" || rc=$?
  # Suites that fail to compile report no tests, so count them as failures too.
  read -r jp jf < <(node -e '
    try {
      const r = require(require("path").resolve(process.argv[1]));
      console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites);
    } catch { console.log(0, 0); }' "$results")
  if [[ $rc -ne 0 && $jf -eq 0 ]]; then jf=1; fi # jest failed without reporting a failed test
  passed=$((passed + jp))
  failed=$((failed + jf))
}

echo "== jest"
jest_counted build/jest-results.json

echo "== notebooks"
report=build/notebooks/report.jsonl
: >"$report"
notebooks() {
  local before after rc=0
  before=$(wc -l <"$report")
  .venv/bin/python test/notebooks/run_notebooks.py --report "$report" "$@" || rc=$?
  after=$(wc -l <"$report")
  if [[ $rc -ne 0 && $before -eq $after ]]; then
    echo "test: notebook runner failed before running anything ($*)"
    failed=$((failed + 1))
  fi
}
notebooks # every tutorial, notebooks/*.ipynb, in its own kernel (tslab)
# The display layer under both kernels. The fixture imports ../../../dist/display, relative to the
# kernel's cwd, which the runner sets to the notebook's folder.
notebooks test/notebooks/fixtures/smoke.ipynb
notebooks --kernel tslab-stock test/notebooks/fixtures/smoke.ipynb # the util.inspect.custom path
# A real tutorial under the stock kernel: its tables must arrive as display_data (see checks.py).
notebooks --kernel tslab-stock notebooks/uploading.ipynb
# The runner must report a cell error (tslab sends only status "error") as a failure.
notebooks --expect-fail test/notebooks/fixtures/failing_throw.ipynb test/notebooks/fixtures/failing_type_error.ipynb
# Our package.json resolves under tslab's TypeScript 5.0 through a notebooks/node_modules link ...
notebooks --fake-package test/notebooks/fixtures/package_resolution.ipynb
# ... and so does the real package, once it has both entry points.
if [[ -f dist/index.d.ts && -f dist/testing/index.d.ts ]]; then
  notebooks --cwd notebooks test/notebooks/fixtures/package_resolution.ipynb
else
  echo "test: note: dist/index.d.ts or dist/testing/index.d.ts missing; real package import not checked"
fi
read -r np nf < <(node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean);
  const ok = lines.filter((l) => JSON.parse(l).passed).length;
  console.log(ok, lines.length - ok);' "$report")
passed=$((passed + np))
failed=$((failed + nf))

# The docs site reuses the executed notebooks, so it is built and checked after them.
echo "== docs"
if bash scripts/docs.sh; then
  passed=$((passed + 1))
  jest_counted build/jest-docs-results.json -c jest.docs.config.js # links, pages, the site in chromium
else
  echo "test: docs build FAILED (npm run docs)"
  failed=$((failed + 1))
fi

echo "test: executed notebooks are in build/notebooks/, the docs site in build/docs/"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
