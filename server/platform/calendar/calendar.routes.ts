import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { inProject } from '../auth/viewer.ts';
import type { AppContext } from '../context.ts';
import { dateString, idParam } from '../http/common.ts';
import { badRequest, notFound } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';
import { addOverride, calendarConfig, listOverrides, removeOverride } from './calendar.service.ts';
import { addWorkingDays, addWorkingHours, firstFridayOrNextWorkingDay, monthDays } from './calendar.ts';

const Override = z.object({
  id: z.string(),
  projectId: z.string().nullable(),
  date: z.string(),
  kind: z.enum(['workday', 'holiday']),
  note: z.string(),
});

export function registerCalendarRoutes(app: FastifyInstance, ctx: AppContext) {
  defineRoute(app, {
    method: 'GET',
    url: '/api/calendar/month',
    access: 'directory.read',
    summary: '月历：工作日、法定节假日、调休与接访日 Month calendar',
    tags: ['calendar'],
    querystring: z.object({
      projectId: z.string().min(1),
      year: z.coerce.number().int().min(2000).max(2100),
      month: z.coerce.number().int().min(1).max(12),
    }),
    response: {
      200: z.object({
        days: z.array(
          z.object({
            date: z.string(),
            working: z.boolean(),
            reason: z.enum(['override', 'statutory_holiday', 'make_up_workday', 'weekend', 'weekday']),
            name: z.string().optional().describe('节假日名称，如 国庆节'),
            note: z.string().optional(),
          }),
        ),
        businessHours: z.array(z.tuple([z.string(), z.string()])),
        receptionDay: z.string().describe('当月接访日：第一个星期五，遇节假日顺延至下一个工作日'),
      }),
    },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId, year: '2026', month: '10' } }),
    handler: async (req) => {
      const { projectId, year, month } = req.query;
      if (!inProject(req.viewer, projectId)) throw notFound('项目');
      const cfg = await calendarConfig(ctx.db, projectId);
      return {
        days: monthDays(year, month, cfg),
        businessHours: cfg.businessHours,
        receptionDay: firstFridayOrNextWorkingDay(year, month, cfg),
      };
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/calendar/overrides',
    access: 'directory.read',
    summary: '日历调整列表 Calendar overrides',
    tags: ['calendar'],
    querystring: z.object({ projectId: z.string().min(1).optional() }),
    response: { 200: z.array(Override) },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId } }),
    handler: async (req) => listOverrides(ctx, req.viewer, req.query.projectId),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/calendar/overrides',
    access: 'calendar.manage',
    summary: '新增日历调整（设为工作日或休息日） Add an override',
    tags: ['calendar'],
    body: z.object({
      projectId: z.string().min(1).nullable().describe('null = 全公司'),
      date: dateString,
      kind: z.enum(['workday', 'holiday']),
      note: z.string().trim().max(100).default(''),
    }),
    response: { 200: Override },
    sample: async (kit) => ({
      body: { projectId: kit.fixtures.projectId, date: await kit.make.freeDate(), kind: 'holiday', note: '停电检修' },
    }),
    handler: async (req) => addOverride(ctx, req.viewer, req.body),
  });

  defineRoute(app, {
    method: 'DELETE',
    url: '/api/calendar/overrides/:id',
    access: 'calendar.manage',
    summary: '删除日历调整 Remove an override',
    tags: ['calendar'],
    params: idParam,
    sample: async (kit) => ({ params: { id: await kit.make.override() } }),
    handler: async (req, reply) => {
      await removeOverride(ctx, req.viewer, req.params.id);
      return reply.status(204).send();
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/calendar/compute',
    access: 'directory.read',
    summary: '按工作时间计算期限 Add working hours or days to an instant',
    tags: ['calendar'],
    querystring: z.object({
      projectId: z.string().min(1),
      from: z.coerce.number().int().min(0).describe('起算时刻（毫秒）'),
      hours: z.coerce.number().min(0).max(10000).optional(),
      days: z.coerce.number().int().min(0).max(1000).optional(),
    }),
    response: { 200: z.object({ due: z.number() }) },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId, from: String(Date.UTC(2025, 8, 30, 8)), hours: '4' } }),
    handler: async (req) => {
      const { projectId, from, hours, days } = req.query;
      if (!inProject(req.viewer, projectId)) throw notFound('项目');
      if ((hours === undefined) === (days === undefined))
        throw badRequest('请填写工作小时数或工作日数（二选一）', { hours: '请填写工作小时数或工作日数（二选一）' });
      const cfg = await calendarConfig(ctx.db, projectId);
      return { due: hours !== undefined ? addWorkingHours(from, hours, cfg) : addWorkingDays(from, days ?? 0, cfg) };
    },
  });
}
