/**
 * The outbox: queued mutations in client-sequence order, and what happens to
 * them when the server answers (SYNC.md §3.3). Owns: `peekOutbox`,
 * `takeOutboxBatch`, `markOutboxError`, `applyPushResults` (the counts are in summary.ts).
 *
 * Rules:
 * - An entry leaves the outbox only when the server answered it (any status).
 *   Transport failures leave it queued, so delivery is at-least-once and the
 *   server's dedupe by mutation id makes it effectively once.
 * - A batch is the oldest entries, cut short before an update/delete whose
 *   `baseVersion` is still null while its entity's create is in the same batch:
 *   that entry waits for the create's acknowledgement, which fills it in.
 * - Acknowledgements are written in ONE strict transaction.
 */
import type { PushResponse, MutationResult } from '../shared/protocol.ts';
import type { UserDb } from './db.ts';
import { uuidv7 } from '../shared/ids.ts';
import { newEntry } from './entries.ts';
import { contentOf, reviewOf } from './records.ts';
import { noteServerEpoch } from './repush.ts';
import type { AttentionItem, LocalLog, OutboxEntry, SyncState } from './types.ts';

function ignore(): void {}

/** The longest prefix of `entries` (seq order) that may travel in one push. */
function selectBatch(entries: OutboxEntry[], limit: number): OutboxEntry[] {
  const createsInBatch = new Set<string>();
  const out: OutboxEntry[] = [];
  for (const e of entries) {
    if (out.length >= limit) break;
    if (e.name !== 'log.create' && e.baseVersion === null && createsInBatch.has(e.entityId)) break;
    if (e.name === 'log.create') createsInBatch.add(e.entityId);
    out.push(e);
  }
  return out;
}

/** The next batch to push, oldest first, without marking it (read-only; for status and tests). */
export async function peekOutbox(db: UserDb, limit: number): Promise<OutboxEntry[]> {
  return selectBatch(await db.getAll('outbox', null, limit), limit);
}

/**
 * The next batch to push, oldest first, with `attempts` incremented in the
 * same transaction. From then on `saveLog` treats these entries as possibly
 * seen by the server and never rewrites them. The sync engine uses this.
 */
export async function takeOutboxBatch(db: UserDb, limit: number): Promise<OutboxEntry[]> {
  const tx = db.transaction('outbox', 'readwrite', { durability: 'strict' });
  void tx.done.catch(ignore);
  const batch = selectBatch(await tx.store.getAll(null, limit), limit);
  const marked = batch.map((e) => ({ ...e, attempts: e.attempts + 1 }));
  // All the puts at once: awaiting each costs a round trip per entry (a push takes up to 500).
  await Promise.all(marked.map((e) => tx.store.put(e)));
  await tx.done;
  return marked;
}

/** Notes a transport failure on entries that are still queued (diagnostics only). */
export async function markOutboxError(
  db: UserDb,
  entries: readonly OutboxEntry[],
  message: string,
): Promise<void> {
  const tx = db.transaction('outbox', 'readwrite');
  void tx.done.catch(ignore);
  for (const e of entries) {
    const stored = await tx.store.get(e.seq);
    if (stored && stored.mutationId === e.mutationId) {
      await tx.store.put({ ...stored, lastError: message });
    }
  }
  await tx.done;
}

export interface PushApplySummary {
  /** Entries removed from the outbox (answered with any status). */
  acknowledged: number;
  /** Answers that were `conflict`/`rejected` and were copied to `attention`. */
  attention: number;
  /** The server's epoch differed from the one this device knew (a restore; see repush.ts). */
  epochChanged: boolean;
  /** Updates queued again without their base after that restore refused the base. */
  requeued: number;
}

/** A `rejected: invalid` answer that blames only the update's `baseVersion`. */
function staleBase(entry: OutboxEntry, result: MutationResult): boolean {
  return (
    entry.name === 'log.update' &&
    result.status === 'rejected' &&
    result.reason === 'invalid' &&
    (result.problems ?? []).length > 0 &&
    (result.problems ?? []).every((p) => p.field === 'baseVersion')
  );
}

function flagFor(result: MutationResult): SyncState {
  if (result.status === 'rejected') return 'rejected';
  return result.reason === 'approved_locked' ? 'amendment' : 'conflict';
}

/**
 * Applies a push answer: in ONE strict transaction, removes every answered
 * entry of `sent` from the outbox and updates its log.
 * - `applied`/`duplicate`: the log takes the server version and review fields
 *   (and the server's content when no later local change is queued) and becomes
 *   `synced` unless newer entries for it remain.
 * - `conflict`/`rejected`: the local change is copied to `attention` with the
 *   server's record; the log is flagged `conflict`/`rejected`/`amendment`
 *   (approved_locked) with its `problem`, and keeps its local content — except
 *   that a refused delete shows the server's log again, and an edit of a log
 *   deleted on the server leaves the tombstone (delete wins).
 * - A `log.delete` answered `not_found` for a log the server never had (or
 *   lost in a restore) is a success.
 * - A new server epoch (a restore) starts the re-push check first (repush.ts).
 * Also records `lastPushOkAt` and `serverEpoch`. Results for entries not in
 * `sent`, or already removed, are ignored (idempotent).
 */
export async function applyPushResults(
  db: UserDb,
  sent: readonly OutboxEntry[],
  response: PushResponse,
  opts: { now?: number } = {},
): Promise<PushApplySummary> {
  const now = opts.now ?? Date.now();
  const byMutation = new Map(sent.map((e) => [e.mutationId, e]));
  const summary: PushApplySummary = {
    acknowledged: 0,
    attention: 0,
    epochChanged: false,
    requeued: 0,
  };

  const tx = db.transaction(['logs', 'outbox', 'attention', 'meta'], 'readwrite', {
    durability: 'strict',
  });
  void tx.done.catch(ignore);
  const logs = tx.objectStore('logs');
  const outbox = tx.objectStore('outbox');
  const attention = tx.objectStore('attention');
  const meta = tx.objectStore('meta');
  // A restored server first (its versions replace what the device knew), then its answers.
  const epoch = await noteServerEpoch({ logs, outbox, meta }, response.serverEpoch, now);
  summary.epochChanged = epoch >= 0;

  /** One answer; every request in this transaction, none awaited elsewhere (pitfall 1). */
  const applyOne = async (result: MutationResult, entry: OutboxEntry): Promise<void> => {
    const stored = await outbox.get(entry.seq);
    if (!stored || stored.mutationId !== entry.mutationId) return; // answered before
    await outbox.delete(entry.seq);
    summary.acknowledged++;

    const remaining = await outbox.index('byEntity').getAll(entry.entityId);
    const prev = await logs.get(entry.entityId);
    if (!prev) return;
    const log: LocalLog = { ...prev };
    const record = result.record;
    const fresher = record !== undefined && record.version >= (log.serverVersion ?? 0);
    if (fresher) {
      log.serverVersion = record.version;
      Object.assign(log, reviewOf(record));
    }

    // The restored server never had the version this update was based on (the
    // batch left before the device knew of the restore): send it again without a
    // base, unless a later queued change of the log supersedes it. Same payload,
    // same hash, a new mutation id (the old one is answered for good).
    if (summary.epochChanged && staleBase(entry, result)) {
      if (remaining.length === 0) {
        await outbox.add(newEntry({ ...entry, mutationId: uuidv7(now), baseVersion: null }));
        summary.requeued++;
      }
      log.updatedAtDevice = now;
      await logs.put(log);
      return;
    }

    const neverOnServer =
      entry.name === 'log.delete' &&
      result.status === 'rejected' &&
      result.reason === 'not_found' &&
      log.serverVersion === null;

    if (result.status === 'applied' || result.status === 'duplicate' || neverOnServer) {
      if (result.serverVersion !== undefined && result.serverVersion > (log.serverVersion ?? 0)) {
        log.serverVersion = result.serverVersion;
      }
      if (remaining.length === 0) {
        log.syncState = 'synced';
        delete log.problem;
        delete log.repushCheck;
        // Nothing of ours is pending: the server's record is the truth, tombstone included.
        if (fresher) {
          Object.assign(log, contentOf(record));
          log.deleted = record.deleted;
        }
        log.ackedAt = now; // the server holds exactly this content now
      }
    } else {
      const item: AttentionItem = {
        mutationId: entry.mutationId,
        entityId: entry.entityId,
        name: entry.name,
        status: result.status,
        reason: result.reason ?? null,
        problems: result.problems ?? [],
        baseVersion: entry.baseVersion,
        localPayload: entry.payload,
        serverRecord: record ?? null,
        createdAtDevice: entry.createdAtDevice,
        receivedAt: now,
      };
      await attention.put(item);
      summary.attention++;
      log.problem = { reason: result.reason ?? 'invalid' };
      if (result.problems) log.problem.problems = result.problems;
      if (remaining.length === 0) {
        log.syncState = flagFor(result);
        delete log.ackedAt; // the local content is not what the server holds
      }
      // A refused delete of a log that still exists on the server: show it again.
      if (entry.name === 'log.delete' && fresher && !record.deleted && remaining.length === 0) {
        Object.assign(log, contentOf(record));
        log.deleted = false;
      }
      // An edit of a log deleted meanwhile (another device): delete wins (SYNC.md
      // §3.5). The log becomes the tombstone; the edit waits in attention.
      if (entry.name !== 'log.delete' && fresher && record.deleted && remaining.length === 0) {
        Object.assign(log, contentOf(record));
        log.deleted = true;
      }
    }
    log.updatedAtDevice = now;
    await logs.put(log);

    // Entries held back behind this create (baseVersion null) can now be completed.
    if (log.serverVersion !== null) {
      for (const e of remaining) {
        if (e.name !== 'log.create' && e.baseVersion === null) {
          await outbox.put({ ...e, baseVersion: log.serverVersion });
        }
      }
    } else if (!remaining.some((e) => e.name === 'log.create')) {
      // The create never reached the server: the first held-back edit becomes the create.
      const firstEdit = remaining.find((e) => e.name === 'log.update');
      if (firstEdit) await outbox.put({ ...firstEdit, name: 'log.create' });
    }
  };

  // Answers about different logs touch different rows (the log, its outbox
  // entries, its attention items), so they run side by side and IndexedDB
  // serves their requests together; answers about one log run in order.
  // Awaiting every request one by one cost a round trip each, 5 per answer.
  const byEntity = new Map<string, [MutationResult, OutboxEntry][]>();
  for (const result of response.results) {
    const entry = byMutation.get(result.mutationId);
    if (!entry) continue;
    const list = byEntity.get(entry.entityId) ?? [];
    list.push([result, entry]);
    byEntity.set(entry.entityId, list);
  }
  await Promise.all(
    [...byEntity.values()].map(async (answers) => {
      for (const [result, entry] of answers) await applyOne(result, entry);
    }),
  );

  await meta.put({ key: 'lastPushOkAt', value: now });
  await tx.done;
  return summary;
}
