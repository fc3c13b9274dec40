/**
 * The first slice, as people use it: a volunteer records two sessions with
 * the network off, reloads, goes online and sees them synced; the coordinator
 * approves one and returns the other; the volunteer sees both decisions.
 * Everything is found by role and visible Vietnamese label.
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

let server: RunningServer;
let volunteer: Phone;
let coordinator: Phone;

beforeAll(async () => {
  server = await startServer();
  volunteer = await openPhone();
  coordinator = await openPhone({ width: 1280, height: 900 });
});

afterAll(async () => {
  await volunteer?.close();
  await coordinator?.close();
  await server?.stop();
});

async function signIn(page: Page, username: string): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill('sotay-demo');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}

async function recordSession(
  page: Page,
  opts: {
    kind: string;
    under30: string;
    over60: string;
    skill: string;
    steps: number;
    notes: string;
  },
): Promise<void> {
  await page.getByRole('link', { name: 'Ghi buổi hỗ trợ mới' }).click();
  await page.getByRole('heading', { name: 'Ghi buổi hỗ trợ' }).waitFor();
  await page.getByRole('radio', { name: opts.kind }).check();
  await page.getByLabel('Dưới 30 tuổi').fill(opts.under30);
  await page.getByLabel('Từ 60 tuổi trở lên').fill(opts.over60);
  await page.getByRole('checkbox', { name: opts.skill }).check();
  const steps = page.getByRole('group', { name: new RegExp(opts.skill) }).getByRole('checkbox');
  for (let i = 0; i < opts.steps; i++) await steps.nth(i).check();
  await page.getByRole('radio', { name: 'Hoàn thành' }).check();
  await page.getByLabel('Ghi chú').fill(opts.notes);
  await page.getByRole('button', { name: 'Lưu' }).click();
  await page.getByText('Đã lưu trên máy', { exact: true }).waitFor();
}

describe('volunteer offline → sync → coordinator review → volunteer sees decisions', () => {
  it('lets a volunteer record two sessions offline and keeps them across a reload', async () => {
    const page = volunteer.page;
    await signIn(page, 'tnv.an');
    await page.getByRole('heading', { name: 'Buổi hỗ trợ của tôi' }).waitFor();
    await waitForServiceWorker(page);

    await volunteer.context.setOffline(true);
    await recordSession(page, {
      kind: 'Đến tận nhà',
      under30: '0',
      over60: '2',
      skill: 'VNeID',
      steps: 3,
      notes: 'Bà Tư đã kích hoạt được VNeID.',
    });
    await recordSession(page, {
      kind: 'Lớp học nhóm',
      under30: '5',
      over60: '7',
      skill: 'lừa đảo',
      steps: 2,
      notes: 'Lớp ở nhà văn hóa thôn.',
    });
    await page.reload();

    const list = page.getByRole('list', { name: 'Danh sách buổi hỗ trợ' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(2);
    await expect.poll(() => list.getByText('Chờ gửi').count()).toBe(2);
    await expect.poll(() => page.getByTestId('sync-state').textContent()).toBe('2 buổi chờ gửi');
  });

  it('sends the waiting sessions by itself when the network returns', async () => {
    const page = volunteer.page;

    // No click: the browser's `online` event alone must start the sync.
    await volunteer.context.setOffline(false);

    const list = page.getByRole('list', { name: 'Danh sách buổi hỗ trợ' });
    await expect.poll(() => list.getByText('Đã gửi').count(), { timeout: 30_000 }).toBe(2);
    await expect.poll(() => page.getByTestId('sync-state').textContent()).toBe('Đã đồng bộ');
    expect(await list.getByText('Chờ duyệt').count()).toBe(2);
  });

  it('lets the coordinator filter, approve one session and return the other with a comment', async () => {
    const page = coordinator.page;
    await signIn(page, 'canbo.tanphu');
    await page.getByRole('heading', { name: 'Duyệt buổi hỗ trợ' }).waitFor();
    const rows = page.getByRole('table').getByRole('row');
    await expect.poll(() => rows.count()).toBe(3); // header + 2

    await page.getByLabel('Thôn/ấp').selectOption({ label: 'Thôn Tây' });
    await page.getByText('Không có buổi hỗ trợ nào khớp bộ lọc.').waitFor();
    await page.getByLabel('Thôn/ấp').selectOption({ label: 'Thôn Đông' });
    await expect.poll(() => rows.count()).toBe(3);
    await page.getByLabel('Tổ viên').selectOption({ label: 'Trần Văn An' });
    await expect.poll(() => rows.count()).toBe(3);

    await page
      .getByRole('link', { name: /Xem buổi hỗ trợ của Trần Văn An/ })
      .first()
      .click();
    await page.getByRole('button', { name: 'Duyệt', exact: true }).click();
    await page.getByText('Đã duyệt buổi hỗ trợ.').waitFor();
    await page.getByRole('link', { name: 'Quay lại' }).click();

    await page.getByLabel('Trạng thái').selectOption({ label: 'Chờ duyệt' });
    await expect.poll(() => rows.count()).toBe(2);
    await rows.nth(1).getByRole('link').click();
    await page.getByRole('button', { name: 'Trả lại để sửa' }).click();
    await page.getByText('Nhận xét: hãy ghi nhận xét khi trả lại').waitFor();
    await page.getByLabel('Nhận xét gửi tổ viên').fill('Ghi rõ số người từ 60 tuổi.');
    await page.getByRole('button', { name: 'Trả lại để sửa' }).click();
    await page.getByText('Đã trả lại cho tổ viên.').waitFor();

    await page.getByRole('link', { name: 'Quay lại' }).click();
    await page.getByLabel('Trạng thái').selectOption({ label: 'Đã duyệt' });
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByLabel('Trạng thái').selectOption({ label: 'Trả lại để sửa' });
    await expect.poll(() => rows.count()).toBe(2);
  });

  it('shows the volunteer both decisions and the comment after the next sync', async () => {
    const page = volunteer.page;

    await page.getByRole('button', { name: 'Đồng bộ ngay' }).click();

    const list = page.getByRole('list', { name: 'Danh sách buổi hỗ trợ' });
    await expect.poll(() => list.getByText('Đã duyệt').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => list.getByText('Trả lại để sửa').count()).toBe(1);
    await list.getByText('Cán bộ xã nhận xét: Ghi rõ số người từ 60 tuổi.').waitFor();
    // Above the list, whatever page of it the session is on: what to fix first.
    await page.getByRole('heading', { name: '1 buổi bị trả lại, cần sửa' }).waitFor();
  });
});

describe('a returned session comes back fixed', () => {
  it('lets the volunteer fix the returned session; it goes back to the coordinator for review', async () => {
    const page = volunteer.page;
    const list = page.getByRole('list', { name: 'Danh sách buổi hỗ trợ' });
    const returned = page.getByRole('region', { name: '1 buổi bị trả lại, cần sửa' });
    await returned.getByRole('link').click();
    await page.getByRole('heading', { name: 'Sửa buổi hỗ trợ' }).waitFor();

    await page.getByLabel('Từ 60 tuổi trở lên').fill('8');
    await page.getByLabel('Trong đó số phụ nữ').fill('99');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page
      .getByText('Trong đó số phụ nữ: không được nhiều hơn tổng số người', { exact: false })
      .first()
      .waitFor();
    await page.getByLabel('Trong đó số phụ nữ').fill('3');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã lưu trên máy', { exact: true }).waitFor();

    await expect.poll(() => list.getByText('Trả lại để sửa').count(), { timeout: 30_000 }).toBe(0);
    expect(await page.getByRole('heading', { name: /bị trả lại/ }).count()).toBe(0);
    await expect.poll(() => list.getByText('Chờ duyệt').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => list.getByText('Đã gửi').count()).toBe(2);
    await coordinator.page.reload();
    await coordinator.page.getByLabel('Trạng thái').selectOption({ label: 'Chờ duyệt' });
    const rows = coordinator.page.getByRole('table').getByRole('row');
    await expect.poll(() => rows.count()).toBe(2);
    await rows.nth(1).getByRole('link').click();
    await coordinator.page.getByText(/Từ 60 tuổi trở lên: 8\), trong đó 3 phụ nữ/).waitFor();
  });
});
