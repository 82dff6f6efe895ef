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
const args = process.argv.slice(2);
const prefixAt = args.indexOf("--prefix");
const prefix = path.resolve(prefixAt >= 0 && args[prefixAt + 1] ? args[prefixAt + 1] : path.join(repo, ".venv"));
const kernelsDir = path.join(prefix, "share", "jupyter", "kernels");

const entry = path.join(repo, "dist", "display", "kernel.js");
const tslabBin = path.join(repo, "node_modules", "tslab", "bin", "tslab");
for (const file of [entry, tslabBin]) {
  if (!fs.existsSync(file)) {
    console.error(`install-kernel: ${file} is missing (run npm ci and npm run build first)`);
    process.exit(1);
  }
}

/** @type {Record<string, {argv: string[], display_name: string}>} */
const kernels = {
  tslab: {
    argv: [process.execPath, entry, "--config-path", "{connection_file}"],
    display_name: "TypeScript (tslab + scitacean-ts)",
  },
  "tslab-stock": {
    argv: [process.execPath, tslabBin, "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (stock tslab)",
  },
};

for (const [name, spec] of Object.entries(kernels)) {
  const dir = path.join(kernelsDir, name);
  fs.mkdirSync(dir, { recursive: true });
  const json = { ...spec, language: "typescript", interrupt_mode: "signal" };
  fs.writeFileSync(path.join(dir, "kernel.json"), JSON.stringify(json, null, 2) + "\n");
  console.log(`install-kernel: ${name} -> ${dir}`);
}
