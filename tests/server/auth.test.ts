import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../../src/i18n/locales/fields.en.json';
import vi from '../../src/i18n/locales/fields.vi.json';
import { availableBackends, createTestServer, type TestServer } from '../helpers/server.ts';

describe.each(availableBackends())('auth routes (%s)', (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await createTestServer({ backend });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('signs in with the right password and sets a strict, http-only cookie on /api', async () => {
    const res = await s.request('/api/auth/login', {
      json: { username: ' TNV.An ', password: 'sotay-demo' },
    });

    expect(res.status).toBe(200);
    const body = (await res.json()) as { user: Record<string, unknown> };
    expect(body.user).toMatchObject({
      username: 'tnv.an',
      role: 'volunteer',
      communeId: 'tan-phu',
      communeName: 'Xã Tân Phú',
      hamletId: 'tan-phu-dong',
    });
    expect(body.user.hamlets).toEqual([
      { id: 'tan-phu-dong', name: 'Thôn Đông' },
      { id: 'tan-phu-tay', name: 'Thôn Tây' },
      { id: 'tan-phu-binh-an', name: 'Ấp Bình An' },
    ]);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^sotay_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/api/);
    expect(cookie).not.toMatch(/Secure/);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('adds Secure when the request came over https through a trusted proxy, only then', async () => {
    const behindProxy = await createTestServer({ backend, trustProxy: true });
    try {
      const res = await behindProxy.request('/api/auth/login', {
        json: { username: 'tnv.an', password: 'sotay-demo' },
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toMatch(/Secure/);
    } finally {
      await behindProxy.close();
    }
    // Without a trusted proxy anyone could send the header: it means nothing.
    const direct = await s.request('/api/auth/login', {
      json: { username: 'tnv.an', password: 'sotay-demo' },
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(direct.headers.get('set-cookie')).not.toMatch(/Secure/);
  });

  it('stores only the hash of the session token', async () => {
    const cookie = await s.login('tnv.binh');
    const token = cookie.split('=')[1]!;

    const rows = await s.db.query<{ token_hash: string }>('select token_hash from auth_session');

    expect(rows.some((r) => r.token_hash === token)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
  });

  it.each([
    ['a wrong password', { username: 'tnv.an', password: 'wrong' }],
    ['an unknown user', { username: 'nobody', password: 'sotay-demo' }],
  ])('answers 401 bad_credentials for %s', async (_name, body) => {
    const res = await s.request('/api/auth/login', { json: body });

    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'bad_credentials' });
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('names the missing field in Vietnamese by default', async () => {
    const res = await s.request('/api/auth/login', { json: { username: 'tnv.an' } });

    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      error: string;
      problems: { field: string; code: string; message: string }[];
    };
    expect(body.error).toBe('validation');
    expect(body.problems).toEqual([
      {
        field: 'password',
        code: 'required',
        message: `${vi.fields.password}: ${vi.errors.required}`,
      },
    ]);
  });

  it('names the field in English with Accept-Language: en', async () => {
    const res = await s.request('/api/auth/login', {
      json: { username: '', password: 'x' },
      headers: { 'accept-language': 'en-GB,en;q=0.9,vi;q=0.5' },
    });

    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      problems: { field: string; code: string; message: string }[];
    };
    expect(body.problems).toEqual([
      {
        field: 'username',
        code: 'required',
        message: `${en.fields.username}: ${en.errors.required}`,
      },
    ]);
  });

  it('returns the profile from /me and forgets the session on logout', async () => {
    const cookie = await s.login('canbo.tanphu');

    const me = await s.request('/api/auth/me', { cookie });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { role: string; hamletId: null } }).user).toMatchObject({
      role: 'coordinator',
      hamletId: null,
    });

    const out = await s.request('/api/auth/logout', {
      method: 'POST',
      cookie,
      headers: { 'content-type': 'application/json' },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/sotay_session=;.*Max-Age=0/);

    const after = await s.request('/api/auth/me', { cookie });
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual({ error: 'unauthorized' });
  });

  it('answers 401 to /me without a cookie or with a made-up one', async () => {
    expect((await s.request('/api/auth/me')).status).toBe(401);
    expect((await s.request('/api/auth/me', { cookie: 'sotay_session=abc' })).status).toBe(401);
  });

  it('refuses a deactivated account at once, even with a live session', async () => {
    const cookie = await s.login('tnv.binh');
    await s.db.query(`update app_user set active = false where username = 'tnv.binh'`);

    const res = await s.request('/api/auth/me', { cookie });

    await s.db.query(`update app_user set active = true where username = 'tnv.binh'`);
    expect(res.status).toBe(401);
  });
});
