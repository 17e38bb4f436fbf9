import { maskPhone } from '../../platform/access/mask.ts';
import { appendAudit, SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import { actorOf, can, inProject, type Viewer } from '../../platform/auth/viewer.ts';
import { calendarConfig } from '../../platform/calendar/calendar.service.ts';
import { addWorkingDays } from '../../platform/calendar/calendar.ts';
import type { AppContext } from '../../platform/context.ts';
import { meetDeadlines, refreshNextDue } from '../../platform/deadlines/deadlines.ts';
import { encodeCursor, keysetAfter } from '../../platform/http/common.ts';
import { conflict, fieldError, notFound } from '../../platform/http/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { LiveEvent } from '../../platform/live/live.ts';
import { notify } from '../../platform/notify/notify.ts';
import { appendRequestEvent } from '../requests/request-events.ts';
import { projectUsersByRole } from '../requests/requests.service.ts';
import {
  aftercareRules,
  createRework,
  drawSample,
  insertCallback,
  newSeed,
  previousWeek,
  scheduleNextFollowUp,
  weekBounds,
} from './aftercare.ts';
import type { CallbackListQuery, CallbackResult } from './callbacks.schema.ts';

export const CALLBACK_KIND_LABEL: Record<string, string> = {
  weekly: '每周抽样回访',
  rework: '返修特殊回访（24 小时内）',
  follow_up: '重大缺陷上门跟踪',
};

const OUTCOME_LABEL: Record<string, string> = {
  reached: '已回访',
  unreachable: '联系不上',
  defect_persists: '缺陷仍存在，已返修',
  closed: '已修复，结束跟踪',
  observe: '继续观察',
};

/**
 * R-RP-7: draws last week's sample for every project that has no draw for that week yet.
 * Safe on several nodes at once: the (project, week) key lets exactly one insert win, and
 * the callbacks are written in the same transaction as the draw.
 */
export async function drawWeeklyCallbacks(ctx: AppContext, now = ctx.clock.now()) {
  const { week, from, to } = previousWeek(now);
  const projects = await ctx.db.selectFrom('projects').select(['id', 'name']).orderBy('id').execute();
  const done: { projectId: string; week: string; population: number; drawn: number }[] = [];
  for (const p of projects) {
    const exists = await ctx.db
      .selectFrom('callback_draws')
      .select('id')
      .where('project_id', '=', p.id)
      .where('week', '=', week)
      .executeTakeFirst();
    if (exists) continue;
    const r = await drawWeek(ctx, p.id, week, from, to, now);
    if (r) done.push({ projectId: p.id, week, population: r.population, drawn: r.drawn });
  }
  return { week, draws: done };
}

async function drawWeek(ctx: AppContext, projectId: string, week: string, from: number, to: number, now: number) {
  const rules = await aftercareRules(ctx.db, projectId);
  const cal = await calendarConfig(ctx.db, projectId);
  const live: LiveEvent[] = [];
  const result = await ctx.db.transaction().execute(async (tx) => {
    const population = (
      await tx
        .selectFrom('request_repair')
        .innerJoin('requests', 'requests.id', 'request_repair.request_id')
        .select('requests.id')
        .where('request_repair.completed_at', '>=', from)
        .where('request_repair.completed_at', '<', to)
        .where('requests.project_id', '=', projectId)
        .orderBy('requests.id')
        .execute()
    ).map((r) => r.id);
    const seed = newSeed();
    const drawn = drawSample(seed, population, rules.ratePct);
    const drawId = newId(now);
    const ins = await tx
      .insertInto('callback_draws')
      .values({
        id: drawId,
        project_id: projectId,
        week,
        seed,
        rate_pct: rules.ratePct,
        population: JSON.stringify(population),
        drawn: JSON.stringify(drawn),
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['project_id', 'week']).doNothing())
      .executeTakeFirst();
    if (Number(ins.numInsertedOrUpdatedRows ?? 0) !== 1) return null;
    const dueAt = addWorkingDays(now, rules.weeklyDueWorkingDays, cal);
    for (const requestId of drawn) {
      await insertCallback(tx, { projectId, requestId, kind: 'weekly', seq: 1, dueAt, drawId }, now);
    }
    await appendAudit(
      tx,
      ctx.dialect,
      SYSTEM_ACTOR,
      {
        action: 'callback.drawn',
        entity: 'callback_draw',
        entityId: drawId,
        after: { projectId, week, seed, ratePct: rules.ratePct, population: population.length, drawn },
      },
      now,
    );
    if (drawn.length) {
      const users = [
        ...(await projectUsersByRole(tx, projectId, 'service_supervisor')),
        ...(await projectUsersByRole(tx, projectId, 'receptionist')),
      ];
      live.push(
        ...(await notify(
          tx,
          {
            userIds: users,
            kind: 'callback.drawn',
            title: `本周维修回访：抽取 ${drawn.length} 张工单（上周完工 ${population.length} 张）`,
            body: `请在 ${rules.weeklyDueWorkingDays} 个工作日内完成电话回访`,
            link: '/callbacks',
            dedupeKey: `callback-draw:${drawId}`,
            projectId,
          },
          now,
        )),
      );
    }
    return { population: population.length, drawn: drawn.length };
  });
  ctx.live.publishAll(live);
  return result;
}

function scopeOf(viewer: Viewer, projectId?: string): string[] | null {
  if (projectId) {
    if (!inProject(viewer, projectId)) throw notFound('项目');
    return [projectId];
  }
  return viewer.projectIds;
}

function callbackQuery(ctx: AppContext) {
  return ctx.db
    .selectFrom('callbacks')
    .innerJoin('requests', 'requests.id', 'callbacks.request_id')
    .innerJoin('request_repair', 'request_repair.request_id', 'callbacks.request_id')
    .leftJoin('units', 'units.id', 'requests.unit_id')
    .leftJoin('users as tech', 'tech.id', 'requests.assignee_id')
    .leftJoin('users as doer', 'doer.id', 'callbacks.done_by')
    .select([
      'callbacks.id',
      'callbacks.project_id',
      'callbacks.request_id',
      'callbacks.kind',
      'callbacks.draw_id',
      'callbacks.seq',
      'callbacks.due_at',
      'callbacks.status',
      'callbacks.method',
      'callbacks.outcome',
      'callbacks.satisfaction',
      'callbacks.note',
      'callbacks.done_at',
      'callbacks.version',
      'requests.number',
      'requests.content',
      'requests.requester_name',
      'requests.requester_phone',
      'requests.status as request_status',
      'units.number as unit_number',
      'tech.display_name as technician_name',
      'doer.display_name as done_by_name',
      'request_repair.completed_at',
      'request_repair.rework_of',
    ]);
}
type CallbackRow = Awaited<ReturnType<ReturnType<typeof callbackQuery>['executeTakeFirstOrThrow']>>;

function present(viewer: Viewer, r: CallbackRow, now: number) {
  return {
    id: r.id,
    projectId: r.project_id,
    requestId: r.request_id,
    kind: r.kind,
    kindLabel: CALLBACK_KIND_LABEL[r.kind] ?? r.kind,
    drawId: r.draw_id,
    seq: r.seq,
    dueAt: r.due_at,
    overdue: r.status === 'pending' && r.due_at < now,
    status: r.status,
    method: r.method,
    outcome: r.outcome,
    outcomeLabel: r.outcome ? (OUTCOME_LABEL[r.outcome] ?? r.outcome) : null,
    satisfaction: r.satisfaction,
    note: r.note,
    doneAt: r.done_at,
    doneByName: r.done_by_name ?? null,
    version: r.version,
    number: r.number,
    content: r.content,
    requesterName: r.requester_name,
    requesterPhone: can(viewer, 'pii.phone') ? r.requester_phone : maskPhone(r.requester_phone),
    unitNumber: r.unit_number ?? null,
    technicianName: r.technician_name ?? null,
    completedAt: r.completed_at,
    reworkOf: r.rework_of,
  };
}

/** The service center's callback tasks: pending ones due soonest first, done ones newest first. */
export async function listCallbacks(ctx: AppContext, viewer: Viewer, q: CallbackListQuery) {
  const scope = scopeOf(viewer, q.projectId);
  if (scope !== null && scope.length === 0) return { items: [], nextCursor: null };
  const pending = q.status === 'pending';
  let query = callbackQuery(ctx)
    .where('callbacks.status', '=', q.status)
    .limit(q.limit + 1);
  if (scope !== null) query = query.where('callbacks.project_id', 'in', scope);
  if (q.kind) query = query.where('callbacks.kind', '=', q.kind);
  if (q.requestId) query = query.where('callbacks.request_id', '=', q.requestId);
  if (q.drawId) query = query.where('callbacks.draw_id', '=', q.drawId);
  const col = pending ? 'callbacks.due_at' : 'callbacks.done_at';
  const dir = pending ? 'asc' : 'desc';
  query = query.orderBy(col, dir).orderBy('callbacks.id', dir);
  const after = keysetAfter(q.cursor, [col, 'callbacks.id'], dir, ['number', 'string']);
  if (after) query = query.where(after);
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const now = ctx.clock.now();
  return {
    items: page.map((r) => present(viewer, r, now)),
    nextCursor: rows.length > q.limit && last ? encodeCursor([pending ? last.due_at : (last.done_at ?? 0), last.id]) : null,
  };
}

async function loadCallback(ctx: AppContext, viewer: Viewer, id: string) {
  const r = await callbackQuery(ctx).where('callbacks.id', '=', id).executeTakeFirst();
  if (!r || !inProject(viewer, r.project_id)) throw notFound('回访任务');
  return r;
}

/**
 * Records a callback's result. The task is compare-and-set on its version; the result goes
 * into the order's own history and the audit trail; a rework callback meets its 24-hour
 * deadline; "defect still there" creates the rework order at once; a follow-up visit that
 * does not close the case schedules the next one.
 */
export async function recordCallback(ctx: AppContext, viewer: Viewer, id: string, input: CallbackResult) {
  const cb = await loadCallback(ctx, viewer, id);
  const followUp = cb.kind === 'follow_up';
  const allowed = followUp ? ['closed', 'observe', 'defect_persists'] : ['reached', 'unreachable', 'defect_persists'];
  if (!allowed.includes(input.outcome))
    throw fieldError(
      'outcome',
      followUp ? '上门跟踪的结果应为：已修复 / 继续观察 / 缺陷仍存在' : '回访结果应为：已回访 / 联系不上 / 缺陷仍存在',
    );
  if (input.outcome === 'reached' && !input.satisfaction) throw fieldError('satisfaction', '请选择住户满意度');
  if (input.outcome === 'defect_persists' && !input.note) throw fieldError('note', '请记录住户反映的问题');
  const actor = actorOf(viewer);
  const live: LiveEvent[] = [];
  const out = await ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const res = await tx
      .updateTable('callbacks')
      .set({
        status: 'done',
        method: input.method,
        outcome: input.outcome,
        satisfaction: input.outcome === 'unreachable' ? null : (input.satisfaction ?? null),
        note: input.note,
        done_by: viewer.userId,
        done_at: now,
        version: input.version + 1,
      })
      .where('id', '=', id)
      .where('version', '=', input.version)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) {
      const cur = await tx.selectFrom('callbacks').select(['status', 'version', 'done_at']).where('id', '=', id).executeTakeFirstOrThrow();
      throw conflict(cur.status === 'done' ? '该回访已记录，请刷新' : '该回访任务已被他人修改，请刷新后再试', cur);
    }
    const request = await tx.selectFrom('requests').selectAll().where('id', '=', cb.request_id).executeTakeFirstOrThrow();
    // The order changed (history, perhaps its deadlines): others holding it must reload.
    await tx
      .updateTable('requests')
      .set((eb) => ({ version: eb('version', '+', 1), updated_at: now }))
      .where('id', '=', request.id)
      .execute();
    let rework: { id: string; number: string } | null = null;
    let nextFollowUpAt: number | null = null;
    if (cb.kind === 'rework' && input.outcome !== 'unreachable') {
      await meetDeadlines(tx, request.id, ['repair.callback'], now);
      await refreshNextDue(tx, request.id);
    }
    if (input.outcome === 'defect_persists') {
      rework = await createRework(ctx, tx, actor, viewer.userId, live, now, request, input.note, 'phone');
    }
    if (followUp && input.outcome !== 'closed')
      nextFollowUpAt = await scheduleNextFollowUp(tx, request.project_id, request.id, cb.seq, now);
    const data = {
      callbackId: id,
      kind: cb.kind,
      kindLabel: CALLBACK_KIND_LABEL[cb.kind],
      seq: cb.seq,
      method: input.method,
      outcome: input.outcome,
      satisfaction: input.satisfaction ?? null,
      note: input.note,
      ...(rework ? { reworkId: rework.id, reworkNumber: rework.number } : {}),
      ...(nextFollowUpAt ? { nextFollowUpAt } : {}),
    };
    await appendRequestEvent(tx, ctx.dialect, request.id, actor, { type: 'callback', data }, now);
    await appendAudit(tx, ctx.dialect, actor, { action: 'callback.recorded', entity: 'callback', entityId: id, after: data }, now);
    live.push({
      type: 'request.updated',
      requestId: request.id,
      projectId: request.project_id,
      departmentId: request.department_id,
      assigneeId: request.assignee_id,
      at: now,
    });
    return { rework, nextFollowUpAt };
  });
  ctx.live.publishAll(live);
  const after = await loadCallback(ctx, viewer, id);
  return {
    ...present(viewer, after, ctx.clock.now()),
    reworkId: out.rework?.id ?? null,
    reworkNumber: out.rework?.number ?? null,
    nextFollowUpAt: out.nextFollowUpAt,
  };
}

/** The weekly draws with their seed and lists; each is re-drawn from what is stored to show it reproduces. */
export async function listDraws(ctx: AppContext, viewer: Viewer, projectId: string) {
  if (!inProject(viewer, projectId)) throw notFound('项目');
  const rows = await ctx.db
    .selectFrom('callback_draws')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('week', 'desc')
    .limit(52)
    .execute();
  return rows.map((d) => {
    const population = JSON.parse(d.population) as string[];
    const drawn = JSON.parse(d.drawn) as string[];
    const again = drawSample(d.seed, population, d.rate_pct);
    return {
      id: d.id,
      projectId: d.project_id,
      week: d.week,
      from: weekBounds(d.week).from,
      to: weekBounds(d.week).to,
      seed: d.seed,
      ratePct: d.rate_pct,
      population: population.length,
      drawn,
      reproduced: again.length === drawn.length && again.every((x, i) => x === drawn[i]),
      createdAt: d.created_at,
    };
  });
}

/** How many callback tasks wait, and how many are past due: the count the service center's queue shows. */
export async function callbackCounts(ctx: AppContext, viewer: Viewer, projectId?: string) {
  const scope = scopeOf(viewer, projectId);
  if (scope !== null && scope.length === 0) return { pending: 0, overdue: 0 };
  const now = ctx.clock.now();
  let q = ctx.db
    .selectFrom('callbacks')
    .select((eb) => [
      eb.fn.countAll<string | number>().as('pending'),
      eb.fn.sum<string | number | null>(eb.case().when('due_at', '<', now).then(1).else(0).end()).as('overdue'),
    ])
    .where('status', '=', 'pending');
  if (scope !== null) q = q.where('project_id', 'in', scope);
  const r = await q.executeTakeFirstOrThrow();
  return { pending: Number(r.pending), overdue: Number(r.overdue ?? 0) };
}
