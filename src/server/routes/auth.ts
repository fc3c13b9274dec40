/** /api/auth: login (with the lockout of auth/throttle.ts), enrolment (accounts.ts), logout, me. */
import { Hono, type Context } from 'hono';
import { enrolSchema } from '../../shared/schemas/accounts.ts';
import { loginSchema } from '../../shared/schemas/auth.ts';
import { requireUser } from '../auth/middleware.ts';
import { dummyPasswordHash, verifyPassword } from '../auth/password.ts';
import { admitAddress, admitAttempt, forgiveAddress, recordSuccess } from '../auth/throttle.ts';
import { redeemEnrolment } from '../accounts.ts';
import {
  clearSessionCookie,
  createSession,
  deleteSession,
  sessionToken,
  setSessionCookie,
  userForToken,
} from '../auth/session.ts';
import type { AppEnv, ServerContext } from '../env.ts';
import { jsonBody, jsonContentType } from '../http/body.ts';
import { clientAddress } from '../http/client-address.ts';
import { problemResponse } from '../http/problems.ts';
import { validJson } from '../http/validate.ts';
import { userProfile } from '../users.ts';

const LOGIN_MAX_BYTES = 4 * 1024;

/** 429 with `Retry-After`: locked by the lockout of auth/throttle.ts. */
function tooManyAttempts(c: Context, retryAfterMs: number) {
  const retryAfterSeconds = Math.ceil(retryAfterMs / 1000);
  c.header('Retry-After', String(retryAfterSeconds));
  return c.json({ error: 'too_many_attempts' as const, retryAfterSeconds }, 429);
}

export function authRoutes(ctx: ServerContext) {
  return new Hono<AppEnv>()
    .post('/login', jsonBody({ maxBytes: LOGIN_MAX_BYTES }), validJson(loginSchema), async (c) => {
      const { username, password } = c.req.valid('json');
      const now = ctx.now();
      const address = clientAddress(c, ctx.trustProxy);
      // Locked (too many wrong passwords for this name or from this address): no check at all.
      const admission = await admitAttempt(ctx.db, username, address, now);
      if (!admission.allowed) return tooManyAttempts(c, admission.retryAfterMs);
      const rows = await ctx.db.query<{ id: string; password_hash: string | null }>(
        'select id, password_hash from app_user where username = $1 and active',
        [username],
      );
      const row = rows[0];
      // Verify against a dummy hash for unknown users: same timing either way.
      const ok = await verifyPassword(password, row?.password_hash ?? (await dummyPasswordHash()));
      if (!row || !ok) return c.json({ error: 'bad_credentials' as const }, 401);
      await recordSuccess(ctx.db, username, now);
      await forgiveAddress(ctx.db, address);
      // Only while the password checked is still the account's (a reset may have cleared it since).
      const token = await createSession(ctx.db, row.id, now, row.password_hash);
      if (!token) return c.json({ error: 'bad_credentials' as const }, 401);
      const user = await userForToken(ctx.db, token, now);
      if (!user) return c.json({ error: 'bad_credentials' as const }, 401);
      setSessionCookie(c, token, ctx.trustProxy);
      return c.json({ user: await userProfile(ctx.db, user) }, 200);
    })
    .post('/enrol', jsonBody({ maxBytes: LOGIN_MAX_BYTES }), validJson(enrolSchema), async (c) => {
      const { code, password } = c.req.valid('json');
      const now = ctx.now();
      const address = clientAddress(c, ctx.trustProxy);
      const admission = await admitAddress(ctx.db, address, now);
      if (!admission.allowed) return tooManyAttempts(c, admission.retryAfterMs);
      const redeemed = await redeemEnrolment(ctx.db, code, password, now);
      if (!redeemed) return problemResponse(c, 400, [{ field: 'code', code: 'enrolmentCode' }]);
      await forgiveAddress(ctx.db, address);
      const token = await createSession(ctx.db, redeemed.userId, now, redeemed.passwordHash);
      const user = token ? await userForToken(ctx.db, token, now) : null;
      if (!user || !token)
        return problemResponse(c, 400, [{ field: 'code', code: 'enrolmentCode' }]);
      setSessionCookie(c, token, ctx.trustProxy);
      return c.json({ user: await userProfile(ctx.db, user) }, 200);
    })
    .post('/logout', jsonContentType, requireUser(ctx), async (c) => {
      const token = sessionToken(c);
      if (token) await deleteSession(ctx.db, token);
      clearSessionCookie(c, ctx.trustProxy);
      return c.body(null, 204);
    })
    .get('/me', requireUser(ctx), async (c) => {
      return c.json({ user: await userProfile(ctx.db, c.get('user')) }, 200);
    });
}
