import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids.ts';
import {
  encodeCheckpoint,
  type Mutation,
  type PullResponse,
  type PushResponse,
} from '../../src/shared/protocol.ts';
import {
  availableBackends,
  createTestServer,
  makeClient,
  makeLogContent,
  makeMutation,
  type TestServer,
} from '../helpers/server.ts';

describe.each(availableBackends())('GET /api/sync/pull (%s)', (backend) => {
  let s: TestServer;
  let an: string;
  let binh: string;
  let coordinator: string;
  const anLogs: string[] = [];
  const binhLogs: string[] = [];

  async function push(
    cookie: string,
    clientId: string,
    mutations: Mutation[],
  ): Promise<PushResponse> {
    const res = await s.request('/api/sync/push', { cookie, json: { clientId, mutations } });
    expect(res.status).toBe(200);
    return (await res.json()) as PushResponse;
  }

  async function pull(cookie: string, query = ''): Promise<PullResponse> {
    const res = await s.request(`/api/sync/pull${query}`, { cookie });
    expect(res.status).toBe(200);
    return (await res.json()) as PullResponse;
  }

  /** Follows hasMore from a checkpoint to the end. */
  async function pullAll(cookie: string, limit: number, cp?: PullResponse['cp']) {
    const pages: PullResponse[] = [];
    for (let i = 0; i < 50; i++) {
      const q = `?limit=${limit}${cp ? `&cp=${encodeCheckpoint(cp)}` : ''}`;
      const page = await pull(cookie, q);
      pages.push(page);
      cp = page.cp;
      if (!page.hasMore) break;
    }
    return { pages, cp: cp!, changes: pages.flatMap((p) => p.changes) };
  }

  beforeAll(async () => {
    s = await createTestServer({ backend });
    [an, binh, coordinator] = await Promise.all([
      s.login('tnv.an'),
      s.login('tnv.binh'),
      s.login('canbo.tanphu'),
    ]);
    const ca = makeClient();
    const cb = makeClient();
    const am: Mutation[] = [];
    const bm: Mutation[] = [];
    for (let i = 0; i < 5; i++) {
      const a = await makeMutation({ seq: ca.nextSeq() });
      const b = await makeMutation({
        seq: cb.nextSeq(),
        payload: makeLogContent({ hamletId: 'tan-phu-tay' }),
      });
      am.push(a);
      bm.push(b);
      anLogs.push(a.entityId);
      binhLogs.push(b.entityId);
    }
    await push(an, ca.clientId, am);
    await push(binh, cb.clientId, bm);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('pages through a volunteer’s own logs only, oldest change first', async () => {
    const { pages, changes } = await pullAll(an, 2);

    expect(pages.length).toBe(3);
    expect(pages.slice(0, -1).every((p) => p.hasMore)).toBe(true);
    expect(changes.map((c) => c.id)).toEqual(anLogs);
    expect(changes.every((c) => c.record.authorId === s.users.an.id)).toBe(true);
    const seqs = changes.map((c) => c.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(changes[0]).toMatchObject({ communeId: 'tan-phu', version: 1, deleted: false });
    expect(pages[0]!.serverEpoch).toBe(pages[0]!.cp.epoch);
  });

  it('returns nothing new from the last checkpoint, then only what changed', async () => {
    const first = await pullAll(an, 100);
    const empty = await pull(an, `?cp=${encodeCheckpoint(first.cp)}`);
    expect(empty.changes).toEqual([]);
    expect(empty.hasMore).toBe(false);
    expect(empty.cp).toEqual(first.cp);

    const c = makeClient();
    const id = uuidv7();
    await push(an, c.clientId, [await makeMutation({ seq: 1, entityId: id })]);
    await push(binh, makeClient().clientId, [
      await makeMutation({ seq: 1, payload: makeLogContent({ hamletId: 'tan-phu-tay' }) }),
    ]);

    const next = await pull(an, `?cp=${encodeCheckpoint(first.cp)}`);
    expect(next.changes.map((ch) => ch.id)).toEqual([id]);
    anLogs.push(id);
  });

  it('gives a coordinator the whole commune', async () => {
    const { changes } = await pullAll(coordinator, 100);

    const ids = new Set(changes.map((c) => c.id));
    for (const id of [...anLogs, ...binhLogs]) expect(ids.has(id)).toBe(true);
  });

  it.each([
    ['a malformed checkpoint', () => 'not-base64-json!!'],
    ['another epoch', () => encodeCheckpoint({ epoch: 'old-epoch', perCommune: { 'tan-phu': 3 } })],
    [
      'a commune that is not theirs',
      (epoch: string) => encodeCheckpoint({ epoch, perCommune: { 'xa-khac': 3 } }),
    ],
    [
      'a checkpoint ahead of the commune clock',
      (epoch: string) => encodeCheckpoint({ epoch, perCommune: { 'tan-phu': 1_000_000 } }),
    ],
    [
      'the largest exact integer',
      (epoch: string) =>
        encodeCheckpoint({ epoch, perCommune: { 'tan-phu': Number.MAX_SAFE_INTEGER } }),
    ],
    [
      '2^63 (past bigint)',
      (epoch: string) => encodeCheckpoint({ epoch, perCommune: { 'tan-phu': 2 ** 63 } }),
    ],
    ['1e300', (epoch: string) => encodeCheckpoint({ epoch, perCommune: { 'tan-phu': 1e300 } })],
  ])('answers reset with a fresh checkpoint for %s', async (_name, cpFor) => {
    const { epoch } = (await (await s.request('/api/health')).json()) as { epoch: string };

    const page = await pull(an, `?cp=${cpFor(epoch)}`);

    expect(page.reset).toBe(true);
    expect(page.changes).toEqual([]);
    expect(page.cp).toEqual({ epoch, perCommune: { 'tan-phu': 0 } });
    const again = await pull(an, `?cp=${encodeCheckpoint(page.cp)}`);
    expect(again.reset).toBeUndefined();
    expect(again.changes.length).toBeGreaterThan(0);
  });

  it('brings the coordinator’s decision to the volunteer', async () => {
    const { cp } = await pullAll(an, 100);
    const logId = anLogs[0]!;
    const decision = await s.request(`/api/review/logs/${logId}/decision`, {
      cookie: coordinator,
      json: { decision: 'return', expectedVersion: 1, comment: 'Thiếu số người' },
    });
    expect(decision.status).toBe(200);

    const page = await pull(an, `?cp=${encodeCheckpoint(cp)}`);

    expect(page.changes).toHaveLength(1);
    expect(page.changes[0]).toMatchObject({ id: logId, version: 2 });
    expect(page.changes[0]!.record).toMatchObject({
      status: 'changes_requested',
      reviewComment: 'Thiếu số người',
      reviewedByName: 'Nguyễn Thị Hoa',
    });
  });

  it('includes tombstones', async () => {
    const { cp } = await pullAll(an, 100);
    const c = makeClient();
    const id = uuidv7();
    await push(an, c.clientId, [
      await makeMutation({ seq: 1, entityId: id }),
      await makeMutation({ seq: 2, name: 'log.delete', entityId: id, baseVersion: 1 }),
    ]);

    const page = await pull(an, `?cp=${encodeCheckpoint(cp)}`);

    expect(page.changes).toEqual([expect.objectContaining({ id, deleted: true, version: 2 })]);
  });

  it.each(['?limit=0', '?limit=abc', '?limit=100000'])('answers 400 to %s', async (q) => {
    const res = await s.request(`/api/sync/pull${q}`, { cookie: an });

    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('validation');
  });

  it('answers 401 without a session', async () => {
    expect((await s.request('/api/sync/pull')).status).toBe(401);
  });
});
