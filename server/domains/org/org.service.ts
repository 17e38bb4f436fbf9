import { sql } from 'kysely';
import type { z } from 'zod';
import { maskPhone } from '../../platform/access/mask.ts';
import { ROLE_PERMISSIONS, type Role, STAFF_ROLES } from '../../platform/access/roles.ts';
import { forgetSessions } from '../../platform/auth/auth.service.ts';
import { hashPassword, passwordProblem } from '../../platform/auth/passwords.ts';
import { actorOf, can, inProject, type Viewer } from '../../platform/auth/viewer.ts';
import { type BusinessHours, DEFAULT_BUSINESS_HOURS, parseBusinessHours } from '../../platform/calendar/calendar.ts';
import type { AppContext } from '../../platform/context.ts';
import { fromJson, toJson } from '../../platform/db/index.ts';
import { decodeCursor, encodeCursor, keysetAfter } from '../../platform/http/common.ts';
import { AppError, badRequest, fieldError, forbidden, notFound } from '../../platform/http/errors.ts';
import { newId } from '../../platform/ids.ts';
import { casUpdate, diff, write } from '../../platform/write.ts';
import type {
  DepartmentCreate,
  DepartmentPatch,
  ProjectCreate,
  ProjectPatch,
  StaffCreate,
  StaffPatch,
  UserCreate,
  UserPatch,
} from './org.schema.ts';

export const ROLE_NAMES: Record<Role, string> = {
  receptionist: '客服专员/前台',
  service_supervisor: '客服主管',
  project_manager: '物业经理/管理处主任',
  department_head: '部门主管',
  technician: '维修工',
  gate_guard: '门岗/安护员',
  quality_officer: '品质管理部',
  company_leader: '公司领导',
  company_admin: '系统管理员',
  resident: '业主/住户',
};

export function listRoles() {
  return Object.entries(ROLE_PERMISSIONS).map(([code, permissions]) => ({
    code,
    name: ROLE_NAMES[code as Role],
    permissions: [...permissions],
  }));
}

/** The company every record belongs to: one per installation for now. */
export async function companyId(ctx: AppContext): Promise<string> {
  const row = await ctx.db.selectFrom('companies').select('id').orderBy('created_at').limit(1).executeTakeFirst();
  if (!row) throw new AppError(500, 'no_company', '尚未初始化公司信息');
  return row.id;
}

// ---------- projects ----------

export async function listProjects(ctx: AppContext, viewer: Viewer) {
  let q = ctx.db.selectFrom('projects').selectAll().orderBy('code');
  if (viewer.projectIds !== null) {
    if (viewer.projectIds.length === 0) return [];
    q = q.where('id', 'in', viewer.projectIds);
  }
  const rows = await q.execute();
  const counts = await ctx.db
    .selectFrom('units')
    .select(['project_id', sql<number>`count(*)`.as('n')])
    .groupBy('project_id')
    .execute();
  const bcounts = await ctx.db
    .selectFrom('buildings')
    .select(['project_id', sql<number>`count(*)`.as('n')])
    .groupBy('project_id')
    .execute();
  const unitCount = new Map(counts.map((c) => [c.project_id, Number(c.n)]));
  const buildingCount = new Map(bcounts.map((c) => [c.project_id, Number(c.n)]));
  return rows.map((p) => ({
    id: p.id,
    code: p.code,
    name: p.name,
    address: p.address,
    businessHours: fromJson<BusinessHours>(p.business_hours),
    buildingCount: buildingCount.get(p.id) ?? 0,
    unitCount: unitCount.get(p.id) ?? 0,
    version: p.version,
  }));
}

export async function getProject(ctx: AppContext, viewer: Viewer, id: string) {
  const p = (await listProjects(ctx, viewer)).find((x) => x.id === id);
  if (!p) throw notFound('项目');
  return p;
}

export async function createProject(ctx: AppContext, viewer: Viewer, input: z.infer<typeof ProjectCreate>) {
  const company = await companyId(ctx);
  const dup = await ctx.db.selectFrom('projects').select('id').where('code', '=', input.code).executeTakeFirst();
  if (dup) throw fieldError('code', `项目编码 ${input.code} 已存在`);
  const id = await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    const row = {
      id: newId(now),
      company_id: company,
      code: input.code,
      name: input.name,
      address: input.address,
      business_hours: toJson(DEFAULT_BUSINESS_HOURS),
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await tx.insertInto('projects').values(row).execute();
    await audit({ action: 'project.created', entity: 'project', entityId: row.id, after: input });
    return row.id;
  });
  if (viewer.projectIds !== null)
    return {
      id,
      code: input.code,
      name: input.name,
      address: input.address,
      businessHours: DEFAULT_BUSINESS_HOURS,
      buildingCount: 0,
      unitCount: 0,
      version: 1,
    };
  return getProject(ctx, viewer, id);
}

export async function patchProject(ctx: AppContext, viewer: Viewer, id: string, input: z.infer<typeof ProjectPatch>) {
  const before = await getProject(ctx, viewer, id);
  const { version, ...fields } = input;
  const d = diff(before, fields);
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    await casUpdate(tx, 'projects', id, version, fields, now, '项目');
    if (d.changed) await audit({ action: 'project.updated', entity: 'project', entityId: id, before: d.before, after: d.after });
  });
  return getProject(ctx, viewer, id);
}

export async function setBusinessHours(ctx: AppContext, viewer: Viewer, id: string, version: number, hours: unknown) {
  const before = await getProject(ctx, viewer, id);
  let parsed: BusinessHours;
  try {
    parsed = parseBusinessHours(hours);
  } catch (e) {
    throw fieldError('businessHours', (e as Error).message);
  }
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    await casUpdate(tx, 'projects', id, version, { business_hours: toJson(parsed) }, now, '项目');
    await audit({
      action: 'project.business_hours_changed',
      entity: 'project',
      entityId: id,
      before: before.businessHours,
      after: parsed,
    });
  });
  return getProject(ctx, viewer, id);
}

// ---------- departments ----------

export async function listDepartments(ctx: AppContext, viewer: Viewer, projectId?: string) {
  if (projectId && !inProject(viewer, projectId)) throw notFound('项目');
  let q = ctx.db
    .selectFrom('departments')
    .leftJoin('projects', 'projects.id', 'departments.project_id')
    .select([
      'departments.id',
      'departments.project_id',
      'projects.name as project_name',
      'departments.code',
      'departments.name',
      'departments.duties',
      'departments.phone',
      'departments.version',
    ])
    .orderBy('projects.code')
    .orderBy('departments.code');
  if (projectId) q = q.where('departments.project_id', '=', projectId);
  else if (viewer.projectIds !== null) {
    const ids = viewer.projectIds;
    q = q.where((eb) =>
      eb.or([eb('departments.project_id', 'is', null), ...(ids.length ? [eb('departments.project_id', 'in', ids)] : [])]),
    );
  }
  const rows = await q.execute();
  const counts = await ctx.db
    .selectFrom('staff')
    .select(['department_id', sql<number>`count(*)`.as('n')])
    .where('active', '=', 1)
    .groupBy('department_id')
    .execute();
  const staffCount = new Map(counts.map((c) => [c.department_id, Number(c.n)]));
  return rows.map((d) => ({
    id: d.id,
    projectId: d.project_id,
    projectName: d.project_name ?? null,
    code: d.code as never,
    name: d.name,
    duties: d.duties,
    phone: d.phone,
    staffCount: staffCount.get(d.id) ?? 0,
    version: d.version,
  }));
}

async function getDepartment(ctx: AppContext, viewer: Viewer, id: string) {
  const all = await listDepartments(ctx, viewer);
  const d = all.find((x) => x.id === id);
  if (!d) throw notFound('部门');
  return d;
}

export async function createDepartment(ctx: AppContext, viewer: Viewer, input: z.infer<typeof DepartmentCreate>) {
  const company = await companyId(ctx);
  if (input.projectId) {
    const p = await ctx.db.selectFrom('projects').select('id').where('id', '=', input.projectId).executeTakeFirst();
    if (!p || !inProject(viewer, input.projectId)) throw fieldError('projectId', '项目不存在');
  } else if (viewer.projectIds !== null) throw forbidden('只有公司级账号可以创建公司级部门');
  const id = await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    const row = {
      id: newId(now),
      company_id: company,
      project_id: input.projectId,
      code: input.code,
      name: input.name,
      duties: input.duties,
      phone: input.phone,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await tx.insertInto('departments').values(row).execute();
    await audit({ action: 'department.created', entity: 'department', entityId: row.id, after: input });
    return row.id;
  });
  return getDepartment(ctx, viewer, id);
}

export async function patchDepartment(ctx: AppContext, viewer: Viewer, id: string, input: z.infer<typeof DepartmentPatch>) {
  const before = await getDepartment(ctx, viewer, id);
  const { version, ...fields } = input;
  const d = diff(before, fields);
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    await casUpdate(tx, 'departments', id, version, fields, now, '部门');
    if (d.changed) await audit({ action: 'department.updated', entity: 'department', entityId: id, before: d.before, after: d.after });
  });
  return getDepartment(ctx, viewer, id);
}

// ---------- staff ----------

export interface StaffQuery {
  projectId?: string;
  departmentId?: string;
  q?: string;
  cursor?: string;
  limit: number;
}

export async function listStaff(ctx: AppContext, viewer: Viewer, query: StaffQuery) {
  if (query.projectId && !inProject(viewer, query.projectId)) throw notFound('项目');
  let q = ctx.db
    .selectFrom('staff')
    .innerJoin('departments', 'departments.id', 'staff.department_id')
    .leftJoin('users', 'users.staff_id', 'staff.id')
    .select([
      'staff.id',
      'staff.name',
      'staff.phone',
      'staff.department_id',
      'departments.name as department_name',
      'staff.title',
      'staff.active',
      'staff.version',
      'users.id as user_id',
      'users.username',
      'users.role',
    ])
    .orderBy('staff.name')
    .orderBy('staff.id')
    .limit(query.limit + 1);
  if (query.departmentId) q = q.where('staff.department_id', '=', query.departmentId);
  if (query.q) q = q.where('staff.name', '>=', query.q).where('staff.name', '<', `${query.q}\uffff`);
  const scope = query.projectId ? [query.projectId] : viewer.projectIds;
  if (scope !== null) {
    if (scope.length === 0) return { items: [], nextCursor: null };
    q = q.where((eb) =>
      eb.or([
        eb('departments.project_id', 'in', scope),
        eb.exists(
          eb
            .selectFrom('staff_projects')
            .select('staff_projects.staff_id')
            .whereRef('staff_projects.staff_id', '=', 'staff.id')
            .where('staff_projects.project_id', 'in', scope),
        ),
      ]),
    );
  }
  const after = keysetAfter(query.cursor, ['staff.name', 'staff.id'], 'asc', ['string', 'string']);
  if (after) q = q.where(after);
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  const projects = page.length
    ? await ctx.db
        .selectFrom('staff_projects')
        .selectAll()
        .where(
          'staff_id',
          'in',
          page.map((r) => r.id),
        )
        .execute()
    : [];
  const showPhone = can(viewer, 'pii.phone');
  const items = page.map((r) => ({
    id: r.id,
    name: r.name,
    phone: showPhone ? r.phone : maskPhone(r.phone),
    departmentId: r.department_id,
    departmentName: r.department_name,
    title: r.title,
    active: r.active === 1,
    projectIds: projects.filter((p) => p.staff_id === r.id).map((p) => p.project_id),
    userId: r.user_id ?? null,
    username: r.username ?? null,
    role: r.role ?? null,
    version: r.version,
  }));
  const last = page[page.length - 1];
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor([last.name, last.id]) : null };
}

export async function getStaff(ctx: AppContext, viewer: Viewer, id: string) {
  const row = await ctx.db.selectFrom('staff').select(['name']).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('员工');
  const page = await listStaff(ctx, viewer, { q: row.name, limit: 200 });
  const s = page.items.find((x) => x.id === id);
  if (!s) throw notFound('员工');
  return s;
}

async function checkDepartmentAndProjects(
  ctx: AppContext,
  viewer: Viewer,
  departmentId: string | undefined,
  projectIds: string[] | undefined,
) {
  if (departmentId) {
    const d = await ctx.db.selectFrom('departments').select(['id', 'project_id']).where('id', '=', departmentId).executeTakeFirst();
    if (!d || (d.project_id && !inProject(viewer, d.project_id))) throw fieldError('departmentId', '部门不存在');
  }
  if (projectIds?.length) {
    const found = await ctx.db.selectFrom('projects').select('id').where('id', 'in', projectIds).execute();
    const bad = projectIds.find((p) => !found.some((f) => f.id === p) || !inProject(viewer, p));
    if (bad) throw fieldError('projectIds', `项目 ${bad} 不存在`);
  }
}

export async function createStaff(ctx: AppContext, viewer: Viewer, input: z.infer<typeof StaffCreate>) {
  const company = await companyId(ctx);
  await checkDepartmentAndProjects(ctx, viewer, input.departmentId, input.projectIds);
  const id = await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    const row = {
      id: newId(now),
      company_id: company,
      name: input.name,
      phone: input.phone,
      department_id: input.departmentId,
      title: input.title,
      active: 1,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await tx.insertInto('staff').values(row).execute();
    const projectIds = [...new Set(input.projectIds)];
    if (projectIds.length)
      await tx
        .insertInto('staff_projects')
        .values(projectIds.map((p) => ({ staff_id: row.id, project_id: p })))
        .execute();
    await audit({ action: 'staff.created', entity: 'staff', entityId: row.id, after: { ...input, phone: maskPhone(input.phone) } });
    return row.id;
  });
  return getStaff(ctx, viewer, id);
}

export async function patchStaff(ctx: AppContext, viewer: Viewer, id: string, input: z.infer<typeof StaffPatch>) {
  const before = await getStaff(ctx, viewer, id);
  await checkDepartmentAndProjects(ctx, viewer, input.departmentId, input.projectIds);
  const { version, projectIds, active, ...fields } = input;
  const set: Record<string, unknown> = { ...fields };
  if (active !== undefined) set.active = active ? 1 : 0;
  const d = diff(before, { ...fields, active, projectIds });
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    await casUpdate(tx, 'staff', id, version, set, now, '员工');
    if (projectIds) {
      await tx.deleteFrom('staff_projects').where('staff_id', '=', id).execute();
      const uniq = [...new Set(projectIds)];
      if (uniq.length)
        await tx
          .insertInto('staff_projects')
          .values(uniq.map((p) => ({ staff_id: id, project_id: p })))
          .execute();
    }
    if (d.changed) await audit({ action: 'staff.updated', entity: 'staff', entityId: id, before: d.before, after: d.after });
  });
  return getStaff(ctx, viewer, id);
}

// ---------- users ----------

function presentUser(
  u: {
    id: string;
    username: string;
    display_name: string;
    role: string;
    all_projects: number;
    staff_id: string | null;
    person_id: string | null;
    active: number;
    locked_until: number;
    version: number;
  },
  projectIds: string[],
) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    role: u.role as Role,
    allProjects: u.all_projects === 1,
    projectIds,
    staffId: u.staff_id,
    personId: u.person_id,
    active: u.active === 1,
    lockedUntil: u.locked_until,
    version: u.version,
  };
}

export async function listUsers(ctx: AppContext, viewer: Viewer, cursor: string | undefined, limit: number) {
  let q = ctx.db
    .selectFrom('users')
    .selectAll()
    .orderBy('username')
    .limit(limit + 1);
  const cur = decodeCursor(cursor, 1);
  if (cursor && !cur) throw fieldError('cursor', '分页游标无效');
  if (cur) q = q.where('username', '>', String(cur[0]));
  if (viewer.projectIds !== null) {
    const ids = viewer.projectIds;
    q = q.where('all_projects', '=', 0).where((eb) =>
      eb.exists(
        eb
          .selectFrom('user_projects')
          .select('user_id')
          .whereRef('user_projects.user_id', '=', 'users.id')
          .where('user_projects.project_id', 'in', ids.length ? ids : ['']),
      ),
    );
  }
  const rows = await q.execute();
  const page = rows.slice(0, limit);
  const ups = page.length
    ? await ctx.db
        .selectFrom('user_projects')
        .selectAll()
        .where(
          'user_id',
          'in',
          page.map((u) => u.id),
        )
        .execute()
    : [];
  const last = page[page.length - 1];
  return {
    items: page.map((u) =>
      presentUser(
        u,
        ups.filter((x) => x.user_id === u.id).map((x) => x.project_id),
      ),
    ),
    nextCursor: rows.length > limit && last ? encodeCursor([last.username]) : null,
  };
}

async function getUser(ctx: AppContext, id: string) {
  const u = await ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!u) throw notFound('账号');
  const ups = await ctx.db.selectFrom('user_projects').select('project_id').where('user_id', '=', id).execute();
  return presentUser(
    u,
    ups.map((x) => x.project_id),
  );
}

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  displayName?: string;
  /** undefined = every project */
  projectCodesOrIds?: string[];
  staffId?: string;
  personId?: string;
}

/** Shared by the API and `wuye user add`; projects may be given by code or id. */
export async function addUser(ctx: AppContext, viewer: Viewer | null, input: NewUser) {
  const problem = passwordProblem(input.password);
  if (problem) throw fieldError('password', problem);
  const dup = await ctx.db.selectFrom('users').select('id').where('username', '=', input.username).executeTakeFirst();
  if (dup) throw fieldError('username', `用户名 ${input.username} 已被使用`);
  let projectIds: string[] | null = null;
  if (input.projectCodesOrIds) {
    const wanted = [...new Set(input.projectCodesOrIds)];
    const rows = wanted.length
      ? await ctx.db
          .selectFrom('projects')
          .select(['id', 'code'])
          .where((eb) => eb.or([eb('id', 'in', wanted), eb('code', 'in', wanted)]))
          .execute()
      : [];
    const missing = wanted.find((w) => !rows.some((r) => r.id === w || r.code === w));
    if (missing) throw fieldError('projectIds', `项目 ${missing} 不存在`);
    projectIds = rows.map((r) => r.id);
  }
  if (viewer && viewer.projectIds !== null) {
    if (projectIds === null || projectIds.some((p) => !inProject(viewer, p))) throw forbidden('只能为自己所属的项目创建账号');
  }
  if (input.role === 'resident') {
    if (!input.personId) throw fieldError('personId', '住户账号须关联住户档案');
    if (!STAFF_ROLES) throw new Error('unreachable');
  }
  if (input.personId) {
    const p = await ctx.db.selectFrom('people').select('id').where('id', '=', input.personId).executeTakeFirst();
    if (!p) throw fieldError('personId', '住户档案不存在');
  }
  if (input.staffId) {
    const s = await ctx.db.selectFrom('staff').select('id').where('id', '=', input.staffId).executeTakeFirst();
    if (!s) throw fieldError('staffId', '员工不存在');
  }
  const passwordHash = await hashPassword(input.password);
  const actor = viewer ? actorOf(viewer) : { userId: null, name: '命令行', ip: '' };
  const id = await write(ctx, actor, async (tx, audit, now) => {
    const row = {
      id: newId(now),
      username: input.username,
      password_hash: passwordHash,
      role: input.role,
      display_name: input.displayName ?? '',
      staff_id: input.staffId ?? null,
      person_id: input.personId ?? null,
      all_projects: projectIds === null ? 1 : 0,
      failed_attempts: 0,
      locked_until: 0,
      active: 1,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await tx.insertInto('users').values(row).execute();
    if (projectIds?.length)
      await tx
        .insertInto('user_projects')
        .values(projectIds.map((p) => ({ user_id: row.id, project_id: p })))
        .execute();
    await audit({
      action: 'user.created',
      entity: 'user',
      entityId: row.id,
      after: { username: input.username, role: input.role, projectIds, staffId: row.staff_id, personId: row.person_id },
    });
    return row.id;
  });
  return getUser(ctx, id);
}

export async function createUser(ctx: AppContext, viewer: Viewer, input: z.infer<typeof UserCreate>) {
  return addUser(ctx, viewer, {
    username: input.username,
    password: input.password,
    role: input.role,
    displayName: input.displayName,
    projectCodesOrIds: input.projectIds,
    staffId: input.staffId,
    personId: input.personId,
  });
}

export async function patchUser(ctx: AppContext, viewer: Viewer, id: string, input: z.infer<typeof UserPatch>) {
  const before = await getUser(ctx, id);
  if (viewer.projectIds !== null && (before.allProjects || before.projectIds.some((p) => !inProject(viewer, p)))) throw notFound('账号');
  if (id === viewer.userId && (input.role !== undefined || input.active === false)) {
    throw badRequest('不能修改自己的角色或停用自己', { role: '不能修改自己的角色或停用自己' });
  }
  const set: Record<string, unknown> = {};
  if (input.role !== undefined) set.role = input.role;
  if (input.displayName !== undefined) set.display_name = input.displayName;
  if (input.active !== undefined) set.active = input.active ? 1 : 0;
  if (input.unlock) Object.assign(set, { locked_until: 0, failed_attempts: 0 });
  if (input.password !== undefined) {
    const problem = passwordProblem(input.password);
    if (problem) throw fieldError('password', problem);
    set.password_hash = await hashPassword(input.password);
  }
  let projectIds: string[] | null | undefined;
  if (input.projectIds !== undefined) {
    if (input.projectIds === null) {
      if (viewer.projectIds !== null) throw forbidden('只有公司级账号可以授予全部项目');
      projectIds = null;
    } else {
      const rows = input.projectIds.length
        ? await ctx.db.selectFrom('projects').select('id').where('id', 'in', input.projectIds).execute()
        : [];
      const bad = input.projectIds.find((p) => !rows.some((r) => r.id === p) || !inProject(viewer, p));
      if (bad) throw fieldError('projectIds', `项目 ${bad} 不存在`);
      projectIds = [...new Set(input.projectIds)];
    }
    set.all_projects = projectIds === null ? 1 : 0;
  }
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    await casUpdate(tx, 'users', id, input.version, set, now, '账号');
    if (projectIds !== undefined) {
      await tx.deleteFrom('user_projects').where('user_id', '=', id).execute();
      if (projectIds?.length)
        await tx
          .insertInto('user_projects')
          .values(projectIds.map((p) => ({ user_id: id, project_id: p })))
          .execute();
    }
    if (input.active === false || input.password !== undefined || input.role !== undefined) {
      await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
    }
    const { password, version, ...rest } = input;
    await audit({
      action: 'user.updated',
      entity: 'user',
      entityId: id,
      before: { role: before.role, active: before.active, projectIds: before.allProjects ? null : before.projectIds },
      after: { ...rest, ...(password !== undefined ? { passwordReset: true } : {}) },
    });
  });
  // Role, projects, name or access changed: this node reads the account afresh on its next request.
  forgetSessions(ctx, id);
  return getUser(ctx, id);
}
