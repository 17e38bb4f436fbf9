import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { idParam, pageOf } from '../../platform/http/common.ts';
import { defineRoute } from '../../platform/http/route.ts';
import {
  EmergencyClose,
  EmergencyCreate,
  EmergencyListQuery,
  EmergencyOut,
  EmergencySummary,
  MyNotice,
  NoticeCreate,
  PlansOut,
  PlansPut,
} from './emergencies.schema.ts';
import {
  addEmergencyStep,
  closeEmergency,
  createEmergency,
  DEFAULT_PLANS,
  getEmergency,
  getPlans,
  listEmergencies,
  myNotices,
  publishNotice,
  putPlans,
} from './emergencies.service.ts';
import { StepCreate } from './incidents.schema.ts';

/** 小区突发事件 (R-FD-4): log, notify by plan, announce to residents, close with a report. */
export function registerEmergencyRoutes(app: FastifyInstance, ctx: AppContext) {
  defineRoute(app, {
    method: 'POST',
    url: '/api/emergencies',
    access: 'incident.manage',
    summary: '登记小区突发事件并按预案通知 Log an emergency in the estate',
    tags: ['frontdesk'],
    description: '按该类型的应急预案（设置 emergency.plans）通知部门与人员，被通知人记录在事件上。',
    body: EmergencyCreate,
    response: { 201: EmergencyOut },
    sample: (kit) => ({
      body: {
        projectId: kit.fixtures.projectId,
        type: 'lift',
        place: '3 栋 1 单元 2 号电梯',
        summary: '电梯停在 12 楼与 13 楼之间，轿厢内 2 人',
      },
    }),
    handler: async (req, reply) => reply.status(201).send(await createEmergency(ctx, req.viewer, req.body)),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/emergencies',
    access: 'request.read',
    summary: '小区突发事件列表（新→旧） Emergencies in the estate',
    tags: ['frontdesk'],
    querystring: EmergencyListQuery,
    response: { 200: pageOf(EmergencySummary) },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId, status: 'open' } }),
    handler: async (req) => listEmergencies(ctx, req.viewer, req.query),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/emergencies/:id',
    access: 'request.read',
    summary: '小区突发事件详情 An emergency',
    tags: ['frontdesk'],
    params: idParam,
    response: { 200: EmergencyOut },
    sample: async (kit) => ({ params: { id: await kit.make.emergency() } }),
    handler: async (req) => getEmergency(ctx, req.viewer, req.params.id),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/emergencies/:id/steps',
    access: 'incident.manage',
    summary: '追加处理进展 Append progress',
    tags: ['frontdesk'],
    description: '只追加不修改；结案后 → 422 emergency_closed。',
    params: idParam,
    body: StepCreate,
    response: { 200: EmergencyOut },
    sample: async (kit) => ({ params: { id: await kit.make.emergency() }, body: { text: '工程部已到场，电梯维保单位已通知' } }),
    handler: async (req) => addEmergencyStep(ctx, req.viewer, req.params.id, req.body),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/emergencies/:id/notices',
    access: 'incident.manage',
    summary: '向本项目住户发布通知 Announce to the residents',
    tags: ['frontdesk'],
    description: '站内通知本项目所有当前住户的账号，并在事件结案前显示在住户手机首页。结案后 → 422。',
    params: idParam,
    body: NoticeCreate,
    response: { 200: EmergencyOut },
    sample: async (kit) => ({ params: { id: await kit.make.emergency() }, body: { text: '3 栋 2 号电梯临时停用检修，请使用 1 号电梯。' } }),
    handler: async (req) => publishNotice(ctx, req.viewer, req.params.id, req.body.text),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/emergencies/:id/close',
    access: 'incident.manage',
    summary: '结案报告并结案 Close with a report',
    tags: ['frontdesk'],
    description: '填写原因、处理经过、损失与后续措施后结案；结案后事件只读，住户首页不再显示其通知。',
    params: idParam,
    body: EmergencyClose,
    response: { 200: EmergencyOut },
    sample: async (kit) => {
      const id = await kit.make.emergency();
      return {
        params: { id },
        body: {
          version: await kit.version('emergencies', id),
          cause: '电梯门锁回路故障',
          handling: '工程部 8 分钟到场，盘车放人，维保单位更换门锁触点',
          losses: '无人员受伤',
          followUp: '维保单位一周内复查同型号电梯门锁',
        },
      };
    },
    handler: async (req) => closeEmergency(ctx, req.viewer, req.params.id, req.body),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/me/notices',
    access: 'resident.self',
    summary: '我所在小区的紧急通知 Active emergency notices for a resident',
    tags: ['resident'],
    description: '住户当前所住项目中未结案突发事件的最新通知，新→旧。',
    response: { 200: z.array(MyNotice) },
    sample: () => ({}),
    handler: async (req) => myNotices(ctx, req.viewer),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/settings/emergency-plans',
    access: 'request.read',
    summary: '应急预案通知对象 Who each kind of emergency is reported to',
    tags: ['config'],
    description: `项目设置优先于公司设置，未设置时用默认值：${JSON.stringify(DEFAULT_PLANS)}`,
    querystring: z.object({ projectId: z.string().min(1).max(64).optional().describe('不填 = 公司级') }),
    response: { 200: PlansOut },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId } }),
    handler: async (req) => getPlans(ctx, req.viewer, req.query.projectId ?? null),
  });

  defineRoute(app, {
    method: 'PUT',
    url: '/api/settings/emergency-plans',
    access: 'config.manage',
    summary: '设置应急预案通知对象（按公司或项目） Set the emergency notification plans',
    tags: ['config'],
    body: PlansPut,
    response: { 200: PlansOut },
    sample: (kit) => ({ body: { projectId: kit.fixtures.projectId, plans: DEFAULT_PLANS } }),
    handler: async (req) => putPlans(ctx, req.viewer, req.body),
  });
}
