/**
 * The idle lock (docs/SECURITY.md "Idle lock"): on a phone where the signed-in
 * field worker has set a PIN, the app locks after IDLE_MS without a touch or
 * a key, and when it is opened again after that long (the last activity is
 * kept per user, so closing the app does not skip the lock; so is the lock
 * itself, so a reload does not lift it). The lock covers the whole app and
 * makes it inert; the PIN opens it offline. Nothing is lost: the form behind
 * keeps its draft. Loaded after the first screen (PERFORMANCE.md G1).
 */
import '../../i18n/later.ts'; // lock.*
import { effect } from '@preact/signals';
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { isFieldRole } from '../../shared/roles.ts';
import { TextField } from '../components/TextField.tsx';
import { session, signOut } from '../session.ts';
import { useTranslation } from '../use-translation.ts';
import { checkPin, clearPin, hasPin, MAX_PIN_FAILURES } from './pin.ts';

export const IDLE_MS = 5 * 60_000;
const CHECK_EVERY_MS = 10_000;
const activeKey = (id: string) => `sotay.active.${id}`;
const lockedKey = (id: string) => `sotay.locked.${id}`;

let started = false;

export function startIdleLock(): void {
  if (started) return;
  started = true;
  const host = document.createElement('div');
  document.body.append(host);
  let lockedFor: string | null = null;
  let last = Date.now();
  let lastSaved = 0;

  /** The user this phone can lock for: a field worker with a PIN. */
  const lockable = (): string | null => {
    const u = session.value?.user;
    return u && isFieldRole(u.role) && hasPin(u.id) ? u.id : null;
  };
  const app = () => document.getElementById('app');

  function lock(id: string): void {
    if (lockedFor === id) return;
    lockedFor = id;
    localStorage.setItem(lockedKey(id), '1');
    (document.activeElement as HTMLElement | null)?.blur();
    app()?.setAttribute('inert', '');
    render(<LockScreen userId={id} onUnlock={unlock} onSignIn={signInAgain} />, host);
  }
  function unlock(): void {
    if (lockedFor) localStorage.removeItem(lockedKey(lockedFor));
    lockedFor = null;
    app()?.removeAttribute('inert');
    render(null, host);
    touch();
  }
  function signInAgain(): void {
    const id = lockedFor;
    if (!id) return;
    // The lock stays over the app until this phone has let go of the session.
    clearPin(id);
    localStorage.removeItem(lockedKey(id));
    void signOut(true).then(() => window.location.assign('/login'));
  }
  function touch(): void {
    if (lockedFor) return;
    last = Date.now();
    const id = lockable();
    // Written at most every few seconds: a touch is not worth a storage write each.
    if (id && last - lastSaved > 5_000) {
      lastSaved = last;
      localStorage.setItem(activeKey(id), String(last));
    }
  }
  function check(): void {
    const id = lockable();
    if (!id) {
      if (!lockedFor) return;
      // Locked, and the PIN is gone: another tab signed in again. This tab must
      // not open for that: it starts over (and finds nobody signed in).
      if (session.value) window.location.reload();
      else unlock();
      return;
    }
    const seen = Math.max(last, Number(localStorage.getItem(activeKey(id)) ?? 0));
    if (localStorage.getItem(lockedKey(id)) === '1' || Date.now() - seen >= IDLE_MS) lock(id);
  }

  for (const type of ['pointerdown', 'keydown', 'touchstart', 'wheel'])
    window.addEventListener(type, touch, { capture: true, passive: true });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') check();
  });
  setInterval(check, CHECK_EVERY_MS);
  // At start, and whenever the signed-in user changes: locked, or stale, locks now.
  let previous: string | undefined;
  effect(() => {
    const id = session.value?.user.id;
    if (id === previous) return;
    previous = id;
    last = 0;
    check();
    if (!lockedFor) touch();
  });
}

function LockScreen(p: { userId: string; onUnlock: () => void; onSignIn: () => void }) {
  const { t } = useTranslation();
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string>();
  const [blocked, setBlocked] = useState(false);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const name = session.value?.user.displayName ?? '';

  async function onSubmit(e: Event) {
    e.preventDefault();
    if (busy) return;
    if (!/^\d{4,6}$/.test(pin)) {
      setError(`${t('lock.pin')}: ${t('lock.pinFormat')}`);
      return;
    }
    setBusy(true);
    const out = await checkPin(p.userId, pin).catch(() => ({ ok: false as const, left: 0 }));
    setBusy(false);
    setPin('');
    if (out.ok) return p.onUnlock();
    if (out.left === 0) setBlocked(true);
    else setError(`${t('lock.pin')}: ${t('lock.wrong', { count: out.left })}`);
  }

  return (
    <div class="lock" role="dialog" aria-modal="true" aria-labelledby="lock-title">
      <div class="lock-box">
        <h1 id="lock-title" tabIndex={-1} ref={heading}>
          {t('lock.title')}
        </h1>
        {blocked ? (
          <p role="alert">{t('lock.blocked', { count: MAX_PIN_FAILURES })}</p>
        ) : (
          <form onSubmit={(e) => void onSubmit(e)} noValidate>
            <p>{t('lock.intro', { name })}</p>
            <TextField
              id="lock-pin"
              label={t('lock.pin')}
              type="password"
              inputMode="numeric"
              autoComplete="off"
              maxLength={6}
              value={pin}
              onInput={setPin}
              error={error}
            />
            <button type="submit" class="btn primary" disabled={busy}>
              {t('lock.unlock')}
            </button>
          </form>
        )}
        <p class="muted">{t('lock.dataSafe')}</p>
        <button type="button" class="btn" onClick={p.onSignIn}>
          {t('lock.signInAgain')}
        </button>
      </div>
    </div>
  );
}
