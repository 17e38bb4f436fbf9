import { z } from 'zod';
import { ROLE_CODES } from '../../platform/access/roles.ts';
import { pageOf, phoneString, versionField } from '../../platform/http/common.ts';

export const DEPARTMENT_CODES = [
  'service',
  'engineering',
  'security',
  'environment',
  'finance',
  'company_service',
  'quality',
  'pr',
  'hr',
  'leadership',
] as const;

export const Project = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  address: z.string(),
  businessHours: z.array(z.tuple([z.string(), z.string()])),
  buildingCount: z.number(),
  unitCount: z.number(),
  version: z.number(),
});
export const ProjectCreate = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[A-Z][A-Z0-9]{1,9}$/, '项目编码为 2–10 位大写字母或数字，以字母开头'),
  name: z.string().trim().min(1, '请填写项目名称').max(50),
  address: z.string().trim().max(200).default(''),
});
export const ProjectPatch = z.object({
  version: versionField,
  name: z.string().trim().min(1, '请填写项目名称').max(50).optional(),
  address: z.string().trim().max(200).optional(),
});

export const Department = z.object({
  id: z.string(),
  projectId: z.string().nullable().describe('null = 公司级部门'),
  projectName: z.string().nullable(),
  code: z.enum(DEPARTMENT_CODES),
  name: z.string(),
  duties: z.string(),
  phone: z.string(),
  staffCount: z.number(),
  version: z.number(),
});
export const DepartmentCreate = z.object({
  projectId: z.string().min(1).nullable(),
  code: z.enum(DEPARTMENT_CODES),
  name: z.string().trim().min(1, '请填写部门名称').max(50),
  duties: z.string().max(1000).default(''),
  phone: z.union([phoneString, z.literal('')]).default(''),
});
export const DepartmentPatch = z.object({
  version: versionField,
  name: z.string().trim().min(1).max(50).optional(),
  duties: z.string().max(1000).optional(),
  phone: z.union([phoneString, z.literal('')]).optional(),
});

export const Staff = z.object({
  id: z.string(),
  name: z.string(),
  phone: z.string(),
  departmentId: z.string(),
  departmentName: z.string(),
  title: z.string(),
  active: z.boolean(),
  projectIds: z.array(z.string()),
  userId: z.string().nullable().describe('登录账号 id：指派事项时用'),
  username: z.string().nullable(),
  role: z.string().nullable(),
  version: z.number(),
});
export const StaffCreate = z.object({
  name: z.string().trim().min(1, '请填写姓名').max(50),
  phone: phoneString,
  departmentId: z.string().min(1),
  title: z.string().trim().max(50).default(''),
  projectIds: z.array(z.string().min(1)).max(100).default([]).describe('所属项目（可多个）'),
});
export const StaffPatch = z.object({
  version: versionField,
  name: z.string().trim().min(1).max(50).optional(),
  phone: phoneString.optional(),
  departmentId: z.string().min(1).optional(),
  title: z.string().trim().max(50).optional(),
  active: z.boolean().optional(),
  projectIds: z.array(z.string().min(1)).max(100).optional(),
});

export const User = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLE_CODES),
  allProjects: z.boolean(),
  projectIds: z.array(z.string()),
  staffId: z.string().nullable(),
  personId: z.string().nullable(),
  active: z.boolean(),
  lockedUntil: z.number(),
  version: z.number(),
});
export const usernameString = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_.-]{2,31}$/, '用户名为 3–32 位小写字母、数字或 _ . -，以字母开头');
export const UserCreate = z.object({
  username: usernameString,
  password: z.string().min(1, '请填写密码').max(128),
  role: z.enum(ROLE_CODES),
  displayName: z.string().trim().max(50).default(''),
  projectIds: z.array(z.string().min(1)).max(100).optional().describe('不填 = 全部项目'),
  staffId: z.string().min(1).optional(),
  personId: z.string().min(1).optional().describe('住户账号关联的住户档案'),
});
export const UserPatch = z.object({
  version: versionField,
  role: z.enum(ROLE_CODES).optional(),
  displayName: z.string().trim().max(50).optional(),
  projectIds: z.array(z.string().min(1)).max(100).nullable().optional().describe('null = 全部项目'),
  active: z.boolean().optional(),
  unlock: z.boolean().optional().describe('解除登录锁定'),
  password: z.string().min(1).max(128).optional().describe('管理员重设密码'),
});

export const StaffPage = pageOf(Staff);
