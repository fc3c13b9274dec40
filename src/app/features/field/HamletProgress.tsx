/**
 * The field worker's hamlet this month, on the home screen: sessions,
 * households reached and the targets the coordinator set. Fetched after each
 * sync and kept on the phone (localStorage, per user), so it shows offline
 * too, with the time it was last brought up to date. Loaded lazily.
 */
import { useEffect, useState } from 'preact/hooks';
import type { HamletProgress as Progress } from '../../../shared/schemas/dashboard.ts';
import { api } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { session, type syncStatus } from '../../session.ts';
import { useTranslation } from '../../use-translation.ts';
import '../../../i18n/later.ts'; // progress.*

interface Kept {
  at: number;
  progress: Progress;
}

const keyOf = (userId: string) => `sotay.progress.${userId}`;

function readKept(userId: string): Kept | null {
  try {
    const raw = localStorage.getItem(keyOf(userId));
    return raw ? (JSON.parse(raw) as Kept) : null;
  } catch {
    return null;
  }
}

export function HamletProgress({ status }: { status: typeof syncStatus.value }) {
  const { t, lng } = useTranslation();
  const user = session.value?.user;
  const [kept, setKept] = useState<Kept | null>(() => (user ? readKept(user.id) : null));

  useEffect(() => {
    if (!user || status?.state === 'offline') return;
    let live = true;
    api.hamletProgress().then(
      (progress) => {
        const next = { at: Date.now(), progress };
        try {
          localStorage.setItem(keyOf(user.id), JSON.stringify(next));
        } catch {
          // Storage full: shown now, not kept.
        }
        if (live) setKept(next);
      },
      () => undefined, // offline or signed out: the kept figures stay
    );
    return () => {
      live = false;
    };
  }, [user?.id, status?.lastSyncAt]);

  const h = kept?.progress.hamlet;
  if (!kept || !h) return null;
  const month = kept.progress.period.key.split('-');
  return (
    <section class="progress-card" aria-labelledby="progress-title">
      <h2 id="progress-title">
        {t('progress.title', { hamlet: h.name, m: Number(month[1]), y: month[0] })}
      </h2>
      <p>
        {t('progress.sessions', { count: h.sessions })}
        {' · '}
        {h.households === null
          ? t('progress.households', { count: h.householdsReached })
          : t('progress.householdsOf', { count: h.householdsReached, total: h.households })}
      </p>
      {h.targets.length > 0 && (
        <ul class="progress-list">
          {h.targets.map((p) => (
            <li key={p.indicator}>
              <label for={`hp-${p.indicator}`}>
                {t(`progress.indicator.${p.indicator}`)}: {p.achieved}/{p.target}
              </label>
              <progress
                id={`hp-${p.indicator}`}
                max={Math.max(p.target, 1)}
                value={Math.min(p.achieved, p.target)}
              />
            </li>
          ))}
        </ul>
      )}
      <p class="muted small">{t('progress.asOf', { time: formatDateTime(kept.at, lng) })}</p>
    </section>
  );
}
