/**
 * The province viewer's page (GET /api/province/communes): per commune of
 * the province, counts only, small ones suppressed (src/domain/suppress.ts:
 * null means "fewer than 5"). No record, no name of a person.
 */
import * as v from 'valibot';
import { isoDateSchema, SESSION_LANGUAGES } from './log.ts';

const shown = v.nullable(v.number());

export const provinceQuerySchema = v.object({
  /** The period, both days included; the default is the current month. */
  from: v.optional(isoDateSchema),
  to: v.optional(isoDateSchema),
});

export const communeAggregateSchema = v.object({
  communeId: v.string(),
  communeName: v.string(),
  hamlets: v.number(),
  sessions: shown,
  approved: shown,
  residents: shown,
  ages: v.object({ under30: shown, from30to59: shown, over60: shown }),
  /** Sessions by the language they were held in (only the languages used). */
  languages: v.record(v.picklist(SESSION_LANGUAGES), shown),
});
export type CommuneAggregate = v.InferOutput<typeof communeAggregateSchema>;

export const provinceSummarySchema = v.object({
  province: v.string(),
  from: v.string(),
  to: v.string(),
  smallCount: v.number(),
  communes: v.array(communeAggregateSchema),
});
export type ProvinceSummary = v.InferOutput<typeof provinceSummarySchema>;
