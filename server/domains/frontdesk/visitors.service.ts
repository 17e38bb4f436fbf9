import type { Selectable } from 'kysely';
import { maskPhone } from '../../platform/access/mask.ts';
import { actorOf, can, inProject, type Viewer } from '../../platform/auth/viewer.ts';
import { addDays, localDateTime, toLocalDate } from '../../platform/calendar/calendar.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Db, Tx } from '../../platform/db/index.ts';
import type { VisitorAppointmentTable, VisitTable } from '../../platform/db/types.ts';
import { encodeCursor, keysetAfter } from '../../platform/http/common.ts';
import { fieldError, notFound, ruleViolated } from '../../platform/http/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { LiveEvent } from '../../platform/live/live.ts';
import { notify } from '../../platform/notify/notify.ts';
import { casUpdate, write } from '../../platform/write.ts';
import { nextSerial } from '../requests/numbers.ts';
import { currentOccupancies } from '../requests/requests.service.ts';
import { departmentLeads, personUsers, staffUsers } from './recipients.ts';
import type {
  APPOINTMENT_STATUSES,
  AppointmentCreateInput,
  AppointmentListInput,
  CheckInInput,
  HOST_KINDS,
  HostInput,
  VisitCreateInput,
  VisitListInput,
} from './visitors.schema.ts';

type VisitRow = Selectable<VisitTable>;
type AppointmentRow = Selectable<VisitorAppointmentTable>;
type HostKind = (typeof HOST_KINDS)[number];
type HostColumns = Pick<VisitRow, 'host_kind' | 'host_unit_id' | 'host_person_id' | 'host_staff_id' | 'host_department_id' | 'host_label'>;

/** Visitor pass stubs (证件存根) are numbered FK-YYMM-NNNN per project and month. */
export const PASS_PREFIX = 'FK';
const DAY_MS = 86_400_000;
const BOARD_LIMIT = 200;

const startOfDay = (date: string) => localDateTime(date, '00:00');
const hhmm = (t: number) => new Date(t + 8 * 3600_000).toISOString().slice(11, 16);

// ---------- who is visited ----------

/**
 * Checks the host against the project's directory and writes down how it reads today, so the
 * register still says 3-1-1502 李明华 after the family has moved out.
 */
async function resolveHost(db: Db | Tx, projectId: string, host: HostInput, now: number): Promise<HostColumns> {
  const none = { host_unit_id: null, host_person_id: null, host_staff_id: null, host_department_id: null };
  switch (host.kind) {
    case 'unit': {
      const unit = await db.selectFrom('units').select(['id', 'number', 'project_id']).where('id', '=', host.unitId).executeTakeFirst();
      if (!unit || unit.project_id !== projectId) throw fieldError('host.unitId', '房屋不存在或不属于该项目');
      let label = unit.number;
      if (host.personId) {
        const occ = await currentOccupancies(db, host.personId, now).where('unit_id', '=', unit.id).executeTakeFirst();
        if (!occ) throw fieldError('host.personId', '该住户不是此房屋的当前住户');
        const p = await db.selectFrom('people').select('name').where('id', '=', host.personId).executeTakeFirstOrThrow();
        label = `${unit.number} ${p.name}`;
      }
      return { ...none, host_kind: 'unit', host_unit_id: unit.id, host_person_id: host.personId ?? null, host_label: label };
    }
    case 'staff': {
      const s = await db
        .selectFrom('staff')
        .innerJoin('departments', 'departments.id', 'staff.department_id')
        .select(['staff.id', 'staff.name', 'staff.active', 'departments.name as department_name'])
        .where('staff.id', '=', host.staffId)
        .where('staff.id', 'in', (eb) => eb.selectFrom('staff_projects').select('staff_id').where('project_id', '=', projectId))
        .executeTakeFirst();
      if (!s?.active) throw fieldError('host.staffId', '员工不存在或不在本项目');
      return { ...none, host_kind: 'staff', host_staff_id: s.id, host_label: `${s.name}（${s.department_name}）` };
    }
    case 'department': {
      const d = await db
        .selectFrom('departments')
        .select(['id', 'name', 'project_id'])
        .where('id', '=', host.departmentId)
        .executeTakeFirst();
      if (!d || (d.project_id !== null && d.project_id !== projectId)) throw fieldError('host.departmentId', '部门不存在或不属于该项目');
      return { ...none, host_kind: 'department', host_department_id: d.id, host_label: d.name };
    }
    default:
      return { ...none, host_kind: 'other', host_label: host.text };
  }
}

/** Who is told that their visitor has arrived: the resident's own login, the staff member, or the department's heads. */
async function hostUsers(tx: Tx, h: HostColumns, now: number): Promise<{ residents: string[]; staff: string[] }> {
  if (h.host_kind === 'unit' && h.host_unit_id) {
    if (h.host_person_id) return { residents: await personUsers(tx, h.host_person_id), staff: [] };
    // Without a named resident, everyone living there with a login hears of it.
    const today = toLocalDate(now);
    const rows = await tx
      .selectFrom('users')
      .select('users.id')
      .where('users.role', '=', 'resident')
      .where('users.active', '=', 1)
      .where('users.person_id', 'in', (eb) =>
        eb
          .selectFrom('occupancies')
          .select('person_id')
          .where('unit_id', '=', h.host_unit_id as string)
          .where((w) => w.or([w('end_date', 'is', null), w('end_date', '>=', today)])),
      )
      .execute();
    return { residents: rows.map((r) => r.id), staff: [] };
  }
  if (h.host_kind === 'staff' && h.host_staff_id) return { residents: [], staff: await staffUsers(tx, h.host_staff_id) };
  if (h.host_kind === 'department' && h.host_department_id)
    return { residents: [], staff: await departmentLeads(tx, h.host_department_id) };
  return { residents: [], staff: [] };
}

function hostOf(h: HostColumns): HostColumns {
  return {
    host_kind: h.host_kind,
    host_unit_id: h.host_unit_id,
    host_person_id: h.host_person_id,
    host_staff_id: h.host_staff_id,
    host_department_id: h.host_department_id,
    host_label: h.host_label,
  };
}

function hostOut(h: HostColumns) {
  return {
    kind: h.host_kind as HostKind,
    unitId: h.host_unit_id,
    personId: h.host_person_id,
    staffId: h.host_staff_id,
    departmentId: h.host_department_id,
    label: h.host_label,
  };
}

// ---------- reading ----------

function visitQuery(db: Db | Tx) {
  return db
    .selectFrom('visits')
    .innerJoin('projects', 'projects.id', 'visits.project_id')
    .leftJoin('users as reg', 'reg.id', 'visits.registered_by')
    .leftJoin('users as signer', 'signer.id', 'visits.signed_out_by')
    .selectAll('visits')
    .select(['projects.name as project_name', 'reg.display_name as registered_by_name', 'signer.display_name as signed_out_by_name']);
}
type VisitJoined = Awaited<ReturnType<ReturnType<typeof visitQuery>['executeTakeFirstOrThrow']>>;

function presentVisit(r: VisitJoined, showPhone: boolean) {
  return {
    id: r.id,
    projectId: r.project_id,
    projectName: r.project_name,
    number: r.number,
    badge: r.badge,
    name: r.name,
    phone: showPhone ? r.phone : maskPhone(r.phone),
    idType: r.id_type as VisitCreateInput['idType'],
    idLast4: r.id_last4,
    purpose: r.purpose,
    host: hostOut(r),
    partySize: r.party_size,
    plate: r.plate,
    appointmentId: r.appointment_id,
    inAt: r.in_at,
    outAt: r.out_at,
    inside: r.out_at === null,
    registeredByName: r.registered_by_name ?? null,
    signedOutByName: r.signed_out_by_name ?? null,
    version: r.version,
  };
}

function appointmentQuery(db: Db | Tx) {
  return db
    .selectFrom('visitor_appointments')
    .innerJoin('projects', 'projects.id', 'visitor_appointments.project_id')
    .leftJoin('users', 'users.id', 'visitor_appointments.created_by')
    .selectAll('visitor_appointments')
    .select(['projects.name as project_name', 'users.display_name as created_by_name']);
}
type AppointmentJoined = Awaited<ReturnType<ReturnType<typeof appointmentQuery>['executeTakeFirstOrThrow']>>;

function presentAppointment(r: AppointmentJoined, showPhone: boolean) {
  return {
    id: r.id,
    projectId: r.project_id,
    projectName: r.project_name,
    name: r.name,
    phone: showPhone ? r.phone : maskPhone(r.phone),
    partySize: r.party_size,
    purpose: r.purpose,
    plate: r.plate,
    expectedAt: r.expected_at,
    host: hostOut(r),
    status: r.status as (typeof APPOINTMENT_STATUSES)[number],
    visitId: r.visit_id,
    arrivedAt: r.arrived_at,
    cancelReason: r.cancel_reason,
    createdByName: r.created_by_name ?? null,
    createdAt: r.created_at,
    version: r.version,
  };
}

export async function getVisit(ctx: AppContext, viewer: Viewer, id: string) {
  const r = await visitQuery(ctx.db).where('visits.id', '=', id).executeTakeFirst();
  if (!r || !inProject(viewer, r.project_id)) throw notFound('来访记录');
  return presentVisit(r, can(viewer, 'pii.phone'));
}

async function getAppointment(ctx: AppContext, viewer: Viewer, id: string) {
  const r = await appointmentQuery(ctx.db).where('visitor_appointments.id', '=', id).executeTakeFirst();
  if (!r || !inProject(viewer, r.project_id)) throw notFound('访客预约');
  return presentAppointment(r, can(viewer, 'pii.phone'));
}

/** The projects a list reads: the one asked for (404 outside the viewer's scope), else all of the viewer's; null = every project. */
function scopeOf(viewer: Viewer, projectId: string | undefined): string[] | null {
  if (projectId) {
    if (!inProject(viewer, projectId)) throw notFound('项目');
    return [projectId];
  }
  return viewer.projectIds;
}

/**
 * Today's board at the gate: who is inside (not signed out, whatever day they came), who left
 * today, and who is expected today and has not arrived. Each column is one range of an index.
 */
export async function board(ctx: AppContext, viewer: Viewer, projectId: string | undefined) {
  const now = ctx.clock.now();
  const date = toLocalDate(now);
  const scope = scopeOf(viewer, projectId);
  // Company-wide accounts pick a project: the board is one gate's view, not the whole company's.
  if (scope === null) throw fieldError('projectId', '请选择项目');
  if (scope.length === 0) return { date, inside: [], left: [], expected: [], truncated: false };
  const dayStart = startOfDay(date);
  const showPhone = can(viewer, 'pii.phone');
  const inside = await visitQuery(ctx.db)
    .where('visits.project_id', 'in', scope)
    .where('visits.out_at', 'is', null)
    .orderBy('visits.in_at', 'desc')
    .orderBy('visits.id', 'desc')
    .limit(BOARD_LIMIT + 1)
    .execute();
  const left = await visitQuery(ctx.db)
    .where('visits.project_id', 'in', scope)
    .where('visits.out_at', '>=', dayStart)
    .orderBy('visits.out_at', 'desc')
    .orderBy('visits.id', 'desc')
    .limit(BOARD_LIMIT + 1)
    .execute();
  const expected = await appointmentQuery(ctx.db)
    .where('visitor_appointments.project_id', 'in', scope)
    .where('visitor_appointments.expected_at', '>=', dayStart)
    .where('visitor_appointments.expected_at', '<', dayStart + DAY_MS)
    .where('visitor_appointments.status', '=', 'expected')
    .orderBy('visitor_appointments.expected_at')
    .orderBy('visitor_appointments.id')
    .limit(BOARD_LIMIT + 1)
    .execute();
  return {
    date,
    inside: inside.slice(0, BOARD_LIMIT).map((r) => presentVisit(r, showPhone)),
    left: left.slice(0, BOARD_LIMIT).map((r) => presentVisit(r, showPhone)),
    expected: expected.slice(0, BOARD_LIMIT).map((r) => presentAppointment(r, showPhone)),
    truncated: inside.length > BOARD_LIMIT || left.length > BOARD_LIMIT || expected.length > BOARD_LIMIT,
  };
}

function dateRange(from: string | undefined, to: string | undefined) {
  if (from && to && to < from) throw fieldError('to', '截止日期不能早于起始日期');
  return { start: from ? startOfDay(from) : undefined, end: to ? startOfDay(addDays(to, 1)) : undefined };
}

/**
 * The visitor register, newest first, keyset on (in_at, id). Each filter has an index whose
 * leading column it fixes: name prefix, phone, its last four digits, plate, or the project and date.
 */
export async function listVisits(ctx: AppContext, viewer: Viewer, q: VisitListInput) {
  const scope = scopeOf(viewer, q.projectId);
  if (scope !== null && scope.length === 0) return { items: [], nextCursor: null };
  const { start, end } = dateRange(q.from, q.to);
  let query = visitQuery(ctx.db)
    .orderBy('visits.in_at', 'desc')
    .orderBy('visits.id', 'desc')
    .limit(q.limit + 1);
  if (scope !== null) query = query.where('visits.project_id', 'in', scope);
  if (q.name) query = query.where('visits.name', '>=', q.name).where('visits.name', '<', `${q.name}\uffff`);
  if (q.phone)
    query = /^\d{4}$/.test(q.phone) ? query.where('visits.phone_last4', '=', q.phone) : query.where('visits.phone', '=', q.phone);
  if (q.plate) query = query.where('visits.plate', '=', q.plate);
  if (start !== undefined) query = query.where('visits.in_at', '>=', start);
  if (end !== undefined) query = query.where('visits.in_at', '<', end);
  const after = keysetAfter(q.cursor, ['visits.in_at', 'visits.id'], 'desc', ['number', 'string']);
  if (after) query = query.where(after);
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const showPhone = can(viewer, 'pii.phone');
  return {
    items: page.map((r) => presentVisit(r, showPhone)),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.in_at, last.id]) : null,
  };
}

/** Appointments in expected-time order: a day's list at the gate, or everything booked under a phone (full or last four). */
export async function listAppointments(ctx: AppContext, viewer: Viewer, q: AppointmentListInput) {
  const scope = scopeOf(viewer, q.projectId);
  if (scope !== null && scope.length === 0) return { items: [], nextCursor: null };
  let query = appointmentQuery(ctx.db)
    .orderBy('visitor_appointments.expected_at')
    .orderBy('visitor_appointments.id')
    .limit(q.limit + 1);
  if (scope !== null) query = query.where('visitor_appointments.project_id', 'in', scope);
  if (q.date) {
    const start = startOfDay(q.date);
    query = query.where('visitor_appointments.expected_at', '>=', start).where('visitor_appointments.expected_at', '<', start + DAY_MS);
  }
  if (q.phone)
    query = /^\d{4}$/.test(q.phone)
      ? query.where('visitor_appointments.phone_last4', '=', q.phone)
      : query.where('visitor_appointments.phone', '=', q.phone);
  if (q.status) query = query.where('visitor_appointments.status', '=', q.status);
  const after = keysetAfter(q.cursor, ['visitor_appointments.expected_at', 'visitor_appointments.id'], 'asc', ['number', 'string']);
  if (after) query = query.where(after);
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const showPhone = can(viewer, 'pii.phone');
  return {
    items: page.map((r) => presentAppointment(r, showPhone)),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.expected_at, last.id]) : null,
  };
}

// ---------- writing ----------

async function assertProject(ctx: AppContext, viewer: Viewer, projectId: string) {
  if (!inProject(viewer, projectId)) throw fieldError('projectId', '项目不存在');
  const p = await ctx.db.selectFrom('projects').select('id').where('id', '=', projectId).executeTakeFirst();
  if (!p) throw fieldError('projectId', '项目不存在');
}

/** What the audit trail keeps of a visit: the phone masked, like every phone in the trail. */
function auditView(r: Partial<VisitRow> | Partial<AppointmentRow>) {
  const out: Record<string, unknown> = { ...r };
  if (typeof r.phone === 'string') out.phone = maskPhone(r.phone);
  delete out.phone_last4;
  delete out.version;
  delete out.updated_at;
  return out;
}

interface VisitFields {
  projectId: string;
  name: string;
  phone: string;
  idType: string;
  idLast4: string;
  purpose: string;
  partySize: number;
  plate: string;
  badge: string;
  appointmentId: string | null;
}

async function insertVisit(tx: Tx, viewer: Viewer, v: VisitFields, host: HostColumns, now: number): Promise<VisitRow> {
  const row: VisitRow = {
    id: newId(now),
    project_id: v.projectId,
    number: await nextSerial(tx, v.projectId, PASS_PREFIX, now),
    badge: v.badge,
    name: v.name,
    phone: v.phone,
    phone_last4: v.phone.replace(/\D/g, '').slice(-4),
    id_type: v.idType,
    id_last4: v.idLast4,
    purpose: v.purpose,
    party_size: v.partySize,
    ...hostOf(host),
    plate: v.plate,
    appointment_id: v.appointmentId,
    in_at: now,
    out_at: null,
    registered_by: viewer.userId,
    signed_out_by: null,
    created_at: now,
    updated_at: now,
    version: 1,
  };
  await tx.insertInto('visits').values(row).execute();
  return row;
}

/** A walk-in visitor: registered at the gate or the counter with a pass number issued. */
export async function createVisit(ctx: AppContext, viewer: Viewer, input: VisitCreateInput) {
  await assertProject(ctx, viewer, input.projectId);
  const host = await resolveHost(ctx.db, input.projectId, input.host, ctx.clock.now());
  const id = await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    const row = await insertVisit(tx, viewer, { ...input, appointmentId: null }, host, now);
    await audit({ action: 'visit.registered', entity: 'visit', entityId: row.id, after: auditView(row) });
    return row.id;
  });
  return getVisit(ctx, viewer, id);
}

/** Time out, once: a visitor already signed out keeps the time they left. */
export async function signOut(ctx: AppContext, viewer: Viewer, id: string, version: number) {
  const row = await ctx.db.selectFrom('visits').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !inProject(viewer, row.project_id)) throw notFound('来访记录');
  if (row.out_at !== null) throw ruleViolated(`${row.name}已于 ${hhmm(row.out_at)} 登记离开，不能重复登记`, 'already_signed_out');
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    await casUpdate(tx, 'visits', id, version, { out_at: now, signed_out_by: viewer.userId }, now, '来访记录');
    await audit({ action: 'visit.signed_out', entity: 'visit', entityId: id, before: { out_at: null }, after: { out_at: now } });
  });
  return getVisit(ctx, viewer, id);
}

export async function createAppointment(ctx: AppContext, viewer: Viewer, input: AppointmentCreateInput) {
  await assertProject(ctx, viewer, input.projectId);
  if (input.host.kind === 'other') throw fieldError('host.kind', '预约须指定被访的房屋、员工或部门，到访时才能通知被访人');
  const now = ctx.clock.now();
  if (input.expectedAt < startOfDay(toLocalDate(now))) throw fieldError('expectedAt', '预计到访时间不能早于今天');
  const host = await resolveHost(ctx.db, input.projectId, input.host, now);
  const id = await write(ctx, actorOf(viewer), async (tx, audit, at) => {
    const row: AppointmentRow = {
      id: newId(at),
      project_id: input.projectId,
      name: input.name,
      phone: input.phone,
      phone_last4: input.phone.replace(/\D/g, '').slice(-4),
      party_size: input.partySize,
      purpose: input.purpose,
      plate: input.plate,
      expected_at: input.expectedAt,
      ...host,
      status: 'expected',
      visit_id: null,
      arrived_at: null,
      cancel_reason: '',
      created_by: viewer.userId,
      created_at: at,
      updated_at: at,
      version: 1,
    };
    await tx.insertInto('visitor_appointments').values(row).execute();
    await audit({ action: 'visit.appointment_made', entity: 'visitor_appointment', entityId: row.id, after: auditView(row) });
    return row.id;
  });
  return getAppointment(ctx, viewer, id);
}

async function openAppointment(ctx: AppContext, viewer: Viewer, id: string) {
  const a = await ctx.db.selectFrom('visitor_appointments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!a || !inProject(viewer, a.project_id)) throw notFound('访客预约');
  if (a.status === 'arrived') throw ruleViolated(`${a.name}已于 ${hhmm(a.arrived_at ?? a.updated_at)} 登记到访`, 'already_arrived');
  if (a.status === 'cancelled') throw ruleViolated('该预约已取消', 'appointment_cancelled');
  return a;
}

/**
 * The appointment's visitor has arrived: the visit is created from it (ID checked now, last four
 * only), the appointment is marked arrived in the same transaction, and the host hears of it in-app.
 */
export async function checkIn(ctx: AppContext, viewer: Viewer, id: string, input: CheckInInput) {
  const a = await openAppointment(ctx, viewer, id);
  const live: LiveEvent[] = [];
  const { visitId, notified } = await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    const visit = await insertVisit(
      tx,
      viewer,
      {
        projectId: a.project_id,
        name: a.name,
        phone: a.phone,
        idType: input.idType,
        idLast4: input.idLast4,
        purpose: a.purpose,
        partySize: input.partySize ?? a.party_size,
        plate: input.plate ?? a.plate,
        badge: input.badge,
        appointmentId: a.id,
      },
      hostOf(a),
      now,
    );
    await casUpdate(
      tx,
      'visitor_appointments',
      a.id,
      input.version,
      { status: 'arrived', arrived_at: now, visit_id: visit.id },
      now,
      '访客预约',
    );
    const project = await tx.selectFrom('projects').select('name').where('id', '=', a.project_id).executeTakeFirstOrThrow();
    const users = await hostUsers(tx, a, now);
    const title = `访客已到：${a.name}`;
    const body = `${a.name}（${visit.party_size} 人）已于 ${hhmm(now)} 到达${project.name}，来访事由：${a.purpose}。登记编号 ${visit.number}。`;
    const base = { kind: 'visitor.arrived', title, body, dedupeKey: `visit-arrived:${visit.id}`, projectId: a.project_id };
    live.push(...(await notify(tx, { ...base, userIds: users.residents, link: '/m' }, now)));
    live.push(...(await notify(tx, { ...base, userIds: users.staff, link: '/visitors' }, now)));
    await audit({ action: 'visit.registered', entity: 'visit', entityId: visit.id, after: auditView(visit) });
    await audit({
      action: 'visit.appointment_arrived',
      entity: 'visitor_appointment',
      entityId: a.id,
      before: { status: 'expected' },
      after: { status: 'arrived', visit_id: visit.id, host_notified: users.residents.length + users.staff.length },
    });
    return { visitId: visit.id, notified: users.residents.length + users.staff.length };
  });
  ctx.live.publishAll(live);
  return { visit: await getVisit(ctx, viewer, visitId), appointment: await getAppointment(ctx, viewer, id), notified };
}

export async function cancelAppointment(ctx: AppContext, viewer: Viewer, id: string, input: { version: number; reason: string }) {
  await openAppointment(ctx, viewer, id);
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    await casUpdate(tx, 'visitor_appointments', id, input.version, { status: 'cancelled', cancel_reason: input.reason }, now, '访客预约');
    await audit({
      action: 'visit.appointment_cancelled',
      entity: 'visitor_appointment',
      entityId: id,
      before: { status: 'expected' },
      after: { status: 'cancelled', reason: input.reason },
    });
  });
  return getAppointment(ctx, viewer, id);
}
