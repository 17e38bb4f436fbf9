import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { idParam } from '../../platform/http/common.ts';
import { defineRoute } from '../../platform/http/route.ts';
import { PriceItem, PriceItemCreate, PriceItemPatch, WarrantyOut } from './prices.schema.ts';
import { createPriceItem, listPriceItems, patchPriceItem, unitWarranty } from './prices.service.ts';

let seq = 0;

export function registerPriceRoutes(app: FastifyInstance, ctx: AppContext) {
  defineRoute(app, {
    method: 'GET',
    url: '/api/price-items',
    access: 'authenticated',
    summary: '维修收费标准（项目 + 公司通用） Repair price list',
    tags: ['repairs'],
    querystring: z.object({ projectId: z.string().min(1).max(64), all: z.enum(['true', 'false']).optional().describe('含已停用') }),
    response: { 200: z.array(PriceItem) },
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId } }),
    handler: async (req) => listPriceItems(ctx, req.viewer, req.query.projectId, req.query.all === 'true'),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/price-items',
    access: 'config.manage',
    summary: '新增收费项目 Add a price item',
    tags: ['repairs'],
    body: PriceItemCreate,
    response: { 200: PriceItem },
    sample: (kit) => ({
      body: { projectId: kit.fixtures.projectId, category: '水电', name: `更换水龙头${seq++}`, unit: '个', priceFen: 3000 },
    }),
    handler: async (req) => createPriceItem(ctx, req.viewer, req.body),
  });

  defineRoute(app, {
    method: 'PATCH',
    url: '/api/price-items/:id',
    access: 'config.manage',
    summary: '修改或停用收费项目 Edit a price item',
    tags: ['repairs'],
    params: idParam,
    body: PriceItemPatch,
    response: { 200: PriceItem },
    sample: async (kit) => ({ params: { id: await kit.make.priceItem() }, body: { version: 1, priceFen: 4500 } }),
    handler: async (req) => patchPriceItem(ctx, req.viewer, req.params.id, req.body),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/units/:id/warranty',
    access: 'request.read',
    summary: '保修判定：按交付日期与分类判断免费或有偿 Warranty check',
    tags: ['repairs'],
    params: idParam,
    querystring: z.object({
      scope: z.enum(['in_unit', 'common']).default('in_unit').describe('室内 / 公共设施'),
      categoryId: z.string().min(1).max(64).optional(),
    }),
    response: { 200: WarrantyOut },
    sample: (kit) => ({ params: { id: kit.fixtures.unitId } }),
    handler: async (req) => unitWarranty(ctx, req.viewer, req.params.id, req.query.scope, req.query.categoryId),
  });
}
