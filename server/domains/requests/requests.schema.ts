import { z } from 'zod';
import { instant, pageQuery, phoneString } from '../../platform/http/common.ts';
import { CHANNELS, KINDS, URGENCIES } from './requests.workflow.ts';

export const RequestCreate = z
  .object({
    projectId: z.string().min(1),
    kind: z.enum(KINDS).describe('repair 维修 / complaint 投诉 / inquiry 咨询 / suggestion 建议 / special 特约服务'),
    channel: z.enum(CHANNELS),
    unitId: z.string().min(1).optional().describe('按房号查询选定的房屋'),
    requesterPersonId: z.string().min(1).optional().describe('选定的住户；非住户不填，直接填写姓名电话'),
    requesterName: z.string().trim().max(50).default(''),
    requesterPhone: z.union([phoneString, z.literal('')]).default(''),
    anonymous: z.boolean().default(false).describe('匿名（仅投诉、建议）'),
    location: z.string().trim().max(200).default('').describe('地点，如 3栋大堂'),
    content: z.string().trim().min(1, '请填写事项内容').max(4000),
    categoryId: z.string().min(1).optional(),
    urgency: z.enum(URGENCIES).default('normal'),
    repairScope: z.enum(['in_unit', 'common']).default('in_unit').describe('维修部位：室内 / 公共设施（仅维修）'),
    preferredTime: z.string().trim().max(100).default('').describe('方便的时间，如 明天上午'),
    departmentId: z.string().min(1).optional().describe('不填按类型分派默认部门'),
    photoIds: z.array(z.string().min(1)).max(9).default([]),
    callId: z.string().min(1).optional().describe('产生此事项的来电记录'),
    complaint: z
      .object({
        grade: z.enum(['general', 'significant', 'urgent']).default('general').describe('一般 / 重大 / 紧急'),
        compensation: z.boolean().default(false).describe('涉及经济赔偿或补偿'),
        aboutManager: z.boolean().default(false).describe('投诉管理处主任（项目经理）'),
      })
      .optional()
      .describe('投诉分级（仅投诉）'),
    inquiry: z
      .object({
        answer: z.string().trim().max(2000).optional().describe('当场答复的内容'),
        promisedAt: instant('约定答复时刻').optional(),
      })
      .optional(),
    readBackConfirmed: z.literal(true, { error: '请先向来电/来访人复述确认（房号、电话、姓名、事项）' }),
  })
  .describe('登记事项');

export type RequestCreateInput = z.infer<typeof RequestCreate>;

export const ActionBody = z.object({ version: z.number().int().min(1) }).loose();

export const DeadlineRef = z.object({ id: z.string().min(1).max(64), deadlineId: z.string().min(1).max(64) });

export const PauseBody = z.object({ version: z.number().int().min(1), reason: z.string().trim().min(1, '请填写暂停原因').max(500) });
export const ResumeBody = z.object({ version: z.number().int().min(1) });
export const ExtendBody = z.object({
  version: z.number().int().min(1),
  newDueAt: instant('新的时限'),
  reason: z.string().trim().min(1, '请填写延期原因').max(500),
  customerToldAt: instant('告知客户的时刻').describe('告知客户的时刻（毫秒），须早于原时限'),
});
export const CorrectionBody = z.object({
  version: z.number().int().min(1),
  correctsN: z.number().int().min(1).describe('被更正的记录序号'),
  text: z.string().trim().min(1, '请填写更正内容').max(2000),
});

export const ListQuery = z.object({
  ...pageQuery,
  projectId: z.string().min(1).optional(),
  kind: z.enum(KINDS).optional(),
  status: z.string().max(40).optional(),
  open: z.enum(['true', 'false']).optional(),
  unitId: z.string().min(1).optional(),
  personId: z.string().min(1).optional(),
  number: z.string().trim().max(30).optional().describe('事项编号，如 TS-2611-0042'),
  q: z
    .string()
    .trim()
    .min(1, '请输入要查找的文字')
    .max(50)
    .optional()
    .describe(
      '全文检索：内容、地点、联系人中的文字，新→旧（中文按连续的字匹配，如 漏水、卫生间漏水；空格分开的几段须都出现）；事项编号则按编号查找',
    ),
  phoneTail: z
    .string()
    .regex(/^\d{4}$/, '须为 4 位数字')
    .optional()
    .describe('联系电话后四位'),
});

export const QueueQuery = z.object({
  ...pageQuery,
  scope: z
    .enum(['mine', 'department', 'center', 'escalated'])
    .default('center')
    .describe('我的 / 本部门 / 服务中心 / 上报公司的投诉（领导、品质管理部）'),
  projectId: z.string().min(1).optional(),
  kind: z.enum(KINDS).optional(),
  channel: z.enum(CHANNELS).optional(),
  overdue: z.enum(['true', 'false']).optional().describe('只看已超时'),
});

export const RequestSummary = z.object({
  id: z.string(),
  number: z.string(),
  kind: z.enum(KINDS),
  channel: z.string(),
  status: z.string(),
  statusLabel: z.string(),
  isOpen: z.boolean(),
  projectId: z.string(),
  projectName: z.string(),
  unitNumber: z.string().nullable(),
  requesterName: z.string(),
  content: z.string(),
  urgency: z.string(),
  departmentName: z.string().nullable(),
  assigneeName: z.string().nullable(),
  nextDueAt: z.number().nullable(),
  overdue: z.boolean(),
  createdAt: z.number(),
  version: z.number(),
  appointmentAt: z.number().nullable().describe('维修的上门时间'),
});

export const DeadlineOut = z.object({
  id: z.string(),
  kind: z.string(),
  label: z.string(),
  basis: z.string(),
  status: z.string(),
  startedAt: z.number(),
  dueAt: z.number(),
  metAt: z.number().nullable(),
  warnedAt: z.number().nullable(),
  breachedAt: z.number().nullable().describe('超时时刻；一旦记录不可更改'),
  escalatedAt: z.number().nullable(),
  pausedAt: z.number().nullable(),
  pausedMs: z.number().describe('累计暂停时长（毫秒）'),
  pauseReason: z.string(),
  extensions: z.number(),
  overdue: z.boolean(),
});

export const EventOut = z.object({
  n: z.number(),
  at: z.number(),
  actor: z.string(),
  type: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  data: z.unknown(),
  correctsN: z.number().nullable(),
});

export const ActionOut = z.object({
  action: z.string(),
  label: z.string(),
  input: z.unknown().describe('输入字段的 JSON Schema'),
  path: z.enum(['actions', 'decisions']).describe('提交到 /api/requests/:id/{path}/:action：公司领导和品质管理部的决定走 decisions'),
});

export const RequestDetail = RequestSummary.extend({
  unitId: z.string().nullable(),
  requesterPersonId: z.string().nullable(),
  requesterPhone: z.string(),
  location: z.string(),
  categoryId: z.string().nullable(),
  categoryPath: z.string().nullable(),
  preferredTime: z.string(),
  departmentId: z.string().nullable(),
  assigneeId: z.string().nullable(),
  createdBy: z.string().nullable(),
  closedAt: z.number().nullable(),
  detail: z.record(z.string(), z.unknown()),
  deadlines: z.array(DeadlineOut),
  history: z.array(EventOut),
  actions: z.array(ActionOut),
  photos: z.array(z.object({ id: z.string(), url: z.string(), thumbUrl: z.string() })),
  /** Linked orders: the order this one reworks, and the rework orders of this one. */
  links: z.array(z.object({ id: z.string(), number: z.string(), relation: z.enum(['rework_of', 'rework']), statusLabel: z.string() })),
  /** A complaint's help asked of other departments and outside parties (协办), with their own due times. */
  help: z.array(
    z.object({
      id: z.string(),
      target: z.string(),
      targetLabel: z.string(),
      departmentId: z.string().nullable(),
      party: z.string().describe('协办部门或单位'),
      matter: z.string(),
      dueAt: z.number(),
      askedAt: z.number(),
      askedBy: z.string(),
      status: z.string().describe('open 进行中 / done 已完成'),
      reports: z.number().describe('已反馈次数'),
      lastReportAt: z.number().nullable(),
      doneAt: z.number().nullable(),
    }),
  ),
});

export const SuggestionMonth = z.object({
  month: z.string(),
  total: z.number(),
  replied: z.number(),
  byCategory: z.record(z.string(), z.number()),
  items: z.array(
    z.object({
      id: z.string(),
      number: z.string(),
      content: z.string(),
      status: z.string(),
      statusLabel: z.string(),
      requesterName: z.string(),
      category: z.string().nullable(),
      handling: z.string(),
      reply: z.string(),
      repliedAt: z.number().nullable(),
    }),
  ),
});

export const BreachMonth = z.object({
  month: z.string(),
  total: z.number(),
  byDeadline: z.record(z.string(), z.number()),
  byDepartment: z.record(z.string(), z.number()),
  items: z.array(
    z.object({
      requestId: z.string(),
      number: z.string(),
      deadline: z.string(),
      dueAt: z.number(),
      breachedAt: z.number(),
      metAt: z.number().nullable(),
    }),
  ),
});
