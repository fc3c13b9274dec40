/**
 * Issue 7's learn area in the browser, on 360-px phones: a volunteer shows a
 * tutorial's QR code and then sees it among what they shared; on a phone
 * with no Vietnamese voice the read-aloud button says so; the volunteer's
 * checklist opens the tutorial step of each checklist step, and the form is
 * still there on coming back. A resident (no
 * account) opens the shared link, the network goes off, and they do the
 * whole VNeID tutorial by keyboard in very large text, with read-aloud, to
 * the "done" screen and its next skill; the quiz explains at once. Another
 * does a whole tutorial in English, read aloud with an English voice. No
 * serious accessibility violation on any learn screen.
 */
import type { BrowserContext, Page } from 'playwright-core';
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

/** What a page read aloud (through `withVoices`), and in which language. */
function spokenOn(page: Page): Promise<{ text: string; lang: string }[]> {
  return page.evaluate(
    () => (window as unknown as { spoken: { text: string; lang: string }[] }).spoken,
  );
}

/**
 * Gives the phone's pages speech with voices in `langs` (headless Chromium has
 * none): each utterance is kept, with its language, and ends at once.
 */
async function withVoices(context: BrowserContext, langs: string[]): Promise<void> {
  await context.addInitScript((langs: string[]) => {
    const spoken: { text: string; lang: string }[] = [];
    Object.assign(window, { spoken });
    const voices = langs.map((lang, i) => ({
      lang,
      name: lang,
      localService: true,
      default: i === 0,
    }));
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
        getVoices: () => voices,
        speak: (u: Utterance) => {
          spoken.push({ text: u.text, lang: u.lang });
          setTimeout(() => u.onend?.(), 10);
        },
        cancel: () => undefined,
        addEventListener: () => undefined,
        removeEventListener: () => undefined,
      },
    });
  }, langs);
}

const VNEID = 'Kích hoạt và dùng tài khoản định danh điện tử mức 2 (VNeID)';
/** The VNeID tutorial's steps ("get ready", then one per checklist step). */
const STEPS = 11;

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

  it('links each step of the volunteer’s checklist to the tutorial step, and keeps the form', async () => {
    const v = volunteer.page;
    await v.goto(`${server.url}/field/new`);
    await v.getByRole('heading', { name: 'Ghi buổi hỗ trợ' }).waitFor();
    await v.getByRole('checkbox', { name: VNEID, exact: true }).check();
    await v.getByLabel('Ghi chú').fill('Hướng dẫn theo bài học');

    // Teaching on the recording screen: the tutorial step opens under the checklist step.
    await v.getByText('Chỉ cho người dân (bước 5 của bài học)').click();
    await v
      .getByText('Mở tin nhắn, xem mã OTP (mã dùng một lần) rồi tự gõ mã vào ứng dụng VNeID.')
      .waitFor();
    expect(await seriousViolations(v)).toEqual([]);
    await v.getByRole('link', { name: 'Mở bước 5 của bài học cho người dân xem' }).click();
    await v.getByRole('heading', { name: `Bước 5 trên ${STEPS}` }).waitFor();
    await v.getByRole('heading', { name: 'Lưu ý an toàn' }).waitFor();

    // Back to the form: nothing typed or ticked is lost.
    await v.goBack();
    await v.getByRole('heading', { name: 'Ghi buổi hỗ trợ' }).waitFor();
    await v.getByText('Đã khôi phục nội dung bạn đang nhập dở.').waitFor();
    expect(await v.getByRole('checkbox', { name: VNEID, exact: true }).isChecked()).toBe(true);
    expect(await v.getByLabel('Ghi chú').inputValue()).toBe('Hướng dẫn theo bài học');
  });

  it('lets a resident open the link, go offline, and finish the VNeID tutorial by keyboard, read aloud', async () => {
    // A phone with a Vietnamese voice: what it is asked to read is kept.
    await withVoices(resident.context, ['vi-VN']);
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
    for (let n = 1; n <= STEPS; n++) {
      await r.getByRole('heading', { name: `Bước ${n} trên ${STEPS}` }).waitFor();
      if (n === 1) {
        expect(await seriousViolations(r)).toEqual([]);
        await tabTo(r, r.getByRole('button', { name: 'Đọc to bước này' }));
        await r.keyboard.press('Enter');
        await expect
          .poll(() => spokenOn(r))
          .toEqual([
            expect.objectContaining({
              text: expect.stringMatching(
                new RegExp(`^Bước 1 trên ${STEPS}\\. .+Bạn sẽ thấy: `),
              ) as string,
              lang: 'vi-VN',
            }),
          ]);
      }
      if (n === 5) {
        // The OTP step warns: only the resident types the code.
        await r.getByRole('heading', { name: 'Lưu ý an toàn' }).waitFor();
      }
      const next = r.getByRole('link', { name: n === STEPS ? 'Xong bài' : 'Tiếp', exact: true });
      // One thumb on a 360-px screen, in very large text: nothing wider than the
      // screen, and back and next big, at the bottom, on screen without scrolling.
      expect(await r.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      for (const button of [next, r.getByRole('link', { name: 'Quay lại', exact: true })]) {
        const box = (await button.boundingBox())!;
        expect(box.height, `step ${n}`).toBeGreaterThanOrEqual(48);
        expect(box.width, `step ${n}`).toBeGreaterThanOrEqual(120);
        expect(box.y, `step ${n}: in the bottom third`).toBeGreaterThan((740 * 2) / 3);
        expect(box.y + box.height, `step ${n}: on screen`).toBeLessThanOrEqual(740);
      }
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

  it('works the same in English: a whole tutorial, read aloud with an English voice', async () => {
    const phone = await openPhone();
    try {
      // A phone with voices in both languages: what it reads, and in which, is kept.
      await withVoices(phone.context, ['vi-VN', 'en-GB']);
      const r = phone.page;
      await r.goto(`${server.url}/learn`);
      await r.getByRole('heading', { name: 'Học dùng điện thoại' }).waitFor();
      await r.getByRole('button', { name: 'Switch to English' }).click();
      await r.getByRole('heading', { name: 'Learn to use your phone' }).waitFor();
      await r.getByLabel('Tutorial code').fill('107');
      await r.getByRole('button', { name: 'Open', exact: true }).click();
      const title = 'Recognise and deal with online scams';
      await r.getByRole('heading', { name: title }).waitFor();
      await r.getByRole('link', { name: 'Start', exact: true }).click();

      const count = 9;
      for (let n = 1; n <= count; n++) {
        await r.getByRole('heading', { name: `Step ${n} of ${count}` }).waitFor();
        if (n === 1) {
          await r.getByText('When someone claiming to be the police', { exact: false }).waitFor();
          await r.getByRole('button', { name: 'Read this step aloud' }).click();
          await expect
            .poll(() => spokenOn(r))
            .toEqual([
              expect.objectContaining({
                text: expect.stringMatching(
                  /^Step 1 of 9\. When someone .+What you will see: /,
                ) as string,
                lang: 'en-GB',
              }),
            ]);
          expect(await seriousViolations(r)).toEqual([]);
        }
        await r.getByRole('link', { name: n === count ? 'Finish' : 'Next', exact: true }).click();
      }
      await r.getByRole('heading', { name: `You have finished: ${title}` }).waitFor();
      expect(await seriousViolations(r)).toEqual([]);
      // The language is remembered: the list comes back in English.
      await r.reload();
      await r.getByRole('heading', { name: `You have finished: ${title}` }).waitFor();
    } finally {
      await phone.close();
    }
  });
});
