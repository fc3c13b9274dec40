/** The address a request came from, for the sign-in lockout (auth/throttle.ts). */
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

/**
 * Behind a trusted reverse proxy, the last `X-Forwarded-For` entry (the one
 * the proxy itself added; earlier ones are whatever the client sent);
 * otherwise the socket's address. Null when neither is known (`app.request`).
 */
export function clientAddress(c: Context, trustProxy: boolean): string | null {
  if (trustProxy) {
    const last = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (last) return last.slice(0, 64);
  }
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // no Node socket behind this request
  }
}
