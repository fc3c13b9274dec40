/**
 * What a volunteer notices around the form: a clear Vietnamese message naming
 * each wrong field, what they typed surviving a reload, the language switch
 * being remembered, and the installable manifest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openPhone,
  startServer,
  waitForServiceWorker,
  type Phone,
  type RunningServer,
} from './harness.ts';

let server: RunningServer;
let phone: Phone;

beforeAll(async () => {
  server = await startServer();
  phone = await openPhone();
  const { page } = phone;
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Tên đăng nhập').fill('tnv.binh');
  await page.getByLabel('Mật khẩu').fill('sotay-demo');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('heading', { name: 'Buổi hỗ trợ của tôi' }).waitFor();
  await waitForServiceWorker(page);
});

afterAll(async () => {
  await phone?.close();
  await server?.stop();
});

describe('the record form', () => {
  it('names every field that needs fixing, in Vietnamese, and saves nothing', async () => {
    const { page } = phone;
    await page.getByRole('link', { name: 'Ghi buổi hỗ trợ mới' }).click();

    await page.getByRole('button', { name: 'Lưu' }).click();

    const alert = page.getByRole('alert').filter({ hasText: 'ô cần sửa' });
    await alert.waitFor();
    const text = await alert.textContent();
    expect(text).toContain('Hình thức: hãy chọn một mục trong danh sách');
    expect(text).toContain('Số người dân: phải có ít nhất 1 người');
    expect(text).toContain('Kỹ năng: hãy chọn ít nhất một kỹ năng');
    expect(text).toContain('Kết quả: hãy chọn một mục trong danh sách');
    await page.getByRole('link', { name: 'Quay lại' }).click();
    await page.getByText('Chưa có buổi hỗ trợ nào').waitFor();
  });

  it('keeps what the volunteer typed across a reload, even offline', async () => {
    const { page, context } = phone;
    await page.getByRole('link', { name: 'Ghi buổi hỗ trợ mới' }).click();
    await page.getByRole('radio', { name: 'Hỗ trợ tại điểm' }).check();
    await page.getByLabel('Từ 30 đến 59 tuổi').fill('4');
    await page.getByLabel('Ghi chú').fill('Hướng dẫn tại nhà văn hóa thôn Tây');

    await context.setOffline(true);
    await page.reload();

    await page.getByText('Đã khôi phục nội dung bạn đang nhập dở.').waitFor();
    expect(await page.getByLabel('Từ 30 đến 59 tuổi').inputValue()).toBe('4');
    expect(await page.getByLabel('Ghi chú').inputValue()).toBe(
      'Hướng dẫn tại nhà văn hóa thôn Tây',
    );
    expect(await page.getByRole('radio', { name: 'Hỗ trợ tại điểm' }).isChecked()).toBe(true);
    await context.setOffline(false);
  });
});

describe('language', () => {
  it('switches to English and remembers it after a reload', async () => {
    const { page } = phone;
    await page.goto(`${server.url}/field`);

    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { name: 'My support sessions' }).waitFor();
    await page.reload();

    await page.getByRole('heading', { name: 'My support sessions' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.getByRole('button', { name: 'Chuyển sang tiếng Việt' }).click();
    await page.getByRole('heading', { name: 'Buổi hỗ trợ của tôi' }).waitFor();
  });
});

describe('installability', () => {
  it('serves a manifest with 192 and 512 px icons that load', async () => {
    const res = await fetch(`${server.url}/manifest.webmanifest`);
    const manifest = (await res.json()) as {
      icons: { src: string; sizes: string }[];
      start_url: string;
    };

    expect(res.status).toBe(200);
    expect(manifest.start_url).toBe('/');
    expect(manifest.icons.map((i) => i.sizes)).toEqual(
      expect.arrayContaining(['192x192', '512x512']),
    );
    for (const icon of manifest.icons) {
      const r = await fetch(`${server.url}${icon.src}`);
      expect(r.status, icon.src).toBe(200);
    }
  });
});
