/** Storage health for the warnings, and the last-resort export of unsynced records. */
import { describe, expect, it } from 'vitest';
import {
  applyPushResults,
  deleteLog,
  exportUnsynced,
  getClientId,
  getStorageHealth,
  saveLog,
  takeOutboxBatch,
  type OutboxEntry,
  type UnsyncedExportDocument,
  type UserDb,
} from '../../src/storage/index.ts';
import type { MutationResult } from '../../src/shared/protocol.ts';
import { makeContent, makeRecord } from '../helpers/log-builders.ts';
import { freshDb } from './fresh-db.ts';

const MB = 1024 * 1024;
const GB = 1024 * MB;

function storage(usage: number | undefined, quota: number | undefined, persisted = true) {
  return {
    estimate: () =>
      Promise.resolve({
        ...(usage !== undefined ? { usage } : {}),
        ...(quota !== undefined ? { quota } : {}),
      }),
    persisted: () => Promise.resolve(persisted),
  };
}

describe('getStorageHealth', () => {
  it('reports persistence, usage and quota', async () => {
    expect(await getStorageHealth(storage(100 * MB, 10 * GB, true))).toEqual({
      persisted: true,
      usage: 100 * MB,
      quota: 10 * GB,
      nearlyFull: false,
    });
    expect((await getStorageHealth(storage(1, 10 * GB, false))).persisted).toBe(false);
  });

  it('is nearly full at 90 % of the quota, or with less than 20 MB free', async () => {
    expect((await getStorageHealth(storage(9 * GB, 10 * GB))).nearlyFull).toBe(true);
    expect((await getStorageHealth(storage(8.9 * GB, 10 * GB))).nearlyFull).toBe(false);
    // A small quota: 50 % used but only 15 MB left.
    expect((await getStorageHealth(storage(15 * MB, 30 * MB))).nearlyFull).toBe(true);
    expect((await getStorageHealth(storage(0, 21 * MB))).nearlyFull).toBe(false);
  });

  it('says null, never throws, when the browser cannot tell', async () => {
    const unknown = { persisted: null, usage: null, quota: null, nearlyFull: false };
    expect(await getStorageHealth(undefined)).toEqual(unknown);
    expect(await getStorageHealth({})).toEqual(unknown);
    expect(
      await getStorageHealth({
        estimate: () => Promise.reject(new Error('SecurityError')),
        persisted: () => Promise.reject(new Error('SecurityError')),
      }),
    ).toEqual(unknown);
    expect(await getStorageHealth(storage(undefined, undefined))).toMatchObject({
      usage: null,
      quota: null,
      nearlyFull: false,
    });
    expect((await getStorageHealth(storage(NaN, 0))).nearlyFull).toBe(false);
  });
});

/** The server answers `results(entries)` for the next batch. */
async function answer(db: UserDb, results: (entries: OutboxEntry[]) => MutationResult[]) {
  const batch = await takeOutboxBatch(db, 100);
  await applyPushResults(db, batch, {
    serverTime: '2025-03-14T08:00:00.000Z',
    serverEpoch: 'epoch-1',
    results: results(batch),
  });
}

describe('exportUnsynced', () => {
  it('writes every pending, conflicting, rejected and amended log with its queue and attention, and nothing synced', async () => {
    const { db, userId } = await freshDb();
    const save = (notes: string, id?: string) =>
      saveLog(db, { ...(id ? { id } : {}), content: makeContent({ notes }), userId });
    const synced = await save('đã đồng bộ');
    const amended = await save('đã duyệt');
    const rejected = await save('bị từ chối');
    const deleted = await save('sẽ xoá');
    await answer(db, (batch) =>
      batch.map((e) =>
        e.entityId === rejected.id
          ? {
              mutationId: e.mutationId,
              status: 'rejected',
              reason: 'invalid',
              problems: [{ field: 'hamletId', code: 'invalid' }],
            }
          : {
              mutationId: e.mutationId,
              status: 'applied',
              serverVersion: 1,
              record: makeRecord(e.entityId, e.payload!),
            },
      ),
    );
    await save('đã duyệt, sửa', amended.id);
    await answer(db, ([e]) => [
      {
        mutationId: e!.mutationId,
        status: 'conflict',
        reason: 'approved_locked',
        serverVersion: 2,
        record: makeRecord(amended.id, makeContent({ notes: 'đã duyệt' }), {
          version: 2,
          status: 'approved',
        }),
      },
    ]);
    const pending = await save('chưa gửi');
    await save('chưa gửi, sửa', pending.id);
    await deleteLog(db, deleted.id, userId);
    const clientId = await getClientId(db);
    const now = new Date(2025, 2, 14, 9, 30).getTime();

    const out = await exportUnsynced(db, { now, appVersion: '0.1.0' });

    expect(out.fileName).toBe('sotay-chua-dong-bo-2025-03-14-0930.json');
    expect(out.count).toBe(4);
    expect(out.json).toContain('\n  "logs": [');
    const doc = JSON.parse(out.json) as UnsyncedExportDocument;
    expect(doc).toMatchObject({
      format: 'sotay-unsynced-export',
      schemaVersion: 1,
      exportedAt: new Date(now).toISOString(),
      userId,
      appVersion: '0.1.0',
      database: { name: `sotay-${userId}`, version: db.version },
      serverEpoch: 'epoch-1',
      counts: { logs: 4, outboxEntries: 2, attentionItems: 2 },
      orphanOutboxEntries: [],
      orphanAttentionItems: [],
    });
    expect(doc.clientId).toBe(clientId);
    const byId = new Map(doc.logs.map((l) => [l.id, l]));
    expect(byId.has(synced.id)).toBe(false);
    expect(byId.get(pending.id)).toMatchObject({
      syncState: 'pending',
      content: { notes: 'chưa gửi, sửa' },
      outbox: [{ name: 'log.create', payload: { notes: 'chưa gửi, sửa' }, attempts: 0 }],
      attention: [],
    });
    expect(byId.get(amended.id)).toMatchObject({
      syncState: 'amendment',
      reviewStatus: 'approved',
      content: { notes: 'đã duyệt, sửa' },
      attention: [
        {
          reason: 'approved_locked',
          localPayload: { notes: 'đã duyệt, sửa' },
          serverRecord: { notes: 'đã duyệt' },
        },
      ],
    });
    expect(byId.get(rejected.id)).toMatchObject({
      syncState: 'rejected',
      problem: { reason: 'invalid', problems: [{ field: 'hamletId', code: 'invalid' }] },
      attention: [{ status: 'rejected' }],
    });
    expect(byId.get(deleted.id)).toMatchObject({
      deleted: true,
      syncState: 'pending',
      outbox: [{ name: 'log.delete', baseVersion: 1, payload: null }],
    });
    // A copy: the device still holds everything.
    expect(await db.count('outbox')).toBe(2);
    expect(await db.count('attention')).toBe(2);
  });

  it('exports an empty list when everything is synced', async () => {
    const { db, userId } = await freshDb();

    const out = await exportUnsynced(db, { userId: 'u-1' });

    expect(out.count).toBe(0);
    expect(JSON.parse(out.json)).toMatchObject({ userId: 'u-1', logs: [], appVersion: 'unknown' });
    expect(userId).not.toBe('u-1');
  });
});
