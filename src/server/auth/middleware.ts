/** Route guards: a signed-in user (read from the database on every request) and a role. */
import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Role } from '../../shared/schemas/auth.ts';
import type { AppEnv, ServerContext } from '../env.ts';
import { sessionToken, userForToken } from './session.ts';

/** 401 `{error:'unauthorized'}` without a valid session. */
export function requireUser(ctx: ServerContext): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = sessionToken(c);
    const user = token ? await userForToken(ctx.db, token, ctx.now()) : null;
    if (!user) return c.json({ error: 'unauthorized' as const }, 401);
    c.set('user', user);
    await next();
  });
}

/** 403 `{error:'forbidden'}` unless the user has one of `roles`. Use after requireUser. */
export function requireRole(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!roles.includes(c.get('user').role)) return c.json({ error: 'forbidden' as const }, 403);
    await next();
  });
}
