/**
 * The content of a session as a person reads it, and the fields that differ
 * between two versions of it: used where two versions meet (the volunteer's
 * attention list, the coordinator's amendment requests). Pure functions.
 */
import type { LogContent } from '../shared/schemas/log.ts';
import type { Skill } from '../shared/schemas/skill.ts';
import { formatIsoDate } from './format.ts';

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
  /** The checklist a session on `version` was started on, when known (content.ts `skillAt`). */
  skillAt: (id: string, version: number) => Skill | undefined;
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
          const skill = ctx.skillAt(s.skillId, s.contentVersion);
          if (!skill) {
            const named = ctx.skills?.find((k) => k.id === s.skillId);
            return `${named ? ctx.skillTitle(named) : s.skillId} (${s.stepsDone.length})`;
          }
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
