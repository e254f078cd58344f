// ESLint 10 flat config. Not type-aware on purpose: it stays fast, and `tsc` (npm run typecheck)
// already does the type checking.
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import reactHooks from 'eslint-plugin-react-hooks'
import { defineConfig, globalIgnores } from 'eslint/config'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const FRAMEWORK_AGNOSTIC =
  'core/ and testing/ are framework-agnostic (usable without React): import React, react-dom, ' +
  '@tanstack/react-query or zustand (React bindings) only from the React layer. zustand/vanilla and ' +
  '@tanstack/query-core are fine here.'

export default defineConfig([
  globalIgnores([
    '**/dist/',
    '**/node_modules/',
    '**/coverage/',
    '**/public/mockServiceWorker.js',
    '**/.next/',
    '**/next-env.d.ts',
    '.ci/out/',
    // Local experiments (gitignored).
    '.scratch/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
    },
    rules: {
      // `const { [id]: _removed, ...rest } = map` is how an entry is dropped immutably; a leading
      // underscore marks anything deliberately unused.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          ignoreRestSiblings: true,
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
        },
      ],
    },
  },
  {
    files: ['**/*.{ts,tsx,js,jsx,mjs,cjs}'],
    extends: [reactHooks.configs.flat.recommended],
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['packages/*/src/core/**', 'packages/*/src/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['react', 'react-dom', '@tanstack/react-query', 'zustand'].map((name) => ({
            name,
            message: FRAMEWORK_AGNOSTIC,
          })),
          patterns: [{ group: ['react/*', 'react-dom/*'], message: FRAMEWORK_AGNOSTIC }],
        },
      ],
    },
  },
  // Last: switches off the stylistic rules that Prettier owns.
  prettier,
])
