import { createHash, randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Actor } from '../../platform/audit/audit.ts';
import { addDays, localDateTime, toLocalDate } from '../../platform/calendar/calendar.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Db, Tx } from '../../platform/db/index.ts';
import type { RequestTable } from '../../platform/db/types.ts';
import { conflict } from '../../platform/http/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { LiveEvent } from '../../platform/live/live.ts';
import { getSetting } from '../../platform/settings/settings.ts';

/**
 * After the work (R-RP-6…8): the resident's rating, rework orders, follow-up visits for
 * major defects, and the settings behind the weekly callbacks. The source: “公司專人每周對各管理處
 * 維修派工單抽樣20%進行電話回訪。對房屋大的缺陷(如屋面洗手間漏水、外墻開裂等)維修后…由管理處派專人
 * 上門定期檢查回訪…如收到客戶對維修后仍存在缺陷的投訴時,應立即派人返修,並在24小時內進行特殊回訪。”
 */
export interface AftercareRules {
  /** Share of last week's completed orders drawn for a phone callback, per project. */
  ratePct: number;
  /** Repair categories (by name) whose orders get on-site follow-up visits until closed. */
  majorDefects: string[];
  /** Days from completion to the first follow-up, then between later ones (the last value repeats). */
  followUpDays: number[];
  /** Working days the service center has for a weekly callback task. */
  weeklyDueWorkingDays: number;
}

export const DEFAULT_AFTERCARE: AftercareRules = {
  ratePct: 20,
  majorDefects: ['屋面渗漏', '洗手间漏水', '外墙开裂'],
  followUpDays: [7, 30],
  weeklyDueWorkingDays: 3,
};

export const AFTERCARE_SETTING = 'repair.aftercare';

export function aftercareRules(db: Db | Tx, projectId: string): Promise<AftercareRules> {
  return getSetting(db, AFTERCARE_SETTING, projectId, DEFAULT_AFTERCARE);
}

const DAY = 86_400_000;
type RequestRow = Selectable<RequestTable>;

/** Orders that can be rated: the work is done. */
export const RATEABLE = ['completed', 'signed', 'awaiting_confirmation', 'archived'];

export interface Rating {
  overall: number;
  speed: number;
  attitude: number;
  comment?: string;
}

/** Stores the resident's rating once; a second one is a conflict (history is never overwritten). */
export async function recordRating(tx: Tx, requestId: string, r: Rating, via: string, now: number): Promise<void> {
  const res = await tx
    .updateTable('request_repair')
    .set({
      rating_overall: r.overall,
      rating_speed: r.speed,
      rating_attitude: r.attitude,
      rating_comment: r.comment ?? '',
      rated_at: now,
      rated_via: via,
    })
    .where('request_id', '=', requestId)
    .where('rated_at', 'is', null)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw conflict('该工单已评价，不能重复评价');
}

/**
 * A completed order of a major-defect category gets its first follow-up visit scheduled.
 * Returns the visit's due time, or null when the category is not on the list.
 */
export async function scheduleFollowUp(tx: Tx, row: RequestRow, now: number): Promise<number | null> {
  if (!row.category_id) return null;
  const cat = await tx.selectFrom('categories').select('name').where('id', '=', row.category_id).executeTakeFirst();
  const rules = await aftercareRules(tx, row.project_id);
  if (!cat || !rules.majorDefects.includes(cat.name)) return null;
  const pending = await tx
    .selectFrom('callbacks')
    .select('id')
    .where('request_id', '=', row.id)
    .where('kind', '=', 'follow_up')
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (pending) return null;
  const due = now + (rules.followUpDays[0] ?? 7) * DAY;
  await insertCallback(tx, { projectId: row.project_id, requestId: row.id, kind: 'follow_up', seq: 1, dueAt: due, drawId: null }, now);
  return due;
}

/** The next follow-up after visit `seq` found the defect still under observation. */
export async function scheduleNextFollowUp(tx: Tx, projectId: string, requestId: string, seq: number, now: number): Promise<number> {
  const rules = await aftercareRules(tx, projectId);
  const days = rules.followUpDays[Math.min(seq, rules.followUpDays.length - 1)] ?? 30;
  const due = now + days * DAY;
  await insertCallback(tx, { projectId, requestId, kind: 'follow_up', seq: seq + 1, dueAt: due, drawId: null }, now);
  return due;
}

export async function insertCallback(
  tx: Tx,
  c: { projectId: string; requestId: string; kind: 'weekly' | 'rework' | 'follow_up'; seq: number; dueAt: number; drawId: string | null },
  now: number,
): Promise<string> {
  const id = newId(now);
  await tx
    .insertInto('callbacks')
    .values({
      id,
      project_id: c.projectId,
      request_id: c.requestId,
      kind: c.kind,
      draw_id: c.drawId,
      seq: c.seq,
      due_at: c.dueAt,
      status: 'pending',
      method: null,
      outcome: null,
      satisfaction: null,
      note: '',
      done_by: null,
      done_at: null,
      created_at: now,
      version: 1,
    })
    .execute();
  return id;
}

/**
 * R-RP-8: the defect is still there. A rework order linked to the original is created at
 * once, straight to dispatch (no new assessment: rework is free), with the 10-minute answer
 * and a special callback due within 24 hours (deadline `repair.callback`, a setting).
 */
export async function createRework(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  createdBy: string | null,
  live: LiveEvent[],
  now: number,
  original: RequestRow,
  reason: string,
  channel: string,
): Promise<{ id: string; number: string }> {
  // Imported here: the request service imports the workflow, which imports this module.
  const { insertRequest } = await import('../requests/requests.service.ts');
  const rep = await tx.selectFrom('request_repair').select(['scope']).where('request_id', '=', original.id).executeTakeFirst();
  const row = await insertRequest(ctx, tx, actor, createdBy, live, now, {
    projectId: original.project_id,
    kind: 'repair',
    channel,
    requesterPersonId: original.requester_person_id,
    requesterName: original.requester_name,
    requesterPhone: original.requester_phone,
    unitId: original.unit_id,
    location: original.location,
    content: `返修（原单 ${original.number}）：${reason}`,
    categoryId: original.category_id,
    urgency: 'urgent',
    preferredTime: original.preferred_time,
    departmentId: original.department_id,
    repairScope: (rep?.scope as 'in_unit' | 'common' | undefined) ?? 'in_unit',
    photoIds: [],
    status: 'to_dispatch',
    repair: { rework_of: original.id, assessment: `返修（原单 ${original.number}），不收费` },
    extraDeadlines: ['repair.callback'],
    eventData: { reworkOf: original.number, reason },
  });
  const d = await tx
    .selectFrom('deadlines')
    .select('due_at')
    .where('request_id', '=', row.id)
    .where('kind', '=', 'repair.callback')
    .executeTakeFirstOrThrow();
  await insertCallback(tx, { projectId: row.project_id, requestId: row.id, kind: 'rework', seq: 1, dueAt: d.due_at, drawId: null }, now);
  return { id: row.id, number: row.number };
}

// ---------- the weekly draw ----------

/** Monday (China-local date) of the week before the one `now` falls in, and that week's bounds. */
export function previousWeek(now: number): { week: string; from: number; to: number } {
  const today = toLocalDate(now);
  const dow = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thisMonday = addDays(today, -dow);
  const week = addDays(thisMonday, -7);
  return { week, from: localDateTime(week, '00:00'), to: localDateTime(thisMonday, '00:00') };
}

/** Bounds of the week starting on Monday `week`. */
export function weekBounds(week: string): { from: number; to: number } {
  return { from: localDateTime(week, '00:00'), to: localDateTime(addDays(week, 7), '00:00') };
}

/**
 * The draw itself, reproducible from what is stored: each candidate's key is
 * sha256(seed:id), the lowest keys win, and the sample is ⌈rate × population⌉ (at least one
 * when there is any). Anyone holding the seed and the population gets the same list.
 */
export function drawSample(seed: string, population: string[], ratePct: number): string[] {
  if (!population.length || ratePct <= 0) return [];
  const n = Math.min(population.length, Math.max(1, Math.ceil((population.length * ratePct) / 100)));
  return population
    .map((id) => ({ id, key: createHash('sha256').update(`${seed}:${id}`).digest('hex') }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, n)
    .map((x) => x.id);
}

export function newSeed(): string {
  return randomBytes(16).toString('hex');
}
