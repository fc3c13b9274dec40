/** GET /api/health: liveness and the server epoch. */
import { Hono } from 'hono';
import type { AppEnv, ServerContext } from '../env.ts';
import { serverEpoch } from '../logs/pull.ts';

export function healthRoutes(ctx: ServerContext) {
  return new Hono<AppEnv>().get('/', async (c) => {
    return c.json({ ok: true as const, epoch: await serverEpoch(ctx.db) }, 200);
  });
}
