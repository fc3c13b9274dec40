/**
 * The dashboard and targets on the server (src/server/dashboard.ts): for
 * random sessions pushed through the API, every figure equals the same
 * figure worked out here, plainly, from what was pushed; targets round-trip
 * and are audited; a team lead sees their hamlet only; another commune
 * sees none of it.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dashboard } from '../../src/shared/schemas/dashboard.ts';
import {
  NOT_DONE_REASONS,
  OUTCOMES,
  SESSION_KINDS,
  SESSION_LANGUAGES,
  type LogContentInput,
} from '../../src/shared/schemas/log.ts';
import { CORE_SKILLS } from '../../src/shared/schemas/skill.ts';
import { loadCurriculum } from '../../src/server/curriculum.ts';
import { ensureUser } from '../../src/server/users.ts';
import {
  availableBackends,
  createTestServer,
  makeClient,
  makeLogContent,
  makeMutation,
  TEST_PASSWORD,
  type TestServer,
} from '../helpers/server.ts';

const curriculum = loadCurriculum();
const SKILLS = curriculum.ids();
const HAMLETS = ['tan-phu-dong', 'tan-phu-tay', 'tan-phu-binh-an'];
const AUTHORS = ['tnv.an', 'tnv.binh'] as const;
const RUNS = Number(process.env.SOTAY_SOAK === '1' ? 25 : 4);

interface Made {
  author: (typeof AUTHORS)[number];
  content: LogContentInput & {
    skills: { skillId: string; contentVersion: number; stepsDone: string[] }[];
  };
}

const sessionArb = fc
  .record({
    author: fc.constantFrom(...AUTHORS),
    hamletId: fc.constantFrom(...HAMLETS),
    day: fc.integer({ min: 0, max: 180 }),
    kind: fc.constantFrom(...SESSION_KINDS),
    language: fc.constantFrom(...SESSION_LANGUAGES),
    outcome: fc.constantFrom(...OUTCOMES),
    reason: fc.constantFrom(...NOT_DONE_REASONS),
    household: fc.option(fc.constantFrom('H1', 'H2', 'H3', 'H4'), { nil: undefined }),
    ages: fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3)),
    women: fc.option(fc.nat(3), { nil: undefined }),
    skills: fc.uniqueArray(
      fc.record({
        skillId: fc.constantFrom(...SKILLS),
        // Which published version of the checklist (1 = the oldest) the session was on.
        version: fc.nat(3),
        steps: fc.nat(20),
        all: fc.boolean(),
      }),
      { minLength: 1, maxLength: 4, selector: (s) => s.skillId },
    ),
  })
  .map((r): Made => {
    const [u, m, o] = r.ages;
    const residents = { under30: u, from30to59: m, over60: o + (u + m + o === 0 ? 1 : 0) };
    const total = residents.under30 + residents.from30to59 + residents.over60;
    const date = new Date(Date.UTC(2024, 0, 1 + r.day)).toISOString().slice(0, 10);
    return {
      author: r.author,
      content: makeLogContent({
        hamletId: r.hamletId,
        activityDate: date,
        kind: r.kind,
        language: r.language,
        outcome: r.outcome,
        ...(r.outcome === 'done' ? {} : { reason: r.reason }),
        ...(r.household ? { householdCode: r.household } : {}),
        residents: {
          ...residents,
          ...(r.women === undefined ? {} : { women: Math.min(r.women, total) }),
        },
        skills: r.skills.map((s) => {
          const contentVersion = 1 + (s.version % curriculum.version(s.skillId)!);
          const ids = [...curriculum.steps(s.skillId, contentVersion)!];
          return {
            skillId: s.skillId,
            contentVersion,
            stepsDone: s.all ? ids : ids.slice(0, s.steps % ids.length),
          };
        }),
      }),
    };
  });

/** The dashboard worked out from the pushed sessions, without the app's code. */
function expected(made: Made[], from: string, to: string) {
  const inPeriod = made.filter(
    (m) => m.content.activityDate >= from && m.content.activityDate <= to,
  );
  const people = (m: Made) =>
    m.content.residents.under30 + m.content.residents.from30to59 + m.content.residents.over60;
  const completed = (m: Made, s: Made['content']['skills'][number]) =>
    m.content.outcome === 'done' ||
    s.stepsDone.length >= curriculum.steps(s.skillId, s.contentVersion)!.size;
  const hamlets = HAMLETS.map((h) => {
    const own = inPeriod.filter((m) => m.content.hamletId === h);
    const codes = new Map<string, Set<string>>();
    for (const m of made) {
      if (m.content.hamletId !== h || !m.content.householdCode || m.content.activityDate > to)
        continue;
      const set = codes.get(m.content.householdCode) ?? new Set<string>();
      for (const s of m.content.skills)
        if (completed(m, s)) for (const c of curriculum.core(s.skillId)) set.add(c);
      codes.set(m.content.householdCode, set);
    }
    return {
      hamletId: h,
      sessions: own.length,
      residents: own.reduce((a, m) => a + people(m), 0),
      householdsReached: new Set(
        own.flatMap((m) => (m.content.householdCode ? [m.content.householdCode] : [])),
      ).size,
      householdsCore5: [...codes.values()].filter((set) => CORE_SKILLS.every((c) => set.has(c)))
        .length,
      lastActivity:
        made
          .filter((m) => m.content.hamletId === h && m.content.activityDate <= to)
          .map((m) => m.content.activityDate)
          .sort()
          .at(-1) ?? null,
    };
  });
  const skills = [...new Set(inPeriod.flatMap((m) => m.content.skills.map((s) => s.skillId)))]
    .sort()
    .map((skillId) => {
      const rows = inPeriod.flatMap((m) =>
        m.content.skills.filter((s) => s.skillId === skillId).map((s) => ({ m, s })),
      );
      const by = (o: string) => rows.filter((r) => r.m.content.outcome === o).length;
      return {
        skillId,
        sessions: rows.length,
        done: by('done'),
        partly: by('partly'),
        not_possible: by('not_possible'),
        completed: rows.filter((r) => completed(r.m, r.s)).length,
      };
    });
  const lastOf = (author: string) =>
    made
      .filter((m) => m.author === author && m.content.activityDate <= to)
      .map((m) => m.content.activityDate)
      .sort()
      .at(-1);
  const windowStart = new Date(`${to}T00:00:00Z`);
  windowStart.setUTCDate(windowStart.getUTCDate() - 30);
  const since = windowStart.toISOString().slice(0, 10);
  return {
    hamlets,
    skills,
    outcomes: Object.fromEntries(
      OUTCOMES.map((o) => [o, inPeriod.filter((m) => m.content.outcome === o).length]),
    ),
    reasons: NOT_DONE_REASONS.map((reason) => ({
      reason,
      sessions: inPeriod.filter(
        (m) => m.content.outcome === 'not_possible' && m.content.reason === reason,
      ).length,
    })).filter((r) => r.sessions > 0),
    women: inPeriod.reduce((a, m) => a + (m.content.residents.women ?? 0), 0),
    womenRecordedSessions: inPeriod.filter((m) => m.content.residents.women !== undefined).length,
    activeAuthors: AUTHORS.filter((a) => (lastOf(a) ?? '') > since).length,
  };
}

describe.each(availableBackends())('dashboard (%s)', (backend) => {
  let s: TestServer;
  let coordinator = '';
  const cookies = new Map<string, string>();

  beforeAll(async () => {
    s = await createTestServer({ backend });
    coordinator = await s.login('canbo.tanphu');
    for (const a of AUTHORS) cookies.set(a, await s.login(a));
  });
  afterAll(async () => {
    await s?.close();
  });

  const dashboard = async (cookie: string, query: string) => {
    const res = await s.request(`/api/commune/dashboard?${query}`, { cookie });
    return { status: res.status, body: (await res.json()) as Dashboard };
  };

  it('gives, for random sessions, exactly the figures worked out from them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(sessionArb, { minLength: 1, maxLength: 40 }), async (made) => {
        await s.db.exec(
          'truncate activity_log, activity_log_revision, processed_mutation, sync_conflict, sync_client cascade',
        );
        for (const author of AUTHORS) {
          const mine = made.filter((m) => m.author === author);
          if (mine.length === 0) continue;
          const phone = makeClient();
          const mutations = await Promise.all(
            mine.map((m) => makeMutation({ seq: phone.nextSeq(), payload: m.content })),
          );
          const res = await s.request('/api/sync/push', {
            cookie: cookies.get(author)!,
            json: { clientId: phone.clientId, mutations },
          });
          const body = (await res.json()) as { results: { status: string }[] };
          expect(body.results.every((r) => r.status === 'applied')).toBe(true);
        }
        for (const [key, from, to] of [
          ['2024-02', '2024-02-01', '2024-02-29'],
          ['2024-Q2', '2024-04-01', '2024-06-30'],
          ['2024', '2024-01-01', '2024-12-31'],
        ] as const) {
          const { status, body } = await dashboard(coordinator, `period=${key}`);
          expect(status).toBe(200);
          const want = expected(made, from, to);
          expect(body.period).toEqual({ key, from, to });
          expect(
            body.hamlets.map(
              ({
                hamletId,
                sessions,
                residents,
                householdsReached,
                householdsCore5,
                lastActivity,
              }) => ({
                hamletId,
                sessions,
                residents,
                householdsReached,
                householdsCore5,
                lastActivity,
              }),
            ),
          ).toEqual(want.hamlets);
          expect(body.skills).toEqual(want.skills);
          expect(body.outcomes).toEqual(want.outcomes);
          expect(body.reasons).toEqual(want.reasons);
          expect(body.ages.women).toBe(want.women);
          expect(body.ages.womenRecordedSessions).toBe(want.womenRecordedSessions);
          expect(body.volunteers.active).toBe(want.activeAuthors);
          expect(body.totals.sessions).toBe(want.hamlets.reduce((a, h) => a + h.sessions, 0));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps targets and denominators, audits them, and shows progress against them', async () => {
    await s.db.exec(
      'truncate activity_log, activity_log_revision, processed_mutation, sync_conflict, sync_client cascade',
    );
    const phone = makeClient();
    const vneid = [...curriculum.steps('vneid-level2', 1)!];
    const mutations = await Promise.all(
      ['H1', 'H2', 'H3'].map((householdCode) =>
        makeMutation({
          seq: phone.nextSeq(),
          payload: makeLogContent({
            activityDate: '2025-05-10',
            householdCode,
            skills: [{ skillId: 'vneid-level2', contentVersion: 1, stepsDone: vneid }],
          }),
        }),
      ),
    );
    await s.request('/api/sync/push', {
      cookie: cookies.get('tnv.an')!,
      json: { clientId: phone.clientId, mutations },
    });
    const put = await s.request('/api/commune/targets', {
      cookie: coordinator,
      json: {
        hamletId: 'tan-phu-dong',
        period: '2025-05',
        households: 150,
        adults: 400,
        targets: {
          sessions: 20,
          households_reached: 30,
          households_core5: null,
          vneid_activations: 12,
          first_payments: null,
        },
      },
    });
    expect(put.status).toBe(200);
    const listed = await s.request('/api/commune/targets?period=2025-05', { cookie: coordinator });
    const dong = (
      (await listed.json()) as {
        hamlets: { hamletId: string; households: number; targets: object }[];
      }
    ).hamlets.find((h) => h.hamletId === 'tan-phu-dong');
    expect(dong).toMatchObject({
      households: 150,
      targets: { sessions: 20, vneid_activations: 12, first_payments: null },
    });

    const { body } = await dashboard(coordinator, 'period=2025-05');
    const h = body.hamlets.find((x) => x.hamletId === 'tan-phu-dong')!;
    expect(h.coverage).toBe(3 / 150);
    expect(h.targets).toEqual([
      { indicator: 'sessions', target: 20, achieved: 3 },
      { indicator: 'households_reached', target: 30, achieved: 3 },
      { indicator: 'vneid_activations', target: 12, achieved: 3 },
    ]);
    // Another month has no targets; the denominators stay.
    const june = (await dashboard(coordinator, 'period=2025-06')).body;
    expect(june.targets).toEqual([]);
    expect(june.hamlets.find((x) => x.hamletId === 'tan-phu-dong')!.households).toBe(150);
    const audit = await s.db.query<{ action: string; target_id: string }>(
      `select action, target_id from audit_event where action = 'targets.set'`,
    );
    expect(audit).toContainEqual({ action: 'targets.set', target_id: 'tan-phu-dong' });
  });

  it("limits a team lead to their hamlet, and refuses another commune's hamlet and bad periods", async () => {
    await ensureUser(s.db, {
      username: 'totruong.dong',
      password: TEST_PASSWORD,
      displayName: 'Tổ trưởng Đông',
      role: 'team_lead',
      communeId: 'tan-phu',
      hamletId: 'tan-phu-dong',
    });
    const lead = await s.login('totruong.dong');
    const own = await dashboard(lead, 'period=2025-05');
    expect(own.status).toBe(200);
    expect(own.body.hamlets.map((h) => h.hamletId)).toEqual(['tan-phu-dong']);
    // Asking for another hamlet still answers with their own.
    expect((await dashboard(lead, 'period=2025-05&hamletId=tan-phu-tay')).body.hamletId).toBe(
      'tan-phu-dong',
    );
    expect((await dashboard(coordinator, 'period=2025-05&hamletId=xa-khac-mot')).status).toBe(404);
    expect((await dashboard(coordinator, 'period=2025-13')).status).toBe(400);
    const other = await s.login('canbo.khac');
    const theirs = await dashboard(other, 'period=2025-05');
    expect(theirs.body.totals.sessions).toBe(0);
    const foreign = await s.request('/api/commune/targets', {
      cookie: other,
      json: {
        hamletId: 'tan-phu-dong',
        period: '2025-05',
        households: 1,
        adults: 1,
        targets: {
          sessions: 1,
          households_reached: null,
          households_core5: null,
          vneid_activations: null,
          first_payments: null,
        },
      },
    });
    expect(foreign.status).toBe(400);
    const lead2 = await s.request('/api/commune/targets', { cookie: lead, json: {} });
    expect(lead2.status).toBe(403);
  });

  it("gives a field worker their own hamlet's month, with its targets", async () => {
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const month = today.slice(0, 7);
    const phone = makeClient();
    const mutation = await makeMutation({
      seq: phone.nextSeq(),
      payload: makeLogContent({ activityDate: today, hamletId: 'tan-phu-dong' }),
    });
    await s.request('/api/sync/push', {
      cookie: cookies.get('tnv.an')!,
      json: { clientId: phone.clientId, mutations: [mutation] },
    });
    await s.request('/api/commune/targets', {
      cookie: coordinator,
      json: {
        hamletId: 'tan-phu-dong',
        period: month,
        households: 80,
        adults: null,
        targets: {
          sessions: 10,
          households_reached: null,
          households_core5: null,
          vneid_activations: null,
          first_payments: null,
        },
      },
    });
    const an = await s.request('/api/commune/progress', { cookie: cookies.get('tnv.an')! });
    const body = (await an.json()) as {
      period: { key: string };
      hamlet: { hamletId: string; sessions: number; households: number; targets: unknown[] };
    };
    expect(body.period.key).toBe(month);
    expect(body.hamlet).toMatchObject({ hamletId: 'tan-phu-dong', households: 80 });
    expect(body.hamlet.sessions).toBeGreaterThanOrEqual(1);
    expect(body.hamlet.targets).toEqual([
      { indicator: 'sessions', target: 10, achieved: body.hamlet.sessions },
    ]);
    // Bình of Thôn Tây sees his own hamlet, not Đông.
    const binh = (await (
      await s.request('/api/commune/progress', { cookie: cookies.get('tnv.binh')! })
    ).json()) as { hamlet: { hamletId: string } };
    expect(binh.hamlet.hamletId).toBe('tan-phu-tay');
    expect((await s.request('/api/commune/progress', { cookie: coordinator })).status).toBe(403);
  });
});
