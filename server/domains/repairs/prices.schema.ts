import { z } from 'zod';
import { versionField } from '../../platform/http/common.ts';

export const PriceItem = z.object({
  id: z.string(),
  projectId: z.string().nullable().describe('null = 全公司通用'),
  category: z.string(),
  name: z.string(),
  unit: z.string(),
  priceFen: z.number().describe('单价（分）'),
  note: z.string(),
  sort: z.number(),
  active: z.boolean(),
  version: z.number(),
});
export const PriceItemCreate = z.object({
  projectId: z.string().min(1).max(64).nullable(),
  category: z.string().trim().min(1, '请填写类别').max(40).describe('类别'),
  name: z.string().trim().min(1, '请填写项目名称').max(80).describe('项目名称'),
  unit: z.string().trim().min(1).max(10).default('次').describe('计价单位'),
  priceFen: z.number().int().min(0, '价格不能为负').max(10_000_000).describe('单价（分）'),
  note: z.string().trim().max(200).default(''),
  sort: z.number().int().min(0).max(999).default(0),
});
export const PriceItemPatch = z.object({
  version: versionField,
  category: z.string().trim().min(1).max(40).optional(),
  name: z.string().trim().min(1).max(80).optional(),
  unit: z.string().trim().min(1).max(10).optional(),
  priceFen: z.number().int().min(0, '价格不能为负').max(10_000_000).optional(),
  note: z.string().trim().max(200).optional(),
  sort: z.number().int().min(0).max(999).optional(),
  active: z.boolean().optional().describe('停用后不再用于新报价，已有报价不受影响'),
});

export const WarrantyOut = z.object({
  paid: z.boolean().describe('按规则是否应收费'),
  inWarranty: z.boolean(),
  warrantyEnds: z.string().nullable(),
  reason: z.string(),
  handoverDate: z.string().nullable(),
});
