/**
 * The province viewer's page: the coordinator's dashboard indicators for
 * each commune of the province in a month, quarter or year, as counts only.
 * The server hides counts from 1 to 4 (and a second cell where one hidden
 * cell could be worked out); they read "dưới 5". No total row: with one
 * commune hidden, the total would give it away.
 */
import '../../../i18n/pages.ts'; // province.*, dashboard.*
import { useEffect, useMemo, useState } from 'preact/hooks';
import { dayInVietnam } from '../../../domain/indicators.ts';
import { TARGET_INDICATORS } from '../../../shared/schemas/dashboard.ts';
import { NOT_DONE_REASONS, SESSION_LANGUAGES } from '../../../shared/schemas/log.ts';
import type { CommuneAggregate, ProvinceSummary } from '../../../shared/schemas/province.ts';
import { api } from '../../api.ts';
import { FigureTable } from '../../components/FigureTable.tsx';
import { loadSkills, skillTitle } from '../../content.ts';
import type { Cell } from '../../export/csv.ts';
import { useTranslation } from '../../use-translation.ts';
import { percent, periodChoices } from '../dashboard/figures.ts';

type T = ReturnType<typeof useTranslation>['t'];

export function ProvincePage() {
  const { t, lng } = useTranslation();
  const today = dayInVietnam(new Date());
  const choices = useMemo(() => periodChoices(today, t), [today, t]);
  const [period, setPeriod] = useState(choices[0]!.key);
  const [summary, setSummary] = useState<ProvinceSummary | null>(null);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    void loadSkills().catch(() => undefined);
  }, []);

  useEffect(() => {
    let live = true;
    setFailed(false);
    api.provinceSummary(period).then(
      (s) => live && setSummary(s),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [period, attempt]);

  const periodLabel = choices.find((c) => c.key === period)?.label ?? period;
  const shown = summary?.period.key === period ? summary : null;

  return (
    <main id="main" class="page wide">
      <h1>{t('province.title', { province: summary?.province ?? '' })}</h1>
      <p class="muted">{t('province.intro', { count: summary?.smallCount ?? 5 })}</p>
      <div class="filters">
        <div class="field">
          <label for="p-period">{t('fields.period')}</label>
          <select id="p-period" value={period} onChange={(e) => setPeriod(e.currentTarget.value)}>
            {choices.map((c) => (
              <option key={c.key} value={c.key}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {failed && (
        <p class="error-box" role="alert">
          {t('province.loadFailed')}{' '}
          <button type="button" class="btn small" onClick={() => setAttempt((a) => a + 1)}>
            {t('province.retry')}
          </button>
        </p>
      )}
      {shown === null && !failed && <p class="muted">{t('page.loading')}</p>}
      {shown !== null && shown.communes.length === 0 && (
        <p class="muted">{t('province.noCommunes')}</p>
      )}
      {shown !== null &&
        shown.communes.length > 0 &&
        provinceTables(shown.communes, t, lng, periodLabel).map((table) => (
          <FigureTable key={table.caption} {...table} />
        ))}
    </main>
  );
}

/** The province's tables: a row per commune, counts under 5 as "dưới 5". */
export function provinceTables(
  communes: readonly CommuneAggregate[],
  t: T,
  lng: string,
  periodLabel: string,
): { caption: string; headers: string[]; rows: Cell[][] }[] {
  const n = (x: number | null) => (x === null ? t('province.fewer', { count: 5 }) : x);
  const of = (part: number | null, whole: number) =>
    t('province.ofTarget', { achieved: n(part), target: whole });
  const used = <K extends string>(all: readonly K[], pick: (c: CommuneAggregate) => object) =>
    all.filter((k) => communes.some((c) => k in pick(c)));
  const languages = used(SESSION_LANGUAGES, (c) => c.languages);
  const reasons = used(NOT_DONE_REASONS, (c) => c.reasons);
  const skills = [...new Set(communes.flatMap((c) => c.skills.map((s) => s.skillId)))].sort();
  const indicators = TARGET_INDICATORS.filter((i) =>
    communes.some((c) => c.targets.some((x) => x.indicator === i)),
  );
  const commune = t('province.commune');
  const tables = [
    {
      caption: t('province.activity', { period: periodLabel }),
      headers: [
        commune,
        t('province.hamlets'),
        t('province.quietHamlets'),
        t('province.activeVolunteers'),
        t('province.sessions'),
        t('province.approved'),
        t('outcome.done'),
        t('outcome.partly'),
        t('outcome.not_possible'),
        t('province.residents'),
      ],
      rows: communes.map((c) => [
        c.communeName,
        c.hamlets,
        c.quietHamlets,
        `${c.volunteers.active}/${c.volunteers.total}`,
        n(c.sessions),
        n(c.approved),
        n(c.outcomes.done),
        n(c.outcomes.partly),
        n(c.outcomes.not_possible),
        n(c.residents),
      ]),
    },
    {
      caption: t('province.householdsTitle', { period: periodLabel }),
      headers: [
        commune,
        t('dashboard.householdsReachedShort'),
        t('province.households'),
        t('dashboard.coverage'),
        t('dashboard.indicator.households_core5'),
        t('dashboard.indicator.vneid_activations'),
        t('dashboard.indicator.first_payments'),
      ],
      rows: communes.map((c) => [
        c.communeName,
        n(c.householdsReached),
        c.households,
        percent(c.coverage, lng),
        n(c.householdsCore5),
        n(c.vneidActivations),
        n(c.firstPayments),
      ]),
    },
    {
      caption: t('province.peopleTitle', { period: periodLabel }),
      headers: [
        commune,
        t('province.under30'),
        t('province.from30to59'),
        t('province.over60'),
        ...languages.map((l) => t('province.inLanguage', { language: t(`language.${l}`) })),
      ],
      rows: communes.map((c) => [
        c.communeName,
        n(c.ages.under30),
        n(c.ages.from30to59),
        n(c.ages.over60),
        ...languages.map((l) => {
          const v = c.languages[l];
          return v === undefined ? 0 : n(v);
        }),
      ]),
    },
  ];
  if (skills.length > 0)
    tables.push({
      caption: t('province.skillsTitle', { period: periodLabel }),
      headers: [commune, ...skills.map((id) => skillTitle(id, lng))],
      rows: communes.map((c) => [
        c.communeName,
        ...skills.map((id) => {
          const s = c.skills.find((x) => x.skillId === id);
          return s
            ? t('province.skillCell', { sessions: n(s.sessions), completed: n(s.completed) })
            : 0;
        }),
      ]),
    });
  if (reasons.length > 0)
    tables.push({
      caption: t('dashboard.byReason'),
      headers: [commune, ...reasons.map((r) => t(`reason.${r}`))],
      rows: communes.map((c) => [
        c.communeName,
        ...reasons.map((r) => {
          const v = c.reasons[r];
          return v === undefined ? 0 : n(v);
        }),
      ]),
    });
  if (indicators.length > 0)
    tables.push({
      caption: t('province.targetsTitle', { period: periodLabel }),
      headers: [commune, ...indicators.map((i) => t(`dashboard.indicator.${i}`))],
      rows: communes.map((c) => [
        c.communeName,
        ...indicators.map((i) => {
          const x = c.targets.find((y) => y.indicator === i);
          return x ? of(x.achieved, x.target) : null;
        }),
      ]),
    });
  return tables;
}
