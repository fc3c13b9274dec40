/**
 * The record shapes kept in a user's IndexedDB database (SYNC.md §3.2).
 * Owns: LocalLog, OutboxEntry, AttentionItem, LocalContact and the meta keys. Plain types;
 * the stores themselves are declared in db.ts.
 */
import type { LogContent, LogRecord, LogStatus } from '../shared/schemas/log.ts';
import type { Checkpoint, MutationName, PushReason, PushStatus } from '../shared/protocol.ts';
import type { FieldProblem } from '../shared/validation.ts';
import type { Contact } from '../shared/schemas/contact.ts';

/**
 * Where a local log stands with the server.
 * - `pending`: a local change is in the outbox.
 * - `synced`: the server has exactly what the outbox held.
 * - `conflict`: the server kept its own value for at least one field (the local change is in `attention`).
 * - `rejected`: the server refused the change (invalid, forbidden…); the change is in `attention`.
 * - `amendment`: the log was already approved; the change was stored as an amendment request.
 */
export type SyncState = 'pending' | 'synced' | 'conflict' | 'rejected' | 'amendment';
export const SYNC_STATES = ['pending', 'synced', 'conflict', 'rejected', 'amendment'] as const;

/** Why the last change of a log did not land as sent (shown beside the log). */
export interface LogProblem {
  reason: PushReason;
  problems?: FieldProblem[];
}

/** A log as the device keeps it: the volunteer's content plus what the server said about it. */
export type LocalLog = LogContent & {
  id: string;
  syncState: SyncState;
  /** The server's version of this log; null until the server has acknowledged it. */
  serverVersion: number | null;
  /** Review fields (owned by the coordinator, read-only here); null until the server has the log. */
  status: LogStatus | null;
  reviewComment: string | null;
  reviewedAt: string | null;
  reviewedByName: string | null;
  /** Tombstone: deleted logs are kept (hidden) so an older copy can never resurrect them. */
  deleted: boolean;
  /** Device clock, informational only: never used to order or resolve anything on the server. */
  createdAtDevice: number;
  updatedAtDevice: number;
  problem?: LogProblem;
  /**
   * Device time at which the server last acknowledged exactly this log's local
   * content (a push answer or a pulled record). Absent while the local content
   * differs from what the server acknowledged, or was never acknowledged.
   * After a server restore, logs acknowledged in the last 30 days are re-pushed.
   */
  ackedAt?: number;
  /**
   * Set when the server's epoch changed (a restore) on a log acknowledged in
   * the last 30 days: the restored server may have lost it. Cleared when a pull
   * brings its record (same content → nothing to do; older content → our
   * content is queued on top of it), or when the re-pull ends without it
   * (queued as a `log.update` upsert). See repush.ts.
   */
  repushCheck?: true;
};

/** A queued mutation. `seq` is the outbox autoIncrement key and the client sequence number. */
export interface OutboxEntry {
  seq: number;
  mutationId: string;
  userId: string;
  name: MutationName;
  entityId: string;
  /**
   * The server version the change was made on. `null` for a create, and for an
   * update/delete queued while the log's create was still unacknowledged: such
   * an entry is held back until the create is acknowledged, which fills it in.
   */
  baseVersion: number | null;
  /** `LogContent` for create/update, `null` for delete. */
  payload: LogContent | null;
  payloadHash: string;
  payloadSchema: number;
  createdAtDevice: number;
  /** How many pushes included this entry (> 0 means the server may have seen it). */
  attempts: number;
  lastError: string | null;
}

/** A change that did not land as sent: a copy of the local change plus the server's record. */
export interface AttentionItem {
  mutationId: string;
  entityId: string;
  name: MutationName;
  status: Extract<PushStatus, 'conflict' | 'rejected'>;
  reason: PushReason | null;
  problems: FieldProblem[];
  baseVersion: number | null;
  /** What the device sent (null for a delete). */
  localPayload: LogContent | null;
  /** The server's record at the time of the answer, when it exists and the user may see it. */
  serverRecord: LogRecord | null;
  createdAtDevice: number;
  receivedAt: number;
}

/**
 * A follow-up contact on the phone (docs/SECURITY.md "Follow-up contacts"),
 * keyed by its log's id. `pending`: the name and phone wait for the server
 * (sent once the log itself is acknowledged). `sent`: the server has them;
 * the phone keeps only when, and the day the server deletes them.
 */
export type LocalContact =
  | {
      logId: string;
      state: 'pending';
      contact: Contact;
      savedAtDevice: number;
      /** The server's reasons for refusing it (it waits for an edit). */
      problems?: FieldProblem[];
    }
  | { logId: string; state: 'sent'; sentAtDevice: number; deleteAfter: string };

/** The meta store's keys and value types. Keys are explicit constants (SYNC.md pitfall 14). */
export interface MetaValues {
  clientId: string;
  checkpoint: Checkpoint;
  lastPushOkAt: number;
  lastPullOkAt: number;
  clockSkewMs: number;
  serverEpoch: string;
  /**
   * Present from a server epoch change until the re-pull that follows it has
   * finished (the new epoch): logs flagged `repushCheck` are still waiting.
   */
  repushCheck: string;
}
export type MetaKey = keyof MetaValues;
export type MetaRecord = { [K in MetaKey]: { key: K; value: MetaValues[K] } }[MetaKey];
