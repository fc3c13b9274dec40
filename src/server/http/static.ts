/**
 * The built PWA (Vite's `dist/`): hashed files under /assets/ are immutable;
 * everything else (sw.js, index.html, the manifest) is revalidated on every
 * load so an update is seen at once. A GET without a file extension outside
 * /api is a client route: answer index.html.
 *
 * Text files go out compressed (brotli, else gzip, as the browser accepts):
 * the first visit on a slow network is mostly bytes (PERFORMANCE.md G2–G5),
 * and the service worker's precache downloads every chunk. Each file is
 * compressed once per version (size and mtime) at the best level and kept in
 * memory; the built app is a few hundred KB. `staticFiles` starts
 * compressing the folder in the background as soon as it is created, so the
 * first visitor rarely waits for it.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Context, MiddlewareHandler } from 'hono';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

const COMPRESSIBLE = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.map',
  '.webmanifest',
  '.svg',
  '.txt',
]);
/** Larger files are sent as they are (none of the app's are near it). */
const MAX_COMPRESS_BYTES = 8 * 1024 * 1024;

export type Encoding = 'br' | 'gzip';

/**
 * The encoding to answer with for an `Accept-Encoding` header: brotli when
 * accepted, else gzip, else none (`q=0` refuses one; `*` accepts any).
 */
export function chooseEncoding(accept: string | undefined): Encoding | null {
  if (!accept) return null;
  const q = new Map<string, number>();
  for (const part of accept.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const accepts = (name: Encoding) => (q.get(name) ?? q.get('*') ?? 0) > 0;
  if (accepts('br')) return 'br';
  if (accepts('gzip')) return 'gzip';
  return null;
}

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
const compressedCache = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();

function compressed(
  path: string,
  version: string,
  encoding: Encoding,
): Promise<Uint8Array<ArrayBuffer>> {
  const key = `${encoding} ${path} ${version}`;
  let entry = compressedCache.get(key);
  if (!entry) {
    entry = readFile(path)
      .then((raw) =>
        encoding === 'br'
          ? brotli(raw, {
              params: {
                [constants.BROTLI_PARAM_QUALITY]: 11,
                [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
              },
            })
          : gzipAsync(raw, { level: 9 }),
      )
      .then((buf) => new Uint8Array(buf));
    // A failed read is not cached: the next request tries again.
    entry.catch(() => compressedCache.delete(key));
    compressedCache.set(key, entry);
  }
  return entry;
}

function compressible(path: string, size: number): boolean {
  return COMPRESSIBLE.has(extname(path).toLowerCase()) && size <= MAX_COMPRESS_BYTES;
}

/** Compresses every text file under `root` with brotli ahead of the first request. */
async function warm(root: string): Promise<void> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const e of entries) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    const info = await fileAt(path);
    if (info && compressible(path, info.size)) await compressed(path, versionOf(info), 'br');
  }
}

function versionOf(info: { size: number; mtimeMs: number }): string {
  return `${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}`;
}

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

async function fileAt(path: string): Promise<{ size: number; mtimeMs: number } | null> {
  try {
    const s = await stat(path);
    return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : null;
  } catch {
    return null;
  }
}

async function send(c: Context, path: string, cacheControl: string): Promise<Response | null> {
  const info = await fileAt(path);
  if (!info) return null;
  const version = versionOf(info);
  const canCompress = compressible(path, info.size);
  const encoding = canCompress ? chooseEncoding(c.req.header('accept-encoding')) : null;
  // Each encoding is its own representation, with its own validator.
  const etag = `W/"${version}${encoding ? `-${encoding}` : ''}"`;
  const headers: Record<string, string> = {
    'content-type': contentTypeOf(path),
    'cache-control': cacheControl,
    etag,
    'x-content-type-options': 'nosniff',
  };
  if (canCompress) headers.vary = 'Accept-Encoding';
  if (encoding) headers['content-encoding'] = encoding;
  if (c.req.header('if-none-match') === etag) return new Response(null, { status: 304, headers });
  const bytes = encoding
    ? await compressed(path, version, encoding)
    : new Uint8Array(await readFile(path));
  headers['content-length'] = String(bytes.length);
  return new Response(c.req.method === 'HEAD' ? null : bytes, { status: 200, headers });
}

/**
 * Serves `root` for GET/HEAD outside /api.
 * @param root the folder with index.html, sw.js and assets/
 */
export function staticFiles(root: string): MiddlewareHandler {
  const base = resolve(root);
  const index = resolve(base, 'index.html');
  // Best effort: a file that cannot be compressed now is compressed on its first request.
  warm(base).catch(() => undefined);
  return async (c, next) => {
    const method = c.req.method;
    const url = new URL(c.req.url);
    if (
      (method !== 'GET' && method !== 'HEAD') ||
      url.pathname === '/api' ||
      url.pathname.startsWith('/api/')
    ) {
      return next();
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return next();
    }
    if (pathname.includes('\0') || pathname.split('/').includes('..')) return next();
    if (pathname === '/' || pathname === '/index.html') {
      return (await send(c, index, REVALIDATE)) ?? next();
    }
    const file = resolve(base, `.${pathname}`);
    if (!file.startsWith(base + sep)) return next();
    const cache = pathname.startsWith('/assets/') ? IMMUTABLE : REVALIDATE;
    const served = await send(c, file, cache);
    if (served) return served;
    // No extension: a client-side route (SPA fallback).
    if (extname(pathname) === '') return (await send(c, index, REVALIDATE)) ?? next();
    return next();
  };
}
