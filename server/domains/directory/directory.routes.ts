import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { idParam, pageQuery } from '../../platform/http/common.ts';
import { defineRoute } from '../../platform/http/route.ts';
import {
  Building,
  BuildingCreate,
  BuildingPatch,
  HistoryEntry,
  LookupHit,
  OccupancyCreate,
  OccupancyPatch,
  Person,
  PersonCreate,
  PersonPage,
  PersonPatch,
  UnitCreate,
  UnitDetail,
  UnitPage,
  UnitPatch,
} from './directory.schema.ts';
import {
  createBuilding,
  createOccupancy,
  createPerson,
  createUnit,
  getPerson,
  getUnit,
  listBuildings,
  listPeople,
  listUnits,
  lookup,
  myUnits,
  patchBuilding,
  patchOccupancy,
  patchPerson,
  patchUnit,
  personHistory,
  revealIdNumber,
  unitHistory,
} from './directory.service.ts';

let seq = 0;
const uniq = () => `${Date.now() % 100000}${seq++}`;

export function registerDirectoryRoutes(app: FastifyInstance, ctx: AppContext) {
  defineRoute(app, {
    method: 'GET',
    url: '/api/lookup',
    access: 'directory.read',
    summary: '前台查询：房号、姓名、手机号、手机尾号后四位或车牌 Counter look-up',
    tags: ['directory'],
    querystring: z.object({
      q: z.string().max(50).describe('房号（3-2-1502 或 1502）、姓名、完整手机号、手机后四位或车牌'),
      projectId: z.string().min(1).optional(),
    }),
    response: { 200: z.object({ items: z.array(LookupHit) }) },
    sample: (kit) => ({ query: { q: kit.fixtures.phoneLast4 } }),
    handler: async (req) => lookup(ctx, req.viewer, req.query.q, req.query.projectId),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/buildings',
    access: 'directory.read',
    summary: '楼栋列表 Buildings of a project',
    tags: ['directory'],
    querystring: z.object({ projectId: z.string().min(1) }),
    response: { 200: z.array(Building) },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId } }),
    handler: async (req) => listBuildings(ctx, req.viewer, req.query.projectId),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/buildings',
    access: 'structure.manage',
    summary: '新建楼栋 Create a building',
    tags: ['directory'],
    body: BuildingCreate,
    response: { 200: Building },
    sample: (kit) => ({ body: { projectId: kit.fixtures.projectId, code: `T${uniq()}`, name: '测试楼', floors: 18 } }),
    handler: async (req) => createBuilding(ctx, req.viewer, req.body),
  });

  defineRoute(app, {
    method: 'PATCH',
    url: '/api/buildings/:id',
    access: 'structure.manage',
    summary: '修改楼栋 Edit a building',
    tags: ['directory'],
    params: idParam,
    body: BuildingPatch,
    response: { 200: Building },
    sample: async (kit) => ({ params: { id: await kit.make.building() }, body: { version: 1, floors: 20 } }),
    handler: async (req) => patchBuilding(ctx, req.viewer, req.params.id, req.body),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/units',
    access: 'directory.read',
    summary: '房屋列表（键集分页） Units',
    tags: ['directory'],
    querystring: z.object({ ...pageQuery, projectId: z.string().min(1).optional(), buildingId: z.string().min(1).optional() }),
    response: { 200: UnitPage },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId, limit: '5' } }),
    handler: async (req) => listUnits(ctx, req.viewer, req.query),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/units/:id',
    access: 'authenticated',
    summary: '房屋详情与住户 A unit and its occupants (residents: own units only)',
    tags: ['directory'],
    params: idParam,
    response: { 200: UnitDetail },
    sample: (kit) => ({ params: { id: kit.fixtures.unitId } }),
    handler: async (req) => getUnit(ctx, req.viewer, req.params.id),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/units/:id/history',
    access: 'directory.read',
    summary: '房屋变更历史 Change history of a unit',
    tags: ['directory'],
    params: idParam,
    response: { 200: z.array(HistoryEntry) },
    sample: (kit) => ({ params: { id: kit.fixtures.unitId } }),
    handler: async (req) => unitHistory(ctx, req.viewer, req.params.id),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/units',
    access: 'structure.manage',
    summary: '新建房屋 Create a unit',
    tags: ['directory'],
    body: UnitCreate,
    response: { 200: UnitDetail },
    sample: async (kit) => ({ body: { buildingId: await kit.make.building(), entrance: '1', room: '0301', area: 89.5 } }),
    handler: async (req) => createUnit(ctx, req.viewer, req.body),
  });

  defineRoute(app, {
    method: 'PATCH',
    url: '/api/units/:id',
    access: 'structure.manage',
    summary: '修改房屋 Edit a unit',
    tags: ['directory'],
    params: idParam,
    body: UnitPatch,
    response: { 200: UnitDetail },
    sample: async (kit) => ({ params: { id: await kit.make.unit() }, body: { version: 1, area: 101.25 } }),
    handler: async (req) => patchUnit(ctx, req.viewer, req.params.id, req.body),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/me/units',
    access: 'resident.self',
    summary: '我的房屋（住户） My units',
    tags: ['directory'],
    response: { 200: z.array(UnitDetail) },
    sample: () => ({}),
    handler: async (req) => myUnits(ctx, req.viewer),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/people',
    access: 'directory.read',
    summary: '住户档案列表（姓名前缀） People',
    tags: ['directory'],
    querystring: z.object({ ...pageQuery, q: z.string().trim().max(50).optional(), projectId: z.string().min(1).optional() }),
    response: { 200: PersonPage },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId, limit: '5' } }),
    handler: async (req) => listPeople(ctx, req.viewer, req.query),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/people/:id',
    access: 'authenticated',
    summary: '住户档案 A person (residents: themselves only)',
    tags: ['directory'],
    params: idParam,
    response: { 200: Person },
    sample: (kit) => ({ params: { id: kit.fixtures.personId } }),
    handler: async (req) => getPerson(ctx, req.viewer, req.params.id),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/people/:id/history',
    access: 'directory.read',
    summary: '住户档案变更历史 Change history of a person',
    tags: ['directory'],
    params: idParam,
    response: { 200: z.array(HistoryEntry) },
    sample: (kit) => ({ params: { id: kit.fixtures.personId } }),
    handler: async (req) => personHistory(ctx, req.viewer, req.params.id),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/people/:id/reveal-id',
    access: 'pii.id_number',
    summary: '查看完整证件号（记入审计） Reveal the full ID number (audited)',
    tags: ['directory'],
    params: idParam,
    response: { 200: z.object({ idNumber: z.string() }) },
    sample: (kit) => ({ params: { id: kit.fixtures.personId } }),
    handler: async (req) => revealIdNumber(ctx, req.viewer, req.params.id),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/people',
    access: 'directory.write',
    summary: '新建住户档案 Create a person',
    tags: ['directory'],
    body: PersonCreate,
    response: { 200: Person },
    sample: (kit) => ({
      body: {
        name: '测试住户',
        phone: `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
        idNumber: '440301199001011234',
        plates: [],
        occupancy: { unitId: kit.fixtures.unitId, relation: 'tenant', startDate: '2026-01-01' },
      },
    }),
    handler: async (req) => createPerson(ctx, req.viewer, req.body),
  });

  defineRoute(app, {
    method: 'PATCH',
    url: '/api/people/:id',
    access: 'directory.write',
    summary: '修改住户档案（带版本号） Edit a person',
    tags: ['directory'],
    params: idParam,
    body: PersonPatch,
    response: { 200: Person },
    sample: async (kit) => ({ params: { id: await kit.make.person() }, body: { version: 1, notes: '已核对' } }),
    handler: async (req) => patchPerson(ctx, req.viewer, req.params.id, req.body),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/occupancies',
    access: 'directory.write',
    summary: '登记住户与房屋的关系 Link a person to a unit',
    tags: ['directory'],
    body: OccupancyCreate,
    response: { 200: Person },
    sample: async (kit) => ({
      body: { personId: await kit.make.person(), unitId: await kit.make.unit(), relation: 'tenant', startDate: '2026-03-01' },
    }),
    handler: async (req) => createOccupancy(ctx, req.viewer, req.body),
  });

  defineRoute(app, {
    method: 'PATCH',
    url: '/api/occupancies/:id',
    access: 'directory.write',
    summary: '结束或修改住户与房屋的关系 End or edit a relation',
    tags: ['directory'],
    params: idParam,
    body: OccupancyPatch,
    response: { 200: Person },
    sample: async (kit) => ({ params: { id: await kit.make.occupancy() }, body: { version: 1, endDate: '2026-12-31' } }),
    handler: async (req) => patchOccupancy(ctx, req.viewer, req.params.id, req.body),
  });
}
