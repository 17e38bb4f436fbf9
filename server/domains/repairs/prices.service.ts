import type { z } from 'zod';
import { actorOf, inProject, type Viewer } from '../../platform/auth/viewer.ts';
import { toLocalDate } from '../../platform/calendar/calendar.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/index.ts';
import { fieldError, forbidden, notFound } from '../../platform/http/errors.ts';
import { newId } from '../../platform/ids.ts';
import { getSetting } from '../../platform/settings/settings.ts';
import { casUpdate, diff, write } from '../../platform/write.ts';
import type { PriceItemCreate, PriceItemPatch } from './prices.schema.ts';
import { assessWarranty, DEFAULT_WARRANTY, type WarrantyRules } from './warranty.ts';

type Row = {
  id: string;
  project_id: string | null;
  category: string;
  name: string;
  unit: string;
  price_fen: number;
  note: string;
  sort: number;
  active: number;
  version: number;
};

const present = (r: Row) => ({
  id: r.id,
  projectId: r.project_id,
  category: r.category,
  name: r.name,
  unit: r.unit,
  priceFen: r.price_fen,
  note: r.note,
  sort: r.sort,
  active: r.active === 1,
  version: r.version,
});

/** A project's price list: its own items plus the company's (收费标准明示). */
export async function listPriceItems(ctx: AppContext, viewer: Viewer, projectId: string, includeInactive = false) {
  if (!inProject(viewer, projectId)) throw notFound('项目');
  let q = ctx.db
    .selectFrom('price_items')
    .selectAll()
    .where((eb) => eb.or([eb('project_id', 'is', null), eb('project_id', '=', projectId)]))
    .orderBy('category')
    .orderBy('sort')
    .orderBy('name');
  if (!includeInactive) q = q.where('active', '=', 1);
  return (await q.execute()).map(present);
}

async function getItem(ctx: AppContext, viewer: Viewer, id: string) {
  const r = await ctx.db.selectFrom('price_items').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r || (r.project_id !== null && !inProject(viewer, r.project_id))) throw notFound('收费项目');
  return r;
}

function checkScope(viewer: Viewer, projectId: string | null) {
  if (projectId === null ? viewer.projectIds !== null : !inProject(viewer, projectId)) throw forbidden('只能维护自己所属项目的收费标准');
}

export async function createPriceItem(ctx: AppContext, viewer: Viewer, input: z.infer<typeof PriceItemCreate>) {
  checkScope(viewer, input.projectId);
  if (input.projectId && !(await ctx.db.selectFrom('projects').select('id').where('id', '=', input.projectId).executeTakeFirst())) {
    throw fieldError('projectId', '项目不存在');
  }
  const id = await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    const row = {
      id: newId(now),
      project_id: input.projectId,
      category: input.category,
      name: input.name,
      unit: input.unit,
      price_fen: input.priceFen,
      note: input.note,
      sort: input.sort,
      active: 1,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await tx.insertInto('price_items').values(row).execute();
    await audit({ action: 'price_item.created', entity: 'price_item', entityId: row.id, after: input });
    return row.id;
  });
  return present(await getItem(ctx, viewer, id));
}

export async function patchPriceItem(ctx: AppContext, viewer: Viewer, id: string, input: z.infer<typeof PriceItemPatch>) {
  const before = await getItem(ctx, viewer, id);
  checkScope(viewer, before.project_id);
  const { version, priceFen, active, ...rest } = input;
  const set: Record<string, unknown> = { ...rest };
  if (priceFen !== undefined) set.price_fen = priceFen;
  if (active !== undefined) set.active = active ? 1 : 0;
  const d = diff(present(before), { ...rest, priceFen, active });
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    await casUpdate(tx, 'price_items', id, version, set, now, '收费项目');
    if (d.changed) await audit({ action: 'price_item.updated', entity: 'price_item', entityId: id, before: d.before, after: d.after });
  });
  return present(await getItem(ctx, viewer, id));
}

export async function warrantyRules(db: Db, projectId: string): Promise<WarrantyRules> {
  return getSetting<WarrantyRules>(db, 'repair.warranty', projectId, DEFAULT_WARRANTY);
}

/** What the rules say for a repair of this category in this unit today. */
export async function unitWarranty(ctx: AppContext, viewer: Viewer, unitId: string, scope: 'in_unit' | 'common', categoryId?: string) {
  const unit = await ctx.db.selectFrom('units').select(['id', 'project_id', 'handover_date']).where('id', '=', unitId).executeTakeFirst();
  if (!unit || !inProject(viewer, unit.project_id)) throw notFound('房屋');
  let categoryName: string | null = null;
  if (categoryId) {
    const c = await ctx.db.selectFrom('categories').select(['name', 'kind']).where('id', '=', categoryId).executeTakeFirst();
    if (!c || c.kind !== 'repair') throw fieldError('categoryId', '维修分类不存在');
    categoryName = c.name;
  }
  const result = assessWarranty(
    { scope, categoryName, handoverDate: unit.handover_date, today: toLocalDate(ctx.clock.now()) },
    await warrantyRules(ctx.db, unit.project_id),
  );
  return { ...result, handoverDate: unit.handover_date };
}
