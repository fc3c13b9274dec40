/** The coordinator's list of the commune's sessions, with filters. Online. */
import '../../../i18n/pages.ts'; // form.* and review.* strings
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import type { CommuneDirectory } from '../../../shared/schemas/review.ts';
import type { LogRecord, LogStatus } from '../../../shared/schemas/log.ts';
import { LOG_STATUSES } from '../../../shared/schemas/log.ts';
import { useTranslation } from '../../use-translation.ts';
import { StaffNav } from '../../components/StaffNav.tsx';
import { api } from '../../api.ts';
import { formatIsoDate } from '../../format.ts';
import { ReviewBadge } from '../../components/StatusBadge.tsx';

interface Filters {
  hamletId: string;
  authorId: string;
  status: LogStatus | '';
}

function filtersFromUrl(query: Record<string, string>): Filters {
  const status = query.status as LogStatus | undefined;
  return {
    hamletId: query.hamletId ?? '',
    authorId: query.authorId ?? '',
    status: status && LOG_STATUSES.includes(status) ? status : '',
  };
}

export function ReviewList() {
  const { t } = useTranslation();
  const { query, route } = useLocation();
  const filters = filtersFromUrl(query);
  const [dir, setDir] = useState<CommuneDirectory | null>(null);
  const [items, setItems] = useState<LogRecord[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    api.communeDirectory().then(setDir, () => setFailed(true));
  }, [attempt]);

  useEffect(() => {
    let live = true;
    setItems(null);
    setFailed(false);
    api
      .listReviewLogs({
        hamletId: filters.hamletId || undefined,
        authorId: filters.authorId || undefined,
        status: filters.status || undefined,
      })
      .then(
        (res) => {
          if (!live) return;
          setItems(res.items);
          setCursor(res.nextCursor);
        },
        () => live && setFailed(true),
      );
    return () => {
      live = false;
    };
  }, [filters.hamletId, filters.authorId, filters.status, attempt]);

  async function loadMore() {
    if (!cursor) return;
    try {
      const res = await api.listReviewLogs({
        hamletId: filters.hamletId || undefined,
        authorId: filters.authorId || undefined,
        status: filters.status || undefined,
        cursor,
      });
      setItems((prev) => [...(prev ?? []), ...res.items]);
      setCursor(res.nextCursor);
    } catch {
      setFailed(true);
    }
  }

  const setFilter = (patch: Partial<Filters>) => {
    const next = { ...filters, ...patch };
    const qs = new URLSearchParams(
      Object.entries(next).filter((e): e is [string, string] => e[1] !== ''),
    ).toString();
    route(`/review${qs ? `?${qs}` : ''}`, true);
  };
  const hamletName = (id: string) => dir?.hamlets.find((h) => h.id === id)?.name ?? id;

  return (
    <main id="main" class="page wide">
      <StaffNav />
      <h1>{t('review.title')}</h1>
      <form class="filters" aria-label={t('review.filters')} onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="f-hamlet">{t('fields.hamletFilter')}</label>
          <select
            id="f-hamlet"
            value={filters.hamletId}
            onChange={(e) => setFilter({ hamletId: e.currentTarget.value })}
          >
            <option value="">{t('review.all')}</option>
            {dir?.hamlets.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-author">{t('fields.authorFilter')}</label>
          <select
            id="f-author"
            value={filters.authorId}
            onChange={(e) => setFilter({ authorId: e.currentTarget.value })}
          >
            <option value="">{t('review.all')}</option>
            {dir?.volunteers.map((v) => (
              <option key={v.id} value={v.id}>
                {v.displayName}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-status">{t('fields.statusFilter')}</label>
          <select
            id="f-status"
            value={filters.status}
            onChange={(e) => setFilter({ status: e.currentTarget.value as LogStatus | '' })}
          >
            <option value="">{t('review.all')}</option>
            {LOG_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </div>
      </form>
      {failed && (
        <p class="error-box" role="alert">
          {t('review.loadFailed')}{' '}
          <button type="button" class="btn small" onClick={() => setAttempt((a) => a + 1)}>
            {t('review.retry')}
          </button>
        </p>
      )}
      {items === null && !failed && <p class="muted">{t('page.loading')}</p>}
      {items !== null && items.length === 0 && <p class="muted">{t('review.empty')}</p>}
      {items !== null && items.length > 0 && (
        <table class="table">
          <caption class="visually-hidden">{t('review.count', { count: items.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('fields.activityDate')}</th>
              <th scope="col">{t('review.volunteer')}</th>
              <th scope="col">{t('fields.hamletId')}</th>
              <th scope="col">{t('fields.kind')}</th>
              <th scope="col">{t('fields.residents')}</th>
              <th scope="col">{t('fields.statusFilter')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((log) => (
              <tr key={log.id}>
                <td>
                  <a
                    href={`/review/${log.id}`}
                    aria-label={t('review.openLog', {
                      name: log.authorName,
                      date: formatIsoDate(log.activityDate),
                    })}
                  >
                    {formatIsoDate(log.activityDate)}
                  </a>
                </td>
                <td>{log.authorName}</td>
                <td>{hamletName(log.hamletId)}</td>
                <td>{t(`kind.${log.kind}`)}</td>
                <td>{log.residents.under30 + log.residents.from30to59 + log.residents.over60}</td>
                <td>
                  <ReviewBadge status={log.status} />
                  {log.amendments?.some((a) => a.state === 'open') && (
                    <>
                      {' '}
                      <span class="badge sync-amendment">{t('review.hasAmendment')}</span>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" class="btn" onClick={() => void loadMore()}>
          {t('review.loadMore')}
        </button>
      )}
    </main>
  );
}
