/**
 * `npm run admin -- <command>`: communes, hamlets and the accounts above the
 * hamlet (coordinators, admins), straight on the server's database
 * (DATABASE_URL, or PGlite in SOTAY_DATA_DIR with the server stopped: one
 * process per data folder). Coordinators add their volunteers in the app.
 *
 *   list
 *   commune add <id> <name> [--province <name>]
 *   hamlet add <commune-id> <id> <name>
 *   user add <commune-id> <username> <display name> --role admin|coordinator|team_lead|volunteer [--hamlet <id>]
 *   user add <province> <username> <display name> --role province_viewer
 *   user reset <username>          a new enrolment code (clears the password, ends sessions)
 *   user deactivate <username>     no sign-in, sessions ended
 *
 * An account starts without a password: `user add` and `user reset` print a
 * one-time code (72 h) that its owner redeems at /enrol on their phone.
 * Pass --url https://… to print the link the QR code would carry.
 */
import * as v from 'valibot';
import { formatEnrolmentCode, usernameSchema } from '../shared/schemas/accounts.ts';
import { isHamletRole } from '../shared/permissions.ts';
import { ROLES, type Role } from '../shared/roles.ts';
import { addAccount, deactivateAccount, newCodeFor } from './accounts.ts';
import { readConfig } from './config.ts';
import type { Db, Queryable } from './db/index.ts';
import { openDatabase } from './db/open.ts';
import { ensureCommune, ensureHamlet } from './users.ts';

const USAGE = `usage: npm run admin -- <command>
  list
  commune add <id> <name> [--province <name>]
  hamlet add <commune-id> <id> <name>
  user add <commune-id> <username> <display name> --role admin|coordinator|team_lead|volunteer [--hamlet <id>]
  user add <province> <username> <display name> --role province_viewer
  user reset <username>
  user deactivate <username>
options: --url <https://server> prints the enrolment link too`;

/** An id for a commune or hamlet: lower-case letters, digits and dashes, as in `tan-phu-dong`. */
const ID = /^[a-z0-9][a-z0-9-]{1,63}$/;

class UsageError extends Error {}

function split(args: readonly string[]): { words: string[]; flags: Map<string, string> } {
  const words: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      const value = args[i + 1];
      if (value === undefined) throw new UsageError(`${a} needs a value`);
      flags.set(a.slice(2), value);
      i += 1;
    } else words.push(a);
  }
  return { words, flags };
}

function need(value: string | undefined, what: string): string {
  const v = value?.trim();
  if (!v) throw new UsageError(`missing ${what}`);
  return v;
}

function id(value: string | undefined, what: string): string {
  const v = need(value, what);
  if (!ID.test(v))
    throw new UsageError(
      `${what} must be lower-case letters, digits and dashes (like tan-phu-dong), got ${v}`,
    );
  return v;
}

function enrolmentLines(code: string, expiresAt: string, url: string | undefined): string[] {
  const lines = [
    `enrolment code: ${formatEnrolmentCode(code)} (valid until ${expiresAt}; shown once)`,
  ];
  if (url) lines.push(`link: ${url.replace(/\/+$/, '')}/enrol#${code}`);
  return lines;
}

async function userId(db: Queryable, username: string): Promise<string> {
  const rows = await db.query<{ id: string }>('select id from app_user where username = $1', [
    username.trim().toLowerCase(),
  ]);
  if (!rows[0]) throw new UsageError(`no account ${username}`);
  return rows[0].id;
}

async function run(db: Db, words: string[], flags: Map<string, string>, out: (l: string) => void) {
  const [noun, verb, ...rest] = words;
  const now = new Date();
  const url = flags.get('url');

  if (noun === 'list') {
    const communes = await db.query<{ id: string; name: string; province: string | null }>(
      'select id, name, province from commune order by id',
    );
    for (const c of communes) {
      out(`${c.id}  ${c.name}${c.province ? `, ${c.province}` : ''}`);
      const hamlets = await db.query<{ id: string; name: string }>(
        'select id, name from hamlet where commune_id = $1 order by sort_order, id',
        [c.id],
      );
      for (const h of hamlets) out(`  hamlet ${h.id}  ${h.name}`);
      const users = await db.query<{
        username: string;
        role: string;
        active: boolean;
        pending: boolean;
      }>(
        `select username, role, active, password_hash is null as pending from app_user
          where commune_id = $1 order by role, username`,
        [c.id],
      );
      for (const u of users) {
        out(
          `  ${u.role} ${u.username}${!u.active ? ' (deactivated)' : u.pending ? ' (not enrolled)' : ''}`,
        );
      }
    }
    return;
  }

  if (noun === 'commune' && verb === 'add') {
    const communeId = id(rest[0], 'commune id');
    const name = need(rest[1], 'commune name');
    await db.transaction(async (tx) => {
      await ensureCommune(tx, communeId, name);
      const province = flags.get('province')?.trim();
      if (province)
        await tx.query('update commune set province = $2 where id = $1', [communeId, province]);
    });
    out(`commune ${communeId} (${name}) is there`);
    return;
  }

  if (noun === 'hamlet' && verb === 'add') {
    const communeId = id(rest[0], 'commune id');
    const hamletId = id(rest[1], 'hamlet id');
    const name = need(rest[2], 'hamlet name');
    await db.transaction(async (tx) => {
      const c = await tx.query('select 1 from commune where id = $1', [communeId]);
      if (c.length === 0) throw new UsageError(`no commune ${communeId}`);
      const count = await tx.query<{ n: number | string }>(
        'select count(*) as n from hamlet where commune_id = $1',
        [communeId],
      );
      await ensureHamlet(tx, {
        id: hamletId,
        communeId,
        name,
        sortOrder: Number(count[0]?.n ?? 0),
      });
    });
    out(`hamlet ${hamletId} (${name}) of ${communeId} is there`);
    return;
  }

  if (noun === 'user' && verb === 'add') {
    const role = flags.get('role') as Role | undefined;
    if (!role || !ROLES.includes(role))
      throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
    const viewer = role === 'province_viewer';
    const communeId = viewer ? null : id(rest[0], 'commune id');
    const province = viewer ? need(rest[0], 'province') : null;
    const parsed = v.safeParse(usernameSchema, rest[1] ?? '');
    if (!parsed.success)
      throw new UsageError(
        'username: lower-case letters without accents, digits, dots or dashes, 3 to 32',
      );
    const username = parsed.output;
    const displayName = need(rest[2], 'display name');
    const hamletId = isHamletRole(role) ? (flags.get('hamlet') ?? null) : null;
    if (isHamletRole(role) && !hamletId) throw new UsageError(`a ${role} needs --hamlet`);
    const enrolment = await db.transaction(async (tx) => {
      const c = viewer
        ? await tx.query('select 1 from commune where province = $1', [province])
        : await tx.query('select 1 from commune where id = $1', [communeId]);
      if (c.length === 0)
        throw new UsageError(
          viewer ? `no commune in the province ${province}` : `no commune ${communeId}`,
        );
      if (hamletId) {
        const h = await tx.query('select 1 from hamlet where id = $1 and commune_id = $2', [
          hamletId,
          communeId,
        ]);
        if (h.length === 0) throw new UsageError(`no hamlet ${hamletId} in ${communeId}`);
      }
      const added = await addAccount(
        tx,
        { username, displayName, role, communeId, hamletId, province },
        null,
        now,
      );
      if (!added) throw new UsageError(`the username ${username} is taken`);
      return added.enrolment;
    });
    out(`${role} ${username} (${displayName}) of ${communeId ?? province} added`);
    for (const l of enrolmentLines(enrolment.code, enrolment.expiresAt, url)) out(l);
    return;
  }

  if (noun === 'user' && verb === 'reset') {
    const username = need(rest[0], 'username');
    const enrolment = await db.transaction(async (tx) => {
      const issued = await newCodeFor(tx, await userId(tx, username), null, now);
      if (!issued) throw new UsageError(`${username} is deactivated: nothing done`);
      return issued;
    });
    out(`${username}: password cleared, sessions ended`);
    for (const l of enrolmentLines(enrolment.code, enrolment.expiresAt, url)) out(l);
    return;
  }

  if (noun === 'user' && verb === 'deactivate') {
    const username = need(rest[0], 'username');
    await db.transaction(async (tx) =>
      deactivateAccount(tx, await userId(tx, username), null, now),
    );
    out(`${username} deactivated: no sign-in, sessions ended`);
    return;
  }

  throw new UsageError(USAGE);
}

/**
 * Runs one command.
 * @returns the exit code (2 for a usage error); messages go to `out` / `err`
 */
export async function runAdminCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
): Promise<number> {
  let db: Db | null = null;
  try {
    const { words, flags } = split(args);
    if (words.length === 0) throw new UsageError(USAGE);
    const config = readConfig(env);
    db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    await run(db, words, flags, out);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(e.message);
      return 2;
    }
    throw e;
  } finally {
    await db?.close();
  }
}
