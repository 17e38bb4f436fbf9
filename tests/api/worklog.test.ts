import { afterAll, beforeAll, expect, it } from 'vitest';
import { sweepDeadlines } from '../../server/domains/requests/requests.service.ts';
import type { Role } from '../../server/platform/access/roles.ts';
import { localDateTime } from '../../server/platform/calendar/calendar.ts';
import { putSetting } from '../../server/platform/settings/settings.ts';
import { describeEachDb, TestClock } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const CHINESE = /[\u4e00-\u9fa5]/;
const SEC = 1000;
const at = (date: string, hhmm: string) => localDateTime(date, hhmm);

describeEachDb('work log: a shift built from the register, plus its notes', (dialect) => {
  let srv: TestServer;
  // Early on Monday 2026-11-02, China time, before the day shift; the clock only moves forward.
  const clock = new TestClock(at('2026-11-02', '07:00'));
  let yghy: string;
  let chy: string;
  const users: Partial<Record<Role, { username: string; password: string; id: string }>> = {};

  /** Signs in at the clock's current time: sessions last 12 hours of that clock. */
  async function as(role: Role) {
    users[role] ??= await srv.makeUser(role, role === 'company_admin' ? { projectIds: null } : {});
    const u = users[role];
    const c = new Client(srv.url);
    expect((await c.login(u.username, u.password)).status).toBe(200);
    return c;
  }

  async function register(c: Client, fields: Record<string, unknown>) {
    const r = await c.post('/api/requests', {
      projectId: yghy,
      kind: 'repair',
      channel: 'phone',
      requesterName: '赵先生',
      requesterPhone: '13800002222',
      content: '楼道灯不亮',
      readBackConfirmed: true,
      ...fields,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; number: string; status: string; isOpen: boolean };
  }

  async function logCall(c: Client, body: Record<string, unknown>) {
    const r = await c.post('/api/calls', { projectId: yghy, direction: 'in', caller: '13900003333', ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string };
  }

  beforeAll(async () => {
    srv = await startTestServer({ dialect, clock });
    yghy = srv.demo.projectByCode.YGHY as string;
    chy = srv.demo.projectByCode.CHY as string;
  });
  afterAll(() => srv?.close());

  it('service supervisor: the day shift log holds what happened between 08:00 and 20:00 and nothing else', async () => {
    // Night shift of 11-01: a repair at 07:30 whose 10-minute response is breached at 07:45.
    clock.t = at('2026-11-02', '07:30');
    let desk = await as('receptionist');
    const night = await register(desk, { content: '车库积水' });
    clock.t = at('2026-11-02', '07:45');
    expect((await sweepDeadlines(srv.ctx)).breached).toBe(1);
    clock.t = at('2026-11-02', '07:50');
    expect(
      (await desk.post('/api/worklog/notes', { projectId: yghy, date: '2026-11-01', shift: 'night', text: '夜班：车库积水已报工程部' }))
        .status,
    ).toBe(201);
    clock.t = at('2026-11-02', '07:59') + 30 * SEC;
    await logCall(desk, { ringingAt: at('2026-11-02', '07:59'), answeredAt: at('2026-11-02', '07:59') + 4 * SEC });

    // Day shift: a phone repair at 08:00 sharp from a call answered on the second ring…
    clock.t = at('2026-11-02', '08:00');
    const call = await logCall(desk, { ringingAt: at('2026-11-02', '08:00'), answeredAt: at('2026-11-02', '08:00') + 7 * SEC });
    const repair = await register(desk, { callId: call.id });
    // …an inquiry answered on the spot at the counter (registered and closed in the shift)…
    clock.t = at('2026-11-02', '08:30');
    const inquiry = await register(desk, {
      kind: 'inquiry',
      channel: 'counter',
      content: '咨询装修申请流程',
      inquiry: { answer: '携带房产证到客服中心填写装修申请表' },
    });
    expect(inquiry.isOpen).toBe(false);
    const first = await desk.post('/api/worklog/notes', {
      projectId: yghy,
      date: '2026-11-02',
      shift: 'day',
      text: '接班：3 栋电梯维保中',
    });
    expect(first.status).toBe(201);
    // …the repair's response promise breached at 09:00, a missed call at 10:00…
    clock.t = at('2026-11-02', '09:00');
    expect((await sweepDeadlines(srv.ctx)).breached).toBe(1);
    clock.t = at('2026-11-02', '10:01');
    await logCall(desk, { caller: '13900004444', ringingAt: at('2026-11-02', '10:00'), endedAt: at('2026-11-02', '10:00') + 30 * SEC });
    clock.t = at('2026-11-02', '12:00');
    const supervisor = await as('service_supervisor');
    expect(
      (await supervisor.post('/api/worklog/notes', { projectId: yghy, date: '2026-11-02', shift: 'day', text: '午间巡查正常' })).status,
    ).toBe(201);

    // Mid-shift the log is partial and says so.
    const partial = await supervisor.get(`/api/worklog?projectId=${yghy}&date=2026-11-02&shift=day`);
    expect(partial.status, JSON.stringify(partial.body)).toBe(200);
    expect(partial.body.complete).toBe(false);

    // …a patrol finding at 19:59 is still the day shift; 20:00 is the night shift's.
    clock.t = at('2026-11-02', '19:59');
    desk = await as('receptionist');
    const patrol = await register(desk, { kind: 'suggestion', channel: 'patrol', content: '建议增设垃圾分类指引' });
    clock.t = at('2026-11-02', '20:00');
    const late = await register(desk, { content: '门禁卡失灵' });
    await logCall(desk, { caller: '13900005555', ringingAt: at('2026-11-02', '20:00'), answeredAt: at('2026-11-02', '20:00') + 2 * SEC });

    clock.t = at('2026-11-02', '20:30');
    const sup = await as('service_supervisor');
    const r = await sup.get(`/api/worklog?projectId=${yghy}&date=2026-11-02&shift=day`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const log = r.body;
    expect(log).toMatchObject({
      project: { id: yghy, code: 'YGHY', name: '阳光花园' },
      date: '2026-11-02',
      shift: 'day',
      shiftLabel: '白班',
      start: at('2026-11-02', '08:00'),
      end: at('2026-11-02', '20:00'),
      startLocal: '2026-11-02 08:00',
      endLocal: '2026-11-02 20:00',
      generatedAt: at('2026-11-02', '20:30'),
      complete: true,
    });
    expect(log.registered.items.map((x: { number: string }) => x.number)).toEqual([repair.number, inquiry.number, patrol.number]);
    expect(log.registered.total).toBe(3);
    expect(log.registered.byKind).toEqual({ repair: 1, inquiry: 1, suggestion: 1 });
    expect(log.registered.byChannel).toEqual({ phone: 1, counter: 1, patrol: 1 });
    expect(log.registered.items[0]).toMatchObject({ kindLabel: '维修', channelLabel: '来电', requesterName: '赵先生' });
    expect(log.closed).toMatchObject({ total: 1, items: [{ number: inquiry.number, closedAt: at('2026-11-02', '08:30') }] });
    expect(log.breaches).toHaveLength(1);
    expect(log.breaches[0]).toMatchObject({
      requestNumber: repair.number,
      kind: 'repair.response',
      label: '报修 10 分钟内答复',
      dueAt: at('2026-11-02', '08:10'),
      breachedAt: at('2026-11-02', '08:10'),
    });
    expect(log.calls).toMatchObject({ total: 2, answered: 1, missed: 1, withRequest: 1, avgRings: 2, outgoing: 0 });
    expect(log.calls.missedItems).toEqual([{ id: expect.any(String), at: at('2026-11-02', '10:00'), caller: '13900004444', rings: null }]);
    expect(log.notes.map((n: { text: string; authorName: string }) => n.text)).toEqual(['接班：3 栋电梯维保中', '午间巡查正常']);
    expect(log.notes[0]).toMatchObject({ createdAt: at('2026-11-02', '08:30'), shift: 'day', date: '2026-11-02' });
    expect(log.notes[0].authorName).not.toBe(log.notes[1].authorName);
    const numbers = JSON.stringify(log);
    expect(numbers).not.toContain(night.number);
    expect(numbers).not.toContain(late.number);

    // The night before holds the 07:30 repair, its 07:45 breach, the 07:59 call and the night's note.
    const prev = (await sup.get(`/api/worklog?projectId=${yghy}&date=2026-11-01&shift=night`)).body;
    expect(prev).toMatchObject({ shiftLabel: '夜班', startLocal: '2026-11-01 20:00', endLocal: '2026-11-02 08:00' });
    expect(prev.registered.items.map((x: { number: string }) => x.number)).toEqual([night.number]);
    expect(prev.breaches.map((b: { requestNumber: string }) => b.requestNumber)).toEqual([night.number]);
    expect(prev.calls).toMatchObject({ total: 1, answered: 1, missed: 0, avgRings: 1 });
    expect(prev.notes.map((n: { text: string }) => n.text)).toEqual(['夜班：车库积水已报工程部']);
    // And tonight's has begun with the 20:00 request and call.
    const tonight = (await sup.get(`/api/worklog?projectId=${yghy}&date=2026-11-02&shift=night`)).body;
    expect(tonight.registered.items.map((x: { number: string }) => x.number)).toEqual([late.number]);
    expect(tonight).toMatchObject({ complete: false, calls: { total: 1 } });

    // A role without pii.phone reads the same log with the missed caller masked.
    const guard = await as('gate_guard');
    const masked = (await guard.get(`/api/worklog?projectId=${yghy}&date=2026-11-02&shift=day`)).body;
    expect(masked.calls.missedItems[0].caller).toBe('139****4444');
  });

  it('company admin: shift times are a setting; the log follows them', async () => {
    await putSetting(srv.ctx.db, 'worklog.shifts', chy, { day: { start: '07:00', end: '19:00' }, night: { start: '19:00' } }, clock.now());
    const admin = await as('company_admin');
    const day = (await admin.get(`/api/worklog?projectId=${chy}&date=2026-11-02&shift=day`)).body;
    expect(day).toMatchObject({ shiftLabel: '白班', startLocal: '2026-11-02 07:00', endLocal: '2026-11-02 19:00' });
    const night = (await admin.get(`/api/worklog?projectId=${chy}&date=2026-11-02&shift=night`)).body;
    expect(night).toMatchObject({ startLocal: '2026-11-02 19:00', endLocal: '2026-11-03 08:00' });
    // Other projects keep the default.
    const other = (await admin.get(`/api/worklog?projectId=${yghy}&date=2026-11-02&shift=day`)).body;
    expect(other.startLocal).toBe('2026-11-02 08:00');
  });

  it('receptionist: notes are append-only: no route edits or deletes one, and each is audited', async () => {
    const desk = await as('receptionist');
    const r = await desk.post('/api/worklog/notes', { projectId: yghy, date: '2026-11-02', shift: 'day', text: '更正：电梯维保在 5 栋' });
    expect(r.status).toBe(201);
    const id = r.body.id as string;
    for (const [method, path] of [
      ['PATCH', `/api/worklog/notes/${id}`],
      ['PUT', `/api/worklog/notes/${id}`],
      ['DELETE', `/api/worklog/notes/${id}`],
      ['PATCH', '/api/worklog/notes'],
      ['DELETE', '/api/worklog/notes'],
    ] as const) {
      const res = await desk.request(method, path, method === 'DELETE' ? undefined : { text: '改掉' });
      expect([404, 405], `${method} ${path}`).toContain(res.status);
    }
    const stored = await srv.ctx.db.selectFrom('shift_notes').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.text).toBe('更正：电梯维保在 5 栋');
    const trail = await srv.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('entity', '=', 'shift_note')
      .where('entity_id', '=', id)
      .execute();
    expect(trail.map((e) => e.action)).toEqual(['worklog.note_added']);
  });

  it('receptionist: a note for a shift not yet begun, an empty text or an impossible date is refused in Chinese', async () => {
    const desk = await as('receptionist');
    const base = { projectId: yghy, date: '2026-11-02', shift: 'day', text: '交班' };
    const notYet = await desk.post('/api/worklog/notes', { ...base, date: '2026-11-03' });
    expect(notYet.status).toBe(422);
    expect(notYet.body.error.message).toMatch(/尚未开始/);
    for (const [patch, field] of [
      [{ text: '   ' }, 'text'],
      [{ date: '2026-02-30' }, 'date'],
      [{ shift: 'evening' }, 'shift'],
    ] as const) {
      const r = await desk.post('/api/worklog/notes', { ...base, ...patch });
      expect(r.status, field).toBe(400);
      expect(r.body.error.fields[field], field).toMatch(CHINESE);
    }
    for (const date of ['0050-01-01', '9999-12-31', '2026-13-01']) {
      const r = await desk.get(`/api/worklog?projectId=${yghy}&date=${date}&shift=night`);
      expect(r.status, date).toBe(400);
      expect(r.body.error.fields.date, date).toMatch(CHINESE);
    }
    const other = await desk.post('/api/worklog/notes', { ...base, projectId: chy });
    expect(other.status).toBe(400);
    expect(other.body.error.fields.projectId).toMatch(CHINESE);
  });

  it('technician: reads the work log but cannot write notes (403); a resident cannot read it', async () => {
    const tech = await as('technician');
    expect((await tech.get(`/api/worklog?projectId=${yghy}&date=2026-11-02&shift=day`)).status).toBe(200);
    const r = await tech.post('/api/worklog/notes', { projectId: yghy, date: '2026-11-02', shift: 'day', text: '维修完成' });
    expect(r.status).toBe(403);
    expect(r.body.error.message).toMatch(CHINESE);
    expect((await tech.get(`/api/worklog?projectId=${chy}&date=2026-11-02&shift=day`)).status).toBe(404);
    const demoResident = new Client(srv.url);
    expect((await demoResident.login('yezhu', DEMO_PASSWORD)).status).toBe(200);
    expect((await demoResident.get(`/api/worklog?projectId=${yghy}&date=2026-11-02&shift=day`)).status).toBe(403);
  });
});
