/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // Real sshd, kernels and key derivation share two cores with the rest of the suite; 5 s is too
  // tight on a loaded machine. Tests that wait on purpose set their own, larger limits.
  testTimeout: 30_000,
  // test/docs checks the built docs site; scripts/test.sh runs it after `npm run docs` (jest.docs.config.js).
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/docs/"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tsconfig.json" }],
  },
};
