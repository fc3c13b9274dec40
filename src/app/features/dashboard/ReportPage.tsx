/**
 * The commune's monthly (or quarterly) report, ready to print on A4 and
 * attach to the report to the province: the key figures, progress against
 * the targets, the period's highlights (src/domain/indicators.ts
 * `highlights`), and the tables by hamlet and by skill. Printing is audited
 * like any export. The print stylesheet (styles.css `@media print`) leaves
 * out the navigation and the buttons.
 */
import '../../../i18n/pages.ts'; // report.*, dashboard.*
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import {
  dayInVietnam,
  highlights,
  TARGET_SKILLS,
  type Highlight,
} from '../../../domain/indicators.ts';
import type { Dashboard } from '../../../shared/schemas/dashboard.ts';
import { api } from '../../api.ts';
import { StaffNav } from '../../components/StaffNav.tsx';
import { loadSkills, skillTitle } from '../../content.ts';
import { formatIsoDate } from '../../format.ts';
import { session } from '../../session.ts';
import { useTranslation } from '../../use-translation.ts';
import { percent, periodChoices } from './figures.ts';

export function ReportPage() {
  const { t, lng } = useTranslation();
  const { query } = useLocation();
  const user = session.value?.user;
  const today = dayInVietnam(new Date());
  const choices = useMemo(
    () => periodChoices(today, t).filter((c) => !/^\d{4}$/.test(c.key)),
    [today, t],
  );
  const [period, setPeriod] = useState(
    choices.some((c) => c.key === query.period) ? query.period! : choices[1]!.key,
  );
  const [data, setData] = useState<Dashboard | null>(null);
  const [failed, setFailed] = useState(false);
  const [printError, setPrintError] = useState(false);

  useEffect(() => {
    void loadSkills().catch(() => undefined);
  }, []);
  useEffect(() => {
    let live = true;
    setData(null);
    setFailed(false);
    api.dashboard(period).then(
      (d) => live && setData(d),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [period]);

  if (!user) return null;
  const label = choices.find((c) => c.key === period)?.label ?? period;
  const skillName = (id: string) => skillTitle(id, lng);
  const completedOf = (id: string) => data?.skills.find((s) => s.skillId === id)?.completed ?? 0;

  async function print() {
    setPrintError(false);
    try {
      await api.recordExport({ table: 'report', format: 'print', scope: `period=${period}` });
      window.print();
    } catch {
      setPrintError(true);
    }
  }

  const line = (h: Highlight): string => {
    switch (h.kind) {
      case 'topSkill':
        return t('report.h.topSkill', {
          skill: skillName(h.skillId),
          sessions: h.sessions,
          completed: h.completed,
        });
      case 'bestCoverage':
        return t('report.h.bestCoverage', { name: h.name, coverage: percent(h.coverage, lng) });
      case 'targetMet':
      case 'targetBehind':
        return t(`report.h.${h.kind}`, {
          indicator: t(`dashboard.indicator.${h.indicator}`),
          achieved: h.achieved,
          target: h.target,
        });
      case 'quiet':
        return t('report.h.quiet', { names: h.names.join(', ') });
      case 'topReason':
        return t('report.h.topReason', { reason: t(`reason.${h.reason}`), sessions: h.sessions });
      case 'noSessions':
        return t('report.h.noSessions');
    }
  };

  return (
    <main id="main" class="page wide report">
      <StaffNav />
      <div class="filters no-print">
        <div class="field">
          <label for="r-period">{t('fields.period')}</label>
          <select id="r-period" value={period} onChange={(e) => setPeriod(e.currentTarget.value)}>
            {choices.map((c) => (
              <option key={c.key} value={c.key}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <button type="button" class="btn primary" disabled={!data} onClick={() => void print()}>
            {t('report.print')}
          </button>
        </div>
      </div>
      {printError && (
        <p class="error-box no-print" role="alert">
          {t('dashboard.exportFailed')}
        </p>
      )}
      <header class="report-head">
        <p class="report-org">{t('report.org', { commune: user.communeName })}</p>
        <h1>{t('report.title', { period: label })}</h1>
        <p class="muted">
          {t('report.madeBy', { name: user.displayName, date: formatIsoDate(today) })}
        </p>
      </header>
      {failed && (
        <p class="error-box" role="alert">
          {t('dashboard.loadFailed')}
        </p>
      )}
      {!data && !failed && <p class="muted">{t('page.loading')}</p>}
      {data && (
        <>
          <section aria-labelledby="r-figures">
            <h2 id="r-figures">{t('report.figures')}</h2>
            <table class="table">
              <tbody>
                {(
                  [
                    [t('dashboard.indicator.sessions'), data.totals.sessions],
                    [t('report.residents'), data.totals.residents],
                    [
                      t('dashboard.indicator.households_reached'),
                      data.totals.households === null
                        ? data.totals.householdsReached
                        : `${data.totals.householdsReached} / ${data.totals.households} (${percent(data.totals.coverage, lng)})`,
                    ],
                    [t('dashboard.indicator.households_core5'), data.totals.householdsCore5],
                    [
                      t('dashboard.indicator.vneid_activations'),
                      completedOf(TARGET_SKILLS.vneid_activations),
                    ],
                    [
                      t('dashboard.indicator.first_payments'),
                      completedOf(TARGET_SKILLS.first_payments),
                    ],
                    [
                      t('report.volunteers'),
                      `${data.volunteers.active} / ${data.volunteers.total}`,
                    ],
                  ] as const
                ).map(([k, v]) => (
                  <tr key={k}>
                    <th scope="row">{k}</th>
                    <td>{v}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          {data.targets.length > 0 && (
            <section aria-labelledby="r-targets">
              <h2 id="r-targets">{t('dashboard.targetsTitle')}</h2>
              <table class="table">
                <thead>
                  <tr>
                    <th scope="col">{t('report.indicator')}</th>
                    <th scope="col">{t('report.target')}</th>
                    <th scope="col">{t('report.achieved')}</th>
                    <th scope="col">{t('report.percentOfTarget')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.targets.map((p) => (
                    <tr key={p.indicator}>
                      <th scope="row">{t(`dashboard.indicator.${p.indicator}`)}</th>
                      <td>{p.target}</td>
                      <td>{p.achieved}</td>
                      <td>{percent(p.target > 0 ? p.achieved / p.target : null, lng)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
          <section aria-labelledby="r-highlights">
            <h2 id="r-highlights">{t('report.highlights')}</h2>
            <ul>
              {highlights(data).map((h, i) => (
                <li key={i}>{line(h)}</li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="r-hamlets">
            <h2 id="r-hamlets">{t('dashboard.byHamlet')}</h2>
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t('fields.hamletId')}</th>
                  <th scope="col">{t('dashboard.sessions')}</th>
                  <th scope="col">{t('dashboard.householdsReachedShort')}</th>
                  <th scope="col">{t('dashboard.coverage')}</th>
                  <th scope="col">{t('dashboard.householdsCore5')}</th>
                </tr>
              </thead>
              <tbody>
                {data.hamlets.map((h) => (
                  <tr key={h.hamletId}>
                    <th scope="row">{h.name}</th>
                    <td>{h.sessions}</td>
                    <td>{h.householdsReached}</td>
                    <td>{percent(h.coverage, lng)}</td>
                    <td>{h.householdsCore5}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section aria-labelledby="r-skills">
            <h2 id="r-skills">{t('dashboard.bySkill')}</h2>
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t('fields.skills')}</th>
                  <th scope="col">{t('dashboard.sessions')}</th>
                  <th scope="col">{t('dashboard.completed')}</th>
                </tr>
              </thead>
              <tbody>
                {data.skills.map((s) => (
                  <tr key={s.skillId}>
                    <th scope="row">{skillName(s.skillId)}</th>
                    <td>{s.sessions}</td>
                    <td>{s.completed}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <p class="muted small">{t('report.note')}</p>
        </>
      )}
    </main>
  );
}
