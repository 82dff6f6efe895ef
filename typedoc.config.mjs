// API reference (npm run docs): the public entry points of the package, each export documented.
// `scitacean-ts/widgets` joins once src/widgets/index.ts exists.
import { existsSync } from "node:fs";

const entryPoints = ["src/index.ts", "src/testing/index.ts", "src/widgets/index.ts"].filter((f) => existsSync(f));

/** @type {Partial<import("typedoc").TypeDocOptions>} */
export default {
  name: "scitacean-ts",
  entryPoints,
  tsconfig: "tsconfig.build.json",
  out: "build/docs/api",
  readme: "none",
  plugin: ["./scripts/typedoc-plugin.mjs"],
  // An export without TSDoc or a broken {@link} fails the build. (Helper types that exported
  // signatures mention but the package does not export, e.g. FieldValue, are shown by name only.)
  validation: { notExported: false, invalidLink: true, notDocumented: true },
  treatValidationWarningsAsErrors: true,
  excludePrivate: true,
  excludeInternal: true,
  // Links back to the rest of the site; scripts/build_docs.py makes SITE_ROOT/ relative.
  navigationLinks: {
    "Docs home": "SITE_ROOT/index.html",
    Tutorials: "SITE_ROOT/index.html#tutorials",
    Architecture: "SITE_ROOT/architecture.html",
  },
};
