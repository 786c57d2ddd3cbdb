// ESLint (flat config) for the whole repository: `npm run lint`, and `npm test` runs it after tsc.
// TypeScript (sources and tests) is linted with type information from tsconfig.test.json, which
// includes every package's src/ and test/ and the root test/; run `tsc -b` first so the packages'
// dist/*.d.ts exist. The CommonJS launchers, scripts and Jest support files are linted as plain JS.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import stylistic from '@stylistic/eslint-plugin';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['**/dist/', '**/node_modules/', 'coverage/', 'out/', 'tmp/'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },

  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A `!` that asserts nothing (the type already excludes null/undefined) is flagged ...
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      // ... while one on an indexed access asserts a bound the compiler cannot see
      // (noUncheckedIndexedAccess), which is legitimate.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `_name` marks a binding kept on purpose (an omitted field in `{ a: _a, ...rest }`), as tsc's noUnused* do.
      '@typescript-eslint/no-unused-vars': ['error', {
        argsIgnorePattern: '^_',
        varsIgnorePattern: '^_',
        caughtErrorsIgnorePattern: '^_',
        destructuredArrayIgnorePattern: '^_',
        ignoreRestSiblings: true,
      }],
      // An async handler without an await still implements a Promise-returning contract (routes, fakes).
      '@typescript-eslint/require-await': 'off',
      // Passing on what a catch caught (unknown) is fine; inventing a non-Error reason is not.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    // Jest's asymmetric matchers (expect.any, expect.stringMatching, ...) are typed `any`, so these
    // three would flag every `toMatchObject({ message: expect.stringMatching(...) })`. Member access
    // and calls on `any` stay checked in tests too.
    files: ['**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
  },
  {
    // gc-serve's demo page: ES modules run by the browser.
    files: ['packages/runtime/demo/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser } },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
  },

  {
    plugins: { '@stylistic': stylistic },
    rules: {
      // Lines people can read side by side. A URL, a regex literal or a line that is one string
      // (a message, a hint: kept whole so it can be searched for) may run past.
      '@stylistic/max-len': ['error', {
        code: 140,
        ignoreUrls: true,
        ignoreRegExpLiterals: true,
        ignorePattern: String.raw`^\s*(?:[\w$]+: )?(['"\x60]).*\1[,;]?$`,
      }],
      '@stylistic/semi': ['error', 'always'],
      '@stylistic/quotes': ['error', 'single', { avoidEscape: true, allowTemplateLiterals: 'always' }],
      '@stylistic/comma-dangle': ['error', 'always-multiline'],
      '@stylistic/eol-last': 'error',
      '@stylistic/no-trailing-spaces': 'error',
      '@stylistic/no-multiple-empty-lines': ['error', { max: 1, maxEOF: 0 }],
      '@stylistic/brace-style': ['error', '1tbs', { allowSingleLine: true }],
      '@stylistic/keyword-spacing': 'error',
      '@stylistic/space-before-blocks': 'error',
      '@stylistic/space-infix-ops': 'error',
      '@stylistic/comma-spacing': 'error',
      '@stylistic/arrow-parens': ['error', 'always'],
      '@stylistic/member-delimiter-style': 'error',
      '@stylistic/type-annotation-spacing': 'error',
    },
  },
);
