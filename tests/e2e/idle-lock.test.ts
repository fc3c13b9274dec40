/**
 * The idle lock on a shared phone (docs/SECURITY.md "Idle lock"), with no
 * network: the volunteer sets a PIN on the home screen; after 5 idle minutes
 * (Playwright's clock moves time) the app locks over a half-typed form; a
 * wrong PIN is refused with the tries left, the right one opens it with the
 * text still there; a reload does not lift the lock; five wrong PINs send
 * the volunteer to sign in again, and their sessions are still on the phone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './driver.ts';
import { openPhone, startServer, type Phone, type RunningServer } from './harness.ts';
import { recordSession, signIn } from './person.ts';

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

const IDLE = 5 * 60_000 + 15_000;

describe('idle lock', () => {
  it('locks after 5 idle minutes offline and opens with the PIN, keeping what was typed', async () => {
    const { page, context } = phone;
    await context.clock.install({ time: Date.now() });
    await signIn(page, server.url, 'tnv.an');
    await recordSession(page, 'Buổi trước khi khoá');
    await page.getByRole('heading', { name: 'Buổi hỗ trợ của tôi' }).waitFor();

    // Set the PIN from the home screen (the form names what is wrong first).
    await page.getByRole('heading', { name: 'Đặt mã PIN cho máy này' }).waitFor();
    await page.getByLabel('Mã PIN mới').fill('12');
    await page.getByRole('button', { name: 'Đặt mã PIN' }).click();
    await page.getByText('Mã PIN mới: gồm 4 đến 6 chữ số').waitFor();
    await page.getByLabel('Mã PIN mới').fill('2468');
    await page.getByLabel('Nhập lại mã PIN').fill('2486');
    await page.getByRole('button', { name: 'Đặt mã PIN' }).click();
    await page.getByText('Nhập lại mã PIN: hai lần nhập không giống nhau').waitFor();
    await page.getByLabel('Nhập lại mã PIN').fill('2468');
    await page.getByRole('button', { name: 'Đặt mã PIN' }).click();
    await page.getByText('Đã đặt mã PIN.', { exact: false }).waitFor();

    // A form half-typed, the network gone, the phone put down.
    await page.getByRole('link', { name: 'Ghi buổi hỗ trợ mới' }).click();
    await page.getByLabel('Ghi chú').fill('Đang nhập dở khi máy khoá');
    await context.setOffline(true);
    await context.clock.runFor(60_000);
    expect(await page.getByRole('dialog', { name: 'Sổ tay đang khoá' }).count()).toBe(0);
    await context.clock.runFor(IDLE);
    const lock = page.getByRole('dialog', { name: 'Sổ tay đang khoá' });
    await lock.waitFor();
    // What is behind cannot be reached.
    expect(await page.locator('#app').getAttribute('inert')).toBe('');
    expect(await seriousViolations(page)).toEqual([]);

    await lock.getByLabel('Mã PIN').fill('1111');
    await lock.getByRole('button', { name: 'Mở khoá' }).click();
    await lock.getByText('Mã PIN: không đúng. Còn 4 lần thử.').waitFor();
    await lock.getByLabel('Mã PIN').fill('2468');
    await lock.getByRole('button', { name: 'Mở khoá' }).click();
    await lock.waitFor({ state: 'detached' });
    expect(await page.getByLabel('Ghi chú').inputValue()).toBe('Đang nhập dở khi máy khoá');
    expect(await page.locator('#app').getAttribute('inert')).toBeNull();

    // The app closed, and opened again more than 5 minutes later: locked at once.
    const blank = await context.newPage();
    await page.close();
    await context.clock.runFor(IDLE);
    await blank.goto(`${server.url}/field`);
    await blank.getByRole('dialog', { name: 'Sổ tay đang khoá' }).waitFor();
    await blank.getByLabel('Mã PIN').fill('2468');
    await blank.getByRole('button', { name: 'Mở khoá' }).click();
    await blank.getByRole('dialog', { name: 'Sổ tay đang khoá' }).waitFor({ state: 'detached' });
    phone.page = blank;
  });

  it('stays locked across a reload, and after five wrong PINs asks for the password, keeping the sessions', async () => {
    const { page, context } = phone;
    await context.clock.runFor(IDLE);
    await page.getByRole('dialog', { name: 'Sổ tay đang khoá' }).waitFor();
    await page.reload();
    const lock = page.getByRole('dialog', { name: 'Sổ tay đang khoá' });
    await lock.waitFor();

    for (let i = 0; i < 5; i++) {
      await lock.getByLabel('Mã PIN').fill('0000');
      await lock.getByRole('button', { name: 'Mở khoá' }).click();
      if (i < 4) await lock.getByText(`Còn ${4 - i} lần thử.`, { exact: false }).waitFor();
    }
    await lock.getByText('Đã nhập sai mã PIN 5 lần.', { exact: false }).waitFor();
    expect(await lock.getByLabel('Mã PIN').count()).toBe(0);

    await context.setOffline(false);
    // The app signs out, then loads /login afresh: wait for that load, or the
    // next page.goto can collide with it (net::ERR_ABORTED).
    const loaded = page.waitForEvent('load');
    await lock.getByRole('button', { name: 'Quên mã PIN? Đăng nhập lại bằng mật khẩu' }).click();
    await loaded;
    await page.getByRole('button', { name: 'Đăng nhập' }).waitFor();
    await signIn(page, server.url, 'tnv.an');
    // The session recorded before the lock is still on the phone.
    await expect
      .poll(() =>
        page.getByRole('list', { name: 'Danh sách buổi hỗ trợ' }).getByRole('listitem').count(),
      )
      .toBe(1);
    // A new PIN is asked for again.
    await page.getByRole('heading', { name: 'Đặt mã PIN cho máy này' }).waitFor();
  });
});
