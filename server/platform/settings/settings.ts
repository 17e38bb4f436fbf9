import type { Db, Tx } from '../db/index.ts';

/**
 * Every number the source documents give (10 minutes, 24 hours, 20 %, …) is a default
 * an administrator can change for the company or for one project. A project value wins
 * over the company value, which wins over the default in code.
 */
export async function getSetting<T>(db: Db | Tx, key: string, projectId: string | null, fallback: T): Promise<T> {
  const scopes = projectId ? [projectId, 'company'] : ['company'];
  const rows = await db.selectFrom('settings').select(['scope', 'value']).where('key', '=', key).where('scope', 'in', scopes).execute();
  const own = rows.find((r) => r.scope === projectId) ?? rows.find((r) => r.scope === 'company');
  if (!own) return fallback;
  const value = JSON.parse(own.value) as T;
  // Objects merge over the default so a stored partial override keeps the other fields.
  if (fallback && typeof fallback === 'object' && !Array.isArray(fallback) && value && typeof value === 'object') {
    return { ...fallback, ...value };
  }
  return value;
}

export async function putSetting(db: Db | Tx, key: string, scope: string, value: unknown, now: number): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, scope, value: JSON.stringify(value), updated_at: now, version: 1 })
    .onConflict((oc) =>
      oc
        .columns(['key', 'scope'])
        .doUpdateSet((eb) => ({ value: JSON.stringify(value), updated_at: now, version: eb('settings.version', '+', 1) })),
    )
    .execute();
}
