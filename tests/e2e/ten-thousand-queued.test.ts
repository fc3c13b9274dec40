/**
 * SYNC.md §4 E3: 10,000 sessions queued offline on the phone, then drained.
 * Saves go through the real write path (the app's storage module, one strict
 * transaction per save with its outbox entry) on the bench page built beside
 * the app; the drain is the app's real sync engine against the real server.
 * Hard bar: 0 lost, 0 duplicated; figures are logged for the closing notes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPhone, startServer, type Phone, type RunningServer } from './harness.ts';

const COUNT = Number(process.env.SOTAY_E3_COUNT ?? 10_000);

let server: RunningServer;
let phone: Phone;
let userId = '';

beforeAll(async () => {
  server = await startServer();
  phone = await openPhone();
  const { page } = phone;
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Tên đăng nhập').fill('tnv.an');
  await page.getByLabel('Mật khẩu').fill('sotay-demo');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('heading', { name: 'Buổi hỗ trợ của tôi' }).waitFor();
  userId = await page.evaluate(
    () => (JSON.parse(localStorage.getItem('sotay.user') ?? '{}') as { id: string }).id,
  );
  await page.goto(`${server.url}/bench/index.html`);
  await page.waitForSelector('body[data-ready="true"]');
});

afterAll(async () => {
  await phone?.close();
  await server?.stop();
});

/** Every log id of tnv.an on the server, read page by page as the coordinator. */
async function serverLogIds(): Promise<string[]> {
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'canbo.tanphu', password: 'sotay-demo' }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const qs = new URLSearchParams({ limit: '200', authorId: userId });
    if (cursor) qs.set('cursor', cursor);
    const res = await fetch(`${server.url}/api/review/logs?${qs.toString()}`, {
      headers: { cookie },
    });
    const body = (await res.json()) as { items: { id: string }[]; nextCursor: string | null };
    ids.push(...body.items.map((i) => i.id));
    cursor = body.nextCursor;
  } while (cursor);
  return ids;
}

describe(`E3: ${COUNT} sessions queued offline`, () => {
  it('saves every one on the phone with a bounded per-save time and storage growth', async () => {
    const { page, context } = phone;
    await context.setOffline(true);
    const before = await page.evaluate(() => window.sotayBench.usage());

    const result = await page.evaluate(
      ([u, n]) => window.sotayBench.saveMany(u, 'tan-phu', 'tan-phu-dong', n),
      [userId, COUNT] as const,
    );
    const summary = await page.evaluate((u) => window.sotayBench.summary(u), userId);
    const after = await page.evaluate(() => window.sotayBench.usage());
    const growthMb = before !== null && after !== null ? (after - before) / 1e6 : NaN;
    console.log(
      `E3 saves: ${COUNT} logs, p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms, ` +
        `p99 ${result.p99.toFixed(1)} ms; outbox ${summary.outbox}; storage +${growthMb.toFixed(1)} MB`,
    );

    expect(new Set(result.ids).size).toBe(COUNT);
    expect(summary.outbox).toBe(COUNT);
    expect(summary.pending).toBe(COUNT);
    expect(result.p95).toBeLessThan(50);
    expect(growthMb).toBeLessThan(50);
    (globalThis as { e3Ids?: string[] }).e3Ids = result.ids;
  });

  it('drains them all after reconnecting, with no loss and no duplicate, while the list stays fast', async () => {
    const { page, context } = phone;
    await context.setOffline(false);

    const drain = page.evaluate((u) => window.sotayBench.drain(u, 300_000), userId);
    const app = await context.newPage();
    const t0 = Date.now();
    await app.goto(`${server.url}/field`);
    await app
      .getByRole('list', { name: 'Danh sách buổi hỗ trợ' })
      .getByRole('listitem')
      .first()
      .waitFor();
    const listMs = Date.now() - t0;
    const result = await drain;
    await app.close();
    const onServer = await serverLogIds();
    console.log(
      `E3 drain: ${COUNT} logs in ${(result.ms / 1000).toFixed(1)} s (${result.runs} runs); ` +
        `first list page during the drain in ${listMs} ms; server has ${onServer.length}`,
    );

    const created = (globalThis as { e3Ids?: string[] }).e3Ids ?? [];
    expect(result.outbox).toBe(0);
    expect(onServer.length).toBe(COUNT);
    expect(new Set(onServer)).toEqual(new Set(created));
    expect(result.ms).toBeLessThan(120_000);
  });
});
