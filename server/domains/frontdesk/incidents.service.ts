import { appendAudit, SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import { actorOf, can, inProject, type Viewer } from '../../platform/auth/viewer.ts';
import { calendarConfig } from '../../platform/calendar/calendar.service.ts';
import { addDays, type CalendarConfig, localDateTime, nextWorkingDay, toLocalDate } from '../../platform/calendar/calendar.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Db, Tx } from '../../platform/db/index.ts';
import { encodeCursor, keysetAfter } from '../../platform/http/common.ts';
import { fieldError, forbidden, notFound, ruleViolated } from '../../platform/http/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { LiveEvent } from '../../platform/live/live.ts';
import { notify } from '../../platform/notify/notify.ts';
import { getSetting } from '../../platform/settings/settings.ts';
import { casUpdate, write } from '../../platform/write.ts';
import { indexTerms, personalDataIn, queryTerms } from '../complaints/cases.service.ts';
import { nextSerial } from '../requests/numbers.ts';
import {
  INCIDENT_CLASS_LABEL,
  type IncidentCaseInput,
  type IncidentClass,
  type IncidentCreateInput,
  type IncidentListInput,
  type StepCreateInput,
} from './incidents.schema.ts';
import { departmentByCode, departmentUsers, type Notified, projectUsersByRole, RecipientList } from './recipients.ts';
import { appendStep, checkCorrects, presentStep, recordStart } from './steps.ts';

export const INCIDENT_PREFIX = 'SJ';
/** "在两个工作日内填报《突发事件处理记录表》" — a setting per company or project. */
export const REPORT_DAYS_SETTING = 'incident.reportWorkingDays';
export const DEFAULT_REPORT_DAYS = 2;
/** A logged incident may be up to this old: the record is made after the visit, seldom later. */
const BACKDATE_DAYS = 30;

type Owner = { role: string; as: string } | { department: string; as: string };

/**
 * Who owns each class and is told at once (R-FD-3): A the service supervisor and the project
 * manager; B the company's human resources department; C the company's PR department and the
 * project manager.
 */
export const INCIDENT_OWNERS: Record<IncidentClass, Owner[]> = {
  A: [
    { role: 'service_supervisor', as: '客服主管' },
    { role: 'project_manager', as: '物业经理' },
  ],
  B: [{ department: 'hr', as: '人力资源部' }],
  C: [
    { department: 'pr', as: '行政公关部' },
    { role: 'project_manager', as: '物业经理' },
  ],
};

// ---------- the report's due time ----------

/** Close of business: the end of the last business interval of the day. */
const closeOf = (cfg: CalendarConfig) => cfg.businessHours[cfg.businessHours.length - 1]?.[1] ?? '17:30';

/**
 * The close of business of the n-th working day after the day of the incident: a Friday
 * incident is due on Tuesday, one on a National Day holiday on the second working day after
 * the holiday (make-up working days count, as they are working days).
 */
export function reportDueAt(occurredAt: number, workingDays: number, cfg: CalendarConfig): number {
  let day = toLocalDate(occurredAt);
  for (let i = 0; i < workingDays; i++) day = nextWorkingDay(addDays(day, 1), cfg);
  return localDateTime(day, closeOf(cfg));
}

async function reportDays(db: Db | Tx, projectId: string): Promise<number> {
  const v = await getSetting<unknown>(db, REPORT_DAYS_SETTING, projectId, DEFAULT_REPORT_DAYS);
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 30 ? v : DEFAULT_REPORT_DAYS;
}

// ---------- reading ----------

function incidentQuery(db: Db | Tx) {
  return db
    .selectFrom('incidents')
    .innerJoin('projects', 'projects.id', 'incidents.project_id')
    .selectAll('incidents')
    .select('projects.name as project_name');
}
type IncidentJoined = Awaited<ReturnType<ReturnType<typeof incidentQuery>['executeTakeFirstOrThrow']>>;

const isOverdue = (r: { report_submitted_at: number | null; report_due_at: number }, now: number) =>
  r.report_submitted_at === null && r.report_due_at < now;

function summaryOf(r: IncidentJoined, now: number) {
  return {
    id: r.id,
    projectId: r.project_id,
    projectName: r.project_name,
    number: r.number,
    class: r.class as IncidentClass,
    classLabel: INCIDENT_CLASS_LABEL[r.class as IncidentClass] ?? r.class,
    occurredAt: r.occurred_at,
    place: r.place,
    people: r.people,
    description: r.description,
    reportDueAt: r.report_due_at,
    reportSubmittedAt: r.report_submitted_at,
    overdue: isOverdue(r, now),
    reportLate: r.report_submitted_at !== null && r.report_submitted_at > r.report_due_at,
    isCase: r.is_case === 1,
    stepCount: r.step_count,
    createdAt: r.created_at,
    version: r.version,
  };
}

async function userNames(db: Db | Tx, ids: (string | null)[]) {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  const rows = wanted.length ? await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', wanted).execute() : [];
  return new Map(rows.map((u) => [u.id, u.display_name]));
}

/** Incidents are read by those who handle them: a visit by a dismissed employee is nobody else's business. */
async function visibleIncident(ctx: AppContext, viewer: Viewer, id: string) {
  if (!can(viewer, 'incident.manage')) throw forbidden();
  const r = await incidentQuery(ctx.db).where('incidents.id', '=', id).executeTakeFirst();
  if (!r || !inProject(viewer, r.project_id)) throw notFound('突发事件');
  return r;
}

export async function getIncident(ctx: AppContext, viewer: Viewer, id: string) {
  const r = await visibleIncident(ctx, viewer, id);
  const steps = await ctx.db.selectFrom('incident_steps').selectAll().where('incident_id', '=', id).orderBy('n').execute();
  const names = await userNames(ctx.db, [r.report_submitted_by, r.case_marked_by, r.reported_by]);
  const { stepCount: _n, ...summary } = summaryOf(r, ctx.clock.now());
  return {
    ...summary,
    notified: JSON.parse(r.notified) as Notified[],
    steps: steps.map(presentStep),
    report: r.report_text,
    reportSubmittedByName: r.report_submitted_by ? (names.get(r.report_submitted_by) ?? null) : null,
    overdueNotifiedAt: r.overdue_notified_at,
    caseSummary: r.case_summary,
    caseMarkedAt: r.case_marked_at,
    caseMarkedByName: r.case_marked_by ? (names.get(r.case_marked_by) ?? null) : null,
    reportedByName: r.reported_by ? (names.get(r.reported_by) ?? null) : null,
  };
}

/** Newest first by when it happened; "overdue" and "pending" read the (report_submitted_at, report_due_at) index. */
export async function listIncidents(ctx: AppContext, viewer: Viewer, q: IncidentListInput) {
  if (!can(viewer, 'incident.manage')) throw forbidden();
  if (q.projectId && !inProject(viewer, q.projectId)) throw notFound('项目');
  const scope = q.projectId ? [q.projectId] : viewer.projectIds;
  if (scope !== null && scope.length === 0) return { items: [], nextCursor: null };
  const now = ctx.clock.now();
  let query = incidentQuery(ctx.db)
    .orderBy('incidents.occurred_at', 'desc')
    .orderBy('incidents.id', 'desc')
    .limit(q.limit + 1);
  if (scope !== null) query = query.where('incidents.project_id', 'in', scope);
  if (q.class) query = query.where('incidents.class', '=', q.class);
  if (q.pending || q.overdue) query = query.where('incidents.report_submitted_at', 'is', null);
  if (q.overdue) query = query.where('incidents.report_due_at', '<', now);
  const after = keysetAfter(q.cursor, ['incidents.occurred_at', 'incidents.id'], 'desc', ['number', 'string']);
  if (after) query = query.where(after);
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => summaryOf(r, now)),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.occurred_at, last.id]) : null,
  };
}

// ---------- writing ----------

async function ownersOf(tx: Tx, projectId: string, cls: IncidentClass): Promise<Notified[]> {
  const list = new RecipientList();
  for (const o of INCIDENT_OWNERS[cls]) {
    if ('role' in o) list.add(await projectUsersByRole(tx, projectId, o.role), o.as);
    else {
      const d = await departmentByCode(tx, projectId, o.department);
      if (d) list.add(await departmentUsers(tx, d.id), o.as);
    }
  }
  return list.resolve(tx);
}

/**
 * Logs an incident and, in the same transaction, tells the owners of its class. Who was told is
 * kept on the record, so the report form shows it and nobody has to remember.
 */
export async function createIncident(ctx: AppContext, viewer: Viewer, input: IncidentCreateInput) {
  const { project, happened: occurredAt } = await recordStart(ctx, viewer, input.projectId, 'occurredAt', input.occurredAt, BACKDATE_DAYS);
  const dueAt = reportDueAt(occurredAt, await reportDays(ctx.db, project.id), await calendarConfig(ctx.db, project.id));
  const live: LiveEvent[] = [];
  const id = await write(ctx, actorOf(viewer), async (tx, audit, at) => {
    const notified = await ownersOf(tx, project.id, input.class);
    const row = {
      id: newId(at),
      project_id: project.id,
      number: await nextSerial(tx, project.id, INCIDENT_PREFIX, at),
      class: input.class,
      occurred_at: occurredAt,
      place: input.place,
      people: input.people,
      description: input.description,
      notified: JSON.stringify(notified),
      step_count: 0,
      report_due_at: dueAt,
      report_text: '',
      report_submitted_at: null,
      report_submitted_by: null,
      overdue_check_at: dueAt,
      overdue_notified_at: null,
      is_case: 0,
      case_summary: '',
      case_marked_at: null,
      case_marked_by: null,
      reported_by: viewer.userId,
      created_at: at,
      updated_at: at,
      version: 1,
    };
    await tx.insertInto('incidents').values(row).execute();
    const excerpt = Array.from(input.description).slice(0, 80).join('');
    live.push(
      ...(await notify(
        tx,
        {
          userIds: notified.map((n) => n.userId),
          kind: 'incident.logged',
          title: `【突发事件 ${input.class} 类】${project.name} ${input.place}`,
          body: `${INCIDENT_CLASS_LABEL[input.class]}。来访人员：${input.people}。${excerpt}`,
          link: `/incidents?id=${row.id}`,
          dedupeKey: `incident:${row.id}`,
          projectId: project.id,
        },
        at,
      )),
    );
    const { notified: _n, ...rest } = row;
    await audit({ action: 'incident.logged', entity: 'incident', entityId: row.id, after: { ...rest, notified } });
    return row.id;
  });
  ctx.live.publishAll(live);
  return getIncident(ctx, viewer, id);
}

/**
 * Appends a handling step. The counter is advanced in one UPDATE, so two people adding steps at
 * once get consecutive numbers without a version conflict; the record's version stays, since
 * nothing already written changes. A filed report closes the record to new steps.
 */
export async function addIncidentStep(ctx: AppContext, viewer: Viewer, id: string, input: StepCreateInput) {
  const r = await visibleIncident(ctx, viewer, id);
  if (r.report_submitted_at !== null) throw ruleViolated('处理记录表已提交，本事件的记录已归档', 'incident_reported');
  checkCorrects(input, r.step_count);
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    const next = await tx
      .updateTable('incidents')
      .set((eb) => ({ step_count: eb('step_count', '+', 1), updated_at: now }))
      .where('id', '=', id)
      .where('report_submitted_at', 'is', null)
      .returning('step_count')
      .executeTakeFirst();
    if (!next) throw ruleViolated('处理记录表已提交，本事件的记录已归档', 'incident_reported');
    await appendStep(tx, audit, viewer, now, 'incident', id, next.step_count, input);
  });
  return getIncident(ctx, viewer, id);
}

/** The written 突发事件处理记录表: submitted once; a late one is still accepted and stays counted as late. */
export async function submitReport(ctx: AppContext, viewer: Viewer, id: string, input: { version: number; report: string }) {
  const r = await visibleIncident(ctx, viewer, id);
  if (r.report_submitted_at !== null) throw ruleViolated('处理记录表已提交，不能重复提交', 'already_reported');
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    await casUpdate(
      tx,
      'incidents',
      id,
      input.version,
      { report_text: input.report, report_submitted_at: now, report_submitted_by: viewer.userId, overdue_check_at: null },
      now,
      '突发事件',
    );
    await audit({
      action: 'incident.reported',
      entity: 'incident',
      entityId: id,
      after: { report: input.report, late: now > r.report_due_at, dueAt: r.report_due_at },
    });
  });
  return getIncident(ctx, viewer, id);
}

const NO_PERSONAL = { people: [], phones: [], idNumbers: [], unitNumbers: [], plates: [] };
const TERM_CHUNK = 500;

/** 典型事件: a reported incident kept as a training case under a summary free of personal data. */
export async function markCase(ctx: AppContext, viewer: Viewer, id: string, input: { version: number; summary: string }) {
  const r = await visibleIncident(ctx, viewer, id);
  if (r.report_submitted_at === null) throw ruleViolated('处理记录表提交后才能整理为案例', 'incident_not_reported');
  if (r.is_case) throw ruleViolated('该事件已整理为案例', 'already_case');
  const found = personalDataIn(input.summary, NO_PERSONAL);
  if (found.length) throw fieldError('summary', '案例摘要中含有电话、证件号、房号或车牌，请删除或改为“某电话”“某房号”等');
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    await casUpdate(
      tx,
      'incidents',
      id,
      input.version,
      { is_case: 1, case_summary: input.summary, case_marked_at: now, case_marked_by: viewer.userId },
      now,
      '突发事件',
    );
    const terms = indexTerms([INCIDENT_CLASS_LABEL[r.class as IncidentClass] ?? '', r.place, input.summary].join('\n'));
    for (let i = 0; i < terms.length; i += TERM_CHUNK)
      await tx
        .insertInto('incident_case_terms')
        .values(terms.slice(i, i + TERM_CHUNK).map((term) => ({ term, incident_id: id })))
        .execute();
    await audit({ action: 'incident.case_marked', entity: 'incident', entityId: id, after: { summary: input.summary } });
  });
  return getIncident(ctx, viewer, id);
}

/**
 * Typical incidents as training material for all staff of the company (like the complaint case
 * library): the summary, class and place only, never the people involved.
 */
export async function listIncidentCases(ctx: AppContext, viewer: Viewer, q: IncidentCaseInput) {
  if (!can(viewer, 'request.read')) throw forbidden();
  let query = ctx.db
    .selectFrom('incidents')
    .innerJoin('projects', 'projects.id', 'incidents.project_id')
    .select([
      'incidents.id',
      'incidents.project_id',
      'projects.name as project_name',
      'incidents.number',
      'incidents.class',
      'incidents.occurred_at',
      'incidents.place',
      'incidents.case_summary',
      'incidents.case_marked_at',
    ])
    .where('incidents.case_marked_at', 'is not', null)
    .orderBy('incidents.case_marked_at', 'desc')
    .orderBy('incidents.id', 'desc')
    .limit(q.limit + 1);
  if (q.projectId) query = query.where('incidents.project_id', '=', q.projectId);
  if (q.class) query = query.where('incidents.class', '=', q.class);
  for (const term of queryTerms(q.q ?? ''))
    query = query.where('incidents.id', 'in', ctx.db.selectFrom('incident_case_terms').select('incident_id').where('term', '=', term));
  const after = keysetAfter(q.cursor, ['incidents.case_marked_at', 'incidents.id'], 'desc', ['number', 'string']);
  if (after) query = query.where(after);
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id,
      projectId: r.project_id,
      projectName: r.project_name,
      number: r.number,
      class: r.class as IncidentClass,
      classLabel: INCIDENT_CLASS_LABEL[r.class as IncidentClass] ?? r.class,
      occurredAt: r.occurred_at,
      place: r.place,
      summary: r.case_summary,
      markedAt: r.case_marked_at as number,
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.case_marked_at as number, last.id]) : null,
  };
}

// ---------- the overdue reminder ----------

/**
 * Tells the service supervisors once when an incident's report becomes overdue. Rows are found by
 * `overdue_check_at <= now` (an index seek); each is claimed by clearing that column only if it is
 * still set, so of two nodes running this at once exactly one notifies, and the dedupe key makes
 * a repeat harmless anyway.
 */
export async function remindOverdueIncidents(ctx: AppContext, limit = 200): Promise<{ reminded: number }> {
  const now = ctx.clock.now();
  const due = await ctx.db
    .selectFrom('incidents')
    .innerJoin('projects', 'projects.id', 'incidents.project_id')
    .select([
      'incidents.id',
      'incidents.project_id',
      'incidents.number',
      'incidents.class',
      'incidents.place',
      'incidents.report_due_at',
      'projects.name as project_name',
    ])
    .where('incidents.overdue_check_at', '<=', now)
    .orderBy('incidents.overdue_check_at')
    .limit(limit)
    .execute();
  let reminded = 0;
  for (const r of due) {
    const live: LiveEvent[] = [];
    const claimed = await ctx.db.transaction().execute(async (tx) => {
      const res = await tx
        .updateTable('incidents')
        .set({ overdue_check_at: null, overdue_notified_at: now })
        .where('id', '=', r.id)
        .where('overdue_check_at', '<=', now)
        .where('report_submitted_at', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      const supervisors = await projectUsersByRole(tx, r.project_id, 'service_supervisor');
      live.push(
        ...(await notify(
          tx,
          {
            userIds: supervisors,
            kind: 'incident.report_overdue',
            title: `突发事件处理记录表逾期：${r.number}`,
            body: `${r.project_name} ${r.class} 类突发事件（${r.place}）的处理记录表应于 ${new Date(r.report_due_at + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')} 前提交，目前尚未提交。`,
            link: `/incidents?id=${r.id}`,
            dedupeKey: `incident-overdue:${r.id}`,
            projectId: r.project_id,
          },
          now,
        )),
      );
      await appendAudit(
        tx,
        ctx.dialect,
        SYSTEM_ACTOR,
        {
          action: 'incident.report_overdue',
          entity: 'incident',
          entityId: r.id,
          after: { dueAt: r.report_due_at, notified: supervisors.length },
        },
        now,
      );
      return true;
    });
    if (claimed) {
      reminded++;
      ctx.live.publishAll(live);
    }
  }
  return { reminded };
}
