/**
 * What starts once the first screen is shown, in one lazy module so the
 * first screen pays a single import for it (PERFORMANCE.md G1): the
 * service-worker lifecycle and the idle lock.
 */
import { registerServiceWorker } from '../pwa/register.ts';
import { startIdleLock } from './lock/idle-lock.tsx';

export function afterStart(): void {
  startIdleLock();
  void registerServiceWorker();
}
