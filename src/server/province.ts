/**
 * The province view (DOMAIN.md §E.6): the coordinator's dashboard
 * indicators for each commune of a province in a period, as counts with
 * small ones suppressed. The figures come from the same grouped queries and
 * the same definitions as the commune's dashboard (src/server/dashboard.ts,
 * src/domain/indicators.ts); only the suppressed counts leave this module.
 *
 * There is no province total row: with one commune's count hidden, the
 * total minus the others would give it away.
 */
import { TARGET_SKILLS, type Period } from '../domain/indicators.ts';
import {
  SMALL_COUNT,
  suppressBreakdown,
  suppressCount,
  suppressPart,
  type Shown,
} from '../domain/suppress.ts';
import type { Dashboard, TargetIndicator } from '../shared/schemas/dashboard.ts';
import type { NotDoneReason, SessionLanguage } from '../shared/schemas/log.ts';
import type { CommuneAggregate, ProvinceSummary } from '../shared/schemas/province.ts';
import type { Curriculum } from './curriculum.ts';
import type { Queryable } from './db/index.ts';
import { provinceDashboards } from './dashboard.ts';

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** One commune's dashboard as the province may see it. */
export function communeAggregate(
  c: { communeId: string; communeName: string; dashboard: Dashboard },
  approved: number,
): CommuneAggregate {
  const d = c.dashboard;
  const sessions = suppressCount(d.totals.sessions);
  const outcomes = suppressBreakdown(d.outcomes, sessions !== null);
  const residents = suppressCount(d.totals.residents);
  const reached = suppressCount(d.totals.householdsReached);
  // The rate is over the hamlets with a denominator: that part of the
  // reached households must be safe to show too.
  const reachedCounted = sum(
    d.hamlets.filter((h) => (h.households ?? 0) > 0).map((h) => h.householdsReached),
  );
  const coverageShown =
    d.totals.coverage !== null &&
    reached !== null &&
    suppressPart(reachedCounted, reached) !== null;
  const completedOf = (skillId: string) =>
    d.skills.find((s) => s.skillId === skillId)?.completed ?? 0;
  const figures: Record<TargetIndicator, Shown> = {
    sessions,
    households_reached: reached,
    households_core5: suppressCount(d.totals.householdsCore5),
    vneid_activations: suppressCount(completedOf(TARGET_SKILLS.vneid_activations)),
    first_payments: suppressCount(completedOf(TARGET_SKILLS.first_payments)),
  };
  return {
    communeId: c.communeId,
    communeName: c.communeName,
    hamlets: d.hamlets.length,
    quietHamlets: d.hamlets.filter((h) => h.quiet).length,
    volunteers: { total: d.volunteers.total, active: d.volunteers.active },
    sessions,
    approved: suppressPart(approved, sessions),
    outcomes,
    residents,
    ages: suppressBreakdown(
      { under30: d.ages.under30, from30to59: d.ages.from30to59, over60: d.ages.over60 },
      residents !== null,
    ),
    languages: suppressBreakdown(
      Object.fromEntries(d.languages.map((l) => [l.language, l.sessions])) as Record<
        SessionLanguage,
        number
      >,
      sessions !== null,
    ),
    reasons: suppressBreakdown(
      Object.fromEntries(d.reasons.map((r) => [r.reason, r.sessions])) as Record<
        NotDoneReason,
        number
      >,
      outcomes.not_possible !== null,
    ),
    householdsReached: reached,
    households: d.totals.households,
    coverage: coverageShown ? d.totals.coverage : null,
    householdsCore5: figures.households_core5,
    vneidActivations: figures.vneid_activations,
    firstPayments: figures.first_payments,
    skills: d.skills.map((s) => {
      const n = suppressCount(s.sessions);
      return { skillId: s.skillId, sessions: n, completed: suppressPart(s.completed, n) };
    }),
    targets: d.targets.map((t) => ({
      indicator: t.indicator,
      target: t.target,
      achieved: suppressPart(t.achieved, figures[t.indicator]),
    })),
  };
}

export async function provinceSummary(
  db: Queryable,
  curriculum: Curriculum,
  province: string,
  period: Period,
  today: string,
): Promise<ProvinceSummary> {
  const [dashboards, approvedRows] = await Promise.all([
    provinceDashboards(db, curriculum, province, period, today),
    db.query<{ commune_id: string; n: number | string }>(
      `select l.commune_id, count(*) as n
         from activity_log l
        where l.commune_id in (select id from commune where province = $1)
          and l.deleted_at is null and l.status = 'approved'
          and l.activity_date between $2::date and $3::date
        group by l.commune_id`,
      [province, period.from, period.to],
    ),
  ]);
  const approved = new Map(approvedRows.map((r) => [r.commune_id, Number(r.n)]));
  return {
    province,
    period: { key: period.key, from: period.from, to: period.to },
    smallCount: SMALL_COUNT,
    communes: dashboards.map((c) => communeAggregate(c, approved.get(c.communeId) ?? 0)),
  };
}
