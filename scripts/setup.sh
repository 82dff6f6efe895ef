#!/usr/bin/env bash
# Prepares a checkout for notebooks and tests (npm run setup). Idempotent: a second run only
# rebuilds dist/ and rewrites the kernelspecs, which takes seconds.
#
#   node_modules/   npm ci, when missing or older than package-lock.json
#   dist/           npm run build (always: it is quick and keeps dist/ in step with src/)
#   .venv/          Python venv with JupyterLab, ipywidgets, nbclient, nbconvert
#   .venv/share/jupyter/kernels/{tslab,tslab-stock}   our kernelspecs (nothing global is touched)
#   widget/dist, .venv/share/jupyter/labextensions/scitacean-ts-widgets   the widget front end
#   notebooks/node_modules/scitacean-ts -> ../..      so notebooks can `import ... from "scitacean-ts"`
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
log() { echo "setup: $*"; }

# --- npm ----------------------------------------------------------------------------------
# npm ci writes node_modules/.package-lock.json; a lock file newer than that means new deps.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  log "npm ci"
  npm ci --no-audit --no-fund
else
  log "node_modules up to date"
fi

log "npm run build"
npm run --silent build

# --- Python venv with Jupyter -------------------------------------------------------------
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

venv_ok() { [[ -x .venv/bin/python ]] && .venv/bin/python -c "pass" 2>/dev/null; }

if ! venv_ok; then
  rm -rf .venv
  log "creating .venv"
  if ! python3 -m venv .venv; then
    # Debian ships venv's ensurepip separately (python3-venv); install it and use Debian's python.
    rm -rf .venv
    log "python3 -m venv failed; installing python3-venv"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-venv
    /usr/bin/python3 -m venv .venv
  fi
fi

# find_spec only locates the packages: importing them would take seconds.
if .venv/bin/python -c "import importlib.util as u, sys
sys.exit(any(u.find_spec(m) is None for m in ['jupyterlab', 'ipywidgets', 'nbclient', 'nbconvert']))"; then
  log "Jupyter packages already installed in .venv"
else
  log "pip install jupyterlab ipywidgets nbclient nbconvert"
  # --retries 0: only the configured package sources are reachable; don't wait on the others.
  .venv/bin/pip install --retries 0 --disable-pip-version-check --progress-bar off \
    jupyterlab ipywidgets nbclient nbconvert
fi

# --- OpenSSH server for the SFTP notebook and tests ------------------------------------------
# The sftp-and-real-servers notebook and the transfer tests start a throwaway sshd on 127.0.0.1;
# only the binary is needed (no system service is configured or started).
if [[ ! -x /usr/sbin/sshd ]]; then
  log "installing openssh-server (the sshd binary for the SFTP notebook and tests)"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssh-server
fi

# --- Chromium for the browser tests ---------------------------------------------------------
# Widget and docs tests drive real JupyterLab in headless Debian chromium through playwright-core
# (playwright's own browser download cannot work offline).
# The colour emoji font draws the tables' marks (🔒 read-only) in screenshots.
if [[ ! -x /usr/bin/chromium || ! -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]]; then
  log "installing chromium and fonts-noto-color-emoji (headless browser for the JupyterLab tests)"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-noto-color-emoji
fi

# --- widget front end (JupyterLab extension scitacean-ts-widgets) ---------------------------
# widget/ is its own npm package (own package-lock). It is rebuilt only when its sources or the
# shared state types are newer than the last build, then copied into the venv's labextensions.
widget_dist=widget/dist/scitacean-ts-widgets
if [[ ! -f widget/node_modules/.package-lock.json || widget/package-lock.json -nt widget/node_modules/.package-lock.json ]]; then
  log "npm ci (widget/)"
  (cd widget && npm ci --no-audit --no-fund)
fi
if [[ ! -f $widget_dist/package.json ]] ||
  [[ -n $(find widget/src widget/style widget/package.json widget/tsconfig.json src/widgets/scitacean/state.ts \
    -newer "$widget_dist/package.json" -print -quit) ]]; then
  log "building the widget extension"
  (cd widget && npm run --silent build >/dev/null)
else
  log "widget extension up to date"
fi

# --- kernelspecs and the package link for notebooks -----------------------------------------
node scripts/install-kernel.js --prefix .venv
node bin/scitacean-ts.js install --prefix .venv --extension-only

link=notebooks/node_modules/scitacean-ts
mkdir -p notebooks/node_modules
if [[ -e $link && ! -L $link ]]; then
  echo "setup: $link exists and is not a symlink; remove it and run again" >&2
  exit 1
fi
ln -sfn ../.. "$link" # relative, so the checkout can move
log "ready ($link -> $(readlink "$link"))"
