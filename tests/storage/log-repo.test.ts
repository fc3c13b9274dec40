import { describe, expect, it } from 'vitest';
import {
  applyPushResults,
  deleteLog,
  getLog,
  listLogs,
  LogNotFoundError,
  peekOutbox,
  saveLog,
  takeOutboxBatch,
  ValidationError,
  type UserDb,
} from '../../src/storage/index.ts';
import { payloadHash } from '../../src/shared/hash.ts';
import { UUID_PATTERN } from '../../src/shared/ids.ts';
import { PAYLOAD_SCHEMA, type PushResponse } from '../../src/shared/protocol.ts';
import type { LogContent } from '../../src/shared/schemas/log.ts';
import { makeContent, makeRecord } from '../helpers/log-builders.ts';
import { freshDb } from './fresh-db.ts';

const allOutbox = (db: UserDb) => db.getAll('outbox');

function applied(mutationId: string, id: string, content: LogContent, version = 1): PushResponse {
  return {
    serverTime: new Date().toISOString(),
    serverEpoch: 'epoch-1',
    results: [
      {
        mutationId,
        status: 'applied',
        serverVersion: version,
        record: makeRecord(id, content, { version }),
      },
    ],
  };
}

describe('saveLog', () => {
  it('stores the log and exactly one outbox entry, both still there after a reload', async () => {
    const { db, userId, reopen } = await freshDb();
    const content = makeContent();

    const log = await saveLog(db, { content, userId });
    const db2 = await reopen();

    expect(log.id).toMatch(UUID_PATTERN);
    expect(log.syncState).toBe('pending');
    expect(log.serverVersion).toBeNull();
    expect(log.status).toBeNull();
    expect(await getLog(db2, log.id)).toEqual(log);
    const outbox = await allOutbox(db2);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      seq: 1,
      name: 'log.create',
      entityId: log.id,
      userId,
      baseVersion: null,
      payloadSchema: PAYLOAD_SCHEMA,
      attempts: 0,
      payloadHash: await payloadHash(content),
    });
    expect(outbox[0]?.mutationId).toMatch(UUID_PATTERN);
    db2.close();
  });

  it('rejects invalid content with a ValidationError naming the fields and writes nothing', async () => {
    const { db, userId } = await freshDb();
    const content = makeContent({
      activityDate: '2025-02-30',
      outcome: 'partly',
      residents: { under30: 0, from30to59: 0, over60: 0 },
    });

    const error = await saveLog(db, { content, userId }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    const fields = (error as ValidationError).problems.map((p) => p.field).sort();
    expect(fields).toEqual(['activityDate', 'reason', 'residents']);
    expect((error as ValidationError).problems).toContainEqual({
      field: 'activityDate',
      code: 'invalidDate',
    });
    expect(await db.count('logs')).toBe(0);
    expect(await db.count('outbox')).toBe(0);
  });

  it('names the cross-field rule (a reason is required unless the outcome is done)', async () => {
    const { db, userId } = await freshDb();

    const error = await saveLog(db, {
      content: makeContent({ outcome: 'not_possible' }),
      userId,
    }).catch((e: unknown) => e);

    expect((error as ValidationError).problems).toEqual([
      { field: 'reason', code: 'reasonRequired' },
    ]);
    expect(await db.count('outbox')).toBe(0);
  });

  it('stores the normalized content (trimmed notes, upper-case household code)', async () => {
    const { db, userId } = await freshDb();

    const log = await saveLog(db, {
      content: makeContent({ notes: '  ghi chú  ', householdCode: ' hx-12 ' }),
      userId,
    });

    expect(log.notes).toBe('ghi chú');
    expect(log.householdCode).toBe('HX-12');
    expect((await allOutbox(db))[0]?.payload).toMatchObject({
      notes: 'ghi chú',
      householdCode: 'HX-12',
    });
  });

  it('queues log.update on the server version when editing a synced log', async () => {
    const { db, userId } = await freshDb();
    const content = makeContent();
    const log = await saveLog(db, { content, userId });
    const [create] = await takeOutboxBatch(db, 10);
    await applyPushResults(db, [create!], applied(create!.mutationId, log.id, content, 1));

    const edited = await saveLog(db, { id: log.id, content: { ...content, notes: 'sửa' }, userId });

    expect(edited.syncState).toBe('pending');
    expect(edited.serverVersion).toBe(1);
    expect(edited.status).toBe('submitted');
    const outbox = await allOutbox(db);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ name: 'log.update', baseVersion: 1, entityId: log.id });
  });

  it('replaces the payload of a queued create that no push has taken yet', async () => {
    const { db, userId } = await freshDb();
    const log = await saveLog(db, { content: makeContent(), userId });
    const [before] = await allOutbox(db);

    const edited = makeContent({ notes: 'đã sửa trước khi gửi' });
    await saveLog(db, { id: log.id, content: edited, userId });

    const outbox = await allOutbox(db);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      seq: before!.seq,
      mutationId: before!.mutationId,
      name: 'log.create',
      payload: edited,
      payloadHash: await payloadHash(edited),
    });
    expect((await getLog(db, log.id))?.notes).toBe('đã sửa trước khi gửi');
  });

  it('holds an edit of a create already handed to a push until the create is acknowledged', async () => {
    const { db, userId } = await freshDb();
    const content = makeContent();
    const log = await saveLog(db, { content, userId });
    const batch = await takeOutboxBatch(db, 10); // the create is in flight
    const edited = makeContent({ notes: 'sửa khi đang gửi' });

    await saveLog(db, { id: log.id, content: edited, userId });

    const outbox = await allOutbox(db);
    expect(outbox.map((e) => [e.name, e.baseVersion])).toEqual([
      ['log.create', null],
      ['log.update', null],
    ]);
    expect(outbox[0]?.payload).toEqual(content); // the in-flight create is never rewritten
    expect((await peekOutbox(db, 10)).map((e) => e.name)).toEqual(['log.create']);

    await applyPushResults(db, batch, applied(batch[0]!.mutationId, log.id, content, 1));

    const next = await peekOutbox(db, 10);
    expect(next).toHaveLength(1);
    expect(next[0]).toMatchObject({ name: 'log.update', baseVersion: 1, payload: edited });
    expect((await getLog(db, log.id))?.syncState).toBe('pending');
    expect((await getLog(db, log.id))?.notes).toBe('sửa khi đang gửi');
  });

  it('refuses to edit a deleted log', async () => {
    const { db, userId } = await freshDb();
    const log = await saveLog(db, { content: makeContent(), userId });
    await deleteLog(db, log.id, userId);

    const error = await saveLog(db, { id: log.id, content: makeContent(), userId }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(LogNotFoundError);
  });
});

describe('deleteLog', () => {
  it('hides the log and queues log.delete on the server version', async () => {
    const { db, userId } = await freshDb();
    const content = makeContent();
    const log = await saveLog(db, { content, userId });
    const batch = await takeOutboxBatch(db, 10);
    await applyPushResults(db, batch, applied(batch[0]!.mutationId, log.id, content, 3));

    await deleteLog(db, log.id, userId);

    expect(await getLog(db, log.id)).toBeUndefined();
    expect(await getLog(db, log.id, { includeDeleted: true })).toMatchObject({
      deleted: true,
      syncState: 'pending',
    });
    expect(await listLogs(db)).toEqual([]);
    const outbox = await allOutbox(db);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      name: 'log.delete',
      baseVersion: 3,
      payload: null,
      payloadHash: await payloadHash(null),
    });
  });

  it('is a no-op the second time and throws for an unknown log', async () => {
    const { db, userId } = await freshDb();
    const log = await saveLog(db, { content: makeContent(), userId });

    await deleteLog(db, log.id, userId);
    await deleteLog(db, log.id, userId);

    expect(await db.count('outbox')).toBe(2); // the create and one delete
    await expect(deleteLog(db, crypto.randomUUID(), userId)).rejects.toBeInstanceOf(
      LogNotFoundError,
    );
  });
});

describe('listLogs', () => {
  it('lists newest activity date first, then newest created first, up to the limit', async () => {
    const { db, userId } = await freshDb();
    const save = (activityDate: string, now: number) =>
      saveLog(db, { content: makeContent({ activityDate }), userId, now });
    const a = await save('2025-03-01', 1000);
    const b = await save('2025-03-05', 2000);
    const c = await save('2025-03-05', 3000);
    const d = await save('2025-02-01', 4000);

    const all = await listLogs(db);
    const firstTwo = await listLogs(db, { limit: 2 });

    expect(all.map((l) => l.id)).toEqual([c.id, b.id, a.id, d.id]);
    expect(firstTwo.map((l) => l.id)).toEqual([c.id, b.id]);
  });
});
