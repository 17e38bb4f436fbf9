import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { idParam, pageOf } from '../../platform/http/common.ts';
import { defineRoute } from '../../platform/http/route.ts';
import { RequestDetail } from '../requests/requests.schema.ts';
import { createResidentRequest } from '../requests/requests.service.ts';
import {
  Callback,
  CallbackDraw,
  CallbackListQuery,
  CallbackRecorded,
  CallbackResult,
  Rating,
  ResidentRequestCreate,
} from './callbacks.schema.ts';
import { callbackCounts, listCallbacks, listDraws, recordCallback } from './callbacks.service.ts';
import { rateAsResident } from './rating.service.ts';

export function registerCallbackRoutes(app: FastifyInstance, ctx: AppContext) {
  defineRoute(app, {
    method: 'GET',
    url: '/api/callbacks',
    access: 'request.read',
    summary: '回访任务（每周抽样、返修特殊回访、重大缺陷上门跟踪） Callback tasks',
    tags: ['repairs'],
    description: '待回访按到期时间先后；已回访按回访时间倒序。',
    querystring: CallbackListQuery,
    response: { 200: pageOf(Callback) },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId, limit: '5' } }),
    handler: async (req) => listCallbacks(ctx, req.viewer, req.query),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/callbacks/counts',
    access: 'request.read',
    summary: '待回访任务数与超时数（服务中心队列显示） Pending callback counts',
    tags: ['repairs'],
    querystring: z.object({ projectId: z.string().min(1).max(64).optional() }),
    response: { 200: z.object({ pending: z.number(), overdue: z.number() }) },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId } }),
    handler: async (req) => callbackCounts(ctx, req.viewer, req.query.projectId),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/callbacks/:id/result',
    access: 'callback.record',
    summary: '记录回访结果 Record a callback result',
    tags: ['repairs'],
    description:
      '结果写入工单历史与审计。返修回访满足 24 小时时限；“缺陷仍存在”立即生成返修单；上门跟踪未结束则按设定排下一次。已记录 → 409。',
    params: idParam,
    body: CallbackResult,
    response: { 200: CallbackRecorded },
    sample: async (kit) => ({
      params: { id: await kit.make.callback() },
      body: { version: 1, method: 'phone', outcome: 'reached', satisfaction: 'satisfied', note: '住户表示已修好' },
    }),
    handler: async (req) => recordCallback(ctx, req.viewer, req.params.id, req.body),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/callback-draws',
    access: 'request.read',
    summary: '每周回访抽样记录：种子、可抽名单、抽中名单 Weekly callback draws',
    tags: ['repairs'],
    querystring: z.object({ projectId: z.string().min(1).max(64) }),
    response: { 200: z.array(CallbackDraw) },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId } }),
    handler: async (req) => listDraws(ctx, req.viewer, req.query.projectId),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/me/requests',
    access: 'resident.self',
    summary: '住户手机报修、投诉、建议 A resident reports from the phone',
    tags: ['requests'],
    description: '只能为自己当前关联的房屋报事；渠道记为住户端。',
    body: ResidentRequestCreate,
    response: { 201: RequestDetail },
    sample: (kit) => ({ body: { unitId: kit.fixtures.unitId, kind: 'repair', content: '阳台地漏返水', preferredTime: '明天上午' } }),
    handler: async (req, reply) => reply.status(201).send(await createResidentRequest(ctx, req.viewer, req.body)),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/me/requests/:id/rating',
    access: 'resident.self',
    summary: '住户评价维修（总体、及时、态度） A resident rates a repair',
    tags: ['requests'],
    description: '维修完工后可评价一次；再次评价 → 409。',
    params: idParam,
    body: Rating,
    response: { 200: RequestDetail },
    sample: async (kit) => ({ params: { id: await kit.make.completedRepair() }, body: { overall: 5, speed: 4, attitude: 5 } }),
    handler: async (req) => rateAsResident(ctx, req.viewer, req.params.id, req.body),
  });
}
