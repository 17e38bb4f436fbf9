import { z } from 'zod';
import { pageQuery, versionField } from '../../platform/http/common.ts';

/** Far enough for any real call; keeps absurd numbers out of the bigint columns. */
const MAX_INSTANT = 32_503_680_000_000; // 3000-01-01

const instant = (what: string) => z.number().int().min(0).max(MAX_INSTANT).describe(`${what}（毫秒时间戳）`);

/**
 * A resident's phone, the center's own line or an extension: the center side of a call is
 * often a short extension, so both ends accept those too.
 */
export const lineNumber = z
  .string()
  .trim()
  .regex(
    /^(1\d{10}|0\d{2,3}-?\d{7,8}|400-?\d{3}-?\d{4}|\d{3,8})$/,
    '电话号码格式不正确（手机 11 位、座机如 0755-12345678，或 3–8 位分机号）',
  );

export const DIRECTIONS = ['in', 'out'] as const;
export const DIRECTION_LABEL: Record<(typeof DIRECTIONS)[number], string> = { in: '来电', out: '去电' };

type Times = { ringingAt?: number; answeredAt?: number; endedAt?: number };

/** Ringing, answering and hanging up happen in that order; the message names the field that is wrong. */
function checkOrder(t: Times, ctx: z.RefinementCtx) {
  if (t.ringingAt !== undefined && t.answeredAt !== undefined && t.answeredAt < t.ringingAt)
    ctx.addIssue({ code: 'custom', path: ['answeredAt'], message: '接听时间不能早于振铃时间' });
  if (t.answeredAt !== undefined && t.endedAt !== undefined && t.endedAt < t.answeredAt)
    ctx.addIssue({ code: 'custom', path: ['endedAt'], message: '挂断时间不能早于接听时间' });
  else if (t.ringingAt !== undefined && t.endedAt !== undefined && t.endedAt < t.ringingAt)
    ctx.addIssue({ code: 'custom', path: ['endedAt'], message: '挂断时间不能早于振铃时间' });
}

export const CallCreate = z
  .object({
    projectId: z.string().min(1).max(64),
    direction: z.enum(DIRECTIONS).describe('in 来电 / out 去电'),
    caller: lineNumber.describe('主叫号码'),
    callee: z
      .union([lineNumber, z.literal('')])
      .default('')
      .describe('被叫号码（来电时一般为服务中心号码或分机）'),
    ringingAt: instant('振铃时刻').optional(),
    answeredAt: instant('接听时刻').optional().describe('接听时刻（毫秒时间戳）；不填视为未接来电'),
    endedAt: instant('挂断时刻').optional(),
    rings: z.number().int().min(1).max(99).optional().describe('接听前响铃声数；不填则按振铃至接听的时长计算'),
    notes: z.string().trim().max(2000).default('').describe('通话摘要'),
    requestId: z.string().min(1).max(64).optional().describe('此来电产生的事项'),
  })
  .superRefine(checkOrder)
  .describe('手工登记来电/去电');
export type CallCreateInput = z.infer<typeof CallCreate>;

export const CallPatch = z
  .object({
    version: versionField,
    requestId: z.string().min(1).max(64).nullable().optional().describe('关联的事项；null = 取消关联'),
    notes: z.string().trim().max(2000).optional(),
  })
  .refine((v) => v.requestId !== undefined || v.notes !== undefined, {
    message: '请填写要修改的内容（关联事项或通话摘要）',
    path: ['requestId'],
  });
export type CallPatchInput = z.infer<typeof CallPatch>;

export const CallListQuery = z.object({
  ...pageQuery,
  projectId: z.string().min(1).max(64).optional(),
  from: z.coerce.number().int().min(0).max(MAX_INSTANT).optional().describe('起始时刻（含，毫秒）'),
  to: z.coerce.number().int().min(0).max(MAX_INSTANT).optional().describe('截止时刻（不含，毫秒）'),
  unanswered: z.enum(['true', 'false']).optional().describe('true 只看未接，false 只看已接'),
  direction: z.enum(DIRECTIONS).optional(),
});
export type CallListInput = z.infer<typeof CallListQuery>;

export const CallOut = z.object({
  id: z.string(),
  projectId: z.string(),
  externalId: z.string().nullable().describe('电话系统中的通话编号（手工登记为 null）'),
  direction: z.enum(DIRECTIONS),
  caller: z.string().describe('无查看电话权限的角色看到的是打码号码'),
  callee: z.string(),
  at: z.number().describe('通话时间：已知的最早时刻（振铃、接听或挂断），都未知时为登记时刻'),
  ringingAt: z.number().nullable(),
  answeredAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  answered: z.boolean(),
  rings: z.number().nullable().describe('接听前响铃声数'),
  source: z.enum(['manual', 'telephony']),
  operatorId: z.string().nullable(),
  operatorName: z.string().nullable(),
  requestId: z.string().nullable(),
  requestNumber: z.string().nullable().describe('关联事项的编号，如 BX-2611-0001'),
  notes: z.string(),
  version: z.number(),
});

const lineText = z
  .string()
  .trim()
  .max(64)
  .regex(/^[\w+*#().@: -]*$/, '号码格式不正确')
  .default('');

export const TelephonyEvent = z
  .object({
    callId: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[\w.:@-]+$/, '通话编号只能包含字母、数字和 . : @ - _')
      .describe('电话系统中的通话编号：同一通话的各事件以此合并'),
    event: z.enum(['ringing', 'answered', 'ended']).describe('ringing 振铃 / answered 接听 / ended 挂断'),
    at: instant('事件发生时刻'),
    from: lineText.describe('主叫号码'),
    to: lineText.describe('被叫号码或分机'),
    direction: z.enum(DIRECTIONS).default('in'),
    projectCode: z.string().trim().min(1).max(20).optional().describe('项目编号（如 YGHY）；不填则记入最早建立的项目'),
    rings: z.number().int().min(0).max(99).optional().describe('电话系统统计的响铃声数；给出时以此为准'),
  })
  .describe('电话系统来电事件');
export type TelephonyEventInput = z.infer<typeof TelephonyEvent>;

export const TelephonyResult = z.object({
  id: z.string().describe('来电记录 id'),
  callId: z.string(),
  changed: z.boolean().describe('false = 重复事件，记录未变'),
});

export const CallReportQuery = z.object({
  projectId: z.string().min(1).max(64),
  month: z.string().regex(/^20\d{2}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM（2000–2099 年）'),
});

const share = z.number().nullable().describe('0–1，无可统计来电时为 null');

export const CallReport = z.object({
  projectId: z.string(),
  projectName: z.string(),
  month: z.string(),
  from: z.number(),
  to: z.number(),
  targetRings: z.number().describe('目标：响铃几声内接听（来源文件：三声内接听）'),
  incoming: z.object({
    total: z.number(),
    answered: z.number(),
    unanswered: z.number().describe('未接（漏接）'),
    withRequest: z.number().describe('已关联事项的来电'),
    ringsKnown: z.number().describe('已接来电中响铃数已知的'),
    avgRings: z.number().nullable().describe('平均接听前响铃声数'),
    withinTarget: z.number(),
    withinTargetShare: share,
    answeredShare: share,
  }),
  outgoing: z.object({ total: z.number(), withRequest: z.number() }),
  days: z.array(
    z.object({
      date: z.string(),
      total: z.number().describe('来电数'),
      answered: z.number(),
      unanswered: z.number(),
      withRequest: z.number(),
      outgoing: z.number(),
    }),
  ),
  generatedAt: z.number(),
});
