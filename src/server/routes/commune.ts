/** GET /api/commune: the coordinator's hamlets and volunteers, for filters. */
import { Hono } from 'hono';
import type { CommuneDirectory } from '../../shared/schemas/review.ts';
import { requireRole, requireUser } from '../auth/middleware.ts';
import type { AppEnv, ServerContext } from '../env.ts';
import { communeHamlets } from '../users.ts';

export function communeRoutes(ctx: ServerContext) {
  return new Hono<AppEnv>().get(
    '/',
    requireUser(ctx),
    requireRole('coordinator', 'admin'),
    async (c) => {
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
    },
  );
}
