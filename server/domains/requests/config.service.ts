import { sql } from 'kysely';
import type { z } from 'zod';
import { actorOf, type Viewer } from '../../platform/auth/viewer.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Db, Dialect } from '../../platform/db/index.ts';
import type { DeadlineRule } from '../../platform/deadlines/deadlines.ts';
import { fieldError, notFound } from '../../platform/http/errors.ts';
import { newId } from '../../platform/ids.ts';
import { getSetting, putSetting } from '../../platform/settings/settings.ts';
import { casUpdate, diff, write } from '../../platform/write.ts';
import type { CategoryCreate, CategoryPatch, PhraseCreate, PhrasePatch } from './config.schema.ts';
import { DEFAULT_CATEGORIES, DEFAULT_PHRASES } from './defaults.ts';
import { deadlineRules, mergeRules } from './requests.service.ts';
import { DEADLINE_LABEL, DEFAULT_RULES, type Kind } from './requests.workflow.ts';

/** Fills the category trees and the phrase library on a new installation; later runs change nothing. */
export async function ensureIntakeDefaults(db: Db, dialect: Dialect, now: number): Promise<void> {
  const hasCat = await db.selectFrom('categories').select('id').limit(1).executeTakeFirst();
  const hasPhrase = await db.selectFrom('phrases').select('id').limit(1).executeTakeFirst();
  if (hasCat && hasPhrase) return;
  await db.transaction().execute(async (tx) => {
    // Nodes starting together on one PostgreSQL: one fills the defaults, the others then find them.
    if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext('wuye.defaults'))`.execute(tx);
    const stamp = { created_at: now, updated_at: now, version: 1, active: 1 };
    const hasCat = await tx.selectFrom('categories').select('id').limit(1).executeTakeFirst();
    const hasPhrase = await tx.selectFrom('phrases').select('id').limit(1).executeTakeFirst();
    if (!hasCat) {
      for (const [kind, tree] of Object.entries(DEFAULT_CATEGORIES)) {
        let i = 0;
        for (const [parent, children] of tree) {
          const pid = newId(now);
          await tx
            .insertInto('categories')
            .values({ id: pid, kind, parent_id: null, name: parent, sort: i++, ...stamp })
            .execute();
          await tx
            .insertInto('categories')
            .values(children.map((name, j) => ({ id: newId(now), kind, parent_id: pid, name, sort: j, ...stamp })))
            .execute();
        }
      }
    }
    if (!hasPhrase) {
      await tx
        .insertInto('phrases')
        .values(DEFAULT_PHRASES.map((p, i) => ({ id: newId(now), scenario: p.scenario, title: p.title, text: p.text, sort: i, ...stamp })))
        .execute();
    }
  });
}

export async function listCategories(ctx: AppContext, kind?: Kind, includeInactive = false) {
  let q = ctx.db.selectFrom('categories').selectAll().orderBy('kind').orderBy('sort').orderBy('name');
  if (kind) q = q.where('kind', '=', kind);
  if (!includeInactive) q = q.where('active', '=', 1);
  const rows = await q.execute();
  return rows.map((c) => ({
    id: c.id,
    kind: c.kind as Kind,
    parentId: c.parent_id,
    name: c.name,
    sort: c.sort,
    active: c.active === 1,
    version: c.version,
  }));
}

async function getCategory(ctx: AppContext, id: string) {
  const c = (await listCategories(ctx, undefined, true)).find((x) => x.id === id);
  if (!c) throw notFound('分类');
  return c;
}

export async function createCategory(ctx: AppContext, viewer: Viewer, input: z.infer<typeof CategoryCreate>) {
  if (input.parentId) {
    const p = await ctx.db.selectFrom('categories').select(['kind', 'parent_id']).where('id', '=', input.parentId).executeTakeFirst();
    if (!p || p.kind !== input.kind) throw fieldError('parentId', '上级分类不存在或类型不同');
    if (p.parent_id) throw fieldError('parentId', '分类最多两级');
  }
  const id = await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    const row = {
      id: newId(now),
      kind: input.kind,
      parent_id: input.parentId ?? null,
      name: input.name,
      sort: input.sort,
      active: 1,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await tx.insertInto('categories').values(row).execute();
    await audit({ action: 'category.created', entity: 'category', entityId: row.id, after: input });
    return row.id;
  });
  return getCategory(ctx, id);
}

export async function patchCategory(ctx: AppContext, viewer: Viewer, id: string, input: z.infer<typeof CategoryPatch>) {
  const before = await getCategory(ctx, id);
  const { version, active, ...rest } = input;
  const set: Record<string, unknown> = { ...rest };
  if (active !== undefined) set.active = active ? 1 : 0;
  const d = diff(before, { ...rest, active });
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    await casUpdate(tx, 'categories', id, version, set, now, '分类');
    if (d.changed) await audit({ action: 'category.updated', entity: 'category', entityId: id, before: d.before, after: d.after });
  });
  return getCategory(ctx, id);
}

export async function listPhrases(ctx: AppContext, scenario?: string, includeInactive = false) {
  let q = ctx.db.selectFrom('phrases').selectAll().orderBy('sort');
  if (!includeInactive) q = q.where('active', '=', 1);
  if (scenario) q = q.where('scenario', '=', scenario);
  const rows = await q.execute();
  return rows.map((p) => ({
    id: p.id,
    scenario: p.scenario,
    title: p.title,
    text: p.text,
    sort: p.sort,
    active: p.active === 1,
    version: p.version,
  }));
}

async function getPhrase(ctx: AppContext, id: string) {
  const p = await ctx.db.selectFrom('phrases').selectAll().where('id', '=', id).executeTakeFirst();
  if (!p) throw notFound('礼貌用语');
  return { id: p.id, scenario: p.scenario, title: p.title, text: p.text, sort: p.sort, active: p.active === 1, version: p.version };
}

export async function createPhrase(ctx: AppContext, viewer: Viewer, input: z.infer<typeof PhraseCreate>) {
  const id = await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    const row = { id: newId(now), ...input, active: 1, created_at: now, updated_at: now, version: 1 };
    await tx.insertInto('phrases').values(row).execute();
    await audit({ action: 'phrase.created', entity: 'phrase', entityId: row.id, after: input });
    return row.id;
  });
  return getPhrase(ctx, id);
}

export async function patchPhrase(ctx: AppContext, viewer: Viewer, id: string, input: z.infer<typeof PhrasePatch>) {
  const before = await getPhrase(ctx, id);
  const { version, active, ...rest } = input;
  const set: Record<string, unknown> = { ...rest };
  if (active !== undefined) set.active = active ? 1 : 0;
  const d = diff(before, rest);
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    await casUpdate(tx, 'phrases', id, version, set, now, '礼貌用语');
    if (d.changed || active !== undefined)
      await audit({ action: 'phrase.updated', entity: 'phrase', entityId: id, before: d.before, after: { ...d.after, active } });
  });
  return getPhrase(ctx, id);
}

export async function getDeadlineRules(ctx: AppContext, projectId: string) {
  const rules = await deadlineRules(ctx.db, projectId);
  return Object.entries(rules).map(([kind, r]) => ({ kind, label: DEADLINE_LABEL[kind] ?? kind, ...r }));
}

/** A rule must say how long, in a way its basis can count: calendar minutes, or working minutes or days. */
const PROMISE_KINDS = new Set(['inquiry.answer', 'complaint.promise', 'complaint.completion']);

export function ruleProblem(kind: string, rule: Partial<DeadlineRule>): string | null {
  if (rule.minutes !== undefined && rule.workingDays !== undefined) return '时长只能填写分钟数或工作日数其中一项';
  if (rule.basis === 'calendar' && rule.workingDays !== undefined) return '按自然时间计时的规则须以分钟填写时长';
  // The promise rules take their due time from the promise itself.
  if (!PROMISE_KINDS.has(kind) && rule.minutes === undefined && rule.workingDays === undefined) return '请填写时长';
  return null;
}

export async function putDeadlineRules(ctx: AppContext, viewer: Viewer, scope: string, rules: Record<string, Partial<DeadlineRule>>) {
  for (const [k, rule] of Object.entries(rules)) {
    if (!(k in DEADLINE_LABEL)) throw fieldError(`rules.${k}`, `未知的时限 ${k}`);
    // A partial override may leave the duration to the layer below; anything else it says must hold.
    const own = ruleProblem(k, rule);
    if (own && own !== '请填写时长') throw fieldError(`rules.${k}`, own);
  }
  // What matters is the rule in force after merging over the defaults (and, for a project, the company's).
  const base = scope === 'company' ? DEFAULT_RULES : await companyRules(ctx);
  const merged = mergeRules(base, rules);
  for (const k of Object.keys(rules)) {
    const problem = ruleProblem(k, merged[k] as DeadlineRule);
    if (problem) throw fieldError(`rules.${k}`, problem);
  }
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    await putSetting(tx, 'deadline.rules', scope, rules, now);
    await audit({ action: 'settings.deadline_rules', entity: 'settings', entityId: scope, after: rules });
  });
}

async function companyRules(ctx: AppContext) {
  return mergeRules(DEFAULT_RULES, await getSetting<Record<string, Partial<DeadlineRule>>>(ctx.db, 'deadline.rules', null, {}));
}
