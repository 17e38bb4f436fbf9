import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { drawSample } from '../../server/domains/repairs/aftercare.ts';
import { drawWeeklyCallbacks } from '../../server/domains/repairs/callbacks.service.ts';
import { sweepDeadlines } from '../../server/domains/requests/requests.service.ts';
import { defaultJobs } from '../../server/jobs.ts';
import { localDateTime } from '../../server/platform/calendar/calendar.ts';
import { putSetting } from '../../server/platform/settings/settings.ts';
import { describeEachDb, TestClock } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** R-RP-6…8, R-RA-1: the resident reports and rates; weekly callbacks, rework, major-defect follow-ups. */
describeEachDb('repairs after the work: rating, weekly callbacks, rework, follow-ups', (dialect) => {
  let srv: TestServer;
  // Tuesday of the week 2026-11-09 … 11-15.
  const clock = new TestClock(localDateTime('2026-11-10', '09:00'));
  const as: Record<string, Client> = {};
  let yghy: string;
  let chy: string;
  let unitId: string;
  let ownerId: string;
  let weixiuId: string;
  let cuihuTechId: string;
  const passwords: Record<string, string> = {};
  const cat: Record<string, string> = {};

  beforeAll(async () => {
    srv = await startTestServer({ dialect, clock });
    for (const u of ['qiantai', 'kefuzhuguan', 'weixiu', 'yezhu', 'pinzhi', 'menggang']) {
      as[u] = new Client(srv.url);
      expect((await as[u].login(u, DEMO_PASSWORD)).status).toBe(200);
    }
    yghy = srv.demo.projectByCode.YGHY as string;
    chy = srv.demo.projectByCode.CHY as string;
    const db = srv.ctx.db;
    ({ unitId, ownerId, weixiuId } = srv.people);
    // 翠湖苑 has its own desk and technician.
    for (const [name, role] of [
      ['cuihu_desk', 'receptionist'],
      ['cuihu_tech', 'technician'],
    ] as const) {
      const u = await srv.makeUser(role, { projectIds: [chy] });
      passwords[name] = u.password;
      as[name] = new Client(srv.url);
      expect((await as[name].login(u.username, u.password)).status).toBe(200);
      if (role === 'technician') cuihuTechId = u.id;
    }
    for (const c of await db.selectFrom('categories').select(['id', 'name']).where('kind', '=', 'repair').execute()) cat[c.name] = c.id;
  });
  afterAll(() => srv?.close());

  const act = async (who: string, id: string, action: string, body: Record<string, unknown> = {}) => {
    const cur = await as[who]!.get(`/api/requests/${id}`);
    return as[who]!.post(`/api/requests/${id}/actions/${action}`, { version: cur.body.version, ...body });
  };
  const ok = async (who: string, id: string, action: string, body: Record<string, unknown> = {}) => {
    const r = await act(who, id, action, body);
    expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200);
    return r.body;
  };
  /** A repair at the counter of a project's unit, taken through to completion by the technician. */
  async function completedRepair(projectId: string, unit: string | null, content: string, category = '水电') {
    const [desk, tech, techId] = projectId === yghy ? ['qiantai', 'weixiu', weixiuId] : ['cuihu_desk', 'cuihu_tech', cuihuTechId];
    const r = await as[desk]!.post('/api/requests', {
      projectId,
      kind: 'repair',
      channel: 'phone',
      ...(unit ? { unitId: unit, requesterPersonId: ownerId } : { requesterName: '张先生', requesterPhone: '13900001111' }),
      categoryId: cat[category],
      content,
      readBackConfirmed: true,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    await ok(desk, r.body.id, 'mark_free', { scope: unit ? 'in_unit' : 'common', reason: '保修期内' });
    await ok(desk, r.body.id, 'dispatch', { assigneeId: techId, appointmentAt: clock.now() + HOUR, informed: true });
    for (const s of ['accept', 'depart', 'arrive']) await ok(tech, r.body.id, s);
    return ok(tech, r.body.id, 'complete', {});
  }
  /** Moves the clock; sessions expire across days, so everyone signs in again, as they would. */
  let signedInAt = clock.now();
  async function moveTo(t: number) {
    clock.t = t;
    if (t - signedInAt < 11 * HOUR) return;
    signedInAt = t;
    await Promise.all(
      Object.entries(as).map(async ([u, c]) => expect((await c.login(c.username ?? u, passwords[u] ?? DEMO_PASSWORD)).status).toBe(200)),
    );
  }
  const pending = async (who: string, q: string) => (await as[who]!.get(`/api/callbacks?${q}`)).body.items as any[];

  it('resident: reports a repair with a photo from the phone for their own unit only', async () => {
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#48c' } })
      .png()
      .toBuffer();
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'leak.png');
    const up = await fetch(`${srv.url}/api/files`, {
      method: 'POST',
      headers: { cookie: [...as.yezhu!.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': as.yezhu!.csrf },
      body: form,
    });
    expect(up.status).toBe(201);
    const photo = (await up.json()) as { id: string };

    const r = await as.yezhu!.post('/api/me/requests', {
      unitId,
      kind: 'repair',
      repairScope: 'in_unit',
      categoryId: cat.洗手间漏水,
      content: '卫生间天花板漏水',
      preferredTime: '明天上午',
      photoIds: [photo.id],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ kind: 'repair', channel: 'portal', status: 'registered', requesterPersonId: ownerId, unitId });
    expect(r.body.number).toMatch(/^BX-2611-\d{4}$/);
    expect(r.body.photos).toHaveLength(1);
    expect(r.body.deadlines[0]).toMatchObject({ kind: 'repair.response', status: 'running', dueAt: clock.now() + 10 * MIN });
    // The center sees it in its queue, from the resident app.
    const q = await as.qiantai!.get(`/api/queue?scope=center&projectId=${yghy}&channel=portal`);
    expect(q.body.items.map((i: { id: string }) => i.id)).toContain(r.body.id);

    const other = await srv.ctx.db
      .selectFrom('units')
      .select('id')
      .where('project_id', '=', yghy)
      .where('number', '!=', '3-1-1502')
      .executeTakeFirstOrThrow();
    const foreign = await as.yezhu!.post('/api/me/requests', { unitId: other.id, content: '别人家的房屋' });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.fields.unitId).toBe('只能为自己的房屋报事');
    expect((await as.yezhu!.post('/api/me/requests', { unitId, content: '' })).status).toBe(400);
    expect((await as.qiantai!.post('/api/me/requests', { unitId, content: '前台不能用住户入口' })).status).toBe(403);
  });

  it('resident rates a finished repair once; before completion and a second time are refused; staff record a phone rating', async () => {
    const r = await as.yezhu!.post('/api/me/requests', { unitId, content: '客厅插座没电', preferredTime: '周末' });
    const early = await as.yezhu!.post(`/api/me/requests/${r.body.id}/rating`, { overall: 5, speed: 5, attitude: 5 });
    expect(early.status).toBe(422);
    await ok('qiantai', r.body.id, 'mark_free', { reason: '保修期内' });
    await ok('qiantai', r.body.id, 'dispatch', { assigneeId: weixiuId, appointmentAt: clock.now() + HOUR, informed: true });
    // The technician's list carries the visit time of each order.
    const mineQ = await as.weixiu!.get('/api/queue?scope=mine&kind=repair');
    expect(mineQ.body.items.find((i: { id: string }) => i.id === r.body.id).appointmentAt).toBe(clock.now() + HOUR);
    // The technician sent to the open order sees the number to call; the gate does not.
    expect((await as.weixiu!.get(`/api/requests/${r.body.id}`)).body.requesterPhone).toMatch(/^1\d{10}$/);
    expect((await as.menggang!.get(`/api/requests/${r.body.id}`)).body.requesterPhone).toContain('*');
    for (const s of ['accept', 'depart', 'arrive']) await ok('weixiu', r.body.id, s);
    await ok('weixiu', r.body.id, 'complete', {});
    // The resident reads the progress without the office's internal ids.
    const seen = (await as.yezhu!.get(`/api/requests/${r.body.id}`)).body.history;
    expect(seen.find((e: { type: string }) => e.type === 'dispatch').data).toEqual({ appointmentAt: expect.any(Number), informed: true });
    expect((await as.yezhu!.post(`/api/me/requests/${r.body.id}/rating`, { overall: 6, speed: 5, attitude: 5 })).status).toBe(400);
    const rated = await as.yezhu!.post(`/api/me/requests/${r.body.id}/rating`, {
      overall: 5,
      speed: 4,
      attitude: 5,
      comment: '师傅很专业',
    });
    expect(rated.status, JSON.stringify(rated.body)).toBe(200);
    expect(rated.body.detail).toMatchObject({
      ratingOverall: 5,
      ratingSpeed: 4,
      ratingAttitude: 5,
      ratingComment: '师傅很专业',
      ratedVia: 'resident_app',
      ratedAt: clock.now(),
    });
    expect(rated.body.history.at(-1)).toMatchObject({ type: 'rate', data: { overall: 5, speed: 4, attitude: 5 } });
    const again = await as.yezhu!.post(`/api/me/requests/${r.body.id}/rating`, { overall: 1, speed: 1, attitude: 1 });
    expect(again.status).toBe(409);
    expect((await as.qiantai!.get(`/api/requests/${r.body.id}`)).body.detail.ratingOverall).toBe(5);

    // By phone, the service center records what the resident said; the app then cannot overwrite it.
    const byPhone = await completedRepair(yghy, unitId, '阳台灯不亮');
    const phoned = await ok('kefuzhuguan', byPhone.id, 'rate', { overall: 3, speed: 2, attitude: 4, comment: '等了两天', via: 'phone' });
    expect(phoned.detail).toMatchObject({ ratingOverall: 3, ratingSpeed: 2, ratingAttitude: 4, ratedVia: 'phone' });
    expect((await as.yezhu!.post(`/api/me/requests/${byPhone.id}/rating`, { overall: 5, speed: 5, attitude: 5 })).status).toBe(409);

    // Another resident cannot rate (or see) it.
    const neighbour = await srv.ctx.db
      .selectFrom('occupancies')
      .select('person_id')
      .where('project_id', '=', yghy)
      .where('unit_id', '!=', unitId)
      .where('person_id', '!=', ownerId)
      .executeTakeFirstOrThrow();
    const stranger = await srv.makeUser('resident', { personId: neighbour.person_id, projectIds: null });
    const sc = new Client(srv.url);
    await sc.login(stranger.username, stranger.password);
    expect((await sc.post(`/api/me/requests/${byPhone.id}/rating`, { overall: 1, speed: 1, attitude: 1 })).status).toBe(404);
  });

  it('weekly draw: 20 % of each project’s orders completed last week, seeded and reproducible, once per week, tasks in the center’s queue', async () => {
    // Last week's completions: 11 more in 阳光花园 (13 with the two above), 3 in 翠湖苑.
    for (let i = 0; i < 11; i++) {
      await completedRepair(yghy, i % 2 ? unitId : null, `抽样工单 ${i}`);
      await moveTo(clock.now() + 7 * HOUR);
    }
    for (let i = 0; i < 3; i++) await completedRepair(chy, null, `翠湖苑工单 ${i}`);
    // Monday morning: the job's run draws last week.
    await moveTo(localDateTime('2026-11-16', '08:00'));
    const outsideWeek = await completedRepair(yghy, null, '本周完工的不在上周抽样内');

    // The background job every node runs, twice at once as two nodes would.
    const job = defaultJobs({ sweepMs: 60_000, outboxMs: 60_000 }).find((j) => j.name === 'callback-draw');
    if (!job) throw new Error('the callback draw is not among the background jobs');
    const [first, second] = (await Promise.all([job.run(srv.ctx), job.run(srv.ctx)])) as Awaited<ReturnType<typeof drawWeeklyCallbacks>>[];
    const made = [...first.draws, ...second.draws];
    expect(first.week).toBe('2026-11-09');
    expect(made.find((d) => d.projectId === yghy)).toMatchObject({ population: 13, drawn: 3 }); // ⌈13 × 20 %⌉
    expect(made.find((d) => d.projectId === chy)).toMatchObject({ population: 3, drawn: 1 });
    expect(made.filter((d) => d.projectId === yghy)).toHaveLength(1);
    expect((await drawWeeklyCallbacks(srv.ctx)).draws).toEqual([]);

    const draws = (await as.kefuzhuguan!.get(`/api/callback-draws?projectId=${yghy}`)).body;
    expect(draws).toHaveLength(1);
    expect(draws[0]).toMatchObject({ week: '2026-11-09', ratePct: 20, population: 13, reproduced: true });
    expect(draws[0].seed).toMatch(/^[0-9a-f]{32}$/);
    const stored = await srv.ctx.db.selectFrom('callback_draws').selectAll().where('id', '=', draws[0].id).executeTakeFirstOrThrow();
    expect(drawSample(stored.seed, JSON.parse(stored.population), 20)).toEqual(draws[0].drawn);
    expect(JSON.parse(stored.population)).not.toContain(outsideWeek.id);
    // A different seed draws differently, so the seed is what makes it reproducible.
    const population = JSON.parse(stored.population) as string[];
    const seeds = ['a', 'b', 'c', 'd'].map((s) => drawSample(s, population, 20).join());
    expect(new Set(seeds).size).toBeGreaterThan(1);

    const tasks = await pending('qiantai', `projectId=${yghy}&kind=weekly`);
    expect(tasks.map((t) => t.requestId).sort()).toEqual([...draws[0].drawn].sort());
    expect(tasks[0]).toMatchObject({ status: 'pending', kind: 'weekly', drawId: draws[0].id, overdue: false });
    // Three working days from Monday 08:00 (before opening): close of business on Wednesday.
    expect(tasks[0].dueAt).toBe(localDateTime('2026-11-18', '17:30'));
    // Staff without the phone permission see it masked; the other project's task is not in this list.
    expect(tasks.every((t) => t.projectId === yghy)).toBe(true);
    const audit = await srv.ctx.db.selectFrom('audit_events').select('entity_id').where('action', '=', 'callback.drawn').execute();
    expect(audit).toHaveLength(2);
    // The supervisors are told.
    const bell = await as.kefuzhuguan!.get('/api/notifications');
    expect(JSON.stringify(bell.body)).toContain('本周维修回访');

    // The share is a setting per project.
    await putSetting(srv.ctx.db, 'repair.aftercare', chy, { ratePct: 100 }, clock.now());
    await moveTo(localDateTime('2026-11-20', '10:00'));
    for (let i = 0; i < 2; i++) await completedRepair(chy, null, `翠湖苑本周 ${i}`);
    await moveTo(localDateTime('2026-11-23', '09:00'));
    const next = await drawWeeklyCallbacks(srv.ctx);
    expect(next.week).toBe('2026-11-16');
    expect(next.draws.find((d) => d.projectId === chy)).toMatchObject({ population: 2, drawn: 2 });
  });

  it('callback results: recorded once into the order’s history; “defect still there” creates a linked rework with a 24-hour special callback', async () => {
    const [task] = await pending('qiantai', `projectId=${yghy}&kind=weekly`);
    const noSat = await as.qiantai!.post(`/api/callbacks/${task.id}/result`, {
      version: task.version,
      method: 'phone',
      outcome: 'reached',
    });
    expect(noSat.status).toBe(400);
    expect(noSat.body.error.fields.satisfaction).toBeTruthy();
    expect(
      (await as.weixiu!.post(`/api/callbacks/${task.id}/result`, { version: 1, method: 'phone', outcome: 'unreachable' })).status,
    ).toBe(403);
    const done = await as.qiantai!.post(`/api/callbacks/${task.id}/result`, {
      version: task.version,
      method: 'phone',
      outcome: 'reached',
      satisfaction: 'satisfied',
      note: '住户表示已修好，很满意',
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', satisfaction: 'satisfied', doneAt: clock.now(), reworkId: null });
    const twice = await as.kefuzhuguan!.post(`/api/callbacks/${task.id}/result`, {
      version: task.version,
      method: 'phone',
      outcome: 'reached',
      satisfaction: 'dissatisfied',
    });
    expect(twice.status).toBe(409);
    const order = await as.qiantai!.get(`/api/requests/${task.requestId}`);
    expect(order.body.history.at(-1)).toMatchObject({ type: 'callback', data: { outcome: 'reached', satisfaction: 'satisfied' } });
    const doneList = await pending('qiantai', `projectId=${yghy}&status=done`);
    expect(doneList[0]).toMatchObject({ id: task.id, doneByName: expect.any(String) });

    // The company's quality officer calls the next one: the defect is still there.
    const [task2] = await pending('pinzhi', `projectId=${yghy}&kind=weekly`);
    const bad = await as.pinzhi!.post(`/api/callbacks/${task2.id}/result`, {
      version: task2.version,
      method: 'phone',
      outcome: 'defect_persists',
      satisfaction: 'dissatisfied',
      note: '修好后第二天又漏了',
    });
    expect(bad.status, JSON.stringify(bad.body)).toBe(200);
    expect(bad.body.reworkNumber).toMatch(/^BX-2611-\d{4}$/);
    const rework = (await as.qiantai!.get(`/api/requests/${bad.body.reworkId}`)).body;
    expect(rework).toMatchObject({ status: 'to_dispatch', kind: 'repair', urgency: 'urgent' });
    expect(rework.detail.reworkOf).toBe(task2.requestId);
    expect(rework.content).toContain('修好后第二天又漏了');
    const special = rework.deadlines.find((d: { kind: string }) => d.kind === 'repair.callback');
    expect(special).toMatchObject({ status: 'running', dueAt: clock.now() + DAY });
    const [reworkTask] = await pending('qiantai', `requestId=${rework.id}`);
    expect(reworkTask).toMatchObject({ kind: 'rework', dueAt: clock.now() + DAY, reworkOf: task2.requestId });

    // Not called back within 24 hours: the sweep records the breach.
    await moveTo(clock.now() + DAY + MIN);
    await sweepDeadlines(srv.ctx);
    const late = (await as.qiantai!.get(`/api/requests/${rework.id}`)).body.deadlines.find(
      (d: { kind: string }) => d.kind === 'repair.callback',
    );
    expect(late.breachedAt).toBe(special.dueAt);
    expect((await pending('qiantai', `requestId=${rework.id}`))[0].overdue).toBe(true);
    const called = await as.qiantai!.post(`/api/callbacks/${reworkTask.id}/result`, {
      version: reworkTask.version,
      method: 'visit',
      outcome: 'reached',
      satisfaction: 'basically_satisfied',
      note: '已安排返修，住户基本满意',
    });
    expect(called.status).toBe(200);
    const met = (await as.qiantai!.get(`/api/requests/${rework.id}`)).body.deadlines.find(
      (d: { kind: string }) => d.kind === 'repair.callback',
    );
    expect(met).toMatchObject({ status: 'met', breachedAt: special.dueAt });
  });

  it('rework from the order itself: an archived order keeps its closing; the rework is linked and counted', async () => {
    const r = await completedRepair(yghy, unitId, '厨房水龙头滴水');
    await ok('weixiu', r.id, 'resident_absent', {});
    const archived = await ok('qiantai', r.id, 'confirm', { via: 'phone' });
    expect(archived.status).toBe('archived');
    await moveTo(clock.now() + 3 * DAY);
    expect((await act('weixiu', r.id, 'rework', { reason: '又滴水了' })).status).toBe(403);
    const after = await ok('qiantai', r.id, 'rework', { reason: '水龙头又开始滴水', channel: 'counter' });
    expect(after).toMatchObject({ status: 'archived', isOpen: false, closedAt: archived.closedAt });
    const ev = after.history.at(-1);
    expect(ev).toMatchObject({ type: 'rework', data: { reason: '水龙头又开始滴水', reworkNumber: expect.stringMatching(/^BX-/) } });
    const rework = (await as.qiantai!.get(`/api/requests/${ev.data.reworkId}`)).body;
    expect(rework).toMatchObject({ channel: 'counter', unitId, requesterPersonId: ownerId, status: 'to_dispatch' });
    expect(rework.detail).toMatchObject({ reworkOf: r.id, paid: 0 });
    const reworks = await srv.ctx.db.selectFrom('request_repair').select('request_id').where('rework_of', '=', r.id).execute();
    expect(reworks).toHaveLength(1);
    expect(after.links).toEqual([{ id: rework.id, number: rework.number, relation: 'rework', statusLabel: '待派工' }]);
    expect(rework.links).toEqual([{ id: r.id, number: r.number, relation: 'rework_of', statusLabel: '已确认归档' }]);
    // The resident follows it too.
    expect((await as.yezhu!.get(`/api/requests/${rework.id}`)).status).toBe(200);
  });

  it('major defects: a bathroom leak gets follow-up visits on schedule until closed', async () => {
    const start = clock.now();
    const r = await completedRepair(yghy, unitId, '卫生间楼板渗水到楼下', '洗手间漏水');
    expect(r.detail.majorDefect).toBe(1);
    expect(r.history.at(-1).data.followUpDueAt).toBe(start + 7 * DAY);
    const [v1] = await pending('qiantai', `requestId=${r.id}&kind=follow_up`);
    expect(v1).toMatchObject({ seq: 1, dueAt: start + 7 * DAY, kind: 'follow_up' });
    // A weekly-callback outcome is not a follow-up's.
    const wrong = await as.qiantai!.post(`/api/callbacks/${v1.id}/result`, {
      version: 1,
      method: 'visit',
      outcome: 'reached',
      satisfaction: 'satisfied',
    });
    expect(wrong.status).toBe(400);

    await moveTo(clock.now() + 7 * DAY);
    const observed = await as.qiantai!.post(`/api/callbacks/${v1.id}/result`, {
      version: 1,
      method: 'visit',
      outcome: 'observe',
      note: '天花板干燥，继续观察',
    });
    expect(observed.status, JSON.stringify(observed.body)).toBe(200);
    expect(observed.body.nextFollowUpAt).toBe(clock.now() + 30 * DAY);
    const [v2] = await pending('qiantai', `requestId=${r.id}&kind=follow_up`);
    expect(v2).toMatchObject({ seq: 2, dueAt: clock.now() + 30 * DAY });

    await moveTo(clock.now() + 30 * DAY);
    const closed = await as.qiantai!.post(`/api/callbacks/${v2.id}/result`, {
      version: 1,
      method: 'visit',
      outcome: 'closed',
      note: '未再渗漏，结束跟踪',
    });
    expect(closed.body.nextFollowUpAt).toBeNull();
    expect(await pending('qiantai', `requestId=${r.id}&kind=follow_up`)).toEqual([]);
    const visits = (await as.qiantai!.get(`/api/requests/${r.id}`)).body.history.filter((e: { type: string }) => e.type === 'callback');
    expect(visits.map((e: { data: { outcome: string; seq: number } }) => [e.data.seq, e.data.outcome])).toEqual([
      [1, 'observe'],
      [2, 'closed'],
    ]);
    // An ordinary category gets none.
    const plain = await completedRepair(yghy, unitId, '门把手松动', '门窗五金');
    expect(plain.detail.majorDefect).toBe(0);
    expect(await pending('qiantai', `requestId=${plain.id}`)).toEqual([]);
  });

  it('gate guard reads callbacks of their project but records none; another project’s list is refused', async () => {
    expect((await as.menggang!.get(`/api/callbacks?projectId=${yghy}`)).status).toBe(200);
    expect((await as.menggang!.post('/api/callbacks/x/result', { version: 1, method: 'phone', outcome: 'unreachable' })).status).toBe(403);
    const outsider = await srv.makeUser('receptionist', { projectIds: [chy] });
    const oc = new Client(srv.url);
    await oc.login(outsider.username, outsider.password);
    expect((await oc.get(`/api/callbacks?projectId=${yghy}`)).status).toBe(404);
    const [t] = await pending('qiantai', `projectId=${yghy}&kind=weekly`);
    expect((await oc.post(`/api/callbacks/${t.id}/result`, { version: 1, method: 'phone', outcome: 'unreachable' })).status).toBe(404);
  });

  it('the queue’s callback counts match the list; the rules are settings per project, validated and audited', async () => {
    const list = await pending('qiantai', `projectId=${yghy}&limit=200`);
    const counts = (await as.qiantai!.get(`/api/callbacks/counts?projectId=${yghy}`)).body;
    expect(counts).toEqual({ pending: list.length, overdue: list.filter((c) => c.overdue).length });
    expect(counts.pending).toBeGreaterThan(0);

    const before = (await as.kefuzhuguan!.get(`/api/settings/repairs?projectId=${yghy}`)).body;
    expect(before.aftercare).toEqual({
      ratePct: 20,
      majorDefects: ['屋面渗漏', '洗手间漏水', '外墙开裂'],
      followUpDays: [7, 30],
      weeklyDueWorkingDays: 3,
    });
    const unknown = await as.kefuzhuguan!.put('/api/settings/repairs', {
      projectId: yghy,
      aftercare: { ...before.aftercare, majorDefects: ['不存在的类别'] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields['aftercare.majorDefects']).toContain('不存在的类别');
    expect((await as.kefuzhuguan!.put('/api/settings/repairs', { projectId: null, aftercare: before.aftercare })).status).toBe(403);
    expect((await as.qiantai!.put('/api/settings/repairs', { projectId: yghy, aftercare: before.aftercare })).status).toBe(403);

    const saved = await as.kefuzhuguan!.put('/api/settings/repairs', {
      projectId: yghy,
      warranty: { years: { ...before.warranty.years, 水电: 10 }, defaultYears: 2 },
      aftercare: { ...before.aftercare, majorDefects: ['洗手间漏水', '门窗五金'], followUpDays: [3] },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    // Water and power now carry ten years from the 2019 handover: free again.
    const w = await as.qiantai!.get(`/api/units/${unitId}/warranty?categoryId=${cat.水电}`);
    expect(w.body).toMatchObject({ paid: false, inWarranty: true });
    // A door-hardware repair is now followed up, three days after completion.
    const start = clock.now();
    const door = await completedRepair(yghy, unitId, '入户门合页断裂', '门窗五金');
    expect(door.detail.majorDefect).toBe(1);
    expect((await pending('qiantai', `requestId=${door.id}&kind=follow_up`))[0].dueAt).toBe(start + 3 * DAY);
    const audit = await srv.ctx.db.selectFrom('audit_events').select('action').where('entity', '=', 'settings').execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['settings.repair_warranty', 'settings.repair_aftercare']));
  });
});
