/**
 * Issue 7's learn area in the browser, on 360-px phones: a volunteer shows a
 * tutorial's QR code and then sees it among what they shared; on a phone
 * with no Vietnamese voice the read-aloud button says so. A resident (no
 * account) opens the shared link, the network goes off, and they do the
 * whole VNeID tutorial by keyboard in very large text, with read-aloud, to
 * the "done" screen and its next skill; the quiz explains at once. No
 * serious accessibility violation on any learn screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './driver.ts';
import {
  openPhone,
  startServer,
  waitForServiceWorker,
  type Phone,
  type RunningServer,
} from './harness.ts';
import { signIn, tabTo } from './person.ts';

let server: RunningServer;
let volunteer: Phone;
let resident: Phone;

beforeAll(async () => {
  server = await startServer();
  volunteer = await openPhone();
  resident = await openPhone();
});

afterAll(async () => {
  await volunteer?.close();
  await resident?.close();
  await server?.stop();
});

const VNEID = 'Kích hoạt và dùng tài khoản định danh điện tử mức 2 (VNeID)';

describe('the learn area', () => {
  it('lets a volunteer share a tutorial and see what they shared', async () => {
    const v = volunteer.page;
    await signIn(v, server.url, 'tnv.an');
    await v.goto(`${server.url}/learn/vneid-level2`);
    await v.getByRole('heading', { name: VNEID }).waitFor();
    await v.getByRole('heading', { name: 'Chia sẻ bài này cho người dân' }).waitFor();
    await v.getByText('Mã bài học: 102').waitFor();
    await v.getByRole('button', { name: 'Hiện mã QR' }).click();
    await v.getByRole('img', { name: `Mã QR mở bài ${VNEID}` }).waitFor();
    // Headless Chromium has no Vietnamese voice: the button says so, it does not stay silent.
    const noVoice = v.getByRole('button', { name: 'Máy chưa có giọng đọc tiếng Việt' });
    await noVoice.waitFor();
    expect(await noVoice.isDisabled()).toBe(true);
    expect(await seriousViolations(v)).toEqual([]);

    await v.goto(`${server.url}/learn`);
    const shared = v.getByRole('region', { name: 'Bài đã chia sẻ' });
    await shared.getByText(new RegExp(`^${VNEID.replace(/[()]/g, '\\$&')}: mã QR, `)).waitFor();
    expect(await seriousViolations(v)).toEqual([]);
  });

  it('lets a resident open the link, go offline, and finish the VNeID tutorial by keyboard, read aloud', async () => {
    // A phone with a Vietnamese voice: what it is asked to read is kept.
    await resident.context.addInitScript(() => {
      const spoken: string[] = [];
      Object.assign(window, { spoken });
      const voice = { lang: 'vi-VN', name: 'Tiếng Việt', localService: true, default: true };
      class Utterance {
        text: string;
        voice: unknown = null;
        lang = '';
        rate = 1;
        onend: (() => void) | null = null;
        onerror: (() => void) | null = null;
        constructor(text: string) {
          this.text = text;
        }
      }
      Object.defineProperty(window, 'SpeechSynthesisUtterance', { value: Utterance });
      Object.defineProperty(window, 'speechSynthesis', {
        value: {
          getVoices: () => [voice],
          speak: (u: Utterance) => {
            spoken.push(u.text);
            setTimeout(() => u.onend?.(), 10);
          },
          cancel: () => undefined,
          addEventListener: () => undefined,
          removeEventListener: () => undefined,
        },
      });
    });
    const r = resident.page;
    await r.goto(`${server.url}/learn/vneid-level2`);
    await r.getByRole('heading', { name: VNEID }).waitFor();
    await waitForServiceWorker(r);
    await resident.context.setOffline(true);
    await r.reload();
    await r.getByRole('heading', { name: VNEID }).waitFor();

    // Very large text and high contrast, remembered.
    await r.goto(`${server.url}/learn`);
    await r.getByRole('radio', { name: 'Rất to' }).check();
    await r.getByRole('checkbox', { name: /Tương phản cao/ }).check();
    expect(await seriousViolations(r)).toEqual([]);
    await r.reload();
    expect(await r.getByRole('radio', { name: 'Rất to' }).isChecked()).toBe(true);
    const size = await r.evaluate(() =>
      parseFloat(getComputedStyle(document.getElementById('main')!).fontSize),
    );
    expect(size).toBeGreaterThanOrEqual(26);

    // A mistyped code is named; the code a volunteer reads out opens the same tutorial.
    await tabTo(r, r.getByLabel('Mã bài học'));
    await r.keyboard.type('999');
    await r.keyboard.press('Enter');
    await r
      .getByText('Mã bài học: không có bài nào mang mã này. Hãy kiểm tra lại ba chữ số.')
      .waitFor();
    expect(await r.getByLabel('Mã bài học').getAttribute('aria-invalid')).toBe('true');
    await r.getByLabel('Mã bài học').fill('');
    await r.getByLabel('Mã bài học').focus();
    await r.keyboard.type('102');
    await r.keyboard.press('Enter');
    await r.getByRole('heading', { name: VNEID }).waitFor();

    await tabTo(r, r.getByRole('link', { name: 'Bắt đầu học' }));
    await r.keyboard.press('Enter');
    for (let n = 1; n <= 10; n++) {
      await r.getByRole('heading', { name: `Bước ${n} trên 10` }).waitFor();
      if (n === 1) {
        expect(await seriousViolations(r)).toEqual([]);
        await tabTo(r, r.getByRole('button', { name: 'Đọc to bước này' }));
        await r.keyboard.press('Enter');
        await expect
          .poll(() => r.evaluate(() => (window as unknown as { spoken: string[] }).spoken))
          .toEqual([expect.stringMatching(/^Bước 1 trên 10\. .+Bạn sẽ thấy: /)]);
      }
      if (n === 5) {
        // The OTP step warns: only the resident types the code.
        await r.getByRole('heading', { name: 'Lưu ý an toàn' }).waitFor();
      }
      const next = r.getByRole('link', { name: n === 10 ? 'Xong bài' : 'Tiếp', exact: true });
      await tabTo(r, next);
      await r.keyboard.press('Enter');
    }
    await r.getByRole('heading', { name: `Bạn đã học xong: ${VNEID}` }).waitFor();
    await r.getByRole('link', { name: /^Bài nên học tiếp: Nộp hồ sơ/ }).waitFor();
    expect(await seriousViolations(r)).toEqual([]);

    // A step that does not exist says so, with the way back.
    await r.goto(`${server.url}/learn/vneid-level2/99`);
    await r.getByRole('alert').filter({ hasText: /.+/ }).waitFor();
    await r.getByRole('link', { name: VNEID }).click();
    await r.getByRole('heading', { name: VNEID }).waitFor();

    // Back on the list, still offline: the tutorial is marked done.
    await r.getByRole('link', { name: '← Các bài học' }).click();
    const card = r.getByRole('link', { name: new RegExp(VNEID.replace(/[()]/g, '\\$&')) });
    await expect.poll(() => card.textContent()).toContain('Đã học xong');

    // The quiz answers at once, kindly.
    await r.getByRole('link', { name: 'Thử trả lời: bạn có nhận ra trò lừa đảo?' }).click();
    await r.getByRole('heading', { name: 'Bạn có nhận ra trò lừa đảo?' }).waitFor();
    const first = r.getByRole('group').first();
    await first.getByRole('radio').first().check();
    await first.getByText(/^(Đúng rồi!|Chưa đúng, không sao cả\.)/).waitFor();
    expect(await seriousViolations(r)).toEqual([]);
    await resident.context.setOffline(false);
  });
});
