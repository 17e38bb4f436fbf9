import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { idParam, pageOf, pageQuery, versionField } from '../../platform/http/common.ts';
import { defineRoute } from '../../platform/http/route.ts';
import {
  Department,
  DepartmentCreate,
  DepartmentPatch,
  Project,
  ProjectCreate,
  ProjectPatch,
  Staff,
  StaffCreate,
  StaffPage,
  StaffPatch,
  User,
  UserCreate,
  UserPatch,
} from './org.schema.ts';
import {
  createDepartment,
  createProject,
  createStaff,
  createUser,
  getStaff,
  listDepartments,
  listProjects,
  listRoles,
  listStaff,
  listUsers,
  patchDepartment,
  patchProject,
  patchStaff,
  patchUser,
  setBusinessHours,
} from './org.service.ts';

let seq = 0;
const uniq = () => `${Date.now().toString(36).slice(-4)}${(seq++).toString(36)}`.toUpperCase();

export function registerOrgRoutes(app: FastifyInstance, ctx: AppContext) {
  defineRoute(app, {
    method: 'GET',
    url: '/api/roles',
    access: 'authenticated',
    summary: '角色与权限 Roles and their permissions',
    tags: ['org'],
    response: { 200: z.array(z.object({ code: z.string(), name: z.string(), permissions: z.array(z.string()) })) },
    sample: () => ({}),
    handler: async () => listRoles(),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/projects',
    access: 'directory.read',
    summary: '项目（管理处）列表 Projects',
    tags: ['org'],
    response: { 200: z.array(Project) },
    sample: () => ({}),
    handler: async (req) => listProjects(ctx, req.viewer),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/projects',
    access: 'org.manage',
    summary: '新建项目 Create a project',
    tags: ['org'],
    body: ProjectCreate,
    response: { 200: Project },
    sample: () => ({ body: { code: `P${uniq()}`, name: '测试花园', address: '深圳市南山区' } }),
    handler: async (req) => createProject(ctx, req.viewer, req.body),
  });

  defineRoute(app, {
    method: 'PATCH',
    url: '/api/projects/:id',
    access: 'org.manage',
    summary: '修改项目 Edit a project',
    tags: ['org'],
    params: idParam,
    body: ProjectPatch,
    response: { 200: Project },
    sample: async (kit) => ({ params: { id: await kit.make.project() }, body: { version: 1, address: '深圳市福田区' } }),
    handler: async (req) => patchProject(ctx, req.viewer, req.params.id, req.body),
  });

  defineRoute(app, {
    method: 'PUT',
    url: '/api/projects/:id/business-hours',
    access: 'calendar.manage',
    summary: '设置项目营业时间 Set business hours',
    tags: ['calendar'],
    params: idParam,
    body: z.object({
      version: versionField,
      businessHours: z
        .array(z.tuple([z.string(), z.string()]))
        .min(1)
        .max(6)
        .describe("[['08:30','12:00'],['13:30','17:30']]"),
    }),
    response: { 200: Project },
    sample: async (kit) => ({
      params: { id: kit.fixtures.projectId },
      body: {
        version: await kit.version('projects', kit.fixtures.projectId),
        businessHours: [
          ['08:30', '12:00'],
          ['13:30', '18:00'],
        ],
      },
    }),
    handler: async (req) => setBusinessHours(ctx, req.viewer, req.params.id, req.body.version, req.body.businessHours),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/departments',
    access: 'directory.read',
    summary: '部门列表（含公司级） Departments',
    tags: ['org'],
    querystring: z.object({ projectId: z.string().min(1).optional() }),
    response: { 200: z.array(Department) },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId } }),
    handler: async (req) => listDepartments(ctx, req.viewer, req.query.projectId),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/departments',
    access: 'org.manage',
    summary: '新建部门 Create a department',
    tags: ['org'],
    body: DepartmentCreate,
    response: { 200: Department },
    sample: (kit) => ({ body: { projectId: kit.fixtures.projectId, code: 'environment', name: `绿化组${uniq()}` } }),
    handler: async (req) => createDepartment(ctx, req.viewer, req.body),
  });

  defineRoute(app, {
    method: 'PATCH',
    url: '/api/departments/:id',
    access: 'org.manage',
    summary: '修改部门 Edit a department',
    tags: ['org'],
    params: idParam,
    body: DepartmentPatch,
    response: { 200: Department },
    sample: async (kit) => ({ params: { id: await kit.make.department() }, body: { version: 1, duties: '负责小区绿化养护' } }),
    handler: async (req) => patchDepartment(ctx, req.viewer, req.params.id, req.body),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/staff',
    access: 'directory.read',
    summary: '员工列表 Staff',
    tags: ['org'],
    querystring: z.object({
      ...pageQuery,
      projectId: z.string().min(1).optional(),
      departmentId: z.string().min(1).optional(),
      q: z.string().trim().max(50).optional().describe('姓名前缀'),
    }),
    response: { 200: StaffPage },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId } }),
    handler: async (req) => listStaff(ctx, req.viewer, req.query),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/staff/:id',
    access: 'directory.read',
    summary: '员工详情 A staff member',
    tags: ['org'],
    params: idParam,
    response: { 200: Staff },
    sample: (kit) => ({ params: { id: kit.fixtures.staffId } }),
    handler: async (req) => getStaff(ctx, req.viewer, req.params.id),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/staff',
    access: 'org.manage',
    summary: '新建员工 Create a staff member',
    tags: ['org'],
    body: StaffCreate,
    response: { 200: Staff },
    sample: (kit) => ({
      body: { name: '测试员工', phone: '13900001111', departmentId: kit.fixtures.departmentId, projectIds: [kit.fixtures.projectId] },
    }),
    handler: async (req) => createStaff(ctx, req.viewer, req.body),
  });

  defineRoute(app, {
    method: 'PATCH',
    url: '/api/staff/:id',
    access: 'org.manage',
    summary: '修改员工 Edit a staff member',
    tags: ['org'],
    params: idParam,
    body: StaffPatch,
    response: { 200: Staff },
    sample: async (kit) => ({ params: { id: await kit.make.staff() }, body: { version: 1, title: '领班' } }),
    handler: async (req) => patchStaff(ctx, req.viewer, req.params.id, req.body),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/users',
    access: 'org.manage',
    summary: '登录账号列表 Login accounts',
    tags: ['org'],
    querystring: z.object({ ...pageQuery }),
    response: { 200: pageOf(User) },
    sample: () => ({}),
    handler: async (req) => listUsers(ctx, req.viewer, req.query.cursor, req.query.limit),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/users',
    access: 'org.manage',
    summary: '新建登录账号 Create a login account',
    tags: ['org'],
    body: UserCreate,
    response: { 200: User },
    sample: (kit) => ({
      body: { username: `u${uniq().toLowerCase()}`, password: 'Wuye2026abc', role: 'receptionist', projectIds: [kit.fixtures.projectId] },
    }),
    handler: async (req) => createUser(ctx, req.viewer, req.body),
  });

  defineRoute(app, {
    method: 'PATCH',
    url: '/api/users/:id',
    access: 'org.manage',
    summary: '修改账号：角色、项目、停用、解锁、重设密码 Edit a login account',
    tags: ['org'],
    params: idParam,
    body: UserPatch,
    response: { 200: User },
    sample: async (kit) => ({ params: { id: await kit.make.user() }, body: { version: 1, unlock: true } }),
    handler: async (req) => patchUser(ctx, req.viewer, req.params.id, req.body),
  });
}
