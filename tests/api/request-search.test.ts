import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryParts, searchTokens, textMatches } from '../../server/domains/requests/request-search.ts';
import { describeEachDb } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

/**
 * The counter finds a request by what was said (full text) and by the caller's last four
 * phone digits, newest first, within the viewer's projects, through the search index on both
 * databases.
 */
describeEachDb('request search: full text and phone tail', (dialect) => {
  let srv: TestServer;
  let yghy: string;
  let chy: string;
  const as: Record<string, Client> = {};
  const c = (u: string) => as[u] as Client;
  const registered: Record<string, { id: string; number: string }> = {};

  async function register(who: string, key: string, body: Record<string, unknown>) {
    const r = await c(who).post('/api/requests', {
      kind: 'repair',
      channel: 'phone',
      requesterName: '周女士',
      readBackConfirmed: true,
      ...body,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    registered[key] = { id: r.body.id, number: r.body.number };
    return r.body;
  }
  const search = async (who: string, query: string) => {
    const r = await c(who).get(`/api/requests?${query}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as { items: { id: string; number: string; content: string }[]; nextCursor: string | null };
  };
  const ids = (page: { items: { id: string }[] }) => page.items.map((i) => i.id);

  beforeAll(async () => {
    srv = await startTestServer({ dialect });
    yghy = srv.demo.projectByCode.YGHY as string;
    chy = srv.demo.projectByCode.CHY as string;
    for (const u of ['qiantai', 'pinzhi', 'yezhu', 'weixiu']) {
      as[u] = new Client(srv.url);
      expect((await as[u].login(u, DEMO_PASSWORD)).status).toBe(200);
    }
    const admin = new Client(srv.url);
    await admin.login('admin', DEMO_PASSWORD);
    as.admin = admin;
    // Oldest first: the search lists newest first.
    await register('qiantai', 'leak1', { projectId: yghy, content: '厨房水龙头漏水，地面积水', requesterPhone: '13712345678' });
    await register('qiantai', 'bath', { projectId: yghy, content: '卫生间楼板漏水到楼下天花板', requesterPhone: '13900001234' });
    await register('qiantai', 'lift', { projectId: yghy, content: '3栋电梯按键失灵，运行有异响', location: '3栋大堂' });
    await register('qiantai', 'noise', {
      projectId: yghy,
      kind: 'complaint',
      content: '楼上深夜噪音很大，影响休息',
      requesterName: '欧阳先生',
      requesterPhone: '13800005678',
    });
    await register('pinzhi', 'chyLeak', { projectId: chy, content: '阳台顶棚漏水', requesterPhone: '13612345678' });
    await register('qiantai', 'leak2', { projectId: yghy, content: '洗手盆下水管漏水', requesterPhone: '0755-86005678' });
  });
  afterAll(() => srv?.close());

  it('tokens: pairs in order plus the last character of each run; a query needs its pairs adjacent', () => {
    expect(searchTokens('卫生间漏水')).toEqual(['卫生', '生间', '间漏', '漏水', '水']);
    expect(searchTokens('3栋电梯, Lift-A')).toEqual(['3', '栋电', '电梯', '梯', 'lift', 'a']);
    expect(queryParts('漏水')).toEqual([{ phrase: ['漏水'] }]);
    expect(queryParts('漏')).toEqual([{ prefix: '漏' }]);
    expect(queryParts('电梯 异响')).toEqual([{ phrase: ['电梯'] }, { phrase: ['异响'] }]);
    expect(textMatches(queryParts('卫生间漏水'), '卫生间漏水了')).toBe(true);
    // Both words are there, but not side by side.
    expect(textMatches(queryParts('卫生间漏水'), '卫生间的水管漏水')).toBe(false);
    expect(textMatches(queryParts('漏'), '卫生间漏水')).toBe(true);
    expect(textMatches(queryParts('水'), '卫生间漏水')).toBe(true);
  });

  it('receptionist: a two-character word finds every request containing it, newest first, only in her project', async () => {
    const page = await search('qiantai', `q=${encodeURIComponent('漏水')}`);
    expect(ids(page)).toEqual([registered.leak2?.id, registered.bath?.id, registered.leak1?.id]);
    expect(page.nextCursor).toBeNull();
  });

  it('receptionist: a longer phrase matches only where it is written as one; one character matches alone too', async () => {
    expect(ids(await search('qiantai', `q=${encodeURIComponent('楼板漏水')}`))).toEqual([registered.bath?.id]);
    expect(ids(await search('qiantai', `q=${encodeURIComponent('水龙头漏水')}`))).toEqual([registered.leak1?.id]);
    expect(ids(await search('qiantai', `q=${encodeURIComponent('龙头积水')}`))).toEqual([]);
    expect(ids(await search('qiantai', `q=${encodeURIComponent('噪')}`))).toEqual([registered.noise?.id]);
    // Separate words must all appear, in any order; a location and the caller's name are searched too.
    expect(ids(await search('qiantai', `q=${encodeURIComponent('异响 电梯')}`))).toEqual([registered.lift?.id]);
    expect(ids(await search('qiantai', `q=${encodeURIComponent('3栋大堂')}`))).toEqual([registered.lift?.id]);
    expect(ids(await search('qiantai', `q=${encodeURIComponent('欧阳')}`))).toEqual([registered.noise?.id]);
    // Filters narrow the search.
    expect(ids(await search('qiantai', `q=${encodeURIComponent('漏水')}&kind=complaint`))).toEqual([]);
  });

  it('receptionist: pages of one, each one further back, with a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 5; i++) {
      const page = await search('qiantai', `q=${encodeURIComponent('漏水')}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...ids(page));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual([registered.leak2?.id, registered.bath?.id, registered.leak1?.id]);
    const bad = await c('qiantai').get(`/api/requests?q=${encodeURIComponent('漏水')}&cursor=abc`);
    expect(bad.status).toBe(400);
  });

  it('quality officer (company-wide): finds in every project; a project filter keeps to it', async () => {
    const all = ids(await search('pinzhi', `q=${encodeURIComponent('漏水')}`));
    expect(all).toEqual([registered.leak2?.id, registered.chyLeak?.id, registered.bath?.id, registered.leak1?.id]);
    expect(ids(await search('pinzhi', `q=${encodeURIComponent('漏水')}&projectId=${chy}`))).toEqual([registered.chyLeak?.id]);
  });

  it('receptionist: another project is not searchable, not even by naming it', async () => {
    expect((await c('qiantai').get(`/api/requests?q=${encodeURIComponent('漏水')}&projectId=${chy}`)).status).toBe(404);
  });

  it('receptionist: the last four phone digits find the caller’s requests, mobile or landline, within her projects', async () => {
    expect(ids(await search('qiantai', 'phoneTail=5678'))).toEqual([registered.leak2?.id, registered.noise?.id, registered.leak1?.id]);
    expect(ids(await search('pinzhi', 'phoneTail=5678'))).toEqual([
      registered.leak2?.id,
      registered.chyLeak?.id,
      registered.noise?.id,
      registered.leak1?.id,
    ]);
    expect(ids(await search('qiantai', 'phoneTail=1234'))).toEqual([registered.bath?.id]);
    expect(ids(await search('qiantai', `phoneTail=5678&q=${encodeURIComponent('噪音')}`))).toEqual([registered.noise?.id]);
    const bad = await c('qiantai').get('/api/requests?phoneTail=12a4');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toHaveProperty('phoneTail');
  });

  it('receptionist: a request number typed into the search box finds that request', async () => {
    const page = await search('qiantai', `q=${registered.bath?.number}`);
    expect(ids(page)).toEqual([registered.bath?.id]);
  });

  it('receptionist: a query with nothing to search for is refused naming the field', async () => {
    const r = await c('qiantai').get(`/api/requests?q=${encodeURIComponent('，。！')}`);
    expect(r.status).toBe(400);
    expect(r.body.error.fields).toHaveProperty('q');
    expect(r.body.error.message).toMatch(/查找/);
  });

  it('resident: finds only requests of their own units, by the same rules', async () => {
    const own = await c('yezhu').post('/api/me/requests', {
      unitId: srv.people.unitId,
      kind: 'repair',
      repairScope: 'in_unit',
      content: '主卧空调漏水',
    });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    const page = await search('yezhu', `q=${encodeURIComponent('漏水')}`);
    expect(ids(page)).toEqual([own.body.id]);
    expect(ids(await search('yezhu', `q=${encodeURIComponent('噪音')}`))).toEqual([]);
  });

  it('technician and anonymous: staff of the project search it; without a session, 401', async () => {
    expect(ids(await search('weixiu', `q=${encodeURIComponent('电梯')}`))).toEqual([registered.lift?.id]);
    const anon = await fetch(`${srv.url}/api/requests?q=${encodeURIComponent('漏水')}`);
    expect(anon.status).toBe(401);
  });

  it('receptionist: an intake that fails leaves nothing in the search index', async () => {
    const r = await c('qiantai').post('/api/requests', {
      projectId: yghy,
      kind: 'repair',
      channel: 'phone',
      requesterName: '吴先生',
      content: '独一无二的烟囱倒灌',
      callId: 'no-such-call',
      readBackConfirmed: true,
    });
    expect(r.status).toBe(400);
    expect(ids(await search('pinzhi', `q=${encodeURIComponent('烟囱倒灌')}`))).toEqual([]);
  });

  it('the index is written with the request: one search row per request', async () => {
    const count = async (table: string) =>
      Number(
        (
          await srv.ctx.db
            .selectFrom(table as 'requests')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count('request_search')).toBe(await count('requests'));
    void dialect;
  });
});
