import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { defineRoute } from '../../platform/http/route.ts';
import { RepairSettings, RepairSettingsPut } from './settings.schema.ts';
import { getRepairSettings, putRepairSettings } from './settings.service.ts';

export function registerRepairSettingRoutes(app: FastifyInstance, ctx: AppContext) {
  defineRoute(app, {
    method: 'GET',
    url: '/api/settings/repairs',
    access: 'request.read',
    summary: '维修规则：保修年限、回访抽样比例、重大缺陷类别与跟踪间隔 Repair rules',
    tags: ['config'],
    querystring: z.object({ projectId: z.string().min(1).max(64).optional().describe('不填 = 公司级') }),
    response: { 200: RepairSettings },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId } }),
    handler: async (req) => getRepairSettings(ctx, req.viewer, req.query.projectId ?? null),
  });

  defineRoute(app, {
    method: 'PUT',
    url: '/api/settings/repairs',
    access: 'config.manage',
    summary: '设置维修规则（按公司或项目） Set repair rules',
    tags: ['config'],
    body: RepairSettingsPut,
    response: { 200: RepairSettings },
    sample: (kit) => ({
      body: {
        projectId: kit.fixtures.projectId,
        aftercare: { ratePct: 20, majorDefects: ['屋面渗漏', '洗手间漏水', '外墙开裂'], followUpDays: [7, 30], weeklyDueWorkingDays: 3 },
      },
    }),
    handler: async (req) => putRepairSettings(ctx, req.viewer, req.body),
  });
}
