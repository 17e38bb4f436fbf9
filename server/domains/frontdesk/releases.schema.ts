import { z } from 'zod';
import { instant, pageQuery, phoneString, versionField } from '../../platform/http/common.ts';

export const STANDINGS = ['owner', 'decoration_lead', 'tenant', 'other', 'staff'] as const;
export type Standing = (typeof STANDINGS)[number];

export const PATHS = ['identity', 'letter', 'owner_call', 'company_call'] as const;
export type ReleasePath = (typeof PATHS)[number];

export const STATUSES = ['pending', 'verified', 'approved', 'refused', 'used'] as const;
export type ReleaseStatus = (typeof STATUSES)[number];

/** What a page shows: the stored status, with an approved slip read against its window. */
export const STATES = [...STATUSES, 'expired', 'not_yet_valid'] as const;

export const ACTIONS = ['verify_identity', 'check_letter', 'owner_call', 'head_call', 'approve', 'refuse'] as const;
export type ReleaseAction = (typeof ACTIONS)[number];

export const CHECK_REASONS = ['used', 'expired', 'not_yet_valid', 'refused', 'pending', 'other_project', 'unknown'] as const;
export type CheckReason = (typeof CHECK_REASONS)[number];

const ReleaseItemInput = z.object({
  name: z.string().trim().min(1, '请填写物品名称').max(50).describe('物品名称，如 冰箱'),
  quantity: z.number().int().min(1, '数量至少为 1').max(9999).describe('数量'),
  unit: z.string().trim().min(1, '请填写单位').max(10).describe('单位，如 件、台、箱'),
});

const applicationFields = {
  unitId: z.string().min(1).max(64).describe('房屋 id：货物从这套房屋搬出'),
  applicantName: z.string().trim().max(50).default('').describe('申请人（搬运人）姓名；住户端不填即本人'),
  applicantPhone: z
    .union([phoneString, z.literal('')])
    .default('')
    .describe('申请人电话；住户端不填即本人'),
  standing: z
    .enum(STANDINGS)
    .describe('申请人身份：owner 业主 / decoration_lead 登记的装修负责人 / tenant 租户 / other 其他人 / staff 内部施工或送货人员'),
  company: z.string().trim().max(100).default('').describe('内部施工或送货人员所属单位或部门'),
  path: z
    .enum(PATHS)
    .optional()
    .describe(
      '核实方式：identity 核实身份 / letter 持业主委托书 / owner_call 致电业主 / company_call 致电单位部门负责人；不填按身份与是否上传委托书决定',
    ),
  letterFileId: z.string().min(1).max(64).optional().describe('业主委托书照片（先经 POST /api/files 上传）'),
  items: z.array(ReleaseItemInput).min(1, '请至少填写一件物品').max(50).describe('放行物品'),
  plate: z.string().trim().max(20).default('').describe('车牌号，如 粤B12345；步行搬运不填'),
  validFrom: instant('有效期开始').optional().describe('有效期开始（毫秒）；默认现在'),
  validUntil: instant('有效期结束').optional().describe('有效期结束（毫秒）；默认当天 24 点（北京时间），最长 3 天'),
  reason: z.string().trim().min(1, '请填写放行事由').max(500).describe('事由，如 搬家、装修垃圾清运'),
};

export const ReleaseCreate = z.object(applicationFields).describe('放行申请（服务中心前台）');
export type ReleaseCreateInput = z.infer<typeof ReleaseCreate>;

export const ResidentReleaseCreate = z.object(applicationFields).describe('放行申请（住户手机）');

export const ReleaseListQuery = z.object({
  ...pageQuery,
  projectId: z.string().min(1).max(64).optional(),
  scope: z.enum(['pending', 'today', 'all']).default('pending').describe('pending 待处理（先到先办）/ today 今日申请 / all 全部'),
});
export type ReleaseListQuery = z.infer<typeof ReleaseListQuery>;

export const ResidentReleaseListQuery = z.object({ ...pageQuery });

export const VerifyIdentityBody = z.object({
  version: versionField,
  document: z
    .enum(['id_card', 'property_certificate', 'decoration_permit', 'work_card', 'other'])
    .describe('核实所凭证件：身份证 / 房产证明 / 装修许可证 / 工作证 / 其他'),
  note: z.string().trim().max(500).default(''),
});

export const CheckLetterBody = z.object({
  version: versionField,
  valid: z.boolean().describe('委托书真实有效（签名相符）→ 通过；否则不予放行'),
  note: z.string().trim().max(500).default('').describe('核对情况；不予放行时即告知申请人的理由'),
});

export const CALL_ANSWERS = ['yes', 'no', 'unreachable'] as const;

export const OwnerCallBody = z.object({
  version: versionField,
  answer: z.enum(CALL_ANSWERS).describe('业主答复：yes 同意放行 / no 不同意 / unreachable 未接通（可再次致电）'),
  ownerName: z.string().trim().min(1, '请填写接电话的业主').max(50),
  calledNumber: phoneString.describe('拨打的号码'),
  calledAt: instant('致电时刻').optional().describe('致电时刻（毫秒）；默认现在'),
  note: z.string().trim().max(500).default(''),
});

export const HeadCallBody = z.object({
  version: versionField,
  answer: z.enum(CALL_ANSWERS).describe('负责人答复：yes 确认同意放行 / no 不同意 / unreachable 未接通'),
  headName: z.string().trim().min(1, '请填写核实的负责人').max(50).describe('所核实的单位或部门负责人'),
  calledNumber: z
    .union([phoneString, z.literal('')])
    .default('')
    .describe('拨打的号码'),
  calledAt: instant('致电时刻').optional().describe('致电时刻（毫秒）；默认现在'),
  note: z.string().trim().max(500).default(''),
});

export const ApproveBody = z.object({ version: versionField });

export const RefuseBody = z.object({
  version: versionField,
  reason: z.string().trim().min(1, '请填写不予放行的理由').max(500).describe('告知申请人的理由'),
});

export const CodeBody = z.object({
  code: z.string().trim().min(1, '请输入放行码').max(200).describe('放行码（8 位）或扫描二维码所得内容'),
});

export const ReleaseItem = z.object({ name: z.string(), quantity: z.number(), unit: z.string() });

export const ReleaseEvent = z.object({
  n: z.number(),
  at: z.number(),
  actor: z.string(),
  type: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  answer: z.string().nullable(),
  contactName: z.string(),
  contactNumber: z.string(),
  contactedAt: z.number().nullable(),
  note: z.string(),
});

export const ReleaseCheck = z.object({
  id: z.string(),
  kind: z.enum(['check', 'use']),
  valid: z.boolean(),
  result: z.string(),
  guard: z.string(),
  at: z.number(),
});

export const ReleaseSummary = z.object({
  id: z.string(),
  number: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  unitId: z.string(),
  unitNumber: z.string(),
  status: z.enum(STATUSES),
  state: z.enum(STATES),
  path: z.enum(PATHS),
  channel: z.enum(['counter', 'portal']),
  applicantName: z.string(),
  standing: z.enum(STANDINGS),
  company: z.string(),
  itemsText: z.string().describe('物品摘要，如 冰箱 1 台、纸箱 5 个'),
  plate: z.string(),
  validFrom: z.number(),
  validUntil: z.number(),
  reason: z.string(),
  refusalReason: z.string(),
  createdAt: z.number(),
  usedAt: z.number().nullable(),
});

export const ReleaseDetail = ReleaseSummary.extend({
  applicantPhone: z.string(),
  items: z.array(ReleaseItem),
  code: z.string().describe('放行码：批准后交给申请人，门岗凭此核验'),
  letter: z.object({ url: z.string() }).nullable().describe('业主委托书照片'),
  owners: z.array(z.object({ name: z.string(), phone: z.string() })).describe('房屋现登记的业主：致电业主时拨打'),
  verifiedAt: z.number().nullable(),
  decidedAt: z.number().nullable(),
  decidedBy: z.string().nullable(),
  usedBy: z.string().nullable(),
  version: z.number(),
  actions: z.array(z.enum(ACTIONS)).describe('当前可执行的步骤（服务器按核实方式与状态决定）'),
  events: z.array(ReleaseEvent),
  checks: z.array(ReleaseCheck),
});

export const ResidentRelease = ReleaseSummary.extend({
  applicantPhone: z.string(),
  items: z.array(ReleaseItem),
  code: z.string().nullable().describe('放行码：批准后才显示'),
  events: z.array(z.object({ at: z.number(), type: z.string(), answer: z.string().nullable(), note: z.string() })),
});

export const GateRelease = z.object({
  id: z.string(),
  number: z.string(),
  projectName: z.string(),
  unit: z.string().describe('房号'),
  applicantName: z.string(),
  standing: z.enum(STANDINGS),
  company: z.string(),
  items: z.array(ReleaseItem),
  plate: z.string(),
  validFrom: z.number(),
  validUntil: z.number(),
  status: z.enum(STATUSES),
  usedAt: z.number().nullable(),
});

export const GateCheck = z.object({
  valid: z.boolean(),
  reason: z.enum(CHECK_REASONS).optional(),
  message: z.string().describe('给门岗看的结论'),
  code: z.string().describe('核验的放行码（已规范化）'),
  release: GateRelease.nullable().describe('找到的放行条；码无效或属其他项目时为 null'),
});

export const GateUse = z.object({ release: GateRelease, message: z.string() });

export const MyCheck = z.object({
  id: z.string(),
  kind: z.enum(['check', 'use']),
  code: z.string(),
  valid: z.boolean(),
  result: z.string(),
  at: z.number(),
  number: z.string().nullable(),
  unit: z.string().nullable(),
});
export const MyCheckQuery = z.object({ ...pageQuery });
