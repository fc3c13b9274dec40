/**
 * Follow-up contacts on the phone (docs/SECURITY.md "Follow-up contacts").
 * Owns: `getContact`, `takeContactsToSend`, `applyContactResults`, `dropOrphanContacts`. They are
 * written with their log by `saveLog` and removed with it by `deleteLog`
 * (log-repo.ts), in the log's transaction.
 *
 * A contact is sent only once its log is on the server (the server checks
 * that the sender wrote it). Once the server has it, the name and phone are
 * dropped from the phone: only the fact and the server's deletion date stay.
 */
import type { ContactPushResponse } from '../shared/schemas/contact.ts';
import type { UserDb } from './db.ts';
import type { LocalContact } from './types.ts';

function ignore(): void {}

/** The contact recorded with a log, if any. */
export async function getContact(db: UserDb, logId: string): Promise<LocalContact | undefined> {
  return db.get('contacts', logId);
}

export type ContactToSend = Extract<LocalContact, { state: 'pending' }>;

/**
 * Deletes the contacts whose session is no longer on the phone, or is
 * deleted there (by the volunteer, or by the server: a pull brought the
 * tombstone). Nobody may hold them, and nothing would ever send them.
 * @returns how many
 */
export async function dropOrphanContacts(db: UserDb): Promise<number> {
  const tx = db.transaction(['contacts', 'logs'], 'readwrite', { durability: 'strict' });
  void tx.done.catch(ignore);
  const logs = tx.objectStore('logs');
  let dropped = 0;
  let cursor = await tx.objectStore('contacts').openCursor();
  while (cursor) {
    const log = await logs.get(cursor.value.logId);
    if (!log || log.deleted) {
      await cursor.delete();
      dropped++;
    }
    cursor = await cursor.continue();
  }
  await tx.done;
  return dropped;
}

/**
 * Pending contacts whose log the server has acknowledged (a known server
 * version, not deleted here) and that the server has not refused as invalid.
 */
export async function takeContactsToSend(db: UserDb, limit: number): Promise<ContactToSend[]> {
  const tx = db.transaction(['contacts', 'logs'], 'readonly');
  const logs = tx.objectStore('logs');
  const out: ContactToSend[] = [];
  let cursor = await tx.objectStore('contacts').openCursor();
  while (cursor && out.length < limit) {
    const c = cursor.value;
    if (c.state === 'pending' && !c.problems) {
      const log = await logs.get(c.logId);
      if (log && !log.deleted && log.serverVersion !== null) out.push(c);
    }
    cursor = await cursor.continue();
  }
  await tx.done;
  return out;
}

/**
 * Applies the server's answer, in one strict transaction: a stored contact
 * keeps only its deletion date; a refused one (its log is not the sender's,
 * or is gone) is deleted; an invalid one keeps its fields and the problems,
 * and waits for an edit. A contact edited since it was sent is left as it is
 * (the edit is sent next time).
 */
export async function applyContactResults(
  db: UserDb,
  sent: readonly ContactToSend[],
  response: ContactPushResponse,
  now: number = Date.now(),
): Promise<{ stored: number }> {
  const bySavedAt = new Map(sent.map((c) => [c.logId, c.savedAtDevice]));
  const tx = db.transaction('contacts', 'readwrite', { durability: 'strict' });
  void tx.done.catch(ignore);
  let stored = 0;
  for (const r of response.results) {
    const current = await tx.store.get(r.logId);
    if (current?.state !== 'pending' || current.savedAtDevice !== bySavedAt.get(r.logId)) continue;
    if (r.status === 'stored') {
      stored++;
      await tx.store.put({
        logId: r.logId,
        state: 'sent',
        sentAtDevice: now,
        deleteAfter: r.deleteAfter ?? '',
      });
    } else if (r.status === 'refused') {
      await tx.store.delete(r.logId);
    } else if (r.status === 'unknown') {
      // Kept as it is: sent again once the session is on the (restored) server.
    } else {
      await tx.store.put({ ...current, problems: r.problems ?? [] });
    }
  }
  await tx.done;
  return { stored };
}
