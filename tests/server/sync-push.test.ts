import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payloadHash } from '../../src/shared/hash.ts';
import { uuidv4, uuidv7 } from '../../src/shared/ids.ts';
import type { Mutation, PushResponse } from '../../src/shared/protocol.ts';
import { loadCurriculum } from '../../src/server/curriculum.ts';
import {
  availableBackends,
  createTestServer,
  makeClient,
  makeLogContent,
  makeMutation,
  OTHER_COMMUNE,
  type TestServer,
} from '../helpers/server.ts';

describe.each(availableBackends())('POST /api/sync/push (%s)', (backend) => {
  let s: TestServer;
  let an: string;
  let binh: string;
  let coordinator: string;

  beforeAll(async () => {
    s = await createTestServer({ backend });
    [an, binh, coordinator] = await Promise.all([
      s.login('tnv.an'),
      s.login('tnv.binh'),
      s.login('canbo.tanphu'),
    ]);
  });
  afterAll(async () => {
    await s?.close();
  });

  const push = (cookie: string, clientId: string, mutations: Mutation[]) =>
    s.request('/api/sync/push', { cookie, json: { clientId, mutations } });

  async function pushOk(
    cookie: string,
    clientId: string,
    mutations: Mutation[],
  ): Promise<PushResponse> {
    const res = await push(cookie, clientId, mutations);
    expect(res.status).toBe(200);
    return (await res.json()) as PushResponse;
  }

  async function count(sql: string, params: unknown[]): Promise<number> {
    const rows = await s.db.query<{ n: number | string }>(sql, params);
    return Number(rows[0]!.n);
  }

  it('creates, updates and deletes a log, one version per change', async () => {
    const c = makeClient();
    const id = uuidv7();

    const created = await pushOk(an, c.clientId, [
      await makeMutation({ seq: c.nextSeq(), entityId: id }),
    ]);
    expect(created.results[0]).toMatchObject({ status: 'applied', serverVersion: 1 });
    expect(created.results[0]!.record).toMatchObject({
      id,
      status: 'submitted',
      version: 1,
      deleted: false,
      authorName: 'Trần Văn An',
      hamletId: 'tan-phu-dong',
      residents: { under30: 0, from30to59: 1, over60: 1 },
    });
    expect(created.results[0]!.record).not.toHaveProperty('reason');
    expect(created.results[0]!.record).not.toHaveProperty('householdCode');
    expect(created.serverEpoch).toMatch(/^[0-9a-f-]{36}$/);

    const updated = await pushOk(an, c.clientId, [
      await makeMutation({
        seq: c.nextSeq(),
        name: 'log.update',
        entityId: id,
        baseVersion: 1,
        payload: makeLogContent({
          outcome: 'partly',
          reason: 'no_signal',
          householdCode: ' th07-h023 ',
        }),
      }),
    ]);
    expect(updated.results[0]).toMatchObject({ status: 'applied', serverVersion: 2 });
    expect(updated.results[0]!.record).toMatchObject({
      outcome: 'partly',
      reason: 'no_signal',
      householdCode: 'TH07-H023',
    });

    const deleted = await pushOk(an, c.clientId, [
      await makeMutation({ seq: c.nextSeq(), name: 'log.delete', entityId: id, baseVersion: 2 }),
    ]);
    expect(deleted.results[0]).toMatchObject({ status: 'applied', serverVersion: 3 });
    expect(deleted.results[0]!.record).toMatchObject({ deleted: true, version: 3 });

    expect(
      await count('select count(*) as n from activity_log_revision where log_id = $1', [id]),
    ).toBe(3);
    const seqs = await s.db.query<{ seq: number | string }>(
      'select seq from activity_log where id = $1',
      [id],
    );
    expect(Number(seqs[0]!.seq)).toBeGreaterThan(0);
  });

  it('answers each change of one log in one push with the record as that change left it', async () => {
    const c = makeClient();
    const id = uuidv7();
    const batch = [
      await makeMutation({
        seq: c.nextSeq(),
        entityId: id,
        payload: makeLogContent({ notes: 'một' }),
      }),
      await makeMutation({
        seq: c.nextSeq(),
        name: 'log.update',
        entityId: id,
        baseVersion: 1,
        payload: makeLogContent({ notes: 'hai' }),
      }),
      await makeMutation({ seq: c.nextSeq(), name: 'log.delete', entityId: id, baseVersion: 2 }),
    ];
    const res = await pushOk(an, c.clientId, batch);
    expect(
      res.results.map((r) => [
        r.status,
        r.serverVersion,
        r.record?.version,
        r.record?.notes,
        r.record?.deleted,
      ]),
    ).toEqual([
      ['applied', 1, 1, 'một', false],
      ['applied', 2, 2, 'hai', false],
      ['applied', 3, 3, 'hai', true],
    ]);
    // One revision per change; the clock stamped the log once, with a number of its own.
    expect(
      await count('select count(*) as n from activity_log_revision where log_id = $1', [id]),
    ).toBe(3);
    const rows = await s.db.query<{ seq: number | string }>(
      'select seq from activity_log where id = $1',
      [id],
    );
    const clock = await s.db.query<{ seq: number | string }>(
      `select seq from commune_clock where commune_id = 'tan-phu'`,
    );
    expect(Number(rows[0]!.seq)).toBe(Number(clock[0]!.seq));
    // Sent again, the same three are duplicates, and the record is the latest.
    const again = await pushOk(an, c.clientId, batch);
    expect(again.results.map((r) => [r.status, r.record?.version])).toEqual([
      ['duplicate', 3],
      ['duplicate', 3],
      ['duplicate', 3],
    ]);
  });

  it('treats a mutation id repeated inside one push as the same mutation', async () => {
    const c = makeClient();
    const m = await makeMutation({ seq: c.nextSeq() });
    const resent = { ...m, seq: c.nextSeq() };
    const reused = {
      ...(await makeMutation({ seq: c.nextSeq(), payload: makeLogContent({ notes: 'khác' }) })),
      mutationId: m.mutationId,
    };
    const res = await pushOk(an, c.clientId, [m, resent, reused]);
    expect(res.results.map((r) => r.status)).toEqual(['applied', 'duplicate', 'rejected']);
    expect(res.results[2]!.reason).toBe('idempotency_key_reuse');
    expect(
      await count('select count(*) as n from activity_log where id = any($1::uuid[])', [
        [m.entityId, reused.entityId],
      ]),
    ).toBe(1);
  });

  it('takes upper-case ids as the same ids (the protocol accepts either case)', async () => {
    const c = makeClient();
    const id = uuidv7().toUpperCase();
    const created = await makeMutation({ seq: c.nextSeq(), entityId: id });
    const create = { ...created, mutationId: created.mutationId.toUpperCase() };
    const first = await pushOk(an, c.clientId, [create]);
    expect(first.results[0]).toMatchObject({ mutationId: create.mutationId, status: 'applied' });
    expect(first.results[0]!.record?.id).toBe(id.toLowerCase());
    const replay = await pushOk(an, c.clientId, [create]);
    expect(replay.results[0]!.status).toBe('duplicate');
    const update = await makeMutation({
      seq: c.nextSeq(),
      name: 'log.update',
      entityId: id,
      baseVersion: 1,
      payload: makeLogContent({ notes: 'hai' }),
    });
    const updated = await pushOk(an, c.clientId, [
      update,
      { ...update, seq: c.nextSeq(), mutationId: update.mutationId.toLowerCase() },
    ]);
    expect(updated.results.map((r) => [r.status, r.serverVersion])).toEqual([
      ['applied', 2],
      ['duplicate', 2],
    ]);
    expect(await count('select count(*) as n from activity_log where id = $1', [id])).toBe(1);
  });

  it('stores no reason for a session marked done, on create and on update', async () => {
    const c = makeClient();
    const id = uuidv7();
    const done = makeLogContent({ outcome: 'done', reason: 'no_signal' });

    const res = await pushOk(an, c.clientId, [
      await makeMutation({ seq: 1, entityId: id, payload: done }),
      await makeMutation({
        seq: 2,
        name: 'log.update',
        entityId: id,
        baseVersion: 1,
        payload: { ...done, notes: 'sửa', reason: 'no_device' },
      }),
    ]);

    expect(res.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(res.results[1]!.record).not.toHaveProperty('reason');
    const rows = await s.db.query<{ reason: string | null }>(
      'select reason from activity_log where id = $1',
      [id],
    );
    expect(rows).toEqual([{ reason: null }]);
    const snapshots = await s.db.query<{ snapshot: unknown }>(
      `select snapshot::text as snapshot from activity_log_revision where log_id = $1`,
      [id],
    );
    expect(snapshots.map((r) => String(r.snapshot))).not.toContainEqual(
      expect.stringContaining('reason'),
    );
  });

  it('stores a batch sent twice once and answers duplicate the second time', async () => {
    const c = makeClient();
    const batch = [await makeMutation({ seq: 1 }), await makeMutation({ seq: 2 })];

    const first = await pushOk(an, c.clientId, batch);
    const second = await pushOk(an, c.clientId, batch);

    expect(first.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(second.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
    expect(second.results[0]!.serverVersion).toBe(1);
    expect(second.results[0]!.record?.id).toBe(batch[0]!.entityId);
    for (const m of batch) {
      expect(
        await count('select count(*) as n from activity_log where id = $1', [m.entityId]),
      ).toBe(1);
      expect(
        await count('select count(*) as n from processed_mutation where mutation_id = $1', [
          m.mutationId,
        ]),
      ).toBe(1);
    }
  });

  it('applies a batch sent 10 times at once exactly once', async () => {
    const c = makeClient();
    const batch = await Promise.all([1, 2, 3].map((seq) => makeMutation({ seq })));

    const responses = await Promise.all(
      Array.from({ length: 10 }, () => push(an, c.clientId, batch)),
    );

    const statuses = new Set<string>();
    for (const res of responses) {
      expect(res.status).toBe(200);
      for (const r of ((await res.json()) as PushResponse).results) statuses.add(r.status);
    }
    expect([...statuses].sort()).toEqual(['applied', 'duplicate']);
    for (const m of batch) {
      expect(
        await count('select count(*) as n from activity_log where id = $1', [m.entityId]),
      ).toBe(1);
      expect(
        await count('select count(*) as n from processed_mutation where mutation_id = $1', [
          m.mutationId,
        ]),
      ).toBe(1);
    }
  });

  it('rejects a reused mutation id with another payload and keeps the original', async () => {
    const c = makeClient();
    const original = await makeMutation({ seq: 1, payload: makeLogContent({ notes: 'gốc' }) });
    await pushOk(an, c.clientId, [original]);
    const payload = makeLogContent({ notes: 'khác' });
    const reuse: Mutation = {
      ...original,
      seq: 2,
      payload,
      payloadHash: await payloadHash(payload),
    };

    const res = await pushOk(an, c.clientId, [reuse]);

    expect(res.results[0]).toMatchObject({ status: 'rejected', reason: 'idempotency_key_reuse' });
    const rows = await s.db.query<{ notes: string; version: number }>(
      'select notes, version from activity_log where id = $1',
      [original.entityId],
    );
    expect(rows).toEqual([{ notes: 'gốc', version: 1 }]);
  });

  it('rejects a poison mutation in the middle of a batch and applies the others', async () => {
    const c = makeClient();
    const good1 = await makeMutation({ seq: 1 });
    const poison = await makeMutation({
      seq: 2,
      payload: {
        ...makeLogContent(),
        residents: { under30: -1, from30to59: 0, over60: 0 },
        kind: 'party',
      },
    });
    const good2 = await makeMutation({ seq: 3 });

    const res = await pushOk(an, c.clientId, [good1, poison, good2]);

    expect(res.results.map((r) => r.status)).toEqual(['applied', 'rejected', 'applied']);
    expect(res.results[1]).toMatchObject({ reason: 'invalid' });
    expect(res.results[1]!.problems).toEqual(
      expect.arrayContaining([
        { field: 'kind', code: 'invalidChoice' },
        { field: 'residents.under30', code: 'outOfRange' },
      ]),
    );
    // Stored as a result, so a retry gets the same answer and the queue drains.
    const again = await pushOk(an, c.clientId, [poison]);
    expect(again.results[0]).toMatchObject({ status: 'rejected', reason: 'invalid' });
    expect(
      await count('select count(*) as n from activity_log where id = $1', [poison.entityId]),
    ).toBe(0);
  });

  it.each([
    [
      'an unknown skill',
      { skills: [{ skillId: 'no-such-skill', contentVersion: 1, stepsDone: [] }] },
      'skills',
      'unknownSkill',
    ],
    [
      'an unknown step',
      { skills: [{ skillId: 'test-skill', contentVersion: 1, stepsDone: ['step-z'] }] },
      'skills.0.stepsDone',
      'unknownStep',
    ],
    [
      'a checklist version the curriculum does not have yet',
      { skills: [{ skillId: 'test-skill', contentVersion: 2, stepsDone: ['step-a'] }] },
      'skills',
      'invalid',
    ],
    [
      'an absurd checklist version',
      { skills: [{ skillId: 'test-skill', contentVersion: 10001, stepsDone: [] }] },
      'skills.0.contentVersion',
      'invalid',
    ],
    [
      'a step the session’s checklist version did not have (VNeID v1 had no show-documents)',
      {
        skills: [
          {
            skillId: 'vneid-level2',
            contentVersion: 1,
            stepsDone: ['check-level-2', 'show-documents'],
          },
        ],
      },
      'skills.0.stepsDone',
      'unknownStep',
    ],
    ['a hamlet of another commune', { hamletId: OTHER_COMMUNE.hamletId }, 'hamletId', 'invalid'],
    ['a date after tomorrow', { activityDate: '2099-01-01' }, 'activityDate', 'futureDate'],
  ])('rejects %s as invalid', async (_name, overrides, field, code) => {
    const c = makeClient();

    const res = await pushOk(an, c.clientId, [
      await makeMutation({ seq: 1, payload: makeLogContent(overrides) }),
    ]);

    expect(res.results[0]).toMatchObject({ status: 'rejected', reason: 'invalid' });
    expect(res.results[0]!.problems).toContainEqual({ field, code });
  });

  it('accepts a session on the checklist version it was started on, old or current', async () => {
    const c = makeClient();
    const v1 = [...loadCurriculum().steps('vneid-level2', 1)!];
    const v2 = [...loadCurriculum().steps('vneid-level2', 2)!];
    const mutations = [
      await makeMutation({
        seq: 1,
        payload: makeLogContent({
          skills: [{ skillId: 'vneid-level2', contentVersion: 1, stepsDone: v1 }],
        }),
      }),
      await makeMutation({
        seq: 2,
        payload: makeLogContent({
          skills: [{ skillId: 'vneid-level2', contentVersion: 2, stepsDone: v2 }],
        }),
      }),
    ];

    const res = await pushOk(an, c.clientId, mutations);

    expect(v2).toContain('show-documents');
    expect(v1).not.toContain('show-documents');
    expect(res.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    const stored = await s.db.query<{ skills: unknown }>(
      'select skills from activity_log where id = any($1::uuid[]) order by seq',
      [mutations.map((m) => m.entityId)],
    );
    expect(stored.map((r) => r.skills)).toEqual([
      [{ skillId: 'vneid-level2', contentVersion: 1, stepsDone: v1 }],
      [{ skillId: 'vneid-level2', contentVersion: 2, stepsDone: v2 }],
    ]);
  });

  it('stops at a sequence gap with 409 and the expected number', async () => {
    const c = makeClient();
    await pushOk(an, c.clientId, [await makeMutation({ seq: 1 })]);

    const res = await push(an, c.clientId, [await makeMutation({ seq: 3 })]);

    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: 'seq_gap', expectedSeq: 2 });
  });

  it('takes a client seen for the first time from its first seq (a wiped server)', async () => {
    const c = makeClient();
    const batch = [await makeMutation({ seq: 41 }), await makeMutation({ seq: 42 })];

    const first = await pushOk(an, c.clientId, batch);

    expect(first.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    const rows = await s.db.query<{ last_seq: number | string }>(
      'select last_seq from sync_client where client_id = $1',
      [c.clientId],
    );
    expect(Number(rows[0]!.last_seq)).toBe(42);
    // From then on the sequence is checked as usual.
    expect((await pushOk(an, c.clientId, batch)).results.map((r) => r.status)).toEqual([
      'duplicate',
      'duplicate',
    ]);
    const gap = await push(an, c.clientId, [await makeMutation({ seq: 44 })]);
    expect(gap.status).toBe(409);
    expect(await gap.json()).toEqual({ error: 'seq_gap', expectedSeq: 43 });
    const old = await pushOk(an, c.clientId, [await makeMutation({ seq: 40 })]);
    expect(old.results[0]).toMatchObject({
      status: 'rejected',
      problems: [{ field: 'seq', code: 'invalid' }],
    });
  });

  it('answers 400 to a seq no outbox can reach', async () => {
    const res = await push(an, makeClient().clientId, [
      await makeMutation({ seq: Number.MAX_SAFE_INTEGER + 1 }),
    ]);

    expect(res.status).toBe(400);
  });

  it('rejects a log for another commune as forbidden', async () => {
    const c = makeClient();
    const m = await makeMutation({
      seq: 1,
      payload: makeLogContent({ communeId: OTHER_COMMUNE.id, hamletId: OTHER_COMMUNE.hamletId }),
    });

    const res = await pushOk(an, c.clientId, [m]);

    expect(res.results[0]).toMatchObject({ status: 'rejected', reason: 'forbidden' });
    expect(res.results[0]!.record).toBeUndefined();
    expect(await count('select count(*) as n from activity_log where id = $1', [m.entityId])).toBe(
      0,
    );
  });

  it("refuses changes to another volunteer's log and does not reveal it", async () => {
    const cb = makeClient();
    const id = uuidv7();
    await pushOk(binh, cb.clientId, [
      await makeMutation({
        seq: 1,
        entityId: id,
        payload: makeLogContent({ hamletId: 'tan-phu-tay' }),
      }),
    ]);
    const ca = makeClient();

    const res = await pushOk(an, ca.clientId, [
      await makeMutation({
        seq: 1,
        name: 'log.update',
        entityId: id,
        baseVersion: 1,
        payload: makeLogContent({ notes: 'chiếm' }),
      }),
      await makeMutation({ seq: 2, name: 'log.delete', entityId: id, baseVersion: 1 }),
      await makeMutation({ seq: 3, name: 'log.create', entityId: id }),
    ]);

    expect(res.results.map((r) => [r.status, r.reason])).toEqual([
      ['rejected', 'forbidden'],
      ['rejected', 'forbidden'],
      ['rejected', 'forbidden'],
    ]);
    expect(res.results.every((r) => r.record === undefined)).toBe(true);
    const rows = await s.db.query<{ notes: string; deleted_at: unknown }>(
      'select notes, deleted_at from activity_log where id = $1',
      [id],
    );
    expect(rows).toEqual([{ notes: 'Hướng dẫn cài ứng dụng', deleted_at: null }]);
  });

  it('answers 403 when the client id belongs to another user', async () => {
    const c = makeClient();
    await pushOk(an, c.clientId, [await makeMutation({ seq: 1 })]);

    const res = await push(binh, c.clientId, [
      await makeMutation({ seq: 2, payload: makeLogContent({ hamletId: 'tan-phu-tay' }) }),
    ]);

    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'forbidden' });
  });

  it('answers 403 to a coordinator and 401 without a session', async () => {
    const m = await makeMutation({ seq: 1 });

    expect((await push(coordinator, uuidv4(), [m])).status).toBe(403);
    expect((await push('', uuidv4(), [m])).status).toBe(401);
  });

  it('answers duplicate to a second create of the same log with the same content', async () => {
    const c = makeClient();
    const id = uuidv7();
    await pushOk(an, c.clientId, [await makeMutation({ seq: 1, entityId: id })]);

    const res = await pushOk(an, c.clientId, [await makeMutation({ seq: 2, entityId: id })]);

    expect(res.results[0]).toMatchObject({ status: 'duplicate', serverVersion: 1 });
  });

  it('rejects an update on a version the server never had, and applies nothing', async () => {
    const c = makeClient();
    const id = uuidv7();
    await pushOk(an, c.clientId, [await makeMutation({ seq: 1, entityId: id })]);

    const res = await pushOk(an, c.clientId, [
      await makeMutation({
        seq: 2,
        name: 'log.update',
        entityId: id,
        baseVersion: 2,
        payload: makeLogContent({ notes: 'từ tương lai' }),
      }),
      await makeMutation({
        seq: 3,
        name: 'log.update',
        entityId: id,
        baseVersion: 1e300,
        payload: makeLogContent({ notes: 'từ tương lai' }),
      }),
    ]);

    expect(res.results.map((r) => [r.status, r.reason, r.problems])).toEqual([
      ['rejected', 'invalid', [{ field: 'baseVersion', code: 'invalid' }]],
      ['rejected', 'invalid', [{ field: 'baseVersion', code: 'invalid' }]],
    ]);
    expect(res.results[0]!.record).toMatchObject({ version: 1, notes: 'Hướng dẫn cài ứng dụng' });
    const rows = await s.db.query<{ notes: string; version: number }>(
      'select notes, version from activity_log where id = $1',
      [id],
    );
    expect(rows).toEqual([{ notes: 'Hướng dẫn cài ứng dụng', version: 1 }]);
    expect(
      await count('select count(*) as n from activity_log_revision where log_id = $1', [id]),
    ).toBe(1);
  });

  it('keeps a deleted log deleted: a later edit is a deleted conflict', async () => {
    const c = makeClient();
    const id = uuidv7();
    await pushOk(an, c.clientId, [
      await makeMutation({ seq: 1, entityId: id }),
      await makeMutation({ seq: 2, name: 'log.delete', entityId: id, baseVersion: 1 }),
    ]);

    const res = await pushOk(an, c.clientId, [
      await makeMutation({
        seq: 3,
        name: 'log.update',
        entityId: id,
        baseVersion: 1,
        payload: makeLogContent({ notes: 'sửa' }),
      }),
    ]);

    expect(res.results[0]).toMatchObject({
      status: 'conflict',
      reason: 'deleted',
      serverVersion: 2,
    });
    expect(
      await count(
        `select count(*) as n from sync_conflict where log_id = $1 and kind = 'deleted'`,
        [id],
      ),
    ).toBe(1);
  });

  it('merges edits from a second phone field by field and reports a clash', async () => {
    const phone1 = makeClient();
    const phone2 = makeClient();
    const id = uuidv7();
    const base = makeLogContent({ notes: 'gốc', language: 'vi' });
    await pushOk(an, phone1.clientId, [
      await makeMutation({ seq: 1, entityId: id, payload: base }),
    ]);
    // Phone 2 changes notes and language; phone 1 (offline, still on v1) changes notes and kind.
    await pushOk(an, phone2.clientId, [
      await makeMutation({
        seq: 1,
        name: 'log.update',
        entityId: id,
        baseVersion: 1,
        payload: { ...base, notes: 'máy 2', language: 'km' },
      }),
    ]);

    const res = await pushOk(an, phone1.clientId, [
      await makeMutation({
        seq: 2,
        name: 'log.update',
        entityId: id,
        baseVersion: 1,
        payload: { ...base, notes: 'máy 1', kind: 'group_class' },
      }),
    ]);

    expect(res.results[0]).toMatchObject({
      status: 'conflict',
      reason: 'field_conflict',
      serverVersion: 3,
    });
    expect(res.results[0]!.record).toMatchObject({
      notes: 'máy 2',
      language: 'km',
      kind: 'group_class',
    });
    expect(
      await count(
        `select count(*) as n from sync_conflict where log_id = $1 and kind = 'field_conflict'`,
        [id],
      ),
    ).toBe(1);
  });

  it('answers duplicate, not a conflict, to a second phone’s edit the server already has', async () => {
    const phone1 = makeClient();
    const phone2 = makeClient();
    const id = uuidv7();
    const base = makeLogContent({ notes: 'gốc' });
    await pushOk(an, phone1.clientId, [
      await makeMutation({ seq: 1, entityId: id, payload: base }),
    ]);
    const edit = { ...base, notes: 'cả hai máy' };
    await pushOk(an, phone2.clientId, [
      await makeMutation({
        seq: 1,
        name: 'log.update',
        entityId: id,
        baseVersion: 1,
        payload: edit,
      }),
    ]);

    const res = await pushOk(an, phone1.clientId, [
      await makeMutation({
        seq: 2,
        name: 'log.update',
        entityId: id,
        baseVersion: 1,
        payload: edit,
      }),
    ]);

    expect(res.results[0]).toMatchObject({ status: 'duplicate', serverVersion: 2 });
    expect(res.results[0]!.record).toMatchObject({ notes: 'cả hai máy', version: 2 });
    expect(await count('select count(*) as n from sync_conflict where log_id = $1', [id])).toBe(0);
    expect(
      await count('select count(*) as n from activity_log_revision where log_id = $1', [id]),
    ).toBe(2);
  });

  it("accepts the previous client's payloads (schema 1), upcast, and keeps a newer client's count of women", async () => {
    const c = makeClient();
    const id = uuidv7();
    const women = { under30: 2, from30to59: 1, over60: 1, women: 3 };
    const created = await pushOk(an, c.clientId, [
      await makeMutation({
        seq: c.nextSeq(),
        entityId: id,
        payload: makeLogContent({ residents: women }),
      }),
    ]);
    expect(created.results[0]!.record?.residents).toEqual(women);

    // An old phone edits it: its payload cannot know `women`.
    const old = await pushOk(an, c.clientId, [
      await makeMutation({
        seq: c.nextSeq(),
        name: 'log.update',
        entityId: id,
        baseVersion: 1,
        payloadSchema: 1,
        payload: makeLogContent({
          residents: { under30: 2, from30to59: 1, over60: 2 },
          notes: 'máy cũ',
        }),
      }),
    ]);
    expect(old.results[0]).toMatchObject({ status: 'applied', serverVersion: 2 });
    expect(old.results[0]!.record).toMatchObject({
      notes: 'máy cũ',
      residents: { under30: 2, from30to59: 1, over60: 2, women: 3 },
    });

    // A schema-1 create: stored without women ("not recorded"), a stray one dropped.
    const oldCreate = await pushOk(an, c.clientId, [
      await makeMutation({
        seq: c.nextSeq(),
        payloadSchema: 1,
        payload: makeLogContent({ residents: { under30: 1, from30to59: 0, over60: 0, women: 1 } }),
      }),
    ]);
    expect(oldCreate.results[0]!.status).toBe('applied');
    expect(oldCreate.results[0]!.record?.residents).toEqual({
      under30: 1,
      from30to59: 0,
      over60: 0,
    });

    // A schema this server does not know is refused, and the queue goes on.
    const future = await pushOk(an, c.clientId, [
      await makeMutation({ seq: c.nextSeq(), payloadSchema: 3 }),
      await makeMutation({ seq: c.nextSeq() }),
    ]);
    expect(future.results.map((r) => r.status)).toEqual(['rejected', 'applied']);
    expect(future.results[0]).toMatchObject({
      reason: 'invalid',
      problems: [{ field: 'payloadSchema', code: 'invalid' }],
    });
  });

  it('refuses more women than residents, naming the field', async () => {
    const c = makeClient();
    const res = await pushOk(an, c.clientId, [
      await makeMutation({
        seq: c.nextSeq(),
        payload: makeLogContent({ residents: { under30: 1, from30to59: 0, over60: 0, women: 2 } }),
      }),
    ]);
    expect(res.results[0]).toMatchObject({
      status: 'rejected',
      problems: [{ field: 'residents.women', code: 'womenOverTotal' }],
    });
  });

  it('accepts a gzip body', async () => {
    const { gzipSync } = await import('node:zlib');
    const c = makeClient();
    const body = gzipSync(
      JSON.stringify({ clientId: c.clientId, mutations: [await makeMutation({ seq: 1 })] }),
    );

    const res = await s.request('/api/sync/push', {
      cookie: an,
      body,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });

    expect(res.status).toBe(200);
    expect(((await res.json()) as PushResponse).results[0]!.status).toBe('applied');
  });

  it('answers gzipped to a client that accepts it, the same records', async () => {
    const { gunzipSync } = await import('node:zlib');
    const c = makeClient();
    const mutations = await Promise.all(
      Array.from({ length: 20 }, () => makeMutation({ seq: c.nextSeq() })),
    );

    const res = await s.request('/api/sync/push', {
      cookie: an,
      json: { clientId: c.clientId, mutations },
      headers: { 'accept-encoding': 'gzip' },
    });

    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const zipped = Buffer.from(await res.arrayBuffer());
    const body = JSON.parse(gunzipSync(zipped).toString()) as PushResponse;
    expect(body.results.map((r) => r.status)).toEqual(mutations.map(() => 'applied'));
    expect(zipped.length).toBeLessThan(JSON.stringify(body).length / 3);
  });
});
