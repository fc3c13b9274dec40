/**
 * /api/sync: push (volunteers) and pull (SYNC.md §3.3–3.4), and the
 * follow-up contacts a phone hands over once their sessions are on the server.
 */
import type { ServerResponse } from 'node:http';
import { Hono } from 'hono';
import * as v from 'valibot';
import {
  DEFAULT_PULL_LIMIT,
  MAX_PULL_LIMIT,
  MAX_PUSH_BYTES,
  pushRequestSchema,
  type PullResponse,
  type PushResponse,
} from '../../shared/protocol.ts';
import { COMMUNE_ROLES, FIELD_ROLES } from '../../shared/roles.ts';
import { requireRole, requireUser } from '../auth/middleware.ts';
import type { AppEnv, ServerContext } from '../env.ts';
import { cutResponse } from '../fault.ts';
import { jsonBody } from '../http/body.ts';
import { validJson, validQuery } from '../http/validate.ts';
import { processPush } from '../logs/push.ts';
import { storeContacts } from '../contacts.ts';
import { contactPushSchema } from '../../shared/schemas/contact.ts';
import { pullChanges, serverEpoch } from '../logs/pull.ts';

const pullQuerySchema = v.object({
  cp: v.optional(v.pipe(v.string(), v.maxLength(4096, 'tooLong'))),
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,4}$/, 'notInteger'),
      v.transform(Number),
      v.minValue(1, 'outOfRange'),
      v.maxValue(MAX_PULL_LIMIT, 'outOfRange'),
    ),
  ),
});

/** 100 contacts of about 200 bytes each, with room to spare. */
const CONTACTS_MAX_BYTES = 64 * 1024;

export function syncRoutes(ctx: ServerContext) {
  return new Hono<AppEnv>()
    .post(
      '/push',
      requireUser(ctx),
      requireRole(...FIELD_ROLES),
      jsonBody({
        maxBytes: MAX_PUSH_BYTES,
        gzip: true,
        uncheckedText: ['mutations', '*', 'payload'],
      }),
      validJson(pushRequestSchema),
      async (c) => {
        const outcome = await processPush(ctx, c.get('user'), c.req.valid('json'));
        if (outcome.kind === 'client_forbidden')
          return c.json({ error: 'forbidden' as const }, 403);
        if (outcome.kind === 'seq_gap') {
          return c.json({ error: 'seq_gap' as const, expectedSeq: outcome.expectedSeq }, 409);
        }
        await ctx.faults?.at('after_commit_before_response');
        const body: PushResponse = {
          serverTime: ctx.now().toISOString(),
          serverEpoch: await serverEpoch(ctx.db),
          results: outcome.results,
        };
        if (ctx.faults?.cutsResponse()) {
          const env = c.env as { outgoing?: ServerResponse } | undefined;
          return cutResponse(env?.outgoing, 200, JSON.stringify(body));
        }
        return c.json(body, 200);
      },
    )
    .post(
      '/contacts',
      requireUser(ctx),
      requireRole(...FIELD_ROLES),
      jsonBody({ maxBytes: CONTACTS_MAX_BYTES, uncheckedText: ['contacts', '*', 'contact'] }),
      validJson(contactPushSchema),
      async (c) => {
        const body = await storeContacts(ctx.db, c.get('user'), c.req.valid('json'), ctx.now());
        return c.json(body, 200);
      },
    )
    .get(
      '/pull',
      requireUser(ctx),
      requireRole(...FIELD_ROLES, ...COMMUNE_ROLES),
      validQuery(pullQuerySchema),
      async (c) => {
        const q = c.req.valid('query');
        const body: PullResponse = await pullChanges(
          ctx.db,
          c.get('user'),
          q.cp,
          q.limit ?? DEFAULT_PULL_LIMIT,
          ctx.now(),
        );
        return c.json(body, 200);
      },
    );
}
