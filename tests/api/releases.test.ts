import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { localDateTime } from '../../server/platform/calendar/calendar.ts';
import { describeEachDb, TestClock } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const CODE = /^[2-9A-HJKMNP-Z]{8}$/;
const ITEMS = [
  { name: '冰箱', quantity: 1, unit: '台' },
  { name: '纸箱', quantity: 6, unit: '个' },
];

/** R-FD-2, R-RA-1: goods release applications, the four verification paths, the slip and the gate. */
describeEachDb('goods release: application, verification, slip and gate check', (dialect) => {
  let srv: TestServer;
  const clock = new TestClock(localDateTime('2026-03-10', '09:00'));
  const as: Record<string, Client> = {};
  let unitId: string;
  let ownerPhone: string;
  let otherUnitId: string;
  let chyUnitId: string;
  let chyDesk: Client;
  let guard2: Client;

  const login = async (username: string, password = DEMO_PASSWORD) => {
    const c = new Client(srv.url);
    expect((await c.login(username, password)).status).toBe(200);
    return c;
  };

  beforeAll(async () => {
    srv = await startTestServer({ dialect, clock });
    for (const u of ['qiantai', 'kefuzhuguan', 'menggang', 'weixiu', 'yezhu']) as[u] = await login(u);
    ({ unitId } = srv.people);
    const db = srv.ctx.db;
    ownerPhone = (await db.selectFrom('people').select('phone').where('id', '=', srv.people.ownerId).executeTakeFirstOrThrow()).phone;
    const yghy = srv.demo.projectByCode.YGHY as string;
    const chy = srv.demo.projectByCode.CHY as string;
    otherUnitId = (
      await db
        .selectFrom('units')
        .select('id')
        .where('project_id', '=', yghy)
        .where('id', '!=', unitId)
        .orderBy('number')
        .executeTakeFirstOrThrow()
    ).id;
    chyUnitId = (await db.selectFrom('units').select('id').where('project_id', '=', chy).orderBy('number').executeTakeFirstOrThrow()).id;
    const desk = await srv.makeUser('receptionist', { projectIds: [chy] });
    chyDesk = await login(desk.username, desk.password);
    const g = await srv.makeUser('gate_guard');
    guard2 = await login(g.username, g.password);
  });
  afterAll(() => srv?.close());

  const apply = async (body: Record<string, unknown>, who = 'qiantai') =>
    as[who]!.post('/api/releases', {
      unitId,
      applicantName: '王师傅',
      applicantPhone: '13800138000',
      items: ITEMS,
      reason: '搬家',
      ...body,
    });

  const step = async (id: string, action: string, body: Record<string, unknown> = {}, who = 'qiantai') => {
    const cur = await as[who]!.get(`/api/releases/${id}`);
    return as[who]!.post(`/api/releases/${id}/${action}`, { version: cur.body.version, ...body });
  };

  /** Uploads an image the way the console does (multipart), as that client. */
  const upload = async (c: Client) => {
    const png = await sharp({ create: { width: 300, height: 400, channels: 3, background: '#f4f1e8' } })
      .png()
      .toBuffer();
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'letter.png');
    const res = await fetch(`${srv.url}/api/files`, {
      method: 'POST',
      headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': c.csrf },
      body: form,
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };

  /** An approved slip of 阳光花园 (owner, identity checked), with its code. */
  const approvedSlip = async (body: Record<string, unknown> = {}) => {
    const r = await apply({ standing: 'owner', ...body });
    expect(r.status).toBe(201);
    expect((await step(r.body.id, 'verify-identity', { document: 'id_card' })).status).toBe(200);
    const ok = await step(r.body.id, 'approve');
    expect(ok.body.status).toBe('approved');
    return ok.body as { id: string; code: string; number: string };
  };

  it('receptionist: an owner applies at the counter, identity is checked, the slip is issued with items, plate, window and a code', async () => {
    const r = await apply({ applicantName: '李明华', applicantPhone: ownerPhone, standing: 'owner', plate: '粤b·12345' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      number: expect.stringMatching(/^FX-2603-\d{4}$/),
      status: 'pending',
      path: 'identity',
      channel: 'counter',
      plate: '粤B12345',
      validFrom: clock.now(),
      // The default window ends at midnight China time the same day.
      validUntil: localDateTime('2026-03-11', '00:00') - 1,
      actions: ['verify_identity', 'refuse'],
      itemsText: '冰箱 1 台、纸箱 6 个',
    });
    expect(r.body.items).toEqual(ITEMS);

    const early = await step(r.body.id, 'approve');
    expect(early.status).toBe(422);
    const wrongStep = await step(r.body.id, 'owner-call', { answer: 'yes', ownerName: '李明华', calledNumber: ownerPhone });
    expect(wrongStep.status).toBe(422);

    const verified = await step(r.body.id, 'verify-identity', { document: 'id_card', note: '与业主档案一致' });
    expect(verified.body).toMatchObject({ status: 'verified', actions: ['approve', 'refuse'] });
    const stale = await as.qiantai!.post(`/api/releases/${r.body.id}/approve`, { version: r.body.version });
    expect(stale.status).toBe(409);

    const approved = await step(r.body.id, 'approve');
    expect(approved.body).toMatchObject({ status: 'approved', state: 'approved', actions: [], decidedBy: expect.any(String) });
    expect(approved.body.code).toMatch(CODE);
    expect(approved.body.events.map((e: { type: string }) => e.type)).toEqual(['applied', 'identity_verified', 'approved']);
    expect(approved.body.events[1]).toMatchObject({ from: 'pending', to: 'verified', note: '身份证：与业主档案一致' });

    const audit = await srv.ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity', '=', 'release')
      .where('entity_id', '=', r.body.id)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['release.applied', 'release.verify_identity', 'release.approve']);
  });

  it('receptionist: bad input names the field (plate, window, items, applicant)', async () => {
    const plate = await apply({ standing: 'owner', plate: '12345' });
    expect(plate.status).toBe(400);
    expect(plate.body.error.fields.plate).toBeTruthy();
    const long = await apply({ standing: 'owner', validFrom: clock.now(), validUntil: clock.now() + 4 * 24 * HOUR });
    expect(long.status).toBe(400);
    expect(long.body.error.fields.validUntil).toMatch(/3 天/);
    const past = await apply({ standing: 'owner', validFrom: clock.now() - 5 * HOUR });
    expect(past.body.error.fields.validFrom).toBeTruthy();
    const empty = await apply({ standing: 'owner', items: [] });
    expect(empty.status).toBe(400);
    const noPhone = await apply({ standing: 'owner', applicantPhone: '' });
    expect(noPhone.body.error.fields.applicantPhone).toBeTruthy();
    const otherProject = await apply({ standing: 'owner', unitId: chyUnitId });
    expect(otherProject.status).toBe(400);
    expect(otherProject.body.error.fields.unitId).toBeTruthy();
  });

  it('receptionist: a tenant with the owner’s letter uploads it; a good letter is approved, a false one refused with the reason', async () => {
    const missing = await apply({ standing: 'tenant', path: 'letter' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields.letterFileId).toBeTruthy();

    const letter = await upload(as.qiantai!);
    const r = await apply({ standing: 'tenant', letterFileId: letter });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      path: 'letter',
      actions: ['check_letter', 'refuse'],
      letter: { url: `/api/releases/${r.body.id}/letter` },
    });
    const image = await fetch(srv.url + r.body.letter.url, {
      headers: { cookie: [...as.kefuzhuguan!.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    // One letter, one application.
    const again = await apply({ standing: 'tenant', letterFileId: letter });
    expect(again.status).toBe(400);
    expect(again.body.error.fields.letterFileId).toBeTruthy();

    const checked = await step(r.body.id, 'check-letter', { valid: true, note: '签名与业主档案相符' });
    expect(checked.body.status).toBe('verified');
    expect((await step(r.body.id, 'approve')).body.status).toBe('approved');

    const forged = await apply({ standing: 'other', letterFileId: await upload(as.qiantai!) });
    const refused = await step(forged.body.id, 'check-letter', { valid: false, note: '签名与业主档案不符' });
    expect(refused.body).toMatchObject({ status: 'refused', refusalReason: '业主委托书核对不符：签名与业主档案不符', actions: [] });
  });

  it('resident, receptionist: without a letter the desk calls the owner; “no” refuses, and the resident sees why on the phone', async () => {
    const r = await as.yezhu!.post('/api/me/releases', {
      unitId,
      applicantName: '张三',
      applicantPhone: '13711112222',
      standing: 'tenant',
      items: ITEMS,
      plate: '粤B12345',
      reason: '租客退租搬出',
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ path: 'owner_call', channel: 'portal', status: 'pending', code: null, applicantName: '张三' });

    const desk = await as.qiantai!.get(`/api/releases/${r.body.id}`);
    expect(desk.body.actions).toEqual(['owner_call', 'refuse']);
    expect(desk.body.owners).toContainEqual({ name: '李明华', phone: ownerPhone });
    // The desk hears of an application from the phone.
    const inbox = await as.qiantai!.get('/api/notifications');
    expect(JSON.stringify(inbox.body)).toContain(r.body.number);

    const unreachable = await step(r.body.id, 'owner-call', { answer: 'unreachable', ownerName: '李明华', calledNumber: ownerPhone });
    expect(unreachable.body.status).toBe('pending');
    clock.advance(10 * MIN);
    const calledAt = clock.now() - MIN;
    const no = await step(r.body.id, 'owner-call', {
      answer: 'no',
      ownerName: '李明华',
      calledNumber: ownerPhone,
      calledAt,
      note: '业主称租客尚未结清租金',
    });
    expect(no.body).toMatchObject({ status: 'refused', refusalReason: '业主不同意放行：业主称租客尚未结清租金' });
    const calls = no.body.events.filter((e: { type: string }) => e.type === 'owner_called');
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatchObject({ answer: 'no', contactName: '李明华', contactNumber: ownerPhone, contactedAt: calledAt });
    expect(calls[1].actor).toContain('qiantai');

    const mine = await as.yezhu!.get(`/api/me/releases/${r.body.id}`);
    expect(mine.body).toMatchObject({ state: 'refused', refusalReason: '业主不同意放行：业主称租客尚未结清租金', code: null });
    const list = await as.yezhu!.get('/api/me/releases?limit=50');
    expect(list.body.items.find((x: { id: string }) => x.id === r.body.id)).toMatchObject({
      refusalReason: expect.stringContaining('业主不同意'),
    });
  });

  it('resident, receptionist: the owner agrees by phone, the slip is approved and the resident sees its code', async () => {
    const r = await as.yezhu!.post('/api/me/releases', {
      unitId,
      applicantName: '搬家公司 刘师傅',
      applicantPhone: '13722223333',
      standing: 'other',
      items: ITEMS,
      reason: '搬家',
    });
    expect(r.status).toBe(201);
    const yes = await step(r.body.id, 'owner-call', { answer: 'yes', ownerName: '李明华', calledNumber: ownerPhone });
    expect(yes.body.status).toBe('verified');
    const approved = await step(r.body.id, 'approve');
    const mine = await as.yezhu!.get(`/api/me/releases/${r.body.id}`);
    expect(mine.body).toMatchObject({ state: 'approved', code: approved.body.code });
    expect(mine.body.events.map((e: { type: string }) => e.type)).toEqual(['applied', 'owner_called', 'approved']);
  });

  it('resident: applying for themselves fills in their own name and phone; internal staff cannot apply from the phone', async () => {
    const r = await as.yezhu!.post('/api/me/releases', { unitId, standing: 'owner', items: ITEMS, reason: '旧家具处理' });
    expect(r.body).toMatchObject({ applicantName: '李明华', applicantPhone: ownerPhone, path: 'identity' });
    const staff = await as.yezhu!.post('/api/me/releases', { unitId, standing: 'staff', company: '工程部', items: ITEMS, reason: '施工' });
    expect(staff.status).toBe(400);
  });

  it('receptionist: internal construction staff are verified by calling their department head', async () => {
    const noCompany = await apply({ standing: 'staff' });
    expect(noCompany.status).toBe(400);
    expect(noCompany.body.error.fields.company).toBeTruthy();
    const r = await apply({ standing: 'staff', company: '工程部', applicantName: '工程部 小陈' });
    expect(r.body).toMatchObject({ path: 'company_call', actions: ['head_call', 'refuse'] });
    const yes = await step(r.body.id, 'head-call', { answer: 'yes', headName: '工程部 赵经理', calledNumber: '075586001234' });
    expect(yes.body.status).toBe('verified');
    expect(yes.body.events[1]).toMatchObject({ type: 'head_called', answer: 'yes', contactName: '工程部 赵经理' });
    expect((await step(r.body.id, 'approve')).body.status).toBe('approved');

    const other = await apply({ standing: 'staff', company: '绿化外包公司' });
    const no = await step(other.body.id, 'head-call', { answer: 'no', headName: '外包公司 周经理' });
    expect(no.body).toMatchObject({ status: 'refused', refusalReason: '所属单位或部门负责人未确认，不予放行' });
  });

  it('resident: cannot apply for another unit, nor see another unit’s release', async () => {
    const r = await as.yezhu!.post('/api/me/releases', { unitId: otherUnitId, standing: 'owner', items: ITEMS, reason: '搬家' });
    expect([400, 404]).toContain(r.status);
    const theirs = await apply({ standing: 'owner', unitId: otherUnitId });
    expect(theirs.status).toBe(201);
    expect((await as.yezhu!.get(`/api/me/releases/${theirs.body.id}`)).status).toBe(404);
    const list = await as.yezhu!.get('/api/me/releases?limit=200');
    expect(list.body.items.some((x: { id: string }) => x.id === theirs.body.id)).toBe(false);
    // Nor the staff routes.
    expect((await as.yezhu!.get(`/api/releases/${theirs.body.id}`)).status).toBe(403);
  });

  it('receptionist: the counter lists pending applications first come first served, and today’s newest first, page by page', async () => {
    const pending = await as.qiantai!.get('/api/releases?scope=pending&limit=1');
    expect(pending.status).toBe(200);
    expect(pending.body.items).toHaveLength(1);
    const next = await as.qiantai!.get(`/api/releases?scope=pending&limit=1&cursor=${pending.body.nextCursor}`);
    expect(next.body.items).toHaveLength(1);
    expect(next.body.items[0].id).not.toBe(pending.body.items[0].id);
    expect(pending.body.items[0].createdAt).toBeLessThanOrEqual(next.body.items[0].createdAt);
    const all = await as.qiantai!.get('/api/releases?scope=pending&limit=200');
    expect(all.body.items.every((x: { status: string }) => ['pending', 'verified'].includes(x.status))).toBe(true);
    const today = await as.qiantai!.get('/api/releases?scope=today&limit=200');
    const times = today.body.items.map((x: { createdAt: number }) => x.createdAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(today.body.items.some((x: { status: string }) => x.status === 'approved')).toBe(true);
    // Another project's desk sees none of 阳光花园's.
    const chy = await chyDesk.get('/api/releases?scope=all&limit=200');
    expect(chy.body.items.every((x: { projectName: string }) => x.projectName === '翠湖苑')).toBe(true);
    const foreign = today.body.items[0].id;
    expect((await chyDesk.get(`/api/releases/${foreign}`)).status).toBe(404);
  });

  it('gate guard: the check answers valid, used, not yet valid, expired, refused, pending, other project and unknown; every check is recorded', async () => {
    const before = await srv.ctx.db.selectFrom('release_checks').select('id').execute();
    const check = (code: string, c = as.menggang!) => c.post('/api/releases/check', { code });

    const slip = await approvedSlip({ plate: '粤B88888' });
    const ok = await check(`${slip.code.slice(0, 4).toLowerCase()}-${slip.code.slice(4)}`);
    expect(ok.body).toMatchObject({
      valid: true,
      code: slip.code,
      release: { number: slip.number, unit: '3-1-1502', plate: '粤B88888', items: ITEMS, status: 'approved' },
    });
    expect(ok.body.reason).toBeUndefined();
    const used = await as.menggang!.post('/api/releases/use', { code: slip.code });
    expect(used.status).toBe(200);
    expect(used.body.release).toMatchObject({ status: 'used', usedAt: clock.now() });
    expect((await check(slip.code)).body).toMatchObject({ valid: false, reason: 'used' });
    const twice = await as.menggang!.post('/api/releases/use', { code: slip.code });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toContain('已使用');

    const later = await approvedSlip({ validFrom: clock.now() + 2 * HOUR, validUntil: clock.now() + 5 * HOUR });
    expect((await check(later.code)).body).toMatchObject({ valid: false, reason: 'not_yet_valid', release: { number: later.number } });
    expect((await as.menggang!.post('/api/releases/use', { code: later.code })).status).toBe(422);

    const short = await approvedSlip({ validUntil: clock.now() + 30 * MIN });
    const pendingApp = await apply({ standing: 'tenant' });
    const refusedApp = await apply({ standing: 'other' });
    await step(refusedApp.body.id, 'refuse', { reason: '无法联系业主' });
    const chyApp = await chyDesk.post('/api/releases', {
      unitId: chyUnitId,
      applicantName: '翠湖苑住户',
      applicantPhone: '13900002222',
      standing: 'owner',
      items: ITEMS,
      reason: '搬家',
    });
    expect(chyApp.status).toBe(201);
    const chyVerified = await chyDesk.post(`/api/releases/${chyApp.body.id}/verify-identity`, { version: 1, document: 'id_card' });
    const chySlip = await chyDesk.post(`/api/releases/${chyApp.body.id}/approve`, { version: chyVerified.body.version });
    expect(chySlip.body.status).toBe('approved');

    clock.advance(HOUR);
    expect((await check(short.code)).body).toMatchObject({ valid: false, reason: 'expired' });
    const expiredUse = await as.menggang!.post('/api/releases/use', { code: short.code });
    expect(expiredUse.status).toBe(422);
    expect(expiredUse.body.error.code).toBe('release_expired');
    expect((await check(pendingApp.body.code)).body).toMatchObject({ valid: false, reason: 'pending' });
    expect((await check(refusedApp.body.code)).body).toMatchObject({ valid: false, reason: 'refused' });
    const foreign = await check(chySlip.body.code);
    expect(foreign.body).toMatchObject({ valid: false, reason: 'other_project', release: null });
    expect((await as.menggang!.post('/api/releases/use', { code: chySlip.body.code })).status).toBe(404);
    clock.advance(MIN);
    expect((await check('ZZZZ-ZZZZ')).body).toMatchObject({ valid: false, reason: 'unknown', release: null });
    expect((await check('不是放行码')).body).toMatchObject({ valid: false, reason: 'unknown' });

    // 14 checks and uses above, each on file with the guard, the result and the slip when found.
    const rows = await srv.ctx.db
      .selectFrom('release_checks')
      .selectAll()
      .where('id', 'not in', before.length ? before.map((b) => b.id) : [''])
      .orderBy('checked_at')
      .orderBy('id')
      .execute();
    expect(rows).toHaveLength(14);
    const menggang = await srv.ctx.db.selectFrom('users').select('id').where('username', '=', 'menggang').executeTakeFirstOrThrow();
    expect(rows.every((r) => r.checked_by === menggang.id)).toBe(true);
    // Within one clock tick the rows have no order of their own: compared as a whole.
    expect(rows.map((r) => `${r.kind}:${r.result}`).sort()).toEqual(
      [
        'check:ok',
        'use:ok',
        'check:used',
        'use:used',
        'check:not_yet_valid',
        'use:not_yet_valid',
        'check:expired',
        'use:expired',
        'check:pending',
        'check:refused',
        'check:other_project',
        'use:other_project',
        'check:unknown',
        'check:unknown',
      ].sort(),
    );
    expect(rows.find((r) => r.result === 'other_project')?.release_id).toBe(chyApp.body.id);
    expect(rows.filter((r) => r.result === 'unknown').every((r) => r.release_id === null)).toBe(true);

    // The desk sees the gate's checks on the release; the guard sees their own list.
    const detail = await as.qiantai!.get(`/api/releases/${slip.id}`);
    expect(detail.body.checks.map((c: { result: string }) => c.result).sort()).toEqual(['ok', 'ok', 'used', 'used']);
    const mine = await as.menggang!.get('/api/release-checks?limit=3');
    expect(mine.body.items).toHaveLength(3);
    expect(mine.body.nextCursor).not.toBeNull();
    expect(mine.body.items[0]).toMatchObject({ result: 'unknown', number: null });
  });

  it('receptionist and technician: only holders of release.check may check or use a slip; technicians reach nothing of releases', async () => {
    const slip = await approvedSlip();
    expect((await as.qiantai!.post('/api/releases/use', { code: slip.code })).status).toBe(403);
    expect((await as.qiantai!.post('/api/releases/check', { code: slip.code })).status).toBe(403);
    expect((await as.weixiu!.post('/api/releases/check', { code: slip.code })).status).toBe(403);
    expect((await as.weixiu!.get('/api/releases')).status).toBe(403);
    expect((await as.weixiu!.post('/api/releases', { unitId, standing: 'owner', items: ITEMS, reason: 'x' })).status).toBe(403);
    // The supervisor may do both: the desk and the gate.
    expect((await as.kefuzhuguan!.post('/api/releases/use', { code: slip.code })).status).toBe(200);
  });

  it('two gate guards: when both confirm the same slip at the same moment, exactly one succeeds and the other hears 已使用', async () => {
    for (let round = 0; round < 5; round++) {
      const slip = await approvedSlip();
      const [a, b] = await Promise.all([
        as.menggang!.post('/api/releases/use', { code: slip.code }),
        guard2.post('/api/releases/use', { code: slip.code }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const loser = a.status === 409 ? a : b;
      expect(loser.body.error.message).toContain('已使用');
      const events = await srv.ctx.db
        .selectFrom('release_events')
        .select('type')
        .where('release_id', '=', slip.id)
        .where('type', '=', 'used')
        .execute();
      expect(events).toHaveLength(1);
      const uses = await srv.ctx.db.selectFrom('release_checks').select(['valid', 'result']).where('release_id', '=', slip.id).execute();
      expect(uses.map((u) => u.result).sort()).toEqual(['ok', 'used']);
    }
  });
});
