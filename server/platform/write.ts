import { type Actor, type AuditInput, appendAudit } from './audit/audit.ts';
import type { AppContext } from './context.ts';
import type { Tx } from './db/index.ts';
import type { DB } from './db/types.ts';
import { conflict, notFound } from './http/errors.ts';

export type Audit = (input: AuditInput) => Promise<void>;

/**
 * One command = one transaction; the audit events it appends commit or roll back
 * with the change itself, so the trail never records a write that did not happen.
 */
export function write<T>(ctx: AppContext, actor: Actor, fn: (tx: Tx, audit: Audit, now: number) => Promise<T>): Promise<T> {
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const audit: Audit = async (input) => {
      await appendAudit(tx, ctx.dialect, actor, input, now);
    };
    return fn(tx, audit, now);
  });
}

type Versioned = { [K in keyof DB]: DB[K] extends { id: string; version: number; updated_at: number } ? K : never }[keyof DB];

/**
 * Compare-and-set on (id, version): of two people saving the same record, one wins and
 * the other gets 409 with the row as it is now.
 */
export async function casUpdate<T extends Versioned>(
  tx: Tx,
  table: T,
  id: string,
  version: number,
  set: Record<string, unknown>,
  now: number,
  what: string,
): Promise<void> {
  const res = await (tx as any)
    .updateTable(table)
    .set({ ...set, updated_at: now, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 1) return;
  const current = await (tx as any).selectFrom(table).selectAll().where('id', '=', id).executeTakeFirst();
  if (!current) throw notFound(what);
  throw conflict(`${what}已被他人修改（当前版本 ${current.version}），请刷新后重试`, { version: current.version });
}

/** Only the fields that changed, for compact before/after audit entries. */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>) {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const k of Object.keys(after)) {
    if (after[k] === undefined) continue;
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) {
      b[k] = before[k];
      a[k] = after[k];
    }
  }
  return { before: b, after: a, changed: Object.keys(a).length > 0 };
}
