/**
 * SYNC.md §4 E6: the phone's storage is full when the volunteer presses
 * "Lưu". The save transaction fails at commit with QuotaExceededError, as
 * Chromium does on a full device:
 * - the form keeps everything typed and says clearly that nothing was saved;
 * - nothing was written: no log and no outbox entry (no partial save);
 * - once space is freed, "Lưu" saves it, it syncs, and the server has it once.
 *
 * How the failure is produced. CDP `Storage.overrideQuotaForOrigin` exists in
 * Chromium 156 and changes what `Storage.getUsageAndQuota` reports, but it is
 * not enforced on IndexedDB writes: a probe wrote 4.1 MB of random bytes
 * under a 1 MB override without an error, and `navigator.storage.estimate()`
 * kept reporting the real quota. Filling the real disk is not practical on a
 * shared CI machine. So an init script (test-only, never shipped) makes the
 * browser's IndexedDB behave as on a full disk while `__sotayDiskFull` is set:
 * every read-write transaction aborts at its first successful write with
 * `error.name === 'QuotaExceededError'`, rolling back everything it wrote.
 * The app's real write path runs unchanged. (The home screen's "nearly full"
 * warning is covered by tests/app/features/field/FieldHome.test.tsx.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openPhone,
  startServer,
  waitForServiceWorker,
  type Phone,
  type RunningServer,
} from './harness.ts';
import {
  coordinatorApi,
  expectSameRecords,
  phoneState,
  recordSession,
  signIn,
  signedInUserId,
} from './driver.ts';

let server: RunningServer;
let phone: Phone;

/**
 * Runs in every page before the app: a full disk while `window.__sotayDiskFull`
 * is set. A transaction that writes the outbox (the last write of a save, and
 * every write of the sync engine's bookkeeping) aborts right after that
 * write with a QuotaExceededError, which is how a commit fails on a full
 * device: everything the transaction wrote is rolled back.
 */
function fullDisk(): void {
  const w = window as unknown as { __sotayDiskFull?: boolean };
  const proto = IDBObjectStore.prototype as unknown as Record<
    string,
    (this: IDBObjectStore, ...a: unknown[]) => IDBRequest
  >;
  for (const method of ['add', 'put', 'delete']) {
    const original = proto[method]!;
    proto[method] = function (this: IDBObjectStore, ...args: unknown[]): IDBRequest {
      const request = original.apply(this, args);
      const tx = this.transaction;
      if (w.__sotayDiskFull && this.name === 'outbox') {
        Object.defineProperty(tx, 'error', {
          configurable: true,
          get: () => new DOMException('The disk is full', 'QuotaExceededError'),
        });
        request.addEventListener('success', () => {
          try {
            tx.abort();
          } catch {
            // already finished
          }
        });
      }
      return request;
    };
  }
}

beforeAll(async () => {
  server = await startServer();
  phone = await openPhone();
  await phone.context.addInitScript(fullDisk);
});

afterAll(async () => {
  await phone?.close();
  await server?.stop();
});

describe('E6: storage full when saving', () => {
  it('keeps the draft on screen, writes nothing, and saves once space is freed', async () => {
    const { page } = phone;
    await signIn(page, server.url, 'tnv.an');
    await waitForServiceWorker(page);
    const userId = await signedInUserId(page);
    await recordSession(page, 'E6 trước khi đầy');
    await expect
      .poll(async () => (await phoneState(page, userId)).outbox, { timeout: 30_000 })
      .toBe(0);

    const before = await phoneState(page, userId);
    await page.evaluate(() => {
      (window as unknown as { __sotayDiskFull: boolean }).__sotayDiskFull = true;
    });
    try {
      const notes = `E6 khi bộ nhớ đầy ${'x'.repeat(900)}`;
      await page.getByRole('link', { name: 'Ghi buổi hỗ trợ mới' }).click();
      await page.getByRole('radio', { name: 'Lớp học nhóm' }).check();
      await page.getByLabel('Dưới 30 tuổi').fill('4');
      await page.getByRole('checkbox', { name: /lừa đảo/ }).check();
      await page.getByRole('radio', { name: 'Hoàn thành' }).check();
      await page.getByLabel('Ghi chú').fill(notes);
      await page.getByRole('button', { name: 'Lưu' }).click();

      const alert = page.getByRole('alert').filter({ hasText: 'Bộ nhớ máy đã đầy' });
      await alert.waitFor();
      expect(await alert.textContent()).toBe(
        'Bộ nhớ máy đã đầy nên chưa lưu được. Dữ liệu vẫn còn trên màn hình. Hãy xóa bớt ảnh hoặc ứng dụng rồi bấm Lưu lại.',
      );
      await page.getByRole('heading', { name: 'Ghi buổi hỗ trợ' }).waitFor();
      expect(await page.getByLabel('Ghi chú').inputValue()).toBe(notes);
      expect(await page.getByLabel('Dưới 30 tuổi').inputValue()).toBe('4');
      expect(await page.getByRole('radio', { name: 'Lớp học nhóm' }).isChecked()).toBe(true);
      const after = await phoneState(page, userId);
      expect({ logs: after.logs.length, outbox: after.outbox }).toEqual({
        logs: before.logs.length,
        outbox: before.outbox,
      });
    } finally {
      await page.evaluate(() => {
        (window as unknown as { __sotayDiskFull: boolean }).__sotayDiskFull = false; // space freed
      });
    }

    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã lưu trên máy', { exact: true }).waitFor();
    // Wait on the phone's own records, not on the status line: right after a
    // save the line can still show the previous "Đã đồng bộ" for a moment.
    await expect
      .poll(
        async () => {
          const now = await phoneState(page, userId);
          return {
            logs: now.logs.length,
            outbox: now.outbox,
            unsynced: now.logs.filter((l) => l.syncState !== 'synced').length,
          };
        },
        { timeout: 30_000 },
      )
      .toEqual({ logs: before.logs.length + 1, outbox: 0, unsynced: 0 });
    await expect
      .poll(() => page.getByTestId('sync-state').textContent(), { timeout: 10_000 })
      .toBe('Đã đồng bộ');
    const onServer = await (await coordinatorApi(server.url)).logs(userId);
    expectSameRecords(
      ['E6 trước khi đầy', `E6 khi bộ nhớ đầy ${'x'.repeat(900)}`],
      onServer,
      await phoneState(page, userId),
    );
  });
});
