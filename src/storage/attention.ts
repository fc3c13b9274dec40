/**
 * The attention list: local changes the server did not apply as sent
 * (conflicts, rejections, amendment requests), kept until the user dismisses
 * them (SYNC.md §3.2). Owns: `listAttention`, `dismissAttention`.
 */
import type { UserDb } from './db.ts';
import { isFlagged, localFromRecord } from './records.ts';
import type { AttentionItem } from './types.ts';

function ignore(): void {}

/** All attention items, newest answer first. */
export async function listAttention(db: UserDb): Promise<AttentionItem[]> {
  const items = await db.getAll('attention');
  return items.sort((a, b) => b.receivedAt - a.receivedAt);
}

/** The attention items about one log, newest answer first. */
export async function listAttentionFor(db: UserDb, logId: string): Promise<AttentionItem[]> {
  const items = await db.getAllFromIndex('attention', 'byEntity', logId);
  return items.sort((a, b) => b.receivedAt - a.receivedAt);
}

/**
 * Removes one attention item: the user gives up that local change. When it
 * was the log's last one and nothing is queued for the log, the log takes the
 * server's record from the answer (content, review, tombstone) and shows as
 * synced again, so the phone never shows as synced what the server does not
 * have; a log the server never accepted stays `rejected`.
 */
export async function dismissAttention(
  db: UserDb,
  mutationId: string,
  opts: { now?: number } = {},
): Promise<void> {
  const now = opts.now ?? Date.now();
  const tx = db.transaction(['attention', 'logs', 'outbox'], 'readwrite', { durability: 'strict' });
  void tx.done.catch(ignore);
  const attention = tx.objectStore('attention');
  const item = await attention.get(mutationId);
  if (item) {
    await attention.delete(mutationId);
    const others = await attention.index('byEntity').count(item.entityId);
    const queued = await tx.objectStore('outbox').index('byEntity').count(item.entityId);
    const logs = tx.objectStore('logs');
    const log = await logs.get(item.entityId);
    if (
      log &&
      others === 0 &&
      queued === 0 &&
      isFlagged(log.syncState) &&
      log.serverVersion !== null
    ) {
      const server = item.serverRecord;
      const cleared =
        server && server.version >= log.serverVersion
          ? localFromRecord(server, { ...log, syncState: 'synced' }, now)
          : { ...log, syncState: 'synced' as const };
      delete cleared.problem;
      await logs.put(cleared);
    }
  }
  await tx.done;
}
