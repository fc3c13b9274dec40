/**
 * The only owner of the service-worker lifecycle (workbox-window, loaded
 * after the first screen so it costs nothing on the critical path). Updates
 * are the user's choice: a waiting worker is announced, and only activated
 * when the user accepts, so a half-filled form is never interrupted.
 */
import type { Workbox } from 'workbox-window';

type Listener = () => void;
let wb: Workbox | null = null;
const updateListeners = new Set<Listener>();
let updateWaiting = false;

/** Registers `/sw.js` in production builds; a no-op where unsupported. */
export async function registerServiceWorker(): Promise<void> {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  const { Workbox } = await import('workbox-window');
  wb = new Workbox('/sw.js', { scope: '/' });
  wb.addEventListener('waiting', () => {
    updateWaiting = true;
    for (const l of updateListeners) l();
  });
  wb.addEventListener('controlling', (event) => {
    // A new worker took over after the user accepted the update.
    if (event.isUpdate) window.location.reload();
  });
  try {
    await wb.register();
  } catch (err) {
    console.warn('service worker registration failed', err);
  }
}

/** Calls `fn` when a new version is installed and waiting; returns an unsubscribe. */
export function onUpdateReady(fn: Listener): () => void {
  updateListeners.add(fn);
  if (updateWaiting) fn();
  return () => updateListeners.delete(fn);
}

/** Activates the waiting version; the page reloads when it takes control. */
export function applyUpdate(): void {
  wb?.messageSkipWaiting();
}
