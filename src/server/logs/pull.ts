/**
 * GET /api/sync/pull (SYNC.md §3.4): a user's changes after a per-commune
 * checkpoint, oldest first, tombstones included. Volunteers get the logs they
 * wrote; commune-level roles get the whole commune.
 */
import {
  decodeCheckpoint,
  encodeCheckpoint,
  type Checkpoint,
  type PullChange,
  type PullResponse,
} from '../../shared/protocol.ts';
import { isFieldRole } from '../../shared/roles.ts';
import type { SessionUser } from '../auth/session.ts';
import type { Queryable } from '../db/index.ts';
import { LOG_RECORD_COLUMNS, LOG_RECORD_FROM, rowToRecord, type LogRow } from './record.ts';

export { encodeCheckpoint };

/** The server epoch (changes when the database is created or restored). */
export async function serverEpoch(db: Queryable): Promise<string> {
  const rows = await db.query<{ value: string }>(
    `select value from server_meta where key = 'epoch'`,
  );
  const epoch = rows[0]?.value;
  if (!epoch) throw new Error('server_meta has no epoch');
  return epoch;
}

interface Start {
  from: number;
  reset: boolean;
}

/**
 * Where to start for the user's commune, or a reset when the checkpoint does
 * not fit (pullChanges also resets one that is ahead of the commune clock).
 */
function startFrom(cpParam: string | undefined, epoch: string, communeId: string): Start {
  if (cpParam === undefined || cpParam === '') return { from: 0, reset: false };
  const cp: Checkpoint | null = decodeCheckpoint(cpParam);
  if (cp === null || cp.epoch !== epoch) return { from: 0, reset: true };
  const communes = Object.keys(cp.perCommune);
  // A commune the user no longer belongs to: the client must drop its rows.
  if (communes.some((c) => c !== communeId)) return { from: 0, reset: true };
  return { from: cp.perCommune[communeId] ?? 0, reset: false };
}

/**
 * One page of changes.
 * @param cpParam the `cp` query value (base64url JSON), if any
 * @param limit page size
 */
export async function pullChanges(
  db: Queryable,
  user: SessionUser,
  cpParam: string | undefined,
  limit: number,
  now: Date,
): Promise<PullResponse> {
  const epoch = await serverEpoch(db);
  const communeId = user.communeId;
  const start = startFrom(cpParam, epoch, communeId);
  const base = {
    serverTime: now.toISOString(),
    serverEpoch: epoch,
  };
  const reset: PullResponse = {
    changes: [],
    cp: { epoch, perCommune: { [communeId]: 0 } },
    hasMore: true,
    reset: true,
    ...base,
  };
  if (start.reset) return reset;
  // Read the clock first: every seq ≤ clock is committed (the clock row lock
  // is held until commit), so the page below cannot skip a later commit.
  const clock = await db.query<{ seq: number | string }>(
    'select seq from commune_clock where commune_id = $1',
    [communeId],
  );
  const upTo = Number(clock[0]?.seq ?? 0);
  // Ahead of the clock: not a checkpoint this database gave out (restored
  // without a new epoch, or forged). Starting there would skip changes.
  if (start.from > upTo) return reset;
  // A phone holds its own user's records; commune staff may read the commune's.
  const ownOnly = isFieldRole(user.role);
  const rows = await db.query<LogRow>(
    `select ${LOG_RECORD_COLUMNS} from ${LOG_RECORD_FROM}
      where l.commune_id = $1 and l.seq > $2 and l.seq <= $3
        ${ownOnly ? 'and l.author_id = $5' : ''}
      order by l.seq
      limit $4`,
    ownOnly
      ? [communeId, start.from, upTo, limit + 1, user.id]
      : [communeId, start.from, upTo, limit + 1],
  );
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  const changes: PullChange[] = page.map((r) => ({
    id: r.id,
    communeId: r.commune_id,
    seq: Number(r.seq),
    version: Number(r.version),
    deleted: r.deleted_at !== null,
    record: rowToRecord(r),
  }));
  const last = changes[changes.length - 1];
  const to = hasMore && last ? last.seq : upTo;
  return { changes, cp: { epoch, perCommune: { [communeId]: to } }, hasMore, ...base };
}
