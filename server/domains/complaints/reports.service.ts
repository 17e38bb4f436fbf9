/**
 * R-CP-9 / R-RE-2: the complaint daily register (投诉登记表) and the monthly classification
 * table (顾客投诉分类统计表), per project or for the whole company, China-local days and months.
 *
 * Every figure is one grouped query over `requests(project_id, created_at, id)` with the
 * complaint detail joined by primary key and the 24-hour deadlines folded per complaint
 * through `deadlines(request_id, kind)`. The drill-down lists filter with the very same SQL
 * predicates as the counts, so a list always has exactly as many rows as its figure.
 */
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { maskPhone } from '../../platform/access/mask.ts';
import { can, type Viewer } from '../../platform/auth/viewer.ts';
import { addDays, localDateTime } from '../../platform/calendar/calendar.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/index.ts';
import {
  addTable,
  type CellKind,
  type Column,
  categoryPaths,
  chinaText,
  monthLabel,
  monthRange,
  newWorkbook,
  projectOf,
  safeName,
  toBuffer,
} from '../repairs/reports.service.ts';
import { CHANNEL_LABEL, stateOf } from '../requests/requests.workflow.ts';
import {
  CLOSE_REASON_LABEL,
  type ComplaintTableOut,
  FIGURE_LABEL,
  type Figure,
  type FiguresOut,
  GRADE_LABEL,
  GRADES,
  type Grade,
  type ItemRowOut,
  type ItemsInput,
  type ItemsReport,
  NO_CALLBACK_REASONS,
  NO_CATEGORY,
  PER_CALLBACK,
  type RegisterInput,
  type RegisterReport,
  type RegisterRowOut,
  UNCATEGORIZED,
} from './reports.schema.ts';

const num = (v: unknown) => Number(v ?? 0);
const ratio = (a: number, b: number) => (b > 0 ? Number((a / b).toFixed(4)) : null);
const gradeOf = (g: string | null | undefined): Grade => ((GRADES as readonly string[]).includes(g ?? '') ? (g as Grade) : 'general');

export const TABLE_TITLE = '顾客投诉分类统计表';
export const REGISTER_TITLE = '投诉登记表';
const COMPANY = '全公司';
const KNOWN_CLOSE_REASONS = ['satisfied', ...NO_CALLBACK_REASONS, 'declined_no_new_complaint'];

// ---------- scope ----------

interface Scope {
  projectId: string | null;
  projectName: string;
  projects: { id: string; name: string }[];
}

/** One project (404 outside the viewer's reach, as for any record), or every project the viewer works in. */
async function scopeOf(ctx: AppContext, viewer: Viewer, projectId: string | undefined): Promise<Scope> {
  if (projectId) {
    const p = await projectOf(ctx, viewer, projectId);
    return { projectId: p.id, projectName: p.name, projects: [p] };
  }
  if (viewer.projectIds !== null && viewer.projectIds.length === 0) return { projectId: null, projectName: COMPANY, projects: [] };
  const projects = await ctx.db
    .selectFrom('projects')
    .select(['id', 'name'])
    .$if(viewer.projectIds !== null, (qb) => qb.where('id', 'in', viewer.projectIds as string[]))
    .orderBy('code')
    .execute();
  return { projectId: null, projectName: COMPANY, projects };
}

/** The instants [from, to) of a China-local day 'YYYY-MM-DD'. */
function dayRange(date: string) {
  return { from: localDateTime(date, '00:00'), to: localDateTime(addDays(date, 1), '00:00') };
}

/**
 * The complaints registered in [from, to) in the given projects; every query of this file
 * starts here so the register, the figures and the lists read one population.
 */
function complaintsIn(db: Db, projectIds: string[], from: number, to: number) {
  return db
    .selectFrom('requests')
    .leftJoin('request_complaint as rc', 'rc.request_id', 'requests.id')
    .where('requests.project_id', 'in', projectIds)
    .where('requests.created_at', '>=', from)
    .where('requests.created_at', '<', to)
    .where('requests.kind', '=', 'complaint');
}

/**
 * Per complaint of the month, how its 24-hour responses went: `late_n` deadlines breached
 * (whatever became of them afterwards: a breach is never edited away), `met_n` met in time.
 * Cancelled without a breach and still running without one are neither: not settled.
 */
function responsesIn(db: Db, projectIds: string[], from: number, to: number) {
  return db
    .selectFrom('deadlines')
    .innerJoin('requests', 'requests.id', 'deadlines.request_id')
    .select((eb) => [
      'deadlines.request_id',
      eb.fn.sum<number>(sql`case when deadlines.breached_at is not null then 1 else 0 end`).as('late_n'),
      eb.fn.sum<number>(sql`case when deadlines.status = 'met' and deadlines.breached_at is null then 1 else 0 end`).as('met_n'),
    ])
    .where('deadlines.kind', '=', 'complaint.response')
    .where('requests.project_id', 'in', projectIds)
    .where('requests.created_at', '>=', from)
    .where('requests.created_at', '<', to)
    .where('requests.kind', '=', 'complaint')
    .groupBy('deadlines.request_id')
    .as('resp');
}

const reasons = (list: readonly string[]) =>
  sql.join(
    list.map((r) => sql`${r}`),
    sql`, `,
  );

/**
 * What puts a complaint under each figure, over `requests`, `rc` (its detail) and `resp`
 * (its responses). Shared by the counts and the lists. The outcome figures partition the
 * complaints: open, or closed for exactly one reason.
 */
const CONDITION: Record<Figure, RawBuilder<SqlBool>> = {
  total: sql<SqlBool>`1 = 1`,
  satisfied: sql<SqlBool>`requests.is_open = 0 and rc.close_reason = 'satisfied'`,
  no_callback: sql<SqlBool>`requests.is_open = 0 and rc.close_reason in (${reasons(NO_CALLBACK_REASONS)})`,
  declined: sql<SqlBool>`requests.is_open = 0 and rc.close_reason = 'declined_no_new_complaint'`,
  closed_other: sql<SqlBool>`requests.is_open = 0 and coalesce(rc.close_reason, '') not in (${reasons(KNOWN_CLOSE_REASONS)})`,
  open: sql<SqlBool>`requests.is_open = 1`,
  on_time: sql<SqlBool>`coalesce(resp.late_n, 0) = 0 and coalesce(resp.met_n, 0) > 0`,
  late: sql<SqlBool>`coalesce(resp.late_n, 0) > 0`,
  measured: sql<SqlBool>`(coalesce(resp.late_n, 0) > 0 or coalesce(resp.met_n, 0) > 0)`,
  // Every satisfied closure is one callback, every reopen another.
  callbacks: sql<SqlBool>`((requests.is_open = 0 and rc.close_reason = 'satisfied') or coalesce(rc.reopen_count, 0) > 0)`,
  reopens: sql<SqlBool>`coalesce(rc.reopen_count, 0) > 0`,
  reopened: sql<SqlBool>`coalesce(rc.reopen_count, 0) > 0`,
};
const countOf = (f: Figure) => sql<number>`sum(case when ${CONDITION[f]} then 1 else 0 end)`;

// ---------- categories ----------

/**
 * The complaint catalog's top level, in catalog order: the table's rows. A complaint filed
 * under a sub-category counts under its top-level one. The catalog is small: read once.
 */
async function topCategories(db: Db) {
  const rows = await db.selectFrom('categories').select(['id', 'name', 'parent_id', 'sort', 'kind', 'active']).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const topOf = (id: string | null): string | null => {
    let cur = id ? byId.get(id) : undefined;
    for (let i = 0; cur?.parent_id && i < 10; i++) cur = byId.get(cur.parent_id);
    return cur?.id ?? null;
  };
  const order = (a: { sort: number; name: string }, b: { sort: number; name: string }) =>
    a.sort - b.sort || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return {
    topOf,
    nameOf: (id: string | null) => (id ? (byId.get(id)?.name ?? UNCATEGORIZED) : UNCATEGORIZED),
    /** The active top-level complaint categories: always shown, with zeros when nothing came in. */
    listed: rows.filter((r) => r.kind === 'complaint' && !r.parent_id && r.active === 1).sort(order),
    sortKey: (id: string | null) => {
      const c = id ? byId.get(id) : undefined;
      return c ? c.sort : Number.MAX_SAFE_INTEGER;
    },
    /** A top-level category and everything under it. */
    subtree: (id: string): string[] => {
      const out = [id];
      for (let i = 0; i < out.length; i++) for (const r of rows) if (r.parent_id === out[i]) out.push(r.id);
      return out;
    },
  };
}

// ---------- the monthly table ----------

type Counts = Omit<FiguresOut, 'responseMeasured' | 'responseRate' | 'satisfactionRate' | 'callbacks'>;
const zero = (): Counts => ({
  total: 0,
  satisfied: 0,
  noCallback: 0,
  declined: 0,
  closedOther: 0,
  open: 0,
  onTime: 0,
  late: 0,
  reopens: 0,
  reopened: 0,
});
const add = (a: Counts, b: Counts) => {
  for (const k of Object.keys(a) as (keyof Counts)[]) a[k] += b[k];
};
function figures(c: Counts): FiguresOut {
  const measured = c.onTime + c.late;
  const callbacks = c.satisfied + c.reopens;
  return {
    ...c,
    responseMeasured: measured,
    responseRate: ratio(c.onTime, measured),
    callbacks,
    satisfactionRate: ratio(c.satisfied, callbacks),
  };
}

/**
 * The month's complaints counted once each, by top-level category × grade, by project and in
 * total (definitions in the route description). One grouped query plus the catalog.
 */
export async function complaintTable(
  ctx: AppContext,
  viewer: Viewer,
  month: string,
  projectId: string | undefined,
): Promise<ComplaintTableOut> {
  const scope = await scopeOf(ctx, viewer, projectId);
  const { from, to } = monthRange(month);
  const ids = scope.projects.map((p) => p.id);
  const db = ctx.db;
  const [groups, cats] = await Promise.all([
    ids.length
      ? complaintsIn(db, ids, from, to)
          .leftJoin(responsesIn(db, ids, from, to), (j) => j.onRef('resp.request_id', '=', 'requests.id'))
          .select((eb) => [
            'requests.project_id',
            'requests.category_id',
            'rc.grade',
            eb.fn.countAll<number>().as('total'),
            countOf('satisfied').as('satisfied'),
            countOf('no_callback').as('no_callback'),
            countOf('declined').as('declined'),
            countOf('closed_other').as('closed_other'),
            countOf('open').as('open'),
            countOf('on_time').as('on_time'),
            countOf('late').as('late'),
            countOf('reopened').as('reopened'),
            sql<number>`sum(coalesce(rc.reopen_count, 0))`.as('reopens'),
          ])
          .groupBy(['requests.project_id', 'requests.category_id', 'rc.grade'])
          .execute()
      : Promise.resolve([]),
    topCategories(db),
  ]);

  type Cat = { categoryId: string | null; grades: Record<Grade, Counts> };
  const byCat = new Map<string, Cat>();
  const catOf = (id: string | null) => {
    let c = byCat.get(id ?? '');
    if (!c) {
      c = { categoryId: id, grades: { general: zero(), significant: zero(), urgent: zero() } };
      byCat.set(id ?? '', c);
    }
    return c;
  };
  for (const c of cats.listed) catOf(c.id);
  const byProject = new Map(ids.map((id) => [id, zero()]));
  for (const g of groups) {
    const counts: Counts = {
      total: num(g.total),
      satisfied: num(g.satisfied),
      noCallback: num(g.no_callback),
      declined: num(g.declined),
      closedOther: num(g.closed_other),
      open: num(g.open),
      onTime: num(g.on_time),
      late: num(g.late),
      reopens: num(g.reopens),
      reopened: num(g.reopened),
    };
    add(catOf(cats.topOf(g.category_id)).grades[gradeOf(g.grade)], counts);
    const p = byProject.get(g.project_id);
    if (p) add(p, counts);
  }

  const byGrade = { general: zero(), significant: zero(), urgent: zero() };
  const total = zero();
  const categories = [...byCat.values()]
    .sort((a, b) => cats.sortKey(a.categoryId) - cats.sortKey(b.categoryId))
    .map((c) => {
      const subtotal = zero();
      for (const g of GRADES) {
        add(subtotal, c.grades[g]);
        add(byGrade[g], c.grades[g]);
      }
      add(total, subtotal);
      return {
        categoryId: c.categoryId,
        name: cats.nameOf(c.categoryId),
        grades: { general: figures(c.grades.general), significant: figures(c.grades.significant), urgent: figures(c.grades.urgent) },
        subtotal: figures(subtotal),
      };
    });
  return {
    month,
    scope: scope.projectId ? 'project' : 'company',
    projectId: scope.projectId,
    projectName: scope.projectName,
    title: TABLE_TITLE,
    categories,
    byGrade: { general: figures(byGrade.general), significant: figures(byGrade.significant), urgent: figures(byGrade.urgent) },
    totals: figures(total),
    projects: scope.projects.map((p) => ({ projectId: p.id, projectName: p.name, figures: figures(byProject.get(p.id) ?? zero()) })),
    generatedAt: ctx.clock.now(),
  };
}

// ---------- drill-down ----------

const NO_CALLBACK_LABEL: Record<string, string> = {
  solved_on_spot: '当场解决并经确认',
  anonymous: '匿名或无法联系',
  sensitive_declined: '敏感投诉，投诉人谢绝回访',
};
const METHOD_LABEL: Record<string, string> = { phone: '电话', visit: '上门', online: '网上回复', questionnaire: '问卷' };

interface CallbackEvent {
  request_id: string;
  at: number;
  type: string;
  data: string;
}
function parseData(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The complaints behind one figure of the table (optionally one category and/or grade), in
 * the order they came in. Per-callback figures give one row per callback: the figure counts
 * callbacks, so the list does too.
 */
export async function figureItems(ctx: AppContext, viewer: Viewer, q: ItemsInput): Promise<ItemsReport> {
  const scope = await scopeOf(ctx, viewer, q.projectId);
  const { from, to } = monthRange(q.month);
  const ids = scope.projects.map((p) => p.id);
  const f = q.figure;
  const empty: ItemsReport = {
    figure: f,
    label: FIGURE_LABEL[f],
    categoryId: q.categoryId ?? null,
    grade: q.grade ?? null,
    items: [],
    truncated: false,
  };
  if (!ids.length) return empty;
  const db = ctx.db;
  const cats = await topCategories(db);
  let categoryIds: string[] | null = null;
  if (q.categoryId && q.categoryId !== NO_CATEGORY) {
    categoryIds = cats.subtree(q.categoryId);
  }

  const rows = await complaintsIn(db, ids, from, to)
    .leftJoin(responsesIn(db, ids, from, to), (j) => j.onRef('resp.request_id', '=', 'requests.id'))
    .leftJoin('units', 'units.id', 'requests.unit_id')
    .innerJoin('projects', 'projects.id', 'requests.project_id')
    .select([
      'requests.id',
      'requests.number',
      'requests.project_id',
      'projects.name as project_name',
      'requests.created_at',
      'requests.requester_name',
      'requests.location',
      'requests.content',
      'requests.category_id',
      'requests.status',
      'requests.is_open',
      'requests.closed_at',
      'units.number as unit_number',
      'rc.grade',
      'rc.close_reason',
      'rc.reopen_count',
    ])
    .where(CONDITION[f])
    .$if(q.categoryId === NO_CATEGORY, (qb) => qb.where('requests.category_id', 'is', null))
    .$if(categoryIds !== null, (qb) => qb.where('requests.category_id', 'in', categoryIds as string[]))
    .$if(q.grade === 'general', (qb) => qb.where(sql<SqlBool>`coalesce(rc.grade, 'general') = 'general'`))
    .$if(!!q.grade && q.grade !== 'general', (qb) => qb.where('rc.grade', '=', q.grade as string))
    .orderBy('requests.created_at')
    .orderBy('requests.id')
    .limit(q.limit + 1)
    .execute();

  const { pathOf } = await categoryPaths(db);
  const base = (r: (typeof rows)[number]): ItemRowOut => {
    const grade = gradeOf(r.grade);
    return {
      id: r.id,
      number: r.number,
      projectId: r.project_id,
      projectName: r.project_name,
      createdAt: r.created_at,
      requesterName: r.requester_name,
      unit: r.unit_number ?? r.location,
      content: r.content,
      category: pathOf(r.category_id),
      grade,
      gradeLabel: GRADE_LABEL[grade],
      status: r.status,
      statusLabel: stateOf('complaint', r.status).label,
      closeReason: r.close_reason ?? '',
      closeReasonLabel: CLOSE_REASON_LABEL[r.close_reason ?? ''] ?? '',
      reopenCount: num(r.reopen_count),
      closedAt: r.closed_at ?? null,
      callback: null,
    };
  };
  const complaints = rows.slice(0, q.limit);
  if (!PER_CALLBACK.includes(f)) return { ...empty, items: complaints.map(base), truncated: rows.length > q.limit };

  // The counts come from the detail row (reopen count, close reason); the history supplies when and how each callback went.
  const events: CallbackEvent[] = complaints.length
    ? await db
        .selectFrom('request_events')
        .select(['request_id', 'at', 'type', 'data'])
        .where(
          'request_id',
          'in',
          complaints.map((c) => c.id),
        )
        .where('type', 'in', ['callback_satisfied', 'callback_unsatisfied'])
        .where('corrects_n', 'is', null)
        .orderBy('request_id')
        .orderBy('n')
        .execute()
    : [];
  const eventsOf = new Map<string, CallbackEvent[]>();
  for (const e of events) eventsOf.set(e.request_id, [...(eventsOf.get(e.request_id) ?? []), e]);
  const callbackOf = (e: CallbackEvent | undefined, satisfied: boolean): ItemRowOut['callback'] => {
    if (!e) return null;
    const d = parseData(e.data);
    return { at: e.at, satisfied, method: typeof d.method === 'string' ? d.method : null, note: typeof d.note === 'string' ? d.note : '' };
  };
  const items: ItemRowOut[] = [];
  for (const r of complaints) {
    const evs = eventsOf.get(r.id) ?? [];
    const unhappy = evs.filter((e) => e.type === 'callback_unsatisfied');
    for (let i = 0; i < num(r.reopen_count); i++) items.push({ ...base(r), callback: callbackOf(unhappy[i], false) });
    if (f === 'callbacks' && r.close_reason === 'satisfied' && num(r.is_open) === 0)
      items.push({ ...base(r), callback: callbackOf(evs.filter((e) => e.type === 'callback_satisfied').at(-1), true) });
  }
  return { ...empty, items: items.slice(0, q.limit), truncated: rows.length > q.limit || items.length > q.limit };
}

// ---------- the daily register ----------

/** How the callbacks and the closure went, in the order they happened, as the paper register writes it. */
function outcomeText(e: CallbackEvent): string {
  const d = parseData(e.data);
  const day = chinaText(e.at).slice(0, 10);
  const note = typeof d.note === 'string' && d.note ? `（${d.note}）` : '';
  const method = typeof d.method === 'string' ? (METHOD_LABEL[d.method] ?? d.method) : '';
  switch (e.type) {
    case 'callback_satisfied':
      return `${day} ${method}回访：满意${note}`;
    case 'callback_unsatisfied':
      return `${day} ${method}回访：不满意，退回重办${note}`;
    case 'decline_callback':
      return `${day} 投诉人谢绝回访${note}`;
    case 'close_without_callback':
      return `${day} 无需回访结案：${NO_CALLBACK_LABEL[String(d.reason)] ?? String(d.reason ?? '')}${note}`;
    case 'auto_closed':
      return `${day} 谢绝回访 7 天无再投诉，自动结案`;
    default:
      return '';
  }
}
const OUTCOME_EVENTS = ['callback_satisfied', 'callback_unsatisfied', 'decline_callback', 'close_without_callback', 'auto_closed'];

/** 投诉登记表: every complaint registered in the project on the day (or the month), one row each. */
export async function complaintRegister(ctx: AppContext, viewer: Viewer, q: RegisterInput): Promise<RegisterReport> {
  const project = await projectOf(ctx, viewer, q.projectId);
  const { from, to } = q.date ? dayRange(q.date) : monthRange(q.month as string);
  const db = ctx.db;
  const [rows, events, { pathOf }] = await Promise.all([
    complaintsIn(db, [project.id], from, to)
      .leftJoin('units', 'units.id', 'requests.unit_id')
      .leftJoin('departments', 'departments.id', 'requests.department_id')
      .leftJoin('users', 'users.id', 'requests.assignee_id')
      .select([
        'requests.id',
        'requests.number',
        'requests.created_at',
        'requests.channel',
        'requests.requester_name',
        'requests.requester_phone',
        'requests.location',
        'requests.content',
        'requests.category_id',
        'requests.status',
        'requests.closed_at',
        'units.number as unit_number',
        'departments.name as department',
        'users.display_name as handler',
        'rc.grade',
        'rc.resolution',
        'rc.close_reason',
        'rc.reopen_count',
      ])
      .orderBy('requests.created_at')
      .orderBy('requests.id')
      .execute(),
    complaintsIn(db, [project.id], from, to)
      .innerJoin('request_events', 'request_events.request_id', 'requests.id')
      .select(['request_events.request_id', 'request_events.at', 'request_events.type', 'request_events.data'])
      .where('request_events.type', 'in', OUTCOME_EVENTS)
      .where('request_events.corrects_n', 'is', null)
      .orderBy('request_events.request_id')
      .orderBy('request_events.n')
      .execute(),
    categoryPaths(db),
  ]);
  const outcomes = new Map<string, string[]>();
  for (const e of events) outcomes.set(e.request_id, [...(outcomes.get(e.request_id) ?? []), outcomeText(e)]);

  const showPhone = can(viewer, 'pii.phone');
  const out: RegisterRowOut[] = rows.map((r, i) => {
    const grade = gradeOf(r.grade);
    return {
      seq: i + 1,
      id: r.id,
      number: r.number,
      createdAt: r.created_at,
      channel: r.channel,
      channelLabel: CHANNEL_LABEL[r.channel as keyof typeof CHANNEL_LABEL] ?? r.channel,
      requesterName: r.requester_name,
      unit: r.unit_number ?? r.location,
      requesterPhone: showPhone ? r.requester_phone : maskPhone(r.requester_phone),
      content: r.content,
      categoryId: r.category_id,
      category: pathOf(r.category_id),
      grade,
      gradeLabel: GRADE_LABEL[grade],
      department: r.department ?? null,
      handler: r.handler ?? null,
      status: r.status,
      statusLabel: stateOf('complaint', r.status).label,
      resolution: r.resolution ?? '',
      outcome: (outcomes.get(r.id) ?? []).join('；'),
      closeReason: r.close_reason ?? '',
      reopenCount: num(r.reopen_count),
      closedAt: r.closed_at ?? null,
    };
  });
  return {
    projectId: project.id,
    projectName: project.name,
    date: q.date ?? null,
    month: q.date ? null : (q.month ?? null),
    title: REGISTER_TITLE,
    rows: out,
    generatedAt: ctx.clock.now(),
  };
}

// ---------- Excel ----------

type Xlsx = { buffer: Buffer; filename: string; fallback: string };
const dayLabel = (date: string) => `${date.slice(0, 4)}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;

export async function registerWorkbook(ctx: AppContext, report: RegisterReport): Promise<Xlsx> {
  type R = RegisterRowOut;
  const col = (header: string, width: number, kind: CellKind, value: (r: R) => string | number | null): Column<R> => ({
    header,
    width,
    kind,
    value,
  });
  const columns: Column<R>[] = [
    col('序号', 6, 'int', (r) => r.seq),
    col('编号', 15, 'text', (r) => r.number),
    col('投诉时间', 17, 'date', (r) => r.createdAt),
    col('方式', 8, 'text', (r) => r.channelLabel),
    col('投诉人', 10, 'text', (r) => r.requesterName),
    col('房号', 12, 'text', (r) => r.unit),
    col('联系电话', 14, 'text', (r) => r.requesterPhone),
    col('投诉内容', 30, 'text', (r) => r.content),
    col('类别', 18, 'text', (r) => r.category ?? UNCATEGORIZED),
    col('级别', 6, 'text', (r) => r.gradeLabel),
    col('责任部门', 12, 'text', (r) => r.department),
    col('处理人', 10, 'text', (r) => r.handler),
    col('状态', 14, 'text', (r) => r.statusLabel),
    col('处理结果', 24, 'text', (r) => r.resolution),
    col('回访及结案情况', 30, 'text', (r) => r.outcome),
    col('退回重办次数', 8, 'int', (r) => r.reopenCount),
    col('结案时间', 17, 'date', (r) => r.closedAt),
  ];
  const period = report.date ? `日期：${dayLabel(report.date)}` : `月份：${monthLabel(report.month ?? '')}`;
  const totalRow = columns.map((c, i) =>
    i === 0
      ? '合计'
      : i === 1
        ? `共 ${report.rows.length} 件`
        : c.header === '退回重办次数'
          ? report.rows.reduce((s, r) => s + r.reopenCount, 0)
          : null,
  );
  const wb = newWorkbook(ctx);
  addTable(
    wb,
    REGISTER_TITLE,
    REGISTER_TITLE,
    `项目：${report.projectName}　　${period}　　导出时间：${chinaText(ctx.clock.now())}`,
    columns,
    report.rows,
    totalRow,
  );
  const when = report.date ?? report.month ?? '';
  return {
    buffer: await toBuffer(wb),
    filename: safeName(`${REGISTER_TITLE}-${report.projectName}-${when}.xlsx`),
    fallback: `complaint-register-${when}.xlsx`,
  };
}

/** The figure columns both sheets of the table share, in the order of the paper form. */
const FIGURE_COLUMNS: { header: string; width: number; kind: CellKind; value: (f: FiguresOut) => number | null }[] = [
  { header: '投诉数', width: 8, kind: 'int', value: (f) => f.total },
  { header: '回访满意结案', width: 10, kind: 'int', value: (f) => f.satisfied },
  { header: '无需回访结案', width: 10, kind: 'int', value: (f) => f.noCallback },
  { header: '谢绝回访结案', width: 10, kind: 'int', value: (f) => f.declined },
  { header: '其他结案', width: 8, kind: 'int', value: (f) => f.closedOther },
  { header: '未结案', width: 8, kind: 'int', value: (f) => f.open },
  { header: '24小时内回应', width: 10, kind: 'int', value: (f) => f.onTime },
  { header: '回应超时', width: 8, kind: 'int', value: (f) => f.late },
  { header: '24小时回应率', width: 10, kind: 'rate', value: (f) => f.responseRate },
  { header: '回访次数', width: 8, kind: 'int', value: (f) => f.callbacks },
  { header: '回访满意率', width: 10, kind: 'rate', value: (f) => f.satisfactionRate },
  { header: '退回重办次数', width: 10, kind: 'int', value: (f) => f.reopens },
  { header: '退回重办投诉数', width: 10, kind: 'int', value: (f) => f.reopened },
];

export async function tableWorkbook(ctx: AppContext, t: ComplaintTableOut, definitions: string[]): Promise<Xlsx> {
  const wb = newWorkbook(ctx);
  const subtitle = `项目：${t.projectName}　　月份：${monthLabel(t.month)}　　统计时间：${chinaText(t.generatedAt)}`;
  type Line = { category: string; grade: string; f: FiguresOut };
  const lines: Line[] = t.categories.flatMap((c) => GRADES.map((g) => ({ category: c.name, grade: GRADE_LABEL[g], f: c.grades[g] })));
  const figureCols = <R>(of: (r: R) => FiguresOut): Column<R>[] =>
    FIGURE_COLUMNS.map((c) => ({ header: c.header, width: c.width, kind: c.kind, value: (r: R) => c.value(of(r)) }));
  addTable<Line>(
    wb,
    '分类统计',
    TABLE_TITLE,
    subtitle,
    [
      { header: '类别', width: 14, kind: 'text', value: (l) => l.category },
      { header: '级别', width: 6, kind: 'text', value: (l) => l.grade },
      ...figureCols<Line>((l) => l.f),
    ],
    lines,
    ['合计', '', ...FIGURE_COLUMNS.map((c) => c.value(t.totals))],
  );
  type P = ComplaintTableOut['projects'][number];
  addTable<P>(
    wb,
    '按项目',
    `${TABLE_TITLE}（按项目）`,
    subtitle,
    [{ header: '项目', width: 16, kind: 'text', value: (p) => p.projectName }, ...figureCols<P>((p) => p.figures)],
    t.projects,
    ['合计', ...FIGURE_COLUMNS.map((c) => c.value(t.totals))],
  );
  const notes = wb.addWorksheet('口径说明');
  notes.columns = [{ width: 110 }];
  notes.addRow([`${TABLE_TITLE} 口径说明`]).font = { bold: true, size: 14 };
  for (const d of definitions) notes.addRow([d]).alignment = { wrapText: true, vertical: 'top' };
  return {
    buffer: await toBuffer(wb),
    filename: safeName(`${TABLE_TITLE}-${t.projectName}-${t.month}.xlsx`),
    fallback: `complaint-table-${t.month}.xlsx`,
  };
}
