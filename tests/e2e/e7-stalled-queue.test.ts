/**
 * SYNC.md §4 E7: pushes hang forever (the request is sent, no answer and no
 * error ever comes back) while the phone believes it is online. On
 * Playwright's clock (installed before the app loads) the test moves time a
 * minute at a time:
 * - before 15 minutes, no "not synced" banner;
 * - by 15–17 minutes the watchdog has tripped: "Chưa đồng bộ được trong 15
 *   phút" shows with "Đồng bộ ngay" and the backup link;
 * - once the hang is lifted, "Đồng bộ ngay" gets the push through: the banner
 *   goes, the session is on the server exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Route } from 'playwright-core';
import { openPhone, startServer, type Phone, type RunningServer } from './harness.ts';
import {
  coordinatorApi,
  expectSameRecords,
  phoneState,
  recordSession,
  signIn,
  signedInUserId,
} from './driver.ts';

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

describe('E7: a push that never answers', () => {
  it('shows the stalled banner after 15 minutes and syncs once the hang is lifted', async () => {
    const { page, context } = phone;
    await context.clock.install({ time: Date.now() });
    await signIn(page, server.url, 'tnv.an');
    const userId = await signedInUserId(page);
    await expect
      .poll(() => page.getByTestId('sync-state').textContent(), { timeout: 30_000 })
      .toBe('Đã đồng bộ');

    let hang = true;
    const hung: Route[] = [];
    await context.route('**/api/sync/push', (route) => {
      if (hang)
        hung.push(route); // never answered
      else return route.continue();
    });

    await recordSession(page, 'E7 treo');
    await expect.poll(() => hung.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(1);

    const banner = page.getByRole('alert').filter({ hasText: 'Chưa đồng bộ được trong 15 phút' });
    const minute = async () => {
      await context.clock.runFor(60_000);
      await new Promise((r) => setTimeout(r, 150)); // let the page's promises settle
    };
    for (let m = 0; m < 13; m++) await minute();
    expect(await banner.count()).toBe(0);
    let minutes = 13;
    for (; minutes < 17 && (await banner.count()) === 0; minutes++) await minute();
    await banner.waitFor({ timeout: 5_000 });
    expect(hung.length).toBeGreaterThanOrEqual(2); // it kept trying, and kept hanging
    await page.getByRole('link', { name: 'Sao lưu dữ liệu chưa gửi' }).waitFor();
    expect((await phoneState(page, userId)).outbox).toBe(1);

    hang = false;
    // The watchdog's fresh run may still be waiting on a hung push (the button
    // is disabled while a run is in progress) until its 30 s timeout.
    const syncNow = page.getByRole('button', { name: 'Đồng bộ ngay' });
    for (let i = 0; i < 8 && !(await syncNow.isEnabled()); i++) {
      await context.clock.runFor(5_000);
      await new Promise((r) => setTimeout(r, 150));
    }
    await syncNow.click();
    await expect
      .poll(() => page.getByTestId('sync-state').textContent(), { timeout: 30_000 })
      .toBe('Đã đồng bộ');
    expect(await banner.count()).toBe(0);

    const onServer = await (await coordinatorApi(server.url)).logs(userId);
    expectSameRecords(['E7 treo'], onServer, await phoneState(page, userId));
    console.log(
      `E7: banner after ${minutes} simulated minutes; ${hung.length} pushes hung before the hang was lifted`,
    );
  });
});
