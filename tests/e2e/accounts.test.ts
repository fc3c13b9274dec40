/**
 * Accounts in the browser, as people use them: the coordinator adds a
 * volunteer and gets a one-time code with its QR code; the volunteer
 * activates the account on their phone with it and sets a password; a new
 * code (forgotten password) arrives through the QR link; the coordinator
 * locks the account and its owner can no longer sign in; the activity log
 * tells it all. No accessibility
 * violation on the pages involved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations } from './driver.ts';
import { openPhone, startServer, type Phone, type RunningServer } from './harness.ts';
import { signIn } from './person.ts';

let server: RunningServer;
let desk: Phone;
let phone: Phone;
let code = '';

beforeAll(async () => {
  server = await startServer();
  desk = await openPhone({ width: 1280, height: 900 });
  phone = await openPhone();
});

afterAll(async () => {
  await desk?.close();
  await phone?.close();
  await server?.stop();
});

const memberRow = (page: Page, name: string) => page.getByRole('row').filter({ hasText: name });

async function activate(page: Page, password: string) {
  await page.getByLabel('Mật khẩu mới').fill(password);
  await page.getByLabel('Nhập lại mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Kích hoạt' }).click();
}

describe('accounts: add, activate, reset, lock', () => {
  it('lets the coordinator add a volunteer and hands over a one-time code with a QR code', async () => {
    const page = desk.page;
    await signIn(page, server.url, 'canbo.tanphu');
    await page.getByRole('link', { name: 'Tổ viên' }).click();
    await page.getByRole('heading', { name: 'Tổ viên', level: 1 }).waitFor();
    await expect.poll(() => memberRow(page, 'Trần Văn An').textContent()).toContain('Đang dùng');

    // The form names what is missing before anything is sent.
    await page.getByRole('button', { name: 'Thêm và cấp mã' }).click();
    await page.getByText('Họ và tên: bắt buộc, chưa nhập').waitFor();

    await page.getByLabel('Họ và tên').fill('Hà Thị Mai');
    await page.getByLabel('Tên đăng nhập').fill('tnv.an');
    await page.getByLabel('Thôn/ấp').selectOption({ label: 'Thôn Tây' });
    await page.getByRole('button', { name: 'Thêm và cấp mã' }).click();
    // The server's answer, naming the field, in Vietnamese.
    await page.getByText('Tên đăng nhập: bị trùng').waitFor();

    await page.getByLabel('Tên đăng nhập').fill('tnv.mai');
    await page.getByRole('button', { name: 'Thêm và cấp mã' }).click();
    await page.getByRole('heading', { name: 'Mã kích hoạt của Hà Thị Mai' }).waitFor();
    code = (await page.getByTestId('enrolment-code').textContent()) ?? '';
    expect(code).toMatch(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/);
    await page.getByRole('img', { name: 'Mã QR để kích hoạt tài khoản của Hà Thị Mai' }).waitFor();
    await expect.poll(() => memberRow(page, 'Hà Thị Mai').textContent()).toContain('Chờ kích hoạt');

    expect(await seriousViolations(page)).toEqual([]);
  });

  it('lets the volunteer activate the account on their phone with the code, as read aloud', async () => {
    const page = phone.page;
    await page.goto(`${server.url}/login`);
    await page.getByRole('link', { name: 'Có mã kích hoạt? Kích hoạt tài khoản' }).click();
    await page.getByRole('heading', { name: 'Kích hoạt tài khoản' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel('Mã kích hoạt').fill(code.toLowerCase().replace('-', ' '));
    await page.getByLabel('Mật khẩu mới').fill('mai-mat-khau');
    await page.getByLabel('Nhập lại mật khẩu').fill('mai-mat-khac');
    await page.getByRole('button', { name: 'Kích hoạt' }).click();
    await page.getByText('Nhập lại mật khẩu: hai lần nhập không giống nhau').waitFor();

    await activate(page, 'mai-mat-khau');
    await page.getByRole('heading', { name: 'Buổi hỗ trợ của tôi' }).waitFor();
    await page.getByText('Hà Thị Mai', { exact: false }).first().waitFor();

    // The code is spent.
    await desk.page.reload();
    await expect
      .poll(() => memberRow(desk.page, 'Hà Thị Mai').textContent())
      .toContain('Đang dùng');
  });

  it('sends a new code for a forgotten password through the QR link, and the volunteer chooses a new password', async () => {
    const page = desk.page;
    await page.getByRole('button', { name: 'Cấp mã mới cho Hà Thị Mai' }).click();
    await page.getByText('Cấp mã mới cho Hà Thị Mai? Mật khẩu cũ sẽ không dùng được nữa').waitFor();
    await page.getByRole('button', { name: 'Đồng ý' }).click();
    await page.getByRole('heading', { name: 'Mã kích hoạt của Hà Thị Mai' }).waitFor();
    const fresh = (await page.getByTestId('enrolment-code').textContent()) ?? '';
    expect(fresh).not.toBe(code);

    // What the phone's camera opens from the QR code: the code is filled in.
    const other = await phone.context.newPage();
    await other.goto(`${server.url}/enrol#${fresh.replace('-', '')}`);
    await expect
      .poll(() => other.getByLabel('Mã kích hoạt').inputValue())
      .toBe(fresh.replace('-', ''));
    await activate(other, 'mai-mat-khau-moi');
    await other.getByRole('heading', { name: 'Buổi hỗ trợ của tôi' }).waitFor();
    await other.close();
  });

  it('locks the account: its owner cannot sign in any more', async () => {
    const page = desk.page;
    await page.getByRole('button', { name: 'Xong' }).click();
    await page.getByRole('button', { name: 'Khoá tài khoản của Hà Thị Mai' }).click();
    await page.getByRole('button', { name: 'Đồng ý' }).click();
    await page.getByText('Đã khoá tài khoản của Hà Thị Mai.').waitFor();
    await expect.poll(() => memberRow(page, 'Hà Thị Mai').textContent()).toContain('Đã khoá');

    // The activity log tells the story, newest first.
    await page.getByRole('link', { name: 'Nhật ký' }).click();
    await page.getByRole('heading', { name: 'Nhật ký', level: 1 }).waitFor();
    const rows = page.getByRole('table').getByRole('row');
    await expect
      .poll(() => rows.nth(1).textContent())
      .toContain('Nguyễn Thị Hoa đã khoá tài khoản của Hà Thị Mai');
    const story = (await rows.allTextContents()).join('\n');
    expect(story).toContain('Nguyễn Thị Hoa đã cấp mã kích hoạt mới cho Hà Thị Mai');
    expect(story).toContain('Hà Thị Mai đã kích hoạt tài khoản của mình');
    expect(story).toContain('Nguyễn Thị Hoa đã thêm tổ viên Hà Thị Mai');
    expect(await seriousViolations(page)).toEqual([]);

    const stranger = await openPhone();
    try {
      await stranger.page.goto(`${server.url}/login`);
      await stranger.page.getByLabel('Tên đăng nhập').fill('tnv.mai');
      await stranger.page.getByLabel('Mật khẩu').fill('mai-mat-khau-moi');
      await stranger.page.getByRole('button', { name: 'Đăng nhập' }).click();
      await stranger.page.getByText('Tên đăng nhập hoặc mật khẩu không đúng.').waitFor();
    } finally {
      await stranger.close();
    }
  });
});
