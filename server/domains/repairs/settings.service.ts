import { actorOf, inProject, type Viewer } from '../../platform/auth/viewer.ts';
import type { AppContext } from '../../platform/context.ts';
import { fieldError, forbidden, notFound } from '../../platform/http/errors.ts';
import { getSetting, putSetting } from '../../platform/settings/settings.ts';
import { write } from '../../platform/write.ts';
import { AFTERCARE_SETTING, type AftercareRules, aftercareRules, DEFAULT_AFTERCARE } from './aftercare.ts';
import type { RepairSettingsPut } from './settings.schema.ts';
import { DEFAULT_WARRANTY, type WarrantyRules } from './warranty.ts';

const WARRANTY_SETTING = 'repair.warranty';

/** The warranty and aftercare rules in force for a project (project over company over defaults), or for the company. */
export async function getRepairSettings(ctx: AppContext, viewer: Viewer, projectId: string | null) {
  if (projectId !== null && !inProject(viewer, projectId)) throw notFound('项目');
  return {
    scope: projectId ?? 'company',
    warranty: await getSetting<WarrantyRules>(ctx.db, WARRANTY_SETTING, projectId, DEFAULT_WARRANTY),
    aftercare: projectId
      ? await aftercareRules(ctx.db, projectId)
      : await getSetting<AftercareRules>(ctx.db, AFTERCARE_SETTING, null, DEFAULT_AFTERCARE),
  };
}

/** Sets a project's (or the company's) repair rules; category names must be repair categories. */
export async function putRepairSettings(ctx: AppContext, viewer: Viewer, input: RepairSettingsPut) {
  const { projectId } = input;
  if (projectId === null ? viewer.projectIds !== null : !inProject(viewer, projectId)) throw forbidden('只能设置自己所属项目的维修规则');
  if (projectId !== null && !(await ctx.db.selectFrom('projects').select('id').where('id', '=', projectId).executeTakeFirst()))
    throw fieldError('projectId', '项目不存在');
  const names = new Set((await ctx.db.selectFrom('categories').select('name').where('kind', '=', 'repair').execute()).map((c) => c.name));
  for (const name of Object.keys(input.warranty?.years ?? {}))
    if (!names.has(name)) throw fieldError('warranty.years', `没有名为“${name}”的维修类别`);
  for (const name of input.aftercare?.majorDefects ?? [])
    if (!names.has(name)) throw fieldError('aftercare.majorDefects', `没有名为“${name}”的维修类别`);
  const scope = projectId ?? 'company';
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    if (input.warranty) {
      await putSetting(tx, WARRANTY_SETTING, scope, input.warranty, now);
      await audit({ action: 'settings.repair_warranty', entity: 'settings', entityId: scope, after: input.warranty });
    }
    if (input.aftercare) {
      await putSetting(tx, AFTERCARE_SETTING, scope, input.aftercare, now);
      await audit({ action: 'settings.repair_aftercare', entity: 'settings', entityId: scope, after: input.aftercare });
    }
  });
  return getRepairSettings(ctx, viewer, projectId);
}
