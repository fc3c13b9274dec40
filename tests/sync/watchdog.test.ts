/**
 * The stalled-queue watchdog (SYNC.md §3.2, §4 E7) and the guarantee that a
 * hung request never holds the sync lock for good. The clock and timers are
 * injected; the server is real.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { getLog, saveLog } from '../../src/storage/index.ts';
import {
  createApiClient,
  createSyncEngine,
  SYNC_LOCK_NAME,
  SyncStalledError,
  type SyncEngine,
} from '../../src/sync/index.ts';
import { makeContent } from '../helpers/log-builders.ts';
import { createTestServer, type TestServer } from '../helpers/server.ts';
import { createLocks, device, manualTimers, serverLogIds, wipeSyncData } from './setup.ts';

let server: TestServer;
beforeAll(async () => {
  server = await createTestServer({ backend: 'pglite' });
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  await wipeSyncData(server);
});

const MIN = 60_000;

/** A clock the test moves by hand. */
function clock(start = Date.UTC(2025, 2, 14, 8)) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** Lets pending promise callbacks and IndexedDB requests run. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/**
 * Moves the clock by `ms` and lets the watchdog look once: waits until its
 * timer is armed, fires it, and waits until the look is over (it re-arms).
 */
async function watchdogLooks(
  timers: ReturnType<typeof manualTimers>,
  time: ReturnType<typeof clock>,
  ms = MIN,
): Promise<void> {
  await vi.waitFor(() => expect(timers.pending()).toContain(MIN));
  time.advance(ms);
  timers.fire(MIN);
  await vi.waitFor(() => expect(timers.pending()).toContain(MIN));
}

async function settled(engine: SyncEngine): Promise<void> {
  await tick();
  await vi.waitFor(() => expect(engine.getStatus().state).not.toBe('syncing'), {
    timeout: 10_000,
  });
}

describe('the watchdog', () => {
  it('abandons a push that never answers after 15 min, shows stalled, retries and clears it', async () => {
    const time = clock();
    const errors: unknown[] = [];
    const { net, user, db, engine, timers } = await device(server, 'tnv.an', {
      now: time.now,
      online: () => true,
      onError: (e) => errors.push(e),
    });
    let hang = true;
    const hungSignals: AbortSignal[] = [];
    net.intercept = ({ path, init }) => {
      if (!hang || path !== '/api/sync/push') return undefined;
      if (init.signal) hungSignals.push(init.signal);
      return new Promise<never>(() => {}); // no answer, no error, ever (and the signal is ignored)
    };
    const stalledSeen: boolean[] = [];
    engine.subscribe((s) => stalledSeen.push(s.stalled));
    const log = await saveLog(db, { content: makeContent(), userId: user.id, now: time.now() });

    engine.start();
    await tick();
    expect(engine.getStatus()).toMatchObject({ state: 'syncing', stalled: false });
    await watchdogLooks(timers, time); // the watchdog starts counting
    await watchdogLooks(timers, time, 14 * MIN); // 14 min without a push: not yet
    expect(engine.getStatus().stalled).toBe(false);
    expect(hungSignals.every((s) => !s.aborted)).toBe(true);

    hang = false; // the network heals; only a fresh run would notice
    await watchdogLooks(timers, time);
    await settled(engine);

    expect(stalledSeen).toContain(true);
    expect(hungSignals).toHaveLength(1);
    expect(hungSignals[0]?.aborted).toBe(true);
    expect(errors.some((e) => e instanceof SyncStalledError)).toBe(true);
    await vi.waitFor(async () => expect((await getLog(db, log.id))?.syncState).toBe('synced'));
    expect(await serverLogIds(server, user.id)).toEqual([log.id]);
    expect(engine.getStatus()).toMatchObject({ state: 'idle', stalled: false, pending: 0 });
    engine.stop();
  });

  it('does not trip while offline, while pushes succeed, or with nothing waiting', async () => {
    const time = clock();
    let online = false;
    const { net, user, db, engine, timers } = await device(server, 'tnv.an', {
      now: time.now,
      online: () => online,
    });
    net.offline = true;
    await saveLog(db, { content: makeContent(), userId: user.id, now: time.now() });
    engine.start();
    await settled(engine);

    for (let i = 0; i < 30; i++) await watchdogLooks(timers, time);
    expect(engine.getStatus()).toMatchObject({ stalled: false, state: 'offline' });

    // Back online: the count starts now, not when the change was saved.
    online = true;
    for (let i = 0; i < 10; i++) await watchdogLooks(timers, time);
    expect(engine.getStatus().stalled).toBe(false);

    net.offline = false;
    await engine.syncNow();
    for (let i = 0; i < 30; i++) await watchdogLooks(timers, time);
    expect(engine.getStatus()).toMatchObject({ stalled: false, pending: 0 });
    engine.stop();
  });

  it('frees the sync lock of a run stuck for good, so another tab can sync', async () => {
    const time = clock();
    const locks = createLocks();
    const tabA = await device(server, 'tnv.an', { now: time.now, online: () => true, locks });
    // Tab A's first push hangs beyond any timeout (an API call that never settles).
    let hung = 0;
    const stuck = createSyncEngine({
      db: tabA.db,
      api: {
        push: (req, o) => (hung++ === 0 ? new Promise(() => {}) : tabA.api.push(req, o)),
        pull: (cp, l, o) => tabA.api.pull(cp, l, o),
        pushContacts: (b, o) => tabA.api.pushContacts(b, o),
      },
      userId: tabA.user.id,
      now: time.now,
      online: () => true,
      locks,
      window: null,
      document: null,
      setTimeout: tabA.timers.setTimeout,
      clearTimeout: tabA.timers.clearTimeout,
    });
    const tabB = createSyncEngine({
      db: tabA.db,
      api: tabA.api,
      userId: tabA.user.id,
      locks,
      window: null,
      document: null,
      ...manualTimers(),
    });
    const log = await saveLog(tabA.db, { content: makeContent(), userId: tabA.user.id });

    stuck.start();
    await vi.waitFor(() => expect(hung).toBe(1));
    expect(locks.held(SYNC_LOCK_NAME)).toBe(true);
    expect(await tabB.syncNow()).toEqual({ status: 'busy' });
    const grants = locks.history.length;

    for (let i = 0; i < 16 && !stuck.getStatus().stalled; i++) {
      await watchdogLooks(tabA.timers, time);
    }

    expect(stuck.getStatus().stalled).toBe(true);
    // The stuck run's lock was released although its push never settled.
    expect(locks.history.slice(grants - 1, grants + 1)).toEqual([
      `+${SYNC_LOCK_NAME}`,
      `-${SYNC_LOCK_NAME}`,
    ]);
    stuck.stop();
    await vi.waitFor(() => expect(locks.held(SYNC_LOCK_NAME)).toBe(false));
    expect(await tabB.syncNow()).toMatchObject({ status: 'ok' });
    expect(await serverLogIds(server, tabA.user.id)).toEqual([log.id]);
    expect((await getLog(tabA.db, log.id))?.syncState).toBe('synced');
  });
});

describe('a hung request', () => {
  it('times out and releases the sync lock even when the fetch ignores its abort signal', async () => {
    const locks = createLocks();
    const { net, user, db } = await device(server);
    let hang = true;
    net.intercept = ({ path }) =>
      hang && path === '/api/sync/push' ? new Promise<never>(() => {}) : undefined;
    const api = createApiClient({ fetch: net.fetch, timeoutMs: 50 });
    const engine = createSyncEngine({
      db,
      api,
      userId: user.id,
      locks,
      window: null,
      document: null,
      ...manualTimers(),
    });
    await saveLog(db, { content: makeContent(), userId: user.id });

    const outcome = await engine.syncNow();

    expect(outcome).toEqual({ status: 'offline', error: 'network' });
    expect(locks.held(SYNC_LOCK_NAME)).toBe(false);
    hang = false;
    expect(await engine.syncNow()).toMatchObject({ status: 'ok', pushed: 1 });
  });

  it('is abandoned at once when its signal aborts', async () => {
    const { net } = await device(server);
    net.intercept = () => new Promise<never>(() => {});
    const api = createApiClient({ fetch: net.fetch, timeoutMs: 60 * MIN });
    const controller = new AbortController();

    const pending = api.pull(null, 10, { signal: controller.signal });
    controller.abort();

    await expect(pending).rejects.toMatchObject({ name: 'NetworkError' });
  });
});
