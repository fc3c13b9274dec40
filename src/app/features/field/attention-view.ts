/**
 * What the attention screen shows about one change the server did not apply
 * as sent: which fields differ between the volunteer's version and the
 * server's, each value as a person reads it, and which actions make sense
 * for the reason. Pure functions, kept apart from the component for tests.
 */
import type { LogContent, LogRecord } from '../../../shared/schemas/log.ts';
import type { Skill } from '../../../shared/schemas/skill.ts';
import type { AttentionItem } from '../../../storage/index.ts';
import { formatIsoDate } from '../../format.ts';

/** One row of the comparison: a field, the volunteer's text and the server's. */
export interface DiffRow {
  /** A `fields.*` locale key (e.g. `fields.residents.over60`). */
  label: string;
  local: string;
  server: string;
}

/** Everything a value needs to become readable text. */
export interface FormatContext {
  t: (key: string, opts?: Record<string, unknown>) => string;
  hamletName: (id: string) => string;
  skills: readonly Skill[] | null;
  skillTitle: (skill: Skill) => string;
}

type Field =
  | 'activityDate'
  | 'hamletId'
  | 'kind'
  | 'residents.under30'
  | 'residents.from30to59'
  | 'residents.over60'
  | 'residents.women'
  | 'language'
  | 'skills'
  | 'outcome'
  | 'reason'
  | 'householdCode'
  | 'notes'
  | 'communeId';

/** The order a volunteer sees them in on the form. */
const FIELDS: readonly Field[] = [
  'activityDate',
  'hamletId',
  'kind',
  'residents.under30',
  'residents.from30to59',
  'residents.over60',
  'residents.women',
  'language',
  'skills',
  'outcome',
  'reason',
  'householdCode',
  'notes',
  'communeId',
];

function raw(c: LogContent, f: Field): unknown {
  switch (f) {
    case 'residents.under30':
      return c.residents.under30;
    case 'residents.from30to59':
      return c.residents.from30to59;
    case 'residents.over60':
      return c.residents.over60;
    case 'residents.women':
      return c.residents.women ?? null;
    case 'skills':
      return c.skills.map((s) => [s.skillId, s.contentVersion, [...s.stepsDone].sort()]);
    default:
      return c[f] ?? null;
  }
}

/** A field's value as text, in the active language. */
export function formatField(c: LogContent, f: Field, ctx: FormatContext): string {
  const { t } = ctx;
  switch (f) {
    case 'activityDate':
      return formatIsoDate(c.activityDate);
    case 'hamletId':
      return ctx.hamletName(c.hamletId);
    case 'kind':
      return t(`kind.${c.kind}`);
    case 'language':
      return t(`language.${c.language}`);
    case 'outcome':
      return t(`outcome.${c.outcome}`);
    case 'reason':
      return c.reason ? t(`reason.${c.reason}`) : '—';
    case 'householdCode':
      return c.householdCode ?? '—';
    case 'notes':
      return c.notes || '—';
    case 'communeId':
      return c.communeId;
    case 'residents.women':
      return c.residents.women === undefined ? '—' : String(c.residents.women);
    case 'skills':
      return c.skills
        .map((s) => {
          const skill = ctx.skills?.find((k) => k.id === s.skillId);
          if (!skill) return `${s.skillId} (${s.stepsDone.length})`;
          const steps = t('form.stepsOf', { done: s.stepsDone.length, total: skill.steps.length });
          return `${ctx.skillTitle(skill)} — ${steps}`;
        })
        .join('; ');
    default:
      return String(raw(c, f));
  }
}

/** The fields whose values differ between two versions, in form order. */
export function diffContent(local: LogContent, server: LogContent, ctx: FormatContext): DiffRow[] {
  return FIELDS.filter((f) => JSON.stringify(raw(local, f)) !== JSON.stringify(raw(server, f))).map(
    (f) => ({
      label: `fields.${f}`,
      local: formatField(local, f, ctx),
      server: formatField(server, f, ctx),
    }),
  );
}

/** Every field of one version (when the other side has nothing to compare with). */
export function describeContent(c: LogContent, ctx: FormatContext): DiffRow[] {
  return FIELDS.filter((f) => f !== 'communeId').map((f) => {
    const text = formatField(c, f, ctx);
    return { label: `fields.${f}`, local: text, server: text };
  });
}

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
