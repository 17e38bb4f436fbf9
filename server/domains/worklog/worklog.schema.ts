import { z } from 'zod';
import { dateString } from '../../platform/http/common.ts';

export const SHIFTS = ['day', 'night'] as const;
export type Shift = (typeof SHIFTS)[number];

/** The calendar arithmetic works on four-digit years; the log has no use for dates outside this century. */
const shiftDate = dateString
  .refine((s) => s >= '2000-01-01' && s <= '2099-12-31', '日期须在 2000 至 2099 年之间')
  .describe('班次开始的日期 YYYY-MM-DD（中国时间）');

const shift = z.enum(SHIFTS).describe('day 白班 / night 夜班（夜班跨到次日早上，日期为其开始的那天）');

export const WorklogQuery = z.object({
  projectId: z.string().min(1).max(64),
  date: shiftDate,
  shift,
});
export type WorklogQueryInput = z.infer<typeof WorklogQuery>;

export const NoteCreate = z
  .object({
    projectId: z.string().min(1).max(64),
    date: shiftDate,
    shift,
    text: z.string().trim().min(1, '请填写日志内容').max(4000),
  })
  .describe('追加一条班次日志（只增不改，更正请另记一条）');
export type NoteCreateInput = z.infer<typeof NoteCreate>;

export const NoteOut = z.object({
  id: z.string(),
  projectId: z.string(),
  date: z.string(),
  shift: z.enum(SHIFTS),
  authorId: z.string(),
  authorName: z.string(),
  text: z.string(),
  createdAt: z.number(),
});

const RequestLine = z.object({
  id: z.string(),
  number: z.string(),
  kind: z.string(),
  kindLabel: z.string(),
  channel: z.string(),
  channelLabel: z.string(),
  status: z.string(),
  statusLabel: z.string(),
  unitNumber: z.string().nullable(),
  requesterName: z.string(),
  content: z.string(),
  createdAt: z.number(),
  closedAt: z.number().nullable(),
});

const counts = z.record(z.string(), z.number());

export const Worklog = z.object({
  project: z.object({ id: z.string(), code: z.string(), name: z.string() }),
  date: z.string(),
  shift: z.enum(SHIFTS),
  shiftLabel: z.string().describe('白班 / 夜班'),
  start: z.number().describe('班次开始（毫秒）'),
  end: z.number().describe('班次结束（毫秒，不含）'),
  startLocal: z.string().describe('如 2026-11-02 08:00（中国时间）'),
  endLocal: z.string(),
  generatedAt: z.number(),
  complete: z.boolean().describe('班次是否已结束；未结束的日志只含到生成时刻为止的情况'),
  registered: z.object({
    total: z.number(),
    byKind: counts.describe('按类型计数，键为 repair/complaint/…'),
    byChannel: counts.describe('按渠道计数，键为 counter/phone/…'),
    items: z.array(RequestLine),
  }),
  closed: z.object({ total: z.number(), items: z.array(RequestLine) }),
  breaches: z.array(
    z.object({
      deadlineId: z.string(),
      kind: z.string(),
      label: z.string(),
      dueAt: z.number(),
      breachedAt: z.number(),
      requestId: z.string(),
      requestNumber: z.string(),
      requestKind: z.string(),
      content: z.string(),
    }),
  ),
  calls: z.object({
    total: z.number().describe('来电数'),
    answered: z.number(),
    missed: z.number().describe('未接'),
    withRequest: z.number(),
    avgRings: z.number().nullable().describe('已接来电的平均接听前响铃声数'),
    outgoing: z.number(),
    missedItems: z
      .array(z.object({ id: z.string(), at: z.number(), caller: z.string(), rings: z.number().nullable() }))
      .describe('未接来电，供交班回拨'),
  }),
  notes: z.array(NoteOut),
});
