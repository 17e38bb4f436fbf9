import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Role } from '../../server/platform/access/roles.ts';
import { describeEachDb } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const CHINESE = /[\u4e00-\u9fa5]/;
const masked = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;
/** China local date, the calendar the server uses to decide who lives somewhere today. */
const localDate = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);

describeEachDb('directory: look-up, masking, people, units, audit', (dialect) => {
  let srv: TestServer;
  let yghy: string;
  let chy: string;
  let demoUnit: { id: string; number: string; building_id: string };
  let demoOwner: { id: string; name: string; phone: string; phone_last4: string; id_number: string; version: number };

  beforeAll(async () => {
    srv = await startTestServer({ dialect });
    yghy = srv.demo.projectByCode.YGHY as string;
    chy = srv.demo.projectByCode.CHY as string;
    const db = srv.ctx.db;
    demoUnit = await db
      .selectFrom('units')
      .select(['id', 'number', 'building_id'])
      .where('project_id', '=', yghy)
      .where('number', '=', '3-1-1502')
      .executeTakeFirstOrThrow();
    demoOwner = await db
      .selectFrom('people')
      .innerJoin('occupancies', 'occupancies.person_id', 'people.id')
      .select(['people.id', 'people.name', 'people.phone', 'people.phone_last4', 'people.id_number', 'people.version'])
      .where('occupancies.unit_id', '=', demoUnit.id)
      .where('occupancies.relation', '=', 'owner')
      .executeTakeFirstOrThrow();
  });
  afterAll(() => srv?.close());

  const today = () => localDate(srv.ctx.clock.now());

  async function as(role: Role, opts?: { projectIds?: string[] | null; personId?: string }) {
    const user = await srv.makeUser(role, opts);
    const c = new Client(srv.url);
    const r = await c.login(user.username, user.password);
    expect(r.status).toBe(200);
    return Object.assign(c, { user });
  }

  async function demo(username: string) {
    const c = new Client(srv.url);
    expect((await c.login(username, DEMO_PASSWORD)).status).toBe(200);
    return c;
  }

  async function auditCount() {
    const r = await srv.ctx.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async function peopleCount() {
    const r = await srv.ctx.db
      .selectFrom('people')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Person ids living in the unit today, straight from the tables. */
  async function currentOccupantIds(unitId: string) {
    const t = today();
    const rows = await srv.ctx.db
      .selectFrom('occupancies')
      .select('person_id')
      .where('unit_id', '=', unitId)
      .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', t)]))
      .execute();
    return rows.map((r) => r.person_id).sort();
  }

  /** Units of the project(s) a person query reaches through any relation, as the look-up defines it. */
  async function unitsOfPeople(personIds: string[], projectIds: string[]) {
    if (!personIds.length) return [];
    const rows = await srv.ctx.db
      .selectFrom('occupancies')
      .select('unit_id')
      .where('person_id', 'in', personIds)
      .where('project_id', 'in', projectIds)
      .execute();
    return [...new Set(rows.map((r) => r.unit_id))].sort();
  }

  /** A person whose only relations are in the given project. */
  async function personOnlyIn(projectId: string, otherProjectId: string) {
    return srv.ctx.db
      .selectFrom('people')
      .innerJoin('occupancies', 'occupancies.person_id', 'people.id')
      .select(['people.id', 'people.name', 'people.phone', 'people.phone_last4', 'occupancies.unit_id'])
      .where('occupancies.project_id', '=', projectId)
      .where('occupancies.end_date', 'is', null)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('occupancies as o2')
              .select('o2.id')
              .whereRef('o2.person_id', '=', 'people.id')
              .where('o2.project_id', '=', otherProjectId),
          ),
        ),
      )
      .orderBy('people.id')
      .executeTakeFirstOrThrow();
  }

  async function unusedPhone() {
    for (let i = 0; ; i++) {
      const phone = `199${String((Date.now() + i * 7919) % 1e8).padStart(8, '0')}`;
      const hit = await srv.ctx.db.selectFrom('people').select('id').where('phone', '=', phone).executeTakeFirst();
      if (!hit) return phone;
    }
  }

  async function createResident(c: Client, unitId: string, extra: Record<string, unknown> = {}) {
    const phone = await unusedPhone();
    const r = await c.post('/api/people', {
      name: '测试租户',
      gender: '女',
      phone,
      idNumber: '440301199001011234',
      plates: ['粤B12345'],
      occupancy: { unitId, relation: 'tenant', startDate: '2020-01-01' },
      ...extra,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return { phone, person: r.body };
  }

  // ---------- counter look-up (R-MD-4) ----------

  it('receptionist: finds a unit by its full unit number with its current occupants', async () => {
    const c = await as('receptionist');
    const r = await c.get(`/api/lookup?q=${encodeURIComponent('3-1-1502')}`);
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(1);
    const hit = r.body.items[0];
    expect(hit.matchedBy).toBe('unit');
    expect(hit.unit.id).toBe(demoUnit.id);
    expect(hit.unit.number).toBe('3-1-1502');
    expect(hit.unit.projectId).toBe(yghy);
    expect(hit.unit.projectName).toBe('阳光花园');
    expect(hit.occupants.map((o: any) => o.personId).sort()).toEqual(await currentOccupantIds(demoUnit.id));
    const owner = hit.occupants.find((o: any) => o.relation === 'owner');
    expect(owner.name).toBe('李明华');
    expect(owner.phone).toBe(demoOwner.phone);
  });

  it('receptionist: a bare room number finds that room in several buildings', async () => {
    const c = await as('receptionist');
    const r = await c.get('/api/lookup?q=1502');
    expect(r.status).toBe(200);
    const rooms = await srv.ctx.db
      .selectFrom('units')
      .select(['id', 'building_id'])
      .where('project_id', '=', yghy)
      .where('room', '=', '1502')
      .execute();
    expect(new Set(rooms.map((u) => u.building_id)).size).toBeGreaterThan(1);
    // Four digits are also a phone tail: those matches come first, then the rooms.
    const tails = await srv.ctx.db.selectFrom('people').select('id').where('phone_last4', '=', '1502').execute();
    const byTail = await unitsOfPeople(
      tails.map((p) => p.id),
      [yghy],
    );
    const expected = [...new Set([...byTail, ...rooms.map((u) => u.id)])].sort();
    expect(expected.length).toBeLessThanOrEqual(20);
    expect(r.body.items.map((h: any) => h.unit.id).sort()).toEqual(expected);
    for (const h of r.body.items) {
      if (!byTail.includes(h.unit.id)) {
        expect(h.matchedBy).toBe('room');
        expect(h.unit.room).toBe('1502');
      }
      expect(h.unit.projectId).toBe(yghy);
      expect(h.occupants.map((o: any) => o.personId).sort()).toEqual(await currentOccupantIds(h.unit.id));
    }
  });

  it('receptionist: finds a unit by the full phone of a resident', async () => {
    const c = await as('receptionist');
    const r = await c.get(`/api/lookup?q=${demoOwner.phone}`);
    expect(r.status).toBe(200);
    expect(r.body.items.map((h: any) => h.unit.id)).toEqual(await unitsOfPeople([demoOwner.id], [yghy]));
    const hit = r.body.items[0];
    expect(hit.matchedBy).toBe('phone');
    expect(hit.occupants.map((o: any) => o.personId).sort()).toEqual(await currentOccupantIds(hit.unit.id));
    expect(hit.occupants.some((o: any) => o.personId === demoOwner.id && o.phone === demoOwner.phone)).toBe(true);
  });

  it('receptionist: finds a unit by the last four digits of a phone', async () => {
    const c = await as('receptionist');
    const r = await c.get(`/api/lookup?q=${demoOwner.phone_last4}`);
    expect(r.status).toBe(200);
    const sameTail = await srv.ctx.db.selectFrom('people').select('id').where('phone_last4', '=', demoOwner.phone_last4).execute();
    const expected = await unitsOfPeople(
      sameTail.map((p) => p.id),
      [yghy],
    );
    const byTail = r.body.items.filter((h: any) => h.matchedBy === 'phone_last4');
    expect(byTail.map((h: any) => h.unit.id).sort()).toEqual(expected);
    const demoHit = byTail.find((h: any) => h.unit.id === demoUnit.id);
    expect(demoHit).toBeDefined();
    expect(demoHit.occupants.map((o: any) => o.personId).sort()).toEqual(await currentOccupantIds(demoUnit.id));
    for (const h of byTail) expect(h.occupants.some((o: any) => o.phone.endsWith(demoOwner.phone_last4))).toBe(true);
  });

  it('receptionist: finds a unit by a car plate', async () => {
    const c = await as('receptionist');
    const car = await srv.ctx.db
      .selectFrom('vehicles')
      .innerJoin('occupancies', 'occupancies.person_id', 'vehicles.person_id')
      .select(['vehicles.plate', 'vehicles.person_id', 'occupancies.unit_id'])
      .where('occupancies.project_id', '=', yghy)
      .where('occupancies.end_date', 'is', null)
      .orderBy('vehicles.plate')
      .executeTakeFirstOrThrow();
    const samePlate = await srv.ctx.db
      .selectFrom('vehicles')
      .select('person_id')
      .where('plate', '>=', car.plate)
      .where('plate', '<', `${car.plate}\uffff`)
      .execute();
    const r = await c.get(`/api/lookup?q=${encodeURIComponent(car.plate)}`);
    expect(r.status).toBe(200);
    expect(r.body.items.map((h: any) => h.unit.id).sort()).toEqual(
      await unitsOfPeople(
        samePlate.map((v) => v.person_id),
        [yghy],
      ),
    );
    const hit = r.body.items.find((h: any) => h.unit.id === car.unit_id);
    expect(hit.matchedBy).toBe('plate');
    const driver = hit.occupants.find((o: any) => o.personId === car.person_id);
    expect(driver.plates).toContain(car.plate);
    expect(hit.occupants.map((o: any) => o.personId).sort()).toEqual(await currentOccupantIds(car.unit_id));
  });

  it('receptionist: finds units by the first characters of a name', async () => {
    const c = await as('receptionist');
    // A two-character prefix shared by a handful of residents of the project.
    const rows = await srv.ctx.db
      .selectFrom('people')
      .innerJoin('occupancies', 'occupancies.person_id', 'people.id')
      .select(['people.id', 'people.name', 'occupancies.unit_id'])
      .where('occupancies.project_id', '=', yghy)
      .execute();
    const byPrefix = new Map<string, Set<string>>();
    for (const p of rows) byPrefix.set(p.name.slice(0, 2), (byPrefix.get(p.name.slice(0, 2)) ?? new Set()).add(p.unit_id));
    const rowsPerPrefix = (prefix: string) => rows.filter((p) => p.name.startsWith(prefix)).length;
    const prefix = [...byPrefix.keys()].sort().find((k) => (byPrefix.get(k)?.size ?? 0) >= 3 && rowsPerPrefix(k) <= 20);
    expect(prefix).toBeDefined();
    const r = await c.get(`/api/lookup?q=${encodeURIComponent(prefix!)}`);
    expect(r.status).toBe(200);
    expect(r.body.items.map((h: any) => h.unit.id).sort()).toEqual([...byPrefix.get(prefix!)!].sort());
    for (const h of r.body.items) {
      expect(h.matchedBy).toBe('name');
      expect(h.occupants.map((o: any) => o.personId).sort()).toEqual(await currentOccupantIds(h.unit.id));
    }
  });

  it('receptionist of 阳光花园: never gets a 翠湖苑 unit, even when a 翠湖苑 resident matches', async () => {
    const c = await as('receptionist');
    const other = await personOnlyIn(chy, yghy);
    const byPhone = await c.get(`/api/lookup?q=${other.phone}`);
    expect(byPhone.status).toBe(200);
    expect(byPhone.body.items).toEqual([]);

    const byName = await c.get(`/api/lookup?q=${encodeURIComponent(other.name)}`);
    expect(byName.status).toBe(200);
    for (const h of byName.body.items) expect(h.unit.projectId).toBe(yghy);
    expect(byName.body.items.some((h: any) => h.unit.id === other.unit_id)).toBe(false);

    const byTail = await c.get(`/api/lookup?q=${other.phone_last4}`);
    for (const h of byTail.body.items) expect(h.unit.projectId).toBe(yghy);

    const byNumber = await c.get(`/api/lookup?q=${encodeURIComponent('1-1-101')}`);
    expect(byNumber.body.items.map((h: any) => h.unit.projectId)).toEqual([yghy]);

    // Asking for the other project explicitly is not a way around the scope.
    const explicit = await c.get(`/api/lookup?q=${other.phone}&projectId=${chy}`);
    expect(explicit.status).toBe(404);
  });

  it('quality_officer (company level): sees units of both projects', async () => {
    const c = await as('quality_officer', { projectIds: null });
    const other = await personOnlyIn(chy, yghy);
    const byPhone = await c.get(`/api/lookup?q=${other.phone}`);
    expect(byPhone.status).toBe(200);
    expect(byPhone.body.items.map((h: any) => h.unit.id)).toEqual(await unitsOfPeople([other.id], [chy]));
    expect(byPhone.body.items[0].unit.projectName).toBe('翠湖苑');

    const byNumber = await c.get(`/api/lookup?q=${encodeURIComponent('1-1-101')}`);
    expect(byNumber.status).toBe(200);
    expect(byNumber.body.items.map((h: any) => h.unit.projectId).sort()).toEqual([yghy, chy].sort());
    for (const h of byNumber.body.items) expect(h.unit.number).toBe('1-1-101');

    const own = await c.get(`/api/lookup?q=${demoOwner.phone}`);
    expect(own.body.items.map((h: any) => h.unit.id)).toEqual([demoUnit.id]);
  });

  // ---------- masking (R-MD-5) ----------

  for (const role of ['technician', 'gate_guard'] as const) {
    it(`${role}: sees phones masked in look-up, unit and person views`, async () => {
      const c = await as(role);
      const look = await c.get(`/api/lookup?q=${encodeURIComponent('3-1-1502')}`);
      expect(look.status).toBe(200);
      const occupants = look.body.items[0].occupants;
      expect(occupants.length).toBeGreaterThan(0);
      const phones = await srv.ctx.db
        .selectFrom('people')
        .select(['id', 'phone'])
        .where(
          'id',
          'in',
          occupants.map((o: any) => o.personId),
        )
        .execute();
      for (const o of occupants) {
        const real = phones.find((p) => p.id === o.personId)!.phone;
        expect(o.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
        expect(o.phone).toBe(masked(real));
      }

      const unit = await c.get(`/api/units/${demoUnit.id}`);
      expect(unit.status).toBe(200);
      const owner = unit.body.occupants.find((o: any) => o.personId === demoOwner.id);
      expect(owner.phone).toBe(masked(demoOwner.phone));

      const person = await c.get(`/api/people/${demoOwner.id}`);
      expect(person.status).toBe(200);
      expect(person.body.phone).toBe(masked(demoOwner.phone));
      expect(JSON.stringify([look.body, unit.body, person.body])).not.toContain(demoOwner.phone);

      // The full number still finds the unit: masking hides the answer, not the search.
      const byPhone = await c.get(`/api/lookup?q=${demoOwner.phone}`);
      expect(byPhone.body.items.map((h: any) => h.unit.id)).toEqual([demoUnit.id]);
      expect(JSON.stringify(byPhone.body)).not.toContain(demoOwner.phone);
    });
  }

  it('receptionist: sees full phones in look-up, unit and person views', async () => {
    const c = await as('receptionist');
    const look = await c.get(`/api/lookup?q=${demoOwner.phone_last4}`);
    const hit = look.body.items.find((h: any) => h.unit.id === demoUnit.id);
    expect(hit.occupants.find((o: any) => o.personId === demoOwner.id).phone).toBe(demoOwner.phone);
    const unit = await c.get(`/api/units/${demoUnit.id}`);
    expect(unit.body.occupants.find((o: any) => o.personId === demoOwner.id).phone).toBe(demoOwner.phone);
    const person = await c.get(`/api/people/${demoOwner.id}`);
    expect(person.body.phone).toBe(demoOwner.phone);
  });

  it('every staff role: the ID number is masked in the person view', async () => {
    expect(demoOwner.id_number).toHaveLength(18);
    const expected = `${demoOwner.id_number.slice(0, 4)}${'*'.repeat(10)}${demoOwner.id_number.slice(-4)}`;
    for (const role of ['receptionist', 'service_supervisor', 'project_manager', 'technician', 'company_admin'] as const) {
      const c = await as(role, role === 'company_admin' ? { projectIds: null } : undefined);
      const r = await c.get(`/api/people/${demoOwner.id}`);
      expect(r.status, role).toBe(200);
      expect(r.body.idNumber, role).toBe(expected);
      expect(JSON.stringify(r.body), role).not.toContain(demoOwner.id_number);
    }
    const resident = await demo('yezhu');
    const self = await resident.get(`/api/people/${demoOwner.id}`);
    expect(self.body.idNumber).toBe(expected);
  });

  it('receptionist: cannot reveal a full ID number, and nothing is logged', async () => {
    const c = await as('receptionist');
    const before = await auditCount();
    const r = await c.post(`/api/people/${demoOwner.id}/reveal-id`);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('forbidden');
    expect(JSON.stringify(r.body)).not.toContain(demoOwner.id_number);
    expect(await auditCount()).toBe(before);
  });

  it('service_supervisor: reveals the full ID number and every reveal is audited with the name, without the number', async () => {
    const c = await demo('kefuzhuguan');
    const viewed = () =>
      srv.ctx.db
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'person.id_number_viewed')
        .where('entity_id', '=', demoOwner.id)
        .orderBy('seq')
        .execute();
    const before = await viewed();
    const first = await c.post(`/api/people/${demoOwner.id}/reveal-id`);
    expect(first.status).toBe(200);
    expect(first.body.idNumber).toBe(demoOwner.id_number);
    const second = await c.post(`/api/people/${demoOwner.id}/reveal-id`);
    expect(second.status).toBe(200);

    const after = await viewed();
    expect(after).toHaveLength(before.length + 2);
    for (const e of after.slice(before.length)) {
      expect(e.entity).toBe('person');
      expect(e.actor_name).toBe('陈佳怡(kefuzhuguan)');
      expect(e.ip).toBe('127.0.0.1');
      expect(JSON.stringify(e)).not.toContain(demoOwner.id_number);
    }
    // The reveal shows up in the person's change history too.
    const history = await c.get(`/api/people/${demoOwner.id}/history`);
    expect(history.body.filter((h: any) => h.action === 'person.id_number_viewed').length).toBe(after.length);
  });

  // ---------- people (R-MD-2) ----------

  it('receptionist: registers a tenant with a unit; the new phone then finds the unit; three audit events', async () => {
    const c = await as('receptionist');
    const unit = await srv.ctx.db
      .selectFrom('units')
      .select(['id', 'number'])
      .where('project_id', '=', yghy)
      .where('number', '=', '5-2-802')
      .executeTakeFirstOrThrow();
    const people = await peopleCount();
    const audits = await auditCount();
    const { phone, person } = await createResident(c, unit.id);

    expect(person.name).toBe('测试租户');
    expect(person.phone).toBe(phone);
    expect(person.idNumber).toBe('4403**********1234');
    expect(person.plates).toEqual(['粤B12345']);
    expect(person.units).toHaveLength(1);
    expect(person.units[0]).toMatchObject({
      unitId: unit.id,
      unitNumber: unit.number,
      relation: 'tenant',
      startDate: '2020-01-01',
      endDate: null,
    });
    expect(person.version).toBe(1);

    expect(await peopleCount()).toBe(people + 1);
    const row = await srv.ctx.db.selectFrom('people').selectAll().where('id', '=', person.id).executeTakeFirstOrThrow();
    expect(row.phone).toBe(phone);
    expect(row.phone_last4).toBe(phone.slice(-4));
    expect(row.id_number).toBe('440301199001011234');

    const events = await srv.ctx.db.selectFrom('audit_events').selectAll().where('seq', '>', audits).orderBy('seq').execute();
    expect(await auditCount()).toBe(audits + 3);
    expect(events.map((e) => `${e.action}/${e.entity}`)).toEqual([
      'person.created/person',
      'occupancy.created/person',
      'occupancy.created/unit',
    ]);
    for (const e of events) {
      expect(e.actor_id).toBe(c.user.id);
      expect(e.actor_name).toContain(c.user.username);
      expect(e.ip).toBe('127.0.0.1');
    }
    // The trail is not a second copy of personal data.
    expect(JSON.stringify(events)).not.toContain(phone);
    expect(JSON.stringify(events)).not.toContain('440301199001011234');

    const look = await c.get(`/api/lookup?q=${phone}`);
    expect(look.body.items).toHaveLength(1);
    expect(look.body.items[0].matchedBy).toBe('phone');
    expect(look.body.items[0].unit.id).toBe(unit.id);
    const occ = look.body.items[0].occupants.find((o: any) => o.personId === person.id);
    expect(occ).toMatchObject({ name: '测试租户', phone, relation: 'tenant', plates: ['粤B12345'] });
  });

  it('receptionist: invalid input gets 400 naming the field in Chinese and writes nothing', async () => {
    const c = await as('receptionist');
    const phone = await unusedPhone();
    const valid = {
      name: '错误示例',
      phone,
      plates: [] as string[],
      occupancy: { unitId: demoUnit.id, relation: 'family', startDate: '2024-05-01' },
    };
    const cases: [string, Record<string, unknown>, string][] = [
      ['bad phone', { ...valid, phone: '1380013800' }, 'phone'],
      ['landline without area code', { ...valid, phone: '86001001' }, 'phone'],
      ['bad plate', { ...valid, plates: ['粤B1234'] }, 'plates.0'],
      ['plate without province', { ...valid, plates: ['AB12345'] }, 'plates.0'],
      ['impossible date', { ...valid, occupancy: { ...valid.occupancy, startDate: '2026-02-30' } }, 'occupancy.startDate'],
      ['date in the wrong format', { ...valid, occupancy: { ...valid.occupancy, startDate: '2026/03/01' } }, 'occupancy.startDate'],
      ['empty name', { ...valid, name: '  ' }, 'name'],
      ['unknown relation', { ...valid, occupancy: { ...valid.occupancy, relation: 'friend' } }, 'occupancy.relation'],
    ];
    const people = await peopleCount();
    const audits = await auditCount();
    for (const [what, body, field] of cases) {
      const r = await c.post('/api/people', body);
      expect(r.status, what).toBe(400);
      expect(r.body.error.code, what).toBe('invalid_input');
      expect(Object.keys(r.body.error.fields ?? {}), what).toContain(field);
      expect(r.body.error.fields[field], what).toMatch(CHINESE);
      expect(r.body.error.message, what).toMatch(CHINESE);
    }
    // A 翠湖苑 unit passes the schema but not the receptionist's scope.
    const chyUnit = await srv.ctx.db
      .selectFrom('units')
      .select('id')
      .where('project_id', '=', chy)
      .orderBy('number')
      .executeTakeFirstOrThrow();
    const foreign = await c.post('/api/people', { ...valid, occupancy: { ...valid.occupancy, unitId: chyUnit.id } });
    expect(foreign.status).toBe(400);
    expect(Object.keys(foreign.body.error.fields)).toEqual(['unitId']);
    expect(foreign.body.error.fields.unitId).toMatch(CHINESE);
    // A project-level user may not create a person attached to no unit of theirs.
    const { occupancy: _omit, ...unattached } = valid;
    const orphan = await c.post('/api/people', unattached);
    expect(orphan.status).toBe(400);
    expect(Object.keys(orphan.body.error.fields)).toEqual(['occupancy']);

    expect(await peopleCount()).toBe(people);
    expect(await auditCount()).toBe(audits);
    const byPhone = await srv.ctx.db.selectFrom('people').select('id').where('phone', '=', phone).execute();
    expect(byPhone).toEqual([]);
  });

  it('receptionist: edits a person with the version; the history shows before and after with phones masked', async () => {
    const c = await as('receptionist');
    const { phone, person } = await createResident(c, demoUnit.id);
    const newPhone = await unusedPhone();
    const audits = await auditCount();
    const r = await c.patch(`/api/people/${person.id}`, { version: person.version, phone: newPhone, notes: '已核对身份' });
    expect(r.status).toBe(200);
    expect(r.body.version).toBe(person.version + 1);
    expect(r.body.phone).toBe(newPhone);
    expect(r.body.notes).toBe('已核对身份');
    expect(await auditCount()).toBe(audits + 1);
    const row = await srv.ctx.db
      .selectFrom('people')
      .select(['phone', 'phone_last4', 'version'])
      .where('id', '=', person.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ phone: newPhone, phone_last4: newPhone.slice(-4), version: person.version + 1 });

    const history = await c.get(`/api/people/${person.id}/history`);
    expect(history.status).toBe(200);
    const updated = history.body.find((h: any) => h.action === 'person.updated');
    expect(updated.before).toEqual({ phone: masked(phone), notes: '' });
    expect(updated.after).toEqual({ phone: masked(newPhone), notes: '已核对身份' });
    expect(updated.actor).toContain(c.user.username);
    expect(history.body[0].seq).toBeGreaterThan(history.body[history.body.length - 1].seq);
    expect(JSON.stringify(history.body)).not.toContain(phone);
    expect(JSON.stringify(history.body)).not.toContain(newPhone);

    // The old number no longer finds them, the new one does.
    expect((await c.get(`/api/lookup?q=${phone}`)).body.items).toEqual([]);
    expect((await c.get(`/api/lookup?q=${newPhone}`)).body.items.map((h: any) => h.unit.id)).toEqual([demoUnit.id]);
  });

  it('receptionist and service_supervisor: two edits of the same version → one 200, one 409, one audit event', async () => {
    const c = await as('receptionist');
    const other = await demo('kefuzhuguan');
    const { person } = await createResident(c, demoUnit.id);
    const audits = await auditCount();
    const [a, b] = await Promise.all([
      c.patch(`/api/people/${person.id}`, { version: person.version, notes: '前台修改' }),
      other.patch(`/api/people/${person.id}`, { version: person.version, notes: '主管修改' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const [winner, loser] = a.status === 200 ? [a, b] : [b, a];
    expect(loser.body.error.code).toBe('conflict');
    expect(loser.body.error.message).toMatch(CHINESE);
    expect(loser.body.error.current.version).toBe(person.version + 1);

    const row = await srv.ctx.db.selectFrom('people').select(['notes', 'version']).where('id', '=', person.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ notes: winner.body.notes, version: person.version + 1 });
    expect(await auditCount()).toBe(audits + 1);

    // A retry with a stale version keeps failing and keeps the trail clean.
    const stale = await c.patch(`/api/people/${person.id}`, { version: person.version, notes: '过期版本' });
    expect(stale.status).toBe(409);
    expect(await auditCount()).toBe(audits + 1);
  });

  it('receptionist: ending a relation removes the person from the current occupants once the end date is past', async () => {
    const c = await as('receptionist');
    const { phone, person } = await createResident(c, demoUnit.id);
    const occ = person.units[0];
    const inLookup = async () => {
      const r = await c.get(`/api/lookup?q=${encodeURIComponent('3-1-1502')}`);
      return r.body.items[0].occupants.some((o: any) => o.personId === person.id);
    };
    expect(await inLookup()).toBe(true);

    // Moving out today: they still live here today.
    const t = today();
    const endToday = await c.patch(`/api/occupancies/${occ.occupancyId}`, { version: occ.version, endDate: t });
    expect(endToday.status).toBe(200);
    expect(endToday.body.units[0].endDate).toBe(t);
    expect(await inLookup()).toBe(true);

    const yesterday = localDate(srv.ctx.clock.now() - 86400_000);
    const audits = await auditCount();
    const ended = await c.patch(`/api/occupancies/${occ.occupancyId}`, { version: occ.version + 1, endDate: yesterday });
    expect(ended.status).toBe(200);
    expect(await auditCount()).toBe(audits + 2);
    expect(await inLookup()).toBe(false);
    expect(await currentOccupantIds(demoUnit.id)).not.toContain(person.id);
    const byPhone = await c.get(`/api/lookup?q=${phone}`);
    for (const h of byPhone.body.items) expect(h.occupants.some((o: any) => o.personId === person.id)).toBe(false);

    // The unit record keeps the past relation: only the counter view drops it.
    const unit = await c.get(`/api/units/${demoUnit.id}`);
    expect(unit.body.occupants.find((o: any) => o.personId === person.id)?.endDate).toBe(yesterday);

    const before = await c.patch(`/api/occupancies/${occ.occupancyId}`, { version: occ.version + 2, endDate: '2019-12-31' });
    expect(before.status).toBe(400);
    expect(Object.keys(before.body.error.fields)).toEqual(['endDate']);
  });

  // ---------- units (R-MD-1) ----------

  it('project_manager: edits the area of a unit with the version; the unit history shows it', async () => {
    const c = await as('project_manager');
    const unit = await srv.ctx.db
      .selectFrom('units')
      .select(['id', 'area_x100', 'version'])
      .where('project_id', '=', yghy)
      .where('number', '=', '2-1-801')
      .executeTakeFirstOrThrow();
    const newArea = unit.area_x100 === 10125 ? 99.99 : 101.25;
    const audits = await auditCount();
    const r = await c.patch(`/api/units/${unit.id}`, { version: unit.version, area: newArea });
    expect(r.status).toBe(200);
    expect(r.body.area).toBe(newArea);
    expect(r.body.version).toBe(unit.version + 1);
    const row = await srv.ctx.db.selectFrom('units').select(['area_x100', 'version']).where('id', '=', unit.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ area_x100: Math.round(newArea * 100), version: unit.version + 1 });
    expect(await auditCount()).toBe(audits + 1);

    const history = await c.get(`/api/units/${unit.id}/history`);
    expect(history.status).toBe(200);
    expect(history.body[0]).toMatchObject({ action: 'unit.updated', before: { area: unit.area_x100 / 100 }, after: { area: newArea } });
    expect(history.body[0].actor).toContain(c.user.username);

    const stale = await c.patch(`/api/units/${unit.id}`, { version: unit.version, area: 50 });
    expect(stale.status).toBe(409);
    expect(await auditCount()).toBe(audits + 1);
    const bad = await c.patch(`/api/units/${unit.id}`, { version: unit.version + 1, area: 0 });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toEqual(['area']);
    const still = await srv.ctx.db.selectFrom('units').select('area_x100').where('id', '=', unit.id).executeTakeFirstOrThrow();
    expect(still.area_x100).toBe(Math.round(newArea * 100));
  });

  it('receptionist: cannot edit a unit (403) and the unit is unchanged', async () => {
    const c = await as('receptionist');
    const unit = await srv.ctx.db
      .selectFrom('units')
      .select(['id', 'area_x100', 'version'])
      .where('project_id', '=', yghy)
      .where('number', '=', '2-1-802')
      .executeTakeFirstOrThrow();
    const audits = await auditCount();
    const r = await c.patch(`/api/units/${unit.id}`, { version: unit.version, area: 55.5 });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('forbidden');
    const row = await srv.ctx.db.selectFrom('units').select(['area_x100', 'version']).where('id', '=', unit.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ area_x100: unit.area_x100, version: unit.version });
    expect(await auditCount()).toBe(audits);
  });

  it('resident (yezhu): gets their own unit and record, 404 for any other unit or person', async () => {
    const c = await demo('yezhu');
    const mine = await srv.ctx.db.selectFrom('occupancies').select('unit_id').where('person_id', '=', demoOwner.id).execute();
    const units = await c.get('/api/me/units');
    expect(units.status).toBe(200);
    expect(units.body.map((u: any) => u.id).sort()).toEqual([...new Set(mine.map((m) => m.unit_id))].sort());
    expect(units.body.find((u: any) => u.id === demoUnit.id).number).toBe('3-1-1502');

    const own = await c.get(`/api/units/${demoUnit.id}`);
    expect(own.status).toBe(200);
    expect(own.body.occupants.map((o: any) => o.personId)).toContain(demoOwner.id);
    const self = await c.get(`/api/people/${demoOwner.id}`);
    expect(self.status).toBe(200);
    expect(self.body.name).toBe('李明华');

    const neighbour = await srv.ctx.db
      .selectFrom('units')
      .select('id')
      .where('project_id', '=', yghy)
      .where('number', '=', '3-1-1501')
      .executeTakeFirstOrThrow();
    const chyUnit = await srv.ctx.db
      .selectFrom('units')
      .select('id')
      .where('project_id', '=', chy)
      .orderBy('number')
      .executeTakeFirstOrThrow();
    for (const id of [neighbour.id, chyUnit.id]) {
      const r = await c.get(`/api/units/${id}`);
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    }
    // Even the family in the same flat is someone else's record.
    const family = await srv.ctx.db
      .selectFrom('occupancies')
      .select('person_id')
      .where('unit_id', '=', demoUnit.id)
      .where('person_id', '!=', demoOwner.id)
      .executeTakeFirstOrThrow();
    const stranger = await personOnlyIn(chy, yghy);
    for (const id of [family.person_id, stranger.id]) expect((await c.get(`/api/people/${id}`)).status).toBe(404);
    expect((await c.get(`/api/units/${demoUnit.id}/history`)).status).toBe(403);
    expect((await c.get(`/api/lookup?q=${demoOwner.phone}`)).status).toBe(403);
  });

  it('resident (made for a 翠湖苑 person): /api/me/units lists that unit only', async () => {
    const person = await personOnlyIn(chy, yghy);
    const c = await as('resident', { personId: person.id });
    const units = await c.get('/api/me/units');
    expect(units.status).toBe(200);
    expect(units.body.map((u: any) => u.id).sort()).toEqual(await unitsOfPeople([person.id], [chy, yghy]));
    expect(units.body.every((u: any) => u.projectId === chy)).toBe(true);
    expect((await c.get(`/api/units/${person.unit_id}`)).status).toBe(200);
    expect((await c.get(`/api/units/${demoUnit.id}`)).status).toBe(404);
    expect((await c.get(`/api/people/${demoOwner.id}`)).status).toBe(404);
  });

  it('receptionist of 阳光花园: 404 for a 翠湖苑 unit and a 翠湖苑 person', async () => {
    const c = await as('receptionist');
    const other = await personOnlyIn(chy, yghy);
    const unit = await c.get(`/api/units/${other.unit_id}`);
    expect(unit.status).toBe(404);
    expect(unit.body.error.message).toMatch(CHINESE);
    expect((await c.get(`/api/units/${other.unit_id}/history`)).status).toBe(404);
    expect((await c.get(`/api/people/${other.id}`)).status).toBe(404);
    expect((await c.get(`/api/units/${demoUnit.id}`)).status).toBe(200);
  });

  it('receptionist: a building lists its units in reading order, page by page without gaps or repeats', async () => {
    const c = await as('receptionist');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q = `/api/units?buildingId=${demoUnit.building_id}&limit=7${cursor ? `&cursor=${cursor}` : ''}`;
      const r = await c.get(q);
      expect(r.status).toBe(200);
      seen.push(...r.body.items.map((u: { number: string }) => u.number));
      cursor = r.body.nextCursor;
    } while (cursor);
    const all = await srv.ctx.db.selectFrom('units').select('number').where('building_id', '=', demoUnit.building_id).execute();
    expect(seen).toHaveLength(all.length);
    expect(new Set(seen).size).toBe(all.length);
    // 3-1-101 … 3-1-902 before 3-1-1001: floors in numeric, not text, order.
    const key = (n: string) => n.split('-').map(Number);
    const sorted = [...seen].sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
      return 0;
    });
    expect(seen).toEqual(sorted);
    expect(seen.indexOf('3-1-902')).toBeLessThan(seen.indexOf('3-1-1001'));
  });
});
