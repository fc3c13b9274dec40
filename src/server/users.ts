/**
 * Communes, hamlets and accounts: the few writes the demo seed and tests
 * need (there is no admin UI yet).
 */
import { randomUUID } from 'node:crypto';
import type { Role, UserProfile } from '../shared/schemas/auth.ts';
import { hashPassword } from './auth/password.ts';
import type { SessionUser } from './auth/session.ts';
import type { Queryable } from './db/index.ts';

/** Creates a commune with its clock (idempotent). */
export async function ensureCommune(db: Queryable, id: string, name: string): Promise<void> {
  await db.query('insert into commune (id, name) values ($1, $2) on conflict (id) do nothing', [
    id,
    name,
  ]);
  await db.query(
    'insert into commune_clock (commune_id) values ($1) on conflict (commune_id) do nothing',
    [id],
  );
}

/** Creates a hamlet of a commune (idempotent). */
export async function ensureHamlet(
  db: Queryable,
  h: { id: string; communeId: string; name: string; sortOrder?: number },
): Promise<void> {
  await db.query(
    `insert into hamlet (id, commune_id, name, sort_order) values ($1, $2, $3, $4)
     on conflict (id) do nothing`,
    [h.id, h.communeId, h.name, h.sortOrder ?? 0],
  );
}

export interface NewUser {
  username: string;
  password: string;
  displayName: string;
  role: Role;
  /** null for a province viewer, who names a province instead. */
  communeId: string | null;
  hamletId?: string | null;
  province?: string | null;
}

/**
 * Creates an account unless the username exists.
 * @returns the user's id (new or existing)
 */
export async function ensureUser(
  db: Queryable,
  u: NewUser,
): Promise<{ id: string; created: boolean }> {
  const username = u.username.trim().toLowerCase();
  const existing = await db.query<{ id: string }>('select id from app_user where username = $1', [
    username,
  ]);
  if (existing[0]) return { id: existing[0].id, created: false };
  const id = randomUUID();
  const rows = await db.query<{ id: string }>(
    `insert into app_user (id, username, display_name, role, commune_id, hamlet_id, province, password_hash)
     values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (username) do nothing returning id`,
    [
      id,
      username,
      u.displayName,
      u.role,
      u.communeId,
      u.hamletId ?? null,
      u.province ?? null,
      await hashPassword(u.password),
    ],
  );
  if (rows[0]) return { id: rows[0].id, created: true };
  const again = await db.query<{ id: string }>('select id from app_user where username = $1', [
    username,
  ]);
  return { id: again[0]!.id, created: false };
}

/** What the client keeps about the signed-in user. */
export async function userProfile(db: Queryable, user: SessionUser): Promise<UserProfile> {
  if (user.province !== null) {
    // A province viewer: no commune, no hamlet; the place they see is the province.
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      communeId: '',
      communeName: user.province,
      hamletId: null,
      hamlets: [],
    };
  }
  const communes = await db.query<{ name: string }>('select name from commune where id = $1', [
    user.communeId,
  ]);
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    communeId: user.communeId,
    communeName: communes[0]?.name ?? user.communeId,
    hamletId: user.hamletId,
    hamlets: await communeHamlets(db, user.communeId),
  };
}

export async function communeHamlets(
  db: Queryable,
  communeId: string,
): Promise<{ id: string; name: string }[]> {
  return db.query<{ id: string; name: string }>(
    'select id, name from hamlet where commune_id = $1 order by sort_order, name, id',
    [communeId],
  );
}
