import { z } from 'zod';
import { instant, pageQuery, versionField } from '../../platform/http/common.ts';

export const INCIDENT_CLASSES = ['A', 'B', 'C'] as const;
export type IncidentClass = (typeof INCIDENT_CLASSES)[number];

/** The three classes of 办公区域突发事件, as the source document defines them. */
export const INCIDENT_CLASS_LABEL: Record<IncidentClass, string> = {
  A: '业主没有预约且非常不理性的投诉到访',
  B: '被辞退或被批评的员工没有预约且非常不理性的投诉到访',
  C: '未经预约的媒体采访，或公检法、工商、税务等政府部门人员突然到访检查',
};

const id = (what: string) => z.string().min(1).max(64).describe(what);
const text = (label: string, max: number) =>
  z.string().trim().min(1, `请填写${label}`).max(max, `${label}不能超过 ${max} 字`).describe(label);

export const IncidentCreate = z
  .object({
    projectId: id('项目'),
    class: z.enum(INCIDENT_CLASSES).describe('A 业主不理性投诉到访 / B 被辞退或被批评员工到访 / C 媒体或政府部门突然到访'),
    occurredAt: instant('发生时间').optional().describe('发生时间（毫秒）；不填为现在'),
    place: text('地点', 200),
    people: text('来访人员（人数、身份）', 500),
    description: text('事件经过', 4000),
  })
  .describe('登记办公区域突发事件：登记即通知该类事件的负责人');
export type IncidentCreateInput = z.infer<typeof IncidentCreate>;

export const StepCreate = z
  .object({
    text: text('处理情况', 2000),
    correctsN: z.number().int().min(1).max(100_000).optional().describe('更正第几条记录（原记录保留不改）'),
  })
  .describe('追加一条处理记录');
export type StepCreateInput = z.infer<typeof StepCreate>;

export const ReportSubmit = z
  .object({ version: versionField, report: text('处理记录表内容（处理经过、结果与建议）', 8000) })
  .describe('提交《突发事件处理记录表》：只能提交一次');

export const CaseMark = z
  .object({ version: versionField, summary: text('案例摘要', 2000).describe('案例摘要：事件要点与处理经验，不含个人信息') })
  .describe('标记为典型事件（培训案例）');

export const NotifiedOut = z.object({
  userId: z.string(),
  name: z.string(),
  as: z.string().describe('以何身份被通知，如 客服主管、人力资源部'),
});

export const StepOut = z.object({
  n: z.number(),
  at: z.number(),
  actorName: z.string(),
  text: z.string(),
  correctsN: z.number().nullable(),
});

const incidentFields = {
  id: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  number: z.string().describe('SJ-YYMM-NNNN'),
  class: z.enum(INCIDENT_CLASSES),
  classLabel: z.string(),
  occurredAt: z.number(),
  place: z.string(),
  people: z.string(),
  reportDueAt: z.number().describe('《突发事件处理记录表》应交时间：发生后第 2 个工作日下班前（按项目工作日历）'),
  reportSubmittedAt: z.number().nullable(),
  overdue: z.boolean().describe('记录表逾期未交'),
  reportLate: z.boolean().describe('记录表逾期后才提交'),
  isCase: z.boolean().describe('已整理为典型事件案例'),
  createdAt: z.number(),
  version: z.number(),
};

export const IncidentSummary = z.object({ ...incidentFields, description: z.string(), stepCount: z.number() });

export const IncidentOut = z.object({
  ...incidentFields,
  description: z.string(),
  notified: z.array(NotifiedOut).describe('登记时已通知的人'),
  steps: z.array(StepOut),
  report: z.string(),
  reportSubmittedByName: z.string().nullable(),
  overdueNotifiedAt: z.number().nullable().describe('逾期提醒客服主管的时间'),
  caseSummary: z.string(),
  caseMarkedAt: z.number().nullable(),
  caseMarkedByName: z.string().nullable(),
  reportedByName: z.string().nullable(),
});

export const IncidentListQuery = z.object({
  ...pageQuery,
  projectId: id('项目').optional(),
  class: z.enum(INCIDENT_CLASSES).optional(),
  overdue: z.enum(['true']).optional().describe('true = 只看记录表逾期未交'),
  pending: z.enum(['true']).optional().describe('true = 只看记录表未交（含未到期）'),
});
export type IncidentListInput = z.infer<typeof IncidentListQuery>;

export const IncidentCaseOut = z.object({
  id: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  number: z.string(),
  class: z.enum(INCIDENT_CLASSES),
  classLabel: z.string(),
  occurredAt: z.number(),
  place: z.string(),
  summary: z.string(),
  markedAt: z.number(),
});

export const IncidentCaseQuery = z.object({
  ...pageQuery,
  q: z.string().trim().max(100).optional().describe('关键词：每个汉字、相邻两字与英文数字词都须出现'),
  projectId: id('项目').optional(),
  class: z.enum(INCIDENT_CLASSES).optional(),
});
export type IncidentCaseInput = z.infer<typeof IncidentCaseQuery>;
