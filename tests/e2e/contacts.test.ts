/**
 * Follow-up contacts in the browser (docs/SECURITY.md): the volunteer reads
 * the notice, ticks the consent (never pre-ticked) and only then types the
 * resident's name and phone; a bad number is named; after sync the phone
 * keeps neither. The coordinator sees the contact, deletes it on the
 * resident's request, and the audit log says so without the name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './driver.ts';
import { openPhone, startServer, type Phone, type RunningServer } from './harness.ts';
import { recordSession, signedInUserId, signIn } from './person.ts';

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

const CONSENT = 'Người dân đã nghe thông báo trên và đồng ý cho liên hệ lại';

/** Every record of the signed-in user's database on the phone, as text. */
async function phoneDatabaseText(page: Phone['page'], userId: string): Promise<string> {
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(new Error(String(req.error)));
    });
    const stores = [...db.objectStoreNames];
    const tx = db.transaction(stores, 'readonly');
    const all = await Promise.all(
      stores.map(
        (s) =>
          new Promise<unknown[]>((resolve) => {
            const req = tx.objectStore(s).getAll();
            req.onsuccess = () => resolve(req.result as unknown[]);
          }),
      ),
    );
    db.close();
    return JSON.stringify(all);
  }, `sotay-${userId}`);
}

describe('follow-up contacts in the browser', () => {
  it('records a contact only with consent, and keeps none on the phone after sync', async () => {
    const page = phone.page;
    await signIn(page, server.url, 'tnv.an');
    const userId = await signedInUserId(page);
    await recordSession(page, 'Buổi có hẹn gọi lại', {
      beforeSave: async () => {
        const consent = page.getByRole('checkbox', { name: CONSENT });
        expect(await consent.isChecked()).toBe(false);
        expect(await page.getByLabel('Số điện thoại', { exact: true }).count()).toBe(0);
        await page
          .getByText('chỉ dùng để Tổ công nghệ số cộng đồng gọi lại', { exact: false })
          .waitFor();
        await consent.check();
        await page.getByLabel('Tên người dân').fill('Bác Hai Lúa');
        await page.getByLabel('Số điện thoại', { exact: true }).fill('12345');
        await page.getByRole('button', { name: 'Lưu' }).click();
        await page
          .getByRole('alert')
          .getByText('Số điện thoại: phải là số điện thoại Việt Nam, ví dụ 0912 345 678')
          .waitFor();
        expect(await seriousViolations(page)).toEqual([]);
        await page.getByLabel('Số điện thoại', { exact: true }).fill('0912 345 678');
      },
    });
    await expect
      .poll(() => page.getByTestId('sync-state').textContent(), { timeout: 30_000 })
      .toBe('Đã đồng bộ');
    // The name and phone reach the server after the session, then leave the phone.
    await expect
      .poll(async () => (await phoneDatabaseText(page, userId)).includes('0912345678'), {
        timeout: 30_000,
      })
      .toBe(false);
    expect(await phoneDatabaseText(page, userId)).not.toContain('Hai Lúa');
    await page
      .getByRole('link', { name: /^Mở buổi hỗ trợ/ })
      .first()
      .click();
    await page.getByText('đã gửi lên xã và đã xoá khỏi máy này', { exact: false }).waitFor();
    expect(await page.getByLabel('Số điện thoại', { exact: true }).count()).toBe(0);
  });

  it('lets the coordinator see the contact and delete it on request, audited without the name', async () => {
    const page = desk.page;
    await signIn(page, server.url, 'canbo.tanphu');
    await page.getByRole('link', { name: 'Liên hệ lại' }).click();
    await page.getByRole('heading', { name: 'Liên hệ lại', level: 1 }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Bác Hai Lúa' });
    await expect.poll(() => row.textContent()).toContain('0912345678');
    expect(await seriousViolations(page)).toEqual([]);
    await row.getByRole('button', { name: 'Xoá theo đề nghị: Bác Hai Lúa' }).click();
    await row.getByRole('button', { name: 'Xoá hẳn' }).click();
    await page.getByText('Đã xoá thông tin liên hệ của Bác Hai Lúa.').waitFor();
    await page.getByText('Chưa có ai đề nghị liên hệ lại.').waitFor();

    await page.getByRole('link', { name: 'Nhật ký' }).click();
    const entry = page.getByText(/đã xoá thông tin liên hệ lại trong buổi hỗ trợ của/);
    await entry.first().waitFor();
    expect(await page.locator('main').textContent()).not.toContain('Hai Lúa');
  });
});
