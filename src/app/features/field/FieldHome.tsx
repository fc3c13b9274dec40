/** The field worker's home (volunteer, team lead): sync status and "my sessions", read from the phone. */
import { useEffect, useState } from 'preact/hooks';
import { listLogs, type LocalLog } from '../../../storage/first-screen.ts';
import { useTranslation } from '../../use-translation.ts';
import { formatIsoDate } from '../../format.ts';
import { session, syncStatus } from '../../session.ts';
import { SyncBar } from '../../components/SyncBar.tsx';
import { ReviewBadge, SyncBadge } from '../../components/StatusBadge.tsx';
import { takeFlash } from '../../flash.ts';
import { useLater } from '../../use-later.ts';

/** Sessions shown at first and added by "Xem thêm": the list never reads the whole database. */
const PAGE = 50;

export function FieldHome() {
  const { t } = useTranslation();
  const field = session.value?.field;
  const [logs, setLogs] = useState<LocalLog[] | null>(null);
  const [limit, setLimit] = useState(PAGE);
  const [more, setMore] = useState(false);
  const [notice] = useState(() => takeFlash());
  const status = syncStatus.value;
  // Loaded after the first screen (G1 budget); all of it appears a moment later anyway.
  const Later = useLater(() => import('./FieldHomeLater.tsx').then((m) => m.FieldHomeLater));

  useEffect(() => {
    if (!field) return;
    let live = true;
    listLogs(field.db, { limit: limit + 1 }).then(
      (list) => {
        if (!live) return;
        setLogs(list.slice(0, limit));
        setMore(list.length > limit);
      },
      (err: unknown) => console.error(err),
    );
    return () => {
      live = false;
    };
    // Re-read whenever the sync status moves (a push or pull changed rows).
  }, [field, limit, status?.pending, status?.lastSyncAt, status?.attention, status?.state]);

  if (!field) return null;
  const hamletName = (id: string) =>
    session.value?.user.hamlets.find((h) => h.id === id)?.name ?? id;

  return (
    <main id="main" class="page">
      {notice && (
        <p class="banner ok" role="status">
          {notice}
        </p>
      )}
      {/* The title and the main button come before everything whose height changes
          after the screen opens (sync bar, storage warnings, the returned box), so a
          tap on "Ghi buổi hỗ trợ mới" never lands on a banner that just pushed it down. */}
      <div class="page-head">
        <h1>{t('field.title')}</h1>
        <a class="btn primary" href="/field/new">
          {t('field.newLog')}
        </a>
      </div>
      <SyncBar onSyncNow={() => void field.engine?.syncNow()} />
      {Later && <Later status={status} />}
      {logs !== null && logs.length === 0 && <p class="muted">{t('field.empty')}</p>}
      {logs !== null && logs.length > 0 && (
        <ul class="cards" aria-label={t('field.listLabel')}>
          {logs.map((log) => {
            const total = log.residents.under30 + log.residents.from30to59 + log.residents.over60;
            return (
              <li key={log.id} class="card">
                <a class="card-link" href={`/field/log/${log.id}`}>
                  {/* Its name is what it shows, after "Mở buổi hỗ trợ ngày" (WCAG 2.5.3). */}
                  <span class="visually-hidden">{t('field.openLog')} </span>
                  <span class="card-title">
                    {formatIsoDate(log.activityDate)} · {t(`kind.${log.kind}`)}
                  </span>
                  <span class="card-meta">
                    {hamletName(log.hamletId)} · {t('field.residents', { count: total })} ·{' '}
                    {t(`outcome.${log.outcome}`)}
                  </span>
                </a>
                <span class="badges">
                  <SyncBadge state={log.syncState} />
                  {log.status && <ReviewBadge status={log.status} />}
                </span>
                {log.status === 'changes_requested' && log.reviewComment && (
                  <p class="comment">
                    {t('field.returnedComment', { comment: log.reviewComment })}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {more && (
        <button type="button" class="btn block" onClick={() => setLimit((n) => n + PAGE)}>
          {t('field.more')}
        </button>
      )}
    </main>
  );
}
