#!/usr/bin/env node
// @ts-check
/**
 * Installs two Jupyter kernelspecs into <prefix>/share/jupyter/kernels (default prefix: the
 * project's .venv, i.e. Jupyter's sys-prefix location, so nothing outside the repo is touched):
 *
 *   tslab        our kernel entry (dist/display/kernel.js): last values render as execute_result
 *   tslab-stock  tslab's own `tslab kernel`, to test the stock-kernel display path
 *
 * Both run the tslab in this repo's node_modules with this Node binary (absolute paths, so the
 * kernels do not depend on PATH when Jupyter starts them).
 *
 * Usage: node scripts/install-kernel.js [--prefix DIR]
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const repo = path.resolve(__dirname, "..");

/**
 * The kernelspecs, by name; tslab is resolved from this package (its own node_modules or a
 * parent's), so an installed package works as well as this checkout.
 * @returns {Record<string, {argv: string[], display_name: string}>}
 */
function kernelSpecs() {
  const entry = path.join(repo, "dist", "display", "kernel.js");
  let tslabBin = path.join(repo, "node_modules", "tslab", "bin", "tslab");
  try {
    tslabBin = path.join(path.dirname(require.resolve("tslab/package.json", { paths: [repo] })), "bin", "tslab");
  } catch {
    // reported below as missing
  }
  for (const file of [entry, tslabBin]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing (run npm ci and npm run build first)`);
  }
  return {
    tslab: {
      argv: [process.execPath, entry, "--config-path", "{connection_file}"],
      display_name: "TypeScript (tslab + scitacean-ts)",
    },
    "tslab-stock": {
      argv: [process.execPath, tslabBin, "kernel", "--config-path", "{connection_file}"],
      display_name: "TypeScript (stock tslab)",
    },
  };
}

/**
 * Writes the kernelspecs `names` into <prefix>/share/jupyter/kernels and returns the folders written.
 * @param {string} prefix
 * @param {string[]} [names]
 * @returns {string[]}
 */
function installKernels(prefix, names) {
  const specs = kernelSpecs();
  const written = [];
  for (const name of names ?? Object.keys(specs)) {
    const spec = specs[name];
    if (spec === undefined) throw new Error(`unknown kernel ${name}`);
    const dir = path.join(prefix, "share", "jupyter", "kernels", name);
    fs.mkdirSync(dir, { recursive: true });
    const json = { ...spec, language: "typescript", interrupt_mode: "signal" };
    fs.writeFileSync(path.join(dir, "kernel.json"), JSON.stringify(json, null, 2) + "\n");
    written.push(dir);
  }
  return written;
}

module.exports = { installKernels };

if (require.main === module) {
  const args = process.argv.slice(2);
  const prefixAt = args.indexOf("--prefix");
  const prefix = path.resolve(prefixAt >= 0 && args[prefixAt + 1] ? args[prefixAt + 1] : path.join(repo, ".venv"));
  try {
    const names = ["tslab", "tslab-stock"];
    installKernels(prefix, names).forEach((dir, i) => console.log(`install-kernel: ${names[i]} -> ${dir}`));
  } catch (error) {
    console.error(`install-kernel: ${/** @type {Error} */ (error).message}`);
    process.exit(1);
  }
}
