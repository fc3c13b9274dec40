/** The commune's audit log for its coordinators: who did what, newest first. Online. */
import '../../../i18n/pages.ts'; // audit.*
import { useEffect, useState } from 'preact/hooks';
import type { AuditEvent } from '../../../shared/schemas/audit.ts';
import { api } from '../../api.ts';
import { StaffNav } from '../../components/StaffNav.tsx';
import { formatDateTime } from '../../format.ts';
import { useTranslation } from '../../use-translation.ts';

export function AuditPage() {
  const { t, lng } = useTranslation();
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    setFailed(false);
    api.listAudit().then(
      (page) => {
        if (!live) return;
        setEvents(page.events);
        setCursor(page.nextCursor);
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  const [loadingMore, setLoadingMore] = useState(false);
  async function more() {
    if (!cursor || loadingMore) return;
    setLoadingMore(true);
    try {
      const page = await api.listAudit(cursor);
      setEvents((prev) => [...(prev ?? []), ...page.events]);
      setCursor(page.nextCursor);
    } catch {
      setFailed(true);
    } finally {
      setLoadingMore(false);
    }
  }

  const sentence = (e: AuditEvent) => {
    const text = t(`audit.action.${e.action}`, {
      actor: e.actorName ?? t('audit.system'),
      target: e.targetLabel,
      what: t(`dashboard.table.${e.detail?.table ?? 'report'}` as 'dashboard.table.report'),
      format: e.detail?.format?.toUpperCase() ?? '',
      scope: e.detail?.scope ?? '',
    });
    return e.targetType === 'log' ? <a href={`/review/${e.targetId}`}>{text}</a> : text;
  };

  return (
    <main id="main" class="page wide">
      <StaffNav />
      <h1>{t('audit.title')}</h1>
      <p class="muted">{t('audit.intro')}</p>
      {failed && (
        <p class="error-box" role="alert">
          {t('audit.loadFailed')}{' '}
          <button type="button" class="btn small" onClick={() => setAttempt((a) => a + 1)}>
            {t('audit.retry')}
          </button>
        </p>
      )}
      {events === null && !failed && <p class="muted">{t('page.loading')}</p>}
      {events !== null && events.length === 0 && <p class="muted">{t('audit.empty')}</p>}
      {events !== null && events.length > 0 && (
        <table class="table">
          <caption class="visually-hidden">{t('audit.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('audit.when')}</th>
              <th scope="col">{t('audit.what')}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td>{formatDateTime(Date.parse(e.at), lng)}</td>
                <td>
                  {sentence(e)}
                  {e.comment && (
                    <p class="muted small">{t('audit.comment', { comment: e.comment })}</p>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" class="btn" disabled={loadingMore} onClick={() => void more()}>
          {t('audit.more')}
        </button>
      )}
    </main>
  );
}
