/**
 * The province view (DOMAIN.md §E.6): what each commune of a province did in
 * a period, as counts with small ones suppressed. Computed in SQL over the
 * live logs; only the counts leave this module, suppressed.
 */
import { suppressBreakdown, suppressCount, SMALL_COUNT } from '../domain/suppress.ts';
import type { SessionLanguage } from '../shared/schemas/log.ts';
import type { CommuneAggregate, ProvinceSummary } from '../shared/schemas/province.ts';
import type { Queryable } from './db/index.ts';

/** The first and last day of `now`'s month (UTC), as the default period. */
export function currentMonth(now: Date): { from: string; to: string } {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return { from: day(new Date(Date.UTC(y, m, 1))), to: day(new Date(Date.UTC(y, m + 1, 0))) };
}

export async function provinceSummary(
  db: Queryable,
  province: string,
  period: { from: string; to: string },
): Promise<ProvinceSummary> {
  const totals = await db.query<{
    id: string;
    name: string;
    hamlets: number | string;
    sessions: number | string;
    approved: number | string;
    under30: number | string;
    from30to59: number | string;
    over60: number | string;
  }>(
    `select c.id, c.name,
            (select count(*) from hamlet h where h.commune_id = c.id) as hamlets,
            count(l.id) as sessions,
            count(l.id) filter (where l.status = 'approved') as approved,
            coalesce(sum(l.residents_under30), 0) as under30,
            coalesce(sum(l.residents_30_59), 0) as from30to59,
            coalesce(sum(l.residents_60_plus), 0) as over60
       from commune c
       left join activity_log l on l.commune_id = c.id and l.deleted_at is null
            and l.activity_date between $2::date and $3::date
      where c.province = $1
      group by c.id, c.name
      order by c.name, c.id`,
    [province, period.from, period.to],
  );
  const languages = await db.query<{
    commune_id: string;
    language: SessionLanguage;
    n: number | string;
  }>(
    `select l.commune_id, l.language, count(*) as n
       from activity_log l join commune c on c.id = l.commune_id
      where c.province = $1 and l.deleted_at is null
        and l.activity_date between $2::date and $3::date
      group by l.commune_id, l.language`,
    [province, period.from, period.to],
  );
  const communes: CommuneAggregate[] = totals.map((r) => {
    const own = Object.fromEntries(
      languages.filter((l) => l.commune_id === r.id).map((l) => [l.language, Number(l.n)]),
    ) as Record<SessionLanguage, number>;
    const ages = {
      under30: Number(r.under30),
      from30to59: Number(r.from30to59),
      over60: Number(r.over60),
    };
    return {
      communeId: r.id,
      communeName: r.name,
      hamlets: Number(r.hamlets),
      sessions: suppressCount(Number(r.sessions)),
      approved: suppressCount(Number(r.approved)),
      residents: suppressCount(ages.under30 + ages.from30to59 + ages.over60),
      ages: suppressBreakdown(ages),
      languages: suppressBreakdown(own),
    };
  });
  return { province, ...period, smallCount: SMALL_COUNT, communes };
}
