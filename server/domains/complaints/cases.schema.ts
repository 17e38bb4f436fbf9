import { z } from 'zod';
import { pageQuery } from '../../platform/http/common.ts';

export const GRADES = ['general', 'significant', 'urgent'] as const;
export const GRADE_LABEL: Record<(typeof GRADES)[number], string> = { general: '一般', significant: '重大', urgent: '紧急' };

/** The editable sections of a case, with the label an error message names the field by. */
export const CASE_FIELDS = {
  title: '标题',
  summary: '事件经过',
  handling: '处理过程',
  cause: '原因分析',
  preventive: '预防措施',
  lessons: '经验与启示',
} as const;
export type CaseField = keyof typeof CASE_FIELDS;

const section = (field: CaseField, max: number) =>
  z.string().trim().min(1, `请填写${CASE_FIELDS[field]}`).max(max, `${CASE_FIELDS[field]}不能超过 ${max} 字`).describe(CASE_FIELDS[field]);

export const CaseCreate = z
  .object({
    requestId: z.string().min(1).max(64).describe('已结案的投诉（事项 id）'),
    title: section('title', 100),
    summary: section('summary', 4000),
    handling: section('handling', 8000),
    cause: section('cause', 2000),
    preventive: section('preventive', 2000),
    lessons: z.string().trim().max(2000, '经验与启示不能超过 2000 字').default('').describe('经验与启示：培训时要讲的要点'),
  })
  .describe('把已结案的投诉存为培训案例：各部分不得含投诉人或住户的个人信息');
export type CaseCreateInput = z.infer<typeof CaseCreate>;

const caseSections = {
  title: z.string().describe('标题：分类 + 事由'),
  category: z.string().describe('投诉分类（含上级分类），可为空'),
  grade: z.enum(GRADES).describe('一般 / 重大 / 紧急'),
  gradeLabel: z.string(),
  summary: z.string().describe('事件经过（已去除个人信息）'),
  handling: z.string().describe('处理过程：调查、解决方案与处理结果'),
  cause: z.string().describe('原因分析'),
  preventive: z.string().describe('预防措施'),
  lessons: z.string().describe('经验与启示'),
};

export const CaseDraft = z
  .object({
    requestId: z.string(),
    requestNumber: z.string().describe('投诉编号，如 TS-2611-0042'),
    projectId: z.string(),
    projectName: z.string(),
    ...caseSections,
    caseId: z.string().nullable().describe('已入库时为其案例 id：每件投诉只能入库一次'),
  })
  .describe('由已结案投诉生成的案例草稿：姓名、电话、证件号、房号、车牌已替换');

export const CaseOut = z.object({
  id: z.string(),
  requestId: z.string().describe('原投诉的事项 id'),
  requestNumber: z.string().describe('原投诉的编号'),
  projectId: z.string(),
  projectName: z.string(),
  ...caseSections,
  createdByName: z.string().nullable().describe('入库人'),
  createdAt: z.number(),
});

export const CaseSummary = z.object({
  id: z.string(),
  requestId: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  title: z.string(),
  category: z.string(),
  grade: z.enum(GRADES),
  gradeLabel: z.string(),
  excerpt: z.string().describe('事件经过的开头'),
  createdAt: z.number(),
});

export const CaseListQuery = z.object({
  ...pageQuery,
  q: z.string().trim().max(100).optional().describe('关键词：每个汉字、相邻两字与英文数字词都须出现在案例中'),
  projectId: z.string().min(1).max(64).optional().describe('只看某项目的案例'),
  grade: z.enum(GRADES).optional().describe('投诉等级'),
});
export type CaseListInput = z.infer<typeof CaseListQuery>;
