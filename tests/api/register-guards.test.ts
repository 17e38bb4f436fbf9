import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sweepDeadlines } from '../../server/domains/requests/requests.service.ts';
import { localDateTime } from '../../server/platform/calendar/calendar.ts';
import { describeEachDb, TestClock } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const MIN = 60_000;

/** The register's guards: who sees what, breaches that cannot slip through, and rules that must make sense. */
describeEachDb('request register: guards', (dialect) => {
  let srv: TestServer;
  const clock = new TestClock(localDateTime('2026-11-18', '10:00'));
  const as: Record<string, Client> = {};
  let yghy: string;
  let unit: { id: string };
  let owner: { id: string };

  beforeAll(async () => {
    srv = await startTestServer({ dialect, clock });
    for (const u of ['qiantai', 'kefuzhuguan', 'jingli', 'weixiu', 'admin', 'yezhu']) {
      as[u] = new Client(srv.url);
      expect((await as[u].login(u, DEMO_PASSWORD)).status).toBe(200);
    }
    yghy = srv.demo.projectByCode.YGHY as string;
    const db = srv.ctx.db;
    unit = await db
      .selectFrom('units')
      .select('id')
      .where('project_id', '=', yghy)
      .where('number', '=', '3-1-1502')
      .executeTakeFirstOrThrow();
    owner = await db
      .selectFrom('occupancies')
      .select('person_id as id')
      .where('unit_id', '=', unit.id)
      .where('relation', '=', 'owner')
      .executeTakeFirstOrThrow();
  });
  afterAll(() => srv?.close());

  const register = async (body: Record<string, unknown>, who = 'qiantai') =>
    as[who]!.post('/api/requests', { projectId: yghy, channel: 'phone', readBackConfirmed: true, ...body });

  it('former tenant: once the relation has ended, the unit’s requests are no longer visible', async () => {
    const tenant = await srv.makeUser('resident', { personId: (await tenantOf()).person_id });
    const c = new Client(srv.url);
    await c.login(tenant.username, tenant.password);
    const r = await register({ kind: 'repair', unitId: unit.id, requesterPersonId: owner.id, content: '客厅插座无电' });
    expect(r.status).toBe(201);
    expect((await c.get(`/api/requests/${r.body.id}`)).status).toBe(200);
    const occ = await tenantOf();
    await srv.ctx.db.updateTable('occupancies').set({ end_date: '2026-11-01' }).where('id', '=', occ.id).execute();
    expect((await c.get(`/api/requests/${r.body.id}`)).status).toBe(404);
    const list = await c.get('/api/requests');
    expect(list.body.items.some((x: { id: string }) => x.id === r.body.id)).toBe(false);
  });

  async function tenantOf() {
    const existing = await srv.ctx.db
      .selectFrom('occupancies')
      .select(['id', 'person_id'])
      .where('unit_id', '=', unit.id)
      .where('relation', '=', 'family')
      .executeTakeFirst();
    if (existing) return existing;
    throw new Error('the demo unit 3-1-1502 has family members');
  }

  it('resident: sees progress but not internal notes, assignments or staff logins', async () => {
    const r = await register({ kind: 'repair', unitId: unit.id, requesterPersonId: owner.id, content: '阳台漏水' });
    const weixiu = await srv.ctx.db.selectFrom('users').select('id').where('username', '=', 'weixiu').executeTakeFirstOrThrow();
    await as.qiantai!.post(`/api/requests/${r.body.id}/actions/note`, { version: r.body.version, text: '住户脾气急，注意沟通' });
    const v = (await as.qiantai!.get(`/api/requests/${r.body.id}`)).body.version;
    await as.qiantai!.post(`/api/requests/${r.body.id}/actions/assign`, { version: v, assigneeId: weixiu.id });
    const mine = await as.yezhu!.get(`/api/requests/${r.body.id}`);
    expect(mine.status).toBe(200);
    const types = mine.body.history.map((e: { type: string }) => e.type);
    expect(types).toContain('created');
    expect(types).not.toContain('note');
    expect(types).not.toContain('assigned');
    expect(JSON.stringify(mine.body)).not.toContain('住户脾气急');
    expect(JSON.stringify(mine.body)).not.toContain('qiantai');
    expect(mine.body.assigneeId).toBeNull();
    expect(mine.body.createdBy).toBeNull();
  });

  it('receptionist: cannot register for a person of another project', async () => {
    const chyPerson = await srv.ctx.db
      .selectFrom('occupancies')
      .select('person_id')
      .where('project_id', '=', srv.demo.projectByCode.CHY as string)
      .executeTakeFirstOrThrow();
    const before = await srv.ctx.db
      .selectFrom('requests')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const r = await register({ kind: 'suggestion', requesterPersonId: chyPerson.person_id, content: '建议' });
    expect(r.status).toBe(400);
    expect(r.body.error.fields.requesterPersonId).toMatch(/不属于该项目/);
    const after = await srv.ctx.db
      .selectFrom('requests')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('receptionist: an answer given after the promised time is a breach even before any sweep', async () => {
    const promisedAt = clock.now() + 30 * MIN;
    const q = await register({ kind: 'inquiry', requesterName: '访客', content: '门禁卡补办', inquiry: { promisedAt } });
    clock.advance(45 * MIN);
    const answered = await as.qiantai!.post(`/api/requests/${q.body.id}/actions/answer`, {
      version: q.body.version,
      answer: '携带身份证到服务中心办理',
    });
    expect(answered.status).toBe(200);
    expect(answered.body.deadlines[0]).toMatchObject({ status: 'met', breachedAt: promisedAt });
    const month = new Date(promisedAt + 8 * 3600_000).toISOString().slice(0, 7);
    const report = await as.kefuzhuguan!.get(`/api/reports/breaches?projectId=${yghy}&month=${month}`);
    expect(report.body.items.some((x: { requestId: string }) => x.requestId === q.body.id)).toBe(true);
  });

  it('receptionist: pausing a deadline that already ran out keeps its breach and its due time', async () => {
    const r = await register({ kind: 'repair', unitId: unit.id, requesterPersonId: owner.id, content: '门锁坏了' });
    const due = r.body.deadlines[0].dueAt;
    clock.advance(12 * MIN);
    const paused = await as.qiantai!.post(`/api/requests/${r.body.id}/pause`, { version: r.body.version, reason: '住户不在家' });
    expect(paused.body.deadlines[0]).toMatchObject({ status: 'paused', breachedAt: due });
    clock.advance(3 * 60 * MIN);
    const resumed = await as.qiantai!.post(`/api/requests/${r.body.id}/resume`, { version: paused.body.version });
    expect(resumed.body.deadlines[0]).toMatchObject({ status: 'running', dueAt: due, breachedAt: due, overdue: true });
  });

  it('service supervisor: a second warning after an extension is delivered, and unassigning clears the responsible person', async () => {
    const weixiu = await srv.ctx.db.selectFrom('users').select('id').where('username', '=', 'weixiu').executeTakeFirstOrThrow();
    const r = await register({ kind: 'repair', unitId: unit.id, requesterPersonId: owner.id, content: '热水器不出热水' });
    const a = await as.qiantai!.post(`/api/requests/${r.body.id}/actions/assign`, { version: r.body.version, assigneeId: weixiu.id });
    const due = a.body.deadlines[0].dueAt;
    clock.t = due - 2 * MIN;
    await sweepDeadlines(srv.ctx);
    const ext = await as.kefuzhuguan!.post(`/api/requests/${r.body.id}/deadlines/${a.body.deadlines[0].id}/extend`, {
      version: a.body.version,
      newDueAt: due + 60 * MIN,
      reason: '等配件',
      customerToldAt: clock.now() - MIN,
    });
    expect(ext.status).toBe(200);
    clock.t = due + 58 * MIN;
    await sweepDeadlines(srv.ctx);
    const warnings = await srv.ctx.db
      .selectFrom('notifications')
      .select('id')
      .where('user_id', '=', weixiu.id)
      .where('request_id', '=', r.body.id)
      .where('kind', '=', 'deadline.warned')
      .execute();
    expect(warnings).toHaveLength(2);

    const un = await as.qiantai!.post(`/api/requests/${r.body.id}/actions/assign`, { version: ext.body.version, assigneeId: null });
    expect(un.status).toBe(200);
    const d = await srv.ctx.db
      .selectFrom('deadlines')
      .select('responsible_id')
      .where('request_id', '=', r.body.id)
      .executeTakeFirstOrThrow();
    expect(d.responsible_id).toBeNull();
  });

  it('project manager: a rule that cannot be timed is refused; company rules reach projects with rules of their own', async () => {
    const bad = await as.jingli!.put('/api/settings/deadline-rules', { projectId: yghy, rules: { 'repair.response': { workingDays: 2 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields['rules.repair.response']).toMatch(/分钟/);
    const own = await as.jingli!.put('/api/settings/deadline-rules', {
      projectId: yghy,
      rules: { 'suggestion.reply': { workingDays: 3 } },
    });
    expect(own.status).toBe(204);
    const company = await as.admin!.put('/api/settings/deadline-rules', {
      projectId: null,
      rules: { 'complaint.response': { minutes: 120 } },
    });
    expect(company.status).toBe(204);
    const rules = await as.jingli!.get(`/api/settings/deadline-rules?projectId=${yghy}`);
    const byKind = Object.fromEntries(rules.body.map((r: { kind: string }) => [r.kind, r]));
    expect(byKind['complaint.response']).toMatchObject({ minutes: 120 });
    expect(byKind['suggestion.reply']).toMatchObject({ workingDays: 3 });
  });

  it('receptionist: a broken photo or a far-future promise is a 400, never a 500', async () => {
    const jpeg = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#888' } })
      .jpeg()
      .toBuffer();
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(jpeg.subarray(0, Math.floor(jpeg.length / 3)))], { type: 'image/jpeg' }), 'broken.jpg');
    const res = await fetch(`${srv.url}/api/files`, {
      method: 'POST',
      headers: { cookie: [...as.qiantai!.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': as.qiantai!.csrf },
      body: form,
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.fields.file).toMatch(/损坏|无法识别/);
    const far = await register({ kind: 'inquiry', requesterName: '访客', content: '问题', inquiry: { promisedAt: Date.UTC(2200, 0, 1) } });
    expect(far.status).toBe(400);
    expect(far.body.error.fields['inquiry.promisedAt']).toMatch(/超出范围/);
  });
});
