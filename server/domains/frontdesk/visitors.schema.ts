import { z } from 'zod';
import { dateString, instant, pageQuery, phoneString, versionField } from '../../platform/http/common.ts';
import { ID_TYPES, plateString } from '../directory/directory.schema.ts';

const id = (what: string) => z.string().min(1).max(64).describe(what);

export const HOST_KINDS = ['unit', 'staff', 'department', 'other'] as const;
export const APPOINTMENT_STATUSES = ['expected', 'arrived', 'cancelled'] as const;

/**
 * Who the visitor comes to see. A unit (optionally the resident there), a staff member or a
 * department of the project are checked against the directory; anyone else is free text.
 */
export const HostInput = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('unit').describe('住户：按房屋'),
      unitId: id('被访房屋'),
      personId: id('被访住户（该房屋的当前住户，可不填）').optional(),
    }),
    z.object({ kind: z.literal('staff').describe('员工'), staffId: id('被访员工') }),
    z.object({ kind: z.literal('department').describe('部门'), departmentId: id('被访部门') }),
    z.object({
      kind: z.literal('other').describe('其他（自由填写）'),
      text: z.string().trim().min(1, '请填写被访人或单位').max(100, '被访人不能超过 100 字').describe('被访人或单位'),
    }),
  ])
  .describe('被访对象');
export type HostInput = z.infer<typeof HostInput>;

/**
 * Only the last four characters of an ID are written down at the gate: a full number typed
 * here is refused before anything is stored, and the message says why.
 */
export const idLast4 = z
  .string()
  .trim()
  .max(4, '只登记证件号码后四位，请勿录入完整证件号码')
  .regex(/^[0-9A-Za-z]{4}$/, '请填写证件号码后四位（4 位数字或字母）')
  .transform((v) => v.toUpperCase())
  .describe('证件号码后四位（只存后四位，从不存完整号码）');

const name = z.string().trim().min(1, '请填写访客姓名').max(40, '姓名不能超过 40 字').describe('访客姓名');
const purpose = z.string().trim().min(1, '请填写来访事由').max(200, '来访事由不能超过 200 字').describe('来访事由');
const partySize = z.number().int().min(1, '人数至少 1 人').max(200, '人数不能超过 200').describe('来访人数');
const plate = z
  .union([plateString, z.literal('')])
  .default('')
  .describe('车牌（可不填）');
const badge = z
  .string()
  .trim()
  .max(20, '证件牌号不能超过 20 字')
  .regex(/^[0-9A-Za-z-]*$/, '证件牌号只能含字母、数字和短横线')
  .default('')
  .describe('发放的实体访客证牌号（现场使用证牌时填写）；登记编号 FK-YYMM-NNNN 由系统生成');

export const VisitCreate = z
  .object({
    projectId: id('项目'),
    name,
    phone: phoneString.describe('联系电话'),
    idType: z.enum(ID_TYPES).default('resident_id').describe('证件类型'),
    idLast4,
    purpose,
    host: HostInput,
    partySize: partySize.default(1),
    plate,
    badge,
  })
  .describe('来访登记（未预约）');
export type VisitCreateInput = z.infer<typeof VisitCreate>;

export const SignOut = z.object({ version: versionField }).describe('登记访客离开');

export const AppointmentCreate = z
  .object({
    projectId: id('项目'),
    name,
    phone: phoneString.describe('访客电话：到访时可按电话查找预约'),
    partySize: partySize.default(1),
    purpose,
    plate,
    expectedAt: instant('预计到访时间'),
    host: HostInput,
  })
  .describe('访客预约：为住户、员工或部门提前登记');
export type AppointmentCreateInput = z.infer<typeof AppointmentCreate>;

export const CheckIn = z
  .object({
    version: versionField,
    idType: z.enum(ID_TYPES).default('resident_id').describe('证件类型'),
    idLast4,
    partySize: partySize.optional().describe('实际到访人数（不填按预约）'),
    plate: z
      .union([plateString, z.literal('')])
      .optional()
      .describe('车牌（不填按预约）'),
    badge,
  })
  .describe('预约访客到访：核对证件、生成来访记录并通知被访人');
export type CheckInInput = z.infer<typeof CheckIn>;

export const AppointmentCancel = z.object({
  version: versionField,
  reason: z.string().trim().min(1, '请填写取消原因').max(200, '取消原因不能超过 200 字').describe('取消原因'),
});

const HostOut = z.object({
  kind: z.enum(HOST_KINDS),
  unitId: z.string().nullable(),
  personId: z.string().nullable(),
  staffId: z.string().nullable(),
  departmentId: z.string().nullable(),
  label: z.string().describe('登记时的被访对象，如 3-1-1502 李明华、工程部'),
});

export const VisitOut = z.object({
  id: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  number: z.string().describe('来访登记编号（证件存根号）FK-YYMM-NNNN'),
  badge: z.string(),
  name: z.string(),
  phone: z.string().describe('无电话权限的角色看到掩码'),
  idType: z.enum(ID_TYPES),
  idLast4: z.string(),
  purpose: z.string(),
  host: HostOut,
  partySize: z.number(),
  plate: z.string(),
  appointmentId: z.string().nullable(),
  inAt: z.number(),
  outAt: z.number().nullable(),
  inside: z.boolean().describe('尚未离开'),
  registeredByName: z.string().nullable(),
  signedOutByName: z.string().nullable(),
  version: z.number(),
});

export const AppointmentOut = z.object({
  id: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  name: z.string(),
  phone: z.string(),
  partySize: z.number(),
  purpose: z.string(),
  plate: z.string(),
  expectedAt: z.number(),
  host: HostOut,
  status: z.enum(APPOINTMENT_STATUSES),
  visitId: z.string().nullable(),
  arrivedAt: z.number().nullable(),
  cancelReason: z.string(),
  createdByName: z.string().nullable(),
  createdAt: z.number(),
  version: z.number(),
});

export const CheckInOut = z.object({
  visit: VisitOut,
  appointment: AppointmentOut,
  notified: z.number().describe('收到到访通知的账号数（被访人无账号时为 0）'),
});

export const BoardQuery = z.object({ projectId: id('项目（只属于一个项目的账号可不填）').optional() });

export const Board = z.object({
  date: z.string().describe('今天（中国时间）YYYY-MM-DD'),
  inside: z.array(VisitOut).describe('在访：尚未登记离开（含前几日未登记离开的）'),
  left: z.array(VisitOut).describe('今天已离开'),
  expected: z.array(AppointmentOut).describe('今天预约、尚未到访'),
  truncated: z.boolean().describe('某一栏超过 200 条时只显示前 200 条'),
});

const phoneSearch = z
  .string()
  .trim()
  .regex(/^(\d{4}|1\d{10}|0\d{2,3}-?\d{7,8})$/, '电话请填完整号码或后四位')
  .optional()
  .describe('电话：完整号码或后四位');

export const VisitListQuery = z.object({
  ...pageQuery,
  projectId: id('项目').optional(),
  name: z.string().trim().min(1).max(40).optional().describe('姓名（前缀匹配）'),
  phone: phoneSearch,
  plate: z.string().trim().toUpperCase().min(2).max(10).optional().describe('车牌（完整）'),
  from: dateString.optional().describe('起始日期（含）'),
  to: dateString.optional().describe('截止日期（含）'),
});
export type VisitListInput = z.infer<typeof VisitListQuery>;

export const AppointmentListQuery = z.object({
  ...pageQuery,
  projectId: id('项目').optional(),
  date: dateString.optional().describe('预计到访日期'),
  phone: phoneSearch,
  status: z.enum(APPOINTMENT_STATUSES).optional(),
});
export type AppointmentListInput = z.infer<typeof AppointmentListQuery>;
