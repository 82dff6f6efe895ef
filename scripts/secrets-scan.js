#!/usr/bin/env node
/**
 * The secrets scan, the last step of `npm test`: fails if any token,
 * password, passphrase or private key that the tests use appears in what the
 * test run printed or saved under build/ (the captured output of the run,
 * jest's JSON results, executed notebooks, browser page texts, logs).
 *
 * What counts as a secret:
 * - secrets registered at run time by the tests (build/secrets.list, one JSON
 *   object `{ "label", "value" }` per line; see test/secrets/register.ts);
 * - secrets written into the test fixtures: string literals given as a
 *   password, passphrase, token or secret in src/testing/, test/ and the
 *   notebook runner, and `ssh-keygen -N` passphrases;
 * - SCICAT_TOKEN and SCICAT_PASSWORD of the live tests, if set;
 * - anything shaped like a private key (PEM header, also as a printed
 *   Buffer), a JWT, or a `token=` login link.
 *
 * Never prints a secret: a finding names the file, the line and the label.
 * Jest's code frames (`> 12 | …`) and test names are skipped: they show the
 * test sources, fixtures included, which is no leak of the run.
 *
 * Usage: node scripts/secrets-scan.js [--root DIR] [--require FILE]...
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

/** Fixture literals shorter than this are words, not secrets ("wrong", "secret"). */
const MIN_LITERAL = 8;
/** Files larger than this are not read (none of the run's outputs comes near). */
const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** Shapes that are secrets whoever made them. */
const PATTERNS = [
  { label: "a private key (PEM)", regex: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/ },
  // util.inspect of a Buffer holding a PEM key: "<Buffer 2d 2d 2d 2d 2d 42 45 47 49 4e ...".
  { label: "a private key (printed Buffer)", regex: /2d 2d 2d 2d 2d 42 45 47 49 4e 20 (?:[0-9a-f]{2} ){0,20}50 52 49 56 41 54 45/ },
  { label: "a JWT", regex: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/ },
  { label: "a login link with a token", regex: /[?&]token=[A-Za-z0-9_-]{16,}/ },
];

/** Where fixture secrets are written, relative to the root. */
const FIXTURE_DIRS = ["src/testing", "test"];
const FIXTURE_FILES = /\.(ts|js|py|sh)$/;

const LITERAL_PATTERNS = [
  // password: "…", passphrase = '…', secret = "…", token: `…` (also quoted keys, as in JSON or Python).
  /\b(?:password|passphrase|passwd|secret|token)["']?\s*[:=]\s*(["'`])((?:(?!\1)[^\\\n])+)\1/gi,
  // ssh-keygen -N "…" (new passphrase) and -P "…" (old passphrase), as argument lists.
  /["']-[NP]["']\s*,\s*(["'])((?:(?!\1)[^\\\n])+)\1/g,
];

function walk(dir, accept, out = []) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules" && !entry.name.startsWith(".")) walk(full, accept, out);
    } else if (entry.isFile() && accept(full)) {
      out.push(full);
    }
  }
  return out;
}

/** Secrets written into the fixtures under `root`. */
function fixtureSecrets(root) {
  const secrets = [];
  const files = FIXTURE_DIRS.flatMap((d) => walk(path.join(root, d), (f) => FIXTURE_FILES.test(f)));
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    for (const pattern of LITERAL_PATTERNS) {
      for (const match of text.matchAll(pattern)) {
        const value = match[2];
        // Template strings and type names are not values.
        if (value.length < MIN_LITERAL || value.includes("${")) continue;
        const line = text.slice(0, match.index).split("\n").length;
        secrets.push({ label: `fixture literal at ${path.relative(root, file)}:${line}`, value });
      }
    }
  }
  return secrets;
}

/** Secrets the tests registered while they ran. */
function registeredSecrets(listFile) {
  if (!fs.existsSync(listFile)) return [];
  return fs
    .readFileSync(listFile, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      const entry = JSON.parse(line);
      if (typeof entry.value !== "string" || entry.value === "") {
        throw new Error(`${listFile}:${i + 1}: a secret needs a non-empty string value`);
      }
      return { label: `registered: ${String(entry.label ?? "unnamed")}`, value: entry.value };
    });
}

function environmentSecrets(env) {
  return ["SCICAT_TOKEN", "SCICAT_PASSWORD"]
    .filter((name) => typeof env[name] === "string" && env[name].length >= MIN_LITERAL)
    .map((name) => ({ label: `environment variable ${name}`, value: env[name] }));
}

/** Every secret of the test suite under `root`; one entry per value. */
function collectSecrets(root, options = {}) {
  const listFile = options.listFile ?? path.join(root, "build", "secrets.list");
  const all = [...registeredSecrets(listFile), ...fixtureSecrets(root), ...environmentSecrets(options.env ?? process.env)];
  const byValue = new Map();
  for (const secret of all) if (!byValue.has(secret.value)) byValue.set(secret.value, secret);
  return [...byValue.values()];
}

// Colour codes of jest and the notebook runner (ESC [ … m).
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
/**
 * Lines that show the test sources, not what the run produced: a jest code
 * frame (`> 12 | source`, `  12 | source`) and a test's name in jest's report
 * (`● describe › title`, `✓ title`), after colours are removed.
 */
const SOURCE_LINE = /^\s*(?:>?\s*\d+\s*\||[●✓✕○] )/;

/** The text of a notebook that its run produced: outputs only (the sources are the fixtures). */
function notebookOutputs(notebook) {
  const texts = [];
  const collect = (value) => {
    if (typeof value === "string") texts.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === "object") Object.values(value).forEach(collect);
  };
  for (const cell of notebook.cells ?? []) collect(cell.outputs ?? []);
  return texts.join("\n");
}

/**
 * Keys of jest's results that hold test names: written in the test sources,
 * not produced by the run (a title may well say "with a passphrase").
 */
const TITLE_KEYS = new Set(["title", "fullName", "ancestorTitles"]);

/** Every string inside a JSON value, one per line (so escapes are read as the text they stand for). */
function jsonStrings(value) {
  const texts = [];
  const collect = (v) => {
    if (typeof v === "string") texts.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        texts.push(k);
        if (!TITLE_KEYS.has(k)) collect(x);
      }
    }
  };
  collect(value);
  return texts.join("\n");
}

/** The text of an output file as it should be scanned, or null for a binary file. */
function scannableText(file) {
  if (fs.statSync(file).size > MAX_FILE_BYTES) return null;
  const bytes = fs.readFileSync(file);
  if (bytes.subarray(0, 8192).includes(0)) return null; // binary (a screenshot): no text to read
  const raw = bytes.toString("utf8");
  // JSON is read decoded: an escaped secret reads as itself, and multi-line strings (jest's messages
  // with their code frames) are split into lines.
  if (file.endsWith(".ipynb")) {
    try {
      return notebookOutputs(JSON.parse(raw));
    } catch {
      return raw;
    }
  }
  if (file.endsWith(".json")) {
    try {
      return jsonStrings(JSON.parse(raw));
    } catch {
      return raw;
    }
  }
  if (file.endsWith(".jsonl")) {
    return raw
      .split("\n")
      .map((line) => {
        try {
          return jsonStrings(JSON.parse(line));
        } catch {
          return line;
        }
      })
      .join("\n");
  }
  return raw;
}

/**
 * Scans the files `outputs` for `secrets` and the secret shapes; returns the
 * findings (file, line, label), never the secret itself.
 */
function scanFiles(outputs, secrets, options = {}) {
  const root = options.root ?? process.cwd();
  const findings = [];
  let scanned = 0;
  for (const file of outputs) {
    const text = scannableText(file);
    if (text === null) continue;
    scanned += 1;
    const kept = text
      .replace(ANSI, "")
      .split(/\r?\n/)
      .map((line, i) => ({ line, number: i + 1 }))
      .filter(({ line }) => !SOURCE_LINE.test(line));
    const at = (number) => `${path.relative(root, file)}:${number}`;
    const singleLine = secrets.filter((s) => !s.value.includes("\n"));
    for (const { line, number } of kept) {
      for (const secret of singleLine) {
        if (line.includes(secret.value) || line.includes(JSON.stringify(secret.value).slice(1, -1))) {
          findings.push({ where: at(number), label: secret.label });
        }
      }
      for (const pattern of PATTERNS) if (pattern.regex.test(line)) findings.push({ where: at(number), label: pattern.label });
    }
    // A secret of several lines (a key file) is looked for across the lines, as printed.
    const joined = kept.map(({ line }) => line).join("\n");
    for (const secret of secrets.filter((s) => s.value.includes("\n"))) {
      const index = joined.indexOf(secret.value.replace(/\r\n/g, "\n"));
      if (index >= 0) findings.push({ where: at(kept[joined.slice(0, index).split("\n").length - 1].number), label: secret.label });
    }
  }
  return { findings, scanned };
}

/** The output files of a test run under `buildDir`: everything but the secrets list itself. */
function outputFiles(buildDir) {
  const list = path.join(buildDir, "secrets.list");
  return walk(buildDir, (f) => f !== list);
}

function main(argv) {
  const args = { root: path.resolve(__dirname, ".."), require: [] };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === "--root") args.root = path.resolve(argv[++i]);
    else if (argv[i] === "--require") args.require.push(argv[++i]);
    else throw new Error(`secrets-scan: unknown argument ${argv[i]}`);
  }
  const buildDir = path.join(args.root, "build");
  const missing = args.require.filter((f) => !fs.existsSync(path.resolve(args.root, f)));
  if (missing.length > 0) {
    console.log(`secrets-scan: FAILED: the run's output is missing (${missing.join(", ")}), so it cannot be checked`);
    return 1;
  }
  const secrets = collectSecrets(args.root);
  // A scan with nothing to look for would pass whatever was printed.
  if (secrets.length === 0) {
    console.log("secrets-scan: FAILED: no secrets of the tests were found to look for");
    return 1;
  }
  const { findings, scanned } = scanFiles(outputFiles(buildDir), secrets, { root: args.root });
  const registered = secrets.filter((s) => s.label.startsWith("registered:")).length;
  const summary = `${scanned} output files, ${secrets.length} secrets (${registered} registered by the tests) and ${PATTERNS.length} secret shapes`;
  if (findings.length === 0) {
    console.log(`secrets-scan: no secret in ${summary}`);
    return 0;
  }
  console.log(`secrets-scan: FAILED: ${findings.length} secret(s) found in ${summary}:`);
  for (const f of findings.slice(0, 50)) console.log(`  ${f.where}: ${f.label}`);
  if (findings.length > 50) console.log(`  … and ${findings.length - 50} more`);
  return 1;
}

module.exports = { collectSecrets, scanFiles, outputFiles, main };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
