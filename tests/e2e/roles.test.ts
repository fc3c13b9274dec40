/**
 * The team lead and the province viewer in the browser: the team lead
 * records like a volunteer, reviews a session of their hamlet from the links
 * on their home and adds a volunteer to their hamlet only; the coordinator
 * adds a hamlet, and the team form offers it; the admin adds a commune and
 * its first coordinator; the province viewer sees the
 * counts of their province's communes and no name. No accessibility violation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './driver.ts';
import { openPhone, startServer, type Phone, type RunningServer } from './harness.ts';
import { recordSession, signIn } from './person.ts';

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

describe('roles in the browser', () => {
  it('lets the team lead review a session of their hamlet and add a volunteer to it', async () => {
    // An records a session in Thôn Đông and it reaches the server.
    const page = phone.page;
    await signIn(page, server.url, 'tnv.an');
    await recordSession(page, 'Buổi của An cho tổ trưởng');
    await expect
      .poll(() => page.getByTestId('sync-state').textContent(), { timeout: 30_000 })
      .toBe('Đã đồng bộ');
    await page.getByRole('button', { name: 'Đăng xuất' }).click();

    // The team lead lands on their own sessions, with the team's links.
    await signIn(page, server.url, 'totruong.dong');
    await page.getByRole('heading', { name: 'Buổi hỗ trợ của tôi' }).waitFor();
    await page.getByRole('link', { name: 'Ghi buổi hỗ trợ mới' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'Duyệt buổi hỗ trợ' }).click();
    await page.getByRole('heading', { name: 'Duyệt buổi hỗ trợ' }).waitFor();
    // Only their hamlet in the filter, no audit log link.
    // (The directory arrives a moment after the page.)
    const hamlets = page.getByLabel('Thôn/ấp').locator('option');
    await expect.poll(() => hamlets.count()).toBeGreaterThan(1);
    expect((await hamlets.allTextContents()).slice(1)).toEqual(['Thôn Đông']);
    expect(await page.getByRole('link', { name: 'Nhật ký' }).count()).toBe(0);
    await page
      .getByRole('link', { name: /Xem buổi hỗ trợ của Trần Văn An/ })
      .first()
      .click();
    await page.getByRole('button', { name: 'Duyệt', exact: true }).click();
    await page.getByText('Đã duyệt buổi hỗ trợ.').waitFor();
    await page.getByRole('link', { name: 'Quay lại' }).click();

    await page.getByRole('link', { name: 'Tổ viên' }).click();
    await page.getByRole('heading', { name: 'Tổ viên', level: 1 }).waitFor();
    // A team lead adds volunteers only, to their own hamlet: no role to choose.
    expect(await page.getByLabel('Vai trò').count()).toBe(0);
    expect(await page.getByLabel('Thôn/ấp').locator('option').allTextContents()).toEqual([
      'Thôn Đông',
    ]);
    await page.getByLabel('Họ và tên').fill('Vũ Thị Lan');
    await page.getByLabel('Tên đăng nhập').fill('tnv.lan');
    await page.getByRole('button', { name: 'Thêm và cấp mã' }).click();
    await page.getByRole('heading', { name: 'Mã kích hoạt của Vũ Thị Lan' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('lets the coordinator add a hamlet and then a team lead for it', async () => {
    const page = desk.page;
    await signIn(page, server.url, 'canbo.tanphu');
    await page.getByRole('link', { name: 'Tổ viên' }).click();
    await page.getByRole('heading', { name: 'Các thôn, ấp của xã' }).waitFor();
    await page.getByRole('button', { name: 'Thêm thôn, ấp' }).click();
    await page.getByText('Tên: bắt buộc, chưa nhập').waitFor();
    await page.getByLabel('Tên thôn, ấp mới').fill('Thôn Đông');
    await page.getByRole('button', { name: 'Thêm thôn, ấp' }).click();
    await page.getByText('Tên: bị trùng').waitFor();
    await page.getByLabel('Tên thôn, ấp mới').fill('Ấp Mỹ Hoà');
    await page.getByRole('button', { name: 'Thêm thôn, ấp' }).click();
    await page.getByText('Đã thêm Ấp Mỹ Hoà.').waitFor();
    await page.getByRole('list', { name: 'Các thôn, ấp của xã' }).getByText('Ấp Mỹ Hoà').waitFor();

    await page.getByLabel('Vai trò').selectOption({ label: 'Tổ trưởng' });
    await page.getByLabel('Thôn/ấp').selectOption({ label: 'Ấp Mỹ Hoà' });
    await page.getByLabel('Họ và tên').fill('Đinh Văn Hoà');
    await page.getByLabel('Tên đăng nhập').fill('totruong.myhoa');
    await page.getByRole('button', { name: 'Thêm và cấp mã' }).click();
    await page.getByRole('heading', { name: 'Mã kích hoạt của Đinh Văn Hoà' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Đinh Văn Hoà' });
    await expect.poll(() => row.textContent()).toContain('Tổ trưởng');
    await expect.poll(() => row.textContent()).toContain('Ấp Mỹ Hoà');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('lets the admin add a commune of the province and its first coordinator', async () => {
    const page = desk.page;
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await signIn(page, server.url, 'quantri.tanphu');
    await page.getByRole('link', { name: 'Quản trị' }).click();
    await page.getByRole('heading', { name: 'Quản trị các xã' }).waitFor();
    await page.getByLabel('Tên xã mới').fill('Xã Mỹ An');
    await page.getByRole('button', { name: 'Thêm xã' }).click();
    await page.getByText('Đã thêm Xã Mỹ An.').waitFor();
    await page.getByRole('rowheader', { name: 'Xã Mỹ An' }).waitFor();
    await page.getByLabel('Xã', { exact: true }).selectOption({ label: 'Xã Mỹ An' });
    await page.getByLabel('Họ và tên').fill('Lâm Thị Thu');
    await page.getByLabel('Tên đăng nhập').fill('canbo.myan');
    await page.getByRole('button', { name: 'Thêm và cấp mã' }).click();
    await page.getByRole('heading', { name: 'Mã kích hoạt của Lâm Thị Thu' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("shows the province viewer their communes' counts, small ones hidden, and no names", async () => {
    const page = desk.page;
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await signIn(page, server.url, 'tinh.dongthap');
    await page.getByRole('heading', { name: 'Tổng hợp của Tỉnh Đồng Tháp' }).waitFor();
    // This year: the sessions recorded above are in it, whatever the day of the month.
    const year = new Date(Date.now() + 7 * 3600_000).getUTCFullYear();
    await page.getByLabel('Kỳ', { exact: true }).selectOption({ label: `Năm ${year}` });
    const activity = page.getByRole('table', { name: `Hoạt động của các xã, Năm ${year}` });
    const row = activity.getByRole('row').filter({ hasText: 'Xã Tân Phú' });
    // Column 4 is the sessions: one so far, fewer than 5, so hidden.
    await expect.poll(() => row.getByRole('cell').nth(3).textContent()).toBe('dưới 5');
    await page.getByRole('table', { name: `Hộ gia đình và kết quả, Năm ${year}` }).waitFor();
    expect(await page.getByText('Trần Văn An').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
