import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { idParam, pageOf, pageQuery } from '../../platform/http/common.ts';
import { defineRoute } from '../../platform/http/route.ts';
import { correctiveReports, helpAskedOfMe } from './complaint-lists.ts';
import {
  ActionBody,
  BreachMonth,
  CorrectionBody,
  DeadlineRef,
  ExtendBody,
  ListQuery,
  PauseBody,
  QueueQuery,
  RequestCreate,
  RequestDetail,
  RequestSummary,
  ResumeBody,
  SuggestionMonth,
} from './requests.schema.ts';
import {
  act,
  breachesOfMonth,
  correct,
  createRequest,
  extend,
  getRequest,
  listRequests,
  pause,
  queue,
  resume,
  suggestionsOfMonth,
} from './requests.service.ts';

export function registerRequestRoutes(app: FastifyInstance, ctx: AppContext) {
  defineRoute(app, {
    method: 'POST',
    url: '/api/requests',
    access: 'request.create',
    summary: '登记事项（前台来访、来电等） Register a request',
    tags: ['requests'],
    description: '保存前须向来访/来电人复述确认（readBackConfirmed: true）。编号按项目、类型、月份连续：BX/TS/ZX/JY/TY-YYMM-NNNN。',
    body: RequestCreate,
    response: { 201: RequestDetail },
    sample: (kit) => ({
      body: {
        projectId: kit.fixtures.projectId,
        kind: 'suggestion',
        channel: 'counter',
        unitId: kit.fixtures.unitId,
        requesterPersonId: kit.fixtures.personId,
        content: '建议在 3 栋大堂增设快递柜',
        readBackConfirmed: true,
      },
    }),
    handler: async (req, reply) => reply.status(201).send(await createRequest(ctx, req.viewer, req.body)),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/requests',
    access: 'authenticated',
    summary: '事项列表与检索（新→旧，住户只看自己的）：全文 q、电话后四位 phoneTail List and search requests',
    tags: ['requests'],
    querystring: ListQuery,
    response: { 200: pageOf(RequestSummary) },
    // The search path is the one every role walks here: the plain list is covered by the list tests.
    sample: () => ({ query: { limit: '5', q: '漏水' } }),
    handler: async (req) => listRequests(ctx, req.viewer, req.query),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/requests/:id',
    access: 'authenticated',
    summary: '事项详情：历史、时限与当前可执行的操作 A request with its history, deadlines and allowed actions',
    tags: ['requests'],
    params: idParam,
    response: { 200: RequestDetail },
    sample: async (kit) => ({ params: { id: await kit.make.request() } }),
    handler: async (req) => getRequest(ctx, req.viewer, req.params.id),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/requests/:id/actions/:action',
    access: 'request.handle',
    summary: '执行流程操作（带版本号） Take a workflow action',
    tags: ['requests'],
    description: '当前状态不允许 → 422；版本已变 → 409 并返回当前状态；输入有误 → 400。可执行的操作见详情的 actions。',
    params: z.object({ id: z.string().min(1).max(64), action: z.string().min(1).max(40) }),
    body: ActionBody,
    response: { 200: RequestDetail },
    sample: async (kit) => {
      const id = await kit.make.request({ kind: 'special' });
      return { params: { id, action: 'quote' }, body: { version: await kit.version('requests', id), item: '家电清洗', priceFen: 8000 } };
    },
    handler: async (req) => act(ctx, req.viewer, req.params.id, req.params.action, req.body),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/requests/:id/decisions/:action',
    access: 'complaint.lead',
    summary: '公司层面的决定：领导批示、品质管理部整改计划（带版本号） Company decisions on escalated complaints',
    tags: ['requests'],
    description:
      '只接受需要 complaint.lead 权限的操作（leadership_decision 领导批示、correction_plan 整改计划）；其他操作 → 422。' +
      '未上报公司的投诉 → 422；版本已变 → 409。',
    params: z.object({ id: z.string().min(1).max(64), action: z.string().min(1).max(40) }),
    body: ActionBody,
    response: { 200: RequestDetail },
    sample: async (kit) => {
      const leader = kit.role === 'company_leader';
      const id = await kit.make.request({ kind: 'complaint', escalate: leader ? 'leadership' : 'company' });
      const version = await kit.version('requests', id);
      return leader
        ? { params: { id, action: 'leadership_decision' }, body: { version, decision: '同意，按程序处理' } }
        : { params: { id, action: 'correction_plan' }, body: { version, plan: '一周内完成整改', dueAt: Date.UTC(2099, 0, 1) } };
    },
    handler: async (req) => act(ctx, req.viewer, req.params.id, req.params.action, req.body, 'complaint.lead'),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/requests/:id/pause',
    access: 'request.handle',
    summary: '暂停计时（等待住户） Pause the deadlines',
    tags: ['requests'],
    params: idParam,
    body: PauseBody,
    response: { 200: RequestDetail },
    sample: async (kit) => {
      const id = await kit.make.request();
      return { params: { id }, body: { version: await kit.version('requests', id), reason: '住户不在家，约定明天上门' } };
    },
    handler: async (req) => pause(ctx, req.viewer, req.params.id, req.body.version, req.body.reason),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/requests/:id/resume',
    access: 'request.handle',
    summary: '恢复计时 Resume the deadlines',
    tags: ['requests'],
    params: idParam,
    body: ResumeBody,
    response: { 200: RequestDetail },
    sample: async (kit) => {
      const id = await kit.make.request({ paused: true });
      return { params: { id }, body: { version: await kit.version('requests', id) } };
    },
    handler: async (req) => resume(ctx, req.viewer, req.params.id, req.body.version),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/requests/:id/deadlines/:deadlineId/extend',
    access: 'request.supervise',
    summary: '延期（须说明原因，并已在原时限前告知客户） Extend a deadline',
    tags: ['requests'],
    params: DeadlineRef,
    body: ExtendBody,
    response: { 200: RequestDetail },
    sample: async (kit) => {
      const id = await kit.make.request();
      const deadlineId = await kit.make.deadlineOf({ requestId: id });
      const now = Date.now();
      return {
        params: { id, deadlineId },
        body: {
          version: await kit.version('requests', id),
          newDueAt: now + 86_400_000 * 3,
          reason: '需订购配件',
          customerToldAt: now - 1000,
        },
      };
    },
    handler: async (req) => extend(ctx, req.viewer, req.params.id, req.params.deadlineId, req.body),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/requests/:id/corrections',
    access: 'request.supervise',
    summary: '更正记录（新增一条指向原记录的更正，原记录不变） Correct a history entry',
    tags: ['requests'],
    params: idParam,
    body: CorrectionBody,
    response: { 200: RequestDetail },
    sample: async (kit) => {
      const id = await kit.make.request();
      return { params: { id }, body: { version: await kit.version('requests', id), correctsN: 1, text: '联系电话应为 13800138000' } };
    },
    handler: async (req) => correct(ctx, req.viewer, req.params.id, req.body),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/queue',
    access: 'request.read',
    summary: '工作队列：我的 / 本部门 / 服务中心，最早到期在前 Work queues',
    tags: ['requests'],
    querystring: QueueQuery,
    response: { 200: pageOf(RequestSummary).extend({ now: z.number() }) },
    sample: (kit) => ({ query: { scope: 'center', projectId: kit.fixtures.projectId } }),
    handler: async (req) => queue(ctx, req.viewer, req.query),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/reports/suggestions',
    access: 'request.read',
    summary: '月度建议汇总 Suggestions of a month',
    tags: ['reports'],
    response: { 200: SuggestionMonth },
    querystring: z.object({ projectId: z.string().min(1), month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM') }),
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId, month: '2026-11' } }),
    handler: async (req) => suggestionsOfMonth(ctx, req.viewer, req.query.projectId, req.query.month),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/reports/breaches',
    access: 'request.read',
    summary: '月度超时统计 Deadline breaches of a month',
    tags: ['reports'],
    response: { 200: BreachMonth },
    querystring: z.object({ projectId: z.string().min(1), month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM') }),
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId, month: '2026-11' } }),
    handler: async (req) => breachesOfMonth(ctx, req.viewer, req.query.projectId, req.query.month),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/complaint-help',
    access: 'request.read',
    summary: '请本部门协办的投诉事项 Help asked of my department',
    tags: ['requests'],
    description: '未完成的协办事项，要求回复时间最早的在前。scope=department 只看本人所在部门（默认），all 看可见项目的全部。',
    querystring: z.object({ ...pageQuery, scope: z.enum(['department', 'all']).default('department').describe('本部门 / 全部') }),
    response: {
      200: pageOf(
        z.object({
          id: z.string(),
          requestId: z.string(),
          number: z.string(),
          content: z.string(),
          party: z.string(),
          departmentName: z.string().nullable(),
          matter: z.string(),
          dueAt: z.number(),
          askedAt: z.number(),
          reports: z.number(),
          overdue: z.boolean(),
        }),
      ),
    },
    sample: () => ({ query: { scope: 'all' } }),
    handler: async (req) => helpAskedOfMe(ctx, req.viewer, req.query),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/corrective-reports',
    access: 'request.read',
    summary: '纠正措施报告（全员通报） Corrective action reports',
    tags: ['requests'],
    description: '重大投诉的纠正措施报告，向公司全体员工通报：所有员工可读，不限项目；不含投诉人信息。',
    querystring: z.object(pageQuery),
    response: {
      200: pageOf(
        z.object({
          requestId: z.string(),
          number: z.string(),
          projectName: z.string(),
          content: z.string(),
          cause: z.string(),
          preventive: z.string(),
          report: z.string(),
          publishedAt: z.number(),
        }),
      ),
    },
    sample: () => ({ query: {} }),
    handler: async (req) => correctiveReports(ctx, req.query),
  });
}
