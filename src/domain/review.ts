/**
 * The coordinator's review state machine (SYNC.md §3.5). Pure: the server
 * applies it inside a transaction, the UI uses it to decide which buttons to
 * show.
 *
 *   submitted ──approve──▶ approved
 *   submitted ──return───▶ changes_requested ──(volunteer edit)──▶ submitted
 *   changes_requested ──approve / return──▶ approved / changes_requested
 *
 * `approved` is final for review: a volunteer's later edit becomes an
 * amendment (see conflict.ts), and a second approval is a no-op.
 */
import type { LogStatus } from '../shared/schemas/log.ts';
import type { ReviewDecisionKind } from '../shared/schemas/review.ts';

export type ReviewTransition =
  | { ok: true; changed: true; status: LogStatus }
  /** Approving an already approved log: nothing to write. */
  | { ok: true; changed: false; status: LogStatus }
  | { ok: false; reason: 'invalid_transition' };

/**
 * Which status a review decision leads to from `status`.
 * @param status the log's current status
 * @param decision the coordinator's decision
 */
export function reviewTransition(
  status: LogStatus,
  decision: ReviewDecisionKind,
): ReviewTransition {
  if (status === 'approved') {
    return decision === 'approve'
      ? { ok: true, changed: false, status }
      : { ok: false, reason: 'invalid_transition' };
  }
  return {
    ok: true,
    changed: true,
    status: decision === 'approve' ? 'approved' : 'changes_requested',
  };
}

export interface ReviewFacts {
  /** The log's state under the row lock. */
  status: LogStatus;
  deleted: boolean;
  version: number;
  /** The version the coordinator saw. */
  expectedVersion: number;
  decision: ReviewDecisionKind;
}

export type ReviewAction =
  /** A deleted log is gone for review (404, like another commune's). */
  | { action: 'not_found' }
  /** The log changed since the coordinator saw it: 409 with the fresh log. */
  | { action: 'version_mismatch' }
  | { action: 'invalid_transition' }
  /** Approving an approved log: 200, nothing written. */
  | { action: 'unchanged' }
  /** Write `status`, version+1, bump the clock. */
  | { action: 'apply'; status: LogStatus };

/**
 * A coordinator's decision (SYNC.md §3.5): it binds to the exact version the
 * coordinator was shown, so an edit that landed meanwhile makes it a 409.
 */
export function decideReviewAction(f: ReviewFacts): ReviewAction {
  if (f.deleted) return { action: 'not_found' };
  if (f.version !== f.expectedVersion) return { action: 'version_mismatch' };
  const t = reviewTransition(f.status, f.decision);
  if (!t.ok) return { action: 'invalid_transition' };
  return t.changed ? { action: 'apply', status: t.status } : { action: 'unchanged' };
}

/** The status a log takes when its author changes its content. */
export function statusAfterContentEdit(status: LogStatus): LogStatus | null {
  // An approved log is locked: the edit is stored as an amendment, not applied.
  return status === 'approved' ? null : 'submitted';
}

/** Whether a coordinator can still act on a log in this status. */
export function isReviewable(status: LogStatus): boolean {
  return status !== 'approved';
}
