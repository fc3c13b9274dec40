/** Says in words what is waiting to be sent and since when, with "Sync now". */
import { useTranslation } from '../use-translation.ts';
import { formatDateTime } from '../format.ts';
import { syncStatus } from '../session.ts';

const SKEW_WARN_MS = 10 * 60_000; // SYNC.md §3.4: warn above 10 minutes
const DAY_MS = 86_400_000;
/** Warn when the oldest unsent change is older than this many days. */
const UNSYNCED_WARN_DAYS = 3;

export function SyncBar({ onSyncNow }: { onSyncNow: () => void }) {
  const { t, lng } = useTranslation();
  const s = syncStatus.value;
  if (!s) return null;
  let text: string;
  let tone = 'ok';
  if (s.state === 'syncing') text = t('sync.syncing');
  else if (s.state === 'unauthorized') {
    text = t('sync.unauthorized');
    tone = 'warn';
  } else if (s.pending > 0) {
    text = t('sync.pending', { count: s.pending });
    tone = 'warn';
  } else text = t('sync.synced');
  const detail: string[] = [];
  if (s.pending > 0 && s.state === 'offline') detail.push(t('sync.offline'));
  else if (s.pending > 0 && s.state === 'error') detail.push(t('sync.error'));
  if (s.pending > 0 && s.oldestPendingAt)
    detail.push(t('sync.waitingSince', { time: formatDateTime(s.oldestPendingAt, lng) }));
  else if (s.lastSyncAt)
    detail.push(t('sync.lastSynced', { time: formatDateTime(s.lastSyncAt, lng) }));
  // Device clock: informational only, like the "waiting since" line.
  const age = s.pending > 0 && s.oldestPendingAt ? Date.now() - s.oldestPendingAt : 0;
  const old = age > UNSYNCED_WARN_DAYS * DAY_MS;
  const stuck = s.pending > 0 && (s.stalled || old);
  if (stuck) tone = 'warn';
  return (
    <section class={`syncbar ${tone}`} aria-live="polite" aria-label={t('sync.syncNow')}>
      <div>
        <p class="syncbar-title" data-testid="sync-state">
          {text}
        </p>
        {detail.map((d) => (
          <p class="syncbar-detail" key={d}>
            {d}
          </p>
        ))}
        {s.stalled && (
          <p class="syncbar-detail" role="alert">
            {t('sync.stalled')}
          </p>
        )}
        {old && (
          <p class="syncbar-detail" role="alert">
            {t('sync.unsyncedDays', { count: Math.floor(age / DAY_MS) })}
          </p>
        )}
        {stuck && (
          <p class="syncbar-detail">
            <a href="/field/attention#unsent">{t('sync.backup')}</a>
          </p>
        )}
        {s.attention > 0 && (
          <p class="syncbar-detail">
            {t('sync.attention', { count: s.attention })}{' '}
            <a href="/field/attention">{t('sync.openAttention')}</a>
          </p>
        )}
        {s.clockSkewMs !== null && Math.abs(s.clockSkewMs) > SKEW_WARN_MS && (
          <p class="syncbar-detail" role="alert">
            {t('sync.clockSkew', { minutes: Math.round(Math.abs(s.clockSkewMs) / 60_000) })}
          </p>
        )}
      </div>
      <button type="button" class="btn small" onClick={onSyncNow} disabled={s.state === 'syncing'}>
        {t('sync.syncNow')}
      </button>
    </section>
  );
}
