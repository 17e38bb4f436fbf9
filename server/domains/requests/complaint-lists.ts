import type { Viewer } from '../../platform/auth/viewer.ts';
import type { AppContext } from '../../platform/context.ts';
import { encodeCursor, keysetAfter } from '../../platform/http/common.ts';

/**
 * Lists around complaints that cut across the queues: help asked of one's own department,
 * and the corrective action reports announced to all staff.
 */

/** 协办: open help asked of the viewer's department (or all of it in the viewer's projects), due soonest first. */
export async function helpAskedOfMe(ctx: AppContext, viewer: Viewer, q: { scope: 'department' | 'all'; cursor?: string; limit: number }) {
  let query = ctx.db
    .selectFrom('complaint_help')
    .innerJoin('requests', 'requests.id', 'complaint_help.request_id')
    .leftJoin('departments', 'departments.id', 'complaint_help.department_id')
    .select([
      'complaint_help.id',
      'complaint_help.request_id',
      'requests.number',
      'requests.content',
      'complaint_help.party',
      'complaint_help.matter',
      'complaint_help.due_at',
      'complaint_help.asked_at',
      'complaint_help.reports',
      'departments.name as department_name',
    ])
    .where('complaint_help.status', '=', 'open')
    .orderBy('complaint_help.due_at')
    .orderBy('complaint_help.id')
    .limit(q.limit + 1);
  if (q.scope === 'department') {
    const staff = viewer.staffId
      ? await ctx.db.selectFrom('staff').select('department_id').where('id', '=', viewer.staffId).executeTakeFirst()
      : undefined;
    if (!staff) return { items: [], nextCursor: null };
    query = query.where('complaint_help.department_id', '=', staff.department_id);
  }
  if (viewer.projectIds !== null) {
    if (!viewer.projectIds.length) return { items: [], nextCursor: null };
    query = query.where('complaint_help.project_id', 'in', viewer.projectIds);
  }
  const after = keysetAfter(q.cursor, ['complaint_help.due_at', 'complaint_help.id'], 'asc', ['number', 'string']);
  if (after) query = query.where(after);
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const now = ctx.clock.now();
  return {
    items: page.map((r) => ({
      id: r.id,
      requestId: r.request_id,
      number: r.number,
      content: r.content,
      party: r.party,
      departmentName: r.department_name,
      matter: r.matter,
      dueAt: r.due_at,
      askedAt: r.asked_at,
      reports: r.reports,
      overdue: r.due_at < now,
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.due_at, last.id]) : null,
  };
}

/**
 * 纠正措施报告 are announced company-wide (R-CP-10): every member of staff reads all of them,
 * whatever their projects. They carry the complaint's number and content, not the complainant.
 */
export async function correctiveReports(ctx: AppContext, q: { cursor?: string; limit: number }) {
  let query = ctx.db
    .selectFrom('request_complaint')
    .innerJoin('requests', 'requests.id', 'request_complaint.request_id')
    .innerJoin('projects', 'projects.id', 'requests.project_id')
    .select([
      'requests.id',
      'requests.number',
      'requests.content',
      'projects.name as project_name',
      'request_complaint.grade',
      'request_complaint.cause',
      'request_complaint.preventive',
      'request_complaint.corrective_report',
      'request_complaint.corrective_published_at',
    ])
    .where('request_complaint.corrective_published_at', 'is not', null)
    .orderBy('request_complaint.corrective_published_at', 'desc')
    .orderBy('requests.id', 'desc')
    .limit(q.limit + 1);
  const after = keysetAfter(q.cursor, ['request_complaint.corrective_published_at', 'requests.id'], 'desc', ['number', 'string']);
  if (after) query = query.where(after);
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      requestId: r.id,
      number: r.number,
      projectName: r.project_name,
      content: r.content,
      cause: r.cause,
      preventive: r.preventive,
      report: r.corrective_report,
      publishedAt: r.corrective_published_at as number,
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.corrective_published_at as number, last.id]) : null,
  };
}
