import { inProject, type Viewer } from '../../platform/auth/viewer.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { fieldError } from '../../platform/http/errors.ts';
import type { Audit } from '../../platform/write.ts';

/**
 * The handling record of an incident or an emergency: steps are appended, never changed; a
 * correction is a new step naming the one it corrects. Each record numbers its own steps with a
 * counter on its row, advanced by the caller in the UPDATE that also refuses a closed record.
 */
export interface StepInput {
  text: string;
  correctsN?: number;
}

interface StepRow {
  n: number;
  at: number;
  actor_name: string;
  text: string;
  corrects_n: number | null;
}

const OWNER = {
  incident: { table: 'incident_steps', key: 'incident_id' },
  emergency: { table: 'emergency_steps', key: 'emergency_id' },
} as const;

/** A correction must point at a step that exists. */
export function checkCorrects(input: StepInput, stepCount: number) {
  if (input.correctsN !== undefined && input.correctsN > stepCount) throw fieldError('correctsN', `没有第 ${input.correctsN} 条记录`);
}

/** Writes step `n` of the record and its audit event, in the caller's transaction. */
export async function appendStep(
  tx: Tx,
  audit: Audit,
  viewer: Viewer,
  now: number,
  owner: keyof typeof OWNER,
  id: string,
  n: number,
  input: StepInput,
) {
  const { table, key } = OWNER[owner];
  const step = { n, at: now, actor_id: viewer.userId, actor_name: viewer.name, text: input.text, corrects_n: input.correctsN ?? null };
  await (tx as Tx)
    .insertInto(table)
    .values({ ...step, [key]: id } as never)
    .execute();
  await audit({ action: `${owner}.step_added`, entity: owner, entityId: id, after: { n, text: step.text, correctsN: step.corrects_n } });
}

export function presentStep(s: StepRow) {
  return { n: s.n, at: s.at, actorName: s.actor_name, text: s.text, correctsN: s.corrects_n };
}

/** A little ahead of the server's clock is the person's watch, not the future. */
const CLOCK_SKEW_MS = 60_000;

/**
 * The project a new record is logged in, and when it happened (now when not given): never in
 * the future, never before the record's window (`days`), refused naming `field`.
 */
export async function recordStart(ctx: AppContext, viewer: Viewer, projectId: string, field: string, at: number | undefined, days: number) {
  if (!inProject(viewer, projectId)) throw fieldError('projectId', '项目不存在');
  const project = await ctx.db.selectFrom('projects').select(['id', 'name']).where('id', '=', projectId).executeTakeFirst();
  if (!project) throw fieldError('projectId', '项目不存在');
  const now = ctx.clock.now();
  const happened = at ?? now;
  if (happened > now + CLOCK_SKEW_MS) throw fieldError(field, '发生时间不能晚于现在');
  if (happened < now - days * 86_400_000) throw fieldError(field, `发生时间不能早于 ${days} 天前`);
  return { project, happened };
}
