import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.ts';
import { idParam, pageOf } from '../../platform/http/common.ts';
import { defineRoute } from '../../platform/http/route.ts';
import {
  AppointmentCancel,
  AppointmentCreate,
  AppointmentListQuery,
  AppointmentOut,
  Board,
  BoardQuery,
  CheckIn,
  CheckInOut,
  SignOut,
  VisitCreate,
  VisitListQuery,
  VisitOut,
} from './visitors.schema.ts';
import {
  board,
  cancelAppointment,
  checkIn,
  createAppointment,
  createVisit,
  getVisit,
  listAppointments,
  listVisits,
  signOut,
} from './visitors.service.ts';

/** 来访登记 and 预约 (R-FD-1): the counter and the gate guard's phone. */
export function registerVisitorRoutes(app: FastifyInstance, ctx: AppContext) {
  defineRoute(app, {
    method: 'POST',
    url: '/api/visits',
    access: 'visitor.register',
    summary: '来访登记（未预约访客） Register a walk-in visitor',
    tags: ['frontdesk'],
    description:
      '证件只登记类型与号码后四位：填写完整号码 → 400（字段 idLast4）。系统发放登记编号 FK-YYMM-NNNN（证件存根号），现场发放实体访客证时另填证牌号 badge。被访对象须属于该项目。',
    body: VisitCreate,
    response: { 201: VisitOut },
    sample: (kit) => ({
      body: {
        projectId: kit.fixtures.projectId,
        name: '王建国',
        phone: '13912345678',
        idType: 'resident_id',
        idLast4: '123X',
        purpose: '探亲',
        host: { kind: 'unit', unitId: kit.fixtures.unitId },
        partySize: 2,
        plate: '粤B12345',
      },
    }),
    handler: async (req, reply) => reply.status(201).send(await createVisit(ctx, req.viewer, req.body)),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/visits/board',
    access: 'visitor.register',
    summary: '今日访客看板：在访、已离开、今日预约 Today’s visitor board',
    tags: ['frontdesk'],
    description: '在访 = 尚未登记离开（含前几日遗留）；已离开 = 今天离开；预约 = 今天预计到访且尚未到达。公司级账号须指定项目。',
    querystring: BoardQuery,
    response: { 200: Board },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId } }),
    handler: async (req) => board(ctx, req.viewer, req.query.projectId),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/visits',
    access: 'visitor.register',
    summary: '来访记录查询（新→旧） Search the visitor register',
    tags: ['frontdesk'],
    description: '按姓名前缀、电话（完整或后四位）、车牌、日期范围查询，游标分页。',
    querystring: VisitListQuery,
    response: { 200: pageOf(VisitOut) },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId, phone: '5678', limit: '10' } }),
    handler: async (req) => listVisits(ctx, req.viewer, req.query),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/visits/:id',
    access: 'visitor.register',
    summary: '来访记录 A visit',
    tags: ['frontdesk'],
    params: idParam,
    response: { 200: VisitOut },
    sample: async (kit) => ({ params: { id: await kit.make.visit() } }),
    handler: async (req) => getVisit(ctx, req.viewer, req.params.id),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/visits/:id/sign-out',
    access: 'visitor.register',
    summary: '登记访客离开 Sign a visitor out',
    tags: ['frontdesk'],
    description: '只能登记一次：已离开 → 422 already_signed_out，离开时间不变；版本过期 → 409。',
    params: idParam,
    body: SignOut,
    response: { 200: VisitOut },
    sample: async (kit) => {
      const id = await kit.make.visit();
      return { params: { id }, body: { version: await kit.version('visits', id) } };
    },
    handler: async (req) => signOut(ctx, req.viewer, req.params.id, req.body.version),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/visitor-appointments',
    access: 'visitor.register',
    summary: '登记访客预约 Book a visitor appointment',
    tags: ['frontdesk'],
    description: '为住户（房屋）、员工或部门提前登记；到访时按今日列表或电话找到预约并登记到访，系统通知被访人。',
    body: AppointmentCreate,
    response: { 201: AppointmentOut },
    sample: (kit) => ({
      body: {
        projectId: kit.fixtures.projectId,
        name: '赵德胜',
        phone: '13712345678',
        partySize: 1,
        purpose: '上门送货',
        expectedAt: Date.now() + 3600_000,
        host: { kind: 'unit', unitId: kit.fixtures.unitId, personId: kit.fixtures.personId },
      },
    }),
    handler: async (req, reply) => reply.status(201).send(await createAppointment(ctx, req.viewer, req.body)),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/visitor-appointments',
    access: 'visitor.register',
    summary: '访客预约列表（按预计到访时间） Visitor appointments',
    tags: ['frontdesk'],
    description: '按日期看当天预约，或按访客电话（完整或后四位）查找。',
    querystring: AppointmentListQuery,
    response: { 200: pageOf(AppointmentOut) },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId, status: 'expected' } }),
    handler: async (req) => listAppointments(ctx, req.viewer, req.query),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/visitor-appointments/:id/check-in',
    access: 'visitor.register',
    summary: '预约访客到访登记并通知被访人 Check an appointment in',
    tags: ['frontdesk'],
    description: '生成来访记录（证件只登记后四位），预约标记为已到访，被访住户（有账号时）或员工/部门负责人收到站内通知。重复登记 → 422。',
    params: idParam,
    body: CheckIn,
    response: { 201: CheckInOut },
    sample: async (kit) => {
      const id = await kit.make.visitorAppointment();
      return { params: { id }, body: { version: await kit.version('visitor_appointments', id), idType: 'resident_id', idLast4: '0021' } };
    },
    handler: async (req, reply) => reply.status(201).send(await checkIn(ctx, req.viewer, req.params.id, req.body)),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/visitor-appointments/:id/cancel',
    access: 'visitor.register',
    summary: '取消访客预约 Cancel an appointment',
    tags: ['frontdesk'],
    description: '只有未到访的预约可以取消；取消记录保留。',
    params: idParam,
    body: AppointmentCancel,
    response: { 200: AppointmentOut },
    sample: async (kit) => {
      const id = await kit.make.visitorAppointment();
      return { params: { id }, body: { version: await kit.version('visitor_appointments', id), reason: '住户通知改期' } };
    },
    handler: async (req) => cancelAppointment(ctx, req.viewer, req.params.id, req.body),
  });
}
