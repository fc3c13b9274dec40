/**
 * The province viewer's page (GET /api/province/communes): the coordinator's
 * dashboard indicators (src/domain/indicators.ts) per commune of the
 * province, for a month, quarter or year, as counts only, small ones
 * suppressed (src/domain/suppress.ts: null means "fewer than 5"). No record,
 * no name of a person.
 */
import * as v from 'valibot';
import { periodKeySchema, TARGET_INDICATORS } from './dashboard.ts';
import { NOT_DONE_REASONS, SESSION_LANGUAGES } from './log.ts';

const shown = v.nullable(v.number());

export const provinceQuerySchema = v.object({
  /** Default: the current month. */
  period: v.optional(periodKeySchema),
});

export const communeAggregateSchema = v.object({
  communeId: v.string(),
  communeName: v.string(),
  hamlets: v.number(),
  /** Hamlets with no session in the 30 days up to the period's end (or today, if sooner). */
  quietHamlets: v.number(),
  /** Team members, not residents: shown as they are. */
  volunteers: v.object({ total: v.number(), active: v.number() }),
  sessions: shown,
  approved: shown,
  outcomes: v.object({ done: shown, partly: shown, not_possible: shown }),
  residents: shown,
  ages: v.object({ under30: shown, from30to59: shown, over60: shown }),
  /** Sessions by the language they were held in (only the languages used). */
  languages: v.record(v.picklist(SESSION_LANGUAGES), shown),
  /** Why sessions were not possible (only the reasons given). */
  reasons: v.record(v.picklist(NOT_DONE_REASONS), shown),
  householdsReached: shown,
  /** The households the coordinator entered for the hamlets (null: none entered). */
  households: v.nullable(v.number()),
  /** Reached ÷ households over the hamlets with a denominator; null without one, or when the count is hidden. */
  coverage: v.nullable(v.number()),
  householdsCore5: shown,
  vneidActivations: shown,
  firstPayments: shown,
  /** Sessions and completions per skill (only the skills practised). */
  skills: v.array(v.object({ skillId: v.string(), sessions: shown, completed: shown })),
  /** The commune's targets for the period, summed over the hamlets that have one. */
  targets: v.array(
    v.object({ indicator: v.picklist(TARGET_INDICATORS), target: v.number(), achieved: shown }),
  ),
});
export type CommuneAggregate = v.InferOutput<typeof communeAggregateSchema>;

export const provinceSummarySchema = v.object({
  province: v.string(),
  period: v.object({ key: v.string(), from: v.string(), to: v.string() }),
  smallCount: v.number(),
  communes: v.array(communeAggregateSchema),
});
export type ProvinceSummary = v.InferOutput<typeof provinceSummarySchema>;
