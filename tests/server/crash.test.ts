/**
 * SYNC.md §4 S2: the server killed mid-push. The BUILT server runs as a
 * child process with SOTAY_FAULT=<point>:<n> (src/server/fault.ts) and
 * SIGKILLs itself at the n-th time it reaches the point. A client pushes
 * batches (creates and updates with unique ids) and, after every kill,
 * restarts the server and resends the same batch until it is answered.
 *
 * What must hold:
 * - the server reopens its database after every kill (each start reaches "ready");
 * - every answer is exact: a mutation that was committed before a kill is
 *   answered `duplicate` on the retry, one that was not is `applied`, with the
 *   version it must have (the harness knows which committed from the point and n);
 * - at the end, in the database: every acknowledged log, 1 row per id, 1
 *   processed_mutation per mutation id, 1 revision per mutation (none applied
 *   twice), versions as acknowledged, the client's last seq, and the commune
 *   clock consistent with the rows.
 *
 * The points take turns: start 1 dies at before_tx, start 2 at
 * after_write_before_commit, … so every kind of death is followed by every
 * other kind of restart. Sizes in `npm test`: 10 kills per fault point on
 * PGlite (a start plus its first pushes cost ~1 s of a quiet 2-core machine:
 * ~45 s for the file, 2–3 times that when the machine is busy) and 20 on
 * PostgreSQL (~10 s); 200 per point on both with SOTAY_SOAK=1 (measured: 24
 * min on PGlite, 4 min on PostgreSQL); SOTAY_CRASH_KILLS overrides.
 * SOTAY_SEED replays a run (the seed is logged).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/server/db/index.ts';
import { openDatabase } from '../../src/server/db/open.ts';
import { openPostgres } from '../../src/server/db/postgres.ts';
import type { FaultPoint } from '../../src/server/fault.ts';
import { uuidv4 } from '../../src/shared/ids.ts';
import type { Mutation, PushResponse } from '../../src/shared/protocol.ts';
import type { LogContentInput } from '../../src/shared/schemas/log.ts';
import {
  availableBackends,
  createPostgresDatabase,
  makeLogContent,
  makeMutation,
  type Backend,
} from '../helpers/server.ts';
import {
  buildServerBundle,
  ROOT,
  httpRequest,
  seededRandom,
  startChildServer,
  TransportError,
  type Bundle,
  type ChildServer,
  type Exit,
} from './harness/child-server.ts';

const SOAK = process.env.SOTAY_SOAK === '1';
/** Per fault point per database. A PGlite start costs ~1–2 s of CPU, a PostgreSQL one ~0.2 s. */
const killsPerPoint = (backend: Backend) =>
  Number(process.env.SOTAY_CRASH_KILLS ?? (SOAK ? 200 : backend === 'pglite' ? 10 : 20));
const SEED = Number(process.env.SOTAY_SEED ?? Date.now() % 2 ** 31);
/** Mutations per push: creates, and updates of logs already acknowledged. */
const BATCH = 4;
const POINTS = [
  'before_tx',
  'after_write_before_commit',
  'after_commit_before_response',
  'mid_response',
] as const satisfies readonly FaultPoint[];
type Point = (typeof POINTS)[number];
/** Points a push reaches before its one transaction commits: a death there commits none of it. */
const BEFORE_COMMIT = new Set<Point>(['before_tx', 'after_write_before_commit']);

interface PointStats {
  kills: number;
  /** Mutations committed before a kill at this point, answered `duplicate` on the retry. */
  duplicatesOnRetry: number;
  /** Kills that left the client with an answer cut mid-body. */
  truncated: number;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms} ms`)), ms);
    }),
  ]);
}

/** The built server checks skills against seeds/skills (not the tests' TEST_SKILL). */
const SEED_SKILL = JSON.parse(
  readFileSync(join(ROOT, 'seeds', 'skills', 'zalo-safe.json'), 'utf8'),
) as { id: string; version: number; steps: { id: string }[] };
const content = (notes: string): LogContentInput =>
  makeLogContent({
    notes,
    skills: [
      {
        skillId: SEED_SKILL.id,
        contentVersion: SEED_SKILL.version,
        stepsDone: [SEED_SKILL.steps[0]!.id],
      },
    ],
  });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

describe.each(availableBackends())('S2: the built server killed mid-push (%s)', (backend) => {
  const KILLS_PER_POINT = killsPerPoint(backend);
  let bundle: Bundle;
  let env: Record<string, string>;
  let cleanup: (() => Promise<void>) | undefined;
  let cookie = '';
  let current: ChildServer | undefined;

  const clientId = uuidv4();
  let lastSeq = 0;
  const mutationIds: string[] = [];
  /** Log id → its version, as acknowledged. */
  const versions = new Map<string, number>();
  const stats = new Map<Point, PointStats>(
    POINTS.map((p) => [p, { kills: 0, duplicatesOnRetry: 0, truncated: 0 }]),
  );
  const startMs: number[] = [];
  let starts = 0;

  async function start(fault: string | undefined): Promise<ChildServer> {
    const t0 = Date.now();
    current = await startChildServer(bundle.main, { ...env, SOTAY_FAULT: fault });
    starts++;
    startMs.push(Date.now() - t0);
    return current;
  }

  async function stopClean(srv: ChildServer): Promise<void> {
    const exit = await withTimeout(srv.stop(), 20_000, 'SIGTERM');
    expect(exit, srv.output()).toEqual<Exit>({ code: 0, signal: null });
    current = undefined;
  }

  beforeAll(async () => {
    bundle = buildServerBundle();
    if (backend === 'pglite') {
      const dir = mkdtempSync(join(tmpdir(), 'sotay-crash-'));
      env = { SOTAY_DATA_DIR: dir };
      cleanup = () => Promise.resolve(rmSync(dir, { recursive: true, force: true }));
    } else {
      const pg = await createPostgresDatabase();
      env = { DATABASE_URL: pg.url, SOTAY_DATA_DIR: join(tmpdir(), 'sotay-crash-unused') };
      cleanup = pg.drop;
    }
    // The first start creates the database and the demo accounts.
    const srv = await start(undefined);
    const login = await httpRequest(srv.port, 'POST', '/api/auth/login', {
      body: JSON.stringify({ username: 'tnv.an', password: 'sotay-demo' }),
    });
    expect(login.status).toBe(200);
    cookie = /sotay_session=[^;]+/.exec(String(login.headers['set-cookie'] ?? ''))?.[0] ?? '';
    expect(cookie).not.toBe('');
    await stopClean(srv);
  }, 120_000);

  afterAll(async () => {
    if (current) await current.kill();
    bundle?.remove();
    await cleanup?.();
  });

  it(
    `answers exactly, loses nothing and applies nothing twice over ${KILLS_PER_POINT} kills per point`,
    async () => {
      const rnd = seededRandom(SEED + (backend === 'pglite' ? 0 : 1));
      /** Mutation id → the point of the kill it was committed before, until acknowledged. */
      const committed = new Map<string, Point>();
      let pending: Mutation[] | null = null;

      const nextBatch = async (): Promise<Mutation[]> => {
        const known = [...versions.keys()];
        const updates = new Set<string>();
        while (updates.size < Math.min(2, known.length)) {
          updates.add(known[Math.floor(rnd() * known.length)]!);
        }
        const batch: Mutation[] = [];
        for (const id of updates) {
          const seq = ++lastSeq;
          batch.push(
            await makeMutation({
              seq,
              name: 'log.update',
              entityId: id,
              baseVersion: versions.get(id)!,
              payload: content(`update ${seq}`),
            }),
          );
        }
        while (batch.length < BATCH) {
          const seq = ++lastSeq;
          batch.push(await makeMutation({ seq, payload: content(`create ${seq}`) }));
        }
        mutationIds.push(...batch.map((m) => m.mutationId));
        return batch;
      };

      /** Sends `batch`, checks every answer against what the harness knows, acknowledges. */
      const pushAndCheck = async (srv: ChildServer, batch: Mutation[]): Promise<void> => {
        const res = await httpRequest(srv.port, 'POST', '/api/sync/push', {
          cookie,
          body: JSON.stringify({ clientId, mutations: batch }),
        });
        expect(res.status, `${res.body}\n${srv.output()}`).toBe(200);
        const body = JSON.parse(res.body) as PushResponse;
        expect(body.results.map((r) => r.mutationId)).toEqual(batch.map((m) => m.mutationId));
        batch.forEach((m, i) => {
          const r = body.results[i]!;
          const killedAt = committed.get(m.mutationId);
          const version = m.name === 'log.create' ? 1 : versions.get(m.entityId)! + 1;
          expect(
            { status: r.status, serverVersion: r.serverVersion },
            `${m.name} seq ${m.seq}: committed before a kill at ${killedAt ?? '(none)'}`,
          ).toEqual({ status: killedAt ? 'duplicate' : 'applied', serverVersion: version });
          if (killedAt) stats.get(killedAt)!.duplicatesOnRetry++;
          committed.delete(m.mutationId);
          versions.set(m.entityId, version);
        });
      };

      for (let i = 0; i < KILLS_PER_POINT * POINTS.length; i++) {
        const point = POINTS[i % POINTS.length]!;
        // Every point is reached once per push: die at the first, second or third.
        const n = 1 + Math.floor(rnd() * 3);
        const srv = await start(`${point}:${n}`);
        /** How often this process has reached the point. */
        let hits = 0;
        for (;;) {
          const batch = (pending ??= await nextBatch());
          try {
            await pushAndCheck(srv, batch);
            hits++;
            pending = null;
          } catch (err) {
            if (!(err instanceof TransportError)) throw err;
            const exit = await withTimeout(srv.exited, 15_000, 'death after a failed request');
            expect(exit.signal, srv.output()).toBe('SIGKILL');
            current = undefined;
            const st = stats.get(point)!;
            st.kills++;
            if (err.truncated) st.truncated++;
            expect(hits).toBe(n - 1);
            // A push commits whole: none of it before COMMIT, all of it after.
            const passed = BEFORE_COMMIT.has(point) ? 0 : batch.length;
            for (const m of batch.slice(0, passed)) {
              if (!committed.has(m.mutationId)) committed.set(m.mutationId, point);
            }
            break;
          }
        }
      }
      // A server without faults takes the batch in flight at the last kill.
      const srv = await start(undefined);
      if (pending) await pushAndCheck(srv, pending);
      expect(committed.size).toBe(0);
      await stopClean(srv);

      for (const [point, st] of stats) {
        console.log(
          `[S2 ${backend}] ${point}: ${st.kills} kills, ${st.duplicatesOnRetry} committed-but-unacknowledged ` +
            `mutations answered duplicate on retry, ${st.truncated} answers cut mid-body`,
        );
        expect(st.kills).toBe(KILLS_PER_POINT);
      }
      expect(stats.get('mid_response')!.truncated).toBe(KILLS_PER_POINT);
      console.log(
        `[S2 ${backend}] ${starts} starts, every one reopened the database (median ${median(startMs)} ms); ` +
          `${mutationIds.length} mutations, ${versions.size} logs; seed ${SEED}`,
      );
    },
    SOAK ? 6 * 60 * 60_000 : 900_000,
  );

  it('has, after reopening, exactly what was acknowledged', async () => {
    expect(mutationIds.length).toBeGreaterThan(0);
    const db: Db =
      backend === 'pglite'
        ? await openDatabase({ dataDir: env.SOTAY_DATA_DIR! })
        : openPostgres(env.DATABASE_URL!, { max: 2 });
    try {
      const num = async (sql: string, params: unknown[] = []) =>
        Number((await db.query<{ n: number | string }>(sql, params))[0]!.n);
      const pm = await db.query<{ mutation_id: string; status: string }>(
        'select mutation_id, status from processed_mutation where client_id = $1',
        [clientId],
      );
      expect(pm.map((r) => r.mutation_id).sort()).toEqual([...mutationIds].sort());
      expect(new Set(pm.map((r) => r.status))).toEqual(new Set(['applied']));
      const logs = await db.query<{ id: string; version: number; revisions: number | string }>(
        `select l.id, l.version,
                (select count(*) from activity_log_revision r where r.log_id = l.id) as revisions
           from activity_log l where l.author_id = (select user_id from sync_client where client_id = $1)`,
        [clientId],
      );
      expect(new Map(logs.map((l) => [l.id, Number(l.version)]))).toEqual(versions);
      for (const l of logs) expect(Number(l.revisions)).toBe(Number(l.version));
      // One revision per mutation: none was applied twice.
      expect(
        await num('select count(*) as n from activity_log_revision where client_id = $1', [
          clientId,
        ]),
      ).toBe(mutationIds.length);
      expect(
        await num('select last_seq as n from sync_client where client_id = $1', [clientId]),
      ).toBe(lastSeq);
      // The clock: every row has its own seq, none above the clock.
      expect(
        await num(
          `select count(*) - count(distinct seq) as n from activity_log where commune_id = 'tan-phu'`,
        ),
      ).toBe(0);
      expect(
        await num(
          `select count(*) as n from activity_log
            where commune_id = 'tan-phu' and seq > (select seq from commune_clock where commune_id = 'tan-phu')`,
        ),
      ).toBe(0);
    } finally {
      await db.close();
    }
  }, 60_000);
});
