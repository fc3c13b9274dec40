/**
 * The review queue: the commune's sessions (a team lead: their hamlet's),
 * those waiting for review or with a change request first ("Cần duyệt", the
 * default), with filters kept in the address, a search that ignores marks,
 * and approval of several selected sessions at once. Online.
 */
import '../../../i18n/pages.ts'; // form.* and review.* strings
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import type { CommuneDirectory } from '../../../shared/schemas/review.ts';
import type { LogRecord, LogStatus } from '../../../shared/schemas/log.ts';
import { LOG_STATUSES } from '../../../shared/schemas/log.ts';
import { useTranslation } from '../../use-translation.ts';
import { StaffNav } from '../../components/StaffNav.tsx';
import { api } from '../../api.ts';
import { formatIsoDate, todayIso } from '../../format.ts';
import { saveTable } from '../../export/save.ts';
import { ReviewBadge } from '../../components/StatusBadge.tsx';
import { loadSkills, localized, skills, skillTitle } from '../../content.ts';

type StatusFilter = LogStatus | 'to_review' | 'all';

/** The most sessions one export of the list holds (narrow the filter for more). */
const EXPORT_MAX = 5000;

interface Filters {
  hamletId: string;
  authorId: string;
  status: StatusFilter;
  skillId: string;
  from: string;
  to: string;
  q: string;
}

function filtersFromUrl(query: Record<string, string>): Filters {
  const status = query.status as StatusFilter | undefined;
  return {
    hamletId: query.hamletId ?? '',
    authorId: query.authorId ?? '',
    status:
      status && (status === 'all' || LOG_STATUSES.includes(status as LogStatus))
        ? status
        : 'to_review',
    skillId: query.skillId ?? '',
    from: query.from ?? '',
    to: query.to ?? '',
    q: query.q ?? '',
  };
}

/** What the API is asked for these filters. */
function params(f: Filters) {
  return {
    hamletId: f.hamletId || undefined,
    authorId: f.authorId || undefined,
    status: f.status === 'all' ? undefined : f.status,
    skillId: f.skillId || undefined,
    from: f.from || undefined,
    to: f.to || undefined,
    q: f.q.trim() || undefined,
  };
}

export function ReviewList() {
  const { t, lng } = useTranslation();
  const { query, route } = useLocation();
  const filters = filtersFromUrl(query);
  const key = JSON.stringify(filters);
  /** Sessions ticked for approval (ids). */
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulkBusy, setBulkBusy] = useState(false);
  const [bulkResult, setBulkResult] = useState<string | null>(null);
  const [search, setSearch] = useState(filters.q);
  const [dir, setDir] = useState<CommuneDirectory | null>(null);
  const [items, setItems] = useState<LogRecord[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    api.communeDirectory().then(setDir, () => setFailed(true));
  }, [attempt]);
  useEffect(() => {
    void loadSkills().catch(() => undefined);
  }, []);

  useEffect(() => {
    let live = true;
    setItems(null);
    setFailed(false);
    setSelected(new Set());
    api.listReviewLogs(params(filters)).then(
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
  }, [key, attempt]);

  async function loadMore() {
    if (!cursor) return;
    try {
      const res = await api.listReviewLogs({ ...params(filters), cursor });
      setItems((prev) => [...(prev ?? []), ...res.items]);
      setCursor(res.nextCursor);
    } catch {
      setFailed(true);
    }
  }

  const setFilter = (patch: Partial<Filters>) => {
    const next = { ...filters, ...patch };
    const qs = new URLSearchParams(
      Object.entries(next).filter(
        (e): e is [string, string] => e[1] !== '' && !(e[0] === 'status' && e[1] === 'to_review'),
      ),
    ).toString();
    route(`/review${qs ? `?${qs}` : ''}`, true);
  };
  const approvable = (items ?? []).filter((l) => l.status === 'submitted');
  const toggle = (id: string, on: boolean) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  const [exportNote, setExportNote] = useState<string | null>(null);
  /** Every session of the filter (up to EXPORT_MAX), saved as CSV or XLSX after the audit row. */
  async function exportList(format: 'csv' | 'xlsx') {
    setExportNote(null);
    try {
      const all: LogRecord[] = [];
      let next: string | undefined;
      do {
        const page = await api.listReviewLogs({ ...params(filters), limit: 200, cursor: next });
        all.push(...page.items);
        next = page.nextCursor ?? undefined;
      } while (next && all.length < EXPORT_MAX);
      const rows = all.slice(0, EXPORT_MAX);
      const scope = Object.entries(params(filters))
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => (k === 'q' ? 'q' : `${k}=${String(v)}`))
        .join('&')
        .replace(/[^\w\-=&:,. ]/g, '');
      await api.recordExport({ table: 'review_list', format, scope });
      const name = (id: string) => dir?.hamlets.find((h) => h.id === id)?.name ?? id;
      await saveTable(
        `sotay-buoi-ho-tro-${todayIso()}`,
        t('review.title'),
        [
          t('fields.activityDate'),
          t('review.volunteer'),
          t('fields.hamletId'),
          t('fields.kind'),
          t('fields.residents.under30'),
          t('fields.residents.from30to59'),
          t('fields.residents.over60'),
          t('fields.language'),
          t('fields.skills'),
          t('fields.outcome'),
          t('fields.reason'),
          t('fields.householdCode'),
          t('fields.statusFilter'),
        ],
        rows.map((l) => [
          formatIsoDate(l.activityDate),
          l.authorName,
          name(l.hamletId),
          t(`kind.${l.kind}`),
          l.residents.under30,
          l.residents.from30to59,
          l.residents.over60,
          t(`language.${l.language}`),
          l.skills.map((k) => skillTitle(k.skillId, lng)).join('; '),
          t(`outcome.${l.outcome}`),
          l.reason ? t(`reason.${l.reason}`) : null,
          l.householdCode ?? null,
          t(`status.${l.status}`),
        ]),
        format,
      );
      setExportNote(
        all.length > EXPORT_MAX
          ? t('review.exportLimit', { count: EXPORT_MAX })
          : t('review.exported', { count: rows.length }),
      );
    } catch {
      setExportNote(t('review.exportFailed'));
    }
  }

  /** Approves each selected session at the version shown; a changed one is left for a look. */
  async function approveSelected() {
    const chosen = approvable.filter((l) => selected.has(l.id));
    if (chosen.length === 0) return;
    setBulkBusy(true);
    setBulkResult(null);
    let approved = 0;
    let skipped = 0;
    for (const log of chosen) {
      try {
        await api.decide(log.id, { decision: 'approve', expectedVersion: log.version });
        approved++;
      } catch {
        skipped++;
      }
    }
    setBulkBusy(false);
    setBulkResult(
      skipped === 0
        ? t('review.bulkDone', { count: approved })
        : t('review.bulkPartly', { count: approved, skipped }),
    );
    setAttempt((a) => a + 1);
  }
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
            onChange={(e) => setFilter({ status: e.currentTarget.value as StatusFilter })}
          >
            <option value="to_review">{t('review.toReview')}</option>
            <option value="all">{t('review.all')}</option>
            {LOG_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-skill">{t('fields.skills')}</label>
          <select
            id="f-skill"
            value={filters.skillId}
            onChange={(e) => setFilter({ skillId: e.currentTarget.value })}
          >
            <option value="">{t('review.all')}</option>
            {skills.value?.map((k) => (
              <option key={k.id} value={k.id}>
                {localized(k.title, lng)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-from">{t('fields.from')}</label>
          <input
            id="f-from"
            type="date"
            value={filters.from}
            onChange={(e) => setFilter({ from: e.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="f-to">{t('fields.to')}</label>
          <input
            id="f-to"
            type="date"
            value={filters.to}
            onChange={(e) => setFilter({ to: e.currentTarget.value })}
          />
        </div>
      </form>
      <form
        class="filters"
        role="search"
        aria-label={t('review.search')}
        onSubmit={(e) => {
          e.preventDefault();
          setFilter({ q: search });
        }}
      >
        <div class="field">
          <label for="f-q">{t('review.search')}</label>
          <input
            id="f-q"
            type="search"
            value={search}
            maxLength={100}
            aria-describedby="f-q-hint"
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
          <p class="hint" id="f-q-hint">
            {t('review.searchHint')}
          </p>
        </div>
        <div class="field">
          <button type="submit" class="btn">
            {t('review.searchButton')}
          </button>
        </div>
      </form>
      <div class="actions">
        <button type="button" class="btn small" onClick={() => void exportList('csv')}>
          {t('review.exportCsv')}
        </button>
        <button type="button" class="btn small" onClick={() => void exportList('xlsx')}>
          {t('review.exportXlsx')}
        </button>
      </div>
      {exportNote && (
        <p class="banner info" role="status">
          {exportNote}
        </p>
      )}
      {bulkResult && (
        <p class="banner ok" role="status">
          {bulkResult}
        </p>
      )}
      {approvable.length > 0 && (
        <div class="bulk-bar">
          <label class="choice">
            <input
              type="checkbox"
              checked={approvable.every((l) => selected.has(l.id))}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                setSelected(new Set(on ? approvable.map((l) => l.id) : []));
              }}
            />
            <span>{t('review.selectAll', { count: approvable.length })}</span>
          </label>
          <button
            type="button"
            class="btn primary"
            disabled={bulkBusy || selected.size === 0}
            onClick={() => void approveSelected()}
          >
            {bulkBusy
              ? t('review.bulkWorking')
              : t('review.approveSelected', { count: selected.size })}
          </button>
        </div>
      )}
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
              <th scope="col">
                <span class="visually-hidden">{t('review.select')}</span>
              </th>
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
                  {log.status === 'submitted' && (
                    <input
                      type="checkbox"
                      checked={selected.has(log.id)}
                      aria-label={t('review.selectOne', {
                        name: log.authorName,
                        date: formatIsoDate(log.activityDate),
                      })}
                      onChange={(e) => toggle(log.id, e.currentTarget.checked)}
                    />
                  )}
                </td>
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
