/**
 * POST /api/sync/push, the algorithm of SYNC.md §3.3, with one change: a
 * push's mutations run in one transaction rather than one each (a tenth of
 * the statements; docs/ARCHITECTURE.md "One transaction per push"). Each
 * dedupe record commits together with its effect, and permanent problems
 * (invalid, forbidden, conflicts) are committed as results, never thrown, so
 * one poison mutation cannot block a client's queue.
 */
import { decideMutation, changedFields, mergeOutcome } from '../../domain/conflict.ts';
import type { FieldProblem } from '../../shared/validation.ts';
import {
  PAYLOAD_SCHEMA,
  type Mutation,
  type MutationResult,
  type PushReason,
  type PushRequest,
} from '../../shared/protocol.ts';
import { canonicalJson } from '../../shared/hash.ts';
import { parseLogPayload } from '../../shared/payload.ts';
import { bandTotal, type LogContent, type LogRecord } from '../../shared/schemas/log.ts';
import type { SessionUser } from '../auth/session.ts';
import type { Curriculum } from '../curriculum.ts';
import { transactionWithRetry, type Db, type Queryable } from '../db/index.ts';
import type { Faults } from '../fault.ts';
import { issuesToProblems } from '../http/problems.ts';
import { findBadText } from '../http/text.ts';
import {
  contentParams,
  contentPlaceholders,
  LOG_CONTENT_COLUMNS,
  AFTER_UPDATE,
  contentColumns,
  insertLogs,
  readLogRow,
  readLogRows,
  type NewLogRow,
  rowToContent,
  rowToRecord,
  type LogRow,
} from './record.ts';
import { bumpClockAndStampMany, insertRevisions, type RevisionInput } from './write.ts';

export interface PushDeps {
  db: Db;
  curriculum: Curriculum;
  now: () => Date;
  /** Crash-test hooks (fault.ts): before_tx, before_clock, after_write_before_commit. */
  faults?: Faults;
}

export type PushOutcome =
  | { kind: 'ok'; results: MutationResult[] }
  | { kind: 'seq_gap'; expectedSeq: number; results: MutationResult[] }
  /** The client id is bound to another user. */
  | { kind: 'client_forbidden' };

type StepOutcome = { result: MutationResult } | { gap: number };

/** What processed_mutation.result holds (the record is re-read on replay). */
interface StoredResult {
  status: MutationResult['status'];
  reason?: PushReason;
  serverVersion?: number;
  problems?: FieldProblem[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Vietnam is UTC+7 all year (no daylight saving). */
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

/** The latest activity date accepted: the server's today in Vietnam, plus one day of slack. */
export function latestActivityDate(now: Date): string {
  return new Date(now.getTime() + VIETNAM_OFFSET_MS + DAY_MS).toISOString().slice(0, 10);
}

/** The device time as a timestamp, or null when it is not a plausible one (untrusted). */
function deviceTime(ms: number): string | null {
  if (!Number.isFinite(ms)) return null;
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  return y >= 2000 && y <= 2200 ? d.toISOString() : null;
}

/**
 * Applies a push for `user` (a volunteer).
 * @returns per-mutation results, or the gap / binding failure that stops the batch
 */
export async function processPush(
  deps: PushDeps,
  user: SessionUser,
  req: PushRequest,
): Promise<PushOutcome> {
  const ordered = [...req.mutations].sort((a, b) => a.seq - b.seq);
  // 1. Bind the client id to its first user; a rebind is refused. A client
  // seen for the first time starts where its batch starts: its earlier entries
  // were acknowledged by a server that no longer has them (a wiped data
  // folder), and a permanent seq_gap would stop that phone forever.
  const firstSeq = ordered[0]?.seq ?? 1;
  const bound = await deps.db.transaction(async (tx) => {
    await tx.query(
      `insert into sync_client (client_id, user_id, last_seq) values ($1, $2, $3)
       on conflict (client_id) do nothing`,
      [req.clientId, user.id, firstSeq - 1],
    );
    const rows = await tx.query<{ user_id: string }>(
      'select user_id from sync_client where client_id = $1',
      [req.clientId],
    );
    return rows[0]?.user_id;
  });
  if (bound !== user.id) return { kind: 'client_forbidden' };

  // 2. The whole batch in one transaction (docs/ARCHITECTURE.md, "One
  // transaction per push"): it commits entirely or not at all, and a retry
  // after a lost race starts it again from the top.
  await deps.faults?.at('before_tx');
  return transactionWithRetry(deps.db, async (tx): Promise<PushOutcome> => {
    const batch = await Batch.open(tx, user, req.clientId, ordered);
    const results: MutationResult[] = [];
    let gap: number | null = null;
    for (const m of ordered) {
      const step = await processMutation(deps, tx, batch, user, req.clientId, m);
      if ('gap' in step) {
        gap = step.gap;
        break;
      }
      results.push(step.result);
    }
    await batch.finish(tx, deps.now(), deps.faults);
    await deps.faults?.at('after_write_before_commit');
    return gap === null ? { kind: 'ok', results } : { kind: 'seq_gap', expectedSeq: gap, results };
  });
}

interface Prior {
  payloadHash: string;
  result: StoredResult;
  userId: string;
}

interface ProcessedRow {
  mutation_id: string;
  client_id: string;
  seq: number;
  log_id: string | null;
  payload_hash: string;
  status: 'applied' | 'conflict' | 'rejected';
  result: StoredResult;
  processed_at: string;
}

/** PostgreSQL prints a uuid in lower case; the protocol accepts either case. */
const key = (uuid: string) => uuid.toLowerCase();

/**
 * What one push's transaction has read and has yet to write. The logs the
 * batch names are read and locked by one statement, its dedupe records by
 * another; the dedupe records, revisions and client sequence are written by
 * one statement each at the end, and the commune clock last (SYNC.md §3.3
 * step 5), so each mutation costs about one statement of its own. Its maps
 * are keyed by the lower-case uuid, as the database returns them.
 */
class Batch {
  private readonly stale = new Set<string>();
  private readonly awaitingRecord = new Map<string, MutationResult[]>();
  private hamletIds: Set<string> | null = null;
  private readonly processed: ProcessedRow[] = [];
  /** New logs not written yet, by id. */
  private readonly inserts = new Map<string, NewLogRow>();
  private readonly revisions: RevisionInput[] = [];
  /** Logs written by this batch, to be stamped from the commune clock. */
  private readonly touched = new Set<string>();
  private seqAdvanced = false;

  private constructor(
    private readonly user: SessionUser,
    private readonly clientId: string,
    /** The client's last accepted seq, as this batch moves it. */
    public lastSeq: number,
    private readonly priors: Map<string, Prior>,
    private readonly rows: Map<string, LogRow | null>,
  ) {}

  /** Locks the client (serialising its concurrent pushes), its dedupe records and the logs named. */
  static async open(
    tx: Queryable,
    user: SessionUser,
    clientId: string,
    mutations: readonly Mutation[],
  ): Promise<Batch> {
    const clients = await tx.query<{ last_seq: number | string }>(
      'select last_seq from sync_client where client_id = $1 for update',
      [clientId],
    );
    const priorRows = await tx.query<{
      mutation_id: string;
      payload_hash: string;
      result: StoredResult | string;
      user_id: string;
    }>(
      `select pm.mutation_id, pm.payload_hash, pm.result, sc.user_id
         from processed_mutation pm join sync_client sc on sc.client_id = pm.client_id
        where pm.mutation_id = any($1::uuid[])`,
      [[...new Set(mutations.map((m) => key(m.mutationId)))]],
    );
    const priors = new Map<string, Prior>(
      priorRows.map((p) => [
        p.mutation_id,
        {
          payloadHash: p.payload_hash,
          result: (typeof p.result === 'string' ? JSON.parse(p.result) : p.result) as StoredResult,
          userId: p.user_id,
        },
      ]),
    );
    const entityIds = [...new Set(mutations.map((m) => key(m.entityId)))];
    // In id order, so two batches naming the same logs lock them in the same order.
    const logRows = await readLogRows(tx, entityIds, { forUpdate: true });
    const rows = new Map<string, LogRow | null>(entityIds.map((id) => [id, null]));
    for (const r of logRows) rows.set(r.id, r);
    return new Batch(user, clientId, Number(clients[0]?.last_seq ?? 0), priors, rows);
  }

  prior(mutationId: string): Prior | undefined {
    return this.priors.get(key(mutationId));
  }

  /** Moves the client's sequence past `seq` when it is the next one. */
  advanceSeq(seq: number): void {
    if (seq === this.lastSeq + 1) this.lastSeq = seq;
    this.seqAdvanced = true;
  }

  /** The log as this batch has left it so far (locked), or null when there is none. */
  async row(tx: Queryable, uuid: string): Promise<LogRow | null> {
    const id = key(uuid);
    if (this.inserts.has(id)) await this.flushInserts(tx);
    if (!this.stale.has(id) && this.rows.has(id)) return this.rows.get(id)!;
    this.settle(id, await readLogRow(tx, id, { forUpdate: true }));
    return this.rows.get(id)!;
  }

  /** The record of a log of this user, as this batch has left it so far. */
  async recordFor(tx: Queryable, id: string): Promise<LogRecord | undefined> {
    const row = await this.row(tx, id);
    return row && row.author_id === this.user.id ? rowToRecord(row) : undefined;
  }

  async hamletInCommune(tx: Queryable, hamletId: string): Promise<boolean> {
    if (this.hamletIds === null) {
      const rows = await tx.query<{ id: string }>('select id from hamlet where commune_id = $1', [
        this.user.communeId,
      ]);
      this.hamletIds = new Set(rows.map((r) => r.id));
    }
    return this.hamletIds.has(hamletId);
  }

  /** The dedupe record of `m`, written with the batch (or before a conflict that refers to it). */
  store(m: Mutation, stored: StoredResult, logId: string | null, now: Date): void {
    this.processed.push({
      mutation_id: m.mutationId,
      client_id: this.clientId,
      seq: m.seq,
      log_id: logId,
      payload_hash: m.payloadHash,
      status: stored.status === 'duplicate' ? 'applied' : stored.status,
      result: stored,
      processed_at: now.toISOString(),
    });
    this.priors.set(key(m.mutationId), {
      payloadHash: m.payloadHash,
      result: stored,
      userId: this.user.id,
    });
    this.advanceSeq(m.seq);
  }

  /**
   * `result` gets the log's record as it is after this mutation: read when the
   * batch next needs the log, or at the end. `written`: the row changed, so it
   * takes a new number from the commune clock.
   */
  awaitRecord(uuid: string, result: MutationResult, written: boolean): void {
    const id = key(uuid);
    this.stale.add(id);
    if (written) this.touched.add(id);
    const waiting = this.awaitingRecord.get(id);
    if (waiting) waiting.push(result);
    else this.awaitingRecord.set(id, [result]);
  }

  revision(r: RevisionInput): void {
    this.revisions.push(r);
  }

  /** Writes the dedupe records so far (a sync_conflict row refers to its mutation's). */
  async flushProcessed(tx: Queryable): Promise<void> {
    if (this.processed.length === 0) return;
    await tx.query(
      `insert into processed_mutation
         (mutation_id, client_id, seq, log_id, payload_hash, status, result, processed_at)
       select r.mutation_id, r.client_id, r.seq, r.log_id, r.payload_hash, r.status, r.result, r.processed_at
         from jsonb_to_recordset($1::text::jsonb) as r(mutation_id uuid, client_id uuid, seq bigint,
           log_id uuid, payload_hash text, status text, result jsonb, processed_at timestamptz)`,
      [JSON.stringify(this.processed)],
    );
    this.processed.length = 0;
  }

  /** Everything the batch has yet to write; the commune clock is the last statement. */
  /** A new log, written with the others (or before the batch next reads it). */
  insertLater(uuid: string, row: NewLogRow): void {
    this.inserts.set(key(uuid), row);
  }

  private async flushInserts(tx: Queryable): Promise<void> {
    if (this.inserts.size === 0) return;
    await insertLogs(tx, [...this.inserts.values()]);
    this.inserts.clear();
  }

  async finish(tx: Queryable, now: Date, faults: Faults | undefined): Promise<void> {
    await this.flushInserts(tx);
    if (this.stale.size > 0) {
      for (const row of await readLogRows(tx, [...this.stale])) this.settle(row.id, row);
    }
    await this.flushProcessed(tx);
    await insertRevisions(tx, this.revisions);
    if (this.seqAdvanced) {
      await tx.query(
        `update sync_client set last_seq = greatest(last_seq, $2::bigint), last_push_at = $3::timestamptz
         where client_id = $1`,
        [this.clientId, this.lastSeq, now.toISOString()],
      );
    }
    if (this.touched.size > 0) {
      await faults?.at('before_clock');
      await bumpClockAndStampMany(tx, this.user.communeId, [...this.touched]);
    }
  }

  private settle(id: string, row: LogRow | null): void {
    this.rows.set(id, row);
    this.stale.delete(id);
    const waiting = this.awaitingRecord.get(id);
    if (waiting && row) for (const r of waiting) r.record = rowToRecord(row);
    this.awaitingRecord.delete(id);
  }
}

function toResult(mutationId: string, stored: StoredResult, record?: LogRecord): MutationResult {
  const r: MutationResult = { mutationId, status: stored.status };
  if (stored.serverVersion !== undefined) r.serverVersion = stored.serverVersion;
  if (record !== undefined) r.record = record;
  if (stored.reason !== undefined) r.reason = stored.reason;
  if (stored.problems !== undefined) r.problems = stored.problems;
  return r;
}

/** Business rules beyond the schema: hamlet of the commune, curriculum ids and versions, date. */
async function checkContent(
  deps: PushDeps,
  tx: Queryable,
  batch: Batch,
  content: LogContent,
): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  // content.communeId is the user's (checked before): the batch knows its hamlets.
  if (!(await batch.hamletInCommune(tx, content.hamletId))) {
    problems.push({ field: 'hamletId', code: 'invalid' });
  }
  if (content.activityDate > latestActivityDate(deps.now())) {
    problems.push({ field: 'activityDate', code: 'futureDate' });
  }
  let unknownSkill = false;
  let futureVersion = false;
  content.skills.forEach((s, i) => {
    if (deps.curriculum.version(s.skillId) === undefined) {
      unknownSkill = true;
      return;
    }
    // The steps of the checklist version the session was started on.
    const steps = deps.curriculum.steps(s.skillId, s.contentVersion);
    if (steps === undefined) {
      // A checklist version the server has never published.
      futureVersion = true;
      return;
    }
    if (s.stepsDone.some((id) => !steps.has(id))) {
      problems.push({ field: `skills.${i}.stepsDone`, code: 'unknownStep' });
    }
  });
  if (unknownSkill) problems.unshift({ field: 'skills', code: 'unknownSkill' });
  else if (futureVersion) problems.unshift({ field: 'skills', code: 'invalid' });
  return problems;
}

async function processMutation(
  deps: PushDeps,
  tx: Queryable,
  batch: Batch,
  user: SessionUser,
  clientId: string,
  m: Mutation,
): Promise<StepOutcome> {
  const now = deps.now();
  const nowIso = now.toISOString();
  const lastSeq = batch.lastSeq;

  // 2. Dedupe by mutation id.
  const p = batch.prior(m.mutationId);
  if (p) {
    batch.advanceSeq(m.seq);
    if (p.userId !== user.id || p.payloadHash !== m.payloadHash) {
      // Stripe semantics: the stored effect stays untouched.
      return {
        result: { mutationId: m.mutationId, status: 'rejected', reason: 'idempotency_key_reuse' },
      };
    }
    const stored = p.result;
    // A lost answer to an applied mutation: now a duplicate. Conflicts and
    // rejections are answered as they were, so the client never mistakes them for success.
    const status =
      stored.status === 'applied' || stored.status === 'duplicate' ? 'duplicate' : stored.status;
    const record = await batch.recordFor(tx, m.entityId);
    return {
      result: toResult(
        m.mutationId,
        { ...stored, status, ...(record ? { serverVersion: record.version } : {}) },
        record,
      ),
    };
  }

  // 3. Sequence: a gap stops the batch; a reused number is a client bug.
  if (m.seq > lastSeq + 1) return { gap: lastSeq + 1 };
  if (m.seq <= lastSeq) {
    return {
      result: {
        mutationId: m.mutationId,
        status: 'rejected',
        reason: 'invalid',
        problems: [{ field: 'seq', code: 'invalid' }],
      },
    };
  }

  const store = (stored: StoredResult, logId: string | null) => batch.store(m, stored, logId, now);
  const reject = async (reason: PushReason, problems?: FieldProblem[]): Promise<StepOutcome> => {
    const stored: StoredResult = problems
      ? { status: 'rejected', reason, problems }
      : { status: 'rejected', reason };
    store(stored, null);
    const record = reason === 'forbidden' ? undefined : await batch.recordFor(tx, m.entityId);
    return { result: toResult(m.mutationId, stored, record) };
  };

  // Payload: validated per mutation (a bad one is rejected, the rest go on).
  // Text PostgreSQL cannot store is refused anywhere in it, unknown keys too.
  const badTextAt = findBadText(m.payload);
  if (badTextAt !== null) {
    return reject('invalid', [
      { field: badTextAt === '' ? 'payload' : badTextAt, code: 'invalid' },
    ]);
  }
  let content: LogContent | null = null;
  if (m.name !== 'log.delete') {
    // The current payload schema or the previous client's, upcast (SYNC.md §3.6).
    const parsed = parseLogPayload(m.payloadSchema, m.payload);
    if (parsed === null) return reject('invalid', [{ field: 'payloadSchema', code: 'invalid' }]);
    if (!parsed.success) return reject('invalid', issuesToProblems(parsed.issues));
    content = parsed.output;
    // 1. Tenant scope from the session, before anything that could leak.
    if (content.communeId !== user.communeId) return reject('forbidden');
    const problems = await checkContent(deps, tx, batch, content);
    if (problems.length > 0) return reject('invalid', problems);
  }

  // 4. The row (locked when the batch opened) and the conflict rule.
  const row = await batch.row(tx, m.entityId);
  const storedContent = row ? rowToContent(row) : null;
  if (content && storedContent && m.payloadSchema < PAYLOAD_SCHEMA) {
    content = keepNewerFields(content, storedContent);
  }
  let otherWriterSinceBase = false;
  if (
    row &&
    m.name === 'log.update' &&
    m.baseVersion !== null &&
    m.baseVersion < Number(row.version)
  ) {
    // Revisions this batch has yet to write are all this client's: they cannot
    // make another writer, so reading only the committed ones is exact.
    const others = await tx.query(
      `select 1 from activity_log_revision
        where log_id = $1 and version > $2 and kind = 'content' and client_id is distinct from $3::uuid
        limit 1`,
      [m.entityId, m.baseVersion, clientId],
    );
    otherWriterSinceBase = others.length > 0;
  }
  const decision = decideMutation({
    name: m.name,
    actorId: user.id,
    actorCommuneId: user.communeId,
    payloadCommuneId: content?.communeId ?? null,
    baseVersion: m.baseVersion,
    stored: row
      ? {
          authorId: row.author_id,
          communeId: row.commune_id,
          status: row.status,
          deleted: row.deleted_at !== null,
          version: Number(row.version),
        }
      : null,
    sameContent:
      content !== null &&
      storedContent !== null &&
      canonicalJson(content) === canonicalJson(storedContent),
    otherWriterSinceBase,
  });

  switch (decision.action) {
    case 'reject':
      if (decision.reason === 'invalid') return reject('invalid', [decision.problem]);
      return reject(decision.reason);

    case 'duplicate': {
      const stored: StoredResult = { status: 'duplicate', serverVersion: Number(row!.version) };
      store(stored, m.entityId);
      return { result: toResult(m.mutationId, stored, await batch.recordFor(tx, m.entityId)) };
    }

    case 'conflict': {
      const stored: StoredResult = {
        status: 'conflict',
        reason: decision.reason,
        serverVersion: Number(row!.version),
      };
      store(stored, m.entityId);
      await batch.flushProcessed(tx);
      await insertConflict(tx, user, m, decision.store, content, rowToRecord(row!), nowIso);
      // An amendment request is now in the record's `amendments`: read it again.
      const result = toResult(m.mutationId, stored);
      batch.awaitRecord(m.entityId, result, false);
      return { result };
    }

    case 'insert': {
      const c = content!;
      batch.insertLater(m.entityId, {
        ...contentColumns(c),
        id: m.entityId,
        commune_id: user.communeId,
        author_id: user.id,
        created_device_at: deviceTime(m.createdAtDevice),
        created_at: nowIso,
        last_mutation_id: m.mutationId,
      });
      return finishWrite(batch, user, clientId, m, {
        version: 1,
        kind: 'content',
        changed: changedFields(null, c),
        snapshot: c,
        stored: { status: 'applied', serverVersion: 1 },
        now,
      });
    }

    case 'apply':
    case 'merge': {
      let next = content!;
      let conflicts: string[] = [];
      if (decision.action === 'merge') {
        const base = await tx.query<{ snapshot: LogContent | string }>(
          'select snapshot from activity_log_revision where log_id = $1 and version = $2',
          [m.entityId, m.baseVersion],
        );
        const b = base[0];
        if (b) {
          const baseContent = (
            typeof b.snapshot === 'string' ? JSON.parse(b.snapshot) : b.snapshot
          ) as LogContent;
          const merged = mergeOutcome(baseContent, storedContent!, content!);
          conflicts = merged.conflicts;
          if (merged.write) next = merged.content;
          else {
            // Nothing of ours to write: each of our changes clashed, or the
            // server already has it. The row stays as it is.
            const stored: StoredResult =
              conflicts.length > 0
                ? {
                    status: 'conflict',
                    reason: 'field_conflict',
                    serverVersion: Number(row!.version),
                  }
                : { status: 'duplicate', serverVersion: Number(row!.version) };
            store(stored, m.entityId);
            if (conflicts.length > 0) {
              await batch.flushProcessed(tx);
              await insertConflict(
                tx,
                user,
                m,
                'field_conflict',
                content,
                rowToRecord(row!),
                nowIso,
              );
            }
            return { result: toResult(m.mutationId, stored, rowToRecord(row!)) };
          }
        }
      }
      const version = Number(row!.version) + 1;
      const sets = LOG_CONTENT_COLUMNS.map((col, i) => `${col} = ${contentPlaceholders(2)[i]}`);
      await tx.query(
        `update activity_log set ${sets.join(', ')}, status = 'submitted', version = $${AFTER_UPDATE},
           updated_at = $${AFTER_UPDATE + 1}::timestamptz, last_mutation_id = $${AFTER_UPDATE + 2}
         where id = $1`,
        [m.entityId, ...contentParams(next), version, nowIso, m.mutationId],
      );
      const stored: StoredResult =
        conflicts.length > 0
          ? { status: 'conflict', reason: 'field_conflict', serverVersion: version }
          : { status: 'applied', serverVersion: version };
      const outcome = finishWrite(batch, user, clientId, m, {
        version,
        kind: 'content',
        changed: changedFields(storedContent, next),
        snapshot: next,
        stored,
        now,
      });
      if (conflicts.length > 0) {
        await batch.flushProcessed(tx);
        await insertConflict(tx, user, m, 'field_conflict', content, rowToRecord(row!), nowIso);
      }
      return outcome;
    }

    case 'tombstone': {
      const version = Number(row!.version) + 1;
      await tx.query(
        `update activity_log set deleted_at = $2::timestamptz, version = $3, updated_at = $2::timestamptz,
           last_mutation_id = $4
         where id = $1`,
        [m.entityId, nowIso, version, m.mutationId],
      );
      // A deleted session takes its follow-up contact with it (docs/SECURITY.md).
      await tx.query('delete from follow_up_contact where log_id = $1', [m.entityId]);
      return finishWrite(batch, user, clientId, m, {
        version,
        kind: 'delete',
        changed: [],
        snapshot: storedContent!,
        stored: { status: 'applied', serverVersion: version },
        now,
      });
    }
  }
}

/** The revision and dedupe record of a write (SYNC.md §3.3 steps 4–6, written with the batch). */
function finishWrite(
  batch: Batch,
  user: SessionUser,
  clientId: string,
  m: Mutation,
  w: {
    version: number;
    kind: 'content' | 'delete';
    changed: readonly string[];
    snapshot: LogContent;
    stored: StoredResult;
    now: Date;
  },
): StepOutcome {
  batch.revision({
    logId: m.entityId,
    version: w.version,
    communeId: user.communeId,
    actorId: user.id,
    clientId,
    mutationId: m.mutationId,
    kind: w.kind,
    changedFields: w.changed,
    snapshot: w.snapshot,
    at: w.now,
  });
  batch.store(m, w.stored, m.entityId, w.now);
  const result = toResult(m.mutationId, w.stored);
  batch.awaitRecord(m.entityId, result, true);
  return { result };
}

async function insertConflict(
  tx: Queryable,
  user: SessionUser,
  m: Mutation,
  kind: 'field_conflict' | 'amendment' | 'deleted',
  content: LogContent | null,
  server: LogRecord,
  nowIso: string,
): Promise<void> {
  await tx.query(
    `insert into sync_conflict (id, log_id, commune_id, author_id, mutation_id, kind, local_payload, server_snapshot, created_at)
     values (gen_random_uuid(), $1, $2, $3, $4, $5, $6::text::jsonb, $7::text::jsonb, $8::timestamptz)`,
    [
      m.entityId,
      user.communeId,
      user.id,
      m.mutationId,
      kind,
      JSON.stringify({ name: m.name, baseVersion: m.baseVersion, content }),
      JSON.stringify(server),
      nowIso,
    ],
  );
}

/**
 * An edit from the previous client cannot carry the fields it does not know:
 * keep the stored `residents.women` (schema 2) unless the new age bands make
 * it impossible, rather than erase what a newer client recorded.
 */
function keepNewerFields(content: LogContent, stored: LogContent): LogContent {
  const women = stored.residents.women;
  if (women === undefined || content.residents.women !== undefined) return content;
  if (women > bandTotal(content.residents)) return content;
  return { ...content, residents: { ...content.residents, women } };
}
