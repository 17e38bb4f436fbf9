import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.ts';
import { idParam, pageOf } from '../../platform/http/common.ts';
import { defineRoute } from '../../platform/http/route.ts';
import {
  ApproveBody,
  CheckLetterBody,
  CodeBody,
  GateCheck,
  GateUse,
  HeadCallBody,
  MyCheck,
  MyCheckQuery,
  OwnerCallBody,
  RefuseBody,
  ReleaseCreate,
  ReleaseDetail,
  ReleaseListQuery,
  ReleaseSummary,
  ResidentRelease,
  ResidentReleaseCreate,
  ResidentReleaseListQuery,
  VerifyIdentityBody,
} from './releases.schema.ts';
import {
  approveRelease,
  checkLetter,
  checkSlip,
  createRelease,
  createResidentRelease,
  getRelease,
  getResidentRelease,
  letterFile,
  listReleases,
  listResidentReleases,
  myChecks,
  recordHeadCall,
  recordOwnerCall,
  refuseRelease,
  useSlip,
  verifyIdentity,
} from './releases.service.ts';

const ITEMS = [
  { name: '冰箱', quantity: 1, unit: '台' },
  { name: '纸箱', quantity: 5, unit: '个' },
];

/** R-FD-2 goods release: the counter's applications and steps, the resident's phone, the gate's check. */
export function registerReleaseRoutes(app: FastifyInstance, ctx: AppContext) {
  const tags = ['releases'];

  defineRoute(app, {
    method: 'GET',
    url: '/api/releases',
    access: 'release.manage',
    summary: '放行申请列表（待处理 / 今日 / 全部） Goods release applications',
    tags,
    querystring: ReleaseListQuery,
    response: { 200: pageOf(ReleaseSummary) },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId, scope: 'pending', limit: '5' } }),
    handler: async (req) => listReleases(ctx, req.viewer, req.query),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/releases',
    access: 'release.manage',
    summary: '前台登记放行申请 Take a goods release application at the counter',
    tags,
    description:
      '核实方式由申请人身份决定：业主或装修负责人 → 核实身份；非业主持委托书（须上传） → 核对委托书；无委托书 → 致电业主；内部施工或送货人员 → 致电单位部门负责人。编号 FX-YYMM-NNNN。',
    body: ReleaseCreate,
    response: { 201: ReleaseDetail },
    sample: (kit) => ({
      body: {
        unitId: kit.fixtures.unitId,
        applicantName: '王师傅',
        applicantPhone: '13800138000',
        standing: 'owner',
        items: ITEMS,
        plate: '粤B12345',
        reason: '搬家',
      },
    }),
    handler: async (req, reply) => reply.status(201).send(await createRelease(ctx, req.viewer, req.body)),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/releases/:id',
    access: 'release.manage',
    summary: '放行申请详情、可执行步骤与历史 A goods release with its steps and history',
    tags,
    params: idParam,
    response: { 200: ReleaseDetail },
    sample: async (kit) => ({ params: { id: await kit.make.release() } }),
    handler: async (req) => getRelease(ctx, req.viewer, req.params.id),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/releases/:id/letter',
    access: 'release.manage',
    summary: '业主委托书照片 The owner’s authorization letter',
    tags,
    params: idParam,
    sample: async (kit) => ({ params: { id: await kit.make.release({ path: 'letter' }) } }),
    handler: async (req, reply) => {
      const f = await letterFile(ctx, req.viewer, req.params.id);
      reply.header('content-type', f.mime);
      reply.header('cache-control', 'private, max-age=86400');
      reply.header('x-content-type-options', 'nosniff');
      return reply.send(createReadStream(join(ctx.dataDir, f.path)));
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/releases/:id/verify-identity',
    access: 'release.manage',
    summary: '核实业主或装修负责人身份 Verify the owner’s or decoration lead’s identity',
    tags,
    description: '仅“核实身份”方式、待核实时；通过后可批准。',
    params: idParam,
    body: VerifyIdentityBody,
    response: { 200: ReleaseDetail },
    sample: async (kit) => ({
      params: { id: await kit.make.release({ path: 'identity' }) },
      body: { version: 1, document: 'id_card', note: '身份证与业主档案一致' },
    }),
    handler: async (req) => verifyIdentity(ctx, req.viewer, req.params.id, req.body),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/releases/:id/check-letter',
    access: 'release.manage',
    summary: '核对业主委托书 Check the owner’s authorization letter',
    tags,
    description: '有效 → 已核实，可批准；无效 → 不予放行（备注即告知申请人的理由）。',
    params: idParam,
    body: CheckLetterBody,
    response: { 200: ReleaseDetail },
    sample: async (kit) => ({
      params: { id: await kit.make.release({ path: 'letter' }) },
      body: { version: 1, valid: true, note: '签名与业主档案相符' },
    }),
    handler: async (req) => checkLetter(ctx, req.viewer, req.params.id, req.body),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/releases/:id/owner-call',
    access: 'release.manage',
    summary: '记录致电业主的结果 Record the owner’s answer by phone',
    tags,
    description: '记录时间、拨打号码与致电人。同意 → 已核实，可批准；不同意 → 不予放行；未接通 → 仍待核实。',
    params: idParam,
    body: OwnerCallBody,
    response: { 200: ReleaseDetail },
    sample: async (kit) => ({
      params: { id: await kit.make.release({ path: 'owner_call' }) },
      body: { version: 1, answer: 'yes', ownerName: '李明华', calledNumber: '13900001502' },
    }),
    handler: async (req) => recordOwnerCall(ctx, req.viewer, req.params.id, req.body),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/releases/:id/head-call',
    access: 'release.manage',
    summary: '记录致电单位或部门负责人的结果 Record the company or department head’s answer',
    tags,
    description: '内部施工或送货人员：确认 → 已核实，可批准；不同意 → 不予放行；未接通 → 仍待核实。',
    params: idParam,
    body: HeadCallBody,
    response: { 200: ReleaseDetail },
    sample: async (kit) => ({
      params: { id: await kit.make.release({ path: 'company_call' }) },
      body: { version: 1, answer: 'yes', headName: '工程部 赵经理' },
    }),
    handler: async (req) => recordHeadCall(ctx, req.viewer, req.params.id, req.body),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/releases/:id/approve',
    access: 'release.manage',
    summary: '批准放行，签发放行条 Approve and issue the slip',
    tags,
    description: '仅在核实通过后；放行时段已过 → 422。',
    params: idParam,
    body: ApproveBody,
    response: { 200: ReleaseDetail },
    sample: async (kit) => {
      const id = await kit.make.release({ status: 'verified' });
      return { params: { id }, body: { version: await kit.version('releases', id) } };
    },
    handler: async (req) => approveRelease(ctx, req.viewer, req.params.id, req.body),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/releases/:id/refuse',
    access: 'release.manage',
    summary: '不予放行 Refuse the application',
    tags,
    description: '理由告知申请人（住户端可见）。',
    params: idParam,
    body: RefuseBody,
    response: { 200: ReleaseDetail },
    sample: async (kit) => ({ params: { id: await kit.make.release() }, body: { version: 1, reason: '无法联系业主确认' } }),
    handler: async (req) => refuseRelease(ctx, req.viewer, req.params.id, req.body),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/releases/check',
    access: 'release.check',
    summary: '门岗核验放行码 Check a release slip at the gate',
    tags,
    description:
      '每次核验都记录（码、放行条、门岗、时间、结果）。无效原因：used 已使用 / expired 已过期 / not_yet_valid 未生效 / refused 未获批准 / pending 审核中 / other_project 其他项目 / unknown 无此码。',
    body: CodeBody,
    response: { 200: GateCheck },
    sample: async (kit) => ({ body: { code: await kit.make.releaseCode() } }),
    handler: async (req) => checkSlip(ctx, req.viewer, req.body.code),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/releases/use',
    access: 'release.check',
    summary: '确认放行（放行条仅可使用一次） Mark a slip used',
    tags,
    description:
      '单次比较并设置：两名门岗同时放行同一放行条，只有一人成功，另一人 409“已使用”。过期、未生效、未批准 → 422；无此码或其他项目 → 404。',
    body: CodeBody,
    response: { 200: GateUse },
    sample: async (kit) => ({ body: { code: await kit.make.releaseCode() } }),
    handler: async (req) => useSlip(ctx, req.viewer, req.body.code),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/release-checks',
    access: 'release.check',
    summary: '我的核验记录 The guard’s own recent checks',
    tags,
    querystring: MyCheckQuery,
    response: { 200: pageOf(MyCheck) },
    sample: () => ({ query: { limit: '5' } }),
    handler: async (req) => myChecks(ctx, req.viewer, req.query),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/me/releases',
    access: 'resident.self',
    summary: '住户手机申请放行 A resident applies for a goods release',
    tags,
    description: '只能为自己当前关联的房屋申请；申请人不填即本人。非业主无委托书时由服务中心致电业主确认。',
    body: ResidentReleaseCreate,
    response: { 201: ResidentRelease },
    sample: (kit) => ({ body: { unitId: kit.fixtures.unitId, standing: 'owner', items: ITEMS, reason: '搬家' } }),
    handler: async (req, reply) => reply.status(201).send(await createResidentRelease(ctx, req.viewer, req.body)),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/me/releases',
    access: 'resident.self',
    summary: '我的放行申请 A resident’s goods releases',
    tags,
    querystring: ResidentReleaseListQuery,
    response: { 200: pageOf(ReleaseSummary) },
    sample: () => ({ query: { limit: '5' } }),
    handler: async (req) => listResidentReleases(ctx, req.viewer, req.query),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/me/releases/:id',
    access: 'resident.self',
    summary: '我的放行条（批准后显示放行码） A resident’s release slip',
    tags,
    params: idParam,
    response: { 200: ResidentRelease },
    sample: async (kit) => ({ params: { id: await kit.make.release() } }),
    handler: async (req) => getResidentRelease(ctx, req.viewer, req.params.id),
  });
}
