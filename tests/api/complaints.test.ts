import { afterAll, beforeAll, expect, it } from 'vitest';
import { localDateTime } from '../../server/platform/calendar/calendar.ts';
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

  beforeAll(async () => {
    srv = await startTestServer({ dialect, clock });
    for (const u of ['qiantai', 'kefuzhuguan', 'gongcheng', 'jingli', 'yezhu', 'weixiu']) {
      as[u] = new Client(srv.url);
      expect((await as[u].login(u, DEMO_PASSWORD)).status).toBe(200);
    }
    yghy = srv.demo.projectByCode.YGHY as string;
    unitId = (
      await srv.ctx.db
        .selectFrom('units')
        .select('id')
        .where('project_id', '=', yghy)
        .where('number', '=', '3-1-1502')
        .executeTakeFirstOrThrow()
    ).id;
    ownerId = (
      await srv.ctx.db
        .selectFrom('occupancies')
        .select('person_id')
        .where('unit_id', '=', unitId)
        .where('relation', '=', 'owner')
        .executeTakeFirstOrThrow()
    ).person_id;
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
});
