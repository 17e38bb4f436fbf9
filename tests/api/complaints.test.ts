import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defaultJobs } from '../../server/jobs.ts';
import { localDateTime } from '../../server/platform/calendar/calendar.ts';
import { cliEnvFor, runCli } from '../helpers/cli.ts';
import { describeEachDb, TestClock } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** R-CP-1…5 (first part): grading, the urgent procedure, the 24-hour promise, investigation with apology, solution with the complainant's opinion. */
describeEachDb('complaints: grade, urgent procedure, promise, investigation, solution', (dialect) => {
  let srv: TestServer;
  const clock = new TestClock(localDateTime('2026-11-18', '10:00'));
  const as: Record<string, Client> = {};
  let yghy: string;
  let unitId: string;
  let ownerId: string;
  const cat: Record<string, string> = {};

  beforeAll(async () => {
    srv = await startTestServer({ dialect, clock });
    for (const u of ['qiantai', 'kefuzhuguan', 'gongcheng', 'jingli', 'yezhu', 'weixiu']) {
      as[u] = new Client(srv.url);
      expect((await as[u].login(u, DEMO_PASSWORD)).status).toBe(200);
    }
    yghy = srv.demo.projectByCode.YGHY as string;
    ({ unitId, ownerId } = srv.people);
    for (const c of await srv.ctx.db.selectFrom('categories').select(['id', 'name']).where('kind', '=', 'complaint').execute())
      cat[c.name] = c.id;
  });
  afterAll(() => srv?.close());

  const complain = async (content: string, complaint?: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const r = await as.qiantai!.post('/api/requests', {
      projectId: yghy,
      kind: 'complaint',
      channel: 'phone',
      unitId,
      requesterPersonId: ownerId,
      content,
      readBackConfirmed: true,
      ...(complaint ? { complaint } : {}),
      ...extra,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  const act = async (who: string, id: string, action: string, body: Record<string, unknown> = {}) => {
    const cur = await as[who]!.get(`/api/requests/${id}`);
    return as[who]!.post(`/api/requests/${id}/actions/${action}`, { version: cur.body.version, ...body });
  };
  const bell = async (who: string) => (await as[who]!.get('/api/notifications')).body;

  it('receptionist: a general complaint is graded, timed for 24 hours and promised a response within them', async () => {
    const c = await complain('楼下餐馆油烟太大');
    expect(c).toMatchObject({ kind: 'complaint', status: 'registered', detail: { grade: 'general' } });
    expect(c.number).toMatch(/^TS-2611-\d{4}$/);
    expect(c.deadlines).toEqual([expect.objectContaining({ kind: 'complaint.response', dueAt: clock.now() + 24 * HOUR })]);

    const tooLate = await act('qiantai', c.id, 'promise', { promisedAt: clock.now() + 25 * HOUR });
    expect(tooLate.status).toBe(400);
    expect(tooLate.body.error.fields.promisedAt).toContain('24 小时');
    const past = await act('qiantai', c.id, 'promise', { promisedAt: clock.now() - MIN });
    expect(past.status).toBe(400);
    const promised = await act('qiantai', c.id, 'promise', { promisedAt: clock.now() + 4 * HOUR });
    expect(promised.status).toBe(200);
    expect(promised.body).toMatchObject({ status: 'promised', detail: { promisedAt: clock.now() + 4 * HOUR } });
    expect(promised.body.deadlines.find((d: { kind: string }) => d.kind === 'complaint.promise')).toMatchObject({
      status: 'running',
      dueAt: clock.now() + 4 * HOUR,
    });
    // The resident follows their own complaint.
    const mine = await as.yezhu!.get(`/api/requests/${c.id}`);
    expect(mine.status).toBe(200);
    expect(mine.body.statusLabel).toBe('已承诺回应时间');
  });

  it('department: the investigation records findings; at the company’s fault an apology is required first', async () => {
    const c = await complain('保安态度恶劣', { grade: 'significant' });
    expect(c.detail.grade).toBe('significant');
    const noApology = await act('kefuzhuguan', c.id, 'investigate', { findings: '监控显示保安言语不当', companyAtFault: true });
    expect(noApology.status).toBe(400);
    expect(noApology.body.error.fields.apologyVia).toBeTruthy();
    clock.advance(30 * MIN);
    const found = await act('kefuzhuguan', c.id, 'investigate', {
      findings: '监控显示保安言语不当',
      companyAtFault: true,
      apologyVia: 'visit',
    });
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      status: 'investigating',
      detail: { findings: '监控显示保安言语不当', companyAtFault: 1, apologyVia: 'visit', apologyAt: clock.now() },
    });

    // The solution, with what the complainant thinks of it, is the promised response.
    await act('kefuzhuguan', c.id, 'promise', { promisedAt: clock.now() + 2 * HOUR }).then((r) => expect(r.status).toBe(422));
    const proposed = await act('kefuzhuguan', c.id, 'propose', {
      solution: '当事保安停岗培训，主管上门致歉',
      opinion: '同意，希望以后注意',
      agreed: true,
    });
    expect(proposed.status).toBe(200);
    expect(proposed.body).toMatchObject({
      status: 'solution_proposed',
      detail: { solution: '当事保安停岗培训，主管上门致歉', complainantOpinion: '同意，希望以后注意', solutionAgreed: 1 },
    });
    expect((await act('weixiu', c.id, 'progress_notice', { note: '处理中', via: 'phone' })).status).toBe(200);
  });

  it('promise kept or broken: the solution meets the promised time; a late one is a breach; a progress notice meets the 24 hours', async () => {
    const c = await complain('小区路灯长期不亮');
    await act('qiantai', c.id, 'promise', { promisedAt: clock.now() + HOUR });
    clock.advance(2 * HOUR);
    const late = await act('qiantai', c.id, 'propose', { solution: '本周内更换灯具', opinion: '可以', agreed: true });
    const promise = late.body.deadlines.find((d: { kind: string }) => d.kind === 'complaint.promise');
    expect(promise).toMatchObject({ status: 'met', breachedAt: promise.dueAt });
    clock.advance(3 * HOUR);
    const told = await act('qiantai', c.id, 'progress_notice', { note: '灯具已订购，周五前更换', via: 'phone' });
    expect(told.body.deadlines.find((d: { kind: string }) => d.kind === 'complaint.response')).toMatchObject({
      status: 'met',
      breachedAt: null,
    });
    expect(told.body.history.at(-1)).toMatchObject({ type: 'progress_notice', data: { note: '灯具已订购，周五前更换' } });
  });

  it('urgent: the department head and the supervisors are told at once; the emergency checklist is kept step by step', async () => {
    const c = await complain('地下车库有人被困电梯，家属情绪激动', { grade: 'urgent' });
    expect(c.detail.grade).toBe('urgent');
    // The service department owns complaints; its head is notified, and the supervisor and manager too.
    for (const who of ['kefuzhuguan', 'jingli']) expect(JSON.stringify(await bell(who))).toContain(`紧急投诉 ${c.number}`);
    expect(JSON.stringify(await bell('weixiu'))).not.toContain(c.number);

    for (const step of ['judge', 'soothe', 'notify_head']) {
      const r = await act('qiantai', c.id, 'emergency_step', { step, note: step === 'soothe' ? '安抚家属，告知已派人' : '' });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      clock.advance(MIN);
    }
    const again = await act('qiantai', c.id, 'emergency_step', { step: 'judge' });
    expect(again.status).toBe(400);
    const cur = (await as.qiantai!.get(`/api/requests/${c.id}`)).body;
    expect(JSON.parse(cur.detail.emergency).map((e: { step: string }) => e.step)).toEqual(['judge', 'soothe', 'notify_head']);
    // Not for an ordinary complaint.
    const plain = await complain('垃圾桶太少');
    expect((await act('qiantai', plain.id, 'emergency_step', { step: 'judge' })).status).toBe(400);
  });

  it('anonymous complaints are allowed without contact; grades other than the three are refused', async () => {
    const anon = await as.qiantai!.post('/api/requests', {
      projectId: yghy,
      kind: 'complaint',
      channel: 'letter',
      anonymous: true,
      content: '有员工上班时间玩手机',
      complaint: { grade: 'general' },
      readBackConfirmed: true,
    });
    expect(anon.status).toBe(201);
    expect(anon.body).toMatchObject({ requesterName: '匿名', requesterPhone: '', unitId: null });
    const bad = await as.qiantai!.post('/api/requests', {
      projectId: yghy,
      kind: 'complaint',
      channel: 'phone',
      requesterName: '王先生',
      content: '分级不对',
      complaint: { grade: 'huge' },
      readBackConfirmed: true,
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toContain('complaint.grade');
  });

  /** Registers a complaint and takes it to an agreed solution. */
  const agreed = async (content: string, extra: Record<string, unknown> = {}) => {
    const c = await complain(content, undefined, extra);
    const r = await act('qiantai', c.id, 'propose', { solution: '安排专人处理', opinion: '同意', agreed: true });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return c;
  };
  const ok = async (who: string, id: string, action: string, body: Record<string, unknown> = {}) => {
    const r = await act(who, id, action, body);
    expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200);
    return r.body;
  };

  it('transfer: the receiver becomes the first handler and must contact the complainant in time', async () => {
    const c = await complain('物业费收费标准不透明');
    const gongchengId = (await srv.ctx.db.selectFrom('users').select('id').where('username', '=', 'gongcheng').executeTakeFirstOrThrow())
      .id;
    const moved = await ok('qiantai', c.id, 'transfer', { assigneeId: gongchengId, reason: '涉及工程收费，由工程部负责' });
    expect(moved).toMatchObject({ assigneeId: gongchengId, detail: { firstHandlerId: gongchengId } });
    const contact = moved.deadlines.find((d: { kind: string }) => d.kind === 'complaint.contact');
    expect(contact).toMatchObject({ status: 'running', dueAt: clock.now() + 2 * HOUR });
    clock.advance(30 * MIN);
    const talked = await ok('gongcheng', c.id, 'contact', { note: '电话解释收费依据，约明天面谈' });
    expect(talked.deadlines.find((d: { kind: string }) => d.kind === 'complaint.contact')).toMatchObject({
      status: 'met',
      breachedAt: null,
    });
  });

  it('resolution: only an agreed solution is carried out; a delay sets a new time the complainant is told', async () => {
    const c = await complain('电梯经常停运');
    await ok('qiantai', c.id, 'propose', { solution: '更换主板', opinion: '要求先赔偿', agreed: false });
    const refused = await act('qiantai', c.id, 'resolve', { resolution: '已更换' });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('solution_not_agreed');

    const d = await agreed('楼道堆放杂物');
    const later = await ok('qiantai', d.id, 'reschedule', { dueAt: clock.now() + 26 * HOUR, note: '需业主配合，改为明天下午清理' });
    expect(later.deadlines.find((x: { kind: string }) => x.kind === 'complaint.completion')).toMatchObject({
      dueAt: clock.now() + 26 * HOUR,
    });
    clock.advance(3 * HOUR);
    const done = await ok('qiantai', d.id, 'resolve', { resolution: '杂物已清理' });
    expect(done).toMatchObject({ status: 'resolved', detail: { resolution: '杂物已清理', resolvedAt: clock.now() } });
    for (const kind of ['complaint.response', 'complaint.completion'])
      expect(done.deadlines.find((x: { kind: string }) => x.kind === kind)).toMatchObject({ status: 'met', breachedAt: null });
  });

  it('callback: not satisfied reopens and counts; satisfied closes — but only with cause and prevention recorded', async () => {
    const c = await agreed('绿化带长期无人修剪');
    await ok('qiantai', c.id, 'resolve', { resolution: '已安排修剪' });
    const unhappy = await ok('kefuzhuguan', c.id, 'callback_unsatisfied', { method: 'phone', note: '只修剪了一半' });
    expect(unhappy).toMatchObject({ status: 'investigating', isOpen: true, detail: { reopenCount: 1, solutionAgreed: 0 } });
    await ok('qiantai', c.id, 'propose', { solution: '全部修剪并每月巡查', opinion: '同意', agreed: true });
    await ok('qiantai', c.id, 'resolve', { resolution: '已全部修剪' });
    const early = await act('kefuzhuguan', c.id, 'callback_satisfied', { method: 'phone', note: '满意' });
    expect(early.status).toBe(422);
    expect(early.body.error.code).toBe('analysis_required');
    await ok('kefuzhuguan', c.id, 'analyse', { cause: '绿化外包巡查不到位', preventive: '外包合同增加月度验收' });
    const closed = await ok('kefuzhuguan', c.id, 'callback_satisfied', { method: 'phone', note: '住户满意' });
    expect(closed).toMatchObject({ status: 'closed', isOpen: false, detail: { closeReason: 'satisfied', reopenCount: 1 } });
    expect(closed.history.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['callback_unsatisfied', 'analyse', 'callback_satisfied']),
    );
  });

  it('no callback needed: solved on the spot, or anonymous; a complaint with contact cannot be closed as anonymous', async () => {
    const c = await agreed('快递柜故障');
    await ok('qiantai', c.id, 'resolve', { resolution: '当场重启恢复' });
    await ok('qiantai', c.id, 'analyse', { cause: '快递柜死机', preventive: '联系厂家升级固件' });
    const wrong = await act('qiantai', c.id, 'close_without_callback', { reason: 'anonymous' });
    expect(wrong.status).toBe(400);
    const closed = await ok('qiantai', c.id, 'close_without_callback', { reason: 'solved_on_spot', note: '住户当场确认' });
    expect(closed).toMatchObject({ status: 'closed', detail: { closeReason: 'solved_on_spot' } });
  });

  it('declined callbacks: the complaint closes itself 7 days later unless the same complainant complains again about it', async () => {
    const quiet = await agreed('装修噪音扰民', { categoryId: cat.装修管理 });
    await ok('qiantai', quiet.id, 'resolve', { resolution: '已约谈装修户' });
    expect((await act('qiantai', quiet.id, 'decline_callback', {})).status).toBe(422); // analysis first
    await ok('qiantai', quiet.id, 'analyse', { cause: '装修时间管理不严', preventive: '巡查装修时段' });
    const declined = await ok('qiantai', quiet.id, 'decline_callback', { note: '住户表示不用回访' });
    expect(declined).toMatchObject({ status: 'callback_declined', isOpen: true, detail: { declinedAt: clock.now() } });

    const loud = await agreed('宠物狗夜间吠叫', { categoryId: cat.噪音扰民 });
    await ok('qiantai', loud.id, 'resolve', { resolution: '已提醒犬主' });
    await ok('qiantai', loud.id, 'analyse', { cause: '犬主未管束', preventive: '纳入文明养犬宣传' });
    await ok('qiantai', loud.id, 'decline_callback', {});
    clock.advance(2 * 24 * HOUR);
    expect((await as.qiantai!.login('qiantai', DEMO_PASSWORD)).status).toBe(200);
    // The same complainant comes back on the same matter: that one stays open.
    await complain('狗还在叫', undefined, { categoryId: cat.噪音扰民 });

    const job = defaultJobs({ sweepMs: 60_000, outboxMs: 60_000 }).find((j) => j.name === 'complaint-self-close');
    if (!job) throw new Error('the self-close is not among the background jobs');
    clock.advance(4 * 24 * HOUR);
    expect(await job.run(srv.ctx)).toEqual({ closed: 0 }); // six days: not yet
    clock.advance(24 * HOUR + MIN);
    await Promise.all(['qiantai', 'yezhu'].map(async (u) => expect((await as[u]!.login(u, DEMO_PASSWORD)).status).toBe(200)));
    const [a, b] = (await Promise.all([job.run(srv.ctx), job.run(srv.ctx)])) as { closed: number }[];
    expect((a?.closed ?? 0) + (b?.closed ?? 0)).toBe(1);
    const q = (await as.qiantai!.get(`/api/requests/${quiet.id}`)).body;
    expect(q).toMatchObject({ status: 'closed', isOpen: false, detail: { closeReason: 'declined_no_new_complaint' } });
    expect(q.history.at(-1)).toMatchObject({ type: 'auto_closed', actor: '系统' });
    expect((await as.qiantai!.get(`/api/requests/${loud.id}`)).body.status).toBe('callback_declined');
  });

  // Last: it breaks the history on purpose.
  it('nothing can be altered: no route edits or deletes a complaint, a correction is a new entry, an entry changed in SQL is caught', async () => {
    for (const u of ['qiantai', 'kefuzhuguan']) expect((await as[u]!.login(u, DEMO_PASSWORD)).status).toBe(200);
    const c = await complain('投诉记录不得涂改');
    await ok('kefuzhuguan', c.id, 'investigate', { findings: '原始调查结论' });
    for (const method of ['DELETE', 'PATCH', 'PUT']) {
      const r = await as.kefuzhuguan!.request(method, `/api/requests/${c.id}`, method === 'DELETE' ? undefined : { content: '改写' });
      expect(r.status, method).toBe(404);
    }
    const before = (await as.kefuzhuguan!.get(`/api/requests/${c.id}`)).body;
    const investigation = before.history.find((e: { type: string }) => e.type === 'investigate');
    const corrected = await as.kefuzhuguan!.post(`/api/requests/${c.id}/corrections`, {
      version: before.version,
      correctsN: investigation.n,
      text: '补充：当班保安已调岗',
    });
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);
    expect(corrected.body.history.find((e: { n: number }) => e.n === investigation.n)).toEqual(investigation);
    expect(corrected.body.history.at(-1)).toMatchObject({ type: 'correction', correctsN: investigation.n });

    await sql`update request_events set data = ${JSON.stringify({ findings: '改过的结论' })} where request_id = ${c.id} and n = ${investigation.n}`.execute(
      srv.ctx.db,
    );
    const verify = await runCli(['audit', 'verify'], cliEnvFor(srv.tdb));
    expect(verify.code).not.toBe(0);
    expect(verify.stderr).toContain(c.number);
  });
});
