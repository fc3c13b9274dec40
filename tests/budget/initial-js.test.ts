/**
 * Byte budgets on the real build (PERFORMANCE.md G1, G2). `npm test` builds
 * first; these fail the run when the volunteer's first screen grows too big.
 * The figures come from bench/run/bytes.ts, which `npm run bench` reports too.
 */
import { describe, expect, it } from 'vitest';
import {
  INITIAL_JS_GOAL,
  PRECACHE_LIMIT,
  initialFiles,
  initialJs,
  precacheBytes,
  readManifest,
} from '../../bench/run/bytes.ts';

describe('bundle budgets', () => {
  it('keeps the initial JavaScript of the volunteer screen under 30 KB brotli (G1)', () => {
    const { total, files } = initialJs();
    console.log(
      `initial JS (brotli): ${(total / 1024).toFixed(1)} KB in ${files.length} files\n` +
        files.map(([f, n]) => `  ${f}: ${(n / 1024).toFixed(1)} KB`).join('\n'),
    );

    expect(files.length).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(INITIAL_JS_GOAL);
  });

  it('keeps lazy features (form, review, the learn area and its content) out of the initial JavaScript', () => {
    const manifest = readManifest();
    const initial = new Set(initialFiles(manifest));
    const lazy = Object.entries(manifest).filter(([key]) =>
      /features\/(review|field\/LogFormPage)|learn\/LearnPages|seeds\/(skills|tutorials|quiz)\//.test(
        key,
      ),
    );

    expect(lazy.length).toBeGreaterThanOrEqual(4);
    for (const [, chunk] of lazy) expect(initial.has(chunk.file)).toBe(false);
  });

  it('keeps everything the service worker precaches under 250 KB brotli (G2)', () => {
    const total = precacheBytes();
    console.log(`precache (text assets, brotli): ${(total / 1024).toFixed(1)} KB`);

    expect(total).toBeLessThanOrEqual(PRECACHE_LIMIT);
  });
});
