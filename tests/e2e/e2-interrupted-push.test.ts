/**
 * SYNC.md §4 E2: the app is reloaded, or the browser is closed and started
 * again on the same profile, in the middle of a push, at a random point:
 * - before the request reaches the server,
 * - after the server has committed it but before the answer arrives,
 * - just after the answer arrived (while the phone writes it down).
 * The volunteer keeps recording sessions through the real form between the
 * interruptions. Afterwards: 0 lost, 0 duplicated, each created once, the
 * phone equal to the server, the outbox empty within 60 s.
 *
 * Size: SYNC.md's 100 interruptions (about 2.5 minutes), in `npm test` and in
 * `npm run test:soak` alike; SOTAY_E2_INTERRUPTIONS overrides.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Route } from 'playwright-core';
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

const INTERRUPTIONS = Number(process.env.SOTAY_E2_INTERRUPTIONS) || 100;
const POINTS = ['before_server', 'after_commit', 'after_answer'] as const;
type Point = (typeof POINTS)[number];

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

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Catches the next push once armed, takes it to `point` and reports; the
 * test then interrupts the app. Unarmed pushes pass through untouched.
 */
function pushTrap(random: () => number) {
  let armed: ((point: Point) => void) | null = null;
  const held: Route[] = [];
  return {
    async install(context: BrowserContext) {
      await context.route('**/api/sync/push', async (route) => {
        const report = armed;
        if (!report) return route.continue();
        armed = null;
        const point = POINTS[Math.floor(random() * POINTS.length)]!;
        if (point === 'before_server') {
          held.push(route); // never sent: the interruption cuts it
        } else if (point === 'after_commit') {
          await route.fetch(); // the server commits; the answer never reaches the page
          held.push(route);
        } else {
          await route.fulfill({ response: await route.fetch() });
        }
        report(point);
      });
    },
    /** Resolves with the point reached by the next push. */
    next(timeoutMs = 30_000): Promise<Point> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          armed = null;
          reject(new Error('no push within 30 s'));
        }, timeoutMs);
        armed = (p) => {
          clearTimeout(timer);
          resolve(p);
        };
      });
    },
    /** Forgets the requests left hanging by the interrupted pages. */
    drop() {
      held.length = 0;
    },
  };
}

describe('E2: reload or relaunch in the middle of a push', () => {
  it(
    `loses and duplicates nothing over ${INTERRUPTIONS} interruptions`,
    { timeout: SOAK ? 1_800_000 : 600_000 },
    async () => {
      const seed = runSeed();
      const random = seeded(seed);
      const trap = pushTrap(seeded(seed + 1));
      await trap.install(phone.context);
      await signIn(phone.page, server.url, 'tnv.an');
      await waitForServiceWorker(phone.page);
      const userId = await signedInUserId(phone.page);

      const created: string[] = [];
      const seen: Record<Point, number> = { before_server: 0, after_commit: 0, after_answer: 0 };
      const how = { reload: 0, relaunch: 0 };
      const started = Date.now();
      for (let n = 0; n < INTERRUPTIONS; n++) {
        const pushed = trap.next();
        // Something to push: one to three new sessions (a save starts a sync 1.5 s later).
        const count = 1 + Math.floor(random() * 3);
        for (let i = 0; i < count; i++) {
          const notes = `E2 ${seed} #${n}.${i}`;
          await recordSession(phone.page, notes);
          created.push(notes);
        }
        const point = await pushed;
        seen[point]++;
        if (point === 'after_answer') await wait(random() * 30);
        if (random() < 0.5) {
          how.reload++;
          await phone.page.reload();
        } else {
          how.relaunch++;
          await phone.relaunch();
          await trap.install(phone.context);
          await phone.page.goto(`${server.url}/field`);
        }
        trap.drop();
        await phone.page.getByRole('heading', { name: 'Buổi hỗ trợ của tôi' }).waitFor();
      }

      const drainStart = Date.now();
      await expect
        .poll(async () => (await phoneState(phone.page, userId)).outbox, { timeout: 60_000 })
        .toBe(0);
      const drainMs = Date.now() - drainStart;
      await expect
        .poll(() => phone.page.getByTestId('sync-state').textContent(), { timeout: 30_000 })
        .toBe('Đã đồng bộ');

      const onServer = await (await coordinatorApi(server.url)).logs(userId);
      expectSameRecords(created, onServer, await phoneState(phone.page, userId));
      console.log(
        `E2 seed=${seed}: ${INTERRUPTIONS} interruptions (${how.reload} reloads, ${how.relaunch} relaunches; ` +
          `before the server ${seen.before_server}, after commit ${seen.after_commit}, ` +
          `after the answer ${seen.after_answer}) over ${created.length} sessions in ` +
          `${((Date.now() - started) / 1000).toFixed(1)} s; drained in ${(drainMs / 1000).toFixed(1)} s`,
      );
    },
  );
});
