/**
 * The team lead, the province viewer, and the admin's and coordinator's
 * account powers (src/shared/roles.ts, permissions.ts), through the routes a
 * client calls. The authorization matrix proves who is refused on every
 * route; this file proves what each role can do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushResponse } from '../../src/shared/protocol.ts';
import type { Member, MemberWithEnrolment } from '../../src/shared/schemas/accounts.ts';
import type { AuditPage } from '../../src/shared/schemas/audit.ts';
import type { UserProfile } from '../../src/shared/schemas/auth.ts';
import type { ProvinceSummary } from '../../src/shared/schemas/province.ts';
import type { ReviewListResponse } from '../../src/shared/schemas/review.ts';
import { ensureUser } from '../../src/server/users.ts';
import {
  availableBackends,
  createTestServer,
  makeClient,
  makeLogContent,
  makeMutation,
  OTHER_COMMUNE,
  TEST_PASSWORD,
  type TestServer,
} from '../helpers/server.ts';

describe.each(availableBackends())('roles (%s)', (backend) => {
  let s: TestServer;
  let coordinator: string;
  let lead: string;
  const cookies: Record<string, string> = {};

  /** Pushes one new log as `username` and returns its id. */
  async function logBy(username: string, content: Parameters<typeof makeLogContent>[0] = {}) {
    const phone = makeClient();
    const m = await makeMutation({ seq: phone.nextSeq(), payload: makeLogContent(content) });
    const res = await s.request('/api/sync/push', {
      cookie: cookies[username] ?? (cookies[username] = await s.login(username)),
      json: { clientId: phone.clientId, mutations: [m] },
    });
    expect(((await res.json()) as PushResponse).results[0]?.status).toBe('applied');
    return m.entityId;
  }

  beforeAll(async () => {
    s = await createTestServer({ backend });
    await s.db.transaction(async (tx) => {
      await ensureUser(tx, {
        username: 'totruong.dong',
        password: TEST_PASSWORD,
        displayName: 'Tổ trưởng Đông',
        role: 'team_lead',
        communeId: 'tan-phu',
        hamletId: 'tan-phu-dong',
      });
      await ensureUser(tx, {
        username: 'quantri.tanphu',
        password: TEST_PASSWORD,
        displayName: 'Quản trị Tân Phú',
        role: 'admin',
        communeId: 'tan-phu',
      });
      await tx.query(`update commune set province = 'Tỉnh Thử' where id in ('tan-phu', $1)`, [
        OTHER_COMMUNE.id,
      ]);
      await ensureUser(tx, {
        username: 'tinh.thu',
        password: TEST_PASSWORD,
        displayName: 'Sở Thử',
        role: 'province_viewer',
        communeId: null,
        province: 'Tỉnh Thử',
      });
    });
    coordinator = await s.login('canbo.tanphu');
    lead = await s.login('totruong.dong');
  });
  afterAll(async () => {
    await s?.close();
  });

  describe('a team lead', () => {
    it('records sessions like a volunteer and keeps them on their phone', async () => {
      const id = await logBy('totruong.dong', { notes: 'Buổi của tổ trưởng' });
      const pull = await s.request('/api/sync/pull?limit=1000', { cookie: lead });
      const body = (await pull.json()) as { changes: { id: string }[] };
      expect(body.changes.map((c) => c.id)).toContain(id);
    });

    it("reviews their hamlet's sessions but not their own or another hamlet's", async () => {
      const ofAn = await logBy('tnv.an', { notes: 'Đông, của An' });
      const ofBinh = await logBy('tnv.binh', { hamletId: 'tan-phu-tay', notes: 'Tây, của Bình' });
      const own = await logBy('totruong.dong', { notes: 'Đông, của tổ trưởng' });
      const list = (await (
        await s.request('/api/review/logs?limit=100', { cookie: lead })
      ).json()) as ReviewListResponse;
      const ids = list.items.map((l) => l.id);
      expect(ids).toContain(ofAn);
      expect(ids).not.toContain(ofBinh);
      expect(ids).not.toContain(own);
      expect(list.items.every((l) => l.hamletId === 'tan-phu-dong')).toBe(true);

      const approve = await s.request(`/api/review/logs/${ofAn}/decision`, {
        cookie: lead,
        json: { decision: 'approve', expectedVersion: 1 },
      });
      expect(approve.status).toBe(200);
      const self = await s.request(`/api/review/logs/${own}/decision`, {
        cookie: lead,
        json: { decision: 'approve', expectedVersion: 1 },
      });
      expect(self.status).toBe(404);
      // The coordinator reviews the team lead's own session.
      const byCoordinator = await s.request(`/api/review/logs/${own}/decision`, {
        cookie: coordinator,
        json: { decision: 'approve', expectedVersion: 1 },
      });
      expect(byCoordinator.status).toBe(200);
    });

    it("adds volunteers to their own hamlet only, and manages only their hamlet's volunteers", async () => {
      const add = (hamletId: string, username: string, role?: string) =>
        s.request('/api/commune/users', {
          cookie: lead,
          json: { displayName: 'Người Mới', username, hamletId, ...(role ? { role } : {}) },
        });
      expect((await add('tan-phu-dong', 'tnv.moi.dong')).status).toBe(201);
      expect((await add('tan-phu-tay', 'tnv.moi.tay')).status).toBe(400);
      const asLead = await add('tan-phu-dong', 'totruong.moi', 'team_lead');
      expect(asLead.status).toBe(400);
      expect(((await asLead.json()) as { problems: { field: string }[] }).problems[0]?.field).toBe(
        'role',
      );

      const members = (
        (await (await s.request('/api/commune/users', { cookie: lead })).json()) as {
          members: Member[];
        }
      ).members;
      expect(members.map((m) => m.username).sort()).toEqual(['tnv.an', 'tnv.moi.dong']);
      const binh = s.users.binh.id;
      expect(
        (await s.request(`/api/commune/users/${binh}/deactivate`, { cookie: lead, json: {} }))
          .status,
      ).toBe(404);
    });

    it('cannot read the audit log or add a hamlet', async () => {
      expect((await s.request('/api/commune/audit', { cookie: lead })).status).toBe(403);
      expect(
        (await s.request('/api/commune/hamlets', { cookie: lead, json: { name: 'Thôn Mới' } }))
          .status,
      ).toBe(403);
    });
  });

  describe('account powers', () => {
    it('lets a coordinator add a team lead, and not a coordinator', async () => {
      const lead2 = await s.request('/api/commune/users', {
        cookie: coordinator,
        json: {
          displayName: 'Tổ trưởng Tây',
          username: 'totruong.tay',
          role: 'team_lead',
          hamletId: 'tan-phu-tay',
        },
      });
      expect(lead2.status).toBe(201);
      expect(((await lead2.json()) as MemberWithEnrolment).member.role).toBe('team_lead');
      const peer = await s.request('/api/commune/users', {
        cookie: coordinator,
        json: { displayName: 'Cán bộ Mới', username: 'canbo.moi', role: 'coordinator' },
      });
      expect(peer.status).toBe(400);
    });

    it('lets an admin add a coordinator (no hamlet), who can then sign in with the code', async () => {
      const admin = await s.login('quantri.tanphu');
      const noHamlet = await s.request('/api/commune/users', {
        cookie: admin,
        json: {
          displayName: 'Cán bộ Mới',
          username: 'canbo.moi',
          role: 'coordinator',
          hamletId: 'tan-phu-dong',
        },
      });
      expect(noHamlet.status).toBe(400);
      const res = await s.request('/api/commune/users', {
        cookie: admin,
        json: { displayName: 'Cán bộ Mới', username: 'canbo.moi', role: 'coordinator' },
      });
      expect(res.status).toBe(201);
      const { enrolment } = (await res.json()) as MemberWithEnrolment;
      const enrol = await s.request('/api/auth/enrol', {
        json: { code: enrolment.code, password: 'mat-khau-moi-1' },
      });
      expect(enrol.status).toBe(200);
      const { user } = (await enrol.json()) as { user: UserProfile };
      expect(user).toMatchObject({ role: 'coordinator', communeId: 'tan-phu', hamletId: null });
    });

    it('adds a hamlet once (marks and case aside), audited, and it appears in the profile', async () => {
      const add = (name: string) =>
        s.request('/api/commune/hamlets', { cookie: coordinator, json: { name } });
      const first = await add('Thôn Mới');
      expect(first.status).toBe(201);
      const { hamlet } = (await first.json()) as { hamlet: { id: string; name: string } };
      expect(hamlet).toEqual({ id: 'tan-phu-thon-moi', name: 'Thôn Mới' });
      const again = await add('thon moi');
      expect(again.status).toBe(409);
      const second = await add('Thôn  Mới 2');
      expect(((await second.json()) as { hamlet: { id: string } }).hamlet.id).toBe(
        'tan-phu-thon-moi-2',
      );
      const me = (await (await s.request('/api/auth/me', { cookie: coordinator })).json()) as {
        user: UserProfile;
      };
      expect(me.user.hamlets.map((h) => h.name)).toContain('Thôn Mới');
      const audit = (await (
        await s.request('/api/commune/audit', { cookie: coordinator })
      ).json()) as AuditPage;
      expect(audit.events.find((e) => e.action === 'hamlet.add')?.targetLabel).toBe('Thôn  Mới 2');
    });
  });

  describe('an admin', () => {
    it('adds a commune to their province and its first coordinator, without seeing its records', async () => {
      const admin = await s.login('quantri.tanphu');
      const res = await s.request('/api/admin/communes', {
        cookie: admin,
        json: { name: 'Xã Mỹ An' },
      });
      expect(res.status).toBe(201);
      const { commune } = (await res.json()) as { commune: { id: string; name: string } };
      expect(commune).toEqual({ id: 'xa-my-an', name: 'Xã Mỹ An' });
      const again = await s.request('/api/admin/communes', {
        cookie: admin,
        json: { name: 'xa my an' },
      });
      expect(again.status).toBe(409);
      const list = (await (await s.request('/api/admin/communes', { cookie: admin })).json()) as {
        communes: { id: string; staff: number }[];
      };
      expect(list.communes.map((c) => c.id)).toEqual(
        expect.arrayContaining(['tan-phu', 'xa-my-an', OTHER_COMMUNE.id]),
      );

      const staff = await s.request('/api/admin/communes/xa-my-an/users', {
        cookie: admin,
        json: { displayName: 'Cán bộ Mỹ An', username: 'canbo.myan' },
      });
      expect(staff.status).toBe(201);
      const { enrolment } = (await staff.json()) as MemberWithEnrolment;
      const enrol = await s.request('/api/auth/enrol', {
        json: { code: enrolment.code, password: 'mat-khau-my-an' },
      });
      const { user } = (await enrol.json()) as { user: UserProfile };
      expect(user).toMatchObject({ role: 'coordinator', communeId: 'xa-my-an' });
      // The admin still reviews only their own commune.
      const items = (
        (await (await s.request('/api/review/logs?limit=100', { cookie: admin })).json()) as {
          items: { communeId: string }[];
        }
      ).items;
      expect(items.every((l) => l.communeId === 'tan-phu')).toBe(true);
      // The new commune's log shows who added its coordinator.
      const theirs = await s.login('canbo.myan', 'mat-khau-my-an');
      const audit = (await (
        await s.request('/api/commune/audit', { cookie: theirs })
      ).json()) as AuditPage;
      const adminName = (
        await s.db.query<{ display_name: string }>(
          `select display_name from app_user where username = 'quantri.tanphu'`,
        )
      )[0]!.display_name;
      expect(audit.events.map((e) => [e.action, e.actorName])).toContainEqual([
        'member.add',
        adminName,
      ]);
    });

    it('cannot add staff to a commune that has its own (its staff manage it)', async () => {
      const admin = await s.login('quantri.tanphu');
      const res = await s.request('/api/admin/communes/xa-my-an/users', {
        cookie: admin,
        json: { displayName: 'Quản trị Thêm', username: 'quantri.them', role: 'admin' },
      });
      expect(res.status).toBe(409);
      expect(await s.db.query(`select 1 from app_user where username = 'quantri.them'`)).toEqual(
        [],
      );
    });

    it('cannot give a commune of another province a coordinator', async () => {
      await s.db.query(
        `insert into commune (id, name, province) values ('xa-xa', 'Xã Xa', 'Tỉnh Xa')`,
      );
      const admin = await s.login('quantri.tanphu');
      const res = await s.request('/api/admin/communes/xa-xa/users', {
        cookie: admin,
        json: { displayName: 'Cán bộ Xa', username: 'canbo.xa' },
      });
      expect(res.status).toBe(404);
    });
  });

  describe('a province viewer', () => {
    it('has a profile with their province and no commune or hamlet', async () => {
      const viewer = await s.login('tinh.thu');
      const me = (await (await s.request('/api/auth/me', { cookie: viewer })).json()) as {
        user: UserProfile;
      };
      expect(me.user).toMatchObject({
        role: 'province_viewer',
        communeId: '',
        communeName: 'Tỉnh Thử',
        hamletId: null,
        hamlets: [],
      });
    });

    it('sees counts per commune of their province, with counts under 5 hidden', async () => {
      // In March 2026: Tân Phú has 6 sessions (5 in Vietnamese, 1 in Khmer), Xã Khác 2.
      for (let i = 0; i < 5; i++)
        await logBy('tnv.an', {
          activityDate: '2026-03-10',
          residents: { under30: 2, from30to59: 1, over60: 0 },
        });
      await logBy('tnv.an', {
        activityDate: '2026-03-11',
        language: 'km',
        residents: { under30: 0, from30to59: 0, over60: 3 },
      });
      for (let i = 0; i < 2; i++)
        await logBy('tnv.khac', {
          communeId: OTHER_COMMUNE.id,
          hamletId: OTHER_COMMUNE.hamletId,
          activityDate: '2026-03-12',
        });
      const viewer = await s.login('tinh.thu');
      const res = await s.request('/api/province/communes?period=2026-03', {
        cookie: viewer,
      });
      expect(res.status).toBe(200);
      const summary = (await res.json()) as ProvinceSummary;
      const tanPhu = summary.communes.find((c) => c.communeId === 'tan-phu')!;
      // 18 residents = 10 under 30 + 5 from 30 to 59 + 3 over 60: the 3 is hidden, and
      // with it the next smallest (5), or 18 − 10 − 5 would give it away.
      expect(tanPhu).toMatchObject({
        sessions: 6,
        approved: 0,
        residents: 18,
        ages: { under30: 10, from30to59: null, over60: null },
        // 6 sessions = 5 in Vietnamese + 1 in Khmer: both hidden, for the same reason.
        languages: { vi: null, km: null },
      });
      const other = summary.communes.find((c) => c.communeId === OTHER_COMMUNE.id)!;
      expect(other.sessions).toBeNull();
      expect(JSON.stringify(summary)).not.toContain('Hướng dẫn cài ứng dụng'); // no notes
      for (const bad of ['2026-13', '2026-03-01', 'x'])
        expect(
          (await s.request(`/api/province/communes?period=${bad}`, { cookie: viewer })).status,
        ).toBe(400);
    });
  });

  it('refuses an account that breaks the role rules at the database', async () => {
    await expect(
      s.db.query(
        `insert into app_user (id, username, display_name, role, commune_id, password_hash)
         values (gen_random_uuid(), 'tinh.sai', 'Sai', 'province_viewer', 'tan-phu', null)`,
      ),
    ).rejects.toThrow();
    await expect(
      s.db.query(
        `insert into app_user (id, username, display_name, role, commune_id, password_hash)
         values (gen_random_uuid(), 'totruong.sai', 'Sai', 'team_lead', 'tan-phu', null)`,
      ),
    ).rejects.toThrow();
  });
});
