/**
 * The coordinator's side: list, read and decide, always inside the
 * coordinator's commune (another commune's log is "not found", never
 * "forbidden", so ids do not leak).
 */
import * as v from 'valibot';
import { changedFields } from '../../domain/conflict.ts';
import { foldText } from '../../domain/text-fold.ts';
import { decideReviewAction } from '../../domain/review.ts';
import {
  isoDateSchema,
  logContentSchema,
  type LogContent,
  type LogRecord,
  type LogStatus,
} from '../../shared/schemas/log.ts';
import type {
  Amendment,
  AmendmentDecision,
  ReviewDecision,
  ReviewDetail,
} from '../../shared/schemas/review.ts';
import { UUID_PATTERN } from '../../shared/ids.ts';
import { recordAudit } from '../audit.ts';
import type { SessionUser } from '../auth/session.ts';
import type { Db, Queryable } from '../db/index.ts';
import {
  contentParams,
  contentPlaceholders,
  LOG_CONTENT_COLUMNS,
  AFTER_UPDATE,
  LOG_RECORD_COLUMNS,
  LOG_RECORD_FROM,
  readLogRow,
  rowToContent,
  rowToRecord,
  type LogRow,
} from './record.ts';
import { bumpClockAndStamp, insertRevision } from './write.ts';

export const DEFAULT_REVIEW_PAGE = 50;

/** The last item of a page: its activity date (a real day, as stored) and id. */
const cursorSchema = v.strictObject({
  d: isoDateSchema,
  id: v.pipe(v.string(), v.regex(UUID_PATTERN)),
});
type Cursor = v.InferOutput<typeof cursorSchema>;

export function encodeReviewCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/**
 * Decodes a cursor; null when malformed. Every field is validated, so the
 * query's `::date` and `::uuid` casts cannot fail (`2024-13-45` was a 500).
 */
export function decodeReviewCursor(s: string): Cursor | null {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    const parsed = v.safeParse(cursorSchema, c);
    return parsed.success ? parsed.output : null;
  } catch {
    return null;
  }
}

export interface ReviewFilters {
  hamletId?: string;
  authorId?: string;
  status?: LogStatus | 'to_review';
  skillId?: string;
  from?: string;
  to?: string;
  /** Search words (folded here): each must occur in the notes, household code or author's name. */
  q?: string;
  cursor?: Cursor;
  limit: number;
}

/**
 * The logs `user` reviews, as a condition on `l` (its values appended to
 * `params`): the commune's; for a team lead, the sessions held in their
 * hamlet, except their own (someone else reviews those).
 */
export function reviewScope(user: SessionUser, params: unknown[]): string {
  params.push(user.communeId);
  const parts = [`l.commune_id = $${params.length}`];
  if (user.role === 'team_lead') {
    params.push(user.hamletId ?? '', user.id);
    parts.push(`l.hamlet_id = $${params.length - 1}`, `l.author_id <> $${params.length}::uuid`);
  }
  return parts.join(' and ');
}

/**
 * Every Latin letter `foldText` changes (Vietnamese with its marks, and the
 * ñ, č, ŏ… of Ê Đê, Jrai, Bahnar), upper and lower case, and what it makes
 * of each; then the combining marks, which `translate` deletes (no
 * counterpart). SQL `translate` with these folds stored text as the search
 * words are folded, on PGlite and PostgreSQL alike (no `unaccent`), and
 * whatever the database's locale does with `lower()` outside ASCII.
 */
const LETTERS: string[] = [];
for (let cp = 0xc0; cp <= 0x24f; cp++) LETTERS.push(String.fromCodePoint(cp));
for (let cp = 0x1e00; cp <= 0x1eff; cp++) LETTERS.push(String.fromCodePoint(cp));
const FOLDED = LETTERS.filter((c) => {
  const f = foldText(c);
  return f.length === 1 && f !== c;
});
const FOLD_FROM =
  FOLDED.join('') +
  Array.from({ length: 0x70 }, (_, i) => String.fromCodePoint(0x300 + i)).join('');
const FOLD_TO = FOLDED.map((c) => foldText(c)).join('');

/** The SQL that folds `expr` as foldText does (marks, đ, case). */
function foldSql(expr: string): string {
  return `lower(translate(${expr}, '${FOLD_FROM}', '${FOLD_TO}'))`;
}

/** At most 5 folded words of a search. */
function searchWords(q: string | undefined): string[] {
  return q === undefined ? [] : foldText(q).split(' ').filter(Boolean).slice(0, 5);
}

/** Newest activity first, then id; live logs within the reviewer's scope only. */
export async function listForReview(
  db: Queryable,
  user: SessionUser,
  f: ReviewFilters,
): Promise<{ items: LogRecord[]; nextCursor: string | null }> {
  const params: unknown[] = [];
  const where = [reviewScope(user, params), 'l.deleted_at is null'];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (f.hamletId !== undefined) add((p) => `l.hamlet_id = ${p}`, f.hamletId);
  // Compared as text: a malformed id matches nothing instead of failing the cast.
  if (f.authorId !== undefined) add((p) => `l.author_id::text = lower(${p})`, f.authorId);
  if (f.status === 'to_review') {
    where.push(`(l.status = 'submitted' or exists (select 1 from sync_conflict c
      where c.log_id = l.id and c.kind = 'amendment' and c.state = 'open'))`);
  } else if (f.status !== undefined) add((p) => `l.status = ${p}`, f.status);
  if (f.skillId !== undefined)
    add((p) => `l.skills @> ${p}::text::jsonb`, JSON.stringify([{ skillId: f.skillId }]));
  if (f.from !== undefined) add((p) => `l.activity_date >= ${p}::date`, f.from);
  if (f.to !== undefined) add((p) => `l.activity_date <= ${p}::date`, f.to);
  for (const word of searchWords(f.q)) {
    add(
      (p) =>
        `strpos(${foldSql(`l.notes || ' ' || coalesce(l.household_code, '') || ' ' || a.display_name`)}, ${p}) > 0`,
      word,
    );
  }
  if (f.cursor !== undefined) {
    params.push(f.cursor.d, f.cursor.id);
    where.push(`(l.activity_date, l.id) < ($${params.length - 1}::date, $${params.length}::uuid)`);
  }
  params.push(f.limit + 1);
  const rows = await db.query<LogRow>(
    `select ${LOG_RECORD_COLUMNS} from ${LOG_RECORD_FROM}
      where ${where.join(' and ')}
      order by l.activity_date desc, l.id desc
      limit $${params.length}`,
    params,
  );
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(rowToRecord),
    nextCursor:
      rows.length > f.limit && last
        ? encodeReviewCursor({ d: last.activity_date, id: last.id })
        : null,
  };
}

/** One live log within the reviewer's scope, or null. */
export async function readForReview(
  db: Queryable,
  user: SessionUser,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<LogRow | null> {
  if (!UUID_PATTERN.test(id)) return null;
  const params: unknown[] = [id];
  const scope = reviewScope(user, params);
  const rows = await db.query<LogRow>(
    `select ${LOG_RECORD_COLUMNS} from ${LOG_RECORD_FROM}
      where l.id = $1 and ${scope} and l.deleted_at is null
      ${options.forUpdate ? 'for update of l' : ''}`,
    params,
  );
  return rows[0] ?? null;
}

export type DecisionOutcome =
  | { kind: 'ok'; log: LogRecord }
  | { kind: 'not_found' }
  | { kind: 'version_mismatch'; log: LogRecord }
  | { kind: 'invalid_transition'; log: LogRecord };

/**
 * Applies an approve / return decision bound to the version the coordinator saw.
 * Bumps the commune clock so the author pulls the decision.
 */
export async function decideReview(
  db: Db,
  user: SessionUser,
  id: string,
  d: ReviewDecision,
  now: Date,
): Promise<DecisionOutcome> {
  return db.transaction(async (tx) => {
    const row = await readForReview(tx, user, id, { forUpdate: true });
    if (!row) return { kind: 'not_found' };
    const current = rowToRecord(row);
    const a = decideReviewAction({
      status: current.status,
      deleted: current.deleted,
      version: current.version,
      expectedVersion: d.expectedVersion,
      decision: d.decision,
    });
    if (a.action === 'not_found') return { kind: 'not_found' };
    if (a.action === 'version_mismatch') return { kind: 'version_mismatch', log: current };
    if (a.action === 'invalid_transition') return { kind: 'invalid_transition', log: current };
    if (a.action === 'unchanged') return { kind: 'ok', log: current };
    const version = current.version + 1;
    const comment = d.comment.length > 0 ? d.comment : null;
    await tx.query(
      `update activity_log set status = $2, review_comment = $3, reviewed_by = $4,
         reviewed_at = $5::timestamptz, version = $6, updated_at = $5::timestamptz
       where id = $1`,
      [id, a.status, comment, user.id, now.toISOString(), version],
    );
    await insertRevision(tx, {
      logId: id,
      version,
      communeId: user.communeId,
      actorId: user.id,
      clientId: null,
      mutationId: null,
      kind: 'review',
      changedFields: ['status', 'reviewComment'],
      snapshot: rowToContent(row),
      at: now,
    });
    const updated = rowToRecord((await readForReview(tx, user, id))!);
    await recordAudit(tx, {
      communeId: user.communeId,
      actorId: user.id,
      action: a.status === 'approved' ? 'log.approve' : 'log.return',
      targetType: 'log',
      targetId: id,
      ...(comment ? { detail: { comment } } : {}),
      at: now,
    });
    await bumpClockAndStamp(tx, user.communeId, id);
    return { kind: 'ok', log: updated };
  });
}

interface AmendmentRow {
  id: string;
  mutation_id: string;
  local_payload: string;
  state: 'open' | 'accepted' | 'declined';
  created_at: Date | string;
  [key: string]: unknown;
}

interface StoredAmendmentPayload {
  name: 'log.update' | 'log.delete' | 'log.create';
  baseVersion: number | null;
  content: LogContent | null;
}

function toAmendment(r: AmendmentRow): Amendment {
  const p = JSON.parse(r.local_payload) as StoredAmendmentPayload;
  return {
    id: r.id,
    kind: p.name === 'log.delete' ? 'delete' : 'edit',
    localPayload: p.name === 'log.delete' ? null : p.content,
    baseVersion: p.baseVersion,
    mutationId: r.mutation_id,
    createdAt: (r.created_at instanceof Date ? r.created_at : new Date(r.created_at)).toISOString(),
  };
}

const AMENDMENT_COLUMNS =
  'id, mutation_id, local_payload::text as local_payload, state, created_at';

/** The open amendment requests of a log (checked to be in the coordinator's commune), oldest first. */
export async function openAmendments(db: Queryable, logId: string): Promise<Amendment[]> {
  const rows = await db.query<AmendmentRow>(
    `select ${AMENDMENT_COLUMNS} from sync_conflict
      where log_id = $1 and kind = 'amendment' and state = 'open'
      order by created_at, id`,
    [logId],
  );
  return rows.map(toAmendment);
}

export type AmendmentOutcome =
  | { kind: 'ok'; log: LogRecord; amendments: Amendment[] }
  | { kind: 'not_found' }
  | { kind: 'version_mismatch' | 'already_resolved'; log: LogRecord; amendments: Amendment[] }
  | { kind: 'invalid_amendment'; log: LogRecord; amendments: Amendment[] };

/**
 * Accepts or declines an amendment request (SYNC.md §3.5, last row), bound to
 * the log version the coordinator saw. Accept applies the requested content
 * (or the delete): version+1, revision `amendment_accept`, the log stays
 * approved and the approval now names this coordinator. Decline changes no
 * content: version+1 with a review revision, the request kept as declined.
 * Both bump the commune clock, so the author pulls the log and its
 * `amendments` states. Accepting a delete declines the log's other open requests.
 */
export async function decideAmendment(
  db: Db,
  user: SessionUser,
  logId: string,
  amendmentId: string,
  d: AmendmentDecision,
  now: Date,
): Promise<AmendmentOutcome> {
  if (!UUID_PATTERN.test(amendmentId)) return { kind: 'not_found' };
  return db.transaction(async (tx) => {
    const row = await readForReview(tx, user, logId, { forUpdate: true });
    if (!row) return { kind: 'not_found' };
    const found = await tx.query<AmendmentRow>(
      `select ${AMENDMENT_COLUMNS} from sync_conflict
        where id = $1 and log_id = $2 and kind = 'amendment' for update`,
      [amendmentId, logId],
    );
    const a = found[0];
    if (!a) return { kind: 'not_found' };
    const current = rowToRecord(row);
    const answer = async <K extends AmendmentOutcome['kind']>(kind: K) => ({
      kind,
      log: current,
      amendments: await openAmendments(tx, logId),
    });
    if (current.version !== d.expectedVersion) return answer('version_mismatch');
    if (a.state !== 'open') return answer('already_resolved');

    const version = current.version + 1;
    const nowIso = now.toISOString();
    const stored = JSON.parse(a.local_payload) as StoredAmendmentPayload;
    const isDelete = stored.name === 'log.delete';
    let snapshot = rowToContent(row);
    if (d.decision === 'accept' && isDelete) {
      await tx.query(
        `update activity_log set deleted_at = $2::timestamptz, version = $3, updated_at = $2::timestamptz
         where id = $1`,
        [logId, nowIso, version],
      );
      await tx.query('delete from follow_up_contact where log_id = $1', [logId]);
      // The log is gone: the other requests about it are moot.
      await tx.query(
        `update sync_conflict set state = 'declined', resolved_by = $3, resolved_at = $4::timestamptz
          where log_id = $1 and kind = 'amendment' and state = 'open' and id <> $2`,
        [logId, amendmentId, user.id, nowIso],
      );
    } else if (d.decision === 'accept') {
      const parsed = v.safeParse(logContentSchema, stored.content);
      if (!parsed.success || parsed.output.communeId !== row.commune_id) {
        return answer('invalid_amendment');
      }
      snapshot = parsed.output;
      const sets = LOG_CONTENT_COLUMNS.map((col, i) => `${col} = ${contentPlaceholders(2)[i]}`);
      await tx.query(
        `update activity_log set ${sets.join(', ')}, version = $${AFTER_UPDATE},
           updated_at = $${AFTER_UPDATE + 1}::timestamptz,
           reviewed_by = $${AFTER_UPDATE + 2}, reviewed_at = $${AFTER_UPDATE + 1}::timestamptz
         where id = $1`,
        [logId, ...contentParams(snapshot), version, nowIso, user.id],
      );
    } else {
      await tx.query(
        `update activity_log set version = $2, updated_at = $3::timestamptz where id = $1`,
        [logId, version, nowIso],
      );
    }
    await tx.query(
      `update sync_conflict set state = $2, resolved_by = $3, resolved_at = $4::timestamptz
        where id = $1`,
      [amendmentId, d.decision === 'accept' ? 'accepted' : 'declined', user.id, nowIso],
    );
    await insertRevision(tx, {
      logId,
      version,
      communeId: user.communeId,
      actorId: user.id,
      clientId: null,
      mutationId: null,
      kind: d.decision === 'accept' ? 'amendment_accept' : 'review',
      changedFields:
        d.decision === 'decline'
          ? ['amendment']
          : isDelete
            ? ['deleted']
            : changedFields(rowToContent(row), snapshot),
      snapshot,
      at: now,
    });
    const updated = rowToRecord((await readLogRow(tx, logId))!);
    await recordAudit(tx, {
      communeId: user.communeId,
      actorId: user.id,
      action: d.decision === 'accept' ? 'amendment.accept' : 'amendment.decline',
      targetType: 'log',
      targetId: logId,
      at: now,
    });
    await bumpClockAndStamp(tx, user.communeId, logId);
    return { kind: 'ok', log: updated, amendments: await openAmendments(tx, logId) };
  });
}

/**
 * A log's versions for the reviewer, oldest first, and the content as it was
 * last reviewed when the volunteer changed it afterwards.
 */
export async function reviewHistory(
  db: Queryable,
  logId: string,
): Promise<Pick<ReviewDetail, 'history' | 'reviewed'>> {
  const rows = await db.query<{
    version: number | string;
    kind: 'content' | 'review' | 'delete' | 'amendment_accept';
    at: Date | string;
    actor_name: string | null;
    changed_fields: string[] | null;
    snapshot: unknown;
  }>(
    `select r.version, r.kind, r.at, u.display_name as actor_name, r.changed_fields, r.snapshot
       from activity_log_revision r left join app_user u on u.id = r.actor_id
      where r.log_id = $1 order by r.version`,
    [logId],
  );
  const history = rows.map((r) => ({
    version: Number(r.version),
    kind: r.kind,
    at: new Date(r.at).toISOString(),
    actorName: r.actor_name,
    changedFields: r.changed_fields ?? [],
  }));
  const lastReview = rows.map((r) => r.kind).lastIndexOf('review');
  const changedSince =
    lastReview >= 0 && rows.slice(lastReview + 1).some((r) => r.kind === 'content');
  if (!changedSince) return { history };
  const r = rows[lastReview]!;
  const snap = typeof r.snapshot === 'string' ? (JSON.parse(r.snapshot) as unknown) : r.snapshot;
  const parsed = v.safeParse(logContentSchema, snap);
  if (!parsed.success) return { history };
  return {
    history,
    reviewed: {
      version: Number(r.version),
      at: new Date(r.at).toISOString(),
      content: parsed.output,
    },
  };
}
