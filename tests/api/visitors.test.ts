import { afterAll, beforeAll, expect, it } from 'vitest';
import { localDateTime } from '../../server/platform/calendar/calendar.ts';
import { describeEachDb, TestClock } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

type Body = Record<string, any>;

/** R-FD-1: visitor registration at the counter and the gate, appointments checked in with the host told, the board and the register. */
describeEachDb('front desk: visitors and appointments', (dialect) => {
  let srv: TestServer;
  const clock = new TestClock(localDateTime('2026-11-18', '09:30'));
  const as: Record<string, Client> = {};
  const userId: Record<string, string> = {};
  let yghy: string;
  let chy: string;
  let unitId: string;
  let ownerId: string;
  let engineering: string;
  let chyDesk: Client;
  let chyUnit: string;

  beforeAll(async () => {
    srv = await startTestServer({ dialect, clock });
    for (const u of ['qiantai', 'menggang', 'weixiu', 'yezhu', 'gongcheng', 'kefuzhuguan', 'jingli']) {
      as[u] = new Client(srv.url);
      expect((await as[u].login(u, DEMO_PASSWORD)).status).toBe(200);
    }
    for (const u of await srv.ctx.db.selectFrom('users').select(['id', 'username']).execute()) userId[u.username] = u.id;
    yghy = srv.demo.projectByCode.YGHY as string;
    chy = srv.demo.projectByCode.CHY as string;
    ({ unitId, ownerId } = srv.people);
    engineering = (
      await srv.ctx.db
        .selectFrom('departments')
        .select('id')
        .where('project_id', '=', yghy)
        .where('code', '=', 'engineering')
        .executeTakeFirstOrThrow()
    ).id;
    const u = await srv.makeUser('receptionist', { projectIds: [chy] });
    chyDesk = new Client(srv.url);
    expect((await chyDesk.login(u.username, u.password)).status).toBe(200);
    chyUnit = (await srv.ctx.db.selectFrom('units').select('id').where('project_id', '=', chy).limit(1).executeTakeFirstOrThrow()).id;
  });
  afterAll(() => srv?.close());

  const walkIn = (over: Body = {}) => ({
    projectId: yghy,
    name: '王建国',
    phone: '13912345678',
    idType: 'resident_id',
    idLast4: '123x',
    purpose: '探亲',
    host: { kind: 'unit', unitId, personId: ownerId },
    partySize: 2,
    plate: '粤b12345',
    ...over,
  });
  const notificationsOf = async (kind: string, key: string) =>
    (
      await srv.ctx.db
        .selectFrom('notifications')
        .select('user_id')
        .where('kind', '=', kind)
        .where('dedupe_key', '>=', `${key}:`)
        .where('dedupe_key', '<', `${key}:\uffff`)
        .execute()
    )
      .map((n) => n.user_id)
      .sort();

  it('gate guard: registers a walk-in visitor with the ID type and last four only, and a pass number is issued', async () => {
    const r = await as.menggang!.post('/api/visits', walkIn());
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const v = r.body as Body;
    expect(v.number).toMatch(/^FK-2611-\d{4}$/);
    expect(v).toMatchObject({
      name: '王建国',
      idType: 'resident_id',
      idLast4: '123X',
      partySize: 2,
      plate: '粤B12345',
      inAt: clock.now(),
      outAt: null,
      inside: true,
      host: { kind: 'unit', unitId, personId: ownerId, label: '3-1-1502 李明华' },
    });
    // The guard holds no pii.phone: the register shows the number masked.
    expect(v.phone).toBe('139****5678');
    const stored = await srv.ctx.db.selectFrom('visits').selectAll().where('id', '=', v.id).executeTakeFirstOrThrow();
    expect(stored.id_last4).toBe('123X');
    expect(stored.phone).toBe('13912345678');
    const second = await as.qiantai!.post('/api/visits', walkIn({ name: '王小明', badge: 'A-07' }));
    expect(second.status).toBe(201);
    expect(second.body.badge).toBe('A-07');
    expect(second.body.phone).toBe('13912345678');
    expect(second.body.number).not.toBe(v.number);
  });

  it('gate guard: a full ID number is refused with the field named, and nothing is stored', async () => {
    const before = await srv.ctx.db.selectFrom('visits').select('id').execute();
    for (const idLast4 of ['44030119900101123X', '12345', '12']) {
      const r = await as.menggang!.post('/api/visits', walkIn({ idLast4 }));
      expect(r.status, idLast4).toBe(400);
      expect(r.body.error.fields.idLast4, idLast4).toMatch(/后四位/);
    }
    expect((await srv.ctx.db.selectFrom('visits').select('id').execute()).length).toBe(before.length);
    const audit = await srv.ctx.db.selectFrom('audit_events').select(['after_json']).where('entity', '=', 'visit').execute();
    expect(JSON.stringify(audit)).not.toContain('44030119900101123X');
  });

  it('technician: may not register a visitor or read the register (403)', async () => {
    expect((await as.weixiu!.post('/api/visits', walkIn())).status).toBe(403);
    expect((await as.weixiu!.get(`/api/visits/board?projectId=${yghy}`)).status).toBe(403);
    expect((await as.weixiu!.get('/api/visits')).status).toBe(403);
  });

  it('receptionist: the host must belong to the project', async () => {
    const r = await as.qiantai!.post('/api/visits', walkIn({ host: { kind: 'unit', unitId: chyUnit } }));
    expect(r.status).toBe(400);
    expect(r.body.error.fields['host.unitId']).toBeTruthy();
    const notResident = await as.qiantai!.post('/api/visits', walkIn({ host: { kind: 'unit', unitId, personId: userId.qiantai } }));
    expect(notResident.status).toBe(400);
    expect(notResident.body.error.fields['host.personId']).toBeTruthy();
    const other = await as.qiantai!.post('/api/visits', walkIn({ host: { kind: 'other', text: '快递公司' } }));
    expect(other.status).toBe(201);
    expect(other.body.host).toMatchObject({ kind: 'other', label: '快递公司' });
  });

  it('receptionist: a visit of another project answers 404, and registering into it is refused', async () => {
    const theirs = await chyDesk.post('/api/visits', walkIn({ projectId: chy, host: { kind: 'unit', unitId: chyUnit } }));
    expect(theirs.status, JSON.stringify(theirs.body)).toBe(201);
    expect((await as.qiantai!.get(`/api/visits/${theirs.body.id}`)).status).toBe(404);
    expect((await as.menggang!.post(`/api/visits/${theirs.body.id}/sign-out`, { version: 1 })).status).toBe(404);
    const into = await as.qiantai!.post('/api/visits', walkIn({ projectId: chy, host: { kind: 'unit', unitId: chyUnit } }));
    expect(into.status).toBe(400);
    expect(into.body.error.fields.projectId).toBeTruthy();
    expect((await as.qiantai!.get(`/api/visits?projectId=${chy}`)).status).toBe(404);
    const mine = await as.qiantai!.get('/api/visits?limit=200');
    expect(mine.body.items.some((v: Body) => v.id === theirs.body.id)).toBe(false);
  });

  it('receptionist books a visitor for the owner; the gate guard finds it by phone, checks it in, and the owner is told in-app', async () => {
    const booked = await as.qiantai!.post('/api/visitor-appointments', {
      projectId: yghy,
      name: '赵德胜',
      phone: '13712340001',
      partySize: 1,
      purpose: '送家具',
      expectedAt: clock.now() + 2 * HOUR,
      host: { kind: 'unit', unitId, personId: ownerId },
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    expect(booked.body).toMatchObject({ status: 'expected', host: { label: '3-1-1502 李明华' } });

    const board = await as.menggang!.get(`/api/visits/board?projectId=${yghy}`);
    expect(board.status).toBe(200);
    expect(board.body.date).toBe('2026-11-18');
    expect(board.body.expected.map((a: Body) => a.id)).toContain(booked.body.id);

    const byPhone = await as.menggang!.get(`/api/visitor-appointments?projectId=${yghy}&phone=0001&status=expected`);
    expect(byPhone.status).toBe(200);
    expect(byPhone.body.items.map((a: Body) => a.id)).toEqual([booked.body.id]);
    const byFull = await as.menggang!.get(`/api/visitor-appointments?phone=13712340001`);
    expect(byFull.body.items.map((a: Body) => a.id)).toEqual([booked.body.id]);

    clock.advance(90 * MIN);
    const wrongId = await as.menggang!.post(`/api/visitor-appointments/${booked.body.id}/check-in`, {
      version: booked.body.version,
      idLast4: '110101199003077777',
    });
    expect(wrongId.status).toBe(400);
    expect(wrongId.body.error.fields.idLast4).toBeTruthy();

    const inn = await as.menggang!.post(`/api/visitor-appointments/${booked.body.id}/check-in`, {
      version: booked.body.version,
      idType: 'resident_id',
      idLast4: '7777',
      partySize: 2,
    });
    expect(inn.status, JSON.stringify(inn.body)).toBe(201);
    expect(inn.body.notified).toBe(1);
    expect(inn.body.visit).toMatchObject({
      name: '赵德胜',
      appointmentId: booked.body.id,
      idLast4: '7777',
      partySize: 2,
      inAt: clock.now(),
    });
    expect(inn.body.visit.number).toMatch(/^FK-2611-/);
    expect(inn.body.appointment).toMatchObject({ status: 'arrived', visitId: inn.body.visit.id, arrivedAt: clock.now() });

    expect(await notificationsOf('visitor.arrived', `visit-arrived:${inn.body.visit.id}`)).toEqual([userId.yezhu]);
    const bell = await as.yezhu!.get('/api/notifications');
    expect(bell.body.items[0]).toMatchObject({ kind: 'visitor.arrived', title: '访客已到：赵德胜', link: '/m' });

    const again = await as.menggang!.post(`/api/visitor-appointments/${booked.body.id}/check-in`, {
      version: inn.body.appointment.version,
      idLast4: '7777',
    });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('already_arrived');
    expect((await srv.ctx.db.selectFrom('visits').select('id').where('appointment_id', '=', booked.body.id).execute()).length).toBe(1);

    const after = await as.menggang!.get(`/api/visits/board?projectId=${yghy}`);
    expect(after.body.expected.map((a: Body) => a.id)).not.toContain(booked.body.id);
    expect(after.body.inside.map((v: Body) => v.id)).toContain(inn.body.visit.id);
  });

  it('receptionist: an appointment with a department tells its head on arrival; a cancelled one cannot be checked in', async () => {
    const booked = await as.qiantai!.post('/api/visitor-appointments', {
      projectId: yghy,
      name: '电梯维保孙工',
      phone: '13700000002',
      purpose: '电梯年检',
      expectedAt: clock.now() + HOUR,
      host: { kind: 'department', departmentId: engineering },
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    const inn = await as.qiantai!.post(`/api/visitor-appointments/${booked.body.id}/check-in`, { version: 1, idLast4: '0002' });
    expect(inn.status).toBe(201);
    expect(await notificationsOf('visitor.arrived', `visit-arrived:${inn.body.visit.id}`)).toEqual([userId.gongcheng]);

    const other = await as.qiantai!.post('/api/visitor-appointments', {
      projectId: yghy,
      name: '不来了',
      phone: '13700000003',
      purpose: '看房',
      expectedAt: clock.now() + HOUR,
      host: { kind: 'unit', unitId },
    });
    const cancelled = await as.qiantai!.post(`/api/visitor-appointments/${other.body.id}/cancel`, { version: 1, reason: '住户改期' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: '住户改期' });
    const late = await as.menggang!.post(`/api/visitor-appointments/${other.body.id}/check-in`, {
      version: cancelled.body.version,
      idLast4: '0003',
    });
    expect(late.status).toBe(422);
    const past = await as.qiantai!.post('/api/visitor-appointments', {
      projectId: yghy,
      name: '昨天',
      phone: '13700000004',
      purpose: '看房',
      expectedAt: clock.now() - 24 * HOUR,
      host: { kind: 'unit', unitId },
    });
    expect(past.status).toBe(400);
    expect(past.body.error.fields.expectedAt).toBeTruthy();
    const freeText = await as.qiantai!.post('/api/visitor-appointments', {
      projectId: yghy,
      name: '某人',
      phone: '13700000005',
      purpose: '看房',
      expectedAt: clock.now() + HOUR,
      host: { kind: 'other', text: '某公司' },
    });
    expect(freeText.status).toBe(400);
    expect(freeText.body.error.fields['host.kind']).toBeTruthy();
  });

  it('gate guard: signs a visitor out once; a second sign-out is refused and the time out stays', async () => {
    const v = (await as.menggang!.post('/api/visits', walkIn({ name: '离开测试', phone: '13600001111' }))).body as Body;
    clock.advance(40 * MIN);
    const stale = await as.menggang!.post(`/api/visits/${v.id}/sign-out`, { version: v.version + 1 });
    expect(stale.status).toBe(409);
    const out = await as.menggang!.post(`/api/visits/${v.id}/sign-out`, { version: v.version });
    expect(out.status, JSON.stringify(out.body)).toBe(200);
    expect(out.body).toMatchObject({ outAt: clock.now(), inside: false, signedOutByName: expect.any(String) });
    const leftAt = clock.now();
    clock.advance(10 * MIN);
    const twice = await as.qiantai!.post(`/api/visits/${v.id}/sign-out`, { version: out.body.version });
    expect(twice.status).toBe(422);
    expect(twice.body.error.code).toBe('already_signed_out');
    expect((await as.qiantai!.get(`/api/visits/${v.id}`)).body.outAt).toBe(leftAt);

    const board = await as.menggang!.get(`/api/visits/board?projectId=${yghy}`);
    expect(board.body.left.map((x: Body) => x.id)).toContain(v.id);
    expect(board.body.inside.map((x: Body) => x.id)).not.toContain(v.id);
  });

  it('receptionist: searches the register by name prefix, phone (full or last four), plate and date, page by page', async () => {
    clock.advance(24 * HOUR);
    // Sessions do not last a day: sign in again the next morning.
    for (const u of ['qiantai', 'menggang']) expect((await as[u]!.login(u, DEMO_PASSWORD)).status).toBe(200);
    const late = await as.qiantai!.post('/api/visits', walkIn({ name: '欧阳明', phone: '13500009999', plate: '粤B99999' }));
    expect(late.status).toBe(201);
    const ids = (r: { body: Body }) => r.body.items.map((v: Body) => v.id);

    const byName = await as.qiantai!.get(`/api/visits?name=${encodeURIComponent('欧阳')}`);
    expect(ids(byName)).toEqual([late.body.id]);
    const byPrefix = await as.qiantai!.get(`/api/visits?name=${encodeURIComponent('王')}`);
    expect(byPrefix.body.items.length).toBeGreaterThanOrEqual(2);
    expect(byPrefix.body.items.every((v: Body) => v.name.startsWith('王'))).toBe(true);
    expect(ids(await as.qiantai!.get('/api/visits?phone=13500009999'))).toEqual([late.body.id]);
    expect(ids(await as.qiantai!.get('/api/visits?phone=9999'))).toEqual([late.body.id]);
    expect(ids(await as.qiantai!.get(`/api/visits?plate=${encodeURIComponent('粤b99999')}`))).toEqual([late.body.id]);
    expect(ids(await as.qiantai!.get(`/api/visits?from=2026-11-19&to=2026-11-19&projectId=${yghy}`))).toEqual([late.body.id]);
    const firstDay = await as.qiantai!.get('/api/visits?from=2026-11-18&to=2026-11-18&limit=200');
    expect(firstDay.body.items.length).toBeGreaterThan(3);
    expect(ids(firstDay)).not.toContain(late.body.id);
    expect((await as.qiantai!.get('/api/visits?from=2026-11-19&to=2026-11-18')).status).toBe(400);
    expect((await as.qiantai!.get('/api/visits?phone=123')).status).toBe(400);

    // Keyset pages: every visit once, newest first.
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: Body } = await as.qiantai!.get(
        `/api/visits?projectId=${yghy}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.status).toBe(200);
      all.push(...page.body.items.map((v: Body) => v.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    const everything = await as.qiantai!.get(`/api/visits?projectId=${yghy}&limit=200`);
    expect(all).toEqual(ids(everything));
    expect(new Set(all).size).toBe(all.length);

    // Yesterday's visitor who never signed out is still inside on today's board; the ones who left yesterday are not "left today".
    const board = await as.menggang!.get(`/api/visits/board?projectId=${yghy}`);
    expect(board.body.date).toBe('2026-11-19');
    expect(board.body.left).toEqual([]);
    expect(board.body.inside.length).toBeGreaterThan(1);
  });
});
