/** The top bar: app name, who is signed in, language switch, sign out. */
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { setLanguage } from '../../i18n/index.ts';
import { useTranslation } from '../use-translation.ts';
import { session, signOut } from '../session.ts';

export function Header() {
  const { t, lng } = useTranslation();
  const { route } = useLocation();
  const [blocked, setBlocked] = useState(0);
  const s = session.value;
  const other = lng === 'en' ? 'vi' : 'en';

  async function onSignOut() {
    const pending = await signOut();
    setBlocked(pending);
    if (pending === 0) route('/login');
  }

  return (
    <header class="topbar">
      <div class="topbar-row">
        <a class="brand" href="/">
          {t('app.name')}
        </a>
        <div class="topbar-actions">
          <button
            type="button"
            class="btn small ghost"
            lang={other}
            aria-label={t('app.switchToOtherLabel')}
            onClick={() => void setLanguage(other)}
          >
            {t('app.switchToOther')}
          </button>
          {s && (
            <button type="button" class="btn small ghost" onClick={() => void onSignOut()}>
              {t('auth.logout')}
            </button>
          )}
        </div>
      </div>
      {s && (
        <p class="topbar-user">
          {t('auth.signedInAs', { name: s.user.displayName })} · {s.user.communeName}
        </p>
      )}
      {blocked > 0 && (
        <p class="banner warn" role="alert">
          {t('auth.logoutBlocked', { count: blocked })}
        </p>
      )}
    </header>
  );
}
