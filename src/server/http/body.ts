/**
 * Request bodies: JSON only (the CSRF defence: a cross-site form cannot send
 * `application/json` without a preflight), an explicit size limit, and an
 * optional gzip encoding. Every failure is a 4xx with field problems.
 */
import { gunzip } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { every } from 'hono/combine';
import { problemResponse } from './problems.ts';
import { findBadText } from './text.ts';

function gunzipLimited(data: Uint8Array, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(data, { maxOutputLength: maxBytes }, (err, out) => (err ? reject(err) : resolve(out)));
  });
}

function isJsonMediaType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  return contentType.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/**
 * Requires a JSON body of at most `maxBytes` (decompressed, when gzip is allowed).
 * Answers 415 for another content type or encoding, 413 when too large, 400
 * for malformed JSON or gzip.
 */
export function jsonBody(options: {
  maxBytes: number;
  gzip?: boolean;
  /**
   * A subtree not checked here for text PostgreSQL cannot store (U+0000, lone
   * surrogates; see text.ts), `*` matching any key: push checks each
   * mutation's payload itself. Everything else, keys included, is a 400.
   */
  uncheckedText?: readonly string[];
}): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: options.maxBytes,
    onError: (c) => problemResponse(c, 413, [{ field: '', code: 'tooLong' }]),
  });
  const parse: MiddlewareHandler = async (c, next) => {
    const encoding = (c.req.header('content-encoding') ?? 'identity').trim().toLowerCase();
    let text: string;
    if (encoding === 'gzip' && options.gzip) {
      let raw: Buffer;
      try {
        raw = await gunzipLimited(new Uint8Array(await c.req.arrayBuffer()), options.maxBytes);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
          return problemResponse(c, 413, [{ field: '', code: 'tooLong' }]);
        }
        return problemResponse(c, 400, [{ field: '', code: 'invalid' }]);
      }
      text = raw.toString('utf8');
      // Later readers (the validator) see the decompressed body.
      // (bodyCache holds promises at run time, whatever its declared type says.)
      const cache = c.req.bodyCache as Record<string, unknown>;
      delete cache.arrayBuffer;
      cache.text = Promise.resolve(text);
    } else if (encoding === 'identity') {
      text = await c.req.text();
    } else {
      return problemResponse(c, 415, [{ field: 'contentEncoding', code: 'invalid' }]);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return problemResponse(c, 400, [{ field: '', code: 'invalid' }]);
    }
    const at = findBadText(value, options.uncheckedText);
    if (at !== null) return problemResponse(c, 400, [{ field: at, code: 'invalid' }]);
    await next();
  };
  const contentType: MiddlewareHandler = async (c, next) => {
    if (!isJsonMediaType(c.req.header('content-type'))) {
      return problemResponse(c, 415, [{ field: 'contentType', code: 'invalid' }]);
    }
    await next();
  };
  return every(contentType, limit, parse);
}

/**
 * For POST routes that ignore their body (logout): still `application/json`
 * (every state-changing request is), with a small limit.
 */
export const jsonContentType: MiddlewareHandler = every(
  async (c, next) => {
    if (!isJsonMediaType(c.req.header('content-type'))) {
      return problemResponse(c, 415, [{ field: 'contentType', code: 'invalid' }]);
    }
    await next();
  },
  bodyLimit({
    maxSize: 1024,
    onError: (c) => problemResponse(c, 413, [{ field: '', code: 'tooLong' }]),
  }),
);
