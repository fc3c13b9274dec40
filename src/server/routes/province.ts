/** /api/province: the province viewer's aggregates (src/server/province.ts). */
import { Hono } from 'hono';
import { PROVINCE_ROLES } from '../../shared/roles.ts';
import { provinceQuerySchema } from '../../shared/schemas/province.ts';
import { requireRole, requireUser } from '../auth/middleware.ts';
import type { AppEnv, ServerContext } from '../env.ts';
import { problemResponse } from '../http/problems.ts';
import { validQuery } from '../http/validate.ts';
import { currentMonth, provinceSummary } from '../province.ts';

export function provinceRoutes(ctx: ServerContext) {
  return new Hono<AppEnv>()
    .use(requireUser(ctx), requireRole(...PROVINCE_ROLES))
    .get('/communes', validQuery(provinceQuerySchema), async (c) => {
      const q = c.req.valid('query');
      const month = currentMonth(ctx.now());
      const period = { from: q.from ?? month.from, to: q.to ?? month.to };
      if (period.from > period.to)
        return problemResponse(c, 400, [{ field: 'to', code: 'beforeStart' }]);
      return c.json(await provinceSummary(ctx.db, c.get('user').province ?? '', period), 200);
    });
}
