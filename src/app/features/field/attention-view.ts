/**
 * What the attention screen shows about one change the server did not apply
 * as sent, and which actions make sense for the reason. Pure functions, kept
 * apart from the component for tests; the field comparison is `../../log-diff.ts`.
 */
import type { LogContent, LogRecord } from '../../../shared/schemas/log.ts';
import type { AttentionItem } from '../../../storage/index.ts';

export type AttentionAction = 'keepServer' | 'editResend' | 'recreate' | 'understood' | 'discard';

/** The kinds of explanation the screen gives (keys under `attention.what`). */
export type AttentionCase =
  | 'approved_locked'
  | 'approved_locked_delete'
  | 'field_conflict'
  | 'deleted'
  | 'forbidden'
  | 'invalid'
  | 'idempotency_key_reuse'
  | 'not_found';

export function attentionCase(item: AttentionItem): AttentionCase {
  const reason = item.reason ?? 'invalid';
  if (reason === 'approved_locked' && item.name === 'log.delete') return 'approved_locked_delete';
  return reason;
}

/**
 * What the volunteer may do, by reason:
 * - approved_locked: nothing to decide; the change went to the coordinator.
 * - deleted: re-create the session as a new one, or accept the deletion.
 * - the server has the log: keep its version, or fix and send again.
 * - the server never had it: fix and send again, or give the change up.
 */
export function actionsFor(item: AttentionItem): AttentionAction[] {
  const c = attentionCase(item);
  if (c === 'approved_locked' || c === 'approved_locked_delete') return ['understood'];
  if (c === 'deleted') return item.localPayload ? ['recreate', 'keepServer'] : ['keepServer'];
  const onServer = item.serverRecord !== null && !item.serverRecord.deleted;
  if (!item.localPayload) return [onServer ? 'keepServer' : 'discard'];
  return onServer ? ['keepServer', 'editResend'] : ['editResend', 'discard'];
}

/** The content a heading describes: the volunteer's version, else the server's. */
export function headlineContent(item: AttentionItem): LogContent | LogRecord | null {
  return item.localPayload ?? item.serverRecord;
}
