/**
 * SYNC.md §4 M2: two tabs (two sync engines on the same database) racing, with
 * a Web Locks shim, under fast-check's scheduler (it decides when each answer
 * reaches its tab). The injected fetch is instrumented: the same mutation must
 * never be in flight twice at once, the server must hold each log once and
 * apply each mutation once, and the queue must drain.
 *
 * A negative control runs the same race without the lock and must find a
 * mutation in flight twice (the instrumentation sees what it claims to see).
 *
 * Size: SOTAY_M2_RUNS (default 500); SOTAY_SOAK=1 runs 10,000 (seed logged);
 * SOTAY_SEED replays a seed.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUserDb, saveLog, type UserDb } from '../../src/storage/index.ts';
import {
  createApiClient,
  createSyncEngine,
  type ApiClient,
  type SyncEngine,
  type SyncOutcome,
} from '../../src/sync/index.ts';
import { makeContent } from '../helpers/log-builders.ts';
import { createTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.ts';
import {
  createFaultyNetwork,
  createLocks,
  manualTimers,
  wipeSyncData,
  type FaultyNetwork,
} from './setup.ts';

const SOAK = process.env.SOTAY_SOAK === '1';
const NUM_RUNS = Number(process.env.SOTAY_M2_RUNS ?? (SOAK ? 10_000 : 500));
const SEED = process.env.SOTAY_SEED ? Number(process.env.SOTAY_SEED) : undefined;

let server: TestServer;
let nets: [FaultyNetwork, FaultyNetwork];
let userId: string;

beforeAll(async () => {
  server = await createTestServer({ backend: 'pglite' });
  nets = [createFaultyNetwork(server.app), createFaultyNetwork(server.app)];
  for (const net of nets) {
    const api = createApiClient({ fetch: net.fetch });
    userId = (await api.login({ username: 'tnv.an', password: TEST_PASSWORD })).id;
  }
});
afterAll(async () => {
  await server.close();
});

type Action = 'syncA' | 'syncB' | 'saveA' | 'saveB' | 'editA';
const action = fc.constantFrom<Action>(
  'syncA',
  'syncB',
  'syncA',
  'syncB',
  'saveA',
  'saveB',
  'editA',
);

/** Mutation ids in flight now, and any id seen in flight twice at once. */
function inFlightTracker() {
  const inFlight = new Map<string, number>();
  const twice = new Set<string>();
  return {
    twice,
    onPush: (event: '+' | '-', ids: string[]) => {
      for (const id of ids) {
        const n = (inFlight.get(id) ?? 0) + (event === '+' ? 1 : -1);
        if (n > 1) twice.add(id);
        if (n === 0) inFlight.delete(id);
        else inFlight.set(id, n);
      }
    },
  };
}

/** Two tabs on one database; every answer reaches its tab when the scheduler says so. */
function tabs(s: fc.Scheduler, db: UserDb, locks: ReturnType<typeof createLocks> | null) {
  const make = (net: FaultyNetwork): SyncEngine => {
    const api: ApiClient = createApiClient({ fetch: s.scheduleFunction(net.fetch) });
    return createSyncEngine({
      db,
      api,
      userId,
      locks,
      window: null,
      document: null,
      ...manualTimers(), // no retry or periodic run fires on its own
    });
  };
  return [make(nets[0]), make(nets[1])] as const;
}

async function race(
  s: fc.Scheduler,
  actions: Action[],
  initial: number,
  withLock: boolean,
): Promise<{ twice: Set<string>; created: string[]; db: UserDb; dbName: string }> {
  await wipeSyncData(server);
  const tracker = inFlightTracker();
  for (const net of nets) {
    net.reset();
    net.onPush = tracker.onPush;
  }
  const dbName = `${userId}.m2.${crypto.randomUUID()}`;
  const db = await openUserDb(dbName);
  const created: string[] = [];
  for (let i = 0; i < initial; i++) {
    created.push((await saveLog(db, { content: makeContent({ notes: `${i}` }), userId })).id);
  }
  const [tabA, tabB] = tabs(s, db, withLock ? createLocks() : null);
  const running: Promise<unknown>[] = [];
  for (const a of actions) {
    switch (a) {
      case 'syncA':
        running.push(tabA.syncNow());
        break;
      case 'syncB':
        running.push(tabB.syncNow());
        break;
      case 'saveA':
      case 'saveB': {
        const log = await saveLog(db, { content: makeContent({ notes: a }), userId });
        created.push(log.id);
        break;
      }
      case 'editA':
        if (created[0]) {
          await saveLog(db, { id: created[0], content: makeContent({ notes: 'sửa' }), userId });
        }
        break;
    }
  }
  await s.waitFor(Promise.all(running));
  // Drain: one tab syncs until done (another tab's answer may still be on its way).
  let outcome: SyncOutcome | null = null;
  for (let i = 0; i < 3 && outcome?.status !== 'ok'; i++) outcome = await s.waitFor(tabA.syncNow());
  expect(outcome?.status).toBe('ok');
  return { twice: tracker.twice, created, db, dbName };
}

async function expectServerClean(created: string[], db: UserDb): Promise<void> {
  const rows = await server.db.query<{ id: string }>('select id from activity_log');
  expect(rows.map((r) => r.id).sort()).toEqual([...created].sort());
  const twiceApplied = await server.db.query(
    `select mutation_id from activity_log_revision where mutation_id is not null
      group by mutation_id having count(*) > 1`,
  );
  expect(twiceApplied).toEqual([]);
  expect(await db.count('outbox')).toBe(0);
  expect(await db.count('attention')).toBe(0);
}

describe('two tabs racing (SYNC.md §4 M2)', () => {
  it(
    `with the Web Lock no mutation is ever in flight twice and nothing is duplicated (${NUM_RUNS} runs)`,
    { timeout: SOAK ? 48 * 3600_000 : 240_000 },
    async () => {
      const seed = SEED ?? Math.floor(Math.random() * 2 ** 31);
      if (SOAK) console.log(`M2 soak: seed ${seed}, ${NUM_RUNS} runs`);
      let pushes = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          fc.array(action, { minLength: 1, maxLength: 6 }),
          fc.nat({ max: 3 }),
          async (s, actions, initial) => {
            const { twice, created, db, dbName } = await race(s, actions, initial, true);
            try {
              expect([...twice]).toEqual([]);
              await expectServerClean(created, db);
              pushes += nets[0].answered.size + nets[1].answered.size;
            } finally {
              db.close();
              indexedDB.deleteDatabase(`sotay-${dbName}`);
            }
          },
        ),
        { numRuns: NUM_RUNS, seed },
      );
      if (SOAK) console.log(`M2 soak: ${NUM_RUNS} runs, ${pushes} answers, seed ${seed}: passed`);
    },
  );

  it('negative control: without the lock, the instrumentation catches a mutation in flight twice', async () => {
    let caught = false;
    await fc
      .assert(
        fc.asyncProperty(fc.scheduler(), async (s) => {
          const { twice, db, dbName } = await race(s, ['syncA', 'syncB'], 2, false);
          db.close();
          indexedDB.deleteDatabase(`sotay-${dbName}`);
          if (twice.size > 0) caught = true;
          return !caught;
        }),
        { numRuns: 50, endOnFailure: true },
      )
      .catch(() => undefined);
    expect(caught).toBe(true);
  });
});
