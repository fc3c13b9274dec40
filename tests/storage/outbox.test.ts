import { describe, expect, it } from 'vitest';
import {
  applyPushResults,
  deleteLog,
  dismissAttention,
  getLog,
  getMeta,
  getSyncSummary,
  listAttention,
  peekOutbox,
  saveLog,
  takeOutboxBatch,
  type OutboxEntry,
  type UserDb,
} from '../../src/storage/index.ts';
import type { MutationResult, PushResponse } from '../../src/shared/protocol.ts';
import { makeContent, makeRecord } from '../helpers/log-builders.ts';
import { freshDb } from './fresh-db.ts';

function response(results: MutationResult[]): PushResponse {
  return { serverTime: '2025-03-14T08:00:00.000Z', serverEpoch: 'epoch-1', results };
}

/** Saves `n` new logs and takes them as one push batch. */
async function savedAndTaken(db: UserDb, userId: string, n: number) {
  const logs = [];
  for (let i = 0; i < n; i++) {
    logs.push(await saveLog(db, { content: makeContent({ notes: `log ${i}` }), userId }));
  }
  const batch = await takeOutboxBatch(db, 100);
  return { logs, batch };
}

function ok(entry: OutboxEntry, status: 'applied' | 'duplicate' = 'applied', version = 1) {
  return {
    mutationId: entry.mutationId,
    status,
    serverVersion: version,
    record: makeRecord(entry.entityId, entry.payload!, { version }),
  } satisfies MutationResult;
}

describe('takeOutboxBatch', () => {
  it('returns the oldest entries in client-sequence order and counts the attempt', async () => {
    const { db, userId } = await freshDb();
    await savedAndTaken(db, userId, 0);
    for (let i = 0; i < 5; i++) await saveLog(db, { content: makeContent(), userId });

    const batch = await takeOutboxBatch(db, 3);

    expect(batch.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(batch.every((e) => e.attempts === 1)).toBe(true);
    expect((await peekOutbox(db, 10)).map((e) => e.attempts)).toEqual([1, 1, 1, 0, 0]);
  });
});

describe('applyPushResults', () => {
  it.each(['applied', 'duplicate'] as const)(
    '%s: removes the entry and marks the log synced with the server version',
    async (status) => {
      const { db, userId } = await freshDb();
      const { logs, batch } = await savedAndTaken(db, userId, 2);

      const summary = await applyPushResults(
        db,
        batch,
        response(batch.map((e) => ok(e, status, 1))),
        { now: 42 },
      );

      expect(summary).toEqual({ acknowledged: 2, attention: 0, epochChanged: false, requeued: 0 });
      expect(await db.count('outbox')).toBe(0);
      for (const l of logs) {
        expect(await getLog(db, l.id)).toMatchObject({
          syncState: 'synced',
          serverVersion: 1,
          status: 'submitted',
          notes: l.notes,
        });
      }
      expect(await getMeta(db, 'lastPushOkAt')).toBe(42);
      expect(await getMeta(db, 'serverEpoch')).toBe('epoch-1');
      expect(await getSyncSummary(db)).toEqual({ pending: 0, oldestPendingAt: null, attention: 0 });
    },
  );

  it('keeps the log pending while a newer edit of it is still queued', async () => {
    const { db, userId } = await freshDb();
    const { logs, batch } = await savedAndTaken(db, userId, 1);
    await saveLog(db, { id: logs[0]!.id, content: makeContent({ notes: 'sửa' }), userId });

    await applyPushResults(db, batch, response([ok(batch[0]!)]));

    expect(await getLog(db, logs[0]!.id)).toMatchObject({
      syncState: 'pending',
      serverVersion: 1,
      notes: 'sửa',
    });
    expect(await db.count('outbox')).toBe(1);
  });

  it('conflict approved_locked: keeps the change in attention and flags the log as an amendment', async () => {
    const { db, userId } = await freshDb();
    const { logs, batch } = await savedAndTaken(db, userId, 1);
    await applyPushResults(db, batch, response([ok(batch[0]!)]));
    const edit = makeContent({ notes: 'sửa sau khi duyệt' });
    await saveLog(db, { id: logs[0]!.id, content: edit, userId });
    const [update] = await takeOutboxBatch(db, 10);
    const approved = makeRecord(logs[0]!.id, makeContent({ notes: 'log 0' }), {
      version: 2,
      status: 'approved',
      reviewedByName: 'Cán bộ Tân Phú',
      reviewedAt: '2025-03-15T01:00:00.000Z',
    });

    const summary = await applyPushResults(
      db,
      [update!],
      response([
        {
          mutationId: update!.mutationId,
          status: 'conflict',
          reason: 'approved_locked',
          record: approved,
        },
      ]),
    );

    expect(summary).toEqual({ acknowledged: 1, attention: 1, epochChanged: false, requeued: 0 });
    expect(await db.count('outbox')).toBe(0);
    expect(await getLog(db, logs[0]!.id)).toMatchObject({
      syncState: 'amendment',
      status: 'approved',
      serverVersion: 2,
      reviewedByName: 'Cán bộ Tân Phú',
      notes: 'sửa sau khi duyệt',
      problem: { reason: 'approved_locked' },
    });
    const [item] = await listAttention(db);
    expect(item).toMatchObject({
      mutationId: update!.mutationId,
      entityId: logs[0]!.id,
      status: 'conflict',
      reason: 'approved_locked',
      localPayload: edit,
      serverRecord: approved,
      baseVersion: 1,
    });
    expect((await getSyncSummary(db)).attention).toBe(1);
  });

  it('conflict deleted: an edit of a log deleted on the server leaves the tombstone, the edit in attention', async () => {
    const { db, userId } = await freshDb();
    const { logs, batch } = await savedAndTaken(db, userId, 1);
    await applyPushResults(db, batch, response([ok(batch[0]!)]));
    const edit = makeContent({ notes: 'sửa trên máy 2' });
    await saveLog(db, { id: logs[0]!.id, content: edit, userId });
    const [update] = await takeOutboxBatch(db, 10);
    const tombstone = makeRecord(logs[0]!.id, makeContent({ notes: 'log 0' }), {
      version: 2,
      deleted: true,
    });

    await applyPushResults(
      db,
      [update!],
      response([
        {
          mutationId: update!.mutationId,
          status: 'conflict',
          reason: 'deleted',
          record: tombstone,
        },
      ]),
    );

    expect(await getLog(db, logs[0]!.id)).toBeUndefined(); // hidden: delete wins
    expect(await getLog(db, logs[0]!.id, { includeDeleted: true })).toMatchObject({
      deleted: true,
      syncState: 'conflict',
      serverVersion: 2,
      problem: { reason: 'deleted' },
    });
    expect(await listAttention(db)).toMatchObject([
      { entityId: logs[0]!.id, reason: 'deleted', localPayload: edit },
    ]);
  });

  it('rejected: lands in attention with its problems and does not block the others', async () => {
    const { db, userId } = await freshDb();
    const { logs, batch } = await savedAndTaken(db, userId, 3);
    const problems = [{ field: 'hamletId', code: 'invalidChoice' }];

    await applyPushResults(
      db,
      batch,
      response([
        ok(batch[0]!),
        { mutationId: batch[1]!.mutationId, status: 'rejected', reason: 'invalid', problems },
        ok(batch[2]!),
      ]),
    );

    expect(await db.count('outbox')).toBe(0);
    expect((await getLog(db, logs[0]!.id))?.syncState).toBe('synced');
    expect((await getLog(db, logs[2]!.id))?.syncState).toBe('synced');
    expect(await getLog(db, logs[1]!.id)).toMatchObject({
      syncState: 'rejected',
      serverVersion: null,
      problem: { reason: 'invalid', problems },
    });
    expect((await listAttention(db)).map((a) => [a.entityId, a.status, a.problems])).toEqual([
      [logs[1]!.id, 'rejected', problems],
    ]);
  });

  it('a rejected create turns the held-back edit into the create', async () => {
    const { db, userId } = await freshDb();
    const { logs, batch } = await savedAndTaken(db, userId, 1);
    const fixed = makeContent({ notes: 'đã sửa' });
    await saveLog(db, { id: logs[0]!.id, content: fixed, userId });

    await applyPushResults(
      db,
      batch,
      response([{ mutationId: batch[0]!.mutationId, status: 'rejected', reason: 'invalid' }]),
    );

    const next = await peekOutbox(db, 10);
    expect(next.map((e) => [e.name, e.baseVersion, e.payload])).toEqual([
      ['log.create', null, fixed],
    ]);
    expect((await getLog(db, logs[0]!.id))?.syncState).toBe('pending');
  });

  it('editing a log whose create was rejected queues a new create', async () => {
    const { db, userId } = await freshDb();
    const { logs, batch } = await savedAndTaken(db, userId, 1);
    await applyPushResults(
      db,
      batch,
      response([{ mutationId: batch[0]!.mutationId, status: 'rejected', reason: 'invalid' }]),
    );

    await saveLog(db, { id: logs[0]!.id, content: makeContent({ notes: 'lần hai' }), userId });

    const next = await peekOutbox(db, 10);
    expect(next.map((e) => e.name)).toEqual(['log.create']);
    expect(next[0]?.mutationId).not.toBe(batch[0]!.mutationId);
  });

  it('is idempotent: the same answer applied twice changes nothing more', async () => {
    const { db, userId } = await freshDb();
    const { logs, batch } = await savedAndTaken(db, userId, 2);
    const answer = response([
      ok(batch[0]!),
      { mutationId: batch[1]!.mutationId, status: 'rejected', reason: 'forbidden' },
    ]);
    await applyPushResults(db, batch, answer, { now: 1 });
    const before = await db.getAll('logs');

    const again = await applyPushResults(db, batch, answer, { now: 1 });

    expect(again).toEqual({ acknowledged: 0, attention: 0, epochChanged: false, requeued: 0 });
    expect(await db.getAll('logs')).toEqual(before);
    expect(await db.count('attention')).toBe(1);
    expect(logs).toHaveLength(2);
  });

  it('leaves entries without an answer queued', async () => {
    const { db, userId } = await freshDb();
    const { batch } = await savedAndTaken(db, userId, 3);

    await applyPushResults(db, batch, response([ok(batch[0]!)]));

    expect((await peekOutbox(db, 10)).map((e) => e.seq)).toEqual([batch[1]!.seq, batch[2]!.seq]);
    expect((await getSyncSummary(db)).pending).toBe(2);
  });

  it('a delete of a log the server never had (not_found) counts as done', async () => {
    const { db, userId } = await freshDb();
    const { logs, batch } = await savedAndTaken(db, userId, 1);
    await deleteLog(db, logs[0]!.id, userId); // held back behind the in-flight create
    await applyPushResults(
      db,
      batch,
      response([{ mutationId: batch[0]!.mutationId, status: 'rejected', reason: 'forbidden' }]),
    );
    const [del] = await takeOutboxBatch(db, 10);

    await applyPushResults(
      db,
      [del!],
      response([{ mutationId: del!.mutationId, status: 'rejected', reason: 'not_found' }]),
    );

    expect(await db.count('outbox')).toBe(0);
    expect(await getLog(db, logs[0]!.id, { includeDeleted: true })).toMatchObject({
      deleted: true,
      syncState: 'synced',
    });
    expect((await listAttention(db)).map((a) => a.mutationId)).toEqual([batch[0]!.mutationId]);
  });
});

describe('dismissAttention', () => {
  it('removes the item and clears the flag of a log the server has', async () => {
    const { db, userId } = await freshDb();
    const { logs, batch } = await savedAndTaken(db, userId, 1);
    await applyPushResults(db, batch, response([ok(batch[0]!)]));
    await saveLog(db, { id: logs[0]!.id, content: makeContent({ notes: 'x' }), userId });
    const [update] = await takeOutboxBatch(db, 10);
    await applyPushResults(
      db,
      [update!],
      response([
        {
          mutationId: update!.mutationId,
          status: 'conflict',
          reason: 'field_conflict',
          record: makeRecord(logs[0]!.id, makeContent(), { version: 2 }),
        },
      ]),
    );
    expect((await getLog(db, logs[0]!.id))?.syncState).toBe('conflict');

    await dismissAttention(db, update!.mutationId);

    expect(await listAttention(db)).toEqual([]);
    const log = await getLog(db, logs[0]!.id);
    expect(log?.syncState).toBe('synced');
    expect(log?.problem).toBeUndefined();
    expect(log?.serverVersion).toBe(2);
    expect(log?.notes).toBe(makeContent().notes);
  });

  it('shows a log the server deleted as deleted, not as synced with the local content', async () => {
    const { db, userId } = await freshDb();
    const { logs, batch } = await savedAndTaken(db, userId, 1);
    const id = logs[0]!.id;
    await applyPushResults(db, batch, response([ok(batch[0]!)]));
    await saveLog(db, { id, content: makeContent({ notes: 'edited offline' }), userId });
    const [update] = await takeOutboxBatch(db, 10);
    const tombstone = { ...makeRecord(id, makeContent(), { version: 2 }), deleted: true };
    await applyPushResults(
      db,
      [update!],
      response([
        {
          mutationId: update!.mutationId,
          status: 'conflict',
          reason: 'deleted',
          record: tombstone,
        },
      ]),
    );

    await dismissAttention(db, update!.mutationId);

    expect(await getLog(db, id)).toBeUndefined();
    expect(await getLog(db, id, { includeDeleted: true })).toMatchObject({
      deleted: true,
      syncState: 'synced',
      serverVersion: 2,
    });
  });
});

describe('getSyncSummary', () => {
  it('counts pending logs and reports the oldest queued change', async () => {
    const { db, userId } = await freshDb();
    await saveLog(db, { content: makeContent(), userId, now: 1000 });
    await saveLog(db, { content: makeContent(), userId, now: 2000 });

    expect(await getSyncSummary(db)).toEqual({ pending: 2, oldestPendingAt: 1000, attention: 0 });
  });
});
