import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyRequestChains } from '../../server/domains/requests/request-events.ts';
import { localDateTime, toLocalDate } from '../../server/platform/calendar/calendar.ts';
import { describeEachDb, TestClock } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const CHINESE = /[\u4e00-\u9fa5]/;
const MINUTE = 60_000;
const PREFIX = { repair: 'BX', complaint: 'TS', inquiry: 'ZX', suggestion: 'JY', special: 'TY' } as const;
type Kind = keyof typeof PREFIX;

/** YYMM of a China-local instant, as the register numbers requests. */
const yymm = (t: number) => toLocalDate(t).slice(2, 7).replace('-', '');
const seqOf = (number: string) => Number(number.slice(-4));

describeEachDb('request register: intake, numbers, workflows, history, queues', (dialect) => {
  let srv: TestServer;
  // A Monday morning; the clock only ever moves forward in this file.
  const clock = new TestClock(localDateTime('2026-11-16', '09:00'));
  let yghy: string;
  let chy: string;
  let unit: { id: string; number: string };
  let owner: { id: string; name: string; phone: string };
  /** A person who lives in 阳光花园 but not in `unit`. */
  let stranger: { id: string; unitId: string };
  let chyUnitId: string;
  let users: Record<string, string>;
  const as: Record<string, Client> = {};
  /** The look-up result the intake form sends for the demo owner of 3-1-1502. */
  const fromOwner = { unitId: '', requesterPersonId: '' };
  const DEMO = ['qiantai', 'kefuzhuguan', 'jingli', 'gongcheng', 'weixiu', 'admin', 'yezhu', 'pinzhi'];

  /** Sessions last 12 hours of the server's clock: sign everyone in again after a jump. */
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

  beforeAll(async () => {
    srv = await startTestServer({ dialect, clock });
    yghy = srv.demo.projectByCode.YGHY as string;
    chy = srv.demo.projectByCode.CHY as string;
    const db = srv.ctx.db;
    unit = await db
      .selectFrom('units')
      .select(['id', 'number'])
      .where('project_id', '=', yghy)
      .where('number', '=', '3-1-1502')
      .executeTakeFirstOrThrow();
    owner = await db
      .selectFrom('people')
      .innerJoin('occupancies', 'occupancies.person_id', 'people.id')
      .select(['people.id', 'people.name', 'people.phone'])
      .where('occupancies.unit_id', '=', unit.id)
      .where('occupancies.relation', '=', 'owner')
      .executeTakeFirstOrThrow();
    stranger = await db
      .selectFrom('occupancies')
      .select(['person_id as id', 'unit_id as unitId'])
      .where('project_id', '=', yghy)
      .where('unit_id', 'not in', (eb) => eb.selectFrom('occupancies as o3').select('o3.unit_id').where('o3.person_id', '=', owner.id))
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('occupancies as o2')
              .select('o2.id')
              .whereRef('o2.person_id', '=', 'occupancies.person_id')
              .where('o2.unit_id', '=', unit.id),
          ),
        ),
      )
      .orderBy('id')
      .executeTakeFirstOrThrow();
    chyUnitId = (await db.selectFrom('units').select('id').where('project_id', '=', chy).orderBy('id').executeTakeFirstOrThrow()).id;
    const rows = await db.selectFrom('users').select(['id', 'username']).execute();
    users = Object.fromEntries(rows.map((r) => [r.username, r.id]));
    fromOwner.unitId = unit.id;
    fromOwner.requesterPersonId = owner.id;
    await signIn();
  });
  afterAll(() => srv?.close());

  async function count(table: 'requests' | 'request_events' | 'audit_events' | 'deadlines' | 'request_counters') {
    const r = await srv.ctx.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
  const counts = async () => ({
    requests: await count('requests'),
    events: await count('request_events'),
    audit: await count('audit_events'),
    deadlines: await count('deadlines'),
  });

  /** A counter/phone intake with the read-back confirmed; fields override the defaults. */
  async function intake(body: Record<string, unknown>, who = 'qiantai') {
    return c(who).post('/api/requests', {
      projectId: yghy,
      channel: 'phone',
      content: `测试事项 ${Math.random().toString(36).slice(2, 8)}`,
      readBackConfirmed: true,
      ...body,
    });
  }
  async function created(body: Record<string, unknown>, who = 'qiantai') {
    const r = await intake(body, who);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  }

  async function detail(id: string, who = 'qiantai') {
    const r = await c(who).get(`/api/requests/${id}`);
    expect(r.status).toBe(200);
    return r.body;
  }
  async function act(id: string, action: string, body: Record<string, unknown>, who = 'qiantai') {
    const version = (await detail(id, who === 'yezhu' ? 'qiantai' : who)).version;
    return c(who).post(`/api/requests/${id}/actions/${action}`, { version, ...body });
  }
  async function ok(id: string, action: string, body: Record<string, unknown>, who = 'qiantai') {
    const r = await act(id, action, body, who);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  }

  async function upload(client: Client, data: Buffer, filename: string, type: string) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(data)], { type }), filename);
    const res = await fetch(`${srv.url}/api/files`, {
      method: 'POST',
      headers: {
        cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'x-csrf-token': client.csrf,
      },
      body: form,
    });
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // left as text: the assertion shows it
    }
    return { status: res.status, body };
  }
  async function download(client: Client, path: string) {
    const res = await fetch(srv.url + path, { headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    return { status: res.status, type: res.headers.get('content-type'), data: Buffer.from(await res.arrayBuffer()) };
  }

  async function categoryOf(kind: Kind, parent: string, child: string) {
    const r = await c('qiantai').get(`/api/categories?kind=${kind}`);
    expect(r.status).toBe(200);
    for (const cat of r.body) expect(cat.kind).toBe(kind);
    const p = r.body.find((x: any) => x.name === parent && x.parentId === null);
    const ch = r.body.find((x: any) => x.name === child && x.parentId === p?.id);
    expect(ch, `${kind} ${parent}/${child}`).toBeTruthy();
    return ch.id as string;
  }

  // ---------------------------------------------------------------- intake

  it('receptionist: registers a phone repair from the unit look-up; name and phone come from the owner record', async () => {
    const categoryId = await categoryOf('repair', '室内维修', '水电');
    const before = clock.now();
    const r = await created({
      kind: 'repair',
      channel: 'phone',
      ...fromOwner,
      content: '厨房水龙头漏水',
      location: '厨房',
      categoryId,
      urgency: 'urgent',
      preferredTime: '明天上午 9-11 点',
    });
    expect(r.number).toMatch(new RegExp(`^BX-${yymm(before)}-\\d{4}$`));
    const d = await detail(r.id);
    expect(d).toMatchObject({
      kind: 'repair',
      channel: 'phone',
      status: 'registered',
      isOpen: true,
      projectId: yghy,
      unitId: unit.id,
      unitNumber: unit.number,
      requesterPersonId: owner.id,
      requesterName: owner.name,
      requesterPhone: owner.phone,
      categoryId,
      categoryPath: '室内维修 / 水电',
      urgency: 'urgent',
      preferredTime: '明天上午 9-11 点',
      location: '厨房',
      departmentName: '工程部',
      createdAt: before,
    });
    expect(d.history).toHaveLength(1);
    expect(d.history[0]).toMatchObject({ n: 1, type: 'created', toStatus: 'registered', correctsN: null });
    expect(d.history[0].data).toMatchObject({ number: r.number, channel: 'phone', readBackConfirmed: true });
    // The 10-minute answer promise of the source documents starts with the intake.
    expect(d.deadlines).toHaveLength(1);
    expect(d.deadlines[0]).toMatchObject({ kind: 'repair.response', status: 'running', startedAt: before, dueAt: before + 10 * MINUTE });
    expect(d.nextDueAt).toBe(before + 10 * MINUTE);
    const row = await srv.ctx.db.selectFrom('requests').selectAll().where('id', '=', r.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ requester_name: owner.name, requester_phone: owner.phone, channel: 'phone', created_by: users.qiantai });
    const audit = await srv.ctx.db.selectFrom('audit_events').select(['action', 'actor_id', 'at']).where('entity_id', '=', r.id).execute();
    expect(audit).toEqual([{ action: 'request.created', actor_id: users.qiantai, at: before }]);
  });

  it('receptionist: registers a complaint, an inquiry answered now, an inquiry with a promised time, a suggestion and a special service', async () => {
    const t = clock.now();
    const complaint = await created({
      kind: 'complaint',
      channel: 'counter',
      ...fromOwner,
      content: '楼上装修噪音，晚上十点后仍在施工',
      categoryId: await categoryOf('complaint', '环境与秩序', '噪音扰民'),
    });
    const answered = await created({
      kind: 'inquiry',
      channel: 'phone',
      ...fromOwner,
      content: '物业费怎么交',
      inquiry: { answer: '可到服务中心前台或在住户端缴纳' },
    });
    const promisedAt = t + 2 * 3600_000;
    const promised = await created({ kind: 'inquiry', channel: 'phone', ...fromOwner, content: '停车位还有吗', inquiry: { promisedAt } });
    const suggestion = await created({
      kind: 'suggestion',
      channel: 'forum',
      requesterName: '王先生',
      requesterPhone: '13912345678',
      content: '建议在 3 栋大堂增设快递柜',
    });
    const special = await created({ kind: 'special', channel: 'counter', ...fromOwner, content: '空调清洗', preferredTime: '周六下午' });

    for (const [r, kind] of [
      [complaint, 'complaint'],
      [answered, 'inquiry'],
      [promised, 'inquiry'],
      [suggestion, 'suggestion'],
      [special, 'special'],
    ] as const) {
      expect(r.number).toMatch(new RegExp(`^${PREFIX[kind]}-${yymm(t)}-\\d{4}$`));
      expect(r.kind).toBe(kind);
    }

    const cd = await detail(complaint.id);
    expect(cd).toMatchObject({
      status: 'registered',
      isOpen: true,
      channel: 'counter',
      requesterName: owner.name,
      categoryPath: '环境与秩序 / 噪音扰民',
    });
    expect(cd.deadlines.map((x: any) => [x.kind, x.dueAt])).toEqual([['complaint.response', t + 24 * 3600_000]]);

    const ad = await detail(answered.id);
    expect(ad).toMatchObject({ status: 'answered', isOpen: false, closedAt: t, nextDueAt: null });
    expect(ad.detail).toMatchObject({ answer: '可到服务中心前台或在住户端缴纳', answeredAt: t });
    expect(ad.deadlines).toEqual([]);

    const pd = await detail(promised.id);
    expect(pd).toMatchObject({ status: 'awaiting_answer', isOpen: true, nextDueAt: promisedAt });
    expect(pd.deadlines.map((x: any) => [x.kind, x.status, x.dueAt])).toEqual([['inquiry.answer', 'running', promisedAt]]);
    expect(pd.detail.promisedAt).toBe(promisedAt);

    const sd = await detail(suggestion.id);
    // A non-resident: no unit, no person, the name and phone as typed.
    expect(sd).toMatchObject({
      channel: 'forum',
      unitId: null,
      requesterPersonId: null,
      requesterName: '王先生',
      requesterPhone: '13912345678',
      status: 'registered',
      departmentName: '客服部',
    });
    expect(sd.deadlines.map((x: any) => [x.kind, x.basis])).toEqual([['suggestion.reply', 'working']]);

    const spd = await detail(special.id);
    expect(spd).toMatchObject({ status: 'registered', statusLabel: '待报价', channel: 'counter', preferredTime: '周六下午' });
    expect(spd.deadlines).toEqual([]);

    // An inquiry must be answered now or get a promised time.
    const neither = await intake({ kind: 'inquiry', ...fromOwner });
    expect(neither.status).toBe(400);
    expect(neither.body.error.fields.inquiry).toMatch(CHINESE);
  });

  it('receptionist: cannot save before the read-back is confirmed', async () => {
    const before = await counts();
    const { readBackConfirmed: _, ...noReadBack } = { kind: 'repair', ...fromOwner, readBackConfirmed: true };
    const missing = await c('qiantai').post('/api/requests', { projectId: yghy, channel: 'phone', content: '灯不亮', ...noReadBack });
    const no = await intake({ kind: 'repair', ...fromOwner, readBackConfirmed: false });
    for (const r of [missing, no]) {
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('invalid_input');
      expect(r.body.error.fields.readBackConfirmed).toMatch(/复述/);
      expect(r.body.error.message).toMatch(CHINESE);
    }
    expect(await counts()).toEqual(before);
  });

  it('receptionist: bad references are refused naming the field, and nothing is half-written', async () => {
    const first = await created({ kind: 'repair', ...fromOwner });
    const before = { ...(await counts()), counters: await count('request_counters') };
    // A photo someone else uploaded is only found inside the intake transaction, after the number is taken.
    const png = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#09f' } })
      .png()
      .toBuffer();
    const others = await upload(c('kefuzhuguan'), png, 'x.png', 'image/png');
    expect(others.status).toBe(201);
    const beforeRefused = { ...(await counts()), counters: await count('request_counters') };
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'repair', unitId: chyUnitId }, 'unitId'],
      [{ kind: 'repair', ...fromOwner, categoryId: await categoryOf('complaint', '收费', '票据') }, 'categoryId'],
      [{ kind: 'repair', unitId: unit.id, requesterPersonId: stranger.id }, 'requesterPersonId'],
      [{ kind: 'repair', ...fromOwner, departmentId: 'no-such-department' }, 'departmentId'],
      [{ kind: 'repair', ...fromOwner, photoIds: [others.body.id] }, 'photoIds'],
      [{ kind: 'repair', requesterName: '' }, 'requesterName'],
    ];
    for (const [body, field] of cases) {
      const r = await intake(body);
      expect(r.status, field).toBe(400);
      expect(Object.keys(r.body.error.fields), field).toContain(field);
      expect(r.body.error.fields[field]).toMatch(CHINESE);
    }
    expect({ ...(await counts()), counters: await count('request_counters') }).toEqual(beforeRefused);
    expect(beforeRefused.requests).toBe(before.requests);
    // The refused intakes gave their numbers back: the next one follows on directly.
    const next = await created({ kind: 'repair', ...fromOwner });
    expect(seqOf(next.number)).toBe(seqOf(first.number) + 1);
  });

  it('receptionist: uploads photos, gets WebP thumbnails and links them to the intake; wrong files are refused', async () => {
    const png = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#3a7' } })
      .png()
      .toBuffer();
    const jpeg = await sharp({ create: { width: 400, height: 1000, channels: 3, background: '#a37' } })
      .jpeg()
      .toBuffer();
    const p = await upload(c('qiantai'), png, '漏水.png', 'image/png');
    const j = await upload(c('qiantai'), jpeg, 'wall.jpg', 'image/jpeg');
    expect(p.status).toBe(201);
    expect(j.status).toBe(201);
    expect(p.body).toMatchObject({ mime: 'image/png', width: 800, height: 600, bytes: png.length });
    expect(j.body).toMatchObject({ mime: 'image/jpeg', width: 400, height: 1000, bytes: jpeg.length });

    const thumb = await download(c('qiantai'), p.body.thumbUrl);
    expect(thumb.status).toBe(200);
    expect(thumb.type).toBe('image/webp');
    const meta = await sharp(thumb.data).metadata();
    expect(meta.format).toBe('webp');
    expect([meta.width, meta.height]).toEqual([320, 240]);
    const jthumb = await sharp((await download(c('qiantai'), j.body.thumbUrl)).data).metadata();
    expect([jthumb.width, jthumb.height]).toEqual([128, 320]);
    const original = await download(c('qiantai'), p.body.url);
    expect(original.type).toBe('image/png');
    expect(original.data.equals(png)).toBe(true);

    const r = await created({ kind: 'repair', ...fromOwner, content: '卫生间墙面渗水', photoIds: [p.body.id, j.body.id] });
    const d = await detail(r.id);
    expect(d.photos.map((x: any) => x.id).sort()).toEqual([p.body.id, j.body.id].sort());
    expect(d.history[0].data.photos).toBe(2);
    // Now part of the request: the department sees it too.
    expect((await download(c('gongcheng'), d.photos[0].thumbUrl)).status).toBe(200);
    // A photo belongs to one request only.
    const again = await intake({ kind: 'repair', ...fromOwner, photoIds: [p.body.id] });
    expect(again.status).toBe(400);
    expect(again.body.error.fields.photoIds).toMatch(CHINESE);

    const txt = await upload(c('qiantai'), Buffer.from('这不是照片\n'), 'note.txt', 'text/plain');
    expect(txt.status).toBe(400);
    expect(txt.body.error.fields.file).toMatch(/JPEG/);
    expect(txt.body.error.message).toMatch(CHINESE);
    // 10 MB is the limit; a bigger file is refused whatever it claims to be.
    const big = await upload(c('qiantai'), randomBytes(10 * 1024 * 1024 + 4096), 'big.jpg', 'image/jpeg');
    expect(big.status).toBe(400);
    expect(big.body.error.fields.file).toContain('10 MB');
    expect(big.body.error.message).toMatch(CHINESE);

    // Someone else's upload can be neither linked nor fetched.
    const mine = await upload(c('kefuzhuguan'), png, 'sup.png', 'image/png');
    expect((await download(c('qiantai'), mine.body.thumbUrl)).status).toBe(404);
    const foreign = await intake({ kind: 'repair', ...fromOwner, photoIds: [mine.body.id] });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.fields.photoIds).toMatch(CHINESE);
  });

  // ---------------------------------------------------------------- numbers

  it('company quality officer: 40 parallel intakes in both projects get unique, gap-free numbers per project, kind and month; a new month starts at 0001', async () => {
    // A month nobody has used yet, so every (project, kind) sequence must be exactly 1..n.
    clock.t = localDateTime('2026-12-02', '10:00');
    await signIn();
    const kinds: Kind[] = ['repair', 'complaint', 'inquiry', 'suggestion', 'special'];
    const bodies = Array.from({ length: 40 }, (_, i) => {
      const kind = kinds[i % kinds.length] as Kind;
      const projectId = i % 2 === 0 ? yghy : chy;
      return {
        projectId,
        kind,
        channel: i % 3 === 0 ? 'counter' : 'phone',
        ...(projectId === yghy && i % 4 === 0 ? fromOwner : { requesterName: `来电人${i}`, requesterPhone: '13800138000' }),
        ...(kind === 'inquiry' ? { inquiry: { answer: '已当场答复' } } : {}),
        content: `并发登记 ${i}`,
        readBackConfirmed: true,
      };
    });
    const res = await Promise.all(bodies.map((b) => c('pinzhi').post('/api/requests', b)));
    for (const r of res) expect(r.status, JSON.stringify(r.body)).toBe(201);
    const groups = new Map<string, number[]>();
    res.forEach((r, i) => {
      const b = bodies[i] as (typeof bodies)[number];
      expect(r.body.projectId).toBe(b.projectId);
      expect(r.body.number).toMatch(new RegExp(`^${PREFIX[b.kind]}-2612-\\d{4}$`));
      const key = `${b.projectId}:${b.kind}`;
      groups.set(key, [...(groups.get(key) ?? []), seqOf(r.body.number)]);
    });
    expect(groups.size).toBe(10);
    for (const [key, seqs] of groups) {
      expect(
        seqs.sort((a, b) => a - b),
        key,
      ).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    }
    // And in the database: no number twice within a project.
    const rows = await srv.ctx.db.selectFrom('requests').select(['project_id', 'number']).where('number', 'like', '%-2612-%').execute();
    expect(rows).toHaveLength(40);
    expect(new Set(rows.map((r) => `${r.project_id}:${r.number}`)).size).toBe(40);

    // The last minutes of December continue the sequence; January starts again.
    clock.t = localDateTime('2026-12-31', '23:58');
    await signIn();
    const dec = await created({ kind: 'repair', requesterName: '李女士' });
    expect(dec.number).toBe(`BX-2612-${String((groups.get(`${yghy}:repair`)?.length ?? 0) + 1).padStart(4, '0')}`);
    clock.advance(5 * MINUTE);
    const jan = await created({ kind: 'repair', requesterName: '李女士' });
    expect(jan.number).toBe('BX-2701-0001');
    const janChy = await created({ kind: 'repair', projectId: chy, requesterName: '李女士' }, 'pinzhi');
    expect(janChy.number).toBe('BX-2701-0001');
    const janSuggestion = await created({ kind: 'suggestion', requesterName: '李女士' });
    expect(janSuggestion.number).toBe('JY-2701-0001');
  });

  // ---------------------------------------------------------------- reading

  it('receptionist: lists requests newest first with filters and keyset pages that never repeat', async () => {
    clock.advance(MINUTE);
    // Distinct creation times as well as a tie, so both parts of the key are exercised.
    const mine = [];
    for (let i = 0; i < 3; i++) {
      mine.push(await created({ kind: 'suggestion', ...fromOwner, content: `排序 ${i}` }));
      if (i !== 1) clock.advance(1000);
    }
    const seen: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: { status: number; body: any } = await c('qiantai').get(
        `/api/requests?projectId=${yghy}&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(r.status).toBe(200);
      expect(r.body.items.length).toBeLessThanOrEqual(7);
      seen.push(...r.body.items);
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    const ids = seen.map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    const inDb = await srv.ctx.db.selectFrom('requests').select('id').where('project_id', '=', yghy).execute();
    expect(ids.slice().sort()).toEqual(inDb.map((r) => r.id).sort());
    expect(pages).toBeGreaterThan(2);
    for (let i = 1; i < seen.length; i++) {
      const a = seen[i - 1];
      const b = seen[i];
      expect(a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id), `${i}`).toBe(true);
    }
    // The two newest share a millisecond: the id breaks the tie.
    expect(
      seen
        .slice(0, 2)
        .map((x) => x.id)
        .sort(),
    ).toEqual([mine[1].id, mine[2].id].sort());
    expect(seen[2].id).toBe(mine[0].id);
    expect(seen.every((x) => x.projectId === yghy)).toBe(true);

    const byKind = await c('qiantai').get(`/api/requests?projectId=${yghy}&kind=suggestion&limit=200`);
    const suggestionsInDb = await srv.ctx.db
      .selectFrom('requests')
      .select('id')
      .where('project_id', '=', yghy)
      .where('kind', '=', 'suggestion')
      .execute();
    expect(byKind.body.items.map((x: any) => x.id).sort()).toEqual(suggestionsInDb.map((r) => r.id).sort());
    const closed = await c('qiantai').get('/api/requests?open=false&limit=200');
    expect(closed.body.items.length).toBeGreaterThan(0);
    expect(closed.body.items.every((x: any) => !x.isOpen && x.projectId === yghy)).toBe(true);
    const answered = await c('qiantai').get('/api/requests?status=answered&limit=200');
    expect(answered.body.items.length).toBeGreaterThan(0);
    expect(answered.body.items.every((x: any) => x.status === 'answered')).toBe(true);
    const byUnit = await c('qiantai').get(`/api/requests?unitId=${unit.id}&limit=200`);
    expect(byUnit.body.items.length).toBeGreaterThan(3);
    expect(byUnit.body.items.every((x: any) => x.unitNumber === unit.number)).toBe(true);
    const byPerson = await c('qiantai').get(`/api/requests?personId=${owner.id}&limit=200`);
    expect(byPerson.body.items.map((x: any) => x.id).sort()).toEqual(byUnit.body.items.map((x: any) => x.id).sort());
    const byNumber = await c('qiantai').get(`/api/requests?number=${mine[1].number.toLowerCase()}`);
    expect(byNumber.body.items.map((x: any) => x.id)).toEqual([mine[1].id]);

    // A receptionist of 阳光花园 sees nothing of 朝阳花园.
    const all = await c('qiantai').get('/api/requests?limit=200');
    expect(all.body.items.every((x: any) => x.projectId === yghy)).toBe(true);
    expect((await c('qiantai').get(`/api/requests?projectId=${chy}`)).status).toBe(404);
    const bad = await c('qiantai').get('/api/requests?cursor=not-a-cursor');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.cursor).toMatch(CHINESE);
  });

  it('receptionist, technician, department head: the detail shows the hash-chained history, the deadlines and the actions each may take now', async () => {
    const r = await created({ kind: 'special', ...fromOwner, content: '家电清洗' });
    await ok(r.id, 'quote', { item: '空调清洗', priceFen: 12000 });
    await ok(r.id, 'agree', { note: '住户同意' });
    const views = {
      receptionist: await detail(r.id, 'qiantai'),
      technician: await detail(r.id, 'weixiu'),
      head: await detail(r.id, 'gongcheng'),
    };
    const names = (d: any) => d.actions.map((a: any) => a.action).sort();
    // The department arranges a special service; the counter and the technicians do not.
    expect(names(views.receptionist)).not.toContain('arrange');
    expect(names(views.technician)).not.toContain('arrange');
    expect(names(views.head)).toContain('arrange');
    expect(names(views.head)).not.toContain('quote');
    expect(names(views.receptionist)).toEqual(expect.arrayContaining(['assign', 'note', 'reclassify']));
    const arrange = views.head.actions.find((a: any) => a.action === 'arrange');
    expect(Object.keys(arrange.input.properties)).toEqual(expect.arrayContaining(['arrangement', 'scheduledAt']));

    const d = views.receptionist;
    expect(d.status).toBe('agreed');
    expect(d.detail).toMatchObject({ item: '空调清洗', priceFen: 12000 });
    expect(d.history.map((e: any) => [e.n, e.type, e.fromStatus, e.toStatus])).toEqual([
      [1, 'created', null, 'registered'],
      [2, 'quote', 'registered', 'quoted'],
      [3, 'agree', 'quoted', 'agreed'],
    ]);
    expect(d.deadlines.map((x: any) => [x.kind, x.status])).toEqual([['special.arrange', 'running']]);
    const rows = await srv.ctx.db.selectFrom('request_events').selectAll().where('request_id', '=', r.id).orderBy('n').execute();
    expect(rows.map((e) => e.n)).toEqual([1, 2, 3]);
    expect(rows[0]?.prev_hash).toBe('');
    for (let i = 1; i < rows.length; i++) expect(rows[i]?.prev_hash).toBe(rows[i - 1]?.hash);
    expect(new Set(rows.map((e) => e.hash)).size).toBe(3);
    const head = await srv.ctx.db.selectFrom('requests').select(['event_n', 'event_hash']).where('id', '=', r.id).executeTakeFirstOrThrow();
    expect(head).toEqual({ event_n: 3, event_hash: rows[2]?.hash });
    expect((await verifyRequestChains(srv.ctx.db)).ok).toBe(true);

    // The counter may not take the department's step, even by calling the API directly.
    const denied = await act(r.id, 'arrange', { arrangement: '周六上门', scheduledAt: clock.now() + 86_400_000 }, 'qiantai');
    expect(denied.status).toBe(403);
  });

  // ---------------------------------------------------------------- workflows

  it('receptionist: an inquiry with a promised answer time is answered; the promise is met and the request closes', async () => {
    const promisedAt = clock.now() + 3600_000;
    const r = await created({ kind: 'inquiry', ...fromOwner, content: '装修押金何时退', inquiry: { promisedAt } });
    expect((await detail(r.id)).actions.map((a: any) => a.action)).toContain('answer');
    clock.advance(20 * MINUTE);
    const answeredAt = clock.now();
    const d = await ok(r.id, 'answer', { answer: '验收合格后 15 个工作日内退还' });
    expect(d).toMatchObject({ status: 'answered', isOpen: false, closedAt: answeredAt, nextDueAt: null });
    expect(d.detail).toMatchObject({ answer: '验收合格后 15 个工作日内退还', answeredAt, promisedAt });
    expect(d.deadlines).toHaveLength(1);
    expect(d.deadlines[0]).toMatchObject({ kind: 'inquiry.answer', status: 'met', metAt: answeredAt, breachedAt: null, dueAt: promisedAt });
    expect(d.actions).toEqual([]);
    expect(d.history.at(-1)).toMatchObject({ type: 'answer', fromStatus: 'awaiting_answer', toStatus: 'answered' });
    // Closed: a second answer is a rule violation, not a silent rewrite.
    const again = await act(r.id, 'answer', { answer: '再答一次' });
    expect(again.status).toBe(422);
  });

  it('receptionist: a suggestion is handled, counted in the month report, then replied to', async () => {
    const categoryId = await categoryOf('suggestion', '设施与环境', '增设设施');
    const r = await created({ kind: 'suggestion', ...fromOwner, content: '建议增设电动车充电桩', categoryId });
    const early = await act(r.id, 'reply', { reply: '谢谢' });
    expect(early.status).toBe(422);
    expect(early.body.error.code).toBe('transition_not_allowed');
    expect(early.body.error.message).toMatch(CHINESE);

    const month = toLocalDate(clock.now()).slice(0, 7);
    const report = async () => {
      const rep = await c('kefuzhuguan').get(`/api/reports/suggestions?projectId=${yghy}&month=${month}`);
      expect(rep.status).toBe(200);
      return rep.body;
    };
    const before = await report();
    expect(before.items.map((x: any) => x.id)).not.toContain(r.id);
    const handled = await ok(r.id, 'handle', { handling: '已报工程部评估选址' });
    expect(handled).toMatchObject({ status: 'handled', isOpen: true });
    expect(handled.detail.month).toBe(month);
    const after = await report();
    expect(after.total).toBe(before.total + 1);
    const category = '增设设施';
    expect(after.byCategory[category]).toBe((before.byCategory[category] ?? 0) + 1);
    expect(after.items.find((x: any) => x.id === r.id)).toMatchObject({
      number: r.number,
      handling: '已报工程部评估选址',
      repliedAt: null,
    });

    const replied = await ok(r.id, 'reply', { reply: '已在 5 栋旁增设充电桩' });
    expect(replied).toMatchObject({ status: 'replied', isOpen: false });
    expect(replied.deadlines[0]).toMatchObject({ kind: 'suggestion.reply', status: 'met', metAt: clock.now() });
    const final = await report();
    expect(final.replied).toBe(after.replied + 1);
    expect(final.items.find((x: any) => x.id === r.id).reply).toBe('已在 5 栋旁增设充电桩');
  });

  it('special service: price shown → agreed → department arranges → result reported to the supervisors → reply', async () => {
    const r = await created({ kind: 'special', ...fromOwner, content: '管道疏通' });
    const q = await ok(r.id, 'quote', { item: '管道疏通', priceFen: 8000 });
    expect(q).toMatchObject({ status: 'quoted', detail: { item: '管道疏通', priceFen: 8000 } });
    const a = await ok(r.id, 'agree', {});
    expect(a.detail.agreedAt).toBe(clock.now());
    expect(a.deadlines.map((x: any) => [x.kind, x.status])).toEqual([['special.arrange', 'running']]);
    const scheduledAt = clock.now() + 86_400_000;
    const past = await act(r.id, 'arrange', { arrangement: '明天上门', scheduledAt: clock.now() - 1 }, 'gongcheng');
    expect(past.status).toBe(400);
    expect(past.body.error.fields.scheduledAt).toMatch(CHINESE);
    const arr = await ok(r.id, 'arrange', { arrangement: '张师傅明天上门', scheduledAt, assigneeId: users.weixiu }, 'gongcheng');
    expect(arr).toMatchObject({ status: 'arranged', assigneeId: users.weixiu, detail: { scheduledAt, arrangement: '张师傅明天上门' } });
    expect(arr.deadlines.find((x: any) => x.kind === 'special.arrange')).toMatchObject({ status: 'met' });

    const inboxBefore = await c('kefuzhuguan').get('/api/notifications?limit=200');
    expect(inboxBefore.body.items.filter((n: any) => n.requestId === r.id)).toEqual([]);
    const done = await ok(r.id, 'report_result', { result: '已疏通，住户确认' }, 'weixiu');
    expect(done).toMatchObject({ status: 'completed', isOpen: true });
    expect(done.detail.reportedTo).toContain(users.kefuzhuguan);
    expect(done.deadlines.find((x: any) => x.kind === 'special.reply')).toMatchObject({ status: 'running' });
    const inbox = await c('kefuzhuguan').get('/api/notifications?limit=200');
    const mine = inbox.body.items.filter((n: any) => n.requestId === r.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ kind: 'request.reported', read: false, link: `/requests/${r.id}` });
    expect(mine[0].title).toContain(r.number);
    // The supervisor is told, the receptionist is not.
    const qt = await c('qiantai').get('/api/notifications?limit=200');
    expect(qt.body.items.filter((n: any) => n.requestId === r.id)).toEqual([]);

    const rep = await ok(r.id, 'reply', { reply: '已完成，欢迎再次使用' }, 'kefuzhuguan');
    expect(rep).toMatchObject({ status: 'replied', isOpen: false, actions: [] });
    expect(rep.deadlines.find((x: any) => x.kind === 'special.reply')).toMatchObject({ status: 'met' });
    expect(rep.history.map((e: any) => e.type)).toEqual(['created', 'quote', 'agree', 'arrange', 'report_result', 'reply']);
  });

  it('special service: the resident does not accept the price and the request closes', async () => {
    const r = await created({ kind: 'special', ...fromOwner, content: '搬家协助' });
    await ok(r.id, 'quote', { item: '搬家协助', priceFen: 30000 });
    const noReason = await act(r.id, 'decline', { reason: ' ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields.reason).toMatch(CHINESE);
    const d = await ok(r.id, 'decline', { reason: '住户认为价格偏高' });
    expect(d).toMatchObject({ status: 'declined', isOpen: false, closedAt: clock.now(), actions: [] });
    expect(d.history.at(-1)).toMatchObject({ type: 'decline', data: { reason: '住户认为价格偏高' } });
    expect((await act(r.id, 'agree', {})).status).toBe(422);
  });

  it('receptionist: a step not allowed now, an unknown step, or bad input is refused and changes nothing', async () => {
    const r = await created({ kind: 'special', ...fromOwner, content: '钟点看护' });
    const v0 = (await detail(r.id)).version;
    const notNow = await act(r.id, 'reply', { reply: '好的' });
    expect(notNow.status).toBe(422);
    expect(notNow.body.error.code).toBe('transition_not_allowed');
    const unknown = await act(r.id, 'teleport', {});
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('unknown_action');
    expect(unknown.body.error.message).toMatch(CHINESE);
    const negative = await act(r.id, 'quote', { item: '钟点看护', priceFen: -100 });
    expect(negative.status).toBe(400);
    expect(negative.body.error.fields.priceFen).toMatch(CHINESE);
    const noItem = await act(r.id, 'quote', { priceFen: 100 });
    expect(noItem.status).toBe(400);
    expect(Object.keys(noItem.body.error.fields)).toContain('item');
    const noVersion = await c('qiantai').post(`/api/requests/${r.id}/actions/quote`, { item: 'x', priceFen: 1 });
    expect(noVersion.status).toBe(400);
    expect(Object.keys(noVersion.body.error.fields)).toContain('version');
    const badAssignee = await act(r.id, 'assign', { assigneeId: users.yezhu });
    expect(badAssignee.status).toBe(400);
    expect(badAssignee.body.error.fields.assigneeId).toMatch(CHINESE);
    const d = await detail(r.id);
    expect(d.version).toBe(v0);
    expect(d.history).toHaveLength(1);
    expect(d.status).toBe('registered');
  });

  it('receptionist and supervisor: acting at once on the same version, one wins and the other gets 409 with the current state', async () => {
    const r = await created({ kind: 'suggestion', ...fromOwner, content: '建议周末延长前台服务时间' });
    const { version } = await detail(r.id);
    const [a, b] = await Promise.all([
      c('qiantai').post(`/api/requests/${r.id}/actions/handle`, { version, handling: '前台处理' }),
      c('kefuzhuguan').post(`/api/requests/${r.id}/actions/handle`, { version, handling: '主管处理' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const lost = a.status === 409 ? a : b;
    const won = a.status === 200 ? a : b;
    expect(lost.body.error.code).toBe('conflict');
    expect(lost.body.error.message).toMatch(CHINESE);
    expect(lost.body.error.current).toMatchObject({ status: 'handled', version: version + 1 });
    expect(won.body.version).toBe(version + 1);
    const d = await detail(r.id);
    expect(d.history.filter((e: any) => e.type === 'handle')).toHaveLength(1);
    expect(d.history).toHaveLength(2);
    expect(d.detail.handling).toBe(won === a ? '前台处理' : '主管处理');
    // The loser retries with the version it was given and the rules of the new state apply.
    const retry = await c('qiantai').post(`/api/requests/${r.id}/actions/handle`, {
      version: lost.body.error.current.version,
      handling: 'x',
    });
    expect(retry.status).toBe(422);
  });

  it('receptionist: reclassifies a complaint as a repair with a reason; the old number stays in the history', async () => {
    const r = await created({ kind: 'complaint', ...fromOwner, content: '卫生间天花板滴水，要求处理' });
    const old = await detail(r.id);
    expect(old.deadlines.map((x: any) => [x.kind, x.status])).toEqual([['complaint.response', 'running']]);
    const noReason = await act(r.id, 'reclassify', { kind: 'repair' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields.reason).toMatch(CHINESE);
    const wrongCategory = await act(r.id, 'reclassify', {
      kind: 'repair',
      reason: '实为报修',
      categoryId: await categoryOf('complaint', '服务质量', '维修质量'),
    });
    expect(wrongCategory.status).toBe(400);
    expect(wrongCategory.body.error.fields.categoryId).toMatch(CHINESE);

    const categoryId = await categoryOf('repair', '室内维修', '洗手间漏水');
    const t = clock.now();
    const d = await ok(r.id, 'reclassify', { kind: 'repair', reason: '实为楼上渗漏，属报修', categoryId });
    expect(d).toMatchObject({ kind: 'repair', status: 'registered', categoryId, departmentName: '工程部', isOpen: true });
    expect(d.number).toMatch(new RegExp(`^BX-${yymm(t)}-\\d{4}$`));
    expect(d.number).not.toBe(r.number);
    const ev = d.history.at(-1);
    expect(ev).toMatchObject({
      type: 'reclassified',
      data: { fromKind: 'complaint', toKind: 'repair', oldNumber: r.number, newNumber: d.number },
    });
    expect(ev.data.reason).toBe('实为楼上渗漏，属报修');
    const byKind = Object.fromEntries(d.deadlines.map((x: any) => [x.kind, x]));
    expect(byKind['complaint.response']).toMatchObject({ status: 'cancelled' });
    expect(byKind['repair.response']).toMatchObject({ status: 'running', startedAt: t, dueAt: t + 10 * MINUTE });
    expect(d.nextDueAt).toBe(t + 10 * MINUTE);
    // Found by its new number; the old one is history only.
    expect((await c('qiantai').get(`/api/requests?number=${d.number}`)).body.items.map((x: any) => x.id)).toEqual([r.id]);
    expect((await c('qiantai').get(`/api/requests?number=${r.number}`)).body.items).toEqual([]);
    expect(d.history[0].data.number).toBe(r.number);
  });

  it('service supervisor: a correction is a new entry pointing at the one it corrects; no route edits or deletes history', async () => {
    const r = await created({ kind: 'complaint', ...fromOwner, content: '电梯停运无通知' });
    await ok(r.id, 'note', { text: '住户电话 139****0000' });
    const original = await srv.ctx.db.selectFrom('request_events').selectAll().where('request_id', '=', r.id).orderBy('n').execute();
    const v = (await detail(r.id)).version;
    const byReceptionist = await c('qiantai').post(`/api/requests/${r.id}/corrections`, { version: v, correctsN: 2, text: 'x' });
    expect(byReceptionist.status).toBe(403);
    const tooFar = await c('kefuzhuguan').post(`/api/requests/${r.id}/corrections`, { version: v, correctsN: 9, text: '不存在' });
    expect(tooFar.status).toBe(400);
    expect(tooFar.body.error.fields.correctsN).toMatch(CHINESE);
    const fixed = await c('kefuzhuguan').post(`/api/requests/${r.id}/corrections`, {
      version: v,
      correctsN: 2,
      text: '电话记错，应为 13912345678',
    });
    expect(fixed.status).toBe(200);
    expect(fixed.body.history).toHaveLength(3);
    expect(fixed.body.history[2]).toMatchObject({ n: 3, type: 'correction', correctsN: 2, data: { text: '电话记错，应为 13912345678' } });
    expect(fixed.body.history[1]).toMatchObject({ n: 2, type: 'note', correctsN: null, data: { text: '住户电话 139****0000' } });

    const attempts = [
      await c('kefuzhuguan').put(`/api/requests/${r.id}`, { content: '改写' }),
      await c('kefuzhuguan').patch(`/api/requests/${r.id}`, { content: '改写', version: v + 1 }),
      await c('kefuzhuguan').delete(`/api/requests/${r.id}`),
      await c('admin').delete(`/api/requests/${r.id}`),
      await c('kefuzhuguan').patch(`/api/requests/${r.id}/events/2`, { data: {} }),
      await c('kefuzhuguan').delete(`/api/requests/${r.id}/events/2`),
      await c('kefuzhuguan').put(`/api/requests/${r.id}/history/2`, { data: {} }),
      await c('kefuzhuguan').delete(`/api/requests/${r.id}/history`),
    ];
    for (const a of attempts) expect([404, 405]).toContain(a.status);
    const now = await srv.ctx.db.selectFrom('request_events').selectAll().where('request_id', '=', r.id).orderBy('n').execute();
    expect(now.slice(0, 2)).toEqual(original);
    expect(now[2]?.prev_hash).toBe(original[1]?.hash);
    expect((await detail(r.id)).content).toBe('电梯停运无通知');
    expect((await verifyRequestChains(srv.ctx.db)).ok).toBe(true);
  });

  // ---------------------------------------------------------------- residents, phrases

  it("resident: sees own unit's requests, not another unit's, and cannot act", async () => {
    const own = await created({ kind: 'repair', ...fromOwner, content: '阳台推拉门卡住' });
    const other = await created({ kind: 'repair', unitId: stranger.unitId, requesterPersonId: stranger.id, content: '邻居家的报修' });
    const list = await c('yezhu').get('/api/requests?limit=200');
    expect(list.status).toBe(200);
    const ids = list.body.items.map((x: any) => x.id);
    expect(ids).toContain(own.id);
    expect(ids).not.toContain(other.id);
    const mineInDb = await srv.ctx.db
      .selectFrom('requests')
      .select('id')
      .where((eb) =>
        eb.or([
          eb('unit_id', 'in', eb.selectFrom('occupancies').select('unit_id').where('person_id', '=', owner.id)),
          eb('requester_person_id', '=', owner.id),
        ]),
      )
      .execute();
    expect(ids.slice().sort()).toEqual(mineInDb.map((x) => x.id).sort());

    const d = await c('yezhu').get(`/api/requests/${own.id}`);
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ id: own.id, number: own.number, actions: [] });
    expect(d.body.deadlines[0]).toMatchObject({ kind: 'repair.response' });
    const hidden = await c('yezhu').get(`/api/requests/${other.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.message).toMatch(CHINESE);

    const v = d.body.version;
    expect((await c('yezhu').post(`/api/requests/${own.id}/actions/note`, { version: v, text: '我自己记一笔' })).status).toBe(403);
    expect((await c('yezhu').post(`/api/requests/${own.id}/pause`, { version: v, reason: '不在家' })).status).toBe(403);
    expect((await c('yezhu').get('/api/queue')).status).toBe(403);
    expect((await detail(own.id)).version).toBe(v);
  });

  it('company admin: edits the company-wide repair phrase; a project supervisor and the receptionist read it but cannot edit it', async () => {
    const r = await c('qiantai').get('/api/phrases?scenario=repair');
    expect(r.status).toBe(200);
    expect(r.body.length).toBeGreaterThan(0);
    expect(r.body.every((p: any) => p.scenario === 'repair')).toBe(true);
    const phrase = r.body.find((p: any) => p.text.includes('十分钟内'));
    expect(phrase.text).toContain('大约在十分钟内给您一个答复');

    const denied = await c('qiantai').patch(`/api/phrases/${phrase.id}`, { version: phrase.version, text: '改掉' });
    expect(denied.status).toBe(403);
    // Phrases are the company's (R-IN-5): a supervisor of one project cannot change them for all.
    const supervisor = await c('kefuzhuguan').patch(`/api/phrases/${phrase.id}`, { version: phrase.version, text: '改掉' });
    expect(supervisor.status).toBe(403);
    const text = '您好，服务中心。请问您室内哪里需要维修？我们大约在十分钟内给您一个答复。';
    const edited = await c('admin').patch(`/api/phrases/${phrase.id}`, { version: phrase.version, text });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ id: phrase.id, text, version: phrase.version + 1 });
    const stale = await c('admin').patch(`/api/phrases/${phrase.id}`, { version: phrase.version, text: '旧版本' });
    expect(stale.status).toBe(409);
    const read = await c('qiantai').get('/api/phrases?scenario=repair');
    expect(read.body.find((p: any) => p.id === phrase.id).text).toBe(text);
  });

  // ---------------------------------------------------------------- queues

  it('receptionist, technician, department head: queues show open work due soonest first, overdue flagged, in keyset pages', async () => {
    const repair = await created({ kind: 'repair', channel: 'counter', ...fromOwner, content: '楼道灯不亮' });
    const special = await created({ kind: 'special', channel: 'counter', ...fromOwner, content: '代收快递' });
    const promisedAt = clock.now() + 30 * MINUTE;
    const inquiry = await created({ kind: 'inquiry', channel: 'phone', ...fromOwner, inquiry: { promisedAt } });
    clock.advance(11 * MINUTE);
    const now = clock.now();

    async function walk(path: string, who = 'qiantai', limit = 6) {
      const all: any[] = [];
      let cursor: string | null = null;
      let guard = 0;
      do {
        const r: { status: number; body: any } = await c(who).get(
          `${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect(r.status, path).toBe(200);
        expect(r.body.now).toBe(now);
        all.push(...r.body.items);
        cursor = r.body.nextCursor;
      } while (cursor && ++guard < 100);
      return all;
    }
    const center = await walk(`/api/queue?scope=center&projectId=${yghy}`);
    const ids = center.map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    const openInDb = await srv.ctx.db.selectFrom('requests').select('id').where('project_id', '=', yghy).where('is_open', '=', 1).execute();
    expect(ids.slice().sort()).toEqual(openInDb.map((x) => x.id).sort());
    expect(center.every((x) => x.isOpen)).toBe(true);
    // Soonest due first, requests with nothing due last.
    const dues = center.map((x) => (x.nextDueAt === null ? Number.POSITIVE_INFINITY : x.nextDueAt));
    for (let i = 1; i < dues.length; i++) expect(dues[i]).toBeGreaterThanOrEqual(dues[i - 1] as number);
    expect(center.at(-1).nextDueAt).toBeNull();
    for (const x of center) expect(x.overdue).toBe(x.nextDueAt !== null && x.nextDueAt < now);
    expect(center.find((x) => x.id === repair.id)).toMatchObject({ overdue: true, nextDueAt: now - MINUTE });
    expect(center.find((x) => x.id === inquiry.id)).toMatchObject({ overdue: false, nextDueAt: promisedAt });
    expect(center.find((x) => x.id === special.id)).toMatchObject({ overdue: false, nextDueAt: null });
    expect(ids.indexOf(repair.id)).toBeLessThan(ids.indexOf(inquiry.id));
    expect(ids.indexOf(inquiry.id)).toBeLessThan(ids.indexOf(special.id));

    const overdue = await walk(`/api/queue?scope=center&overdue=true`);
    expect(overdue.length).toBeGreaterThan(0);
    expect(overdue.every((x) => x.overdue)).toBe(true);
    expect(overdue.map((x) => x.id)).toContain(repair.id);
    expect(overdue.map((x) => x.id).sort()).toEqual(
      center
        .filter((x) => x.overdue)
        .map((x) => x.id)
        .sort(),
    );
    const onTime = await walk(`/api/queue?scope=center&overdue=false`);
    expect(onTime.every((x) => !x.overdue)).toBe(true);
    expect([...overdue, ...onTime].map((x) => x.id).sort()).toEqual(ids.slice().sort());
    const repairs = await walk('/api/queue?scope=center&kind=repair');
    expect(repairs.every((x) => x.kind === 'repair')).toBe(true);
    expect(repairs.map((x) => x.id).sort()).toEqual(
      center
        .filter((x) => x.kind === 'repair')
        .map((x) => x.id)
        .sort(),
    );
    const counter = await walk('/api/queue?scope=center&channel=counter');
    expect(counter.every((x) => x.channel === 'counter')).toBe(true);
    expect(counter.map((x) => x.id)).toEqual(expect.arrayContaining([repair.id, special.id]));
    expect(counter.map((x) => x.id)).not.toContain(inquiry.id);

    // Department: 工程部 sees the repairs, not the service desk's inquiries.
    const dept = await walk('/api/queue?scope=department', 'gongcheng');
    expect(dept.map((x) => x.id)).toContain(repair.id);
    expect(dept.map((x) => x.id)).not.toContain(inquiry.id);
    expect(dept.every((x) => x.departmentName === '工程部' && x.isOpen)).toBe(true);
    expect(dept.map((x) => x.id).sort()).toEqual(
      center
        .filter((x) => x.departmentName === '工程部')
        .map((x) => x.id)
        .sort(),
    );

    // Mine: empty for the technician until the order is assigned to him.
    expect((await walk('/api/queue?scope=mine', 'weixiu')).map((x) => x.id)).not.toContain(repair.id);
    const assigned = await ok(repair.id, 'assign', { assigneeId: users.weixiu, note: '请张师傅处理' });
    expect(assigned).toMatchObject({ assigneeId: users.weixiu, assigneeName: '张师傅' });
    expect(assigned.history.at(-1)).toMatchObject({ type: 'assigned' });
    const mine = await walk('/api/queue?scope=mine', 'weixiu');
    expect(mine.map((x) => x.id)).toContain(repair.id);
    expect(mine.every((x) => x.assigneeName === '张师傅')).toBe(true);
    expect((await walk('/api/queue?scope=mine', 'qiantai')).map((x) => x.id)).not.toContain(repair.id);

    // Closed work leaves the queues.
    await ok(inquiry.id, 'answer', { answer: '已答复' });
    expect((await walk('/api/queue?scope=center')).map((x) => x.id)).not.toContain(inquiry.id);
    const bad = await c('qiantai').get('/api/queue?cursor=%%%');
    expect(bad.status).toBe(400);
  });
});
