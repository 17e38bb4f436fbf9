import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.ts';
import { idParam, pageOf } from '../../platform/http/common.ts';
import { defineRoute } from '../../platform/http/route.ts';
import { CaseCreate, CaseDraft, CaseListQuery, CaseOut, CaseSummary } from './cases.schema.ts';
import { caseDraft, getCase, listCases, saveCase } from './cases.service.ts';

/** 案例库 (R-CP-9, R-QT-3): closed complaints kept, without personal data, as training material. */
export function registerCaseRoutes(app: FastifyInstance, ctx: AppContext) {
  defineRoute(app, {
    method: 'GET',
    url: '/api/requests/:id/case-draft',
    access: 'request.supervise',
    summary: '由已结案投诉生成案例草稿（已去除个人信息） Draft a training case from a closed complaint',
    tags: ['complaints'],
    description: '姓名换成业主/住户（或某先生/某女士），电话、证件号、房号、车牌换成某电话/某证件号/某房号/某车牌。非投诉或未结案 → 422。',
    params: idParam,
    response: { 200: CaseDraft },
    sample: async (kit) => ({ params: { id: await kit.make.closedComplaint() } }),
    handler: async (req) => caseDraft(ctx, req.viewer, req.params.id),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/cases',
    access: 'request.supervise',
    summary: '把已结案投诉存入案例库 Save a closed complaint as a training case',
    tags: ['complaints'],
    description:
      '服务器再次检查各部分：仍含投诉人或住户姓名、电话、身份证号、房号、车牌 → 400 并指出字段。每件投诉只能入库一次（409）；案例入库后不可修改或删除。',
    body: CaseCreate,
    response: { 201: CaseOut },
    sample: async (kit) => ({
      body: {
        requestId: await kit.make.closedComplaint(),
        title: '维修质量：楼上漏水',
        summary: '住户反映楼上漏水，天花板发霉',
        handling: '调查情况：楼上卫生间防水层破损\n处理结果：协调楼上住户修复防水层',
        cause: '楼上住户装修破坏防水层',
        preventive: '装修巡查增加防水检查',
        lessons: '漏水投诉先查上层防水，再约双方现场确认',
      },
    }),
    handler: async (req, reply) => reply.status(201).send(await saveCase(ctx, req.viewer, req.body)),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/cases',
    access: 'request.read',
    summary: '检索案例库（新→旧） Search the case library',
    tags: ['complaints'],
    description: '案例是全公司的培训材料，员工可查看所有项目的案例。关键词按单字、相邻两字与英文数字词拆分，须全部命中。',
    querystring: CaseListQuery,
    response: { 200: pageOf(CaseSummary) },
    sample: () => ({ query: { q: '漏水', limit: '5' } }),
    handler: async (req) => listCases(ctx, req.viewer, req.query),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/cases/:id',
    access: 'request.read',
    summary: '案例详情，附原投诉编号 A training case with a link to its complaint',
    tags: ['complaints'],
    params: idParam,
    response: { 200: CaseOut },
    sample: async (kit) => ({ params: { id: await kit.make.complaintCase() } }),
    handler: async (req) => getCase(ctx, req.viewer, req.params.id),
  });
}
