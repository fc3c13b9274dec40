/**
 * Re-push after a server restore (SYNC.md §3.4 last bullet, pitfall 19).
 * Owns: what the device does when the server's epoch changes, and when the
 * server forgot this device's client sequence.
 *
 * A restored server has rewound: logs this device saw acknowledged may be
 * gone, and every version number the device holds belongs to the old
 * server's history. So, in ONE transaction with the new epoch
 * (`beginRepushCheck`):
 * - every log forgets its `serverVersion` (the next pull, which the server
 *   answers with a reset, brings the restored server's versions);
 * - queued `log.update` entries lose their `baseVersion` (it may name a
 *   version the restored server never had, which it refuses): an update with
 *   `baseVersion: null` applies to the stored log, or inserts an unknown one;
 * - each non-deleted, synced log whose content the server acknowledged in the
 *   last 30 days (`ackedAt`) and with nothing queued is flagged `repushCheck`,
 *   and meta `repushCheck` records that a check is under way.
 *
 * The re-pull then settles each flagged log (pull.ts, `settleRepush`): a
 * record with the same content (or a tombstone) is simply taken; a record
 * with other content gets ours queued as a `log.update` on its version; and
 * when the re-pull ends without a record, the log is queued as a `log.update`
 * with `baseVersion: null`, which the server upserts. Queuing only what the
 * restored server lacks avoids side effects of re-sending identical content
 * (a returned log would go back to "submitted", an approved one would turn
 * the re-push into an amendment request).
 *
 * The outbox entries are never deleted or renumbered here.
 */
import type { IDBPObjectStore, StoreNames } from 'idb';
import { canonicalJson, payloadHash } from '../shared/hash.ts';
import { uuidv4, uuidv7 } from '../shared/ids.ts';
import type { SotayDB, UserDb } from './db.ts';
import { contentOf } from './records.ts';
import type { LocalLog } from './types.ts';

/** How long after its acknowledgement a log is re-pushed to a restored server (SYNC.md §0.7). */
export const REPUSH_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

type Store<S extends StoreNames<SotayDB>> = IDBPObjectStore<
  SotayDB,
  ArrayLike<StoreNames<SotayDB>>,
  S,
  'readwrite'
>;

function ignore(): void {}

/** Whether a log is one the restored server may have lost and this device must re-push. */
function repushCandidate(log: LocalLog, queued: number, now: number): boolean {
  return (
    !log.deleted &&
    log.syncState === 'synced' &&
    queued === 0 &&
    log.ackedAt !== undefined &&
    now - log.ackedAt <= REPUSH_WINDOW_MS
  );
}

/** Drops the `baseVersion` of every queued update (it belongs to a forgotten server history). */
export async function unbaseQueuedUpdates(outbox: Store<'outbox'>): Promise<number> {
  let changed = 0;
  let cursor = await outbox.openCursor();
  while (cursor) {
    const e = cursor.value;
    if (e.name === 'log.update' && e.baseVersion !== null) {
      await cursor.update({ ...e, baseVersion: null });
      changed++;
    }
    cursor = await cursor.continue();
  }
  return changed;
}

/**
 * Inside a caller's transaction: the server answered with `epoch`. When the
 * device knew another epoch, starts the re-push check (see the file comment)
 * and stores the new epoch. Awaits only IDB requests.
 * @returns the number of logs flagged, or -1 when the epoch did not change
 */
export async function noteServerEpoch(
  stores: { logs: Store<'logs'>; outbox: Store<'outbox'>; meta: Store<'meta'> },
  epoch: string,
  now: number,
): Promise<number> {
  const known = await stores.meta.get('serverEpoch');
  if (known?.key === 'serverEpoch' && known.value === epoch) return -1;
  await stores.meta.put({ key: 'serverEpoch', value: epoch });
  if (known === undefined) return -1; // the first answer this device ever had
  let flagged = 0;
  const byEntity = stores.outbox.index('byEntity');
  let cursor = await stores.logs.openCursor();
  while (cursor) {
    const log = cursor.value;
    const queued = await byEntity.count(log.id);
    const next: LocalLog = { ...log, serverVersion: null };
    if (repushCandidate(log, queued, now)) {
      next.repushCheck = true;
      flagged++;
    } else {
      delete next.repushCheck;
    }
    await cursor.update(next);
    cursor = await cursor.continue();
  }
  await unbaseQueuedUpdates(stores.outbox);
  await stores.meta.put({ key: 'repushCheck', value: epoch });
  return flagged;
}

/** What the pull needs to queue a flagged log: computed BEFORE its transaction (pitfall 1). */
export interface PreparedRepush {
  mutationId: string;
  payloadHash: string;
  /** canonicalJson of the content hashed; the log must still hold exactly this. */
  json: string;
}

/**
 * When a re-push check is under way, the mutation id and payload hash for
 * each flagged log (crypto.subtle is asynchronous, so this runs before the
 * pull's transaction). Null when no check is under way.
 */
export async function prepareRepush(
  db: UserDb,
  now: number,
): Promise<Map<string, PreparedRepush> | null> {
  if ((await db.get('meta', 'repushCheck')) === undefined) return null;
  const out = new Map<string, PreparedRepush>();
  for (const log of await db.getAll('logs')) {
    if (!log.repushCheck) continue;
    const content = contentOf(log);
    out.set(log.id, {
      mutationId: uuidv7(now),
      payloadHash: await payloadHash(content),
      json: canonicalJson(content),
    });
  }
  return out;
}

/** The prepared entry for `log` if it still holds the content that was hashed. */
export function preparedFor(
  prepared: Map<string, PreparedRepush> | null,
  log: LocalLog,
): PreparedRepush | undefined {
  const p = prepared?.get(log.id);
  return p && p.json === canonicalJson(contentOf(log)) ? p : undefined;
}

/**
 * The server forgot this device's client sequence (a `409 seq_gap` below the
 * oldest queued entry: it was restored from a backup). A new client id starts
 * a new sequence at the oldest queued entry (the server binds a client id it
 * has never seen at its first seq), and the queued updates lose their
 * `baseVersion`, in one transaction. Entries are not renumbered.
 * @returns the new client id
 */
export async function renewClientId(db: UserDb): Promise<string> {
  const clientId = uuidv4();
  const tx = db.transaction(['meta', 'outbox'], 'readwrite', { durability: 'strict' });
  void tx.done.catch(ignore);
  await tx.objectStore('meta').put({ key: 'clientId', value: clientId });
  await unbaseQueuedUpdates(tx.objectStore('outbox'));
  await tx.done;
  return clientId;
}
