/**
 * Sessions: an opaque random token in the `sotay_session` cookie
 * (HttpOnly; SameSite=Strict; Path=/api; Secure over HTTPS). Only its SHA-256
 * is stored. The user's role and commune are read from the database on every
 * request, never from the request.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Role } from '../../shared/schemas/auth.ts';
import type { Queryable } from '../db/index.ts';
import { isHttps } from '../http/security.ts';

export const SESSION_COOKIE = 'sotay_session';
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000; // 30 days

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  /**
   * The user's commune; '' for a province viewer, who has none. '' matches no
   * commune, so a commune-scoped query run for them by mistake finds nothing.
   */
  communeId: string;
  hamletId: string | null;
  /** A province viewer's province; null for every other role. */
  province: string | null;
}

/** A new token (32 random bytes, base64url) and the hash to store. */
export function newSessionToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Stores a session and returns its token; null when the account is no longer
 * active, or (with `passwordHash`) its password is no longer the one just
 * checked: a reset or deactivation between the check and now wins.
 */
export async function createSession(
  db: Queryable,
  userId: string,
  now: Date,
  passwordHash?: string | null,
): Promise<string | null> {
  const { token, tokenHash } = newSessionToken();
  // Housekeeping: the user's expired sessions go when a new one starts.
  await db.query('delete from auth_session where user_id = $1 and expires_at <= $2::timestamptz', [
    userId,
    now.toISOString(),
  ]);
  const rows = await db.query(
    `insert into auth_session (token_hash, user_id, created_at, expires_at)
     select $1, u.id, $3::timestamptz, $4::timestamptz from app_user u
      where u.id = $2 and u.active and ($5::text is null or u.password_hash = $5::text)
     returning token_hash`,
    [
      tokenHash,
      userId,
      now.toISOString(),
      new Date(now.getTime() + SESSION_TTL_MS).toISOString(),
      passwordHash ?? null,
    ],
  );
  return rows.length > 0 ? token : null;
}

/** The active user of a token, or null when unknown, expired or deactivated. */
export async function userForToken(
  db: Queryable,
  token: string,
  now: Date,
): Promise<SessionUser | null> {
  if (token.length === 0 || token.length > 100) return null;
  const rows = await db.query<{
    id: string;
    username: string;
    display_name: string;
    role: Role;
    commune_id: string | null;
    hamlet_id: string | null;
    province: string | null;
  }>(
    `select u.id, u.username, u.display_name, u.role, u.commune_id, u.hamlet_id, u.province
       from auth_session s join app_user u on u.id = s.user_id
      where s.token_hash = $1 and s.expires_at > $2::timestamptz and u.active`,
    [hashToken(token), now.toISOString()],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    communeId: r.commune_id ?? '',
    hamletId: r.hamlet_id,
    province: r.province,
  };
}

export async function deleteSession(db: Queryable, token: string): Promise<void> {
  await db.query('delete from auth_session where token_hash = $1', [hashToken(token)]);
}

export function setSessionCookie(c: Context, token: string, trustProxy: boolean): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/api',
    secure: isHttps(c, trustProxy),
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

export function clearSessionCookie(c: Context, trustProxy: boolean): void {
  deleteCookie(c, SESSION_COOKIE, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/api',
    secure: isHttps(c, trustProxy),
  });
}

export function sessionToken(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}
