/**
 * Guessing passwords (docs/SECURITY.md): five tries per name, then a lock
 * that doubles from 30 s to 15 min, for names that exist and names that do
 * not alike; a burst of parallel guesses gets five checks, not fifty; one
 * address gets thirty wrong passwords across names; while locked, even the
 * right password is refused without being checked.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { addressBucket } from '../../src/server/auth/throttle.ts';
import { clientAddress } from '../../src/server/http/client-address.ts';
import { availableBackends, createTestServer, type TestServer } from '../helpers/server.ts';

describe.each(availableBackends())('sign-in lockout (%s)', (backend) => {
  let s: TestServer;
  let t = Date.parse('2026-12-01T08:00:00Z');
  const later = (ms: number) => {
    t += ms;
  };

  const attempt = (username: string, password: string, from = '203.0.113.7') =>
    s.request('/api/auth/login', {
      json: { username, password },
      headers: { 'x-forwarded-for': from },
    });

  async function statuses(username: string, password: string, n: number, from?: string) {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await attempt(username, password, from)).status);
    return out;
  }

  beforeAll(async () => {
    s = await createTestServer({ backend, now: () => new Date(t), trustProxy: true });
  });
  beforeEach(async () => {
    await s.db.query('delete from login_throttle');
  });
  afterAll(async () => {
    await s?.close();
  });

  it('locks a name after five wrong passwords, even against the right one, for 30 s', async () => {
    expect(await statuses('tnv.an', 'sai-roi', 5)).toEqual([401, 401, 401, 401, 401]);

    const locked = await attempt('tnv.an', 'sotay-demo');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('30');
    expect(await locked.json()).toEqual({ error: 'too_many_attempts', retryAfterSeconds: 30 });

    later(29_000);
    expect((await attempt('tnv.an', 'sotay-demo')).status).toBe(429);
    later(1_000);
    expect((await attempt('tnv.an', 'sotay-demo')).status).toBe(200);
    // A success starts the name afresh.
    expect(await statuses('tnv.an', 'sai-roi', 4)).toEqual([401, 401, 401, 401]);
    expect((await attempt('tnv.an', 'sotay-demo')).status).toBe(200);
  });

  it('doubles the lock with each wrong password after that, up to 15 minutes', async () => {
    await statuses('tnv.binh', 'sai-roi', 5);
    const waits: string[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await attempt('tnv.binh', 'sai-roi');
      waits.push(res.headers.get('retry-after') ?? '');
      later(Number(res.headers.get('retry-after')) * 1000);
      expect((await attempt('tnv.binh', 'sai-roi')).status).toBe(401);
    }
    expect(waits).toEqual(['30', '60', '120', '240', '480', '900', '900']);
  });

  it('answers a name that does not exist exactly as one that does', async () => {
    const known = await statuses('tnv.an', 'sai-roi', 7);
    const unknown = await statuses('khong.co.ai', 'sai-roi', 7);
    expect(unknown).toEqual(known);
    expect(unknown).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });

  it('checks at most five of fifty guesses sent at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => attempt('tnv.an', 'sai-roi')),
    );
    const counts = answers.reduce<Record<number, number>>((m, r) => {
      m[r.status] = (m[r.status] ?? 0) + 1;
      return m;
    }, {});
    expect(counts).toEqual({ 401: 5, 429: 45 });
  });

  it('locks an address after thirty wrong passwords across names, not its neighbours', async () => {
    for (let i = 0; i < 30; i++) {
      expect((await attempt(`doan.${i}`, 'sai-roi', '198.51.100.9')).status).toBe(401);
    }

    expect((await attempt('tnv.an', 'sotay-demo', '198.51.100.9')).status).toBe(429);
    expect((await attempt('tnv.an', 'sotay-demo', '198.51.100.10')).status).toBe(200);
  });

  it('checks at most thirty of a hundred guesses sent at once from one address across names', async () => {
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => attempt(`ten.${i}`, 'sai-roi', '198.51.100.20')),
    );
    const counts = answers.reduce<Record<number, number>>((m, r) => {
      m[r.status] = (m[r.status] ?? 0) + 1;
      return m;
    }, {});
    expect(counts).toEqual({ 401: 30, 429: 70 });
  });

  it('counts an IPv6 address by its /64', async () => {
    for (let i = 0; i < 30; i++) {
      expect((await attempt(`v6.${i}`, 'sai-roi', `2001:db8:1:2::${i.toString(16)}`)).status).toBe(
        401,
      );
    }
    expect((await attempt('tnv.an', 'sotay-demo', '2001:db8:1:2:ffff::1')).status).toBe(429);
    expect((await attempt('tnv.an', 'sotay-demo', '2001:db8:1:3::1')).status).toBe(200);
  });

  it('counts wrong enrolment codes against the address, and a right one is forgiven', async () => {
    const enrol = (code: string, from = '198.51.100.30') =>
      s.request('/api/auth/enrol', {
        json: { code, password: 'mat-khau-moi' },
        headers: { 'x-forwarded-for': from },
      });
    for (let i = 0; i < 30; i++)
      expect((await enrol(`SAIMA-${String(i).padStart(5, '0')}`)).status).toBe(400);
    const locked = await enrol('SAIMA-KHAC1');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('30');
    expect((await enrol('SAIMA-KHAC1', '198.51.100.31')).status).toBe(400);
  });

  it('forgets wrong passwords after an hour without one', async () => {
    await statuses('tnv.an', 'sai-roi', 4);
    later(61 * 60_000);
    expect(await statuses('tnv.an', 'sai-roi', 4)).toEqual([401, 401, 401, 401]);
    expect((await attempt('tnv.an', 'sotay-demo')).status).toBe(200);
  });
});

describe('the client address the lockout counts by', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('puts %s in the bucket %s', (address, bucket) => {
    expect(addressBucket(address)).toBe(bucket);
  });

  const app = (trustProxy: boolean) =>
    new Hono().get('/', (c) => c.json({ address: clientAddress(c, trustProxy) }));
  const addressOf = async (trustProxy: boolean, xff: string) =>
    (
      (await (
        await app(trustProxy).request('/', { headers: { 'x-forwarded-for': xff } })
      ).json()) as {
        address: string | null;
      }
    ).address;

  it('is the entry the proxy added, not the ones the client sent', async () => {
    expect(await addressOf(true, '10.0.0.1, 198.51.100.4')).toBe('198.51.100.4');
  });

  it('ignores X-Forwarded-For when no proxy is trusted (anyone can send it)', async () => {
    expect(await addressOf(false, '198.51.100.4')).toBe(null);
  });
});
