import type { Viewer } from '../../platform/auth/viewer.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError, notFound, ruleViolated } from '../../platform/http/errors.ts';
import { runCommand } from '../requests/requests.service.ts';
import { RATEABLE, type Rating, recordRating } from './aftercare.ts';

/** R-RP-6: the resident rates a finished repair (overall, speed, attitude) once, on the phone. */
export async function rateAsResident(ctx: AppContext, viewer: Viewer, id: string, rating: Rating) {
  // A rating does not depend on the order's state beyond "work done": when staff act on the
  // order at the same moment, take the new version and try again rather than lose the rating.
  for (let attempt = 0; ; attempt++) {
    const row = await ctx.db.selectFrom('requests').select(['version']).where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('事项');
    try {
      return await runCommand(ctx, viewer, id, row.version, async (c) => {
        if (c.row.kind !== 'repair') throw notFound('维修工单');
        if (!RATEABLE.includes(c.row.status)) throw ruleViolated('维修完成后才能评价', 'transition_not_allowed');
        await recordRating(c.tx, id, rating, 'resident_app', c.now);
        await c.event({ type: 'rate', data: { ...rating, via: 'resident_app' } });
      });
    } catch (e) {
      const versionConflict = e instanceof AppError && e.status === 409 && e.details !== undefined;
      if (!versionConflict || attempt >= 4) throw e;
    }
  }
}
