// The checks of the built documentation site (test/docs/). scripts/test.sh runs them after
// `npm run docs`, which needs the executed notebooks; so the main jest run leaves them out.
const base = require("./jest.config.js");

/** @type {import('jest').Config} */
module.exports = { ...base, roots: ["<rootDir>/test/docs"], testPathIgnorePatterns: ["/node_modules/"] };
