/// <reference lib="webworker" />
/**
 * The service worker: precaches the built app (every hashed asset, both
 * locales, the skill content) and answers navigations with index.html so the
 * app opens with no network. It never touches `/api`: sync runs in the page
 * (SYNC.md §2.3: workbox-background-sync loses data).
 */
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { clientsClaim } from 'workbox-core';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: (string | { url: string; revision: string | null })[];
};

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(
  // Not /api, and not the bench page (a test tool served beside the app, never precached).
  new NavigationRoute(createHandlerBoundToURL('index.html'), {
    denylist: [/^\/api\//, /^\/bench\//],
  }),
);

// The first install takes control at once so the very first visit works
// offline afterwards; later versions wait for the user (see src/pwa).
clientsClaim();

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
