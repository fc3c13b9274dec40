/**
 * Issue 6's review loop in the browser: the coordinator finds a session by a
 * search without tone marks, returns it with a reason from the list, clears
 * the other 50 of the queue with one bulk approval, and sees the returned
 * one come back fixed, with what the volunteer changed and the history.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLogContent, makeMutation } from '../helpers/server.ts';
import { uuidv4 } from '../../src/shared/ids.ts';
import { seriousViolations } from './driver.ts';
import { openPhone, startServer, type Phone, type RunningServer } from './harness.ts';
import { DEMO_PASSWORD, recordSession, signIn, tabTo } from './person.ts';

let server: RunningServer;
let phone: Phone;
let desk: Phone;

beforeAll(async () => {
  server = await startServer();
  phone = await openPhone();
  desk = await openPhone({ width: 1280, height: 900 });
});

afterAll(async () => {
  await phone?.close();
  await desk?.close();
  await server?.stop();
});

/** `n` sessions of Bình's (Thôn Tây), pushed as his phone would; `notes` then the number. */
async function fromBinh(n: number, notes: string): Promise<void> {
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'tnv.binh', password: DEMO_PASSWORD }),
  });
  const cookie = /sotay_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
  const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
  const mutations = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      makeMutation({
        seq: i + 1,
        payload: makeLogContent({
          hamletId: 'tan-phu-tay',
          activityDate: day(2 + (i % 20)),
          notes: `${notes} ${i + 1}`,
          skills: [{ skillId: 'scam-aware', contentVersion: 1, stepsDone: [] }],
        }),
      }),
    ),
  );
  const res = await fetch(`${server.url}/api/sync/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ clientId: uuidv4(), mutations }),
  });
  const body = (await res.json()) as { results: { status: string }[] };
  expect(body.results.filter((r) => r.status === 'applied')).toHaveLength(n);
}

describe('the review queue in the browser', () => {
  it('returns one with a reason, approves 50 at once, and sees the returned one come back fixed', async () => {
    await fromBinh(50, 'Buổi của Bình số');
    const a = phone.page;
    await signIn(a, server.url, 'tnv.an');
    await recordSession(a, 'Cụ Nguyễn Văn Quýnh học quét mã', { over60: '1' });
    await expect
      .poll(() => a.getByTestId('sync-state').textContent(), { timeout: 30_000 })
      .toBe('Đã đồng bộ');

    const c = desk.page;
    await signIn(c, server.url, 'canbo.tanphu');
    await c.getByRole('heading', { name: 'Duyệt buổi hỗ trợ' }).waitFor();
    expect(await c.getByLabel('Trạng thái').inputValue()).toBe('to_review');
    // A search without tone marks finds An's session among the 51.
    await c.getByRole('searchbox', { name: 'Tìm buổi hỗ trợ' }).fill('nguyen van quynh');
    await c.getByRole('button', { name: 'Tìm', exact: true }).click();
    const rows = c.getByRole('table').getByRole('row');
    await expect.poll(() => rows.count()).toBe(2);
    await c.getByRole('link', { name: /Xem buổi hỗ trợ của Trần Văn An/ }).click();
    await c.getByLabel('Lý do trả lại').selectOption({ label: 'Số người chưa đúng' });
    await c.getByLabel('Nhận xét gửi tổ viên').fill('Cụ đi cùng con gái, ghi 2 người.');
    await c.getByRole('button', { name: 'Trả lại để sửa' }).click();
    await c.getByText('Đã trả lại cho tổ viên.').waitFor();
    await c.getByRole('link', { name: 'Quay lại' }).click();

    // The other 50: all selected, approved in one go, and the queue is clear.
    await c.getByRole('searchbox', { name: 'Tìm buổi hỗ trợ' }).fill('');
    await c.getByRole('button', { name: 'Tìm', exact: true }).click();
    await expect.poll(() => rows.count()).toBe(51);
    await c.getByRole('checkbox', { name: 'Chọn cả 50 buổi chờ duyệt đang hiện' }).check();
    expect(await seriousViolations(c)).toEqual([]);
    await c.getByRole('button', { name: 'Duyệt 50 buổi đã chọn' }).click();
    await c.getByText('Đã duyệt 50 buổi hỗ trợ.').waitFor({ timeout: 60_000 });
    await c.getByText('Không có buổi hỗ trợ nào khớp bộ lọc.').waitFor();

    // An sees the reason on the phone, fixes the count and sends it again.
    await a.reload();
    await a
      .getByText(/Số người chưa đúng\. Cụ đi cùng con gái, ghi 2 người\./)
      .first()
      .waitFor({ timeout: 30_000 });
    await a
      .getByRole('link', { name: /^Mở buổi hỗ trợ/ })
      .first()
      .click();
    await a.getByLabel('Từ 30 đến 59 tuổi').fill('1');
    await a.getByRole('button', { name: 'Lưu' }).click();
    await a.getByText('Đã lưu trên máy', { exact: true }).waitFor();
    await expect
      .poll(() => a.getByTestId('sync-state').textContent(), { timeout: 30_000 })
      .toBe('Đã đồng bộ');

    // Back in the queue, with what changed since it was returned.
    await c.reload();
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    await c.getByRole('link', { name: /Xem buổi hỗ trợ của Trần Văn An/ }).click();
    const diff = c.getByRole('table', { name: 'Những ô đã sửa' });
    await diff.waitFor();
    expect(await diff.getByRole('row').count()).toBe(2); // the header and the residents
    await c.getByText('Lịch sử (3 phiên bản)').click();
    expect(await seriousViolations(c)).toEqual([]);
    await c.getByRole('button', { name: 'Duyệt', exact: true }).click();
    await c.getByText('Đã duyệt buổi hỗ trợ.').waitFor();

    // The whole list of a filter as CSV: Bình's 50 of Thôn Tây, in Vietnamese.
    await c.getByRole('link', { name: 'Quay lại' }).click();
    await c.getByLabel('Trạng thái').selectOption({ label: 'Tất cả' });
    await c.getByLabel('Thôn/ấp').selectOption({ label: 'Thôn Tây' });
    await expect.poll(() => rows.count()).toBe(51);
    const [file] = await Promise.all([
      c.waitForEvent('download'),
      c.getByRole('button', { name: 'Tải danh sách CSV' }).click(),
    ]);
    const text = readFileSync(await file.path(), 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trimEnd().split('\r\n');
    expect(lines[0]!.startsWith('Ngày hỗ trợ,Tổ viên,Thôn/ấp,')).toBe(true);
    expect(lines).toHaveLength(51);
    expect(lines.slice(1).every((l) => /^\d{2}\/\d{2}\/\d{4},Lê Thị Bình,Thôn Tây,/.test(l))).toBe(
      true,
    );
    await c.getByText('Đã tải 50 buổi hỗ trợ theo bộ lọc.', { exact: false }).waitFor();
  });

  it('can be cleared with the keyboard alone: search, return with a reason, go on to the next, approve all', async () => {
    await fromBinh(4, 'Hướng dẫn gõ bàn phím');
    const c = desk.page;
    await c.goto(`${server.url}/review`);
    await c.getByRole('heading', { name: 'Duyệt buổi hỗ trợ' }).waitFor();
    const rows = c.getByRole('table').getByRole('row');

    // Search without tone marks, then Enter.
    await tabTo(c, c.getByRole('searchbox', { name: 'Tìm buổi hỗ trợ' }));
    await c.keyboard.type('ban phim');
    await c.keyboard.press('Enter');
    await expect.poll(() => rows.count()).toBe(5);

    // Open the first, return it with a reason from the list and a word.
    await tabTo(c, c.getByRole('link', { name: /Xem buổi hỗ trợ của Lê Thị Bình/ }).first());
    await c.keyboard.press('Enter');
    await tabTo(c, c.getByLabel('Lý do trả lại'));
    await c.keyboard.press('ArrowDown'); // the first reason of the list
    expect(await c.getByLabel('Lý do trả lại').inputValue()).toBe('missing_info');
    await tabTo(c, c.getByLabel('Nhận xét gửi tổ viên'));
    await c.keyboard.type('Ghi thêm mã hộ.');
    await tabTo(c, c.getByRole('button', { name: 'Trả lại để sửa' }));
    await c.keyboard.press('Enter');
    // The focus goes to what happened, with the way on right after it.
    const done = c.getByRole('status').filter({ hasText: 'Đã trả lại cho tổ viên.' });
    await expect.poll(() => done.evaluate((el) => el === document.activeElement)).toBe(true);
    const next = c.getByRole('link', { name: /^Mở buổi tiếp theo cần duyệt: / });
    await tabTo(c, next, { max: 3 });
    await c.keyboard.press('Enter');

    // The next one opens with the focus on its content; Duyệt is a few Tabs away.
    await c.getByRole('button', { name: 'Duyệt', exact: true }).waitFor();
    expect(await c.evaluate(() => document.activeElement?.id)).toBe('main');
    await tabTo(c, c.getByRole('button', { name: 'Duyệt', exact: true }));
    await c.keyboard.press('Enter');
    await c.getByText('Đã duyệt buổi hỗ trợ.').waitFor();

    // Back to the queue; everything left is selected with Space and approved with Enter.
    await tabTo(c, c.getByRole('link', { name: 'Về danh sách duyệt' }));
    await c.keyboard.press('Enter');
    const all = c.getByRole('checkbox', { name: /^Chọn cả \d+ buổi chờ duyệt đang hiện$/ });
    await tabTo(c, all);
    await c.keyboard.press('Space');
    expect(await all.isChecked()).toBe(true);
    await tabTo(c, c.getByRole('button', { name: /^Duyệt \d+ buổi đã chọn$/ }));
    await c.keyboard.press('Enter');
    await c.getByText(/^Đã duyệt \d+ buổi hỗ trợ\.$/).waitFor({ timeout: 60_000 });
    await c.getByText('Không có buổi hỗ trợ nào khớp bộ lọc.').waitFor();
    expect(await seriousViolations(c)).toEqual([]);
  });
});
