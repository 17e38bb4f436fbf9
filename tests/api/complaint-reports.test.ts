import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defaultJobs } from '../../server/jobs.ts';
import { localDateTime } from '../../server/platform/calendar/calendar.ts';
import { describeEachDb, TestClock } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

type Row = Record<string, any>;

/**
 * R-CP-9 / R-RE-2: complaints driven through the API across October and November in both
 * demo projects, then the daily register, every figure of the monthly classification table,
 * its drill-down lists, the company view and both workbooks checked against what happened.
 *
 * November in 阳光花园:
 *   F 装修管理 一般  — answered in time, callback declined, closed by itself 7 days later
 *   A 绿化     一般  — answered in time, callback not satisfied (reopened once), then satisfied
 *   B 服务态度 一般  — answered in time, solved on the spot, closed without callback
 *   C 噪音扰民 紧急  — anonymous letter, told the progress in time, still open
 *   D 收费标准 一般  — told the progress 25 hours later (late), callback declined: still open
 *   G 维修质量 紧急  — transferred to 工程部, answered in time, reopened twice, still open
 *   E (none)   重大  — just registered, its 24 hours still running
 * Plus X (October, 阳光花园) and H (November, 翠湖苑).
 */
describeEachDb('complaint register and the monthly complaint classification table', (dialect) => {
  let srv: TestServer;
  const clock = new TestClock(localDateTime('2026-10-30', '10:00'));
  const as: Record<string, Client> = {};
  let yghy: string;
  let chy: string;
  let unitId: string;
  let ownerId: string;
  let ownerName: string;
  let ownerPhone: string;
  let gongchengId: string;
  const cat: Record<string, string> = {};
  const c: Record<string, { id: string; number: string }> = {};

  /** Sessions expire: the clock jumps days, so everyone signs in again after a jump. */
  const signIn = async () => {
    for (const u of ['qiantai', 'kefuzhuguan', 'weixiu', 'pinzhi', 'yezhu']) {
      as[u] = new Client(srv.url);
      expect((await as[u].login(u, DEMO_PASSWORD)).status).toBe(200);
    }
  };
  const complain = async (who: string, body: Record<string, unknown>) => {
    const r = await as[who]!.post('/api/requests', { kind: 'complaint', channel: 'phone', readBackConfirmed: true, ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { id: r.body.id as string, number: r.body.number as string };
  };
  const byOwner = (content: string, categoryId: string | undefined, grade: string) =>
    complain('qiantai', { projectId: yghy, unitId, requesterPersonId: ownerId, content, categoryId, complaint: { grade } });
  const act = async (who: string, id: string, action: string, body: Record<string, unknown> = {}) => {
    const cur = await as[who]!.get(`/api/requests/${id}`);
    const r = await as[who]!.post(`/api/requests/${id}/actions/${action}`, { version: cur.body.version, ...body });
    expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200);
    return r.body;
  };
  const solve = async (id: string, resolution: string) => {
    await act('qiantai', id, 'propose', { solution: '安排专人处理', opinion: '同意', agreed: true });
    clock.advance(10 * MIN);
    await act('qiantai', id, 'resolve', { resolution });
  };
  const at = (date: string, time: string) => {
    clock.t = localDateTime(date, time);
  };

  beforeAll(async () => {
    srv = await startTestServer({ dialect, clock });
    await signIn();
    yghy = srv.demo.projectByCode.YGHY as string;
    chy = srv.demo.projectByCode.CHY as string;
    ({ unitId, ownerId } = srv.people);
    const db = srv.ctx.db;
    const owner = await db.selectFrom('people').select(['name', 'phone']).where('id', '=', ownerId).executeTakeFirstOrThrow();
    ownerName = owner.name;
    ownerPhone = owner.phone;
    gongchengId = (await db.selectFrom('users').select('id').where('username', '=', 'gongcheng').executeTakeFirstOrThrow()).id;
    for (const r of await db.selectFrom('categories').select(['id', 'name']).where('kind', '=', 'complaint').execute()) cat[r.name] = r.id;

    // October: X stays open; it belongs to October's table only.
    c.X = await byOwner('前台接待态度冷淡', cat.服务态度, 'general');

    // F: a declined callback, closed by the background job after seven quiet days.
    at('2026-11-02', '10:00');
    await signIn();
    c.F = await complain('qiantai', {
      projectId: yghy,
      requesterName: '赵女士',
      requesterPhone: '13700001234',
      location: '5栋大堂',
      content: '装修噪音中午不停',
      categoryId: cat.装修管理,
    });
    await solve(c.F.id, '已约谈装修户');
    await act('qiantai', c.F.id, 'analyse', { cause: '装修时段巡查不严', preventive: '中午增加巡查' });
    await act('qiantai', c.F.id, 'decline_callback', { note: '住户表示不用回访' });
    at('2026-11-09', '10:30');
    const job = defaultJobs({ sweepMs: 60_000, outboxMs: 60_000 }).find((j) => j.name === 'complaint-self-close');
    expect(await job?.run(srv.ctx)).toEqual({ closed: 1 });

    // A: not satisfied once, then satisfied.
    at('2026-11-18', '09:00');
    await signIn();
    c.A = await byOwner('绿化带长期无人修剪', cat.绿化, 'general');
    await solve(c.A.id, '已安排修剪');
    clock.advance(30 * MIN);
    await act('kefuzhuguan', c.A.id, 'callback_unsatisfied', { method: 'phone', note: '只修剪了一半' });
    await solve(c.A.id, '已全部修剪');
    await act('kefuzhuguan', c.A.id, 'analyse', { cause: '绿化外包巡查不到位', preventive: '外包合同增加月度验收' });
    await act('kefuzhuguan', c.A.id, 'callback_satisfied', { method: 'visit', note: '住户满意' });

    // B: solved on the spot.
    at('2026-11-18', '11:00');
    c.B = await byOwner('保安说话不礼貌', cat.服务态度, 'general');
    await solve(c.B.id, '当面致歉');
    await act('qiantai', c.B.id, 'analyse', { cause: '新保安未培训', preventive: '上岗前礼仪培训' });
    await act('qiantai', c.B.id, 'close_without_callback', { reason: 'solved_on_spot', note: '住户当场确认' });

    // C: an anonymous letter, told the progress within the 24 hours.
    at('2026-11-18', '12:00');
    c.C = await complain('qiantai', {
      projectId: yghy,
      channel: 'letter',
      anonymous: true,
      content: '夜间广场舞音乐太吵',
      categoryId: cat.噪音扰民,
      complaint: { grade: 'urgent' },
    });
    clock.advance(30 * MIN);
    await act('qiantai', c.C.id, 'progress_notice', { note: '已张贴告示', via: 'message' });

    // D: registered now, told the progress only 25 hours later.
    at('2026-11-18', '13:00');
    c.D = await byOwner('物业费收费标准不透明', cat.收费标准, 'general');

    // G: transferred to engineering, reopened once today and once tomorrow.
    at('2026-11-18', '14:00');
    c.G = await byOwner('维修后水管仍漏水', cat.维修质量, 'urgent');
    await act('qiantai', c.G.id, 'transfer', { assigneeId: gongchengId, reason: '维修质量由工程部负责' });
    await solve(c.G.id, '更换接头');
    await act('kefuzhuguan', c.G.id, 'callback_unsatisfied', { method: 'phone', note: '还在滴水' });

    // H: 翠湖苑, registered by the quality department, answered in time.
    at('2026-11-18', '15:00');
    c.H = await complain('pinzhi', {
      projectId: chy,
      requesterName: '翠湖业主',
      requesterPhone: '13900002222',
      location: '2栋',
      content: '垃圾清运不及时',
      categoryId: cat.环境卫生,
    });
    clock.advance(20 * MIN);
    await act('pinzhi', c.H.id, 'progress_notice', { note: '已加派清运车', via: 'phone' });

    // The next day: G's second round within its new 24 hours, D answered 25 hours late, E registered.
    at('2026-11-19', '09:00');
    await signIn();
    await solve(c.G.id, '更换整段水管');
    await act('kefuzhuguan', c.G.id, 'callback_unsatisfied', { method: 'visit', note: '楼下天花板仍渗水' });
    at('2026-11-19', '14:00');
    await act('qiantai', c.D.id, 'progress_notice', { note: '正在整理收费依据', via: 'phone' });
    await solve(c.D.id, '已公示收费标准');
    await act('qiantai', c.D.id, 'analyse', { cause: '收费公示不到位', preventive: '每季度公示' });
    await act('qiantai', c.D.id, 'decline_callback', {});
    at('2026-11-19', '15:00');
    c.E = await byOwner('快递经常被放错', undefined, 'significant');
    at('2026-11-19', '16:00');
    await signIn();
  });
  afterAll(() => srv?.close());

  const q = (p: Record<string, string>) => `?${new URLSearchParams({ projectId: yghy, month: '2026-11', ...p })}`;
  const companyQ = (p: Record<string, string>) => `?${new URLSearchParams({ month: '2026-11', ...p })}`;
  const xlsx = async (client: Client, path: string) => {
    const res = await fetch(srv.url + path, { headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    const buf = Buffer.from(await res.arrayBuffer());
    const wb = new ExcelJS.Workbook();
    if (res.status === 200) await wb.xlsx.load(buf as unknown as ArrayBuffer);
    return { res, wb };
  };
  /** A row's cells from the first, an empty cell as null. */
  const values = (ws: ExcelJS.Worksheet, n: number) => Array.from((ws.getRow(n).values as unknown[]).slice(1), (v) => v ?? null);
  const fig = (f: Partial<Record<string, number | null>>) => ({
    total: 0,
    satisfied: 0,
    noCallback: 0,
    declined: 0,
    closedOther: 0,
    open: 0,
    onTime: 0,
    late: 0,
    responseMeasured: 0,
    responseRate: null,
    callbacks: 0,
    satisfactionRate: null,
    reopens: 0,
    reopened: 0,
    ...f,
  });
  const ZERO = fig({});
  const YGHY_TOTAL = fig({
    total: 7,
    satisfied: 1,
    noCallback: 1,
    declined: 1,
    open: 4,
    onTime: 5,
    late: 1,
    responseMeasured: 6,
    responseRate: 0.8333,
    callbacks: 4,
    satisfactionRate: 0.25,
    reopens: 3,
    reopened: 2,
  });
  const H_FIG = fig({ total: 1, open: 1, onTime: 1, responseMeasured: 1, responseRate: 1 });

  it('receptionist: the table counts each complaint once, by top-level category × grade, with outcomes and rates', async () => {
    const r = await as.qiantai!.get(`/api/reports/complaints${q({})}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      month: '2026-11',
      scope: 'project',
      projectId: yghy,
      projectName: '阳光花园',
      title: '顾客投诉分类统计表',
    });
    expect(r.body.totals).toEqual(YGHY_TOTAL);
    const rows = Object.fromEntries(r.body.categories.map((x: Row) => [x.name, x]));
    // Every active top-level category is listed, in catalog order; the uncategorized come last.
    expect(r.body.categories.map((x: Row) => x.name)).toEqual(['服务质量', '环境与秩序', '收费', '其他', '未分类']);
    expect(rows.服务质量.categoryId).toBe(cat.服务质量);
    expect(rows.服务质量.grades).toEqual({
      general: fig({ total: 1, noCallback: 1, onTime: 1, responseMeasured: 1, responseRate: 1 }),
      significant: ZERO,
      urgent: fig({
        total: 1,
        open: 1,
        onTime: 1,
        responseMeasured: 1,
        responseRate: 1,
        callbacks: 2,
        satisfactionRate: 0,
        reopens: 2,
        reopened: 1,
      }),
    });
    expect(rows.环境与秩序.grades).toEqual({
      general: fig({
        total: 2,
        satisfied: 1,
        declined: 1,
        onTime: 2,
        responseMeasured: 2,
        responseRate: 1,
        callbacks: 2,
        satisfactionRate: 0.5,
        reopens: 1,
        reopened: 1,
      }),
      significant: ZERO,
      urgent: fig({ total: 1, open: 1, onTime: 1, responseMeasured: 1, responseRate: 1 }),
    });
    expect(rows.收费.grades.general).toEqual(fig({ total: 1, open: 1, late: 1, responseMeasured: 1, responseRate: 0 }));
    expect(rows.其他.subtotal).toEqual(ZERO);
    expect(rows.未分类).toMatchObject({ categoryId: null, grades: { significant: fig({ total: 1, open: 1 }) } });
    expect(rows.环境与秩序.subtotal).toMatchObject({ total: 3, open: 1, onTime: 3, reopens: 1 });
    expect(r.body.byGrade.general).toMatchObject({
      total: 4,
      satisfied: 1,
      noCallback: 1,
      declined: 1,
      open: 1,
      onTime: 3,
      late: 1,
      responseRate: 0.75,
    });
    expect(r.body.byGrade.significant).toEqual(fig({ total: 1, open: 1 }));
    expect(r.body.byGrade.urgent).toMatchObject({ total: 2, open: 2, onTime: 2, reopens: 2 });
    expect(r.body.projects).toEqual([{ projectId: yghy, projectName: '阳光花园', figures: YGHY_TOTAL }]);

    // October holds X alone; November's complaints are not in it.
    const oct = await as.qiantai!.get(`/api/reports/complaints${q({ month: '2026-10' })}`);
    expect(oct.body.totals).toEqual(fig({ total: 1, open: 1 }));
  });

  it('receptionist: every figure opens exactly the complaints behind it', async () => {
    const list = async (figure: string, extra: Record<string, string> = {}, path = q) => {
      const r = await as.qiantai!.get(`/api/reports/complaints/items${path({ figure, ...extra })}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.truncated).toBe(false);
      return r.body.items as Row[];
    };
    const ids = async (figure: string, extra: Record<string, string> = {}) => (await list(figure, extra)).map((i) => i.id);
    const of = (...keys: string[]) => keys.map((k) => c[k]!.id);
    expect(await ids('total')).toEqual(of('F', 'A', 'B', 'C', 'D', 'G', 'E'));
    expect(await ids('satisfied')).toEqual(of('A'));
    expect(await ids('no_callback')).toEqual(of('B'));
    expect(await ids('declined')).toEqual(of('F'));
    expect(await ids('closed_other')).toEqual([]);
    expect(await ids('open')).toEqual(of('C', 'D', 'G', 'E'));
    expect(await ids('on_time')).toEqual(of('F', 'A', 'B', 'C', 'G'));
    expect(await ids('late')).toEqual(of('D'));
    expect(await ids('measured')).toEqual(of('F', 'A', 'B', 'C', 'D', 'G'));
    expect(await ids('reopened')).toEqual(of('A', 'G'));
    // Per callback: A's unsatisfied and satisfied ones, G's two unsatisfied ones.
    const callbacks = await list('callbacks');
    expect(callbacks.map((i) => [i.id, i.callback.satisfied, i.callback.method, i.callback.note])).toEqual([
      [c.A!.id, false, 'phone', '只修剪了一半'],
      [c.A!.id, true, 'visit', '住户满意'],
      [c.G!.id, false, 'phone', '还在滴水'],
      [c.G!.id, false, 'visit', '楼下天花板仍渗水'],
    ]);
    expect((await list('reopens')).map((i) => i.id)).toEqual(of('A', 'G', 'G'));
    // One cell of the table, one category, one grade.
    expect(await ids('total', { categoryId: cat.环境与秩序 as string, grade: 'general' })).toEqual(of('F', 'A'));
    expect(await ids('total', { categoryId: cat.服务质量 as string })).toEqual(of('B', 'G'));
    expect(await ids('reopens', { categoryId: cat.服务质量 as string, grade: 'urgent' })).toEqual(of('G', 'G'));
    expect(await ids('total', { categoryId: 'none' })).toEqual(of('E'));
    expect(await ids('total', { grade: 'urgent' })).toEqual(of('C', 'G'));
    expect(await ids('late', { categoryId: cat.其他 as string })).toEqual([]);

    const [a] = await list('satisfied');
    expect(a).toMatchObject({
      number: c.A!.number,
      projectName: '阳光花园',
      unit: '3-1-1502',
      requesterName: ownerName,
      category: '环境与秩序 / 绿化',
      grade: 'general',
      gradeLabel: '一般',
      status: 'closed',
      statusLabel: '已结案',
      closeReason: 'satisfied',
      closeReasonLabel: '回访满意结案',
      reopenCount: 1,
      callback: null,
    });
    const limited = await as.qiantai!.get(`/api/reports/complaints/items${q({ figure: 'total', limit: '2' })}`);
    expect(limited.body.items).toHaveLength(2);
    expect(limited.body.truncated).toBe(true);
    const cut = await as.qiantai!.get(`/api/reports/complaints/items${q({ figure: 'callbacks', limit: '3' })}`);
    expect(cut.body.items).toHaveLength(3);
    expect(cut.body.truncated).toBe(true);
  });

  it('quality department: the company view has one row per project and sums them; each project’s drill-down stays its own', async () => {
    const r = await as.pinzhi!.get(`/api/reports/complaints${companyQ({})}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ scope: 'company', projectId: null, projectName: '全公司' });
    // Ordered by project code: 翠湖苑 (CHY) before 阳光花园 (YGHY).
    expect(r.body.projects).toEqual([
      { projectId: chy, projectName: '翠湖苑', figures: H_FIG },
      { projectId: yghy, projectName: '阳光花园', figures: YGHY_TOTAL },
    ]);
    const sum = (k: string) => r.body.projects.reduce((s: number, p: Row) => s + p.figures[k], 0);
    for (const k of [
      'total',
      'satisfied',
      'noCallback',
      'declined',
      'closedOther',
      'open',
      'onTime',
      'late',
      'callbacks',
      'reopens',
      'reopened',
    ])
      expect(r.body.totals[k], k).toBe(sum(k));
    expect(r.body.totals).toMatchObject({
      total: 8,
      open: 5,
      onTime: 6,
      late: 1,
      responseMeasured: 7,
      responseRate: 0.8571,
      satisfactionRate: 0.25,
    });
    const env = r.body.categories.find((x: Row) => x.name === '环境与秩序');
    expect(env.grades.general.total).toBe(3);

    const items = await as.pinzhi!.get(
      `/api/reports/complaints/items${companyQ({ figure: 'total', categoryId: cat.环境与秩序 as string })}`,
    );
    expect(items.body.items.map((i: Row) => [i.id, i.projectName])).toEqual([
      [c.F!.id, '阳光花园'],
      [c.A!.id, '阳光花园'],
      [c.C!.id, '阳光花园'],
      [c.H!.id, '翠湖苑'],
    ]);
    const there = await as.pinzhi!.get(`/api/reports/complaints?projectId=${chy}&month=2026-11`);
    expect(there.body).toMatchObject({ projectName: '翠湖苑', totals: H_FIG });

    // A receptionist of 阳光花园 asking for the company sees only the projects in reach.
    const mine = await as.qiantai!.get(`/api/reports/complaints${companyQ({})}`);
    expect(mine.body.projects.map((p: Row) => p.projectId)).toEqual([yghy]);
    expect(mine.body.totals).toEqual(YGHY_TOTAL);
    const mineItems = await as.qiantai!.get(`/api/reports/complaints/items${companyQ({ figure: 'total' })}`);
    expect(mineItems.body.items.map((i: Row) => i.id)).not.toContain(c.H!.id);
  });

  it('receptionist: the daily register lists the day’s complaints with full details, anonymous ones as 匿名', async () => {
    const r = await as.qiantai!.get(`/api/reports/complaint-register?projectId=${yghy}&date=2026-11-18`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ projectName: '阳光花园', date: '2026-11-18', month: null, title: '投诉登记表' });
    expect(r.body.rows.map((x: Row) => x.number)).toEqual([c.A, c.B, c.C, c.D, c.G].map((x) => x!.number));
    const [a, b, anon, d, g] = r.body.rows;
    expect(a).toMatchObject({
      seq: 1,
      createdAt: localDateTime('2026-11-18', '09:00'),
      channel: 'phone',
      channelLabel: '来电',
      requesterName: ownerName,
      unit: '3-1-1502',
      requesterPhone: ownerPhone,
      content: '绿化带长期无人修剪',
      category: '环境与秩序 / 绿化',
      grade: 'general',
      gradeLabel: '一般',
      department: '客服部',
      status: 'closed',
      statusLabel: '已结案',
      resolution: '已全部修剪',
      closeReason: 'satisfied',
      reopenCount: 1,
      closedAt: localDateTime('2026-11-18', '09:50'),
    });
    expect(a.outcome).toBe('2026-11-18 电话回访：不满意，退回重办（只修剪了一半）；2026-11-18 上门回访：满意（住户满意）');
    expect(b).toMatchObject({ gradeLabel: '一般', closeReason: 'solved_on_spot', closedAt: localDateTime('2026-11-18', '11:10') });
    expect(b.outcome).toBe('2026-11-18 无需回访结案：当场解决并经确认（住户当场确认）');
    expect(anon).toMatchObject({
      requesterName: '匿名',
      requesterPhone: '',
      channelLabel: '来信',
      gradeLabel: '紧急',
      status: 'registered',
      outcome: '',
    });
    expect(d).toMatchObject({ status: 'callback_declined', outcome: '2026-11-19 投诉人谢绝回访', closedAt: null });
    expect(g).toMatchObject({ handler: '刘志强', reopenCount: 2, statusLabel: '调查中' });

    const month = await as.qiantai!.get(`/api/reports/complaint-register?projectId=${yghy}&month=2026-11`);
    expect(month.body.rows.map((x: Row) => x.id)).toEqual([c.F, c.A, c.B, c.C, c.D, c.G, c.E].map((x) => x!.id));
    expect(month.body.rows[0].outcome).toBe('2026-11-02 投诉人谢绝回访（住户表示不用回访）；2026-11-09 谢绝回访 7 天无再投诉，自动结案');
    const empty = await as.qiantai!.get(`/api/reports/complaint-register?projectId=${yghy}&date=2026-11-20`);
    expect(empty.body.rows).toEqual([]);
  });

  it('technician: the register masks phones, in the JSON and in the workbook', async () => {
    const masked = `${ownerPhone.slice(0, 3)}****${ownerPhone.slice(-4)}`;
    const r = await as.weixiu!.get(`/api/reports/complaint-register?projectId=${yghy}&date=2026-11-18`);
    expect(r.status).toBe(200);
    expect(r.body.rows[0].requesterPhone).toBe(masked);
    const { res, wb } = await xlsx(as.weixiu!, `/api/reports/complaint-register.xlsx?projectId=${yghy}&date=2026-11-18`);
    expect(res.status).toBe(200);
    const ws = wb.getWorksheet('投诉登记表') as ExcelJS.Worksheet;
    const header = values(ws, 3) as string[];
    expect(ws.getRow(4).getCell(header.indexOf('联系电话') + 1).value).toBe(masked);
    let all = '';
    ws.eachRow((row) => {
      all += JSON.stringify(row.values);
    });
    expect(all).not.toContain(ownerPhone);
  });

  it('receptionist: the register downloads as .xlsx with title, rows and total', async () => {
    const { res, wb } = await xlsx(as.qiantai!, `/api/reports/complaint-register.xlsx?projectId=${yghy}&date=2026-11-18`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const cd = res.headers.get('content-disposition') ?? '';
    expect(cd).toMatch(/^attachment; filename="complaint-register-2026-11-18\.xlsx"; /);
    expect(cd).toContain(`filename*=UTF-8''${encodeURIComponent('投诉登记表-阳光花园-2026-11-18.xlsx')}`);
    const ws = wb.getWorksheet('投诉登记表') as ExcelJS.Worksheet;
    expect(ws.getRow(1).getCell(1).value).toBe('投诉登记表');
    expect(String(ws.getRow(2).getCell(1).value)).toContain('日期：2026年11月18日');
    const header = values(ws, 3) as string[];
    expect(header).toEqual([
      '序号',
      '编号',
      '投诉时间',
      '方式',
      '投诉人',
      '房号',
      '联系电话',
      '投诉内容',
      '类别',
      '级别',
      '责任部门',
      '处理人',
      '状态',
      '处理结果',
      '回访及结案情况',
      '退回重办次数',
      '结案时间',
    ]);
    const cell = (row: number, name: string) => ws.getRow(row).getCell(header.indexOf(name) + 1);
    expect(cell(4, '编号').value).toBe(c.A!.number);
    expect(cell(4, '联系电话').value).toBe(ownerPhone);
    expect((cell(4, '投诉时间').value as Date).getTime()).toBe(localDateTime('2026-11-18', '09:00') + 8 * HOUR);
    expect(cell(6, '投诉人').value).toBe('匿名');
    expect(cell(8, '处理人').value).toBe('刘志强');
    expect(cell(9, '序号').value).toBe('合计');
    expect(cell(9, '编号').value).toBe('共 5 件');
    expect(cell(9, '退回重办次数').value).toBe(3);
    expect(ws.rowCount).toBe(9);
  });

  it('quality department: the table workbook holds the same numbers, category × grade and by project', async () => {
    const { res, wb } = await xlsx(as.pinzhi!, `/api/reports/complaints.xlsx${companyQ({})}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent('顾客投诉分类统计表-全公司-2026-11.xlsx')}`,
    );
    const ws = wb.getWorksheet('分类统计') as ExcelJS.Worksheet;
    expect(ws.getRow(1).getCell(1).value).toBe('顾客投诉分类统计表');
    expect(String(ws.getRow(2).getCell(1).value)).toContain('项目：全公司');
    expect(String(ws.getRow(2).getCell(1).value)).toContain('月份：2026年11月');
    expect(values(ws, 3)).toEqual([
      '类别',
      '级别',
      '投诉数',
      '回访满意结案',
      '无需回访结案',
      '谢绝回访结案',
      '其他结案',
      '未结案',
      '24小时内回应',
      '回应超时',
      '24小时回应率',
      '回访次数',
      '回访满意率',
      '退回重办次数',
      '退回重办投诉数',
    ]);
    const lines = new Map<string, unknown[]>();
    ws.eachRow((row, n) => {
      if (n > 3) lines.set(`${row.getCell(1).value}/${row.getCell(2).value ?? ''}`, values(ws, n).slice(2));
    });
    // 5 categories × 3 grades, then the total.
    expect(ws.rowCount).toBe(3 + 15 + 1);
    expect(lines.get('环境与秩序/一般')).toEqual([3, 1, 0, 1, 0, 1, 3, 0, 1, 2, 0.5, 1, 1]);
    expect(lines.get('服务质量/紧急')).toEqual([1, 0, 0, 0, 0, 1, 1, 0, 1, 2, 0, 2, 1]);
    expect(lines.get('收费/一般')).toEqual([1, 0, 0, 0, 0, 1, 0, 1, 0, 0, null, 0, 0]);
    expect(lines.get('未分类/重大')).toEqual([1, 0, 0, 0, 0, 1, 0, 0, null, 0, null, 0, 0]);
    expect(lines.get('合计/')).toEqual([8, 1, 1, 1, 0, 5, 6, 1, 0.8571, 4, 0.25, 3, 2]);
    expect(ws.getRow(4).getCell(11).numFmt).toBe('0.0%');

    const byProject = wb.getWorksheet('按项目') as ExcelJS.Worksheet;
    expect(values(byProject, 4)).toEqual(['翠湖苑', 1, 0, 0, 0, 0, 1, 1, 0, 1, 0, null, 0, 0]);
    expect(values(byProject, 5)).toEqual(['阳光花园', 7, 1, 1, 1, 0, 4, 5, 1, 0.8333, 4, 0.25, 3, 2]);
    expect(values(byProject, 6)).toEqual(['合计', 8, 1, 1, 1, 0, 5, 6, 1, 0.8571, 4, 0.25, 3, 2]);
    // A sheet's numbers sum like the table's: the category rows add up to the total row.
    let sum = 0;
    for (let n = 4; n < ws.rowCount; n++) sum += Number(ws.getRow(n).getCell(3).value);
    expect(sum).toBe(8);
    expect(wb.getWorksheet('口径说明')?.getRow(1).getCell(1).value).toContain('口径说明');
  });

  it('receptionist of 阳光花园: another project is not found, whichever report; bad input is a 400 naming the field', async () => {
    for (const path of [
      `/api/reports/complaints?projectId=${chy}&month=2026-11`,
      `/api/reports/complaints/items?projectId=${chy}&month=2026-11&figure=total`,
      `/api/reports/complaints.xlsx?projectId=${chy}&month=2026-11`,
      `/api/reports/complaint-register?projectId=${chy}&date=2026-11-18`,
      `/api/reports/complaint-register.xlsx?projectId=${chy}&date=2026-11-18`,
    ]) {
      const r = await as.qiantai!.get(path);
      expect(r.status, path).toBe(404);
      expect(r.body.error.message).toBe('项目不存在或无权查看');
    }
    const badMonth = await as.qiantai!.get(`/api/reports/complaints${q({ month: '2026-13' })}`);
    expect(badMonth.status).toBe(400);
    expect(badMonth.body.error.fields.month).toContain('YYYY-MM');
    const badDay = await as.qiantai!.get(`/api/reports/complaint-register?projectId=${yghy}&date=2026-02-30`);
    expect(badDay.status).toBe(400);
    expect(badDay.body.error.fields.date).toBe('没有这一天');
    const noDay = await as.qiantai!.get(`/api/reports/complaint-register?projectId=${yghy}`);
    expect(noDay.status).toBe(400);
    expect(noDay.body.error.fields.date).toContain('请指定日期');
    const both = await as.qiantai!.get(`/api/reports/complaint-register?projectId=${yghy}&date=2026-11-18&month=2026-11`);
    expect(both.status).toBe(400);
    const figure = await as.qiantai!.get(`/api/reports/complaints/items${q({ figure: 'everything' })}`);
    expect(figure.status).toBe(400);
    expect(Object.keys(figure.body.error.fields)).toContain('figure');
    const grade = await as.qiantai!.get(`/api/reports/complaints/items${q({ figure: 'total', grade: 'huge' })}`);
    expect(grade.status).toBe(400);
  });

  it('resident: none of the complaint reports is reachable', async () => {
    for (const path of [
      `/api/reports/complaints${q({})}`,
      `/api/reports/complaints/items${q({ figure: 'total' })}`,
      `/api/reports/complaints.xlsx${q({})}`,
      `/api/reports/complaint-register?projectId=${yghy}&date=2026-11-18`,
      `/api/reports/complaint-register.xlsx?projectId=${yghy}&date=2026-11-18`,
    ]) {
      const r = await as.yezhu!.get(path);
      expect(r.status, path).toBe(403);
    }
  });
});
