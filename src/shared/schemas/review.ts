/** The coordinator's review of a log (online API calls, not the outbox). */
import * as v from 'valibot';
import { isWellFormedText } from '../text.ts';
import { isoDateSchema, LOG_STATUSES, logContentObjectSchema, logRecordSchema } from './log.ts';

export const REVIEW_DECISIONS = ['approve', 'return'] as const;
export type ReviewDecisionKind = (typeof REVIEW_DECISIONS)[number];
export const MAX_REVIEW_COMMENT = 1000;

export const reviewDecisionSchema = v.pipe(
  v.object({
    decision: v.picklist(REVIEW_DECISIONS, 'invalidChoice'),
    /** The version the coordinator saw: an approval binds to exactly that content. */
    expectedVersion: v.pipe(v.number('invalid'), v.integer('invalid'), v.minValue(1, 'invalid')),
    comment: v.optional(
      v.pipe(
        v.string('invalid'),
        v.check(isWellFormedText, 'invalid'),
        v.trim(),
        v.normalize('NFC'),
        v.maxLength(MAX_REVIEW_COMMENT, 'tooLong'),
      ),
      '',
    ),
  }),
  v.forward(
    v.check((d) => d.decision === 'approve' || d.comment.length > 0, 'commentRequired'),
    ['comment'],
  ),
);
export type ReviewDecision = v.InferOutput<typeof reviewDecisionSchema>;

export const reviewListQuerySchema = v.object({
  hamletId: v.optional(v.pipe(v.string(), v.check(isWellFormedText), v.maxLength(64))),
  authorId: v.optional(v.pipe(v.string(), v.check(isWellFormedText), v.maxLength(64))),
  /** A review status, or `to_review`: waiting for review, or with an open amendment request. */
  status: v.optional(v.picklist([...LOG_STATUSES, 'to_review'])),
  /** Sessions with this skill. */
  skillId: v.optional(v.pipe(v.string(), v.check(isWellFormedText), v.maxLength(64))),
  /** Activity dates, both included. */
  from: v.optional(isoDateSchema),
  to: v.optional(isoDateSchema),
  /** Words to find in the notes, household code or volunteer's name, marks and case aside. */
  q: v.optional(v.pipe(v.string(), v.check(isWellFormedText), v.maxLength(100, 'tooLong'))),
  /** Opaque cursor from the previous page. */
  cursor: v.optional(v.pipe(v.string(), v.maxLength(200))),
  limit: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(200)),
  ),
});
export type ReviewListQuery = v.InferOutput<typeof reviewListQuerySchema>;

export const reviewListResponseSchema = v.object({
  items: v.array(logRecordSchema),
  nextCursor: v.nullable(v.string()),
});
export type ReviewListResponse = v.InferOutput<typeof reviewListResponseSchema>;

export const volunteerSummarySchema = v.object({
  id: v.string(),
  displayName: v.string(),
  hamletId: v.nullable(v.string()),
});

/** People and places of a commune, for the coordinator's filters. */
export const communeDirectorySchema = v.object({
  communeId: v.string(),
  communeName: v.string(),
  hamlets: v.array(v.object({ id: v.string(), name: v.string() })),
  volunteers: v.array(volunteerSummarySchema),
});
export type CommuneDirectory = v.InferOutput<typeof communeDirectorySchema>;

export const AMENDMENT_DECISIONS = ['accept', 'decline'] as const;
export type AmendmentDecisionKind = (typeof AMENDMENT_DECISIONS)[number];

/**
 * `POST /api/review/logs/:id/amendments/:amendmentId`: accept (the requested
 * change is applied, the log stays approved) or decline (kept for audit).
 */
export const amendmentDecisionSchema = v.object({
  decision: v.picklist(AMENDMENT_DECISIONS, 'invalidChoice'),
  /** The log version the coordinator saw: the decision binds to it. */
  expectedVersion: v.pipe(v.number('invalid'), v.integer('invalid'), v.minValue(1, 'invalid')),
});
export type AmendmentDecision = v.InferOutput<typeof amendmentDecisionSchema>;

/** An open amendment request, as the coordinator reviews it. */
export const amendmentSchema = v.object({
  id: v.string(),
  /** `edit`: `localPayload` is the content the author wants; `delete`: it is null. */
  kind: v.picklist(['edit', 'delete']),
  localPayload: v.nullable(v.object(logContentObjectSchema.entries)),
  /** The version the author's change was made on. */
  baseVersion: v.nullable(v.number()),
  mutationId: v.string(),
  createdAt: v.string(),
});
export type Amendment = v.InferOutput<typeof amendmentSchema>;

/** `GET /api/review/logs/:id` (and the amendment decision's 200 answer). */
export const revisionSummarySchema = v.object({
  version: v.number(),
  kind: v.picklist(['content', 'review', 'delete', 'amendment_accept']),
  at: v.string(),
  actorName: v.nullable(v.string()),
  changedFields: v.array(v.string()),
});
export type RevisionSummary = v.InferOutput<typeof revisionSummarySchema>;

export const reviewDetailSchema = v.object({
  log: logRecordSchema,
  /** Open amendment requests, oldest first. */
  amendments: v.array(amendmentSchema),
  /** Every version of the log, oldest first: who changed what, when. */
  history: v.optional(v.array(revisionSummarySchema)),
  /**
   * The content as it was last reviewed, when the volunteer has changed it
   * since (a returned session sent back fixed): what to compare with.
   */
  reviewed: v.optional(
    v.object({ version: v.number(), at: v.string(), content: logContentObjectSchema }),
  ),
});
export type ReviewDetail = v.InferOutput<typeof reviewDetailSchema>;
