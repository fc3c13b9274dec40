/**
 * Writes shared by push and review: revisions and the commune clock.
 */
import type { LogContent } from '../../shared/schemas/log.ts';
import type { Queryable } from '../db/index.ts';

export interface RevisionInput {
  logId: string;
  version: number;
  communeId: string;
  actorId: string;
  clientId: string | null;
  mutationId: string | null;
  kind: 'content' | 'review' | 'delete' | 'amendment_accept';
  changedFields: readonly string[];
  /** The log's content at this version (every revision has the full content: merge bases). */
  snapshot: LogContent & Record<string, unknown>;
  at: Date;
}

export async function insertRevision(tx: Queryable, r: RevisionInput): Promise<void> {
  await tx.query(
    `insert into activity_log_revision
       (log_id, version, commune_id, actor_id, client_id, mutation_id, kind, changed_fields, snapshot, at)
     values ($1, $2, $3, $4, $5, $6, $7, $8::text[], $9::text::jsonb, $10::timestamptz)`,
    [
      r.logId,
      r.version,
      r.communeId,
      r.actorId,
      r.clientId,
      r.mutationId,
      r.kind,
      [...r.changedFields],
      JSON.stringify(r.snapshot),
      r.at.toISOString(),
    ],
  );
}

/**
 * The LAST statement of every transaction that changes a log: takes the next
 * number of the commune's clock (a row lock held until commit, so numbers
 * become visible in order: SYNC.md pitfall 11) and stamps it on the log.
 * @returns the new sequence number
 * @throws when the commune has no clock row (a bug: communes are created with one)
 */
export async function bumpClockAndStamp(
  tx: Queryable,
  communeId: string,
  logId: string,
): Promise<number> {
  const rows = await tx.query<{ seq: number | string }>(
    `with c as (update commune_clock set seq = seq + 1 where commune_id = $1 returning seq)
     update activity_log l set seq = c.seq from c where l.id = $2 returning l.seq`,
    [communeId, logId],
  );
  const seq = rows[0]?.seq;
  if (seq === undefined)
    throw new Error(`no commune_clock row for ${communeId} or no log ${logId}`);
  return Number(seq);
}
