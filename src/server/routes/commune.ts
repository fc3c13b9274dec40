/**
 * /api/commune: the reviewer's directory (hamlets and field workers, for
 * filters), the accounts one manages (list, add with an enrolment code, a new
 * code for a forgotten password, deactivate), hamlets and the audit log.
 * Everything within the user's commune, and a team lead's within their
 * hamlet; an account out of scope is a 404. Follow-up contacts: listed and
 * deleted on a resident's request by the same people.
 */
import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import type { CommuneDirectory } from '../../shared/schemas/review.ts';
import { COMMUNE_ROLES, FIELD_ROLES, REVIEW_ROLES, TEAM_ROLES } from '../../shared/roles.ts';
import { newHamletSchema, newMemberSchema } from '../../shared/schemas/accounts.ts';
import {
  createHamlet,
  createMember,
  deactivateMember,
  listMembers,
  resetMember,
} from '../accounts.ts';
import { requireRole, requireUser } from '../auth/middleware.ts';
import type { AppEnv, ServerContext } from '../env.ts';
import { jsonBody, jsonContentType } from '../http/body.ts';
import { problemResponse } from '../http/problems.ts';
import { validJson, validQuery } from '../http/validate.ts';
import { decodeAuditCursor, listAudit, recordAudit } from '../audit.ts';
import { communeHamlets } from '../users.ts';
import { deleteContact, listContacts } from '../contacts.ts';
import { communeDashboard, listTargets, saveTargets } from '../dashboard.ts';
import { dayInVietnam, monthOf, parsePeriod } from '../../domain/indicators.ts';
import {
  dashboardQuerySchema,
  exportRecordSchema,
  hamletTargetsSchema,
  periodKeySchema,
} from '../../shared/schemas/dashboard.ts';

const MEMBER_MAX_BYTES = 4 * 1024;
const targetsQuerySchema = v.object({ period: v.optional(periodKeySchema) });
const auditQuerySchema = v.object({
  cursor: v.optional(v.pipe(v.string(), v.maxLength(300, 'tooLong'))),
});

export function communeRoutes(ctx: ServerContext) {
  const notFound = (c: Context) => c.json({ error: 'not_found' as const }, 404);
  return new Hono<AppEnv>()
    .use(requireUser(ctx))
    .get('/', requireRole(...REVIEW_ROLES), async (c) => {
      const user = c.get('user');
      const ownHamlet = user.role === 'team_lead' ? user.hamletId : null;
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
        where commune_id = $1 and role = any($2::text[]) and active
          and ($3::text is null or hamlet_id = $3)
        order by display_name, id`,
        [user.communeId, [...FIELD_ROLES], ownHamlet],
      );
      const hamlets = await communeHamlets(ctx.db, user.communeId);
      const body: CommuneDirectory = {
        communeId: user.communeId,
        communeName: communes[0]?.name ?? user.communeId,
        hamlets: ownHamlet === null ? hamlets : hamlets.filter((h) => h.id === ownHamlet),
        volunteers: volunteers.map((v) => ({
          id: v.id,
          displayName: v.display_name,
          hamletId: v.hamlet_id,
        })),
      };
      return c.json(body, 200);
    })
    .get('/audit', requireRole(...COMMUNE_ROLES), validQuery(auditQuerySchema), async (c) => {
      const q = c.req.valid('query');
      const cursor = q.cursor === undefined ? null : decodeAuditCursor(q.cursor);
      if (cursor === null && q.cursor !== undefined)
        return problemResponse(c, 400, [{ field: 'cursor', code: 'invalid' }]);
      return c.json(await listAudit(ctx.db, c.get('user').communeId, cursor), 200);
    })
    .post(
      '/hamlets',
      requireRole(...COMMUNE_ROLES),
      jsonBody({ maxBytes: MEMBER_MAX_BYTES }),
      validJson(newHamletSchema),
      async (c) => {
        const out = await createHamlet(ctx.db, c.get('user'), c.req.valid('json').name, ctx.now());
        if (!out) return problemResponse(c, 409, [{ field: 'name', code: 'duplicate' }]);
        return c.json({ hamlet: out }, 201);
      },
    )
    .get(
      '/dashboard',
      requireRole(...REVIEW_ROLES),
      validQuery(dashboardQuerySchema),
      async (c) => {
        const q = c.req.valid('query');
        const today = dayInVietnam(ctx.now());
        const period = parsePeriod(q.period ?? monthOf(today));
        if (!period) return problemResponse(c, 400, [{ field: 'period', code: 'period' }]);
        const body = await communeDashboard(
          ctx.db,
          c.get('user'),
          ctx.curriculum,
          { period, hamletId: q.hamletId },
          today,
        );
        return body ? c.json(body, 200) : notFound(c);
      },
    )
    .get('/progress', requireRole(...FIELD_ROLES), async (c) => {
      // A field worker's own hamlet this month (the phone keeps it for offline).
      const user = c.get('user');
      const today = dayInVietnam(ctx.now());
      const period = parsePeriod(monthOf(today))!;
      const d = await communeDashboard(
        ctx.db,
        user,
        ctx.curriculum,
        { period, hamletId: user.hamletId ?? undefined },
        today,
      );
      const hamlet = d?.hamlets.find((h) => h.hamletId === user.hamletId) ?? null;
      return c.json({ period: { key: period.key, from: period.from, to: period.to }, hamlet }, 200);
    })
    .get('/targets', requireRole(...REVIEW_ROLES), validQuery(targetsQuerySchema), async (c) => {
      const key = c.req.valid('query').period ?? monthOf(dayInVietnam(ctx.now()));
      const period = parsePeriod(key);
      if (!period) return problemResponse(c, 400, [{ field: 'period', code: 'period' }]);
      return c.json(await listTargets(ctx.db, c.get('user'), period), 200);
    })
    .post(
      '/targets',
      requireRole(...COMMUNE_ROLES),
      jsonBody({ maxBytes: MEMBER_MAX_BYTES }),
      validJson(hamletTargetsSchema),
      async (c) => {
        const saved = await saveTargets(ctx.db, c.get('user'), c.req.valid('json'), ctx.now());
        if (!saved) return problemResponse(c, 400, [{ field: 'hamletId', code: 'invalidChoice' }]);
        return c.json({ saved: true as const }, 200);
      },
    )
    .post(
      '/exports',
      requireRole(...REVIEW_ROLES),
      jsonBody({ maxBytes: MEMBER_MAX_BYTES }),
      validJson(exportRecordSchema),
      async (c) => {
        // The page builds the file; this records that it did, before it is saved.
        const user = c.get('user');
        const e = c.req.valid('json');
        await recordAudit(ctx.db, {
          communeId: user.communeId,
          actorId: user.id,
          action: 'export',
          targetType: 'commune',
          targetId: user.communeId,
          detail: { table: e.table, format: e.format, scope: e.scope },
          at: ctx.now(),
        });
        return c.json({ recorded: true as const }, 200);
      },
    )
    .get('/contacts', requireRole(...REVIEW_ROLES), async (c) => {
      return c.json({ contacts: await listContacts(ctx.db, c.get('user'), ctx.now()) }, 200);
    })
    .post('/contacts/:logId/delete', requireRole(...REVIEW_ROLES), jsonContentType, async (c) => {
      const done = await deleteContact(ctx.db, c.get('user'), c.req.param('logId'), ctx.now());
      return done ? c.json({ deleted: true as const }, 200) : notFound(c);
    })
    .get('/users', requireRole(...TEAM_ROLES), async (c) => {
      return c.json({ members: await listMembers(ctx.db, c.get('user'), ctx.now()) }, 200);
    })
    .post(
      '/users',
      requireRole(...TEAM_ROLES),
      jsonBody({ maxBytes: MEMBER_MAX_BYTES }),
      validJson(newMemberSchema),
      async (c) => {
        const out = await createMember(ctx.db, c.get('user'), c.req.valid('json'), ctx.now());
        if (out.kind === 'username_taken')
          return problemResponse(c, 409, [{ field: 'username', code: 'duplicate' }]);
        if (out.kind === 'unknown_hamlet')
          return problemResponse(c, 400, [{ field: 'hamletId', code: 'invalidChoice' }]);
        if (out.kind === 'role_not_allowed')
          return problemResponse(c, 400, [{ field: 'role', code: 'invalidChoice' }]);
        return c.json({ member: out.member, enrolment: out.enrolment }, 201);
      },
    )
    .post('/users/:id/enrolment', requireRole(...TEAM_ROLES), jsonContentType, async (c) => {
      const out = await resetMember(ctx.db, c.get('user'), c.req.param('id'), ctx.now());
      if (out.kind === 'not_found') return notFound(c);
      if (out.kind === 'deactivated') return c.json({ error: 'deactivated' as const }, 409);
      return c.json({ member: out.member, enrolment: out.enrolment }, 200);
    })
    .post('/users/:id/deactivate', requireRole(...TEAM_ROLES), jsonContentType, async (c) => {
      const member = await deactivateMember(ctx.db, c.get('user'), c.req.param('id'), ctx.now());
      return member ? c.json({ member }, 200) : notFound(c);
    });
}
