import { z } from 'zod';
import { versionField } from '../../platform/http/common.ts';
import { KINDS } from './requests.workflow.ts';

export const Category = z.object({
  id: z.string(),
  kind: z.enum(KINDS),
  parentId: z.string().nullable(),
  name: z.string(),
  sort: z.number(),
  active: z.boolean(),
  version: z.number(),
});
export const CategoryCreate = z.object({
  kind: z.enum(KINDS),
  parentId: z.string().min(1).optional(),
  name: z.string().trim().min(1, '请填写分类名称').max(40),
  sort: z.number().int().min(0).max(999).default(0),
});
export const CategoryPatch = z.object({
  version: versionField,
  name: z.string().trim().min(1, '请填写分类名称').max(40).optional(),
  sort: z.number().int().min(0).max(999).optional(),
  active: z.boolean().optional().describe('停用后不再出现在登记表单中，历史事项不受影响'),
});

export const PHRASE_SCENARIOS = [
  'answer_phone',
  'read_back',
  'counter_greeting',
  'counter_farewell',
  'phone_complaint',
  'counter_complaint',
  'repair',
  'fee_collection',
  'fee_inquiry',
  'payment_reminder',
  'transfer',
  'absent_colleague',
  'unable_to_answer',
  'inquiry',
  'suggestion',
  'special',
] as const;

export const Phrase = z.object({
  id: z.string(),
  scenario: z.string(),
  title: z.string(),
  text: z.string(),
  sort: z.number(),
  version: z.number(),
});
export const PhraseCreate = z.object({
  scenario: z.enum(PHRASE_SCENARIOS),
  title: z.string().trim().min(1, '请填写标题').max(40),
  text: z.string().trim().min(1, '请填写用语').max(1000),
  sort: z.number().int().min(0).max(999).default(100),
});
export const PhrasePatch = z.object({
  version: versionField,
  title: z.string().trim().min(1).max(40).optional(),
  text: z.string().trim().min(1).max(1000).optional(),
  sort: z.number().int().min(0).max(999).optional(),
  active: z.boolean().optional(),
});

const Rule = z.object({
  basis: z.enum(['calendar', 'working']).optional(),
  minutes: z
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 90)
    .optional(),
  workingDays: z.number().int().min(1).max(90).optional(),
  warnLeadMinutes: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 30)
    .optional(),
  escalateAfterMinutes: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 30)
    .optional(),
});
export const DeadlineRulesPut = z.object({
  projectId: z.string().min(1).max(64).nullable().describe('null = 全公司'),
  rules: z.record(z.string().max(40), Rule),
});

export const DeadlineRuleOut = z.object({
  kind: z.string(),
  label: z.string(),
  basis: z.enum(['calendar', 'working']),
  minutes: z.number().optional(),
  workingDays: z.number().optional(),
  warnLeadMinutes: z.number(),
  escalateAfterMinutes: z.number(),
});
