/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // test/docs checks the built docs site; scripts/test.sh runs it after `npm run docs` (jest.docs.config.js).
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/docs/"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tsconfig.json" }],
  },
};
