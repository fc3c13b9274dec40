/**
 * Applying pulled pages (SYNC.md §3.4). Owns: `applyPullPage`.
 *
 * One transaction per page writes the rows AND the new checkpoint, so a
 * checkpoint never covers data that was not written (RxDB rule). Applying the
 * same page twice changes nothing: a change is applied only when its version
 * is newer than the local `serverVersion`.
 */
import { canonicalJson } from '../shared/hash.ts';
import type { PullChange, PullResponse } from '../shared/protocol.ts';
import type { UserDb } from './db.ts';
import { newEntry } from './entries.ts';
import { contentOf, localFromRecord, reviewOf } from './records.ts';
import { noteServerEpoch, prepareRepush, preparedFor } from './repush.ts';
import type { LocalLog } from './types.ts';

function ignore(): void {}

export interface PullApplySummary {
  /** Changes written to the device (newer than what it had). */
  applied: number;
  /** Synced logs removed because they left the user's scope (reset). */
  removed: number;
  /**
   * Logs queued again for a restored server (repush.ts): the server's epoch
   * changed and it lacked them or held older content. Push again.
   */
  requeued: number;
  /** The server's epoch differed from the one this device knew (a restore). */
  epochChanged: boolean;
}

export interface ApplyPullOptions {
  now?: number;
  /**
   * The signed-in user, stamped on entries queued for a restored server.
   * Without it, logs waiting for a re-push check stay flagged.
   */
  userId?: string;
}

/** A log without the re-push bookkeeping (it has been settled). */
function settled(log: LocalLog): LocalLog {
  const out = { ...log };
  delete out.repushCheck;
  return out;
}

/**
 * Writes one pull page and its checkpoint in one strict transaction.
 * - A new server epoch (a restore) starts the re-push check first (repush.ts).
 * - A change older than or equal to the local `serverVersion` is skipped.
 * - When the log has queued outbox entries, only the review fields and
 *   `serverVersion` are taken: the local content is kept and will be pushed.
 * - A log flagged `repushCheck` is settled: same content (or a tombstone) →
 *   taken; other content → ours is queued as an update on the server's version.
 *   On the last page (`hasMore: false`), flagged logs the server did not send
 *   are queued as updates with `baseVersion: null` (upserts).
 * - `reset`: synced logs whose commune is not in the new checkpoint are
 *   deleted first. The outbox and attention are never touched.
 * Also records `lastPullOkAt` and `serverEpoch`.
 */
export async function applyPullPage(
  db: UserDb,
  page: PullResponse,
  opts: ApplyPullOptions = {},
): Promise<PullApplySummary> {
  const now = opts.now ?? Date.now();
  const userId = opts.userId;
  const summary: PullApplySummary = { applied: 0, removed: 0, requeued: 0, epochChanged: false };
  // Ids and hashes for entries this page may queue: before the transaction (pitfall 1).
  const prepared = await prepareRepush(db, now);
  const tx = db.transaction(['logs', 'outbox', 'meta'], 'readwrite', { durability: 'strict' });
  void tx.done.catch(ignore);
  const logs = tx.objectStore('logs');
  const outbox = tx.objectStore('outbox');
  const meta = tx.objectStore('meta');
  const byEntity = outbox.index('byEntity');
  summary.epochChanged =
    (await noteServerEpoch({ logs, outbox, meta }, page.serverEpoch, now)) >= 0;

  /** Queues `log`'s content for the restored server, on `baseVersion`. */
  const requeue = async (log: LocalLog, baseVersion: number | null): Promise<boolean> => {
    const p = preparedFor(prepared, log);
    if (!p || userId === undefined) return false;
    await outbox.add(
      newEntry({
        mutationId: p.mutationId,
        userId,
        name: 'log.update',
        entityId: log.id,
        baseVersion,
        payload: contentOf(log),
        payloadHash: p.payloadHash,
        createdAtDevice: now,
      }),
    );
    const next = settled({ ...log, syncState: 'pending', updatedAtDevice: now });
    delete next.ackedAt;
    await logs.put(next);
    summary.requeued++;
    return true;
  };

  /** A pulled change for a log flagged `repushCheck` (and nothing queued). */
  const settleFlagged = async (local: LocalLog, change: PullChange): Promise<void> => {
    const record = { ...change.record, version: change.version };
    if (record.deleted || canonicalJson(contentOf(record)) === canonicalJson(contentOf(local))) {
      await logs.put(localFromRecord(record, local, now));
      return;
    }
    // The restored server holds older content: ours goes on top of its version.
    const withServer: LocalLog = { ...local, serverVersion: change.version, ...reviewOf(record) };
    if (!(await requeue(withServer, change.version))) await logs.put(withServer);
  };

  if (page.reset) {
    const scope = new Set(Object.keys(page.cp.perCommune));
    let cursor = await logs.index('bySyncState').openCursor('synced');
    while (cursor) {
      if (!scope.has(cursor.value.communeId)) {
        await cursor.delete();
        summary.removed++;
      }
      cursor = await cursor.continue();
    }
  }

  // Every read of the page at once, then the writes without waiting for each:
  // IndexedDB answers a transaction's requests in order, and awaiting them one
  // by one costs a round trip per row (PERFORMANCE.md G10: a 10,000-row pull
  // went from 55 s to a few at CPU 4×). An id seen twice in one page (the server
  // never sends that) is read again, after the earlier writes.
  const changes = page.changes;
  const [locals, queuedCounts] = await Promise.all([
    Promise.all(changes.map((c) => logs.get(c.id))),
    Promise.all(changes.map((c) => byEntity.count(c.id))),
  ]);
  const seen = new Set<string>();
  const writes: Promise<unknown>[] = [];
  /** A write awaited at the end; if the page fails first, its rejection is not reported twice. */
  const later = (w: Promise<unknown>) => {
    w.catch(ignore);
    writes.push(w);
  };
  for (const [i, change] of changes.entries()) {
    const again = seen.has(change.id);
    seen.add(change.id);
    if (again) await Promise.all(writes);
    const local = again ? await logs.get(change.id) : locals[i];
    if (local && local.serverVersion !== null && change.version <= local.serverVersion) continue;
    const queued = again ? await byEntity.count(change.id) : queuedCounts[i]!;
    if (local?.repushCheck && queued === 0) {
      await settleFlagged(local, change);
    } else if (local && queued > 0) {
      // Rebase: the coordinator owns review fields, the volunteer's queued content wins locally.
      later(
        logs.put({
          ...local,
          serverVersion: change.version,
          ...reviewOf(change.record),
          updatedAtDevice: now,
        }),
      );
    } else {
      later(logs.put(localFromRecord({ ...change.record, version: change.version }, local, now)));
    }
    summary.applied++;
  }
  await Promise.all(writes);

  // The re-pull after a restore is complete: what the server did not send, it lacks.
  if (prepared && !page.hasMore && !page.reset && !summary.epochChanged) {
    let waiting = 0;
    for (const id of prepared.keys()) {
      const log = await logs.get(id);
      if (!log?.repushCheck) continue;
      const queued = await byEntity.count(id);
      if (log.deleted || queued > 0 || log.syncState !== 'synced') {
        await logs.put(settled(log)); // queued or changed since: nothing to re-push
      } else if (!(await requeue(log, log.serverVersion))) {
        waiting++; // edited while this page was fetched, or no user id: next pull
      }
    }
    if (waiting === 0) await meta.delete('repushCheck');
  }

  await meta.put({ key: 'checkpoint', value: page.cp });
  await meta.put({ key: 'lastPullOkAt', value: now });
  await tx.done;
  return summary;
}
