#!/usr/bin/env node
// @ts-check
/**
 * `npx scitacean-ts install [--prefix P]` puts the scitacean-ts kernel ("tslab") and the widget
 * front end (JupyterLab extension scitacean-ts-widgets) into a Jupyter environment: the active one
 * ($VIRTUAL_ENV, $CONDA_PREFIX, else the prefix of `python3`), or P. `uninstall` removes both.
 * It prints every path it writes or removes.
 *
 * Options: --prefix P   the environment's prefix (its share/jupyter is written)
 *          --extension-only   only the extension (setup uses it; the kernels come from install-kernel.js)
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { installKernels } = require("../scripts/install-kernel.js");

const repo = path.resolve(__dirname, "..");
const EXTENSION = "scitacean-ts-widgets";
const KERNEL = "tslab";

/** @param {string} message */
function fail(message) {
  console.error(`scitacean-ts: ${message}`);
  process.exit(1);
}

/** The prefix of the active Jupyter environment. */
function activePrefix() {
  const fromEnv = process.env.VIRTUAL_ENV || process.env.CONDA_PREFIX;
  if (fromEnv) return fromEnv;
  try {
    return execFileSync("python3", ["-c", "import sys; print(sys.prefix)"], { encoding: "utf8" }).trim();
  } catch {
    return fail("no active Jupyter environment found (no $VIRTUAL_ENV, $CONDA_PREFIX or python3); give one with --prefix P.");
  }
}

/** @param {string} prefix */
function installExtension(prefix) {
  const built = path.join(repo, "widget", "dist", EXTENSION);
  if (!fs.existsSync(path.join(built, "package.json"))) {
    fail(`the widget extension is not built (${built} is missing); run npm run setup in the scitacean-ts checkout.`);
  }
  const target = path.join(prefix, "share", "jupyter", "labextensions", EXTENSION);
  // The folder's name must be the package name; a stale build is replaced, never merged into.
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.cpSync(built, target, { recursive: true });
  return target;
}

/** @param {string[]} argv */
function main(argv) {
  const [command, ...rest] = argv;
  const prefixAt = rest.indexOf("--prefix");
  if (prefixAt >= 0 && !rest[prefixAt + 1]) fail("--prefix needs a folder.");
  const unknown = rest.filter((a, i) => !["--prefix", "--extension-only"].includes(a) && i !== prefixAt + 1);
  if (!["install", "uninstall"].includes(command ?? "") || unknown.length > 0) {
    fail("usage: scitacean-ts install|uninstall [--prefix P]");
  }
  const prefix = path.resolve(prefixAt >= 0 ? /** @type {string} */ (rest[prefixAt + 1]) : activePrefix());
  const extensionOnly = rest.includes("--extension-only");
  if (command === "install") {
    if (!extensionOnly) {
      try {
        for (const dir of installKernels(prefix, [KERNEL])) console.log(`scitacean-ts: installed kernel "${KERNEL}" in ${dir}`);
      } catch (error) {
        fail(`cannot install the kernel: ${/** @type {Error} */ (error).message}`);
      }
    }
    console.log(`scitacean-ts: installed JupyterLab extension ${EXTENSION} in ${installExtension(prefix)}`);
    if (!extensionOnly) console.log("scitacean-ts: restart JupyterLab (or reload the page) and pick the kernel \"TypeScript (tslab + scitacean-ts)\".");
  } else {
    const targets = [path.join(prefix, "share", "jupyter", "labextensions", EXTENSION)];
    if (!extensionOnly) targets.push(path.join(prefix, "share", "jupyter", "kernels", KERNEL));
    for (const target of targets) {
      if (fs.existsSync(target)) {
        fs.rmSync(target, { recursive: true, force: true });
        console.log(`scitacean-ts: removed ${target}`);
      } else {
        console.log(`scitacean-ts: nothing at ${target}`);
      }
    }
  }
}

main(process.argv.slice(2));
