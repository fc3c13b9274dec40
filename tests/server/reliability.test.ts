/**
 * SYNC.md §4 at the server level (in-process app, PGlite and PostgreSQL):
 * S1 duplicate pushes, S4 tenant scoping, S6 a poison mutation; and where
 * the crash-test fault points (src/server/fault.ts) sit in a push.
 * Sizes (PR / SOTAY_SOAK=1):
 * - S1: 10 identical batches at once, 1,000 iterations on PostgreSQL
 *   (PGlite runs one statement at a time, so the race is weaker there: 25 / 200);
 * - S4: 100 / 1,000 random communes × users × memberships (fast-check, seed logged);
 * - S6: one 100-mutation batch with the poison first.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../src/server/auth/session.ts';
import type { FaultPoint, Faults } from '../../src/server/fault.ts';
import { ensureCommune, ensureHamlet } from '../../src/server/users.ts';
import { payloadHash } from '../../src/shared/hash.ts';
import { uuidv4 } from '../../src/shared/ids.ts';
import type { Checkpoint, Mutation, PushResponse } from '../../src/shared/protocol.ts';
import {
  availableBackends,
  createTestServer,
  makeLogContent,
  makeMutation,
  type TestServer,
} from '../helpers/server.ts';
import { protocol, type Protocol } from './harness/protocol.ts';

const SOAK = process.env.SOTAY_SOAK === '1';

describe.each(availableBackends())('reliability (%s)', (backend) => {
  let s: TestServer;
  let p: Protocol;
  let an: string;
  /** The fault points the push path reached, while `recording`. */
  const seen: FaultPoint[] = [];
  let recording = false;
  /** A point where the push path throws, as a bug or a lost database connection would. */
  let failAt: FaultPoint | null = null;
  const faults: Faults = {
    at: (point) => {
      if (recording) seen.push(point);
      if (point === failAt) throw new Error(`test failure at ${point}`);
    },
    cutsResponse: () => {
      if (recording) seen.push('mid_response');
      return false;
    },
  };

  beforeAll(async () => {
    s = await createTestServer({ backend, faults });
    p = protocol(s);
    an = await s.login('tnv.an');
  });
  afterAll(async () => {
    await s?.close();
  });

  async function count(sql: string, params: unknown[] = []): Promise<number> {
    const rows = await s.db.query<{ n: number | string }>(sql, params);
    return Number(rows[0]!.n);
  }

  it('reaches the fault points once per push: the batch’s transaction, then the answer', async () => {
    const clientId = uuidv4();
    const first = await makeMutation({ seq: 1 });
    const batch = [first, await makeMutation({ seq: 2 })];
    recording = true;
    seen.length = 0;
    await p.pushOk(an, clientId, batch);
    expect(seen).toEqual([
      'before_tx',
      'before_clock',
      'after_write_before_commit',
      'after_commit_before_response',
      'mid_response',
    ]);
    // A replay writes nothing, so it has no clock to bump, but passes the other points.
    seen.length = 0;
    const again = await p.pushOk(an, clientId, [first]);
    recording = false;
    expect(again.results[0]!.status).toBe('duplicate');
    expect(seen).toEqual([
      'before_tx',
      'after_write_before_commit',
      'after_commit_before_response',
      'mid_response',
    ]);
  });

  it('commits a push whole or not at all: a failure after its writes leaves none of them', async () => {
    const clientId = uuidv4();
    const batch = [
      await makeMutation({ seq: 1 }),
      await makeMutation({ seq: 2 }),
      await makeMutation({ seq: 3 }),
    ];
    failAt = 'after_write_before_commit';
    const failed = await p.push(an, clientId, batch);
    failAt = null;
    expect(failed.status).toBe(500);
    expect(
      await count('select count(*) as n from activity_log where id = any($1::uuid[])', [
        batch.map((m) => m.entityId),
      ]),
    ).toBe(0);
    expect(
      await count('select count(*) as n from processed_mutation where client_id = $1', [clientId]),
    ).toBe(0);
    // The retry applies all three, once.
    const retry = await p.pushOk(an, clientId, batch);
    expect(retry.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
  });

  describe('S1: duplicate pushes', () => {
    const ITERATIONS = backend === 'postgres' ? (SOAK ? 5_000 : 1_000) : SOAK ? 200 : 25;
    /** Independent clients racing at once (PostgreSQL runs them in parallel). */
    const LANES = backend === 'postgres' ? 4 : 1;

    /** `iterations` times: one batch sent 10 times at once by one client; checks the answers. */
    async function lane(lane: number, iterations: number) {
      const clientId = uuidv4();
      let seq = 0;
      const versions = new Map<string, number>();
      const mutationIds: string[] = [];
      let duplicates = 0;
      for (let i = 0; i < iterations; i++) {
        // Two creates and an update of an earlier log (an update applied twice would show).
        const batch: Mutation[] = [
          await makeMutation({
            seq: ++seq,
            payload: makeLogContent({ notes: `s1 ${lane} ${i} a` }),
          }),
          await makeMutation({
            seq: ++seq,
            payload: makeLogContent({ notes: `s1 ${lane} ${i} b` }),
          }),
        ];
        const earlier = [...versions.keys()][Math.floor(versions.size / 2)];
        if (earlier) {
          batch.push(
            await makeMutation({
              seq: ++seq,
              name: 'log.update',
              entityId: earlier,
              baseVersion: versions.get(earlier)!,
              payload: makeLogContent({ notes: `s1 ${lane} ${i} edit` }),
            }),
          );
        }
        mutationIds.push(...batch.map((m) => m.mutationId));

        const responses = await Promise.all(
          Array.from({ length: 10 }, () => p.push(an, clientId, batch)),
        );

        const applied = new Map<string, number>();
        for (const res of responses) {
          expect(res.status).toBe(200);
          const body = (await res.json()) as PushResponse;
          expect(body.results.map((r) => r.mutationId)).toEqual(batch.map((m) => m.mutationId));
          for (const r of body.results) {
            expect(['applied', 'duplicate']).toContain(r.status);
            if (r.status === 'applied') {
              applied.set(r.mutationId, (applied.get(r.mutationId) ?? 0) + 1);
            } else duplicates++;
          }
        }
        // Each mutation applied by exactly one of the ten requests.
        expect([...applied.values()]).toEqual(batch.map(() => 1));
        for (const m of batch) versions.set(m.entityId, (versions.get(m.entityId) ?? 0) + 1);
      }
      return { clientId, versions, mutationIds, duplicates };
    }

    it(
      `applies a batch sent 10 times at once exactly once, ${ITERATIONS} times`,
      async () => {
        const t0 = Date.now();
        const lanes = await Promise.all(
          Array.from({ length: LANES }, (_, k) => lane(k, ITERATIONS / LANES)),
        );
        let mutations = 0;
        let duplicates = 0;
        for (const l of lanes) {
          const pm = await s.db.query<{ n: number | string; d: number | string }>(
            `select count(*) as n, count(distinct mutation_id) as d
               from processed_mutation where client_id = $1`,
            [l.clientId],
          );
          expect([Number(pm[0]!.n), Number(pm[0]!.d)]).toEqual([
            l.mutationIds.length,
            l.mutationIds.length,
          ]);
          // One revision per mutation, every log at the version its mutations make.
          expect(
            await count('select count(*) as n from activity_log_revision where client_id = $1', [
              l.clientId,
            ]),
          ).toBe(l.mutationIds.length);
          const rows = await s.db.query<{ id: string; version: number }>(
            `select id, version from activity_log where id in
               (select log_id from processed_mutation where client_id = $1)`,
            [l.clientId],
          );
          expect(new Map(rows.map((r) => [r.id, Number(r.version)]))).toEqual(l.versions);
          mutations += l.mutationIds.length;
          duplicates += l.duplicates;
        }
        console.log(
          `[S1 ${backend}] ${ITERATIONS} iterations (${LANES} clients at once) × 10 concurrent pushes: ` +
            `${mutations} mutations applied once each, ${duplicates} duplicate answers, ${Date.now() - t0} ms`,
        );
      },
      (SOAK ? 60 : 15) * 60_000,
    );

    it('rejects a reused mutation id with another payload, also when both race, and keeps the winner', async () => {
      const clientId = uuidv4();
      for (let i = 0; i < 10; i++) {
        const a = await makeMutation({ seq: i + 1, payload: makeLogContent({ notes: `A ${i}` }) });
        const otherPayload = makeLogContent({ notes: `B ${i}` });
        const b: Mutation = {
          ...a,
          payload: otherPayload,
          payloadHash: await payloadHash(otherPayload),
        };

        const [ra, rb] = await Promise.all([p.push(an, clientId, [a]), p.push(an, clientId, [b])]);

        const results = [
          ((await ra.json()) as PushResponse).results[0]!,
          ((await rb.json()) as PushResponse).results[0]!,
        ];
        const winner = results[0]!.status === 'applied' ? 'A' : 'B';
        expect(results.map((r) => r.status).sort()).toEqual(['applied', 'rejected']);
        expect(results.find((r) => r.status === 'rejected')!.reason).toBe('idempotency_key_reuse');
        const rows = await s.db.query<{ notes: string; version: number }>(
          'select notes, version from activity_log where id = $1',
          [a.entityId],
        );
        expect(rows).toEqual([{ notes: `${winner} ${i}`, version: 1 }]);
        const stored = await s.db.query<{ payload_hash: string }>(
          'select payload_hash from processed_mutation where mutation_id = $1',
          [a.mutationId],
        );
        expect(stored).toEqual([{ payload_hash: winner === 'A' ? a.payloadHash : b.payloadHash }]);
      }
      // From another client of the same user, and from another user: refused as well.
      const first = await makeMutation({ seq: 1, payload: makeLogContent({ notes: 'gốc' }) });
      await p.pushOk(an, uuidv4(), [first]);
      const again = { ...first, payload: makeLogContent({ notes: 'khác' }) };
      again.payloadHash = await payloadHash(again.payload);
      const fromOtherClient = await p.pushOk(an, uuidv4(), [again]);
      expect(fromOtherClient.results[0]).toMatchObject({
        status: 'rejected',
        reason: 'idempotency_key_reuse',
      });
      const binh = await s.login('tnv.binh');
      const fromOtherUser = await p.pushOk(binh, uuidv4(), [{ ...first, seq: 1 }]);
      expect(fromOtherUser.results[0]).toMatchObject({
        status: 'rejected',
        reason: 'idempotency_key_reuse',
      });
      expect(fromOtherUser.results[0]!.record).toBeUndefined();
    });
  });

  describe('S6: a poison mutation', () => {
    it('at position 1 of a 100-mutation batch: 99 applied, the bad one rejected and stored, the queue drains', async () => {
      const clientId = uuidv4();
      const poison = await makeMutation({
        seq: 1,
        payload: { ...makeLogContent(), residents: { under30: -1, from30to59: 0, over60: 0 } },
      });
      const outbox: Mutation[] = [poison];
      for (let seq = 2; seq <= 100; seq++) outbox.push(await makeMutation({ seq }));
      // Two more entries behind the batch: the queue must get to them.
      for (let seq = 101; seq <= 102; seq++) outbox.push(await makeMutation({ seq }));

      const firstBatch = outbox.slice(0, 100);
      let pushes = 0;
      let first: PushResponse | undefined;
      while (outbox.length > 0 && pushes < 5) {
        const batch = outbox.slice(0, 100);
        const res = await p.pushOk(an, clientId, batch);
        first ??= res;
        pushes++;
        // The client drops every answered entry (SYNC.md §3.3: anything but a transport error).
        const answered = new Set(res.results.map((r) => r.mutationId));
        outbox.splice(0, outbox.length, ...outbox.filter((m) => !answered.has(m.mutationId)));
      }

      expect(pushes).toBe(2);
      expect(outbox).toEqual([]);
      expect(first!.results[0]).toMatchObject({
        mutationId: poison.mutationId,
        status: 'rejected',
        reason: 'invalid',
        problems: expect.arrayContaining([
          { field: 'residents.under30', code: 'outOfRange' },
        ]) as unknown,
      });
      expect(first!.results.slice(1).every((r) => r.status === 'applied')).toBe(true);
      expect(first!.results).toHaveLength(100);
      const stored = await s.db.query<{ status: string; n: number | string }>(
        `select status, count(*) as n from processed_mutation where client_id = $1 group by status order by status`,
        [clientId],
      );
      expect(stored.map((r) => [r.status, Number(r.n)])).toEqual([
        ['applied', 101],
        ['rejected', 1],
      ]);
      expect(
        await count('select count(*) as n from activity_log where id = $1', [poison.entityId]),
      ).toBe(0);
      // Had the answer been lost, the same batch sent again gets the same answers.
      const replay = await p.pushOk(an, clientId, firstBatch);
      expect(replay.results[0]).toMatchObject({ status: 'rejected', reason: 'invalid' });
      expect(replay.results.slice(1).every((r) => r.status === 'duplicate')).toBe(true);
    });
  });

  describe('S4: tenant scoping', () => {
    const RUNS = SOAK ? 1_000 : 100;
    let run = 0;
    /** A password hash nobody can match: these users only get sessions made here. */
    const NO_PASSWORD =
      'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

    interface World {
      communes: { id: string; hamlet: string }[];
      users: { id: string; role: 'volunteer' | 'coordinator'; commune: number; cookie: string }[];
    }

    async function makeWorld(
      nCommunes: number,
      users: { role: 'volunteer' | 'coordinator'; commune: number }[],
    ): Promise<World> {
      const tag = `s4-${++run}`;
      const world: World = { communes: [], users: [] };
      await s.db.transaction(async (tx) => {
        for (let c = 0; c < nCommunes; c++) {
          const id = `${tag}-c${c}`;
          await ensureCommune(tx, id, id);
          await ensureHamlet(tx, { id: `${id}-h`, communeId: id, name: 'Thôn' });
          world.communes.push({ id, hamlet: `${id}-h` });
        }
        for (const [i, u] of users.entries()) {
          const id = uuidv4();
          const commune = world.communes[u.commune]!;
          await tx.query(
            `insert into app_user (id, username, display_name, role, commune_id, hamlet_id, password_hash)
             values ($1, $2, $2, $3, $4, $5, $6)`,
            [
              id,
              `${tag}-u${i}`,
              u.role,
              commune.id,
              u.role === 'volunteer' ? commune.hamlet : null,
              NO_PASSWORD,
            ],
          );
          const token = (await createSession(tx, id, new Date()))!;
          world.users.push({
            id,
            role: u.role,
            commune: u.commune,
            cookie: `sotay_session=${token}`,
          });
        }
      });
      return world;
    }

    it(
      `never lets a push into a foreign commune in, nor a pull out of it (${RUNS} random worlds)`,
      async () => {
        const worldArb = fc.integer({ min: 2, max: 4 }).chain((nCommunes) =>
          fc.record({
            nCommunes: fc.constant(nCommunes),
            users: fc.array(
              fc.record({
                role: fc.constantFrom<'volunteer' | 'coordinator'>(
                  'volunteer',
                  'volunteer',
                  'coordinator',
                ),
                commune: fc.integer({ min: 0, max: nCommunes - 1 }),
              }),
              { minLength: 1, maxLength: 5 },
            ),
            /** Per user: the communes (indexes) their pushed logs claim. */
            pushes: fc.array(
              fc.array(fc.integer({ min: 0, max: nCommunes - 1 }), { maxLength: 3 }),
              {
                minLength: 5,
                maxLength: 5,
              },
            ),
            moveUser: fc.nat(),
            moveTo: fc.nat(),
          }),
        );
        let forbidden = 0;
        let applied = 0;
        let pulledRows = 0;
        let resets = 0;
        const seed = Number(process.env.SOTAY_SEED ?? Date.now() % 2 ** 31);
        await fc.assert(
          fc.asyncProperty(worldArb, async (w) => {
            const world = await makeWorld(w.nCommunes, w.users);
            /** Log id → commune index, of every log the server took. */
            const taken = new Map<string, { commune: number; author: string }>();
            for (const [ui, u] of world.users.entries()) {
              const claims = w.pushes[ui] ?? [];
              if (claims.length === 0) continue;
              const batch = await Promise.all(
                claims.map((ci, k) =>
                  makeMutation({
                    seq: k + 1,
                    payload: makeLogContent({
                      communeId: world.communes[ci]!.id,
                      hamletId: world.communes[ci]!.hamlet,
                    }),
                  }),
                ),
              );
              const res = await p.push(u.cookie, uuidv4(), batch);
              if (u.role !== 'volunteer') {
                expect(res.status).toBe(403);
                continue;
              }
              const body = (await res.json()) as PushResponse;
              body.results.forEach((r, k) => {
                const own = claims[k] === u.commune;
                if (own) {
                  expect(r.status).toBe('applied');
                  applied++;
                  taken.set(batch[k]!.entityId, { commune: u.commune, author: u.id });
                } else {
                  expect(r).toMatchObject({ status: 'rejected', reason: 'forbidden' });
                  expect(r.record).toBeUndefined();
                  forbidden++;
                }
              });
            }
            // Pull: only the user's commune; volunteers only their own logs.
            const cps = new Map<string, Checkpoint>();
            for (const u of world.users) {
              const all = await p.pullAll(u.cookie);
              cps.set(u.id, all.cp);
              expect(Object.keys(all.cp.perCommune)).toEqual([world.communes[u.commune]!.id]);
              const expected = [...taken]
                .filter(
                  ([, t]) =>
                    t.commune === u.commune && (u.role === 'coordinator' || t.author === u.id),
                )
                .map(([id]) => id)
                .sort();
              expect(all.changes.map((c) => c.id).sort()).toEqual(expected);
              for (const c of all.changes) expect(c.communeId).toBe(world.communes[u.commune]!.id);
              pulledRows += all.changes.length;
            }
            // A membership change: the old checkpoint is answered with a reset, then the new commune.
            const mover = world.users[w.moveUser % world.users.length]!;
            const to = w.moveTo % w.nCommunes;
            if (to !== mover.commune) {
              await s.db.query(
                'update app_user set commune_id = $2, hamlet_id = $3 where id = $1',
                [
                  mover.id,
                  world.communes[to]!.id,
                  mover.role === 'volunteer' ? world.communes[to]!.hamlet : null,
                ],
              );
              const page = await p.pull(mover.cookie, cps.get(mover.id));
              expect(page).toMatchObject({ reset: true, changes: [] });
              resets++;
              const all = await p.pullAll(mover.cookie, page.cp);
              // A coordinator sees the new commune's logs; a volunteer's own stayed behind.
              const expected = [...taken]
                .filter(([, t]) => t.commune === to && mover.role === 'coordinator')
                .map(([id]) => id)
                .sort();
              expect(all.changes.map((c) => c.id).sort()).toEqual(expected);
            }
          }),
          { numRuns: RUNS, seed },
        );
        console.log(
          `[S4 ${backend}] ${RUNS} worlds (seed ${seed}): ${applied} own logs applied, ${forbidden} foreign ` +
            `pushes rejected forbidden, ${pulledRows} rows pulled all in scope, ${resets} membership changes reset`,
        );
      },
      (SOAK ? 30 : 10) * 60_000,
    );
  });
});
