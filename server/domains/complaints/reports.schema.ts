import { z } from 'zod';
import { monthField } from '../repairs/reports.schema.ts';

export const GRADES = ['general', 'significant', 'urgent'] as const;
export type Grade = (typeof GRADES)[number];
export const GRADE_LABEL: Record<Grade, string> = { general: '一般', significant: '重大', urgent: '紧急' };

/** Why a closed complaint needed no callback (R-CP-8). */
export const NO_CALLBACK_REASONS = ['solved_on_spot', 'anonymous', 'sensitive_declined'] as const;

export const CLOSE_REASON_LABEL: Record<string, string> = {
  satisfied: '回访满意结案',
  solved_on_spot: '当场解决并经确认，无需回访',
  anonymous: '匿名或无法联系，无需回访',
  sensitive_declined: '敏感投诉，投诉人谢绝回访',
  declined_no_new_complaint: '谢绝回访，7 天无再投诉自动结案',
};

/** The category of the table that has none. */
export const NO_CATEGORY = 'none';
export const UNCATEGORIZED = '未分类';

const projectField = z.string().min(1).max(64).describe('项目');

/** A real calendar day: the regex alone would let 2026-02-30 through. */
const dateField = z
  .string()
  .regex(/^20\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, '日期格式应为 YYYY-MM-DD（2000–2099 年）')
  .refine((s) => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    return new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
  }, '没有这一天')
  .describe('日期 YYYY-MM-DD（北京时间）');

// ---------- 投诉登记表 (daily register) ----------

export const RegisterQuery = z
  .object({
    projectId: projectField,
    date: dateField.optional(),
    month: monthField.optional().describe('月份 YYYY-MM：列出整月的登记（与 date 二选一）'),
  })
  .superRefine((q, c) => {
    if (!q.date && !q.month)
      c.addIssue({ code: 'custom', path: ['date'], message: '请指定日期 date（YYYY-MM-DD）或月份 month（YYYY-MM）' });
    if (q.date && q.month) c.addIssue({ code: 'custom', path: ['month'], message: 'date 与 month 只能指定一个' });
  });
export type RegisterInput = z.infer<typeof RegisterQuery>;

export const RegisterRow = z.object({
  seq: z.number().describe('序号'),
  id: z.string(),
  number: z.string().describe('编号'),
  createdAt: z.number().describe('投诉时间'),
  channel: z.string(),
  channelLabel: z.string().describe('投诉方式：来电、来访、来信…'),
  requesterName: z.string().describe('投诉人；匿名投诉为“匿名”'),
  unit: z.string().describe('房号（无房号时为地点）'),
  requesterPhone: z.string().describe('联系电话；无查看电话权限时打码'),
  content: z.string().describe('投诉内容'),
  categoryId: z.string().nullable(),
  category: z.string().nullable().describe('类别路径，如 环境与秩序 / 噪音扰民'),
  grade: z.enum(GRADES),
  gradeLabel: z.string().describe('一般 / 重大 / 紧急'),
  department: z.string().nullable().describe('责任部门'),
  handler: z.string().nullable().describe('处理人（当前负责人）'),
  status: z.string(),
  statusLabel: z.string(),
  resolution: z.string().describe('处理结果'),
  outcome: z.string().describe('回访与结案情况，按时间先后'),
  closeReason: z.string().describe('结案原因代码；未结案为空'),
  reopenCount: z.number().describe('回访不满意退回重办的次数'),
  closedAt: z.number().nullable().describe('结案时间'),
});
export type RegisterRowOut = z.infer<typeof RegisterRow>;

export const RegisterOut = z.object({
  projectId: z.string(),
  projectName: z.string(),
  date: z.string().nullable(),
  month: z.string().nullable(),
  title: z.string(),
  rows: z.array(RegisterRow),
  generatedAt: z.number(),
});
export type RegisterReport = z.infer<typeof RegisterOut>;

// ---------- 顾客投诉分类统计表 (monthly classification table) ----------

export const TableQuery = z.object({
  month: monthField,
  projectId: projectField.optional().describe('项目；不填为全公司（本人可见的全部项目）'),
});
export type TableInput = z.infer<typeof TableQuery>;

const rate = z.number().nullable().describe('比率 0–1；分母为 0 时为 null');

export const Figures = z.object({
  total: z.number().describe('投诉数'),
  satisfied: z.number().describe('回访满意结案'),
  noCallback: z.number().describe('无需回访结案（当场解决、匿名、敏感谢绝）'),
  declined: z.number().describe('谢绝回访、7 天无再投诉结案'),
  closedOther: z.number().describe('其他原因结案'),
  open: z.number().describe('未结案（含谢绝回访待自动结案的）'),
  onTime: z.number().describe('24 小时内回应的投诉'),
  late: z.number().describe('24 小时回应超时的投诉'),
  responseMeasured: z.number().describe('24 小时回应已有结果的投诉（onTime + late）'),
  responseRate: rate.describe('24 小时回应率 = onTime ÷ responseMeasured'),
  callbacks: z.number().describe('回访次数 = 满意结案 + 不满意退回次数'),
  satisfactionRate: rate.describe('回访满意率 = satisfied ÷ callbacks'),
  reopens: z.number().describe('不满意退回重办的次数'),
  reopened: z.number().describe('被退回重办过的投诉'),
});
export type FiguresOut = z.infer<typeof Figures>;

export const ComplaintTable = z.object({
  month: z.string(),
  scope: z.enum(['project', 'company']).describe('project 一个项目；company 全公司'),
  projectId: z.string().nullable(),
  projectName: z.string().describe('项目名；全公司时为“全公司”'),
  title: z.string(),
  categories: z.array(
    z.object({
      categoryId: z.string().nullable().describe('一级类别；null = 未分类'),
      name: z.string(),
      grades: z.object({ general: Figures, significant: Figures, urgent: Figures }),
      subtotal: Figures,
    }),
  ),
  byGrade: z.object({ general: Figures, significant: Figures, urgent: Figures }).describe('各级别合计'),
  totals: Figures.describe('合计'),
  projects: z.array(z.object({ projectId: z.string(), projectName: z.string(), figures: Figures })).describe('每个项目一行'),
  generatedAt: z.number(),
});
export type ComplaintTableOut = z.infer<typeof ComplaintTable>;

export const FIGURES = [
  'total',
  'satisfied',
  'no_callback',
  'declined',
  'closed_other',
  'open',
  'on_time',
  'late',
  'measured',
  'callbacks',
  'reopens',
  'reopened',
] as const;
export type Figure = (typeof FIGURES)[number];
export const FIGURE_LABEL: Record<Figure, string> = {
  total: '投诉',
  satisfied: '回访满意结案',
  no_callback: '无需回访结案',
  declined: '谢绝回访结案',
  closed_other: '其他结案',
  open: '未结案',
  on_time: '24 小时内回应',
  late: '24 小时回应超时',
  measured: '24 小时回应已计',
  callbacks: '回访',
  reopens: '回访不满意退回',
  reopened: '退回重办过的投诉',
};
/** Figures counted per callback, not per complaint: a complaint reopened twice is two rows. */
export const PER_CALLBACK: readonly Figure[] = ['callbacks', 'reopens'];

export const ItemsQuery = TableQuery.extend({
  figure: z.enum(FIGURES).describe('统计表中的哪个数字'),
  categoryId: z.string().min(1).max(64).optional().describe(`只看某一一级类别（含其子类）；${NO_CATEGORY} = 未分类`),
  grade: z.enum(GRADES).optional().describe('只看某一级别'),
  limit: z.coerce.number().int().min(1).max(5000).default(1000).describe('最多返回条数，默认 1000'),
});
export type ItemsInput = z.infer<typeof ItemsQuery>;

export const ItemRow = z.object({
  id: z.string(),
  number: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  createdAt: z.number(),
  requesterName: z.string(),
  unit: z.string(),
  content: z.string(),
  category: z.string().nullable(),
  grade: z.enum(GRADES),
  gradeLabel: z.string(),
  status: z.string(),
  statusLabel: z.string(),
  closeReason: z.string(),
  closeReasonLabel: z.string(),
  reopenCount: z.number(),
  closedAt: z.number().nullable(),
  /** Per-callback figures: the callback behind the row (null when its history entry is missing). */
  callback: z
    .object({
      at: z.number(),
      satisfied: z.boolean(),
      method: z.string().nullable(),
      note: z.string(),
    })
    .nullable(),
});
export type ItemRowOut = z.infer<typeof ItemRow>;

export const ItemsOut = z.object({
  figure: z.enum(FIGURES),
  label: z.string(),
  categoryId: z.string().nullable(),
  grade: z.enum(GRADES).nullable(),
  items: z.array(ItemRow),
  /** More rows than `limit` exist. */
  truncated: z.boolean(),
});
export type ItemsReport = z.infer<typeof ItemsOut>;
