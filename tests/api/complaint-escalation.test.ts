import { afterAll, beforeAll, expect, it } from 'vitest';
import { localDateTime } from '../../server/platform/calendar/calendar.ts';
import { describeEachDb, TestClock } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

type Body = Record<string, any>;

/** R-CP-6, 7, 10: help asked of others with its own deadline, escalation to leadership and the quality department, significant complaints' reports. */
describeEachDb('complaints: help from other departments, escalation, significant complaints', (dialect) => {
  let srv: TestServer;
  const clock = new TestClock(localDateTime('2026-11-18', '09:30'));
  const as: Record<string, Client> = {};
  const userId: Record<string, string> = {};
  let yghy: string;
  let unitId: string;
  let ownerId: string;
  const dept: Record<string, string> = {};

  beforeAll(async () => {
    srv = await startTestServer({ dialect, clock });
    const users = ['qiantai', 'kefuzhuguan', 'gongcheng', 'jingli', 'yezhu', 'weixiu', 'pinzhi', 'lingdao', 'menggang'];
    for (const u of users) {
      as[u] = new Client(srv.url);
      expect((await as[u].login(u, DEMO_PASSWORD)).status).toBe(200);
    }
    for (const u of await srv.ctx.db.selectFrom('users').select(['id', 'username']).execute()) userId[u.username] = u.id;
    yghy = srv.demo.projectByCode.YGHY as string;
    ({ unitId, ownerId } = srv.people);
    for (const d of await srv.ctx.db.selectFrom('departments').select(['id', 'code', 'project_id']).execute())
      if (d.project_id === yghy || d.project_id === null) dept[d.code] = d.id;
  });
  afterAll(() => srv?.close());

  const complain = async (content: string, complaint?: Body) => {
    const r = await as.qiantai!.post('/api/requests', {
      projectId: yghy,
      kind: 'complaint',
      channel: 'phone',
      unitId,
      requesterPersonId: ownerId,
      content,
      readBackConfirmed: true,
      ...(complaint ? { complaint } : {}),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as Body;
  };
  const DECISIONS = new Set(['leadership_decision', 'correction_plan']);
  const act = async (who: string, id: string, action: string, body: Body = {}, path = DECISIONS.has(action) ? 'decisions' : 'actions') => {
    const cur = await as[who]!.get(`/api/requests/${id}`);
    return as[who]!.post(`/api/requests/${id}/${path}/${action}`, { version: cur.body.version, ...body });
  };
  const ok = async (who: string, id: string, action: string, body: Body = {}) => {
    const r = await act(who, id, action, body);
    expect(r.status, `${who} ${action}: ${JSON.stringify(r.body)}`).toBe(200);
    return r.body as Body;
  };
  const bell = async (who: string) => JSON.stringify((await as[who]!.get('/api/notifications')).body);
  const toResolved = async (id: string) => {
    await ok('qiantai', id, 'propose', { solution: '按住户意见处理', opinion: '同意', agreed: true });
    await ok('qiantai', id, 'resolve', { resolution: '已处理完毕' });
    await ok('qiantai', id, 'analyse', { cause: '管理疏漏', preventive: '加强巡查' });
  };

  it('service center: asks the engineering department and the owners’ committee for help, each with its own due time; progress comes back', async () => {
    const c = await complain('地下车库排水沟堵塞，雨天积水');
    const refused = await act('qiantai', c.id, 'ask_help', { target: 'department', matter: '疏通排水沟', dueAt: clock.now() + 4 * HOUR });
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields.departmentId).toBeTruthy();
    const own = await act('qiantai', c.id, 'ask_help', {
      target: 'department',
      departmentId: dept.service,
      matter: '本部门',
      dueAt: clock.now() + HOUR,
    });
    expect(own.status).toBe(400);
    expect(
      (await act('qiantai', c.id, 'ask_help', { target: 'committee', matter: '需业委会同意动用维修基金', dueAt: clock.now() + HOUR }))
        .status,
    ).toBe(400);

    const asked = await ok('qiantai', c.id, 'ask_help', {
      target: 'department',
      departmentId: dept.engineering,
      matter: '疏通排水沟并检查排水泵',
      dueAt: clock.now() + 4 * HOUR,
    });
    const committee = await ok('qiantai', c.id, 'ask_help', {
      target: 'committee',
      party: '业委会 张主任',
      matter: '动用公共维修基金更换排水泵',
      dueAt: clock.now() + 48 * HOUR,
    });
    expect([...committee.help].sort((a: Body, b: Body) => a.dueAt - b.dueAt)).toEqual([
      expect.objectContaining({ party: '工程部', target: 'department', status: 'open', dueAt: clock.now() + 4 * HOUR, askedBy: '林晓雯' }),
      expect.objectContaining({ party: '业委会 张主任', target: 'committee', status: 'open', dueAt: clock.now() + 48 * HOUR }),
    ]);
    const helpDeadlines = committee.deadlines.filter((d: Body) => d.kind === 'complaint.help');
    expect(helpDeadlines.map((d: Body) => d.dueAt).sort()).toEqual([clock.now() + 4 * HOUR, clock.now() + 48 * HOUR]);
    expect(asked.history.at(-1)).toMatchObject({ type: 'ask_help', data: { party: '工程部', matter: '疏通排水沟并检查排水泵' } });

    // The engineering head is told, and sees it among the help asked of his department.
    expect(await bell('gongcheng')).toContain(`投诉 ${c.number} 请求协办`);
    const mine = (await as.gongcheng!.get('/api/complaint-help')).body;
    expect(mine.items.map((h: Body) => h.number)).toEqual([c.number]);
    expect((await as.weixiu!.get('/api/complaint-help')).body.items.map((h: Body) => h.number)).toEqual([c.number]);
    expect((await as.qiantai!.get('/api/complaint-help')).body.items).toEqual([]);

    // Progress goes back to the handler; the last report closes the help's own deadline only.
    await ok('qiantai', c.id, 'transfer', { assigneeId: userId.kefuzhuguan, reason: '主管跟进' });
    const engineering = committee.help.find((h: Body) => h.party === '工程部').id;
    const committeeHelp = committee.help.find((h: Body) => h.party !== '工程部');
    clock.advance(HOUR);
    const progress = await ok('gongcheng', c.id, 'help_progress', { helpId: engineering, note: '已派人疏通，排水泵待检' });
    expect(progress.help.find((h: Body) => h.id === engineering)).toMatchObject({ status: 'open', reports: 1, lastReportAt: clock.now() });
    expect(await bell('kefuzhuguan')).toContain(`投诉 ${c.number} 工程部反馈进度`);
    clock.advance(HOUR);
    const done = await ok('gongcheng', c.id, 'help_progress', { helpId: engineering, note: '排水泵已修复', done: true });
    expect(done.help.find((h: Body) => h.id === engineering)).toMatchObject({ status: 'done', reports: 2, doneAt: clock.now() });
    const [engDeadline, committeeDeadline] = done.deadlines
      .filter((d: Body) => d.kind === 'complaint.help')
      .sort((a: Body, b: Body) => a.dueAt - b.dueAt);
    expect(engDeadline).toMatchObject({ status: 'met', breachedAt: null });
    expect(committeeDeadline).toMatchObject({ status: 'running' });
    expect((await act('gongcheng', c.id, 'help_progress', { helpId: engineering, note: '再报' })).status).toBe(400);
    expect((await as.gongcheng!.get('/api/complaint-help')).body.items).toEqual([]);
    // Residents never see who inside was asked.
    const resident = (await as.yezhu!.get(`/api/requests/${c.id}`)).body;
    expect(resident.help).toEqual([]);
    // A help request not answered in time is a breach of its own.
    clock.advance(47 * HOUR);
    const { sweepDeadlines } = await import('../../server/domains/requests/requests.service.ts');
    await sweepDeadlines(srv.ctx);
    for (const u of ['qiantai', 'kefuzhuguan']) expect((await as[u]!.login(u, DEMO_PASSWORD)).status).toBe(200);
    const late = (await as.kefuzhuguan!.get(`/api/requests/${c.id}`)).body;
    expect(late.deadlines.find((d: Body) => d.kind === 'complaint.help' && d.dueAt === committeeHelp.dueAt)).toMatchObject({
      status: 'running',
      breachedAt: committeeHelp.dueAt,
    });
  });

  it('compensation at intake: company leadership is told at once and decides; the complaint cannot close before the decision', async () => {
    for (const u of ['qiantai', 'lingdao', 'pinzhi', 'jingli', 'yezhu']) expect((await as[u]!.login(u, DEMO_PASSWORD)).status).toBe(200);
    const c = await complain('车辆在小区内被落物砸坏，要求赔偿', { grade: 'general', compensation: true });
    expect(c.detail).toMatchObject({ escalation: 'leadership', escalationReason: '涉及经济赔偿/补偿', escalatedAt: clock.now() });
    expect(c.deadlines.map((d: Body) => d.kind)).toEqual(expect.arrayContaining(['complaint.response', 'complaint.leadership']));
    expect(c.history[0].data).toMatchObject({ escalation: 'leadership' });
    expect(await bell('lingdao')).toContain(`投诉 ${c.number} 已上报公司领导`);
    expect(await bell('pinzhi')).toContain(`投诉 ${c.number} 已上报公司领导`);

    // The leadership queue holds it; an ordinary complaint is not there.
    const plain = await complain('公告栏信息过期');
    const q = (await as.lingdao!.get('/api/queue?scope=escalated')).body.items.map((r: Body) => r.number);
    expect(q).toContain(c.number);
    expect(q).not.toContain(plain.number);

    // Only a leader decides; the receptionist cannot, nor can a leader on an ordinary complaint.
    expect((await act('qiantai', c.id, 'leadership_decision', { decision: '同意赔偿' })).status).toBe(403);
    expect((await act('qiantai', c.id, 'leadership_decision', { decision: '同意赔偿' }, 'actions')).status).toBe(403);
    // The decisions route takes company decisions only.
    expect((await act('lingdao', c.id, 'propose', { solution: '赔', opinion: '好', agreed: true }, 'decisions')).status).toBe(422);
    const offered = (await as.lingdao!.get(`/api/requests/${c.id}`)).body.actions;
    expect(offered).toEqual([expect.objectContaining({ action: 'leadership_decision', path: 'decisions' })]);
    const notEscalated = await act('lingdao', plain.id, 'leadership_decision', { decision: '知悉' });
    expect(notEscalated.status, JSON.stringify(notEscalated.body)).toBe(422);
    await toResolved(c.id);
    const early = await act('qiantai', c.id, 'callback_satisfied', { method: 'phone', note: '满意' });
    expect(early.status).toBe(422);
    expect(early.body.error.code).toBe('decision_required');
    const decided = await ok('lingdao', c.id, 'leadership_decision', { decision: '核实后按维修费用的 50% 补偿，由管理处落实' });
    expect(decided.detail).toMatchObject({
      leadershipDecision: '核实后按维修费用的 50% 补偿，由管理处落实',
      leadershipDecidedAt: clock.now(),
    });
    expect(decided.deadlines.find((d: Body) => d.kind === 'complaint.leadership')).toMatchObject({ status: 'met' });
    expect(await bell('jingli')).toContain(`投诉 ${c.number} 公司领导已批示`);
    expect((await act('qiantai', c.id, 'callback_satisfied', { method: 'phone', note: '满意' })).status).toBe(200);
    // The escalation stays the office's business.
    const resident = (await as.yezhu!.get(`/api/requests/${c.id}`)).body;
    expect(resident.detail.leadershipDecision).toBeUndefined();
    expect(resident.detail.escalationReason).toBeUndefined();
  });

  it('about the manager → leadership; company level → the quality department owns it, its plan binds the project, the company calls back', async () => {
    for (const u of ['qiantai', 'lingdao', 'pinzhi', 'jingli', 'kefuzhuguan'])
      expect((await as[u]!.login(u, DEMO_PASSWORD)).status).toBe(200);
    const m = await complain('管理处主任处理问题推诿', { grade: 'general', aboutManager: true });
    expect(m.detail).toMatchObject({ escalation: 'leadership', escalationReason: '投诉管理处主任' });

    const c = await complain('多次投诉电梯故障，管理处始终未解决');
    const up = await ok('kefuzhuguan', c.id, 'escalate', { level: 'company', reason: '项目多次处理未果' });
    expect(up.detail).toMatchObject({ escalation: 'company', escalationReason: '项目多次处理未果' });
    expect(up.departmentId).toBe(dept.quality);
    expect(up.departmentName).toBe('品质管理部');
    expect(await bell('pinzhi')).toContain(`投诉 ${c.number} 已上报公司品质管理部`);
    expect((await act('kefuzhuguan', c.id, 'escalate', { level: 'company', reason: '再报' })).status).toBe(400);
    expect((await as.pinzhi!.get('/api/queue?scope=department')).body.items.map((r: Body) => r.number)).toContain(c.number);

    // The quality department's plan is the project's to carry out, by its due time.
    expect((await act('jingli', c.id, 'correction_plan', { plan: '自行整改', dueAt: clock.now() + 72 * HOUR })).status).toBe(403);
    const plan = await ok('pinzhi', c.id, 'correction_plan', {
      plan: '一周内完成电梯主板更换；建立电梯故障周报',
      dueAt: clock.now() + 7 * 24 * HOUR,
    });
    expect(plan.deadlines.find((d: Body) => d.kind === 'complaint.correction')).toMatchObject({
      status: 'running',
      dueAt: clock.now() + 7 * 24 * HOUR,
    });
    expect(await bell('jingli')).toContain('品质管理部整改计划（本项目须执行）');
    await ok('pinzhi', c.id, 'propose', { solution: '更换电梯主板', opinion: '同意', agreed: true });
    await ok('pinzhi', c.id, 'resolve', { resolution: '主板已更换，试运行正常' });
    await ok('pinzhi', c.id, 'analyse', { cause: '维保单位响应慢', preventive: '维保合同增加响应时限' });
    expect((await act('pinzhi', c.id, 'callback_satisfied', { method: 'phone', note: '满意' })).body.error.code).toBe(
      'correction_required',
    );
    expect((await act('qiantai', c.id, 'correction_done', { note: '已完成' })).status).toBe(403);
    const done = await ok('jingli', c.id, 'correction_done', { note: '主板已更换，故障周报已建立' });
    expect(done.deadlines.find((d: Body) => d.kind === 'complaint.correction')).toMatchObject({ status: 'met', breachedAt: null });
    expect(await bell('pinzhi')).toContain(`投诉 ${c.number} 项目已完成整改`);
    // The company calls the complainant back, not the project.
    const byProject = await act('kefuzhuguan', c.id, 'callback_satisfied', { method: 'phone', note: '满意' });
    expect(byProject.status).toBe(403);
    expect((await act('kefuzhuguan', c.id, 'callback_unsatisfied', { method: 'phone', note: '不满意' })).status).toBe(403);
    const closed = await ok('pinzhi', c.id, 'callback_satisfied', { method: 'phone', note: '公司回访，住户满意' });
    expect(closed).toMatchObject({ status: 'closed', isOpen: false });
  });

  it('significant: a written report to leadership and a corrective action report announced to all staff before it may close', async () => {
    for (const u of ['qiantai', 'lingdao', 'pinzhi', 'kefuzhuguan', 'menggang', 'weixiu', 'yezhu'])
      expect((await as[u]!.login(u, DEMO_PASSWORD)).status).toBe(200);
    const c = await complain('保安与业主发生肢体冲突', { grade: 'significant' });
    const plain = await complain('楼道灯不亮');
    expect((await act('qiantai', plain.id, 'report_leadership', { report: '报告' })).body.error.code).toBe('not_significant');
    await toResolved(c.id);
    expect((await act('kefuzhuguan', c.id, 'callback_satisfied', { method: 'visit', note: '满意' })).body.error.code).toBe(
      'reports_required',
    );

    const reported = await ok('kefuzhuguan', c.id, 'report_leadership', { report: '事件经过、处理结果与责任认定（书面报告）' });
    expect(reported.detail).toMatchObject({ leadershipReportedAt: clock.now() });
    expect(await bell('lingdao')).toContain(`重大投诉 ${c.number} 书面报告`);
    expect((await act('kefuzhuguan', c.id, 'report_leadership', { report: '再报' })).status).toBe(422);
    // Publishing is a supervisor's; the receptionist cannot.
    expect((await act('qiantai', c.id, 'publish_corrective', { report: '纠正措施' })).status).toBe(403);
    await ok('kefuzhuguan', c.id, 'publish_corrective', { report: '全员服务礼仪培训；冲突升级时须报主管到场' });
    // Every member of staff is told, whatever the project; the gate guard too. Residents are not.
    for (const u of ['menggang', 'weixiu', 'pinzhi', 'lingdao']) expect(await bell(u)).toContain(`纠正措施报告：${c.number}`);
    expect(await bell('yezhu')).not.toContain('纠正措施报告');
    const list = (await as.menggang!.get('/api/corrective-reports')).body;
    expect(list.items[0]).toMatchObject({ number: c.number, report: '全员服务礼仪培训；冲突升级时须报主管到场', cause: '管理疏漏' });
    expect((await as.yezhu!.get('/api/corrective-reports')).status).toBe(403);
    const closed = await ok('kefuzhuguan', c.id, 'callback_satisfied', { method: 'visit', note: '上门回访，满意' });
    expect(closed.status).toBe('closed');
  });
});
