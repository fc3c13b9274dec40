/**
 * The part of the storage API the volunteer's first screen uses (the app's
 * entry chunk): open the database, list the logs, count what waits, check
 * the storage. Everything here imports only idb and types, so the write path,
 * the sync code and valibot load later, with the form or the sync engine
 * (PERFORMANCE.md G1). The rest of the API is in index.ts, which re-exports
 * this too; the budget test fails `npm test` if the first download grows.
 */
export { openUserDb, requestPersistentStorage } from './db.ts';
export type { UserDb } from './db.ts';
export { listLogs, listReturned } from './log-list.ts';
export { getSyncSummary } from './summary.ts';
export type { SyncSummary } from './summary.ts';
export { getStorageHealth } from './health.ts';
export type { StorageHealth } from './health.ts';
export type { LocalLog } from './types.ts';
