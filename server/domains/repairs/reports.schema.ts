import { z } from 'zod';

/** A month of the China calendar, as the reports name it. */
export const monthField = z
  .string()
  .regex(/^20\d{2}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM（2000–2099 年）')
  .describe('月份 YYYY-MM');

export const RepairMonthQuery = z.object({
  projectId: z.string().min(1).max(64).describe('项目'),
  month: monthField,
});

export const REGISTERS = ['free', 'paid'] as const;
export type Register = (typeof REGISTERS)[number];
export const REGISTER_LABEL: Record<Register, string> = { free: '业主报修登记表', paid: '业主报修有偿服务登记表' };

export const RegisterQuery = RepairMonthQuery.extend({
  register: z.enum(REGISTERS).default('free').describe('free 业主报修登记表 / paid 业主报修有偿服务登记表'),
});
export type RegisterInput = z.infer<typeof RegisterQuery>;

export const RegisterRow = z.object({
  seq: z.number().describe('序号'),
  id: z.string(),
  number: z.string().describe('编号'),
  reportedAt: z.number().describe('报修时间'),
  unit: z.string().describe('房号（公共部位为报修位置）'),
  requesterName: z.string(),
  requesterPhone: z.string().describe('联系电话；无查看电话权限时打码'),
  content: z.string(),
  category: z.string().nullable(),
  preferredTime: z.string().describe('方便维修时间'),
  dispatchedAt: z.number().nullable().describe('派工时间（首次派工或取单）'),
  appointmentAt: z.number().nullable().describe('约定上门时间'),
  technician: z.string().nullable().describe('维修人'),
  completedAt: z.number().nullable(),
  findings: z.string().describe('处理结果（现场检查情况）'),
  signed: z.boolean().describe('住户是否签字'),
  signedAt: z.number().nullable(),
  confirmedAt: z.number().nullable(),
  callbackResult: z.string().describe('回访结果'),
  status: z.string(),
  statusLabel: z.string(),
  priceItem: z.string().nullable().describe('收费项目'),
  quotedFen: z.number().nullable().describe('报价（分）'),
  agreedAt: z.number().nullable().describe('住户同意时间'),
  agreedVia: z.string().nullable().describe('住户同意方式'),
  materialsFen: z.number().describe('材料费（分）'),
  labourFen: z.number().describe('人工费（分）'),
  feeCollectedFen: z.number().describe('实收（分）'),
});
export type RegisterRowOut = z.infer<typeof RegisterRow>;

export const RegisterOut = z.object({
  projectId: z.string(),
  projectName: z.string(),
  month: z.string(),
  register: z.enum(REGISTERS),
  title: z.string(),
  rows: z.array(RegisterRow),
  totals: z.object({
    count: z.number(),
    quotedFen: z.number(),
    materialsFen: z.number(),
    labourFen: z.number(),
    feeCollectedFen: z.number(),
  }),
});
export type RegisterReport = z.infer<typeof RegisterOut>;

const rate = z.number().nullable().describe('比率 0–1；分母为 0 时为 null');

export const CategoryFigures = z.object({
  categoryId: z.string().nullable().describe('类别；null = 未分类'),
  name: z.string().describe('类别路径，如 室内维修 / 水电'),
  reported: z.number(),
  completed: z.number(),
  onTime: z.number(),
  late: z.number(),
  rework: z.number(),
  paidRevenueFen: z.number(),
});

export const RepairSummary = z.object({
  projectId: z.string(),
  projectName: z.string(),
  month: z.string(),
  total: z.number().describe('当月报修数'),
  completed: z.number().describe('当月完工数'),
  byCategory: z.array(CategoryFigures),
  onTime: z.object({ measured: z.number(), met: z.number(), late: z.number(), rate }),
  rework: z.object({ completed: z.number(), reworks: z.number(), rate }),
  callbacks: z.object({
    done: z.number(),
    satisfied: z.number(),
    basicallySatisfied: z.number(),
    dissatisfied: z.number(),
    unreachable: z.number(),
    satisfactionRate: rate,
  }),
  paid: z.object({ orders: z.number(), revenueFen: z.number() }),
  generatedAt: z.number(),
});
export type RepairSummaryOut = z.infer<typeof RepairSummary>;

export const FIGURES = ['reported', 'completed', 'on_time', 'late', 'rework', 'callbacks', 'dissatisfied', 'paid'] as const;
export type Figure = (typeof FIGURES)[number];
export const FIGURE_LABEL: Record<Figure, string> = {
  reported: '报修',
  completed: '完工',
  on_time: '及时答复',
  late: '超时答复',
  rework: '返修',
  callbacks: '已回访',
  dissatisfied: '回访不满意',
  paid: '有偿维修（完工）',
};

/** The category of the by-category table that has none. */
export const NO_CATEGORY = 'none';

export const OrdersQuery = RepairMonthQuery.extend({
  figure: z.enum(FIGURES).describe('汇总中的哪个数字'),
  categoryId: z.string().min(1).max(64).optional().describe(`只看某一类别；${NO_CATEGORY} = 未分类`),
  limit: z.coerce.number().int().min(1).max(5000).default(1000).describe('最多返回条数，默认 1000'),
});
export type OrdersInput = z.infer<typeof OrdersQuery>;

export const OrderRow = z.object({
  id: z.string(),
  number: z.string(),
  unit: z.string(),
  requesterName: z.string(),
  category: z.string().nullable(),
  status: z.string(),
  statusLabel: z.string(),
  createdAt: z.number(),
  completedAt: z.number().nullable(),
  paid: z.boolean(),
  feeCollectedFen: z.number(),
  /** Callback figures: the callback behind the row. */
  callback: z
    .object({
      doneAt: z.number().nullable(),
      kind: z.string(),
      method: z.string().nullable(),
      outcome: z.string().nullable(),
      satisfaction: z.string().nullable(),
      note: z.string(),
    })
    .nullable(),
});
export type OrderRowOut = z.infer<typeof OrderRow>;

export const OrdersOut = z.object({
  figure: z.enum(FIGURES),
  label: z.string(),
  categoryId: z.string().nullable(),
  items: z.array(OrderRow),
  /** More rows than `limit` exist. */
  truncated: z.boolean(),
});
export type OrdersReport = z.infer<typeof OrdersOut>;
