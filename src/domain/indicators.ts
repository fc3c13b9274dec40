/**
 * What the coordinator's dashboard counts (DOMAIN.md §C2), as pure
 * functions: the server's SQL gathers grouped facts, these define and
 * assemble the figures. Owns: periods, "a skill completed", "a household
 * with the five basic skills", coverage, active volunteers, quiet hamlets,
 * target progress.
 *
 * The app sees only the residents the team helped: figures are the team's
 * contribution, and a rate is only shown against a denominator the
 * coordinator entered (households, adults of a hamlet).
 */
import type {
  Dashboard,
  HamletFigures,
  TargetIndicator,
  TargetProgress,
} from '../shared/schemas/dashboard.ts';
import { TARGET_INDICATORS } from '../shared/schemas/dashboard.ts';
import type {
  NotDoneReason,
  Outcome,
  SessionKind,
  SessionLanguage,
} from '../shared/schemas/log.ts';
import { NOT_DONE_REASONS, SESSION_KINDS, SESSION_LANGUAGES } from '../shared/schemas/log.ts';
import { CORE_SKILLS, type CoreSkill } from '../shared/schemas/skill.ts';

/** A volunteer is active with a session in this many days up to the period's end. */
export const ACTIVE_DAYS = 30;

/** The skill whose completion each outcome target counts. */
export const TARGET_SKILLS = {
  vneid_activations: 'vneid-level2',
  first_payments: 'vietqr-pay',
} as const satisfies Partial<Record<TargetIndicator, string>>;

export interface Period {
  key: string;
  kind: 'month' | 'quarter' | 'year';
  /** First and last day, both included. */
  from: string;
  to: string;
}

const iso = (y: number, m: number, d: number) =>
  new Date(Date.UTC(y, m, d)).toISOString().slice(0, 10);

/** `2026-11`, `2026-Q4` or `2026` as its days; null when it is none of these. */
export function parsePeriod(key: string): Period | null {
  const m = /^(\d{4})(?:-(\d{2})|-Q([1-4]))?$/.exec(key);
  if (!m) return null;
  const y = Number(m[1]);
  if (m[2] !== undefined) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) return null;
    return { key, kind: 'month', from: iso(y, month - 1, 1), to: iso(y, month, 0) };
  }
  if (m[3] !== undefined) {
    const q = Number(m[3]);
    return { key, kind: 'quarter', from: iso(y, (q - 1) * 3, 1), to: iso(y, q * 3, 0) };
  }
  return { key, kind: 'year', from: iso(y, 0, 1), to: iso(y, 11, 31) };
}

/** The calendar day in Vietnam (UTC+7, no daylight saving) of an instant. */
export function dayInVietnam(at: Date): string {
  return new Date(at.getTime() + 7 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

/** The month of a day, as a period key (`2026-11-30` → `2026-11`). */
export function monthOf(day: string): string {
  return day.slice(0, 7);
}

/** The day `n` days before `day` (ISO dates, UTC). */
export function daysBefore(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}

/**
 * The day activity is measured up to: the period's end, or today when the
 * period is not over yet (a month in progress is not "quiet" for its future).
 */
export function asOf(period: Period, today: string): string {
  return period.to < today ? period.to : today;
}

/**
 * A skill counts as completed in a session when the session was completed
 * ("Hoàn thành"), or when every step of its checklist was ticked.
 */
export function skillCompleted(
  outcome: Outcome,
  stepsDone: number,
  stepsInChecklist: number | undefined,
): boolean {
  return outcome === 'done' || (stepsInChecklist !== undefined && stepsDone >= stepsInChecklist);
}

/** Whether the basic skills covered include all five (the 3240/BTTTT-CĐSQG target). */
export function coversAllCore(covered: Iterable<CoreSkill>): boolean {
  const set = new Set(covered);
  return CORE_SKILLS.every((c) => set.has(c));
}

/** reached ÷ households; null without a denominator (0 households: null too). */
export function coverage(reached: number, households: number | null): number | null {
  return households === null || households <= 0 ? null : reached / households;
}

// ── Assembly ─────────────────────────────────────────────────────────────

/** Sessions of the period grouped by hamlet, outcome, kind, language and reason. */
export interface SessionGroup {
  hamletId: string;
  outcome: Outcome;
  kind: SessionKind;
  language: SessionLanguage;
  reason: NotDoneReason | null;
  sessions: number;
  under30: number;
  from30to59: number;
  over60: number;
  women: number;
  womenRecorded: number;
}

/** Skills of the period's sessions grouped by hamlet, skill and outcome. */
export interface SkillGroup {
  hamletId: string;
  skillId: string;
  outcome: Outcome;
  sessions: number;
  /** Of them, sessions where the skill counts as completed (`skillCompleted`). */
  completed: number;
}

export interface DashboardFacts {
  period: Period;
  /** The day activity is measured up to (`asOf`). */
  asOf: string;
  hamletId: string | null;
  /** The hamlets in scope, in display order, with their denominators. */
  hamlets: { id: string; name: string; households: number | null; adults: number | null }[];
  sessions: SessionGroup[];
  skills: SkillGroup[];
  /** Distinct household codes of the period's sessions, per hamlet. */
  householdsReached: Map<string, number>;
  /** Households whose sessions up to the period's end cover all five basic skills, per hamlet. */
  householdsCore5: Map<string, number>;
  /** The last session up to `asOf`, per hamlet. */
  lastActivity: Map<string, string>;
  /** The field workers in scope with their last session up to `asOf` (null: none). */
  volunteers: { id: string; lastActivity: string | null }[];
  /** Targets of the period: hamlet → indicator → target. */
  targets: Map<string, Partial<Record<TargetIndicator, number>>>;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

function countBy<K extends string>(
  keys: readonly K[],
  rows: readonly { key: K | null; sessions: number; residents: number }[],
) {
  const out = new Map<K, { sessions: number; residents: number }>();
  for (const r of rows) {
    if (r.key === null) continue;
    const c = out.get(r.key) ?? { sessions: 0, residents: 0 };
    c.sessions += r.sessions;
    c.residents += r.residents;
    out.set(r.key, c);
  }
  return keys.filter((k) => out.has(k)).map((k) => ({ key: k, ...out.get(k)! }));
}

/** What a hamlet achieved towards each target indicator. */
function achieved(
  indicator: TargetIndicator,
  h: { sessions: number; householdsReached: number; householdsCore5: number },
  completedOf: (skillId: string) => number,
): number {
  switch (indicator) {
    case 'sessions':
      return h.sessions;
    case 'households_reached':
      return h.householdsReached;
    case 'households_core5':
      return h.householdsCore5;
    case 'vneid_activations':
      return completedOf(TARGET_SKILLS.vneid_activations);
    case 'first_payments':
      return completedOf(TARGET_SKILLS.first_payments);
  }
}

/** The dashboard from the facts the server gathered. */
export function assembleDashboard(f: DashboardFacts): Dashboard {
  const quietSince = daysBefore(f.asOf, ACTIVE_DAYS);
  const residentsOf = (g: SessionGroup) => g.under30 + g.from30to59 + g.over60;

  const hamlets: HamletFigures[] = f.hamlets.map((h) => {
    const own = f.sessions.filter((g) => g.hamletId === h.id);
    const ownSkills = f.skills.filter((g) => g.hamletId === h.id);
    const sessions = sum(own.map((g) => g.sessions));
    const householdsReached = f.householdsReached.get(h.id) ?? 0;
    const householdsCore5 = f.householdsCore5.get(h.id) ?? 0;
    const last = f.lastActivity.get(h.id) ?? null;
    const completedOf = (skillId: string) =>
      sum(ownSkills.filter((g) => g.skillId === skillId).map((g) => g.completed));
    const targets = f.targets.get(h.id) ?? {};
    return {
      hamletId: h.id,
      name: h.name,
      sessions,
      residents: sum(own.map(residentsOf)),
      householdsReached,
      households: h.households,
      adults: h.adults,
      coverage: coverage(householdsReached, h.households),
      householdsCore5,
      lastActivity: last,
      quiet: last === null || last <= quietSince,
      targets: TARGET_INDICATORS.flatMap((indicator) => {
        const target = targets[indicator];
        if (target === undefined) return [];
        return [
          {
            indicator,
            target,
            achieved: achieved(
              indicator,
              { sessions, householdsReached, householdsCore5 },
              completedOf,
            ),
          },
        ];
      }),
    };
  });

  const households = f.hamlets.every((h) => h.households === null)
    ? null
    : sum(f.hamlets.map((h) => h.households ?? 0));
  const householdsReached = sum(hamlets.map((h) => h.householdsReached));
  // The commune's rate counts only the hamlets that have a denominator.
  const reachedWhereCounted = sum(
    hamlets.filter((h) => (h.households ?? 0) > 0).map((h) => h.householdsReached),
  );

  const outcomeOf = (o: Outcome) =>
    sum(f.sessions.filter((g) => g.outcome === o).map((g) => g.sessions));
  const skillIds = [...new Set(f.skills.map((g) => g.skillId))].sort();
  const skills = skillIds.map((skillId) => {
    const rows = f.skills.filter((g) => g.skillId === skillId);
    const by = (o: Outcome) => sum(rows.filter((g) => g.outcome === o).map((g) => g.sessions));
    return {
      skillId,
      sessions: sum(rows.map((g) => g.sessions)),
      done: by('done'),
      partly: by('partly'),
      not_possible: by('not_possible'),
      completed: sum(rows.map((g) => g.completed)),
    };
  });

  const asRows = <K extends string>(key: (g: SessionGroup) => K | null) =>
    f.sessions.map((g) => ({ key: key(g), sessions: g.sessions, residents: residentsOf(g) }));

  const active = f.volunteers.filter(
    (v) => v.lastActivity !== null && v.lastActivity > quietSince,
  ).length;
  const totalSessions = sum(hamlets.map((h) => h.sessions));

  // The commune's progress: each indicator summed over the hamlets that have a target for it.
  const targets: TargetProgress[] = TARGET_INDICATORS.flatMap((indicator) => {
    const rows = hamlets.flatMap((h) => h.targets.filter((t) => t.indicator === indicator));
    if (rows.length === 0) return [];
    return [
      {
        indicator,
        target: sum(rows.map((r) => r.target)),
        achieved: sum(rows.map((r) => r.achieved)),
      },
    ];
  });

  return {
    period: { key: f.period.key, from: f.period.from, to: f.period.to },
    hamletId: f.hamletId,
    totals: {
      sessions: totalSessions,
      residents: sum(hamlets.map((h) => h.residents)),
      householdsReached,
      households,
      coverage: coverage(reachedWhereCounted, households),
      householdsCore5: sum(hamlets.map((h) => h.householdsCore5)),
    },
    hamlets,
    outcomes: {
      done: outcomeOf('done'),
      partly: outcomeOf('partly'),
      not_possible: outcomeOf('not_possible'),
    },
    skills,
    ages: {
      under30: sum(f.sessions.map((g) => g.under30)),
      from30to59: sum(f.sessions.map((g) => g.from30to59)),
      over60: sum(f.sessions.map((g) => g.over60)),
      women: sum(f.sessions.map((g) => g.women)),
      womenRecordedSessions: sum(f.sessions.map((g) => g.womenRecorded)),
    },
    languages: countBy(
      SESSION_LANGUAGES,
      asRows((g) => g.language),
    ).map(({ key, ...c }) => ({
      language: key,
      ...c,
    })),
    kinds: countBy(
      SESSION_KINDS,
      asRows((g) => g.kind),
    ).map(({ key, ...c }) => ({ kind: key, ...c })),
    reasons: countBy(
      NOT_DONE_REASONS,
      asRows((g) => (g.outcome === 'not_possible' ? g.reason : null)),
    ).map(({ key, sessions }) => ({ reason: key, sessions })),
    volunteers: {
      total: f.volunteers.length,
      active,
      sessionsPerActive: active === 0 ? null : totalSessions / active,
    },
    targets,
  };
}

/** One line of a report's highlights: a message key and its values. */
export type Highlight =
  | { kind: 'topSkill'; skillId: string; sessions: number; completed: number }
  | { kind: 'bestCoverage'; hamletId: string; name: string; coverage: number }
  | { kind: 'targetMet'; indicator: TargetIndicator; achieved: number; target: number }
  | { kind: 'targetBehind'; indicator: TargetIndicator; achieved: number; target: number }
  | { kind: 'quiet'; names: string[] }
  | { kind: 'topReason'; reason: NotDoneReason; sessions: number }
  | { kind: 'noSessions' };

/**
 * What a report says first about a period: the most practised skill, the
 * hamlet with the best household coverage, each commune target met or
 * behind, the hamlets with no activity, and the commonest reason a session
 * was not possible. Ties go to the first in the dashboard's order.
 */
export function highlights(d: Dashboard): Highlight[] {
  if (d.totals.sessions === 0) {
    const quiet = d.hamlets.filter((h) => h.quiet).map((h) => h.name);
    return [
      { kind: 'noSessions' },
      ...(quiet.length ? [{ kind: 'quiet' as const, names: quiet }] : []),
    ];
  }
  const out: Highlight[] = [];
  const top = [...d.skills].sort((a, b) => b.sessions - a.sessions)[0];
  if (top)
    out.push({
      kind: 'topSkill',
      skillId: top.skillId,
      sessions: top.sessions,
      completed: top.completed,
    });
  const covered = d.hamlets.filter((h) => h.coverage !== null);
  const best = [...covered].sort((a, b) => b.coverage! - a.coverage!)[0];
  if (best && best.coverage! > 0) {
    out.push({
      kind: 'bestCoverage',
      hamletId: best.hamletId,
      name: best.name,
      coverage: best.coverage!,
    });
  }
  for (const t of d.targets) {
    out.push({ kind: t.achieved >= t.target ? 'targetMet' : 'targetBehind', ...t });
  }
  const quiet = d.hamlets.filter((h) => h.quiet).map((h) => h.name);
  if (quiet.length) out.push({ kind: 'quiet', names: quiet });
  const reason = [...d.reasons].sort((a, b) => b.sessions - a.sessions)[0];
  if (reason) out.push({ kind: 'topReason', reason: reason.reason, sessions: reason.sessions });
  return out;
}
