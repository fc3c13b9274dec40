// Flat config: type-checked rules, and the module boundaries of docs/ARCHITECTURE.md
// as `no-restricted-imports`, each with the reason and what to import instead.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
});

const noIdb = {
  group: ['idb', 'idb/*'],
  message: 'Only src/storage talks to IndexedDB (transaction-lifetime rule); use its repositories.',
};
const noWorkbox = {
  group: ['workbox-window'],
  message: 'Only src/pwa owns the service-worker lifecycle; use src/pwa/register.ts.',
};
const noServer = {
  group: ['**/server/**', '../server', '../../server'],
  message: 'The app side never imports server code; share shapes through src/shared.',
};
const noPreact = {
  group: ['preact', 'preact/*', 'preact-iso', '@preact/*'],
  message: 'This module is UI-free; expose plain functions and let src/app render.',
};
const noAppSide = {
  group: ['**/app/**', '**/storage/**', '**/sync/**', '**/pwa/**', '**/i18n/index*'],
  message: 'The server never imports client code; share shapes through src/shared.',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-server/**',
      'node_modules/**',
      'data/**',
      'coverage/**',
      'test-results/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
  },
  {
    files: ['src/shared/**'],
    rules: restrict([
      noIdb,
      noWorkbox,
      noPreact,
      {
        group: ['node:*', 'hono', 'hono/*', '**/domain/**', '**/storage/**', '**/sync/**'],
        message: 'src/shared runs everywhere: valibot only, no I/O.',
      },
    ]),
  },
  {
    files: ['src/domain/**'],
    rules: restrict([
      noIdb,
      noWorkbox,
      noPreact,
      noServer,
      {
        group: ['node:*', 'hono', 'hono/*', '**/storage/**', '**/sync/**', '**/app/**'],
        message: 'src/domain is pure and deterministic: it imports only src/shared.',
      },
    ]),
  },
  {
    files: ['src/storage/**'],
    rules: restrict([
      noWorkbox,
      noPreact,
      noServer,
      { group: ['**/sync/**', '**/app/**'], message: 'storage sits below sync and app.' },
    ]),
  },
  {
    files: ['src/sync/**'],
    rules: restrict([
      noIdb,
      noWorkbox,
      noPreact,
      noServer,
      { group: ['**/app/**'], message: 'sync sits below app.' },
    ]),
  },
  {
    files: ['src/pwa/**'],
    rules: restrict([
      noIdb,
      noPreact,
      noServer,
      { group: ['**/storage/**', '**/sync/**'], message: 'pwa owns only the SW lifecycle.' },
    ]),
  },
  {
    files: ['src/app/**', 'src/i18n/**'],
    rules: restrict([noIdb, noWorkbox, noServer]),
  },
  {
    files: ['src/server/**'],
    rules: restrict([noIdb, noWorkbox, noPreact, noAppSide]),
  },
);
