/**
 * The `meta` store: the client id, the pull checkpoint and sync bookkeeping
 * (last successful push/pull, clock skew, server epoch). Owns: `getClientId`,
 * `getMeta`, `setMeta`, `getCheckpoint`. Keys are explicit constants so they
 * survive app upgrades and minification (SYNC.md pitfall 14).
 */
import { uuidv4 } from '../shared/ids.ts';
import type { Checkpoint } from '../shared/protocol.ts';
import type { UserDb } from './db.ts';
import type { MetaKey, MetaRecord, MetaValues } from './types.ts';

/** Reads one meta value; `undefined` when it was never written. */
export async function getMeta<K extends MetaKey>(
  db: UserDb,
  key: K,
): Promise<MetaValues[K] | undefined> {
  const rec = await db.get('meta', key);
  return rec?.value as MetaValues[K] | undefined;
}

/** Writes one meta value in its own transaction. */
export async function setMeta<K extends MetaKey>(
  db: UserDb,
  key: K,
  value: MetaValues[K],
): Promise<void> {
  const tx = db.transaction('meta', 'readwrite');
  await tx.store.put({ key, value } as MetaRecord);
  await tx.done;
}

/**
 * This database's client id: a UUIDv4 created on first use and kept for the
 * life of the database (SYNC.md §3.1). The server binds it to the user.
 */
export async function getClientId(db: UserDb): Promise<string> {
  const candidate = uuidv4(); // computed before the transaction, used only if none exists
  const tx = db.transaction('meta', 'readwrite', { durability: 'strict' });
  const existing = await tx.store.get('clientId');
  let clientId: string;
  if (existing?.key === 'clientId') {
    clientId = existing.value;
  } else {
    clientId = candidate;
    await tx.store.put({ key: 'clientId', value: clientId });
  }
  await tx.done;
  return clientId;
}

/** The last pull checkpoint written together with its page; null before the first pull. */
export async function getCheckpoint(db: UserDb): Promise<Checkpoint | null> {
  return (await getMeta(db, 'checkpoint')) ?? null;
}
