import ExcelJS from 'exceljs';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { localDateTime } from '../../server/platform/calendar/calendar.ts';
import { newId } from '../../server/platform/ids.ts';
import { describeEachDb, TestClock } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const MIN = 60_000;
const CHINA = 8 * 3_600_000;

type Row = Record<string, any>;

/**
 * R-RP-2 registers and R-RP-9 monthly summary: repairs driven through the API across the
 * end of October into November, then every figure, its drill-down list, both registers
 * and both workbooks checked against what happened.
 */
describeEachDb('repair registers and the monthly repair summary', (dialect) => {
  let srv: TestServer;
  // Starts on the last working day of October: one order is reported there and finished in November.
  const clock = new TestClock(localDateTime('2026-10-30', '09:00'));
  const as: Record<string, Client> = {};
  let yghy: string;
  let chy: string;
  let unitId: string;
  let ownerId: string;
  let ownerPhone: string;
  let weixiuId: string;
  const cat: Record<string, string> = {};
  let drainItem: { id: string; priceFen: number };
  /** A (free, on time, signed), B (paid, late), C (rework of A), D (paid, declined), E (October, done in November), F (other project). */
  const o: Record<string, { id: string; number: string }> = {};

  const report = async (content: string, categoryId: string, extra: Record<string, unknown> = {}) => {
    const r = await as.qiantai!.post('/api/requests', {
      projectId: yghy,
      kind: 'repair',
      channel: 'phone',
      unitId,
      requesterPersonId: ownerId,
      categoryId,
      content,
      preferredTime: '工作日下午',
      readBackConfirmed: true,
      ...extra,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { id: r.body.id as string, number: r.body.number as string };
  };
  const act = async (who: string, id: string, action: string, body: Record<string, unknown> = {}) => {
    const cur = await as[who]!.get(`/api/requests/${id}`);
    const r = await as[who]!.post(`/api/requests/${id}/actions/${action}`, { version: cur.body.version, ...body });
    expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200);
    return r.body;
  };
  const work = async (id: string, complete: Record<string, unknown>) => {
    for (const step of ['accept', 'depart', 'arrive']) await act('weixiu', id, step);
    await act('weixiu', id, 'findings', { findings: '现场检查：线路老化' });
    return act('weixiu', id, 'complete', complete);
  };
  /** A weekly callback task on the order; with a time, its result is recorded through the API at that time. */
  const callback = async (
    requestId: string,
    projectId: string,
    doneAt: number | null,
    f: { outcome?: string; satisfaction?: string; note?: string },
  ) => {
    const id = newId();
    await srv.ctx.db
      .insertInto('callbacks')
      .values({
        id,
        project_id: projectId,
        request_id: requestId,
        kind: 'weekly',
        draw_id: null,
        seq: 1,
        due_at: clock.now() + 86_400_000,
        status: 'pending',
        method: null,
        outcome: null,
        satisfaction: null,
        note: '',
        done_by: null,
        done_at: null,
        created_at: clock.now(),
        version: 1,
      })
      .execute();
    if (doneAt === null) return;
    const before = clock.t;
    clock.t = doneAt;
    await signIn();
    const r = await as.pinzhi!.post(`/api/callbacks/${id}/result`, { version: 1, method: 'phone', note: '', ...f });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    clock.t = before;
  };

  /** Sessions expire: the clock jumps days, so everyone signs in again after a jump. */
  const signIn = async () => {
    for (const u of ['qiantai', 'kefuzhuguan', 'weixiu', 'pinzhi']) {
      as[u] = new Client(srv.url);
      expect((await as[u].login(u, DEMO_PASSWORD)).status).toBe(200);
    }
  };

  beforeAll(async () => {
    srv = await startTestServer({ dialect, clock });
    await signIn();
    yghy = srv.demo.projectByCode.YGHY as string;
    chy = srv.demo.projectByCode.CHY as string;
    const db = srv.ctx.db;
    unitId = (
      await db.selectFrom('units').select('id').where('project_id', '=', yghy).where('number', '=', '3-1-1502').executeTakeFirstOrThrow()
    ).id;
    const owner = await db
      .selectFrom('occupancies')
      .innerJoin('people', 'people.id', 'occupancies.person_id')
      .select(['people.id', 'people.phone'])
      .where('occupancies.unit_id', '=', unitId)
      .where('occupancies.relation', '=', 'owner')
      .executeTakeFirstOrThrow();
    ownerId = owner.id;
    ownerPhone = owner.phone;
    weixiuId = (await db.selectFrom('users').select('id').where('username', '=', 'weixiu').executeTakeFirstOrThrow()).id;
    for (const c of await db.selectFrom('categories').select(['id', 'name']).where('kind', '=', 'repair').execute()) cat[c.name] = c.id;
    const prices = await as.qiantai!.get(`/api/price-items?projectId=${yghy}`);
    drainItem = prices.body.find((p: { name: string }) => p.name === '疏通下水道');

    // October: E is reported (and never answered in October).
    o.E = await report('入户门锁芯损坏', cat.门窗五金 as string);

    // November, a Wednesday morning.
    clock.t = localDateTime('2026-11-18', '09:00');
    await signIn();
    const png = await sharp({ create: { width: 200, height: 80, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 1 } } })
      .composite([
        {
          input: Buffer.from(
            '<svg width="200" height="80"><path d="M10 60 C 50 10, 90 70, 190 20" stroke="black" fill="none" stroke-width="4"/></svg>',
          ),
        },
      ])
      .png()
      .toBuffer();

    // A: free, told the resident within ten minutes, signed and confirmed.
    o.A = await report('楼道灯不亮', cat.公共照明 as string, { repairScope: 'common' });
    await act('qiantai', o.A.id, 'mark_free', { scope: 'common', reason: '公共设施维修' });
    clock.advance(3 * MIN);
    await act('qiantai', o.A.id, 'dispatch', { assigneeId: weixiuId, appointmentAt: localDateTime('2026-11-18', '10:00'), informed: true });
    clock.advance(60 * MIN);
    await work(o.A.id, { labourFen: 0, feeCollectedFen: 0 });
    await act('weixiu', o.A.id, 'sign', { signature: `data:image/png;base64,${png.toString('base64')}` });
    await act('qiantai', o.A.id, 'confirm', { via: 'signature' });

    // B: paid, quoted and agreed, dispatched twelve minutes after the report: answered late.
    clock.t = localDateTime('2026-11-18', '14:00');
    o.B = await report('厨房下水道堵塞', cat.水电 as string);
    await act('qiantai', o.B.id, 'quote', { priceItemId: drainItem.id, reason: '保修期已过' });
    await act('qiantai', o.B.id, 'agree', { via: 'phone' });
    clock.advance(12 * MIN);
    await act('qiantai', o.B.id, 'dispatch', { assigneeId: weixiuId, appointmentAt: localDateTime('2026-11-18', '16:00'), informed: true });
    clock.advance(90 * MIN);
    await work(o.B.id, {
      materials: [{ name: '疏通剂', quantity: 2, unit: '瓶', priceFen: 1500 }],
      labourFen: 8000,
      feeCollectedFen: 11000,
    });
    await act('weixiu', o.B.id, 'resident_absent', { note: '住户外出' });
    await act('kefuzhuguan', o.B.id, 'confirm', { via: 'phone' });

    // E (from October) is done in November.
    clock.advance(30 * MIN);
    await act('qiantai', o.E.id, 'mark_free', { reason: '保修期内' });
    await act('qiantai', o.E.id, 'dispatch', { assigneeId: weixiuId, appointmentAt: clock.now() + 60 * MIN, informed: true });
    await work(o.E.id, {});

    // C: the light of A is out again; a rework order linked to A, not yet answered.
    clock.t = localDateTime('2026-11-20', '10:00');
    await signIn();
    const reworked = await act('kefuzhuguan', o.A.id, 'rework', { reason: '楼道灯又不亮了' });
    const link = reworked.history.at(-1).data;
    o.C = { id: link.reworkId, number: link.reworkNumber };

    // D: paid, the resident declines the price at once: its answer deadline is cancelled, not counted.
    clock.advance(MIN);
    o.D = await report('更换水龙头', cat.水电 as string);
    await act('qiantai', o.D.id, 'quote', { priceItemId: drainItem.id, quotedFen: 5000, reason: '保修期已过' });
    await act('qiantai', o.D.id, 'decline', { reason: '住户自行更换' });

    // F: another project's repair in the same month.
    const f = await as.pinzhi!.post('/api/requests', {
      projectId: chy,
      kind: 'repair',
      channel: 'phone',
      requesterName: '翠湖住户',
      requesterPhone: '13900001111',
      location: '2栋大堂',
      categoryId: cat.水电,
      content: '翠湖苑大堂漏水',
      repairScope: 'common',
      readBackConfirmed: true,
    });
    expect(f.status, JSON.stringify(f.body)).toBe(201);
    o.F = { id: f.body.id, number: f.body.number };

    // Callbacks: four done in November, one pending, one done in October, one of the other project.
    const nov = (d: string, t: string) => localDateTime(d, t);
    await callback(o.A.id, yghy, nov('2026-11-23', '10:00'), { outcome: 'reached', satisfaction: 'satisfied', note: '灯已亮' });
    await callback(o.B.id, yghy, nov('2026-11-23', '10:30'), { outcome: 'reached', satisfaction: 'dissatisfied', note: '上门太慢' });
    await callback(o.E.id, yghy, nov('2026-11-23', '11:00'), { outcome: 'unreachable' });
    await callback(o.E.id, yghy, nov('2026-11-24', '11:00'), { outcome: 'reached', satisfaction: 'basically_satisfied' });
    await callback(o.E.id, yghy, localDateTime('2026-10-31', '10:00'), { outcome: 'reached', satisfaction: 'dissatisfied' });
    await callback(o.F.id, chy, nov('2026-11-23', '10:00'), { outcome: 'reached', satisfaction: 'satisfied' });
    clock.t = localDateTime('2026-12-01', '09:00');
    await signIn();
  });
  afterAll(() => srv?.close());

  const q = (p: Record<string, string>) => `?${new URLSearchParams({ projectId: yghy, month: '2026-11', ...p })}`;
  const xlsx = async (client: Client, path: string) => {
    const res = await fetch(srv.url + path, { headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    const buf = Buffer.from(await res.arrayBuffer());
    const wb = new ExcelJS.Workbook();
    if (res.status === 200) await wb.xlsx.load(buf as unknown as ArrayBuffer);
    return { res, wb };
  };
  const values = (ws: ExcelJS.Worksheet, n: number) => (ws.getRow(n).values as unknown[]).slice(1);

  it('receptionist: the summary has exact figures by category and in total', async () => {
    const r = await as.qiantai!.get(`/api/reports/repairs${q({})}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      projectId: yghy,
      projectName: '阳光花园',
      month: '2026-11',
      total: 4,
      completed: 3,
      onTime: { measured: 2, met: 1, late: 1, rate: 0.5 },
      rework: { completed: 3, reworks: 1, rate: 0.3333 },
      callbacks: { done: 4, satisfied: 1, basicallySatisfied: 1, dissatisfied: 1, unreachable: 1, satisfactionRate: 0.6667 },
      paid: { orders: 1, revenueFen: 11000 },
    });
    expect(r.body.byCategory).toEqual([
      { categoryId: cat.水电, name: '室内维修 / 水电', reported: 2, completed: 1, onTime: 0, late: 1, rework: 0, paidRevenueFen: 11000 },
      {
        categoryId: cat.门窗五金,
        name: '室内维修 / 门窗五金',
        reported: 0,
        completed: 1,
        onTime: 0,
        late: 0,
        rework: 0,
        paidRevenueFen: 0,
      },
      {
        categoryId: cat.公共照明,
        name: '公共设施 / 公共照明',
        reported: 2,
        completed: 1,
        onTime: 1,
        late: 0,
        rework: 1,
        paidRevenueFen: 0,
      },
    ]);
    // October: only E was reported there, and answered late (in November); the callback of 31 October counts there.
    const oct = await as.qiantai!.get(`/api/reports/repairs${q({ month: '2026-10' })}`);
    expect(oct.body).toMatchObject({
      total: 1,
      completed: 0,
      onTime: { measured: 1, met: 0, late: 1, rate: 0 },
      rework: { rate: null },
      callbacks: { done: 1, dissatisfied: 1, satisfactionRate: 0 },
    });
  });

  it('receptionist: every figure opens the orders behind it, in total and per category', async () => {
    const ids = async (figure: string, extra: Record<string, string> = {}) => {
      const r = await as.qiantai!.get(`/api/reports/repairs/orders${q({ figure, ...extra })}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.truncated).toBe(false);
      return r.body.items.map((i: Row) => i.id);
    };
    expect(await ids('reported')).toEqual([o.A!.id, o.B!.id, o.C!.id, o.D!.id]);
    expect(await ids('completed')).toEqual([o.A!.id, o.B!.id, o.E!.id]);
    expect(await ids('on_time')).toEqual([o.A!.id]);
    expect(await ids('late')).toEqual([o.B!.id]);
    expect(await ids('rework')).toEqual([o.C!.id]);
    expect(await ids('callbacks')).toEqual([o.A!.id, o.B!.id, o.E!.id, o.E!.id]);
    expect(await ids('dissatisfied')).toEqual([o.B!.id]);
    expect(await ids('paid')).toEqual([o.B!.id]);
    expect(await ids('reported', { categoryId: cat.水电 as string })).toEqual([o.B!.id, o.D!.id]);
    expect(await ids('rework', { categoryId: cat.公共照明 as string })).toEqual([o.C!.id]);
    expect(await ids('completed', { categoryId: cat.门窗五金 as string })).toEqual([o.E!.id]);
    expect(await ids('reported', { categoryId: 'none' })).toEqual([]);

    const paid = await as.qiantai!.get(`/api/reports/repairs/orders${q({ figure: 'paid' })}`);
    expect(paid.body.items[0]).toMatchObject({
      number: o.B!.number,
      unit: '3-1-1502',
      category: '室内维修 / 水电',
      status: 'archived',
      statusLabel: '已确认归档',
      paid: true,
      feeCollectedFen: 11000,
      callback: null,
    });
    const bad = await as.qiantai!.get(`/api/reports/repairs/orders${q({ figure: 'dissatisfied' })}`);
    expect(bad.body.items[0].callback).toMatchObject({ outcome: 'reached', satisfaction: 'dissatisfied', note: '上门太慢' });
    const limited = await as.qiantai!.get(`/api/reports/repairs/orders${q({ figure: 'reported', limit: '2' })}`);
    expect(limited.body.items).toHaveLength(2);
    expect(limited.body.truncated).toBe(true);
  });

  it('receptionist: the two registers list the month’s free and paid repairs with full phones', async () => {
    const free = await as.qiantai!.get(`/api/reports/repair-register${q({ register: 'free' })}`);
    expect(free.status).toBe(200);
    expect(free.body.title).toBe('业主报修登记表');
    // C is not assessed yet: not paid, so in the free register; E belongs to October's.
    expect(free.body.rows.map((r: Row) => r.number)).toEqual([o.A!.number, o.C!.number]);
    const a = free.body.rows[0];
    expect(a).toMatchObject({
      seq: 1,
      reportedAt: localDateTime('2026-11-18', '09:00'),
      unit: '3-1-1502',
      requesterPhone: ownerPhone,
      category: '公共设施 / 公共照明',
      preferredTime: '工作日下午',
      dispatchedAt: localDateTime('2026-11-18', '09:03'),
      appointmentAt: localDateTime('2026-11-18', '10:00'),
      technician: '张师傅',
      completedAt: localDateTime('2026-11-18', '10:03'),
      findings: '现场检查：线路老化',
      signed: true,
      signedAt: localDateTime('2026-11-18', '10:03'),
      confirmedAt: localDateTime('2026-11-18', '10:03'),
      status: 'archived',
    });
    expect(a.callbackResult).toBe('2026-11-23 电话 满意：灯已亮');
    expect(free.body.rows[1]).toMatchObject({ signed: false, dispatchedAt: null, technician: null, statusLabel: '待派工' });

    const paid = await as.qiantai!.get(`/api/reports/repair-register${q({ register: 'paid' })}`);
    expect(paid.body.title).toBe('业主报修有偿服务登记表');
    expect(paid.body.rows.map((r: Row) => r.number)).toEqual([o.B!.number, o.D!.number]);
    expect(paid.body.rows[0]).toMatchObject({
      priceItem: '疏通下水道',
      quotedFen: drainItem.priceFen,
      agreedAt: localDateTime('2026-11-18', '14:00'),
      agreedVia: '电话',
      dispatchedAt: localDateTime('2026-11-18', '14:12'),
      materialsFen: 3000,
      labourFen: 8000,
      feeCollectedFen: 11000,
      signed: false,
      callbackResult: '2026-11-23 电话 不满意：上门太慢',
    });
    expect(paid.body.rows[1]).toMatchObject({ quotedFen: 5000, agreedAt: null, feeCollectedFen: 0, status: 'declined' });
    expect(paid.body.totals).toEqual({
      count: 2,
      quotedFen: drainItem.priceFen + 5000,
      materialsFen: 3000,
      labourFen: 8000,
      feeCollectedFen: 11000,
    });
  });

  it('technician: sees the registers with masked phones, in the JSON and in the workbook', async () => {
    const r = await as.weixiu!.get(`/api/reports/repair-register${q({ register: 'free' })}`);
    expect(r.status).toBe(200);
    const masked = `${ownerPhone.slice(0, 3)}****${ownerPhone.slice(-4)}`;
    expect(r.body.rows.map((x: Row) => x.requesterPhone)).toEqual([masked, masked]);
    const { res, wb } = await xlsx(as.weixiu!, `/api/reports/repair-register.xlsx${q({ register: 'free' })}`);
    expect(res.status).toBe(200);
    const ws = wb.worksheets[0] as ExcelJS.Worksheet;
    const header = values(ws, 3);
    const phoneCol = header.indexOf('联系电话') + 1;
    expect(ws.getRow(4).getCell(phoneCol).value).toBe(masked);
    let all = '';
    ws.eachRow((row) => {
      all += JSON.stringify(row.values);
    });
    expect(all).not.toContain(ownerPhone);
  });

  it('receptionist: the paid register downloads as .xlsx with title, header, rows and totals', async () => {
    const { res, wb } = await xlsx(as.qiantai!, `/api/reports/repair-register.xlsx${q({ register: 'paid' })}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const cd = res.headers.get('content-disposition') ?? '';
    expect(cd).toMatch(/^attachment; filename="repair-register-paid-2026-11\.xlsx"; /);
    expect(cd).toContain(`filename*=UTF-8''${encodeURIComponent('业主报修有偿服务登记表-阳光花园-2026-11.xlsx')}`);

    const ws = wb.getWorksheet('业主报修有偿服务登记表') as ExcelJS.Worksheet;
    expect(ws.getRow(1).getCell(1).value).toBe('业主报修有偿服务登记表');
    expect(String(ws.getRow(2).getCell(1).value)).toContain('项目：阳光花园');
    expect(String(ws.getRow(2).getCell(1).value)).toContain('月份：2026年11月');
    const header = values(ws, 3) as string[];
    expect(header).toEqual([
      '序号',
      '编号',
      '报修时间',
      '房号',
      '报修人',
      '联系电话',
      '报修内容',
      '类别',
      '方便维修时间',
      '收费项目',
      '报价(元)',
      '住户同意时间',
      '同意方式',
      '派工时间',
      '上门时间',
      '维修人',
      '完工时间',
      '处理结果',
      '材料费(元)',
      '人工费(元)',
      '实收(元)',
      '住户签字',
      '签字时间',
      '确认时间',
      '回访结果',
    ]);
    const cell = (row: number, name: string) => ws.getRow(row).getCell(header.indexOf(name) + 1);
    expect(cell(4, '编号').value).toBe(o.B!.number);
    expect(cell(4, '联系电话').value).toBe(ownerPhone);
    expect(cell(4, '报价(元)').value).toBe(drainItem.priceFen / 100);
    expect(cell(4, '报价(元)').numFmt).toBe('0.00');
    expect(cell(4, '材料费(元)').value).toBe(30);
    expect(cell(4, '人工费(元)').value).toBe(80);
    expect(cell(4, '实收(元)').value).toBe(110);
    expect(cell(4, '住户签字').value).toBe('无');
    // Dates are real dates holding the China wall time.
    expect((cell(4, '报修时间').value as Date).getTime()).toBe(localDateTime('2026-11-18', '14:00') + CHINA);
    expect(cell(5, '编号').value).toBe(o.D!.number);
    expect(cell(6, '序号').value).toBe('合计');
    expect(cell(6, '编号').value).toBe('共 2 件');
    expect(cell(6, '报价(元)').value).toBe((drainItem.priceFen + 5000) / 100);
    expect(cell(6, '实收(元)').value).toBe(110);
    expect(ws.rowCount).toBe(6);
    expect(ws.getRow(3).getCell(1).font?.bold).toBe(true);
    expect(ws.getColumn(header.indexOf('报修内容') + 1).width).toBeGreaterThan(20);
  });

  it('receptionist: the summary workbook has the figures sheet and the by-category sheet', async () => {
    const { res, wb } = await xlsx(as.qiantai!, `/api/reports/repairs.xlsx${q({})}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent('维修月度汇总-阳光花园-2026-11.xlsx')}`,
    );
    const sum = wb.getWorksheet('月度汇总') as ExcelJS.Worksheet;
    const figures: Record<string, unknown> = {};
    sum.eachRow((row, n) => {
      if (n > 3) figures[String(row.getCell(1).value)] = row.getCell(2).value;
    });
    expect(figures).toMatchObject({
      报修数: 4,
      完工数: 3,
      报修及时率: 0.5,
      超时答复: 1,
      返修数: 1,
      返修率: 0.3333,
      回访数: 4,
      不满意: 1,
      联系不上: 1,
      回访满意率: 0.6667,
      有偿维修单数: 1,
      '有偿维修收入(元)': 110,
    });
    const byCat = wb.getWorksheet('按类别') as ExcelJS.Worksheet;
    expect(values(byCat, 3)).toEqual(['类别', '报修', '完工', '及时答复', '超时答复', '返修', '有偿收入(元)']);
    expect(values(byCat, 4)).toEqual(['室内维修 / 水电', 2, 1, 0, 1, 0, 110]);
    expect(values(byCat, 7)).toEqual(['合计', 4, 3, 1, 1, 1, 110]);
  });

  it('another project’s repairs and callbacks never appear; its own viewers see them there', async () => {
    const numbers = [
      ...(await as.qiantai!.get(`/api/reports/repair-register${q({ register: 'free' })}`)).body.rows,
      ...(await as.qiantai!.get(`/api/reports/repair-register${q({ register: 'paid' })}`)).body.rows,
    ].map((r: Row) => r.id);
    expect(numbers).not.toContain(o.F!.id);
    const cb = await as.qiantai!.get(`/api/reports/repairs/orders${q({ figure: 'callbacks' })}`);
    expect(cb.body.items.map((i: Row) => i.id)).not.toContain(o.F!.id);
    const there = await as.pinzhi!.get(`/api/reports/repairs?projectId=${chy}&month=2026-11`);
    expect(there.body).toMatchObject({
      projectName: '翠湖苑',
      total: 1,
      completed: 0,
      callbacks: { done: 1, satisfied: 1, satisfactionRate: 1 },
    });
    const list = await as.pinzhi!.get(`/api/reports/repair-register?projectId=${chy}&month=2026-11`);
    expect(list.body.rows.map((r: Row) => r.id)).toEqual([o.F!.id]);
  });

  it('receptionist of 阳光花园: another project is not found, whichever report; a bad month is a 400', async () => {
    for (const path of [
      `/api/reports/repairs?projectId=${chy}&month=2026-11`,
      `/api/reports/repairs/orders?projectId=${chy}&month=2026-11&figure=reported`,
      `/api/reports/repair-register?projectId=${chy}&month=2026-11`,
      `/api/reports/repair-register.xlsx?projectId=${chy}&month=2026-11&register=paid`,
      `/api/reports/repairs.xlsx?projectId=${chy}&month=2026-11`,
    ]) {
      const r = await as.qiantai!.get(path);
      expect(r.status, path).toBe(404);
      expect(r.body.error.message).toBe('项目不存在或无权查看');
    }
    const bad = await as.qiantai!.get(`/api/reports/repairs${q({ month: '2026-13' })}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.month).toContain('YYYY-MM');
    const figure = await as.qiantai!.get(`/api/reports/repairs/orders${q({ figure: 'everything' })}`);
    expect(figure.status).toBe(400);
    const resident = new Client(srv.url);
    await resident.login('yezhu', DEMO_PASSWORD);
    expect((await resident.get(`/api/reports/repairs${q({})}`)).status).toBe(403);
  });
});
