import { actorOf, can, inProject, type Viewer } from '../../platform/auth/viewer.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Db, Tx } from '../../platform/db/index.ts';
import { encodeCursor, keysetAfter } from '../../platform/http/common.ts';
import { fieldError, forbidden, notFound, ruleViolated } from '../../platform/http/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { LiveEvent } from '../../platform/live/live.ts';
import { notify } from '../../platform/notify/notify.ts';
import { getSetting, putSetting } from '../../platform/settings/settings.ts';
import { casUpdate, write } from '../../platform/write.ts';
import { nextSerial } from '../requests/numbers.ts';
import { currentOccupancies } from '../requests/requests.service.ts';
import {
  EMERGENCY_TYPE_LABEL,
  type EmergencyCloseInput,
  type EmergencyCreateInput,
  type EmergencyListInput,
  type EmergencyType,
  type Plans,
  type PlansPutInput,
} from './emergencies.schema.ts';
import type { StepCreateInput } from './incidents.schema.ts';
import { departmentByCode, departmentUsers, type Notified, projectResidentUsers, projectUsersByRole, RecipientList } from './recipients.ts';
import { appendStep, checkCorrects, presentStep, recordStart } from './steps.ts';

export const EMERGENCY_PREFIX = 'YJ';
export const PLANS_SETTING = 'emergency.plans';
const BACKDATE_DAYS = 7;
const NOTICE_SLICE = 1000;

/**
 * Who each kind of emergency is reported to (应急预案的报告流程), as defaults: lift entrapment to
 * engineering and the project manager; fire to security, the project manager and company
 * leadership; the rest follow the same pattern of the department that acts plus the manager.
 * A company or project changes them with the `emergency.plans` setting.
 */
export const DEFAULT_PLANS: Plans = {
  water_power: { departments: ['engineering', 'service'], roles: ['project_manager'] },
  lift: { departments: ['engineering'], roles: ['project_manager'] },
  fire: { departments: ['security', 'leadership'], roles: ['project_manager'] },
  weather: { departments: ['security', 'engineering', 'environment'], roles: ['project_manager'] },
  other: { departments: [], roles: ['service_supervisor', 'project_manager'] },
};

const ROLE_AS: Record<string, string> = {
  receptionist: '客服专员',
  service_supervisor: '客服主管',
  project_manager: '物业经理',
  department_head: '部门主管',
  technician: '维修工',
  gate_guard: '门岗',
  quality_officer: '品质管理部',
  company_leader: '公司领导',
  company_admin: '系统管理员',
};

export async function plansFor(db: Db | Tx, projectId: string | null): Promise<Plans> {
  return getSetting<Plans>(db, PLANS_SETTING, projectId, DEFAULT_PLANS);
}

export async function getPlans(ctx: AppContext, viewer: Viewer, projectId: string | null) {
  if (projectId !== null && !inProject(viewer, projectId)) throw notFound('项目');
  return { scope: projectId ?? 'company', plans: await plansFor(ctx.db, projectId) };
}

export async function putPlans(ctx: AppContext, viewer: Viewer, input: PlansPutInput) {
  const { projectId } = input;
  if (projectId === null ? viewer.projectIds !== null : !inProject(viewer, projectId)) throw forbidden('只能设置自己所属项目的应急预案');
  if (projectId !== null && !(await ctx.db.selectFrom('projects').select('id').where('id', '=', projectId).executeTakeFirst()))
    throw fieldError('projectId', '项目不存在');
  const scope = projectId ?? 'company';
  const plans = Object.fromEntries(
    Object.entries(input.plans).map(([k, v]) => [k, { departments: [...new Set(v.departments)], roles: [...new Set(v.roles)] }]),
  );
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    await putSetting(tx, PLANS_SETTING, scope, plans, now);
    await audit({ action: 'settings.emergency_plans', entity: 'settings', entityId: scope, after: plans });
  });
  return getPlans(ctx, viewer, projectId);
}

/** Carries out the plan of a type for a project: the departments' staff and the roles' holders, each person once. */
async function planRecipients(tx: Tx, projectId: string, type: EmergencyType): Promise<Notified[]> {
  const plan = (await plansFor(tx, projectId))[type] ?? DEFAULT_PLANS[type];
  const list = new RecipientList();
  for (const code of plan.departments) {
    const d = await departmentByCode(tx, projectId, code);
    if (d) list.add(await departmentUsers(tx, d.id), d.name);
  }
  for (const role of plan.roles) list.add(await projectUsersByRole(tx, projectId, role), ROLE_AS[role] ?? role);
  return list.resolve(tx);
}

// ---------- reading ----------

function emergencyQuery(db: Db | Tx) {
  return db
    .selectFrom('emergencies')
    .innerJoin('projects', 'projects.id', 'emergencies.project_id')
    .selectAll('emergencies')
    .select('projects.name as project_name');
}
type EmergencyJoined = Awaited<ReturnType<ReturnType<typeof emergencyQuery>['executeTakeFirstOrThrow']>>;

function fieldsOf(r: EmergencyJoined) {
  return {
    id: r.id,
    projectId: r.project_id,
    projectName: r.project_name,
    number: r.number,
    type: r.type as EmergencyType,
    typeLabel: EMERGENCY_TYPE_LABEL[r.type as EmergencyType] ?? r.type,
    startedAt: r.started_at,
    place: r.place,
    summary: r.summary,
    status: r.status as 'open' | 'closed',
    closedAt: r.closed_at,
    createdAt: r.created_at,
    version: r.version,
  };
}

async function visibleEmergency(ctx: AppContext, viewer: Viewer, id: string) {
  const r = await emergencyQuery(ctx.db).where('emergencies.id', '=', id).executeTakeFirst();
  if (!r || !can(viewer, 'request.read') || !inProject(viewer, r.project_id)) throw notFound('突发事件');
  return r;
}

export async function getEmergency(ctx: AppContext, viewer: Viewer, id: string) {
  const r = await visibleEmergency(ctx, viewer, id);
  const steps = await ctx.db.selectFrom('emergency_steps').selectAll().where('emergency_id', '=', id).orderBy('n').execute();
  const notices = await ctx.db
    .selectFrom('emergency_notices')
    .selectAll()
    .where('emergency_id', '=', id)
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const ids = [r.closed_by, r.reported_by].filter((x): x is string => !!x);
  const users = ids.length ? await ctx.db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', ids).execute() : [];
  const name = (uid: string | null) => users.find((u) => u.id === uid)?.display_name ?? null;
  return {
    ...fieldsOf(r),
    notified: JSON.parse(r.notified) as Notified[],
    steps: steps.map(presentStep),
    notices: notices.map((n) => ({
      id: n.id,
      text: n.text,
      publishedAt: n.published_at,
      publishedByName: n.published_by_name,
      recipients: n.recipients,
    })),
    closing:
      r.status === 'closed'
        ? { cause: r.cause, handling: r.handling, losses: r.losses, followUp: r.follow_up, closedByName: name(r.closed_by) }
        : null,
    reportedByName: name(r.reported_by),
  };
}

export async function listEmergencies(ctx: AppContext, viewer: Viewer, q: EmergencyListInput) {
  if (q.projectId && !inProject(viewer, q.projectId)) throw notFound('项目');
  const scope = q.projectId ? [q.projectId] : viewer.projectIds;
  if (scope !== null && scope.length === 0) return { items: [], nextCursor: null };
  let query = emergencyQuery(ctx.db)
    .select((eb) =>
      eb
        .selectFrom('emergency_notices')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('emergency_notices.emergency_id', '=', 'emergencies.id')
        .as('notice_count'),
    )
    .orderBy('emergencies.started_at', 'desc')
    .orderBy('emergencies.id', 'desc')
    .limit(q.limit + 1);
  if (scope !== null) query = query.where('emergencies.project_id', 'in', scope);
  if (q.status) query = query.where('emergencies.status', '=', q.status);
  if (q.type) query = query.where('emergencies.type', '=', q.type);
  const after = keysetAfter(q.cursor, ['emergencies.started_at', 'emergencies.id'], 'desc', ['number', 'string']);
  if (after) query = query.where(after);
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({ ...fieldsOf(r), stepCount: r.step_count, noticeCount: Number(r.notice_count ?? 0) })),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.started_at, last.id]) : null,
  };
}

/** A resident's banner: the latest notice of every open emergency in the projects they live in today. */
export async function myNotices(ctx: AppContext, viewer: Viewer) {
  if (viewer.role !== 'resident' || !viewer.personId) return [];
  const occ = await currentOccupancies(ctx.db, viewer.personId, ctx.clock.now()).select('project_id').execute();
  const projectIds = [...new Set(occ.map((o) => o.project_id))];
  if (!projectIds.length) return [];
  const open = await emergencyQuery(ctx.db)
    .where('emergencies.project_id', 'in', projectIds)
    .where('emergencies.status', '=', 'open')
    .execute();
  if (!open.length) return [];
  const notices = await ctx.db
    .selectFrom('emergency_notices')
    .selectAll()
    .where(
      'emergency_id',
      'in',
      open.map((e) => e.id),
    )
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const seen = new Set<string>();
  const out = [];
  for (const n of notices) {
    if (seen.has(n.emergency_id)) continue;
    seen.add(n.emergency_id);
    const e = open.find((x) => x.id === n.emergency_id) as EmergencyJoined;
    out.push({
      id: n.id,
      emergencyId: e.id,
      projectId: e.project_id,
      projectName: e.project_name,
      type: e.type as EmergencyType,
      typeLabel: EMERGENCY_TYPE_LABEL[e.type as EmergencyType] ?? e.type,
      text: n.text,
      publishedAt: n.published_at,
    });
  }
  return out;
}

// ---------- writing ----------

/** Logs an emergency and carries out its notification plan in the same transaction; who was told is kept on it. */
export async function createEmergency(ctx: AppContext, viewer: Viewer, input: EmergencyCreateInput) {
  const { project, happened: startedAt } = await recordStart(ctx, viewer, input.projectId, 'startedAt', input.startedAt, BACKDATE_DAYS);
  const live: LiveEvent[] = [];
  const id = await write(ctx, actorOf(viewer), async (tx, audit, at) => {
    const notified = await planRecipients(tx, project.id, input.type);
    const row = {
      id: newId(at),
      project_id: project.id,
      number: await nextSerial(tx, project.id, EMERGENCY_PREFIX, at),
      type: input.type,
      started_at: startedAt,
      place: input.place,
      summary: input.summary,
      status: 'open',
      notified: JSON.stringify(notified),
      step_count: 0,
      cause: '',
      handling: '',
      losses: '',
      follow_up: '',
      closed_at: null,
      closed_by: null,
      reported_by: viewer.userId,
      created_at: at,
      updated_at: at,
      version: 1,
    };
    await tx.insertInto('emergencies').values(row).execute();
    live.push(
      ...(await notify(
        tx,
        {
          userIds: notified.map((n) => n.userId),
          kind: 'emergency.logged',
          title: `【${EMERGENCY_TYPE_LABEL[input.type]}】${project.name} ${input.place}`,
          body: input.summary,
          link: `/emergencies?id=${row.id}`,
          dedupeKey: `emergency:${row.id}`,
          projectId: project.id,
        },
        at,
      )),
    );
    const { notified: _n, ...rest } = row;
    await audit({ action: 'emergency.logged', entity: 'emergency', entityId: row.id, after: { ...rest, notified } });
    return row.id;
  });
  ctx.live.publishAll(live);
  return getEmergency(ctx, viewer, id);
}

async function openEmergency(ctx: AppContext, viewer: Viewer, id: string) {
  if (!can(viewer, 'incident.manage')) throw forbidden();
  const r = await visibleEmergency(ctx, viewer, id);
  if (r.status !== 'open') throw ruleViolated('该突发事件已结案，记录只读', 'emergency_closed');
  return r;
}

/** Progress as it happens, appended; the counter moves in one UPDATE that also refuses a closed record. */
export async function addEmergencyStep(ctx: AppContext, viewer: Viewer, id: string, input: StepCreateInput) {
  const r = await openEmergency(ctx, viewer, id);
  checkCorrects(input, r.step_count);
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    const next = await tx
      .updateTable('emergencies')
      .set((eb) => ({ step_count: eb('step_count', '+', 1), updated_at: now }))
      .where('id', '=', id)
      .where('status', '=', 'open')
      .returning('step_count')
      .executeTakeFirst();
    if (!next) throw ruleViolated('该突发事件已结案，记录只读', 'emergency_closed');
    await appendStep(tx, audit, viewer, now, 'emergency', id, next.step_count, input);
  });
  return getEmergency(ctx, viewer, id);
}

/**
 * A notice to every resident of the project with a login (in-app), and the banner on their phone
 * home page while the emergency is open. The emergency row is locked first (a no-op update that
 * refuses a closed one), so a notice never lands on a record closed at the same moment.
 */
export async function publishNotice(ctx: AppContext, viewer: Viewer, id: string, text: string) {
  const r = await openEmergency(ctx, viewer, id);
  const live: LiveEvent[] = [];
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    const locked = await tx
      .updateTable('emergencies')
      .set({ updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (Number(locked.numUpdatedRows) !== 1) throw ruleViolated('该突发事件已结案，记录只读', 'emergency_closed');
    const residents = await projectResidentUsers(tx, r.project_id, now);
    const notice = {
      id: newId(now),
      emergency_id: id,
      project_id: r.project_id,
      text,
      recipients: residents.length,
      published_by: viewer.userId,
      published_by_name: viewer.name,
      published_at: now,
    };
    await tx.insertInto('emergency_notices').values(notice).execute();
    // In slices: an estate's residents can outnumber the parameters one statement may carry.
    for (let i = 0; i < residents.length || i === 0; i += NOTICE_SLICE)
      live.push(
        ...(await notify(
          tx,
          {
            userIds: residents.slice(i, i + NOTICE_SLICE),
            kind: 'emergency.notice',
            title: `${r.project_name}：${EMERGENCY_TYPE_LABEL[r.type as EmergencyType] ?? ''}通知`,
            body: text,
            link: '/m',
            dedupeKey: `emergency-notice:${notice.id}`,
            projectId: r.project_id,
          },
          now,
        )),
      );
    await audit({
      action: 'emergency.notice_published',
      entity: 'emergency',
      entityId: id,
      after: { noticeId: notice.id, text, recipients: residents.length },
    });
  });
  ctx.live.publishAll(live);
  return getEmergency(ctx, viewer, id);
}

/** The closing report closes the emergency; from then on nothing of it can be changed or added. */
export async function closeEmergency(ctx: AppContext, viewer: Viewer, id: string, input: EmergencyCloseInput) {
  await openEmergency(ctx, viewer, id);
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    await casUpdate(
      tx,
      'emergencies',
      id,
      input.version,
      {
        status: 'closed',
        cause: input.cause,
        handling: input.handling,
        losses: input.losses,
        follow_up: input.followUp,
        closed_at: now,
        closed_by: viewer.userId,
      },
      now,
      '突发事件',
    );
    await audit({
      action: 'emergency.closed',
      entity: 'emergency',
      entityId: id,
      before: { status: 'open' },
      after: { status: 'closed', ...input, version: undefined },
    });
  });
  return getEmergency(ctx, viewer, id);
}
