// ESLint (`pnpm lint`, a suite of `npm test`; zero warnings: `--max-warnings 0`).
//
// Type-aware: typescript-eslint's recommended type-checked rules over the root tsconfig.json, the one
// program that covers every package, test, script, the demo and the bench. (`projectService` would open
// each package's own tsconfig.json as well, which builds the same sources six times over: about twice
// the time, for the same answers.) Lit's, web components' and Lit accessibility rules on the elements
// and the demo storefront's Lit templates.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import litA11y from 'eslint-plugin-lit-a11y';

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    'packages/elements/cdn/',
    'demo/data/',
    'test-results/',
    'reports/',
    '.stryker-tmp/',
  ]),

  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: './tsconfig.json',
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise nobody awaits loses its rejection, and in a test the assertion inside it. node:test's
      // own `test()`/`describe()`/hooks return promises the runner itself follows, so they are exempt.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      // `const { sign: _sign, ...rest } = body` is how this codebase drops a key from an object, and an
      // Express error handler needs its four parameters (`_next` unused) to be one.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_' }],
      // Off: the payment stores (memory, SQLite) and test doubles implement Promise-returning interfaces
      // over synchronous code. `async` there is deliberate — a throw becomes a rejection, as the
      // interface promises — and has no `await` to make.
      '@typescript-eslint/require-await': 'off',
    },
  },

  {
    // Plain JavaScript (scripts, tool configs, web-test-runner plugins) is not in the TypeScript program.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },

  {
    // What several packages' tests share lives in @haipay-kit/test-support; a package's `test/` folder
    // is its own. Importing another package's test folder couples their suites and hides a helper from
    // the one place shared ones are looked for.
    files: ['**/*.{ts,js,mjs}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: String.raw`^(\.\./)+(packages/)?[\w-]+/test(/|$)|^@haipay-kit/[\w-]+/test(/|$)`,
              message:
                "A test helper another package's tests need belongs in @haipay-kit/test-support (packages/test-support), not in another package's test folder.",
            },
          ],
        },
      ],
    },
  },

  {
    // Tests read the HTTP answers under test as untyped JSON (`WireJson` in
    // packages/test-support/src/harness.ts, `res.json()`) and check their shape with node:assert: the
    // wire shape is what they test, so they do not cast it to the router's own types first. Reading and
    // passing that data on is allowed here; calling or returning `any`, and new `any`s, are not.
    files: ['packages/*/test/**', 'packages/test-support/**', 'test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },

  {
    files: ['packages/elements/**/*.ts', 'demo/src/**/*.ts'],
    extends: [lit.configs['flat/recommended'], wc.configs['flat/recommended'], litA11y.configs.recommended],
    languageOptions: { globals: { ...globals.browser } },
  },
);
