/** Entry point: language first, then the signed-in user (offline), then render. */
import { render } from 'preact';
import { initI18n } from '../i18n/index.ts';
import { App, preloadSignIn } from './App.tsx';
import { hasStoredProfile, restoreSession } from './session.ts';
import './styles.css';

async function boot(): Promise<void> {
  // Nobody signed in: the sign-in page loads beside the strings, not after them.
  const signIn = hasStoredProfile()
    ? Promise.resolve()
    : preloadSignIn().catch((e: unknown) => console.warn('[sotay] sign-in page', e));
  await Promise.all([initI18n(), restoreSession().catch((e: unknown) => console.error(e)), signIn]);
  const root = document.getElementById('app');
  if (!root) return;
  root.textContent = '';
  render(<App />, root);
  performance.mark('app-ready');
  // The service-worker lifecycle and the idle lock load after the first screen.
  void import('./after-start.ts').then((m) => m.afterStart());
}

void boot();
