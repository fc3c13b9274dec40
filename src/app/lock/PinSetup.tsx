/**
 * Asks a field worker, on their home screen, to set the PIN the idle lock
 * uses (pin.ts), until they have. It does not block anything: a volunteer
 * in front of a resident is never stopped by it.
 */
import '../../i18n/later.ts'; // pin.*
import { useState } from 'preact/hooks';
import { TextField } from '../components/TextField.tsx';
import { session } from '../session.ts';
import { useTranslation } from '../use-translation.ts';
import { hasPin, PIN_PATTERN, setPin } from './pin.ts';

export function PinSetup() {
  const { t } = useTranslation();
  const userId = session.value?.user.id;
  const [done, setDone] = useState(false);
  const [pin, setPinText] = useState('');
  const [again, setAgain] = useState('');
  const [errors, setErrors] = useState<{ pin?: string; again?: string }>({});
  const [busy, setBusy] = useState(false);
  if (!userId) return null;
  if (done)
    return (
      <p class="banner ok" role="status">
        {t('pin.done')}
      </p>
    );
  if (hasPin(userId)) return null;

  async function onSubmit(e: Event) {
    e.preventDefault();
    if (busy || !userId) return;
    const errs: { pin?: string; again?: string } = {};
    if (!PIN_PATTERN.test(pin)) errs.pin = `${t('pin.new')}: ${t('lock.pinFormat')}`;
    else if (again !== pin) errs.again = `${t('pin.again')}: ${t('pin.mismatch')}`;
    setErrors(errs);
    if (errs.pin || errs.again) return;
    setBusy(true);
    try {
      await setPin(userId, pin);
      setDone(true);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card" aria-labelledby="pin-title">
      <h2 id="pin-title">{t('pin.title')}</h2>
      <p class="muted">{t('pin.intro')}</p>
      <form onSubmit={(e) => void onSubmit(e)} noValidate>
        <TextField
          id="pin-new"
          label={t('pin.new')}
          type="password"
          inputMode="numeric"
          autoComplete="off"
          maxLength={6}
          value={pin}
          onInput={setPinText}
          error={errors.pin}
        />
        <TextField
          id="pin-again"
          label={t('pin.again')}
          type="password"
          inputMode="numeric"
          autoComplete="off"
          maxLength={6}
          value={again}
          onInput={setAgain}
          error={errors.again}
        />
        <button type="submit" class="btn" disabled={busy}>
          {t('pin.save')}
        </button>
      </form>
    </section>
  );
}
