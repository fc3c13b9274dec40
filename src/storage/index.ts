/**
 * src/storage: the only owner of IndexedDB (the only importer of `idb`).
 * One database per user; logs, outbox, attention and meta stores. The UI and
 * the sync engine use this public API only; see README.md for the contract.
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
export { saveLog, deleteLog, getLog, listLogs, listReturned } from './log-repo.ts';
export type { SaveLogInput } from './log-repo.ts';
export {
  peekOutbox,
  takeOutboxBatch,
  markOutboxError,
  applyPushResults,
  getSyncSummary,
} from './outbox.ts';
export type { PushApplySummary, SyncSummary } from './outbox.ts';
export { applyPullPage } from './pull.ts';
export type { ApplyPullOptions, PullApplySummary } from './pull.ts';
export { renewClientId, REPUSH_WINDOW_MS } from './repush.ts';
export {
  getStorageHealth,
  exportUnsynced,
  NEARLY_FULL_FREE_BYTES,
  NEARLY_FULL_RATIO,
  UNSYNCED_STATES,
  EXPORT_SCHEMA_VERSION,
} from './health.ts';
export type {
  StorageHealth,
  StorageManagerLike,
  ExportUnsyncedOptions,
  UnsyncedExportDocument,
  ExportedLog,
  ExportedEntry,
  ExportedAttention,
} from './health.ts';
export { listAttention, listAttentionFor, dismissAttention } from './attention.ts';
export { getClientId, getCheckpoint, getMeta, setMeta } from './meta.ts';
export { SYNC_STATES } from './types.ts';
export type {
  LocalLog,
  SyncState,
  LogProblem,
  OutboxEntry,
  AttentionItem,
  MetaKey,
  MetaValues,
} from './types.ts';
