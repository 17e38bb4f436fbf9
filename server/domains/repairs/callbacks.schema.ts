import { z } from 'zod';
import { pageQuery, versionField } from '../../platform/http/common.ts';

export const CALLBACK_KINDS = ['weekly', 'rework', 'follow_up'] as const;

export const CallbackListQuery = z.object({
  ...pageQuery,
  projectId: z.string().min(1).max(64).optional(),
  status: z.enum(['pending', 'done']).default('pending').describe('待回访 / 已回访'),
  kind: z.enum(CALLBACK_KINDS).optional().describe('weekly 每周抽样 / rework 返修特殊回访 / follow_up 重大缺陷上门跟踪'),
  requestId: z.string().min(1).max(64).optional(),
  drawId: z.string().min(1).max(64).optional(),
});
export type CallbackListQuery = z.infer<typeof CallbackListQuery>;

export const CallbackResult = z
  .object({
    version: versionField,
    method: z.enum(['phone', 'visit', 'online', 'questionnaire']).describe('回访方式：电话 / 上门 / 网上回复 / 问卷'),
    outcome: z
      .enum(['reached', 'unreachable', 'defect_persists', 'closed', 'observe'])
      .describe(
        '回访：reached 已回访 / unreachable 联系不上 / defect_persists 缺陷仍存在（立即返修）；上门跟踪：closed 已修复 / observe 继续观察',
      ),
    satisfaction: z.enum(['satisfied', 'basically_satisfied', 'dissatisfied']).optional().describe('满意 / 基本满意 / 不满意'),
    note: z.string().trim().max(1000).default('').describe('回访记录'),
  })
  .describe('回访结果');
export type CallbackResult = z.infer<typeof CallbackResult>;

export const Callback = z.object({
  id: z.string(),
  projectId: z.string(),
  requestId: z.string(),
  kind: z.enum(CALLBACK_KINDS),
  kindLabel: z.string(),
  drawId: z.string().nullable(),
  seq: z.number(),
  dueAt: z.number(),
  overdue: z.boolean(),
  status: z.enum(['pending', 'done']),
  method: z.string().nullable(),
  outcome: z.string().nullable(),
  outcomeLabel: z.string().nullable(),
  satisfaction: z.string().nullable(),
  note: z.string(),
  doneAt: z.number().nullable(),
  doneByName: z.string().nullable(),
  version: z.number(),
  number: z.string(),
  content: z.string(),
  requesterName: z.string(),
  requesterPhone: z.string(),
  unitNumber: z.string().nullable(),
  technicianName: z.string().nullable(),
  completedAt: z.number().nullable(),
  reworkOf: z.string().nullable(),
});

export const CallbackRecorded = Callback.extend({
  reworkId: z.string().nullable(),
  reworkNumber: z.string().nullable(),
  nextFollowUpAt: z.number().nullable(),
});

export const CallbackDraw = z.object({
  id: z.string(),
  projectId: z.string(),
  week: z.string().describe('被抽样那一周的周一'),
  from: z.number(),
  to: z.number(),
  seed: z.string(),
  ratePct: z.number(),
  population: z.number().describe('上周完工工单数'),
  drawn: z.array(z.string()).describe('抽中的工单 id'),
  reproduced: z.boolean().describe('按保存的种子和名单重新抽取，结果一致'),
  createdAt: z.number(),
});

export const Rating = z
  .object({
    overall: z.number().int().min(1, '总体满意度为 1–5 星').max(5, '总体满意度为 1–5 星').describe('总体满意度'),
    speed: z.number().int().min(1, '维修及时为 1–5 星').max(5, '维修及时为 1–5 星').describe('维修及时'),
    attitude: z.number().int().min(1, '服务态度为 1–5 星').max(5, '服务态度为 1–5 星').describe('服务态度'),
    comment: z.string().trim().max(500).default('').describe('意见'),
  })
  .describe('住户评价');

export const ResidentRequestCreate = z
  .object({
    unitId: z.string().min(1).max(64).describe('我的房屋'),
    kind: z.enum(['repair', 'complaint', 'suggestion']).default('repair'),
    repairScope: z.enum(['in_unit', 'common']).default('in_unit').describe('室内 / 公共设施'),
    categoryId: z.string().min(1).max(64).optional(),
    content: z.string().trim().min(1, '请填写内容').max(2000),
    location: z.string().trim().max(200).default('').describe('公共设施的位置'),
    preferredTime: z.string().trim().max(100).default('').describe('方便上门的时间'),
    photoIds: z.array(z.string().min(1).max(64)).max(9).default([]),
  })
  .describe('住户在手机上报事');
export type ResidentRequestCreate = z.infer<typeof ResidentRequestCreate>;
