/**
 * The province view (src/server/province.ts) against the communes' own
 * dashboards: for random sessions in two communes of a province, every
 * count the province viewer sees is the coordinator's figure for that
 * commune, no count from 1 to 4 is ever shown, and no hidden count can be
 * worked out from the shown ones (a breakdown never hides exactly one cell
 * of a shown total; a part never leaves a small rest).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TARGET_SKILLS } from '../../src/domain/indicators.ts';
import { SMALL_COUNT } from '../../src/domain/suppress.ts';
import type { PushResponse } from '../../src/shared/protocol.ts';
import type { Dashboard } from '../../src/shared/schemas/dashboard.ts';
import {
  NOT_DONE_REASONS,
  OUTCOMES,
  SESSION_LANGUAGES,
  type LogContentInput,
} from '../../src/shared/schemas/log.ts';
import type { CommuneAggregate, ProvinceSummary } from '../../src/shared/schemas/province.ts';
import { loadCurriculum } from '../../src/server/curriculum.ts';
import { ensureUser } from '../../src/server/users.ts';
import {
  availableBackends,
  createTestServer,
  makeClient,
  makeLogContent,
  makeMutation,
  OTHER_COMMUNE,
  TEST_PASSWORD,
  TEST_USERNAMES,
  type TestServer,
} from '../helpers/server.ts';

const curriculum = loadCurriculum();
const SKILLS = curriculum.ids();
const RUNS = Number(process.env.SOTAY_SOAK === '1' ? 20 : 3);

/** Each commune: its coordinator, a volunteer, and the hamlets the volunteer records in. */
const COMMUNES = [
  {
    id: 'tan-phu',
    coordinator: TEST_USERNAMES.coordinator,
    volunteer: TEST_USERNAMES.an,
    hamlets: ['tan-phu-dong', 'tan-phu-tay'],
  },
  {
    id: OTHER_COMMUNE.id,
    coordinator: TEST_USERNAMES.otherCoordinator,
    volunteer: TEST_USERNAMES.otherVolunteer,
    hamlets: [OTHER_COMMUNE.hamletId],
  },
] as const;

const sessionArb = fc.record({
  commune: fc.constantFrom(0, 1),
  hamlet: fc.nat(1),
  month: fc.constantFrom(1, 2, 4),
  language: fc.constantFrom(...SESSION_LANGUAGES.slice(0, 3)),
  outcome: fc.constantFrom(...OUTCOMES),
  reason: fc.constantFrom(...NOT_DONE_REASONS.slice(0, 3)),
  household: fc.option(fc.constantFrom('H1', 'H2', 'H3', 'H4', 'H5', 'H6'), { nil: undefined }),
  ages: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2)),
  skills: fc.uniqueArray(fc.constantFrom(...SKILLS), { minLength: 1, maxLength: 3 }),
  approve: fc.boolean(),
});
type Session = typeof sessionArb extends fc.Arbitrary<infer X> ? X : never;

function content(r: Session): LogContentInput {
  const c = COMMUNES[r.commune];
  const [u, m, o] = r.ages;
  return makeLogContent({
    communeId: c.id,
    hamletId: c.hamlets[r.hamlet % c.hamlets.length]!,
    activityDate: `2024-${String(r.month).padStart(2, '0')}-1${r.hamlet}`,
    language: r.language,
    outcome: r.outcome,
    ...(r.outcome === 'done' ? {} : { reason: r.reason }),
    ...(r.household ? { householdCode: r.household } : {}),
    residents: { under30: u, from30to59: m, over60: o + (u + m + o === 0 ? 1 : 0) },
    skills: r.skills.map((skillId) => ({
      skillId,
      contentVersion: curriculum.version(skillId)!,
      stepsDone: [...curriculum.steps(skillId)!],
    })),
  });
}

const small = (n: number) => n > 0 && n < SMALL_COUNT;

/** A count the province shows: the exact figure, or hidden (null) when it is small, never another number. */
function expectShownOrHidden(shown: number | null, exact: number, what: string) {
  if (small(exact)) expect(shown, `${what} = ${exact} is shown`).toBeNull();
  if (shown !== null) expect(shown, what).toBe(exact);
}

/** A breakdown of a total: no single hidden cell under a shown total, no all-shown cells under a hidden one. */
function expectSafeBreakdown(
  cells: Record<string, number | null>,
  exact: Record<string, number>,
  totalShown: boolean,
  what: string,
) {
  for (const [k, v] of Object.entries(exact))
    expectShownOrHidden(cells[k] ?? null, v, `${what}.${k}`);
  const hidden = Object.keys(exact).filter((k) => cells[k] === null);
  if (totalShown) expect(hidden.length, `${what}: one hidden cell`).not.toBe(1);
  else if (Object.values(exact).some((v) => v > 0))
    expect(hidden.length, `${what}: every cell of a hidden total shown`).toBeGreaterThan(0);
}

/** A part of a shown whole: hidden when the rest would be small. */
function expectSafePart(part: number | null, exact: number, whole: number | null, what: string) {
  expectShownOrHidden(part, exact, what);
  if (part !== null && whole !== null)
    expect(small(whole - part), `${what}: small rest`).toBe(false);
}

function compare(p: CommuneAggregate, d: Dashboard, approved: number) {
  expect(p.hamlets).toBe(d.hamlets.length);
  expect(p.quietHamlets).toBe(d.hamlets.filter((h) => h.quiet).length);
  expect(p.volunteers).toEqual({ total: d.volunteers.total, active: d.volunteers.active });
  expectShownOrHidden(p.sessions, d.totals.sessions, 'sessions');
  expectSafePart(p.approved, approved, p.sessions, 'approved');
  expectSafeBreakdown(p.outcomes, d.outcomes, p.sessions !== null, 'outcomes');
  expectShownOrHidden(p.residents, d.totals.residents, 'residents');
  const { under30, from30to59, over60 } = d.ages;
  expectSafeBreakdown(p.ages, { under30, from30to59, over60 }, p.residents !== null, 'ages');
  expectSafeBreakdown(
    p.languages,
    Object.fromEntries(d.languages.map((l) => [l.language, l.sessions])),
    p.sessions !== null,
    'languages',
  );
  expectSafeBreakdown(
    p.reasons,
    Object.fromEntries(d.reasons.map((r) => [r.reason, r.sessions])),
    p.outcomes.not_possible !== null,
    'reasons',
  );
  expectShownOrHidden(p.householdsReached, d.totals.householdsReached, 'householdsReached');
  expect(p.households).toBe(d.totals.households);
  if (p.coverage !== null) expect(p.coverage).toBe(d.totals.coverage);
  if (p.householdsReached === null) expect(p.coverage).toBeNull();
  expectShownOrHidden(p.householdsCore5, d.totals.householdsCore5, 'householdsCore5');
  const completed = (id: string) => d.skills.find((s) => s.skillId === id)?.completed ?? 0;
  expectShownOrHidden(p.vneidActivations, completed(TARGET_SKILLS.vneid_activations), 'vneid');
  expectShownOrHidden(p.firstPayments, completed(TARGET_SKILLS.first_payments), 'payments');
  expect(p.skills.map((s) => s.skillId)).toEqual(d.skills.map((s) => s.skillId));
  for (const s of d.skills) {
    const shown = p.skills.find((x) => x.skillId === s.skillId)!;
    expectShownOrHidden(shown.sessions, s.sessions, `skill ${s.skillId}`);
    expectSafePart(shown.completed, s.completed, shown.sessions, `skill ${s.skillId} completed`);
  }
  expect(p.targets.map(({ indicator, target }) => ({ indicator, target }))).toEqual(
    d.targets.map(({ indicator, target }) => ({ indicator, target })),
  );
  for (const t of d.targets) {
    const shown = p.targets.find((x) => x.indicator === t.indicator)!;
    expectShownOrHidden(shown.achieved, t.achieved, `target ${t.indicator}`);
  }
}

describe.each(availableBackends())('province view (%s)', (backend) => {
  let s: TestServer;
  let viewer = '';
  const cookies = new Map<string, string>();
  const cookie = async (username: string) =>
    cookies.get(username) ?? cookies.set(username, await s.login(username)).get(username)!;

  beforeAll(async () => {
    s = await createTestServer({ backend });
    await s.db.transaction(async (tx) => {
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
    viewer = await s.login('tinh.thu');
  });
  afterAll(async () => {
    await s?.close();
  });

  it("shows each commune's dashboard figures, small counts hidden so that none can be worked out", async () => {
    let shownBig = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(sessionArb, { minLength: 15, maxLength: 50 }),
        fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }),
        async (sessions, households) => {
          await s.db.exec(
            'truncate activity_log, activity_log_revision, processed_mutation, sync_conflict, sync_client, hamlet_target, hamlet_denominator cascade',
          );
          const approvedByCommune = new Map<string, Map<number, number>>();
          for (const [ci, c] of COMMUNES.entries()) {
            const mine = sessions.filter((r) => r.commune === ci);
            if (mine.length === 0) continue;
            const phone = makeClient();
            const mutations = await Promise.all(
              mine.map((r) => makeMutation({ seq: phone.nextSeq(), payload: content(r) })),
            );
            const res = await s.request('/api/sync/push', {
              cookie: await cookie(c.volunteer),
              json: { clientId: phone.clientId, mutations },
            });
            const body = (await res.json()) as PushResponse;
            expect(body.results.every((x) => x.status === 'applied')).toBe(true);
            const approved = new Map<number, number>();
            for (const [i, r] of mine.entries()) {
              if (!r.approve) continue;
              const decided = await s.request(
                `/api/review/logs/${mutations[i]!.entityId}/decision`,
                {
                  cookie: await cookie(c.coordinator),
                  json: { decision: 'approve', expectedVersion: 1 },
                },
              );
              expect(decided.status).toBe(200);
              approved.set(r.month, (approved.get(r.month) ?? 0) + 1);
            }
            approvedByCommune.set(c.id, approved);
          }
          // One hamlet with a denominator and targets for February (the other without).
          if (households !== null) {
            const put = await s.request('/api/commune/targets', {
              cookie: await cookie(COMMUNES[0].coordinator),
              json: {
                hamletId: COMMUNES[0].hamlets[0],
                period: '2024-02',
                households,
                adults: null,
                targets: {
                  sessions: 10,
                  households_reached: households,
                  households_core5: null,
                  vneid_activations: 5,
                  first_payments: null,
                },
              },
            });
            expect(put.status).toBe(200);
          }
          for (const [period, months] of [
            ['2024-02', [2]],
            ['2024-Q1', [1, 2]],
            ['2024', [1, 2, 4]],
          ] as const) {
            const res = await s.request(`/api/province/communes?period=${period}`, {
              cookie: viewer,
            });
            expect(res.status).toBe(200);
            const summary = (await res.json()) as ProvinceSummary;
            expect(summary.period.key).toBe(period);
            expect(summary.communes.map((c) => c.communeId).sort()).toEqual(
              COMMUNES.map((c) => c.id).sort(),
            );
            for (const c of COMMUNES) {
              const d = (await (
                await s.request(`/api/commune/dashboard?period=${period}`, {
                  cookie: await cookie(c.coordinator),
                })
              ).json()) as Dashboard;
              const approved = [...(approvedByCommune.get(c.id) ?? new Map<number, number>())]
                .filter(([month]) => (months as readonly number[]).includes(month))
                .reduce((a, [, n]) => a + n, 0);
              const p = summary.communes.find((x) => x.communeId === c.id)!;
              compare(p, d, approved);
              if (p.sessions !== null && p.sessions >= SMALL_COUNT) shownBig++;
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
    // The random sessions gave communes with enough sessions to show (not only hidden ones).
    expect(shownBig).toBeGreaterThan(0);
  });

  it('refuses a period that is not a month, quarter or year', async () => {
    for (const bad of ['2024-00', '2024-Q5', '2024-02-01', 'tháng 2'])
      expect(
        (
          await s.request(`/api/province/communes?period=${encodeURIComponent(bad)}`, {
            cookie: viewer,
          })
        ).status,
      ).toBe(400);
  });
});
