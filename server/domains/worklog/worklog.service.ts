import { maskPhone } from '../../platform/access/mask.ts';
import { actorOf, can, inProject, type Viewer } from '../../platform/auth/viewer.ts';
import { addDays, localDateTime, toLocalDate } from '../../platform/calendar/calendar.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/index.ts';
import { fieldError, notFound, ruleViolated } from '../../platform/http/errors.ts';
import { newId } from '../../platform/ids.ts';
import { getSetting } from '../../platform/settings/settings.ts';
import { write } from '../../platform/write.ts';
import { CHANNEL_LABEL, DEADLINE_LABEL, KIND_LABEL, type Kind, stateOf } from '../requests/requests.workflow.ts';
import type { NoteCreateInput, Shift, WorklogQueryInput } from './worklog.schema.ts';

export interface ShiftDef {
  label: string;
  /** China-local 'HH:mm'; an end at or before the start is on the next day. */
  start: string;
  end: string;
}

export const DEFAULT_SHIFTS: Record<Shift, ShiftDef> = {
  day: { label: '白班', start: '08:00', end: '20:00' },
  night: { label: '夜班', start: '20:00', end: '08:00' },
};

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** Setting `worklog.shifts` (company or project), each shift merged over its default; a malformed value is ignored. */
export async function shiftDefs(db: Db, projectId: string): Promise<Record<Shift, ShiftDef>> {
  const stored = await getSetting<Record<string, Partial<ShiftDef>>>(db, 'worklog.shifts', projectId, {});
  const out = { ...DEFAULT_SHIFTS };
  for (const k of Object.keys(DEFAULT_SHIFTS) as Shift[]) {
    const s = { ...DEFAULT_SHIFTS[k], ...(stored?.[k] ?? {}) };
    if (HHMM.test(String(s.start)) && HHMM.test(String(s.end)) && typeof s.label === 'string') out[k] = s;
  }
  return out;
}

export function shiftWindow(date: string, def: ShiftDef): { start: number; end: number } {
  const start = localDateTime(date, def.start);
  const end = localDateTime(def.end > def.start ? date : addDays(date, 1), def.end);
  return { start, end };
}

function localText(instant: number): string {
  const d = new Date(instant + CHINA_OFFSET_MS).toISOString();
  return `${toLocalDate(instant)} ${d.slice(11, 16)}`;
}

async function projectOf(ctx: AppContext, viewer: Viewer, projectId: string) {
  if (!inProject(viewer, projectId)) return null;
  return (await ctx.db.selectFrom('projects').select(['id', 'code', 'name']).where('id', '=', projectId).executeTakeFirst()) ?? null;
}

function requestLines(db: Db, projectId: string) {
  return db
    .selectFrom('requests')
    .leftJoin('units', 'units.id', 'requests.unit_id')
    .select([
      'requests.id',
      'requests.number',
      'requests.kind',
      'requests.channel',
      'requests.status',
      'units.number as unit_number',
      'requests.requester_name',
      'requests.content',
      'requests.created_at',
      'requests.closed_at',
    ])
    .where('requests.project_id', '=', projectId);
}
type RequestLineRow = Awaited<ReturnType<ReturnType<typeof requestLines>['executeTakeFirstOrThrow']>>;

function presentLine(r: RequestLineRow) {
  const kind = r.kind as Kind;
  return {
    id: r.id,
    number: r.number,
    kind,
    kindLabel: KIND_LABEL[kind] ?? r.kind,
    channel: r.channel,
    channelLabel: CHANNEL_LABEL[r.channel as keyof typeof CHANNEL_LABEL] ?? r.channel,
    status: r.status,
    statusLabel: stateOf(kind, r.status).label,
    unitNumber: r.unit_number ?? null,
    requesterName: r.requester_name,
    content: r.content,
    createdAt: r.created_at,
    closedAt: r.closed_at,
  };
}

function tally(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/**
 * R-IN-7: the shift's log, generated from the register for the shift's window plus the
 * notes written for it. Every part is an index range bounded by the window: requests by
 * (project_id, created_at), breaches by (project_id, breached_at), calls by
 * (project_id, created_at), notes by (project_id, date, shift).
 */
export async function getWorklog(ctx: AppContext, viewer: Viewer, q: WorklogQueryInput) {
  const project = await projectOf(ctx, viewer, q.projectId);
  if (!project) throw notFound('项目');
  const def = (await shiftDefs(ctx.db, project.id))[q.shift];
  const { start, end } = shiftWindow(q.date, def);
  const now = ctx.clock.now();

  const registered = await requestLines(ctx.db, project.id)
    .where('requests.created_at', '>=', start)
    .where('requests.created_at', '<', end)
    .orderBy('requests.created_at')
    .orderBy('requests.id')
    .execute();
  // Only closed rows carry closed_at; is_open = 0 keeps the read on the (project_id, is_open, …) index.
  const closed = await requestLines(ctx.db, project.id)
    .where('requests.is_open', '=', 0)
    .where('requests.closed_at', '>=', start)
    .where('requests.closed_at', '<', end)
    .orderBy('requests.closed_at')
    .orderBy('requests.id')
    .execute();
  const breaches = await ctx.db
    .selectFrom('deadlines')
    .innerJoin('requests', 'requests.id', 'deadlines.request_id')
    .select([
      'deadlines.id',
      'deadlines.kind',
      'deadlines.due_at',
      'deadlines.breached_at',
      'requests.id as request_id',
      'requests.number',
      'requests.kind as request_kind',
      'requests.content',
    ])
    .where('deadlines.project_id', '=', project.id)
    .where('deadlines.breached_at', '>=', start)
    .where('deadlines.breached_at', '<', end)
    .orderBy('deadlines.breached_at')
    .orderBy('deadlines.id')
    .execute();
  const calls = await ctx.db
    .selectFrom('calls')
    .select(['id', 'direction', 'caller', 'answered_at', 'rings', 'request_id', 'created_at'])
    .where('project_id', '=', project.id)
    .where('created_at', '>=', start)
    .where('created_at', '<', end)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const notes = await ctx.db
    .selectFrom('shift_notes')
    .selectAll()
    .where('project_id', '=', project.id)
    .where('date', '=', q.date)
    .where('shift', '=', q.shift)
    .orderBy('created_at')
    .orderBy('id')
    .execute();

  const incoming = calls.filter((c) => c.direction === 'in');
  const answered = incoming.filter((c) => c.answered_at !== null);
  const withRings = answered.filter((c) => c.rings !== null);
  const ringSum = withRings.reduce((s, c) => s + (c.rings ?? 0), 0);
  const showPhone = can(viewer, 'pii.phone');

  return {
    project,
    date: q.date,
    shift: q.shift,
    shiftLabel: def.label,
    start,
    end,
    startLocal: localText(start),
    endLocal: localText(end),
    generatedAt: now,
    complete: now >= end,
    registered: {
      total: registered.length,
      byKind: tally(registered.map((r) => r.kind)),
      byChannel: tally(registered.map((r) => r.channel)),
      items: registered.map(presentLine),
    },
    closed: { total: closed.length, items: closed.map(presentLine) },
    breaches: breaches.map((b) => ({
      deadlineId: b.id,
      kind: b.kind,
      label: DEADLINE_LABEL[b.kind] ?? b.kind,
      dueAt: b.due_at,
      breachedAt: b.breached_at as number,
      requestId: b.request_id,
      requestNumber: b.number,
      requestKind: b.request_kind,
      content: b.content,
    })),
    calls: {
      total: incoming.length,
      answered: answered.length,
      missed: incoming.length - answered.length,
      withRequest: incoming.filter((c) => c.request_id !== null).length,
      avgRings: withRings.length ? Number((ringSum / withRings.length).toFixed(2)) : null,
      outgoing: calls.length - incoming.length,
      missedItems: incoming
        .filter((c) => c.answered_at === null)
        .map((c) => ({ id: c.id, at: c.created_at, caller: showPhone ? c.caller : maskPhone(c.caller), rings: c.rings })),
    },
    notes: notes.map(presentNote),
  };
}

function presentNote(n: {
  id: string;
  project_id: string;
  date: string;
  shift: string;
  author_id: string;
  author_name: string;
  text: string;
  created_at: number;
}) {
  return {
    id: n.id,
    projectId: n.project_id,
    date: n.date,
    shift: n.shift as Shift,
    authorId: n.author_id,
    authorName: n.author_name,
    text: n.text,
    createdAt: n.created_at,
  };
}

/** Append-only: there is no edit or delete; a correction is another note. */
export async function addNote(ctx: AppContext, viewer: Viewer, input: NoteCreateInput) {
  const project = await projectOf(ctx, viewer, input.projectId);
  if (!project) throw fieldError('projectId', '项目不存在');
  const def = (await shiftDefs(ctx.db, project.id))[input.shift];
  const { start } = shiftWindow(input.date, def);
  if (start > ctx.clock.now()) throw ruleViolated('该班次尚未开始，不能记录日志', 'shift_not_started');

  const note = await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    const row = {
      id: newId(now),
      project_id: project.id,
      date: input.date,
      shift: input.shift,
      author_id: viewer.userId,
      author_name: viewer.name,
      text: input.text,
      created_at: now,
    };
    await tx.insertInto('shift_notes').values(row).execute();
    await audit({ action: 'worklog.note_added', entity: 'shift_note', entityId: row.id, after: row });
    return row;
  });
  return presentNote(note);
}
