/**
 * The support-session record ("nhật ký hỗ trợ", an activity log): what a
 * volunteer records after helping a resident or a group. Content fields are
 * owned by the volunteer; review fields by the coordinator (SYNC.md §3.5).
 *
 * Every `message` is an error code; its text lives in the locale files under
 * `errors.<code>`, and the field's name under `fields.<path>`.
 */
import * as v from 'valibot';
import { UUID_PATTERN } from '../ids.ts';
import { isWellFormedText } from '../text.ts';

export const SESSION_KINDS = ['home_visit', 'group_class', 'help_desk'] as const;
export const OUTCOMES = ['done', 'partly', 'not_possible'] as const;
export const NOT_DONE_REASONS = [
  'no_device',
  'no_id_card',
  'no_signal',
  'no_account',
  'not_enough_time',
  'other',
] as const;
/** The language the session was held in (never the resident's ethnicity: DOMAIN.md §E2). */
export const SESSION_LANGUAGES = [
  'vi',
  'km',
  'hmn',
  'thai',
  'tay_nung',
  'ede',
  'jrai',
  'bahnar',
  'other',
] as const;
export const LOG_STATUSES = ['submitted', 'changes_requested', 'approved'] as const;

export const MAX_RESIDENTS = 500;
export const MAX_NOTES = 1000;
export const MAX_SKILLS = 8;
/** A bound for a skill's content version (the server also checks it against the curriculum). */
export const MAX_CONTENT_VERSION = 10000;

export type SessionKind = (typeof SESSION_KINDS)[number];
export type Outcome = (typeof OUTCOMES)[number];
export type NotDoneReason = (typeof NOT_DONE_REASONS)[number];
export type SessionLanguage = (typeof SESSION_LANGUAGES)[number];
export type LogStatus = (typeof LOG_STATUSES)[number];

const slug = v.pipe(
  v.string('invalid'),
  v.nonEmpty('required'),
  v.maxLength(64, 'tooLong'),
  v.regex(/^[a-z0-9][a-z0-9-]*$/, 'invalid'),
);
const count = v.pipe(
  v.number('notNumber'),
  v.integer('notInteger'),
  v.minValue(0, 'outOfRange'),
  v.maxValue(MAX_RESIDENTS, 'outOfRange'),
);

/** `YYYY-MM-DD` that names a real calendar day between 2020 and 2100. */
export const isoDateSchema = v.pipe(
  v.string('required'),
  v.nonEmpty('required'),
  v.regex(/^\d{4}-\d{2}-\d{2}$/, 'invalidDate'),
  v.check((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    const y = d.getUTCFullYear();
    return (
      !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && y >= 2020 && y <= 2100
    );
  }, 'invalidDate'),
);

export const skillProgressSchema = v.object({
  skillId: slug,
  /** The checklist version this session was started on (content updates never rewrite it). */
  contentVersion: v.pipe(
    v.number('invalid'),
    v.integer('invalid'),
    v.minValue(1, 'invalid'),
    v.maxValue(MAX_CONTENT_VERSION, 'invalid'),
  ),
  stepsDone: v.pipe(
    v.array(slug, 'invalid'),
    v.maxLength(50, 'tooLong'),
    v.check((a) => new Set(a).size === a.length, 'duplicate'),
  ),
});
export type SkillProgress = v.InferOutput<typeof skillProgressSchema>;

const ageBands = { under30: count, from30to59: count, over60: count };
/** How many residents a session counts (the sum of the age bands). */
export const bandTotal = (r: { under30: number; from30to59: number; over60: number }) =>
  r.under30 + r.from30to59 + r.over60;
const totalInRange = <T extends { under30: number; from30to59: number; over60: number }>() =>
  v.check<T, 'residentsTotal'>(
    (r) => bandTotal(r) >= 1 && bandTotal(r) <= MAX_RESIDENTS,
    'residentsTotal',
  );

/**
 * Who came, by age band, and (optional, payload schema 2) how many of them
 * were women: DOMAIN.md §C2 "by gender (optional field)". Counts only, never
 * names. Left empty it means "not recorded", which is not zero.
 */
export const residentsSchema = v.pipe(
  v.object({ ...ageBands, women: v.optional(count) }, 'required'),
  totalInRange(),
  v.forward(
    v.check((r) => r.women === undefined || r.women <= bandTotal(r), 'womenOverTotal'),
    ['women'],
  ),
);
/** The residents of payload schema 1 (age bands only). */
export const residentsSchemaV1 = v.pipe(v.object(ageBands, 'required'), totalInRange());
export type Residents = v.InferOutput<typeof residentsSchema>;

/** The content fields, without the cross-field rules (for composing). */
export const logContentObjectSchema = v.object({
  communeId: slug,
  hamletId: v.pipe(
    v.string('required'),
    v.check(isWellFormedText, 'invalid'),
    v.nonEmpty('required'),
    v.maxLength(64, 'tooLong'),
  ),
  activityDate: isoDateSchema,
  kind: v.picklist(SESSION_KINDS, 'invalidChoice'),
  residents: residentsSchema,
  language: v.picklist(SESSION_LANGUAGES, 'invalidChoice'),
  skills: v.pipe(
    v.array(skillProgressSchema, 'required'),
    v.minLength(1, 'skillRequired'),
    v.maxLength(MAX_SKILLS, 'tooLong'),
    v.check((a) => new Set(a.map((s) => s.skillId)).size === a.length, 'duplicate'),
  ),
  outcome: v.picklist(OUTCOMES, 'invalidChoice'),
  reason: v.optional(v.picklist(NOT_DONE_REASONS, 'invalidChoice')),
  householdCode: v.optional(
    v.pipe(
      v.string('invalid'),
      v.check(isWellFormedText, 'invalid'),
      v.trim(),
      v.toUpperCase(),
      v.regex(/^[A-Z0-9][A-Z0-9-]{0,19}$/, 'householdCode'),
    ),
  ),
  notes: v.pipe(
    v.string('invalid'),
    v.check(isWellFormedText, 'invalid'),
    v.trim(),
    v.normalize('NFC'),
    v.maxLength(MAX_NOTES, 'tooLong'),
  ),
});

type LogContentFields = v.InferOutput<typeof logContentObjectSchema>;

/** A reason explains an outcome other than 'done'; one sent with 'done' is dropped. */
function withoutStrayReason(l: LogContentFields): LogContentFields {
  if (l.outcome !== 'done' || l.reason === undefined) return l;
  const rest = { ...l };
  delete rest.reason;
  return rest;
}

/** The fields a volunteer writes. This is the `payload` of `log.create` / `log.update`. */
export const logContentSchema = v.pipe(
  logContentObjectSchema,
  v.forward(
    v.check((l) => l.outcome === 'done' || l.reason !== undefined, 'reasonRequired'),
    ['reason'],
  ),
  v.transform(withoutStrayReason),
);

/**
 * The payload of the previous client (payload schema 1: no `residents.women`).
 * Its output is a valid schema-2 content ("women not recorded"): the upcast.
 * A `women` sent under schema 1 is not part of that schema and is dropped.
 */
export const logContentSchemaV1 = v.pipe(
  v.object({ ...logContentObjectSchema.entries, residents: residentsSchemaV1 }),
  v.forward(
    v.check((l) => l.outcome === 'done' || l.reason !== undefined, 'reasonRequired'),
    ['reason'],
  ),
  v.transform((l): LogContentFields => withoutStrayReason(l)),
);
export type LogContent = v.InferOutput<typeof logContentSchema>;
export type LogContentInput = v.InferInput<typeof logContentSchema>;

export const AMENDMENT_STATES = ['open', 'accepted', 'declined'] as const;
export type AmendmentState = (typeof AMENDMENT_STATES)[number];

/**
 * One amendment request of an approved log (the author's edit or delete after
 * approval, SYNC.md §3.5) and what the coordinator made of it. `mutationId`
 * is the author's mutation that became the request.
 */
export const amendmentStatusSchema = v.object({
  id: v.string(),
  mutationId: v.string(),
  state: v.picklist(AMENDMENT_STATES),
  createdAt: v.string(),
  resolvedAt: v.nullable(v.string()),
});
export type AmendmentStatus = v.InferOutput<typeof amendmentStatusSchema>;

/** A log as the server returns it: content plus server-owned fields. */
export const logRecordSchema = v.object({
  ...logContentObjectSchema.entries,
  id: v.pipe(v.string(), v.regex(UUID_PATTERN)),
  authorId: v.string(),
  authorName: v.string(),
  status: v.picklist(LOG_STATUSES),
  reviewComment: v.nullable(v.string()),
  reviewedAt: v.nullable(v.string()),
  reviewedByName: v.nullable(v.string()),
  version: v.number(),
  deleted: v.boolean(),
  createdAt: v.string(),
  updatedAt: v.string(),
  /** The log's amendment requests, oldest first; absent when it has none. */
  amendments: v.optional(v.array(amendmentStatusSchema)),
});
export type LogRecord = v.InferOutput<typeof logRecordSchema>;
