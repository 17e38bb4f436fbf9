import type { Tx } from '../../platform/db/index.ts';
import { KIND_PREFIX, type Kind } from './requests.workflow.ts';

/** YYMM of the China-local month of an instant. */
export function period(now: number): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(2, 7).replace('-', '');
}

/**
 * Allocates `BX-2611-0042`: an upsert on the (project, prefix, month) counter row, in the
 * intake transaction. The row lock serialises concurrent intakes, so numbers never repeat,
 * and a rolled-back intake gives its number back.
 */
export async function nextNumber(tx: Tx, projectId: string, kind: Kind, now: number): Promise<string> {
  return nextSerial(tx, projectId, KIND_PREFIX[kind], now);
}

/** The same per-project monthly series for registers beside the requests (FX release slips, SJ incidents, …). */
export async function nextSerial(tx: Tx, projectId: string, prefix: string, now: number): Promise<string> {
  const p = period(now);
  const row = await tx
    .insertInto('request_counters')
    .values({ project_id: projectId, prefix, period: p, last: 1 })
    .onConflict((oc) => oc.columns(['project_id', 'prefix', 'period']).doUpdateSet((eb) => ({ last: eb('request_counters.last', '+', 1) })))
    .returning('last')
    .executeTakeFirstOrThrow();
  return `${prefix}-${p}-${String(row.last).padStart(4, '0')}`;
}
