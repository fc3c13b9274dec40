/**
 * The province viewer's page: per commune of the province, what was done in
 * a period, as counts only. The server hides counts from 1 to 4 (and a second
 * cell where one hidden cell could be worked out); they read "dưới 5".
 */
import '../../../i18n/pages.ts'; // province.*
import { useEffect, useState } from 'preact/hooks';
import type { ProvinceSummary } from '../../../shared/schemas/province.ts';
import { api } from '../../api.ts';
import { formatIsoDate } from '../../format.ts';
import { useTranslation } from '../../use-translation.ts';

export function ProvincePage() {
  const { t } = useTranslation();
  const [summary, setSummary] = useState<ProvinceSummary | null>(null);
  const [period, setPeriod] = useState<{ from?: string; to?: string }>({});
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const [badPeriod, setBadPeriod] = useState(false);

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

  const n = (x: number | null) => (x === null ? t('province.fewer', { count: 5 }) : String(x));

  function onSubmit(e: Event) {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const text = (name: string) => {
      const v = form.get(name);
      return typeof v === 'string' ? v : '';
    };
    const from = text('from');
    const to = text('to');
    setBadPeriod(from !== '' && to !== '' && to < from);
    if (from !== '' && to !== '' && to < from) return;
    setPeriod({ ...(from ? { from } : {}), ...(to ? { to } : {}) });
  }

  return (
    <main id="main" class="page wide">
      <h1>{t('province.title', { province: summary?.province ?? '' })}</h1>
      <p class="muted">{t('province.intro', { count: summary?.smallCount ?? 5 })}</p>
      <form class="filters" aria-label={t('province.period')} onSubmit={onSubmit}>
        <div class="field">
          <label for="p-from">{t('fields.from')}</label>
          <input id="p-from" type="date" name="from" defaultValue={summary?.from} />
        </div>
        <div class="field">
          <label for="p-to">{t('fields.to')}</label>
          <input
            id="p-to"
            type="date"
            name="to"
            defaultValue={summary?.to}
            aria-invalid={badPeriod ? 'true' : undefined}
            aria-describedby={badPeriod ? 'p-to-error' : undefined}
          />
          {badPeriod && (
            <p id="p-to-error" class="field-error">
              {t('fields.to')}: {t('errors.beforeStart')}
            </p>
          )}
        </div>
        <div class="field">
          <button type="submit" class="btn">
            {t('province.show')}
          </button>
        </div>
      </form>
      {failed && (
        <p class="error-box" role="alert">
          {t('province.loadFailed')}{' '}
          <button type="button" class="btn small" onClick={() => setAttempt((a) => a + 1)}>
            {t('province.retry')}
          </button>
        </p>
      )}
      {summary === null && !failed && <p class="muted">{t('page.loading')}</p>}
      {summary !== null && (
        <div class="table-scroll">
          <table class="table">
            <caption>
              {t('province.caption', {
                from: formatIsoDate(summary.from),
                to: formatIsoDate(summary.to),
              })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('province.commune')}</th>
                <th scope="col">{t('province.hamlets')}</th>
                <th scope="col">{t('province.sessions')}</th>
                <th scope="col">{t('province.approved')}</th>
                <th scope="col">{t('province.residents')}</th>
                <th scope="col">{t('province.under30')}</th>
                <th scope="col">{t('province.from30to59')}</th>
                <th scope="col">{t('province.over60')}</th>
                <th scope="col">{t('province.languages')}</th>
              </tr>
            </thead>
            <tbody>
              {summary.communes.map((c) => (
                <tr key={c.communeId}>
                  <th scope="row">{c.communeName}</th>
                  <td>{c.hamlets}</td>
                  <td>{n(c.sessions)}</td>
                  <td>{n(c.approved)}</td>
                  <td>{n(c.residents)}</td>
                  <td>{n(c.ages.under30)}</td>
                  <td>{n(c.ages.from30to59)}</td>
                  <td>{n(c.ages.over60)}</td>
                  <td>
                    {Object.entries(c.languages)
                      .map(
                        ([lang, count]) => `${t(`language.${lang}` as 'language.vi')}: ${n(count)}`,
                      )
                      .join('; ') || '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
