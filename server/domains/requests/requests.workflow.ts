import { z } from 'zod';
import type { Permission, Role } from '../../platform/access/roles.ts';
import type { DeadlineRule } from '../../platform/deadlines/deadlines.ts';
import { instant } from '../../platform/http/common.ts';

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
};

export const DEADLINE_LABEL: Record<string, string> = {
  'repair.response': '报修 10 分钟内答复',
  'complaint.response': '投诉 24 小时内回应',
  'inquiry.answer': '约定时间答复咨询',
  'suggestion.reply': '答复建议',
  'special.arrange': '安排特约服务',
  'special.reply': '回复特约服务结果',
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

export interface TransitionDef {
  action: string;
  label: string;
  from: string[];
  to: string;
  permission: Permission;
  /** When only some holders of the permission may do it (e.g. the department arranges). */
  roles?: Role[];
  input: z.ZodObject;
  effects?: Effects;
}

export interface WorkflowDef {
  kind: Kind;
  states: Record<string, StateDef>;
  transitions: TransitionDef[];
}

const promisedAt = instant('约定答复时刻');
/** A required text field; its label becomes the form label through the JSON Schema description. */
const text = (label: string, max = 2000) => z.string().trim().min(1, `请填写${label}`).max(max).describe(label);

export const WORKFLOWS: Record<Kind, WorkflowDef> = {
  // Repairs and complaints get their full flows with their own domains; here they are registered, routed and timed.
  repair: {
    kind: 'repair',
    states: { registered: { label: '已登记', open: true } },
    transitions: [],
  },
  complaint: {
    kind: 'complaint',
    states: { registered: { label: '已登记', open: true } },
    transitions: [],
  },
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
