import { z } from 'zod';

export const WarrantySettings = z
  .object({
    years: z.record(z.string().min(1).max(40), z.number().int().min(0, '保修年限不能为负').max(50)).describe('类别名称 → 保修年限'),
    defaultYears: z.number().int().min(0, '保修年限不能为负').max(50).describe('其他类别的保修年限'),
  })
  .describe('保修规则');

export const AftercareSettings = z
  .object({
    ratePct: z.number().int().min(1, '抽样比例为 1–100%').max(100, '抽样比例为 1–100%').describe('每周回访抽样比例（%）'),
    majorDefects: z.array(z.string().min(1).max(40)).max(30).describe('重大缺陷类别（上门跟踪直至结束）'),
    followUpDays: z
      .array(z.number().int().min(1, '跟踪间隔至少 1 天').max(365, '跟踪间隔最多 365 天'))
      .min(1, '请至少填写一个跟踪间隔')
      .max(6)
      .describe('完工后首次跟踪天数，其后每次间隔（最后一项重复）'),
    weeklyDueWorkingDays: z.number().int().min(1).max(10).describe('每周回访任务的完成时限（工作日）'),
  })
  .describe('回访与跟踪规则');

export const RepairSettings = z.object({
  scope: z.string().describe('company 或项目 id：这些值在此范围生效'),
  warranty: WarrantySettings,
  aftercare: AftercareSettings,
});

export const RepairSettingsPut = z.object({
  projectId: z.string().min(1).max(64).nullable().describe('null = 全公司'),
  warranty: WarrantySettings.optional(),
  aftercare: AftercareSettings.optional(),
});
export type RepairSettingsPut = z.infer<typeof RepairSettingsPut>;
