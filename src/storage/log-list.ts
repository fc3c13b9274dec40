/**
 * The volunteer's list reads, on the first screen. Owns: `listLogs`,
 * `listReturned`. It imports no validation and no sync code, so the first
 * download stays small (PERFORMANCE.md G1); writes are in log-repo.ts.
 */
import type { UserDb } from './db.ts';
import type { LocalLog } from './types.ts';

/** The device's logs, not deleted, newest activity date first, then newest created first. */
export async function listLogs(db: UserDb, opts: { limit?: number } = {}): Promise<LocalLog[]> {
  const limit = opts.limit ?? Infinity;
  const out: LocalLog[] = [];
  if (limit <= 0) return out;
  const tx = db.transaction('logs', 'readonly');
  let cursor = await tx.store.index('byActivityDate').openCursor(null, 'prev');
  while (cursor) {
    if (!cursor.value.deleted) out.push(cursor.value);
    if (out.length >= limit) break;
    cursor = await cursor.continue();
  }
  await tx.done;
  return out;
}

/**
 * The sessions a coordinator returned for changes and that wait for the
 * volunteer, newest activity first: at most `limit` of them and their count.
 * Reads the `byStatus` index only (not every log).
 */
export async function listReturned(
  db: UserDb,
  opts: { limit?: number } = {},
): Promise<{ count: number; logs: LocalLog[] }> {
  const tx = db.transaction('logs', 'readonly');
  const all = await tx.store.index('byStatus').getAll('changes_requested');
  await tx.done;
  const waiting = all
    .filter((l) => !l.deleted && l.syncState === 'synced')
    .sort((a, b) =>
      a.activityDate === b.activityDate
        ? b.createdAtDevice - a.createdAtDevice
        : a.activityDate < b.activityDate
          ? 1
          : -1,
    );
  return { count: waiting.length, logs: waiting.slice(0, opts.limit ?? Infinity) };
}
