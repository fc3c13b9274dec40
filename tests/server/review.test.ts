import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../../src/i18n/locales/fields.en.json';
import vi from '../../src/i18n/locales/fields.vi.json';
import { uuidv7 } from '../../src/shared/ids.ts';
import type { LogRecord } from '../../src/shared/schemas/log.ts';
import type {
  CommuneDirectory,
  ReviewDetail,
  ReviewListResponse,
} from '../../src/shared/schemas/review.ts';
import type { Mutation, PullResponse, PushResponse } from '../../src/shared/protocol.ts';
import {
  availableBackends,
  createTestServer,
  makeClient,
  makeLogContent,
  makeMutation,
  OTHER_COMMUNE,
  type TestServer,
} from '../helpers/server.ts';

describe.each(availableBackends())('review routes (%s)', (backend) => {
  let s: TestServer;
  let an: string;
  let binh: string;
  let coordinator: string;
  let otherCoordinator: string;
  const anClient = makeClient();
  /** activityDate → log id, for An's logs (hamlet Đông) */
  const anLogs = new Map<string, string>();
  let binhLog = '';
  let otherLog = '';

  async function push(
    cookie: string,
    clientId: string,
    mutations: Mutation[],
  ): Promise<PushResponse> {
    const res = await s.request('/api/sync/push', { cookie, json: { clientId, mutations } });
    expect(res.status).toBe(200);
    return (await res.json()) as PushResponse;
  }

  async function list(cookie: string, query = ''): Promise<ReviewListResponse> {
    const res = await s.request(`/api/review/logs${query}`, { cookie });
    expect(res.status).toBe(200);
    return (await res.json()) as ReviewListResponse;
  }

  const decide = (cookie: string, id: string, body: unknown, lang?: string) =>
    s.request(`/api/review/logs/${id}/decision`, {
      cookie,
      json: body,
      ...(lang ? { headers: { 'accept-language': lang } } : {}),
    });

  beforeAll(async () => {
    s = await createTestServer({ backend });
    [an, binh, coordinator, otherCoordinator] = await Promise.all([
      s.login('tnv.an'),
      s.login('tnv.binh'),
      s.login('canbo.tanphu'),
      s.login('canbo.khac'),
    ]);
    const mutations: Mutation[] = [];
    for (const day of ['2025-03-01', '2025-03-03', '2025-03-02', '2025-03-03', '2025-03-05']) {
      const m = await makeMutation({
        seq: anClient.nextSeq(),
        payload: makeLogContent({ activityDate: day }),
      });
      mutations.push(m);
      anLogs.set(`${day}#${m.entityId}`, m.entityId);
    }
    await push(an, anClient.clientId, mutations);
    const b = await makeMutation({
      seq: 1,
      payload: makeLogContent({ hamletId: 'tan-phu-tay', activityDate: '2025-03-04' }),
    });
    binhLog = b.entityId;
    await push(binh, makeClient().clientId, [b]);
    const otherVolunteer = await s.login('tnv.khac');
    const o = await makeMutation({
      seq: 1,
      payload: makeLogContent({ communeId: OTHER_COMMUNE.id, hamletId: OTHER_COMMUNE.hamletId }),
    });
    otherLog = o.entityId;
    expect((await push(otherVolunteer, makeClient().clientId, [o])).results[0]!.status).toBe(
      'applied',
    );
  });
  afterAll(async () => {
    await s?.close();
  });

  it('lists the commune’s logs newest activity first, then by id, in pages', async () => {
    const all: LogRecord[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: ReviewListResponse = await list(
        coordinator,
        `?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      all.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);

    expect(pages).toBe(3);
    expect(all).toHaveLength(6);
    const keys = all.map((l) => `${l.activityDate}#${l.id}`);
    expect(keys).toEqual([...keys].sort().reverse());
    expect(all.some((l) => l.id === otherLog)).toBe(false);
  });

  it.each([
    ['hamlet', '?hamletId=tan-phu-tay', (l: LogRecord) => l.hamletId === 'tan-phu-tay'],
    ['status', '?status=submitted', (l: LogRecord) => l.status === 'submitted'],
  ])('filters by %s', async (_name, query, pred) => {
    const page = await list(coordinator, query);

    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every(pred)).toBe(true);
  });

  it('filters by author', async () => {
    const page = await list(coordinator, `?authorId=${s.users.binh.id}`);

    expect(page.items.map((l) => l.id)).toEqual([binhLog]);
    expect((await list(coordinator, '?authorId=not-a-uuid')).items).toEqual([]);
  });

  it('answers 400 to a bad filter or cursor', async () => {
    for (const q of ['?status=lost', '?limit=0', '?cursor=%%%']) {
      const res = await s.request(`/api/review/logs${q}`, { cookie: coordinator });
      expect(res.status).toBe(400);
    }
  });

  it.each([
    ['a month 13', { d: '2024-13-45', id: uuidv7() }],
    ['30 February', { d: '2025-02-30', id: uuidv7() }],
    ['a year before 2020', { d: '0001-01-01', id: uuidv7() }],
    ['a date with a time', { d: '2025-01-01T00:00:00Z', id: uuidv7() }],
    ['a number for a date', { d: 20250101, id: uuidv7() }],
    ['an id that is not a uuid', { d: '2025-01-01', id: 'x' }],
    ['an extra field', { d: '2025-01-01', id: uuidv7(), x: 1 }],
    ['a missing id', { d: '2025-01-01' }],
  ])('answers 400 cursor:invalid to a cursor with %s', async (_name, cursor) => {
    const encoded = Buffer.from(JSON.stringify(cursor)).toString('base64url');

    const res = await s.request(`/api/review/logs?cursor=${encoded}`, { cookie: coordinator });

    expect(res.status).toBe(400);
    const body = (await res.json()) as { problems: { field: string; code: string }[] };
    expect(body.problems).toEqual([expect.objectContaining({ field: 'cursor', code: 'invalid' })]);
  });

  it('reads one log, and answers 404 for another commune’s log or an unknown id', async () => {
    const ok = await s.request(`/api/review/logs/${binhLog}`, { cookie: coordinator });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { log: LogRecord }).log.id).toBe(binhLog);

    for (const id of [otherLog, uuidv7(), 'nonsense']) {
      const res = await s.request(`/api/review/logs/${id}`, { cookie: coordinator });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 'not_found' });
    }
    const decision = await decide(coordinator, otherLog, {
      decision: 'approve',
      expectedVersion: 1,
    });
    expect(decision.status).toBe(404);
  });

  it('gives the commune directory to coordinators only', async () => {
    const res = await s.request('/api/commune', { cookie: coordinator });
    expect(res.status).toBe(200);
    const dir = (await res.json()) as CommuneDirectory;
    expect(dir.communeName).toBe('Xã Tân Phú');
    expect(dir.hamlets.map((h) => h.id)).toEqual([
      'tan-phu-dong',
      'tan-phu-tay',
      'tan-phu-binh-an',
    ]);
    // Everyone who records sessions: the volunteers and the team lead.
    expect(dir.volunteers.map((v) => v.displayName).sort()).toEqual([
      'Lê Thị Bình',
      'Phạm Văn Đông',
      'Trần Văn An',
    ]);

    expect((await s.request('/api/commune', { cookie: an })).status).toBe(403);
  });

  it('refuses review routes to volunteers with 403', async () => {
    expect((await s.request('/api/review/logs', { cookie: an })).status).toBe(403);
    expect((await s.request(`/api/review/logs/${binhLog}`, { cookie: binh })).status).toBe(403);
    expect((await decide(an, binhLog, { decision: 'approve', expectedVersion: 1 })).status).toBe(
      403,
    );
  });

  it('requires a comment to return a log, in the request language', async () => {
    const inVi = await decide(coordinator, binhLog, {
      decision: 'return',
      expectedVersion: 1,
      comment: '  ',
    });
    expect(inVi.status).toBe(400);
    expect(await inVi.json()).toEqual({
      error: 'validation',
      problems: [
        {
          field: 'comment',
          code: 'commentRequired',
          message: `${vi.fields.comment}: ${vi.errors.commentRequired}`,
        },
      ],
    });

    const inEn = await decide(
      coordinator,
      binhLog,
      { decision: 'return', expectedVersion: 1 },
      'en',
    );
    expect(((await inEn.json()) as { problems: { message: string }[] }).problems[0]!.message).toBe(
      `${en.fields.comment}: ${en.errors.commentRequired}`,
    );
  });

  it('binds an approval to the version the coordinator saw', async () => {
    const stale = await decide(coordinator, binhLog, { decision: 'approve', expectedVersion: 7 });

    expect(stale.status).toBe(409);
    const body = (await stale.json()) as { error: string; log: LogRecord };
    expect(body.error).toBe('version_mismatch');
    expect(body.log).toMatchObject({ id: binhLog, version: 1, status: 'submitted' });
  });

  it('approves, then turns a volunteer edit into a stored amendment', async () => {
    const id = [...anLogs.values()][0]!;
    const approved = await decide(coordinator, id, { decision: 'approve', expectedVersion: 1 });
    expect(approved.status).toBe(200);
    expect(((await approved.json()) as { log: LogRecord }).log).toMatchObject({
      status: 'approved',
      version: 2,
      reviewedByName: 'Nguyễn Thị Hoa',
      reviewComment: null,
    });

    const edit = await push(an, anClient.clientId, [
      await makeMutation({
        seq: anClient.nextSeq(),
        name: 'log.update',
        entityId: id,
        baseVersion: 1,
        payload: makeLogContent({ notes: 'sửa sau khi duyệt' }),
      }),
    ]);
    expect(edit.results[0]).toMatchObject({
      status: 'conflict',
      reason: 'approved_locked',
      serverVersion: 2,
    });
    expect(edit.results[0]!.record).toMatchObject({
      status: 'approved',
      notes: 'Hướng dẫn cài ứng dụng',
    });

    const del = await push(an, anClient.clientId, [
      await makeMutation({
        seq: anClient.nextSeq(),
        name: 'log.delete',
        entityId: id,
        baseVersion: 2,
      }),
    ]);
    expect(del.results[0]).toMatchObject({ status: 'conflict', reason: 'approved_locked' });

    const amendments = await s.db.query<{ local_payload: { content: { notes: string } | null } }>(
      `select local_payload from sync_conflict where log_id = $1 and kind = 'amendment' order by created_at`,
      [id],
    );
    expect(amendments).toHaveLength(2);
    expect(amendments[0]!.local_payload.content?.notes).toBe('sửa sau khi duyệt');
    const row = await s.db.query<{ notes: string; deleted_at: unknown }>(
      'select notes, deleted_at from activity_log where id = $1',
      [id],
    );
    expect(row).toEqual([{ notes: 'Hướng dẫn cài ứng dụng', deleted_at: null }]);
  });

  it('sends a returned log back to review when the volunteer edits it', async () => {
    const id = [...anLogs.values()][1]!;
    const returned = await decide(coordinator, id, {
      decision: 'return',
      expectedVersion: 1,
      comment: 'Ghi rõ kỹ năng',
    });
    expect(returned.status).toBe(200);

    const edit = await push(an, anClient.clientId, [
      await makeMutation({
        seq: anClient.nextSeq(),
        name: 'log.update',
        entityId: id,
        baseVersion: 2,
        payload: makeLogContent({ notes: 'đã sửa' }),
      }),
    ]);

    expect(edit.results[0]).toMatchObject({ status: 'applied', serverVersion: 3 });
    expect(edit.results[0]!.record).toMatchObject({ status: 'submitted', notes: 'đã sửa' });
  });

  it('does not let the other commune’s coordinator decide', async () => {
    const res = await decide(otherCoordinator, binhLog, {
      decision: 'approve',
      expectedVersion: 1,
    });

    expect(res.status).toBe(404);
  });

  describe('amendment requests', () => {
    type Detail = ReviewDetail;
    const detail = async (id: string, cookie = coordinator) => {
      const res = await s.request(`/api/review/logs/${id}`, { cookie });
      expect(res.status).toBe(200);
      return (await res.json()) as Detail;
    };
    const resolve = (cookie: string, id: string, amendmentId: string, body: unknown) =>
      s.request(`/api/review/logs/${id}/amendments/${amendmentId}`, { cookie, json: body });
    const pullAll = async (cookie: string) => {
      const res = await s.request('/api/sync/pull?limit=1000', { cookie });
      return (await res.json()) as PullResponse;
    };

    /** A log of An's, approved (version 2), with the given amendment requests pushed. */
    async function approvedWithRequests(requests: ('edit' | 'delete')[], notes = 'gốc') {
      const create = await makeMutation({
        seq: anClient.nextSeq(),
        payload: makeLogContent({ notes }),
      });
      await push(an, anClient.clientId, [create]);
      const id = create.entityId;
      expect(
        (await decide(coordinator, id, { decision: 'approve', expectedVersion: 1 })).status,
      ).toBe(200);
      const mutations: Mutation[] = [];
      for (const [i, r] of requests.entries()) {
        mutations.push(
          r === 'edit'
            ? await makeMutation({
                seq: anClient.nextSeq(),
                name: 'log.update',
                entityId: id,
                baseVersion: 2,
                payload: makeLogContent({ notes: `đề nghị sửa ${i}`, kind: 'group_class' }),
              })
            : await makeMutation({
                seq: anClient.nextSeq(),
                name: 'log.delete',
                entityId: id,
                baseVersion: 2,
              }),
        );
      }
      const res = await push(an, anClient.clientId, mutations);
      expect(res.results.map((r) => r.reason)).toEqual(requests.map(() => 'approved_locked'));
      // The answer's record already lists the request it made, as open.
      res.results.forEach((r, i) =>
        expect(r.record?.amendments?.at(-1)).toMatchObject({
          mutationId: mutations[i]!.mutationId,
          state: 'open',
        }),
      );
      return { id, mutations };
    }

    it('lists the open requests with what the volunteer wanted', async () => {
      const { id, mutations } = await approvedWithRequests(['edit', 'delete']);

      const d = await detail(id);

      expect(d.log).toMatchObject({ id, status: 'approved', version: 2, notes: 'gốc' });
      expect(d.amendments).toHaveLength(2);
      expect(d.amendments[0]).toMatchObject({
        kind: 'edit',
        baseVersion: 2,
        mutationId: mutations[0]!.mutationId,
        localPayload: { notes: 'đề nghị sửa 0', kind: 'group_class', communeId: 'tan-phu' },
      });
      expect(d.amendments[1]).toMatchObject({
        kind: 'delete',
        localPayload: null,
        mutationId: mutations[1]!.mutationId,
      });
      expect(new Date(d.amendments[0]!.createdAt).toISOString()).toBe(d.amendments[0]!.createdAt);
      expect(d.log.amendments?.map((a) => [a.mutationId, a.state])).toEqual([
        [mutations[0]!.mutationId, 'open'],
        [mutations[1]!.mutationId, 'open'],
      ]);
      // A log without requests has none listed, and no `amendments` in its record.
      const plain = await detail(binhLog);
      expect(plain.amendments).toEqual([]);
      expect(plain.log).not.toHaveProperty('amendments');
    });

    it('accepts an edit: the content applies, version+1, still approved, and the volunteer pulls it', async () => {
      const { id, mutations } = await approvedWithRequests(['edit']);
      const [request] = (await detail(id)).amendments;

      const res = await resolve(coordinator, id, request!.id, {
        decision: 'accept',
        expectedVersion: 2,
      });

      expect(res.status).toBe(200);
      const body = (await res.json()) as Detail;
      expect(body.amendments).toEqual([]);
      expect(body.log).toMatchObject({
        id,
        version: 3,
        status: 'approved',
        notes: 'đề nghị sửa 0',
        kind: 'group_class',
        reviewedByName: 'Nguyễn Thị Hoa',
        amendments: [{ id: request!.id, mutationId: mutations[0]!.mutationId, state: 'accepted' }],
      });
      expect(body.log.amendments![0]!.resolvedAt).not.toBeNull();
      const revisions = await s.db.query<{ kind: string; changed_fields: string[] }>(
        'select kind, changed_fields from activity_log_revision where log_id = $1 and version = 3',
        [id],
      );
      expect(revisions).toEqual([{ kind: 'amendment_accept', changed_fields: ['kind', 'notes'] }]);
      const pulled = (await pullAll(an)).changes.find((c) => c.id === id);
      expect(pulled?.record).toMatchObject({
        version: 3,
        notes: 'đề nghị sửa 0',
        status: 'approved',
      });
      expect(pulled?.record.amendments?.[0]).toMatchObject({ state: 'accepted' });
    });

    it('declines: the content stays, the request is kept as declined, the volunteer pulls that', async () => {
      const { id } = await approvedWithRequests(['edit']);
      const [request] = (await detail(id)).amendments;

      const res = await resolve(coordinator, id, request!.id, {
        decision: 'decline',
        expectedVersion: 2,
      });

      expect(res.status).toBe(200);
      const body = (await res.json()) as Detail;
      expect(body.log).toMatchObject({
        version: 3,
        status: 'approved',
        notes: 'gốc',
        kind: 'home_visit',
      });
      expect(body.log.amendments).toMatchObject([{ id: request!.id, state: 'declined' }]);
      const kept = await s.db.query<{
        state: string;
        local_payload: { content: { notes: string } };
      }>('select state, local_payload from sync_conflict where id = $1', [request!.id]);
      expect(kept).toMatchObject([
        { state: 'declined', local_payload: { content: { notes: 'đề nghị sửa 0' } } },
      ]);
      const pulled = (await pullAll(an)).changes.find((c) => c.id === id);
      expect(pulled?.record).toMatchObject({ version: 3, notes: 'gốc' });
      expect(pulled?.record.amendments?.[0]?.state).toBe('declined');
    });

    it('accepts a delete: the log is tombstoned and its other requests are declined', async () => {
      const { id } = await approvedWithRequests(['edit', 'delete']);
      const [edit, del] = (await detail(id)).amendments;

      const res = await resolve(coordinator, id, del!.id, {
        decision: 'accept',
        expectedVersion: 2,
      });

      expect(res.status).toBe(200);
      const body = (await res.json()) as Detail;
      expect(body.log).toMatchObject({
        version: 3,
        deleted: true,
        status: 'approved',
        notes: 'gốc',
      });
      expect(body.log.amendments?.map((a) => [a.id, a.state])).toEqual([
        [edit!.id, 'declined'],
        [del!.id, 'accepted'],
      ]);
      expect((await s.request(`/api/review/logs/${id}`, { cookie: coordinator })).status).toBe(404);
      const pulled = (await pullAll(an)).changes.find((c) => c.id === id);
      expect(pulled).toMatchObject({ deleted: true, version: 3 });
    });

    it('binds to the version seen (409), answers a resolved request with 409, and hides other communes (404)', async () => {
      const { id } = await approvedWithRequests(['edit', 'edit']);
      const [first, second] = (await detail(id)).amendments;

      const stale = await resolve(coordinator, id, first!.id, {
        decision: 'accept',
        expectedVersion: 1,
      });
      expect(stale.status).toBe(409);
      expect(await stale.json()).toMatchObject({
        error: 'version_mismatch',
        log: { id, version: 2 },
        amendments: [{ id: first!.id }, { id: second!.id }],
      });

      expect(
        (await resolve(coordinator, id, first!.id, { decision: 'decline', expectedVersion: 2 }))
          .status,
      ).toBe(200);
      const again = await resolve(coordinator, id, first!.id, {
        decision: 'accept',
        expectedVersion: 3,
      });
      expect(again.status).toBe(409);
      expect(await again.json()).toMatchObject({
        error: 'already_resolved',
        log: { version: 3, notes: 'gốc' },
        amendments: [{ id: second!.id }],
      });

      for (const [cookie, logId, amendmentId] of [
        [otherCoordinator, id, second!.id],
        [coordinator, id, uuidv7()],
        [coordinator, binhLog, second!.id],
        [coordinator, id, 'not-an-id'],
        [coordinator, 'not-an-id', second!.id],
      ] as const) {
        const res = await resolve(cookie, logId, amendmentId, {
          decision: 'accept',
          expectedVersion: 3,
        });
        expect(res.status, `${logId} ${amendmentId}`).toBe(404);
        expect(await res.json()).toEqual({ error: 'not_found' });
      }
      expect(
        (await resolve(an, id, second!.id, { decision: 'accept', expectedVersion: 3 })).status,
      ).toBe(403);
      expect((await detail(id)).amendments).toHaveLength(1);
    });

    it.each([
      ['an unknown decision', { decision: 'maybe', expectedVersion: 2 }, 'decision'],
      ['no version', { decision: 'accept' }, 'expectedVersion'],
      ['version 0', { decision: 'accept', expectedVersion: 0 }, 'expectedVersion'],
      ['a version that is text', { decision: 'decline', expectedVersion: '2' }, 'expectedVersion'],
    ])('answers 400 to %s', async (_name, body, field) => {
      const { id } = await approvedWithRequests(['edit']);
      const [request] = (await detail(id)).amendments;

      const res = await resolve(coordinator, id, request!.id, body);

      expect(res.status).toBe(400);
      const problems = ((await res.json()) as { problems: { field: string }[] }).problems;
      expect(problems.map((p) => p.field)).toContain(field);
      expect((await detail(id)).amendments).toHaveLength(1);
    });
  });
});
