/**
 * axe-core on every screen of the slice, in Chromium, on the built app:
 * no serious or critical violations on the login, the volunteer's list and
 * form (empty and with errors), and the coordinator's list and detail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations } from './driver.ts';
import { openPhone, startServer, type Phone, type RunningServer } from './harness.ts';

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

async function signIn(page: Page, username: string) {
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill('sotay-demo');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}

describe('accessibility (axe-core, serious and critical)', () => {
  it('has none on the login page, with and without errors', async () => {
    await phone.page.goto(`${server.url}/login`);
    await phone.page.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
    expect(await seriousViolations(phone.page)).toEqual([]);

    await phone.page.getByRole('button', { name: 'Đăng nhập' }).click();
    await phone.page.getByText('Tên đăng nhập: bắt buộc, chưa nhập').waitFor();
    expect(await seriousViolations(phone.page)).toEqual([]);
  });

  it('has none on the volunteer list and the record form', async () => {
    const { page } = phone;
    await signIn(page, 'tnv.an');
    await page.getByRole('heading', { name: 'Buổi hỗ trợ của tôi' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Ghi buổi hỗ trợ mới' }).click();
    await page.getByRole('checkbox', { name: /VNeID/ }).check();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText(/ô cần sửa/).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('has none on the coordinator list and detail', async () => {
    const { page } = phone;
    await page.getByRole('radio', { name: 'Đến tận nhà' }).check();
    await page.getByLabel('Dưới 30 tuổi').fill('1');
    await page.getByRole('radio', { name: 'Hoàn thành' }).check();
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã lưu trên máy').waitFor();
    await page.getByRole('button', { name: 'Đồng bộ ngay' }).click();
    await page.getByText('Đã gửi').waitFor();

    await signIn(desk.page, 'canbo.tanphu');
    await desk.page
      .getByRole('link', { name: /Xem buổi hỗ trợ của/ })
      .first()
      .waitFor();
    expect(await seriousViolations(desk.page)).toEqual([]);

    await desk.page
      .getByRole('link', { name: /Xem buổi hỗ trợ của/ })
      .first()
      .click();
    await desk.page.getByRole('button', { name: 'Duyệt', exact: true }).waitFor();
    expect(await seriousViolations(desk.page)).toEqual([]);
  });
});
