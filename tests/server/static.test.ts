import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.ts';
import { curriculumFrom } from '../../src/server/curriculum.ts';
import type { Db } from '../../src/server/db/index.ts';
import { silentLogger } from '../../src/server/env.ts';
import { chooseEncoding } from '../../src/server/http/static.ts';

/** Static routes never touch the database: a Db that fails loudly if they do. */
const noDb: Db = {
  dialect: 'pglite',
  query: () => Promise.reject(new Error('static files must not query the database')),
  exec: () => Promise.reject(new Error('no')),
  transaction: () => Promise.reject(new Error('no')),
  close: () => Promise.resolve(),
};

/** A script large enough for compression to matter, as the app's chunks are. */
const BIG_JS = Array.from(
  { length: 2000 },
  (_, i) => `export const s${i} = 'Buổi hỗ trợ số ${i}';`,
).join('\n');

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
    writeFileSync(join(dir, 'assets', 'big-0badc0de.js'), BIG_JS);
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

  it('sends text files brotli-compressed when the browser accepts it, else gzip, else as they are', async () => {
    const br = await app.request('/assets/big-0badc0de.js', {
      headers: { 'accept-encoding': 'gzip, deflate, br, zstd' },
    });
    const brBytes = Buffer.from(await br.arrayBuffer());
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toBe('Accept-Encoding');
    expect(Number(br.headers.get('content-length'))).toBe(brBytes.length);
    expect(brBytes.length).toBeLessThan(BIG_JS.length / 10);
    expect(brotliDecompressSync(brBytes).toString()).toBe(BIG_JS);

    const gz = await app.request('/assets/big-0badc0de.js', {
      headers: { 'accept-encoding': 'gzip, br;q=0' },
    });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(BIG_JS);

    const plain = await app.request('/assets/big-0badc0de.js');
    expect(plain.headers.get('content-encoding')).toBe(null);
    expect(await plain.text()).toBe(BIG_JS);

    // An image is never compressed again.
    const png = await app.request('/icon-192.png', { headers: { 'accept-encoding': 'br' } });
    expect(png.headers.get('content-encoding')).toBe(null);
  });

  it('gives each encoding its own ETag, so a cache never mixes them', async () => {
    const br = await app.request('/index.html', { headers: { 'accept-encoding': 'br' } });
    const plain = await app.request('/index.html');
    expect(br.headers.get('etag')).not.toBe(plain.headers.get('etag'));

    const again = await app.request('/index.html', {
      headers: { 'accept-encoding': 'br', 'if-none-match': br.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
    const other = await app.request('/index.html', {
      headers: { 'accept-encoding': 'gzip', 'if-none-match': br.headers.get('etag')! },
    });
    expect(other.status).toBe(200);
    expect(other.headers.get('content-encoding')).toBe('gzip');
  });

  it.each(['/', '/field/new', '/assets/index-3f2a9c1b.js', '/sw.js', '/api/nothing-here'])(
    'sends the security headers with %s',
    async (path) => {
      const res = await app.request(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      const directives = new Map(
        csp.split(';').map((d) => {
          const [name = '', ...values] = d.trim().split(/\s+/);
          return [name, values.join(' ')] as const;
        }),
      );
      // Our own scripts and styles only: no inline script or style, no eval.
      expect(directives.get('script-src')).toBe("'self'");
      expect(directives.get('style-src')).toBe("'self'");
      expect(directives.get('default-src')).toBe("'self'");
      expect(directives.get('connect-src')).toBe("'self'");
      expect(directives.get('object-src')).toBe("'none'");
      expect(directives.get('frame-ancestors')).toBe("'none'");
      expect(directives.get('base-uri')).toBe("'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('permissions-policy')).toContain('camera=()');
      expect(res.headers.get('permissions-policy')).toContain('geolocation=()');
      // Plain HTTP: no HSTS (a browser would ignore it, and a LAN server may never have TLS).
      expect(res.headers.get('strict-transport-security')).toBeNull();
    },
  );

  it('asks browsers to keep to HTTPS when the request came through a trusted TLS proxy', async () => {
    const behindProxy = createApp({
      db: noDb,
      staticDir: dir,
      log: silentLogger,
      curriculum: curriculumFrom([]),
      trustProxy: true,
    });
    const res = await behindProxy.request('/', { headers: { 'x-forwarded-proto': 'https' } });
    expect(res.headers.get('strict-transport-security')).toBe(
      'max-age=31536000; includeSubDomains',
    );
    // Not trusted, the header is anyone's to send.
    const direct = await app.request('/', { headers: { 'x-forwarded-proto': 'https' } });
    expect(direct.headers.get('strict-transport-security')).toBeNull();
  });

  it.each([
    ['gzip, deflate, br', 'br'],
    ['br;q=0, gzip', 'gzip'],
    ['gzip;q=0.5, br;q=0.1', 'br'],
    ['identity', null],
    ['*', 'br'],
    ['*;q=0', null],
    ['', null],
    ['deflate', null],
  ])('chooses the encoding for Accept-Encoding %j', (header, want) => {
    expect(chooseEncoding(header)).toBe(want);
  });
});
