// Lint: ESLint's and typescript-eslint's recommended rules over the library, its tests and tools.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "build/", "node_modules/", "notebooks/", "widget/", ".venv/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_name` marks a deliberately unused parameter or binding.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
      // A `let` that a closure reads before its one assignment (the kernel's server) cannot be a `const`.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ["src/model/**/*.ts"],
    rules: {
      // The models declare their field-table accessors through an interface of the same name as the
      // class; installFieldAccessors puts them on the prototype, so the merged declaration is true.
      "@typescript-eslint/no-unsafe-declaration-merging": "off",
    },
  },
  {
    files: ["**/*.js"],
    rules: { "@typescript-eslint/no-require-imports": "off" }, // plain CommonJS scripts
  },
);
