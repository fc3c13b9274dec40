/**
 * The authorization matrix (docs/SECURITY.md): every API route × every
 * actor, where an actor is a role in a relation to the record at stake, a log
 * An (volunteer, hamlet Đông of Xã Tân Phú) wrote: its author, another
 * volunteer of the same hamlet, of another hamlet, of another commune; the
 * team lead of An's hamlet and of another hamlet; the commune's coordinator
 * and admin and another commune's; the viewer of An's province and of
 * another province; and nobody signed in. The routes come from the app itself (`app.routes`), so a new route
 * without a line in POLICY fails the first test, and a new role without an
 * actor fails the second.
 *
 * Each case gets its own log (its notes carry a unique marker) and a fresh
 * session, then checks the answer: `sees` = 2xx with the marker in it, `ok`
 * = 2xx without it (the route answered, about other things), `denied` =
 * 401/403/404, or a push result `rejected: forbidden`, without the marker.
 * A refused write must also leave the log as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushResponse } from '../../src/shared/protocol.ts';
import { ROLES, type Role } from '../../src/shared/roles.ts';
import { createMember, hashEnrolmentCode } from '../../src/server/accounts.ts';
import { ensureCommune, ensureUser } from '../../src/server/users.ts';
import {
  availableBackends,
  createTestServer,
  makeClient,
  makeLogContent,
  makeMutation,
  OTHER_COMMUNE,
  TEST_PASSWORD,
  type RequestOptions,
  type TestServer,
} from '../helpers/server.ts';

const ACTORS = {
  anonymous: { role: null, username: null },
  author: { role: 'volunteer', username: 'tnv.an' },
  sameHamletVolunteer: { role: 'volunteer', username: 'tnv.cung' },
  otherHamletVolunteer: { role: 'volunteer', username: 'tnv.binh' },
  otherCommuneVolunteer: { role: 'volunteer', username: 'tnv.khac' },
  sameHamletTeamLead: { role: 'team_lead', username: 'totruong.dong' },
  otherHamletTeamLead: { role: 'team_lead', username: 'totruong.tay' },
  coordinator: { role: 'coordinator', username: 'canbo.tanphu' },
  otherCommuneCoordinator: { role: 'coordinator', username: 'canbo.khac' },
  admin: { role: 'admin', username: 'quantri.tanphu' },
  otherCommuneAdmin: { role: 'admin', username: 'quantri.khac' },
  provinceViewer: { role: 'province_viewer', username: 'tinh.dongthap' },
  otherProvinceViewer: { role: 'province_viewer', username: 'tinh.khac' },
} as const satisfies Record<string, { role: Role | null; username: string | null }>;
type Actor = keyof typeof ACTORS;
const ACTOR_KEYS = Object.keys(ACTORS) as Actor[];

/** `invalid`: a 400 (the request made no sense for this actor, e.g. a hamlet not in their commune). */
type Outcome = 'sees' | 'ok' | 'denied' | 'invalid';

/** The log (and, for account routes, the account) at stake in one case. */
interface Fixture {
  logId: string;
  marker: string;
  version: number;
  /** An open amendment request on the (approved) log, when the route needs one. */
  amendmentId: string | null;
  /** A pending volunteer account of hamlet Đông, when the route needs one: its username is the marker. */
  member: { id: string; username: string; code: string } | null;
}

interface Route {
  /** Build the log approved with an open amendment request. */
  amendment?: boolean;
  /** Build a pending volunteer account too; the marker is its username. */
  member?: boolean;
  /** An attaches a follow-up contact to the log first, named after the marker. */
  contact?: boolean;
  /** The coordinator returns the log first, with the marker as the comment (an audit event). */
  audited?: boolean;
  request(f: Fixture, actor: Actor): { path: string } & Omit<RequestOptions, 'cookie'>;
  expect: Record<Actor, Outcome>;
  /** A 2xx that still refuses (a push result `rejected: forbidden`). */
  refusedInBody?: (body: unknown) => boolean;
  /** After a refused write: the log as it was. */
  unchanged?: (s: TestServer, f: Fixture) => Promise<void>;
  /** What must not leak, when not the log's notes (`f.marker`). */
  marker?: (f: Fixture) => string;
  /** After an answer that is not refused: what the write did, where. */
  verify?: (s: TestServer, f: Fixture, actor: Actor) => Promise<void>;
}

const everyone = (o: Outcome): Record<Actor, Outcome> =>
  Object.fromEntries(ACTOR_KEYS.map((a) => [a, o])) as Record<Actor, Outcome>;
const signedIn = (o: Outcome) => ({ ...everyone(o), anonymous: 'denied' as const });
/** The commune's own staff see it; another commune's get `other`; everyone else is refused. */
const communeStaff = (other: Outcome): Record<Actor, Outcome> => ({
  ...everyone('denied'),
  coordinator: 'sees',
  admin: 'sees',
  otherCommuneCoordinator: other,
  otherCommuneAdmin: other,
});
/** As communeStaff, and the team lead of An's hamlet sees it too; another hamlet's gets `otherHamlet`. */
const reviewers = (other: Outcome, otherHamlet: Outcome): Record<Actor, Outcome> => ({
  ...communeStaff(other),
  sameHamletTeamLead: 'sees',
  otherHamletTeamLead: otherHamlet,
});

async function logState(s: TestServer, id: string) {
  const rows = await s.db.query<{ notes: string; status: string; version: number | string }>(
    'select notes, status, version from activity_log where id = $1',
    [id],
  );
  return { ...rows[0]!, version: Number(rows[0]!.version) };
}

/** One line per route the app serves under /api: method and path as Hono registers them. */
const POLICY: Record<string, Route> = {
  'GET /api/health': {
    request: () => ({ path: '/api/health' }),
    expect: everyone('ok'),
  },
  'POST /api/auth/login': {
    request: (_f, a) => ({
      path: '/api/auth/login',
      json: { username: ACTORS[a].username ?? 'khong.co.ai', password: TEST_PASSWORD },
    }),
    expect: signedIn('ok'),
  },
  'POST /api/auth/logout': {
    request: () => ({ path: '/api/auth/logout', json: {} }),
    expect: signedIn('ok'),
  },
  'GET /api/auth/me': {
    request: () => ({ path: '/api/auth/me' }),
    expect: signedIn('ok'),
  },
  'POST /api/sync/push': {
    // An edit of An's log, from a new phone of the actor's, with An's commune in it.
    request: (f) => ({
      path: '/api/sync/push',
      json: { clientId: makeClient().clientId, mutations: [pendingEdit.get(f.logId)] },
    }),
    expect: { ...everyone('denied'), author: 'sees' },
    refusedInBody: (body) => {
      const r = (body as PushResponse).results?.[0];
      return r?.status === 'rejected' && r.reason === 'forbidden';
    },
    unchanged: async (s, f) => {
      expect(await logState(s, f.logId)).toMatchObject({ notes: f.marker, version: f.version });
    },
  },
  'GET /api/sync/pull': {
    // A phone pulls its own user's records (a team lead's too); staff the commune's.
    request: () => ({ path: '/api/sync/pull?limit=1000' }),
    expect: {
      ...everyone('ok'),
      anonymous: 'denied',
      provinceViewer: 'denied',
      otherProvinceViewer: 'denied',
      author: 'sees',
      coordinator: 'sees',
      admin: 'sees',
    },
  },
  'POST /api/sync/contacts': {
    // A follow-up contact for An's log: only its author may attach one.
    request: (f) => ({
      path: '/api/sync/contacts',
      json: { contacts: [{ logId: f.logId, contact: contactOf(f.marker) }] },
    }),
    expect: { ...everyone('denied'), author: 'ok' },
    refusedInBody: (body) =>
      (body as { results?: { status: string }[] }).results?.[0]?.status === 'refused',
    unchanged: async (s, f) => {
      expect(await contactNames(s, f.logId)).toEqual([]);
    },
    verify: async (s, f) => {
      expect(await contactNames(s, f.logId)).toEqual([f.marker]);
    },
  },
  'GET /api/commune/contacts': {
    // The commune's staff and the hamlet's team lead see the contact; nobody else.
    contact: true,
    request: () => ({ path: '/api/commune/contacts' }),
    expect: reviewers('ok', 'ok'),
  },
  'POST /api/commune/contacts/:logId/delete': {
    contact: true,
    request: (f) => ({ path: `/api/commune/contacts/${f.logId}/delete`, json: {} }),
    expect: {
      ...everyone('denied'),
      coordinator: 'ok',
      admin: 'ok',
      sameHamletTeamLead: 'ok',
    },
    unchanged: async (s, f) => {
      expect(await contactNames(s, f.logId)).toEqual([f.marker]);
    },
    verify: async (s, f) => {
      expect(await contactNames(s, f.logId)).toEqual([]);
    },
  },
  'GET /api/commune/dashboard': {
    // Counts of the reviewer's commune (a team lead: their hamlet); Tân Phú's sessions appear for its staff.
    marker: () => '"hamletId":"tan-phu-dong","name":"Thôn Đông","sessions":',
    request: () => ({ path: '/api/commune/dashboard?period=2025' }),
    expect: reviewers('ok', 'ok'),
  },
  'GET /api/commune/progress': {
    // A field worker's own hamlet this month: counts only, never a session.
    request: () => ({ path: '/api/commune/progress' }),
    expect: {
      ...everyone('denied'),
      author: 'ok',
      sameHamletVolunteer: 'ok',
      otherHamletVolunteer: 'ok',
      otherCommuneVolunteer: 'ok',
      sameHamletTeamLead: 'ok',
      otherHamletTeamLead: 'ok',
    },
  },
  'GET /api/commune/targets': {
    marker: () => '"hamletId":"tan-phu-dong"',
    request: () => ({ path: '/api/commune/targets?period=2025' }),
    expect: reviewers('ok', 'ok'),
  },
  'POST /api/commune/targets': {
    // Only the commune's coordinators and admins set them, for their own hamlets.
    request: (f) => ({
      path: '/api/commune/targets',
      json: {
        hamletId: 'tan-phu-dong',
        period: '2025',
        households: 1000 + Number(f.marker.replace(/\D/g, '')),
        adults: null,
        targets: {
          sessions: 1,
          households_reached: null,
          households_core5: null,
          vneid_activations: null,
          first_payments: null,
        },
      },
    }),
    expect: { ...communeStaff('invalid'), coordinator: 'ok', admin: 'ok' },
    unchanged: async (s, f) => {
      const rows = await s.db.query<{ households: number }>(
        'select households from hamlet_denominator where hamlet_id = $1',
        ['tan-phu-dong'],
      );
      expect(rows.map((r) => Number(r.households))).not.toContain(
        1000 + Number(f.marker.replace(/\D/g, '')),
      );
    },
    verify: async (s, f) => {
      const rows = await s.db.query<{ households: number }>(
        'select households from hamlet_denominator where hamlet_id = $1',
        ['tan-phu-dong'],
      );
      expect(rows.map((r) => Number(r.households))).toEqual([
        1000 + Number(f.marker.replace(/\D/g, '')),
      ]);
    },
  },
  'POST /api/commune/exports': {
    // An export is recorded in the exporter's own commune's audit log.
    request: (f) => ({
      path: '/api/commune/exports',
      json: {
        table: 'hamlets',
        format: 'csv',
        scope: `period=2025 ${f.marker.replace(/[^\w-]/g, '')}`,
      },
    }),
    expect: {
      ...everyone('denied'),
      coordinator: 'ok',
      admin: 'ok',
      sameHamletTeamLead: 'ok',
      otherHamletTeamLead: 'ok',
      otherCommuneCoordinator: 'ok',
      otherCommuneAdmin: 'ok',
    },
    unchanged: async (s, f) => {
      expect(await exportsOf(s, f.marker)).toEqual([]);
    },
    verify: async (s, f, actor) => {
      const own = actor.startsWith('otherCommune') ? OTHER_COMMUNE.id : 'tan-phu';
      expect(await exportsOf(s, f.marker)).toEqual([own]);
    },
  },
  'GET /api/commune': {
    // The directory lists the commune's field workers (a team lead: their hamlet's).
    marker: () => anId,
    request: () => ({ path: '/api/commune' }),
    expect: reviewers('ok', 'ok'),
  },
  'POST /api/commune/hamlets': {
    // Whoever may add one adds it to their own commune (another commune's staff to theirs).
    marker: (f) => `Thôn ${f.marker}`,
    request: (f) => ({ path: '/api/commune/hamlets', json: { name: `Thôn ${f.marker}` } }),
    expect: communeStaff('sees'),
    unchanged: async (s, f) => {
      expect(
        await s.db.query('select 1 from hamlet where name = $1', [`Thôn ${f.marker}`]),
      ).toEqual([]);
    },
    verify: async (s, f, actor) => {
      const rows = await s.db.query<{ commune_id: string }>(
        'select commune_id from hamlet where name = $1',
        [`Thôn ${f.marker}`],
      );
      const own = actor.startsWith('otherCommune') ? OTHER_COMMUNE.id : 'tan-phu';
      expect(rows).toEqual([{ commune_id: own }]);
    },
  },
  'GET /api/admin/communes': {
    // The communes of the admin's province: a neighbour of Tân Phú's is listed for its admin only.
    marker: () => NEIGHBOUR,
    request: () => ({ path: '/api/admin/communes' }),
    expect: { ...everyone('denied'), admin: 'sees', otherCommuneAdmin: 'ok' },
  },
  'POST /api/admin/communes': {
    // Each admin adds to their own province.
    marker: (f) => `Xã ${f.marker}`,
    request: (f) => ({ path: '/api/admin/communes', json: { name: `Xã ${f.marker}` } }),
    expect: { ...everyone('denied'), admin: 'sees', otherCommuneAdmin: 'sees' },
    unchanged: async (s, f) => {
      expect(await s.db.query('select 1 from commune where name = $1', [`Xã ${f.marker}`])).toEqual(
        [],
      );
    },
    verify: async (s, f, actor) => {
      const rows = await s.db.query<{ province: string }>(
        'select province from commune where name = $1',
        [`Xã ${f.marker}`],
      );
      expect(rows).toEqual([{ province: actor === 'admin' ? 'Tỉnh Đồng Tháp' : 'Tỉnh Khác' }]);
    },
  },
  'POST /api/admin/communes/:id/users': {
    // A first coordinator for the neighbour commune; the marker is the new username.
    marker: (f) => `canbo.${f.marker.replace(/[^a-z0-9]/g, '')}`,
    request: (f) => ({
      path: `/api/admin/communes/${NEIGHBOUR}/users`,
      json: {
        displayName: 'Cán bộ Bên Cạnh',
        username: `canbo.${f.marker.replace(/[^a-z0-9]/g, '')}`,
      },
    }),
    expect: { ...everyone('denied'), admin: 'sees' },
    unchanged: async (s, f) => {
      const rows = await s.db.query('select 1 from app_user where username = $1', [
        `canbo.${f.marker.replace(/[^a-z0-9]/g, '')}`,
      ]);
      expect(rows).toEqual([]);
    },
  },
  'GET /api/province/communes': {
    // Counts per commune of the viewer's province: Tân Phú's appear for its province only.
    marker: () => '"communeId":"tan-phu"',
    request: () => ({ path: '/api/province/communes?period=2025' }),
    expect: { ...everyone('denied'), provinceViewer: 'sees', otherProvinceViewer: 'ok' },
  },
  'POST /api/auth/enrol': {
    // Whoever holds the code is its volunteer: that is what the code is for.
    member: true,
    request: (f) => ({
      path: '/api/auth/enrol',
      json: { code: f.member!.code, password: 'mat-khau-moi' },
    }),
    expect: everyone('sees'),
  },
  'GET /api/commune/audit': {
    audited: true,
    request: () => ({ path: '/api/commune/audit' }),
    expect: communeStaff('ok'),
  },
  'GET /api/commune/users': {
    member: true,
    request: () => ({ path: '/api/commune/users' }),
    expect: reviewers('ok', 'ok'),
  },
  'POST /api/commune/users': {
    member: true,
    // A new volunteer of hamlet Đông, named after the case (the marker is in the answer).
    request: (f) => ({
      path: '/api/commune/users',
      json: {
        displayName: 'Người Mới',
        username: `${f.member!.username}.moi`,
        hamletId: 'tan-phu-dong',
      },
    }),
    expect: {
      ...reviewers('invalid', 'invalid'),
    },
    unchanged: async (s, f) => {
      const rows = await s.db.query('select 1 from app_user where username = $1', [
        `${f.member!.username}.moi`,
      ]);
      expect(rows).toEqual([]);
    },
  },
  'POST /api/commune/users/:id/enrolment': {
    member: true,
    request: (f) => ({ path: `/api/commune/users/${f.member!.id}/enrolment`, json: {} }),
    expect: reviewers('denied', 'denied'),
    unchanged: async (s, f) => {
      // The very code the case began with is still the open one.
      expect(await openCodes(s, f.member!.id)).toEqual([hashEnrolmentCode(f.member!.code)]);
    },
  },
  'POST /api/commune/users/:id/deactivate': {
    member: true,
    request: (f) => ({ path: `/api/commune/users/${f.member!.id}/deactivate`, json: {} }),
    expect: reviewers('denied', 'denied'),
    unchanged: async (s, f) => {
      const rows = await s.db.query<{ active: boolean }>(
        'select active from app_user where id = $1',
        [f.member!.id],
      );
      expect(rows[0]?.active).toBe(true);
    },
  },
  'GET /api/review/logs': {
    request: () => ({ path: '/api/review/logs?hamletId=tan-phu-dong&limit=5' }),
    expect: reviewers('ok', 'ok'),
  },
  'GET /api/review/logs/:id': {
    request: (f) => ({ path: `/api/review/logs/${f.logId}` }),
    expect: reviewers('denied', 'denied'),
  },
  'POST /api/review/logs/:id/decision': {
    request: (f) => ({
      path: `/api/review/logs/${f.logId}/decision`,
      json: { decision: 'approve', expectedVersion: f.version },
    }),
    expect: reviewers('denied', 'denied'),
    unchanged: async (s, f) => {
      expect(await logState(s, f.logId)).toMatchObject({ status: 'submitted', version: f.version });
    },
  },
  'POST /api/review/logs/:id/amendments/:amendmentId': {
    amendment: true,
    request: (f) => ({
      path: `/api/review/logs/${f.logId}/amendments/${f.amendmentId}`,
      json: { decision: 'accept', expectedVersion: f.version },
    }),
    expect: reviewers('denied', 'denied'),
    unchanged: async (s, f) => {
      expect(await logState(s, f.logId)).toMatchObject({ status: 'approved', version: f.version });
      const open = await s.db.query('select 1 from sync_conflict where id = $1 and state = $2', [
        f.amendmentId,
        'open',
      ]);
      expect(open).toHaveLength(1);
    },
  },
};

/** A follow-up contact with the marker as the resident's name. */
function contactOf(name: string) {
  return { consent: true, noticeVersion: 1, noticeLang: 'vi', name, phone: '0912345678' };
}

async function contactNames(s: TestServer, logId: string): Promise<string[]> {
  const rows = await s.db.query<{ name: string }>(
    'select name from follow_up_contact where log_id = $1',
    [logId],
  );
  return rows.map((r) => r.name);
}

/** The communes whose audit log holds the export named after the marker. */
async function exportsOf(s: TestServer, marker: string): Promise<string[]> {
  const rows = await s.db.query<{ commune_id: string }>(
    `select commune_id from audit_event where action = 'export' and detail->>'scope' = $1`,
    [`period=2025 ${marker.replace(/[^\w-]/g, '')}`],
  );
  return rows.map((r) => r.commune_id);
}

async function openCodes(s: TestServer, userId: string): Promise<string[]> {
  const rows = await s.db.query<{ code_hash: string }>(
    'select code_hash from enrolment_code where user_id = $1 and used_at is null',
    [userId],
  );
  return rows.map((r) => r.code_hash);
}

/** A commune beside Tân Phú in its province, with nobody in it yet. */
const NEIGHBOUR = 'xa-ben-canh';

/** An's user id (the directory's marker), per backend. */
let anId = '';

/** The edit each case's push sends, made when its log is (it needs the log's id and version). */
const pendingEdit = new Map<string, unknown>();

/** Method and path of every endpoint the app serves under /api (middleware left out). */
function apiRoutes(s: TestServer): string[] {
  return [
    ...new Set(
      s.app.routes
        .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api'))
        .map((r) => `${r.method} ${r.path}`),
    ),
  ].sort();
}

describe.each(availableBackends())('authorization matrix (%s)', (backend) => {
  let s: TestServer;
  let anCookie: string;
  let coordinatorCookie: string;
  const anPhone = makeClient();
  let cases = 0;
  let day = 0;

  beforeAll(async () => {
    s = await createTestServer({ backend });
    await s.db.transaction(async (tx) => {
      await ensureUser(tx, {
        username: 'tnv.cung',
        password: TEST_PASSWORD,
        displayName: 'Lò Văn Cùng',
        role: 'volunteer',
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
      for (const [username, hamletId] of [
        ['totruong.dong', 'tan-phu-dong'],
        ['totruong.tay', 'tan-phu-tay'],
      ] as const) {
        await ensureUser(tx, {
          username,
          password: TEST_PASSWORD,
          displayName: `Tổ trưởng ${hamletId}`,
          role: 'team_lead',
          communeId: 'tan-phu',
          hamletId,
        });
      }
      await tx.query(`update commune set province = 'Tỉnh Đồng Tháp' where id = 'tan-phu'`);
      await ensureCommune(tx, NEIGHBOUR, 'Xã Bên Cạnh');
      await tx.query(`update commune set province = 'Tỉnh Đồng Tháp' where id = $1`, [NEIGHBOUR]);
      await tx.query(`update commune set province = 'Tỉnh Khác' where id = $1`, [OTHER_COMMUNE.id]);
      for (const [username, province] of [
        ['tinh.dongthap', 'Tỉnh Đồng Tháp'],
        ['tinh.khac', 'Tỉnh Khác'],
      ] as const) {
        await ensureUser(tx, {
          username,
          password: TEST_PASSWORD,
          displayName: `Xem ${province}`,
          role: 'province_viewer',
          communeId: null,
          province,
        });
      }
      await ensureUser(tx, {
        username: 'quantri.khac',
        password: TEST_PASSWORD,
        displayName: 'Quản trị Xã Khác',
        role: 'admin',
        communeId: OTHER_COMMUNE.id,
      });
    });
    anCookie = await s.login('tnv.an');
    coordinatorCookie = await s.login('canbo.tanphu');
    anId = s.users.an.id;
  });
  afterAll(async () => {
    await s?.close();
  });

  const sessions = new Map<string, Promise<string>>();
  const sessionOf = (username: string) => {
    if (!sessions.has(username)) sessions.set(username, s.login(username));
    return sessions.get(username)!;
  };

  async function pushAsAn(mutation: unknown): Promise<PushResponse> {
    const res = await s.request('/api/sync/push', {
      cookie: anCookie,
      json: { clientId: anPhone.clientId, mutations: [mutation] },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as PushResponse;
  }

  /** A fresh log of An's (each one a day later, so it heads the review list). */
  async function fixture(route: Route): Promise<Fixture> {
    day += 1;
    const marker = `dấu-${backend}-${day}`;
    const activityDate = new Date(Date.UTC(2025, 0, day)).toISOString().slice(0, 10);
    const create = await makeMutation({
      seq: anPhone.nextSeq(),
      payload: makeLogContent({ notes: marker, activityDate }),
    });
    expect((await pushAsAn(create)).results[0]?.status).toBe('applied');
    const f: Fixture = {
      logId: create.entityId,
      marker,
      version: 1,
      amendmentId: null,
      member: null,
    };
    if (route.member) {
      const username = `tnv.moi${backend[0]}${day}`;
      const out = await createMember(
        s.db,
        { id: s.users.coordinator.id, communeId: 'tan-phu', role: 'coordinator', hamletId: null },
        { displayName: 'Tổ viên Mới', username, hamletId: 'tan-phu-dong' },
        new Date(),
      );
      if (out.kind !== 'ok') throw new Error(out.kind);
      f.member = { id: out.member.id, username, code: out.enrolment.code };
      f.marker = username;
    }
    if (route.contact) {
      const res = await s.request('/api/sync/contacts', {
        cookie: anCookie,
        json: { contacts: [{ logId: f.logId, contact: contactOf(marker) }] },
      });
      expect(await res.json()).toMatchObject({ results: [{ status: 'stored' }] });
    }
    if (route.audited) {
      const returned = await s.request(`/api/review/logs/${f.logId}/decision`, {
        cookie: coordinatorCookie,
        json: { decision: 'return', expectedVersion: 1, comment: `Nhận xét ${marker}` },
      });
      expect(returned.status).toBe(200);
      f.version = 2;
    }
    if (route.amendment) {
      const approve = await s.request(`/api/review/logs/${f.logId}/decision`, {
        cookie: coordinatorCookie,
        json: { decision: 'approve', expectedVersion: 1 },
      });
      expect(approve.status).toBe(200);
      const request = await makeMutation({
        seq: anPhone.nextSeq(),
        name: 'log.update',
        entityId: f.logId,
        baseVersion: 2,
        payload: makeLogContent({ notes: `${marker} (đề nghị sửa)`, activityDate }),
      });
      expect((await pushAsAn(request)).results[0]?.reason).toBe('approved_locked');
      const rows = await s.db.query<{ id: string }>(
        `select id from sync_conflict where log_id = $1 and kind = 'amendment' and state = 'open'`,
        [f.logId],
      );
      f.version = 2;
      f.amendmentId = rows[0]!.id;
    }
    pendingEdit.set(
      f.logId,
      await makeMutation({
        seq: 1,
        name: 'log.update',
        entityId: f.logId,
        baseVersion: f.version,
        payload: makeLogContent({ notes: `${marker} (sửa)`, activityDate }),
      }),
    );
    return f;
  }

  it('has a policy line for every route the app serves, and none for a route it does not', () => {
    expect(apiRoutes(s)).toEqual(Object.keys(POLICY).sort());
  });

  it('has an actor for every role', () => {
    const covered = new Set(Object.values(ACTORS).map((a) => a.role));
    expect(ROLES.filter((r) => !covered.has(r))).toEqual([]);
  });

  describe.each(Object.entries(POLICY))('%s', (name, route) => {
    it.each(ACTOR_KEYS)('answers %s as the policy says, and leaks nothing', async (actor) => {
      const f = await fixture(route);
      const { username } = ACTORS[actor];
      // A fresh session for logout (it ends the one it is sent with); one per actor otherwise.
      const cookie = !username
        ? undefined
        : name === 'POST /api/auth/logout'
          ? await s.login(username)
          : await sessionOf(username);
      const { path, ...options } = route.request(f, actor);
      const res = await s.request(path, { ...options, ...(cookie ? { cookie } : {}) });
      const text = await res.text();
      // The log's notes (or the account's name), unless the route says what.
      const marker = route.marker?.(f) ?? f.marker;
      const body: unknown =
        text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null;
      const refused =
        [401, 403, 404].includes(res.status) ||
        (res.status < 300 && route.refusedInBody?.(body) === true);
      const outcome: Outcome = refused
        ? 'denied'
        : res.status === 400
          ? 'invalid'
          : res.status < 300
            ? text.includes(marker)
              ? 'sees'
              : 'ok'
            : (`status ${res.status}` as Outcome);

      expect(`${outcome}: ${res.status}`).toMatch(new RegExp(`^${route.expect[actor]}: `));
      if (outcome === 'denied' || outcome === 'invalid') {
        expect(text).not.toContain(marker);
        await route.unchanged?.(s, f);
      } else {
        await route.verify?.(s, f, actor);
      }
      cases += 1;
    });
  });

  afterAll(() => {
    console.log(
      `[authorization matrix ${backend}] ${apiRoutes(s).length} routes × ${ACTOR_KEYS.length} actors (${ROLES.length} roles + nobody): ${cases} cases`,
    );
  });
});
