/**
 * SYNC.md §4 E1: the network drops and returns at random (intervals 50–2000 ms)
 * while a volunteer records sessions through the real form of the built app;
 * sync runs by itself the whole time. After the network is back for good,
 * the outbox must drain within 60 s and the server must hold exactly the
 * recorded sessions: 0 lost, 0 duplicated, each created once (version 1),
 * and the phone's records equal to the server's.
 *
 * Sizes: `npm test` runs SYNC.md's per-run figure, 500 sessions through the
 * form with at least 200 flips (about 3.5 minutes: 200 flips at 50–2000 ms
 * alone take 3.4); `npm run test:soak` the nightly 2,000 sessions and 1,000
 * flips. SOTAY_E1_SESSIONS and SOTAY_E1_FLIPS override; SOTAY_SEED replays a run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openPhone,
  startServer,
  waitForServiceWorker,
  type Phone,
  type RunningServer,
} from './harness.ts';
import {
  coordinatorApi,
  describePage,
  expectSameRecords,
  phoneState,
  recordSession,
  runSeed,
  seeded,
  signIn,
  signedInUserId,
  SOAK,
} from './driver.ts';

const SESSIONS = Number(process.env.SOTAY_E1_SESSIONS) || (SOAK ? 2000 : 500);
const MIN_FLIPS = Number(process.env.SOTAY_E1_FLIPS) || (SOAK ? 1000 : 200);
const DRAIN_MS = 60_000;

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

describe('E1: random offline/online flips while recording', () => {
  it(
    'loses and duplicates nothing, and drains within 60 s once online',
    // 205 s of flips alone; up to 485 s measured beside the other lanes of npm test.
    { timeout: SOAK ? 3_600_000 : 900_000 },
    async () => {
      const seed = runSeed();
      const random = seeded(seed);
      const { page, context } = phone;
      await signIn(page, server.url, 'tnv.an');
      await waitForServiceWorker(page);
      const userId = await signedInUserId(page);

      // Every push travels 0–400 ms each way, so flips land in the middle of
      // pushes: a flip before the server has it cuts the request; a flip
      // after the server has committed it loses the answer.
      const pushes = { answered: 0, cutBefore: 0, cutAfterCommit: 0 };
      let offline = false;
      const latency = seeded(seed + 1);
      const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
      await context.route('**/api/sync/push', async (route) => {
        await wait(latency() * 400);
        if (offline) {
          pushes.cutBefore++;
          return route.abort('internetdisconnected');
        }
        const response = await route.fetch();
        await wait(latency() * 400);
        if (offline) {
          pushes.cutAfterCommit++;
          return route.abort('internetdisconnected');
        }
        pushes.answered++;
        return route.fulfill({ response });
      });
      const consoleLines: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') consoleLines.push(m.text());
      });
      page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
      const created: string[] = [];
      let recording = true;
      let failed = false;
      let flips = 0;
      const flipper = (async () => {
        while (!failed && (recording || flips < MIN_FLIPS)) {
          await wait(50 + Math.floor(random() * 1950));
          offline = !offline;
          await context.setOffline(offline);
          flips++;
        }
      })();

      const started = Date.now();
      try {
        for (let i = 0; i < SESSIONS; i++) {
          const notes = `E1 ${seed} #${i}`;
          await recordSession(page, notes);
          created.push(notes);
        }
      } catch (e) {
        failed = true;
        console.log(`E1 stopped after ${created.length} sessions, ${flips} flips (seed ${seed})`);
        console.log(await describePage(page), consoleLines.slice(-20).join('\n'));
        throw e;
      } finally {
        recording = false;
      }
      const recordMs = Date.now() - started;
      await flipper;
      // A last few offline, so the outbox is not empty when the network returns for good.
      offline = true;
      await context.setOffline(true);
      for (let i = 0; i < 3; i++) {
        const notes = `E1 ${seed} tail #${i}`;
        await recordSession(page, notes);
        created.push(notes);
      }
      const queuedAtEnd = (await phoneState(page, userId)).outbox;
      expect(queuedAtEnd).toBeGreaterThanOrEqual(3);

      offline = false;
      await context.setOffline(false);
      const drainStart = Date.now();
      await expect
        .poll(async () => (await phoneState(page, userId)).outbox, { timeout: DRAIN_MS })
        .toBe(0);
      const drainMs = Date.now() - drainStart;
      await expect
        .poll(() => page.getByTestId('sync-state').textContent(), { timeout: 30_000 })
        .toBe('Đã đồng bộ');

      const api = await coordinatorApi(server.url);
      const onServer = await api.logs(userId);
      expectSameRecords(created, onServer, await phoneState(page, userId));
      console.log(
        `E1 seed=${seed}: ${SESSIONS} sessions (+3 offline at the end) recorded in ${(recordMs / 1000).toFixed(1)} s ` +
          `with ${flips} flips; pushes answered ${pushes.answered}, cut before the server ` +
          `${pushes.cutBefore}, answer lost after commit ${pushes.cutAfterCommit}; ` +
          `${queuedAtEnd} queued at the end, drained in ${(drainMs / 1000).toFixed(1)} s; ` +
          `server ${onServer.length} rows`,
      );
    },
  );
});
