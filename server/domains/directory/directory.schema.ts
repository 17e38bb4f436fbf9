import { z } from 'zod';
import { dateString, pageOf, phoneString, versionField } from '../../platform/http/common.ts';

export const RELATIONS = ['owner', 'tenant', 'family', 'agent'] as const;
export const ID_TYPES = ['resident_id', 'passport', 'hk_macau_permit', 'taiwan_permit', 'other'] as const;

export const UNIT_STATUSES = ['occupied', 'vacant', 'custody', 'decorating'] as const;

export const plateString = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[\u4e00-\u9fa5][A-Z][A-Z0-9]{5,6}$/, '车牌格式不正确，如 粤B12345 或 粤BD12345');

export const Building = z.object({
  id: z.string(),
  projectId: z.string(),
  code: z.string(),
  name: z.string(),
  floors: z.number(),
  unitCount: z.number().optional(),
  version: z.number(),
});

export const BuildingCreate = z.object({
  projectId: z.string().min(1),
  code: z.string().trim().min(1, '请填写楼栋编号').max(20),
  name: z.string().trim().min(1, '请填写楼栋名称').max(50),
  floors: z.number().int().min(1, '楼层数至少为 1').max(200),
});
export const BuildingPatch = z.object({
  version: versionField,
  name: z.string().trim().min(1).max(50).optional(),
  floors: z.number().int().min(1).max(200).optional(),
});

export const Occupant = z.object({
  occupancyId: z.string(),
  personId: z.string(),
  name: z.string(),
  phone: z.string().describe('无电话权限的角色看到掩码'),
  relation: z.enum(RELATIONS),
  startDate: z.string(),
  endDate: z.string().nullable(),
  moveInDate: z.string().nullable(),
  plates: z.array(z.string()),
  version: z.number(),
});

export const Unit = z.object({
  id: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  buildingId: z.string(),
  buildingName: z.string(),
  number: z.string(),
  room: z.string(),
  floor: z.number(),
  area: z.number().describe('建筑面积 m²（两位小数）'),
  status: z.enum(UNIT_STATUSES),
  notes: z.string(),
  version: z.number(),
});
export const UnitDetail = Unit.extend({ occupants: z.array(Occupant) });

export const UnitCreate = z.object({
  buildingId: z.string().min(1),
  entrance: z.string().trim().min(1, '请填写单元号').max(10),
  room: z
    .string()
    .trim()
    .regex(/^\d{3,5}$/, '房号应为 3–5 位数字，如 1502'),
  area: z.number().positive('面积须大于 0').max(10000),
  notes: z.string().max(500).default(''),
});
export const UnitPatch = z.object({
  version: versionField,
  area: z.number().positive('面积须大于 0').max(10000).optional(),
  status: z.enum(UNIT_STATUSES).optional(),
  notes: z.string().max(500).optional(),
});

export const PersonUnit = z.object({
  occupancyId: z.string(),
  unitId: z.string(),
  unitNumber: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  relation: z.enum(RELATIONS),
  startDate: z.string(),
  endDate: z.string().nullable(),
  moveInDate: z.string().nullable(),
  version: z.number(),
});

export const Person = z.object({
  id: z.string(),
  name: z.string(),
  gender: z.string(),
  phone: z.string(),
  phone2: z.string(),
  idType: z.string(),
  idNumber: z.string().describe('总是掩码；完整号码须调用 reveal-id（记入审计）'),
  notes: z.string(),
  plates: z.array(z.string()),
  units: z.array(PersonUnit),
  version: z.number(),
});

export const PersonCreate = z.object({
  name: z.string().trim().min(1, '请填写姓名').max(50),
  gender: z.enum(['男', '女', '']).default(''),
  phone: phoneString,
  phone2: z.union([phoneString, z.literal('')]).default(''),
  idType: z.enum(ID_TYPES).default('resident_id'),
  idNumber: z.string().trim().max(30).default(''),
  notes: z.string().max(500).default(''),
  plates: z.array(plateString).max(5).default([]),
  occupancy: z
    .object({
      unitId: z.string().min(1),
      relation: z.enum(RELATIONS),
      startDate: dateString,
      moveInDate: dateString.optional(),
    })
    .optional()
    .describe('同时登记与房屋的关系'),
});
export const PersonPatch = z.object({
  version: versionField,
  name: z.string().trim().min(1, '请填写姓名').max(50).optional(),
  gender: z.enum(['男', '女', '']).optional(),
  phone: phoneString.optional(),
  phone2: z.union([phoneString, z.literal('')]).optional(),
  idType: z.enum(ID_TYPES).optional(),
  idNumber: z.string().trim().max(30).optional(),
  notes: z.string().max(500).optional(),
  plates: z.array(plateString).max(5).optional(),
});

export const OccupancyCreate = z.object({
  personId: z.string().min(1),
  unitId: z.string().min(1),
  relation: z.enum(RELATIONS),
  startDate: dateString,
  moveInDate: dateString.optional(),
});
export const OccupancyPatch = z.object({
  version: versionField,
  endDate: dateString.nullable().optional(),
  moveInDate: dateString.nullable().optional(),
});

export const LookupHit = z.object({
  unit: Unit,
  occupants: z.array(Occupant),
  matchedBy: z.enum(['unit', 'room', 'name', 'phone', 'phone_last4', 'plate']),
});

export const HistoryEntry = z.object({
  seq: z.number(),
  at: z.number(),
  actor: z.string(),
  action: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});

export const UnitPage = pageOf(Unit);
export const PersonPage = pageOf(Person.omit({ units: true }));

export type PersonCreateInput = z.infer<typeof PersonCreate>;
