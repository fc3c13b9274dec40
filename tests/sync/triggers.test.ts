/**
 * When the engine runs: start, saves (debounced), online, visibility, the
 * periodic timer, backoff after failures, 401 pauses, one run at a time.
 * Timers are manual (nothing fires on its own); the server is real.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { getLog, saveLog } from '../../src/storage/index.ts';
import { createSyncEngine, type SyncEngine } from '../../src/sync/index.ts';
import type { ChannelLike } from '../../src/sync/engine.ts';
import { makeContent } from '../helpers/log-builders.ts';
import { createTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.ts';
import { device, serverLogIds, wipeSyncData } from './setup.ts';

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

function browserEvents(visibility: 'visible' | 'hidden' = 'visible') {
  const win = new EventTarget();
  const doc = Object.assign(new EventTarget(), { visibilityState: visibility });
  return { win, doc };
}

/** Waits until the run in progress (if any) has finished. */
async function settled(engine: SyncEngine): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  await vi.waitFor(() => expect(engine.getStatus().state).not.toBe('syncing'), {
    timeout: 10_000,
  });
}

/** The watchdog looks every minute once started. */
const WATCHDOG_CHECK = 60_000;

const syncRequests = (net: { requests: { path: string }[] }) =>
  net.requests.filter((r) => r.path.startsWith('/api/sync/')).length;

describe('sync triggers', () => {
  it('start() syncs at once and every 5 minutes; stop() removes every trigger', async () => {
    const { win, doc } = browserEvents();
    const { net, user, db, engine, timers } = await device(server, 'tnv.an', {
      window: win,
      document: doc,
    });
    const log = await saveLog(db, { content: makeContent(), userId: user.id });

    engine.start();
    await settled(engine);

    expect((await getLog(db, log.id))?.syncState).toBe('synced');
    expect(timers.pending()).toEqual([5 * 60_000, WATCHDOG_CHECK]);
    const before = syncRequests(net);
    timers.fire(5 * 60_000);
    await settled(engine);
    expect(syncRequests(net)).toBeGreaterThan(before);
    expect(timers.pending().sort()).toEqual([5 * 60_000, WATCHDOG_CHECK].sort());

    engine.stop();
    const afterStop = syncRequests(net);
    win.dispatchEvent(new Event('online'));
    doc.dispatchEvent(new Event('visibilitychange'));
    await engine.notifySaved();
    await settled(engine);

    expect(timers.pending()).toEqual([]);
    expect(syncRequests(net)).toBe(afterStop);
  });

  it('debounces saves into one run 1.5 s after the last one', async () => {
    const { net, user, db, engine, timers } = await device(server);
    engine.start();
    await settled(engine);
    const before = syncRequests(net);

    for (let i = 0; i < 3; i++) {
      await saveLog(db, { content: makeContent({ notes: `${i}` }), userId: user.id });
      // Once it resolves the status counts this save: a screen shown next
      // never says "synced" while the save waits.
      await engine.notifySaved();
      expect(engine.getStatus().pending).toBe(i + 1);
    }

    expect(timers.pending().filter((ms) => ms === 1500)).toHaveLength(1);
    expect(syncRequests(net)).toBe(before);
    timers.fire(1500);
    await settled(engine);
    expect(await serverLogIds(server, user.id)).toHaveLength(3);
    expect(engine.getStatus()).toMatchObject({ state: 'idle', pending: 0 });
  });

  it('retries with exponential backoff and full jitter; `online` resets it', async () => {
    const { win } = browserEvents();
    const { net, engine, timers } = await device(server, 'tnv.an', {
      window: win,
      random: () => 0.5,
      periodicMs: 999_999,
    });
    net.offline = true;

    engine.start();
    await settled(engine);
    const delays: number[] = [];
    for (let i = 0; i < 11; i++) {
      const retry = timers.pending().filter((ms) => ms !== 999_999 && ms !== WATCHDOG_CHECK);
      delays.push(...retry);
      timers.fire(retry[0]);
      await settled(engine);
    }

    // 0.5 × min(5 min, 1 s × 2^n)
    expect(delays).toEqual([
      500, 1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 150_000, 150_000,
    ]);
    expect(engine.getStatus()).toMatchObject({ state: 'offline', lastError: 'network' });

    net.offline = false;
    win.dispatchEvent(new Event('online'));
    await settled(engine);
    expect(engine.getStatus().state).toBe('idle');
    expect(timers.pending()).toEqual([999_999, WATCHDOG_CHECK]);

    net.offline = true;
    await engine.syncNow();
    expect(timers.pending().filter((ms) => ms !== 999_999 && ms !== WATCHDOG_CHECK)).toEqual([500]);
  });

  it('never gates on being online: an `offline` engine still tries when asked', async () => {
    const { net, user, db, engine } = await device(server);
    net.offline = true;
    await saveLog(db, { content: makeContent(), userId: user.id });
    await engine.syncNow();
    expect(engine.getStatus().state).toBe('offline');

    net.offline = false;
    const outcome = await engine.syncNow();

    expect(outcome.status).toBe('ok');
  });

  it('syncs when the page becomes visible, not when it is hidden', async () => {
    const { win, doc } = browserEvents('hidden');
    const { net, engine, timers } = await device(server, 'tnv.an', {
      window: win,
      document: doc,
    });
    engine.start();
    await settled(engine);
    const before = syncRequests(net);

    doc.dispatchEvent(new Event('visibilitychange'));
    timers.fire(5 * 60_000); // the periodic run is skipped while hidden
    await settled(engine);
    expect(syncRequests(net)).toBe(before);

    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    await settled(engine);
    expect(syncRequests(net)).toBeGreaterThan(before);
  });

  it('after a 401 pauses automatic triggers until start() is called again', async () => {
    const { win } = browserEvents();
    const { api, net, user, db, engine, timers } = await device(server, 'tnv.an', {
      window: win,
    });
    await api.logout();
    await saveLog(db, { content: makeContent(), userId: user.id });

    engine.start();
    await settled(engine);
    expect(engine.getStatus().state).toBe('unauthorized');
    expect(timers.pending()).toEqual([5 * 60_000, WATCHDOG_CHECK]); // no retry timer
    const before = net.requests.length;
    win.dispatchEvent(new Event('online'));
    void engine.notifySaved();
    timers.fire();
    await settled(engine);
    expect(net.requests.length).toBe(before);

    await api.login({ username: 'tnv.an', password: TEST_PASSWORD });
    engine.start();
    await settled(engine);

    expect(engine.getStatus()).toMatchObject({ state: 'idle', pending: 0 });
    expect(await serverLogIds(server, user.id)).toHaveLength(1);
  });

  it('runs one sync at a time; a request during a run makes it run once more', async () => {
    const { net, user, db, engine } = await device(server);
    await saveLog(db, { content: makeContent(), userId: user.id });
    let inFlight = 0;
    let maxInFlight = 0;
    net.intercept = async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return undefined;
    };

    const first = engine.syncNow();
    const second = engine.syncNow();
    const [a, b] = await Promise.all([first, second]);

    expect(second).toBe(first);
    expect(a).toBe(b);
    expect(maxInFlight).toBe(1);
    // Two runs (the second was requested during the first): push + pull, then pull.
    const paths = net.requests
      .map((r) => r.path.split('?')[0])
      .filter((p) => p !== '/api/auth/login');
    expect(paths).toEqual(['/api/sync/push', '/api/sync/pull', '/api/sync/pull']);
  });

  it('skips the run while another tab holds the sync lock', async () => {
    let held = false;
    const names: string[] = [];
    const locks = {
      async request<T>(
        name: string,
        options: { ifAvailable: boolean },
        callback: (lock: unknown) => Promise<T>,
      ): Promise<T> {
        names.push(name);
        if (held && options.ifAvailable) return callback(null);
        held = true;
        try {
          return await callback({ name });
        } finally {
          held = false;
        }
      },
    };
    const { net, user, db, engine } = await device(server, 'tnv.an', { locks });
    await saveLog(db, { content: makeContent(), userId: user.id });

    held = true; // another tab
    const busy = await engine.syncNow();
    expect(busy).toEqual({ status: 'busy' });
    expect(net.requests.filter((r) => r.path.startsWith('/api/sync'))).toEqual([]);

    held = false;
    const ok = await engine.syncNow();
    expect(ok.status).toBe('ok');
    expect(names.every((n) => n === 'sotay-sync')).toBe(true);
  });

  it("refreshes another tab's status as soon as a run sent what it was counting", async () => {
    // Two tabs of one user: one database, a channel between them (BroadcastChannel in a browser).
    const tabs: EventTarget[] = [];
    let posted = 0;
    const channel = (): ChannelLike => {
      const me = new EventTarget();
      tabs.push(me);
      return {
        postMessage: () => {
          posted++;
          for (const t of tabs) if (t !== me) t.dispatchEvent(new Event('message'));
        },
        addEventListener: (type, fn) => me.addEventListener(type, fn),
        removeEventListener: (type, fn) => me.removeEventListener(type, fn),
      };
    };
    const a = await device(server, 'tnv.an', { channel: channel() });
    const b = createSyncEngine({
      db: a.db,
      api: a.api,
      userId: a.user.id,
      setTimeout: a.timers.setTimeout,
      clearTimeout: a.timers.clearTimeout,
      locks: null,
      window: null,
      document: null,
      channel: channel(),
    });
    b.start();
    await settled(b);
    await saveLog(a.db, { content: makeContent(), userId: a.user.id });
    await b.notifySaved();
    expect(b.getStatus().pending).toBe(1);

    a.engine.start(); // tab A sends it; tab B ran no push of its own
    await settled(a.engine);

    await vi.waitFor(() => expect(b.getStatus().pending).toBe(0));
    // A run that sent and received nothing tells nobody.
    const before = posted;
    await b.syncNow();
    expect(posted).toBe(before);
    a.engine.stop();
    b.stop();
  });
});
