/**
 * A server restored from a backup (SYNC.md §3.4 last bullet, §4 S7) against
 * the real in-process server and its real backup/restore tooling
 * (server.snapshot()/restore(): src/server/db/backup.ts, a new epoch on every
 * restore): the device notices the new epoch, re-pushes what the server lost,
 * leaves alone what it kept, and never duplicates.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  getLog,
  getMeta,
  listAttention,
  listLogs,
  saveLog,
  type UserDb,
} from '../../src/storage/index.ts';
import { createApiClient, type ApiClient } from '../../src/sync/index.ts';
import { createCookieFetch } from '../helpers/cookie-fetch.ts';
import { makeContent } from '../helpers/log-builders.ts';
import { createTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.ts';
import { device, wipeSyncData } from './setup.ts';

let server: TestServer;
let review: ApiClient;

beforeAll(async () => {
  server = await createTestServer({ backend: 'pglite' });
  const net = createCookieFetch(server.app);
  review = createApiClient({ fetch: net.fetch });
  await review.login({ username: 'canbo.tanphu', password: TEST_PASSWORD });
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  await wipeSyncData(server);
});

type ServerRow = {
  id: string;
  notes: string;
  status: string;
  version: number;
  deleted: boolean;
};

async function serverRows(authorId: string): Promise<Map<string, ServerRow>> {
  const rows = await server.db.query<ServerRow>(
    `select id, notes, status, version, deleted_at is not null as deleted
       from activity_log where author_id = $1`,
    [authorId],
  );
  return new Map(rows.map((r) => [r.id, { ...r, version: Number(r.version) }]));
}

/** The device and the server agree on every log: content, version, review, tombstone. */
async function expectConverged(db: UserDb, authorId: string): Promise<void> {
  const rows = await serverRows(authorId);
  const local = await db.getAll('logs');
  expect(local.map((l) => l.id).sort()).toEqual([...rows.keys()].sort());
  for (const log of local) {
    const row = rows.get(log.id)!;
    expect({
      id: log.id,
      notes: log.notes,
      status: log.status,
      version: log.serverVersion,
      deleted: log.deleted,
      syncState: log.syncState,
    }).toEqual({ ...row, syncState: 'synced' });
  }
  expect(await db.count('outbox')).toBe(0);
  expect(await listAttention(db)).toEqual([]);
}

/** Every mutation id applied at most once, and the revisions of each log numbered 1..version. */
async function expectNothingAppliedTwice(): Promise<void> {
  const revs = await server.db.query<{ log_id: string; n: number | string; top: number }>(
    `select r.log_id, count(*) as n, max(r.version) as top
       from activity_log_revision r group by r.log_id`,
  );
  for (const r of revs) expect(Number(r.n)).toBe(Number(r.top));
  const dup = await server.db.query(
    `select mutation_id from activity_log_revision where mutation_id is not null
      group by mutation_id having count(*) > 1`,
  );
  expect(dup).toEqual([]);
}

describe('after a server restore', () => {
  it('re-pushes what the backup lacked, keeps what it had (a returned log stays returned), no duplicates', async () => {
    const { net, user, db, engine } = await device(server);
    const save = (notes: string, id?: string) =>
      saveLog(db, { ...(id ? { id } : {}), content: makeContent({ notes }), userId: user.id });
    // Before the backup: three logs; the coordinator returns one and approves another.
    const a = await save('a');
    const returned = await save('trả lại');
    const approved = await save('duyệt');
    await engine.syncNow();
    await review.decide(returned.id, { decision: 'return', expectedVersion: 1, comment: 'Thiếu' });
    await review.decide(approved.id, { decision: 'approve', expectedVersion: 1 });
    await engine.syncNow();
    const backup = await server.snapshot();
    // After the backup, acknowledged: a new log, and an edit of `a`.
    const c = await save('c');
    await save('a sửa', a.id);
    expect((await engine.syncNow()).status).toBe('ok');
    // Saved offline: still queued when the server is restored.
    net.offline = true;
    const d = await save('d');
    await engine.syncNow();
    net.offline = false;
    const epochBefore = await getMeta(db, 'serverEpoch');

    const epoch = await server.restore(backup);
    const outcome = await engine.syncNow();

    expect(outcome.status).toBe('ok');
    expect(await getMeta(db, 'serverEpoch')).toBe(epoch);
    expect(epoch).not.toBe(epochBefore);
    const rows = await serverRows(user.id);
    expect([...rows.keys()].sort()).toEqual([a.id, returned.id, approved.id, c.id, d.id].sort());
    expect(rows.get(a.id)).toMatchObject({ notes: 'a sửa', status: 'submitted' });
    expect(rows.get(c.id)).toMatchObject({ notes: 'c', status: 'submitted' });
    // What the backup had is left alone: no new version, no amendment request.
    expect(rows.get(returned.id)).toMatchObject({ status: 'changes_requested', version: 2 });
    expect(rows.get(approved.id)).toMatchObject({ status: 'approved', version: 2 });
    const amendments = await server.db.query('select 1 from sync_conflict');
    expect(amendments).toEqual([]);
    await expectConverged(db, user.id);
    await expectNothingAppliedTwice();
    // The restored server had forgotten this device's sequence: it now pushes as a new client.
    const pushes = net.requests.filter((r) => r.path === '/api/sync/push');
    expect(pushes.some((r) => r.status === 409)).toBe(true);
    expect(pushes.at(-1)?.status).toBe(200);
  });

  it('re-pushes everything to a server that lost everything (an empty backup)', async () => {
    const { net, user, db, engine } = await device(server);
    const empty = await server.snapshot();
    const logs = [];
    for (let i = 0; i < 5; i++) {
      logs.push(await saveLog(db, { content: makeContent({ notes: `${i}` }), userId: user.id }));
    }
    await engine.syncNow();
    await review.decide(logs[0]!.id, { decision: 'approve', expectedVersion: 1 });
    await engine.syncNow();
    net.offline = true;
    const queued = await saveLog(db, { content: makeContent({ notes: 'q' }), userId: user.id });
    await engine.syncNow();
    net.offline = false;

    await server.restore(empty);
    const outcome = await engine.syncNow();

    expect(outcome.status).toBe('ok');
    const rows = await serverRows(user.id);
    expect([...rows.keys()].sort()).toEqual([...logs, queued].map((l) => l.id).sort());
    // The approval was lost with the server: the log is back for review, its content intact.
    expect(rows.get(logs[0]!.id)).toMatchObject({ notes: '0', status: 'submitted' });
    await expectConverged(db, user.id);
    await expectNothingAppliedTwice();
    expect(await listLogs(db)).toHaveLength(6);
  });

  it('notices the restore on pull when nothing is queued, then re-pushes in the same run', async () => {
    const { user, db, engine } = await device(server);
    const kept = await saveLog(db, { content: makeContent({ notes: 'kept' }), userId: user.id });
    await engine.syncNow();
    const backup = await server.snapshot();
    const lost = await saveLog(db, { content: makeContent({ notes: 'lost' }), userId: user.id });
    await engine.syncNow();
    expect(await db.count('outbox')).toBe(0);

    await server.restore(backup);
    const outcome = await engine.syncNow();

    expect(outcome).toMatchObject({ status: 'ok', pushed: 1 });
    expect([...(await serverRows(user.id)).keys()].sort()).toEqual([kept.id, lost.id].sort());
    expect(await getLog(db, lost.id)).toMatchObject({ syncState: 'synced', serverVersion: 1 });
    await expectConverged(db, user.id);
    await expectNothingAppliedTwice();
  });

  it('an edit queued on a version only the lost server had is sent again, not put aside', async () => {
    const { net, user, db, engine } = await device(server);
    const log = await saveLog(db, { content: makeContent({ notes: 'v1' }), userId: user.id });
    await engine.syncNow();
    const backup = await server.snapshot();
    // After the backup: the coordinator returns it (v2), the device pulls that.
    await review.decide(log.id, { decision: 'return', expectedVersion: 1, comment: 'Sửa' });
    await engine.syncNow();
    expect((await getLog(db, log.id))?.serverVersion).toBe(2);
    net.offline = true;
    await saveLog(db, { id: log.id, content: makeContent({ notes: 'v2 sửa' }), userId: user.id });
    await engine.syncNow();
    net.offline = false;

    await server.restore(backup); // the server is back at v1; the queued edit says base 2
    const outcome = await engine.syncNow();

    expect(outcome.status).toBe('ok');
    expect(await listAttention(db)).toEqual([]);
    expect((await serverRows(user.id)).get(log.id)).toMatchObject({
      notes: 'v2 sửa',
      status: 'submitted',
      version: 2,
    });
    await expectConverged(db, user.id);
  });
});
