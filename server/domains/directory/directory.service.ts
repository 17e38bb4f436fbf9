import type { z } from 'zod';
import { maskIdNumber, maskPhone } from '../../platform/access/mask.ts';
import { entityHistory } from '../../platform/audit/audit.ts';
import { actorOf, can, inProject, type Viewer } from '../../platform/auth/viewer.ts';
import { toLocalDate } from '../../platform/calendar/calendar.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/index.ts';
import { encodeCursor, keysetAfter } from '../../platform/http/common.ts';
import { fieldError, forbidden, notFound, ruleViolated } from '../../platform/http/errors.ts';
import { newId } from '../../platform/ids.ts';
import { casUpdate, diff, write } from '../../platform/write.ts';
import { companyId } from '../org/org.service.ts';
import type {
  BuildingCreate,
  BuildingPatch,
  OccupancyCreate,
  OccupancyPatch,
  PersonCreate,
  PersonPatch,
  UNIT_STATUSES,
  UnitCreate,
  UnitPatch,
} from './directory.schema.ts';

type Relation = 'owner' | 'tenant' | 'family' | 'agent';

/** Prefix match that a plain b-tree index answers on both dialects (no LIKE collation games). */
const prefixEnd = (s: string) => `${s}\uffff`;

/** Orders units as people read them: building, entrance, then room numerically. */
export function unitSortKey(number: string): string {
  return number
    .split('-')
    .map((p) => (/^\d+$/.test(p) ? p.padStart(6, '0') : p))
    .join('-');
}

function scopeOf(viewer: Viewer, projectId?: string): string[] | null {
  if (projectId) {
    if (!inProject(viewer, projectId)) throw notFound('项目');
    return [projectId];
  }
  return viewer.projectIds;
}

function phoneFor(viewer: Viewer, phone: string): string {
  return can(viewer, 'pii.phone') ? phone : maskPhone(phone);
}

// ---------- buildings ----------

export async function listBuildings(ctx: AppContext, viewer: Viewer, projectId: string) {
  scopeOf(viewer, projectId);
  const rows = await ctx.db.selectFrom('buildings').selectAll().where('project_id', '=', projectId).orderBy('code').execute();
  const counts = await ctx.db
    .selectFrom('units')
    .select(['building_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('project_id', '=', projectId)
    .groupBy('building_id')
    .execute();
  const byBuilding = new Map(counts.map((c) => [c.building_id, Number(c.n)]));
  return rows.map((b) => ({
    id: b.id,
    projectId: b.project_id,
    code: b.code,
    name: b.name,
    floors: b.floors,
    unitCount: byBuilding.get(b.id) ?? 0,
    version: b.version,
  }));
}

async function getBuilding(ctx: AppContext, viewer: Viewer, id: string) {
  const b = await ctx.db.selectFrom('buildings').selectAll().where('id', '=', id).executeTakeFirst();
  if (!b || !inProject(viewer, b.project_id)) throw notFound('楼栋');
  return { id: b.id, projectId: b.project_id, code: b.code, name: b.name, floors: b.floors, version: b.version };
}

export async function createBuilding(ctx: AppContext, viewer: Viewer, input: z.infer<typeof BuildingCreate>) {
  const p = await ctx.db.selectFrom('projects').select('id').where('id', '=', input.projectId).executeTakeFirst();
  if (!p || !inProject(viewer, input.projectId)) throw fieldError('projectId', '项目不存在');
  const dup = await ctx.db
    .selectFrom('buildings')
    .select('id')
    .where('project_id', '=', input.projectId)
    .where('code', '=', input.code)
    .executeTakeFirst();
  if (dup) throw fieldError('code', `楼栋编号 ${input.code} 已存在`);
  const id = await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    const row = {
      id: newId(now),
      project_id: input.projectId,
      code: input.code,
      name: input.name,
      floors: input.floors,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await tx.insertInto('buildings').values(row).execute();
    await audit({ action: 'building.created', entity: 'building', entityId: row.id, after: input });
    return row.id;
  });
  return getBuilding(ctx, viewer, id);
}

export async function patchBuilding(ctx: AppContext, viewer: Viewer, id: string, input: z.infer<typeof BuildingPatch>) {
  const before = await getBuilding(ctx, viewer, id);
  const { version, ...fields } = input;
  const d = diff(before, fields);
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    await casUpdate(tx, 'buildings', id, version, fields, now, '楼栋');
    if (d.changed) await audit({ action: 'building.updated', entity: 'building', entityId: id, before: d.before, after: d.after });
  });
  return getBuilding(ctx, viewer, id);
}

// ---------- units ----------

function unitQuery(db: Db) {
  return db
    .selectFrom('units')
    .innerJoin('buildings', 'buildings.id', 'units.building_id')
    .innerJoin('projects', 'projects.id', 'units.project_id')
    .select([
      'units.id',
      'units.project_id',
      'projects.name as project_name',
      'units.building_id',
      'buildings.name as building_name',
      'units.number',
      'units.room',
      'units.sort_key',
      'units.floor',
      'units.area_x100',
      'units.status',
      'units.notes',
      'units.version',
    ]);
}

type UnitRow = Awaited<ReturnType<ReturnType<typeof unitQuery>['executeTakeFirstOrThrow']>>;

function presentUnit(u: UnitRow) {
  return {
    id: u.id,
    projectId: u.project_id,
    projectName: u.project_name,
    buildingId: u.building_id,
    buildingName: u.building_name,
    number: u.number,
    room: u.room,
    floor: u.floor,
    area: u.area_x100 / 100,
    status: u.status as (typeof UNIT_STATUSES)[number],
    notes: u.notes,
    version: u.version,
  };
}

export async function listUnits(
  ctx: AppContext,
  viewer: Viewer,
  query: { projectId?: string; buildingId?: string; cursor?: string; limit: number },
) {
  const scope = scopeOf(viewer, query.projectId);
  let q = unitQuery(ctx.db)
    .orderBy('units.project_id')
    .orderBy('units.sort_key')
    .limit(query.limit + 1);
  if (scope !== null) {
    if (scope.length === 0) return { items: [], nextCursor: null };
    q = q.where('units.project_id', 'in', scope);
  }
  if (query.buildingId) q = q.where('units.building_id', '=', query.buildingId);
  const after = keysetAfter(query.cursor, ['units.project_id', 'units.sort_key'], 'asc', ['string', 'string']);
  if (after) q = q.where(after);
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(presentUnit),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.project_id, last.sort_key]) : null,
  };
}

async function occupantsOf(ctx: AppContext, viewer: Viewer, unitIds: string[], currentOnly: boolean) {
  if (unitIds.length === 0) return new Map<string, ReturnType<typeof presentOccupant>[]>();
  let q = ctx.db
    .selectFrom('occupancies')
    .innerJoin('people', 'people.id', 'occupancies.person_id')
    .select([
      'occupancies.id',
      'occupancies.unit_id',
      'occupancies.person_id',
      'occupancies.relation',
      'occupancies.start_date',
      'occupancies.end_date',
      'occupancies.move_in_date',
      'occupancies.version',
      'people.name',
      'people.phone',
    ])
    .where('occupancies.unit_id', 'in', unitIds);
  if (currentOnly) {
    const today = toLocalDate(ctx.clock.now());
    q = q.where((eb) => eb.or([eb('occupancies.end_date', 'is', null), eb('occupancies.end_date', '>=', today)]));
  }
  const rows = await q.execute();
  const personIds = [...new Set(rows.map((r) => r.person_id))];
  const plates = personIds.length
    ? await ctx.db.selectFrom('vehicles').select(['person_id', 'plate']).where('person_id', 'in', personIds).execute()
    : [];
  const order: Record<string, number> = { owner: 0, agent: 1, tenant: 2, family: 3 };
  const out = new Map<string, ReturnType<typeof presentOccupant>[]>();
  for (const r of rows.sort((a, b) => (order[a.relation] ?? 9) - (order[b.relation] ?? 9) || a.start_date.localeCompare(b.start_date))) {
    const list = out.get(r.unit_id) ?? [];
    list.push(
      presentOccupant(
        viewer,
        r,
        plates.filter((p) => p.person_id === r.person_id).map((p) => p.plate),
      ),
    );
    out.set(r.unit_id, list);
  }
  return out;
}

function presentOccupant(
  viewer: Viewer,
  r: {
    id: string;
    person_id: string;
    name: string;
    phone: string;
    relation: string;
    start_date: string;
    end_date: string | null;
    move_in_date: string | null;
    version: number;
  },
  plates: string[],
) {
  return {
    occupancyId: r.id,
    personId: r.person_id,
    name: r.name,
    phone: phoneFor(viewer, r.phone),
    relation: r.relation as Relation,
    startDate: r.start_date,
    endDate: r.end_date,
    moveInDate: r.move_in_date,
    plates,
    version: r.version,
  };
}

/** Staff see units of their projects; a resident sees only units they live in or own. */
async function assertUnitVisible(ctx: AppContext, viewer: Viewer, unit: { id: string; project_id: string }) {
  if (viewer.role === 'resident') {
    if (!viewer.personId) throw notFound('房屋');
    const occ = await ctx.db
      .selectFrom('occupancies')
      .select('id')
      .where('unit_id', '=', unit.id)
      .where('person_id', '=', viewer.personId)
      .executeTakeFirst();
    if (!occ) throw notFound('房屋');
    return;
  }
  if (!can(viewer, 'directory.read') || !inProject(viewer, unit.project_id)) throw notFound('房屋');
}

export async function getUnit(ctx: AppContext, viewer: Viewer, id: string) {
  const u = await unitQuery(ctx.db).where('units.id', '=', id).executeTakeFirst();
  if (!u) throw notFound('房屋');
  await assertUnitVisible(ctx, viewer, u);
  const occ = await occupantsOf(ctx, viewer, [id], false);
  return { ...presentUnit(u), occupants: occ.get(id) ?? [] };
}

export async function myUnits(ctx: AppContext, viewer: Viewer) {
  if (!viewer.personId) return [];
  const rows = await ctx.db.selectFrom('occupancies').select('unit_id').where('person_id', '=', viewer.personId).execute();
  const ids = [...new Set(rows.map((r) => r.unit_id))];
  return Promise.all(ids.map((id) => getUnit(ctx, viewer, id)));
}

export async function unitHistory(ctx: AppContext, viewer: Viewer, id: string) {
  const u = await ctx.db.selectFrom('units').select(['id', 'project_id']).where('id', '=', id).executeTakeFirst();
  if (!u) throw notFound('房屋');
  await assertUnitVisible(ctx, viewer, u);
  return entityHistory(ctx.db, 'unit', id);
}

export async function createUnit(ctx: AppContext, viewer: Viewer, input: z.infer<typeof UnitCreate>) {
  const b = await ctx.db.selectFrom('buildings').selectAll().where('id', '=', input.buildingId).executeTakeFirst();
  if (!b || !inProject(viewer, b.project_id)) throw fieldError('buildingId', '楼栋不存在');
  const number = `${b.code}-${input.entrance}-${input.room}`;
  const floor = Number.parseInt(input.room.slice(0, -2), 10);
  if (floor > b.floors) throw fieldError('room', `房号楼层 ${floor} 超过该楼栋总层数 ${b.floors}`);
  const dup = await ctx.db
    .selectFrom('units')
    .select('id')
    .where('project_id', '=', b.project_id)
    .where('number', '=', number)
    .executeTakeFirst();
  if (dup) throw fieldError('room', `房号 ${number} 已存在`);
  const id = await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    const row = {
      id: newId(now),
      project_id: b.project_id,
      building_id: b.id,
      number,
      room: input.room,
      sort_key: unitSortKey(number),
      floor,
      area_x100: Math.round(input.area * 100),
      status: 'vacant',
      notes: input.notes,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await tx.insertInto('units').values(row).execute();
    await audit({ action: 'unit.created', entity: 'unit', entityId: row.id, after: { number, area: input.area, notes: input.notes } });
    return row.id;
  });
  return getUnit(ctx, viewer, id);
}

export async function patchUnit(ctx: AppContext, viewer: Viewer, id: string, input: z.infer<typeof UnitPatch>) {
  const before = await getUnit(ctx, viewer, id);
  const { version, area, ...rest } = input;
  const set: Record<string, unknown> = { ...rest };
  if (area !== undefined) set.area_x100 = Math.round(area * 100);
  const d = diff(before, { ...rest, area });
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    await casUpdate(tx, 'units', id, version, set, now, '房屋');
    if (d.changed) await audit({ action: 'unit.updated', entity: 'unit', entityId: id, before: d.before, after: d.after });
  });
  return getUnit(ctx, viewer, id);
}

// ---------- people ----------

/** What the audit trail keeps of a person: contact and ID numbers masked, so the trail is not a PII copy. */
function auditView(p: Record<string, unknown>) {
  const out = { ...p };
  if (typeof out.phone === 'string') out.phone = maskPhone(out.phone);
  if (typeof out.phone2 === 'string') out.phone2 = maskPhone(out.phone2);
  if (typeof out.idNumber === 'string') out.idNumber = maskIdNumber(out.idNumber);
  return out;
}

async function personRow(ctx: AppContext, id: string) {
  const p = await ctx.db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
  if (!p) throw notFound('住户档案');
  return p;
}

/** A person is visible to staff of any project they are attached to (or to all staff while unattached). */
async function assertPersonVisible(ctx: AppContext, viewer: Viewer, personId: string) {
  if (viewer.role === 'resident') {
    if (viewer.personId !== personId) throw notFound('住户档案');
    return;
  }
  if (!can(viewer, 'directory.read')) throw notFound('住户档案');
  if (viewer.projectIds === null) return;
  const occ = await ctx.db.selectFrom('occupancies').select('project_id').where('person_id', '=', personId).execute();
  if (occ.length > 0 && !occ.some((o) => inProject(viewer, o.project_id))) throw notFound('住户档案');
}

export async function getPerson(ctx: AppContext, viewer: Viewer, id: string) {
  const p = await personRow(ctx, id);
  await assertPersonVisible(ctx, viewer, id);
  const plates = await ctx.db.selectFrom('vehicles').select('plate').where('person_id', '=', id).orderBy('created_at').execute();
  const units = await ctx.db
    .selectFrom('occupancies')
    .innerJoin('units', 'units.id', 'occupancies.unit_id')
    .innerJoin('projects', 'projects.id', 'occupancies.project_id')
    .select([
      'occupancies.id',
      'occupancies.unit_id',
      'units.number',
      'occupancies.project_id',
      'projects.name as project_name',
      'occupancies.relation',
      'occupancies.start_date',
      'occupancies.end_date',
      'occupancies.move_in_date',
      'occupancies.version',
    ])
    .where('occupancies.person_id', '=', id)
    .orderBy('occupancies.start_date')
    .execute();
  return {
    id: p.id,
    name: p.name,
    gender: p.gender,
    phone: phoneFor(viewer, p.phone),
    phone2: phoneFor(viewer, p.phone2),
    idType: p.id_type,
    idNumber: maskIdNumber(p.id_number),
    notes: p.notes,
    plates: plates.map((x) => x.plate),
    units: units
      .filter((u) => viewer.role === 'resident' || inProject(viewer, u.project_id))
      .map((u) => ({
        occupancyId: u.id,
        unitId: u.unit_id,
        unitNumber: u.number,
        projectId: u.project_id,
        projectName: u.project_name,
        relation: u.relation as Relation,
        startDate: u.start_date,
        endDate: u.end_date,
        moveInDate: u.move_in_date,
        version: u.version,
      })),
    version: p.version,
  };
}

export async function personHistory(ctx: AppContext, viewer: Viewer, id: string) {
  await personRow(ctx, id);
  await assertPersonVisible(ctx, viewer, id);
  return entityHistory(ctx.db, 'person', id);
}

/** The one place a full ID number leaves the server; every call is an audit event. */
export async function revealIdNumber(ctx: AppContext, viewer: Viewer, id: string) {
  const p = await personRow(ctx, id);
  await assertPersonVisible(ctx, viewer, id);
  await write(ctx, actorOf(viewer), async (_tx, audit) => {
    await audit({ action: 'person.id_number_viewed', entity: 'person', entityId: id, after: { idType: p.id_type } });
  });
  return { idNumber: p.id_number };
}

export async function listPeople(
  ctx: AppContext,
  viewer: Viewer,
  query: { q?: string; projectId?: string; cursor?: string; limit: number },
) {
  const scope = scopeOf(viewer, query.projectId);
  let q = ctx.db
    .selectFrom('people')
    .selectAll()
    .orderBy('name')
    .orderBy('id')
    .limit(query.limit + 1);
  if (query.q) q = q.where('name', '>=', query.q).where('name', '<', prefixEnd(query.q));
  if (scope !== null) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('occupancies')
          .select('occupancies.id')
          .whereRef('occupancies.person_id', '=', 'people.id')
          .where('occupancies.project_id', 'in', scope.length ? scope : ['']),
      ),
    );
  }
  const after = keysetAfter(query.cursor, ['name', 'id'], 'asc', ['string', 'string']);
  if (after) q = q.where(after);
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  const plates = page.length
    ? await ctx.db
        .selectFrom('vehicles')
        .select(['person_id', 'plate'])
        .where(
          'person_id',
          'in',
          page.map((p) => p.id),
        )
        .execute()
    : [];
  const last = page[page.length - 1];
  return {
    items: page.map((p) => ({
      id: p.id,
      name: p.name,
      gender: p.gender,
      phone: phoneFor(viewer, p.phone),
      phone2: phoneFor(viewer, p.phone2),
      idType: p.id_type,
      idNumber: maskIdNumber(p.id_number),
      notes: p.notes,
      plates: plates.filter((x) => x.person_id === p.id).map((x) => x.plate),
      version: p.version,
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.name, last.id]) : null,
  };
}

async function checkOccupancyTarget(ctx: AppContext, viewer: Viewer, unitId: string) {
  const u = await ctx.db.selectFrom('units').select(['id', 'project_id', 'number']).where('id', '=', unitId).executeTakeFirst();
  if (!u || !inProject(viewer, u.project_id)) throw fieldError('unitId', '房屋不存在');
  return u;
}

export async function createPerson(ctx: AppContext, viewer: Viewer, input: z.infer<typeof PersonCreate>) {
  const company = await companyId(ctx);
  if (viewer.projectIds !== null && !input.occupancy) {
    throw fieldError('occupancy', '请同时登记该住户与本项目房屋的关系');
  }
  const unit = input.occupancy ? await checkOccupancyTarget(ctx, viewer, input.occupancy.unitId) : null;
  const plates = [...new Set(input.plates)];
  const id = await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    const row = {
      id: newId(now),
      company_id: company,
      name: input.name,
      gender: input.gender,
      phone: input.phone,
      phone_last4: input.phone.slice(-4),
      phone2: input.phone2,
      id_type: input.idType,
      id_number: input.idNumber,
      notes: input.notes,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await tx.insertInto('people').values(row).execute();
    if (plates.length)
      await tx
        .insertInto('vehicles')
        .values(plates.map((plate) => ({ id: newId(now), person_id: row.id, plate, created_at: now })))
        .execute();
    const { occupancy, ...fields } = input;
    await audit({ action: 'person.created', entity: 'person', entityId: row.id, after: auditView({ ...fields, plates }) });
    if (occupancy && unit) {
      const occ = {
        id: newId(now),
        person_id: row.id,
        unit_id: unit.id,
        project_id: unit.project_id,
        relation: occupancy.relation,
        start_date: occupancy.startDate,
        end_date: null,
        move_in_date: occupancy.moveInDate ?? null,
        created_at: now,
        updated_at: now,
        version: 1,
      };
      await tx.insertInto('occupancies').values(occ).execute();
      const after = {
        personId: row.id,
        personName: row.name,
        unitId: unit.id,
        unitNumber: unit.number,
        relation: occupancy.relation,
        startDate: occupancy.startDate,
        moveInDate: occ.move_in_date,
      };
      await audit({ action: 'occupancy.created', entity: 'person', entityId: row.id, after });
      await audit({ action: 'occupancy.created', entity: 'unit', entityId: unit.id, after });
    }
    return row.id;
  });
  return getPerson(ctx, viewer, id);
}

export async function patchPerson(ctx: AppContext, viewer: Viewer, id: string, input: z.infer<typeof PersonPatch>) {
  const row = await personRow(ctx, id);
  await assertPersonVisible(ctx, viewer, id);
  const currentPlates = (await ctx.db.selectFrom('vehicles').select('plate').where('person_id', '=', id).execute()).map((v) => v.plate);
  const { version, plates, ...fields } = input;
  const set: Record<string, unknown> = {};
  if (fields.name !== undefined) set.name = fields.name;
  if (fields.gender !== undefined) set.gender = fields.gender;
  if (fields.phone !== undefined) Object.assign(set, { phone: fields.phone, phone_last4: fields.phone.slice(-4) });
  if (fields.phone2 !== undefined) set.phone2 = fields.phone2;
  if (fields.idType !== undefined) set.id_type = fields.idType;
  if (fields.idNumber !== undefined) set.id_number = fields.idNumber;
  if (fields.notes !== undefined) set.notes = fields.notes;
  const before = {
    name: row.name,
    gender: row.gender,
    phone: row.phone,
    phone2: row.phone2,
    idType: row.id_type,
    idNumber: row.id_number,
    notes: row.notes,
    plates: currentPlates,
  };
  const newPlates = plates ? [...new Set(plates)] : undefined;
  const d = diff(before, { ...fields, plates: newPlates });
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    await casUpdate(tx, 'people', id, version, set, now, '住户档案');
    if (newPlates) {
      await tx.deleteFrom('vehicles').where('person_id', '=', id).execute();
      if (newPlates.length)
        await tx
          .insertInto('vehicles')
          .values(newPlates.map((plate) => ({ id: newId(now), person_id: id, plate, created_at: now })))
          .execute();
    }
    if (d.changed)
      await audit({ action: 'person.updated', entity: 'person', entityId: id, before: auditView(d.before), after: auditView(d.after) });
  });
  return getPerson(ctx, viewer, id);
}

export async function createOccupancy(ctx: AppContext, viewer: Viewer, input: z.infer<typeof OccupancyCreate>) {
  const person = await personRow(ctx, input.personId);
  await assertPersonVisible(ctx, viewer, input.personId);
  const unit = await checkOccupancyTarget(ctx, viewer, input.unitId);
  const open = await ctx.db
    .selectFrom('occupancies')
    .select('id')
    .where('person_id', '=', input.personId)
    .where('unit_id', '=', input.unitId)
    .where('relation', '=', input.relation)
    .where('end_date', 'is', null)
    .executeTakeFirst();
  if (open) throw ruleViolated('该住户与此房屋已有相同的有效关系');
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    const occ = {
      id: newId(now),
      person_id: input.personId,
      unit_id: unit.id,
      project_id: unit.project_id,
      relation: input.relation,
      start_date: input.startDate,
      end_date: null,
      move_in_date: input.moveInDate ?? null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await tx.insertInto('occupancies').values(occ).execute();
    const after = { ...input, personName: person.name, unitNumber: unit.number };
    await audit({ action: 'occupancy.created', entity: 'person', entityId: input.personId, after });
    await audit({ action: 'occupancy.created', entity: 'unit', entityId: unit.id, after });
  });
  return getPerson(ctx, viewer, input.personId);
}

export async function patchOccupancy(ctx: AppContext, viewer: Viewer, id: string, input: z.infer<typeof OccupancyPatch>) {
  const occ = await ctx.db.selectFrom('occupancies').selectAll().where('id', '=', id).executeTakeFirst();
  if (!occ || !inProject(viewer, occ.project_id)) throw notFound('房屋关系');
  if (viewer.role === 'resident') throw forbidden();
  if (input.endDate && input.endDate < occ.start_date) throw fieldError('endDate', '结束日期不能早于开始日期');
  const unitNumber = (await ctx.db.selectFrom('units').select('number').where('id', '=', occ.unit_id).executeTakeFirstOrThrow()).number;
  const personName = (await personRow(ctx, occ.person_id)).name;
  const set: Record<string, unknown> = {};
  if (input.endDate !== undefined) set.end_date = input.endDate;
  if (input.moveInDate !== undefined) set.move_in_date = input.moveInDate;
  const before = { endDate: occ.end_date, moveInDate: occ.move_in_date };
  const d = diff(before, { endDate: input.endDate, moveInDate: input.moveInDate });
  await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    await casUpdate(tx, 'occupancies', id, input.version, set, now, '房屋关系');
    if (d.changed) {
      const who = { personName, unitNumber, relation: occ.relation };
      const entry = { action: 'occupancy.updated', before: { ...who, ...d.before }, after: d.after };
      await audit({ ...entry, entity: 'person', entityId: occ.person_id });
      await audit({ ...entry, entity: 'unit', entityId: occ.unit_id });
    }
  });
  return getPerson(ctx, viewer, occ.person_id);
}

// ---------- counter look-up ----------

type MatchedBy = 'unit' | 'room' | 'name' | 'phone' | 'phone_last4' | 'plate';

/**
 * The counter's one search box. The input's shape picks the index to ask — unit number,
 * room, full phone, last four digits, plate or name prefix — so every answer is an index seek.
 */
export async function lookup(ctx: AppContext, viewer: Viewer, rawQ: string, projectId?: string, limit = 20) {
  const q = rawQ.trim().replace(/\s+/g, '');
  if (!q) return { items: [] };
  const scope = scopeOf(viewer, projectId);
  if (scope !== null && scope.length === 0) return { items: [] };
  const matched = new Map<string, MatchedBy>();
  const addUnits = (ids: string[], by: MatchedBy) => {
    for (const id of ids) if (!matched.has(id) && matched.size < limit) matched.set(id, by);
  };
  // People and their units in one indexed join, scoped before the limit so another project's
  // namesakes cannot crowd out this project's matches.
  const unitsOfPeople = async (where: (eb: any) => any, by: MatchedBy) => {
    let oq = ctx.db
      .selectFrom('people')
      .innerJoin('occupancies', 'occupancies.person_id', 'people.id')
      .select('occupancies.unit_id')
      .where(where);
    if (scope !== null) oq = oq.where('occupancies.project_id', 'in', scope);
    addUnits(
      (await oq.limit(limit).execute()).map((r) => r.unit_id),
      by,
    );
  };
  const unitsWhere = async (col: 'number' | 'room', value: string, prefix: boolean, by: MatchedBy) => {
    let uq = ctx.db.selectFrom('units').select('id');
    uq = prefix ? uq.where(col, '>=', value).where(col, '<', prefixEnd(value)) : uq.where(col, '=', value);
    if (scope !== null) uq = uq.where('project_id', 'in', scope);
    addUnits(
      (await uq.orderBy(col).limit(limit).execute()).map((r) => r.id),
      by,
    );
  };

  const upper = q.toUpperCase();
  if (/^1\d{10}$/.test(q) || /^0\d{2,3}-?\d{7,8}$/.test(q)) {
    await unitsOfPeople((eb) => eb.or([eb('people.phone', '=', q), eb('people.phone2', '=', q)]), 'phone');
  } else if (/^\d{4}$/.test(q)) {
    await unitsOfPeople((eb) => eb('people.phone_last4', '=', q), 'phone_last4');
    await unitsWhere('room', q, false, 'room');
  } else if (/^\d{3,5}$/.test(q)) {
    await unitsWhere('room', q, false, 'room');
  } else if (/^[0-9A-Za-z]+(-[0-9A-Za-z]*)+$/.test(q)) {
    await unitsWhere('number', upper, true, 'unit');
  } else if (/^[\u4e00-\u9fa5][A-Za-z][A-Za-z0-9]*$/.test(q)) {
    let vq = ctx.db
      .selectFrom('vehicles')
      .innerJoin('occupancies', 'occupancies.person_id', 'vehicles.person_id')
      .select('occupancies.unit_id')
      .where('vehicles.plate', '>=', upper)
      .where('vehicles.plate', '<', prefixEnd(upper));
    if (scope !== null) vq = vq.where('occupancies.project_id', 'in', scope);
    addUnits(
      (await vq.limit(limit).execute()).map((r) => r.unit_id),
      'plate',
    );
  }
  if (matched.size < limit && /^[\u4e00-\u9fa5·]{1,20}$/.test(q)) {
    await unitsOfPeople((eb) => eb.and([eb('people.name', '>=', q), eb('people.name', '<', prefixEnd(q))]), 'name');
  }
  const ids = [...matched.keys()];
  if (!ids.length) return { items: [] };
  const units = await unitQuery(ctx.db).where('units.id', 'in', ids).execute();
  const occ = await occupantsOf(ctx, viewer, ids, true);
  const byId = new Map(units.map((u) => [u.id, u]));
  return {
    items: ids
      .map((id) => byId.get(id))
      .filter((u): u is UnitRow => !!u)
      .map((u) => ({ unit: presentUnit(u), occupants: occ.get(u.id) ?? [], matchedBy: matched.get(u.id) as MatchedBy })),
  };
}
