import { type Selectable, sql } from 'kysely';
import { maskPhone } from '../../platform/access/mask.ts';
import type { Actor } from '../../platform/audit/audit.ts';
import { actorOf, can, inProject, type Viewer } from '../../platform/auth/viewer.ts';
import { addDays, localDateTime } from '../../platform/calendar/calendar.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Db, Tx } from '../../platform/db/index.ts';
import type { CallTable } from '../../platform/db/types.ts';
import { encodeCursor, keysetAfter } from '../../platform/http/common.ts';
import { conflict, fieldError, notFound, ruleViolated } from '../../platform/http/errors.ts';
import { newId } from '../../platform/ids.ts';
import { getSetting } from '../../platform/settings/settings.ts';
import { diff, write } from '../../platform/write.ts';
import type { CallCreateInput, CallListInput, CallPatchInput, TelephonyEventInput } from './calls.schema.ts';

type CallRow = Selectable<CallTable>;

/** One ring of a Chinese exchange: about 1 s of tone and 4 s of pause. */
export const DEFAULT_RING_CYCLE_MS = 5000;
/** The source documents ask for the phone to be answered within three rings. */
export const DEFAULT_TARGET_RINGS = 3;
/** A receptionist's PC clock and the server's may differ a little. */
const CLOCK_SKEW_MS = 60_000;
const DAY_MS = 86_400_000;

export async function ringCycleMs(db: Db | Tx, projectId: string): Promise<number> {
  const v = await getSetting<unknown>(db, 'telephony.ringCycleMs', projectId, DEFAULT_RING_CYCLE_MS);
  return typeof v === 'number' && Number.isFinite(v) && v >= 500 ? v : DEFAULT_RING_CYCLE_MS;
}

export async function targetRings(db: Db | Tx, projectId: string): Promise<number> {
  const v = await getSetting<unknown>(db, 'telephony.targetRings', projectId, DEFAULT_TARGET_RINGS);
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : DEFAULT_TARGET_RINGS;
}

/** Rings heard before the answer: whole cycles begun, and at least the one that was answered. */
export function ringsBetween(ringingAt: number, answeredAt: number, cycleMs: number): number {
  return Math.max(1, Math.ceil((answeredAt - ringingAt) / cycleMs));
}

/**
 * `created_at` holds when the call happened (its earliest known instant), not when it was
 * written down: a call logged after the fact, or whose events arrive late or out of order,
 * still lands in the right shift, day and month, and the (project_id, created_at) index
 * serves all of them.
 */
function callTime(r: Pick<CallRow, 'ringing_at' | 'answered_at' | 'ended_at'>, fallback: number): number {
  const known = [r.ringing_at, r.answered_at, r.ended_at].filter((t): t is number => t !== null);
  return known.length ? Math.min(...known) : fallback;
}

/** Phones as the audit trail keeps them: masked, so the trail is not a copy of residents' numbers. */
function auditView(r: Partial<CallRow>) {
  const out: Record<string, unknown> = { ...r };
  if (typeof r.caller === 'string') out.caller = maskPhone(r.caller);
  if (typeof r.callee === 'string') out.callee = maskPhone(r.callee);
  delete out.version;
  return out;
}

// ---------- reading ----------

function callQuery(db: Db) {
  return db
    .selectFrom('calls')
    .leftJoin('requests', 'requests.id', 'calls.request_id')
    .leftJoin('users', 'users.id', 'calls.operator_id')
    .selectAll('calls')
    .select(['requests.number as request_number', 'users.display_name as operator_name']);
}
type CallJoined = Awaited<ReturnType<ReturnType<typeof callQuery>['executeTakeFirstOrThrow']>>;

function present(r: CallJoined, showPhone: boolean) {
  return {
    id: r.id,
    projectId: r.project_id,
    externalId: r.external_id,
    direction: r.direction as 'in' | 'out',
    caller: showPhone ? r.caller : maskPhone(r.caller),
    callee: showPhone ? r.callee : maskPhone(r.callee),
    at: r.created_at,
    ringingAt: r.ringing_at,
    answeredAt: r.answered_at,
    endedAt: r.ended_at,
    answered: r.answered_at !== null,
    rings: r.rings,
    source: r.source as 'manual' | 'telephony',
    operatorId: r.operator_id,
    operatorName: r.operator_name ?? null,
    requestId: r.request_id,
    requestNumber: r.request_number ?? null,
    notes: r.notes,
    version: r.version,
  };
}

export async function getCall(ctx: AppContext, viewer: Viewer, id: string) {
  const r = await callQuery(ctx.db).where('calls.id', '=', id).executeTakeFirst();
  if (!r || !inProject(viewer, r.project_id)) throw notFound('来电记录');
  return present(r, can(viewer, 'pii.phone'));
}

/** Newest first, keyset on (created_at, id) over the (project_id, created_at) index. */
export async function listCalls(ctx: AppContext, viewer: Viewer, q: CallListInput) {
  if (q.projectId && !inProject(viewer, q.projectId)) throw notFound('项目');
  const scope = q.projectId ? [q.projectId] : viewer.projectIds;
  if (scope !== null && scope.length === 0) return { items: [], nextCursor: null };
  let query = callQuery(ctx.db)
    .orderBy('calls.created_at', 'desc')
    .orderBy('calls.id', 'desc')
    .limit(q.limit + 1);
  if (scope !== null) query = query.where('calls.project_id', 'in', scope);
  if (q.from !== undefined) query = query.where('calls.created_at', '>=', q.from);
  if (q.to !== undefined) query = query.where('calls.created_at', '<', q.to);
  if (q.unanswered === 'true') query = query.where('calls.answered_at', 'is', null);
  if (q.unanswered === 'false') query = query.where('calls.answered_at', 'is not', null);
  if (q.direction) query = query.where('calls.direction', '=', q.direction);
  const after = keysetAfter(q.cursor, ['calls.created_at', 'calls.id'], 'desc', ['number', 'string']);
  if (after) query = query.where(after);
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const showPhone = can(viewer, 'pii.phone');
  return {
    items: page.map((r) => present(r, showPhone)),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.created_at, last.id]) : null,
  };
}

// ---------- writing ----------

/** A call can only point at a request of its own project. */
async function assertRequestOf(tx: Db | Tx, requestId: string, projectId: string) {
  const r = await tx.selectFrom('requests').select(['id', 'project_id']).where('id', '=', requestId).executeTakeFirst();
  if (!r || r.project_id !== projectId) throw fieldError('requestId', '事项不存在或不属于该项目');
}

export async function createCall(ctx: AppContext, viewer: Viewer, input: CallCreateInput) {
  if (!inProject(viewer, input.projectId)) throw fieldError('projectId', '项目不存在');
  const project = await ctx.db.selectFrom('projects').select('id').where('id', '=', input.projectId).executeTakeFirst();
  if (!project) throw fieldError('projectId', '项目不存在');
  const limit = ctx.clock.now() + CLOCK_SKEW_MS;
  for (const [field, label] of [
    ['ringingAt', '振铃时间'],
    ['answeredAt', '接听时间'],
    ['endedAt', '挂断时间'],
  ] as const) {
    const t = input[field];
    if (t !== undefined && t > limit) throw fieldError(field, `${label}不能晚于现在`);
  }
  if (input.requestId) await assertRequestOf(ctx.db, input.requestId, input.projectId);
  const cycle = await ringCycleMs(ctx.db, input.projectId);

  const id = await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    const times = { ringing_at: input.ringingAt ?? null, answered_at: input.answeredAt ?? null, ended_at: input.endedAt ?? null };
    const row: CallRow = {
      id: newId(now),
      project_id: input.projectId,
      external_id: null,
      direction: input.direction,
      caller: input.caller,
      callee: input.callee,
      ...times,
      rings:
        input.rings ??
        (times.ringing_at !== null && times.answered_at !== null ? ringsBetween(times.ringing_at, times.answered_at, cycle) : null),
      source: 'manual',
      operator_id: viewer.userId,
      request_id: input.requestId ?? null,
      notes: input.notes,
      created_at: callTime(times, now),
      version: 1,
    };
    await tx.insertInto('calls').values(row).execute();
    await audit({ action: 'call.logged', entity: 'call', entityId: row.id, after: auditView(row) });
    return row.id;
  });
  return getCall(ctx, viewer, id);
}

/** Linking to a request or editing the summary; compare-and-set on (id, version). */
export async function updateCall(ctx: AppContext, viewer: Viewer, id: string, input: CallPatchInput) {
  const row = await ctx.db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !inProject(viewer, row.project_id)) throw notFound('来电记录');
  if (input.requestId) await assertRequestOf(ctx.db, input.requestId, row.project_id);
  const set: Partial<CallRow> = {};
  if (input.requestId !== undefined) set.request_id = input.requestId;
  if (input.notes !== undefined) set.notes = input.notes;

  await write(ctx, actorOf(viewer), async (tx, audit) => {
    // calls carry no updated_at, so casUpdate() does not apply; the same compare-and-set by hand.
    const res = await tx
      .updateTable('calls')
      .set({ ...set, version: input.version + 1 })
      .where('id', '=', id)
      .where('version', '=', input.version)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) {
      const current = await tx.selectFrom('calls').select('version').where('id', '=', id).executeTakeFirst();
      if (!current) throw notFound('来电记录');
      throw conflict(`来电记录已被他人修改（当前版本 ${current.version}），请刷新后重试`, { version: current.version });
    }
    const d = diff(row, set);
    if (d.changed) await audit({ action: 'call.updated', entity: 'call', entityId: id, before: d.before, after: d.after });
  });
  return getCall(ctx, viewer, id);
}

// ---------- telephony webhook ----------

/** The telephone system writes as itself, so its events are told apart from people's in the audit trail. */
export function telephonyActor(ip: string): Actor {
  return { userId: null, name: '电话系统(telephony)', ip };
}

const EVENT_FIELD = { ringing: 'ringing_at', answered: 'answered_at', ended: 'ended_at' } as const;

/**
 * Without a project code the event goes to the earliest project: an installation with one
 * project (the usual case for a single exchange) needs no mapping at all.
 */
async function projectOfEvent(ctx: AppContext, code: string | undefined) {
  let q = ctx.db.selectFrom('projects').select('id');
  q = code ? q.where('code', '=', code) : q.orderBy('created_at').orderBy('code').limit(1);
  const p = await q.executeTakeFirst();
  if (!p && code) throw fieldError('projectCode', '项目编号不存在');
  if (!p) throw ruleViolated('尚未建立任何项目，无法记录来电');
  return p.id;
}

function lockByExternal(tx: Tx, dialect: AppContext['dialect'], externalId: string) {
  let q = tx.selectFrom('calls').selectAll().where('external_id', '=', externalId);
  // SQLite serialises write transactions already and has no FOR UPDATE.
  if (dialect === 'postgres') q = q.forUpdate();
  return q.executeTakeFirst();
}

/**
 * One event of the telephone system. Idempotent and order-tolerant: the call is upserted by
 * the system's call id, each event fills only its own instant and only once (a retried event
 * changes nothing), and the ring count is derived whenever both instants are known.
 * Rings the system reports itself win over the derived figure.
 */
export async function telephonyEvent(ctx: AppContext, ip: string, input: TelephonyEventInput) {
  const projectId = await projectOfEvent(ctx, input.projectCode);
  const field = EVENT_FIELD[input.event];
  const derive = async (db: Db | Tx, r: Pick<CallRow, 'project_id' | 'ringing_at' | 'answered_at'>) =>
    r.ringing_at !== null && r.answered_at !== null ? ringsBetween(r.ringing_at, r.answered_at, await ringCycleMs(db, r.project_id)) : null;

  return write(ctx, telephonyActor(ip), async (tx, audit, now) => {
    let row = await lockByExternal(tx, ctx.dialect, input.callId);
    if (!row) {
      const times = { ringing_at: null, answered_at: null, ended_at: null, [field]: input.at };
      const fresh: CallRow = {
        id: newId(now),
        project_id: projectId,
        external_id: input.callId,
        direction: input.direction,
        caller: input.from,
        callee: input.to,
        ...times,
        rings: input.rings ?? (await derive(tx, { project_id: projectId, ...times })),
        source: 'telephony',
        operator_id: null,
        request_id: null,
        notes: '',
        created_at: callTime(times, input.at),
        version: 1,
      };
      const ins = await tx
        .insertInto('calls')
        .values(fresh)
        .onConflict((oc) => oc.column('external_id').doNothing())
        .executeTakeFirst();
      if (Number(ins.numInsertedOrUpdatedRows ?? 0) === 1) {
        await audit({
          action: 'call.telephony_event',
          entity: 'call',
          entityId: fresh.id,
          after: { event: input.event, ...auditView(fresh) },
        });
        return { id: fresh.id, callId: input.callId, changed: true };
      }
      // Another node inserted the same call a moment ago: merge into its row instead.
      row = await lockByExternal(tx, ctx.dialect, input.callId);
      if (!row) throw conflict('来电事件并发冲突，请重试');
    }

    const set: Partial<CallRow> = {};
    if (row[field] === null) set[field] = input.at;
    if (!row.caller && input.from) set.caller = input.from;
    if (!row.callee && input.to) set.callee = input.to;
    const merged = { ...row, ...set };
    if (input.rings !== undefined && input.rings !== row.rings) set.rings = input.rings;
    else if (row.rings === null) {
      const rings = await derive(tx, merged);
      if (rings !== null) set.rings = rings;
    }
    const at = callTime(merged, row.created_at);
    if (at < row.created_at) set.created_at = at;
    const d = diff(row, set);
    if (!d.changed) return { id: row.id, callId: input.callId, changed: false };
    await tx
      .updateTable('calls')
      .set({ ...set, version: row.version + 1 })
      .where('id', '=', row.id)
      .execute();
    await audit({
      action: 'call.telephony_event',
      entity: 'call',
      entityId: row.id,
      before: auditView(d.before as Partial<CallRow>),
      after: { event: input.event, ...auditView(d.after as Partial<CallRow>) },
    });
    return { id: row.id, callId: input.callId, changed: true };
  });
}

// ---------- report ----------

const num = (v: unknown) => Number(v ?? 0);
const ratio = (a: number, b: number, digits = 4) => (b > 0 ? Number((a / b).toFixed(digits)) : null);

/**
 * R-IN-6: the month's calls and the rings-before-answer figure against the target. One
 * grouped query over the month's range of the (project_id, created_at) index; China days
 * have no DST, so a day is a fixed 24 h step from the month's local midnight.
 */
export async function callReport(ctx: AppContext, viewer: Viewer, projectId: string, month: string) {
  if (!inProject(viewer, projectId)) throw notFound('项目');
  const project = await ctx.db.selectFrom('projects').select(['id', 'name']).where('id', '=', projectId).executeTakeFirst();
  if (!project) throw notFound('项目');
  const first = `${month}-01`;
  const from = localDateTime(first, '00:00');
  const nextMonth = addDays(first, 32).slice(0, 7);
  const to = localDateTime(`${nextMonth}-01`, '00:00');
  const target = await targetRings(ctx.db, projectId);

  // Literals, not parameters: PostgreSQL matches the grouped expression to the selected one by its text.
  const dayOf = sql<number>`(calls.created_at - ${sql.lit(from)}) / ${sql.lit(DAY_MS)}`;
  const answered = sql<number>`case when calls.answered_at is not null then 1 else 0 end`;
  const known = sql<number>`case when calls.answered_at is not null and calls.rings is not null then 1 else 0 end`;
  const rows = await ctx.db
    .selectFrom('calls')
    .select((eb) => [
      dayOf.as('day'),
      'calls.direction',
      eb.fn.countAll<number>().as('total'),
      eb.fn.sum<number>(answered).as('answered'),
      eb.fn.sum<number>(sql`case when calls.request_id is not null then 1 else 0 end`).as('with_request'),
      eb.fn.sum<number>(known).as('rings_known'),
      eb.fn
        .sum<number>(sql`case when calls.answered_at is not null and calls.rings is not null then calls.rings else 0 end`)
        .as('rings_sum'),
      eb.fn
        .sum<number>(
          sql`case when calls.answered_at is not null and calls.rings is not null and calls.rings <= ${target} then 1 else 0 end`,
        )
        .as('within'),
    ])
    .where('calls.project_id', '=', projectId)
    .where('calls.created_at', '>=', from)
    .where('calls.created_at', '<', to)
    .groupBy([dayOf, 'calls.direction'])
    .execute();

  const dayCount = Math.round((to - from) / DAY_MS);
  const days = Array.from({ length: dayCount }, (_, i) => ({
    date: addDays(first, i),
    total: 0,
    answered: 0,
    unanswered: 0,
    withRequest: 0,
    outgoing: 0,
  }));
  const inc = { total: 0, answered: 0, withRequest: 0, ringsKnown: 0, ringsSum: 0, within: 0 };
  const out = { total: 0, withRequest: 0 };
  for (const r of rows) {
    const day = days[num(r.day)];
    if (!day) continue;
    if (r.direction === 'out') {
      day.outgoing += num(r.total);
      out.total += num(r.total);
      out.withRequest += num(r.with_request);
      continue;
    }
    day.total += num(r.total);
    day.answered += num(r.answered);
    day.unanswered += num(r.total) - num(r.answered);
    day.withRequest += num(r.with_request);
    inc.total += num(r.total);
    inc.answered += num(r.answered);
    inc.withRequest += num(r.with_request);
    inc.ringsKnown += num(r.rings_known);
    inc.ringsSum += num(r.rings_sum);
    inc.within += num(r.within);
  }
  return {
    projectId,
    projectName: project.name,
    month,
    from,
    to,
    targetRings: target,
    incoming: {
      total: inc.total,
      answered: inc.answered,
      unanswered: inc.total - inc.answered,
      withRequest: inc.withRequest,
      ringsKnown: inc.ringsKnown,
      avgRings: ratio(inc.ringsSum, inc.ringsKnown, 2),
      withinTarget: inc.within,
      withinTargetShare: ratio(inc.within, inc.ringsKnown),
      answeredShare: ratio(inc.answered, inc.total),
    },
    outgoing: out,
    days,
    generatedAt: ctx.clock.now(),
  };
}
