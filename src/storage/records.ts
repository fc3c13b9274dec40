/**
 * Conversions between the server's `LogRecord` and the device's `LocalLog`.
 * Owns: which fields are content (volunteer-owned) and which are review
 * (coordinator-owned) on the device side (SYNC.md §3.5 field ownership).
 */
import { logContentObjectSchema, type LogContent, type LogRecord } from '../shared/schemas/log.ts';
import type { LocalLog } from './types.ts';

const CONTENT_KEYS = Object.keys(logContentObjectSchema.entries) as (keyof LogContent)[];

/** The content fields of a record or log, without undefined optionals. */
export function contentOf(source: LogContent): LogContent {
  const out: Record<string, unknown> = {};
  for (const key of CONTENT_KEYS) {
    if (source[key] !== undefined) out[key] = source[key];
  }
  return out as LogContent;
}

/** The coordinator-owned fields, as the device keeps them. */
export function reviewOf(
  record: LogRecord,
): Pick<LocalLog, 'status' | 'reviewComment' | 'reviewedAt' | 'reviewedByName'> {
  return {
    status: record.status,
    reviewComment: record.reviewComment,
    reviewedAt: record.reviewedAt,
    reviewedByName: record.reviewedByName,
  };
}

/** States that flag a log for the user until they dismiss the attention item. */
export function isFlagged(state: LocalLog['syncState']): boolean {
  return state === 'conflict' || state === 'rejected' || state === 'amendment';
}

/**
 * The server's record as a local log with no local change pending. A flag
 * (conflict/rejected/amendment) and its problem survive until dismissed.
 * The content is the server's, so it counts as acknowledged now (`ackedAt`).
 */
export function localFromRecord(
  record: LogRecord,
  prev: LocalLog | undefined,
  now: number,
): LocalLog {
  const createdAt = Date.parse(record.createdAt);
  const log: LocalLog = {
    ...contentOf(record),
    id: record.id,
    syncState: prev && isFlagged(prev.syncState) ? prev.syncState : 'synced',
    serverVersion: record.version,
    ...reviewOf(record),
    deleted: record.deleted,
    createdAtDevice: prev?.createdAtDevice ?? (Number.isNaN(createdAt) ? now : createdAt),
    updatedAtDevice: now,
    ackedAt: now,
  };
  if (prev?.problem && isFlagged(log.syncState)) log.problem = prev.problem;
  return log;
}
