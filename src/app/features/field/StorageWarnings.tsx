/** Warnings about the phone's storage on the volunteer's home (loaded after the first screen). */
import { useEffect, useState } from 'preact/hooks';
import { getStorageHealth } from '../../../storage/first-screen.ts';
import { useTranslation } from '../../use-translation.ts';
import '../../../i18n/later.ts'; // this component's strings
import { persistAnswered } from '../../session.ts';

/**
 * Storage the browser may evict (not persistent: advise installing the app)
 * or that is nearly full (the next save may fail). Checked once per visit of
 * the list, after the app's own persist() request has been answered.
 */
export function StorageWarnings() {
  const { t } = useTranslation();
  const [health, setHealth] = useState<{ persisted: boolean | null; nearlyFull: boolean }>();
  useEffect(() => {
    let live = true;
    void persistAnswered()
      .then(() => getStorageHealth())
      .then((h) => live && setHealth(h));
    return () => {
      live = false;
    };
  }, []);
  if (!health) return null;
  return (
    <>
      {health.nearlyFull && (
        <p class="banner warn" role="alert">
          {t('storage.nearlyFull')}
        </p>
      )}
      {health.persisted === false && <p class="banner info">{t('storage.notPersistent')}</p>}
    </>
  );
}
