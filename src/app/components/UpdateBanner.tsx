/**
 * Offers a waiting app update; the user chooses when (they may be mid-form).
 * Also asks for a reload when another tab's newer version took the database.
 */
import { useEffect, useState } from 'preact/hooks';
import { applyUpdate, onUpdatedElsewhere, onUpdateReady } from '../../pwa/register.ts';
import { versionChanged } from '../session.ts';
import { useTranslation } from '../use-translation.ts';
import '../../i18n/later.ts'; // this component's strings

export function UpdateBanner() {
  const { t } = useTranslation();
  const [ready, setReady] = useState(false);
  const [dismissed, setDismissed] = useState(false);
  const [elsewhere, setElsewhere] = useState(false);
  useEffect(() => onUpdateReady(() => setReady(true)), []);
  useEffect(() => onUpdatedElsewhere(() => setElsewhere(true)), []);
  if (versionChanged.value) {
    // A newer version opened the database: this tab's connection is closed; reload to go on.
    return (
      <div class="banner warn" role="alert">
        {t('pwa.versionChange')}{' '}
        <button type="button" class="btn small" onClick={() => window.location.reload()}>
          {t('pwa.reload')}
        </button>
      </div>
    );
  }
  if (elsewhere) {
    // Another tab updated; this one keeps the old code until reloaded.
    return (
      <div class="banner info" role="status">
        <span>{t('pwa.updatedElsewhere')}</span>
        <span class="banner-actions">
          <button type="button" class="btn small" onClick={() => window.location.reload()}>
            {t('pwa.reload')}
          </button>
        </span>
      </div>
    );
  }
  if (!ready || dismissed) return null;
  return (
    <div class="banner info" role="status">
      <span>
        {t('pwa.updateReady')} {t('pwa.updateHint')}
      </span>
      <span class="banner-actions">
        <button type="button" class="btn small" onClick={applyUpdate}>
          {t('pwa.updateNow')}
        </button>
        <button type="button" class="btn small ghost" onClick={() => setDismissed(true)}>
          {t('pwa.updateLater')}
        </button>
      </span>
    </div>
  );
}
