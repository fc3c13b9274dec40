/** Sign-in (online, once): afterwards the app opens offline with this user. */
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { useTranslation } from '../../use-translation.ts';
import { homePath } from '../../../shared/roles.ts';
import '../../../i18n/pages.ts'; // the field names and their errors
import { signIn } from '../../session.ts';
// The error classes only: the API client and its schemas load after the page is shown.
import {
  ApiValidationError,
  NetworkError,
  TooManyAttemptsError,
  UnauthorizedError,
} from '../../../sync/errors.ts';
import { TextField } from '../../components/TextField.tsx';

export function LoginPage() {
  const { t } = useTranslation();
  const { route } = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  // Warm the API client while the person types, so "Đăng nhập" does not wait for it.
  useEffect(() => {
    void import('../../api.ts').catch(() => undefined);
  }, []);

  async function onSubmit(e: Event) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!username.trim()) errs.username = `${t('fields.username')}: ${t('errors.required')}`;
    if (!password) errs.password = `${t('fields.password')}: ${t('errors.required')}`;
    setFieldErrors(errs);
    if (Object.keys(errs).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const user = await signIn(username, password);
      route(homePath(user.role));
    } catch (err) {
      if (err instanceof UnauthorizedError) setError(t('login.badCredentials'));
      else if (err instanceof TooManyAttemptsError)
        setError(t('login.tooManyAttempts', { count: Math.ceil(err.retryAfterSeconds / 60) }));
      else if (err instanceof NetworkError) setError(t('login.offline'));
      else if (err instanceof ApiValidationError)
        setFieldErrors(Object.fromEntries(err.problems.map((p) => [p.field, p.message])));
      else setError(t('login.serverError'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="page narrow">
      <h1>{t('login.title')}</h1>
      <p class="muted">{t('login.intro')}</p>
      <form onSubmit={(e) => void onSubmit(e)} noValidate>
        <TextField
          id="username"
          label={t('login.username')}
          value={username}
          onInput={setUsername}
          error={fieldErrors.username}
          autoComplete="username"
          autoCapitalize="none"
        />
        <TextField
          id="password"
          type="password"
          label={t('login.password')}
          value={password}
          onInput={setPassword}
          error={fieldErrors.password}
          autoComplete="current-password"
        />
        {error && (
          <p class="error-box" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="btn primary block" disabled={busy}>
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
      <p class="after-form">
        <a href="/enrol">{t('enrol.link')}</a>
      </p>
    </main>
  );
}
