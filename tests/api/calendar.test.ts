import { afterAll, beforeAll, expect, it } from 'vitest';
import { localDateTime } from '../../server/platform/calendar/calendar.ts';
import { describeEachDb } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

describeEachDb('calendar API: business hours, holidays, overrides', (dialect) => {
  let srv: TestServer;
  let admin: Client;
  let manager: Client;
  let yghy: string;

  beforeAll(async () => {
    srv = await startTestServer({ dialect });
    yghy = srv.demo.projectByCode.YGHY as string;
    admin = new Client(srv.url);
    await admin.login('admin', DEMO_PASSWORD);
    manager = new Client(srv.url);
    await manager.login('jingli', DEMO_PASSWORD);
  });
  afterAll(() => srv?.close());

  it('receptionist: the month view marks National Day, the make-up Saturday and the reception day', async () => {
    const c = new Client(srv.url);
    await c.login('qiantai', DEMO_PASSWORD);
    const r = await c.get(`/api/calendar/month?projectId=${yghy}&year=2025&month=10`);
    expect(r.status).toBe(200);
    const day = (d: string) => r.body.days.find((x: { date: string }) => x.date === d);
    expect(day('2025-10-01')).toMatchObject({ working: false, reason: 'statutory_holiday', name: '国庆节' });
    expect(day('2025-10-11')).toMatchObject({ working: true, reason: 'make_up_workday' });
    expect(r.body.days).toHaveLength(31);
    // First Friday (Oct 3) falls in the holiday week: the next working day is Thursday Oct 9.
    expect(r.body.receptionDay).toBe('2025-10-09');
  });

  it('project_manager: a holiday override moves a working-hours deadline', async () => {
    // Friday 2026-11-06 16:30 + 2 working hours: 17:30 closes Friday, so Monday 09:30.
    const from = localDateTime('2026-11-06', '16:30');
    const before = await manager.get(`/api/calendar/compute?projectId=${yghy}&from=${from}&hours=2`);
    expect(before.status).toBe(200);
    expect(before.body.due).toBe(localDateTime('2026-11-09', '09:30'));

    const add = await manager.post('/api/calendar/overrides', {
      projectId: yghy,
      date: '2026-11-09',
      kind: 'holiday',
      note: '小区停电检修',
    });
    expect(add.status).toBe(200);
    const after = await manager.get(`/api/calendar/compute?projectId=${yghy}&from=${from}&hours=2`);
    expect(after.body.due).toBe(localDateTime('2026-11-10', '09:30'));

    // The other project keeps its calendar.
    const chy = srv.demo.projectByCode.CHY as string;
    const other = await admin.get(`/api/calendar/compute?projectId=${chy}&from=${from}&hours=2`);
    expect(other.body.due).toBe(localDateTime('2026-11-09', '09:30'));

    const dup = await manager.post('/api/calendar/overrides', { projectId: yghy, date: '2026-11-09', kind: 'workday', note: '' });
    expect(dup.status).toBe(422);

    const del = await manager.delete(`/api/calendar/overrides/${add.body.id}`);
    expect(del.status).toBe(204);
    const restored = await manager.get(`/api/calendar/compute?projectId=${yghy}&from=${from}&hours=2`);
    expect(restored.body.due).toBe(localDateTime('2026-11-09', '09:30'));

    const events = await srv.ctx.db.selectFrom('audit_events').select('action').where('entity', '=', 'calendar').execute();
    expect(events.map((e) => e.action)).toEqual(['calendar.override_added', 'calendar.override_removed']);
  });

  it('project_manager: cannot set a company-wide override; admin can, and a Sunday becomes a workday', async () => {
    const denied = await manager.post('/api/calendar/overrides', { projectId: null, date: '2026-12-06', kind: 'workday', note: '' });
    expect(denied.status).toBe(403);
    const ok = await admin.post('/api/calendar/overrides', { projectId: null, date: '2026-12-06', kind: 'workday', note: '年终盘点' });
    expect(ok.status).toBe(200);
    const m = await admin.get(`/api/calendar/month?projectId=${yghy}&year=2026&month=12`);
    expect(m.body.days.find((d: { date: string }) => d.date === '2026-12-06')).toMatchObject({ working: true, reason: 'override' });
  });

  it('project_manager: business hours with a lunch break change the arithmetic; bad hours are refused by field', async () => {
    const p = (await manager.get('/api/projects')).body.find((x: { id: string }) => x.id === yghy);
    const bad = await manager.put(`/api/projects/${yghy}/business-hours`, { version: p.version, businessHours: [['13:00', '12:00']] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.businessHours).toMatch(/[\u4e00-\u9fa5]/);

    const ok = await manager.put(`/api/projects/${yghy}/business-hours`, {
      version: p.version,
      businessHours: [
        ['08:30', '12:00'],
        ['13:30', '17:30'],
      ],
    });
    expect(ok.status).toBe(200);
    const from = localDateTime('2026-11-18', '11:00');
    const r = await manager.get(`/api/calendar/compute?projectId=${yghy}&from=${from}&hours=2`);
    expect(r.body.due).toBe(localDateTime('2026-11-18', '14:30'));

    const stale = await manager.put(`/api/projects/${yghy}/business-hours`, { version: p.version, businessHours: [['09:00', '18:00']] });
    expect(stale.status).toBe(409);
  });

  it('receptionist: cannot edit the calendar', async () => {
    const c = new Client(srv.url);
    await c.login('qiantai', DEMO_PASSWORD);
    const r = await c.post('/api/calendar/overrides', { projectId: yghy, date: '2026-12-24', kind: 'holiday', note: '' });
    expect(r.status).toBe(403);
  });
});
