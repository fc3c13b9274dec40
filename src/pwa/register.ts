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
const elsewhereListeners = new Set<Listener>();
let updateWaiting = false;
/** This tab accepted the update (it reloads as soon as the new version takes over). */
let accepted = false;
let updatedElsewhere = false;

/** Registers `/sw.js` in production builds; a no-op where unsupported. */
export async function registerServiceWorker(): Promise<void> {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  const { Workbox } = await import('workbox-window');
  wb = new Workbox('/sw.js', { scope: '/' });
  wb.addEventListener('waiting', () => {
    updateWaiting = true;
    for (const l of updateListeners) l();
  });
  // The controller changes when a new version takes over. Not workbox's
  // `controlling` event: it is not sent for a worker this tab did not see
  // being installed (one the browser found by itself), so the tab that
  // accepted the update would never reload.
  let controlled = navigator.serviceWorker.controller !== null;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    const isUpdate = controlled;
    controlled = true;
    if (!isUpdate) return; // the first install claiming this page
    // The tab that accepted reloads now. Any other tab may be mid-form: it
    // keeps working and says so; if the new version needs a newer database,
    // the `versionchange` of the old connection reloads it (the draft stays).
    if (accepted) {
      window.location.reload();
      return;
    }
    updateWaiting = false;
    updatedElsewhere = true;
    for (const l of elsewhereListeners) l();
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

/** Calls `fn` when another tab activated a new version; returns an unsubscribe. */
export function onUpdatedElsewhere(fn: Listener): () => void {
  elsewhereListeners.add(fn);
  if (updatedElsewhere) fn();
  return () => elsewhereListeners.delete(fn);
}

/** Activates the waiting version; the page reloads when it takes control. */
export function applyUpdate(): void {
  accepted = true;
  wb?.messageSkipWaiting();
}
