import type { FastifyInstance } from 'fastify';
import { toLocalDate } from '../../platform/calendar/calendar.ts';
import type { AppContext } from '../../platform/context.ts';
import { defineRoute } from '../../platform/http/route.ts';
import { NoteCreate, NoteOut, Worklog, WorklogQuery } from './worklog.schema.ts';
import { addNote, getWorklog } from './worklog.service.ts';

export function registerWorklogRoutes(app: FastifyInstance, ctx: AppContext) {
  defineRoute(app, {
    method: 'GET',
    url: '/api/worklog',
    access: 'request.read',
    summary: '班次工作日志：本班登记、办结、超时、来电与日志 Shift work log',
    tags: ['worklog'],
    description:
      '按班次时段从事项登记簿生成（默认白班 08:00–20:00、夜班 20:00–次日 08:00，中国时间；设置 worklog.shifts 可改），附本班的日志。内容完整，可直接用于打印。',
    querystring: WorklogQuery,
    response: { 200: Worklog },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId, date: toLocalDate(Date.now()), shift: 'day' } }),
    handler: async (req) => getWorklog(ctx, req.viewer, req.query),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/worklog/notes',
    access: 'calls.log',
    summary: '追加班次日志（只增不改） Add a shift note',
    tags: ['worklog'],
    description: '日志不能修改或删除；更正请另记一条。尚未开始的班次不能记录 → 422。',
    body: NoteCreate,
    response: { 201: NoteOut },
    sample: (kit) => ({
      body: {
        projectId: kit.fixtures.projectId,
        // Yesterday's day shift has always begun, whatever the hour the test runs.
        date: toLocalDate(Date.now() - 86_400_000),
        shift: 'day',
        text: '交班：3 栋电梯维保已完成，明早 9 点复查',
      },
    }),
    handler: async (req, reply) => reply.status(201).send(await addNote(ctx, req.viewer, req.body)),
  });
}
