/** /api/review: the reviewer's list, read and decision, within their scope (logs/review.ts reviewScope). */
import { Hono } from 'hono';
import {
  amendmentDecisionSchema,
  reviewDecisionSchema,
  reviewListQuerySchema,
  type ReviewDetail,
  type ReviewListResponse,
} from '../../shared/schemas/review.ts';
import { REVIEW_ROLES } from '../../shared/roles.ts';
import { requireRole, requireUser } from '../auth/middleware.ts';
import type { AppEnv, ServerContext } from '../env.ts';
import { jsonBody } from '../http/body.ts';
import { problemResponse } from '../http/problems.ts';
import { validJson, validQuery } from '../http/validate.ts';
import {
  decideAmendment,
  decideReview,
  decodeReviewCursor,
  DEFAULT_REVIEW_PAGE,
  listForReview,
  openAmendments,
  readForReview,
  reviewHistory,
} from '../logs/review.ts';
import { rowToRecord } from '../logs/record.ts';

const DECISION_MAX_BYTES = 16 * 1024;

export function reviewRoutes(ctx: ServerContext) {
  return new Hono<AppEnv>()
    .use(requireUser(ctx), requireRole(...REVIEW_ROLES))
    .get('/logs', validQuery(reviewListQuerySchema), async (c) => {
      const q = c.req.valid('query');
      const cursor = q.cursor === undefined ? undefined : decodeReviewCursor(q.cursor);
      if (cursor === null) return problemResponse(c, 400, [{ field: 'cursor', code: 'invalid' }]);
      const body: ReviewListResponse = await listForReview(ctx.db, c.get('user'), {
        ...(q.hamletId !== undefined ? { hamletId: q.hamletId } : {}),
        ...(q.authorId !== undefined ? { authorId: q.authorId } : {}),
        ...(q.status !== undefined ? { status: q.status } : {}),
        ...(q.skillId !== undefined ? { skillId: q.skillId } : {}),
        ...(q.from !== undefined ? { from: q.from } : {}),
        ...(q.to !== undefined ? { to: q.to } : {}),
        ...(q.q !== undefined ? { q: q.q } : {}),
        ...(cursor !== undefined ? { cursor } : {}),
        limit: q.limit ?? DEFAULT_REVIEW_PAGE,
      });
      return c.json(body, 200);
    })
    .get('/logs/:id', async (c) => {
      const row = await readForReview(ctx.db, c.get('user'), c.req.param('id'));
      if (!row) return c.json({ error: 'not_found' as const }, 404);
      const body: ReviewDetail = {
        log: rowToRecord(row),
        amendments: await openAmendments(ctx.db, row.id),
        ...(await reviewHistory(ctx.db, row.id)),
      };
      return c.json(body, 200);
    })
    .post(
      '/logs/:id/decision',
      jsonBody({ maxBytes: DECISION_MAX_BYTES }),
      validJson(reviewDecisionSchema),
      async (c) => {
        const out = await decideReview(
          ctx.db,
          c.get('user'),
          c.req.param('id'),
          c.req.valid('json'),
          ctx.now(),
        );
        switch (out.kind) {
          case 'not_found':
            return c.json({ error: 'not_found' as const }, 404);
          case 'version_mismatch':
            return c.json({ error: 'version_mismatch' as const, log: out.log }, 409);
          case 'invalid_transition':
            return c.json({ error: 'invalid_transition' as const, log: out.log }, 409);
          case 'ok':
            return c.json({ log: out.log }, 200);
        }
      },
    )
    .post(
      '/logs/:id/amendments/:amendmentId',
      jsonBody({ maxBytes: DECISION_MAX_BYTES }),
      validJson(amendmentDecisionSchema),
      async (c) => {
        const out = await decideAmendment(
          ctx.db,
          c.get('user'),
          c.req.param('id'),
          c.req.param('amendmentId'),
          c.req.valid('json'),
          ctx.now(),
        );
        if (out.kind === 'not_found') return c.json({ error: 'not_found' as const }, 404);
        const detail: ReviewDetail = { log: out.log, amendments: out.amendments };
        if (out.kind === 'ok') return c.json(detail, 200);
        return c.json({ error: out.kind, ...detail }, 409);
      },
    );
}
