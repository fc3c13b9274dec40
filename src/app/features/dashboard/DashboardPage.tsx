/**
 * The coordinator's dashboard (a team lead: their hamlet's): what the
 * commune did in a month, quarter or year, against the households and
 * targets the coordinator entered (src/domain/indicators.ts defines every
 * figure). Each table can be saved as CSV (UTF-8 with a byte-order mark, so
 * Excel reads Vietnamese); each export is written to the audit log first.
 * Charts load on their own, after the tables. Online.
 */
import '../../../i18n/pages.ts'; // dashboard.*
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { dayInVietnam } from '../../../domain/indicators.ts';
import type {
  Dashboard,
  ExportTable,
  TargetIndicator,
  TargetsResponse,
} from '../../../shared/schemas/dashboard.ts';
import { TARGET_INDICATORS } from '../../../shared/schemas/dashboard.ts';
import { canManageTeam } from '../../../shared/permissions.ts';
import { ApiValidationError } from '../../../sync/errors.ts';
import { api } from '../../api.ts';
import { FigureTable } from '../../components/FigureTable.tsx';
import { StaffNav } from '../../components/StaffNav.tsx';
import { loadSkills, skillTitle } from '../../content.ts';
import type { Cell } from '../../export/csv.ts';
import { saveTable } from '../../export/save.ts';
import { formatIsoDate } from '../../format.ts';
import { session } from '../../session.ts';
import { useLater } from '../../use-later.ts';
import { useTranslation } from '../../use-translation.ts';
import { percent, periodChoices } from './figures.ts';

type T = ReturnType<typeof useTranslation>['t'];

interface DataTable {
  key: ExportTable;
  caption: string;
  headers: string[];
  /** The first cell of each row names it (a `th`). */
  rows: Cell[][];
}

export function DashboardPage() {
  const { t, lng } = useTranslation();
  const user = session.value?.user;
  const today = dayInVietnam(new Date());
  const choices = useMemo(() => periodChoices(today, t), [today, t]);
  const [period, setPeriod] = useState(choices[0]!.key);
  const [hamletId, setHamletId] = useState('');
  const [data, setData] = useState<Dashboard | null>(null);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const Chart = useLater(() => import('../../components/BarChart.tsx').then((m) => m.BarChart));

  useEffect(() => {
    void loadSkills().catch(() => undefined);
  }, []);

  /** The period and hamlet the figures on screen are for: a refresh keeps them until the new ones come. */
  const shown = useRef('');
  useEffect(() => {
    let live = true;
    setFailed(false);
    if (shown.current !== `${period}|${hamletId}`) setData(null);
    shown.current = `${period}|${hamletId}`;
    api.dashboard(period, hamletId || undefined).then(
      (d) => live && setData(d),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [period, hamletId, attempt]);

  if (!user) return null;
  const periodLabel = choices.find((c) => c.key === period)?.label ?? period;
  const skillName = (id: string) => skillTitle(id, lng);

  async function exportTable(table: DataTable, format: 'csv' | 'xlsx') {
    setNotice(null);
    try {
      await api.recordExport({
        table: table.key,
        format,
        scope: `period=${period}${hamletId ? `&hamlet=${hamletId}` : ''}`,
      });
      await saveTable(
        `sotay-${table.key}-${period}`,
        table.caption,
        table.headers,
        table.rows,
        format,
      );
      setNotice(t('dashboard.exported', { what: table.caption }));
    } catch {
      setNotice(t('dashboard.exportFailed'));
    }
  }

  const tables: DataTable[] = data ? buildTables(data, t, lng, skillName) : [];

  return (
    <main id="main" class="page wide">
      <StaffNav />
      <h1>{t('dashboard.title')}</h1>
      <p class="muted">{t('dashboard.intro')}</p>
      <div class="filters">
        <div class="field">
          <label for="d-period">{t('fields.period')}</label>
          <select id="d-period" value={period} onChange={(e) => setPeriod(e.currentTarget.value)}>
            {choices.map((c) => (
              <option key={c.key} value={c.key}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <a class="btn" href={`/report?period=${period}`}>
            {t('report.open')}
          </a>
        </div>
        {user.role !== 'team_lead' && (
          <div class="field">
            <label for="d-hamlet">{t('fields.hamletFilter')}</label>
            <select
              id="d-hamlet"
              value={hamletId}
              onChange={(e) => setHamletId(e.currentTarget.value)}
            >
              <option value="">{t('dashboard.allHamlets')}</option>
              {user.hamlets.map((h) => (
                <option key={h.id} value={h.id}>
                  {h.name}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      {notice && (
        <p class="banner info" role="status">
          {notice}
        </p>
      )}
      {failed && (
        <p class="error-box" role="alert">
          {t('dashboard.loadFailed')}{' '}
          <button type="button" class="btn small" onClick={() => setAttempt((a) => a + 1)}>
            {t('audit.retry')}
          </button>
        </p>
      )}
      {data === null && !failed && <p class="muted">{t('page.loading')}</p>}
      {data && (
        <>
          <h2>{t('dashboard.summaryOf', { period: periodLabel })}</h2>
          <ul class="stat-cards" aria-label={t('dashboard.summaryOf', { period: periodLabel })}>
            <li>
              <strong>{data.totals.sessions}</strong> {t('dashboard.sessions')}
            </li>
            <li>
              <strong>{data.totals.residents}</strong> {t('dashboard.residents')}
            </li>
            <li>
              <strong>{data.totals.householdsReached}</strong>{' '}
              {data.totals.households === null
                ? t('dashboard.householdsReached')
                : t('dashboard.householdsReachedOf', {
                    total: data.totals.households,
                    coverage: percent(data.totals.coverage, lng),
                  })}
            </li>
            <li>
              <strong>{data.totals.householdsCore5}</strong> {t('dashboard.householdsCore5')}
            </li>
            <li>
              <strong>
                {data.volunteers.active}/{data.volunteers.total}
              </strong>{' '}
              {t('dashboard.activeVolunteers')}
            </li>
          </ul>
          {data.targets.length > 0 && (
            <section aria-labelledby="d-targets">
              <h2 id="d-targets">{t('dashboard.targetsTitle')}</h2>
              <ul class="progress-list">
                {data.targets.map((p) => (
                  <li key={p.indicator}>
                    <label for={`t-${p.indicator}`}>
                      {t(`dashboard.indicator.${p.indicator}`)}: {p.achieved}/{p.target}
                    </label>
                    <progress
                      id={`t-${p.indicator}`}
                      max={Math.max(p.target, 1)}
                      value={Math.min(p.achieved, p.target)}
                    />
                  </li>
                ))}
              </ul>
            </section>
          )}
          {data.hamlets.some((h) => h.quiet) && (
            <p class="banner warn">
              {t('dashboard.quiet', {
                names: data.hamlets
                  .filter((h) => h.quiet)
                  .map((h) => h.name)
                  .join(', '),
              })}
            </p>
          )}
          {Chart && data.skills.length > 0 && (
            <figure class="chart">
              <figcaption>{t('dashboard.chartSkills')}</figcaption>
              <Chart
                bars={data.skills.map((s) => ({
                  label: skillName(s.skillId),
                  value: s.sessions,
                  part: s.completed,
                }))}
              />
            </figure>
          )}
          {tables.map((table) => (
            <FigureTable
              key={table.key}
              caption={table.caption}
              headers={table.headers}
              rows={table.rows}
            >
              <div class="actions">
                <button
                  type="button"
                  class="btn small"
                  onClick={() => void exportTable(table, 'csv')}
                >
                  {t('dashboard.exportCsv', { what: table.caption })}
                </button>
                <button
                  type="button"
                  class="btn small"
                  onClick={() => void exportTable(table, 'xlsx')}
                >
                  {t('dashboard.exportXlsx', { what: table.caption })}
                </button>
              </div>
            </FigureTable>
          ))}
          {canManageTeam(user.role) && user.role !== 'team_lead' && (
            <TargetsEditor
              period={period}
              periodLabel={periodLabel}
              onSaved={() => setAttempt((a) => a + 1)}
            />
          )}
        </>
      )}
    </main>
  );
}

function buildTables(
  d: Dashboard,
  t: T,
  lng: string,
  skillName: (id: string) => string,
): DataTable[] {
  const date = (iso: string | null) => (iso ? formatIsoDate(iso) : null);
  return [
    {
      key: 'hamlets',
      caption: t('dashboard.byHamlet'),
      headers: [
        t('fields.hamletId'),
        t('dashboard.sessions'),
        t('dashboard.residents'),
        t('dashboard.householdsReachedShort'),
        t('fields.households'),
        t('dashboard.coverage'),
        t('dashboard.householdsCore5'),
        t('dashboard.lastActivity'),
      ],
      rows: d.hamlets.map((h) => [
        h.name,
        h.sessions,
        h.residents,
        h.householdsReached,
        h.households,
        percent(h.coverage, lng),
        h.householdsCore5,
        date(h.lastActivity),
      ]),
    },
    {
      key: 'skills',
      caption: t('dashboard.bySkill'),
      headers: [
        t('fields.skills'),
        t('dashboard.sessions'),
        t('outcome.done'),
        t('outcome.partly'),
        t('outcome.not_possible'),
        t('dashboard.completed'),
      ],
      rows: d.skills.map((s) => [
        skillName(s.skillId),
        s.sessions,
        s.done,
        s.partly,
        s.not_possible,
        s.completed,
      ]),
    },
    {
      key: 'ages',
      caption: t('dashboard.byAge'),
      headers: [t('dashboard.group'), t('dashboard.residents')],
      rows: [
        [t('fields.residents.under30'), d.ages.under30],
        [t('fields.residents.from30to59'), d.ages.from30to59],
        [t('fields.residents.over60'), d.ages.over60],
        [t('dashboard.women', { count: d.ages.womenRecordedSessions }), d.ages.women],
      ],
    },
    {
      key: 'languages',
      caption: t('dashboard.byLanguage'),
      headers: [t('fields.language'), t('dashboard.sessions'), t('dashboard.residents')],
      rows: d.languages.map((l) => [t(`language.${l.language}`), l.sessions, l.residents]),
    },
    {
      key: 'kinds',
      caption: t('dashboard.byKind'),
      headers: [t('fields.kind'), t('dashboard.sessions'), t('dashboard.residents')],
      rows: d.kinds.map((k) => [t(`kind.${k.kind}`), k.sessions, k.residents]),
    },
    {
      key: 'reasons',
      caption: t('dashboard.byReason'),
      headers: [t('fields.reason'), t('dashboard.sessions')],
      rows: d.reasons.map((r) => [t(`reason.${r.reason}`), r.sessions]),
    },
  ];
}

/** The coordinator's denominators and the period's targets, a hamlet at a time. */
function TargetsEditor(p: { period: string; periodLabel: string; onSaved: () => void }) {
  const { t } = useTranslation();
  const [data, setData] = useState<TargetsResponse | null>(null);
  const [drafts, setDrafts] = useState<Record<string, Record<string, string>>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api.listTargets(p.period).then(
      (r) => {
        if (!live) return;
        setData(r);
        setDrafts(
          Object.fromEntries(
            r.hamlets.map((h) => [
              h.hamletId,
              {
                households: h.households?.toString() ?? '',
                adults: h.adults?.toString() ?? '',
                ...Object.fromEntries(
                  TARGET_INDICATORS.map((i) => [i, h.targets[i]?.toString() ?? '']),
                ),
              },
            ]),
          ),
        );
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [p.period]);

  if (!data) return null;
  const num = (s: string | undefined) => (s === undefined || s.trim() === '' ? null : Number(s));

  async function save(hamletId: string, name: string) {
    const d = drafts[hamletId] ?? {};
    setSaved(null);
    setErrors((e) => ({ ...e, [hamletId]: '' }));
    try {
      await api.saveTargets({
        hamletId,
        period: p.period,
        households: num(d.households),
        adults: num(d.adults),
        targets: Object.fromEntries(TARGET_INDICATORS.map((i) => [i, num(d[i])])) as Record<
          TargetIndicator,
          number | null
        >,
      });
      setSaved(t('dashboard.targetsSaved', { name }));
      p.onSaved();
    } catch (err) {
      const msg =
        err instanceof ApiValidationError
          ? err.problems
              .map((x) => `${t(`fields.${x.field}` as 'fields.households')}: ${x.message}`)
              .join('; ')
          : t('dashboard.saveFailed');
      setErrors((e) => ({ ...e, [hamletId]: msg }));
    }
  }

  const fields = ['households', 'adults', ...TARGET_INDICATORS] as const;
  return (
    <section aria-labelledby="d-edit">
      <h2 id="d-edit">{t('dashboard.editTitle', { period: p.periodLabel })}</h2>
      <p class="muted">{t('dashboard.editIntro')}</p>
      {saved && (
        <p class="banner ok" role="status">
          {saved}
        </p>
      )}
      {data.hamlets.map((h) => (
        <form
          key={h.hamletId}
          class="targets-form"
          aria-label={h.name}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save(h.hamletId, h.name);
          }}
        >
          <fieldset class="group">
            <legend>{h.name}</legend>
            <div class="row3">
              {fields.map((f) => (
                <div class="field" key={f}>
                  <label for={`${h.hamletId}-${f}`}>
                    {t(
                      f === 'households' || f === 'adults' ? `fields.${f}` : `fields.targets.${f}`,
                    )}
                  </label>
                  <input
                    id={`${h.hamletId}-${f}`}
                    type="number"
                    inputMode="numeric"
                    min="0"
                    value={drafts[h.hamletId]?.[f] ?? ''}
                    onInput={(e) => {
                      const value = e.currentTarget.value;
                      setDrafts((all) => ({
                        ...all,
                        [h.hamletId]: { ...all[h.hamletId], [f]: value },
                      }));
                    }}
                  />
                </div>
              ))}
            </div>
            {errors[h.hamletId] && (
              <p class="field-error" role="alert">
                {errors[h.hamletId]}
              </p>
            )}
            <button type="submit" class="btn">
              {t('dashboard.saveTargets', { name: h.name })}
            </button>
          </fieldset>
        </form>
      ))}
    </section>
  );
}
