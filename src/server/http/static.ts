/**
 * The built PWA (Vite's `dist/`): hashed files under /assets/ are immutable;
 * everything else (sw.js, index.html, the manifest) is revalidated on every
 * load so an update is seen at once. A GET without a file extension outside
 * /api is a client route: answer index.html.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
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
  const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const headers: Record<string, string> = {
    'content-type': contentTypeOf(path),
    'cache-control': cacheControl,
    etag,
    'x-content-type-options': 'nosniff',
  };
  if (c.req.header('if-none-match') === etag) return new Response(null, { status: 304, headers });
  const body = c.req.method === 'HEAD' ? null : new Uint8Array(await readFile(path));
  headers['content-length'] = String(info.size);
  return new Response(body, { status: 200, headers });
}

/**
 * Serves `root` for GET/HEAD outside /api.
 * @param root the folder with index.html, sw.js and assets/
 */
export function staticFiles(root: string): MiddlewareHandler {
  const base = resolve(root);
  const index = resolve(base, 'index.html');
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
