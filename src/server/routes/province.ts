/** /api/province: the province viewer's aggregates (src/server/province.ts). */
import { Hono } from 'hono';
import { dayInVietnam, monthOf, parsePeriod } from '../../domain/indicators.ts';
import { PROVINCE_ROLES } from '../../shared/roles.ts';
import { provinceQuerySchema } from '../../shared/schemas/province.ts';
import { requireRole, requireUser } from '../auth/middleware.ts';
import type { AppEnv, ServerContext } from '../env.ts';
import { problemResponse } from '../http/problems.ts';
import { validQuery } from '../http/validate.ts';
import { provinceSummary } from '../province.ts';

export function provinceRoutes(ctx: ServerContext) {
  return new Hono<AppEnv>()
    .use(requireUser(ctx), requireRole(...PROVINCE_ROLES))
    .get('/communes', validQuery(provinceQuerySchema), async (c) => {
      const today = dayInVietnam(ctx.now());
      const period = parsePeriod(c.req.valid('query').period ?? monthOf(today));
      if (period === null) return problemResponse(c, 400, [{ field: 'period', code: 'period' }]);
      const province = c.get('user').province ?? '';
      return c.json(await provinceSummary(ctx.db, ctx.curriculum, province, period, today), 200);
    });
}
