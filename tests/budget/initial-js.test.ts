/**
 * Byte budgets on the real build (PERFORMANCE.md G1, G2). `npm test` builds
 * first; these fail the run when the volunteer's first screen grows too big.
 */
import { readFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const DIST = join(import.meta.dirname, '../../dist');
const INITIAL_JS_HARD_LIMIT = 40 * 1024; // G1 hard fail
const PRECACHE_LIMIT = 250 * 1024; // G2 full precache, brotli

interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
  isEntry?: boolean;
}

function brotliSize(path: string): number {
  return brotliCompressSync(readFileSync(path), {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
  }).length;
}

function readManifest(): Record<string, ManifestChunk> {
  const path = join(DIST, '.vite/manifest.json');
  if (!existsSync(path))
    throw new Error('dist/.vite/manifest.json is missing: run `npm run build`');
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, ManifestChunk>;
}

/**
 * What loads before the first screen can be used: the entry chunk, everything
 * it imports statically, and the default (Vietnamese) locale, which the app
 * awaits before its first render.
 */
function initialFiles(manifest: Record<string, ManifestChunk>): string[] {
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk) throw new Error(`${key} is not in the build manifest`);
    if (files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const dep of chunk.imports ?? []) visit(dep);
  };
  visit('index.html');
  visit('src/i18n/locales/vi.json');
  return [...files].filter((f) => f.endsWith('.js'));
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === '.vite' || name === 'bench') return []; // not precached (see vite.bench.config.ts)
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe('bundle budgets', () => {
  it('keeps the initial JavaScript of the volunteer screen under 40 KB brotli (G1)', () => {
    const manifest = readManifest();
    const files = initialFiles(manifest);
    const sizes = files.map((f) => [f, brotliSize(join(DIST, f))] as const);
    const total = sizes.reduce((a, [, n]) => a + n, 0);
    console.log(
      `initial JS (brotli): ${(total / 1024).toFixed(1)} KB in ${files.length} files\n` +
        sizes.map(([f, n]) => `  ${f}: ${(n / 1024).toFixed(1)} KB`).join('\n'),
    );

    expect(files.length).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(INITIAL_JS_HARD_LIMIT);
  });

  it('keeps lazy features (form, review) out of the initial JavaScript', () => {
    const manifest = readManifest();
    const initial = new Set(initialFiles(manifest));
    const lazy = Object.entries(manifest).filter(([key]) =>
      /features\/(review|field\/LogFormPage)/.test(key),
    );

    expect(lazy.length).toBeGreaterThanOrEqual(2);
    for (const [, chunk] of lazy) expect(initial.has(chunk.file)).toBe(false);
  });

  it('keeps everything the service worker precaches under 250 KB brotli (G2)', () => {
    const files = walk(DIST).filter((f) => /\.(js|css|html|json|webmanifest|svg)$/.test(f));
    const total = files.reduce((a, f) => a + brotliSize(f), 0);
    console.log(`precache (text assets, brotli): ${(total / 1024).toFixed(1)} KB`);

    expect(total).toBeLessThanOrEqual(PRECACHE_LIMIT);
  });
});
