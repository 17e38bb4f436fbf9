import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, describeEachDb, type TestDb } from '../../tests/helpers/db.ts';
import { Client } from '../../tests/helpers/server.ts';
import { buildApp } from '../app.ts';
import { plateString } from '../domains/directory/directory.schema.ts';
import { ROLE_CODES } from '../platform/access/roles.ts';
import { verifyPassword } from '../platform/auth/passwords.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, type DemoSummary, seedDemo } from './demo-data.ts';

const CHINESE_NAME = /^[\u4e00-\u9fa5]{2,4}$/;
const MOBILE = /^1[3-9]\d{9}$/;
/** Province character, city letter (no I/O), then 5 (ordinary) or 6 (new-energy) letters/digits. */
const PLATE = /^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][A-HJ-NP-Z0-9]{5,6}$/;

/** GB 11643 check digit: a typo-free resident ID, so the demo behaves like real data in validators. */
function validResidentId(id: string) {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...id.slice(0, 17)].reduce((acc, d, i) => acc + Number(d) * (weights[i] ?? 0), 0);
  return '10X98765432'[sum % 11] === id[17];
}

const PROJECT_DEPARTMENTS = ['service', 'engineering', 'security', 'environment', 'finance'];
const COMPANY_DEPARTMENTS = ['company_service', 'quality', 'pr', 'hr', 'leadership'];

describeEachDb('demo data (R-MD-1, R-MD-2)', (dialect) => {
  let tdb: TestDb;
  let summary: DemoSummary | null;

  beforeAll(async () => {
    tdb = await createTestDb(dialect);
    summary = await seedDemo(tdb.ctx);
  });
  afterAll(() => tdb?.close());

  const db = () => tdb.ctx.db;

  async function counts() {
    const tables = [
      'companies',
      'projects',
      'buildings',
      'units',
      'people',
      'vehicles',
      'occupancies',
      'departments',
      'staff',
      'users',
      'audit_events',
    ] as const;
    const out: Record<string, number> = {};
    for (const t of tables) {
      const r = await (db() as any)
        .selectFrom(t)
        .select((eb: any) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      out[t] = Number(r.n);
    }
    return out;
  }

  it('seed: at least 800 units across 阳光花园 and 翠湖苑, every unit with an area > 0', async () => {
    expect(summary).not.toBeNull();
    const projects = await db().selectFrom('projects').select(['id', 'code', 'name']).orderBy('code').execute();
    expect(projects.map((p) => [p.code, p.name])).toEqual([
      ['CHY', '翠湖苑'],
      ['YGHY', '阳光花园'],
    ]);
    const units = await db()
      .selectFrom('units')
      .innerJoin('buildings', 'buildings.id', 'units.building_id')
      .select([
        'units.project_id',
        'units.number',
        'units.room',
        'units.floor',
        'units.area_x100',
        'buildings.code',
        'buildings.project_id as building_project',
      ])
      .execute();
    expect(units.length).toBeGreaterThanOrEqual(800);
    expect(units.length).toBe(summary!.units);
    for (const p of projects) expect(units.filter((u) => u.project_id === p.id).length, p.code).toBeGreaterThan(200);
    const bad = units.filter(
      (u) =>
        !(u.area_x100 > 0) || u.building_project !== u.project_id || !u.number.startsWith(`${u.code}-`) || !u.number.endsWith(`-${u.room}`),
    );
    expect(bad).toEqual([]);
    // Unit numbers are what the counter types: they must be unique within a project.
    const keys = new Set(units.map((u) => `${u.project_id}/${u.number}`));
    expect(keys.size).toBe(units.length);
  });

  it('seed: owners, tenants, family and agents are all present; every lived-in unit has an owner', async () => {
    const rows = await db()
      .selectFrom('occupancies')
      .innerJoin('units', 'units.id', 'occupancies.unit_id')
      .select([
        'occupancies.relation',
        'occupancies.unit_id',
        'occupancies.project_id',
        'units.project_id as unit_project',
        'occupancies.start_date',
        'units.status',
      ])
      .execute();
    const byRelation = new Map<string, number>();
    for (const r of rows) byRelation.set(r.relation, (byRelation.get(r.relation) ?? 0) + 1);
    expect([...byRelation.keys()].sort()).toEqual(['agent', 'family', 'owner', 'tenant']);
    for (const [rel, n] of byRelation) expect(n, rel).toBeGreaterThan(0);
    expect(rows.filter((r) => r.project_id !== r.unit_project)).toEqual([]);
    expect(rows.filter((r) => !/^\d{4}-\d{2}-\d{2}$/.test(r.start_date))).toEqual([]);

    const owned = new Set(rows.filter((r) => r.relation === 'owner').map((r) => r.unit_id));
    const units = await db().selectFrom('units').select(['id', 'status']).execute();
    const occupiedWithoutOwner = units.filter((u) => u.status === 'occupied' && !owned.has(u.id));
    expect(occupiedWithoutOwner).toEqual([]);
    expect(units.filter((u) => u.status === 'vacant').length).toBeGreaterThan(0);
  });

  it('seed: names are Chinese, phones are 11-digit mobiles unique per person, ID numbers are valid', async () => {
    const people = await db()
      .selectFrom('people')
      .select(['name', 'gender', 'phone', 'phone_last4', 'phone2', 'id_type', 'id_number'])
      .execute();
    expect(people.length).toBe(summary!.people);
    expect(people.filter((p) => !CHINESE_NAME.test(p.name)).map((p) => p.name)).toEqual([]);
    expect(people.filter((p) => !MOBILE.test(p.phone)).map((p) => p.phone)).toEqual([]);
    expect(people.filter((p) => p.phone_last4 !== p.phone.slice(-4))).toEqual([]);
    expect(people.filter((p) => p.phone2 !== '' && !MOBILE.test(p.phone2))).toEqual([]);
    expect(new Set(people.map((p) => p.phone)).size).toBe(people.length);
    // A second number must not be somebody else's first one, or a look-up would name the wrong person.
    const firsts = new Set(people.map((p) => p.phone));
    expect(people.filter((p) => p.phone2 !== '' && firsts.has(p.phone2))).toEqual([]);
    expect(people.filter((p) => p.gender !== '男' && p.gender !== '女')).toEqual([]);
    const residentIds = people.filter((p) => p.id_type === 'resident_id');
    expect(residentIds.length).toBeGreaterThan(people.length / 2);
    expect(residentIds.filter((p) => !validResidentId(p.id_number)).map((p) => p.id_number)).toEqual([]);

    const staff = await db().selectFrom('staff').select(['name', 'phone']).execute();
    expect(staff.filter((s) => !/^[\u4e00-\u9fa5]{2,5}$/.test(s.name)).map((s) => s.name)).toEqual([]);
    expect(staff.filter((s) => !MOBILE.test(s.phone))).toEqual([]);
  });

  it('seed: plates look like Chinese plates and pass the API plate rule', async () => {
    const plates = await db().selectFrom('vehicles').select('plate').execute();
    expect(plates.length).toBeGreaterThan(50);
    expect(plates.filter((v) => !PLATE.test(v.plate)).map((v) => v.plate)).toEqual([]);
    expect(plates.filter((v) => !plateString.safeParse(v.plate).success).map((v) => v.plate)).toEqual([]);
    expect(plates.some((v) => v.plate.length === 8)).toBe(true);
    expect(plates.some((v) => v.plate.startsWith('粤B'))).toBe(true);
  });

  it('seed: one login per role code, linked to staff, and the resident yezhu owns 阳光花园 3-1-1502', async () => {
    const users = await db()
      .selectFrom('users')
      .select(['id', 'username', 'role', 'all_projects', 'staff_id', 'person_id', 'display_name', 'active'])
      .execute();
    expect(users.map((u) => u.role).sort()).toEqual([...ROLE_CODES].sort());
    expect(users.map((u) => u.username).sort()).toEqual(DEMO_ACCOUNTS.map((a) => a.username).sort());
    expect(users.every((u) => u.active === 1)).toBe(true);

    const projectIds = Object.fromEntries((await db().selectFrom('projects').select(['id', 'code']).execute()).map((p) => [p.code, p.id]));
    const links = await db().selectFrom('user_projects').select(['user_id', 'project_id']).execute();
    for (const a of DEMO_ACCOUNTS) {
      const u = users.find((x) => x.username === a.username)!;
      const mine = links.filter((l) => l.user_id === u.id).map((l) => l.project_id);
      if (a.project === null) {
        expect(u.all_projects, a.username).toBe(1);
        expect(mine, a.username).toEqual([]);
      } else {
        expect(u.all_projects, a.username).toBe(0);
        expect(mine, a.username).toEqual([projectIds[a.project]]);
      }
      if (a.role !== 'resident') {
        expect(u.staff_id, a.username).not.toBeNull();
        const s = await db().selectFrom('staff').select('name').where('id', '=', u.staff_id!).executeTakeFirstOrThrow();
        expect(s.name, a.username).toBe(a.name);
      }
    }

    const yezhu = users.find((u) => u.username === 'yezhu')!;
    expect(yezhu.role).toBe('resident');
    const owner = await db()
      .selectFrom('people')
      .innerJoin('occupancies', 'occupancies.person_id', 'people.id')
      .innerJoin('units', 'units.id', 'occupancies.unit_id')
      .select(['people.id', 'people.name', 'units.number', 'units.project_id', 'occupancies.relation'])
      .where('people.id', '=', yezhu.person_id!)
      .execute();
    expect(owner).toHaveLength(1);
    expect(owner[0]).toMatchObject({ name: '李明华', number: '3-1-1502', project_id: projectIds.YGHY, relation: 'owner' });
    expect(yezhu.display_name).toBe('李明华');
  });

  it('seed: every project has the five project departments and the company has its five', async () => {
    const projects = await db().selectFrom('projects').select(['id', 'code']).execute();
    const departments = await db().selectFrom('departments').select(['project_id', 'code', 'name']).execute();
    for (const p of projects) {
      expect(
        departments
          .filter((d) => d.project_id === p.id)
          .map((d) => d.code)
          .sort(),
        p.code,
      ).toEqual([...PROJECT_DEPARTMENTS].sort());
    }
    expect(
      departments
        .filter((d) => d.project_id === null)
        .map((d) => d.code)
        .sort(),
    ).toEqual([...COMPANY_DEPARTMENTS].sort());
    expect(departments.length).toBe(projects.length * PROJECT_DEPARTMENTS.length + COMPANY_DEPARTMENTS.length);
    expect(departments.filter((d) => !/[\u4e00-\u9fa5]/.test(d.name))).toEqual([]);

    // Every department has somebody to route work to.
    const staffed = await db().selectFrom('staff').select('department_id').distinct().execute();
    const all = await db().selectFrom('departments').select('id').execute();
    expect(all.filter((d) => !staffed.some((s) => s.department_id === d.id))).toEqual([]);
  });

  it('seed: running the seed a second time changes nothing', async () => {
    const before = await counts();
    expect(before.companies).toBe(1);
    const again = await seedDemo(tdb.ctx);
    expect(again).toBeNull();
    expect(await counts()).toEqual(before);
  });

  it('every demo account: the password Wuye@2026 verifies; qiantai logs in over HTTP', async () => {
    const users = await db().selectFrom('users').select(['username', 'password_hash']).execute();
    for (const u of users) {
      expect(u.password_hash.startsWith('$argon2id$'), u.username).toBe(true);
      expect(await verifyPassword(u.password_hash, DEMO_PASSWORD), u.username).toBe(true);
      expect(await verifyPassword(u.password_hash, 'wuye@2026'), u.username).toBe(false);
    }

    const app = await buildApp({ ctx: tdb.ctx });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      const c = new Client(`http://127.0.0.1:${port}`);
      const r = await c.login('qiantai', DEMO_PASSWORD);
      expect(r.status).toBe(200);
      expect(r.body.user).toMatchObject({ username: 'qiantai', name: '林晓雯', role: 'receptionist' });
      const units = await c.get(`/api/lookup?q=${encodeURIComponent('3-1-1502')}`);
      expect(units.status).toBe(200);
      expect(units.body.items[0].occupants.find((o: any) => o.relation === 'owner').name).toBe('李明华');
    } finally {
      await app.close();
    }
  });
});
