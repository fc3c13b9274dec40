/**
 * Sign-in lockout with backoff (docs/SECURITY.md "Guessing passwords").
 *
 * Per typed username (known or not, so a lockout tells nothing about which
 * accounts exist): the first USER_FREE_FAILURES attempts are free; from then
 * on each attempt locks the name for a period that doubles, 30 s, 1 min,
 * 2 min … up to 15 min, while the password is checked, and a success lifts
 * it. An attempt is counted BEFORE the password is checked, so a burst of
 * parallel guesses gets USER_FREE_FAILURES checks, not a hundred. Per client
 * address (an IPv6 address by its /64, which one customer usually holds):
 * IP_FREE_FAILURES failures (a commune office shares one address) before the
 * same backoff, also counted on admission (so a burst across many names gets
 * IP_FREE_FAILURES checks) and forgiven one by one on success. Failures
 * older than RESET_AFTER_MS are forgotten. While locked nothing is checked.
 */
import type { Db, Queryable } from '../db/index.ts';

export const USER_FREE_FAILURES = 5;
export const IP_FREE_FAILURES = 30;
export const BASE_LOCK_MS = 30_000;
export const MAX_LOCK_MS = 15 * 60_000;
export const RESET_AFTER_MS = 60 * 60_000;

/** The lock after `failures` counted failures of a key allowed `free` of them. */
export function lockMs(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(MAX_LOCK_MS, BASE_LOCK_MS * 2 ** Math.min(failures - free, 10));
}

type Row = {
  failures: number;
  last_failure_at: string | Date;
  locked_until: string | Date | null;
};

const ms = (t: string | Date) => new Date(t).getTime();

export const userKey = (username: string) => `user:${username.normalize('NFC').toLowerCase()}`;
export const ipKey = (address: string) => `ip:${addressBucket(address)}`;

/** An IPv4 address as it is; an IPv6 one by its first 64 bits (IPv4-mapped ones as IPv4). */
export function addressBucket(address: string): string {
  const a = address.trim().toLowerCase();
  if (!a.includes(':')) return a;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1]!;
  const [head = '', tail = ''] = a.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = a.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = a.includes('::')
    ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => (parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`;
}

async function lockRow(tx: Queryable, key: string, now: Date): Promise<Row> {
  await tx.query(
    `insert into login_throttle (key, failures, last_failure_at) values ($1, 0, $2::timestamptz)
     on conflict (key) do nothing`,
    [key, now.toISOString()],
  );
  const rows = await tx.query<Row>(
    'select failures, last_failure_at, locked_until from login_throttle where key = $1 for update',
    [key],
  );
  return rows[0]!;
}

/** Milliseconds until `row` lets an attempt through (0: now). */
function waitOf(row: Row, now: Date): number {
  return row.locked_until === null ? 0 : Math.max(0, ms(row.locked_until) - now.getTime());
}

function counted(row: Row, now: Date): number {
  return now.getTime() - ms(row.last_failure_at) > RESET_AFTER_MS ? 1 : row.failures + 1;
}

async function write(
  tx: Queryable,
  key: string,
  failures: number,
  lockedUntil: number | null,
  now: Date,
) {
  await tx.query(
    `update login_throttle set failures = $2, last_failure_at = $3::timestamptz,
       locked_until = $4::timestamptz where key = $1`,
    [
      key,
      failures,
      now.toISOString(),
      lockedUntil === null ? null : new Date(lockedUntil).toISOString(),
    ],
  );
}

export type Admission = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Before the password is checked: refuses while the name or the address is
 * locked, else counts the attempt against the name (see the module comment).
 */
export async function admitAttempt(
  db: Db,
  username: string,
  address: string | null,
  now: Date,
): Promise<Admission> {
  return db.transaction(async (tx) => {
    const user = await lockRow(tx, userKey(username), now);
    const ip = address === null ? null : await lockRow(tx, ipKey(address), now);
    const wait = Math.max(waitOf(user, now), ip ? waitOf(ip, now) : 0);
    if (wait > 0) return { allowed: false, retryAfterMs: wait };
    const failures = counted(user, now);
    const lock = lockMs(failures, USER_FREE_FAILURES);
    await write(tx, userKey(username), failures, lock > 0 ? now.getTime() + lock : null, now);
    if (ip && address !== null) await countAddress(tx, address, ip, now);
    return { allowed: true };
  });
}

/** Counts an attempt against the address before it is checked (forgiven on success). */
async function countAddress(tx: Queryable, address: string, row: Row, now: Date): Promise<void> {
  const failures = counted(row, now);
  const lock = lockMs(failures, IP_FREE_FAILURES);
  await write(tx, ipKey(address), failures, lock > 0 ? now.getTime() + lock : null, now);
}

/** After a success: the address's provisional count of this attempt is taken back. */
export async function forgiveAddress(db: Queryable, address: string | null): Promise<void> {
  if (address === null) return;
  await db.query(
    `update login_throttle
        set failures = greatest(failures - 1, 0),
            locked_until = case when failures - 1 < $2 then null else locked_until end
      where key = $1`,
    [ipKey(address), IP_FREE_FAILURES],
  );
}

/**
 * Before an enrolment code is checked: refuses while the address is locked,
 * else counts the attempt against it (codes have no name to count by).
 */
export async function admitAddress(db: Db, address: string | null, now: Date): Promise<Admission> {
  if (address === null) return { allowed: true };
  return db.transaction(async (tx) => {
    const ip = await lockRow(tx, ipKey(address), now);
    const wait = waitOf(ip, now);
    if (wait > 0) return { allowed: false, retryAfterMs: wait };
    await countAddress(tx, address, ip, now);
    return { allowed: true };
  });
}

/**
 * After a right password: the name starts afresh. Housekeeping too: keys
 * whose failures are forgotten and whose lock has passed go.
 */
export async function recordSuccess(db: Queryable, username: string, now: Date): Promise<void> {
  await db.query(
    `delete from login_throttle
      where key = $1
         or (last_failure_at < $2::timestamptz and (locked_until is null or locked_until < $3::timestamptz))`,
    [userKey(username), new Date(now.getTime() - RESET_AFTER_MS).toISOString(), now.toISOString()],
  );
}
