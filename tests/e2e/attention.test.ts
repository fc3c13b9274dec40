/**
 * Every way the server can refuse a volunteer's change, produced for real
 * against the built server, then seen and resolved on the attention screen
 * in Chromium, as a person would (by role and Vietnamese label):
 * - field_conflict: the same volunteer edits one session on two phones
 *   offline; the second phone keeps its version with "Sửa lại và gửi lại";
 * - approved_locked: the coordinator approves while the volunteer edits
 *   offline; the edit becomes an amendment request ("Đã hiểu");
 * - deleted: the volunteer's other device deletes the session (through the
 *   sync API) while this phone edits it offline; "Tạo lại buổi này";
 * - rejected (invalid): a phone whose clock is 3 days ahead records a session
 *   dated "today", which the server refuses as a future date; the volunteer
 *   fixes the date and sends it again.
 * axe-core finds no serious or critical problem on the screen.
 */
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
  DEMO_PASSWORD,
  phoneState,
  recordSession,
  seriousViolations,
  signIn,
  signedInUserId,
} from './driver.ts';
import { payloadHash } from '../../src/shared/hash.ts';
import { uuidv4, uuidv7 } from '../../src/shared/ids.ts';

const DAY = 86_400_000;
let server: RunningServer;
let phoneA: Phone;
let phoneB: Phone;
let userId = '';

beforeAll(async () => {
  server = await startServer();
  phoneA = await openPhone();
  phoneB = await openPhone();
  for (const p of [phoneA, phoneB]) {
    await signIn(p.page, server.url, 'tnv.an');
    await waitForServiceWorker(p.page);
  }
  userId = await signedInUserId(phoneA.page);
});

afterAll(async () => {
  await phoneA?.close();
  await phoneB?.close();
  await server?.stop();
});

/** `YYYY-MM-DD` of real time minus `days`, in Vietnam. */
function daysAgo(days: number): string {
  return new Date(Date.now() - days * DAY + 7 * 3_600_000).toISOString().slice(0, 10);
}
const shown = (iso: string) => iso.split('-').reverse().join('/');

/** Waits until the outbox is empty and the sync bar says so (not a stale "synced"). */
async function synced(page: Page) {
  await expect
    .poll(async () => (await phoneState(page, userId)).outbox, { timeout: 30_000 })
    .toBe(0);
  await expect
    .poll(() => page.getByTestId('sync-state').textContent(), { timeout: 30_000 })
    .toBe('Đã đồng bộ');
}

/** Opens the session of that date from the list and replaces its notes. */
async function editNotes(page: Page, date: string, notes: string) {
  await page.getByRole('link', { name: `Mở buổi hỗ trợ ngày ${shown(date)}` }).click();
  await page.getByRole('heading', { name: 'Sửa buổi hỗ trợ' }).waitFor();
  await page.getByLabel('Ghi chú').fill(notes);
  await page.getByRole('button', { name: 'Lưu' }).click();
  await page.getByText('Đã lưu trên máy', { exact: true }).waitFor();
}

/** Follows the sync bar's link to the attention screen and returns the one card. */
async function openAttention(page: Page) {
  await page.getByText('1 thay đổi cần bạn xem lại').waitFor({ timeout: 30_000 });
  await page.getByRole('link', { name: 'Xem và xử lý' }).click();
  await page.getByRole('heading', { name: 'Thay đổi cần bạn xem lại', level: 1 }).waitFor();
  const list = page.getByRole('list', { name: 'Thay đổi cần bạn xem lại' });
  await list.waitFor();
  const card = list.locator(':scope > li');
  expect(await card.count()).toBe(1);
  return card;
}

async function serverLog(notes: string) {
  const logs = await (await coordinatorApi(server.url)).logs(userId);
  return logs.filter((l) => l.notes === notes);
}

describe('attention screen in the browser', () => {
  it('field_conflict: two phones edit the same notes; the second keeps its own with "Sửa lại và gửi lại"', async () => {
    const a = phoneA.page;
    const b = phoneB.page;
    const date = daysAgo(1);
    await recordSession(a, 'Bản gốc', { activityDate: date });
    await synced(a);
    await b.getByRole('button', { name: 'Đồng bộ ngay' }).click();
    await b.getByRole('link', { name: `Mở buổi hỗ trợ ngày ${shown(date)}` }).waitFor();

    await phoneA.context.setOffline(true);
    await phoneB.context.setOffline(true);
    await editNotes(a, date, 'Máy A sửa');
    await editNotes(b, date, 'Máy B sửa');
    await phoneA.context.setOffline(false);
    await synced(a);
    await phoneB.context.setOffline(false);

    const card = await openAttention(b);
    await card.getByText('Buổi này cũng vừa được sửa ở nơi khác').waitFor();
    const row = card.getByRole('table', { name: 'Những ô khác nhau' }).getByRole('row', {
      name: /Ghi chú/,
    });
    expect((await row.getByRole('cell').allTextContents()).map((t) => t.trim())).toEqual([
      'Máy B sửa',
      'Máy A sửa',
    ]);
    expect(await seriousViolations(b)).toEqual([]);

    await card.getByRole('button', { name: 'Sửa lại và gửi lại' }).click();
    await b.getByText(/Bấm “Lưu” để gửi lại/).waitFor();
    expect(await b.getByLabel('Ghi chú').inputValue()).toBe('Máy B sửa');
    await b.getByRole('button', { name: 'Lưu' }).click();
    await b.getByText('Đã lưu trên máy', { exact: true }).waitFor();
    await synced(b);

    const [log] = await serverLog('Máy B sửa');
    expect(log).toMatchObject({ version: 3, status: 'submitted' });
    expect(await serverLog('Máy A sửa')).toEqual([]);
    expect((await phoneState(b, userId)).attention).toBe(0);
  });

  it('approved_locked: an offline edit of a session the coordinator approved becomes an amendment request', async () => {
    const a = phoneA.page;
    const date = daysAgo(2);
    await recordSession(a, 'Trước khi duyệt', { activityDate: date });
    await synced(a);
    const [original] = await serverLog('Trước khi duyệt');

    await phoneA.context.setOffline(true);
    await editNotes(a, date, 'Sửa sau khi duyệt');
    const coordinator = await coordinatorApi(server.url);
    expect(await coordinator.decide(original!.id, 'approve', original!.version)).toBe(200);
    await phoneA.context.setOffline(false);

    const card = await openAttention(a);
    await card.getByText(/dưới dạng đề nghị sửa/).waitFor();
    expect(await card.getByRole('button').allTextContents()).toEqual(['Đã hiểu']);
    await card.getByRole('button', { name: 'Đã hiểu' }).click();
    await a.getByRole('status').filter({ hasText: 'Đã ghi nhận.' }).waitFor();

    const [after] = await serverLog('Trước khi duyệt');
    expect(after).toMatchObject({ id: original!.id, status: 'approved' });
    await a.getByRole('link', { name: /Quay lại/ }).click();
    const item = a
      .getByRole('list', { name: 'Danh sách buổi hỗ trợ' })
      .getByRole('listitem')
      .filter({ has: a.getByRole('link', { name: `Mở buổi hỗ trợ ngày ${shown(date)}` }) });
    await item.getByText('Đã duyệt').waitFor();
  });

  it('amendment requests: the coordinator sees what the volunteer wants changed, accepts one and declines another', async () => {
    const a = phoneA.page;
    const office = await openPhone();
    try {
      const c = office.page;
      await signIn(c, server.url, 'canbo.tanphu');
      const openIt = async (date: string) => {
        await c.goto(`${server.url}/review`);
        await c.getByRole('link', { name: new RegExp(`ngày ${shown(date)}`) }).click();
        await c.getByRole('heading', { name: new RegExp(shown(date)), level: 1 }).waitFor();
      };
      /** The coordinator approves in the browser while the phone edits offline. */
      const requestAfterApproval = async (date: string, before: string, after: string) => {
        await recordSession(a, before, { activityDate: date });
        await synced(a);
        await phoneA.context.setOffline(true);
        await editNotes(a, date, after);
        await openIt(date);
        await c.getByRole('button', { name: 'Duyệt', exact: true }).click();
        await c.getByRole('status').filter({ hasText: 'Đã duyệt buổi hỗ trợ.' }).waitFor();
        await phoneA.context.setOffline(false);
        const card = await openAttention(a);
        await card.getByRole('button', { name: 'Đã hiểu' }).click();
        await a.getByRole('status').filter({ hasText: 'Đã ghi nhận.' }).waitFor();
        await a.getByRole('link', { name: /Quay lại/ }).click();
      };

      const first = daysAgo(5);
      await requestAfterApproval(first, 'Bản được duyệt', 'Xin sửa ghi chú');
      // The list flags it; the session shows the change, field by field.
      await c.goto(`${server.url}/review`);
      const row = c
        .getByRole('row')
        .filter({ has: c.getByRole('link', { name: new RegExp(`ngày ${shown(first)}`) }) });
      await row.getByText('Có đề nghị sửa').waitFor();
      await openIt(first);
      const requests = c.getByRole('region', { name: 'Đề nghị sửa sau khi duyệt' });
      const diff = requests.getByRole('table', { name: 'Những ô tổ viên muốn sửa' });
      const notesRow = diff.getByRole('row', { name: /Ghi chú/ });
      expect((await notesRow.getByRole('cell').allTextContents()).map((x) => x.trim())).toEqual([
        'Bản được duyệt',
        'Xin sửa ghi chú',
      ]);
      expect(await diff.getByRole('row').count()).toBe(2); // the header and the notes only
      expect(await seriousViolations(c)).toEqual([]);
      await requests.getByRole('button', { name: 'Chấp nhận thay đổi' }).click();
      await c.getByRole('status').filter({ hasText: 'Đã chấp nhận thay đổi.' }).waitFor();
      expect(await requests.count()).toBe(0);
      const [accepted] = await serverLog('Xin sửa ghi chú');
      expect(accepted).toMatchObject({ status: 'approved' });
      expect(await serverLog('Bản được duyệt')).toEqual([]);

      // The phone takes the accepted content at its next sync, still approved.
      await a.getByRole('button', { name: 'Đồng bộ ngay' }).click();
      await expect
        .poll(async () => (await phoneState(a, userId)).logs.find((l) => l.id === accepted!.id))
        .toMatchObject({ notes: 'Xin sửa ghi chú', syncState: 'synced' });

      // A second request, declined: the approved content stays.
      const second = daysAgo(6);
      await requestAfterApproval(second, 'Giữ nguyên', 'Không được chấp nhận');
      await openIt(second);
      await c.getByRole('button', { name: 'Giữ bản đã duyệt' }).click();
      await c.getByRole('status').filter({ hasText: 'Đã giữ bản đã duyệt.' }).waitFor();
      const [kept] = await serverLog('Giữ nguyên');
      expect(kept).toMatchObject({ status: 'approved' });
      expect(await serverLog('Không được chấp nhận')).toEqual([]);
      await synced(a);
    } finally {
      await office.close();
    }
  });

  it('deleted: the other device deleted it; "Tạo lại buổi này" sends the edit as a new session', async () => {
    const a = phoneA.page;
    const date = daysAgo(3);
    await recordSession(a, 'Sẽ bị xóa', { activityDate: date });
    await synced(a);
    const [original] = await serverLog('Sẽ bị xóa');

    await phoneA.context.setOffline(true);
    await editNotes(a, date, 'Sửa khi đã bị xóa');
    await deleteFromOtherDevice(original!.id, original!.version);
    await phoneA.context.setOffline(false);

    const card = await openAttention(a);
    await card.getByText(/đã bị xóa trên máy chủ/).waitFor();
    await card.getByRole('table', { name: 'Bản trên máy bạn' }).waitFor();
    await card.getByRole('button', { name: 'Tạo lại buổi này' }).click();
    await a.getByRole('status').filter({ hasText: 'Đã tạo lại buổi hỗ trợ trên máy' }).waitFor();
    await a.getByRole('link', { name: /Quay lại/ }).click();
    await synced(a);

    const recreated = await serverLog('Sửa khi đã bị xóa');
    expect(recreated).toHaveLength(1);
    expect(recreated[0]!.id).not.toBe(original!.id);
    expect(await serverLog('Sẽ bị xóa')).toEqual([]);
    expect((await phoneState(a, userId)).attention).toBe(0);
  });

  it('rejected: a phone 3 days ahead records "today"; the server refuses the future date; fixed and sent again', async () => {
    const phone = await openPhone();
    try {
      const { page, context } = phone;
      await context.clock.install({ time: Date.now() + 3 * DAY });
      await signIn(page, server.url, 'tnv.an');
      await synced(page);
      await recordSession(page, 'Đồng hồ chạy nhanh');

      const card = await openAttention(page);
      await card.getByText('Máy chủ thấy có ô chưa hợp lệ. Hãy sửa lại rồi gửi lại.').waitFor();
      await card.getByText('Ngày hỗ trợ: không được sau ngày hôm nay').waitFor();
      await card.getByText('Máy chủ chưa có buổi này.').waitFor();
      expect(await seriousViolations(page)).toEqual([]);

      await card.getByRole('button', { name: 'Sửa lại và gửi lại' }).click();
      await page.getByLabel('Ngày hỗ trợ').fill(daysAgo(4));
      await page.getByRole('button', { name: 'Lưu' }).click();
      await page.getByText('Đã lưu trên máy', { exact: true }).waitFor();
      await synced(page);

      const logs = await serverLog('Đồng hồ chạy nhanh');
      expect(logs.map((l) => [l.activityDate, l.version])).toEqual([[daysAgo(4), 1]]);
      expect((await phoneState(page, userId)).attention).toBe(0);
    } finally {
      await phone.close();
    }
  });
});

/** The volunteer's second device deletes a session: a `log.delete` through the sync API. */
async function deleteFromOtherDevice(id: string, baseVersion: number): Promise<void> {
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'tnv.an', password: DEMO_PASSWORD }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const res = await fetch(`${server.url}/api/sync/push`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({
      clientId: uuidv4(),
      mutations: [
        {
          mutationId: uuidv7(),
          seq: 1,
          name: 'log.delete',
          entityId: id,
          baseVersion,
          payloadSchema: 1,
          payload: null,
          payloadHash: await payloadHash(null),
          createdAtDevice: Date.now(),
        },
      ],
    }),
  });
  const body = (await res.json()) as { results: { status: string }[] };
  expect(body.results.map((r) => r.status)).toEqual(['applied']);
}
