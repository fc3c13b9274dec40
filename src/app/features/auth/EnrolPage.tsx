/**
 * Activating an account (online, once): the one-time code the coordinator
 * gave (typed, or carried in the QR code's link as `/enrol#CODE`) and a new
 * password; the server signs the person in.
 */
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import '../../../i18n/pages.ts'; // enrol.*, the field names and their errors
import { MIN_PASSWORD_LENGTH } from '../../../shared/schemas/accounts.ts';
import { ApiValidationError, NetworkError, TooManyAttemptsError } from '../../../sync/errors.ts';
import { TextField } from '../../components/TextField.tsx';
import { enrol } from '../../session.ts';
import { useTranslation } from '../../use-translation.ts';
import { homePath } from '../../../shared/roles.ts';

export function EnrolPage() {
  const { t } = useTranslation();
  const { route } = useLocation();
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  useEffect(() => {
    let fromLink = window.location.hash.slice(1);
    try {
      fromLink = decodeURIComponent(fromLink);
    } catch {
      // A mangled link: shown as it is, the server will say the code is wrong.
    }
    if (fromLink) {
      setCode(fromLink);
      // The code stays out of the history once read.
      history.replaceState(null, '', window.location.pathname);
    }
    void import('../../api.ts').catch(() => undefined);
  }, []);

  async function onSubmit(e: Event) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const field = (name: string, key: string) =>
      `${t(`fields.${name}` as 'fields.code')}: ${t(`errors.${key}` as 'errors.required')}`;
    if (!code.trim()) errs.code = field('code', 'required');
    if (!password) errs.password = field('newPassword', 'required');
    else if (password.length < MIN_PASSWORD_LENGTH)
      errs.password = field('newPassword', 'passwordTooShort');
    else if (again !== password) errs.again = field('newPasswordAgain', 'passwordMismatch');
    setFieldErrors(errs);
    if (Object.keys(errs).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const user = await enrol(code, password);
      route(homePath(user.role));
    } catch (err) {
      if (err instanceof ApiValidationError)
        setFieldErrors(Object.fromEntries(err.problems.map((p) => [p.field, p.message])));
      else if (err instanceof TooManyAttemptsError)
        setError(t('login.tooManyAttempts', { count: Math.ceil(err.retryAfterSeconds / 60) }));
      else if (err instanceof NetworkError) setError(t('enrol.offline'));
      else setError(t('enrol.serverError'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="page narrow">
      <h1>{t('enrol.title')}</h1>
      <p class="muted">{t('enrol.intro')}</p>
      <form onSubmit={(e) => void onSubmit(e)} noValidate>
        <TextField
          id="code"
          label={t('fields.code')}
          value={code}
          onInput={setCode}
          error={fieldErrors.code}
          autoComplete="one-time-code"
          autoCapitalize="characters"
          maxLength={32}
        />
        <TextField
          id="password"
          type="password"
          label={t('fields.newPassword')}
          hint={t('enrol.passwordHint')}
          value={password}
          onInput={setPassword}
          error={fieldErrors.password}
          autoComplete="new-password"
        />
        <TextField
          id="again"
          type="password"
          label={t('fields.newPasswordAgain')}
          value={again}
          onInput={setAgain}
          error={fieldErrors.again}
          autoComplete="new-password"
        />
        {error && (
          <p class="error-box" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="btn primary block" disabled={busy}>
          {busy ? t('enrol.submitting') : t('enrol.submit')}
        </button>
      </form>
    </main>
  );
}
