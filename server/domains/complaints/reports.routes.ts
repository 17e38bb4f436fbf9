import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.ts';
import { defineRoute } from '../../platform/http/route.ts';
import { sendXlsx } from '../repairs/reports.routes.ts';
import { ComplaintTable, ItemsOut, ItemsQuery, RegisterOut, RegisterQuery, TableQuery } from './reports.schema.ts';
import { complaintRegister, complaintTable, figureItems, registerWorkbook, tableWorkbook } from './reports.service.ts';

const SCOPE = '指定的项目须在本人可见范围内，否则 404；不指定项目时为全公司，即本人可见的全部项目（每个项目一行，另有合计）。';

/** The figures of the classification table, one sentence each: the route description and the workbook's notes sheet. */
const TABLE_DEFINITIONS = [
  '统计范围：按北京时间自然月，投诉登记时间（requests.created_at）在当月的投诉；每件投诉只计一次，无论被退回重办多少次。',
  '分类：按投诉的一级类别（子类计入其一级类别，无类别的计入“未分类”）× 级别（一般 / 重大 / 紧急）。',
  '回访满意结案 = 已结案且结案原因为回访满意（satisfied）；',
  '无需回访结案 = 已结案且结案原因为当场解决并确认、匿名或无法联系、敏感投诉谢绝回访；',
  '谢绝回访结案 = 投诉人谢绝回访后 7 天无再投诉而自动结案的；',
  '其他结案 = 已结案但不属以上原因的；',
  '未结案 = 仍在处理中的投诉，含谢绝回访、等待 7 天自动结案的。以上五项之和等于投诉数。',
  '24 小时回应率 = 24 小时内回应的投诉 ÷（24 小时内回应 + 回应超时）。一件投诉的“24 小时内回应”时限（含退回重办后重新开始的）中，有任何一个超时即计为回应超时；没有超时且至少有一个按时完成的计为 24 小时内回应；已取消而未超时的、尚在计时且未超时的时限不计，全部时限都未有结果的投诉不计入分母。',
  '回访满意率 = 回访满意结案数 ÷ 回访次数；回访次数 = 回访满意结案数 + 退回重办次数（每次回访不满意退回即一次不满意的回访）。',
  '退回重办次数 = 各投诉回访不满意退回次数之和；退回重办投诉数 = 至少被退回一次的投诉件数。',
  '比率的分母为 0 时为 null（表中显示“—”）。',
];
const TABLE_DESCRIPTION = TABLE_DEFINITIONS.join('') + SCOPE;

const REGISTER_DESCRIPTION =
  '投诉登记表：指定项目在某一天（date，北京时间）或某月（month）登记的每件投诉一行：编号、时间、方式、投诉人（匿名投诉为“匿名”）、房号、电话、内容、类别、级别、责任部门、处理人、状态、处理结果、回访及结案情况、退回重办次数、结案时间。' +
  '无查看电话权限的角色看到打码号码。项目须在本人可见范围内，否则 404。';

export function registerComplaintReportRoutes(app: FastifyInstance, ctx: AppContext) {
  defineRoute(app, {
    method: 'GET',
    url: '/api/reports/complaint-register',
    access: 'request.read',
    summary: '投诉登记表 Complaint daily register',
    tags: ['reports'],
    description: REGISTER_DESCRIPTION,
    querystring: RegisterQuery,
    response: { 200: RegisterOut },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId, date: '2026-11-18' } }),
    handler: async (req) => complaintRegister(ctx, req.viewer, req.query),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/reports/complaint-register.xlsx',
    access: 'request.read',
    summary: '投诉登记表导出 Excel Complaint register as .xlsx',
    tags: ['reports'],
    description: `与 /api/reports/complaint-register 相同的内容，导出为 Excel 文件。${REGISTER_DESCRIPTION}`,
    querystring: RegisterQuery,
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId, month: '2026-11' } }),
    handler: async (req, reply) => sendXlsx(reply, await registerWorkbook(ctx, await complaintRegister(ctx, req.viewer, req.query))),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/reports/complaints',
    access: 'request.read',
    summary: '顾客投诉分类统计表 Monthly complaint classification table',
    tags: ['reports'],
    description: TABLE_DESCRIPTION,
    querystring: TableQuery,
    response: { 200: ComplaintTable },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId, month: '2026-11' } }),
    handler: async (req) => complaintTable(ctx, req.viewer, req.query.month, req.query.projectId),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/reports/complaints/items',
    access: 'request.read',
    summary: '统计表中某个数字对应的投诉 Complaints behind a figure',
    tags: ['reports'],
    description:
      'figure：total 投诉、satisfied 回访满意结案、no_callback 无需回访结案、declined 谢绝回访结案、closed_other 其他结案、open 未结案、' +
      'on_time 24 小时内回应、late 回应超时、measured 24 小时回应已计（on_time + late）、reopened 退回重办过的投诉、' +
      'callbacks 回访（每次回访一行：每次不满意退回一行，满意结案一行）、reopens 退回重办（每次退回一行）；' +
      `categoryId 只看某一一级类别（含其子类，none = 未分类），grade 只看某一级别。口径与统计表相同，条数即表中的数字。${SCOPE}`,
    querystring: ItemsQuery,
    response: { 200: ItemsOut },
    sample: () => ({ query: { month: '2026-11', figure: 'total' } }),
    handler: async (req) => figureItems(ctx, req.viewer, req.query),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/reports/complaints.xlsx',
    access: 'request.read',
    summary: '顾客投诉分类统计表导出 Excel Complaint table as .xlsx',
    tags: ['reports'],
    description: `“分类统计”（类别 × 级别）、“按项目”与“口径说明”三个工作表，数字为真实数值，比率为百分比格式。${TABLE_DESCRIPTION}`,
    querystring: TableQuery,
    sample: () => ({ query: { month: '2026-11' } }),
    handler: async (req, reply) =>
      sendXlsx(
        reply,
        await tableWorkbook(ctx, await complaintTable(ctx, req.viewer, req.query.month, req.query.projectId), TABLE_DEFINITIONS),
      ),
  });
}
