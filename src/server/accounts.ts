/**
 * The accounts a coordinator manages, and enrolment (docs/SECURITY.md
 * "Enrolment"). A new volunteer's account has no password: the coordinator
 * gets a one-time code (10 letters and digits, about 49 bits, valid
 * ENROLMENT_TTL_MS) to read out or show as a QR code; the volunteer redeems
 * it on their phone and sets a password, which signs them in. Only the
 * code's SHA-256 is stored. A new code (password reset) clears the password
 * and ends the volunteer's sessions; so does deactivation, which also keeps
 * them from signing in.
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';
import {
  ENROLMENT_ALPHABET,
  ENROLMENT_CODE_LENGTH,
  normaliseEnrolmentCode,
  type Enrolment,
  type Member,
  type MemberState,
} from '../shared/schemas/accounts.ts';
import { UUID_PATTERN } from '../shared/ids.ts';
import { isHamletRole, managedRoles } from '../shared/permissions.ts';
import type { Role } from '../shared/roles.ts';
import { foldText } from '../domain/text-fold.ts';
import { recordAudit } from './audit.ts';
import { hashPassword } from './auth/password.ts';
import type { Db, Queryable } from './db/index.ts';

export const ENROLMENT_TTL_MS = 72 * 60 * 60 * 1000;

/** Who manages accounts: their commune, role and (a team lead's) hamlet. */
export interface Manager {
  id: string;
  communeId: string;
  role: Role;
  hamletId: string | null;
}

/**
 * The accounts `by` manages, as a condition on `u` (values appended to
 * `params`): the roles `managedRoles` gives them, in their commune, and for
 * a team lead only their hamlet's.
 */
function memberScope(by: Manager, params: unknown[]): string {
  params.push(by.communeId, [...managedRoles(by.role)]);
  const parts = [`u.commune_id = $${params.length - 1}`, `u.role = any($${params.length}::text[])`];
  if (by.role === 'team_lead') {
    params.push(by.hamletId ?? '');
    parts.push(`u.hamlet_id = $${params.length}`);
  }
  return parts.join(' and ');
}

export function newEnrolmentCode(): string {
  let code = '';
  for (let i = 0; i < ENROLMENT_CODE_LENGTH; i++) {
    code += ENROLMENT_ALPHABET[randomInt(ENROLMENT_ALPHABET.length)];
  }
  return code;
}

export const hashEnrolmentCode = (code: string) =>
  createHash('sha256')
    .update(`enrol:${normaliseEnrolmentCode(code)}`)
    .digest('hex');

interface MemberRow {
  id: string;
  username: string;
  display_name: string;
  role: string;
  hamlet_id: string | null;
  active: boolean;
  has_password: boolean;
  enrolment_expires_at: string | Date | null;
  [key: string]: unknown;
}

/** The columns of a Member; `now` is the placeholder of the current time. */
const memberColumns = (
  now: string,
) => `u.id, u.username, u.display_name, u.role, u.hamlet_id, u.active,
  u.password_hash is not null as has_password,
  (select max(e.expires_at) from enrolment_code e
    where e.user_id = u.id and e.used_at is null and e.expires_at > ${now}::timestamptz) as enrolment_expires_at`;

function toMember(r: MemberRow): Member {
  const state: MemberState = !r.active ? 'deactivated' : r.has_password ? 'active' : 'pending';
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    hamletId: r.hamlet_id,
    state,
    enrolmentExpiresAt:
      r.enrolment_expires_at === null ? null : new Date(r.enrolment_expires_at).toISOString(),
  };
}

/** The accounts `by` manages, coordinators first, then by hamlet and name. */
export async function listMembers(db: Queryable, by: Manager, now: Date): Promise<Member[]> {
  const params: unknown[] = [now.toISOString()];
  const scope = memberScope(by, params);
  const rows = await db.query<MemberRow>(
    `select ${memberColumns('$1')} from app_user u where ${scope}
      order by u.hamlet_id nulls first, u.display_name, u.id`,
    params,
  );
  return rows.map(toMember);
}

/** One account `by` manages, or null (another commune's or hamlet's, a higher role, no such id). */
export async function findMember(
  db: Queryable,
  by: Manager,
  id: string,
  now: Date,
): Promise<Member | null> {
  if (!UUID_PATTERN.test(id)) return null;
  const params: unknown[] = [id, now.toISOString()];
  const scope = memberScope(by, params);
  const rows = await db.query<MemberRow>(
    `select ${memberColumns('$2')} from app_user u where u.id = $1::uuid and ${scope}`,
    params,
  );
  return rows[0] ? toMember(rows[0]) : null;
}

/** Replaces the account's open codes with a new one, clears its password and ends its sessions (also for the admin CLI). */
export async function issueEnrolment(
  tx: Queryable,
  userId: string,
  by: string | null,
  now: Date,
): Promise<Enrolment> {
  const code = newEnrolmentCode();
  const expiresAt = new Date(now.getTime() + ENROLMENT_TTL_MS);
  await tx.query('delete from enrolment_code where user_id = $1 and used_at is null', [userId]);
  await tx.query(
    `insert into enrolment_code (code_hash, user_id, created_by, created_at, expires_at)
     values ($1, $2, $3, $4::timestamptz, $5::timestamptz)`,
    [hashEnrolmentCode(code), userId, by, now.toISOString(), expiresAt.toISOString()],
  );
  await tx.query('update app_user set password_hash = null where id = $1', [userId]);
  await tx.query('delete from auth_session where user_id = $1', [userId]);
  return { code, expiresAt: expiresAt.toISOString() };
}

/**
 * Within a transaction, for the app and the admin command line: a new account
 * without a password, its first enrolment code, and `member.add` in its
 * commune's audit log (a province viewer's account has no commune, so none).
 * @returns its id and code, or null when the username is taken
 */
export async function addAccount(
  tx: Queryable,
  a: {
    username: string;
    displayName: string;
    role: Role;
    communeId: string | null;
    hamletId: string | null;
    province?: string | null;
  },
  actorId: string | null,
  now: Date,
): Promise<{ id: string; enrolment: Enrolment } | null> {
  const id = randomUUID();
  const inserted = await tx.query<{ id: string }>(
    `insert into app_user (id, username, display_name, role, commune_id, hamlet_id, province, password_hash)
     values ($1, $2, $3, $4, $5, $6, $7, null)
     on conflict (username) do nothing returning id`,
    [id, a.username, a.displayName, a.role, a.communeId, a.hamletId, a.province ?? null],
  );
  if (inserted.length === 0) return null;
  const enrolment = await issueEnrolment(tx, id, actorId, now);
  if (a.communeId !== null)
    await recordAudit(tx, {
      communeId: a.communeId,
      actorId,
      action: 'member.add',
      targetType: 'user',
      targetId: id,
      at: now,
    });
  return { id, enrolment };
}

export type CreateOutcome =
  | { kind: 'ok'; member: Member; enrolment: Enrolment }
  | { kind: 'username_taken' }
  /** Not a role `by` may create. */
  | { kind: 'role_not_allowed' }
  /** A hamlet role without a hamlet of `by`'s scope, or a commune role with one. */
  | { kind: 'unknown_hamlet' };

/** A new account `by` manages (a volunteer unless `m.role` says), with its first enrolment code. */
export async function createMember(
  db: Db,
  by: Manager,
  m: { displayName: string; username: string; hamletId?: string | null; role?: Role },
  now: Date,
): Promise<CreateOutcome> {
  const role = m.role ?? 'volunteer';
  if (!managedRoles(by.role).includes(role)) return { kind: 'role_not_allowed' };
  const hamletId = m.hamletId ?? null;
  if (isHamletRole(role) !== (hamletId !== null)) return { kind: 'unknown_hamlet' };
  if (by.role === 'team_lead' && hamletId !== by.hamletId) return { kind: 'unknown_hamlet' };
  return db.transaction(async (tx) => {
    if (hamletId !== null) {
      const hamlet = await tx.query('select 1 from hamlet where id = $1 and commune_id = $2', [
        hamletId,
        by.communeId,
      ]);
      if (hamlet.length === 0) return { kind: 'unknown_hamlet' };
    }
    const added = await addAccount(
      tx,
      { ...m, role, communeId: by.communeId, hamletId },
      by.id,
      now,
    );
    if (!added) return { kind: 'username_taken' };
    const member = await findMember(tx, by, added.id, now);
    return { kind: 'ok', member: member!, enrolment: added.enrolment };
  });
}

/** A new code for a member of the commune (a forgotten password); not for another commune's, nor a locked account. */
export async function resetMember(
  db: Db,
  by: Manager,
  id: string,
  now: Date,
): Promise<
  | { kind: 'ok'; member: Member; enrolment: Enrolment }
  | { kind: 'not_found' }
  | { kind: 'deactivated' }
> {
  return db.transaction(async (tx) => {
    const before = await findMember(tx, by, id, now);
    if (!before) return { kind: 'not_found' };
    const enrolment = await newCodeFor(tx, id, by.id, now);
    if (!enrolment) return { kind: 'deactivated' };
    return { kind: 'ok', member: (await findMember(tx, by, id, now))!, enrolment };
  });
}

/**
 * Within a transaction, for the app and the admin command line: a new code
 * for an account (its row locked first), audited. Null for a locked account:
 * a new code would quietly let it back in.
 */
export async function newCodeFor(
  tx: Queryable,
  id: string,
  actorId: string | null,
  now: Date,
): Promise<Enrolment | null> {
  const account = await lockUser(tx, id);
  if (!account?.active) return null;
  const enrolment = await issueEnrolment(tx, id, actorId, now);
  // A province viewer's account has no commune, hence no commune log to write in.
  if (account.commune_id !== null)
    await recordAudit(tx, {
      communeId: account.commune_id,
      actorId,
      action: 'member.newCode',
      targetType: 'user',
      targetId: id,
      at: now,
    });
  return enrolment;
}

/**
 * Within a transaction, for the app and the admin command line: no sign-in
 * from now on, sessions ended, open codes void (its row locked first), audited.
 */
export async function deactivateAccount(
  tx: Queryable,
  id: string,
  actorId: string | null,
  now: Date,
): Promise<void> {
  const account = await lockUser(tx, id);
  if (!account) return;
  await tx.query('update app_user set active = false where id = $1', [id]);
  await tx.query('delete from auth_session where user_id = $1', [id]);
  await tx.query('delete from enrolment_code where user_id = $1 and used_at is null', [id]);
  if (account.commune_id !== null)
    await recordAudit(tx, {
      communeId: account.commune_id,
      actorId,
      action: 'member.deactivate',
      targetType: 'user',
      targetId: id,
      at: now,
    });
}

/** Deactivates a member: no sign-in, sessions ended, open codes void. Null when not theirs to manage. */
export async function deactivateMember(
  db: Db,
  by: Manager,
  id: string,
  now: Date,
): Promise<Member | null> {
  return db.transaction(async (tx) => {
    const before = await findMember(tx, by, id, now);
    if (!before) return null;
    await deactivateAccount(tx, id, by.id, now);
    return findMember(tx, by, id, now);
  });
}

/**
 * Redeems a code: sets the password and spends the code. The code is looked
 * up before the password is hashed (a wrong code costs no hashing), and the
 * account row is locked before the code row, as everywhere else.
 * @returns the account's id and new password hash, or null when the code is unknown, used or expired
 */
export async function redeemEnrolment(
  db: Db,
  code: string,
  password: string,
  now: Date,
): Promise<{ userId: string; passwordHash: string } | null> {
  const codeHash = hashEnrolmentCode(code);
  const open = async (q: Queryable) =>
    (
      await q.query<{ user_id: string }>(
        `select user_id from enrolment_code
          where code_hash = $1 and used_at is null and expires_at > $2::timestamptz`,
        [codeHash, now.toISOString()],
      )
    )[0]?.user_id;
  const candidate = await open(db);
  if (!candidate) return null;
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const user = await lockUser(tx, candidate);
    if (!user?.active) return null;
    const spent = await tx.query(
      `update enrolment_code set used_at = $3::timestamptz
        where code_hash = $1 and user_id = $2 and used_at is null and expires_at > $3::timestamptz
       returning code_hash`,
      [codeHash, candidate, now.toISOString()],
    );
    if (spent.length === 0) return null;
    await tx.query('update app_user set password_hash = $2 where id = $1', [
      candidate,
      passwordHash,
    ]);
    if (user.commune_id !== null)
      await recordAudit(tx, {
        communeId: user.commune_id,
        actorId: candidate,
        action: 'member.enrolled',
        targetType: 'user',
        targetId: candidate,
        at: now,
      });
    return { userId: candidate, passwordHash };
  });
}

/** Locks an account's row: the first lock of every account change (one order, no deadlock). */
export async function lockUser(
  tx: Queryable,
  id: string,
): Promise<{ active: boolean; commune_id: string | null } | null> {
  const rows = await tx.query<{ active: boolean; commune_id: string | null }>(
    'select active, commune_id from app_user where id = $1 for update',
    [id],
  );
  return rows[0] ?? null;
}

/**
 * An id for a new row of `table`: `prefix` and the folded name
 * (`tan-phu-thon-moi`), then -2, -3… while taken.
 */
async function newNameId(
  tx: Queryable,
  table: 'hamlet' | 'commune',
  prefix: string,
  name: string,
  fallback: string,
): Promise<string> {
  const slug =
    foldText(name)
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || fallback;
  const base = `${prefix}${slug}`.slice(0, 56);
  const taken = new Set(
    (await tx.query<{ id: string }>(`select id from ${table} where id like $1`, [`${base}%`])).map(
      (r) => r.id,
    ),
  );
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

/**
 * A new hamlet of `by`'s commune, last in the list, audited. Its id is the
 * commune's and the folded name's (`tan-phu-thon-moi`), made unique.
 * @returns the hamlet, or null when the commune has one of that name (marks and case aside)
 */
export async function createHamlet(
  db: Db,
  by: Manager,
  name: string,
  now: Date,
): Promise<{ id: string; name: string } | null> {
  return db.transaction(async (tx) => {
    // The commune row locked: two coordinators adding "Thôn Mới" at once make one.
    await tx.query('select 1 from commune where id = $1 for update', [by.communeId]);
    const existing = await tx.query<{ id: string; name: string; sort_order: number }>(
      'select id, name, sort_order from hamlet where commune_id = $1',
      [by.communeId],
    );
    if (existing.some((h) => foldText(h.name) === foldText(name))) return null;
    const id = await newNameId(tx, 'hamlet', `${by.communeId}-`, name, 'thon');
    const sortOrder = Math.max(-1, ...existing.map((h) => Number(h.sort_order))) + 1;
    await tx.query(
      'insert into hamlet (id, commune_id, name, sort_order) values ($1, $2, $3, $4)',
      [id, by.communeId, name, sortOrder],
    );
    await recordAudit(tx, {
      communeId: by.communeId,
      actorId: by.id,
      action: 'hamlet.add',
      targetType: 'hamlet',
      targetId: id,
      at: now,
    });
    return { id, name };
  });
}

/** The communes an admin looks after: their own commune's province's (or only their own, without a province). */
export async function adminCommunes(
  db: Queryable,
  by: Manager,
): Promise<{ id: string; name: string; hamlets: number; staff: number }[]> {
  const rows = await db.query<{
    id: string;
    name: string;
    hamlets: string | number;
    staff: string | number;
  }>(
    `select c.id, c.name,
            (select count(*) from hamlet h where h.commune_id = c.id) as hamlets,
            (select count(*) from app_user u
              where u.commune_id = c.id and u.active and u.role in ('coordinator', 'admin')) as staff
       from commune c
      where c.id = $1
         or c.province = (select own.province from commune own where own.id = $1)
      order by c.name, c.id`,
    [by.communeId],
  );
  return rows.map((r) => ({ ...r, hamlets: Number(r.hamlets), staff: Number(r.staff) }));
}

/**
 * A new commune in the admin's province, with its clock, audited in the
 * admin's commune. Its id is the folded name (`xa-my-an`), made unique.
 * @returns the commune; 'no_province' when the admin's commune has none; 'taken' for a name the province has
 */
export async function createCommune(
  db: Db,
  by: Manager,
  name: string,
  now: Date,
): Promise<{ id: string; name: string } | 'no_province' | 'taken'> {
  return db.transaction(async (tx) => {
    const own = await tx.query<{ province: string | null }>(
      'select province from commune where id = $1 for update',
      [by.communeId],
    );
    const province = own[0]?.province ?? null;
    if (province === null) return 'no_province';
    const same = await tx.query<{ name: string }>('select name from commune where province = $1', [
      province,
    ]);
    if (same.some((c) => foldText(c.name) === foldText(name))) return 'taken';
    const id = await newNameId(tx, 'commune', '', name, 'xa');
    // Two admins of the province adding the same name at once: the second is told it is taken.
    const inserted = await tx.query(
      'insert into commune (id, name, province) values ($1, $2, $3) on conflict (id) do nothing returning id',
      [id, name, province],
    );
    if (inserted.length === 0) return 'taken';
    await tx.query('insert into commune_clock (commune_id) values ($1)', [id]);
    await recordAudit(tx, {
      communeId: by.communeId,
      actorId: by.id,
      action: 'commune.add',
      targetType: 'commune',
      targetId: id,
      at: now,
    });
    return { id, name };
  });
}

/**
 * The first coordinator or admin of a commune of the admin's province (or
 * their own), with an enrolment code; audited in that commune.
 */
export async function createCommuneStaff(
  db: Db,
  by: Manager,
  communeId: string,
  m: { displayName: string; username: string; role?: Role },
  now: Date,
): Promise<CreateOutcome | { kind: 'not_found' } | { kind: 'has_staff' }> {
  const role = m.role ?? 'coordinator';
  if (role !== 'coordinator' && role !== 'admin') return { kind: 'role_not_allowed' };
  const communes = await adminCommunes(db, by);
  const commune = communes.find((c) => c.id === communeId);
  if (!commune) return { kind: 'not_found' };
  // Only a commune's first staff: once it has its own, they manage its accounts.
  if (commune.staff > 0) return { kind: 'has_staff' };
  return db.transaction(async (tx) => {
    const added = await addAccount(tx, { ...m, role, communeId, hamletId: null }, by.id, now);
    if (!added) return { kind: 'username_taken' };
    const rows = await tx.query<MemberRow>(
      `select ${memberColumns('$2')} from app_user u where u.id = $1::uuid`,
      [added.id, now.toISOString()],
    );
    return { kind: 'ok', member: toMember(rows[0]!), enrolment: added.enrolment };
  });
}
