/**
 * SYNC.md §4 S5: the phone's clock is wrong. For each device clock (exact,
 * +5 min, −3 days, +1 hour, +3 days, −20 years; Playwright's clock, time
 * flowing) a fresh phone signs in, records two sessions and edits one,
 * through the real form. Required:
 * - the warning "Đồng hồ của máy đang lệch…" shows iff |skew| > 10 min;
 * - the server's outcome is identical to the exact-clock run: same statuses,
 *   same versions (1 for the untouched session, 2 for the edited one), same
 *   content; nothing lost, nothing twice; the phone equal to the server.
 * (The pull cursor `seq` is not exposed by the HTTP API, so it is not compared.)
 *
 * The session date is typed in (a day the server accepts and no device
 * clock here calls "future"); at −20 years every real date is after the
 * phone's "today", so the form refuses to save: that run checks the warning
 * and the refusal only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPhone, startServer, type RunningServer } from './harness.ts';
import { coordinatorApi, phoneState, signIn, signedInUserId } from './driver.ts';
import type { LogRecord } from '../../src/shared/schemas/log.ts';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const SKEWS = [
  { label: 'exact', ms: 0 },
  { label: '+5 min', ms: 5 * MIN },
  { label: '-3 d', ms: -3 * DAY },
  { label: '+1 h', ms: 60 * MIN },
  { label: '+3 d', ms: 3 * DAY },
] as const;

let server: RunningServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

/** `YYYY-MM-DD` of real time minus `days`, in Vietnam (the server's calendar). */
function vietnamDate(daysAgo: number): string {
  return new Date(Date.now() - daysAgo * DAY + 7 * 60 * MIN).toISOString().slice(0, 10);
}

async function fillSession(page: Page, date: string, over60: string, notes: string) {
  await page.getByRole('link', { name: 'Ghi buổi hỗ trợ mới' }).click();
  await page.getByRole('heading', { name: 'Ghi buổi hỗ trợ' }).waitFor();
  await page.getByLabel('Ngày hỗ trợ').fill(date);
  await page.getByRole('radio', { name: 'Đến tận nhà' }).check();
  await page.getByLabel('Từ 60 tuổi trở lên').fill(over60);
  await page.getByRole('checkbox', { name: /VNeID\)$/ }).check();
  await page.getByRole('radio', { name: 'Hoàn thành' }).check();
  await page.getByLabel('Ghi chú').fill(notes);
  await page.getByRole('button', { name: 'Lưu' }).click();
}

/** What must not depend on the phone's clock. */
function outcome(r: LogRecord) {
  return {
    status: r.status,
    version: r.version,
    deleted: r.deleted,
    kind: r.kind,
    residents: r.residents,
    skills: r.skills,
    outcome: r.outcome,
  };
}

const warning = (page: Page) =>
  page.getByRole('alert').filter({ hasText: 'Đồng hồ của máy đang lệch' });

async function waitSynced(page: Page) {
  await expect
    .poll(() => page.getByTestId('sync-state').textContent(), { timeout: 30_000 })
    .toBe('Đã đồng bộ');
}

describe('S5: a wrong phone clock changes nothing on the server', () => {
  const results = new Map<string, ReturnType<typeof outcome>[]>();

  it.each(SKEWS.map((s, i) => [s.label, s.ms, i] as const))(
    'device clock %s',
    async (label, skewMs, run) => {
      const phone = await openPhone();
      try {
        const { page, context } = phone;
        await context.clock.install({ time: Date.now() + skewMs });
        await signIn(page, server.url, 'tnv.an');
        const userId = await signedInUserId(page);
        await waitSynced(page);

        const date = vietnamDate(4 + run);
        const tag = `S5 ${label}`;
        await fillSession(page, date, '2', `${tag} A`);
        await page.getByText('Đã lưu trên máy', { exact: true }).waitFor();
        await fillSession(page, date, '3', `${tag} B`);
        await page.getByText('Đã lưu trên máy', { exact: true }).waitFor();
        await waitSynced(page);

        // Edit A (the one with 2 residents) through its page.
        const list = page.getByRole('list', { name: 'Danh sách buổi hỗ trợ' });
        await list
          .getByRole('listitem')
          .filter({ hasText: `${date.split('-').reverse().join('/')} · Đến tận nhà` })
          .filter({ hasText: '2 người' })
          .getByRole('link')
          .click();
        await page.getByRole('heading', { name: 'Sửa buổi hỗ trợ' }).waitFor();
        await page.getByLabel('Từ 60 tuổi trở lên').fill('4');
        await page.getByRole('button', { name: 'Lưu' }).click();
        await page.getByText('Đã lưu trên máy', { exact: true }).waitFor();
        await waitSynced(page);

        const shouldWarn = Math.abs(skewMs) > 10 * MIN;
        if (shouldWarn) await warning(page).waitFor();
        else expect(await warning(page).count()).toBe(0);

        const all = await (await coordinatorApi(server.url)).logs(userId);
        const mine = all.filter((r) => r.notes.startsWith(`${tag} `));
        expect(mine.map((r) => r.notes).sort()).toEqual([`${tag} A`, `${tag} B`]);
        const sorted = mine.sort((a, b) => a.notes.localeCompare(b.notes)).map(outcome);
        results.set(label, sorted);
        expect(sorted).toEqual(results.get('exact'));
        expect(sorted.map((o) => [o.version, o.residents.over60])).toEqual([
          [2, 4],
          [1, 3],
        ]);

        const state = await phoneState(page, userId);
        const live = state.logs.filter((l) => !l.deleted);
        expect(live.map((l) => l.id).sort()).toEqual(all.map((r) => r.id).sort());
        expect(live.filter((l) => l.syncState !== 'synced')).toEqual([]);
        expect({ outbox: state.outbox, attention: state.attention }).toEqual({
          outbox: 0,
          attention: 0,
        });
      } finally {
        await phone.close();
      }
    },
  );

  it('device clock -20 years: warns, and the form refuses a date after the phone\'s "today"', async () => {
    const phone = await openPhone();
    try {
      const { page, context } = phone;
      await context.clock.install({ time: Date.now() - 20 * 365 * DAY });
      await signIn(page, server.url, 'tnv.an');
      await waitSynced(page);
      await warning(page).waitFor();
      const before = (await (await coordinatorApi(server.url)).logs()).length;

      await fillSession(page, vietnamDate(4), '2', 'S5 -20 y');
      await page.getByText('Ngày hỗ trợ: không được sau ngày hôm nay').first().waitFor();
      expect((await (await coordinatorApi(server.url)).logs()).length).toBe(before);
    } finally {
      await phone.close();
    }
  });
});
