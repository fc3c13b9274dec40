/**
 * src/sync: the only code that talks to our server (api-client.ts) and the
 * sync engine that moves the storage outbox to the server and pulls changes
 * back. No UI, no IndexedDB (it goes through src/storage). See README.md.
 */
export { createApiClient, GZIP_THRESHOLD_BYTES } from './api-client.ts';
export type {
  ApiClient,
  ApiClientOptions,
  ReviewDecisionInput,
  ReviewListParams,
} from './api-client.ts';
export {
  AmendmentConflictError,
  ApiError,
  ApiValidationError,
  HttpError,
  NetworkError,
  ProtocolError,
  SeqGapError,
  UnauthorizedError,
  VersionMismatchError,
} from './errors.ts';
export type { ApiProblem } from './errors.ts';
export { createSyncEngine, SYNC_LOCK_NAME, SyncStalledError } from './engine.ts';
export type {
  SyncEngine,
  SyncEngineOptions,
  SyncOutcome,
  SyncState,
  SyncStatus,
} from './engine.ts';
