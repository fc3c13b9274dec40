/**
 * The log repository: the ONLY write path for a volunteer's logs (SYNC.md
 * §3.2). Owns: `saveLog`, `deleteLog`, `getLog` (the lists are in log-list.ts).
 *
 * Every write puts the log and adds its outbox entry in ONE readwrite
 * transaction with `durability: 'strict'`, and resolves only after `tx.done`.
 * Ids and the payload hash (`crypto.subtle`, asynchronous) are computed BEFORE
 * the transaction opens; inside it we await nothing but IDB requests
 * (SYNC.md pitfall 1: awaiting anything else commits the transaction early).
 *
 * Editing a log whose `log.create` is still queued:
 * - if that create was never handed to a push (`attempts === 0`), its payload
 *   and hash are replaced in place (same seq, same mutation id): the server has
 *   never seen that mutation id, so no idempotency key is reused;
 * - otherwise (the server may have it) a `log.update` with `baseVersion: null`
 *   is queued. The outbox never sends it in the same push as its create; the
 *   create's acknowledgement fills in `baseVersion` (see outbox.ts).
 * Queued entries are never deleted before the server answers them, so the
 * client sequence never has a gap the server would refuse.
 */
import * as v from 'valibot';
import { uuidv7, UUID_PATTERN } from '../shared/ids.ts';
import { payloadHash } from '../shared/hash.ts';
import type { MutationName } from '../shared/protocol.ts';
import { logContentSchema, type LogContentInput } from '../shared/schemas/log.ts';
import { contactSchema, type ContactInput } from '../shared/schemas/contact.ts';
import { fieldProblems } from '../shared/validation.ts';
import type { UserDb } from './db.ts';
import { LogNotFoundError, ValidationError } from './errors.ts';
import { newEntry } from './entries.ts';
import type { LocalLog } from './types.ts';

export interface SaveLogInput {
  /** Omit for a new log; pass the id to edit an existing one (or to create with a chosen UUID). */
  id?: string;
  content: LogContentInput;
  /**
   * The resident's follow-up contact, recorded with their consent
   * (docs/SECURITY.md): saved with the log, sent once the log is on the
   * server. Omit to leave it as it is; `null` withdraws one not yet sent.
   */
  contact?: ContactInput | null;
  /** The signed-in user: stamped on the outbox entry (SYNC.md §3.6). */
  userId: string;
  /** Device time in ms (tests); defaults to Date.now(). Informational only. */
  now?: number;
}

function ignore(): void {}

/**
 * Saves a new log or an edit, and queues it for the server.
 * @returns the log as stored (syncState `pending`).
 * @throws ValidationError when `content` fails `logContentSchema` (nothing is written).
 * @throws LogNotFoundError when `id` names a log that was deleted on this device.
 * @throws TypeError for a missing `userId` or an `id` that is not a UUID.
 */
export async function saveLog(db: UserDb, input: SaveLogInput): Promise<LocalLog> {
  const parsed = v.safeParse(logContentSchema, input.content);
  const contactParsed = input.contact ? v.safeParse(contactSchema, input.contact) : null;
  const problems = [
    ...(parsed.success ? [] : fieldProblems(parsed.issues)),
    ...(contactParsed && !contactParsed.success
      ? fieldProblems(contactParsed.issues).map((p) => ({ ...p, field: `contact.${p.field}` }))
      : []),
  ];
  if (!parsed.success || problems.length > 0) throw new ValidationError(problems);
  if (!input.userId) throw new TypeError('saveLog: userId is required');
  if (input.id !== undefined && !UUID_PATTERN.test(input.id)) {
    throw new TypeError('saveLog: id must be a UUID');
  }

  // Everything asynchronous happens BEFORE the transaction (SYNC.md pitfall 1).
  const now = input.now ?? Date.now();
  const content = parsed.output;
  const id = input.id ?? uuidv7(now);
  const mutationId = uuidv7(now);
  const hash = await payloadHash(content);

  // The contacts store only when the contact changes (a database opened at
  // an older version by a test has none).
  const stores = input.contact === undefined ? ['logs', 'outbox'] : ['logs', 'outbox', 'contacts'];
  const tx = db.transaction(stores as ('logs' | 'outbox' | 'contacts')[], 'readwrite', {
    durability: 'strict',
  });
  void tx.done.catch(ignore); // a failed request rejects below; this only silences the duplicate
  const logs = tx.objectStore('logs');
  const outbox = tx.objectStore('outbox');
  const existing = await logs.get(id);
  if (existing?.deleted) {
    await tx.done;
    throw new LogNotFoundError(id);
  }
  if (contactParsed?.success) {
    await tx.objectStore('contacts').put({
      logId: id,
      state: 'pending',
      contact: contactParsed.output,
      savedAtDevice: now,
    });
  } else if (input.contact === null) {
    const contacts = tx.objectStore('contacts');
    if ((await contacts.get(id))?.state === 'pending') await contacts.delete(id);
  }
  const queued = existing ? await outbox.index('byEntity').getAll(id) : [];

  const log: LocalLog = {
    ...content,
    id,
    syncState: 'pending',
    serverVersion: existing?.serverVersion ?? null,
    status: existing?.status ?? null,
    reviewComment: existing?.reviewComment ?? null,
    reviewedAt: existing?.reviewedAt ?? null,
    reviewedByName: existing?.reviewedByName ?? null,
    deleted: false,
    createdAtDevice: existing?.createdAtDevice ?? now,
    updatedAtDevice: now,
  };
  await logs.put(log);

  const entry = { mutationId, userId: input.userId, entityId: id, payload: content };
  const queuedCreate = queued.find((e) => e.name === 'log.create');
  if (log.serverVersion !== null) {
    await outbox.add(
      newEntry({
        ...entry,
        name: 'log.update',
        baseVersion: log.serverVersion,
        payloadHash: hash,
        createdAtDevice: now,
      }),
    );
  } else if (queuedCreate && queuedCreate.attempts === 0) {
    // Never sent: the server cannot know this mutation id, so replace the payload in place.
    await outbox.put({ ...queuedCreate, payload: content, payloadHash: hash });
  } else {
    // No known server version, but a server has (or had) this log: its create
    // is queued, or an update is, or it came with review fields from a server
    // whose versions were forgotten after a restore (repush.ts). An update
    // with baseVersion null is then an upsert; a second create would be refused.
    const knownToServer =
      existing !== undefined &&
      (existing.status !== null || queued.some((e) => e.name !== 'log.delete'));
    const name: MutationName = knownToServer ? 'log.update' : 'log.create';
    await outbox.add(
      newEntry({
        ...entry,
        name,
        baseVersion: null,
        payloadHash: hash,
        createdAtDevice: now,
      }),
    );
  }
  await tx.done; // only now may the UI say "saved on this device"
  return log;
}

/**
 * Deletes a log and its follow-up contact: a local tombstone plus a queued `log.delete` (delete wins on
 * the server unless the log is approved, SYNC.md §3.5). Deleting a log the
 * server never accepted queues nothing. Deleting twice is a no-op.
 * @throws LogNotFoundError when the log is not on this device.
 */
export async function deleteLog(
  db: UserDb,
  id: string,
  userId: string,
  opts: { now?: number } = {},
): Promise<void> {
  if (!userId) throw new TypeError('deleteLog: userId is required');
  const now = opts.now ?? Date.now();
  const mutationId = uuidv7(now);
  const hash = await payloadHash(null);

  const tx = db.transaction(['logs', 'outbox', 'contacts'], 'readwrite', { durability: 'strict' });
  void tx.done.catch(ignore); // a failed request rejects below; this only silences the duplicate
  const logs = tx.objectStore('logs');
  const outbox = tx.objectStore('outbox');
  const existing = await logs.get(id);
  // Its follow-up contact goes with it (the server deletes its copy with the log).
  await tx.objectStore('contacts').delete(id);
  if (!existing) {
    await tx.done;
    throw new LogNotFoundError(id);
  }
  if (existing.deleted) {
    await tx.done;
    return;
  }
  const queued = await outbox.index('byEntity').getAll(id);
  const onServer =
    existing.serverVersion !== null ||
    existing.status !== null ||
    queued.some((e) => e.name !== 'log.delete');
  const tombstone: LocalLog = {
    ...existing,
    deleted: true,
    syncState: onServer ? 'pending' : existing.syncState,
    updatedAtDevice: now,
  };
  delete tombstone.repushCheck;
  delete tombstone.ackedAt;
  await logs.put(tombstone);
  if (onServer) {
    await outbox.add(
      newEntry({
        mutationId,
        userId,
        name: 'log.delete',
        entityId: id,
        baseVersion: existing.serverVersion,
        payload: null,
        payloadHash: hash,
        createdAtDevice: now,
      }),
    );
  }
  await tx.done;
}

/**
 * One log by id. Tombstones (deleted logs) are hidden unless `includeDeleted`.
 */
export async function getLog(
  db: UserDb,
  id: string,
  opts: { includeDeleted?: boolean } = {},
): Promise<LocalLog | undefined> {
  const log = await db.get('logs', id);
  if (!log || (log.deleted && !opts.includeDeleted)) return undefined;
  return log;
}
