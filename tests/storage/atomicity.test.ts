/**
 * M4 (SYNC.md §4): a log is never stored without its outbox entry.
 */
import { describe, expect, it } from 'vitest';
import { saveLog, deleteLog, type LocalLog } from '../../src/storage/index.ts';
import { makeContent } from '../helpers/log-builders.ts';
import { freshDb } from './fresh-db.ts';

describe('the transaction-lifetime rule (SYNC.md pitfall 1)', () => {
  it('matters: awaiting a macrotask inside a transaction commits it and loses the second write', async () => {
    const { db } = await freshDb();
    const log = { id: crypto.randomUUID(), syncState: 'pending' } as unknown as LocalLog;

    const tx = db.transaction(['logs', 'outbox'], 'readwrite');
    await tx.objectStore('logs').put(log);
    await new Promise((resolve) => setTimeout(resolve, 0)); // e.g. fetch, setTimeout, crypto
    const second = (async () => {
      await tx.objectStore('outbox').add({ mutationId: 'm', entityId: log.id } as never);
    })();

    // The transaction already committed: fake-indexeddb and browsers refuse the second write.
    await expect(second).rejects.toMatchObject({
      name: expect.stringMatching(/^(InvalidStateError|TransactionInactiveError)$/) as unknown,
    });
    expect(await db.get('logs', log.id)).toBeDefined(); // the first put committed on its own
    expect(await db.count('outbox')).toBe(0); // …and that log would never sync
  });
});

describe('saveLog atomicity', () => {
  it('every pending log has an outbox entry after 300 saves interleaved with crypto.subtle', async () => {
    const { db, userId } = await freshDb();
    const digests: Promise<ArrayBuffer>[] = [];
    const saves: Promise<LocalLog>[] = [];

    for (let i = 0; i < 300; i++) {
      const day = String((i % 28) + 1).padStart(2, '0');
      saves.push(saveLog(db, { content: makeContent({ activityDate: `2025-01-${day}` }), userId }));
      digests.push(crypto.subtle.digest('SHA-256', new TextEncoder().encode(`noise ${i}`)));
      if (i % 7 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const saved = await Promise.all(saves);
    await Promise.all(digests);
    // Edits and deletes interleaved the same way.
    await Promise.all([
      ...saved
        .slice(0, 50)
        .map((l) => saveLog(db, { id: l.id, content: makeContent({ notes: 'sửa' }), userId })),
      ...saved.slice(250).map((l) => deleteLog(db, l.id, userId)),
      ...saved.map((_, i) => crypto.subtle.digest('SHA-256', new Uint8Array([i]))),
    ]);

    const logs = await db.getAll('logs');
    const outbox = await db.getAll('outbox');
    const queuedFor = new Set(outbox.map((e) => e.entityId));
    const pending = logs.filter((l) => l.syncState === 'pending');
    expect(logs).toHaveLength(300);
    expect(pending).toHaveLength(300);
    expect(pending.filter((l) => !queuedFor.has(l.id))).toEqual([]);
    expect([...queuedFor].filter((id) => !logs.some((l) => l.id === id))).toEqual([]);
    // Nothing was pushed yet, so edits replaced their queued creates: one create + 50 deletes.
    expect(outbox.filter((e) => e.name === 'log.create')).toHaveLength(300);
    expect(outbox.filter((e) => e.name === 'log.delete')).toHaveLength(50);
    expect(new Set(outbox.map((e) => e.mutationId)).size).toBe(outbox.length);
  });
});
