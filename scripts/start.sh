#!/usr/bin/env bash
# Starts JupyterLab on the tutorial notebooks (npm start). Runs setup first (quick when done).
#
# Environment: PORT (default 8888; Jupyter moves to the next free port if it is taken),
# HOST (default 127.0.0.1). Stop with Ctrl-C.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD

bash scripts/setup.sh

# Our kernelspecs (in the venv) win over any same-named user-level ones.
export JUPYTER_PATH="$repo/.venv/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"

args=(--no-browser --ip="${HOST:-127.0.0.1}" --port="${PORT:-8888}" --ServerApp.root_dir="$repo/notebooks"
  --MappingKernelManager.default_kernel_name=tslab)
# The file browser shows the tutorials, not the node_modules link that lets them import
# scitacean-ts (the kernel resolves imports on disk, so hiding it changes nothing for them).
# Jupyter's own defaults come first: the option replaces the list.
for glob in __pycache__ '*.pyc' '*.pyo' .DS_Store '*~' node_modules .ipynb_checkpoints; do
  args+=(--ContentsManager.hide_globs="$glob")
done
[[ $(id -u) -eq 0 ]] && args+=(--allow-root)

echo "start: JupyterLab on the notebooks in $repo/notebooks (kernel: tslab)."
echo "start: open the http://... URL with ?token= that Jupyter prints below."
exec "$repo/.venv/bin/jupyter" lab "${args[@]}"
