/**
 * SYNC.md §4 E4: three tabs of the app on the same phone (one profile, one
 * database, one client id) record sessions at the same time through the real
 * form. Every tab runs its own sync engine; the Web Lock `sotay-sync` must let
 * only one of them push at a time. Each push is timed from the moment the
 * browser sends it to the moment its answer is delivered (with 50–250 ms of
 * extra latency, to widen any overlap); overlapping pushes of the same client
 * must be 0. Then: 0 lost, 0 duplicated, the phone equal to the server, and
 * every tab says "Đã đồng bộ".
 *
 * Size: SYNC.md's 300 sessions across the tabs (about 0.4 s each through the
 * form), in `npm test` and in `npm run test:soak` alike; SOTAY_E4_SESSIONS
 * overrides it.
 */
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  openPhone,
  startServer,
  waitForServiceWorker,
  type Phone,
  type RunningServer,
} from './harness.ts';
import {
  coordinatorApi,
  expectSameRecords,
  phoneState,
  recordSession,
  runSeed,
  seeded,
  signIn,
  signedInUserId,
  SOAK,
} from './driver.ts';

const TABS = 3;
const PER_TAB = Math.ceil((Number(process.env.SOTAY_E4_SESSIONS) || 300) / TABS);

let server: RunningServer;
let phone: Phone;

beforeAll(async () => {
  server = await startServer();
  phone = await openPhone();
});

afterAll(async () => {
  await phone?.close();
  await server?.stop();
});

interface PushInterval {
  clientId: string;
  tab: number;
  start: number;
  end: number;
  mutations: number;
}

function clientIdOf(body: Buffer, gzip: boolean): { clientId: string; mutations: number } {
  const json = JSON.parse((gzip ? gunzipSync(body) : body).toString('utf8')) as {
    clientId: string;
    mutations: unknown[];
  };
  return { clientId: json.clientId, mutations: json.mutations.length };
}

describe('E4: three tabs, one sync at a time', () => {
  it(
    `never overlaps two pushes of the same client across ${TABS} tabs`,
    { timeout: SOAK ? 1_800_000 : 600_000 },
    async () => {
      const seed = runSeed();
      const latency = seeded(seed);
      const { context } = phone;
      const tabs: Page[] = [phone.page];
      await signIn(phone.page, server.url, 'tnv.an');
      await waitForServiceWorker(phone.page);
      const userId = await signedInUserId(phone.page);
      for (let i = 1; i < TABS; i++) {
        const tab = await context.newPage();
        await tab.goto(`${server.url}/field`);
        await tab.getByRole('heading', { name: 'Buổi hỗ trợ của tôi' }).waitFor();
        tabs.push(tab);
      }

      const warnings: string[] = [];
      tabs.forEach((tab, t) =>
        tab.on('console', (m) => {
          if (m.type() === 'warning' || m.type() === 'error') warnings.push(`tab${t}: ${m.text()}`);
        }),
      );
      const intervals: PushInterval[] = [];
      await context.route('**/api/sync/push', async (route) => {
        const start = performance.now();
        const req = route.request();
        const body = req.postDataBuffer() ?? Buffer.alloc(0);
        const gzip = (await req.headerValue('content-encoding')) === 'gzip';
        const { clientId, mutations } = clientIdOf(body, gzip);
        const tab = tabs.indexOf(req.frame().page());
        await new Promise((r) => setTimeout(r, 50 + latency() * 200));
        const response = await route.fetch();
        await route.fulfill({ response });
        intervals.push({ clientId, tab, start, end: performance.now(), mutations });
      });

      const created: string[] = [];
      const started = Date.now();
      // The tabs take turns (a background tab gets no animation frames, which
      // the form and Playwright both wait for); their sync engines all run
      // at once, each woken by its own saves, its timers and the `online`
      // event. Now and then the network blinks, so all three tabs wake at the
      // same instant and race for the lock; now and then the volunteer pauses
      // long enough (> 1.5 s) for a tab's debounced sync after a save to fire.
      const pace = seeded(seed + 1);
      let blinks = 0;
      for (let i = 0; i < PER_TAB; i++) {
        for (const [t, tab] of tabs.entries()) {
          await tab.bringToFront();
          const notes = `E4 ${seed} tab${t} #${i}`;
          await recordSession(tab, notes);
          created.push(notes);
        }
        const r = pace();
        if (r < 0.2) {
          await context.setOffline(true);
          await context.setOffline(false);
          blinks++;
        } else if (r < 0.45) {
          await new Promise((res) => setTimeout(res, 1600));
        }
      }
      const recordMs = Date.now() - started;
      if (warnings.length) console.log(warnings.join('\n'));

      await expect
        .poll(async () => (await phoneState(phone.page, userId)).outbox, { timeout: 60_000 })
        .toBe(0);
      for (const tab of tabs) {
        await expect
          .poll(() => tab.getByTestId('sync-state').textContent(), { timeout: 60_000 })
          .toBe('Đã đồng bộ');
      }

      const overlaps: string[] = [];
      const sorted = [...intervals].sort((a, b) => a.start - b.start);
      for (let i = 0; i < sorted.length; i++) {
        for (let j = i + 1; j < sorted.length && sorted[j]!.start < sorted[i]!.end; j++) {
          if (sorted[j]!.clientId === sorted[i]!.clientId) {
            overlaps.push(`tab${sorted[i]!.tab} and tab${sorted[j]!.tab}`);
          }
        }
      }
      expect(overlaps).toEqual([]);
      expect(new Set(intervals.map((p) => p.clientId)).size).toBe(1);

      const onServer = await (await coordinatorApi(server.url)).logs(userId);
      expectSameRecords(created, onServer, await phoneState(phone.page, userId));
      const byTab = tabs.map((_, t) => intervals.filter((p) => p.tab === t).length);
      console.log(
        `E4 seed=${seed}: ${created.length} sessions in ${TABS} tabs in ${(recordMs / 1000).toFixed(1)} s; ` +
          `${intervals.length} pushes (by tab: ${byTab.join('/')}; ` +
          `${intervals.reduce((a, p) => a + p.mutations, 0)} mutations sent; ${blinks} network blinks), ` +
          '0 overlapping',
      );
    },
  );
});
