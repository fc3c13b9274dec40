import { describe, expect, it } from 'vitest';
import {
  applyPullPage,
  applyPushResults,
  getCheckpoint,
  getLog,
  getMeta,
  listAttention,
  listLogs,
  saveLog,
  takeOutboxBatch,
  type UserDb,
} from '../../src/storage/index.ts';
import { uuidv7 } from '../../src/shared/ids.ts';
import type { PullChange, PullResponse } from '../../src/shared/protocol.ts';
import type { LogRecord } from '../../src/shared/schemas/log.ts';
import { makeContent, makeRecord } from '../helpers/log-builders.ts';
import { freshDb } from './fresh-db.ts';

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

function page(changes: PullChange[], extra: Partial<PullResponse> = {}): PullResponse {
  const last = changes.at(-1)?.seq ?? 0;
  return {
    changes,
    cp: { epoch: 'epoch-1', perCommune: { 'tan-phu': last } },
    hasMore: false,
    serverTime: '2025-03-14T08:00:00.000Z',
    serverEpoch: 'epoch-1',
    ...extra,
  };
}

/** A log that reached the server at version 1 (synced locally). */
async function syncedLog(db: UserDb, userId: string, notes = 'gốc') {
  const log = await saveLog(db, { content: makeContent({ notes }), userId });
  const batch = await takeOutboxBatch(db, 10);
  await applyPushResults(db, batch, {
    serverTime: '2025-03-14T08:00:00.000Z',
    serverEpoch: 'epoch-1',
    results: [
      {
        mutationId: batch[0]!.mutationId,
        status: 'applied',
        serverVersion: 1,
        record: makeRecord(log.id, batch[0]!.payload!),
      },
    ],
  });
  return log;
}

describe('applyPullPage', () => {
  it('applies a page of many logs, and an id twice in one page as its newest version', async () => {
    const { db } = await freshDb();
    const records = Array.from({ length: 300 }, (_, i) =>
      makeRecord(uuidv7(), makeContent({ notes: `n${i}` }), { version: 1 }),
    );
    const twice = records[10]!;
    const newer = makeRecord(twice.id, makeContent({ notes: 'mới' }), { version: 2 });
    const older = makeRecord(twice.id, makeContent({ notes: 'cũ' }), { version: 1 });
    const changes = [
      ...records.map((r, i) => change(r, i + 1)),
      change(newer, 301),
      change(older, 302),
    ];

    const summary = await applyPullPage(db, page(changes));

    expect(summary.applied).toBe(301); // the stale second copy is skipped
    const logs = await listLogs(db);
    expect(logs).toHaveLength(300);
    expect(await getLog(db, twice.id)).toMatchObject({ notes: 'mới', serverVersion: 2 });
    expect(logs.every((l) => l.syncState === 'synced')).toBe(true);
  });

  it('stores new logs as synced with their review fields, and the checkpoint with them', async () => {
    const { db } = await freshDb();
    const record = makeRecord(uuidv7(), makeContent(), {
      version: 3,
      status: 'changes_requested',
      reviewComment: 'Thiếu số hộ',
      reviewedByName: 'Cán bộ Tân Phú',
    });
    const p = page([change(record, 7)]);

    const summary = await applyPullPage(db, p, { now: 99 });

    expect(summary).toEqual({ applied: 1, removed: 0, requeued: 0, epochChanged: false });
    expect(await getLog(db, record.id)).toMatchObject({
      syncState: 'synced',
      serverVersion: 3,
      status: 'changes_requested',
      reviewComment: 'Thiếu số hộ',
      reviewedByName: 'Cán bộ Tân Phú',
      notes: record.notes,
      deleted: false,
    });
    expect(await getCheckpoint(db)).toEqual(p.cp);
    expect(await getMeta(db, 'lastPullOkAt')).toBe(99);
  });

  it('is idempotent: the same page applied twice leaves the same state', async () => {
    const { db } = await freshDb();
    const a = makeRecord(uuidv7(), makeContent({ notes: 'a' }));
    const b = makeRecord(uuidv7(), makeContent({ notes: 'b' }), { version: 2, deleted: true });
    const p = page([change(a, 1), change(b, 2)]);
    await applyPullPage(db, p, { now: 5 });
    const once = await db.getAll('logs');

    const second = await applyPullPage(db, p, { now: 5 });

    expect(second.applied).toBe(0);
    expect(await db.getAll('logs')).toEqual(once);
    expect((await listLogs(db)).map((l) => l.id)).toEqual([a.id]);
  });

  it('never goes back to an older version', async () => {
    const { db } = await freshDb();
    const id = uuidv7();
    await applyPullPage(
      db,
      page([change(makeRecord(id, makeContent({ notes: 'v2' }), { version: 2 }), 2)]),
    );

    await applyPullPage(db, page([change(makeRecord(id, makeContent({ notes: 'v1' })), 1)]));

    expect(await getLog(db, id)).toMatchObject({ serverVersion: 2, notes: 'v2' });
  });

  it('keeps the local content of a log with a pending edit and takes only the review fields', async () => {
    const { db, userId } = await freshDb();
    const log = await syncedLog(db, userId);
    await saveLog(db, { id: log.id, content: makeContent({ notes: 'sửa offline' }), userId });
    const reviewed = makeRecord(log.id, makeContent({ notes: 'gốc' }), {
      version: 2,
      status: 'changes_requested',
      reviewComment: 'Ghi rõ bước',
    });

    await applyPullPage(db, page([change(reviewed, 4)]));

    expect(await getLog(db, log.id)).toMatchObject({
      notes: 'sửa offline',
      syncState: 'pending',
      serverVersion: 2,
      status: 'changes_requested',
      reviewComment: 'Ghi rõ bước',
    });
    expect((await db.getAll('outbox')).map((e) => e.payload?.notes)).toEqual(['sửa offline']);
  });

  it('takes the server content of a log with nothing pending', async () => {
    const { db, userId } = await freshDb();
    const log = await syncedLog(db, userId);

    await applyPullPage(
      db,
      page([change(makeRecord(log.id, makeContent({ notes: 'từ máy khác' }), { version: 2 }), 3)]),
    );

    expect(await getLog(db, log.id)).toMatchObject({ notes: 'từ máy khác', syncState: 'synced' });
  });

  it('reset: drops synced logs outside the new scope, keeps pending ones, the outbox and attention', async () => {
    const { db, userId } = await freshDb();
    const other = makeRecord(uuidv7(), makeContent({ communeId: 'xa-khac', hamletId: 'h' }));
    const inScope = makeRecord(uuidv7(), makeContent());
    await applyPullPage(db, {
      ...page([change(other, 1), change(inScope, 2)]),
      cp: { epoch: 'epoch-1', perCommune: { 'tan-phu': 2, 'xa-khac': 1 } },
    });
    const pendingElsewhere = await saveLog(db, {
      content: makeContent({ communeId: 'xa-khac', hamletId: 'h' }),
      userId,
    });
    await db.put('attention', {
      mutationId: uuidv7(),
      entityId: other.id,
      name: 'log.update',
      status: 'rejected',
      reason: 'forbidden',
      problems: [],
      baseVersion: 1,
      localPayload: null,
      serverRecord: null,
      createdAtDevice: 1,
      receivedAt: 1,
    });
    const resetPage = page([], {
      reset: true,
      hasMore: true,
      cp: { epoch: 'epoch-2', perCommune: { 'tan-phu': 0 } },
      serverEpoch: 'epoch-2',
    });

    const summary = await applyPullPage(db, resetPage);

    expect(summary).toEqual({ applied: 0, removed: 1, requeued: 0, epochChanged: true });
    expect(await getLog(db, other.id)).toBeUndefined();
    expect(await getLog(db, inScope.id)).toBeDefined();
    expect(await getLog(db, pendingElsewhere.id)).toMatchObject({ syncState: 'pending' });
    expect(await db.count('outbox')).toBe(1);
    expect(await listAttention(db)).toHaveLength(1);
    expect(await getCheckpoint(db)).toEqual(resetPage.cp);
    expect(await getMeta(db, 'serverEpoch')).toBe('epoch-2');
  });
});
