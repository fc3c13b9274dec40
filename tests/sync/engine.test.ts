/**
 * The sync engine against the real server (createApp on PGlite): offline
 * saves, lost answers, review round-trips, poison mutations and 401s.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  applyPullPage,
  DB_VERSION,
  deleteLog,
  getCheckpoint,
  getLog,
  getMeta,
  getSyncSummary,
  listAttention,
  openUserDb,
  peekOutbox,
  saveLog,
} from '../../src/storage/index.ts';
import { createApiClient, createSyncEngine } from '../../src/sync/index.ts';
import { openAtVersion } from '../storage/fresh-db.ts';
import { createCookieFetch } from '../helpers/cookie-fetch.ts';
import { makeContent, makeRecord } from '../helpers/log-builders.ts';
import { uuidv7 } from '../../src/shared/ids.ts';
import { MAX_PUSH_MUTATIONS } from '../../src/shared/protocol.ts';
import { createTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.ts';
import { device, manualTimers, serverLogIds, wipeSyncData } from './setup.ts';

let server: TestServer;

// One server per file (PGlite takes seconds to start); each test starts from no sync data.
beforeAll(async () => {
  server = await createTestServer({ backend: 'pglite' });
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  await wipeSyncData(server);
});

async function coordinator() {
  const net = createCookieFetch(server.app);
  const api = createApiClient({ fetch: net.fetch });
  await api.login({ username: 'canbo.tanphu', password: TEST_PASSWORD });
  return api;
}

describe('sync engine', () => {
  it('drains a queue saved by the previous app version (IndexedDB v1) after the upgrade', async () => {
    const { api, user, db: unused } = await device(server);
    unused.close();
    const dbUserId = `${user.id}.${crypto.randomUUID()}`;
    const v1 = await openAtVersion(dbUserId, 1);
    const saved = [];
    for (let i = 0; i < 3; i++) {
      saved.push(
        await saveLog(v1, { content: makeContent({ notes: `v1 ${i}` }), userId: user.id }),
      );
    }
    v1.close();

    const db = await openUserDb(dbUserId);
    const engine = createSyncEngine({
      db,
      api,
      userId: user.id,
      locks: null,
      window: null,
      document: null,
      ...manualTimers(),
    });
    const outcome = await engine.syncNow();

    expect(db.version).toBe(DB_VERSION);
    expect(outcome).toMatchObject({ status: 'ok', pushed: 3 });
    expect(await serverLogIds(server, user.id)).toEqual(saved.map((l) => l.id).sort());
    expect(await db.count('outbox')).toBe(0);
    db.close();
  });

  it('keeps sessions saved offline pending, then pushes exactly those when online', async () => {
    const { net, user, db, engine } = await device(server);
    net.offline = true;
    const a = await saveLog(db, { content: makeContent({ notes: 'buổi 1' }), userId: user.id });
    const b = await saveLog(db, { content: makeContent({ notes: 'buổi 2' }), userId: user.id });

    const offline = await engine.syncNow();

    expect(offline).toEqual({ status: 'offline', error: 'network' });
    expect(engine.getStatus()).toMatchObject({
      state: 'offline',
      pending: 2,
      lastError: 'network',
    });
    expect((await getLog(db, a.id))?.syncState).toBe('pending');
    expect(await serverLogIds(server, user.id)).toEqual([]);

    net.offline = false;
    const online = await engine.syncNow();

    expect(online).toMatchObject({ status: 'ok', pushed: 2, attention: 0 });
    expect(await serverLogIds(server, user.id)).toEqual([a.id, b.id].sort());
    for (const log of [a, b]) {
      expect(await getLog(db, log.id)).toMatchObject({
        syncState: 'synced',
        serverVersion: 1,
        status: 'submitted',
        notes: log.notes,
      });
    }
    expect(await getSyncSummary(db)).toEqual({ pending: 0, oldestPendingAt: null, attention: 0 });
    expect(engine.getStatus()).toMatchObject({ state: 'idle', pending: 0, lastError: null });
    expect(engine.getStatus().lastSyncAt).not.toBeNull();
    expect(Math.abs(engine.getStatus().clockSkewMs ?? Infinity)).toBeLessThan(60_000);
  });

  it('survives a lost answer: the same push twice makes no duplicate and ends synced', async () => {
    const { net, user, db, engine } = await device(server);
    const log = await saveLog(db, { content: makeContent(), userId: user.id });
    net.dropNextResponses(1);

    const lost = await engine.syncNow();

    expect(lost.status).toBe('offline');
    expect(await serverLogIds(server, user.id)).toEqual([log.id]); // the server did apply it
    expect(await peekOutbox(db, 10)).toHaveLength(1); // the client could not know

    const retried = await engine.syncNow();

    expect(retried).toMatchObject({ status: 'ok', pushed: 1 });
    expect(await serverLogIds(server, user.id)).toEqual([log.id]);
    const processed = await server.db.query<{ n: number | string }>(
      'select count(*) as n from processed_mutation',
    );
    expect(Number(processed[0]?.n)).toBe(1);
    expect(await getLog(db, log.id)).toMatchObject({ syncState: 'synced', serverVersion: 1 });
    const pushes = net.requests.filter((r) => r.path === '/api/sync/push');
    expect(pushes.map((r) => r.dropped ?? false)).toEqual([true, false]);
  });

  it('brings the coordinator’s decisions back: approved, and returned with the comment', async () => {
    const { user, db, engine } = await device(server);
    const a = await saveLog(db, { content: makeContent({ notes: 'duyệt' }), userId: user.id });
    const b = await saveLog(db, { content: makeContent({ notes: 'trả lại' }), userId: user.id });
    await engine.syncNow();
    const review = await coordinator();

    await review.decide(a.id, { decision: 'approve', expectedVersion: 1 });
    await review.decide(b.id, {
      decision: 'return',
      expectedVersion: 1,
      comment: 'Ghi rõ số hộ',
    });
    const outcome = await engine.syncNow();

    expect(outcome).toMatchObject({ status: 'ok', pushed: 0, pulled: 2 });
    expect(await getLog(db, a.id)).toMatchObject({
      status: 'approved',
      serverVersion: 2,
      syncState: 'synced',
      notes: 'duyệt',
    });
    const returned = await getLog(db, b.id);
    expect(returned).toMatchObject({
      status: 'changes_requested',
      reviewComment: 'Ghi rõ số hộ',
      serverVersion: 2,
      syncState: 'synced',
    });
    expect(returned?.reviewedByName).toBeTruthy();
    expect(returned?.reviewedAt).toBeTruthy();
  });

  it('an edit of an approved log becomes an amendment in attention; a fix of a returned one is resubmitted', async () => {
    const { user, db, engine } = await device(server);
    const a = await saveLog(db, { content: makeContent({ notes: 'a' }), userId: user.id });
    const b = await saveLog(db, { content: makeContent({ notes: 'b' }), userId: user.id });
    await engine.syncNow();
    const review = await coordinator();
    await review.decide(a.id, { decision: 'approve', expectedVersion: 1 });
    await review.decide(b.id, { decision: 'return', expectedVersion: 1, comment: 'Thiếu' });
    await engine.syncNow();

    await saveLog(db, { id: a.id, content: makeContent({ notes: 'a sửa' }), userId: user.id });
    await saveLog(db, { id: b.id, content: makeContent({ notes: 'b sửa' }), userId: user.id });
    const outcome = await engine.syncNow();

    expect(outcome).toMatchObject({ status: 'ok', pushed: 2, attention: 1 });
    expect(await getLog(db, a.id)).toMatchObject({
      syncState: 'amendment',
      status: 'approved',
      problem: { reason: 'approved_locked' },
    });
    expect(await getLog(db, b.id)).toMatchObject({
      syncState: 'synced',
      status: 'submitted',
      notes: 'b sửa',
      serverVersion: 3,
    });
    const [item] = await listAttention(db);
    expect(item).toMatchObject({ entityId: a.id, status: 'conflict', reason: 'approved_locked' });
    expect(item?.localPayload?.notes).toBe('a sửa');
    expect(item?.serverRecord?.notes).toBe('a');
    expect((await review.getReviewLog(a.id)).notes).toBe('a'); // approved content untouched
  });

  it('puts a mutation the server rejects in attention without blocking the others', async () => {
    const { user, db, engine } = await device(server);
    const before = await saveLog(db, { content: makeContent({ notes: '1' }), userId: user.id });
    const bad = await saveLog(db, {
      // Valid on the device, refused by the server: the skill is not in the curriculum.
      content: makeContent({
        skills: [{ skillId: 'khong-co-ky-nang', contentVersion: 1, stepsDone: [] }],
      }),
      userId: user.id,
    });
    const after = await saveLog(db, { content: makeContent({ notes: '3' }), userId: user.id });

    const outcome = await engine.syncNow();

    expect(outcome).toMatchObject({ status: 'ok', pushed: 3, attention: 1 });
    expect(await serverLogIds(server, user.id)).toEqual([before.id, after.id].sort());
    expect((await getLog(db, before.id))?.syncState).toBe('synced');
    expect((await getLog(db, after.id))?.syncState).toBe('synced');
    expect(await getLog(db, bad.id)).toMatchObject({
      syncState: 'rejected',
      problem: { reason: 'invalid', problems: [{ field: 'skills', code: 'unknownSkill' }] },
    });
    expect(await listAttention(db)).toMatchObject([
      { entityId: bad.id, status: 'rejected', reason: 'invalid' },
    ]);
    expect(await peekOutbox(db, 10)).toEqual([]);
    expect(engine.getStatus()).toMatchObject({ pending: 0, attention: 1 });
  });

  it('keeps the outbox on 401 and pushes it after signing in again', async () => {
    const { api, user, db, engine } = await device(server);
    await api.logout();
    const log = await saveLog(db, { content: makeContent(), userId: user.id });

    const outcome = await engine.syncNow();

    expect(outcome).toEqual({ status: 'unauthorized' });
    expect(engine.getStatus()).toMatchObject({ state: 'unauthorized', pending: 1 });
    expect(await peekOutbox(db, 10)).toHaveLength(1);
    expect((await getLog(db, log.id))?.syncState).toBe('pending');

    await api.login({ username: 'tnv.an', password: TEST_PASSWORD });
    const again = await engine.syncNow();

    expect(again).toMatchObject({ status: 'ok', pushed: 1 });
    expect(await serverLogIds(server, user.id)).toEqual([log.id]);
  });

  it('pushes an edit made while its create was in flight, and a delete', async () => {
    const { net, user, db, engine } = await device(server);
    const log = await saveLog(db, { content: makeContent({ notes: 'v1' }), userId: user.id });
    const gone = await saveLog(db, { content: makeContent({ notes: 'xoá' }), userId: user.id });
    net.dropNextResponses(1);
    await engine.syncNow(); // both creates reached the server; the answer was lost
    await saveLog(db, { id: log.id, content: makeContent({ notes: 'v2' }), userId: user.id });
    await deleteLog(db, gone.id, user.id);

    const outcome = await engine.syncNow();

    expect(outcome.status).toBe('ok');
    expect(await getLog(db, log.id)).toMatchObject({
      notes: 'v2',
      syncState: 'synced',
      serverVersion: 2,
    });
    expect(await getLog(db, gone.id, { includeDeleted: true })).toMatchObject({
      deleted: true,
      syncState: 'synced',
    });
    const rows = await server.db.query<{ id: string; notes: string; deleted: boolean }>(
      'select id, notes, deleted_at is not null as deleted from activity_log order by notes',
    );
    expect(rows.map((r) => [r.id, r.notes, r.deleted])).toEqual([
      [log.id, 'v2', false],
      [gone.id, 'xoá', true],
    ]);
    expect(await listAttention(db)).toEqual([]);
  });

  it('after a server restore (new epoch) resets: drops out-of-scope rows and pulls everything again', async () => {
    const { user, db, engine } = await device(server);
    const log = await saveLog(db, { content: makeContent(), userId: user.id });
    await engine.syncNow();
    const stranger = makeRecord(uuidv7(), makeContent({ communeId: 'xa-cu', hamletId: 'h' }));
    await applyPullPage(db, {
      changes: [
        {
          id: stranger.id,
          communeId: 'xa-cu',
          seq: 1,
          version: 1,
          deleted: false,
          record: stranger,
        },
      ],
      cp: { epoch: 'epoch-before-restore', perCommune: { 'tan-phu': 50, 'xa-cu': 1 } },
      hasMore: false,
      serverTime: new Date().toISOString(),
      serverEpoch: 'epoch-before-restore',
    });

    const outcome = await engine.syncNow();

    expect(outcome.status).toBe('ok');
    expect(await getLog(db, stranger.id)).toBeUndefined();
    expect(await getLog(db, log.id)).toMatchObject({ syncState: 'synced', serverVersion: 1 });
    const cp = await getCheckpoint(db);
    expect(cp?.epoch).toBe(await getMeta(db, 'serverEpoch'));
    expect(cp?.epoch).not.toBe('epoch-before-restore');
    expect(Object.keys(cp?.perCommune ?? {})).toEqual(['tan-phu']);
  });

  it('a second device of the same volunteer receives the logs of the first', async () => {
    const first = await device(server);
    const second = await device(server);
    const log = await saveLog(first.db, {
      content: makeContent({ notes: 'máy 1' }),
      userId: first.user.id,
    });
    await first.engine.syncNow();

    const outcome = await second.engine.syncNow();

    expect(outcome).toMatchObject({ status: 'ok', pulled: 1 });
    expect(await getLog(second.db, log.id)).toMatchObject({
      notes: 'máy 1',
      syncState: 'synced',
      serverVersion: 1,
      status: 'submitted',
    });
  });

  it('gzips large pushes, sends batches of at most MAX_PUSH_MUTATIONS, and halves a batch on 413', async () => {
    const { net, user, db, engine } = await device(server);
    const total = MAX_PUSH_MUTATIONS + 30;
    for (let i = 0; i < total; i++) {
      await saveLog(db, { content: makeContent({ notes: `buổi ${i}` }), userId: user.id });
    }
    const sent: { size: number; gzip: boolean }[] = [];
    net.intercept = async ({ path, init }) => {
      if (path !== '/api/sync/push') return undefined;
      const gzip = new Headers(init.headers).get('content-encoding') === 'gzip';
      const body = init.body as Uint8Array<ArrayBuffer>;
      const stream = new Blob([body]).stream();
      const text = await new Response(
        gzip ? stream.pipeThrough(new DecompressionStream('gzip')) : stream,
      ).text();
      const size = (JSON.parse(text) as { mutations: unknown[] }).mutations.length;
      sent.push({ size, gzip });
      // A proxy with a smaller body limit than the server's.
      return size > 40 ? Response.json({ error: 'too_large' }, { status: 413 }) : undefined;
    };

    const outcome = await engine.syncNow();

    // Halved until the proxy takes it, and that size kept for the rest of the run.
    const halvings: number[] = [];
    for (let n = MAX_PUSH_MUTATIONS; n > 40; n = Math.floor(n / 2)) halvings.push(n);
    const accepted = Math.floor(halvings.at(-1)! / 2);
    expect(outcome).toMatchObject({ status: 'ok', pushed: total });
    expect(sent.slice(0, halvings.length + 1).map((s) => s.size)).toEqual([...halvings, accepted]);
    expect(sent.every((s) => s.gzip)).toBe(true);
    expect(Math.max(...sent.slice(halvings.length).map((s) => s.size))).toBeLessThanOrEqual(
      accepted,
    );
    expect(await serverLogIds(server, user.id)).toHaveLength(total);
    expect(await peekOutbox(db, total)).toEqual([]);
  });

  it('halves the next batch when a push times out, and grows it back after answers', async () => {
    const { net, user, db, timers } = await device(server);
    const api = createApiClient({ fetch: net.fetch, timeoutMs: 200 });
    const engine = createSyncEngine({
      db,
      api,
      userId: user.id,
      pushBatchSize: 20,
      setTimeout: timers.setTimeout,
      clearTimeout: timers.clearTimeout,
      locks: null,
      window: null,
      document: null,
    });
    for (let i = 0; i < 30; i++) {
      await saveLog(db, { content: makeContent({ notes: `chậm ${i}` }), userId: user.id });
    }
    const sent: number[] = [];
    net.intercept = async ({ path, init }) => {
      if (path !== '/api/sync/push') return undefined;
      const stream = new Blob([init.body as Uint8Array<ArrayBuffer>]).stream();
      const gzip = new Headers(init.headers).get('content-encoding') === 'gzip';
      const text = await new Response(
        gzip ? stream.pipeThrough(new DecompressionStream('gzip')) : stream,
      ).text();
      const size = (JSON.parse(text) as { mutations: unknown[] }).mutations.length;
      sent.push(size);
      // A link that can carry 5 sessions within the time limit, not more.
      return size > 5 ? new Promise<Response>(() => {}) : undefined;
    };
    for (let run = 0; run < 12 && (await serverLogIds(server, user.id)).length < 30; run++) {
      await engine.syncNow();
    }

    expect(sent.slice(0, 3)).toEqual([20, 10, 5]);
    expect(await serverLogIds(server, user.id)).toHaveLength(30);
    expect(await peekOutbox(db, 50)).toEqual([]);
  });
});
