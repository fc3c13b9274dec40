/**
 * The accounts a coordinator manages and enrolment (docs/SECURITY.md): add a
 * volunteer and get a one-time code, the volunteer sets a password with it
 * and is signed in; a used, expired or wrong code does nothing; a new code
 * (forgotten password) and deactivation end the volunteer's sessions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ENROLMENT_ALPHABET,
  type Enrolment,
  type Member,
} from '../../src/shared/schemas/accounts.ts';
import { availableBackends, createTestServer, type TestServer } from '../helpers/server.ts';

describe.each(availableBackends())('accounts and enrolment (%s)', (backend) => {
  let s: TestServer;
  let t = Date.parse('2026-12-01T08:00:00Z');
  let coordinator: string;
  let n = 0;

  beforeAll(async () => {
    s = await createTestServer({ backend, now: () => new Date(t) });
    coordinator = await s.login('canbo.tanphu');
  });
  afterAll(async () => {
    await s?.close();
  });

  async function addVolunteer(
    overrides: Record<string, unknown> = {},
  ): Promise<{ member: Member; enrolment: Enrolment }> {
    n += 1;
    const res = await s.request('/api/commune/users', {
      cookie: coordinator,
      json: {
        displayName: 'Hà Thị Mai',
        username: `tnv.mai${n}`,
        hamletId: 'tan-phu-tay',
        ...overrides,
      },
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { member: Member; enrolment: Enrolment };
  }

  const enrol = (code: string, password: string) =>
    s.request('/api/auth/enrol', { json: { code, password } });
  const login = (username: string, password: string) =>
    s.request('/api/auth/login', { json: { username, password } });
  const cookieOf = (res: Response) =>
    /sotay_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0];

  it('adds a volunteer who cannot sign in until they redeem the code they were given', async () => {
    const { member, enrolment } = await addVolunteer();

    expect(member).toMatchObject({
      displayName: 'Hà Thị Mai',
      role: 'volunteer',
      hamletId: 'tan-phu-tay',
      state: 'pending',
    });
    expect(enrolment.code).toMatch(new RegExp(`^[${ENROLMENT_ALPHABET}]{10}$`));
    expect(Date.parse(enrolment.expiresAt) - t).toBe(72 * 60 * 60 * 1000);
    expect(member.enrolmentExpiresAt).toBe(enrolment.expiresAt);
    // No password yet: nothing signs in, not even an empty guess.
    expect((await login(member.username, 'mat-khau-bat-ky')).status).toBe(401);
    // The server keeps only a hash of the code.
    const stored = await s.db.query<{ code_hash: string }>('select code_hash from enrolment_code');
    expect(stored.some((r) => r.code_hash.includes(enrolment.code))).toBe(false);
  });

  it('signs the volunteer in once they set a password with the code, and spends it', async () => {
    const { member, enrolment } = await addVolunteer();

    // Read aloud or typed: dashes, spaces and small letters are fine.
    const typed = `${enrolment.code.slice(0, 5).toLowerCase()} - ${enrolment.code.slice(5)}`;
    const res = await enrol(typed, 'mat-khau-cua-mai');
    expect(res.status).toBe(200);
    expect(
      ((await res.json()) as { user: { username: string; hamletId: string } }).user,
    ).toMatchObject({
      username: member.username,
      hamletId: 'tan-phu-tay',
    });
    const me = await s.request('/api/auth/me', { cookie: cookieOf(res) });
    expect(me.status).toBe(200);

    expect((await login(member.username, 'mat-khau-cua-mai')).status).toBe(200);
    const again = await enrol(enrolment.code, 'mat-khau-khac-nua');
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({
      problems: [
        {
          field: 'code',
          code: 'enrolmentCode',
          message: 'Mã kích hoạt: mã không đúng, đã dùng hoặc đã hết hạn',
        },
      ],
    });
    const list = (await (
      await s.request('/api/commune/users', { cookie: coordinator })
    ).json()) as {
      members: Member[];
    };
    expect(list.members.find((m) => m.id === member.id)).toMatchObject({
      state: 'active',
      enrolmentExpiresAt: null,
    });
  });

  it('names a password that is too short and keeps the code for the next try', async () => {
    const { enrolment } = await addVolunteer();

    const res = await enrol(enrolment.code, 'ngan');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      problems: [{ field: 'password', message: 'Mật khẩu: phải có ít nhất 8 ký tự' }],
    });
    expect((await enrol(enrolment.code, 'du-tam-ky-tu')).status).toBe(200);
  });

  it('refuses a code once it has expired', async () => {
    const { enrolment } = await addVolunteer();
    t += 72 * 60 * 60 * 1000;
    try {
      expect((await enrol(enrolment.code, 'mat-khau-tre')).status).toBe(400);
    } finally {
      t -= 72 * 60 * 60 * 1000;
    }
  });

  it('refuses a taken or malformed username and a hamlet of another commune, naming the field', async () => {
    const taken = await s.request('/api/commune/users', {
      cookie: coordinator,
      json: { displayName: 'Trùng Tên', username: 'tnv.an', hamletId: 'tan-phu-dong' },
    });
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({
      problems: [{ field: 'username', code: 'duplicate', message: 'Tên đăng nhập: bị trùng' }],
    });
    const bad = await s.request('/api/commune/users', {
      cookie: coordinator,
      json: { displayName: 'Sai Tên', username: 'Trần An', hamletId: 'tan-phu-dong' },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ problems: [{ field: 'username', code: 'username' }] });
    const foreign = await s.request('/api/commune/users', {
      cookie: coordinator,
      json: { displayName: 'Nơi Khác', username: 'tnv.noikhac', hamletId: 'xa-khac-mot' },
    });
    expect(foreign.status).toBe(400);
    expect(await foreign.json()).toMatchObject({ problems: [{ field: 'hamletId' }] });
    expect(await s.db.query("select 1 from app_user where username = 'tnv.noikhac'")).toEqual([]);
  });

  it('gives a new code for a forgotten password: the old code, password and sessions stop working', async () => {
    const { member, enrolment } = await addVolunteer();
    const first = await enrol(enrolment.code, 'mat-khau-cu-1');
    const phone = cookieOf(first);

    const res = await s.request(`/api/commune/users/${member.id}/enrolment`, {
      cookie: coordinator,
      json: {},
    });
    expect(res.status).toBe(200);
    const fresh = (await res.json()) as { member: Member; enrolment: Enrolment };
    expect(fresh.member.state).toBe('pending');
    expect(fresh.enrolment.code).not.toBe(enrolment.code);

    expect((await s.request('/api/auth/me', { cookie: phone })).status).toBe(401);
    expect((await login(member.username, 'mat-khau-cu-1')).status).toBe(401);
    expect((await enrol(enrolment.code, 'mat-khau-moi-2')).status).toBe(400);
    expect((await enrol(fresh.enrolment.code, 'mat-khau-moi-2')).status).toBe(200);
  });

  it('deactivates a volunteer: their sessions end, they cannot sign in, their code is void', async () => {
    const a = await addVolunteer();
    const phone = cookieOf(await enrol(a.enrolment.code, 'mat-khau-sap-khoa'));
    const b = await addVolunteer();

    for (const m of [a.member, b.member]) {
      const res = await s.request(`/api/commune/users/${m.id}/deactivate`, {
        cookie: coordinator,
        json: {},
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { member: Member }).member.state).toBe('deactivated');
    }

    expect((await s.request('/api/auth/me', { cookie: phone })).status).toBe(401);
    expect((await login(a.member.username, 'mat-khau-sap-khoa')).status).toBe(401);
    expect((await enrol(b.enrolment.code, 'mat-khau-khong-duoc')).status).toBe(400);
    // A new code would quietly let a locked account back in: refused, and nothing changes.
    const reset = await s.request(`/api/commune/users/${a.member.id}/enrolment`, {
      cookie: coordinator,
      json: {},
    });
    expect(reset.status).toBe(409);
    expect(await reset.json()).toEqual({ error: 'deactivated' });
    expect(
      await s.db.query('select 1 from enrolment_code where user_id = $1 and used_at is null', [
        a.member.id,
      ]),
    ).toEqual([]);
  });

  it('manages volunteers only: not the coordinator themself, not an unknown id', async () => {
    const self = s.users.coordinator.id;
    for (const path of [
      `/api/commune/users/${self}/deactivate`,
      '/api/commune/users/khong-co/enrolment',
    ]) {
      const res = await s.request(path, { cookie: coordinator, json: {} });
      expect(res.status).toBe(404);
    }
    const rows = await s.db.query<{ active: boolean }>(
      'select active from app_user where id = $1',
      [self],
    );
    expect(rows[0]?.active).toBe(true);
  });
});
