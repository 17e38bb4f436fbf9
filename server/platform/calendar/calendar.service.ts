import { actorOf, inProject, type Viewer } from '../auth/viewer.ts';
import type { AppContext } from '../context.ts';
import { type Db, fromJson, type Tx } from '../db/index.ts';
import { fieldError, forbidden, notFound, ruleViolated } from '../http/errors.ts';
import { newId } from '../ids.ts';
import { write } from '../write.ts';
import { type BusinessHours, type CalendarConfig, type DayKind, parseBusinessHours } from './calendar.ts';

/**
 * The calendar a project's deadlines run on: its business hours, then company-wide
 * overrides, then the project's own (later entries win in the calendar module).
 */
export async function calendarConfig(db: Db | Tx, projectId: string): Promise<CalendarConfig> {
  const p = await db.selectFrom('projects').select('business_hours').where('id', '=', projectId).executeTakeFirst();
  if (!p) throw notFound('项目');
  const rows = await db
    .selectFrom('calendar_overrides')
    .select(['project_id', 'date', 'kind', 'note', 'created_at'])
    .where((eb) => eb.or([eb('project_id', 'is', null), eb('project_id', '=', projectId)]))
    .execute();
  rows.sort((a, b) => (a.project_id === null ? 0 : 1) - (b.project_id === null ? 0 : 1) || a.created_at - b.created_at);
  return {
    businessHours: parseBusinessHours(fromJson<BusinessHours>(p.business_hours)),
    overrides: rows.map((r) => ({ date: r.date, kind: r.kind as DayKind, note: r.note })),
  };
}

export async function listOverrides(ctx: AppContext, viewer: Viewer, projectId?: string) {
  if (projectId && !inProject(viewer, projectId)) throw notFound('项目');
  let q = ctx.db.selectFrom('calendar_overrides').selectAll().orderBy('date');
  if (projectId) q = q.where((eb) => eb.or([eb('project_id', 'is', null), eb('project_id', '=', projectId)]));
  else if (viewer.projectIds !== null) {
    const ids = viewer.projectIds;
    q = q.where((eb) => eb.or([eb('project_id', 'is', null), ...(ids.length ? [eb('project_id', 'in', ids)] : [])]));
  }
  const rows = await q.execute();
  return rows.map((r) => ({ id: r.id, projectId: r.project_id, date: r.date, kind: r.kind as DayKind, note: r.note }));
}

export async function addOverride(
  ctx: AppContext,
  viewer: Viewer,
  input: { projectId: string | null; date: string; kind: DayKind; note: string },
) {
  if (input.projectId === null) {
    if (viewer.projectIds !== null) throw forbidden('只有公司级账号可以设置全公司的日历');
  } else {
    const p = await ctx.db.selectFrom('projects').select('id').where('id', '=', input.projectId).executeTakeFirst();
    if (!p || !inProject(viewer, input.projectId)) throw fieldError('projectId', '项目不存在');
  }
  let dup = ctx.db.selectFrom('calendar_overrides').select('id').where('date', '=', input.date);
  dup = input.projectId === null ? dup.where('project_id', 'is', null) : dup.where('project_id', '=', input.projectId);
  if (await dup.executeTakeFirst()) throw ruleViolated(`${input.date} 已有调整，请先删除原调整`);
  return write(ctx, actorOf(viewer), async (tx, audit, now) => {
    const row = { id: newId(now), project_id: input.projectId, date: input.date, kind: input.kind, note: input.note, created_at: now };
    await tx.insertInto('calendar_overrides').values(row).execute();
    await audit({ action: 'calendar.override_added', entity: 'calendar', entityId: input.projectId ?? 'company', after: input });
    return { id: row.id, projectId: row.project_id, date: row.date, kind: input.kind, note: row.note };
  });
}

export async function removeOverride(ctx: AppContext, viewer: Viewer, id: string) {
  const row = await ctx.db.selectFrom('calendar_overrides').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('日历调整');
  if (row.project_id === null ? viewer.projectIds !== null : !inProject(viewer, row.project_id)) throw notFound('日历调整');
  await write(ctx, actorOf(viewer), async (tx, audit) => {
    await tx.deleteFrom('calendar_overrides').where('id', '=', id).execute();
    await audit({
      action: 'calendar.override_removed',
      entity: 'calendar',
      entityId: row.project_id ?? 'company',
      before: { date: row.date, kind: row.kind, note: row.note },
    });
  });
}
