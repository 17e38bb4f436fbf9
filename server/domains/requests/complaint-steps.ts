import type { Selectable } from 'kysely';
import type { Viewer } from '../../platform/auth/viewer.ts';
import type { Tx } from '../../platform/db/index.ts';
import type { RequestComplaintTable, RequestTable } from '../../platform/db/types.ts';
import { type DeadlineRule, meetDeadlineById, startDeadline } from '../../platform/deadlines/deadlines.ts';
import { fieldError, forbidden, ruleViolated } from '../../platform/http/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { LiveEvent } from '../../platform/live/live.ts';
import { notify } from '../../platform/notify/notify.ts';
import type { StepArgs } from './requests.workflow.ts';

/**
 * The complaint steps that reach beyond the request itself (R-CP-6, 7, 10): help asked of
 * other departments and outside parties, escalation to company leadership or the quality
 * department, and the reports a significant complaint needs before it may close.
 */

type Complaint = Selectable<RequestComplaintTable>;

// Loaded when a step runs: the request service imports this module, and the workflow imports both.
const service = () => import('./requests.service.ts');
async function deadlineRules(tx: Tx, projectId: string) {
  return (await service()).deadlineRules(tx, projectId);
}
async function projectUsersByRole(tx: Tx, projectId: string, role: string) {
  return (await service()).projectUsersByRole(tx, projectId, role);
}
type Row = Selectable<RequestTable>;

export const ESCALATION_LABEL = { leadership: '公司领导', company: '公司品质管理部' } as const;
export type EscalationLevel = keyof typeof ESCALATION_LABEL;

/** Roles that speak for the company when a complaint is handled at company level. */
const COMPANY_ROLES = new Set(['quality_officer', 'company_leader', 'company_admin']);

export async function complaintOf(tx: Tx, requestId: string): Promise<Complaint> {
  return tx.selectFrom('request_complaint').selectAll().where('request_id', '=', requestId).executeTakeFirstOrThrow();
}

async function usersOfDepartment(tx: Tx, departmentId: string, roles?: string[]): Promise<string[]> {
  let q = tx
    .selectFrom('users')
    .innerJoin('staff', 'staff.id', 'users.staff_id')
    .select('users.id')
    .where('staff.department_id', '=', departmentId)
    .where('users.active', '=', 1);
  if (roles) q = q.where('users.role', 'in', roles);
  return (await q.execute()).map((u) => u.id);
}

/** Company leaders and the quality department, for everything escalated beyond the project. */
async function companyDeciders(tx: Tx, projectId: string, level: EscalationLevel): Promise<string[]> {
  const quality = await projectUsersByRole(tx, projectId, 'quality_officer');
  return level === 'leadership' ? [...(await projectUsersByRole(tx, projectId, 'company_leader')), ...quality] : quality;
}

async function qualityDepartment(tx: Tx): Promise<string | null> {
  const d = await tx
    .selectFrom('departments')
    .select('id')
    .where('project_id', 'is', null)
    .where('code', '=', 'quality')
    .executeTakeFirst();
  return d?.id ?? null;
}

/**
 * R-CP-10: compensation, or a complaint about the project manager, goes to company leadership;
 * a company-level complaint goes to the quality department, which then owns it. Used at intake
 * and by the `escalate` step; the decision itself becomes a deadline of its own.
 */
export async function escalate(
  tx: Tx,
  live: LiveEvent[],
  row: Pick<Row, 'id' | 'project_id' | 'number' | 'content'>,
  level: EscalationLevel,
  reason: string,
  now: number,
): Promise<{ escalation: EscalationLevel; departmentId: string | null }> {
  const rules = await deadlineRules(tx, row.project_id);
  const departmentId = level === 'company' ? await qualityDepartment(tx) : null;
  await tx
    .updateTable('request_complaint')
    .set({ escalation: level, escalated_at: now, escalation_reason: reason })
    .where('request_id', '=', row.id)
    .execute();
  if (level === 'leadership') {
    await startDeadline(
      tx,
      { requestId: row.id, projectId: row.project_id, kind: 'complaint.leadership', rule: rules['complaint.leadership'] as DeadlineRule },
      now,
    );
  }
  live.push(
    ...(await notify(
      tx,
      {
        userIds: await companyDeciders(tx, row.project_id, level),
        kind: 'complaint.escalated',
        title: `投诉 ${row.number} 已上报${ESCALATION_LABEL[level]}：${reason}`,
        body: row.content,
        link: `/requests/${row.id}`,
        requestId: row.id,
        dedupeKey: `escalated:${row.id}:${level}`,
        projectId: row.project_id,
      },
      now,
    )),
  );
  return { escalation: level, departmentId };
}

/** What escalation an intake's marks call for, with the reason in words. */
export function intakeEscalation(marks: { compensation: boolean; aboutManager: boolean }): string | null {
  const why = [marks.compensation ? '涉及经济赔偿/补偿' : '', marks.aboutManager ? '投诉管理处主任' : ''].filter(Boolean);
  return why.length ? why.join('，') : null;
}

export async function escalateStep(a: StepArgs) {
  const c = await complaintOf(a.tx, a.row.id);
  const level = a.input.level as EscalationLevel;
  if (c.escalation === level) throw fieldError('level', `已上报${ESCALATION_LABEL[level]}`);
  const r = await escalate(a.tx, a.live, a.row, level, a.input.reason as string, a.now);
  // The quality department takes the complaint over; its people become the handlers.
  if (r.departmentId) a.set({ department_id: r.departmentId, assignee_id: null });
  a.note({ escalation: level, escalationLabel: ESCALATION_LABEL[level] });
}

export async function leadershipDecisionStep(a: StepArgs) {
  const c = await complaintOf(a.tx, a.row.id);
  if (!c.escalation) throw ruleViolated('该投诉未上报公司，无需领导批示', 'not_escalated');
  a.detail({ leadership_decision: a.input.decision, leadership_decided_at: a.now });
  await tellProject(a, `投诉 ${a.row.number} 公司领导已批示`, a.input.decision as string, 'decision');
}

export async function correctionPlanStep(a: StepArgs) {
  const c = await complaintOf(a.tx, a.row.id);
  if (c.escalation !== 'company') throw ruleViolated('只有公司级投诉由品质管理部制定整改计划', 'not_company_level');
  if (c.correction_done_at) throw ruleViolated('整改已完成', 'correction_done');
  const managers = await projectUsersByRole(a.tx, a.row.project_id, 'project_manager');
  a.detail({ correction_plan: a.input.plan, correction_due_at: a.input.dueAt });
  const rules = await deadlineRules(a.tx, a.row.project_id);
  await startDeadline(
    a.tx,
    {
      requestId: a.row.id,
      projectId: a.row.project_id,
      kind: 'complaint.correction',
      rule: rules['complaint.correction'] as DeadlineRule,
      dueAt: a.input.dueAt as number,
      responsibleId: managers[0] ?? null,
    },
    a.now,
  );
  await tellProject(a, `投诉 ${a.row.number} 品质管理部整改计划（本项目须执行）`, a.input.plan as string, 'plan');
}

export async function correctionDoneStep(a: StepArgs) {
  const c = await complaintOf(a.tx, a.row.id);
  if (!c.correction_plan) throw ruleViolated('品质管理部尚未下达整改计划', 'no_correction_plan');
  if (c.correction_done_at) throw ruleViolated('整改已完成', 'correction_done');
  a.detail({ correction_done_at: a.now });
  a.live.push(
    ...(await notify(
      a.tx,
      {
        userIds: await projectUsersByRole(a.tx, a.row.project_id, 'quality_officer'),
        kind: 'complaint.correction_done',
        title: `投诉 ${a.row.number} 项目已完成整改，请回访投诉人`,
        body: a.input.note as string,
        link: `/requests/${a.row.id}`,
        requestId: a.row.id,
        dedupeKey: `correction-done:${a.row.id}`,
        projectId: a.row.project_id,
      },
      a.now,
    )),
  );
}

async function tellProject(a: StepArgs, title: string, body: string, what: string) {
  const users = [
    ...(await projectUsersByRole(a.tx, a.row.project_id, 'project_manager')),
    ...(await projectUsersByRole(a.tx, a.row.project_id, 'service_supervisor')),
    ...(a.row.assignee_id ? [a.row.assignee_id] : []),
  ];
  a.live.push(
    ...(await notify(
      a.tx,
      {
        userIds: users,
        kind: 'complaint.company',
        title,
        body,
        link: `/requests/${a.row.id}`,
        requestId: a.row.id,
        dedupeKey: `company:${what}:${a.row.id}:${a.row.event_n}`,
        projectId: a.row.project_id,
      },
      a.now,
    )),
  );
}

function significantOnly(c: Complaint) {
  if (c.grade !== 'significant') throw ruleViolated('只有重大投诉需要书面报告和纠正措施报告', 'not_significant');
}

export async function leadershipReportStep(a: StepArgs) {
  const c = await complaintOf(a.tx, a.row.id);
  significantOnly(c);
  if (c.leadership_reported_at) throw ruleViolated('书面报告已提交，补充内容请用更正', 'already_reported');
  a.detail({ leadership_report: a.input.report, leadership_reported_at: a.now });
  a.live.push(
    ...(await notify(
      a.tx,
      {
        userIds: await companyDeciders(a.tx, a.row.project_id, 'leadership'),
        kind: 'complaint.report',
        title: `重大投诉 ${a.row.number} 书面报告`,
        body: a.input.report as string,
        link: `/requests/${a.row.id}`,
        requestId: a.row.id,
        dedupeKey: `leadership-report:${a.row.id}`,
        projectId: a.row.project_id,
      },
      a.now,
    )),
  );
}

/** 纠正措施报告: announced to every member of staff of the company, whatever their project. */
export async function publishCorrectiveStep(a: StepArgs) {
  const c = await complaintOf(a.tx, a.row.id);
  significantOnly(c);
  if (c.corrective_published_at) throw ruleViolated('纠正措施报告已发布，补充内容请用更正', 'already_published');
  a.detail({ corrective_report: a.input.report, corrective_published_at: a.now });
  const staff = await a.tx.selectFrom('users').select('id').where('role', '!=', 'resident').where('active', '=', 1).execute();
  a.live.push(
    ...(await notify(
      a.tx,
      {
        userIds: staff.map((u) => u.id),
        kind: 'complaint.corrective',
        title: `纠正措施报告：${a.row.number}`,
        body: a.input.report as string,
        link: '/corrective-reports',
        requestId: a.row.id,
        dedupeKey: `corrective:${a.row.id}`,
        projectId: a.row.project_id,
      },
      a.now,
    )),
  );
}

/**
 * 规范11 and R-CP-10: before a complaint closes (or waits to close by itself) its cause and
 * preventive measure are recorded; an escalated one has leadership's decision or the quality
 * department's plan carried out; a significant one has both of its reports.
 */
export async function assertClosable(tx: Tx, requestId: string) {
  const c = await complaintOf(tx, requestId);
  if (!c.cause || !c.preventive) throw ruleViolated('结案前须记录原因分析和预防措施', 'analysis_required');
  if (c.escalation === 'leadership' && !c.leadership_decided_at)
    throw ruleViolated('已上报公司领导的投诉须有领导批示后才能结案', 'decision_required');
  if (c.escalation === 'company' && !c.correction_done_at)
    throw ruleViolated('公司级投诉须由项目完成品质管理部的整改计划后才能结案', 'correction_required');
  if (c.grade === 'significant' && (!c.leadership_reported_at || !c.corrective_published_at))
    throw ruleViolated('重大投诉须向公司领导提交书面报告并发布纠正措施报告后才能结案', 'reports_required');
  return c;
}

/** A company-level complaint is called back by the company, not by the project. */
export function assertCallbackBy(c: Complaint, viewer: Viewer) {
  if (c.escalation === 'company' && !COMPANY_ROLES.has(viewer.role)) throw forbidden('公司级投诉由公司品质管理部回访');
}

// ---------- help asked of others (协办) ----------

export const HELP_TARGET_LABEL = { department: '其他部门', committee: '业主委员会', external: '外部单位' } as const;

export async function askHelpStep(a: StepArgs) {
  const target = a.input.target as keyof typeof HELP_TARGET_LABEL;
  let party = String(a.input.party ?? '').trim();
  let departmentId: string | null = null;
  let helpers: string[] = [];
  if (target === 'department') {
    if (!a.input.departmentId) throw fieldError('departmentId', '请选择协办部门');
    const d = await a.tx
      .selectFrom('departments')
      .select(['id', 'name', 'project_id'])
      .where('id', '=', a.input.departmentId as string)
      .executeTakeFirst();
    if (!d || (d.project_id !== null && d.project_id !== a.row.project_id)) throw fieldError('departmentId', '部门不存在或不属于该项目');
    if (d.id === a.row.department_id) throw fieldError('departmentId', '协办须请其他部门，本部门请直接转交或分派');
    departmentId = d.id;
    party = d.name;
    const heads = await usersOfDepartment(a.tx, d.id, ['department_head', 'quality_officer', 'service_supervisor', 'project_manager']);
    helpers = heads.length ? heads : await usersOfDepartment(a.tx, d.id);
  } else if (!party) {
    throw fieldError('party', target === 'committee' ? '请填写业委会联系人' : '请填写协办单位');
  }
  const rules = await deadlineRules(a.tx, a.row.project_id);
  const deadline = await startDeadline(
    a.tx,
    {
      requestId: a.row.id,
      projectId: a.row.project_id,
      kind: 'complaint.help',
      rule: rules['complaint.help'] as DeadlineRule,
      dueAt: a.input.dueAt as number,
      responsibleId: helpers[0] ?? null,
    },
    a.now,
  );
  const id = newId(a.now);
  await a.tx
    .insertInto('complaint_help')
    .values({
      id,
      request_id: a.row.id,
      project_id: a.row.project_id,
      target,
      department_id: departmentId,
      party,
      matter: a.input.matter as string,
      due_at: deadline.due_at,
      deadline_id: deadline.id,
      asked_by: a.viewer.userId,
      asked_at: a.now,
      status: 'open',
      reports: 0,
      last_report_at: null,
      done_at: null,
      version: 1,
    })
    .execute();
  if (helpers.length) {
    a.live.push(
      ...(await notify(
        a.tx,
        {
          userIds: helpers,
          kind: 'complaint.help',
          title: `投诉 ${a.row.number} 请求协办`,
          body: a.input.matter as string,
          link: `/requests/${a.row.id}`,
          requestId: a.row.id,
          dedupeKey: `help:${id}`,
          projectId: a.row.project_id,
        },
        a.now,
      )),
    );
  }
  a.note({ helpId: id, party, targetLabel: HELP_TARGET_LABEL[target] });
}

/** Every piece of progress goes back to the complaint's handler; the last one closes the help's own deadline. */
export async function helpProgressStep(a: StepArgs) {
  const h = await a.tx
    .selectFrom('complaint_help')
    .selectAll()
    .where('id', '=', a.input.helpId as string)
    .where('request_id', '=', a.row.id)
    .executeTakeFirst();
  if (!h) throw fieldError('helpId', '协办事项不存在');
  if (h.status !== 'open') throw fieldError('helpId', '该协办事项已完成');
  const done = a.input.done === true;
  const up = await a.tx
    .updateTable('complaint_help')
    .set({
      reports: h.reports + 1,
      last_report_at: a.now,
      ...(done ? { status: 'done', done_at: a.now } : {}),
      version: h.version + 1,
    })
    .where('id', '=', h.id)
    .where('version', '=', h.version)
    .executeTakeFirst();
  if (Number(up.numUpdatedRows) !== 1) throw ruleViolated('该协办事项刚被他人更新，请刷新后重试', 'conflict');
  if (done) await meetDeadlineById(a.tx, a.row.id, h.deadline_id, a.now);
  const c = await complaintOf(a.tx, a.row.id);
  const handler = a.row.assignee_id ?? c.first_handler_id ?? h.asked_by;
  const to = handler ? [handler] : await projectUsersByRole(a.tx, a.row.project_id, 'service_supervisor');
  a.live.push(
    ...(await notify(
      a.tx,
      {
        userIds: to.filter((u) => u !== a.viewer.userId),
        kind: 'complaint.help_progress',
        title: `投诉 ${a.row.number} ${h.party}${done ? '协办完成' : '反馈进度'}`,
        body: a.input.note as string,
        link: `/requests/${a.row.id}`,
        requestId: a.row.id,
        dedupeKey: `help-progress:${h.id}:${h.reports + 1}`,
        projectId: a.row.project_id,
      },
      a.now,
    )),
  );
  a.note({ party: h.party, done });
}

export async function helpOfRequest(db: Tx | import('../../platform/db/index.ts').Db, requestId: string) {
  const rows = await db
    .selectFrom('complaint_help')
    .leftJoin('users', 'users.id', 'complaint_help.asked_by')
    .select([
      'complaint_help.id',
      'complaint_help.target',
      'complaint_help.department_id',
      'complaint_help.party',
      'complaint_help.matter',
      'complaint_help.due_at',
      'complaint_help.asked_at',
      'complaint_help.status',
      'complaint_help.reports',
      'complaint_help.last_report_at',
      'complaint_help.done_at',
      'users.display_name as asked_by_name',
    ])
    .where('complaint_help.request_id', '=', requestId)
    .orderBy('complaint_help.asked_at')
    .orderBy('complaint_help.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    target: r.target,
    targetLabel: HELP_TARGET_LABEL[r.target as keyof typeof HELP_TARGET_LABEL] ?? r.target,
    departmentId: r.department_id,
    party: r.party,
    matter: r.matter,
    dueAt: r.due_at,
    askedAt: r.asked_at,
    askedBy: r.asked_by_name ?? '',
    status: r.status,
    reports: r.reports,
    lastReportAt: r.last_report_at,
    doneAt: r.done_at,
  }));
}
