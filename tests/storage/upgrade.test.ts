/**
 * The IndexedDB upgrade ladder never loses the outbox (SYNC.md §3.7, §4 E5),
 * and an old connection steps aside for a new version (pitfall 5). Uses the
 * real ladder (upgradeUserDb) to build a database of an older version.
 */
import { openDB } from 'idb';
import { describe, expect, it, vi } from 'vitest';
import {
  DB_VERSION,
  getClientId,
  listReturned,
  openUserDb,
  saveLog,
  userDbName,
  type LocalLog,
  type SotayDB,
  type UserDb,
} from '../../src/storage/index.ts';
import { uuidv7 } from '../../src/shared/ids.ts';
import { makeContent } from '../helpers/log-builders.ts';
import { openAtVersion } from './fresh-db.ts';

/** Everything in every store, for before/after comparisons. */
async function dump(db: UserDb) {
  return {
    logs: await db.getAll('logs'),
    outbox: await db.getAll('outbox'),
    attention: await db.getAll('attention'),
    meta: await db.getAll('meta'),
  };
}

/** A log as v1 wrote it once the server had acknowledged it (v1 knew no `ackedAt`). */
function syncedV1(notes: string, updatedAtDevice: number): LocalLog {
  return {
    ...makeContent({ notes }),
    id: uuidv7(),
    syncState: 'synced',
    serverVersion: 2,
    status: 'approved',
    reviewComment: null,
    reviewedAt: '2025-03-14T09:00:00.000Z',
    reviewedByName: 'Cán bộ',
    deleted: false,
    createdAtDevice: updatedAtDevice - 1000,
    updatedAtDevice,
  };
}

describe('the upgrade ladder', () => {
  it('opens a v1 database with queued changes as the current version, outbox and logs intact', async () => {
    expect(DB_VERSION).toBe(4);
    const userId = `u-${crypto.randomUUID()}`;
    const v1 = await openAtVersion(userId, 1);
    expect(v1.version).toBe(1);
    const clientId = await getClientId(v1);
    const saved = [];
    for (let i = 0; i < 5; i++) {
      saved.push(await saveLog(v1, { content: makeContent({ notes: `v1 ${i}` }), userId }));
    }
    await saveLog(v1, { id: saved[0]!.id, content: makeContent({ notes: 'v1 sửa' }), userId });
    const synced = syncedV1('đã duyệt', Date.UTC(2025, 2, 14));
    await v1.put('logs', synced);
    await v1.put('attention', {
      mutationId: uuidv7(),
      entityId: synced.id,
      name: 'log.update',
      status: 'conflict',
      reason: 'approved_locked',
      problems: [],
      baseVersion: 2,
      localPayload: makeContent({ notes: 'sửa sau khi duyệt' }),
      serverRecord: null,
      createdAtDevice: 1,
      receivedAt: 2,
    });
    const before = await dump(v1);
    expect(before.outbox).toHaveLength(5);
    v1.close();

    const db = await openUserDb(userId);

    expect(db.version).toBe(DB_VERSION);
    const after = await dump(db);
    expect(after.outbox).toEqual(before.outbox);
    expect(after.attention).toEqual(before.attention);
    expect(after.meta).toEqual(before.meta);
    expect(await getClientId(db)).toBe(clientId);
    // The v2 step: the synced log counts as acknowledged when v1 last wrote it.
    expect(after.logs).toEqual(
      before.logs.map((l) => (l.id === synced.id ? { ...l, ackedAt: synced.updatedAtDevice } : l)),
    );
    // The v3 step: an index of the review status, built from the stored logs.
    expect([...db.transaction('logs').store.indexNames]).toContain('byStatus');
    const returned = {
      ...syncedV1('trả lại', Date.UTC(2025, 2, 15)),
      status: 'changes_requested' as const,
    };
    await db.put('logs', returned);
    expect(await listReturned(db)).toEqual({ count: 1, logs: [returned] });
    // The v4 step: an empty store of follow-up contacts, apart from the logs.
    expect([...db.objectStoreNames]).toContain('contacts');
    expect(await db.count('contacts')).toBe(0);
    // The client sequence goes on where v1 left it.
    await saveLog(db, { content: makeContent({ notes: 'v2' }), userId });
    const seqs = (await db.getAll('outbox')).map((e) => e.seq);
    expect(seqs.at(-1)).toBe(Math.max(...before.outbox.map((e) => e.seq)) + 1);
    db.close();
  });

  it('opening the current version again changes nothing', async () => {
    const userId = `u-${crypto.randomUUID()}`;
    const db = await openUserDb(userId);
    await saveLog(db, { content: makeContent(), userId });
    const before = await dump(db);
    db.close();

    const again = await openUserDb(userId);

    expect(await dump(again)).toEqual(before);
    again.close();
  });
});

describe('an old connection and a new version', () => {
  it('every open tab closes its connection and says so, so the new version opens at once', async () => {
    const userId = `u-${crypto.randomUUID()}`;
    const onVersionChangeA = vi.fn();
    const onVersionChangeB = vi.fn();
    const tabA = await openUserDb(userId, { onVersionChange: onVersionChangeA });
    const tabB = await openUserDb(userId, { onVersionChange: onVersionChangeB });
    await saveLog(tabA, { content: makeContent(), userId });
    const onBlocked = vi.fn();

    const newer = await openDB<SotayDB>(userDbName(userId), DB_VERSION + 1, {
      blocked: onBlocked,
    });

    expect(onVersionChangeA).toHaveBeenCalledOnce();
    expect(onVersionChangeB).toHaveBeenCalledOnce();
    expect(onBlocked).not.toHaveBeenCalled();
    expect(() => tabA.transaction('logs')).toThrow();
    expect(() => tabB.transaction('logs')).toThrow();
    expect(newer.version).toBe(DB_VERSION + 1);
    expect(await newer.count('outbox')).toBe(1);
    newer.close();
  });

  it('an old tab that keeps its connection blocks the upgrade (onBlocked) until it closes', async () => {
    const userId = `u-${crypto.randomUUID()}`;
    // An old app version that does not close on versionchange.
    const oldTab = await openAtVersion(userId, 1);
    await saveLog(oldTab, { content: makeContent(), userId });
    const onBlocked = vi.fn();

    const opening = openUserDb(userId, { onBlocked });
    await vi.waitFor(() => expect(onBlocked).toHaveBeenCalled());
    let opened = false;
    void opening.then(() => (opened = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(opened).toBe(false);
    oldTab.close();
    const db = await opening;

    expect(db.version).toBe(DB_VERSION);
    expect(await db.count('outbox')).toBe(1);
    db.close();
  });
});
