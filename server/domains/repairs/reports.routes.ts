import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../../platform/context.ts';
import { defineRoute } from '../../platform/http/route.ts';
import { OrdersOut, OrdersQuery, RegisterOut, RegisterQuery, RepairMonthQuery, RepairSummary } from './reports.schema.ts';
import {
  attachmentHeader,
  figureOrders,
  registerWorkbook,
  repairRegister,
  repairSummary,
  summaryWorkbook,
  XLSX_TYPE,
} from './reports.service.ts';

const SCOPE = '项目须在本人可见范围内，否则 404。';

const REGISTER_DESCRIPTION =
  '当月（北京时间）登记的报修，每单一行：free 为业主报修登记表（免费维修，含尚未判定收费的），paid 为业主报修有偿服务登记表（已判定有偿的，含住户不同意收费的）。' +
  '派工时间为首次派工或取单的时间；回访结果列出该单已完成的回访。无查看电话权限的角色看到打码号码。' +
  SCOPE;

const SUMMARY_DESCRIPTION =
  '按北京时间自然月统计一个项目的维修：' +
  '报修数 = 当月登记的报修；' +
  '完工数 = 完工时间在当月的维修单；' +
  '报修及时率 = 当月报修的“10 分钟内答复”时限中按时完成（已完成且未超时）的 ÷（按时完成 + 已超时），已取消的时限不计，尚未到期的不计；' +
  '返修率 = 当月登记的返修单（关联原维修单的）÷ 当月完工的维修单；' +
  '回访满意率 = 当月完成的回访中（满意 + 基本满意）÷ 有满意度评价的回访，联系不上的单列；' +
  '有偿维修收入 = 当月完工的有偿维修单的实收金额之和。' +
  '按类别的报修、及时、超时、返修按登记月份计，完工与有偿收入按完工月份计。' +
  SCOPE;

export function sendXlsx(reply: FastifyReply, file: { buffer: Buffer; filename: string; fallback: string }) {
  return reply
    .header('content-type', XLSX_TYPE)
    .header('content-disposition', attachmentHeader(file.filename, file.fallback))
    .header('cache-control', 'no-store')
    .send(file.buffer);
}

export function registerRepairReportRoutes(app: FastifyInstance, ctx: AppContext) {
  defineRoute(app, {
    method: 'GET',
    url: '/api/reports/repair-register',
    access: 'request.read',
    summary: '业主报修登记表 / 业主报修有偿服务登记表 Repair registers',
    tags: ['reports'],
    description: REGISTER_DESCRIPTION,
    querystring: RegisterQuery,
    response: { 200: RegisterOut },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId, month: '2026-11', register: 'paid' } }),
    handler: async (req) => repairRegister(ctx, req.viewer, req.query.projectId, req.query.month, req.query.register),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/reports/repair-register.xlsx',
    access: 'request.read',
    summary: '报修登记表导出 Excel Repair register as .xlsx',
    tags: ['reports'],
    description: `与 /api/reports/repair-register 相同的内容，导出为 Excel 文件（金额以元计，两位小数）。${REGISTER_DESCRIPTION}`,
    querystring: RegisterQuery,
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId, month: '2026-11', register: 'free' } }),
    handler: async (req, reply) => {
      const q = req.query;
      const report = await repairRegister(ctx, req.viewer, q.projectId, q.month, q.register);
      return sendXlsx(reply, await registerWorkbook(ctx, report));
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/reports/repairs',
    access: 'request.read',
    summary: '维修月度汇总：分类、报修及时率、返修率、回访满意度、有偿收入 Monthly repair summary',
    tags: ['reports'],
    description: SUMMARY_DESCRIPTION,
    querystring: RepairMonthQuery,
    response: { 200: RepairSummary },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId, month: '2026-11' } }),
    handler: async (req) => repairSummary(ctx, req.viewer, req.query.projectId, req.query.month),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/reports/repairs/orders',
    access: 'request.read',
    summary: '维修月度汇总中某个数字对应的维修单 Orders behind a summary figure',
    tags: ['reports'],
    description:
      'figure：reported 报修、completed 完工、on_time 及时答复、late 超时答复、rework 返修、callbacks 已回访、dissatisfied 回访不满意、paid 有偿维修（完工）；' +
      `categoryId 只看某一类别（none = 未分类）。口径与汇总相同，条数即汇总中的数字；回访类每次回访一行。${SCOPE}`,
    querystring: OrdersQuery,
    response: { 200: OrdersOut },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId, month: '2026-11', figure: 'reported' } }),
    handler: async (req) => figureOrders(ctx, req.viewer, req.query),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/reports/repairs.xlsx',
    access: 'request.read',
    summary: '维修月度汇总导出 Excel Monthly repair summary as .xlsx',
    tags: ['reports'],
    description: `汇总表与按类别表两个工作表。${SUMMARY_DESCRIPTION}`,
    querystring: RepairMonthQuery,
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId, month: '2026-11' } }),
    handler: async (req, reply) => {
      const s = await repairSummary(ctx, req.viewer, req.query.projectId, req.query.month);
      return sendXlsx(reply, await summaryWorkbook(ctx, s));
    },
  });
}
