import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.ts';
import { idParam, pageOf } from '../../platform/http/common.ts';
import { defineRoute } from '../../platform/http/route.ts';
import {
  CaseMark,
  IncidentCaseOut,
  IncidentCaseQuery,
  IncidentCreate,
  IncidentListQuery,
  IncidentOut,
  IncidentSummary,
  ReportSubmit,
  StepCreate,
} from './incidents.schema.ts';
import {
  addIncidentStep,
  createIncident,
  getIncident,
  listIncidentCases,
  listIncidents,
  markCase,
  submitReport,
} from './incidents.service.ts';

/** 办公区域突发事件 (R-FD-3): A/B/C classes, their owners told at once, the written report within two working days. */
export function registerIncidentRoutes(app: FastifyInstance, ctx: AppContext) {
  defineRoute(app, {
    method: 'POST',
    url: '/api/incidents',
    access: 'incident.manage',
    summary: '登记办公区域突发事件并通知负责人 Log an office incident',
    tags: ['frontdesk'],
    description:
      'A 类通知本项目客服主管与物业经理；B 类通知公司人力资源部；C 类通知公司行政公关部与物业经理。被通知人记录在事件上。《突发事件处理记录表》应于发生后第 2 个工作日下班前提交（项目工作日历，设置 incident.reportWorkingDays）。',
    body: IncidentCreate,
    response: { 201: IncidentOut },
    sample: (kit) => ({
      body: {
        projectId: kit.fixtures.projectId,
        class: 'A',
        place: '服务中心前台',
        people: '业主 2 人',
        description: '业主因停车位问题情绪激动，要求立即答复',
      },
    }),
    handler: async (req, reply) => reply.status(201).send(await createIncident(ctx, req.viewer, req.body)),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/incidents',
    access: 'incident.manage',
    summary: '突发事件列表（新→旧） Office incidents',
    tags: ['frontdesk'],
    description: 'overdue=true 只看处理记录表逾期未交；pending=true 只看未交。',
    querystring: IncidentListQuery,
    response: { 200: pageOf(IncidentSummary) },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId, limit: '10' } }),
    handler: async (req) => listIncidents(ctx, req.viewer, req.query),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/incidents/:id',
    access: 'incident.manage',
    summary: '突发事件详情（即《突发事件处理记录表》内容） An office incident',
    tags: ['frontdesk'],
    params: idParam,
    response: { 200: IncidentOut },
    sample: async (kit) => ({ params: { id: await kit.make.incident() } }),
    handler: async (req) => getIncident(ctx, req.viewer, req.params.id),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/incidents/:id/steps',
    access: 'incident.manage',
    summary: '追加处理记录 Append a handling step',
    tags: ['frontdesk'],
    description: '记录只追加不修改；更正用 correctsN 指向被更正的记录。处理记录表提交后 → 422。',
    params: idParam,
    body: StepCreate,
    response: { 200: IncidentOut },
    sample: async (kit) => ({ params: { id: await kit.make.incident() }, body: { text: '客服主管到场安抚，引导至洽谈室' } }),
    handler: async (req) => addIncidentStep(ctx, req.viewer, req.params.id, req.body),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/incidents/:id/report',
    access: 'incident.manage',
    summary: '提交《突发事件处理记录表》 Submit the incident report',
    tags: ['frontdesk'],
    description: '只能提交一次（再次提交 → 422 already_reported）；逾期提交照常接收，逾期记录保留。',
    params: idParam,
    body: ReportSubmit,
    response: { 200: IncidentOut },
    sample: async (kit) => {
      const id = await kit.make.incident();
      return {
        params: { id },
        body: { version: await kit.version('incidents', id), report: '经客服主管解释，业主情绪平复离开；已约定三日内答复车位问题。' },
      };
    },
    handler: async (req) => submitReport(ctx, req.viewer, req.params.id, req.body),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/incidents/:id/case',
    access: 'incident.manage',
    summary: '整理为典型事件案例 Keep an incident as a training case',
    tags: ['frontdesk'],
    description: '处理记录表提交后才能整理；每件只整理一次；摘要不得含电话、证件号、房号、车牌（400 summary）。',
    params: idParam,
    body: CaseMark,
    response: { 200: IncidentOut },
    sample: async (kit) => {
      const id = await kit.make.reportedIncident();
      return {
        params: { id },
        body: {
          version: await kit.version('incidents', id),
          summary: '业主不理性到访：先安抚、引导至洽谈室，客服主管出面答复，留意是否有媒体拍摄。',
        },
      };
    },
    handler: async (req) => markCase(ctx, req.viewer, req.params.id, req.body),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/incident-cases',
    access: 'request.read',
    summary: '典型突发事件案例（培训材料） Typical incidents as training cases',
    tags: ['frontdesk'],
    description: '全公司员工可查阅；只含类别、地点与案例摘要。关键词按单字与相邻两字匹配。',
    querystring: IncidentCaseQuery,
    response: { 200: pageOf(IncidentCaseOut) },
    sample: () => ({ query: { q: '安抚', limit: '5' } }),
    handler: async (req) => listIncidentCases(ctx, req.viewer, req.query),
  });
}
