import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.ts';
import { curriculumFrom } from '../../src/server/curriculum.ts';
import type { Db } from '../../src/server/db/index.ts';
import { silentLogger } from '../../src/server/env.ts';

/** Static routes never touch the database: a Db that fails loudly if they do. */
const noDb: Db = {
  dialect: 'pglite',
  query: () => Promise.reject(new Error('static files must not query the database')),
  exec: () => Promise.reject(new Error('no')),
  transaction: () => Promise.reject(new Error('no')),
  close: () => Promise.resolve(),
};

describe('static files from the built app', () => {
  let dir: string;
  let app: ReturnType<typeof createApp>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sotay-dist-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Sổ tay</title>');
    writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
    writeFileSync(join(dir, 'manifest.webmanifest'), '{"name":"Sổ tay"}');
    writeFileSync(join(dir, 'assets', 'index-3f2a9c1b.js'), 'console.log(1)');
    writeFileSync(join(dir, 'assets', 'index-77aa00ff.css'), 'body{}');
    writeFileSync(
      join(dir, 'assets', 'logo-1234abcd.svg'),
      '<svg xmlns="http://www.w3.org/2000/svg"/>',
    );
    writeFileSync(join(dir, 'icon-192.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    app = createApp({
      db: noDb,
      staticDir: dir,
      log: silentLogger,
      curriculum: curriculumFrom([]),
    });
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves hashed assets as immutable with the right types', async () => {
    const js = await app.request('/assets/index-3f2a9c1b.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('console.log(1)');

    expect((await app.request('/assets/index-77aa00ff.css')).headers.get('content-type')).toBe(
      'text/css; charset=utf-8',
    );
    expect((await app.request('/assets/logo-1234abcd.svg')).headers.get('content-type')).toBe(
      'image/svg+xml',
    );
    expect((await app.request('/icon-192.png')).headers.get('content-type')).toBe('image/png');
  });

  it.each([
    ['/sw.js', 'text/javascript; charset=utf-8'],
    ['/index.html', 'text/html; charset=utf-8'],
    ['/', 'text/html; charset=utf-8'],
    ['/manifest.webmanifest', 'application/manifest+json; charset=utf-8'],
  ])('revalidates %s on every load', async (path, type) => {
    const res = await app.request(path);

    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-type')).toBe(type);
  });

  it('answers 304 to a matching ETag', async () => {
    const first = await app.request('/sw.js');
    const etag = first.headers.get('etag')!;

    const again = await app.request('/sw.js', { headers: { 'if-none-match': etag } });

    expect(again.status).toBe(304);
  });

  it.each(['/field', '/review/logs/0192', '/login'])(
    'answers index.html to the client route %s',
    async (path) => {
      const res = await app.request(path);

      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<title>Sổ tay</title>');
    },
  );

  it('answers 404 to a missing file with an extension, and never falls back under /api', async () => {
    expect((await app.request('/assets/missing-00000000.js')).status).toBe(404);
    expect((await app.request('/nothing.png')).status).toBe(404);
    const api = await app.request('/api/unknown');
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: 'not_found' });
  });

  it('does not serve files outside the folder', async () => {
    for (const path of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/assets/..%2f..%2fetc/passwd',
    ]) {
      const res = await app.request(path);
      expect(res.status === 404 || (await res.text()).includes('<title>Sổ tay</title>')).toBe(true);
    }
  });
});
