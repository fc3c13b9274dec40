/**
 * The sync badge's counts, on the first screen. Owns: `getSyncSummary`.
 * Imports nothing else of storage, so the outbox's write path (outbox.ts)
 * loads with the sync engine, after the first screen.
 */
import type { UserDb } from './db.ts';

export interface SyncSummary {
  /** Logs with a change not yet acknowledged by the server. */
  pending: number;
  /** Device time of the oldest queued change, for "not synced for N days". */
  oldestPendingAt: number | null;
  /** Changes that need the user's attention (conflicts, rejections, amendments). */
  attention: number;
}

/** Counts for the sync badge, read in one transaction. */
export async function getSyncSummary(db: UserDb): Promise<SyncSummary> {
  const tx = db.transaction(['logs', 'outbox', 'attention'], 'readonly');
  const pending = await tx.objectStore('logs').index('bySyncState').count('pending');
  const oldest = await tx.objectStore('outbox').openCursor();
  const attention = await tx.objectStore('attention').count();
  await tx.done;
  return { pending, oldestPendingAt: oldest?.value.createdAtDevice ?? null, attention };
}
