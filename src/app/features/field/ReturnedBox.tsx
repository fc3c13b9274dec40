/** The sessions returned for changes, above the volunteer's list (loaded lazily). */
import { useEffect, useState } from 'preact/hooks';
import { listReturned, type LocalLog } from '../../../storage/first-screen.ts';
import { formatIsoDate } from '../../format.ts';
import { session, type syncStatus } from '../../session.ts';
import { useTranslation } from '../../use-translation.ts';
import '../../../i18n/later.ts'; // this component's strings

/** Sessions shown in the "returned for changes" box; the rest are counted. */
const RETURNED_SHOWN = 5;

/**
 * The sessions the coordinator returned and that wait for the volunteer,
 * wherever they are in the (paged) list: the one thing to act on first.
 */
export function ReturnedBox({ status }: { status: typeof syncStatus.value }) {
  const { t } = useTranslation();
  const field = session.value?.field;
  const [returned, setReturned] = useState<{ count: number; logs: LocalLog[] }>();
  useEffect(() => {
    if (!field) return;
    let live = true;
    listReturned(field.db, { limit: RETURNED_SHOWN }).then(
      (r) => live && setReturned(r),
      (err: unknown) => console.error(err),
    );
    return () => {
      live = false;
    };
  }, [field, status?.pending, status?.lastSyncAt]);
  if (!returned || returned.count === 0) return null;
  return (
    <section class="banner warn" aria-labelledby="returned-title">
      <h2 id="returned-title">{t('field.returnedTitle', { count: returned.count })}</h2>
      <ul>
        {returned.logs.map((log) => (
          <li key={log.id}>
            <a href={`/field/log/${log.id}`}>
              {formatIsoDate(log.activityDate)} · {t(`kind.${log.kind}`)}
            </a>
            {log.reviewComment && (
              <span> — {t('field.returnedComment', { comment: log.reviewComment })}</span>
            )}
          </li>
        ))}
      </ul>
      {returned.count > returned.logs.length && (
        <p>{t('field.returnedMore', { count: returned.count - returned.logs.length })}</p>
      )}
    </section>
  );
}
