import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { openDB } from 'idb';
import {
  DB_VERSION,
  getClientId,
  openUserDb,
  userDbName,
  type LocalLog,
  type OutboxEntry,
  type UserDb,
} from '../../src/storage/index.ts';
import { UUID_PATTERN } from '../../src/shared/ids.ts';
import { freshDb } from './fresh-db.ts';

describe('openUserDb', () => {
  it('creates one database per user with the logs, outbox, attention, meta and contacts stores', async () => {
    const { db, userId } = await freshDb();

    expect(db.name).toBe(userDbName(userId));
    expect(db.name).toBe(`sotay-${userId}`);
    expect([...db.objectStoreNames].sort()).toEqual([
      'attention',
      'contacts',
      'logs',
      'meta',
      'outbox',
    ]);
    const tx = db.transaction(['logs', 'outbox', 'attention'], 'readonly');
    expect([...tx.objectStore('logs').indexNames].sort()).toEqual([
      'byActivityDate',
      'byStatus',
      'bySyncState',
    ]);
    expect([...tx.objectStore('outbox').indexNames].sort()).toEqual(['byEntity', 'byMutationId']);
    expect(tx.objectStore('outbox').autoIncrement).toBe(true);
    expect([...tx.objectStore('attention').indexNames]).toEqual(['byEntity']);
    db.close();
  });

  it('keeps two users apart on the same device', async () => {
    const a = await openUserDb(`u-${crypto.randomUUID()}`);
    const b = await openUserDb(`u-${crypto.randomUUID()}`);

    expect(await getClientId(a)).not.toBe(await getClientId(b));
    a.close();
    b.close();
  });

  it('closes itself and calls onVersionChange when a newer version wants to open', async () => {
    const onVersionChange = vi.fn();
    const { db, userId } = await freshDb({ onVersionChange });

    const newer = await openDB(userDbName(userId), DB_VERSION + 1);

    expect(onVersionChange).toHaveBeenCalledOnce();
    expect(newer.version).toBe(DB_VERSION + 1);
    expect(() => db.transaction('logs')).toThrow();
    newer.close();
  });

  it('refuses an empty user id', async () => {
    await expect(openUserDb('')).rejects.toThrow(TypeError);
  });
});

describe('getClientId', () => {
  it('creates a UUIDv4 once and keeps it after a reload', async () => {
    const { db, reopen } = await freshDb();
    const first = await getClientId(db);

    const again = await getClientId(db);
    const db2 = await reopen();
    const afterReload = await getClientId(db2);

    expect(first).toMatch(UUID_PATTERN);
    expect(first[14]).toBe('4');
    expect(again).toBe(first);
    expect(afterReload).toBe(first);
    db2.close();
  });
});

describe('UserDb typing', () => {
  it('lets each store hold only its own records', () => {
    // Compile-time checks (tsc -p tsconfig.test.json); never called.
    const typeOnly = (db: UserDb) => {
      expectTypeOf(db.get('logs', 'id')).resolves.toEqualTypeOf<LocalLog | undefined>();
      expectTypeOf(db.getAll('outbox')).resolves.toEqualTypeOf<OutboxEntry[]>();
      // @ts-expect-error a meta record is not a log
      void db.put('logs', { key: 'clientId', value: 'x' });
      // @ts-expect-error outbox keys are client sequence numbers
      void db.get('outbox', 'not-a-number');
    };

    expect(typeof typeOnly).toBe('function');
  });
});
