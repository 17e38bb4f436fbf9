import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.ts';
import { idParam, pageOf } from '../../platform/http/common.ts';
import { AppError } from '../../platform/http/errors.ts';
import { defineRoute } from '../../platform/http/route.ts';
import {
  CallCreate,
  CallListQuery,
  CallOut,
  CallPatch,
  CallReport,
  CallReportQuery,
  TelephonyEvent,
  TelephonyResult,
} from './calls.schema.ts';
import { callReport, createCall, listCalls, telephonyEvent, updateCall } from './calls.service.ts';

export const TELEPHONY_HEADER = 'x-telephony-secret';

/** Hashing first makes the comparison constant-time whatever the lengths, so the length leaks nothing either. */
function secretMatches(given: string | string[] | undefined, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b);
}

export interface CallRouteOptions {
  /** Shared secret of the telephone system (TELEPHONY_SECRET); empty turns the webhook off. */
  telephonySecret: string;
}

export function registerCallRoutes(app: FastifyInstance, ctx: AppContext, opts: CallRouteOptions) {
  const secret = opts.telephonySecret;

  defineRoute(app, {
    method: 'POST',
    url: '/api/calls',
    access: 'calls.log',
    summary: '登记来电/去电 Log a call',
    tags: ['calls'],
    description: '时间须按 振铃 ≤ 接听 ≤ 挂断 的顺序且不晚于现在；未填接听时间视为未接。可同时关联其产生的事项。',
    body: CallCreate,
    response: { 201: CallOut },
    sample: (kit) => {
      const now = Date.now();
      return {
        body: {
          projectId: kit.fixtures.projectId,
          direction: 'in',
          caller: '13800138000',
          callee: '0755-86001001',
          ringingAt: now - 60_000,
          answeredAt: now - 52_000,
          endedAt: now - 5_000,
          notes: '住户来电询问停水时间',
        },
      };
    },
    handler: async (req, reply) => reply.status(201).send(await createCall(ctx, req.viewer, req.body)),
  });

  defineRoute(app, {
    method: 'PATCH',
    url: '/api/calls/:id',
    access: 'calls.log',
    summary: '关联事项或修改通话摘要（带版本号） Link a call to a request or edit its notes',
    tags: ['calls'],
    description: '事项须属于同一项目；一个事项可关联多通来电。版本已变 → 409。',
    params: idParam,
    body: CallPatch,
    response: { 200: CallOut },
    sample: async (kit) => {
      const id = await kit.make.call();
      return {
        params: { id },
        body: { version: await kit.version('calls', id), requestId: await kit.make.request(), notes: '已登记报修' },
      };
    },
    handler: async (req) => updateCall(ctx, req.viewer, req.params.id, req.body),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/calls',
    access: 'request.read',
    summary: '来电记录（新→旧） Call log',
    tags: ['calls'],
    description: '每通来电附其关联事项编号；无查看电话权限的角色看到打码号码。',
    querystring: CallListQuery,
    response: { 200: pageOf(CallOut) },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId, limit: '5' } }),
    handler: async (req) => listCalls(ctx, req.viewer, req.query),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/telephony/events',
    access: 'public',
    summary: '电话系统来电事件（振铃、接听、挂断） Telephony call event',
    tags: ['calls'],
    description:
      '由电话系统调用，以请求头 x-telephony-secret 携带共享密钥（服务器环境变量 TELEPHONY_SECRET）。未配置密钥时接口关闭（404），密钥错误 → 401。' +
      '同一 callId 的事件合并为一条来电记录；重复事件不改变记录，乱序到达也得到同样结果。' +
      '响铃声数：事件带 rings 时以其为准，否则按（接听 − 振铃）÷ 振铃周期（设置 telephony.ringCycleMs，默认 5000 毫秒）向上取整，至少 1 声。' +
      '不带 projectCode 时记入最早建立的项目（同时建立的按项目编号排序）。',
    body: TelephonyEvent,
    response: { 200: TelephonyResult },
    sample: () => {
      const body = {
        callId: `sample-${randomUUID()}`,
        event: 'ringing',
        at: Date.now() - 1_000,
        from: '13800138000',
        to: '8001',
      };
      return secret ? { headers: { [TELEPHONY_HEADER]: secret }, body } : { body, expect: [404] };
    },
    handler: async (req) => {
      if (!secret) throw new AppError(404, 'not_found', '电话系统接口未启用（服务器未配置 TELEPHONY_SECRET）');
      if (!secretMatches(req.headers[TELEPHONY_HEADER], secret)) throw new AppError(401, 'unauthorized', '电话系统密钥无效');
      return telephonyEvent(ctx, req.ip, req.body);
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/reports/calls',
    access: 'request.read',
    summary: '月度来电统计：接听率、平均响铃声数、三声内接听比例 Monthly call report',
    tags: ['reports'],
    querystring: CallReportQuery,
    response: { 200: CallReport },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId, month: '2026-11' } }),
    handler: async (req) => callReport(ctx, req.viewer, req.query.projectId, req.query.month),
  });
}
