/**
 * Security headers on every answer (docs/SECURITY.md "Headers"): a strict
 * Content-Security-Policy (our own scripts, styles, images and API only; no
 * inline script or style, no plugins, no framing), no referrer, no MIME
 * sniffing, no powerful browser features, and HSTS when the request came
 * over TLS (directly or through a trusted proxy that says so).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { secureHeaders } from 'hono/secure-headers';

/**
 * Whether the request reached us over HTTPS: directly, or through a trusted
 * reverse proxy that says so (`X-Forwarded-Proto`; anyone can send it, so it
 * counts only with SOTAY_TRUST_PROXY=1).
 */
export function isHttps(c: Context, trustProxy: boolean): boolean {
  if (
    trustProxy &&
    c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https'
  ) {
    return true;
  }
  return new URL(c.req.url).protocol === 'https:';
}

const SELF = ["'self'"];
const NONE = ["'none'"];

/** One year, as browsers' preload lists ask. */
export const HSTS = 'max-age=31536000; includeSubDomains';

export function securityHeaders(trustProxy: boolean): MiddlewareHandler {
  const headers = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: SELF,
      scriptSrc: SELF,
      styleSrc: SELF,
      imgSrc: [...SELF, 'data:'],
      fontSrc: SELF,
      connectSrc: SELF,
      manifestSrc: SELF,
      workerSrc: SELF,
      mediaSrc: NONE,
      objectSrc: NONE,
      frameSrc: NONE,
      baseUri: NONE,
      formAction: SELF,
      frameAncestors: NONE,
    },
    referrerPolicy: 'no-referrer',
    xFrameOptions: 'DENY',
    // Only over TLS (below): a plain-HTTP answer cannot set it anyway.
    strictTransportSecurity: false,
    permissionsPolicy: {
      camera: [],
      microphone: [],
      geolocation: [],
      payment: [],
      usb: [],
      serial: [],
      hid: [],
    },
  });
  return createMiddleware(async (c, next) => {
    await headers(c, next);
    if (isHttps(c, trustProxy)) c.header('Strict-Transport-Security', HSTS);
  });
}
