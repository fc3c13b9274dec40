/**
 * The Content-Security-Policy in the real built app, in Chromium: the app
 * runs under it without a single violation (sign-in, the form, sync, the
 * coordinator's screens), and hostile text a volunteer types into the notes
 * stays text on the coordinator's screen. An inline script that got into the
 * page anyway would not run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPhone, startServer, type Phone, type RunningServer } from './harness.ts';
import { recordSession, signIn } from './person.ts';

const HOSTILE = `<img src=/x.png onerror="window.__pwned=1"><script>window.__pwned=2</script>`;

let server: RunningServer;
let phone: Phone;
let desk: Phone;

/** Every CSP violation the page reports, from before its first script runs. */
async function watchViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (e) => {
      seen.push(`${e.effectiveDirective} ${e.blockedURI || '(inline)'}`);
    });
  });
}

const violations = (page: Page) =>
  page.evaluate(() => (window as unknown as { __violations?: string[] }).__violations ?? []);

beforeAll(async () => {
  server = await startServer();
  phone = await openPhone();
  desk = await openPhone({ width: 1280, height: 900 });
  await watchViolations(phone.page);
  await watchViolations(desk.page);
});

afterAll(async () => {
  await phone?.close();
  await desk?.close();
  await server?.stop();
});

describe('Content-Security-Policy', () => {
  it('lets the volunteer sign in, record and sync with no violation', async () => {
    const page = phone.page;
    await signIn(page, server.url, 'tnv.an');
    await recordSession(page, HOSTILE);
    const list = page.getByRole('list', { name: 'Danh sách buổi hỗ trợ' });
    await expect.poll(() => list.getByText('Đã gửi').count(), { timeout: 30_000 }).toBe(1);

    expect(await violations(page)).toEqual([]);
  });

  it('shows hostile notes to the coordinator as text, and nothing in them runs', async () => {
    const page = desk.page;
    await signIn(page, server.url, 'canbo.tanphu');
    await page
      .getByRole('link', { name: /Xem buổi hỗ trợ của Trần Văn An/ })
      .first()
      .click();

    await page.getByText(HOSTILE, { exact: true }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBe(
      undefined,
    );
    expect(await page.locator('img[src="/x.png"]').count()).toBe(0);
    expect(await violations(page)).toEqual([]);
  });

  it('blocks an inline script that got into the page', async () => {
    const page = desk.page;
    // As if some future bug rendered HTML from a record: the policy is the second wall.
    await page.evaluate(() => {
      document.body.insertAdjacentHTML(
        'beforeend',
        '<img id="planted" src="/nothing-here.png" onerror="window.__pwned=3">',
      );
    });
    await expect.poll(() => violations(page)).toContainEqual(expect.stringMatching(/^script-src/));
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBe(
      undefined,
    );
  });
});
