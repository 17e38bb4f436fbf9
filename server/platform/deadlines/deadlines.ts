import type { Selectable } from 'kysely';
import { calendarConfig } from '../calendar/calendar.service.ts';
import { addWorkingDays, addWorkingMs, workingMsBetween } from '../calendar/calendar.ts';
import { DEADLINE_COLUMNS } from '../db/columns.ts';
import type { Db, Tx } from '../db/index.ts';
import type { DeadlineTable } from '../db/types.ts';
import { ruleViolated } from '../http/errors.ts';
import { newId } from '../ids.ts';

export type Deadline = Selectable<DeadlineTable>;

/** The queues sort by next_due_at; a request without a running deadline sorts last. */
export const NO_DUE = 8_640_000_000_000_000;

/**
 * How a promise is timed. `calendar` counts every minute; `working` counts only business
 * hours of working days (the project's calendar), in minutes or in whole working days.
 */
export interface DeadlineRule {
  basis: 'calendar' | 'working';
  minutes?: number;
  workingDays?: number;
  /** Warn this long before the due time. */
  warnLeadMinutes: number;
  /** After a breach, escalate to the manager this much later. */
  escalateAfterMinutes: number;
}

/** Which instant the sweeper must look at next: warning, then breach, then escalation. */
export function nextCheck(
  d: Pick<Deadline, 'status' | 'due_at' | 'warn_lead_ms' | 'escalate_after_ms' | 'warned_at' | 'breached_at' | 'escalated_at'>,
): number | null {
  if (d.status !== 'running') return null;
  if (d.breached_at === null) return d.warned_at === null ? d.due_at - d.warn_lead_ms : d.due_at;
  if (d.escalated_at === null) return d.due_at + d.escalate_after_ms;
  return null;
}

async function dueFrom(tx: Db | Tx, projectId: string, basis: 'calendar' | 'working', from: number, rule: DeadlineRule): Promise<number> {
  if (basis === 'calendar') return from + (rule.minutes ?? 0) * 60_000;
  const cfg = await calendarConfig(tx, projectId);
  return rule.workingDays !== undefined
    ? addWorkingDays(from, rule.workingDays, cfg)
    : addWorkingMs(from, (rule.minutes ?? 0) * 60_000, cfg);
}

export interface StartDeadline {
  requestId: string;
  projectId: string;
  kind: string;
  rule: DeadlineRule;
  /** A promised instant (e.g. "we will answer by 15:00") instead of the rule's duration. */
  dueAt?: number;
  responsibleId?: string | null;
}

export async function startDeadline(tx: Tx, input: StartDeadline, now: number): Promise<Deadline> {
  const row = await planDeadline(tx, input, now);
  await tx.insertInto('deadlines').values(row).execute();
  return row;
}

/** The row a deadline starts as, for callers that write it themselves (the intake writes them with its other rows). */
export async function planDeadline(tx: Db | Tx, input: StartDeadline, now: number): Promise<Deadline> {
  const due = input.dueAt ?? (await dueFrom(tx, input.projectId, input.rule.basis, now, input.rule));
  const row: Deadline = {
    id: newId(now),
    request_id: input.requestId,
    project_id: input.projectId,
    kind: input.kind,
    basis: input.rule.basis,
    status: 'running',
    started_at: now,
    due_at: due,
    warn_lead_ms: input.rule.warnLeadMinutes * 60_000,
    escalate_after_ms: input.rule.escalateAfterMinutes * 60_000,
    next_check_at: null,
    warned_at: null,
    breached_at: null,
    escalated_at: null,
    met_at: null,
    paused_at: null,
    paused_ms: 0,
    remaining_ms: null,
    pause_reason: '',
    extensions: 0,
    responsible_id: input.responsibleId ?? null,
    created_at: now,
    version: 1,
  };
  row.next_check_at = nextCheck(row);
  return row;
}

export { DEADLINE_COLUMNS };

export function deadlineValues(d: Deadline): unknown[] {
  return DEADLINE_COLUMNS.map((c) => d[c]);
}

export function openDeadlines(tx: Tx, requestId: string) {
  return tx.selectFrom('deadlines').selectAll().where('request_id', '=', requestId).where('status', 'in', ['running', 'paused']).execute();
}

/** Marks the request's open deadlines of these kinds met. A met-late deadline keeps its breach. */
/**
 * A running deadline whose due time has passed is breached whether or not the sweeper has
 * looked at it yet: any step that ends or stops the clock records the breach first, at the
 * due time, so a late answer given between two sweeps is still counted as late.
 */
function lateBreach(d: Deadline, now: number): number | null {
  return d.breached_at ?? (d.status === 'running' && now >= d.due_at ? d.due_at : null);
}

export async function meetDeadlines(tx: Tx, requestId: string, kinds: string[], now: number): Promise<Deadline[]> {
  return meetOpen(
    tx,
    (await openDeadlines(tx, requestId)).filter((d) => kinds.includes(d.kind)),
    now,
  );
}

/** Meets one promise of a request where several of a kind may run at once (help asked of two departments). */
export async function meetDeadlineById(tx: Tx, requestId: string, id: string, now: number): Promise<Deadline[]> {
  return meetOpen(
    tx,
    (await openDeadlines(tx, requestId)).filter((d) => d.id === id),
    now,
  );
}

async function meetOpen(tx: Tx, open: Deadline[], now: number): Promise<Deadline[]> {
  for (const d of open) {
    await tx
      .updateTable('deadlines')
      .set({ status: 'met', met_at: now, breached_at: lateBreach(d, now), next_check_at: null, version: d.version + 1 })
      .where('id', '=', d.id)
      .execute();
  }
  return open;
}

/** Closing or reclassifying a request ends its promises; any breach stays recorded. */
export async function cancelDeadlines(tx: Tx, requestId: string, now: number, kinds?: string[]): Promise<Deadline[]> {
  const open = (await openDeadlines(tx, requestId)).filter((d) => !kinds || kinds.includes(d.kind));
  for (const d of open) {
    await tx
      .updateTable('deadlines')
      .set({ status: 'cancelled', met_at: null, breached_at: lateBreach(d, now), next_check_at: null, version: d.version + 1 })
      .where('id', '=', d.id)
      .execute();
  }
  return open;
}

/** Waiting on the resident (R-SLA-3): the clock stops; the time left is kept in the rule's own units. */
export async function pauseDeadlines(tx: Tx, requestId: string, reason: string, now: number): Promise<Deadline[]> {
  const running = (await openDeadlines(tx, requestId)).filter((d) => d.status === 'running');
  if (running.length === 0) throw ruleViolated('该事项没有正在计时的时限，无需暂停');
  for (const d of running) {
    let remaining = Math.max(0, d.due_at - now);
    if (d.basis === 'working' && remaining > 0) remaining = workingMsBetween(now, d.due_at, await calendarConfig(tx, d.project_id));
    await tx
      .updateTable('deadlines')
      .set({
        status: 'paused',
        paused_at: now,
        remaining_ms: remaining,
        pause_reason: reason,
        breached_at: lateBreach(d, now),
        next_check_at: null,
        version: d.version + 1,
      })
      .where('id', '=', d.id)
      .execute();
  }
  return running;
}

export async function resumeDeadlines(tx: Tx, requestId: string, now: number): Promise<Deadline[]> {
  const paused = (await openDeadlines(tx, requestId)).filter((d) => d.status === 'paused');
  if (paused.length === 0) throw ruleViolated('该事项的时限没有暂停');
  for (const d of paused) {
    const remaining = d.remaining_ms ?? 0;
    // A breached promise keeps its due time: waiting on the resident afterwards does not
    // make it punctual again, nor delay the escalation that is already owed.
    const due =
      d.breached_at !== null
        ? d.due_at
        : d.basis === 'working'
          ? addWorkingMs(now, remaining, await calendarConfig(tx, d.project_id))
          : now + remaining;
    const next = { ...d, status: 'running', due_at: due };
    await tx
      .updateTable('deadlines')
      .set({
        status: 'running',
        due_at: due,
        paused_at: null,
        remaining_ms: null,
        paused_ms: d.paused_ms + (now - (d.paused_at ?? now)),
        next_check_at: nextCheck(next),
        version: d.version + 1,
      })
      .where('id', '=', d.id)
      .execute();
  }
  return paused;
}

/**
 * R-SR-3: an extension needs a reason and proof the customer was told before the old due
 * time; once that time has passed the breach stands and cannot be extended away.
 */
export async function extendDeadline(
  tx: Tx,
  d: Deadline,
  input: { newDueAt: number; reason: string; customerToldAt: number },
  now: number,
): Promise<Deadline> {
  if (d.status !== 'running' && d.status !== 'paused') throw ruleViolated('该时限已结束，不能延期');
  // A paused deadline is re-timed from the time it had left when it resumes: a new due time set
  // now would be silently replaced then, so the clock must run again before it can be extended.
  if (d.status === 'paused') throw ruleViolated('计时已暂停，请先恢复计时再延期');
  if (d.breached_at !== null || now >= d.due_at) throw ruleViolated('已超过原定时限，不能再延期（超时记录不可更改）');
  if (input.customerToldAt > now) throw ruleViolated('告知客户的时间不能晚于现在');
  if (input.customerToldAt >= d.due_at) throw ruleViolated('须在原定时限之前告知客户');
  if (input.newDueAt <= d.due_at) throw ruleViolated('新的时限须晚于原定时限');
  const next = { ...d, due_at: input.newDueAt, warned_at: null };
  const updated: Deadline = { ...next, extensions: d.extensions + 1, next_check_at: nextCheck(next), version: d.version + 1 };
  await tx
    .updateTable('deadlines')
    .set({
      due_at: updated.due_at,
      warned_at: null,
      extensions: updated.extensions,
      next_check_at: updated.next_check_at,
      version: updated.version,
    })
    .where('id', '=', d.id)
    .execute();
  return updated;
}

/** Keeps the request's queue position in step with its deadlines. */
export async function refreshNextDue(tx: Tx, requestId: string): Promise<number> {
  const row = await tx
    .selectFrom('deadlines')
    .select((eb) => eb.fn.min<number>('due_at').as('due'))
    .where('request_id', '=', requestId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  const due = row?.due == null ? NO_DUE : Number(row.due);
  await tx.updateTable('requests').set({ next_due_at: due }).where('id', '=', requestId).execute();
  return due;
}

export type SweepStage = 'warned' | 'breached' | 'escalated';

export function stageAt(d: Deadline, now: number): SweepStage | null {
  if (d.status !== 'running') return null;
  if (d.breached_at === null && now >= d.due_at) return 'breached';
  if (d.breached_at === null && d.warned_at === null && now >= d.due_at - d.warn_lead_ms) return 'warned';
  if (d.breached_at !== null && d.escalated_at === null && now >= d.due_at + d.escalate_after_ms) return 'escalated';
  return null;
}

/**
 * Moves one deadline to its next stage with a compare-and-set on its version: of several
 * nodes sweeping at once exactly one wins, so each stage is recorded and notified once.
 */
export async function advanceStage(tx: Tx, d: Deadline, stage: SweepStage, now: number): Promise<Deadline | null> {
  const next = stagedRow(d, stage, now);
  const res = await tx
    .updateTable('deadlines')
    .set({
      warned_at: next.warned_at,
      breached_at: next.breached_at,
      escalated_at: next.escalated_at,
      next_check_at: next.next_check_at,
      version: next.version,
    })
    .where('id', '=', d.id)
    .where('version', '=', d.version)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1 ? next : null;
}

/** The row a deadline becomes at its next stage (written by `advanceStage`, or by the sweeper's pass in one go). */
export function stagedRow(d: Deadline, stage: SweepStage, now: number): Deadline {
  const next: Deadline = {
    ...d,
    warned_at: stage === 'warned' || stage === 'breached' ? (d.warned_at ?? now) : d.warned_at,
    // Recorded at the due time, not the sweep time: a breach belongs to the day and month it happened.
    breached_at: stage === 'breached' ? d.due_at : d.breached_at,
    escalated_at: stage === 'escalated' ? now : d.escalated_at,
    version: d.version + 1,
  };
  next.next_check_at = nextCheck(next);
  return next;
}

/** Only rows whose next check is due, read through the next_check_at index: never a scan. */
export function dueForSweep(tx: Db | Tx, now: number, limit: number) {
  return tx.selectFrom('deadlines').selectAll().where('next_check_at', '<=', now).orderBy('next_check_at').limit(limit).execute();
}
