import { z } from 'zod';
import { ROLE_CODES } from '../../platform/access/roles.ts';
import { instant, pageQuery, versionField } from '../../platform/http/common.ts';
import { DEPARTMENT_CODES } from '../org/org.schema.ts';
import { NotifiedOut, StepOut } from './incidents.schema.ts';

export const EMERGENCY_TYPES = ['water_power', 'lift', 'fire', 'weather', 'other'] as const;
export type EmergencyType = (typeof EMERGENCY_TYPES)[number];
export const EMERGENCY_TYPE_LABEL: Record<EmergencyType, string> = {
  water_power: '停水停电',
  lift: '电梯困人',
  fire: '火灾',
  weather: '恶劣天气',
  other: '其他突发情况',
};
export const EMERGENCY_STATUSES = ['open', 'closed'] as const;

const id = (what: string) => z.string().min(1).max(64).describe(what);
const text = (label: string, max: number) =>
  z.string().trim().min(1, `请填写${label}`).max(max, `${label}不能超过 ${max} 字`).describe(label);

export const EmergencyCreate = z
  .object({
    projectId: id('项目'),
    type: z.enum(EMERGENCY_TYPES).describe('water_power 停水停电 / lift 电梯困人 / fire 火灾 / weather 恶劣天气 / other 其他'),
    startedAt: instant('发生时间').optional().describe('发生时间（毫秒）；不填为现在'),
    place: text('地点', 200),
    summary: text('情况简述', 2000),
  })
  .describe('登记小区突发事件：登记即按应急预案通知相关部门与人员');
export type EmergencyCreateInput = z.infer<typeof EmergencyCreate>;

export const NoticeCreate = z
  .object({ text: text('住户通知内容', 500) })
  .describe('向本项目全体住户发布通知（站内通知，并在住户手机首页置顶显示）');

export const EmergencyClose = z
  .object({
    version: versionField,
    cause: text('原因', 2000),
    handling: text('处理经过', 4000),
    losses: z.string().trim().max(2000, '损失情况不能超过 2000 字').default('').describe('损失情况（无则不填）'),
    followUp: text('后续措施', 2000),
  })
  .describe('结案报告：原因、处理经过、损失与后续措施；结案后只读');
export type EmergencyCloseInput = z.infer<typeof EmergencyClose>;

export const PlanEntry = z
  .object({
    departments: z.array(z.enum(DEPARTMENT_CODES)).max(10).describe('通知的部门（本项目部门或公司部门）的全部人员'),
    roles: z
      .array(z.enum(ROLE_CODES).refine((r) => r !== 'resident', '通知对象应为工作人员角色'))
      .max(10)
      .describe('通知本项目中这些角色的人员'),
  })
  .describe('一类突发事件的通知对象');
export type PlanEntry = z.infer<typeof PlanEntry>;

export const Plans = z.object(Object.fromEntries(EMERGENCY_TYPES.map((t) => [t, PlanEntry])) as Record<EmergencyType, typeof PlanEntry>);
export type Plans = z.infer<typeof Plans>;

export const PlansOut = z.object({ scope: z.string().describe('company 或项目 id'), plans: Plans });
export const PlansPut = z.object({
  projectId: z.string().min(1).max(64).nullable().describe('null = 全公司'),
  plans: Plans,
});
export type PlansPutInput = z.infer<typeof PlansPut>;

export const NoticeOut = z.object({
  id: z.string(),
  text: z.string(),
  publishedAt: z.number(),
  publishedByName: z.string(),
  recipients: z.number().describe('收到站内通知的住户账号数'),
});

const fields = {
  id: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  number: z.string().describe('YJ-YYMM-NNNN'),
  type: z.enum(EMERGENCY_TYPES),
  typeLabel: z.string(),
  startedAt: z.number(),
  place: z.string(),
  summary: z.string(),
  status: z.enum(EMERGENCY_STATUSES),
  closedAt: z.number().nullable(),
  createdAt: z.number(),
  version: z.number(),
};

export const EmergencySummary = z.object({ ...fields, stepCount: z.number(), noticeCount: z.number() });

export const EmergencyOut = z.object({
  ...fields,
  notified: z.array(NotifiedOut).describe('登记时按预案通知的人'),
  steps: z.array(StepOut),
  notices: z.array(NoticeOut).describe('发给住户的通知（新→旧）'),
  closing: z
    .object({ cause: z.string(), handling: z.string(), losses: z.string(), followUp: z.string(), closedByName: z.string().nullable() })
    .nullable(),
  reportedByName: z.string().nullable(),
});

export const EmergencyListQuery = z.object({
  ...pageQuery,
  projectId: id('项目').optional(),
  status: z.enum(EMERGENCY_STATUSES).optional(),
  type: z.enum(EMERGENCY_TYPES).optional(),
});
export type EmergencyListInput = z.infer<typeof EmergencyListQuery>;

export const MyNotice = z.object({
  id: z.string(),
  emergencyId: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  type: z.enum(EMERGENCY_TYPES),
  typeLabel: z.string(),
  text: z.string(),
  publishedAt: z.number(),
});
