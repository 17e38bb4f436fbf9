import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sweepDeadlines } from '../../server/domains/requests/requests.service.ts';
import { localDateTime } from '../../server/platform/calendar/calendar.ts';
import { describeEachDb, TestClock } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const CHINESE = /[\u4e00-\u9fa5]/;

describeEachDb('deadlines: working time, pause, extension, warning → breach → escalation, sweeper', (dialect) => {
  let srv: TestServer;
  // The eve of National Day 2025; the clock only moves forward in this file.
  const clock = new TestClock(localDateTime('2025-09-30', '16:00'));
  let yghy: string;
  let chy: string;
  let unitId: string;
  let ownerId: string;
  let users: Record<string, string>;
  const as: Record<string, Client> = {};
  const DEMO = ['qiantai', 'kefuzhuguan', 'jingli', 'gongcheng', 'weixiu', 'admin', 'pinzhi'];

  async function signIn() {
    await Promise.all(
      DEMO.map(async (u) => {
        const c = new Client(srv.url);
        expect((await c.login(u, DEMO_PASSWORD)).status, u).toBe(200);
        as[u] = c;
      }),
    );
  }
  const c = (u: string) => as[u] as Client;
  /** Moves the server's clock forward to a China-local wall time; sessions expire after 12 h of it. */
  async function at(date: string, hhmm: string) {
    const t = localDateTime(date, hhmm);
    expect(t).toBeGreaterThanOrEqual(clock.now());
    const jump = t - clock.now();
    clock.t = t;
    if (jump > 6 * HOUR) await signIn();
    return t;
  }

  beforeAll(async () => {
    srv = await startTestServer({ dialect, clock });
    yghy = srv.demo.projectByCode.YGHY as string;
    chy = srv.demo.projectByCode.CHY as string;
    const db = srv.ctx.db;
    const unit = await db
      .selectFrom('units')
      .select('id')
      .where('project_id', '=', yghy)
      .where('number', '=', '3-1-1502')
      .executeTakeFirstOrThrow();
    unitId = unit.id;
    ownerId = (
      await db
        .selectFrom('occupancies')
        .select('person_id')
        .where('unit_id', '=', unitId)
        .where('relation', '=', 'owner')
        .executeTakeFirstOrThrow()
    ).person_id;
    users = Object.fromEntries((await db.selectFrom('users').select(['id', 'username']).execute()).map((u) => [u.username, u.id]));
    await signIn();
  });
  afterAll(() => srv?.close());

  async function register(kind: string, extra: Record<string, unknown> = {}, who = 'qiantai') {
    const r = await c(who).post('/api/requests', {
      projectId: yghy,
      kind,
      channel: 'phone',
      unitId,
      requesterPersonId: ownerId,
      content: `时限测试 ${kind}`,
      readBackConfirmed: true,
      ...extra,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  }
  async function detail(id: string) {
    const r = await c('qiantai').get(`/api/requests/${id}`);
    expect(r.status).toBe(200);
    return r.body;
  }
  const deadlineOf = async (id: string, kind: string) => (await detail(id)).deadlines.find((d: any) => d.kind === kind);
  async function post(who: string, id: string, path: string, body: Record<string, unknown>) {
    const { version } = await detail(id);
    return c(who).post(`/api/requests/${id}${path}`, { version, ...body });
  }
  /** Every notification of a user about one request, walking all pages of the inbox. */
  async function inbox(who: string, requestId: string) {
    const out: any[] = [];
    let cursor: string | null = null;
    do {
      const r: { status: number; body: any } = await c(who).get(
        `/api/notifications?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(r.status).toBe(200);
      out.push(...r.body.items.filter((n: any) => n.requestId === requestId));
      cursor = r.body.nextCursor;
    } while (cursor);
    return out;
  }
  const kinds = async (who: string, requestId: string) => (await inbox(who, requestId)).map((n) => n.kind).sort();
  async function eventsOf(id: string, type: string) {
    return srv.ctx.db.selectFrom('request_events').selectAll().where('request_id', '=', id).where('type', '=', type).execute();
  }

  // ---------------------------------------------------------------- working time

  it('receptionist: a suggestion registered on the eve of National Day is due five working days later, counting the make-up Saturday', async () => {
    const s = await register('suggestion', { content: '建议节日期间加强巡逻' });
    // Registered Tue 2025-09-30 16:00. Oct 1–8 are the National Day / Mid-Autumn holidays;
    // working days after that: Thu 10-09 (1), Fri 10-10 (2), Sat 10-11 make-up day (3),
    // Mon 10-13 (4), Tue 10-14 (5) → due Tue 2025-10-14 at the same wall time, 16:00.
    const d = await deadlineOf(s.id, 'suggestion.reply');
    expect(d).toMatchObject({ basis: 'working', status: 'running', startedAt: localDateTime('2025-09-30', '16:00') });
    expect(d.dueAt).toBe(localDateTime('2025-10-14', '16:00'));
    // A repair answer runs in calendar time, holiday or not.
    const r = await register('repair', { content: '节前报修' });
    expect((await deadlineOf(r.id, 'repair.response')).dueAt).toBe(localDateTime('2025-09-30', '16:10'));
    const rules = await c('qiantai').get(`/api/settings/deadline-rules?projectId=${yghy}`);
    expect(rules.status).toBe(200);
    expect(rules.body.find((x: any) => x.kind === 'suggestion.reply')).toMatchObject({ basis: 'working', workingDays: 5 });
  });

  it('company admin: a project rule of four working hours makes a Friday-afternoon suggestion due on the make-up Saturday morning', async () => {
    await at('2025-10-10', '16:00');
    const month = await c('admin').get(`/api/calendar/month?projectId=${chy}&year=2025&month=10`);
    expect(month.status).toBe(200);
    // The hand computation below relies on the default hours: one interval, no lunch break.
    expect(month.body.businessHours).toEqual([['08:30', '17:30']]);
    expect(month.body.days.find((x: any) => x.date === '2025-10-11')).toMatchObject({ working: true, reason: 'make_up_workday' });

    const denied = await c('qiantai').put('/api/settings/deadline-rules', {
      projectId: yghy,
      rules: { 'suggestion.reply': { basis: 'working', minutes: 240 } },
    });
    expect(denied.status).toBe(403);
    const put = await c('admin').put('/api/settings/deadline-rules', {
      projectId: chy,
      rules: { 'suggestion.reply': { basis: 'working', minutes: 240 } },
    });
    expect(put.status).toBe(204);
    const unknown = await c('admin').put('/api/settings/deadline-rules', { projectId: chy, rules: { 'nothing.here': { minutes: 5 } } });
    expect(unknown.status).toBe(400);

    const s = await register(
      'suggestion',
      { projectId: chy, unitId: undefined, requesterPersonId: undefined, requesterName: '赵先生' },
      'pinzhi',
    );
    // Fri 2025-10-10 16:00 + 4 working hours: 16:00–17:30 uses 1.5 h; Saturday 10-11 is a
    // make-up working day, so the other 2.5 h run from 08:30 → due Sat 2025-10-11 11:00.
    const due = localDateTime('2025-10-11', '11:00');
    const d = (await c('pinzhi').get(`/api/requests/${s.id}`)).body.deadlines[0];
    expect(d).toMatchObject({ kind: 'suggestion.reply', basis: 'working' });
    expect(d.dueAt).toBe(due);
    // The calendar's own computation agrees.
    const computed = await c('admin').get(`/api/calendar/compute?projectId=${chy}&from=${clock.now()}&hours=4`);
    expect(computed.body.due).toBe(due);
    // The rule is the project's: 阳光花园 keeps five working days (Sat 10-11, Mon 13, Tue 14, Wed 15, Thu 16).
    const other = await register('suggestion');
    expect((await deadlineOf(other.id, 'suggestion.reply')).dueAt).toBe(localDateTime('2025-10-16', '16:00'));
  });

  // ---------------------------------------------------------------- pause

  it('receptionist: pausing stops the clock — the queue shows nothing due — and resuming moves the due time by the paused time or the working time left', async () => {
    await at('2026-11-16', '10:00');
    const repair = await register('repair', { content: '住户不在家，约好再来' });
    const suggestion = await register('suggestion', { content: '建议增加绿化' });
    expect((await deadlineOf(repair.id, 'repair.response')).dueAt).toBe(localDateTime('2026-11-16', '10:10'));
    // Mon 10:00 + 5 working days (no holidays in November 2026) → Mon 2026-11-23 10:00.
    expect((await deadlineOf(suggestion.id, 'suggestion.reply')).dueAt).toBe(localDateTime('2026-11-23', '10:00'));

    await at('2026-11-16', '10:04');
    const noReason = await post('qiantai', repair.id, '/pause', { reason: ' ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields.reason).toMatch(CHINESE);
    const paused = await post('qiantai', repair.id, '/pause', { reason: '住户不在家，约定中午回电' });
    expect(paused.status).toBe(200);
    expect(paused.body.nextDueAt).toBeNull();
    expect(paused.body.deadlines[0]).toMatchObject({
      status: 'paused',
      pausedAt: clock.now(),
      pauseReason: '住户不在家，约定中午回电',
      pausedMs: 0,
    });
    expect(paused.body.history.at(-1)).toMatchObject({ type: 'deadline_paused', data: { reason: '住户不在家，约定中午回电' } });
    expect((await post('qiantai', repair.id, '/pause', { reason: '再停一次' })).status).toBe(422);
    const queue = await c('qiantai').get(`/api/queue?scope=center&projectId=${yghy}&limit=200`);
    const items = queue.body.items;
    const pos = items.findIndex((x: any) => x.id === repair.id);
    expect(items[pos]).toMatchObject({ nextDueAt: null, overdue: false });
    // Sorted with the requests that have nothing due: after every request with a due time.
    expect(items.slice(pos).every((x: any) => x.nextDueAt === null)).toBe(true);
    expect(items.some((x: any) => x.nextDueAt !== null)).toBe(true);

    await at('2026-11-16', '11:00');
    expect((await post('qiantai', suggestion.id, '/pause', { reason: '等住户补充材料' })).status).toBe(200);
    // Resuming re-times a paused promise from the time it had left, which would silently drop
    // a new due time set during the pause: it is refused instead.
    const sd = await deadlineOf(suggestion.id, 'suggestion.reply');
    const whilePaused = await post('kefuzhuguan', suggestion.id, `/deadlines/${sd.id}/extend`, {
      newDueAt: sd.dueAt + 3 * 86_400_000,
      reason: '等住户补充材料',
      customerToldAt: clock.now(),
    });
    expect(whilePaused.status).toBe(422);
    expect(whilePaused.body.error.message).toContain('恢复计时');
    expect((await deadlineOf(suggestion.id, 'suggestion.reply')).extensions).toBe(0);

    // Two hours pass; the old due time (10:10) is long gone, but a paused promise is not breached.
    await at('2026-11-16', '12:04');
    await sweepDeadlines(srv.ctx);
    const mid = await deadlineOf(repair.id, 'repair.response');
    expect(mid).toMatchObject({ status: 'paused', breachedAt: null, warnedAt: null, pausedMs: 2 * HOUR });
    expect(await eventsOf(repair.id, 'deadline_breached')).toEqual([]);
    const resumed = await post('qiantai', repair.id, '/resume', {});
    expect(resumed.status).toBe(200);
    // Calendar time: 6 minutes were left at 10:04, so 12:04 + 6 min = 12:10 (old due + 2 h paused).
    expect(resumed.body.deadlines[0]).toMatchObject({
      status: 'running',
      dueAt: localDateTime('2026-11-16', '12:10'),
      pausedMs: 2 * HOUR,
      pausedAt: null,
    });
    expect(resumed.body.nextDueAt).toBe(localDateTime('2026-11-16', '12:10'));
    expect(resumed.body.history.at(-1)).toMatchObject({ type: 'deadline_resumed' });
    expect((await post('qiantai', repair.id, '/resume', {})).status).toBe(422);

    // Working time: paused Mon 11:00 with 44 working hours left (Mon 11:00–17:30 = 6.5 h,
    // Tue–Fri 4 × 9 h = 36 h, Mon 23 08:30–10:00 = 1.5 h). Resumed Wed 14:00:
    // Wed 3.5 h, Thu 9, Fri 9, Mon 9, Tue 9 (= 39.5 h), then 4.5 h of Wed 25 → 13:00.
    await at('2026-11-18', '14:00');
    const during = await deadlineOf(suggestion.id, 'suggestion.reply');
    expect(during.pausedMs).toBe(51 * HOUR);
    const back = await post('qiantai', suggestion.id, '/resume', {});
    expect(back.status).toBe(200);
    expect(back.body.deadlines[0]).toMatchObject({ status: 'running', dueAt: localDateTime('2026-11-25', '13:00'), pausedMs: 51 * HOUR });
  });

  // ---------------------------------------------------------------- warning → breach → escalation

  it('sweeper: a repair answer warns the 工程部 head at 7 minutes, breaches at 10 to head and supervisors, escalates to the manager 20 minutes later — each exactly once', async () => {
    const t0 = await at('2026-11-19', '09:00');
    const r = await register('repair', { content: '电梯异响' });
    const other = await register('repair', { content: '门禁失灵' });
    const assigned = await post('qiantai', other.id, '/actions/assign', { assigneeId: users.weixiu });
    expect(assigned.status).toBe(200);
    const due = t0 + 10 * MINUTE;

    clock.t = t0 + 6 * MINUTE + 59_000;
    await sweepDeadlines(srv.ctx);
    expect(await kinds('gongcheng', r.id)).toEqual([]);
    expect((await deadlineOf(r.id, 'repair.response')).warnedAt).toBeNull();

    clock.t = due - 3 * MINUTE;
    await sweepDeadlines(srv.ctx);
    await sweepDeadlines(srv.ctx);
    // Nobody assigned: the head of the owning department is the responsible person.
    expect(await kinds('gongcheng', r.id)).toEqual(['deadline.warned']);
    expect(await kinds('kefuzhuguan', r.id)).toEqual([]);
    expect(await kinds('jingli', r.id)).toEqual([]);
    expect(await kinds('weixiu', r.id)).toEqual([]);
    // Assigned: the assignee is warned instead of the head.
    expect(await kinds('weixiu', other.id)).toEqual(['deadline.warned']);
    expect(await kinds('gongcheng', other.id)).toEqual([]);
    const warned = await deadlineOf(r.id, 'repair.response');
    expect(warned).toMatchObject({ warnedAt: due - 3 * MINUTE, breachedAt: null, overdue: false });
    expect(await eventsOf(r.id, 'deadline_warned')).toHaveLength(1);
    const [w] = await inbox('gongcheng', r.id);
    expect(w.title).toContain(r.number);

    clock.t = due;
    await Promise.all([sweepDeadlines(srv.ctx), sweepDeadlines(srv.ctx)]);
    await sweepDeadlines(srv.ctx);
    expect(await kinds('gongcheng', r.id)).toEqual(['deadline.breached', 'deadline.warned']);
    expect(await kinds('kefuzhuguan', r.id)).toEqual(['deadline.breached']);
    expect(await kinds('jingli', r.id)).toEqual([]);
    expect(await kinds('weixiu', other.id)).toEqual(['deadline.breached', 'deadline.warned']);
    expect(await kinds('kefuzhuguan', other.id)).toEqual(['deadline.breached']);
    const breached = await detail(r.id);
    expect(breached.deadlines[0]).toMatchObject({ breachedAt: due, escalatedAt: null, overdue: true, status: 'running' });
    expect(breached.history.filter((e: any) => e.type === 'deadline_breached')).toHaveLength(1);
    expect(breached.history.find((e: any) => e.type === 'deadline_breached').data).toMatchObject({
      deadline: 'repair.response',
      dueAt: due,
    });
    // One minute later the queue shows it overdue.
    clock.t = due + MINUTE;
    const overdue = await c('qiantai').get(`/api/queue?scope=center&projectId=${yghy}&overdue=true&limit=200`);
    expect(overdue.body.items.find((x: any) => x.id === r.id)).toMatchObject({ overdue: true, nextDueAt: due });
    const dept = await c('gongcheng').get('/api/queue?scope=department&limit=200');
    expect(dept.body.items.find((x: any) => x.id === r.id)).toMatchObject({ overdue: true });

    clock.t = due + 20 * MINUTE - 1000;
    await sweepDeadlines(srv.ctx);
    expect(await kinds('jingli', r.id)).toEqual([]);
    clock.t = due + 20 * MINUTE;
    await Promise.all([sweepDeadlines(srv.ctx), sweepDeadlines(srv.ctx)]);
    await sweepDeadlines(srv.ctx);
    expect(await kinds('jingli', r.id)).toEqual(['deadline.escalated']);
    expect(await kinds('gongcheng', r.id)).toEqual(['deadline.breached', 'deadline.warned']);
    expect(await kinds('kefuzhuguan', r.id)).toEqual(['deadline.breached']);
    expect((await deadlineOf(r.id, 'repair.response')).escalatedAt).toBe(due + 20 * MINUTE);
    for (const type of ['deadline_warned', 'deadline_breached', 'deadline_escalated'])
      expect(await eventsOf(r.id, type), type).toHaveLength(1);
    // Nothing is left for the sweeper to do with this promise.
    const row = await srv.ctx.db.selectFrom('deadlines').select('next_check_at').where('request_id', '=', r.id).executeTakeFirstOrThrow();
    expect(row.next_check_at).toBeNull();
  });

  // ---------------------------------------------------------------- extension; breaches stand

  it('service supervisor: extends a promise with a reason told before the old time; after it, the breach stands and nothing clears it', async () => {
    const t0 = await at('2026-11-20', '09:00');
    const s = await register('suggestion', { content: '建议增加儿童游乐设施' });
    const sd = await deadlineOf(s.id, 'suggestion.reply');
    // Fri 09:00 + 5 working days → Fri 2026-11-27 09:00.
    expect(sd.dueAt).toBe(localDateTime('2026-11-27', '09:00'));
    const ext = (body: Record<string, unknown>, who = 'kefuzhuguan', id = s.id, deadlineId = sd.id) =>
      post(who, id, `/deadlines/${deadlineId}/extend`, body);
    const good = { newDueAt: sd.dueAt + 2 * 86_400_000, reason: '需业委会讨论', customerToldAt: t0 - 5 * MINUTE };

    expect((await ext(good, 'qiantai')).status).toBe(403);
    const noReason = await ext({ ...good, reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields.reason).toMatch(CHINESE);
    const toldLater = await ext({ ...good, customerToldAt: t0 + MINUTE });
    expect(toldLater.status).toBe(422);
    const earlier = await ext({ ...good, newDueAt: sd.dueAt - HOUR });
    expect(earlier.status).toBe(422);
    const done = await ext(good);
    expect(done.status).toBe(200);
    expect(done.body.deadlines[0]).toMatchObject({ dueAt: good.newDueAt, extensions: 1, breachedAt: null });
    expect(done.body.nextDueAt).toBe(good.newDueAt);
    expect(done.body.history.at(-1)).toMatchObject({
      type: 'deadline_extended',
      data: { oldDueAt: sd.dueAt, newDueAt: good.newDueAt, reason: '需业委会讨论', customerToldAt: good.customerToldAt },
    });

    // A repair whose 10 minutes ran out: too late to extend, swept or not.
    const r = await register('repair', { content: '水管爆裂' });
    const rd = await deadlineOf(r.id, 'repair.response');
    clock.t = t0 + 11 * MINUTE;
    const late = await ext({ newDueAt: t0 + HOUR, reason: '配件未到', customerToldAt: t0 + 5 * MINUTE }, 'kefuzhuguan', r.id, rd.id);
    expect(late.status).toBe(422);
    expect(late.body.error.message).toContain('不能再延期');
    await sweepDeadlines(srv.ctx);
    const breachedAt = (await deadlineOf(r.id, 'repair.response')).breachedAt;
    // The breach is dated at the due time, whenever the sweeper got to it.
    expect(breachedAt).toBe(t0 + 10 * MINUTE);
    const stored = async () =>
      (await srv.ctx.db.selectFrom('deadlines').select('breached_at').where('id', '=', rd.id).executeTakeFirstOrThrow()).breached_at;

    const attempts: [string, () => Promise<{ status: number }>][] = [
      ['extend', () => ext({ newDueAt: t0 + 2 * HOUR, reason: '再延', customerToldAt: t0 + MINUTE }, 'kefuzhuguan', r.id, rd.id)],
      ['pause', () => post('qiantai', r.id, '/pause', { reason: '住户不在家' })],
      ['resume', () => post('qiantai', r.id, '/resume', {})],
      ['note', () => post('qiantai', r.id, '/actions/note', { text: '已致电住户' })],
      ['assign', () => post('qiantai', r.id, '/actions/assign', { assigneeId: users.weixiu })],
      ['correction', () => post('kefuzhuguan', r.id, '/corrections', { correctsN: 2, text: '未超时' })],
      ['reclassify', () => post('qiantai', r.id, '/actions/reclassify', { kind: 'complaint', reason: '住户投诉维修慢' })],
    ];
    for (const [name, attempt] of attempts) {
      clock.advance(MINUTE);
      const res = await attempt();
      expect(res.status, name).toBe(name === 'extend' ? 422 : 200);
      const d = (await detail(r.id)).deadlines.find((x: any) => x.id === rd.id);
      expect(d.breachedAt, name).toBe(breachedAt);
      expect(d.overdue, name).toBe(true);
      expect(await stored(), name).toBe(breachedAt);
    }
    expect((await deadlineOf(r.id, 'repair.response')).status).toBe('cancelled');
    expect(await eventsOf(r.id, 'deadline_breached')).toHaveLength(1);

    // A promise kept late is met, and still counted as breached.
    const promisedAt = clock.now() + 30 * MINUTE;
    const q = await register('inquiry', { content: '燃气开通', inquiry: { promisedAt } });
    clock.t = promisedAt + MINUTE;
    await sweepDeadlines(srv.ctx);
    const answered = await post('qiantai', q.id, '/actions/answer', { answer: '已通知燃气公司' });
    expect(answered.status).toBe(200);
    expect(answered.body.deadlines[0]).toMatchObject({ status: 'met', metAt: clock.now(), breachedAt: promisedAt });
  });

  // ---------------------------------------------------------------- sweeper internals

  it('sweeper: finds due rows through the next_check_at index, never a scan of all deadlines', async () => {
    const query = 'select * from deadlines where next_check_at <= ? order by next_check_at limit ?';
    if (dialect === 'sqlite') {
      const sqlite = srv.ctx.handle.sqlite;
      if (!sqlite) throw new Error('no SQLite handle');
      const planOf = (statement: string) =>
        (sqlite.prepare(`EXPLAIN QUERY PLAN ${statement}`).all(clock.now(), 500) as { detail: string }[]).map((p) => p.detail).join('\n');
      const assertIndexed = (plan: string) => {
        expect(plan).toContain('USING INDEX deadlines_sweep');
        expect(plan).not.toMatch(/SCAN deadlines(?! USING)/);
        expect(plan).not.toContain('USE TEMP B-TREE');
      };
      assertIndexed(planOf(query));
      // And the statement the sweeper really sends, caught on its way to SQLite (prepared
      // statements are kept per connection: start from none, so it is prepared in view).
      srv.ctx.handle.clearStatements?.();
      const sent: string[] = [];
      const prepare = sqlite.prepare.bind(sqlite);
      sqlite.prepare = ((s: string) => {
        sent.push(s);
        return prepare(s);
      }) as typeof sqlite.prepare;
      try {
        await sweepDeadlines(srv.ctx);
      } finally {
        delete (sqlite as { prepare?: unknown }).prepare;
      }
      const sweep = sent.find((s) => /from "deadlines"/.test(s) && /"next_check_at" <= \?/.test(s));
      expect(sweep, sent.join('\n')).toBeTruthy();
      assertIndexed(planOf(sweep as string));
    } else {
      const rows = await sql<{ indexdef: string }>`select indexdef from pg_indexes
        where schemaname = current_schema() and tablename = 'deadlines' and indexname = 'deadlines_sweep'`.execute(srv.ctx.db);
      expect(rows.rows).toHaveLength(1);
      expect(rows.rows[0]?.indexdef).toMatch(/\(next_check_at\)/);
      // On a table this small the planner rightly prefers a scan; with scans priced out it
      // must still be able to answer the sweeper's question from that index alone.
      const plan = await srv.ctx.db.transaction().execute(async (tx) => {
        await sql`set local enable_seqscan = off`.execute(tx);
        return sql<{
          'QUERY PLAN': string;
        }>`explain select * from deadlines where next_check_at <= ${clock.now()} order by next_check_at limit 500`.execute(tx);
      });
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('deadlines_sweep');
    }
    // Finished promises drop out of the index's range: only running ones have a next check.
    const finished = await srv.ctx.db
      .selectFrom('deadlines')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', 'in', ['met', 'cancelled'])
      .where('next_check_at', 'is not', null)
      .executeTakeFirstOrThrow();
    expect(Number(finished.n)).toBe(0);
  });

  it('reports: every breach is counted per project and matches the breach entries in the histories', async () => {
    const t0 = await at('2026-11-24', '09:00');
    const breachedIn = async (projectId: string) =>
      Number(
        (
          await srv.ctx.db
            .selectFrom('deadlines')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('project_id', '=', projectId)
            .where('breached_at', 'is not', null)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const eventsIn = async (projectId: string) =>
      Number(
        (
          await srv.ctx.db
            .selectFrom('request_events')
            .innerJoin('requests', 'requests.id', 'request_events.request_id')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('requests.project_id', '=', projectId)
            .where('request_events.type', '=', 'deadline_breached')
            .executeTakeFirstOrThrow()
        ).n,
      );
    await sweepDeadlines(srv.ctx);
    const before = { yghy: await breachedIn(yghy), chy: await breachedIn(chy) };

    const ours = [
      await register('repair', { content: '报修一' }),
      await register('repair', { content: '报修二' }),
      await register('complaint', { content: '投诉一' }),
      await register('repair', { content: '报修三' }),
    ];
    const theirs = [
      await register('repair', { projectId: chy, unitId: undefined, requesterPersonId: undefined, requesterName: '钱女士' }, 'pinzhi'),
      await register('repair', { projectId: chy, unitId: undefined, requesterPersonId: undefined, requesterName: '孙先生' }, 'pinzhi'),
    ];
    // One repair is answered in time and must not be counted.
    const kept = ours[3];
    const met = await post('qiantai', kept.id, '/actions/reclassify', { kind: 'suggestion', reason: '实为建议' });
    expect(met.status).toBe(200);

    clock.t = t0 + 10 * MINUTE;
    await Promise.all([sweepDeadlines(srv.ctx), sweepDeadlines(srv.ctx)]);
    // The complaint's 24 hours are not over: two YGHY repairs and two CHY repairs breached.
    expect(await breachedIn(yghy)).toBe(before.yghy + 2);
    expect(await breachedIn(chy)).toBe(before.chy + 2);
    for (const r of [ours[0], ours[1]]) expect((await detail(r.id)).deadlines[0].breachedAt).toBe(t0 + 10 * MINUTE);
    expect((await detail(ours[2].id)).deadlines[0].breachedAt).toBeNull();
    for (const r of theirs) {
      const d = await c('pinzhi').get(`/api/requests/${r.id}`);
      expect(d.body.deadlines[0].breachedAt).toBe(t0 + 10 * MINUTE);
    }
    expect((await detail(kept.id)).deadlines.every((d: any) => d.breachedAt === null)).toBe(true);
    // The counters and the histories tell the same story, project by project.
    expect(await breachedIn(yghy)).toBe(await eventsIn(yghy));
    expect(await breachedIn(chy)).toBe(await eventsIn(chy));
  });
});
