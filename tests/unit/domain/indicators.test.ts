/**
 * The dashboard's definitions (src/domain/indicators.ts): periods, "a skill
 * completed", the five basic skills, coverage, and how grouped facts become
 * the figures a coordinator reads (totals, quiet hamlets, active volunteers,
 * target progress).
 */
import { describe, expect, it } from 'vitest';
import {
  asOf,
  assembleDashboard,
  coverage,
  coversAllCore,
  dayInVietnam,
  daysBefore,
  highlights,
  parsePeriod,
  skillCompleted,
  type DashboardFacts,
  type SessionGroup,
} from '../../../src/domain/indicators.ts';

describe('periods', () => {
  it('reads a month, a quarter and a year as their first and last days', () => {
    expect(parsePeriod('2026-02')).toMatchObject({
      kind: 'month',
      from: '2026-02-01',
      to: '2026-02-28',
    });
    expect(parsePeriod('2024-02')).toMatchObject({ to: '2024-02-29' });
    expect(parsePeriod('2026-Q4')).toMatchObject({
      kind: 'quarter',
      from: '2026-10-01',
      to: '2026-12-31',
    });
    expect(parsePeriod('2026')).toMatchObject({
      kind: 'year',
      from: '2026-01-01',
      to: '2026-12-31',
    });
    for (const bad of ['2026-13', '2026-00', '2026-Q5', '26-01', '2026-1', '']) {
      expect(parsePeriod(bad)).toBeNull();
    }
  });

  it('measures activity up to the period end, or today while the period runs', () => {
    const nov = parsePeriod('2026-11')!;
    expect(asOf(nov, '2026-12-02')).toBe('2026-11-30');
    expect(asOf(nov, '2026-11-15')).toBe('2026-11-15');
    expect(daysBefore('2026-03-01', 30)).toBe('2026-01-30');
  });

  it('takes the day in Vietnam (UTC+7): 18:00 UTC on 30 November is already 1 December', () => {
    expect(dayInVietnam(new Date('2026-11-30T16:59:59Z'))).toBe('2026-11-30');
    expect(dayInVietnam(new Date('2026-11-30T17:00:00Z'))).toBe('2026-12-01');
  });
});

describe('definitions', () => {
  it('counts a skill completed when the session was completed or every step is ticked', () => {
    expect(skillCompleted('done', 0, 5)).toBe(true);
    expect(skillCompleted('partly', 5, 5)).toBe(true);
    expect(skillCompleted('partly', 4, 5)).toBe(false);
    expect(skillCompleted('not_possible', 2, undefined)).toBe(false);
  });

  it('needs all five basic skills, not five skills', () => {
    expect(
      coversAllCore([
        'public_services',
        'online_shopping',
        'online_payment',
        'cyber_safety',
        'local_platforms',
      ]),
    ).toBe(true);
    expect(
      coversAllCore([
        'public_services',
        'online_shopping',
        'online_payment',
        'cyber_safety',
        'cyber_safety',
      ]),
    ).toBe(false);
  });

  it('gives coverage only against a denominator', () => {
    expect(coverage(30, 120)).toBe(0.25);
    expect(coverage(30, null)).toBeNull();
    expect(coverage(0, 0)).toBeNull();
  });
});

const group = (over: Partial<SessionGroup>): SessionGroup => ({
  hamletId: 'dong',
  outcome: 'done',
  kind: 'home_visit',
  language: 'vi',
  reason: null,
  sessions: 1,
  under30: 0,
  from30to59: 1,
  over60: 0,
  women: 0,
  womenRecorded: 0,
  ...over,
});

function facts(over: Partial<DashboardFacts> = {}): DashboardFacts {
  return {
    period: parsePeriod('2026-11')!,
    asOf: '2026-11-30',
    hamletId: null,
    hamlets: [
      { id: 'dong', name: 'Thôn Đông', households: 200, adults: 500 },
      { id: 'tay', name: 'Thôn Tây', households: null, adults: null },
    ],
    sessions: [
      group({ sessions: 3, under30: 1, from30to59: 2, over60: 3, women: 2, womenRecorded: 2 }),
      group({
        outcome: 'not_possible',
        reason: 'no_id_card',
        sessions: 2,
        over60: 2,
        from30to59: 0,
      }),
      group({ hamletId: 'tay', kind: 'group_class', language: 'km', sessions: 1, from30to59: 12 }),
    ],
    skills: [
      { hamletId: 'dong', skillId: 'vneid-level2', outcome: 'done', sessions: 3, completed: 3 },
      {
        hamletId: 'dong',
        skillId: 'vneid-level2',
        outcome: 'not_possible',
        sessions: 2,
        completed: 0,
      },
      { hamletId: 'tay', skillId: 'scam-aware', outcome: 'done', sessions: 1, completed: 1 },
    ],
    householdsReached: new Map([['dong', 4]]),
    householdsCore5: new Map([['dong', 1]]),
    lastActivity: new Map([
      ['dong', '2026-11-20'],
      ['tay', '2026-10-31'],
    ]),
    volunteers: [
      { id: 'an', lastActivity: '2026-11-20' },
      { id: 'binh', lastActivity: '2026-10-31' },
      { id: 'moi', lastActivity: null },
    ],
    targets: new Map([['dong', { vneid_activations: 10, households_reached: 8 }]]),
    ...over,
  };
}

describe('assembleDashboard', () => {
  it('adds up sessions, residents and households per hamlet and for the commune', () => {
    const d = assembleDashboard(facts());
    expect(
      d.hamlets.map((h) => [h.hamletId, h.sessions, h.residents, h.householdsReached]),
    ).toEqual([
      ['dong', 5, 8, 4],
      ['tay', 1, 12, 0],
    ]);
    expect(d.totals).toEqual({
      sessions: 6,
      residents: 20,
      householdsReached: 4,
      households: 200,
      coverage: 4 / 200,
      householdsCore5: 1,
    });
    expect(d.hamlets[0]!.coverage).toBe(0.02);
    expect(d.hamlets[1]!.coverage).toBeNull();
    expect(d.outcomes).toEqual({ done: 4, partly: 0, not_possible: 2 });
    expect(d.ages).toEqual({
      under30: 1,
      from30to59: 14,
      over60: 5,
      women: 2,
      womenRecordedSessions: 2,
    });
    expect(d.languages).toEqual([
      { language: 'vi', sessions: 5, residents: 8 },
      { language: 'km', sessions: 1, residents: 12 },
    ]);
    expect(d.kinds).toEqual([
      { kind: 'home_visit', sessions: 5, residents: 8 },
      { kind: 'group_class', sessions: 1, residents: 12 },
    ]);
    expect(d.reasons).toEqual([{ reason: 'no_id_card', sessions: 2 }]);
    expect(d.skills).toEqual([
      { skillId: 'scam-aware', sessions: 1, done: 1, partly: 0, not_possible: 0, completed: 1 },
      { skillId: 'vneid-level2', sessions: 5, done: 3, partly: 0, not_possible: 2, completed: 3 },
    ]);
  });

  it('calls a hamlet quiet and a volunteer inactive after 30 days without a session', () => {
    const d = assembleDashboard(facts());
    expect(d.hamlets.map((h) => h.quiet)).toEqual([false, true]);
    expect(d.volunteers).toEqual({ total: 3, active: 1, sessionsPerActive: 6 });
    // The 30th day before is outside the window; the 29th inside.
    const edge = assembleDashboard(
      facts({
        volunteers: [
          { id: 'a', lastActivity: '2026-10-31' },
          { id: 'b', lastActivity: '2026-11-01' },
        ],
      }),
    );
    expect(edge.volunteers.active).toBe(1);
  });

  it('shows each target with what the hamlet achieved, and the commune sum of those', () => {
    const d = assembleDashboard(facts());
    expect(d.hamlets[0]!.targets).toEqual([
      { indicator: 'households_reached', target: 8, achieved: 4 },
      { indicator: 'vneid_activations', target: 10, achieved: 3 },
    ]);
    expect(d.hamlets[1]!.targets).toEqual([]);
    expect(d.targets).toEqual(d.hamlets[0]!.targets);
  });

  it("leaves a hamlet without a denominator out of the commune's rate", () => {
    const d = assembleDashboard(
      facts({
        householdsReached: new Map([
          ['dong', 4],
          ['tay', 150],
        ]),
      }),
    );
    expect(d.totals.householdsReached).toBe(154);
    expect(d.totals.coverage).toBe(4 / 200);
  });

  it('has no households total and no rate when no hamlet has a denominator', () => {
    const d = assembleDashboard(
      facts({ hamlets: [{ id: 'dong', name: 'Thôn Đông', households: null, adults: null }] }),
    );
    expect(d.totals.households).toBeNull();
    expect(d.totals.coverage).toBeNull();
    expect(d.volunteers.sessionsPerActive).toBe(5);
  });
});

describe('highlights', () => {
  it('leads with the most practised skill, then coverage, targets, quiet hamlets and the commonest reason', () => {
    const d = assembleDashboard(facts());
    expect(highlights(d)).toEqual([
      { kind: 'topSkill', skillId: 'vneid-level2', sessions: 5, completed: 3 },
      { kind: 'bestCoverage', hamletId: 'dong', name: 'Thôn Đông', coverage: 0.02 },
      { kind: 'targetBehind', indicator: 'households_reached', achieved: 4, target: 8 },
      { kind: 'targetBehind', indicator: 'vneid_activations', achieved: 3, target: 10 },
      { kind: 'quiet', names: ['Thôn Tây'] },
      { kind: 'topReason', reason: 'no_id_card', sessions: 2 },
    ]);
  });

  it('says a target is met when it is reached exactly, and that nothing happened when nothing did', () => {
    const met = assembleDashboard(facts({ targets: new Map([['dong', { sessions: 5 }]]) }));
    expect(highlights(met)).toContainEqual({
      kind: 'targetMet',
      indicator: 'sessions',
      achieved: 5,
      target: 5,
    });
    const none = assembleDashboard(
      facts({ sessions: [], skills: [], householdsReached: new Map(), householdsCore5: new Map() }),
    );
    expect(highlights(none)).toEqual([
      { kind: 'noSessions' },
      { kind: 'quiet', names: ['Thôn Tây'] },
    ]);
  });
});
