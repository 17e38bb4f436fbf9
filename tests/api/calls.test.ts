import { afterAll, beforeAll, expect, it } from 'vitest';
import { localDateTime } from '../../server/platform/calendar/calendar.ts';
import { putSetting } from '../../server/platform/settings/settings.ts';
import { describeEachDb, TestClock } from '../helpers/db.ts';
import { Client, startTestServer, type TestServer } from '../helpers/server.ts';

const CHINESE = /[\u4e00-\u9fa5]/;
const SECRET = 'tel-secret-for-tests-2026';
const SEC = 1000;
const MINUTE = 60_000;

// Read by buildApp when each server below starts.
process.env.TELEPHONY_SECRET = SECRET;

let seq = 0;
/** A call id the exchange would send: unique per call. */
const extId = () => `pbx-${process.pid}-${Date.now().toString(36)}-${seq++}`;

describeEachDb('call log: desk entries, telephony events, monthly figures', (dialect) => {
  let srv: TestServer;
  // 2026-11-02 10:00 China time; the report below looks back at October.
  const clock = new TestClock(localDateTime('2026-11-02', '10:00'));
  let yghy: string;
  let chy: string;
  let desk: Client & { userId: string };
  let supervisor: Client & { userId: string };

  async function as(role: Parameters<TestServer['makeUser']>[0], projectIds?: string[] | null) {
    const user = await srv.makeUser(role, projectIds === undefined ? {} : { projectIds });
    const c = new Client(srv.url);
    expect((await c.login(user.username, user.password)).status).toBe(200);
    return Object.assign(c, { userId: user.id });
  }

  /** What the telephone system sends: no session, the shared secret in a header. */
  function tel(body: Record<string, unknown>, secret: string | null = SECRET) {
    return new Client(srv.url).request('POST', '/api/telephony/events', body, secret === null ? {} : { 'x-telephony-secret': secret });
  }

  async function callRow(externalId: string) {
    return srv.ctx.db.selectFrom('calls').selectAll().where('external_id', '=', externalId).executeTakeFirstOrThrow();
  }

  async function auditOf(id: string) {
    return srv.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('entity', '=', 'call')
      .where('entity_id', '=', id)
      .orderBy('seq')
      .execute();
  }

  async function callCount() {
    const r = await srv.ctx.db
      .selectFrom('calls')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** A request registered on the phone by a non-resident caller. */
  async function request(c: Client, projectId: string, extra: Record<string, unknown> = {}) {
    const r = await c.post('/api/requests', {
      projectId,
      kind: 'repair',
      channel: 'phone',
      requesterName: '李女士',
      requesterPhone: '13800001111',
      content: '厨房水龙头漏水',
      readBackConfirmed: true,
      ...extra,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; number: string; projectId: string };
  }

  beforeAll(async () => {
    srv = await startTestServer({ dialect, clock });
    yghy = srv.demo.projectByCode.YGHY as string;
    chy = srv.demo.projectByCode.CHY as string;
    desk = await as('receptionist');
    supervisor = await as('service_supervisor', null);
  });
  afterAll(() => srv?.close());

  it('receptionist: logs a phone call by hand and links it to the request it produced', async () => {
    const t = clock.now();
    const logged = await desk.post('/api/calls', {
      projectId: yghy,
      direction: 'in',
      caller: '13912345678',
      callee: '8001',
      ringingAt: t - 2 * MINUTE,
      answeredAt: t - 2 * MINUTE + 12 * SEC,
      endedAt: t - 30 * SEC,
      notes: '住户反映厨房漏水',
    });
    expect(logged.status, JSON.stringify(logged.body)).toBe(201);
    const call = logged.body;
    expect(call).toMatchObject({
      projectId: yghy,
      direction: 'in',
      caller: '13912345678',
      source: 'manual',
      answered: true,
      // 12 s from ringing to answer at a 5 s ring cycle: the third ring was answered.
      rings: 3,
      at: t - 2 * MINUTE,
      operatorId: desk.userId,
      requestId: null,
      requestNumber: null,
      version: 1,
    });

    const req = await request(desk, yghy);
    const linked = await desk.patch(`/api/calls/${call.id}`, { version: 1, requestId: req.id });
    expect(linked.status, JSON.stringify(linked.body)).toBe(200);
    expect(linked.body).toMatchObject({ requestId: req.id, requestNumber: req.number, notes: '住户反映厨房漏水', version: 2 });

    const list = await desk.get(`/api/calls?projectId=${yghy}&limit=50`);
    expect(list.status).toBe(200);
    expect(list.body.items.find((c: { id: string }) => c.id === call.id)).toMatchObject({ requestNumber: req.number });

    // Someone else saved in between: the stale version loses with 409 and the current version.
    const stale = await desk.patch(`/api/calls/${call.id}`, { version: 1, notes: '改写' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toMatch(CHINESE);
    expect(stale.body.error.current).toEqual({ version: 2 });

    // A request of another project cannot be linked.
    const other = await request(supervisor, chy);
    const cross = await desk.patch(`/api/calls/${call.id}`, { version: 2, requestId: other.id });
    expect(cross.status).toBe(400);
    expect(cross.body.error.fields.requestId).toMatch(CHINESE);

    const notes = await desk.patch(`/api/calls/${call.id}`, { version: 2, notes: '已派工程部' });
    expect(notes.body).toMatchObject({ notes: '已派工程部', requestId: req.id, version: 3 });

    const trail = await auditOf(call.id);
    expect(trail.map((e) => e.action)).toEqual(['call.logged', 'call.updated', 'call.updated']);
    // The trail keeps the caller masked, like every other phone it records.
    expect(trail[0]?.after_json).toContain('139****5678');
    expect(trail[0]?.after_json).not.toContain('13912345678');
    expect(JSON.parse(trail[1]?.after_json ?? '{}')).toEqual({ request_id: req.id });
  });

  it('receptionist: a call with times out of order, a malformed phone or a future time is refused field by field', async () => {
    const t = clock.now();
    const before = await callCount();
    const base = { projectId: yghy, direction: 'in', caller: '13912345678' };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ ringingAt: t - MINUTE, answeredAt: t - 2 * MINUTE }, 'answeredAt', /接听时间不能早于振铃时间/],
      [{ ringingAt: t - 3 * MINUTE, answeredAt: t - 2 * MINUTE, endedAt: t - 150 * SEC }, 'endedAt', /挂断时间不能早于接听时间/],
      [{ ringingAt: t - MINUTE, endedAt: t - 2 * MINUTE }, 'endedAt', /挂断时间不能早于振铃时间/],
      [{ caller: '1391234x' }, 'caller', /电话号码格式不正确/],
      [{ caller: '' }, 'caller', /电话号码格式不正确/],
      [{ ringingAt: t + 10 * MINUTE }, 'ringingAt', /振铃时间不能晚于现在/],
      [{ direction: 'sideways' }, 'direction', CHINESE],
      [{ rings: 0 }, 'rings', CHINESE],
    ];
    for (const [patch, field, message] of cases) {
      const r = await desk.post('/api/calls', { ...base, ...patch });
      expect(r.status, `${field} ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.body.error.fields?.[field], `${field} ${JSON.stringify(r.body)}`).toMatch(message);
      expect(r.body.error.message).toMatch(CHINESE);
    }
    expect(await callCount()).toBe(before);
  });

  it('receptionist: registering a request with the call id links the call to it', async () => {
    const t = clock.now();
    const call = (
      await desk.post('/api/calls', { projectId: yghy, direction: 'in', caller: '0755-86001234', answeredAt: t - MINUTE, endedAt: t })
    ).body;
    expect(call.rings).toBeNull();
    const req = await request(desk, yghy, { callId: call.id });
    const after = await desk.get(`/api/calls?projectId=${yghy}&limit=200`);
    expect(after.body.items.find((c: { id: string }) => c.id === call.id)).toMatchObject({ requestId: req.id, requestNumber: req.number });
    // One call produces one request at intake; a second intake naming it is refused.
    const again = await desk.post('/api/requests', {
      projectId: yghy,
      kind: 'inquiry',
      channel: 'phone',
      requesterName: '李女士',
      content: '咨询停水时间',
      inquiry: { answer: '明天上午 9 点恢复' },
      callId: call.id,
      readBackConfirmed: true,
    });
    expect(again.status).toBe(400);
    expect(again.body.error.fields.callId).toMatch(CHINESE);
  });

  it('technician: cannot log or edit calls (403), reads the log with masked phones', async () => {
    const tech = await as('technician');
    const t = clock.now();
    const r = await tech.post('/api/calls', { projectId: yghy, direction: 'in', caller: '13912345678', answeredAt: t - MINUTE });
    expect(r.status).toBe(403);
    expect(r.body.error.message).toMatch(CHINESE);
    const mine = (await desk.post('/api/calls', { projectId: yghy, direction: 'in', caller: '13700001234', answeredAt: t - MINUTE })).body;
    expect((await tech.patch(`/api/calls/${mine.id}`, { version: 1, notes: 'x' })).status).toBe(403);

    const seen = await tech.get(`/api/calls?projectId=${yghy}&limit=200`);
    expect(seen.status).toBe(200);
    expect(seen.body.items.find((c: { id: string }) => c.id === mine.id)).toMatchObject({ caller: '137****1234' });
    const full = await desk.get(`/api/calls?projectId=${yghy}&limit=200`);
    expect(full.body.items.find((c: { id: string }) => c.id === mine.id)).toMatchObject({ caller: '13700001234' });

    // A project outside the viewer's own is not there at all.
    expect((await tech.get(`/api/calls?projectId=${chy}`)).status).toBe(404);
  });

  it('telephone system: a missing or wrong secret is refused with 401 and nothing is logged', async () => {
    const before = await callCount();
    const body = { callId: extId(), event: 'ringing', at: clock.now(), from: '13912345678', to: '8001', projectCode: 'YGHY' };
    for (const secret of [null, '', 'wrong-secret', `${SECRET}x`, SECRET.slice(0, -1)]) {
      const r = await tel(body, secret);
      expect(r.status, String(secret)).toBe(401);
      expect(r.body.error.message).toMatch(CHINESE);
    }
    // A session does not replace the secret either.
    const withSession = await desk.request('POST', '/api/telephony/events', body);
    expect(withSession.status).toBe(401);
    expect(await callCount()).toBe(before);
  });

  it('telephone system: with no secret configured the webhook is off', async () => {
    delete process.env.TELEPHONY_SECRET;
    const off = await startTestServer({ dialect, demo: false });
    process.env.TELEPHONY_SECRET = SECRET;
    try {
      for (const secret of [SECRET, '', null]) {
        const headers: Record<string, string> = secret === null ? {} : { 'x-telephony-secret': secret };
        const r = await new Client(off.url).request(
          'POST',
          '/api/telephony/events',
          { callId: extId(), event: 'ringing', at: Date.now(), from: '13912345678', to: '8001' },
          headers,
        );
        expect(r.status).toBe(404);
        expect(r.body.error.message).toMatch(/未启用/);
      }
    } finally {
      await off.close();
    }
  });

  it('telephone system: ringing, answered, ended build one call with its rings', async () => {
    const id = extId();
    const t0 = clock.now() - 5 * MINUTE;
    const ev = (event: string, at: number) => tel({ callId: id, event, at, from: '13912340000', to: '8001', projectCode: 'YGHY' });
    for (const [event, at] of [
      ['ringing', t0],
      ['answered', t0 + 12 * SEC],
      ['ended', t0 + 3 * MINUTE],
    ] as const) {
      const r = await ev(event, at);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toMatchObject({ callId: id, changed: true });
    }
    const row = await callRow(id);
    expect(row).toMatchObject({
      project_id: yghy,
      direction: 'in',
      caller: '13912340000',
      callee: '8001',
      ringing_at: t0,
      answered_at: t0 + 12 * SEC,
      ended_at: t0 + 3 * MINUTE,
      rings: 3,
      source: 'telephony',
      operator_id: null,
      created_at: t0,
      version: 3,
    });
    const trail = await auditOf(row.id);
    expect(trail).toHaveLength(3);
    for (const e of trail) {
      expect(e.action).toBe('call.telephony_event');
      expect(e.actor_id).toBeNull();
      expect(e.actor_name).toBe('电话系统(telephony)');
    }
    const listed = await desk.get(`/api/calls?projectId=${yghy}&limit=200`);
    expect(listed.body.items.find((c: { id: string }) => c.id === row.id)).toMatchObject({
      externalId: id,
      answered: true,
      rings: 3,
      at: t0,
      source: 'telephony',
    });
  });

  it('telephone system: duplicate and out-of-order events leave the same row as events in order', async () => {
    const inOrder = extId();
    const shuffled = extId();
    const t0 = clock.now() - 20 * MINUTE;
    const at = { ringing: t0, answered: t0 + 17 * SEC, ended: t0 + 2 * MINUTE };
    const send = (callId: string, event: keyof typeof at) =>
      tel({ callId, event, at: at[event], from: '13912341111', to: '8001', projectCode: 'YGHY' });

    for (const e of ['ringing', 'answered', 'ended'] as const) expect((await send(inOrder, e)).body.changed).toBe(true);

    const first = await send(shuffled, 'ended');
    expect(first.body.changed).toBe(true);
    // Only the end is known so far: the call sits at that instant until earlier events arrive.
    expect((await callRow(shuffled)).created_at).toBe(at.ended);
    expect((await send(shuffled, 'ended')).body.changed).toBe(false);
    expect((await send(shuffled, 'answered')).body.changed).toBe(true);
    expect((await callRow(shuffled)).rings).toBeNull();
    expect((await send(shuffled, 'answered')).body.changed).toBe(false);
    expect((await send(shuffled, 'ringing')).body.changed).toBe(true);
    for (const e of ['ringing', 'answered', 'ended'] as const) {
      const r = await send(shuffled, e);
      expect(r.status).toBe(200);
      expect(r.body.changed, e).toBe(false);
    }

    const a = await callRow(inOrder);
    const b = await callRow(shuffled);
    const strip = ({ id: _i, external_id: _e, ...rest }: typeof a) => rest;
    expect(strip(b)).toEqual(strip(a));
    // 17 s at a 5 s cycle: the fourth ring; and the call is placed at its first ring.
    expect(b).toMatchObject({ rings: 4, created_at: t0, ringing_at: t0 });
    // Repeats were not audited: one event per change.
    expect(await auditOf(b.id)).toHaveLength(3);

    // The same events at once, as retries racing on several nodes would send them: still one call.
    const raced = extId();
    const burst = await Promise.all((['ended', 'ringing', 'answered', 'ringing', 'ended', 'answered'] as const).map((e) => send(raced, e)));
    for (const r of burst) expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(new Set(burst.map((r) => r.body.id)).size).toBe(1);
    expect(burst.filter((r) => r.body.changed)).toHaveLength(3);
    const c = await callRow(raced);
    expect(strip(c)).toEqual({ ...strip(a), version: c.version });
  });

  it('telephone system: rings it reports itself win; the ring cycle is a per-project setting; a call never answered is missed', async () => {
    const t0 = clock.now() - 30 * MINUTE;
    const reported = extId();
    await tel({ callId: reported, event: 'ringing', at: t0, from: '13912342222', to: '8001', projectCode: 'YGHY' });
    await tel({ callId: reported, event: 'answered', at: t0 + 16 * SEC, from: '13912342222', to: '8001', projectCode: 'YGHY', rings: 2 });
    expect((await callRow(reported)).rings).toBe(2);
    // Order does not matter for a reported count either.
    const reportedFirst = extId();
    await tel({
      callId: reportedFirst,
      event: 'answered',
      at: t0 + 16 * SEC,
      from: '13912342222',
      to: '8001',
      projectCode: 'YGHY',
      rings: 2,
    });
    await tel({ callId: reportedFirst, event: 'ringing', at: t0, from: '13912342222', to: '8001', projectCode: 'YGHY' });
    expect((await callRow(reportedFirst)).rings).toBe(2);

    await putSetting(srv.ctx.db, 'telephony.ringCycleMs', chy, 3000, clock.now());
    const chyCall = extId();
    await tel({ callId: chyCall, event: 'ringing', at: t0, from: '13912343333', to: '8002', projectCode: 'CHY' });
    await tel({ callId: chyCall, event: 'answered', at: t0 + 7 * SEC, from: '13912343333', to: '8002', projectCode: 'CHY' });
    expect(await callRow(chyCall)).toMatchObject({ project_id: chy, rings: 3 });

    const missed = extId();
    await tel({ callId: missed, event: 'ringing', at: t0, from: '13912344444', to: '8001', projectCode: 'YGHY' });
    await tel({ callId: missed, event: 'ended', at: t0 + 40 * SEC, from: '13912344444', to: '8001', projectCode: 'YGHY' });
    expect(await callRow(missed)).toMatchObject({ answered_at: null, rings: null, ended_at: t0 + 40 * SEC });
    const unanswered = await desk.get(`/api/calls?projectId=${yghy}&unanswered=true&limit=200`);
    const ids = unanswered.body.items.map((c: { externalId: string | null }) => c.externalId);
    expect(ids).toContain(missed);
    expect(ids).not.toContain(reported);

    // Without a project code the call goes to the earliest project (ties by code), as documented.
    const first = await srv.ctx.db.selectFrom('projects').select('id').orderBy('created_at').orderBy('code').executeTakeFirstOrThrow();
    const noCode = extId();
    expect((await tel({ callId: noCode, event: 'ringing', at: t0, from: '13912345555', to: '8001' })).status).toBe(200);
    expect((await callRow(noCode)).project_id).toBe(first.id);
    const unknown = await tel({ callId: extId(), event: 'ringing', at: t0, from: '13912345555', to: '8001', projectCode: 'NOPE' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields.projectCode).toMatch(CHINESE);
  });

  it('service supervisor: the monthly call report matches the rows of the month', async () => {
    const oct = (day: string, hhmm: string) => localDateTime(`2026-10-${day}`, hhmm);
    const send = (callId: string, event: string, at: number, extra: Record<string, unknown> = {}) =>
      tel({ callId, event, at, from: '13912346666', to: '8001', projectCode: 'YGHY', ...extra });
    // The first instant of the month counts; the last instant of September and the first of November do not.
    const a = extId();
    await send(a, 'ringing', oct('01', '00:00'));
    await send(a, 'answered', oct('01', '00:00') + 8 * SEC); // 2 rings
    const sep = extId();
    await send(sep, 'ringing', oct('01', '00:00') - SEC);
    await send(sep, 'answered', oct('01', '00:00') + 2 * SEC);
    await send(extId(), 'ringing', localDateTime('2026-11-01', '00:00'));
    // Oct 15: one answered on the fourth ring and linked to its request, one missed.
    const req = await request(desk, yghy);
    const d = await desk.post('/api/calls', {
      projectId: yghy,
      direction: 'in',
      caller: '13912347777',
      ringingAt: oct('15', '10:00'),
      answeredAt: oct('15', '10:00') + 16 * SEC,
      endedAt: oct('15', '10:05'),
      requestId: req.id,
    });
    expect(d.status).toBe(201);
    expect(d.body.rings).toBe(4);
    const e = extId();
    await send(e, 'ringing', oct('15', '11:00'));
    await send(e, 'ended', oct('15', '11:01'));
    // Oct 20: an outgoing callback, and an answered call whose rings nobody knows.
    await desk.post('/api/calls', {
      projectId: yghy,
      direction: 'out',
      caller: '8001',
      callee: '13912346666',
      answeredAt: oct('20', '09:00'),
    });
    await desk.post('/api/calls', { projectId: yghy, direction: 'in', caller: '13912348888', answeredAt: oct('20', '15:00') });
    // The last minute of the month, answered on the first ring.
    await desk.post('/api/calls', {
      projectId: yghy,
      direction: 'in',
      caller: '13912349999',
      ringingAt: oct('31', '23:59'),
      answeredAt: oct('31', '23:59') + 3 * SEC,
      rings: 1,
    });
    // Another project's calls stay out of this project's figures.
    await tel({ callId: extId(), event: 'ringing', at: oct('15', '10:00'), from: '13912340001', to: '8002', projectCode: 'CHY' });

    const r = await supervisor.get(`/api/reports/calls?projectId=${yghy}&month=2026-10`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const rep = r.body;
    expect(rep).toMatchObject({
      projectId: yghy,
      projectName: '阳光花园',
      month: '2026-10',
      from: oct('01', '00:00'),
      to: localDateTime('2026-11-01', '00:00'),
      targetRings: 3,
      incoming: {
        total: 5,
        answered: 4,
        unanswered: 1,
        withRequest: 1,
        ringsKnown: 3,
        avgRings: 2.33,
        withinTarget: 2,
        withinTargetShare: 0.6667,
        answeredShare: 0.8,
      },
      outgoing: { total: 1, withRequest: 0 },
    });
    expect(rep.days).toHaveLength(31);
    expect(rep.days[0]).toEqual({ date: '2026-10-01', total: 1, answered: 1, unanswered: 0, withRequest: 0, outgoing: 0 });
    expect(rep.days[14]).toEqual({ date: '2026-10-15', total: 2, answered: 1, unanswered: 1, withRequest: 1, outgoing: 0 });
    expect(rep.days[19]).toEqual({ date: '2026-10-20', total: 1, answered: 1, unanswered: 0, withRequest: 0, outgoing: 1 });
    expect(rep.days[30]).toEqual({ date: '2026-10-31', total: 1, answered: 1, unanswered: 0, withRequest: 0, outgoing: 0 });

    // The same figures straight from the rows.
    const rows = await srv.ctx.db
      .selectFrom('calls')
      .selectAll()
      .where('project_id', '=', yghy)
      .where('created_at', '>=', rep.from)
      .where('created_at', '<', rep.to)
      .execute();
    const incoming = rows.filter((c) => c.direction === 'in');
    const answered = incoming.filter((c) => c.answered_at !== null);
    const known = answered.filter((c) => c.rings !== null);
    expect(rep.incoming.total).toBe(incoming.length);
    expect(rep.incoming.answered).toBe(answered.length);
    expect(rep.incoming.withRequest).toBe(incoming.filter((c) => c.request_id !== null).length);
    expect(rep.incoming.ringsKnown).toBe(known.length);
    expect(rep.incoming.avgRings).toBeCloseTo(known.reduce((s, c) => s + (c.rings ?? 0), 0) / known.length, 2);
    expect(rep.incoming.withinTarget).toBe(known.filter((c) => (c.rings ?? 99) <= 3).length);
    expect(rep.outgoing.total).toBe(rows.length - incoming.length);
    expect(rep.days.reduce((s: number, x: { total: number }) => s + x.total, 0)).toBe(incoming.length);

    // A month without calls reports zeros and no shares rather than dividing by zero.
    const empty = await supervisor.get(`/api/reports/calls?projectId=${yghy}&month=2025-02`);
    expect(empty.body.days).toHaveLength(28);
    expect(empty.body.incoming).toMatchObject({ total: 0, avgRings: null, withinTargetShare: null, answeredShare: null });
    for (const month of ['2026-13', '0050-01', '2026-1', '202610']) {
      const bad = await supervisor.get(`/api/reports/calls?projectId=${yghy}&month=${month}`);
      expect(bad.status, month).toBe(400);
      expect(bad.body.error.fields.month).toMatch(CHINESE);
    }
  });

  it('receptionist: the call log pages newest first by cursor and filters unanswered calls', async () => {
    const from = localDateTime('2026-10-01', '00:00');
    const to = localDateTime('2026-11-01', '00:00');
    const seen: { id: string; at: number }[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/api/calls?projectId=${yghy}&from=${from}&to=${to}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await desk.get(q);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    const rows = await srv.ctx.db
      .selectFrom('calls')
      .select(['id', 'created_at'])
      .where('project_id', '=', yghy)
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    expect(seen.map((c) => c.id)).toEqual(rows.map((r) => r.id));
    expect(seen.map((c) => c.at)).toEqual([...seen.map((c) => c.at)].sort((x, y) => y - x));

    const missed = await desk.get(`/api/calls?projectId=${yghy}&from=${from}&to=${to}&unanswered=true`);
    expect(missed.body.items).toHaveLength(1);
    expect(missed.body.items[0]).toMatchObject({ answered: false, at: localDateTime('2026-10-15', '11:00') });
    const bad = await desk.get(`/api/calls?projectId=${yghy}&cursor=garbage`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.cursor).toMatch(CHINESE);
  });
});
