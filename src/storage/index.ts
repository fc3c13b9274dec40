/**
 * src/storage: the only owner of IndexedDB (the only importer of `idb`).
 * One database per user; logs, outbox, attention and meta stores. The UI and
 * the sync engine use this public API only; see README.md for the contract.
 * The app's first screen imports first-screen.ts instead (the same functions,
 * without pulling the write path and the sync code into its download).
 */
export {
  openUserDb,
  userDbName,
  DB_VERSION,
  requestPersistentStorage,
  upgradeUserDb,
} from './db.ts';
export type { UserDb, SotayDB, OpenUserDbOptions, UpgradeTransaction } from './db.ts';
export { ValidationError, LogNotFoundError } from './errors.ts';
export { saveLog, deleteLog, getLog } from './log-repo.ts';
export { listLogs, listReturned } from './log-list.ts';
export type { SaveLogInput } from './log-repo.ts';
export { peekOutbox, takeOutboxBatch, markOutboxError, applyPushResults } from './outbox.ts';
export type { PushApplySummary } from './outbox.ts';
export { getSyncSummary } from './summary.ts';
export type { SyncSummary } from './summary.ts';
export { applyPullPage } from './pull.ts';
export type { ApplyPullOptions, PullApplySummary } from './pull.ts';
export { renewClientId, REPUSH_WINDOW_MS } from './repush.ts';
export { getStorageHealth, NEARLY_FULL_FREE_BYTES, NEARLY_FULL_RATIO } from './health.ts';
export type { StorageHealth, StorageManagerLike } from './health.ts';
export { exportUnsynced, UNSYNCED_STATES, EXPORT_SCHEMA_VERSION } from './export.ts';
export type {
  ExportUnsyncedOptions,
  UnsyncedExportDocument,
  ExportedLog,
  ExportedEntry,
  ExportedAttention,
} from './export.ts';
export { listAttention, listAttentionFor, dismissAttention } from './attention.ts';
export { getClientId, getCheckpoint, getMeta, setMeta } from './meta.ts';
export {
  getContact,
  takeContactsToSend,
  applyContactResults,
  dropOrphanContacts,
} from './contacts.ts';
export type { ContactToSend } from './contacts.ts';
export { SYNC_STATES } from './types.ts';
export type {
  LocalLog,
  SyncState,
  LogProblem,
  OutboxEntry,
  AttentionItem,
  LocalContact,
  MetaKey,
  MetaValues,
} from './types.ts';
