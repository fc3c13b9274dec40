/**
 * The conflict rule for incoming volunteer mutations (SYNC.md §3.5): the
 * volunteer owns content, the coordinator owns review, an approval binds to the
 * version the coordinator saw, and deletes win over later edits. Pure and
 * deterministic: the server gathers the facts under a row lock and applies the
 * decision; no clock is ever compared.
 */
import { canonicalJson } from '../shared/hash.ts';
import type { LogContent, LogStatus } from '../shared/schemas/log.ts';
import type { MutationName } from '../shared/protocol.ts';

/** What the server knows about the stored log when a mutation arrives. */
export interface StoredLogFacts {
  authorId: string;
  communeId: string;
  status: LogStatus;
  deleted: boolean;
  version: number;
}

export interface MutationFacts {
  name: MutationName;
  /** The signed-in volunteer (from the session, never from the payload). */
  actorId: string;
  actorCommuneId: string;
  /** The payload's communeId for create/update; null for delete. */
  payloadCommuneId: string | null;
  /** The row under `FOR UPDATE`, or null when the id is unknown. */
  stored: StoredLogFacts | null;
  /** The server version the change was made on (null for a create). */
  baseVersion: number | null;
  /** create only: the incoming content equals the stored content. */
  sameContent: boolean;
  /**
   * update only: a content revision by another client (e.g. the same volunteer
   * on a second phone) landed after the mutation's baseVersion.
   */
  otherWriterSinceBase: boolean;
}

export type MutationDecision =
  /** Insert as version 1, status submitted (also an update of an unknown id: upsert). */
  | { action: 'insert' }
  /** Already there as sent: answer `duplicate`, write nothing. */
  | { action: 'duplicate' }
  /** Replace the content, version+1, status back to submitted. */
  | { action: 'apply' }
  /** Three-way merge against the base revision (see mergeContent). */
  | { action: 'merge' }
  /** Tombstone, version+1. */
  | { action: 'tombstone' }
  /** Not applied; the payload is kept in sync_conflict under `store`. */
  | { action: 'conflict'; reason: 'approved_locked' | 'deleted'; store: 'amendment' | 'deleted' }
  | { action: 'reject'; reason: 'forbidden' | 'not_found' }
  /** A mutation that cannot be right, with the field to blame. */
  | {
      action: 'reject';
      reason: 'invalid';
      problem: { field: 'entityId'; code: 'duplicate' } | { field: 'baseVersion'; code: 'invalid' };
    };

/**
 * Decides what an incoming volunteer mutation does to the stored log.
 * @param f facts gathered under the row lock
 * @returns the action to take; never throws
 */
export function decideMutation(f: MutationFacts): MutationDecision {
  // Tenant scope first: the commune comes from the session, not the payload.
  if (f.payloadCommuneId !== null && f.payloadCommuneId !== f.actorCommuneId) {
    return { action: 'reject', reason: 'forbidden' };
  }
  const s = f.stored;
  if (s === null) {
    return f.name === 'log.delete'
      ? { action: 'reject', reason: 'not_found' }
      : { action: 'insert' };
  }
  // A UUID collision or someone else's log: never overwrite, never reveal.
  if (s.authorId !== f.actorId || s.communeId !== f.actorCommuneId) {
    return { action: 'reject', reason: 'forbidden' };
  }
  if (f.name === 'log.create') {
    return f.sameContent
      ? { action: 'duplicate' }
      : { action: 'reject', reason: 'invalid', problem: { field: 'entityId', code: 'duplicate' } };
  }
  // An edit of a version the server never had (a bug, or a server restored
  // from an older backup): applying it would claim a base that does not exist.
  if (f.name === 'log.update' && f.baseVersion !== null && f.baseVersion > s.version) {
    return {
      action: 'reject',
      reason: 'invalid',
      problem: { field: 'baseVersion', code: 'invalid' },
    };
  }
  if (s.deleted) {
    // Delete wins (PowerSync default; avoids pouchdb#6666 resurrection).
    return f.name === 'log.delete'
      ? { action: 'duplicate' }
      : { action: 'conflict', reason: 'deleted', store: 'deleted' };
  }
  if (s.status === 'approved') {
    return { action: 'conflict', reason: 'approved_locked', store: 'amendment' };
  }
  if (f.name === 'log.delete') return { action: 'tombstone' };
  return f.otherWriterSinceBase ? { action: 'merge' } : { action: 'apply' };
}

/** The content fields a volunteer owns, in a fixed order. */
export const CONTENT_FIELDS = [
  'communeId',
  'hamletId',
  'activityDate',
  'kind',
  'residents',
  'language',
  'skills',
  'outcome',
  'reason',
  'householdCode',
  'notes',
] as const satisfies readonly (keyof LogContent)[];
export type ContentField = (typeof CONTENT_FIELDS)[number];

function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null);
}

export interface MergeResult {
  merged: LogContent;
  /** Fields changed on both sides to different values: the server value was kept. */
  conflicts: ContentField[];
  /** Fields whose merged value differs from the server's. */
  changed: ContentField[];
}

/**
 * Three-way merge per field (base = the revision the edit was made on):
 * a field changed on one side only takes that side's value; a field changed on
 * both sides to different values keeps the server value and is reported.
 * @param base the content at the mutation's baseVersion
 * @param server the content stored now
 * @param local the incoming content
 */
export function mergeContent(base: LogContent, server: LogContent, local: LogContent): MergeResult {
  const merged: Record<string, unknown> = { ...server };
  const conflicts: ContentField[] = [];
  const changed: ContentField[] = [];
  for (const field of CONTENT_FIELDS) {
    const localChanged = !same(local[field], base[field]);
    const serverChanged = !same(server[field], base[field]);
    if (!localChanged) continue;
    if (serverChanged && !same(local[field], server[field])) {
      conflicts.push(field);
      continue;
    }
    if (!same(local[field], server[field])) changed.push(field);
    if (local[field] === undefined) delete merged[field];
    else merged[field] = local[field];
  }
  return { merged: merged as LogContent, conflicts, changed };
}

/**
 * What an edit from another device does after the merge (SYNC.md §3.5):
 * - `write` with no conflicts: every local change is merged in;
 * - `write` with conflicts: the local changes that do not clash are merged
 *   in, the clashing fields keep the server value (result `field_conflict`);
 * - no `write`: none of the local changes survives (all clash, or there were
 *   none): the row stays as it is, the result is still `field_conflict` when
 *   something clashed, else the edit changes nothing.
 * In every conflict the local payload is kept (sync_conflict, `attention`).
 */
export type MergeOutcome =
  | { write: true; content: LogContent; conflicts: ContentField[] }
  | { write: false; conflicts: ContentField[] };

/** The merge of `local` into `server` against `base`, as the server applies it. */
export function mergeOutcome(
  base: LogContent,
  server: LogContent,
  local: LogContent,
): MergeOutcome {
  const m = mergeContent(base, server, local);
  return m.changed.length === 0
    ? { write: false, conflicts: m.conflicts }
    : { write: true, content: m.merged, conflicts: m.conflicts };
}

/** The content fields whose values differ between two versions. */
export function changedFields(before: LogContent | null, after: LogContent): ContentField[] {
  return CONTENT_FIELDS.filter((f) => before === null || !same(before[f], after[f]));
}
