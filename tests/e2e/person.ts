/**
 * What a person does in the browser tests, by role and visible label in
 * Vietnamese: sign in, record a session through the real form. No vitest
 * here, so `npm run bench` (bench/run/browser.ts) uses the same steps.
 */
import type { Locator, Page } from 'playwright-core';

export const DEMO_PASSWORD = 'sotay-demo';
const VNEID = 'Kích hoạt và dùng tài khoản định danh điện tử mức 2 (VNeID)';

/**
 * Presses Tab (Shift+Tab with `back`) until `target` has the focus, as a
 * keyboard user would, and checks that the focus can be seen there (an
 * outline, WCAG 2.4.7). Fails after `max` presses: the control cannot be
 * reached by keyboard.
 */
export async function tabTo(
  page: Page,
  target: Locator,
  opts: { back?: boolean; max?: number } = {},
): Promise<void> {
  await target.waitFor();
  for (let i = 0; i < (opts.max ?? 60); i++) {
    await page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab');
    if (await target.evaluate((el) => el === document.activeElement)) {
      const ring = await target.evaluate((el) => {
        const s = getComputedStyle(el);
        return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
      });
      if (!ring) throw new Error(`${String(target)} has the focus but shows no outline`);
      return;
    }
  }
  throw new Error(`${String(target)} was not reached with the keyboard`);
}

/** Signs in through the login page and waits for the role's home. */
export async function signIn(page: Page, baseUrl: string, username: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page
    .getByRole('heading', { name: /Buổi hỗ trợ của tôi|Duyệt buổi hỗ trợ|Tổng hợp của/ })
    .waitFor();
}

/** The signed-in user's id, as the app keeps it on the phone. */
export async function signedInUserId(page: Page): Promise<string> {
  return page.evaluate(
    () => (JSON.parse(localStorage.getItem('sotay.user') ?? '{}') as { id?: string }).id ?? '',
  );
}

/**
 * Records one session from the home screen through the real form and waits
 * for "Đã lưu trên máy". `notes` identifies the session in the checks.
 */
export async function recordSession(
  page: Page,
  notes: string,
  opts: { activityDate?: string; over60?: string; beforeSave?: () => Promise<void> } = {},
): Promise<void> {
  await page.getByRole('link', { name: 'Ghi buổi hỗ trợ mới' }).click();
  await page.getByRole('heading', { name: 'Ghi buổi hỗ trợ' }).waitFor();
  if (opts.activityDate) await page.getByLabel('Ngày hỗ trợ').fill(opts.activityDate);
  await page.getByRole('radio', { name: 'Đến tận nhà' }).check();
  await page.getByLabel('Từ 60 tuổi trở lên').fill(opts.over60 ?? '1');
  await page.getByRole('checkbox', { name: VNEID, exact: true }).check();
  await page.getByRole('radio', { name: 'Hoàn thành' }).check();
  await page.getByLabel('Ghi chú').fill(notes);
  await opts.beforeSave?.();
  await page.getByRole('button', { name: 'Lưu' }).click();
  await page.getByText('Đã lưu trên máy', { exact: true }).waitFor();
}
