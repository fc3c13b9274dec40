/**
 * After a server restore (a new epoch): which logs the device checks, how the
 * re-pull settles them, and what is queued (src/storage/repush.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  applyPullPage,
  applyPushResults,
  deleteLog,
  getClientId,
  getLog,
  getMeta,
  peekOutbox,
  renewClientId,
  REPUSH_WINDOW_MS,
  saveLog,
  takeOutboxBatch,
  type UserDb,
} from '../../src/storage/index.ts';
import type { PullChange, PullResponse, PushResponse } from '../../src/shared/protocol.ts';
import type { LogRecord } from '../../src/shared/schemas/log.ts';
import { makeContent, makeRecord } from '../helpers/log-builders.ts';
import { freshDb } from './fresh-db.ts';

const T0 = Date.UTC(2025, 2, 14);
const DAY = 24 * 60 * 60 * 1000;

function change(record: LogRecord, seq: number): PullChange {
  return {
    id: record.id,
    communeId: record.communeId,
    seq,
    version: record.version,
    deleted: record.deleted,
    record,
  };
}

function page(
  changes: PullChange[],
  epoch: string,
  extra: Partial<PullResponse> = {},
): PullResponse {
  return {
    changes,
    cp: { epoch, perCommune: { 'tan-phu': changes.at(-1)?.seq ?? 0 } },
    hasMore: false,
    serverTime: new Date(T0).toISOString(),
    serverEpoch: epoch,
    ...extra,
  };
}

/** What the server answers after a restore: a reset page (no changes, start again). */
const resetPage = (epoch: string) => page([], epoch, { reset: true, hasMore: true });

function answer(epoch: string, results: PushResponse['results'] = []): PushResponse {
  return { serverTime: new Date(T0).toISOString(), serverEpoch: epoch, results };
}

/** Saves a log and has the server (epoch-1) acknowledge it at `version`, at device time `at`. */
async function acked(db: UserDb, userId: string, notes: string, at = T0, version = 1) {
  const log = await saveLog(db, { content: makeContent({ notes }), userId, now: at });
  const [entry] = await takeOutboxBatch(db, 1);
  await applyPushResults(
    db,
    [entry!],
    answer('epoch-1', [
      {
        mutationId: entry!.mutationId,
        status: 'applied',
        serverVersion: version,
        record: makeRecord(log.id, entry!.payload!, { version }),
      },
    ]),
    { now: at },
  );
  return log;
}

describe('a new server epoch', () => {
  it('flags the logs acknowledged in the last 30 days, forgets every server version and the bases of queued updates, in one go', async () => {
    const { db, userId } = await freshDb();
    const recent = await acked(db, userId, 'mới', T0, 3);
    const old = await acked(db, userId, 'cũ', T0 - REPUSH_WINDOW_MS - DAY);
    const gone = await acked(db, userId, 'xoá');
    const edited = await acked(db, userId, 'sửa', T0, 2);
    await deleteLog(db, gone.id, userId, { now: T0 });
    await saveLog(db, { id: edited.id, content: makeContent({ notes: 'sửa 2' }), userId });
    expect((await getLog(db, recent.id))?.ackedAt).toBe(T0);

    const summary = await applyPullPage(db, resetPage('epoch-2'), { now: T0 + DAY, userId });

    expect(summary).toMatchObject({ epochChanged: true, requeued: 0 });
    expect(await getMeta(db, 'serverEpoch')).toBe('epoch-2');
    expect(await getMeta(db, 'repushCheck')).toBe('epoch-2');
    expect(await getLog(db, recent.id)).toMatchObject({ repushCheck: true, serverVersion: null });
    expect(await getLog(db, old.id)).toMatchObject({ serverVersion: null });
    expect((await getLog(db, old.id))?.repushCheck).toBeUndefined();
    expect((await getLog(db, gone.id, { includeDeleted: true }))?.repushCheck).toBeUndefined();
    // A log with queued changes is not flagged: the queue carries it. Its base is forgotten.
    expect((await getLog(db, edited.id))?.repushCheck).toBeUndefined();
    const queued = await peekOutbox(db, 10);
    expect(queued.map((e) => [e.name, e.entityId, e.baseVersion])).toEqual([
      ['log.delete', gone.id, 1], // a delete's base is not checked by the server
      ['log.update', edited.id, null],
    ]);
  });

  it('is seen in a push answer too, before the answer is applied', async () => {
    const { db, userId } = await freshDb();
    const before = await acked(db, userId, 'trước');
    const log = await saveLog(db, { content: makeContent({ notes: 'mới' }), userId });
    const [entry] = await takeOutboxBatch(db, 1);

    const summary = await applyPushResults(
      db,
      [entry!],
      answer('epoch-2', [
        {
          mutationId: entry!.mutationId,
          status: 'applied',
          serverVersion: 1,
          record: makeRecord(log.id, entry!.payload!),
        },
      ]),
      { now: T0 },
    );

    expect(summary.epochChanged).toBe(true);
    expect(await getLog(db, before.id)).toMatchObject({ repushCheck: true, serverVersion: null });
    // The log the restored server just acknowledged is not checked again.
    expect(await getLog(db, log.id)).toMatchObject({ syncState: 'synced', serverVersion: 1 });
    expect((await getLog(db, log.id))?.repushCheck).toBeUndefined();
  });

  it('the first answer a device ever gets is not a change of epoch', async () => {
    const { db, userId } = await freshDb();
    await saveLog(db, { content: makeContent(), userId });

    const summary = await applyPullPage(db, page([], 'epoch-1'), { userId });

    expect(summary.epochChanged).toBe(false);
    expect(await getMeta(db, 'repushCheck')).toBeUndefined();
  });
});

describe('the re-pull after a restore', () => {
  it('takes a record with the same content, queues ours on an older one, and upserts what the server lacks', async () => {
    const { db, userId } = await freshDb();
    const same = await acked(db, userId, 'giống', T0, 2);
    const older = await acked(db, userId, 'bản mới', T0, 3);
    const lost = await acked(db, userId, 'mất');
    const returned = await acked(db, userId, 'trả lại', T0, 2);
    await applyPullPage(db, resetPage('epoch-2'), { now: T0, userId });

    const sameRecord = makeRecord(same.id, makeContent({ notes: 'giống' }), { version: 1 });
    const olderRecord = makeRecord(older.id, makeContent({ notes: 'bản cũ' }), { version: 2 });
    const returnedRecord = makeRecord(returned.id, makeContent({ notes: 'trả lại' }), {
      version: 2,
      status: 'changes_requested',
      reviewComment: 'Thiếu số hộ',
    });
    const first = await applyPullPage(
      db,
      page([change(sameRecord, 1), change(olderRecord, 2)], 'epoch-2', { hasMore: true }),
      { now: T0, userId },
    );
    const last = await applyPullPage(db, page([change(returnedRecord, 3)], 'epoch-2'), {
      now: T0,
      userId,
    });

    expect(first).toMatchObject({ applied: 2, requeued: 1 });
    expect(last).toMatchObject({ applied: 1, requeued: 1 });
    expect(await getLog(db, same.id)).toMatchObject({ syncState: 'synced', serverVersion: 1 });
    expect(await getLog(db, returned.id)).toMatchObject({
      syncState: 'synced',
      status: 'changes_requested',
      reviewComment: 'Thiếu số hộ',
      serverVersion: 2,
    });
    expect(await getLog(db, older.id)).toMatchObject({
      syncState: 'pending',
      notes: 'bản mới',
      serverVersion: 2,
    });
    expect(await getLog(db, lost.id)).toMatchObject({ syncState: 'pending', notes: 'mất' });
    for (const id of [same.id, older.id, lost.id, returned.id]) {
      expect((await getLog(db, id))?.repushCheck).toBeUndefined();
    }
    const queued = await peekOutbox(db, 10);
    expect(queued.map((e) => [e.name, e.entityId, e.baseVersion, e.payload?.notes])).toEqual([
      ['log.update', older.id, 2, 'bản mới'],
      ['log.update', lost.id, null, 'mất'],
    ]);
    expect(queued.every((e) => e.userId === userId && e.attempts === 0)).toBe(true);
    expect(await getMeta(db, 'repushCheck')).toBeUndefined();

    // Applying the last page again queues nothing more.
    const again = await applyPullPage(db, page([change(returnedRecord, 3)], 'epoch-2'), {
      now: T0,
      userId,
    });
    expect(again.requeued).toBe(0);
    expect(await peekOutbox(db, 10)).toHaveLength(2);
  });

  it('takes a tombstone as it is (delete wins), and leaves a log edited meanwhile to its queue', async () => {
    const { db, userId } = await freshDb();
    const deletedThere = await acked(db, userId, 'đã xoá ở máy khác');
    const editedHere = await acked(db, userId, 'sửa');
    await applyPullPage(db, resetPage('epoch-2'), { now: T0, userId });
    await saveLog(db, { id: editedHere.id, content: makeContent({ notes: 'sửa lại' }), userId });

    await applyPullPage(
      db,
      page(
        [
          change(
            makeRecord(deletedThere.id, makeContent({ notes: 'x' }), { deleted: true, version: 2 }),
            1,
          ),
        ],
        'epoch-2',
      ),
      { now: T0, userId },
    );

    expect(await getLog(db, deletedThere.id, { includeDeleted: true })).toMatchObject({
      deleted: true,
      syncState: 'synced',
    });
    const queued = await peekOutbox(db, 10);
    // The edit of a log known to a server whose version is forgotten: an update, never a create.
    expect(queued.map((e) => [e.name, e.entityId, e.baseVersion])).toEqual([
      ['log.update', editedHere.id, null],
    ]);
    expect(await getMeta(db, 'repushCheck')).toBeUndefined();
  });

  it('without the user id, flagged logs wait for the next pull instead of being queued', async () => {
    const { db, userId } = await freshDb();
    const lost = await acked(db, userId, 'mất');
    await applyPullPage(db, resetPage('epoch-2'), { now: T0 });

    const summary = await applyPullPage(db, page([], 'epoch-2'), { now: T0 });

    expect(summary.requeued).toBe(0);
    expect((await getLog(db, lost.id))?.repushCheck).toBe(true);
    expect(await getMeta(db, 'repushCheck')).toBe('epoch-2');
    const next = await applyPullPage(db, page([], 'epoch-2'), { now: T0, userId });
    expect(next.requeued).toBe(1);
  });

  it('a delete the restored server answers not_found is done, not a problem', async () => {
    const { db, userId } = await freshDb();
    const log = await acked(db, userId, 'xoá');
    await deleteLog(db, log.id, userId);
    const [entry] = await takeOutboxBatch(db, 1);

    await applyPushResults(
      db,
      [entry!],
      answer('epoch-2', [
        { mutationId: entry!.mutationId, status: 'rejected', reason: 'not_found' },
      ]),
    );

    expect(await getLog(db, log.id, { includeDeleted: true })).toMatchObject({
      deleted: true,
      syncState: 'synced',
    });
    expect(await db.count('attention')).toBe(0);
  });
});

describe('a push answered by a restored server', () => {
  it('sends again, without a base, an update refused because the server never had its base', async () => {
    const { db, userId } = await freshDb();
    const one = await acked(db, userId, 'một', T0, 2);
    const two = await acked(db, userId, 'hai', T0, 2);
    await saveLog(db, { id: one.id, content: makeContent({ notes: 'một sửa' }), userId });
    await saveLog(db, { id: two.id, content: makeContent({ notes: 'hai sửa' }), userId });
    await saveLog(db, { id: two.id, content: makeContent({ notes: 'hai sửa lần 2' }), userId });
    const batch = await takeOutboxBatch(db, 10);
    const refused = (mutationId: string) => ({
      mutationId,
      status: 'rejected' as const,
      reason: 'invalid' as const,
      problems: [{ field: 'baseVersion', code: 'invalid' }],
    });

    const summary = await applyPushResults(
      db,
      batch,
      answer(
        'epoch-2',
        batch.map((e) => refused(e.mutationId)),
      ),
      { now: T0 },
    );

    expect(summary).toMatchObject({ epochChanged: true, requeued: 2, attention: 0 });
    expect(await db.count('attention')).toBe(0);
    const queued = await peekOutbox(db, 10);
    // The first edit of `two` is superseded by its second one (updates carry the whole content).
    expect(queued.map((e) => [e.entityId, e.baseVersion, e.payload?.notes])).toEqual([
      [one.id, null, 'một sửa'],
      [two.id, null, 'hai sửa lần 2'],
    ]);
    expect(queued.every((e) => !batch.some((b) => b.mutationId === e.mutationId))).toBe(true);
    expect(queued.every((e) => e.seq > batch.at(-1)!.seq)).toBe(true);
    expect(await getLog(db, one.id)).toMatchObject({ syncState: 'pending', notes: 'một sửa' });
  });

  it('keeps that refusal as a problem when the epoch did not change', async () => {
    const { db, userId } = await freshDb();
    const one = await acked(db, userId, 'một', T0, 2);
    await saveLog(db, { id: one.id, content: makeContent({ notes: 'một sửa' }), userId });
    const [entry] = await takeOutboxBatch(db, 1);

    await applyPushResults(
      db,
      [entry!],
      answer('epoch-1', [
        {
          mutationId: entry!.mutationId,
          status: 'rejected',
          reason: 'invalid',
          problems: [{ field: 'baseVersion', code: 'invalid' }],
        },
      ]),
    );

    expect(await db.count('attention')).toBe(1);
    expect(await db.count('outbox')).toBe(0);
  });
});

describe('renewClientId', () => {
  it('makes a new client id and forgets the bases of queued updates, without renumbering', async () => {
    const { db, userId } = await freshDb();
    const before = await getClientId(db);
    const log = await acked(db, userId, 'a', T0, 4);
    await saveLog(db, { id: log.id, content: makeContent({ notes: 'b' }), userId });
    const seqs = (await peekOutbox(db, 10)).map((e) => e.seq);

    const after = await renewClientId(db);

    expect(after).not.toBe(before);
    expect(await getClientId(db)).toBe(after);
    const queued = await peekOutbox(db, 10);
    expect(queued.map((e) => e.seq)).toEqual(seqs);
    expect(queued.map((e) => e.baseVersion)).toEqual([null]);
  });
});
