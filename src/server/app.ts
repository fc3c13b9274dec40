/**
 * The HTTP app: `createApp(deps)` builds the Hono app from a database and
 * optional static folder, so tests inject PGlite `memory://` and call
 * `app.request()`. Routes are chained per resource (docs/ARCHITECTURE.md,
 * "HTTP API"); `AppType` gives the client typed calls.
 */
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { HTTPException } from 'hono/http-exception';
import { loadCurriculum, type Curriculum } from './curriculum.ts';
import type { Db } from './db/index.ts';
import { consoleLogger, type AppEnv, type Logger, type ServerContext } from './env.ts';
import type { Faults } from './fault.ts';
import { validationBody } from './http/problems.ts';
import { isStorableText, storableKey } from './http/text.ts';
import { securityHeaders } from './http/security.ts';
import { staticFiles } from './http/static.ts';
import { adminRoutes } from './routes/admin.ts';
import { authRoutes } from './routes/auth.ts';
import { communeRoutes } from './routes/commune.ts';
import { healthRoutes } from './routes/health.ts';
import { provinceRoutes } from './routes/province.ts';
import { reviewRoutes } from './routes/review.ts';
import { syncRoutes } from './routes/sync.ts';

export interface AppDeps {
  /** A migrated database (see db/open.ts or db/migrate.ts). */
  db: Db;
  /** The built PWA (Vite's dist/); without it only /api is served. */
  staticDir?: string;
  /** The clock (tests pin it). Default: `new Date()`. */
  now?: () => Date;
  /** Default: console. */
  log?: Logger;
  /** The skills pushed logs are checked against. Default: seeds/skills/*.json. */
  curriculum?: Curriculum;
  /** Crash-test hooks (fault.ts). Default: none. */
  faults?: Faults;
  /** Behind a reverse proxy: the client address is the last `X-Forwarded-For` entry. Default: false. */
  trustProxy?: boolean;
}

/**
 * Builds the app.
 * @returns a Hono app: mount it with @hono/node-server or call `app.request()`
 */
export function createApp(deps: AppDeps) {
  const log = deps.log ?? consoleLogger;
  const ctx: ServerContext = {
    db: deps.db,
    now: deps.now ?? (() => new Date()),
    log,
    curriculum: deps.curriculum ?? loadCurriculum(undefined, (m) => log.warn(m)),
    trustProxy: deps.trustProxy ?? false,
    ...(deps.faults ? { faults: deps.faults } : {}),
  };

  const app = new Hono<AppEnv>()
    // CSP, no framing, no referrer, HSTS over TLS (docs/SECURITY.md "Headers").
    .use('*', securityHeaders(ctx.trustProxy))
    // JSON answers gzipped when the client accepts it: a push of 100 answers
    // about 120 KB of records, which a phone on a slow network downloads
    // (PERFORMANCE.md G13). c.json sets no Content-Length, so the 1 KB threshold
    // does not apply and small answers are gzipped too (about 20 bytes more).
    // A cut answer (fault injection) bypasses it.
    .use('/api/*', compress())
    .use('/api/*', async (c, next) => {
      await next();
      // API answers are per-user and live: never cached (the SW does not either).
      c.header('Cache-Control', 'no-store');
    })
    .use('/api/*', async (c, next) => {
      // U+0000 or a lone surrogate in a query would fail the SQL: refuse it as bad input.
      for (const [key, values] of Object.entries(c.req.queries())) {
        if (!isStorableText(key) || !values.every(isStorableText)) {
          return c.json(validationBody(c, [{ field: storableKey(key), code: 'invalid' }]), 400);
        }
      }
      await next();
    })
    .route('/api/health', healthRoutes(ctx))
    .route('/api/auth', authRoutes(ctx))
    .route('/api/sync', syncRoutes(ctx))
    .route('/api/commune', communeRoutes(ctx))
    .route('/api/review', reviewRoutes(ctx))
    .route('/api/province', provinceRoutes(ctx))
    .route('/api/admin', adminRoutes(ctx));

  if (deps.staticDir !== undefined) app.use('*', staticFiles(deps.staticDir));

  app.notFound((c) => {
    if (c.req.path === '/api' || c.req.path.startsWith('/api/')) {
      return c.json({ error: 'not_found' as const }, 404);
    }
    return c.text('Not found', 404);
  });

  app.onError((err, c) => {
    if (err instanceof HTTPException && err.status < 500) {
      // Framework-level input errors (e.g. a body the validator could not read): still 4xx.
      const code = err.status === 413 ? 'tooLong' : 'invalid';
      return c.json(validationBody(c, [{ field: '', code }]), err.status);
    }
    log.error('unhandled error', {
      method: c.req.method,
      path: c.req.path,
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
    return c.json({ error: 'internal' as const }, 500);
  });

  return app;
}

export type AppType = ReturnType<typeof createApp>;
