import { afterAll, beforeAll, expect, it } from 'vitest';
import { localDateTime } from '../../server/platform/calendar/calendar.ts';
import { describeEachDb, TestClock } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

/** R-RP-2: free or paid by warranty rules, and an editable price list shown to the resident. */
describeEachDb('repairs: warranty rules and the price list', (dialect) => {
  let srv: TestServer;
  const clock = new TestClock(localDateTime('2026-11-20', '10:00'));
  const as: Record<string, Client> = {};
  let yghyUnit: string;
  let chyUnit: string;
  const category: Record<string, string> = {};

  beforeAll(async () => {
    srv = await startTestServer({ dialect, clock });
    for (const u of ['qiantai', 'kefuzhuguan', 'admin', 'weixiu']) {
      as[u] = new Client(srv.url);
      expect((await as[u].login(u, DEMO_PASSWORD)).status).toBe(200);
    }
    const db = srv.ctx.db;
    yghyUnit = (
      await db
        .selectFrom('units')
        .select('id')
        .where('project_id', '=', srv.demo.projectByCode.YGHY as string)
        .where('number', '=', '3-1-1502')
        .executeTakeFirstOrThrow()
    ).id;
    chyUnit = (
      await db
        .selectFrom('units')
        .select('id')
        .where('project_id', '=', srv.demo.projectByCode.CHY as string)
        .orderBy('number')
        .executeTakeFirstOrThrow()
    ).id;
    for (const c of await db.selectFrom('categories').select(['id', 'name']).where('kind', '=', 'repair').execute())
      category[c.name] = c.id;
  });
  afterAll(() => srv?.close());

  it('receptionist: a 阳光花园 unit (handed over 2019) is past the 2-year warranty for water and electricity: paid', async () => {
    const r = await as.qiantai.get(`/api/units/${yghyUnit}/warranty?categoryId=${category['水电']}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ paid: true, inWarranty: false, warrantyEnds: '2021-06-30', handoverDate: '2019-06-30' });
    expect(r.body.reason).toMatch(/有偿/);
  });

  it('admin: a 翠湖苑 unit (handed over 2025-03-31) is inside the warranty: free', async () => {
    const r = await as.admin.get(`/api/units/${chyUnit}/warranty?categoryId=${category['水电']}`);
    expect(r.body).toMatchObject({ paid: false, inWarranty: true, warrantyEnds: '2027-03-31' });
  });

  it('receptionist: a roof leak has 5 years; a common-area repair is never charged to the resident', async () => {
    const roof = await as.qiantai.get(`/api/units/${yghyUnit}/warranty?categoryId=${category['屋面渗漏']}`);
    expect(roof.body).toMatchObject({ paid: true, warrantyEnds: '2024-06-30' });
    clock.t = localDateTime('2024-06-29', '09:00');
    const earlier = await as.qiantai.get(`/api/units/${yghyUnit}/warranty?categoryId=${category['屋面渗漏']}`);
    expect(earlier.body).toMatchObject({ paid: false, inWarranty: true });
    clock.t = localDateTime('2026-11-20', '10:00');
    const common = await as.qiantai.get(`/api/units/${yghyUnit}/warranty?scope=common&categoryId=${category['电梯']}`);
    expect(common.body).toMatchObject({ paid: false });
    const bad = await as.qiantai.get(
      `/api/units/${yghyUnit}/warranty?categoryId=${(await srv.ctx.db.selectFrom('categories').select('id').where('kind', '=', 'complaint').executeTakeFirstOrThrow()).id}`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.categoryId).toMatch(/[\u4e00-\u9fa5]/);
  });

  it('service_supervisor: edits the price list; the receptionist reads it but cannot change it; every change is audited', async () => {
    const yghy = srv.demo.projectByCode.YGHY as string;
    const list = await as.qiantai.get(`/api/price-items?projectId=${yghy}`);
    expect(list.status).toBe(200);
    expect(list.body.length).toBeGreaterThanOrEqual(10);
    expect(list.body.find((p: { name: string }) => p.name === '疏通下水道')).toMatchObject({ priceFen: 8000, projectId: null });

    const add = await as.kefuzhuguan.post('/api/price-items', {
      projectId: yghy,
      category: '水电',
      name: '更换三角阀（不含材料）',
      unit: '个',
      priceFen: 2500,
    });
    expect(add.status).toBe(200);
    const denied = await as.qiantai.post('/api/price-items', { projectId: yghy, category: '水电', name: '偷改', priceFen: 1 });
    expect(denied.status).toBe(403);
    const companyWide = await as.kefuzhuguan.post('/api/price-items', {
      projectId: null,
      category: '水电',
      name: '全公司项目',
      priceFen: 100,
    });
    expect(companyWide.status).toBe(403);

    const raise = await as.kefuzhuguan.patch(`/api/price-items/${add.body.id}`, { version: 1, priceFen: 3000 });
    expect(raise.body).toMatchObject({ priceFen: 3000, version: 2 });
    const stale = await as.kefuzhuguan.patch(`/api/price-items/${add.body.id}`, { version: 1, priceFen: 9900 });
    expect(stale.status).toBe(409);
    const off = await as.kefuzhuguan.patch(`/api/price-items/${add.body.id}`, { version: 2, active: false });
    expect(off.body.active).toBe(false);
    const after = await as.qiantai.get(`/api/price-items?projectId=${yghy}`);
    expect(after.body.some((p: { id: string }) => p.id === add.body.id)).toBe(false);
    const all = await as.qiantai.get(`/api/price-items?projectId=${yghy}&all=true`);
    expect(all.body.some((p: { id: string }) => p.id === add.body.id)).toBe(true);

    const events = await srv.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'after_json'])
      .where('entity', '=', 'price_item')
      .where('entity_id', '=', add.body.id)
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.action)).toEqual(['price_item.created', 'price_item.updated', 'price_item.updated']);
    expect(JSON.parse(events[1]?.after_json ?? '{}')).toEqual({ priceFen: 3000 });

    const otherProject = await as.qiantai.get(`/api/price-items?projectId=${srv.demo.projectByCode.CHY}`);
    expect(otherProject.status).toBe(404);
  });
});
