/**
 * The coordinator's dashboard and targets on the server. Owns:
 * `communeDashboard` (a handful of grouped queries, scoped by commune and,
 * for a team lead, hamlet; src/domain/indicators.ts assembles them),
 * `listTargets`, `saveTargets` (audited).
 *
 * Every query starts from `activity_log` with `commune_id = $1 and
 * deleted_at is null`, so the commune's indexes serve it and no other
 * commune's row is ever read.
 */
import {
  asOf,
  assembleDashboard,
  parsePeriod,
  type DashboardFacts,
  type Period,
} from '../domain/indicators.ts';
import type {
  Dashboard,
  HamletTargets,
  TargetIndicator,
  TargetsResponse,
} from '../shared/schemas/dashboard.ts';
import { TARGET_INDICATORS } from '../shared/schemas/dashboard.ts';
import type {
  NotDoneReason,
  Outcome,
  SessionKind,
  SessionLanguage,
} from '../shared/schemas/log.ts';
import { FIELD_ROLES } from '../shared/roles.ts';
import { CORE_SKILLS } from '../shared/schemas/skill.ts';
import { recordAudit } from './audit.ts';
import type { SessionUser } from './auth/session.ts';
import type { Curriculum } from './curriculum.ts';
import type { Db, Queryable } from './db/index.ts';

type Num = number | string;

/** The hamlet a user's figures are limited to: a team lead's own, else the one asked for. */
function hamletScope(user: SessionUser, asked: string | undefined): string | null {
  if (user.role === 'team_lead') return user.hamletId;
  return asked ?? null;
}

/** A hamlet in scope with its denominators, and the commune it belongs to. */
type ScopedHamlet = DashboardFacts['hamlets'][number] & { communeId: string };

/** The hamlets of the communes (in their display order), with their denominators. */
async function hamletsOf(db: Queryable, communeIds: readonly string[]): Promise<ScopedHamlet[]> {
  const rows = await db.query<{
    id: string;
    name: string;
    commune_id: string;
    households: Num | null;
    adults: Num | null;
  }>(
    `select h.id, h.name, h.commune_id, d.households, d.adults
       from hamlet h left join hamlet_denominator d on d.hamlet_id = h.id
      where h.commune_id = any($1::text[])
      order by h.commune_id, h.sort_order, h.name, h.id`,
    [communeIds],
  );
  const n = (x: Num | null) => (x === null ? null : Number(x));
  return rows.map((h) => ({
    id: h.id,
    name: h.name,
    communeId: h.commune_id,
    households: n(h.households),
    adults: n(h.adults),
  }));
}

/** The hamlets in scope, with their denominators; null when the asked hamlet is not the user's. */
async function scopedHamlets(
  db: Queryable,
  user: SessionUser,
  hamletId: string | null,
): Promise<ScopedHamlet[] | null> {
  const all = await hamletsOf(db, [user.communeId]);
  const hamlets = hamletId === null ? all : all.filter((h) => h.id === hamletId);
  if (hamletId !== null && hamlets.length === 0) return null;
  return hamlets;
}

/** What the figures of a set of hamlets are gathered from, a row per hamlet (ids are unique across communes). */
type Facts = Omit<DashboardFacts, 'hamletId' | 'hamlets' | 'volunteers'> & {
  volunteers: (DashboardFacts['volunteers'][number] & { communeId: string })[];
};

/**
 * The grouped facts of the communes' sessions in a period (one hamlet of
 * them when `hamletId` is set): a handful of grouped queries, each scoped by
 * commune, so the commune's indexes serve it and no other row is read.
 */
async function gatherFacts(
  db: Queryable,
  curriculum: Curriculum,
  scope: { communeIds: readonly string[]; hamletId: string | null },
  period: Period,
  today: string,
): Promise<Facts> {
  const { communeIds, hamletId } = scope;
  const until = asOf(period, today);

  // $1 communes, $2 hamlet (null: all), $3 from, $4 to.
  const inScope = `l.commune_id = any($1::text[]) and l.deleted_at is null and ($2::text is null or l.hamlet_id = $2)`;
  const base = [communeIds, hamletId, period.from, period.to];
  const inPeriod = `l.activity_date between $3::date and $4::date`;

  const sessionRowsP = db.query<{
    hamlet_id: string;
    outcome: Outcome;
    kind: SessionKind;
    language: SessionLanguage;
    reason: NotDoneReason | null;
    n: Num;
    under30: Num;
    from30to59: Num;
    over60: Num;
    women: Num;
    women_recorded: Num;
  }>(
    `select l.hamlet_id, l.outcome, l.kind, l.language, l.reason, count(*) as n,
            sum(l.residents_under30) as under30, sum(l.residents_30_59) as from30to59,
            sum(l.residents_60_plus) as over60, coalesce(sum(l.residents_women), 0) as women,
            count(l.residents_women) as women_recorded
       from activity_log l
      where ${inScope} and ${inPeriod}
      group by l.hamlet_id, l.outcome, l.kind, l.language, l.reason`,
    base,
  );

  // How many steps each version of each skill's checklist has ({id: {version: n}}):
  // a session counts against the version it was started on.
  const steps = Object.fromEntries(
    curriculum.ids().map((id) => {
      const counts: Record<number, number> = {};
      for (let n = 1; n <= (curriculum.version(id) ?? 0); n++) {
        const set = curriculum.steps(id, n);
        if (set) counts[n] = set.size;
      }
      return [id, counts];
    }),
  );
  /** A skill of `s` completed (`skillCompleted`), with the step counts as parameter `p`. */
  const completed = (p: string) => `(l.outcome = 'done' or jsonb_array_length(s->'stepsDone')
       >= coalesce((${p}::text::jsonb #>> array[s->>'skillId', s->>'contentVersion'])::int,
                   2147483647))`;

  const skillRowsP = db.query<{
    hamlet_id: string;
    skill_id: string;
    outcome: Outcome;
    n: Num;
    completed: Num;
  }>(
    `select l.hamlet_id, s->>'skillId' as skill_id, l.outcome, count(*) as n,
            count(*) filter (where ${completed('$5')}) as completed
       from activity_log l cross join lateral jsonb_array_elements(l.skills) s
      where ${inScope} and ${inPeriod}
      group by l.hamlet_id, s->>'skillId', l.outcome`,
    [...base, JSON.stringify(steps)],
  );

  // Distinct households as a grouping, not count(distinct): a hash aggregate
  // instead of a sort (PGlite, 100,000 sessions of a year: 75 ms, not 300).
  const reachedRowsP = db.query<{ hamlet_id: string; n: Num }>(
    `select x.hamlet_id, count(*) as n from (
       select l.hamlet_id from activity_log l
        where ${inScope} and ${inPeriod} and l.household_code is not null
        group by l.hamlet_id, l.household_code) x
      group by x.hamlet_id`,
    base,
  );

  // Households whose sessions up to the period's end completed skills that
  // cover all five basic skills (a household code belongs to its hamlet):
  // each skill as a bit mask of its basic skills, or-ed per household.
  const bits = Object.fromEntries(
    curriculum
      .ids()
      .map((id) => [
        id,
        curriculum.core(id).reduce((m, c) => m | (1 << CORE_SKILLS.indexOf(c)), 0),
      ]),
  );
  // Each session's mask first (its completed skills or-ed), then per household.
  const core5RowsP = db.query<{ hamlet_id: string; n: Num }>(
    `select x.hamlet_id, count(*) as n from (
       select m.hamlet_id from (
         select l.hamlet_id, l.household_code,
                (select bit_or(coalesce(($5::text::jsonb ->> (s->>'skillId'))::int, 0))
                   from jsonb_array_elements(l.skills) s where ${completed('$4')}) as mask
           from activity_log l
          where ${inScope} and l.household_code is not null and l.activity_date <= $3::date) m
        group by m.hamlet_id, m.household_code
       having bit_or(m.mask) = $6) x
      group by x.hamlet_id`,
    [
      communeIds,
      hamletId,
      period.to,
      JSON.stringify(steps),
      JSON.stringify(bits),
      (1 << CORE_SKILLS.length) - 1,
    ],
  );

  // The last session of each hamlet: one step down its index (hamlet, day desc) each.
  const lastRowsP = db.query<{ hamlet_id: string; last: string }>(
    `select h.id as hamlet_id, to_char(m.last, 'YYYY-MM-DD') as last
       from hamlet h cross join lateral (
         select max(l.activity_date) as last from activity_log l
          where l.commune_id = h.commune_id and l.hamlet_id = h.id and l.deleted_at is null
            and l.activity_date <= $3::date) m
      where h.commune_id = any($1::text[]) and ($2::text is null or h.id = $2)
        and m.last is not null`,
    [communeIds, hamletId, until],
  );

  const volunteerRowsP = db.query<{ id: string; commune_id: string; last: string | null }>(
    `select u.id, u.commune_id,
            (select to_char(max(l.activity_date), 'YYYY-MM-DD') from activity_log l
              where l.commune_id = u.commune_id and l.author_id = u.id and l.deleted_at is null
                and l.activity_date <= $3::date) as last
       from app_user u
      where u.commune_id = any($1::text[]) and u.active and u.role = any($4::text[])
        and ($2::text is null or u.hamlet_id = $2)`,
    [communeIds, hamletId, until, [...FIELD_ROLES]],
  );

  const targetRowsP = db.query<{ hamlet_id: string; indicator: TargetIndicator; target: Num }>(
    `select hamlet_id, indicator, target from hamlet_target
      where commune_id = any($1::text[]) and period = $2 and ($3::text is null or hamlet_id = $3)`,
    [communeIds, period.key, hamletId],
  );
  // Independent reads: PostgreSQL serves them side by side (PGlite one after another).
  const [sessionRows, skillRows, reachedRows, core5Rows, lastRows, volunteerRows, targetRows] =
    await Promise.all([
      sessionRowsP,
      skillRowsP,
      reachedRowsP,
      core5RowsP,
      lastRowsP,
      volunteerRowsP,
      targetRowsP,
    ]);
  const targets = new Map<string, Partial<Record<TargetIndicator, number>>>();
  for (const r of targetRows) {
    const t = targets.get(r.hamlet_id) ?? {};
    t[r.indicator] = Number(r.target);
    targets.set(r.hamlet_id, t);
  }
  const byHamlet = (rows: { hamlet_id: string; n: Num }[]) =>
    new Map(rows.map((r) => [r.hamlet_id, Number(r.n)]));
  return {
    period,
    asOf: until,
    sessions: sessionRows.map((r) => ({
      hamletId: r.hamlet_id,
      outcome: r.outcome,
      kind: r.kind,
      language: r.language,
      reason: r.reason,
      sessions: Number(r.n),
      under30: Number(r.under30),
      from30to59: Number(r.from30to59),
      over60: Number(r.over60),
      women: Number(r.women),
      womenRecorded: Number(r.women_recorded),
    })),
    skills: skillRows.map((r) => ({
      hamletId: r.hamlet_id,
      skillId: r.skill_id,
      outcome: r.outcome,
      sessions: Number(r.n),
      completed: Number(r.completed),
    })),
    householdsReached: byHamlet(reachedRows),
    householdsCore5: byHamlet(core5Rows),
    lastActivity: new Map(lastRows.map((r) => [r.hamlet_id, r.last])),
    volunteers: volunteerRows.map((r) => ({
      id: r.id,
      communeId: r.commune_id,
      lastActivity: r.last,
    })),
    targets,
  };
}

/** The facts of the hamlets of one commune, out of facts gathered for several. */
function factsOfCommune(
  facts: Facts,
  communeId: string,
  hamlets: readonly ScopedHamlet[],
  hamletId: string | null,
): DashboardFacts {
  const own = new Set(hamlets.map((h) => h.id));
  return {
    ...facts,
    hamletId,
    hamlets: hamlets.map(({ communeId: _, ...h }) => h),
    sessions: facts.sessions.filter((g) => own.has(g.hamletId)),
    skills: facts.skills.filter((g) => own.has(g.hamletId)),
    volunteers: facts.volunteers
      .filter((v) => v.communeId === communeId)
      .map(({ communeId: _, ...v }) => v),
  };
}

/**
 * The dashboard of the user's commune (a team lead: their hamlet) for a
 * period. @returns null when `hamletId` is not a hamlet the user may see
 */
export async function communeDashboard(
  db: Queryable,
  user: SessionUser,
  curriculum: Curriculum,
  q: { period: Period; hamletId?: string | undefined },
  today: string,
): Promise<Dashboard | null> {
  const hamletId = hamletScope(user, q.hamletId);
  const hamlets = await scopedHamlets(db, user, hamletId);
  if (hamlets === null) return null;
  const facts = await gatherFacts(
    db,
    curriculum,
    { communeIds: [user.communeId], hamletId },
    q.period,
    today,
  );
  return assembleDashboard(factsOfCommune(facts, user.communeId, hamlets, hamletId));
}

/**
 * The dashboard of every commune of a province for a period, from one set
 * of grouped queries (not one set per commune), in the communes' name
 * order. Exact figures: src/server/province.ts suppresses them before they
 * leave the server.
 */
export async function provinceDashboards(
  db: Queryable,
  curriculum: Curriculum,
  province: string,
  period: Period,
  today: string,
): Promise<{ communeId: string; communeName: string; dashboard: Dashboard }[]> {
  const communes = await db.query<{ id: string; name: string }>(
    'select id, name from commune where province = $1 order by name, id',
    [province],
  );
  if (communes.length === 0) return [];
  const ids = communes.map((c) => c.id);
  const [hamlets, facts] = await Promise.all([
    hamletsOf(db, ids),
    gatherFacts(db, curriculum, { communeIds: ids, hamletId: null }, period, today),
  ]);
  return communes.map((c) => ({
    communeId: c.id,
    communeName: c.name,
    dashboard: assembleDashboard(
      factsOfCommune(
        facts,
        c.id,
        hamlets.filter((h) => h.communeId === c.id),
        null,
      ),
    ),
  }));
}

/** The denominators and a period's targets of every hamlet in scope. */
export async function listTargets(
  db: Queryable,
  user: SessionUser,
  period: Period,
): Promise<TargetsResponse> {
  const hamlets = (await scopedHamlets(db, user, hamletScope(user, undefined))) ?? [];
  const rows = await db.query<{ hamlet_id: string; indicator: TargetIndicator; target: Num }>(
    'select hamlet_id, indicator, target from hamlet_target where commune_id = $1 and period = $2',
    [user.communeId, period.key],
  );
  return {
    period: period.key,
    hamlets: hamlets.map((h) => ({
      hamletId: h.id,
      name: h.name,
      households: h.households,
      adults: h.adults,
      targets: Object.fromEntries(
        TARGET_INDICATORS.map((i) => {
          const r = rows.find((x) => x.hamlet_id === h.id && x.indicator === i);
          return [i, r ? Number(r.target) : null];
        }),
      ) as Record<TargetIndicator, number | null>,
    })),
  };
}

/**
 * Sets one hamlet's denominators and its targets for a period (a null
 * target removes it), audited. @returns false when the hamlet is not in the
 * coordinator's commune
 */
export async function saveTargets(
  db: Db,
  user: SessionUser,
  input: HamletTargets,
  now: Date,
): Promise<boolean> {
  if (parsePeriod(input.period) === null) return false;
  return db.transaction(async (tx) => {
    const hamlet = await tx.query('select 1 from hamlet where id = $1 and commune_id = $2', [
      input.hamletId,
      user.communeId,
    ]);
    if (hamlet.length === 0) return false;
    const at = now.toISOString();
    await tx.query(
      `insert into hamlet_denominator (hamlet_id, commune_id, households, adults, updated_by, updated_at)
       values ($1, $2, $3, $4, $5, $6::timestamptz)
       on conflict (hamlet_id) do update set households = excluded.households,
         adults = excluded.adults, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      [input.hamletId, user.communeId, input.households, input.adults, user.id, at],
    );
    for (const indicator of TARGET_INDICATORS) {
      const target = input.targets[indicator];
      if (target === null || target === undefined) {
        await tx.query(
          'delete from hamlet_target where hamlet_id = $1 and period = $2 and indicator = $3',
          [input.hamletId, input.period, indicator],
        );
      } else {
        await tx.query(
          `insert into hamlet_target (hamlet_id, commune_id, period, indicator, target, updated_by, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7::timestamptz)
           on conflict (hamlet_id, period, indicator) do update set target = excluded.target,
             updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
          [input.hamletId, user.communeId, input.period, indicator, target, user.id, at],
        );
      }
    }
    await recordAudit(tx, {
      communeId: user.communeId,
      actorId: user.id,
      action: 'targets.set',
      targetType: 'hamlet',
      targetId: input.hamletId,
      detail: { period: input.period },
      at: now,
    });
    return true;
  });
}
