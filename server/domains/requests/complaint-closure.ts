import { appendAudit, SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import type { AppContext } from '../../platform/context.ts';
import { cancelDeadlines, refreshNextDue } from '../../platform/deadlines/deadlines.ts';
import type { LiveEvent } from '../../platform/live/live.ts';
import { appendRequestEvent } from './request-events.ts';

const DAY = 86_400_000;
/** 规范10: a complainant who declines callbacks — the complaint closes when a week passes without a new one. */
export const DECLINED_CLOSE_DAYS = 7;

/**
 * Closes complaints whose complainant declined callbacks 7 days ago and has not complained
 * again about the same matter (same complainant, same category) since. Compare-and-set on
 * the request's version and status, so two nodes close each one once.
 */
export async function closeDeclinedComplaints(ctx: AppContext, now = ctx.clock.now()) {
  const due = await ctx.db
    .selectFrom('requests')
    .innerJoin('request_complaint', 'request_complaint.request_id', 'requests.id')
    .select([
      'requests.id',
      'requests.project_id',
      'requests.department_id',
      'requests.assignee_id',
      'requests.version',
      'requests.requester_person_id',
      'requests.requester_phone',
      'requests.category_id',
      'request_complaint.declined_at',
    ])
    .where('requests.status', '=', 'callback_declined')
    .where('request_complaint.declined_at', '<=', now - DECLINED_CLOSE_DAYS * DAY)
    .limit(500)
    .execute();
  let closed = 0;
  for (const c of due) {
    const since = c.declined_at ?? 0;
    // Without a person or a phone there is no "same complainant" to wait for.
    if (c.requester_person_id || c.requester_phone) {
      let again = ctx.db
        .selectFrom('requests')
        .select('id')
        .where('kind', '=', 'complaint')
        .where('project_id', '=', c.project_id)
        .where('id', '!=', c.id)
        .where('created_at', '>', since)
        .where((eb) =>
          eb.or([
            ...(c.requester_person_id ? [eb('requester_person_id', '=', c.requester_person_id)] : []),
            ...(c.requester_phone ? [eb('requester_phone', '=', c.requester_phone)] : []),
          ]),
        );
      // The same matter is the same category; without one, any new complaint of theirs counts.
      if (c.category_id) again = again.where('category_id', '=', c.category_id);
      if (await again.executeTakeFirst()) continue;
    }
    const live: LiveEvent[] = [];
    const done = await ctx.db.transaction().execute(async (tx) => {
      const res = await tx
        .updateTable('requests')
        .set({ status: 'closed', is_open: 0, closed_at: now, updated_at: now, version: c.version + 1 })
        .where('id', '=', c.id)
        .where('version', '=', c.version)
        .where('status', '=', 'callback_declined')
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      await tx.updateTable('request_complaint').set({ close_reason: 'declined_no_new_complaint' }).where('request_id', '=', c.id).execute();
      await cancelDeadlines(tx, c.id, now);
      await refreshNextDue(tx, c.id);
      const data = { reason: 'declined_no_new_complaint', declinedAt: since, days: DECLINED_CLOSE_DAYS };
      await appendRequestEvent(
        tx,
        ctx.dialect,
        c.id,
        SYSTEM_ACTOR,
        { type: 'auto_closed', from: 'callback_declined', to: 'closed', data },
        now,
      );
      await appendAudit(
        tx,
        ctx.dialect,
        SYSTEM_ACTOR,
        { action: 'request.auto_closed', entity: 'request', entityId: c.id, after: data },
        now,
      );
      live.push({
        type: 'request.updated',
        requestId: c.id,
        projectId: c.project_id,
        departmentId: c.department_id,
        assigneeId: c.assignee_id,
        at: now,
      });
      return true;
    });
    ctx.live.publishAll(live);
    if (done) closed++;
  }
  return { closed };
}
