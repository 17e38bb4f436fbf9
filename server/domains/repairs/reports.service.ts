/**
 * R-RP-2 registers and R-RP-9 monthly summary of repairs, per project and China-local month.
 *
 * Every figure comes from a grouped query over an indexed range: requests by
 * (project_id, created_at), orders by request_repair(completed_at), callbacks by
 * (project_id, done_at). No query runs per row, so a month reads the same at a
 * thousand requests as at a million.
 */
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { maskPhone } from '../../platform/access/mask.ts';
import { can, inProject, type Viewer } from '../../platform/auth/viewer.ts';
import { addDays, localDateTime } from '../../platform/calendar/calendar.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/index.ts';
import { notFound } from '../../platform/http/errors.ts';
import { stateOf } from '../requests/requests.workflow.ts';
import {
  FIGURE_LABEL,
  NO_CATEGORY,
  type OrderRowOut,
  type OrdersInput,
  type OrdersReport,
  REGISTER_LABEL,
  type Register,
  type RegisterReport,
  type RegisterRowOut,
  type RepairSummaryOut,
} from './reports.schema.ts';

const num = (v: unknown) => Number(v ?? 0);
const ratio = (a: number, b: number) => (b > 0 ? Number((a / b).toFixed(4)) : null);
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The instants [from, to) of a China-local month 'YYYY-MM'. */
export function monthRange(month: string): { from: number; to: number } {
  const first = `${month}-01`;
  return { from: localDateTime(first, '00:00'), to: localDateTime(`${addDays(first, 32).slice(0, 7)}-01`, '00:00') };
}

/** The project, if the viewer works in it; otherwise 404 as for any record out of reach. */
export async function projectOf(ctx: AppContext, viewer: Viewer, projectId: string) {
  if (!inProject(viewer, projectId)) throw notFound('项目');
  const p = await ctx.db.selectFrom('projects').select(['id', 'name']).where('id', '=', projectId).executeTakeFirst();
  if (!p) throw notFound('项目');
  return p;
}

/**
 * Category id → path ('室内维修 / 水电') and a key that sorts as the catalog does (each level's
 * sort, then name). The company's catalog is small: read once per report.
 */
export async function categoryPaths(db: Db) {
  const rows = await db.selectFrom('categories').select(['id', 'name', 'parent_id', 'sort']).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const memo = new Map<string, { path: string; key: string }>();
  const walk = (id: string) => {
    const hit = memo.get(id);
    if (hit) return hit;
    const names: string[] = [];
    const keys: string[] = [];
    let cur = byId.get(id);
    for (let i = 0; cur && i < 10; i++) {
      names.unshift(cur.name);
      keys.unshift(`${String(cur.sort + 1_000_000).padStart(8, '0')}${cur.name}`);
      cur = cur.parent_id ? byId.get(cur.parent_id) : undefined;
    }
    const v = { path: names.join(' / '), key: keys.join('\u0001') };
    memo.set(id, v);
    return v;
  };
  return {
    pathOf: (id: string | null): string | null => (id && byId.has(id) ? walk(id).path : null),
    /** Uncategorized last. */
    keyOf: (id: string | null): string => (id && byId.has(id) ? walk(id).key : '\uffff'),
  };
}

const UNCATEGORIZED = '未分类';

export const SATISFACTION_LABEL: Record<string, string> = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
};
const OUTCOME_LABEL: Record<string, string> = {
  reached: '已联系',
  unreachable: '联系不上',
  defect_persists: '问题仍在',
  closed: '已闭合',
  observe: '继续观察',
};
const METHOD_LABEL: Record<string, string> = { phone: '电话', visit: '上门', online: '网上', questionnaire: '问卷' };
const AGREED_VIA_LABEL: Record<string, string> = { phone: '电话', counter: '前台', resident_app: '住户端' };

/** YYYY-MM-DD HH:mm in China time, for text cells. */
export function chinaText(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

function materialsFen(text: string): number {
  try {
    const list = JSON.parse(text) as { quantity?: unknown; priceFen?: unknown }[];
    if (!Array.isArray(list)) return 0;
    return Math.round(list.reduce((s, m) => s + num(m?.quantity) * num(m?.priceFen), 0));
  } catch {
    return 0;
  }
}

// ---------- R-RP-9: the monthly summary ----------

/**
 * The month's figures of one project, by category and in total (definitions in the route
 * description). Four grouped queries: requests reported, their answer deadlines, orders
 * completed, callbacks done.
 */
export async function repairSummary(ctx: AppContext, viewer: Viewer, projectId: string, month: string): Promise<RepairSummaryOut> {
  const project = await projectOf(ctx, viewer, projectId);
  const { from, to } = monthRange(month);
  const db = ctx.db;

  const [reportedRows, answerRows, completedRows, callbackRows, cats0] = await Promise.all([
    db
      .selectFrom('requests')
      .leftJoin('request_repair', 'request_repair.request_id', 'requests.id')
      .select((eb) => [
        'requests.category_id',
        eb.fn.countAll<number>().as('reported'),
        eb.fn.sum<number>(sql`case when request_repair.rework_of is not null then 1 else 0 end`).as('rework'),
      ])
      .where('requests.project_id', '=', project.id)
      .where('requests.created_at', '>=', from)
      .where('requests.created_at', '<', to)
      .where('requests.kind', '=', 'repair')
      .groupBy('requests.category_id')
      .execute(),
    db
      .selectFrom('requests')
      .innerJoin('deadlines', (j) => j.onRef('deadlines.request_id', '=', 'requests.id').on('deadlines.kind', '=', 'repair.response'))
      .select((eb) => [
        'requests.category_id',
        eb.fn.sum<number>(sql`case when deadlines.status = 'met' and deadlines.breached_at is null then 1 else 0 end`).as('met'),
        eb.fn.sum<number>(sql`case when deadlines.breached_at is not null then 1 else 0 end`).as('late'),
      ])
      .where('requests.project_id', '=', project.id)
      .where('requests.created_at', '>=', from)
      .where('requests.created_at', '<', to)
      .where('requests.kind', '=', 'repair')
      .where('deadlines.status', '!=', 'cancelled')
      .groupBy('requests.category_id')
      .execute(),
    db
      .selectFrom('request_repair')
      .innerJoin('requests', 'requests.id', 'request_repair.request_id')
      .select((eb) => [
        'requests.category_id',
        eb.fn.countAll<number>().as('completed'),
        eb.fn.sum<number>(sql`case when request_repair.paid = 1 then 1 else 0 end`).as('paid_orders'),
        eb.fn.sum<number>(sql`case when request_repair.paid = 1 then request_repair.fee_collected_fen else 0 end`).as('paid_fen'),
      ])
      .where('request_repair.completed_at', '>=', from)
      .where('request_repair.completed_at', '<', to)
      .where('requests.project_id', '=', project.id)
      .where('requests.kind', '=', 'repair')
      .groupBy('requests.category_id')
      .execute(),
    db
      .selectFrom('callbacks')
      .select((eb) => ['callbacks.satisfaction', 'callbacks.outcome', eb.fn.countAll<number>().as('n')])
      .where('callbacks.project_id', '=', project.id)
      .where('callbacks.done_at', '>=', from)
      .where('callbacks.done_at', '<', to)
      .where('callbacks.status', '=', 'done')
      .groupBy(['callbacks.satisfaction', 'callbacks.outcome'])
      .execute(),
    categoryPaths(db),
  ]);

  const { pathOf, keyOf } = cats0;
  type Cat = RepairSummaryOut['byCategory'][number];
  const cats = new Map<string, Cat>();
  const cat = (id: string | null): Cat => {
    const key = id ?? '';
    let c = cats.get(key);
    if (!c) {
      c = {
        categoryId: id,
        name: pathOf(id) ?? UNCATEGORIZED,
        reported: 0,
        completed: 0,
        onTime: 0,
        late: 0,
        rework: 0,
        paidRevenueFen: 0,
      };
      cats.set(key, c);
    }
    return c;
  };
  const onTime = { measured: 0, met: 0, late: 0 };
  const rework = { completed: 0, reworks: 0 };
  const paid = { orders: 0, revenueFen: 0 };
  let total = 0;
  for (const r of reportedRows) {
    const c = cat(r.category_id);
    c.reported += num(r.reported);
    c.rework += num(r.rework);
    total += num(r.reported);
    rework.reworks += num(r.rework);
  }
  for (const r of answerRows) {
    const c = cat(r.category_id);
    c.onTime += num(r.met);
    c.late += num(r.late);
    onTime.met += num(r.met);
    onTime.late += num(r.late);
  }
  onTime.measured = onTime.met + onTime.late;
  for (const r of completedRows) {
    const c = cat(r.category_id);
    c.completed += num(r.completed);
    c.paidRevenueFen += num(r.paid_fen);
    rework.completed += num(r.completed);
    paid.orders += num(r.paid_orders);
    paid.revenueFen += num(r.paid_fen);
  }
  const cb = { done: 0, satisfied: 0, basicallySatisfied: 0, dissatisfied: 0, unreachable: 0 };
  for (const r of callbackRows) {
    const n = num(r.n);
    cb.done += n;
    if (r.satisfaction === 'satisfied') cb.satisfied += n;
    else if (r.satisfaction === 'basically_satisfied') cb.basicallySatisfied += n;
    else if (r.satisfaction === 'dissatisfied') cb.dissatisfied += n;
    if (r.outcome === 'unreachable') cb.unreachable += n;
  }
  const rated = cb.satisfied + cb.basicallySatisfied + cb.dissatisfied;

  return {
    projectId: project.id,
    projectName: project.name,
    month,
    total,
    completed: rework.completed,
    // In catalog order, the uncategorized last.
    byCategory: [...cats.values()].sort((a, b) => {
      const ka = keyOf(a.categoryId);
      const kb = keyOf(b.categoryId);
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    }),
    onTime: { ...onTime, rate: ratio(onTime.met, onTime.measured) },
    rework: { ...rework, rate: ratio(rework.reworks, rework.completed) },
    callbacks: { ...cb, satisfactionRate: ratio(cb.satisfied + cb.basicallySatisfied, rated) },
    paid,
    generatedAt: ctx.clock.now(),
  };
}

/** The orders behind one figure of the summary (optionally of one category), in the order they happened. */
export async function figureOrders(ctx: AppContext, viewer: Viewer, q: OrdersInput): Promise<OrdersReport> {
  const project = await projectOf(ctx, viewer, q.projectId);
  const { from, to } = monthRange(q.month);
  const f = q.figure;
  const byCreation = f === 'reported' || f === 'rework' || f === 'on_time' || f === 'late';
  const byCompletion = f === 'completed' || f === 'paid';
  const byCallback = f === 'callbacks' || f === 'dissatisfied';

  const rows = await ctx.db
    .selectFrom('requests')
    .leftJoin('request_repair', 'request_repair.request_id', 'requests.id')
    .leftJoin('units', 'units.id', 'requests.unit_id')
    .select([
      'requests.id',
      'requests.number',
      'requests.status',
      'requests.category_id',
      'requests.requester_name',
      'requests.location',
      'requests.created_at',
      'units.number as unit_number',
      'request_repair.completed_at',
      'request_repair.paid',
      'request_repair.fee_collected_fen',
    ])
    .where('requests.project_id', '=', project.id)
    .where('requests.kind', '=', 'repair')
    .$if(byCreation, (qb) => qb.where('requests.created_at', '>=', from).where('requests.created_at', '<', to))
    .$if(f === 'rework', (qb) => qb.where('request_repair.rework_of', 'is not', null))
    .$if(f === 'on_time' || f === 'late', (qb) =>
      qb
        .innerJoin('deadlines', (j) => j.onRef('deadlines.request_id', '=', 'requests.id').on('deadlines.kind', '=', 'repair.response'))
        .where('deadlines.status', '!=', 'cancelled')
        .where((eb) =>
          f === 'on_time'
            ? eb.and([eb('deadlines.status', '=', 'met'), eb('deadlines.breached_at', 'is', null)])
            : eb('deadlines.breached_at', 'is not', null),
        ),
    )
    .$if(byCompletion, (qb) => qb.where('request_repair.completed_at', '>=', from).where('request_repair.completed_at', '<', to))
    .$if(f === 'paid', (qb) => qb.where('request_repair.paid', '=', 1))
    .$if(byCallback, (qb) =>
      qb
        .innerJoin('callbacks', 'callbacks.request_id', 'requests.id')
        .select([
          'callbacks.done_at as cb_done_at',
          'callbacks.kind as cb_kind',
          'callbacks.method as cb_method',
          'callbacks.outcome as cb_outcome',
          'callbacks.satisfaction as cb_satisfaction',
          'callbacks.note as cb_note',
        ])
        .where('callbacks.project_id', '=', project.id)
        .where('callbacks.status', '=', 'done')
        .where('callbacks.done_at', '>=', from)
        .where('callbacks.done_at', '<', to)
        .$if(f === 'dissatisfied', (b) => b.where('callbacks.satisfaction', '=', 'dissatisfied')),
    )
    .$if(q.categoryId === NO_CATEGORY, (qb) => qb.where('requests.category_id', 'is', null))
    .$if(!!q.categoryId && q.categoryId !== NO_CATEGORY, (qb) => qb.where('requests.category_id', '=', q.categoryId as string))
    .$if(byCreation, (qb) => qb.orderBy('requests.created_at').orderBy('requests.id'))
    .$if(byCompletion, (qb) => qb.orderBy('request_repair.completed_at').orderBy('requests.id'))
    .$if(byCallback, (qb) => qb.orderBy(sql`callbacks.done_at`).orderBy(sql`callbacks.id`))
    .limit(q.limit + 1)
    .execute();

  const { pathOf } = await categoryPaths(ctx.db);
  const items: OrderRowOut[] = rows.slice(0, q.limit).map((r) => ({
    id: r.id,
    number: r.number,
    unit: r.unit_number ?? r.location,
    requesterName: r.requester_name,
    category: pathOf(r.category_id),
    status: r.status,
    statusLabel: stateOf('repair', r.status).label,
    createdAt: r.created_at,
    completedAt: r.completed_at ?? null,
    paid: r.paid === 1,
    feeCollectedFen: num(r.fee_collected_fen),
    callback: byCallback
      ? {
          doneAt: r.cb_done_at ?? null,
          kind: r.cb_kind ?? '',
          method: r.cb_method ?? null,
          outcome: r.cb_outcome ?? null,
          satisfaction: r.cb_satisfaction ?? null,
          note: r.cb_note ?? '',
        }
      : null,
  }));
  return { figure: f, label: FIGURE_LABEL[f], categoryId: q.categoryId ?? null, items, truncated: rows.length > q.limit };
}

// ---------- R-RP-2: the two registers ----------

/**
 * 业主报修登记表 (free) or 业主报修有偿服务登记表 (paid): the project's repairs registered in the
 * month, one row each. A repair not yet assessed is not paid, so it is listed in the free register.
 */
export async function repairRegister(
  ctx: AppContext,
  viewer: Viewer,
  projectId: string,
  month: string,
  register: Register,
): Promise<RegisterReport> {
  const project = await projectOf(ctx, viewer, projectId);
  const { from, to } = monthRange(month);
  const db = ctx.db;
  const monthRepairs = <T extends { where: any }>(qb: T): T =>
    qb
      .where('requests.project_id', '=', project.id)
      .where('requests.created_at', '>=', from)
      .where('requests.created_at', '<', to)
      .where('requests.kind', '=', 'repair');

  const [rows, dispatches, callbacks, { pathOf }] = await Promise.all([
    monthRepairs(
      db
        .selectFrom('requests')
        .leftJoin('request_repair', 'request_repair.request_id', 'requests.id')
        .leftJoin('units', 'units.id', 'requests.unit_id')
        .leftJoin('users', 'users.id', 'requests.assignee_id')
        .leftJoin('price_items', 'price_items.id', 'request_repair.price_item_id')
        .selectAll('request_repair')
        .select([
          'requests.id',
          'requests.number',
          'requests.status',
          'requests.created_at',
          'requests.requester_name',
          'requests.requester_phone',
          'requests.location',
          'requests.content',
          'requests.category_id',
          'requests.preferred_time',
          'units.number as unit_number',
          'users.display_name as technician',
          'price_items.name as price_item',
        ]),
    )
      .where(sql<boolean>`coalesce(request_repair.paid, 0) = ${register === 'paid' ? 1 : 0}`)
      .orderBy('requests.created_at')
      .orderBy('requests.id')
      .execute(),
    // When the order first went to a technician: dispatched, or taken from the department pool.
    monthRepairs(
      db
        .selectFrom('request_events')
        .innerJoin('requests', 'requests.id', 'request_events.request_id')
        .select((eb) => ['request_events.request_id', eb.fn.min<number>('request_events.at').as('at')]),
    )
      .where('request_events.type', 'in', ['dispatch', 'take'])
      .groupBy('request_events.request_id')
      .execute(),
    monthRepairs(
      db
        .selectFrom('callbacks')
        .innerJoin('requests', 'requests.id', 'callbacks.request_id')
        .select([
          'callbacks.request_id',
          'callbacks.done_at',
          'callbacks.method',
          'callbacks.outcome',
          'callbacks.satisfaction',
          'callbacks.note',
        ]),
    )
      .where('callbacks.status', '=', 'done')
      .orderBy('callbacks.done_at')
      .orderBy('callbacks.id')
      .execute(),
    categoryPaths(db),
  ]);

  const dispatchedAt = new Map(dispatches.map((d) => [d.request_id, num(d.at)]));
  const callbackText = new Map<string, string[]>();
  for (const c of callbacks) {
    const parts = [
      c.done_at ? chinaText(c.done_at).slice(0, 10) : '',
      c.method ? (METHOD_LABEL[c.method] ?? c.method) : '',
      c.satisfaction ? (SATISFACTION_LABEL[c.satisfaction] ?? c.satisfaction) : c.outcome ? (OUTCOME_LABEL[c.outcome] ?? c.outcome) : '',
    ].filter(Boolean);
    const text = parts.join(' ') + (c.note ? `：${c.note}` : '');
    const list = callbackText.get(c.request_id) ?? [];
    list.push(text);
    callbackText.set(c.request_id, list);
  }

  const showPhone = can(viewer, 'pii.phone');
  const out: RegisterRowOut[] = rows.map((r, i) => ({
    seq: i + 1,
    id: r.id,
    number: r.number,
    reportedAt: r.created_at,
    unit: r.unit_number ?? r.location,
    requesterName: r.requester_name,
    requesterPhone: showPhone ? r.requester_phone : maskPhone(r.requester_phone),
    content: r.content,
    category: pathOf(r.category_id),
    preferredTime: r.preferred_time,
    dispatchedAt: dispatchedAt.get(r.id) ?? null,
    appointmentAt: r.appointment_at ?? null,
    technician: r.technician ?? null,
    completedAt: r.completed_at ?? null,
    findings: r.findings ?? '',
    signed: r.signed_at !== null && r.signed_at !== undefined,
    signedAt: r.signed_at ?? null,
    confirmedAt: r.confirmed_at ?? null,
    callbackResult: (callbackText.get(r.id) ?? []).join('；'),
    status: r.status,
    statusLabel: stateOf('repair', r.status).label,
    priceItem: r.price_item ?? null,
    quotedFen: r.quoted_fen ?? null,
    agreedAt: r.agreed_at ?? null,
    agreedVia: r.agreed_via ? (AGREED_VIA_LABEL[r.agreed_via] ?? r.agreed_via) : null,
    materialsFen: materialsFen(r.materials ?? '[]'),
    labourFen: num(r.labour_fen),
    feeCollectedFen: num(r.fee_collected_fen),
  }));
  const totals = {
    count: out.length,
    quotedFen: out.reduce((s, r) => s + (r.quotedFen ?? 0), 0),
    materialsFen: out.reduce((s, r) => s + r.materialsFen, 0),
    labourFen: out.reduce((s, r) => s + r.labourFen, 0),
    feeCollectedFen: out.reduce((s, r) => s + r.feeCollectedFen, 0),
  };
  return {
    projectId: project.id,
    projectName: project.name,
    month,
    register,
    title: REGISTER_LABEL[register],
    rows: out,
    totals,
  };
}

// ---------- Excel ----------

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Content-Disposition with an ASCII fallback and the real name in RFC 5987 UTF-8 form. */
export function attachmentHeader(filename: string, fallback: string): string {
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** File names may not carry path separators or characters Windows refuses. */
export const safeName = (s: string) => s.replace(/[\\/:*?"<>|]/g, '_');

export type CellKind = 'text' | 'int' | 'money' | 'date' | 'rate';
export interface Column<R> {
  header: string;
  width: number;
  kind: CellKind;
  value: (r: R) => string | number | null;
}

const BORDER = { style: 'thin' as const, color: { argb: 'FFB7B7B7' } };
const CELL_BORDER = { top: BORDER, left: BORDER, bottom: BORDER, right: BORDER };
const HEADER_FILL = { type: 'pattern' as const, pattern: 'solid' as const, fgColor: { argb: 'FFDCE6F1' } };
export const NUM_FMT: Partial<Record<CellKind, string>> = { money: '0.00', date: 'yyyy-mm-dd hh:mm', rate: '0.0%', int: '0' };

/** Excel dates have no zone: the China wall time is written as the cell's date. */
const excelDate = (ms: number) => new Date(ms + CHINA_OFFSET_MS);

export function cellValue(kind: CellKind, v: string | number | null): ExcelJS.CellValue {
  if (v === null || v === '') return kind === 'text' ? '' : null;
  if (kind === 'date') return excelDate(v as number);
  if (kind === 'money') return Math.round(v as number) / 100;
  return v;
}

/**
 * One sheet: a title row and a subtitle row across the table, a styled header row kept in
 * view and repeated on every printed page, the rows, then an optional total row.
 */
export function addTable<R>(
  wb: ExcelJS.Workbook,
  sheetName: string,
  title: string,
  subtitle: string,
  columns: Column<R>[],
  rows: R[],
  total?: (string | number | null)[],
) {
  const ws = wb.addWorksheet(sheetName, {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '3:3' },
    views: [{ state: 'frozen', ySplit: 3 }],
  });
  ws.columns = columns.map((c) => ({ width: c.width }));
  const n = columns.length;
  const titleRow = ws.addRow([title]);
  ws.mergeCells(1, 1, 1, n);
  titleRow.height = 28;
  titleRow.getCell(1).font = { bold: true, size: 16 };
  titleRow.getCell(1).alignment = { horizontal: 'center', vertical: 'middle' };
  ws.addRow([subtitle]);
  ws.mergeCells(2, 1, 2, n);
  ws.getRow(2).getCell(1).alignment = { horizontal: 'left', vertical: 'middle' };

  const header = ws.addRow(columns.map((c) => c.header));
  header.height = 22;
  header.eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = HEADER_FILL;
    cell.border = CELL_BORDER;
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  });

  const style = (row: ExcelJS.Row) =>
    columns.forEach((c, i) => {
      const cell = row.getCell(i + 1);
      cell.border = CELL_BORDER;
      const fmt = NUM_FMT[c.kind];
      if (fmt) cell.numFmt = fmt;
      cell.alignment = { vertical: 'top', wrapText: c.kind === 'text', horizontal: c.kind === 'text' ? 'left' : 'right' };
    });
  for (const r of rows) style(ws.addRow(columns.map((c) => cellValue(c.kind, c.value(r)))));
  if (total) {
    const row = ws.addRow(total.map((v, i) => cellValue(columns[i]?.kind ?? 'text', v)));
    style(row);
    row.font = { bold: true };
  }
  return ws;
}

export async function toBuffer(wb: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

export function newWorkbook(ctx: AppContext) {
  const wb = new ExcelJS.Workbook();
  wb.creator = '物业客服中心';
  wb.created = new Date(ctx.clock.now());
  return wb;
}

export const monthLabel = (month: string) => `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;

export async function registerWorkbook(
  ctx: AppContext,
  report: RegisterReport,
): Promise<{ buffer: Buffer; filename: string; fallback: string }> {
  type R = RegisterRowOut;
  const paid = report.register === 'paid';
  const col = (header: string, width: number, kind: CellKind, value: (r: R) => string | number | null): Column<R> => ({
    header,
    width,
    kind,
    value,
  });
  const columns: Column<R>[] = [
    col('序号', 6, 'int', (r) => r.seq),
    col('编号', 15, 'text', (r) => r.number),
    col('报修时间', 17, 'date', (r) => r.reportedAt),
    col('房号', 12, 'text', (r) => r.unit),
    col('报修人', 10, 'text', (r) => r.requesterName),
    col('联系电话', 14, 'text', (r) => r.requesterPhone),
    col('报修内容', 30, 'text', (r) => r.content),
    col('类别', 16, 'text', (r) => r.category),
    col('方便维修时间', 14, 'text', (r) => r.preferredTime),
    ...(paid
      ? [
          col('收费项目', 16, 'text', (r) => r.priceItem),
          col('报价(元)', 11, 'money', (r) => r.quotedFen),
          col('住户同意时间', 17, 'date', (r) => r.agreedAt),
          col('同意方式', 9, 'text', (r) => r.agreedVia),
        ]
      : []),
    col('派工时间', 17, 'date', (r) => r.dispatchedAt),
    col('上门时间', 17, 'date', (r) => r.appointmentAt),
    col('维修人', 10, 'text', (r) => r.technician),
    col('完工时间', 17, 'date', (r) => r.completedAt),
    col('处理结果', 24, 'text', (r) => r.findings),
    ...(paid
      ? [
          col('材料费(元)', 11, 'money', (r) => r.materialsFen),
          col('人工费(元)', 11, 'money', (r) => r.labourFen),
          col('实收(元)', 11, 'money', (r) => r.feeCollectedFen),
        ]
      : []),
    col('住户签字', 8, 'text', (r) => (r.signed ? '有' : '无')),
    col('签字时间', 17, 'date', (r) => r.signedAt),
    col('确认时间', 17, 'date', (r) => r.confirmedAt),
    col('回访结果', 24, 'text', (r) => r.callbackResult),
  ];
  const totals: Record<string, number> = {
    '报价(元)': report.totals.quotedFen,
    '材料费(元)': report.totals.materialsFen,
    '人工费(元)': report.totals.labourFen,
    '实收(元)': report.totals.feeCollectedFen,
  };
  const totalRow = columns.map((c, i) => (i === 0 ? '合计' : i === 1 ? `共 ${report.totals.count} 件` : (totals[c.header] ?? null)));
  const wb = newWorkbook(ctx);
  addTable(
    wb,
    report.title,
    report.title,
    `项目：${report.projectName}　　月份：${monthLabel(report.month)}　　导出时间：${chinaText(ctx.clock.now())}`,
    columns,
    report.rows,
    totalRow,
  );
  return {
    buffer: await toBuffer(wb),
    filename: safeName(`${report.title}-${report.projectName}-${report.month}.xlsx`),
    fallback: `repair-register-${report.register}-${report.month}.xlsx`,
  };
}

export async function summaryWorkbook(
  ctx: AppContext,
  s: RepairSummaryOut,
): Promise<{ buffer: Buffer; filename: string; fallback: string }> {
  const wb = newWorkbook(ctx);
  const subtitle = `项目：${s.projectName}　　月份：${monthLabel(s.month)}　　统计时间：${chinaText(s.generatedAt)}`;
  type F = { label: string; kind: CellKind; value: number | null; note: string };
  const figures: F[] = [
    { label: '报修数', kind: 'int', value: s.total, note: '当月登记的报修' },
    { label: '完工数', kind: 'int', value: s.completed, note: '完工时间在当月的维修单' },
    { label: '报修及时率', kind: 'rate', value: s.onTime.rate, note: `十分钟内答复 ${s.onTime.met} / 已计 ${s.onTime.measured}` },
    { label: '超时答复', kind: 'int', value: s.onTime.late, note: '当月报修中答复超时的' },
    { label: '返修数', kind: 'int', value: s.rework.reworks, note: '当月登记的返修单' },
    { label: '返修率', kind: 'rate', value: s.rework.rate, note: `返修 ${s.rework.reworks} / 完工 ${s.rework.completed}` },
    { label: '回访数', kind: 'int', value: s.callbacks.done, note: '当月完成的回访' },
    { label: '满意', kind: 'int', value: s.callbacks.satisfied, note: '' },
    { label: '基本满意', kind: 'int', value: s.callbacks.basicallySatisfied, note: '' },
    { label: '不满意', kind: 'int', value: s.callbacks.dissatisfied, note: '' },
    { label: '联系不上', kind: 'int', value: s.callbacks.unreachable, note: '' },
    { label: '回访满意率', kind: 'rate', value: s.callbacks.satisfactionRate, note: '（满意 + 基本满意）/ 有满意度评价的回访' },
    { label: '有偿维修单数', kind: 'int', value: s.paid.orders, note: '当月完工的有偿维修' },
    { label: '有偿维修收入(元)', kind: 'money', value: s.paid.revenueFen, note: '当月完工的有偿维修实收' },
  ];
  const ws = addTable<F>(
    wb,
    '月度汇总',
    '维修月度汇总',
    subtitle,
    [
      { header: '指标', width: 20, kind: 'text', value: (f) => f.label },
      { header: '数值', width: 14, kind: 'int', value: (f) => f.value },
      { header: '说明', width: 44, kind: 'text', value: (f) => f.note },
    ],
    figures,
  );
  // The value column mixes counts, rates and money: each cell gets its own format.
  figures.forEach((f, i) => {
    const cell = ws.getRow(4 + i).getCell(2);
    cell.value = f.value === null ? '—' : cellValue(f.kind, f.value);
    const fmt = NUM_FMT[f.kind];
    if (fmt) cell.numFmt = fmt;
  });

  type C = RepairSummaryOut['byCategory'][number];
  const sum = (k: keyof C) => s.byCategory.reduce((a, c) => a + num(c[k]), 0);
  addTable<C>(
    wb,
    '按类别',
    '维修月度汇总（按类别）',
    subtitle,
    [
      { header: '类别', width: 24, kind: 'text', value: (c) => c.name },
      { header: '报修', width: 9, kind: 'int', value: (c) => c.reported },
      { header: '完工', width: 9, kind: 'int', value: (c) => c.completed },
      { header: '及时答复', width: 10, kind: 'int', value: (c) => c.onTime },
      { header: '超时答复', width: 10, kind: 'int', value: (c) => c.late },
      { header: '返修', width: 9, kind: 'int', value: (c) => c.rework },
      { header: '有偿收入(元)', width: 14, kind: 'money', value: (c) => c.paidRevenueFen },
    ],
    s.byCategory,
    ['合计', sum('reported'), sum('completed'), sum('onTime'), sum('late'), sum('rework'), sum('paidRevenueFen')],
  );
  return {
    buffer: await toBuffer(wb),
    filename: safeName(`维修月度汇总-${s.projectName}-${s.month}.xlsx`),
    fallback: `repair-summary-${s.month}.xlsx`,
  };
}
