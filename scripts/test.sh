#!/usr/bin/env bash
# The whole test suite (npm test): setup, typecheck, lint, jest, then notebooks in real tslab kernels,
# then the docs site built from them (npm run docs) and its checks, and last a secrets scan.
# Ends with one line "N passed, N failed" (jest tests + notebook runs + docs build and checks + the secrets
# scan; a failed typecheck or lint, or a test runner that could not report, counts as one failure) and exits
# non-zero on any failure. The run's output is kept in build/test-output.log.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Everything the run prints is also kept in build/test-output.log, for the secrets scan at the end.
# The tests list the secrets they make while they run in build/secrets.list (test/secrets/register.ts).
mkdir -p build
rm -f build/secrets.list build/test-output.log
exec > >(tee build/test-output.log) 2>&1

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
# Widgets through the runtime attachment to stock tslab (comm layer patched in from the first widget).
notebooks --kernel tslab-stock notebooks/widgets.ipynb
# The runner must report a cell error (tslab sends only status "error") as a failure.
notebooks --expect-fail test/notebooks/fixtures/failing_throw.ipynb test/notebooks/fixtures/failing_type_error.ipynb
# Our package.json resolves under tslab's TypeScript 5.0 through a notebooks/node_modules link ...
notebooks --fake-package test/notebooks/fixtures/package_resolution.ipynb
# ... and so does the real package, once it has both entry points.
if [[ -f dist/index.d.ts && -f dist/testing/index.d.ts && -f dist/widgets/index.d.ts ]]; then
  notebooks --cwd notebooks test/notebooks/fixtures/package_resolution.ipynb
else
  echo "test: note: dist/index.d.ts, dist/testing/index.d.ts or dist/widgets/index.d.ts missing; real package import not checked"
fi
echo "== comm protocol"
# Jupyter comms and widgets driven by jupyter_client under both kernels (test/comm/protocol_test.py);
# one report line per check, counted below with the notebooks.
rm -rf build/protocol
mkdir -p build/protocol
for kernel in tslab tslab-stock; do
  before=$(wc -l <"$report")
  rc=0
  .venv/bin/python test/comm/protocol_test.py --kernel "$kernel" --report "$report" \
    --log "build/protocol/kernel-$kernel.log" || rc=$?
  if [[ $rc -ne 0 && $before -eq $(wc -l <"$report") ]]; then
    echo "test: protocol tests under $kernel failed before running anything"
    failed=$((failed + 1))
  fi
done
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

# Last: no token, password, passphrase or private key of the tests in anything the run printed or saved.
echo "== secrets scan"
if node scripts/secrets-scan.js --require build/test-output.log --require build/jest-results.json; then
  passed=$((passed + 1))
else
  echo "test: secrets scan FAILED"
  failed=$((failed + 1))
fi

echo "test: executed notebooks are in build/notebooks/, the docs site in build/docs/"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
