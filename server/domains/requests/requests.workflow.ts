import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { Permission, Role } from '../../platform/access/roles.ts';
import type { Actor } from '../../platform/audit/audit.ts';
import type { Viewer } from '../../platform/auth/viewer.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import type { RequestTable } from '../../platform/db/types.ts';
import { type DeadlineRule, meetDeadlines } from '../../platform/deadlines/deadlines.ts';
import { attachToRequest, storeSignature } from '../../platform/files/files.ts';
import { instant } from '../../platform/http/common.ts';
import { fieldError, forbidden, ruleViolated } from '../../platform/http/errors.ts';
import type { LiveEvent } from '../../platform/live/live.ts';
import { createRework, RATEABLE, recordRating, scheduleFollowUp } from '../repairs/aftercare.ts';
import {
  askHelpStep,
  assertCallbackBy,
  assertClosable,
  correctionDoneStep,
  correctionPlanStep,
  escalateStep,
  HELP_TARGET_LABEL,
  helpProgressStep,
  leadershipDecisionStep,
  leadershipReportStep,
  publishCorrectiveStep,
} from './complaint-steps.ts';

export const KINDS = ['repair', 'complaint', 'inquiry', 'suggestion', 'special'] as const;
export type Kind = (typeof KINDS)[number];

/** Human numbers: BX repair, TS complaint, ZX inquiry, JY suggestion, TY special service. */
export const KIND_PREFIX: Record<Kind, string> = { repair: 'BX', complaint: 'TS', inquiry: 'ZX', suggestion: 'JY', special: 'TY' };

export const KIND_LABEL: Record<Kind, string> = {
  repair: '维修',
  complaint: '投诉',
  inquiry: '咨询',
  suggestion: '建议',
  special: '特约服务',
};

/** R-IN-1 */
export const CHANNELS = ['counter', 'phone', 'portal', 'patrol', 'committee', 'forum', 'reception_day', 'letter'] as const;
export const CHANNEL_LABEL: Record<(typeof CHANNELS)[number], string> = {
  counter: '来访',
  phone: '来电',
  portal: '住户端',
  patrol: '巡查发现',
  committee: '业委会会议',
  forum: '网上论坛',
  reception_day: '接访日',
  letter: '来信',
};

export const URGENCIES = ['normal', 'urgent'] as const;

/** Which department owns a new request of each kind unless the receptionist picks another. */
export const DEFAULT_DEPARTMENT: Record<Kind, string> = {
  repair: 'engineering',
  complaint: 'service',
  inquiry: 'service',
  suggestion: 'service',
  special: 'service',
};

/**
 * The promises of SPEC R-SLA-1 with the source documents' numbers as defaults. Each is a
 * setting (`deadline.rules`), per company or project.
 */
export const DEFAULT_RULES: Record<string, DeadlineRule> = {
  'repair.response': { basis: 'calendar', minutes: 10, warnLeadMinutes: 3, escalateAfterMinutes: 20 },
  'complaint.response': { basis: 'calendar', minutes: 24 * 60, warnLeadMinutes: 120, escalateAfterMinutes: 240 },
  'inquiry.answer': { basis: 'calendar', warnLeadMinutes: 30, escalateAfterMinutes: 120 },
  'suggestion.reply': { basis: 'working', workingDays: 5, warnLeadMinutes: 240, escalateAfterMinutes: 480 },
  'special.arrange': { basis: 'working', workingDays: 1, warnLeadMinutes: 60, escalateAfterMinutes: 240 },
  'special.reply': { basis: 'working', workingDays: 1, warnLeadMinutes: 60, escalateAfterMinutes: 240 },
  'repair.callback': { basis: 'calendar', minutes: 24 * 60, warnLeadMinutes: 120, escalateAfterMinutes: 240 },
  'complaint.promise': { basis: 'calendar', warnLeadMinutes: 60, escalateAfterMinutes: 120 },
  'complaint.contact': { basis: 'calendar', minutes: 120, warnLeadMinutes: 30, escalateAfterMinutes: 120 },
  'complaint.completion': { basis: 'calendar', warnLeadMinutes: 120, escalateAfterMinutes: 240 },
  'complaint.help': { basis: 'calendar', warnLeadMinutes: 120, escalateAfterMinutes: 240 },
  'complaint.leadership': { basis: 'working', workingDays: 1, warnLeadMinutes: 120, escalateAfterMinutes: 240 },
  'complaint.correction': { basis: 'calendar', warnLeadMinutes: 24 * 60, escalateAfterMinutes: 24 * 60 },
};

export const DEADLINE_LABEL: Record<string, string> = {
  'repair.response': '报修 10 分钟内答复',
  'complaint.response': '投诉 24 小时内回应',
  'inquiry.answer': '约定时间答复咨询',
  'suggestion.reply': '答复建议',
  'special.arrange': '安排特约服务',
  'special.reply': '回复特约服务结果',
  'repair.callback': '返修 24 小时内特殊回访',
  'complaint.promise': '按承诺时间回应投诉人',
  'complaint.contact': '接收的责任人联系投诉人',
  'complaint.completion': '按告知的新时间完成处理',
  'complaint.help': '协办方按要求时间回复',
  'complaint.leadership': '公司领导批示上报的投诉',
  'complaint.correction': '项目按品质管理部整改计划完成整改',
};

export interface StateDef {
  label: string;
  open: boolean;
}

/** What a transition does beyond moving the status; carried out by the request service. */
export interface Effects {
  meet?: string[];
  cancel?: string[];
  /** Start deadlines; `dueAtField` names an input field holding a promised instant. */
  start?: { kind: string; dueAtField?: string }[];
  /** Copy these input fields into the kind's detail table (input name → column). */
  detail?: Record<string, string>;
  /** Set these detail columns to the transition time. */
  stampDetail?: string[];
  /** Put the request into the suggestion's monthly aggregate. */
  monthOf?: boolean;
  /** Notify the project's service supervisors (R-SR-1: result reported to the supervisor). */
  notifySupervisors?: string;
}

/** What a transition's own step may touch: the command's transaction, the row, and the detail row. */
export interface StepArgs {
  ctx: AppContext;
  tx: Tx;
  dataDir: string;
  row: Selectable<RequestTable>;
  input: Record<string, unknown>;
  now: number;
  viewer: Viewer;
  actor: Actor;
  /** Live events to publish after the commit. */
  live: LiveEvent[];
  /** Change the request row (applied with the command). */
  set(fields: { assignee_id?: string | null; department_id?: string }): void;
  /** Change the kind's detail row. */
  detail(fields: Record<string, unknown>): void;
  /** Add to the data of the history event the transition records. */
  note(fields: Record<string, unknown>): void;
}

export interface TransitionDef {
  action: string;
  label: string;
  from: string[];
  /** The next status; '' keeps the current one (a step recorded along the way). */
  to: string;
  permission: Permission;
  /** When only some holders of the permission may do it (e.g. the department arranges). */
  roles?: Role[];
  input: z.ZodObject;
  effects?: Effects;
  /** Rules and records a declared effect cannot express (a price item to check, a signature to store). */
  step?: (a: StepArgs) => Promise<void>;
}

export interface WorkflowDef {
  kind: Kind;
  states: Record<string, StateDef>;
  transitions: TransitionDef[];
}

const promisedAt = instant('约定答复时刻');
/** A required text field; its label becomes the form label through the JSON Schema description. */
const text = (label: string, max = 2000) => z.string().trim().min(1, `请填写${label}`).max(max).describe(label);

const DISPATCHERS: Role[] = ['receptionist', 'service_supervisor', 'project_manager', 'department_head'];
const CENTER: Role[] = ['receptionist', 'service_supervisor', 'project_manager'];

/** The technician's own steps are theirs alone: another technician cannot act on the order. */
async function assigneeOnly({ viewer, row }: StepArgs) {
  if (viewer.role === 'technician' && row.assignee_id !== viewer.userId) throw forbidden('这张工单不是派给您的');
}

const stars = (label: string) => z.number().int().min(1, `${label}为 1–5 星`).max(5, `${label}为 1–5 星`).describe(`${label}（1–5 星）`);

const fen = (label: string) => z.number().int().min(0, `${label}不能为负`).max(100_000_000).describe(`${label}（分）`);

/**
 * R-RP-1…6: assess (free by warranty, or quoted from the price list and agreed before any
 * dispatch), dispatch to a technician or the department pool, the technician's steps on the
 * phone, the resident's signature (or confirmation later when away), then the service
 * center confirms and archives. Telling the resident who comes and when meets the 10-minute answer.
 */
const REPAIR: WorkflowDef = {
  kind: 'repair',
  states: {
    registered: { label: '已登记，待判定', open: true },
    quoted: { label: '有偿，待住户同意价格', open: true },
    to_dispatch: { label: '待派工', open: true },
    pooled: { label: '待取单', open: true },
    dispatched: { label: '已派工', open: true },
    accepted: { label: '已接单', open: true },
    on_the_way: { label: '在路上', open: true },
    on_site: { label: '已到场', open: true },
    completed: { label: '已完工，待签字', open: true },
    signed: { label: '住户已签字，待确认', open: true },
    awaiting_confirmation: { label: '住户不在，待服务中心确认', open: true },
    archived: { label: '已确认归档', open: false },
    declined: { label: '住户不同意收费', open: false },
  },
  transitions: [
    {
      action: 'mark_free',
      label: '判定免费维修',
      from: ['registered'],
      to: 'to_dispatch',
      permission: 'request.handle',
      roles: CENTER,
      input: z.object({ scope: z.enum(['in_unit', 'common']).default('in_unit').describe('维修部位'), reason: text('判定依据', 300) }),
      effects: { detail: { scope: 'scope', reason: 'assessment' } },
    },
    {
      action: 'quote',
      label: '有偿维修报价（明示收费标准）',
      from: ['registered'],
      to: 'quoted',
      permission: 'request.handle',
      roles: CENTER,
      input: z.object({
        priceItemId: z.string().min(1).max(64).describe('收费项目'),
        quotedFen: fen('报价').optional(),
        reason: text('判定依据', 300),
      }),
      step: async ({ tx, row, input, detail }) => {
        const item = await tx
          .selectFrom('price_items')
          .select(['project_id', 'price_fen', 'active'])
          .where('id', '=', input.priceItemId as string)
          .executeTakeFirst();
        if (!item || !item.active || (item.project_id !== null && item.project_id !== row.project_id))
          throw fieldError('priceItemId', '收费项目不存在或已停用');
        detail({
          paid: 1,
          price_item_id: input.priceItemId,
          quoted_fen: (input.quotedFen as number | undefined) ?? item.price_fen,
          assessment: input.reason,
        });
      },
    },
    {
      action: 'agree',
      label: '住户同意价格',
      from: ['quoted'],
      to: 'to_dispatch',
      permission: 'request.handle',
      roles: CENTER,
      input: z.object({ via: z.enum(['phone', 'counter', 'resident_app']).describe('同意方式') }),
      effects: { detail: { via: 'agreed_via' }, stampDetail: ['agreed_at'] },
    },
    {
      action: 'decline',
      label: '住户不同意收费',
      from: ['quoted'],
      to: 'declined',
      permission: 'request.handle',
      roles: CENTER,
      input: z.object({ reason: text('原因', 300) }),
    },
    {
      action: 'dispatch',
      label: '派工',
      from: ['to_dispatch', 'pooled'],
      to: 'dispatched',
      permission: 'request.handle',
      roles: DISPATCHERS,
      input: z.object({
        assigneeId: z.string().min(1).max(64).describe('维修工'),
        appointmentAt: instant('上门时间'),
        informed: z.boolean().default(false).describe('已告知住户谁、何时上门'),
      }),
      effects: { detail: { appointmentAt: 'appointment_at' } },
      step: async ({ tx, row, input, now, detail }) => {
        // Told on the spot who comes and when: that is the 10-minute answer (R-RP-3).
        if (input.informed) {
          detail({ informed_at: now });
          await meetDeadlines(tx, row.id, ['repair.response'], now);
        }
      },
    },
    {
      action: 'to_pool',
      label: '放入部门待取单',
      from: ['to_dispatch'],
      to: 'pooled',
      permission: 'request.handle',
      roles: DISPATCHERS,
      input: z.object({}),
    },
    {
      action: 'take',
      label: '取单',
      from: ['pooled'],
      to: 'dispatched',
      permission: 'request.handle',
      roles: ['technician'],
      input: z.object({ appointmentAt: instant('上门时间') }),
      effects: { detail: { appointmentAt: 'appointment_at' } },
      step: async ({ viewer, set }) => set({ assignee_id: viewer.userId }),
    },
    {
      action: 'transfer',
      label: '转派',
      from: ['dispatched', 'accepted'],
      to: 'dispatched',
      permission: 'request.handle',
      roles: DISPATCHERS,
      input: z.object({ assigneeId: z.string().min(1).max(64).describe('新的维修工'), reason: text('转派原因', 300) }),
    },
    {
      action: 'inform',
      label: '已告知住户上门人员和时间',
      from: ['dispatched', 'accepted', 'on_the_way'],
      to: '',
      permission: 'request.handle',
      input: z.object({ note: z.string().trim().max(300).default('').describe('备注') }),
      effects: { meet: ['repair.response'], stampDetail: ['informed_at'] },
    },
    {
      action: 'accept',
      label: '接单',
      from: ['dispatched'],
      to: 'accepted',
      permission: 'request.handle',
      roles: ['technician'],
      input: z.object({}),
      effects: { stampDetail: ['accepted_at'] },
      step: assigneeOnly,
    },
    {
      action: 'depart',
      label: '出发',
      from: ['accepted'],
      to: 'on_the_way',
      permission: 'request.handle',
      roles: ['technician'],
      input: z.object({}),
      effects: { stampDetail: ['departed_at'] },
      step: assigneeOnly,
    },
    {
      action: 'arrive',
      label: '到场',
      from: ['on_the_way'],
      to: 'on_site',
      permission: 'request.handle',
      roles: ['technician'],
      input: z.object({}),
      effects: { stampDetail: ['arrived_at'] },
      step: assigneeOnly,
    },
    {
      action: 'findings',
      label: '现场检查情况',
      from: ['on_site'],
      to: '',
      permission: 'request.handle',
      roles: ['technician'],
      input: z.object({ findings: text('检查情况', 1000) }),
      effects: { detail: { findings: 'findings' } },
      step: assigneeOnly,
    },
    {
      action: 'complete',
      label: '完工',
      from: ['on_site'],
      to: 'completed',
      permission: 'request.handle',
      roles: ['technician'],
      input: z.object({
        materials: z
          .array(
            z.object({
              name: text('材料名称', 60),
              quantity: z.number().positive().max(10000),
              unit: z.string().trim().max(10).default('个'),
              priceFen: fen('单价'),
            }),
          )
          .max(50)
          .default([])
          .describe('所用材料'),
        labourFen: fen('人工费').default(0),
        feeCollectedFen: fen('已收费用').default(0),
        photoIds: z.array(z.string().min(1).max(64)).max(9).default([]).describe('完工照片'),
        note: z.string().trim().max(1000).default('').describe('备注'),
      }),
      effects: { detail: { labourFen: 'labour_fen', feeCollectedFen: 'fee_collected_fen' }, stampDetail: ['completed_at'] },
      step: async (a) => {
        await assigneeOnly(a);
        a.detail({ materials: JSON.stringify(a.input.materials ?? []) });
        await attachToRequest(a.tx, (a.input.photoIds as string[]) ?? [], a.row.id, a.viewer.userId, a.row.project_id);
        // Roof and bathroom leaks, cracked outer walls: on-site follow-ups until closed (R-RP-7).
        const followUp = await scheduleFollowUp(a.tx, a.row, a.now);
        if (followUp) {
          a.detail({ major_defect: 1 });
          a.note({ followUpDueAt: followUp });
        }
      },
    },
    {
      action: 'sign',
      label: '住户签字验收',
      from: ['completed'],
      to: 'signed',
      permission: 'request.handle',
      roles: ['technician', ...CENTER],
      input: z.object({ signature: z.string().min(1).max(3_000_000).describe('住户在屏幕上的签名（PNG data URL）') }),
      step: async (a) => {
        await assigneeOnly(a);
        const id = await storeSignature(a.tx, a.dataDir, a.input.signature as string, a.viewer.userId, a.row.id, a.row.project_id, a.now);
        a.detail({ signature_file_id: id, signed_at: a.now });
      },
    },
    {
      action: 'resident_absent',
      label: '住户不在，待服务中心确认',
      from: ['completed'],
      to: 'awaiting_confirmation',
      permission: 'request.handle',
      roles: ['technician', ...CENTER],
      input: z.object({ note: z.string().trim().max(300).default('').describe('备注') }),
      step: assigneeOnly,
    },
    {
      action: 'confirm',
      label: '回复客服：确认完工并归档',
      from: ['signed', 'awaiting_confirmation'],
      to: 'archived',
      permission: 'request.handle',
      roles: CENTER,
      input: z.object({
        via: z.enum(['phone', 'visit', 'signature']).describe('确认方式'),
        note: z.string().trim().max(500).default('').describe('备注'),
      }),
      effects: { detail: { via: 'confirmed_via' }, stampDetail: ['confirmed_at'] },
    },
    {
      action: 'rate',
      label: '记录住户评价',
      from: RATEABLE,
      to: '',
      permission: 'request.handle',
      roles: CENTER,
      input: z.object({
        overall: stars('总体满意度'),
        speed: stars('维修及时'),
        attitude: stars('服务态度'),
        comment: z.string().trim().max(500).default('').describe('住户意见'),
        via: z.enum(['phone', 'visit']).default('phone').describe('评价方式'),
      }),
      step: async (a) => {
        await recordRating(a.tx, a.row.id, a.input as never, a.input.via as string, a.now);
      },
    },
    {
      action: 'rework',
      label: '缺陷仍存在：立即返修',
      from: ['completed', 'signed', 'awaiting_confirmation', 'archived'],
      to: '',
      permission: 'request.handle',
      roles: [...CENTER, 'quality_officer'],
      input: z.object({
        reason: text('住户反映的问题', 500),
        channel: z.enum(CHANNELS).default('phone').describe('反映方式'),
      }),
      step: async (a) => {
        const r = await createRework(
          a.ctx,
          a.tx,
          a.actor,
          a.viewer.userId,
          a.live,
          a.now,
          a.row,
          a.input.reason as string,
          a.input.channel as string,
        );
        a.note({ reworkId: r.id, reworkNumber: r.number });
      },
    },
  ],
};

/** The urgent-complaint procedure of the source documents, step by step (R-CP-2). */
export const EMERGENCY_STEPS = {
  judge: '判断事态',
  soothe: '安抚投诉人',
  notify_head: '通知部门负责人',
  stay_on_post: '坚守岗位',
  head_handles: '负责人到场处理',
  tracking_form: '填写投诉跟踪表',
  special_report: '特别事件报告领导',
} as const;

const OPEN_COMPLAINT = ['registered', 'promised', 'investigating', 'solution_proposed', 'resolved', 'callback_declined'];
const WORKING_COMPLAINT = ['registered', 'promised', 'investigating', 'solution_proposed'];

async function complaintRow({ tx, row }: StepArgs) {
  return tx.selectFrom('request_complaint').selectAll().where('request_id', '=', row.id).executeTakeFirstOrThrow();
}

/** Closing needs what assertClosable lists; a company-level complaint is called back by the company. */
async function closable(a: StepArgs) {
  const c = await assertClosable(a.tx, a.row.id);
  assertCallbackBy(c, a.viewer);
}

/**
 * Complaints under the service standard (规范5–7): a response time promised within 24 hours,
 * the investigation with an apology where the company is at fault, the proposed solution
 * with the complainant's opinion; urgent ones follow the emergency checklist.
 */
const COMPLAINT: WorkflowDef = {
  kind: 'complaint',
  states: {
    registered: { label: '已登记，待回应', open: true },
    promised: { label: '已承诺回应时间', open: true },
    investigating: { label: '调查中', open: true },
    solution_proposed: { label: '已提出解决方案', open: true },
    resolved: { label: '已解决，待回访', open: true },
    callback_declined: { label: '投诉人谢绝回访，7 天无再投诉自动结案', open: true },
    closed: { label: '已结案', open: false },
  },
  transitions: [
    {
      action: 'promise',
      label: '承诺回应时间',
      from: ['registered'],
      to: 'promised',
      permission: 'request.handle',
      input: z.object({ promisedAt: instant('承诺回应时间') }),
      effects: { start: [{ kind: 'complaint.promise', dueAtField: 'promisedAt' }], detail: { promisedAt: 'promised_at' } },
      step: async ({ tx, row, input }) => {
        const rules = await (await import('./requests.service.ts')).deadlineRules(tx, row.project_id);
        const limit = rules['complaint.response']?.minutes ?? 24 * 60;
        if ((input.promisedAt as number) > row.created_at + limit * 60_000)
          throw fieldError('promisedAt', `承诺的回应时间不能晚于投诉后 ${Math.round(limit / 60)} 小时`);
      },
    },
    {
      action: 'investigate',
      label: '记录调查情况',
      from: ['registered', 'promised', 'investigating'],
      to: 'investigating',
      permission: 'request.handle',
      input: z.object({
        findings: text('调查情况', 2000),
        companyAtFault: z.boolean().default(false).describe('属公司管理责任'),
        apologyVia: z.enum(['visit', 'phone', 'counter']).optional().describe('致歉方式'),
      }),
      effects: { detail: { findings: 'findings', apologyVia: 'apology_via' } },
      step: async ({ input, now, detail }) => {
        // 规范6: where the company is at fault, the complainant is apologised to first.
        if (input.companyAtFault && !input.apologyVia) throw fieldError('apologyVia', '属公司责任的投诉须先向投诉人致歉，请记录致歉方式');
        detail({ company_at_fault: input.companyAtFault ? 1 : 0, ...(input.apologyVia ? { apology_at: now } : {}) });
      },
    },
    {
      action: 'propose',
      label: '提出解决方案并征询意见',
      from: ['registered', 'promised', 'investigating'],
      to: 'solution_proposed',
      permission: 'request.handle',
      input: z.object({
        solution: text('解决方案', 2000),
        opinion: text('投诉人意见', 1000),
        agreed: z.boolean().describe('投诉人同意该方案'),
      }),
      // Telling the complainant the solution is the promised response.
      effects: { meet: ['complaint.promise'], detail: { solution: 'solution', opinion: 'complainant_opinion' } },
      step: async ({ input, detail }) => detail({ solution_agreed: input.agreed ? 1 : 0 }),
    },
    {
      action: 'progress_notice',
      label: '告知投诉人处理进度',
      from: WORKING_COMPLAINT,
      to: '',
      permission: 'request.handle',
      input: z.object({ note: text('告知内容', 1000), via: z.enum(['phone', 'visit', 'message']).describe('告知方式') }),
      // 规范5: not solved within 24 hours, the complainant is told how it stands.
      effects: { meet: ['complaint.response'] },
    },
    {
      action: 'emergency_step',
      label: '紧急投诉处置步骤',
      from: WORKING_COMPLAINT,
      to: '',
      permission: 'request.handle',
      input: z.object({
        step: z.enum(Object.keys(EMERGENCY_STEPS) as [keyof typeof EMERGENCY_STEPS]).describe('处置步骤'),
        note: z.string().trim().max(500).default('').describe('备注'),
      }),
      step: async ({ tx, row, input, now, viewer, detail }) => {
        const c = await tx
          .selectFrom('request_complaint')
          .select(['grade', 'emergency'])
          .where('request_id', '=', row.id)
          .executeTakeFirstOrThrow();
        if (c.grade !== 'urgent') throw fieldError('step', '只有紧急投诉按应急程序处置');
        const done = JSON.parse(c.emergency) as { step: string }[];
        if (done.some((d) => d.step === input.step))
          throw fieldError('step', `“${EMERGENCY_STEPS[input.step as keyof typeof EMERGENCY_STEPS]}”已记录`);
        detail({ emergency: JSON.stringify([...done, { step: input.step, at: now, by: viewer.name, note: input.note }]) });
      },
    },
    {
      action: 'transfer',
      label: '转交责任人（第一审理人）',
      from: WORKING_COMPLAINT,
      to: '',
      permission: 'request.handle',
      input: z.object({ assigneeId: z.string().min(1).max(64).describe('接收的责任人'), reason: text('转交原因', 500) }),
      // 规范8: the receiver becomes the first handler and must contact the complainant promptly.
      effects: { start: [{ kind: 'complaint.contact' }] },
      step: async ({ input, detail }) => detail({ first_handler_id: input.assigneeId }),
    },
    {
      action: 'contact',
      label: '已与投诉人沟通',
      from: WORKING_COMPLAINT,
      to: '',
      permission: 'request.handle',
      input: z.object({ note: text('沟通情况', 1000) }),
      effects: { meet: ['complaint.contact'] },
    },
    {
      action: 'resolve',
      label: '按议定方案处理完毕并答复',
      from: ['solution_proposed'],
      to: 'resolved',
      permission: 'request.handle',
      input: z.object({ resolution: text('处理结果', 2000) }),
      // 规范9: the agreed solution carried out and the complainant answered.
      effects: { meet: ['complaint.response', 'complaint.completion'], detail: { resolution: 'resolution' }, stampDetail: ['resolved_at'] },
      step: async ({ tx, row }) => {
        const c = await tx
          .selectFrom('request_complaint')
          .select('solution_agreed')
          .where('request_id', '=', row.id)
          .executeTakeFirstOrThrow();
        if (!c.solution_agreed) throw ruleViolated('投诉人尚未同意解决方案，请先征得同意', 'solution_not_agreed');
      },
    },
    {
      action: 'reschedule',
      label: '当日无法完成：告知新的完成时间',
      from: ['solution_proposed'],
      to: '',
      permission: 'request.handle',
      input: z.object({ dueAt: instant('新的完成时间'), note: text('告知投诉人的情况', 500) }),
      effects: { start: [{ kind: 'complaint.completion', dueAtField: 'dueAt' }] },
    },
    {
      action: 'ask_help',
      label: '请求协办（其他部门、业委会或外部单位）',
      from: WORKING_COMPLAINT,
      to: '',
      permission: 'request.handle',
      input: z.object({
        target: z.enum(Object.keys(HELP_TARGET_LABEL) as [keyof typeof HELP_TARGET_LABEL]).describe('协办方'),
        departmentId: z.string().min(1).max(64).optional().describe('协办部门（本项目或公司部门）'),
        party: z.string().trim().max(200).default('').describe('协办单位及联系人（业委会、外部单位）'),
        matter: text('协办事项', 1000),
        dueAt: instant('要求回复时间'),
      }),
      // R-CP-6/7: who was asked, when, and by when; the help has its own deadline.
      step: askHelpStep,
    },
    {
      action: 'help_progress',
      label: '协办方反馈进度',
      from: OPEN_COMPLAINT,
      to: '',
      permission: 'request.handle',
      input: z.object({
        helpId: z.string().min(1).max(64).describe('协办事项'),
        note: text('反馈内容', 1000),
        done: z.boolean().default(false).describe('协办已完成'),
      }),
      step: helpProgressStep,
    },
    {
      action: 'escalate',
      label: '上报公司（领导或品质管理部）',
      from: [...WORKING_COMPLAINT, 'resolved'],
      to: '',
      permission: 'request.handle',
      input: z.object({
        level: z.enum(['leadership', 'company']).describe('上报至'),
        reason: text('上报原因', 500),
      }),
      step: escalateStep,
    },
    {
      action: 'leadership_decision',
      label: '领导批示',
      from: OPEN_COMPLAINT,
      to: '',
      permission: 'complaint.lead',
      roles: ['company_leader'],
      input: z.object({ decision: text('批示意见', 1000) }),
      effects: { meet: ['complaint.leadership'] },
      step: leadershipDecisionStep,
    },
    {
      action: 'correction_plan',
      label: '品质管理部下达整改计划',
      from: OPEN_COMPLAINT,
      to: '',
      permission: 'complaint.lead',
      roles: ['quality_officer'],
      input: z.object({ plan: text('整改计划', 2000), dueAt: instant('整改完成期限') }),
      step: correctionPlanStep,
    },
    {
      action: 'correction_done',
      label: '项目整改完成',
      from: OPEN_COMPLAINT,
      to: '',
      permission: 'request.handle',
      roles: ['project_manager', 'service_supervisor'],
      input: z.object({ note: text('整改情况', 1000) }),
      effects: { meet: ['complaint.correction'] },
      step: correctionDoneStep,
    },
    {
      action: 'report_leadership',
      label: '重大投诉：书面报告公司领导',
      from: OPEN_COMPLAINT,
      to: '',
      permission: 'request.handle',
      input: z.object({ report: text('书面报告', 4000) }),
      step: leadershipReportStep,
    },
    {
      action: 'publish_corrective',
      label: '发布纠正措施报告（全员通报）',
      from: OPEN_COMPLAINT,
      to: '',
      permission: 'request.supervise',
      input: z.object({ report: text('纠正措施报告', 4000) }),
      step: publishCorrectiveStep,
    },
    {
      action: 'analyse',
      label: '原因分析与预防措施',
      from: OPEN_COMPLAINT,
      to: '',
      permission: 'request.handle',
      input: z.object({ cause: text('原因分析', 1000), preventive: text('预防措施', 1000) }),
      effects: { detail: { cause: 'cause', preventive: 'preventive' } },
    },
    {
      action: 'callback_satisfied',
      label: '回访：满意，结案',
      from: ['resolved'],
      to: 'closed',
      permission: 'request.handle',
      input: z.object({ method: z.enum(['phone', 'visit', 'online', 'questionnaire']).describe('回访方式'), note: text('回访记录', 1000) }),
      step: async (a) => {
        await closable(a);
        a.detail({ close_reason: 'satisfied' });
      },
    },
    {
      action: 'callback_unsatisfied',
      label: '回访：不满意，退回部门重新处理',
      from: ['resolved'],
      to: 'investigating',
      permission: 'request.handle',
      input: z.object({
        method: z.enum(['phone', 'visit', 'online', 'questionnaire']).describe('回访方式'),
        note: text('投诉人的意见', 1000),
      }),
      effects: { start: [{ kind: 'complaint.response' }] },
      step: async (a) => {
        const c = await complaintRow(a);
        assertCallbackBy(c, a.viewer);
        a.detail({ reopen_count: c.reopen_count + 1, solution_agreed: 0, resolved_at: null });
      },
    },
    {
      action: 'decline_callback',
      label: '投诉人谢绝回访',
      from: ['resolved'],
      to: 'callback_declined',
      permission: 'request.handle',
      input: z.object({ note: z.string().trim().max(500).default('').describe('备注') }),
      effects: { stampDetail: ['declined_at'] },
      // It will close by itself: what caused it and what prevents it are recorded now.
      step: closable,
    },
    {
      action: 'close_without_callback',
      label: '无需回访，结案',
      from: ['resolved'],
      to: 'closed',
      permission: 'request.handle',
      input: z.object({
        reason: z.enum(['solved_on_spot', 'anonymous', 'sensitive_declined']).describe('无需回访的原因'),
        note: z.string().trim().max(500).default('').describe('备注'),
      }),
      effects: { detail: { reason: 'close_reason' } },
      step: async (a) => {
        await closable(a);
        if (a.input.reason === 'anonymous' && a.row.requester_phone && a.row.requester_person_id)
          throw fieldError('reason', '该投诉有联系方式，须回访');
      },
    },
  ],
};

export const WORKFLOWS: Record<Kind, WorkflowDef> = {
  // Repairs and complaints get their full flows with their own domains; here they are registered, routed and timed.
  repair: REPAIR,
  complaint: COMPLAINT,
  // R-IN-4: answered now, or a promised answer time that becomes a deadline.
  inquiry: {
    kind: 'inquiry',
    states: {
      registered: { label: '待答复', open: true },
      awaiting_answer: { label: '已约定答复时间', open: true },
      answered: { label: '已答复', open: false },
    },
    transitions: [
      {
        action: 'promise',
        label: '约定答复时间',
        from: ['registered'],
        to: 'awaiting_answer',
        permission: 'request.handle',
        input: z.object({ promisedAt }),
        effects: { start: [{ kind: 'inquiry.answer', dueAtField: 'promisedAt' }], detail: { promisedAt: 'promised_at' } },
      },
      {
        action: 'answer',
        label: '答复',
        from: ['registered', 'awaiting_answer'],
        to: 'answered',
        permission: 'request.handle',
        input: z.object({ answer: text('答复内容') }),
        effects: { meet: ['inquiry.answer'], detail: { answer: 'answer' }, stampDetail: ['answered_at'] },
      },
    ],
  },
  // R-SR-2: the service center handles it, it goes into the month's aggregate, the resident gets a reply.
  suggestion: {
    kind: 'suggestion',
    states: {
      registered: { label: '待处理', open: true },
      handled: { label: '已处理（纳入月度汇总）', open: true },
      replied: { label: '已回复', open: false },
    },
    transitions: [
      {
        action: 'handle',
        label: '处理并纳入月度汇总',
        from: ['registered'],
        to: 'handled',
        permission: 'request.handle',
        input: z.object({ handling: text('处理情况') }),
        effects: { detail: { handling: 'handling' }, monthOf: true },
      },
      {
        action: 'reply',
        label: '回复住户',
        from: ['handled'],
        to: 'replied',
        permission: 'request.handle',
        input: z.object({ reply: text('回复内容') }),
        effects: { meet: ['suggestion.reply'], detail: { reply: 'reply' }, stampDetail: ['replied_at'] },
      },
    ],
  },
  // R-SR-1: price shown and agreed → the department arranges → result reported to the supervisor → reply.
  special: {
    kind: 'special',
    states: {
      registered: { label: '待报价', open: true },
      quoted: { label: '已报价待确认', open: true },
      agreed: { label: '住户已同意，待安排', open: true },
      arranged: { label: '已安排', open: true },
      completed: { label: '已完成，已报主管', open: true },
      replied: { label: '已回复', open: false },
      declined: { label: '住户不同意价格', open: false },
    },
    transitions: [
      {
        action: 'quote',
        label: '报价（明示收费标准）',
        from: ['registered'],
        to: 'quoted',
        permission: 'request.handle',
        input: z.object({
          item: text('服务项目', 200),
          priceFen: z.number().int().min(0, '价格不能为负').max(100_000_000).describe('价格（分）'),
        }),
        effects: { detail: { item: 'item', priceFen: 'price_fen' } },
      },
      {
        action: 'agree',
        label: '住户同意价格',
        from: ['quoted'],
        to: 'agreed',
        permission: 'request.handle',
        input: z.object({
          note: z.string().trim().max(500).default('').describe('备注'),
          dueAt: instant('住户要求的完成时间').optional(),
        }),
        effects: { stampDetail: ['agreed_at'], start: [{ kind: 'special.arrange', dueAtField: 'dueAt' }] },
      },
      {
        action: 'decline',
        label: '住户不同意价格',
        from: ['quoted'],
        to: 'declined',
        permission: 'request.handle',
        input: z.object({ reason: text('原因', 500) }),
      },
      {
        action: 'arrange',
        label: '部门安排',
        from: ['agreed'],
        to: 'arranged',
        permission: 'request.handle',
        roles: ['department_head', 'service_supervisor', 'project_manager'],
        input: z.object({
          arrangement: text('安排情况', 500),
          scheduledAt: instant('上门时间'),
          assigneeId: z.string().min(1).optional().describe('负责人'),
        }),
        effects: { meet: ['special.arrange'], detail: { arrangement: 'arrangement', scheduledAt: 'scheduled_at' } },
      },
      {
        action: 'report_result',
        label: '完成并报主管',
        from: ['arranged'],
        to: 'completed',
        permission: 'request.handle',
        input: z.object({ result: text('完成情况') }),
        effects: { detail: { result: 'result' }, notifySupervisors: '特约服务已完成，请回复住户', start: [{ kind: 'special.reply' }] },
      },
      {
        action: 'reply',
        label: '回复住户',
        from: ['completed'],
        to: 'replied',
        permission: 'request.handle',
        input: z.object({ reply: text('回复内容') }),
        effects: { meet: ['special.reply'], detail: { reply: 'reply' } },
      },
    ],
  },
};

/** The status a new request starts in, and the deadlines that start with it. */
export function initialOf(kind: Kind, input: { inquiry?: { answer?: string; promisedAt?: number } }) {
  switch (kind) {
    case 'repair':
      return { status: 'registered', start: [{ kind: 'repair.response' }] as { kind: string; dueAt?: number }[] };
    case 'complaint':
      return { status: 'registered', start: [{ kind: 'complaint.response' }] };
    case 'inquiry':
      if (input.inquiry?.answer) return { status: 'answered', start: [] };
      if (input.inquiry?.promisedAt)
        return { status: 'awaiting_answer', start: [{ kind: 'inquiry.answer', dueAt: input.inquiry.promisedAt }] };
      return { status: 'registered', start: [] };
    case 'suggestion':
      return { status: 'registered', start: [{ kind: 'suggestion.reply' }] };
    case 'special':
      return { status: 'registered', start: [] };
  }
}

export function stateOf(kind: Kind, status: string): StateDef {
  return WORKFLOWS[kind].states[status] ?? { label: status, open: true };
}
