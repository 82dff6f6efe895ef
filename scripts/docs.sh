#!/usr/bin/env bash
# Builds the documentation site (npm run docs) into build/docs/: the API reference by TypeDoc
# (typedoc.config.mjs), then the landing page, docs/*.md and the executed tutorials
# (scripts/build_docs.py). Open build/docs/index.html from disk or serve build/docs/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ ! -x .venv/bin/python || ! -f dist/model/dataset-fields.js ]]; then
  bash scripts/setup.sh # the TypeDoc plugin reads the field tables from dist/; nbconvert is in .venv
fi
rm -rf build/docs
npx typedoc
.venv/bin/python scripts/build_docs.py "$@"
