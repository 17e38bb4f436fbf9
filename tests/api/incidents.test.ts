import { afterAll, beforeAll, expect, it } from 'vitest';
import { remindOverdueIncidents } from '../../server/domains/frontdesk/incidents.service.ts';
import { addUser } from '../../server/domains/org/org.service.ts';
import { localDateTime } from '../../server/platform/calendar/calendar.ts';
import { describeEachDb, TestClock } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const MIN = 60_000;

type Body = Record<string, any>;

/** R-FD-3 (and R-SLA-2 for the report's due time): office incidents A/B/C, their owners told, the report within two working days, typical cases. */
describeEachDb('front desk: office incidents', (dialect) => {
  let srv: TestServer;
  // National Day 2026: 10-01…10-07 off, 10-10 (a Saturday) a make-up working day.
  const clock = new TestClock(localDateTime('2026-10-02', '10:00'));
  const as: Record<string, Client> = {};
  const userId: Record<string, string> = {};
  let yghy: string;
  let chy: string;

  const login = async (...users: string[]) => {
    for (const u of users) {
      as[u] ??= new Client(srv.url);
      const password = u.startsWith('t_') ? 'Test2026pass' : DEMO_PASSWORD;
      expect((await as[u].login(u, password)).status).toBe(200);
    }
  };
  const STAFF = ['qiantai', 'kefuzhuguan', 'jingli', 'pinzhi', 'lingdao', 'gongcheng', 'weixiu', 'menggang', 'admin'];

  /** A login for the one staff member of a company department (人力资源部, 行政公关部) — the demo gives them none. */
  const companyDeptUser = async (code: string) => {
    const dept = await srv.ctx.db
      .selectFrom('departments')
      .select('id')
      .where('code', '=', code)
      .where('project_id', 'is', null)
      .executeTakeFirstOrThrow();
    const staff = await srv.ctx.db.selectFrom('staff').select('id').where('department_id', '=', dept.id).executeTakeFirstOrThrow();
    const username = `t_${code}_${dialect}`.slice(0, 32);
    const u = await addUser(srv.ctx, null, { username, password: 'Test2026pass', role: 'receptionist', staffId: staff.id });
    userId[username] = u.id;
    return username;
  };

  let hr: string;
  let pr: string;

  beforeAll(async () => {
    srv = await startTestServer({ dialect, clock });
    yghy = srv.demo.projectByCode.YGHY as string;
    chy = srv.demo.projectByCode.CHY as string;
    for (const u of await srv.ctx.db.selectFrom('users').select(['id', 'username']).execute()) userId[u.username] = u.id;
    hr = await companyDeptUser('hr');
    pr = await companyDeptUser('pr');
    await login(...STAFF, hr, pr);
  });
  afterAll(() => srv?.close());

  const moveTo = async (date: string, time: string) => {
    clock.t = localDateTime(date, time);
    await login(...STAFF, hr, pr);
  };

  const log = async (cls: 'A' | 'B' | 'C', over: Body = {}, who = 'qiantai') => {
    const r = await as[who]!.post('/api/incidents', {
      projectId: yghy,
      class: cls,
      place: '服务中心接待大厅',
      people: '来访 3 人',
      description: `${cls} 类事件：来访人员情绪激动，要求立即答复`,
      ...over,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as Body;
  };

  /** Everyone the incident's logging notified, by username, sorted. */
  const toldOf = async (kind: string, key: string) => {
    const rows = await srv.ctx.db
      .selectFrom('notifications')
      .innerJoin('users', 'users.id', 'notifications.user_id')
      .select('users.username')
      .where('notifications.kind', '=', kind)
      .where('notifications.dedupe_key', '>=', `${key}:`)
      .where('notifications.dedupe_key', '<', `${key}:\uffff`)
      .execute();
    return rows.map((r) => r.username).sort();
  };

  it('receptionist: an incident on a National Day holiday is due on the second working day after the holiday; one on the Friday before the make-up Saturday counts that Saturday', async () => {
    const onHoliday = await log('A');
    expect(onHoliday.number).toMatch(/^SJ-2610-\d{4}$/);
    expect(onHoliday.reportDueAt).toBe(localDateTime('2026-10-09', '17:30'));
    await moveTo('2026-10-09', '16:00');
    const beforeMakeUp = await log('A');
    expect(beforeMakeUp.reportDueAt).toBe(localDateTime('2026-10-12', '17:30'));
  });

  it('receptionist: class A tells the service supervisor and the project manager at once, and nobody else', async () => {
    await moveTo('2026-11-20', '10:00');
    const a = await log('A');
    expect(await toldOf('incident.logged', `incident:${a.id}`)).toEqual(['jingli', 'kefuzhuguan']);
    expect(a.notified.map((n: Body) => n.as).sort()).toEqual(['客服主管', '物业经理']);
    expect(a).toMatchObject({ class: 'A', place: '服务中心接待大厅', people: '来访 3 人', occurredAt: clock.now(), overdue: false });
    const bell = await as.kefuzhuguan!.get('/api/notifications');
    expect(bell.body.items[0]).toMatchObject({ kind: 'incident.logged', link: `/incidents?id=${a.id}` });
    expect(bell.body.items[0].title).toContain('A 类');
  });

  it('receptionist: class B tells the company human resources department only', async () => {
    const b = await log('B');
    expect(await toldOf('incident.logged', `incident:${b.id}`)).toEqual([hr]);
    expect(b.notified).toEqual([{ userId: userId[hr], name: expect.any(String), as: '人力资源部' }]);
  });

  it('receptionist: class C tells the company PR department and the project manager, and nobody else', async () => {
    const c = await log('C', { people: '电视台记者 2 人', description: '记者未经预约在大堂拍摄' });
    expect(await toldOf('incident.logged', `incident:${c.id}`)).toEqual(['jingli', pr].sort());
  });

  it('receptionist: a Friday incident’s report is due on Tuesday at close of business (project working calendar)', async () => {
    const friday = await log('A', { occurredAt: localDateTime('2026-11-20', '09:00') });
    expect(friday.reportDueAt).toBe(localDateTime('2026-11-24', '17:30'));
    const evening = await log('A', { occurredAt: localDateTime('2026-11-19', '20:30') });
    expect(evening.reportDueAt).toBe(localDateTime('2026-11-23', '17:30'));
    const future = await as.qiantai!.post('/api/incidents', {
      projectId: yghy,
      class: 'A',
      occurredAt: clock.now() + 60 * MIN,
      place: '前台',
      people: '业主',
      description: '未来',
    });
    expect(future.status).toBe(400);
    expect(future.body.error.fields.occurredAt).toBeTruthy();
    // Thirty days back is the window; a day more is refused, naming the field.
    const old = { projectId: yghy, class: 'A', place: '前台', people: '业主', description: '补记' };
    expect((await as.qiantai!.post('/api/incidents', { ...old, occurredAt: clock.now() - 29 * 24 * 60 * MIN })).status).toBe(201);
    const tooOld = await as.qiantai!.post('/api/incidents', { ...old, occurredAt: clock.now() - 31 * 24 * 60 * MIN });
    expect(tooOld.status).toBe(400);
    expect(tooOld.body.error.fields.occurredAt).toBe('发生时间不能早于 30 天前');
  });

  it('receptionist: handling steps are appended, a correction is a new step pointing at the old one', async () => {
    const a = await log('A');
    const s1 = await as.qiantai!.post(`/api/incidents/${a.id}/steps`, { text: '引导业主至洽谈室，倒茶安抚' });
    expect(s1.status, JSON.stringify(s1.body)).toBe(200);
    const s2 = await as.kefuzhuguan!.post(`/api/incidents/${a.id}/steps`, { text: '客服主管到场答复，业主同意三日内等待书面答复' });
    const fix = await as.qiantai!.post(`/api/incidents/${a.id}/steps`, { text: '更正：引导至会议室（非洽谈室）', correctsN: 1 });
    expect(fix.status).toBe(200);
    expect(fix.body.steps.map((s: Body) => [s.n, s.correctsN])).toEqual([
      [1, null],
      [2, null],
      [3, 1],
    ]);
    expect(fix.body.steps[0].text).toBe('引导业主至洽谈室，倒茶安抚');
    expect(s2.body.steps[1].actorName).toBeTruthy();
    expect((await as.qiantai!.post(`/api/incidents/${a.id}/steps`, { text: 'x', correctsN: 9 })).status).toBe(400);
  });

  it('receptionist: the report is submitted once; a second submission is refused and the first stands; no steps after it', async () => {
    const a = await log('A');
    const first = await as.kefuzhuguan!.post(`/api/incidents/${a.id}/report`, {
      version: a.version,
      report: '业主情绪平复后离开，三日内书面答复。',
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({
      reportSubmittedAt: clock.now(),
      report: '业主情绪平复后离开，三日内书面答复。',
      overdue: false,
      reportLate: false,
    });
    const again = await as.kefuzhuguan!.post(`/api/incidents/${a.id}/report`, { version: first.body.version, report: '改写' });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('already_reported');
    const stale = await log('A');
    expect((await as.qiantai!.post(`/api/incidents/${stale.id}/report`, { version: stale.version + 3, report: '版本过期' })).status).toBe(
      409,
    );
    expect((await as.qiantai!.get(`/api/incidents/${a.id}`)).body.report).toBe('业主情绪平复后离开，三日内书面答复。');
    expect((await as.qiantai!.post(`/api/incidents/${a.id}/steps`, { text: '补记' })).status).toBe(422);
  });

  it('service supervisor: overdue reports are flagged and listed; the job tells the supervisor once even when two nodes run it at once', async () => {
    await moveTo('2026-11-23', '09:00');
    const late = await log('A', { description: '周一业主到访' });
    expect(late.reportDueAt).toBe(localDateTime('2026-11-25', '17:30'));
    await moveTo('2026-11-25', '17:31');
    const listed = await as.kefuzhuguan!.get(`/api/incidents?projectId=${yghy}&overdue=true&limit=200`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.every((i: Body) => i.overdue && i.reportSubmittedAt === null)).toBe(true);
    expect(listed.body.items.map((i: Body) => i.id)).toContain(late.id);
    expect((await as.kefuzhuguan!.get(`/api/incidents/${late.id}`)).body.overdue).toBe(true);

    const runs = await Promise.all([remindOverdueIncidents(srv.ctx), remindOverdueIncidents(srv.ctx)]);
    expect(runs[0]!.reminded + runs[1]!.reminded).toBeGreaterThanOrEqual(1);
    expect(await toldOf('incident.report_overdue', `incident-overdue:${late.id}`)).toEqual(['kefuzhuguan']);
    const again = await remindOverdueIncidents(srv.ctx);
    expect(again.reminded).toBe(0);
    expect(await toldOf('incident.report_overdue', `incident-overdue:${late.id}`)).toEqual(['kefuzhuguan']);
    // Every overdue incident was reminded exactly once, each to the supervisor only.
    const reminders = await srv.ctx.db
      .selectFrom('notifications')
      .select(['dedupe_key', 'user_id'])
      .where('kind', '=', 'incident.report_overdue')
      .execute();
    expect(new Set(reminders.map((r) => r.dedupe_key)).size).toBe(reminders.length);
    expect(new Set(reminders.map((r) => r.user_id))).toEqual(new Set([userId.kefuzhuguan]));

    const detail = (await as.kefuzhuguan!.get(`/api/incidents/${late.id}`)).body;
    expect(detail.overdueNotifiedAt).toBe(clock.now());
    const filed = await as.kefuzhuguan!.post(`/api/incidents/${late.id}/report`, { version: detail.version, report: '补交' });
    expect(filed.body).toMatchObject({ overdue: false, reportLate: true });
    const pending = await as.kefuzhuguan!.get(`/api/incidents?projectId=${yghy}&pending=true&limit=200`);
    expect(pending.body.items.map((i: Body) => i.id)).not.toContain(late.id);
  });

  it('service supervisor: a reported incident becomes a typical case that every staff member finds in the case list', async () => {
    const a = await log('C', { description: '工商局人员突然到访检查' });
    const early = await as.kefuzhuguan!.post(`/api/incidents/${a.id}/case`, { version: a.version, summary: '政府部门突访' });
    expect(early.status).toBe(422);
    const reported = (
      await as.kefuzhuguan!.post(`/api/incidents/${a.id}/report`, { version: a.version, report: '物业经理接待并报公司行政公关部' })
    ).body;
    const withPhone = await as.kefuzhuguan!.post(`/api/incidents/${a.id}/case`, {
      version: reported.version,
      summary: '联系人电话 13812345678',
    });
    expect(withPhone.status).toBe(400);
    expect(withPhone.body.error.fields.summary).toBeTruthy();
    const marked = await as.kefuzhuguan!.post(`/api/incidents/${a.id}/case`, {
      version: reported.version,
      summary: '政府部门突访：立即通知物业经理，带至指定接待区域，基层员工不直接回答，由公司行政公关部统一安排。',
    });
    expect(marked.status, JSON.stringify(marked.body)).toBe(200);
    expect(marked.body).toMatchObject({ isCase: true, caseMarkedAt: clock.now() });
    expect((await as.kefuzhuguan!.post(`/api/incidents/${a.id}/case`, { version: marked.body.version, summary: '再来' })).status).toBe(422);

    const found = await as.weixiu!.get(`/api/incident-cases?q=${encodeURIComponent('行政公关')}`);
    expect(found.status).toBe(200);
    expect(found.body.items.map((c: Body) => c.id)).toEqual([a.id]);
    expect(found.body.items[0]).toMatchObject({ class: 'C', number: a.number, summary: expect.stringContaining('接待区域') });
    expect(found.body.items[0].people).toBeUndefined();
    const missing = await as.weixiu!.get(`/api/incident-cases?q=${encodeURIComponent('电梯困人')}`);
    expect(missing.body.items).toEqual([]);
    expect((await as.weixiu!.get('/api/incident-cases?class=C')).body.items.map((c: Body) => c.id)).toContain(a.id);
  });

  it('technician and gate guard: may not log or read incidents; another project’s incident answers 404', async () => {
    expect((await as.weixiu!.get('/api/incidents')).status).toBe(403);
    expect(
      (await as.menggang!.post('/api/incidents', { projectId: yghy, class: 'A', place: 'x', people: 'x', description: 'x' })).status,
    ).toBe(403);
    const u = await srv.makeUser('receptionist', { projectIds: [chy] });
    const theirs = new Client(srv.url);
    await theirs.login(u.username, u.password);
    const c = await theirs.post('/api/incidents', { projectId: chy, class: 'A', place: '前台', people: '业主', description: '到访' });
    expect(c.status).toBe(201);
    expect((await as.qiantai!.get(`/api/incidents/${c.body.id}`)).status).toBe(404);
    expect((await as.qiantai!.post(`/api/incidents/${c.body.id}/steps`, { text: 'x' })).status).toBe(404);
    expect((await as.qiantai!.get(`/api/incidents?projectId=${chy}`)).status).toBe(404);
    // The quality department works at company level and sees both.
    expect((await as.pinzhi!.get(`/api/incidents/${c.body.id}`)).status).toBe(200);
  });
});

/** R-FD-4: emergencies in the estate — logged, told by plan, announced to the project's residents, closed with a report. */
describeEachDb('front desk: emergencies in the estate', (dialect) => {
  let srv: TestServer;
  const clock = new TestClock(localDateTime('2026-11-18', '07:40'));
  const as: Record<string, Client> = {};
  let yghy: string;
  let chy: string;
  let chyResident: Client;
  let chyResidentId: string;
  let formerResident: Client;
  let formerResidentId: string;

  beforeAll(async () => {
    srv = await startTestServer({ dialect, clock });
    yghy = srv.demo.projectByCode.YGHY as string;
    chy = srv.demo.projectByCode.CHY as string;
    for (const u of ['qiantai', 'kefuzhuguan', 'jingli', 'weixiu', 'yezhu', 'menggang']) {
      as[u] = new Client(srv.url);
      expect((await as[u].login(u, DEMO_PASSWORD)).status).toBe(200);
    }
    const chyOcc = await srv.ctx.db
      .selectFrom('occupancies')
      .select('person_id')
      .where('project_id', '=', chy)
      .where('end_date', 'is', null)
      .executeTakeFirstOrThrow();
    const c = await srv.makeUser('resident', { projectIds: null, personId: chyOcc.person_id });
    chyResidentId = c.id;
    chyResident = new Client(srv.url);
    expect((await chyResident.login(c.username, c.password)).status).toBe(200);
    // Someone who moved out of 阳光花园 last year: no longer told.
    const gone = await srv.ctx.db
      .selectFrom('occupancies')
      .select(['id', 'person_id'])
      .where('project_id', '=', yghy)
      .where('unit_id', '!=', srv.people.unitId)
      .where('end_date', 'is', null)
      .executeTakeFirstOrThrow();
    await srv.ctx.db.updateTable('occupancies').set({ end_date: '2025-12-31' }).where('person_id', '=', gone.person_id).execute();
    const f = await srv.makeUser('resident', { projectIds: null, personId: gone.person_id });
    formerResidentId = f.id;
    formerResident = new Client(srv.url);
    expect((await formerResident.login(f.username, f.password)).status).toBe(200);
  });
  afterAll(() => srv?.close());

  const usersOfDept = async (code: string, projectId: string | null) => {
    let q = srv.ctx.db
      .selectFrom('users')
      .innerJoin('staff', 'staff.id', 'users.staff_id')
      .innerJoin('departments', 'departments.id', 'staff.department_id')
      .select('users.username')
      .where('departments.code', '=', code);
    q = projectId ? q.where('departments.project_id', '=', projectId) : q.where('departments.project_id', 'is', null);
    return (await q.execute()).map((u) => u.username);
  };
  const toldOf = async (key: string) =>
    (
      await srv.ctx.db
        .selectFrom('notifications')
        .innerJoin('users', 'users.id', 'notifications.user_id')
        .select('users.username')
        .where('notifications.dedupe_key', '>=', `${key}:`)
        .where('notifications.dedupe_key', '<', `${key}:\uffff`)
        .execute()
    )
      .map((r) => r.username)
      .sort();
  const report = async (type: string, over: Body = {}) => {
    const r = await as.qiantai!.post('/api/emergencies', { projectId: yghy, type, place: '3 栋 1 单元', summary: `${type} 情况`, ...over });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as Body;
  };

  it('receptionist: an emergency cannot be logged as starting in the future or more than 7 days back; within the window it can', async () => {
    const body = { projectId: yghy, type: 'lift', place: '3 栋', summary: '补记' };
    const future = await as.qiantai!.post('/api/emergencies', { ...body, startedAt: clock.now() + 60 * MIN });
    expect(future.status).toBe(400);
    expect(future.body.error.fields.startedAt).toBe('发生时间不能晚于现在');
    const tooOld = await as.qiantai!.post('/api/emergencies', { ...body, startedAt: clock.now() - 8 * 24 * 60 * MIN });
    expect(tooOld.status).toBe(400);
    expect(tooOld.body.error.fields.startedAt).toBe('发生时间不能早于 7 天前');
    const earlier = await report('lift', { startedAt: clock.now() - 6 * 24 * 60 * MIN });
    expect(earlier.startedAt).toBe(clock.now() - 6 * 24 * 60 * MIN);
  });

  it('receptionist: a lift entrapment is told by plan to the engineering department and the project manager, and who was told is kept', async () => {
    const e = await report('lift', { summary: '2 号电梯停在 12 与 13 楼之间，轿厢内 2 人' });
    expect(e.number).toMatch(/^YJ-2611-\d{4}$/);
    expect(e).toMatchObject({ type: 'lift', typeLabel: '电梯困人', status: 'open', startedAt: clock.now() });
    const engineering = await usersOfDept('engineering', yghy);
    expect(engineering).toContain('gongcheng');
    expect(await toldOf(`emergency:${e.id}`)).toEqual([...engineering, 'jingli'].sort());
    expect(new Set(e.notified.map((n: Body) => n.as))).toEqual(new Set(['工程部', '物业经理']));
  });

  it('receptionist: a fire is told to the security department, the project manager and company leadership', async () => {
    const e = await report('fire', { place: '地下车库 B2', summary: '车库垃圾桶冒烟' });
    const expected = [...(await usersOfDept('security', yghy)), ...(await usersOfDept('leadership', null)), 'jingli'].sort();
    expect(expected).toContain('menggang');
    expect(expected).toContain('lingdao');
    expect(await toldOf(`emergency:${e.id}`)).toEqual(expected);
  });

  it('project manager: changes the project’s plan; the next lift entrapment also tells the service supervisor; a technician may not change it', async () => {
    const cur = await as.jingli!.get(`/api/settings/emergency-plans?projectId=${yghy}`);
    expect(cur.status).toBe(200);
    expect(cur.body.plans.lift).toEqual({ departments: ['engineering'], roles: ['project_manager'] });
    const plans = { ...cur.body.plans, lift: { departments: ['engineering'], roles: ['project_manager', 'service_supervisor'] } };
    const put = await as.jingli!.put('/api/settings/emergency-plans', { projectId: yghy, plans });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await as.weixiu!.put('/api/settings/emergency-plans', { projectId: yghy, plans })).status).toBe(403);
    expect((await as.jingli!.put('/api/settings/emergency-plans', { projectId: null, plans })).status).toBe(403);
    const e = await report('lift');
    expect(await toldOf(`emergency:${e.id}`)).toContain('kefuzhuguan');
    const company = await as.jingli!.get('/api/settings/emergency-plans');
    expect(company.body.plans.lift.roles).toEqual(['project_manager']);
  });

  it('receptionist: a notice reaches the residents of that project only and shows in their /api/me/notices until the emergency closes', async () => {
    const e = await report('water_power', { place: '全小区', summary: '市政管网抢修，上午停水' });
    const other = await report('weather', { place: '全小区', summary: '台风预警' });
    const text = '因市政管网抢修，今日 9:00–13:00 全小区停水，请提前储水。';
    const n = await as.qiantai!.post(`/api/emergencies/${e.id}/notices`, { text });
    expect(n.status, JSON.stringify(n.body)).toBe(200);
    expect(n.body.notices).toHaveLength(1);
    const notice = n.body.notices[0];
    expect(notice).toMatchObject({ text, publishedAt: clock.now() });
    expect(notice.recipients).toBeGreaterThanOrEqual(1);
    const told = await srv.ctx.db
      .selectFrom('notifications')
      .select('user_id')
      .where('dedupe_key', '>=', `emergency-notice:${notice.id}:`)
      .where('dedupe_key', '<', `emergency-notice:${notice.id}:\uffff`)
      .execute();
    expect(told.length).toBe(notice.recipients);
    const toldIds = told.map((t) => t.user_id);
    const yezhuId = (await srv.ctx.db.selectFrom('users').select('id').where('username', '=', 'yezhu').executeTakeFirstOrThrow()).id;
    expect(toldIds).toContain(yezhuId);
    expect(toldIds).not.toContain(chyResidentId);
    expect(toldIds).not.toContain(formerResidentId);
    const residentsOnly = await srv.ctx.db.selectFrom('users').select('role').where('id', 'in', toldIds).execute();
    expect(new Set(residentsOnly.map((u) => u.role))).toEqual(new Set(['resident']));

    const mine = await as.yezhu!.get('/api/me/notices');
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual([
      {
        id: notice.id,
        emergencyId: e.id,
        projectId: yghy,
        projectName: '阳光花园',
        type: 'water_power',
        typeLabel: '停水停电',
        text,
        publishedAt: clock.now(),
      },
    ]);
    expect((await chyResident.get('/api/me/notices')).body).toEqual([]);
    expect((await formerResident.get('/api/me/notices')).body).toEqual([]);
    expect((await as.qiantai!.get('/api/me/notices')).status).toBe(403);
    const bell = await as.yezhu!.get('/api/notifications');
    expect(bell.body.items[0]).toMatchObject({ kind: 'emergency.notice', body: text, link: '/m' });

    // A later notice replaces the banner's text; the first stays on the record.
    clock.advance(30 * MIN);
    const update = await as.qiantai!.post(`/api/emergencies/${e.id}/notices`, { text: '供水已提前恢复。' });
    expect(update.body.notices.map((x: Body) => x.text)).toEqual(['供水已提前恢复。', text]);
    expect((await as.yezhu!.get('/api/me/notices')).body.map((x: Body) => x.text)).toEqual(['供水已提前恢复。']);

    const closed = await as.kefuzhuguan!.post(`/api/emergencies/${e.id}/close`, {
      version: update.body.version,
      cause: '市政管网爆管',
      handling: '通知住户、安排应急送水，11:30 恢复供水',
      losses: '',
      followUp: '与自来水公司确认检修计划，提前三天通知',
    });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect((await as.yezhu!.get('/api/me/notices')).body).toEqual([]);
    expect(other.status).toBe('open');
  });

  it('service supervisor: the closing report closes the emergency; a closed one is read-only', async () => {
    const e = await report('lift');
    const step = await as.qiantai!.post(`/api/emergencies/${e.id}/steps`, { text: '工程部 5 分钟到场，盘车放人' });
    expect(step.status).toBe(200);
    expect(step.body.steps).toMatchObject([{ n: 1, text: '工程部 5 分钟到场，盘车放人' }]);
    const incomplete = await as.kefuzhuguan!.post(`/api/emergencies/${e.id}/close`, {
      version: e.version,
      cause: '门锁故障',
      handling: '',
    });
    expect(incomplete.status).toBe(400);
    const closing = {
      cause: '门锁回路故障',
      handling: '盘车放人，维保单位更换触点',
      losses: '无人员受伤',
      followUp: '一周内复查同型号电梯',
    };
    const closed = await as.kefuzhuguan!.post(`/api/emergencies/${e.id}/close`, { version: e.version, ...closing });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body).toMatchObject({
      status: 'closed',
      closedAt: clock.now(),
      closing: { ...closing, closedByName: expect.any(String) },
    });
    for (const [path, body] of [
      ['steps', { text: '补记' }],
      ['notices', { text: '通知' }],
      ['close', { version: closed.body.version, ...closing }],
    ] as const) {
      const r = await as.kefuzhuguan!.post(`/api/emergencies/${e.id}/${path}`, body);
      expect(r.status, path).toBe(422);
      expect(r.body.error.code).toBe('emergency_closed');
    }
    expect((await as.qiantai!.get(`/api/emergencies/${e.id}`)).body).toMatchObject({ status: 'closed', steps: [{ n: 1 }] });
    const closedList = await as.weixiu!.get(`/api/emergencies?projectId=${yghy}&status=closed`);
    expect(closedList.status).toBe(200);
    expect(closedList.body.items.map((x: Body) => x.id)).toContain(e.id);
  });

  it('technician: reads the estate’s emergencies but may not log one; another project’s answers 404', async () => {
    expect((await as.weixiu!.get(`/api/emergencies?projectId=${yghy}`)).status).toBe(200);
    expect((await as.weixiu!.post('/api/emergencies', { projectId: yghy, type: 'fire', place: 'x', summary: 'x' })).status).toBe(403);
    const u = await srv.makeUser('receptionist', { projectIds: [chy] });
    const theirs = new Client(srv.url);
    await theirs.login(u.username, u.password);
    const c = await theirs.post('/api/emergencies', { projectId: chy, type: 'lift', place: '1 栋', summary: '困人' });
    expect(c.status).toBe(201);
    expect((await as.qiantai!.get(`/api/emergencies/${c.body.id}`)).status).toBe(404);
    expect((await as.qiantai!.post(`/api/emergencies/${c.body.id}/notices`, { text: 'x' })).status).toBe(404);
    expect((await as.qiantai!.post('/api/emergencies', { projectId: chy, type: 'lift', place: '1 栋', summary: '困人' })).status).toBe(400);
  });
});
