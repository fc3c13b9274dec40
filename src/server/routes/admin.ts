/**
 * /api/admin: an admin sets up the communes of their province (docs/SECURITY.md
 * "Roles"): lists them, adds one, and gives it its first coordinators and
 * admins (each with an enrolment code). They do not see those communes'
 * records: that stays with each commune's own staff.
 */
import { Hono } from 'hono';
import * as v from 'valibot';
import { newHamletSchema, newMemberSchema } from '../../shared/schemas/accounts.ts';
import { adminCommunes, createCommune, createCommuneStaff } from '../accounts.ts';
import { ADMIN_ROLES } from '../../shared/roles.ts';
import { requireRole, requireUser } from '../auth/middleware.ts';
import type { AppEnv, ServerContext } from '../env.ts';
import { jsonBody } from '../http/body.ts';
import { problemResponse } from '../http/problems.ts';
import { validJson } from '../http/validate.ts';

const MAX_BYTES = 4 * 1024;
/** A commune is named as a hamlet is. */
const newCommuneSchema = newHamletSchema;
const newStaffSchema = v.object({
  displayName: newMemberSchema.entries.displayName,
  username: newMemberSchema.entries.username,
  role: v.optional(v.picklist(['coordinator', 'admin'], 'invalidChoice')),
});

export function adminRoutes(ctx: ServerContext) {
  return new Hono<AppEnv>()
    .use(requireUser(ctx), requireRole(...ADMIN_ROLES))
    .get('/communes', async (c) => {
      return c.json({ communes: await adminCommunes(ctx.db, c.get('user')) }, 200);
    })
    .post(
      '/communes',
      jsonBody({ maxBytes: MAX_BYTES }),
      validJson(newCommuneSchema),
      async (c) => {
        const out = await createCommune(ctx.db, c.get('user'), c.req.valid('json').name, ctx.now());
        if (out === 'taken') return problemResponse(c, 409, [{ field: 'name', code: 'duplicate' }]);
        if (out === 'no_province') return c.json({ error: 'no_province' as const }, 409);
        return c.json({ commune: out }, 201);
      },
    )
    .post(
      '/communes/:id/users',
      jsonBody({ maxBytes: MAX_BYTES }),
      validJson(newStaffSchema),
      async (c) => {
        const out = await createCommuneStaff(
          ctx.db,
          c.get('user'),
          c.req.param('id'),
          c.req.valid('json'),
          ctx.now(),
        );
        if (out.kind === 'not_found') return c.json({ error: 'not_found' as const }, 404);
        if (out.kind === 'has_staff') return c.json({ error: 'has_staff' as const }, 409);
        if (out.kind === 'username_taken')
          return problemResponse(c, 409, [{ field: 'username', code: 'duplicate' }]);
        if (out.kind !== 'ok')
          return problemResponse(c, 400, [{ field: 'role', code: 'invalidChoice' }]);
        return c.json({ member: out.member, enrolment: out.enrolment }, 201);
      },
    );
}
