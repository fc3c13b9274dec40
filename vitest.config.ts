import { defineConfig } from 'vitest/config';
import preact from '@preact/preset-vite';
import { learnCatalogPlugin } from './scripts/learn-catalog.ts';

const e2eTimeout = 180_000;
/**
 * The node projects run beside the browser tests at a lower CPU priority
 * (scripts/test.mjs), so a test that takes 1 s alone may take several: time
 * limits here catch a hang, they are not speed budgets (those are in bench/).
 */
const nodeTimeout = 30_000;

export default defineConfig({
  plugins: [preact(), learnCatalogPlugin()],
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: nodeTimeout,
        },
      },
      {
        extends: true,
        test: {
          name: 'storage',
          testTimeout: nodeTimeout,
          include: ['tests/storage/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['fake-indexeddb/auto'],
        },
      },
      {
        extends: true,
        test: {
          name: 'app',
          testTimeout: nodeTimeout,
          include: ['tests/app/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          setupFiles: ['fake-indexeddb/auto', 'tests/helpers/app-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'server',
          include: ['tests/server/**/*.test.ts'],
          environment: 'node',
          testTimeout: 4 * nodeTimeout,
          hookTimeout: 4 * nodeTimeout,
        },
      },
      {
        extends: true,
        test: {
          name: 'sync',
          include: ['tests/sync/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['fake-indexeddb/auto'],
          testTimeout: 4 * nodeTimeout,
          hookTimeout: 4 * nodeTimeout,
        },
      },
      {
        extends: true,
        test: {
          name: 'budget',
          testTimeout: nodeTimeout,
          include: ['tests/budget/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: e2eTimeout,
          hookTimeout: e2eTimeout,
          fileParallelism: false,
        },
      },
    ],
  },
});
