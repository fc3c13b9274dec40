/**
 * /api/commune: the coordinator's directory (hamlets and volunteers, for
 * filters), the accounts they manage (list, add with an enrolment code, a new
 * code for a forgotten password, deactivate) and the audit log. Everything within their commune;
 * another commune's account is a 404.
 */
import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import { newMemberSchema } from '../../shared/schemas/accounts.ts';
import type { CommuneDirectory } from '../../shared/schemas/review.ts';
import { createMember, deactivateMember, listMembers, resetMember } from '../accounts.ts';
import { requireRole, requireUser } from '../auth/middleware.ts';
import type { AppEnv, ServerContext } from '../env.ts';
import { jsonBody, jsonContentType } from '../http/body.ts';
import { problemResponse } from '../http/problems.ts';
import { validJson, validQuery } from '../http/validate.ts';
import { decodeAuditCursor, listAudit } from '../audit.ts';
import { communeHamlets } from '../users.ts';

const MEMBER_MAX_BYTES = 4 * 1024;
const auditQuerySchema = v.object({
  cursor: v.optional(v.pipe(v.string(), v.maxLength(300, 'tooLong'))),
});

export function communeRoutes(ctx: ServerContext) {
  const notFound = (c: Context) => c.json({ error: 'not_found' as const }, 404);
  return new Hono<AppEnv>()
    .use(requireUser(ctx), requireRole('coordinator', 'admin'))
    .get('/', async (c) => {
      const user = c.get('user');
      const communes = await ctx.db.query<{ name: string }>(
        'select name from commune where id = $1',
        [user.communeId],
      );
      const volunteers = await ctx.db.query<{
        id: string;
        display_name: string;
        hamlet_id: string | null;
      }>(
        `select id, display_name, hamlet_id from app_user
        where commune_id = $1 and role = 'volunteer' and active
        order by display_name, id`,
        [user.communeId],
      );
      const body: CommuneDirectory = {
        communeId: user.communeId,
        communeName: communes[0]?.name ?? user.communeId,
        hamlets: await communeHamlets(ctx.db, user.communeId),
        volunteers: volunteers.map((v) => ({
          id: v.id,
          displayName: v.display_name,
          hamletId: v.hamlet_id,
        })),
      };
      return c.json(body, 200);
    })
    .get('/audit', validQuery(auditQuerySchema), async (c) => {
      const q = c.req.valid('query');
      const cursor = q.cursor === undefined ? null : decodeAuditCursor(q.cursor);
      if (cursor === null && q.cursor !== undefined)
        return problemResponse(c, 400, [{ field: 'cursor', code: 'invalid' }]);
      return c.json(await listAudit(ctx.db, c.get('user').communeId, cursor), 200);
    })
    .get('/users', async (c) => {
      return c.json(
        { members: await listMembers(ctx.db, c.get('user').communeId, ctx.now()) },
        200,
      );
    })
    .post(
      '/users',
      jsonBody({ maxBytes: MEMBER_MAX_BYTES }),
      validJson(newMemberSchema),
      async (c) => {
        const out = await createMember(ctx.db, c.get('user'), c.req.valid('json'), ctx.now());
        if (out.kind === 'username_taken')
          return problemResponse(c, 409, [{ field: 'username', code: 'duplicate' }]);
        if (out.kind === 'unknown_hamlet')
          return problemResponse(c, 400, [{ field: 'hamletId', code: 'invalidChoice' }]);
        return c.json({ member: out.member, enrolment: out.enrolment }, 201);
      },
    )
    .post('/users/:id/enrolment', jsonContentType, async (c) => {
      const out = await resetMember(ctx.db, c.get('user'), c.req.param('id'), ctx.now());
      if (out.kind === 'not_found') return notFound(c);
      if (out.kind === 'deactivated') return c.json({ error: 'deactivated' as const }, 409);
      return c.json({ member: out.member, enrolment: out.enrolment }, 200);
    })
    .post('/users/:id/deactivate', jsonContentType, async (c) => {
      const member = await deactivateMember(ctx.db, c.get('user'), c.req.param('id'), ctx.now());
      return member ? c.json({ member }, 200) : notFound(c);
    });
}
