/**
 * The coordinator's dashboard and targets (GET /api/commune/dashboard,
 * GET/PUT /api/commune/targets): what the commune (or a team lead's hamlet)
 * did in a period, against the denominators and targets the coordinator
 * entered. The figures are defined in src/domain/indicators.ts.
 */
import * as v from 'valibot';
import { NOT_DONE_REASONS, SESSION_KINDS, SESSION_LANGUAGES } from './log.ts';

/** What a target counts (src/domain/indicators.ts says how). */
export const TARGET_INDICATORS = [
  'sessions',
  'households_reached',
  'households_core5',
  'vneid_activations',
  'first_payments',
] as const;
export type TargetIndicator = (typeof TARGET_INDICATORS)[number];

/** A month `2026-11`, a quarter `2026-Q4` or a year `2026`. */
export const periodKeySchema = v.pipe(
  v.string('required'),
  v.regex(/^(20[2-9]\d)(-(0[1-9]|1[0-2])|-Q[1-4])?$/, 'period'),
);

export const dashboardQuerySchema = v.object({
  /** Default: the current month. */
  period: v.optional(periodKeySchema),
  hamletId: v.optional(v.pipe(v.string(), v.maxLength(64))),
});

const count = v.number();
const ratio = v.nullable(v.number());

export const targetProgressSchema = v.object({
  indicator: v.picklist(TARGET_INDICATORS),
  target: v.number(),
  achieved: v.number(),
});
export type TargetProgress = v.InferOutput<typeof targetProgressSchema>;

export const hamletFiguresSchema = v.object({
  hamletId: v.string(),
  name: v.string(),
  sessions: count,
  residents: count,
  householdsReached: count,
  /** The denominators the coordinator entered; null when not entered. */
  households: v.nullable(count),
  adults: v.nullable(count),
  /** householdsReached ÷ households; null without a denominator. */
  coverage: ratio,
  householdsCore5: count,
  /** The last session up to the period's end; null when none. */
  lastActivity: v.nullable(v.string()),
  /** No session in the 30 days up to the period's end (or today, if sooner). */
  quiet: v.boolean(),
  targets: v.array(targetProgressSchema),
});
export type HamletFigures = v.InferOutput<typeof hamletFiguresSchema>;

const outcomeCounts = v.object({ done: count, partly: count, not_possible: count });

export const dashboardSchema = v.object({
  period: v.object({ key: v.string(), from: v.string(), to: v.string() }),
  hamletId: v.nullable(v.string()),
  totals: v.object({
    sessions: count,
    residents: count,
    householdsReached: count,
    households: v.nullable(count),
    /** Households reached ÷ households, over the hamlets with a denominator only. */
    coverage: ratio,
    householdsCore5: count,
  }),
  hamlets: v.array(hamletFiguresSchema),
  outcomes: outcomeCounts,
  skills: v.array(
    v.object({ skillId: v.string(), sessions: count, ...outcomeCounts.entries, completed: count }),
  ),
  ages: v.object({
    under30: count,
    from30to59: count,
    over60: count,
    women: count,
    /** Sessions that recorded how many women came (the rest did not say). */
    womenRecordedSessions: count,
  }),
  languages: v.array(
    v.object({ language: v.picklist(SESSION_LANGUAGES), sessions: count, residents: count }),
  ),
  kinds: v.array(v.object({ kind: v.picklist(SESSION_KINDS), sessions: count, residents: count })),
  /** Why sessions were not possible (outcome `not_possible`). */
  reasons: v.array(v.object({ reason: v.picklist(NOT_DONE_REASONS), sessions: count })),
  /**
   * Field workers in scope; active: a session in the 30 days up to the period's
   * end; sessionsPerActive: the period's sessions per active worker (over a
   * quarter or a year, more than one month's work each).
   */
  volunteers: v.object({ total: count, active: count, sessionsPerActive: ratio }),
  targets: v.array(targetProgressSchema),
});
export type Dashboard = v.InferOutput<typeof dashboardSchema>;

const nonNegative = (max: number) =>
  v.nullable(
    v.pipe(
      v.number('notNumber'),
      v.integer('notInteger'),
      v.minValue(0, 'outOfRange'),
      v.maxValue(max, 'outOfRange'),
    ),
  );

/** PUT /api/commune/targets: one hamlet's denominators and its targets for one period. */
export const hamletTargetsSchema = v.object({
  hamletId: v.pipe(v.string('required'), v.nonEmpty('required'), v.maxLength(64, 'invalidChoice')),
  period: periodKeySchema,
  households: nonNegative(100_000),
  adults: nonNegative(1_000_000),
  targets: v.object(
    Object.fromEntries(TARGET_INDICATORS.map((i) => [i, nonNegative(1_000_000)])) as Record<
      TargetIndicator,
      ReturnType<typeof nonNegative>
    >,
  ),
});
export type HamletTargets = v.InferOutput<typeof hamletTargetsSchema>;

export const targetsResponseSchema = v.object({
  period: v.string(),
  hamlets: v.array(
    v.object({
      hamletId: v.string(),
      name: v.string(),
      households: v.nullable(count),
      adults: v.nullable(count),
      targets: v.record(v.picklist(TARGET_INDICATORS), v.nullable(count)),
    }),
  ),
});
export type TargetsResponse = v.InferOutput<typeof targetsResponseSchema>;

/** What a coordinator can export (each export is audited first: POST /api/commune/exports). */
export const EXPORT_TABLES = [
  'hamlets',
  'skills',
  'outcomes',
  'ages',
  'languages',
  'kinds',
  'reasons',
  'review_list',
  'report',
] as const;
export type ExportTable = (typeof EXPORT_TABLES)[number];
export const EXPORT_FORMATS = ['csv', 'xlsx', 'print'] as const;

export const exportRecordSchema = v.object({
  table: v.picklist(EXPORT_TABLES, 'invalidChoice'),
  format: v.picklist(EXPORT_FORMATS, 'invalidChoice'),
  /** The period or filter it covers, as the page shows it (for the audit log). */
  scope: v.pipe(
    v.string('invalid'),
    v.maxLength(200, 'tooLong'),
    v.regex(/^[\w\-=&:,. ]*$/, 'invalid'),
  ),
});
export type ExportRecord = v.InferOutput<typeof exportRecordSchema>;

/** GET /api/commune/progress: a field worker's own hamlet this month, for the phone to keep offline. */
export const hamletProgressSchema = v.object({
  period: v.object({ key: v.string(), from: v.string(), to: v.string() }),
  hamlet: v.nullable(hamletFiguresSchema),
});
export type HamletProgress = v.InferOutput<typeof hamletProgressSchema>;
