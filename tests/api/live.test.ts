import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { sweepDeadlines } from '../../server/domains/requests/requests.service.ts';
import { describeEachDb, TestClock } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';
import { type Live, openLive } from '../helpers/sse.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeEachDb('live events (server-sent events)', (dialect) => {
  let srv: TestServer;
  // Only the breach case moves it; live delivery itself runs on real timers.
  const clock = new TestClock();
  const clients: Record<string, Client> = {};
  const ids: Record<string, string> = {};
  const streams: Live[] = [];
  let yghy: string;
  let chy: string;

  beforeAll(async () => {
    srv = await startTestServer({ dialect, clock });
    yghy = srv.demo.projectByCode.YGHY as string;
    chy = srv.demo.projectByCode.CHY as string;
    for (const name of ['qiantai', 'kefuzhuguan', 'gongcheng', 'pinzhi', 'lingdao', 'yezhu']) {
      const c = new Client(srv.url);
      expect((await c.login(name, DEMO_PASSWORD)).status).toBe(200);
      clients[name] = c;
    }
    const users = await srv.ctx.db.selectFrom('users').select(['id', 'username']).execute();
    for (const u of users) ids[u.username] = u.id;
  });

  afterEach(() => {
    // Open streams would keep the server from closing.
    for (const s of streams.splice(0)) s.close();
  });

  afterAll(() => srv?.close());

  const c = (name: string) => clients[name] as Client;

  async function liveAs(name: string) {
    const cookie = [...c(name).cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const s = await openLive(srv.url, cookie);
    streams.push(s);
    expect(s.status).toBe(200);
    expect(s.contentType).toContain('text/event-stream');
    return s;
  }

  async function register(as: string, projectId: string, content: string) {
    const r = await c(as).post('/api/requests', {
      projectId,
      kind: 'repair',
      channel: 'phone',
      requesterName: '周女士',
      requesterPhone: '13712345678',
      content,
      readBackConfirmed: true,
    });
    expect(r.status).toBe(201);
    return r.body as { id: string; number: string };
  }

  it('service supervisor: a request registered by the receptionist shows up on the open stream', async () => {
    const live = await liveAs('kefuzhuguan');
    const req = await register('qiantai', yghy, '客厅空调不制冷');
    const ev = await live.waitFor((e) => e.event === 'request.created' && e.data.requestId === req.id, 2000);
    expect(ev.data).toMatchObject({ type: 'request.created', requestId: req.id, projectId: yghy });
    // An event says what changed, never the record itself.
    expect(JSON.stringify(ev.data)).not.toContain('客厅空调不制冷');
    expect(JSON.stringify(ev.data)).not.toContain('13712345678');
  });

  it('receptionist of 阳光花园: receives 阳光花园 events but nothing of 翠湖苑', async () => {
    const desk = await liveAs('qiantai');
    const company = await liveAs('lingdao');
    const other = await register('pinzhi', chy, '翠湖苑 2 栋电梯异响');
    const own = await register('pinzhi', yghy, '阳光花园 5 栋门禁故障');

    await desk.waitFor((e) => e.event === 'request.created' && e.data.requestId === own.id, 2000);
    // The 翠湖苑 event was published: a company-level reader sees it.
    await company.waitFor((e) => e.event === 'request.created' && e.data.requestId === other.id, 2000);
    await sleep(1000);
    expect(desk.events.filter((e) => e.data.requestId === other.id)).toEqual([]);
    expect(desk.events.every((e) => e.data.projectId === yghy || e.data.userId === ids.qiantai)).toBe(true);
  });

  it('resident: the staff stream carries nothing of the requests, not even in their own estate', async () => {
    const resident = await liveAs('yezhu');
    const staff = await liveAs('kefuzhuguan');
    const req = await register('qiantai', yghy, '3 栋大堂地面湿滑');
    await staff.waitFor((e) => e.data.requestId === req.id, 2000);
    await sleep(500);
    expect(resident.events).toEqual([]);
  });

  it('anyone without a session: GET /api/live → 401, no stream', async () => {
    const s = await openLive(srv.url);
    streams.push(s);
    expect(s.status).toBe(401);
    expect(s.contentType).not.toContain('text/event-stream');
    const forged = await openLive(srv.url, 'wuye_sid=not-a-real-session');
    streams.push(forged);
    expect(forged.status).toBe(401);
  });

  it('department head: a breach notification reaches the recipients only, each their own', async () => {
    const head = await liveAs('gongcheng');
    const sup = await liveAs('kefuzhuguan');
    const desk = await liveAs('qiantai');
    const req = await register('qiantai', yghy, '地下车库排水沟堵塞');
    await desk.waitFor((e) => e.data.requestId === req.id, 2000);

    // Only this repair may breach: the earlier cases' repairs would notify the same people.
    await srv.ctx.db.updateTable('deadlines').set({ next_check_at: null }).where('request_id', '!=', req.id).execute();
    clock.advance(11 * 60_000);
    expect((await sweepDeadlines(srv.ctx)).breached).toBe(1);

    const mine = await head.waitFor((e) => e.event === 'notification', 2000);
    expect(mine.data.userId).toBe(ids.gongcheng);
    const supMine = await sup.waitFor((e) => e.event === 'notification', 2000);
    expect(supMine.data.userId).toBe(ids.kefuzhuguan);
    // The project-wide breach event reaches every staff stream of the estate, the receptionist's too.
    await desk.waitFor((e) => e.event === 'deadline.breached' && e.data.requestId === req.id, 2000);
    await sleep(1000);
    expect(desk.events.filter((e) => e.event === 'notification')).toEqual([]);
    expect(head.events.filter((e) => e.event === 'notification').map((e) => e.data.userId)).toEqual([ids.gongcheng]);
    expect(sup.events.filter((e) => e.event === 'notification').map((e) => e.data.userId)).toEqual([ids.kefuzhuguan]);
  });
});
