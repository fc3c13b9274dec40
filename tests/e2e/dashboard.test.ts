/**
 * The coordinator's dashboard in the browser (issue 6): the coordinator sets
 * a hamlet's households and a target for the month, a volunteer records a
 * session, and the progress moves; a table saved as CSV is the table shown,
 * in Vietnamese, with a byte-order mark; the export is in the audit log. No
 * serious accessibility violation.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './driver.ts';
import {
  openPhone,
  startServer,
  waitForServiceWorker,
  type Phone,
  type RunningServer,
} from './harness.ts';
import { recordSession, signIn } from './person.ts';

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

describe('the dashboard in the browser', () => {
  it('moves the progress against a target when a session comes in, and exports a table as CSV', async () => {
    const page = desk.page;
    await signIn(page, server.url, 'canbo.tanphu');
    await page.getByRole('link', { name: 'Tổng hợp' }).click();
    await page.getByRole('heading', { name: 'Tổng hợp và chỉ tiêu', level: 1 }).waitFor();
    const byHamlet = page.getByRole('table', { name: 'Theo thôn, ấp' });
    const dongSessions = async () =>
      Number(
        await byHamlet
          .getByRole('row')
          .filter({ has: page.getByRole('rowheader', { name: 'Thôn Đông' }) })
          .getByRole('cell')
          .first()
          .textContent(),
      );
    await byHamlet.waitFor();
    const before = await dongSessions();
    expect(await seriousViolations(page)).toEqual([]);

    // Households and a target for Thôn Đông this month.
    const form = page.getByRole('form', { name: 'Thôn Đông' });
    await form.getByLabel('Số hộ', { exact: true }).fill('120');
    await form.getByLabel('Chỉ tiêu lượt hỗ trợ').fill(String(before + 5));
    await form.getByLabel('Chỉ tiêu kích hoạt VNeID').fill('-3');
    await form.getByRole('button', { name: 'Lưu chỉ tiêu của Thôn Đông' }).click();
    await form
      .getByRole('alert')
      .getByText(/Chỉ tiêu kích hoạt VNeID/)
      .waitFor();
    await form.getByLabel('Chỉ tiêu kích hoạt VNeID').fill('');
    await form.getByRole('button', { name: 'Lưu chỉ tiêu của Thôn Đông' }).click();
    await page.getByText('Đã lưu chỉ tiêu của Thôn Đông.').waitFor();
    await page.getByText(`Lượt hỗ trợ: ${before}/${before + 5}`).waitFor();

    // A volunteer records a session in Thôn Đông, and it syncs.
    await signIn(phone.page, server.url, 'tnv.an');
    await recordSession(phone.page, 'Buổi cho chỉ tiêu');
    await expect
      .poll(() => phone.page.getByTestId('sync-state').textContent(), { timeout: 30_000 })
      .toBe('Đã đồng bộ');

    // The volunteer's home shows the hamlet's progress, and keeps it offline.
    await phone.page.getByText(`Lượt hỗ trợ: ${before + 1}/${before + 5}`).waitFor();
    await waitForServiceWorker(phone.page);
    await phone.context.setOffline(true);
    await phone.page.reload();
    await phone.page.getByRole('heading', { name: /^Thôn Đông tháng \d+\/\d{4}$/ }).waitFor();
    await phone.page.getByText(`Lượt hỗ trợ: ${before + 1}/${before + 5}`).waitFor();
    expect(await seriousViolations(phone.page)).toEqual([]);
    await phone.context.setOffline(false);

    await page.reload();
    await page.getByText(`Lượt hỗ trợ: ${before + 1}/${before + 5}`).waitFor();
    expect(await dongSessions()).toBe(before + 1);

    // The table by hamlet as CSV: what the page shows, in Vietnamese, BOM first.
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tải CSV: Theo thôn, ấp' }).click(),
    ]);
    expect(file.suggestedFilename()).toMatch(/^sotay-hamlets-\d{4}-\d{2}\.csv$/);
    const text = readFileSync(await file.path(), 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).split('\r\n');
    expect(lines[0]).toBe(
      'Thôn/ấp,lượt hỗ trợ,người dân,Hộ được hỗ trợ,Số hộ,Tỉ lệ hộ,hộ có người thành thạo đủ 5 kỹ năng cơ bản,Buổi gần nhất',
    );
    expect(lines.find((l) => l.startsWith('Thôn Đông,'))).toMatch(
      new RegExp(`^Thôn Đông,${before + 1},\\d+,\\d+,120,`),
    );
    await page.getByText('Đã tải bảng “Theo thôn, ấp”.', { exact: false }).waitFor();
    // The same table as an Excel workbook: a ZIP whose sheet holds the hamlet's row.
    const [book] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tải Excel: Theo thôn, ấp' }).click(),
    ]);
    expect(book.suggestedFilename()).toMatch(/^sotay-hamlets-\d{4}-\d{2}\.xlsx$/);
    const bytes = readFileSync(await book.path());
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    const sheet = bytes.toString('utf8');
    expect(sheet).toContain('<t xml:space="preserve">Thôn Đông</t></is></c>');
    expect(sheet).toContain(`<v>${before + 1}</v>`);

    await page.getByRole('link', { name: 'Nhật ký' }).click();
    await page
      .getByText(/đã xuất bảng theo thôn \(XLSX, period=\d{4}-\d{2}\)/)
      .first()
      .waitFor();
    await page
      .getByText(/đã xuất bảng theo thôn \(CSV, period=\d{4}-\d{2}\)/)
      .first()
      .waitFor();
    await page
      .getByText(/đã đặt chỉ tiêu và số hộ của Thôn Đông/)
      .first()
      .waitFor();
  });

  it("prints the month's report on A4 with the figures, the targets and the highlights", async () => {
    const page = desk.page;
    await page.getByRole('link', { name: 'Tổng hợp' }).click();
    await page.getByRole('link', { name: 'Báo cáo tháng, quý' }).click();
    await page
      .getByRole('heading', { name: /^Báo cáo kết quả hỗ trợ người dân — Tháng \d+\/\d{4}$/ })
      .waitFor();
    // The link keeps the dashboard's month, whose target was set above.
    await page.getByRole('rowheader', { name: 'Lượt hỗ trợ', exact: true }).first().waitFor();
    await page.getByRole('heading', { name: 'Tiến độ so với chỉ tiêu' }).waitFor();
    await page.getByText(/^Chưa đạt chỉ tiêu Lượt hỗ trợ: \d+\/\d+\.$/).waitFor();
    await page.getByText(/^Kỹ năng được hỗ trợ nhiều nhất: /).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.evaluate(() => {
      const w = window as unknown as { printed: number };
      w.printed = 0;
      window.print = () => {
        w.printed++;
      };
    });
    await page.getByRole('button', { name: 'In báo cáo (A4)' }).click();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { printed: number }).printed))
      .toBe(1);
    // On paper: no navigation, no buttons, the figures still there.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('navigation', { name: 'Trang quản lý' }).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'In báo cáo (A4)' }).isVisible()).toBe(false);
    expect(await page.getByRole('heading', { name: 'Số liệu chính' }).isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
    await page.getByRole('link', { name: 'Nhật ký' }).click();
    await page
      .getByText(/đã xuất báo cáo \(PRINT, period=\d{4}-\d{2}\)/)
      .first()
      .waitFor();
  });
});
