import { CompiledQuery, type Selectable } from 'kysely';
import { z } from 'zod';
import { maskPhone } from '../../platform/access/mask.ts';
import { type Permission, roleCan } from '../../platform/access/roles.ts';
import {
  type Actor,
  AUDIT_HEAD_SELECT,
  type AuditInput,
  appendAudit,
  appendAuditWith,
  auditAppend,
  SYSTEM_ACTOR,
} from '../../platform/audit/audit.ts';
import { actorOf, can, inProject, type Viewer } from '../../platform/auth/viewer.ts';
import { toLocalDate } from '../../platform/calendar/calendar.ts';
import type { AppContext } from '../../platform/context.ts';
import { EVENT_COLUMNS, REQUEST_COLUMNS } from '../../platform/db/columns.ts';
import { insertText, mergeInserts, pgText, type Runner, runCombined, txRunner, withReader } from '../../platform/db/fast.ts';
import { batched, beforeCommit, groupTransaction } from '../../platform/db/group-commit.ts';
import type { Db, Dialect, Tx } from '../../platform/db/index.ts';
import type { DB, RequestEventTable, RequestTable } from '../../platform/db/types.ts';
import {
  advanceStage,
  cancelDeadlines,
  DEADLINE_COLUMNS,
  type Deadline,
  type DeadlineRule,
  deadlineValues,
  dueForSweep,
  extendDeadline,
  meetDeadlines,
  NO_DUE,
  nextCheck,
  pauseDeadlines,
  planDeadline,
  refreshNextDue,
  resumeDeadlines,
  type SweepStage,
  stageAt,
  stagedRow,
  startDeadline,
} from '../../platform/deadlines/deadlines.ts';
import { attachToRequest, requestPhotos } from '../../platform/files/files.ts';
import { decodeCursor, encodeCursor, keysetAfter } from '../../platform/http/common.ts';
import { AppError, badRequest, conflict, fieldError, forbidden, notFound, ruleViolated } from '../../platform/http/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { LiveEvent } from '../../platform/live/live.ts';
import { type NotifyInput, notify, notifyMany } from '../../platform/notify/notify.ts';
import { getSetting } from '../../platform/settings/settings.ts';
import { escalate, helpOfRequest, intakeEscalation } from './complaint-steps.ts';
import { nextNumber, period } from './numbers.ts';
import { appendRequestEvent, type RequestEventInput, requestEventHash } from './request-events.ts';
import { indexRequest, queryParts, type SearchDoc, searchInsert, searchPage, searchRow, textMatches } from './request-search.ts';
import type { RequestCreateInput } from './requests.schema.ts';
import {
  DEADLINE_LABEL,
  DEFAULT_DEPARTMENT,
  DEFAULT_RULES,
  initialOf,
  KIND_LABEL,
  KIND_PREFIX,
  KINDS,
  type Kind,
  stateOf,
  type TransitionDef,
  WORKFLOWS,
} from './requests.workflow.ts';

type RequestRow = Selectable<RequestTable>;

const DETAIL_TABLE = {
  complaint: 'request_complaint',
  inquiry: 'request_inquiry',
  suggestion: 'request_suggestion',
  special: 'request_special',
  repair: 'request_repair',
} as const;
type DetailKind = keyof typeof DETAIL_TABLE;
const hasDetail = (k: Kind): k is DetailKind => k in DETAIL_TABLE;

/** One layer of rule overrides over another, key by key; a duration given in one unit replaces the other. */
export function mergeRules(base: Record<string, DeadlineRule>, over: Record<string, Partial<DeadlineRule>>): Record<string, DeadlineRule> {
  const out: Record<string, DeadlineRule> = {};
  for (const [k, v] of Object.entries(base)) {
    const own = over[k] ?? {};
    const merged: Partial<DeadlineRule> = { ...v };
    // Minutes and whole working days are two ways of giving one duration: a stored rule that
    // names one replaces the other, or `{minutes: 240}` would lose to a default `workingDays: 5`.
    if (own.minutes !== undefined && own.workingDays === undefined) delete merged.workingDays;
    if (own.workingDays !== undefined && own.minutes === undefined) delete merged.minutes;
    out[k] = { ...merged, ...own } as DeadlineRule;
  }
  return out;
}

/** The rules in force for a project: the defaults, then the company's overrides, then the project's, per rule. */
export async function deadlineRules(db: Db | Tx, projectId: string): Promise<Record<string, DeadlineRule>> {
  const company = await getSetting<Record<string, Partial<DeadlineRule>>>(db, 'deadline.rules', null, {});
  const rows = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', 'deadline.rules')
    .where('scope', '=', projectId)
    .executeTakeFirst();
  const project = rows ? (JSON.parse(rows.value) as Record<string, Partial<DeadlineRule>>) : {};
  return mergeRules(mergeRules(DEFAULT_RULES, company), project);
}

// ---------- who may see what ----------

/** A resident's relations to units that still hold today: a former tenant no longer sees the unit's requests. */
export function currentOccupancies(db: Db | Tx, personId: string, now: number) {
  const today = toLocalDate(now);
  return db
    .selectFrom('occupancies')
    .select(['id', 'unit_id'])
    .where('person_id', '=', personId)
    .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', today)]));
}

/** Staff see requests of their projects; a resident only their own or their units'. */
async function assertVisible(ctx: AppContext, viewer: Viewer, r: Pick<RequestRow, 'project_id' | 'requester_person_id' | 'unit_id'>) {
  if (viewer.role === 'resident') {
    if (!viewer.personId) throw notFound('事项');
    if (r.requester_person_id === viewer.personId) return;
    if (r.unit_id) {
      const occ = await currentOccupancies(ctx.db, viewer.personId, ctx.clock.now()).where('unit_id', '=', r.unit_id).executeTakeFirst();
      if (occ) return;
    }
    throw notFound('事项');
  }
  if (!can(viewer, 'request.read') || !inProject(viewer, r.project_id)) throw notFound('事项');
}

async function loadRow(db: Db | Tx, id: string): Promise<RequestRow> {
  const r = await db.selectFrom('requests').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('事项');
  return r;
}

// ---------- reading ----------

function summaryQuery(db: Db) {
  return db
    .selectFrom('requests')
    .innerJoin('projects', 'projects.id', 'requests.project_id')
    .leftJoin('units', 'units.id', 'requests.unit_id')
    .leftJoin('departments', 'departments.id', 'requests.department_id')
    .leftJoin('users', 'users.id', 'requests.assignee_id')
    .leftJoin('request_repair', 'request_repair.request_id', 'requests.id')
    .select([
      'request_repair.appointment_at',
      'requests.id',
      'requests.number',
      'requests.kind',
      'requests.channel',
      'requests.status',
      'requests.is_open',
      'requests.project_id',
      'projects.name as project_name',
      'units.number as unit_number',
      'requests.requester_name',
      'requests.content',
      'requests.urgency',
      'departments.name as department_name',
      'users.display_name as assignee_name',
      'requests.next_due_at',
      'requests.created_at',
      'requests.version',
    ]);
}
type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaryQuery>['executeTakeFirstOrThrow']>>;

function presentSummary(r: SummaryRow, now: number) {
  const kind = r.kind as Kind;
  const due = r.next_due_at === NO_DUE ? null : r.next_due_at;
  return {
    id: r.id,
    number: r.number,
    kind,
    channel: r.channel,
    status: r.status,
    statusLabel: stateOf(kind, r.status).label,
    isOpen: r.is_open === 1,
    projectId: r.project_id,
    projectName: r.project_name,
    unitNumber: r.unit_number ?? null,
    requesterName: r.requester_name,
    content: r.content,
    urgency: r.urgency,
    departmentName: r.department_name ?? null,
    assigneeName: r.assignee_name ?? null,
    nextDueAt: due,
    overdue: due !== null && r.is_open === 1 && due < now,
    createdAt: r.created_at,
    version: r.version,
    appointmentAt: r.appointment_at ?? null,
  };
}

function presentDeadline(d: Deadline, now: number) {
  return {
    id: d.id,
    kind: d.kind,
    label: DEADLINE_LABEL[d.kind] ?? d.kind,
    basis: d.basis,
    status: d.status,
    startedAt: d.started_at,
    dueAt: d.due_at,
    metAt: d.met_at,
    warnedAt: d.warned_at,
    breachedAt: d.breached_at,
    escalatedAt: d.escalated_at,
    pausedAt: d.paused_at,
    pausedMs: d.paused_ms + (d.status === 'paused' && d.paused_at ? now - d.paused_at : 0),
    pauseReason: d.pause_reason,
    extensions: d.extensions,
    overdue: d.breached_at !== null || (d.status === 'running' && d.due_at < now),
  };
}

const inputSchemas = new WeakMap<TransitionDef, unknown>();
/** Input schemas never change at run time: convert each once, not on every detail view. */
function inputSchema(t: TransitionDef): unknown {
  let js = inputSchemas.get(t);
  if (!js) {
    js = z.toJSONSchema(t.input, { io: 'input' });
    inputSchemas.set(t, js);
  }
  return js;
}

const actionLists = new Map<string, ReturnType<typeof computeActions>>();

/** The transitions this viewer may take on this request now: the UI shows exactly these. */
export function allowedActions(viewer: Viewer, r: Pick<RequestRow, 'kind' | 'status' | 'is_open'>) {
  // Workflows are constant data: the list depends only on role, kind, status and open.
  const key = `${viewer.role}|${r.kind}|${r.status}|${r.is_open}`;
  let list = actionLists.get(key);
  if (!list) {
    list = computeActions(viewer, r);
    actionLists.set(key, list);
  }
  return list;
}

function computeActions(viewer: Viewer, r: Pick<RequestRow, 'kind' | 'status' | 'is_open'>) {
  const wf = WORKFLOWS[r.kind as Kind];
  const own = wf.transitions.filter(
    (t) => t.from.includes(r.status) && roleCan(viewer.role, t.permission) && (!t.roles || t.roles.includes(viewer.role)),
  );
  const common = r.is_open && roleCan(viewer.role, 'request.handle') ? COMMON_ACTIONS : [];
  return [...own, ...common].map((t) => ({
    action: t.action,
    label: t.label,
    input: inputSchema(t),
    // Company decisions have their own route: leaders hold no request.handle.
    path: t.permission === 'complaint.lead' ? 'decisions' : 'actions',
  }));
}

export async function getRequest(ctx: AppContext, viewer: Viewer, id: string) {
  const row = await loadRow(ctx.db, id);
  await assertVisible(ctx, viewer, row);
  const now = ctx.clock.now();
  const s = await summaryQuery(ctx.db).where('requests.id', '=', id).executeTakeFirstOrThrow();
  const kind = row.kind as Kind;
  const detail = hasDetail(kind)
    ? ((await (ctx.db as any).selectFrom(DETAIL_TABLE[kind]).selectAll().where('request_id', '=', id).executeTakeFirst()) ?? {})
    : {};
  delete detail.request_id;
  return presentDetail(ctx, viewer, now, {
    row,
    projectName: s.project_name,
    unitNumber: s.unit_number ?? null,
    departmentName: s.department_name ?? null,
    assigneeName: s.assignee_name ?? null,
    appointmentAt: s.appointment_at ?? null,
    detail,
    deadlines: await ctx.db.selectFrom('deadlines').selectAll().where('request_id', '=', id).orderBy('created_at').execute(),
    events: await ctx.db.selectFrom('request_events').selectAll().where('request_id', '=', id).orderBy('n').execute(),
    categoryPath: row.category_id ? await categoryPath(ctx.db, row.category_id) : null,
    photos: await requestPhotos(ctx.db, id),
    links: kind === 'repair' ? await repairLinks(ctx.db, id, (detail.rework_of as string | null) ?? null) : [],
    help: kind === 'complaint' && viewer.role !== 'resident' ? await helpOfRequest(ctx.db, id) : [],
  });
}

interface DetailParts {
  row: RequestRow;
  projectName: string;
  unitNumber: string | null;
  departmentName: string | null;
  assigneeName: string | null;
  appointmentAt: number | null;
  /** The kind's detail row without its request_id. */
  detail: Record<string, unknown>;
  deadlines: Deadline[];
  events: Selectable<RequestEventTable>[];
  categoryPath: string | null;
  photos: Awaited<ReturnType<typeof requestPhotos>>;
  links: Awaited<ReturnType<typeof repairLinks>>;
  help: Awaited<ReturnType<typeof helpOfRequest>>;
}

/** The detail view of a request, as this viewer may see it, from its rows (read, or just written). */
function presentDetail(_ctx: AppContext, viewer: Viewer, now: number, p: DetailParts) {
  const { row } = p;
  const detail = { ...p.detail };
  const resident = viewer.role === 'resident';
  if (resident) for (const k of RESIDENT_HIDDEN_DETAIL) delete detail[k];
  // The technician sent to an open order must be able to call the resident.
  const showPhone =
    can(viewer, 'pii.phone') ||
    (resident && row.requester_person_id === viewer.personId) ||
    (!resident && row.is_open === 1 && row.assignee_id === viewer.userId);
  // Residents follow progress, not the office's internal notes, assignments or staff logins.
  const shownEvents = resident ? p.events.filter((e) => !RESIDENT_HIDDEN_EVENTS.has(e.type)) : p.events;
  // Built field by field: spreading a row of this width into a new object cost V8 some 30 µs a
  // call, more than the rest of an intake's answer (every intake and detail view goes through here).
  const summary = presentSummary(
    {
      id: row.id,
      number: row.number,
      kind: row.kind,
      channel: row.channel,
      status: row.status,
      is_open: row.is_open,
      project_id: row.project_id,
      project_name: p.projectName,
      unit_number: p.unitNumber,
      requester_name: row.requester_name,
      content: row.content,
      urgency: row.urgency,
      department_name: p.departmentName,
      assignee_name: p.assigneeName,
      next_due_at: row.next_due_at,
      created_at: row.created_at,
      version: row.version,
      appointment_at: p.appointmentAt,
    },
    now,
  );
  return Object.assign(summary, {
    unitId: row.unit_id,
    requesterPersonId: row.requester_person_id,
    requesterPhone: showPhone ? row.requester_phone : maskPhone(row.requester_phone),
    location: row.location,
    categoryId: row.category_id,
    categoryPath: p.categoryPath,
    preferredTime: row.preferred_time,
    departmentId: row.department_id,
    assigneeId: resident ? null : row.assignee_id,
    createdBy: resident ? null : row.created_by,
    closedAt: row.closed_at,
    detail: camel(detail),
    deadlines: p.deadlines.map((d) => presentDeadline(d, now)),
    history: shownEvents.map((e) => ({
      n: e.n,
      at: e.at,
      actor: resident && e.actor_id !== viewer.userId && e.actor_id !== null ? '物业服务中心' : e.actor_name,
      type: e.type,
      fromStatus: e.from_status,
      toStatus: e.to_status,
      data: resident ? residentData(JSON.parse(e.data)) : JSON.parse(e.data),
      correctsN: e.corrects_n,
    })),
    actions: resident ? [] : allowedActions(viewer, row),
    photos: p.photos,
    links: p.links,
    help: p.help,
  });
}

/** The office's side of a complaint: who it was escalated to and why, internal reports, the handler. */
const RESIDENT_HIDDEN_DETAIL = [
  'first_handler_id',
  'emergency',
  'escalation_reason',
  'leadership_decision',
  'leadership_decided_at',
  'leadership_report',
  'leadership_reported_at',
  'corrective_report',
  'corrective_published_at',
  'correction_plan',
  'correction_due_at',
  'correction_done_at',
];

async function repairLinks(db: Db, id: string, reworkOf: string | null) {
  const rows = await db
    .selectFrom('requests')
    .innerJoin('request_repair', 'request_repair.request_id', 'requests.id')
    .select(['requests.id', 'requests.number', 'requests.kind', 'requests.status', 'request_repair.rework_of'])
    .where((eb) => eb.or([eb('request_repair.rework_of', '=', id), ...(reworkOf ? [eb('requests.id', '=', reworkOf)] : [])]))
    .orderBy('requests.created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    relation: r.id === reworkOf ? ('rework_of' as const) : ('rework' as const),
    statusLabel: stateOf(r.kind as Kind, r.status).label,
  }));
}

/** Residents read what happened, not the office's internal references (staff, departments, call and task ids). */
function residentData(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([k]) => !/(Id|Ids)$/.test(k)));
}

const RESIDENT_HIDDEN_EVENTS = new Set(['note', 'assigned', 'correction', 'deadline_warned', 'deadline_escalated']);

const camelKeys = new Map<string, string>();
function camel(o: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) {
    let c = camelKeys.get(k);
    if (c === undefined) {
      c = k.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase());
      // Column names only: the set is small and fixed.
      if (camelKeys.size < 1000) camelKeys.set(k, c);
    }
    out[c] = o[k];
  }
  return out;
}

async function categoryPath(db: Db | Tx, id: string): Promise<string | null> {
  const names: string[] = [];
  let cur: string | null = id;
  for (let i = 0; cur && i < 10; i++) {
    const c: { name: string; parent_id: string | null } | undefined = await db
      .selectFrom('categories')
      .select(['name', 'parent_id'])
      .where('id', '=', cur)
      .executeTakeFirst();
    if (!c) break;
    names.unshift(c.name);
    cur = c.parent_id;
  }
  return names.length ? names.join(' / ') : null;
}

export interface ListInput {
  projectId?: string;
  kind?: Kind;
  status?: string;
  open?: 'true' | 'false';
  unitId?: string;
  personId?: string;
  number?: string;
  /** Full-text search (request-search.ts). */
  q?: string;
  /** The caller's last four phone digits. */
  phoneTail?: string;
  cursor?: string;
  limit: number;
}

const NUMBER_SHAPE = /^[A-Za-z]{2}-\d{4}-\d{4,}$/;

/** Newest first, keyset on (created_at, id); full-text search is its own path (the search index's order). */
type SummaryPage = { items: ReturnType<typeof presentSummary>[]; nextCursor: string | null };

export async function listRequests(ctx: AppContext, viewer: Viewer, q: ListInput): Promise<SummaryPage> {
  // Typed into the search box, a request number is a look-up by number.
  if (q.q && NUMBER_SHAPE.test(q.q)) return listRequests(ctx, viewer, { ...q, q: undefined, number: q.q });
  if (q.q) return searchRequests(ctx, viewer, q, q.q);
  let query = summaryQuery(ctx.db)
    .orderBy('requests.created_at', 'desc')
    .orderBy('requests.id', 'desc')
    .limit(q.limit + 1);
  if (viewer.role === 'resident') {
    if (!viewer.personId) return { items: [], nextCursor: null };
    const pid = viewer.personId;
    query = query.where((eb) =>
      eb.or([
        eb('requests.requester_person_id', '=', pid),
        eb(
          'requests.unit_id',
          'in',
          eb
            .selectFrom('occupancies')
            .select('occupancies.unit_id')
            .where('occupancies.person_id', '=', pid)
            .where((o) => o.or([o('occupancies.end_date', 'is', null), o('occupancies.end_date', '>=', toLocalDate(ctx.clock.now()))])),
        ),
      ]),
    );
  } else {
    const scope = q.projectId ? [q.projectId] : viewer.projectIds;
    if (q.projectId && !inProject(viewer, q.projectId)) throw notFound('项目');
    if (scope !== null) {
      if (scope.length === 0) return { items: [], nextCursor: null };
      query = query.where('requests.project_id', 'in', scope);
    }
  }
  if (q.kind) query = query.where('requests.kind', '=', q.kind);
  if (q.status) query = query.where('requests.status', '=', q.status);
  if (q.open) query = query.where('requests.is_open', '=', q.open === 'true' ? 1 : 0);
  if (q.unitId) query = query.where('requests.unit_id', '=', q.unitId);
  if (q.personId) query = query.where('requests.requester_person_id', '=', q.personId);
  if (q.number) {
    query = query.where('requests.number', '=', q.number.toUpperCase());
    // Numbers are unique per project: across all projects, one index seek per project instead of a scan.
    if (viewer.role !== 'resident' && !q.projectId && viewer.projectIds === null)
      query = query.where('requests.project_id', 'in', (eb) => eb.selectFrom('projects').select('projects.id'));
  }
  if (q.phoneTail) query = query.where('requests.phone_last4', '=', q.phoneTail);
  const after = keysetAfter(q.cursor, ['requests.created_at', 'requests.id'], 'desc', ['number', 'string']);
  if (after) query = query.where(after);
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const now = ctx.clock.now();
  return {
    items: page.map((r) => presentSummary(r, now)),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.created_at, last.id]) : null,
  };
}

/** Most requests a resident's own list is searched through (their units' and their own). */
const RESIDENT_SEARCH_MAX = 2000;

async function searchRequests(ctx: AppContext, viewer: Viewer, q: ListInput, text: string): Promise<SummaryPage> {
  const parts = queryParts(text);
  if (!parts.length) throw fieldError('q', '请输入要查找的文字或数字');
  const now = ctx.clock.now();
  if (viewer.role === 'resident') {
    // A resident's few requests come from their own index; the words are matched here by the index's rules.
    const mine = await listRequests(ctx, viewer, { ...q, q: undefined, cursor: undefined, limit: RESIDENT_SEARCH_MAX });
    const hits = mine.items.filter((r) => textMatches(parts, r.content, r.requesterName));
    const from = q.cursor ? Number(decodeCursor(q.cursor, 1)?.[0]) : 0;
    if (!Number.isInteger(from) || from < 0) throw fieldError('cursor', '分页游标无效');
    const page = hits.slice(from, from + q.limit);
    return { items: page, nextCursor: hits.length > from + q.limit ? encodeCursor([from + q.limit]) : null };
  }
  const scope = q.projectId ? [q.projectId] : viewer.projectIds;
  if (q.projectId && !inProject(viewer, q.projectId)) throw notFound('项目');
  if (scope !== null && scope.length === 0) return { items: [], nextCursor: null };
  const { ids, nextCursor } = await searchPage(
    ctx,
    parts,
    {
      projectIds: scope,
      kind: q.kind,
      status: q.status,
      open: q.open ? (q.open === 'true' ? 1 : 0) : undefined,
      unitId: q.unitId,
      personId: q.personId,
      phoneTail: q.phoneTail,
    },
    q.cursor,
    q.limit,
  );
  if (!ids.length) return { items: [], nextCursor: null };
  const rows = await summaryQuery(ctx.db).where('requests.id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return {
    items: ids.flatMap((id) => {
      const r = byId.get(id);
      return r ? [presentSummary(r, now)] : [];
    }),
    nextCursor,
  };
}

export interface QueueInput {
  scope: 'mine' | 'department' | 'center' | 'escalated';
  projectId?: string;
  kind?: Kind;
  channel?: string;
  overdue?: 'true' | 'false';
  cursor?: string;
  limit: number;
}

/** R-SLA-5: open work, due soonest first; each scope reads its own (owner, is_open, next_due_at) index. */
export async function queue(ctx: AppContext, viewer: Viewer, q: QueueInput) {
  const now = ctx.clock.now();
  let query = summaryQuery(ctx.db)
    .where('requests.is_open', '=', 1)
    .orderBy('requests.next_due_at')
    .orderBy('requests.id')
    .limit(q.limit + 1);
  if (q.projectId && !inProject(viewer, q.projectId)) throw notFound('项目');
  const scope = q.projectId ? [q.projectId] : viewer.projectIds;
  if (q.scope === 'mine') {
    query = query.where('requests.assignee_id', '=', viewer.userId);
  } else if (q.scope === 'department') {
    const staff = viewer.staffId
      ? await ctx.db.selectFrom('staff').select('department_id').where('id', '=', viewer.staffId).executeTakeFirst()
      : undefined;
    if (!staff) return { items: [], nextCursor: null, now };
    query = query.where('requests.department_id', '=', staff.department_id);
  } else if (q.scope === 'escalated') {
    // R-CP-10: the company leadership's and the quality department's queue, read through the escalation index.
    query = query.where('requests.id', 'in', (eb) =>
      eb
        .selectFrom('request_complaint')
        .select('request_complaint.request_id')
        .where('request_complaint.escalation', 'in', ['leadership', 'company']),
    );
  }
  if (scope !== null) {
    if (scope.length === 0) return { items: [], nextCursor: null, now };
    query = query.where('requests.project_id', 'in', scope);
  }
  if (q.kind) query = query.where('requests.kind', '=', q.kind);
  if (q.channel) query = query.where('requests.channel', '=', q.channel);
  if (q.overdue === 'true') query = query.where('requests.next_due_at', '<', now);
  // Not yet overdue, including requests with nothing due (NO_DUE sorts after every instant).
  if (q.overdue === 'false') query = query.where('requests.next_due_at', '>=', now);
  const after = keysetAfter(q.cursor, ['requests.next_due_at', 'requests.id'], 'asc', ['number', 'string']);
  if (after) query = query.where(after);
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => presentSummary(r, now)),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.next_due_at, last.id]) : null,
    now,
  };
}

// ---------- writing ----------

function liveOf(r: Pick<RequestRow, 'id' | 'project_id' | 'department_id' | 'assignee_id'>, type: string, at: number): LiveEvent {
  return { type, requestId: r.id, projectId: r.project_id, departmentId: r.department_id, assigneeId: r.assignee_id, at };
}

type DetailRow<K extends DetailKind> = Omit<Selectable<DB[(typeof DETAIL_TABLE)[K]]>, 'request_id'>;

/**
 * A new request's detail row, per kind: every column, so the intake can answer with the row
 * it wrote instead of reading it back (a column added to the table is a compile error here).
 */
const DETAIL_DEFAULTS: { [K in DetailKind]: DetailRow<K> } = {
  repair: {
    scope: 'in_unit',
    paid: 0,
    assessment: '',
    price_item_id: null,
    quoted_fen: null,
    agreed_at: null,
    agreed_via: null,
    appointment_at: null,
    informed_at: null,
    accepted_at: null,
    departed_at: null,
    arrived_at: null,
    findings: '',
    completed_at: null,
    materials: '[]',
    labour_fen: 0,
    fee_collected_fen: 0,
    signature_file_id: null,
    signed_at: null,
    confirmed_at: null,
    confirmed_via: null,
    rework_of: null,
    major_defect: 0,
    rating_overall: null,
    rating_speed: null,
    rating_attitude: null,
    rating_comment: '',
    rated_at: null,
    rated_via: null,
  },
  complaint: {
    grade: 'general',
    compensation: 0,
    about_manager: 0,
    promised_at: null,
    findings: '',
    company_at_fault: 0,
    apology_via: null,
    apology_at: null,
    solution: '',
    complainant_opinion: '',
    solution_agreed: 0,
    emergency: '[]',
    reopen_count: 0,
    first_handler_id: null,
    resolution: '',
    resolved_at: null,
    cause: '',
    preventive: '',
    declined_at: null,
    close_reason: '',
    escalation: '',
    escalated_at: null,
    escalation_reason: '',
    leadership_decision: '',
    leadership_decided_at: null,
    leadership_report: '',
    leadership_reported_at: null,
    corrective_report: '',
    corrective_published_at: null,
    correction_plan: '',
    correction_due_at: null,
    correction_done_at: null,
  },
  inquiry: { promised_at: null, answer: '', answered_at: null },
  suggestion: { handling: '', month: null, reply: '', replied_at: null },
  special: {
    item: '',
    price_fen: null,
    agreed_at: null,
    arrangement: '',
    scheduled_at: null,
    result: '',
    reported_to: null,
    reply: '',
  },
};

async function insertDetail(tx: Tx, kind: DetailKind, requestId: string, scope: 'in_unit' | 'common' = 'in_unit') {
  const values = { request_id: requestId, ...DETAIL_DEFAULTS[kind], ...(kind === 'repair' ? { scope } : {}) };
  await (tx as any).insertInto(DETAIL_TABLE[kind]).values(values).execute();
}

async function departmentByCode(tx: Tx, projectId: string, code: string) {
  return tx.selectFrom('departments').select('id').where('project_id', '=', projectId).where('code', '=', code).executeTakeFirst();
}

export interface NewRequest {
  projectId: string;
  kind: Kind;
  channel: string;
  requesterPersonId: string | null;
  requesterName: string;
  requesterPhone: string;
  unitId: string | null;
  location: string;
  content: string;
  categoryId: string | null;
  urgency: string;
  preferredTime: string;
  departmentId: string | null;
  repairScope?: 'in_unit' | 'common';
  photoIds: string[];
  inquiry?: { answer?: string; promisedAt?: number };
  /** Start in this status instead of the kind's first one (a rework order skips the assessment). */
  status?: string;
  /** A complaint's grade and escalation marks. */
  complaint?: { grade: 'general' | 'significant' | 'urgent'; compensation: boolean; aboutManager: boolean };
  /** Repair detail columns set at once (rework_of, assessment). */
  repair?: { rework_of?: string; assessment?: string };
  /** Extra deadlines to start with the kind's own. */
  extraDeadlines?: string[];
  /** Recorded with the 'created' history event. */
  eventData?: Record<string, unknown>;
  /** What the caller has already read (createRequest validates first): saves reading it again. */
  known?: { rulesJson: { company: string | null; project: string | null }; department: { id: string; name: string } | null };
}

/** What the intake wrote, so it can answer without reading it back. */
export interface Inserted {
  row: RequestRow;
  detail: Record<string, unknown>;
  deadlines: Deadline[];
  event: Selectable<RequestEventTable>;
  departmentName: string | null;
  /** Escalated at intake: other rows (a leadership deadline, notifications) were written too. */
  escalated: boolean;
}

const REQUEST_INSERT = insertText('requests', REQUEST_COLUMNS);
const EVENT_INSERT = insertText('request_events', EVENT_COLUMNS);
const DEADLINE_INSERT = insertText('deadlines', DEADLINE_COLUMNS);
const detailInserts = new Map<string, string>();
function detailInsert(table: string, columns: string[]): string {
  const key = `${table}:${columns.join(',')}`;
  let text = detailInserts.get(key);
  if (!text) {
    text = insertText(table, columns);
    detailInserts.set(key, text);
  }
  return text;
}

const COUNTER_UPSERT =
  'insert into request_counters (project_id, prefix, period, last) values (?, ?, ?, 1) ' +
  'on conflict (project_id, prefix, period) do update set last = request_counters.last + 1 returning last';
/** PostgreSQL: the next number and the audit chain's head, both locked, in one round trip. */
const NUMBER_AND_HEAD =
  'with c as (insert into request_counters (project_id, prefix, period, last) values (?, ?, ?, 1) ' +
  'on conflict (project_id, prefix, period) do update set last = request_counters.last + 1 returning last), ' +
  'h as (select seq, hash from audit_head where id = 1 for update) select c.last, h.seq, h.hash from c, h';
const RULES_SELECT = "select scope, value from settings where key = 'deadline.rules' and scope in ('company', ?)";
const DEPARTMENT_BY_CODE = 'select id, name from departments where project_id = ? and code = ?';

/** The last four digits of a phone, the counter's look-up key; '' when there are fewer. */
export function phoneLast4(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length >= 4 ? digits.slice(-4) : '';
}

const mergedRules = new Map<string, Record<string, DeadlineRule>>();

/** The rules in force from the stored settings' text; the same texts give the same rules, so they are merged once. */
function rulesFrom(json: { company: string | null; project: string | null }): Record<string, DeadlineRule> {
  const key = `${json.company ?? ''}\u0000${json.project ?? ''}`;
  let rules = mergedRules.get(key);
  if (!rules) {
    rules = mergeTexts(json);
    if (mergedRules.size >= 1000) mergedRules.clear();
    mergedRules.set(key, rules);
  }
  return rules;
}

function mergeTexts(json: { company: string | null; project: string | null }): Record<string, DeadlineRule> {
  const company = json.company ? (JSON.parse(json.company) as Record<string, Partial<DeadlineRule>>) : {};
  const project = json.project ? (JSON.parse(json.project) as Record<string, Partial<DeadlineRule>>) : {};
  return mergeRules(mergeRules(DEFAULT_RULES, company), project);
}

async function rulesJson(r: Runner, projectId: string) {
  const rows = await r.all<{ scope: string; value: string }>(RULES_SELECT, [projectId]);
  return {
    company: rows.find((x) => x.scope === 'company')?.value ?? null,
    project: rows.find((x) => x.scope === projectId)?.value ?? null,
  };
}

/** An intake worked out up to its number: everything that does not depend on the number or the audit head. */
export interface IntakePlan {
  n: NewRequest;
  actor: Actor;
  createdBy: string | null;
  now: number;
  id: string;
  status: string;
  department: { id: string; name: string } | null;
  grade: string | null;
  escalation: ReturnType<typeof intakeEscalation> | null;
  /** No escalation, no urgent notices, no photos: all its rows, the audit event included, go in one batch. */
  simple: boolean;
  /** The number counter: project, prefix, period. */
  counter: [string, string, string];
  deadlines: Deadline[];
}

/** No escalation, no urgent notices, no photos: all of such an intake's rows, the audit event included, go in one batch. */
function isCommonIntake(n: Pick<NewRequest, 'kind' | 'complaint' | 'photoIds'>): boolean {
  if (n.photoIds.length) return false;
  if (n.kind !== 'complaint' || !n.complaint) return true;
  return n.complaint.grade !== 'urgent' && !intakeEscalation(n.complaint);
}

async function planIntake(r: Runner, db: Db | Tx, actor: Actor, createdBy: string | null, now: number, n: NewRequest): Promise<IntakePlan> {
  const rules = rulesFrom(n.known?.rulesJson ?? (await rulesJson(r, n.projectId)));
  const init = initialOf(n.kind, n);
  let department: { id: string; name: string } | null = null;
  if (n.departmentId) department = { id: n.departmentId, name: '' };
  else if (n.known) department = n.known.department;
  else department = (await r.get<{ id: string; name: string }>(DEPARTMENT_BY_CODE, [n.projectId, DEFAULT_DEPARTMENT[n.kind]])) ?? null;
  const grade = n.kind === 'complaint' ? (n.complaint?.grade ?? 'general') : null;
  // R-CP-10: compensation, or a complaint about the project manager, goes to company leadership at once.
  const escalation = n.kind === 'complaint' && n.complaint ? intakeEscalation(n.complaint) : null;
  const id = newId(now);
  const deadlines: Deadline[] = [];
  for (const s of [...init.start, ...(n.extraDeadlines ?? []).map((kind) => ({ kind, dueAt: undefined }))]) {
    deadlines.push(
      await planDeadline(
        db,
        { requestId: id, projectId: n.projectId, kind: s.kind, rule: rules[s.kind] as DeadlineRule, dueAt: s.dueAt },
        now,
      ),
    );
  }
  return {
    n,
    actor,
    createdBy,
    now,
    id,
    status: n.status ?? init.status,
    department,
    grade,
    escalation,
    simple: isCommonIntake(n),
    counter: [n.projectId, KIND_PREFIX[n.kind], period(now)],
    deadlines,
  };
}

/** A planned intake's rows once it has its number, and the statements that write them (the search row and audit event apart). */
function intakeRows(p: IntakePlan, last: number) {
  const { n, now, id, status, department } = p;
  const number = `${KIND_PREFIX[n.kind]}-${p.counter[2]}-${String(last).padStart(4, '0')}`;
  const open = stateOf(n.kind, status).open;
  const departmentId = department?.id ?? null;
  const data = {
    number,
    kind: n.kind,
    channel: n.channel,
    requesterName: n.requesterName,
    requesterPhone: maskPhone(n.requesterPhone),
    unitId: n.unitId,
    content: n.content,
    categoryId: n.categoryId,
    urgency: n.urgency,
    preferredTime: n.preferredTime,
    departmentId,
    photos: n.photoIds.length,
    ...(n.inquiry?.answer ? { answer: n.inquiry.answer } : {}),
    ...(n.inquiry?.promisedAt && !n.inquiry.answer ? { promisedAt: n.inquiry.promisedAt } : {}),
    ...Object.fromEntries(Object.entries(n.eventData ?? {}).filter(([, v]) => v !== undefined)),
  };
  if (p.grade) Object.assign(data, { grade: p.grade });
  if (p.escalation) Object.assign(data, { escalation: 'leadership' });
  // The chain starts here: event 1 follows the empty hash, and the request row holds the tip.
  const eventRow: Omit<Selectable<RequestEventTable>, 'hash'> = {
    request_id: id,
    n: 1,
    at: now,
    actor_id: p.actor.userId,
    actor_name: p.actor.name,
    type: 'created',
    from_status: null,
    to_status: status,
    data: JSON.stringify(data),
    corrects_n: null,
    prev_hash: '',
  };
  const event = { ...eventRow, hash: requestEventHash(eventRow) };
  const running = p.deadlines.filter((d) => d.status === 'running').map((d) => d.due_at);
  const row: RequestRow = {
    id,
    project_id: n.projectId,
    number,
    kind: n.kind,
    channel: n.channel,
    status,
    is_open: open ? 1 : 0,
    requester_person_id: n.requesterPersonId,
    requester_name: n.requesterName,
    requester_phone: n.requesterPhone,
    phone_last4: phoneLast4(n.requesterPhone),
    unit_id: n.unitId,
    location: n.location,
    content: n.content,
    category_id: n.categoryId,
    urgency: n.urgency,
    preferred_time: n.preferredTime,
    department_id: departmentId,
    assignee_id: null,
    next_due_at: running.length ? Math.min(...running) : NO_DUE,
    event_n: 1,
    event_hash: event.hash,
    created_by: p.createdBy,
    created_at: now,
    updated_at: now,
    closed_at: open ? null : now,
    version: 1,
  };
  const writes: [string, unknown[]][] = [[REQUEST_INSERT, REQUEST_COLUMNS.map((c) => row[c])]];
  let detail: Record<string, unknown> = {};
  if (hasDetail(n.kind)) {
    detail = { ...DETAIL_DEFAULTS[n.kind] };
    if (n.kind === 'repair') Object.assign(detail, { scope: n.repairScope ?? 'in_unit' }, n.repair ?? {});
    if (n.kind === 'complaint' && n.complaint)
      Object.assign(detail, {
        grade: n.complaint.grade,
        compensation: n.complaint.compensation ? 1 : 0,
        about_manager: n.complaint.aboutManager ? 1 : 0,
      });
    if (n.kind === 'inquiry')
      Object.assign(detail, {
        promised_at: n.inquiry?.answer ? null : (n.inquiry?.promisedAt ?? null),
        answer: n.inquiry?.answer ?? '',
        answered_at: n.inquiry?.answer ? now : null,
      });
    const columns = Object.keys(detail);
    writes.push([detailInsert(DETAIL_TABLE[n.kind], ['request_id', ...columns]), [id, ...columns.map((c) => detail[c])]]);
  }
  for (const d of p.deadlines) writes.push([DEADLINE_INSERT, deadlineValues(d)]);
  writes.push([EVENT_INSERT, EVENT_COLUMNS.map((c) => event[c])]);
  const doc: SearchDoc = {
    requestId: id,
    projectId: row.project_id,
    createdAt: now,
    content: row.content,
    location: row.location,
    requesterName: row.requester_name,
  };
  const audit: AuditInput = { action: 'request.created', entity: 'request', entityId: row.id, after: data };
  const inserted: Inserted = {
    row,
    detail,
    deadlines: p.deadlines,
    event,
    departmentName: department?.name || null,
    escalated: !!p.escalation,
  };
  return { inserted, writes, doc, audit };
}

/**
 * Writes a new request, validated by the caller, inside the caller's transaction: the
 * register row, its detail row, deadlines, photos, the first history event, the search
 * index and the audit event. The rows are written through fixed SQL (this runs on every
 * intake), the rare extras (escalation, urgent notices, photos) through the services.
 */
export async function insertRequest(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  createdBy: string | null,
  live: LiveEvent[],
  now: number,
  n: NewRequest,
): Promise<RequestRow> {
  return (await writeRequest(ctx, tx, live, await planIntake(txRunner(ctx, tx), tx, actor, createdBy, now, n))).row;
}

async function writeRequest(ctx: AppContext, tx: Tx, live: LiveEvent[], plan: IntakePlan): Promise<Inserted> {
  const r = txRunner(ctx, tx);
  const { n, now, actor, simple } = plan;
  // The common intake writes all its rows, the audit event included, in one statement after
  // taking its number and the audit head together: on PostgreSQL the two row locks that
  // serialise intakes are then held for two round trips instead of five. Escalation, urgent
  // notices and photos go through their services, so those intakes append the audit event last.
  let last: number;
  let head: { seq: number; hash: string } | undefined;
  if (simple && r.dialect === 'postgres') {
    const got = await r.get<{ last: number; seq: number; hash: string }>(NUMBER_AND_HEAD, plan.counter);
    last = Number(got?.last);
    head = got && { seq: Number(got.seq), hash: got.hash };
  } else {
    last = Number((await r.get<{ last: number }>(COUNTER_UPSERT, plan.counter))?.last);
    if (simple) head = await r.get<{ seq: number; hash: string }>(AUDIT_HEAD_SELECT.sqlite);
  }
  const { inserted, writes, doc, audit } = intakeRows(plan, last);
  const { row } = inserted;
  // SQLite: after the group's savepoints (FTS5 writes its index to disk at each one).
  if (r.dialect === 'sqlite') await beforeCommit(tx, () => indexRequest(r, doc));
  else writes.push(searchInsert(doc));
  if (head) writes.push(...auditAppend(head, actor, audit, now).writes);
  await r.batch(writes);
  if (plan.escalation) {
    await escalate(tx, live, row, 'leadership', plan.escalation, now);
    row.next_due_at = await refreshNextDue(tx, row.id);
  }
  await attachToRequest(tx, n.photoIds, row.id, plan.createdBy ?? '', row.project_id);
  live.push(liveOf(row, 'request.created', now));
  // R-CP-2: an urgent complaint reaches the head of the department at once, and the project's supervisors.
  if (plan.grade === 'urgent') {
    const departmentId = row.department_id;
    const heads = departmentId
      ? (
          await tx
            .selectFrom('users')
            .innerJoin('staff', 'staff.id', 'users.staff_id')
            .select('users.id')
            .where('staff.department_id', '=', departmentId)
            .where('users.role', '=', 'department_head')
            .execute()
        ).map((u) => u.id)
      : [];
    // No head in the owning department: every department head of the project is told.
    const anyHead = heads.length ? [] : await projectUsersByRole(tx, row.project_id, 'department_head');
    const users = [
      ...heads,
      ...anyHead,
      ...(await projectUsersByRole(tx, row.project_id, 'service_supervisor')),
      ...(await projectUsersByRole(tx, row.project_id, 'project_manager')),
    ];
    live.push(
      ...(await notify(
        tx,
        {
          userIds: users,
          kind: 'complaint.urgent',
          title: `紧急投诉 ${row.number}：请部门负责人立即处理`,
          body: n.content,
          link: `/requests/${row.id}`,
          requestId: row.id,
          dedupeKey: `urgent:${row.id}`,
          projectId: row.project_id,
        },
        now,
      )),
    );
  }
  // Last: the audit head stays locked from here to the commit.
  if (!head) await appendAuditWith(r, actor, audit, now);
  return inserted;
}

type CheckInput = {
  projectId: string;
  unitId: string | null;
  personId: string | null;
  categoryId: string | null;
  departmentId: string | null;
  code: string;
};
/** Each checked column: its sub-query, its parameters, and whether the intake has what it checks. */
const CHECK_COLUMNS: [string, string, (i: CheckInput) => unknown[], (i: CheckInput) => boolean][] = [
  ['project_name', 'select name from projects where id = ?', (i) => [i.projectId], () => true],
  ['unit_project_id', 'select project_id from units where id = ?', (i) => [i.unitId], (i) => !!i.unitId],
  ['unit_number', 'select number from units where id = ?', (i) => [i.unitId], (i) => !!i.unitId],
  ['person_name', 'select name from people where id = ?', (i) => [i.personId], (i) => !!i.personId],
  ['person_phone', 'select phone from people where id = ?', (i) => [i.personId], (i) => !!i.personId],
  [
    'occupied',
    'select 1 from occupancies where person_id = ? and project_id = ? and (cast(? as text) is null or unit_id = ?) limit 1',
    (i) => [i.personId, i.projectId, i.unitId, i.unitId],
    (i) => !!i.personId,
  ],
  ['category_kind', 'select kind from categories where id = ?', (i) => [i.categoryId], (i) => !!i.categoryId],
  ['category_active', 'select active from categories where id = ?', (i) => [i.categoryId], (i) => !!i.categoryId],
  ['category_name', 'select name from categories where id = ?', (i) => [i.categoryId], (i) => !!i.categoryId],
  ['category_parent', 'select parent_id from categories where id = ?', (i) => [i.categoryId], (i) => !!i.categoryId],
  ['department_project', "select coalesce(project_id, '') from departments where id = ?", (i) => [i.departmentId], (i) => !!i.departmentId],
  ['department_name', 'select name from departments where id = ?', (i) => [i.departmentId], (i) => !!i.departmentId],
  ['default_department_id', 'select id from departments where project_id = ? and code = ?', (i) => [i.projectId, i.code], () => true],
  ['default_department_name', 'select name from departments where project_id = ? and code = ?', (i) => [i.projectId, i.code], () => true],
  ['company_rules', "select value from settings where key = 'deadline.rules' and scope = 'company'", () => [], () => true],
  ['project_rules', "select value from settings where key = 'deadline.rules' and scope = ?", (i) => [i.projectId], () => true],
];

const checkTexts = new Map<string, string>();

/**
 * Everything the intake checks before writing, in one statement: one round trip on
 * PostgreSQL instead of eight. Each column is a primary-key (or unique-index) look-up; a column
 * the intake has nothing for is a constant null (one text per shape of intake, kept).
 */
function intakeChecks(i: CheckInput, dialect: Dialect): [string, unknown[]] {
  const used = CHECK_COLUMNS.map(([, , , has]) => has(i));
  const key = `${dialect}:${used.map((u) => (u ? 1 : 0)).join('')}`;
  let text = checkTexts.get(key);
  if (!text) {
    text = `select ${CHECK_COLUMNS.map(([col, q], k) => (used[k] ? `(${q}) as ${col}` : `null as ${col}`)).join(', ')}`;
    checkTexts.set(key, text);
  }
  return [text, CHECK_COLUMNS.flatMap(([, , params], k) => (used[k] ? params(i) : []))];
}

interface IntakeChecks {
  project_name: string | null;
  unit_project_id: string | null;
  unit_number: string | null;
  person_name: string | null;
  person_phone: string | null;
  occupied: number | null;
  category_kind: string | null;
  category_active: number | null;
  category_name: string | null;
  category_parent: string | null;
  department_project: string | null;
  department_name: string | null;
  default_department_id: string | null;
  default_department_name: string | null;
  company_rules: string | null;
  project_rules: string | null;
}

/** The intake's checks of every reference, read in one statement inside its transaction. */
async function checkIntake(r: Runner, input: RequestCreateInput, now: number) {
  const unitId = input.unitId ?? null;
  const personId = input.requesterPersonId ?? null;
  const categoryId = input.categoryId ?? null;
  const departmentId = input.departmentId ?? null;
  const code = DEFAULT_DEPARTMENT[input.kind];
  const c = (await r.get<IntakeChecks>(
    ...intakeChecks({ projectId: input.projectId, unitId, personId, categoryId, departmentId, code }, r.dialect),
  )) as IntakeChecks;
  if (c.project_name === null) throw fieldError('projectId', '项目不存在');
  if (input.anonymous && !['complaint', 'suggestion'].includes(input.kind)) throw fieldError('anonymous', '只有投诉和建议可以匿名');
  let name = input.requesterName;
  let phone = input.requesterPhone;
  if (unitId && c.unit_project_id !== input.projectId) throw fieldError('unitId', '房屋不存在或不属于该项目');
  if (personId) {
    if (c.person_name === null) throw fieldError('requesterPersonId', '住户不存在');
    // Only someone living in (or owning in) this project: a person of another project stays out of reach.
    if (!c.occupied) throw fieldError('requesterPersonId', unitId ? '该住户与所选房屋无关联' : '该住户不属于该项目');
    name ||= c.person_name;
    phone ||= c.person_phone ?? '';
  }
  if (input.anonymous) {
    name = '匿名';
    phone = '';
  } else if (!name) {
    throw fieldError('requesterName', '请填写联系人姓名（非住户请直接填写）');
  }
  if (input.kind === 'inquiry') {
    const iq = input.inquiry;
    if (!iq?.answer && !iq?.promisedAt) throw fieldError('inquiry', '咨询须当场答复，或约定答复时间');
    if (iq?.promisedAt && !iq.answer && iq.promisedAt <= now) throw fieldError('inquiry.promisedAt', '约定答复时间须晚于现在');
  }
  if (categoryId && (c.category_kind !== input.kind || !c.category_active)) throw fieldError('categoryId', '分类不存在或不属于该类型');
  if (departmentId && (c.department_project === null || (c.department_project !== '' && c.department_project !== input.projectId)))
    throw fieldError('departmentId', '部门不存在或不属于该项目');
  const department = departmentId
    ? { id: departmentId, name: c.department_name ?? '' }
    : c.default_department_id
      ? { id: c.default_department_id, name: c.default_department_name ?? '' }
      : null;
  return { c, name, phone, unitId, personId, categoryId, departmentId, department };
}

/** R-IN-2: one intake for counter and phone. Validates every reference, then writes it all in one transaction. */
export async function createRequest(ctx: AppContext, viewer: Viewer, input: RequestCreateInput) {
  if (!inProject(viewer, input.projectId)) throw fieldError('projectId', '项目不存在');
  const actor = actorOf(viewer);
  const live: LiveEvent[] = [];
  // Checks the references and works the intake out up to its number.
  const prepare = async (r: Runner, db: Db | Tx, now: number) => {
    const checked = await checkIntake(r, input, now);
    const { c, name, phone, unitId, personId, categoryId, departmentId, department } = checked;
    const path = categoryId ? await categoryPathWith(r, c.category_name ?? '', c.category_parent) : null;
    const plan = await planIntake(r, db, actor, viewer.userId, now, {
      projectId: input.projectId,
      kind: input.kind,
      channel: input.channel,
      requesterPersonId: input.anonymous ? null : personId,
      requesterName: name,
      requesterPhone: phone,
      unitId: input.anonymous ? null : unitId,
      location: input.location,
      content: input.content,
      categoryId,
      urgency: input.urgency,
      preferredTime: input.preferredTime,
      departmentId,
      repairScope: input.repairScope,
      photoIds: input.photoIds,
      inquiry: input.inquiry,
      complaint:
        input.kind === 'complaint' ? (input.complaint ?? { grade: 'general', compensation: false, aboutManager: false }) : undefined,
      eventData: { callId: input.callId ?? null, readBackConfirmed: input.channel === 'portal' ? undefined : true },
      known: { rulesJson: { company: c.company_rules, project: c.project_rules }, department },
    });
    return { checked, path, plan };
  };
  let prepared: Awaited<ReturnType<typeof prepare>> | undefined;
  let written: Inserted;
  // The common intake is checked and planned outside any transaction, then written in the
  // node's next intake batch (see `writeIntakeBatch`).
  if (!input.callId && isCommonIntake(input)) {
    const now = ctx.clock.now();
    prepared = await withReader(ctx, (r, db) => prepare(r, db, now));
    // Alone (the batch failed): a common intake's only live event is the one added below.
    written = await batched(ctx, 'intake', prepared.plan, writeIntakeBatch(ctx), (p) =>
      ctx.db.transaction().execute((tx) => writeRequest(ctx, tx, [], p)),
    );
    live.push(liveOf(written.row, 'request.created', now));
  } else {
    written = await groupTransaction(ctx, async (tx) => {
      const r = txRunner(ctx, tx);
      prepared = await prepare(r, tx, ctx.clock.now());
      const w = await writeRequest(ctx, tx, live, prepared.plan);
      const row = w.row;
      if (input.callId) {
        const call = await tx
          .selectFrom('calls')
          .select(['id', 'project_id', 'request_id'])
          .where('id', '=', input.callId)
          .executeTakeFirst();
        if (!call || call.project_id !== row.project_id) throw fieldError('callId', '来电记录不存在');
        if (call.request_id) throw fieldError('callId', '该来电已关联其他事项');
        const linked = await tx
          .updateTable('calls')
          .set({ request_id: row.id })
          .where('id', '=', call.id)
          .where('request_id', 'is', null)
          .executeTakeFirst();
        if (Number(linked.numUpdatedRows) !== 1) throw fieldError('callId', '该来电已关联其他事项');
        await appendAudit(
          tx,
          ctx.dialect,
          actor,
          { action: 'call.linked', entity: 'call', entityId: call.id, after: { requestId: row.id, number: row.number } },
          prepared.plan.now,
        );
      }
      return w;
    });
  }
  ctx.live.publishAll(live);
  const w = written;
  const { checked, path, plan } = prepared as NonNullable<typeof prepared>;
  const { c, categoryId, departmentId } = checked;
  // Escalated at intake: other services wrote rows of their own; read the request back as anyone would.
  if (w.escalated) return getRequest(ctx, viewer, w.row.id);
  return presentDetail(ctx, viewer, plan.now, {
    row: w.row,
    projectName: c.project_name ?? '',
    unitNumber: w.row.unit_id ? c.unit_number : null,
    departmentName: w.departmentName ?? (departmentId ? c.department_name : null),
    assigneeName: null,
    appointmentAt: null,
    detail: w.detail,
    deadlines: w.deadlines,
    events: [w.event],
    categoryPath: categoryId ? path : null,
    photos: input.photoIds.length ? await requestPhotos(ctx.db, w.row.id) : [],
    // A new request has no rework orders yet and no help asked.
    links: [],
    help: [],
  });
}

/** Several number series advanced at once, each by its count. */
const COUNTERS_UPSERT = (rows: number) =>
  `insert into request_counters (project_id, prefix, period, last) values ${Array.from({ length: rows }, () => '(?, ?, ?, ?)').join(', ')} ` +
  'on conflict (project_id, prefix, period) do update set last = request_counters.last + excluded.last returning project_id, prefix, period, last';
/** PostgreSQL: the same, and the audit chain's head locked, in one statement. */
const COUNTERS_AND_HEAD = (rows: number) =>
  `with c as (${COUNTERS_UPSERT(rows)}), h as (select seq, hash from audit_head where id = 1 for update) ` +
  'select c.project_id, c.prefix, c.period, c.last, h.seq, h.hash from c, h';
const SQLITE_SEARCH_INSERT = 'insert into request_search (terms, scope, request_id) values (?, ?, ?)';

/**
 * PostgreSQL: the common intakes of one batch written together. Two row locks serialise intakes
 * by design (the gap-free number series of a project, kind and month; the one audit chain);
 * one intake a transaction held both for its own round trips, so intakes went one round trip
 * at a time. A batch takes all its numbers (each series once, in a fixed order, so two nodes
 * cannot deadlock) and the audit head in one statement, writes every row, the chained audit
 * events and the new head in a second, and commits: three round trips for the whole batch.
 */
function writeIntakeBatch(ctx: AppContext) {
  return async (tx: Tx, plans: IntakePlan[]): Promise<Inserted[]> => {
    const series = new Map<string, { counter: [string, string, string]; count: number; next: number }>();
    for (const p of plans) {
      const key = p.counter.join('\u0000');
      const s = series.get(key);
      if (s) s.count++;
      else series.set(key, { counter: p.counter, count: 1, next: 0 });
    }
    const keys = [...series.keys()].sort();
    const params = keys.flatMap((k) => {
      const s = series.get(k) as { counter: string[]; count: number };
      return [...s.counter, s.count];
    });
    let got: { project_id: string; prefix: string; period: string; last: number; seq: number; hash: string }[];
    const prepare = ctx.handle.prepare;
    if (prepare) {
      // SQLite (no writes inside WITH): the counters, then the head; the transaction is the database's only writer.
      const head = prepare(AUDIT_HEAD_SELECT.sqlite).get() as { seq: number; hash: string };
      got = (prepare(COUNTERS_UPSERT(keys.length)).all(...params) as typeof got).map((g) => ({ ...g, ...head }));
    } else got = (await tx.executeQuery<(typeof got)[number]>(CompiledQuery.raw(pgText(COUNTERS_AND_HEAD(keys.length)), params))).rows;
    for (const g of got) {
      const s = series.get([g.project_id, g.prefix, g.period].join('\u0000'));
      if (s) s.next = Number(g.last) - s.count + 1;
    }
    let head = { seq: Number(got[0]?.seq), hash: String(got[0]?.hash) };
    const writes: [string, unknown[]][] = [];
    const audits: [string, unknown[]][] = [];
    let headWrite: [string, unknown[]] | undefined;
    const out = plans.map((p) => {
      const s = series.get(p.counter.join('\u0000')) as { next: number };
      const { inserted, writes: rows, doc, audit } = intakeRows(p, s.next++);
      writes.push(...rows, prepare ? [SQLITE_SEARCH_INSERT, searchRow('sqlite', doc)] : searchInsert(doc));
      const a = auditAppend(head, p.actor, audit, p.now);
      head = { seq: a.seq, hash: a.hash };
      audits.push(a.writes[0] as [string, unknown[]]);
      headWrite = a.writes[1];
      return inserted;
    });
    const stmts = [...mergeInserts([...writes, ...audits]), ...(headWrite ? [headWrite] : [])];
    if (prepare) for (const [text, values] of stmts) prepare(text).run(...values);
    else await runCombined(tx, stmts);
    return out;
  };
}

/** The category path from a category already read (its name and parent), walking up through fixed SQL. */
async function categoryPathWith(r: Runner, name: string, parent: string | null): Promise<string> {
  const names = [name];
  let cur = parent;
  for (let i = 1; cur && i < 10; i++) {
    const c = await r.get<{ name: string; parent_id: string | null }>('select name, parent_id from categories where id = ?', [cur]);
    if (!c) break;
    names.unshift(c.name);
    cur = c.parent_id;
  }
  return names.join(' / ');
}

/**
 * Runs one command on a request: compare-and-set on its version first (so of two people
 * acting at once one wins and the other gets 409 with the current state), then the
 * command's changes, its history event and its audit event, all in one transaction.
 */
export async function runCommand(
  ctx: AppContext,
  viewer: Viewer,
  id: string,
  version: number,
  fn: (c: {
    viewer: Viewer;
    tx: Tx;
    row: RequestRow;
    now: number;
    actor: Actor;
    set: (fields: Partial<RequestRow>) => void;
    event: (e: RequestEventInput) => Promise<void>;
    live: LiveEvent[];
  }) => Promise<void>,
) {
  const row = await loadRow(ctx.db, id);
  await assertVisible(ctx, viewer, row);
  const actor = actorOf(viewer);
  const live: LiveEvent[] = [];
  await ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const res = await tx
      .updateTable('requests')
      .set({ version: version + 1, updated_at: now })
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) {
      const current = await loadRow(tx, id);
      throw conflict(`该事项已被他人处理（当前状态：${stateOf(current.kind as Kind, current.status).label}），请刷新后再试`, {
        version: current.version,
        status: current.status,
        statusLabel: stateOf(current.kind as Kind, current.status).label,
        assigneeId: current.assignee_id,
        departmentId: current.department_id,
      });
    }
    const fresh = await loadRow(tx, id);
    const pending: Partial<RequestRow> = {};
    const events: RequestEventInput[] = [];
    await fn({
      viewer,
      tx,
      row: fresh,
      now,
      actor,
      live,
      set: (f) => Object.assign(pending, f),
      event: async (e) => {
        events.push(e);
      },
    });
    if (Object.keys(pending).length) await tx.updateTable('requests').set(pending).where('id', '=', id).execute();
    const after = { ...fresh, ...pending };
    for (const e of events) {
      await appendRequestEvent(tx, ctx.dialect, id, actor, e, now);
      await appendAudit(
        tx,
        ctx.dialect,
        actor,
        { action: `request.${e.type}`, entity: 'request', entityId: id, before: { status: e.from ?? fresh.status }, after: e.data ?? {} },
        now,
      );
    }
    live.push(liveOf(after, 'request.updated', now));
  });
  ctx.live.publishAll(live);
  return getRequest(ctx, viewer, id);
}

const assignInput = z.object({
  departmentId: z.string().min(1).optional().describe('部门'),
  assigneeId: z.string().min(1).nullable().optional().describe('负责人（null = 取消指派）'),
  note: z.string().trim().max(500).default('').describe('备注'),
});
const noteInput = z.object({ text: z.string().trim().min(1, '请填写备注').max(2000).describe('备注') });
const reclassifyInput = z.object({
  kind: z.enum(KINDS).describe('新类型'),
  reason: z.string().trim().min(1, '改变类型须填写原因').max(500).describe('原因'),
  categoryId: z.string().min(1).optional().describe('分类'),
});

/** Actions every open request has, whatever its kind. */
const COMMON_ACTIONS: TransitionDef[] = [
  { action: 'assign', label: '分派', from: [], to: '', permission: 'request.handle', input: assignInput },
  { action: 'note', label: '备注', from: [], to: '', permission: 'request.handle', input: noteInput },
  { action: 'reclassify', label: '改变类型', from: [], to: '', permission: 'request.handle', input: reclassifyInput },
];

function parseInput<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const fields: Record<string, string> = {};
  for (const i of r.error.issues) fields[i.path.join('.') || 'body'] ??= i.message;
  const first = Object.entries(fields)[0];
  throw badRequest(first ? `输入有误：${first[0]}：${first[1]}` : '输入有误', fields);
}

async function assigneeCheck(tx: Tx, projectId: string, userId: string) {
  const u = await tx.selectFrom('users').select(['id', 'role', 'all_projects', 'active']).where('id', '=', userId).executeTakeFirst();
  if (!u || !u.active || u.role === 'resident') throw fieldError('assigneeId', '负责人不存在');
  if (!u.all_projects) {
    const up = await tx
      .selectFrom('user_projects')
      .select('user_id')
      .where('user_id', '=', userId)
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    if (!up) throw fieldError('assigneeId', '负责人不属于该项目');
  }
}

export async function act(ctx: AppContext, viewer: Viewer, id: string, action: string, body: Record<string, unknown>, only?: Permission) {
  const version = body.version;
  if (typeof version !== 'number') throw fieldError('version', '缺少版本号');
  const row = await loadRow(ctx.db, id);
  await assertVisible(ctx, viewer, row);
  if (viewer.role === 'resident') throw forbidden();
  const common = COMMON_ACTIONS.find((t) => t.action === action);
  const kind = row.kind as Kind;
  const def = common ?? WORKFLOWS[kind].transitions.find((t) => t.action === action);
  if (!def || (only && def.permission !== only)) throw new AppError(422, 'unknown_action', `“${KIND_LABEL[kind]}”没有“${action}”这一步`);
  if (!roleCan(viewer.role, def.permission) || (def.roles && !def.roles.includes(viewer.role))) throw forbidden('您的角色不能执行这一步');
  const { version: _v, ...rest } = body;
  const input = parseInput(def.input, rest) as Record<string, unknown>;

  return runCommand(ctx, viewer, id, version, async (c) => {
    const r = c.row;
    if (!common && !def.from.includes(r.status)) {
      throw ruleViolated(`当前状态“${stateOf(kind, r.status).label}”不能执行“${def.label}”`, 'transition_not_allowed');
    }
    if (common && !r.is_open) throw ruleViolated(`事项已办结，不能执行“${def.label}”`, 'transition_not_allowed');
    if (common) return commonAction(ctx, c, action, input);
    await runTransition(ctx, c, def, input);
  });
}

type Cmd = Parameters<Parameters<typeof runCommand>[4]>[0];

async function commonAction(ctx: AppContext, c: Cmd, action: string, input: Record<string, unknown>) {
  const r = c.row;
  if (action === 'note') {
    await c.event({ type: 'note', data: { text: input.text } });
    return;
  }
  if (action === 'assign') {
    const set: Partial<RequestRow> = {};
    if (input.departmentId !== undefined) {
      const d = await c.tx
        .selectFrom('departments')
        .select(['id', 'project_id', 'name'])
        .where('id', '=', input.departmentId as string)
        .executeTakeFirst();
      if (!d || (d.project_id !== null && d.project_id !== r.project_id)) throw fieldError('departmentId', '部门不存在或不属于该项目');
      set.department_id = d.id;
    }
    if (input.assigneeId !== undefined) {
      if (input.assigneeId !== null) await assigneeCheck(c.tx, r.project_id, input.assigneeId as string);
      set.assignee_id = input.assigneeId as string | null;
    }
    if (!Object.keys(set).length) throw badRequest('请选择部门或负责人', { departmentId: '请选择部门或负责人' });
    c.set(set);
    await c.tx
      .updateTable('deadlines')
      .set({ responsible_id: 'assignee_id' in set ? (set.assignee_id ?? null) : r.assignee_id })
      .where('request_id', '=', r.id)
      .where('status', 'in', ['running', 'paused'])
      .execute();
    const names = async (departmentId: string | null, assigneeId: string | null) => ({
      departmentId,
      departmentName: departmentId
        ? ((await c.tx.selectFrom('departments').select('name').where('id', '=', departmentId).executeTakeFirst())?.name ?? null)
        : null,
      assigneeId,
      assigneeName: assigneeId
        ? ((await c.tx.selectFrom('users').select('display_name').where('id', '=', assigneeId).executeTakeFirst())?.display_name ?? null)
        : null,
    });
    await c.event({
      type: 'assigned',
      data: {
        from: await names(r.department_id, r.assignee_id),
        to: await names(set.department_id ?? r.department_id, set.assignee_id !== undefined ? set.assignee_id : r.assignee_id),
        note: input.note,
      },
    });
    c.live.push(liveOf({ ...r, ...set }, 'request.assigned', c.now));
    return;
  }
  if (action === 'reclassify') {
    const kind = input.kind as Kind;
    if (kind === r.kind) throw fieldError('kind', '新类型与原类型相同');
    if (input.categoryId) {
      const cat = await c.tx
        .selectFrom('categories')
        .select('kind')
        .where('id', '=', input.categoryId as string)
        .executeTakeFirst();
      if (!cat || cat.kind !== kind) throw fieldError('categoryId', '分类不属于新类型');
    }
    const cancelled = await cancelDeadlines(c.tx, r.id, c.now);
    const rules = await deadlineRules(c.tx, r.project_id);
    const init = initialOf(kind, {});
    for (const s of init.start)
      await startDeadline(
        c.tx,
        { requestId: r.id, projectId: r.project_id, kind: s.kind, rule: rules[s.kind] as DeadlineRule, responsibleId: r.assignee_id },
        c.now,
      );
    if (hasDetail(kind)) {
      const exists = await (c.tx as any)
        .selectFrom(DETAIL_TABLE[kind])
        .select('request_id')
        .where('request_id', '=', r.id)
        .executeTakeFirst();
      if (!exists) await insertDetail(c.tx, kind, r.id);
    }
    const number = await nextNumber(c.tx, r.project_id, kind, c.now);
    const departmentId = (await departmentByCode(c.tx, r.project_id, DEFAULT_DEPARTMENT[kind]))?.id ?? r.department_id;
    c.set({
      kind,
      number,
      status: init.status,
      category_id: (input.categoryId as string | undefined) ?? null,
      department_id: departmentId,
      is_open: 1,
    });
    await refreshNextDue(c.tx, r.id);
    await c.event({
      type: 'reclassified',
      from: r.status,
      to: init.status,
      data: {
        fromKind: r.kind,
        toKind: kind,
        oldNumber: r.number,
        newNumber: number,
        reason: input.reason,
        cancelledDeadlines: cancelled.map((d) => d.kind),
      },
    });
  }
}

async function runTransition(ctx: AppContext, c: Cmd, def: TransitionDef, input: Record<string, unknown>) {
  const r = c.row;
  const kind = r.kind as Kind;
  const fx = def.effects ?? {};
  const nextStatus = def.to || r.status;
  const to = stateOf(kind, nextStatus);
  for (const [field, value] of Object.entries(input)) {
    if (field.endsWith('At') && typeof value === 'number' && ['promisedAt', 'scheduledAt', 'dueAt'].includes(field) && value <= c.now) {
      throw fieldError(field, '时间须晚于现在');
    }
  }
  if (input.assigneeId) {
    await assigneeCheck(c.tx, r.project_id, input.assigneeId as string);
    c.set({ assignee_id: input.assigneeId as string });
  }
  const detail: Record<string, unknown> = {};
  const noted: Record<string, unknown> = {};
  if (def.step) {
    await def.step({
      ctx,
      tx: c.tx,
      dataDir: ctx.dataDir,
      row: r,
      input,
      now: c.now,
      viewer: c.viewer,
      actor: c.actor,
      live: c.live,
      set: (f) => {
        if (f.assignee_id !== undefined) c.set({ assignee_id: f.assignee_id });
        if (f.department_id !== undefined) c.set({ department_id: f.department_id });
      },
      detail: (f) => Object.assign(detail, f),
      note: (f) => Object.assign(noted, f),
    });
  }
  for (const [from, col] of Object.entries(fx.detail ?? {})) if (input[from] !== undefined) detail[col] = input[from];
  for (const col of fx.stampDetail ?? []) detail[col] = c.now;
  if (fx.monthOf) detail.month = toLocalDate(c.now).slice(0, 7);
  if (Object.keys(detail).length && hasDetail(kind))
    await (c.tx as any).updateTable(DETAIL_TABLE[kind]).set(detail).where('request_id', '=', r.id).execute();
  if (fx.meet?.length) await meetDeadlines(c.tx, r.id, fx.meet, c.now);
  if (fx.cancel?.length) await cancelDeadlines(c.tx, r.id, c.now, fx.cancel);
  if (fx.start?.length) {
    const rules = await deadlineRules(c.tx, r.project_id);
    for (const s of fx.start) {
      const dueAt = s.dueAtField ? (input[s.dueAtField] as number | undefined) : undefined;
      await startDeadline(
        c.tx,
        {
          requestId: r.id,
          projectId: r.project_id,
          kind: s.kind,
          rule: rules[s.kind] as DeadlineRule,
          dueAt,
          responsibleId: (input.assigneeId as string) ?? r.assignee_id,
        },
        c.now,
      );
    }
  }
  // A step recorded along the way ('' target) leaves the status, and a closed request's closing time, as they are.
  if (def.to) {
    if (!to.open) await cancelDeadlines(c.tx, r.id, c.now);
    c.set({ status: nextStatus, is_open: to.open ? 1 : 0, closed_at: to.open ? null : c.now });
  }
  await refreshNextDue(c.tx, r.id);
  if (fx.notifySupervisors) {
    const sup = await projectUsersByRole(c.tx, r.project_id, 'service_supervisor');
    const ev = await notify(
      c.tx,
      {
        userIds: sup,
        kind: 'request.reported',
        title: `${r.number} ${fx.notifySupervisors}`,
        body: String(input.result ?? ''),
        link: `/requests/${r.id}`,
        requestId: r.id,
        dedupeKey: `reported:${r.id}:${r.event_n}`,
        projectId: r.project_id,
      },
      c.now,
    );
    c.live.push(...ev);
    if (fx.notifySupervisors)
      await c.tx
        .updateTable('request_special')
        .set({ reported_to: sup.join(',') })
        .where('request_id', '=', r.id)
        .execute();
  }
  await c.event({
    type: def.action,
    from: r.status,
    to: nextStatus,
    data: { ...(def.action === 'sign' ? { signed: true } : input), ...noted },
  });
}

// ---------- deadlines on a request ----------

export async function pause(ctx: AppContext, viewer: Viewer, id: string, version: number, reason: string) {
  requireHandle(viewer);
  return runCommand(ctx, viewer, id, version, async (c) => {
    const paused = await pauseDeadlines(c.tx, id, reason, c.now);
    await refreshNextDue(c.tx, id);
    await c.event({ type: 'deadline_paused', data: { reason, deadlines: paused.map((d) => d.kind) } });
  });
}

export async function resume(ctx: AppContext, viewer: Viewer, id: string, version: number) {
  requireHandle(viewer);
  return runCommand(ctx, viewer, id, version, async (c) => {
    const resumed = await resumeDeadlines(c.tx, id, c.now);
    await refreshNextDue(c.tx, id);
    await c.event({
      type: 'deadline_resumed',
      data: { deadlines: resumed.map((d) => ({ kind: d.kind, pausedMs: c.now - (d.paused_at ?? c.now) })) },
    });
  });
}

export async function extend(
  ctx: AppContext,
  viewer: Viewer,
  id: string,
  deadlineId: string,
  input: { version: number; newDueAt: number; reason: string; customerToldAt: number },
) {
  return runCommand(ctx, viewer, id, input.version, async (c) => {
    const d = await c.tx.selectFrom('deadlines').selectAll().where('id', '=', deadlineId).where('request_id', '=', id).executeTakeFirst();
    if (!d) throw notFound('时限');
    const updated = await extendDeadline(c.tx, d, input, c.now);
    await refreshNextDue(c.tx, id);
    await c.event({
      type: 'deadline_extended',
      data: { deadline: d.kind, oldDueAt: d.due_at, newDueAt: updated.due_at, reason: input.reason, customerToldAt: input.customerToldAt },
    });
  });
}

/** R-CP-12: history is never edited; a correction is a new entry pointing at the one it corrects. */
export async function correct(ctx: AppContext, viewer: Viewer, id: string, input: { version: number; correctsN: number; text: string }) {
  return runCommand(ctx, viewer, id, input.version, async (c) => {
    if (input.correctsN > c.row.event_n) throw fieldError('correctsN', `第 ${input.correctsN} 条记录不存在`);
    await c.event({ type: 'correction', correctsN: input.correctsN, data: { text: input.text } });
  });
}

function requireHandle(viewer: Viewer) {
  if (!roleCan(viewer.role, 'request.handle')) throw forbidden();
}

// ---------- sweeper ----------

/** Active users of a role who work in the project (named to it, or company-wide). */
export async function projectUsersByRole(db: Db | Tx, projectId: string, role: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('users.id')
    .where('users.role', '=', role)
    .where('users.active', '=', 1)
    .where((eb) =>
      eb.or([
        eb('users.all_projects', '=', 1),
        eb.exists(
          eb
            .selectFrom('user_projects')
            .select('user_projects.user_id')
            .whereRef('user_projects.user_id', '=', 'users.id')
            .where('user_projects.project_id', '=', projectId),
        ),
      ]),
    )
    .execute();
  return rows.map((r) => r.id);
}

/** The responsible person: the deadline's or request's assignee, else the department's heads, else the supervisors. */
async function responsibleUsers(tx: Tx, d: Deadline, r: RequestRow): Promise<string[]> {
  const one = d.responsible_id ?? r.assignee_id;
  if (one) return [one];
  if (r.department_id) {
    const heads = await tx
      .selectFrom('users')
      .innerJoin('staff', 'staff.id', 'users.staff_id')
      .select('users.id')
      .where('staff.department_id', '=', r.department_id)
      .where('users.role', '=', 'department_head')
      .where('users.active', '=', 1)
      .execute();
    if (heads.length) return heads.map((h) => h.id);
  }
  return projectUsersByRole(tx, r.project_id, 'service_supervisor');
}

const STAGE_TEXT: Record<SweepStage, string> = { warned: '即将超时', breached: '已超时', escalated: '超时未处理，已上报' };

/**
 * One pass of the deadline sweeper: reads only rows whose next check is due (an index seek),
 * moves each to its stage once (compare-and-set), records it on the request and notifies
 * responsible person → supervisor → manager. The pass is written as one batch (see
 * `sweepBatch`); should the batch fail, each deadline is swept alone, so one that cannot be
 * written holds up no other.
 */
export async function sweepDeadlines(ctx: AppContext, limit = 500): Promise<SweepCounts> {
  const now = ctx.clock.now();
  const due = await dueForSweep(ctx.db, now, limit);
  if (!due.length) return { warned: 0, breached: 0, escalated: 0, failed: 0 };
  try {
    const live: LiveEvent[] = [];
    const counts = await ctx.db.transaction().execute((tx) => sweepBatch(ctx, tx, due, now, live));
    ctx.live.publishAll(live);
    return counts;
  } catch {
    return sweepEach(ctx, due, now);
  }
}

/** What a pass did; `failed`: deadlines that could not be written, left due for the next pass. */
export interface SweepCounts {
  warned: number;
  breached: number;
  escalated: number;
  failed: number;
}

/** The people a sweep notifies, read once per pass for the projects and departments in it. */
async function sweepRecipients(tx: Tx, projectIds: string[], departmentIds: string[]) {
  const byProject = new Map<string, { service_supervisor: string[]; project_manager: string[] }>();
  for (const p of projectIds) byProject.set(p, { service_supervisor: [], project_manager: [] });
  if (projectIds.length) {
    const rows = await tx
      .selectFrom('users')
      .leftJoin('user_projects', (j) => j.onRef('user_projects.user_id', '=', 'users.id').on('user_projects.project_id', 'in', projectIds))
      .select(['users.id', 'users.role', 'users.all_projects', 'user_projects.project_id'])
      .where('users.role', 'in', ['service_supervisor', 'project_manager'])
      .where('users.active', '=', 1)
      .where((eb) => eb.or([eb('users.all_projects', '=', 1), eb('user_projects.project_id', 'is not', null)]))
      .orderBy('users.id')
      .execute();
    for (const u of rows) {
      const role = u.role as 'service_supervisor' | 'project_manager';
      const to = u.all_projects === 1 ? projectIds : u.project_id ? [u.project_id] : [];
      for (const p of to) {
        const list = byProject.get(p)?.[role];
        if (list && !list.includes(u.id)) list.push(u.id);
      }
    }
  }
  const heads = new Map<string, string[]>();
  if (departmentIds.length) {
    const rows = await tx
      .selectFrom('users')
      .innerJoin('staff', 'staff.id', 'users.staff_id')
      .select(['users.id', 'staff.department_id'])
      .where('staff.department_id', 'in', departmentIds)
      .where('users.role', '=', 'department_head')
      .where('users.active', '=', 1)
      .orderBy('users.id')
      .execute();
    for (const h of rows) heads.set(h.department_id, [...(heads.get(h.department_id) ?? []), h.id]);
  }
  const of = (projectId: string, role: 'service_supervisor' | 'project_manager') => byProject.get(projectId)?.[role] ?? [];
  return {
    supervisors: (projectId: string) => of(projectId, 'service_supervisor'),
    managers: (projectId: string) => of(projectId, 'project_manager'),
    /** As `responsibleUsers`: the deadline's or request's assignee, else the department's heads, else the supervisors. */
    responsible(d: Deadline, r: RequestRow): string[] {
      const one = d.responsible_id ?? r.assignee_id;
      if (one) return [one];
      const h = r.department_id ? heads.get(r.department_id) : undefined;
      return h?.length ? h : of(r.project_id, 'service_supervisor');
    },
  };
}

const DEADLINE_STAGE_SQLITE =
  'update deadlines set warned_at = ?, breached_at = ?, escalated_at = ?, next_check_at = ?, version = ? where id = ? and version = ?';
const DEADLINE_STAGE_PG = (rows: number) =>
  'update deadlines as d set warned_at = v.warned_at, breached_at = v.breached_at, escalated_at = v.escalated_at, ' +
  'next_check_at = v.next_check_at, version = v.version from (values ' +
  Array.from(
    { length: rows },
    () =>
      '(cast(? as bigint), cast(? as bigint), cast(? as bigint), cast(? as bigint), cast(? as integer), cast(? as text), cast(? as integer))',
  ).join(', ') +
  ') as v(warned_at, breached_at, escalated_at, next_check_at, version, id, old_version) where d.id = v.id and d.version = v.old_version returning d.id';
const REQUEST_TIP_SQLITE = 'update requests set event_n = ?, event_hash = ? where id = ?';
const REQUEST_TIP_PG = (rows: number) =>
  'update requests as r set event_n = v.event_n, event_hash = v.event_hash from (values ' +
  Array.from({ length: rows }, () => '(cast(? as integer), cast(? as text), cast(? as text))').join(', ') +
  ') as v(event_n, event_hash, id) where r.id = v.id';

/**
 * A sweep pass in one transaction: the requests locked in one statement (in id order, before
 * their deadlines, as user commands lock them), every deadline moved by compare-and-set in
 * one statement, the history events, the audit events (chained from one read of the head) and
 * the notices written together. At ~500 due deadlines this is a few statements instead of a
 * dozen per deadline.
 */
async function sweepBatch(ctx: AppContext, tx: Tx, due: Deadline[], now: number, live: LiveEvent[]): Promise<SweepCounts> {
  const counts = { warned: 0, breached: 0, escalated: 0, failed: 0 };
  const pg = ctx.dialect === 'postgres';
  const prepare = ctx.handle.prepare;
  const requestIds = [...new Set(due.map((d) => d.request_id))].sort();
  let lock = tx.selectFrom('requests').selectAll().where('id', 'in', requestIds).orderBy('id');
  if (pg) lock = lock.forUpdate();
  const requests = new Map((await lock.execute()).map((r) => [r.id, r]));

  // Every deadline's new row, compare-and-set on the version it was read with.
  // In id order: the rows and index pages are visited front to back, each read once.
  const planned = [...due]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((d) => {
      const stage = stageAt(d, now);
      // Nothing to do at this instant (the row changed since it was read): store its real next check.
      const next = stage ? stagedRow(d, stage, now) : { ...d, next_check_at: nextCheck(d) };
      return { d, stage, next };
    });
  const values = (p: (typeof planned)[number]) => [
    p.next.warned_at,
    p.next.breached_at,
    p.next.escalated_at,
    p.next.next_check_at,
    p.next.version,
    p.d.id,
    p.d.version,
  ];
  const won = new Set<string>();
  if (prepare) {
    for (const p of planned) if (prepare(DEADLINE_STAGE_SQLITE).run(...values(p)).changes === 1) won.add(p.d.id);
  } else {
    const res = await tx.executeQuery<{ id: string }>(
      CompiledQuery.raw(pgText(DEADLINE_STAGE_PG(planned.length)), planned.flatMap(values)),
    );
    for (const r of res.rows) won.add(r.id);
  }
  const moved = planned.filter((p) => p.stage && won.has(p.d.id)) as ((typeof planned)[number] & { stage: SweepStage })[];
  if (!moved.length) return counts;
  // History rows in (request, n) order, the order of their key (stable: a request's deadlines stay in id order).
  moved.sort((a, b) => (a.d.request_id < b.d.request_id ? -1 : a.d.request_id > b.d.request_id ? 1 : 0));

  const rows = moved.map((p) => requests.get(p.d.request_id) as RequestRow);
  const who = await sweepRecipients(
    tx,
    [...new Set(rows.map((r) => r.project_id))],
    [...new Set(rows.filter((r) => r.department_id).map((r) => r.department_id as string))],
  );
  const r0 = txRunner(ctx, tx);
  let head = (await r0.get<{ seq: number; hash: string }>(AUDIT_HEAD_SELECT[ctx.dialect])) as { seq: number; hash: string };
  const tips = new Map<string, { n: number; hash: string }>();
  const writes: [string, unknown[]][] = [];

  const audits: [string, unknown[]][] = [];
  let headWrite: [string, unknown[]] | undefined;
  const notices: NotifyInput[] = [];
  moved.forEach(({ d, stage }, i) => {
    const r = rows[i] as RequestRow;
    const tip = tips.get(r.id) ?? { n: r.event_n, hash: r.event_hash };
    const ev: Omit<Selectable<RequestEventTable>, 'hash'> = {
      request_id: r.id,
      n: tip.n + 1,
      at: now,
      actor_id: SYSTEM_ACTOR.userId,
      actor_name: SYSTEM_ACTOR.name,
      type: `deadline_${stage}`,
      from_status: null,
      to_status: null,
      data: JSON.stringify({ deadline: d.kind, dueAt: d.due_at }),
      corrects_n: null,
      prev_hash: tip.hash,
    };
    const hash = requestEventHash(ev);
    tips.set(r.id, { n: ev.n, hash });
    writes.push([EVENT_INSERT, EVENT_COLUMNS.map((c) => (c === 'hash' ? hash : ev[c]))]);
    const a = auditAppend(
      head,
      SYSTEM_ACTOR,
      { action: `deadline.${stage}`, entity: 'request', entityId: r.id, after: { deadline: d.kind, dueAt: d.due_at } },
      now,
    );
    head = { seq: a.seq, hash: a.hash };
    audits.push(a.writes[0] as [string, unknown[]]);
    headWrite = a.writes[1];
    const recipients =
      stage === 'warned'
        ? who.responsible(d, r)
        : stage === 'breached'
          ? [...who.responsible(d, r), ...who.supervisors(r.project_id)]
          : who.managers(r.project_id);
    notices.push({
      userIds: recipients,
      kind: `deadline.${stage}`,
      title: `${r.number}「${DEADLINE_LABEL[d.kind] ?? d.kind}」${STAGE_TEXT[stage]}`,
      body: r.content.slice(0, 200),
      link: `/requests/${r.id}`,
      requestId: r.id,
      // The due time is part of the key: after an extension the new warning is news again.
      dedupeKey: `deadline:${d.id}:${stage}:${d.due_at}`,
      projectId: r.project_id,
    });
    live.push(liveOf(r, `deadline.${stage}`, now));
    counts[stage]++;
  });
  const tipList = [...tips].sort(([a], [b]) => (a < b ? -1 : 1));
  const tipValues = tipList.flatMap(([id, t]) => [t.n, t.hash, id]);
  const stmts: [string, unknown[]][] = [
    ...mergeInserts([...writes, ...audits]),
    ...(headWrite ? [headWrite] : []),
    ...(prepare
      ? tipList.map(([id, t]): [string, unknown[]] => [REQUEST_TIP_SQLITE, [t.n, t.hash, id]])
      : [[REQUEST_TIP_PG(tips.size), tipValues] as [string, unknown[]]]),
  ];
  // One statement each on PostgreSQL: a statement takes at most 65,535 parameters.
  if (prepare) for (const [text, v] of stmts) prepare(text).run(...v);
  else for (const s of stmts) await runCombined(tx, [s]);
  live.push(...(await notifyMany(tx, notices, now)));
  return counts;
}

/** The pass deadline by deadline, each in its own transaction (the fallback of a batch that failed). */
async function sweepEach(ctx: AppContext, due: Deadline[], now: number): Promise<SweepCounts> {
  const counts = { warned: 0, breached: 0, escalated: 0, failed: 0 };
  const one = async (d: Deadline) => {
    const stage = stageAt(d, now);
    const live: LiveEvent[] = [];
    await groupTransaction(ctx, async (tx) => {
      if (!stage) {
        // Nothing to do at this instant (the row changed since it was read): store its real next check.
        await tx
          .updateTable('deadlines')
          .set({ next_check_at: nextCheck(d) })
          .where('id', '=', d.id)
          .where('version', '=', d.version)
          .execute();
        return;
      }
      // Same lock order as user commands (request row, then its deadlines), so a sweep and a
      // pause of the same request queue up instead of deadlocking on PostgreSQL.
      let lock = tx.selectFrom('requests').select('id').where('id', '=', d.request_id);
      if (ctx.dialect === 'postgres') lock = lock.forUpdate();
      await lock.executeTakeFirst();
      const next = await advanceStage(tx, d, stage, now);
      if (!next) return;
      const r = await loadRow(tx, d.request_id);
      const label = DEADLINE_LABEL[d.kind] ?? d.kind;
      let recipients: string[];
      if (stage === 'warned') recipients = await responsibleUsers(tx, d, r);
      else if (stage === 'breached')
        recipients = [...(await responsibleUsers(tx, d, r)), ...(await projectUsersByRole(tx, r.project_id, 'service_supervisor'))];
      else recipients = await projectUsersByRole(tx, r.project_id, 'project_manager');
      await appendRequestEvent(
        tx,
        ctx.dialect,
        r.id,
        SYSTEM_ACTOR,
        { type: `deadline_${stage}`, data: { deadline: d.kind, dueAt: d.due_at } },
        now,
      );
      await appendAudit(
        tx,
        ctx.dialect,
        SYSTEM_ACTOR,
        { action: `deadline.${stage}`, entity: 'request', entityId: r.id, after: { deadline: d.kind, dueAt: d.due_at } },
        now,
      );
      live.push(
        ...(await notify(
          tx,
          {
            userIds: recipients,
            kind: `deadline.${stage}`,
            title: `${r.number}「${label}」${STAGE_TEXT[stage]}`,
            body: r.content.slice(0, 200),
            link: `/requests/${r.id}`,
            requestId: r.id,
            // The due time is part of the key: after an extension the new warning is news again.
            dedupeKey: `deadline:${d.id}:${stage}:${d.due_at}`,
            projectId: r.project_id,
          },
          now,
        )),
      );
      live.push(liveOf(r, `deadline.${stage}`, now));
      counts[stage]++;
    });
    ctx.live.publishAll(live);
  };
  // One that fails is counted and left due; the others go on.
  const each = (d: Deadline) =>
    one(d).catch(() => {
      counts.failed++;
    });
  // SQLite: every deadline is its own command (its own savepoint) and the pass commits once, as
  // intakes do; PostgreSQL: one transaction after the other, each locking its request first.
  if (ctx.dialect === 'sqlite') await Promise.all(due.map(each));
  else for (const d of due) await each(d);
  return counts;
}

// ---------- reports ----------

/** R-SR-2: the month's suggestions, for the monthly report. */
export async function suggestionsOfMonth(ctx: AppContext, viewer: Viewer, projectId: string, month: string) {
  if (!inProject(viewer, projectId)) throw notFound('项目');
  const rows = await ctx.db
    .selectFrom('request_suggestion')
    .innerJoin('requests', 'requests.id', 'request_suggestion.request_id')
    .leftJoin('categories', 'categories.id', 'requests.category_id')
    .select([
      'requests.id',
      'requests.number',
      'requests.content',
      'requests.status',
      'requests.requester_name',
      'categories.name as category',
      'request_suggestion.handling',
      'request_suggestion.reply',
      'request_suggestion.replied_at',
    ])
    .where('requests.project_id', '=', projectId)
    .where('request_suggestion.month', '=', month)
    .orderBy('requests.number')
    .execute();
  const byCategory: Record<string, number> = {};
  for (const r of rows) byCategory[r.category ?? '未分类'] = (byCategory[r.category ?? '未分类'] ?? 0) + 1;
  return {
    month,
    total: rows.length,
    replied: rows.filter((r) => r.replied_at !== null).length,
    byCategory,
    items: rows.map((r) => ({
      id: r.id,
      number: r.number,
      content: r.content,
      status: r.status,
      statusLabel: stateOf('suggestion', r.status).label,
      requesterName: r.requester_name,
      category: r.category ?? null,
      handling: r.handling,
      reply: r.reply,
      repliedAt: r.replied_at,
    })),
  };
}

/** R-SLA-4: breaches of a month, counted by deadline and department; they can only ever grow. */
export async function breachesOfMonth(ctx: AppContext, viewer: Viewer, projectId: string, month: string) {
  if (!inProject(viewer, projectId)) throw notFound('项目');
  const [y, m] = month.split('-').map(Number) as [number, number];
  // Month bounds in China time.
  const from = Date.UTC(y, m - 1, 1) - 8 * 3600_000;
  const to = Date.UTC(y, m, 1) - 8 * 3600_000;
  const rows = await ctx.db
    .selectFrom('deadlines')
    .innerJoin('requests', 'requests.id', 'deadlines.request_id')
    .leftJoin('departments', 'departments.id', 'requests.department_id')
    .select([
      'deadlines.kind',
      'departments.name as department',
      'requests.id',
      'requests.number',
      'deadlines.due_at',
      'deadlines.breached_at',
      'deadlines.met_at',
    ])
    .where('deadlines.project_id', '=', projectId)
    .where('deadlines.breached_at', '>=', from)
    .where('deadlines.breached_at', '<', to)
    .orderBy('deadlines.breached_at')
    .execute();
  const byDeadline: Record<string, number> = {};
  const byDepartment: Record<string, number> = {};
  for (const r of rows) {
    const label = DEADLINE_LABEL[r.kind] ?? r.kind;
    byDeadline[label] = (byDeadline[label] ?? 0) + 1;
    byDepartment[r.department ?? '未分派'] = (byDepartment[r.department ?? '未分派'] ?? 0) + 1;
  }
  return {
    month,
    total: rows.length,
    byDeadline,
    byDepartment,
    items: rows.map((r) => ({
      requestId: r.id,
      number: r.number,
      deadline: DEADLINE_LABEL[r.kind] ?? r.kind,
      dueAt: r.due_at,
      breachedAt: r.breached_at as number,
      metAt: r.met_at,
    })),
  };
}

/**
 * R-RA-1: a resident reports from the phone for one of their current units. The unit gives
 * the project; the resident is the requester; the channel is the resident app.
 */
export async function createResidentRequest(
  ctx: AppContext,
  viewer: Viewer,
  input: {
    unitId: string;
    kind: 'repair' | 'complaint' | 'suggestion';
    repairScope: 'in_unit' | 'common';
    categoryId?: string;
    content: string;
    location: string;
    preferredTime: string;
    photoIds: string[];
  },
) {
  if (!viewer.personId) throw forbidden('账号未关联住户档案，请到服务中心登记');
  const occ = await currentOccupancies(ctx.db, viewer.personId, ctx.clock.now())
    .select('project_id')
    .where('unit_id', '=', input.unitId)
    .executeTakeFirst();
  if (!occ) throw fieldError('unitId', '只能为自己的房屋报事');
  // The resident acts within the unit's project for this one intake.
  const asResident: Viewer = { ...viewer, projectIds: [occ.project_id] };
  return createRequest(ctx, asResident, {
    projectId: occ.project_id,
    kind: input.kind,
    channel: 'portal',
    unitId: input.unitId,
    requesterPersonId: viewer.personId,
    requesterName: '',
    requesterPhone: '',
    anonymous: false,
    location: input.location,
    content: input.content,
    categoryId: input.categoryId,
    urgency: 'normal',
    repairScope: input.repairScope,
    preferredTime: input.preferredTime,
    photoIds: input.photoIds,
    readBackConfirmed: true,
  });
}
