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

/** Several revisions in one statement (a push writes its batch's together). */
export async function insertRevisions(tx: Queryable, rs: readonly RevisionInput[]): Promise<void> {
  if (rs.length === 0) return;
  await tx.query(
    `insert into activity_log_revision
       (log_id, version, commune_id, actor_id, client_id, mutation_id, kind, changed_fields, snapshot, at)
     select r.log_id, r.version, r.commune_id, r.actor_id, r.client_id, r.mutation_id, r.kind,
            r.changed_fields, r.snapshot, r.at
       from jsonb_to_recordset($1::text::jsonb) as r(log_id uuid, version int, commune_id text,
         actor_id uuid, client_id uuid, mutation_id uuid, kind text, changed_fields text[],
         snapshot jsonb, at timestamptz)`,
    [
      JSON.stringify(
        rs.map((r) => ({
          log_id: r.logId,
          version: r.version,
          commune_id: r.communeId,
          actor_id: r.actorId,
          client_id: r.clientId,
          mutation_id: r.mutationId,
          kind: r.kind,
          changed_fields: r.changedFields,
          snapshot: r.snapshot,
          at: r.at.toISOString(),
        })),
      ),
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

/**
 * `bumpClockAndStamp` for several logs of one commune: takes the next
 * `logIds.length` numbers of the clock in one statement (the LAST of the
 * transaction) and stamps them on the logs in the order given.
 * @throws when the commune has no clock row or a log is missing (a bug)
 */
export async function bumpClockAndStampMany(
  tx: Queryable,
  communeId: string,
  logIds: readonly string[],
): Promise<void> {
  if (logIds.length === 0) return;
  const rows = await tx.query<{ seq: number | string }>(
    `with c as (update commune_clock set seq = seq + $2::bigint where commune_id = $1 returning seq)
     update activity_log l set seq = c.seq - $2::bigint + t.ord
       from c, unnest($3::uuid[]) with ordinality as t(id, ord)
      where l.id = t.id returning l.seq`,
    [communeId, logIds.length, [...logIds]],
  );
  if (rows.length !== logIds.length) {
    throw new Error(`commune_clock ${communeId}: stamped ${rows.length} of ${logIds.length} logs`);
  }
}
