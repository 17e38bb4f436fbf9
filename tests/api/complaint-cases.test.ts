import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  draftTitle,
  indexTerms,
  type PersonalData,
  personalDataErrors,
  personalDataIn,
  queryTerms,
  redact,
} from '../../server/domains/complaints/cases.service.ts';
import { localDateTime } from '../../server/platform/calendar/calendar.ts';
import { describeEachDb, TestClock } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const MIN = 60_000;

const known: PersonalData = {
  people: [
    { name: '李明华', owner: true, complainant: true },
    { name: '王秀英', owner: false, complainant: false },
    { name: '欧阳娜娜', owner: false, complainant: false },
  ],
  phones: ['13912345678', '0755-86001234'],
  idNumbers: ['44030119800101123X'],
  unitNumbers: ['3-1-1502'],
  plates: ['粤B12345'],
};

describe('case redaction: personal data out of a complaint’s text', () => {
  it('names of the complainant and of the unit’s people become 业主 / 住户, honorifics 某先生 / 某女士', () => {
    expect(redact('我是李明华，家里王秀英也在', known)).toBe('我是业主，家里住户也在');
    expect(redact('住3-1-1502室', known)).toBe('住某房号');
    expect(redact('李先生说欧阳女士不在，欧阳娜娜的母亲在', known)).toBe('某先生说某女士不在，住户的母亲在');
    const mrWang: PersonalData = { ...known, people: [{ name: '王先生', owner: false, complainant: true }] };
    expect(redact('王先生来电', mrWang)).toBe('某先生来电');
    // Too short or already anonymous: not a name to hunt for.
    const anon: PersonalData = { ...known, people: [{ name: '匿名', owner: false, complainant: true }] };
    expect(redact('匿名来信', anon)).toBe('匿名来信');
  });

  it('phones, ID numbers, unit numbers and plates become 某电话 / 某证件号 / 某房号 / 某车牌, known or not', () => {
    const none: PersonalData = { people: [], phones: [], idNumbers: [], unitNumbers: [], plates: [] };
    const cases: [string, string][] = [
      ['电话13800000000', '电话某电话'],
      ['手机 138 0000 0000 或 +86 139-1234-5678', '手机 某电话 或 某电话'],
      ['座机0755-86001234，分机86001235', '座机某电话，分机某电话'],
      ['身份证440301199001011234，旧证440301900101123', '身份证某证件号，旧证某证件号'],
      ['证号44030119800101123x', '证号某证件号'],
      ['3-1-1502业主', '某房号业主'],
      ['住3栋1单元1502室', '住某房号'],
      ['三栋一单元801的', '某房号的'],
      ['12号楼502房漏水', '某房号漏水'],
      ['楼上1602室', '楼上某房号'],
      ['车位被粤B12345和京A·D1234占用', '车位被某车牌和某车牌占用'],
      ['全角电话１３８００００００００', '全角电话某电话'],
    ];
    for (const [input, output] of cases) expect(redact(input, none), input).toBe(output);
    // Kept: dates, amounts, layouts, floors, the time of day.
    const plain = '2026-11-18 上午10:30，3室2厅，住在15楼，赔偿200元';
    expect(redact(plain, none)).toBe(plain);
  });

  it('a saved case may not hold a known name or number, however spaced; a hotline may stay', () => {
    expect(personalDataIn('业主反映楼上漏水', known)).toEqual([]);
    expect(personalDataIn('李明华反映', known)).toEqual(['complainant_name']);
    expect(personalDataIn('李先生反映', known)).toEqual(['complainant_name']);
    expect(personalDataIn('王秀英在家', known)).toEqual(['resident_name']);
    expect(personalDataIn('回电 139 1234 5678', known)).toContain('phone');
    expect(personalDataIn('电话13800000000', known)).toEqual(['phone']);
    expect(personalDataIn('证件44030119800101123x', known)).toEqual(['id_number']);
    expect(personalDataIn('3-1-1502', known)).toEqual(['unit']);
    expect(personalDataIn('粤B 12345', known)).toEqual(['plate']);
    expect(personalDataIn('服务热线 0755-86009999', known)).toEqual([]);
    const errors = personalDataErrors(
      { title: '漏水', summary: '李明华来电13800000000', handling: '已修', cause: '防水', preventive: '巡查', lessons: '' },
      known,
    );
    expect(Object.keys(errors)).toEqual(['summary']);
    expect(errors.summary).toBe('事件经过中仍含有投诉人姓名、电话号码，请删除或改为“业主/住户、某电话”');
  });

  it('the draft title is the category and what happened, not who called', () => {
    expect(draftTitle('服务质量 / 维修质量', '我是业主，电话某电话，某房号 楼上漏水，天花板发霉')).toBe('维修质量：楼上漏水');
    expect(draftTitle('', '保安在岗位上玩手机被业主拍到并发到业主群里引起大家不满')).toBe('保安在岗位上玩手机被拍到并发到群里引起大家不满');
    expect(draftTitle('环境与秩序 / 绿化', '')).toBe('绿化');
  });

  it('search terms: characters and neighbouring pairs, ASCII words; queries by pairs', () => {
    expect(indexTerms('楼上漏水。Wifi 404').sort()).toEqual(['404', 'wifi', '上', '上漏', '水', '楼', '楼上', '漏', '漏水'].sort());
    expect(queryTerms('漏水')).toEqual(['漏水']);
    expect(queryTerms('霉')).toEqual(['霉']);
    expect(queryTerms('楼上漏水 天 WiFi')).toEqual(['楼上', '上漏', '漏水', '天', 'wifi']);
    expect(queryTerms('，，')).toEqual([]);
  });
});

/** R-CP-9, R-QT-3: closed complaints kept, without personal data, as searchable training cases. */
describeEachDb('complaint cases: draft, save, search', (dialect) => {
  let srv: TestServer;
  const clock = new TestClock(localDateTime('2026-11-18', '10:00'));
  const as: Record<string, Client> = {};
  let yghy: string;
  let unitId: string;
  let ownerId: string;
  let owner: { name: string; phone: string; id_number: string };
  const cat: Record<string, string> = {};

  beforeAll(async () => {
    srv = await startTestServer({ dialect, clock });
    for (const u of ['qiantai', 'kefuzhuguan', 'jingli', 'pinzhi', 'yezhu']) {
      as[u] = new Client(srv.url);
      expect((await as[u].login(u, DEMO_PASSWORD)).status).toBe(200);
    }
    yghy = srv.demo.projectByCode.YGHY as string;
    ({ unitId, ownerId } = srv.people);
    owner = await srv.ctx.db
      .selectFrom('people')
      .select(['name', 'phone', 'id_number'])
      .where('id', '=', ownerId)
      .executeTakeFirstOrThrow();
    for (const c of await srv.ctx.db.selectFrom('categories').select(['id', 'name']).where('kind', '=', 'complaint').execute())
      cat[c.name] = c.id;
    // Staff of the other estate: the library is the company's, the complaints are not.
    const chy = srv.demo.projectByCode.CHY as string;
    for (const [key, role] of [
      ['chyReceptionist', 'receptionist'],
      ['chySupervisor', 'service_supervisor'],
    ] as const) {
      const u = await srv.makeUser(role, { projectIds: [chy] });
      as[key] = new Client(srv.url);
      expect((await as[key].login(u.username, u.password)).status).toBe(200);
    }
  });
  afterAll(() => srv?.close());

  const complain = async (content: string, categoryId: string | undefined, grade = 'general') => {
    const r = await as.qiantai!.post('/api/requests', {
      projectId: yghy,
      kind: 'complaint',
      channel: 'phone',
      unitId,
      requesterPersonId: ownerId,
      content,
      categoryId,
      complaint: { grade },
      readBackConfirmed: true,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; number: string };
  };
  const ok = async (id: string, action: string, body: Record<string, unknown>) => {
    const cur = await as.kefuzhuguan!.get(`/api/requests/${id}`);
    const r = await as.kefuzhuguan!.post(`/api/requests/${id}/actions/${action}`, { version: cur.body.version, ...body });
    expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200);
    return r.body;
  };
  const close = async (
    id: string,
    story: { findings: string; solution: string; resolution: string; cause: string; preventive: string },
  ) => {
    await ok(id, 'investigate', { findings: story.findings });
    await ok(id, 'propose', { solution: story.solution, opinion: '同意', agreed: true });
    await ok(id, 'resolve', { resolution: story.resolution });
    await ok(id, 'analyse', { cause: story.cause, preventive: story.preventive });
    const closed = await ok(id, 'callback_satisfied', { method: 'phone', note: '满意' });
    expect(closed.status).toBe('closed');
  };
  const search = async (who: string, query: Record<string, string>) => {
    const r = await as[who]!.get(`/api/cases?${new URLSearchParams(query)}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as {
      items: { id: string; title: string; category: string; gradeLabel: string; projectName: string }[];
      nextCursor: string | null;
    };
  };

  let leak: { id: string; number: string };
  let draft: Record<string, string>;
  let saved: { id: string };

  it('supervisor: an open complaint has no draft yet; a closed one is drafted without the complainant’s name, phone or unit', async () => {
    leak = await complain(
      `我是${owner.name}，电话${owner.phone}，身份证${owner.id_number}，3-1-1502 楼上漏水，天花板发霉，车位粤B12345也被占`,
      cat['维修质量'],
    );
    const early = await as.kefuzhuguan!.get(`/api/requests/${leak.id}/case-draft`);
    expect(early.status).toBe(422);
    expect(early.body.error).toMatchObject({ code: 'complaint_not_closed', message: '投诉结案后才能存入案例库' });

    await close(leak.id, {
      findings: `${owner.name.slice(0, 1)}先生家楼上1602室卫生间防水层破损，回访电话${owner.phone}`,
      solution: '协调楼上住户修复防水层，物业承担天花板修补',
      resolution: '防水层已修复，天花板已重新粉刷',
      cause: '楼上住户装修时破坏防水层，装修巡查未发现',
      preventive: '装修巡查增加卫生间闭水试验检查',
    });
    clock.advance(MIN);
    const r = await as.kefuzhuguan!.get(`/api/requests/${leak.id}/case-draft`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    draft = r.body;
    const text = JSON.stringify(draft);
    for (const personal of [
      owner.name,
      owner.phone,
      owner.id_number,
      '3-1-1502',
      '1502',
      '1602',
      '粤B12345',
      `${owner.name.slice(0, 1)}先生`,
    ])
      expect(text, personal).not.toContain(personal);
    expect(draft).toMatchObject({
      requestId: leak.id,
      requestNumber: leak.number,
      projectId: yghy,
      title: '维修质量：楼上漏水',
      category: '服务质量 / 维修质量',
      grade: 'general',
      gradeLabel: '一般',
      summary: '我是业主，电话某电话，身份证某证件号，某房号 楼上漏水，天花板发霉，车位某车牌也被占',
      cause: '楼上住户装修时破坏防水层，装修巡查未发现',
      preventive: '装修巡查增加卫生间闭水试验检查',
      lessons: '',
      caseId: null,
    });
    expect(draft.handling).toBe(
      [
        '调查情况：某先生家楼上某房号卫生间防水层破损，回访电话某电话',
        '解决方案：协调楼上住户修复防水层，物业承担天花板修补',
        '处理结果：防水层已修复，天花板已重新粉刷',
      ].join('\n'),
    );
  });

  it('supervisor: a section that still holds the phone, the name or the unit number is refused with its field', async () => {
    const body = { ...draft, lessons: '漏水投诉先查上层防水' };
    const phone = await as.kefuzhuguan!.post('/api/cases', { ...body, summary: `${draft.summary}，回电${owner.phone}` });
    expect(phone.status).toBe(400);
    expect(phone.body.error.fields).toEqual({ summary: '事件经过中仍含有电话号码，请删除或改为“某电话”' });
    expect(phone.body.error.message).toBe('事件经过中仍含有电话号码，请删除或改为“某电话”');

    const spaced = await as.kefuzhuguan!.post('/api/cases', {
      ...body,
      handling: `${draft.handling}\n联系 ${owner.phone.slice(0, 3)} ${owner.phone.slice(3, 7)} ${owner.phone.slice(7)}`,
      lessons: `${owner.name}很配合`,
      title: '3-1-1502漏水',
    });
    expect(spaced.status).toBe(400);
    expect(Object.keys(spaced.body.error.fields).sort()).toEqual(['handling', 'lessons', 'title']);
    expect(spaced.body.error.fields.lessons).toContain('投诉人姓名');
    expect(spaced.body.error.fields.title).toContain('房号');
    // Nothing was stored by the refused saves.
    expect((await search('kefuzhuguan', { q: '漏水' })).items).toEqual([]);
  });

  it('receptionist: may not save a case; resident: may not save, draft or search', async () => {
    const body = { ...draft, lessons: '' };
    expect((await as.qiantai!.post('/api/cases', body)).status).toBe(403);
    expect((await as.qiantai!.get(`/api/requests/${leak.id}/case-draft`)).status).toBe(403);
    expect((await as.yezhu!.post('/api/cases', body)).status).toBe(403);
    expect((await as.yezhu!.get(`/api/requests/${leak.id}/case-draft`)).status).toBe(403);
    expect((await as.yezhu!.get('/api/cases?q=漏水')).status).toBe(403);
  });

  it('supervisor of another project: the complaint is out of reach (404); a repair is not a complaint (422)', async () => {
    expect((await as.chySupervisor!.get(`/api/requests/${leak.id}/case-draft`)).status).toBe(404);
    expect((await as.chySupervisor!.post('/api/cases', { ...draft, lessons: '' })).status).toBe(404);
    const repair = await as.qiantai!.post('/api/requests', {
      projectId: yghy,
      kind: 'repair',
      channel: 'phone',
      unitId,
      requesterPersonId: ownerId,
      content: '水龙头滴水',
      readBackConfirmed: true,
    });
    const r = await as.kefuzhuguan!.get(`/api/requests/${repair.body.id}/case-draft`);
    expect(r.status).toBe(422);
    expect(r.body.error.message).toBe('只有投诉可以存入案例库');
  });

  it('supervisor: saves the draft once, with the audit event; a second save is 409', async () => {
    const r = await as.kefuzhuguan!.post('/api/cases', { ...draft, lessons: '漏水投诉先查上层防水，再约双方现场确认' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    saved = r.body;
    expect(r.body).toMatchObject({
      requestId: leak.id,
      requestNumber: leak.number,
      projectId: yghy,
      projectName: '阳光花园',
      title: '维修质量：楼上漏水',
      category: '服务质量 / 维修质量',
      grade: 'general',
      lessons: '漏水投诉先查上层防水，再约双方现场确认',
      createdByName: '陈佳怡',
      createdAt: clock.now(),
    });
    // The draft now points at the case instead of offering a second one.
    expect((await as.kefuzhuguan!.get(`/api/requests/${leak.id}/case-draft`)).body.caseId).toBe(saved.id);
    const again = await as.jingli!.post('/api/cases', { ...draft, title: '另一个标题' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain(leak.number);
    expect(again.body.error.current).toEqual({ caseId: saved.id });

    const trail = await as.pinzhi!.get(`/api/audit?entity=complaint_case&entityId=${saved.id}`);
    expect(trail.status).toBe(200);
    expect(trail.body.items).toEqual([
      expect.objectContaining({
        action: 'complaint_case.created',
        actor: expect.stringContaining('陈佳怡'),
        after: expect.objectContaining({ requestId: leak.id, requestNumber: leak.number, title: '维修质量：楼上漏水' }),
      }),
    ]);
    // History is not edited: the library has no route that changes or removes a case.
    for (const method of ['PATCH', 'PUT', 'DELETE']) {
      const res = await as.kefuzhuguan!.request(method, `/api/cases/${saved.id}`, method === 'DELETE' ? undefined : { title: '改写' });
      expect(res.status, method).toBe(404);
    }
  });

  it('receptionist: finds the case by a word, a character and a phrase, not by what it does not say', async () => {
    // A second case, so every search has something to leave out.
    clock.advance(MIN);
    const lift = await complain('电梯经常停运，老人上下楼困难', cat['响应不及时'], 'urgent');
    await close(lift.id, {
      findings: '电梯主板老化',
      solution: '更换主板',
      resolution: '主板已更换，电梯恢复运行',
      cause: '维保单位保养不到位',
      preventive: '每月核查维保记录',
    });
    const liftDraft = (await as.kefuzhuguan!.get(`/api/requests/${lift.id}/case-draft`)).body;
    clock.advance(MIN);
    const liftCase = await as.pinzhi!.post('/api/cases', { ...liftDraft, lessons: 'Elevator 维保 KPI 要落实' });
    expect(liftCase.status, JSON.stringify(liftCase.body)).toBe(201);

    const ids = async (query: Record<string, string>) => (await search('qiantai', query)).items.map((c) => c.id);
    expect(await ids({ q: '漏水' })).toEqual([saved.id]);
    expect(await ids({ q: '霉' })).toEqual([saved.id]);
    expect(await ids({ q: '楼上漏水 天花板发霉' })).toEqual([saved.id]);
    expect(await ids({ q: '闭水试验' })).toEqual([saved.id]);
    expect(await ids({ q: '电梯' })).toEqual([liftCase.body.id]);
    expect(await ids({ q: 'kpi' })).toEqual([liftCase.body.id]);
    expect(await ids({ q: '燃气' })).toEqual([]);
    expect(await ids({ q: '漏水 电梯' })).toEqual([]);
    // Words in the category count too.
    expect(await ids({ q: '维修质量' })).toEqual([saved.id]);
    // Newest first; each filter narrows.
    expect(await ids({})).toEqual([liftCase.body.id, saved.id]);
    expect(await ids({ grade: 'urgent' })).toEqual([liftCase.body.id]);
    expect(await ids({ grade: 'general', q: '电梯' })).toEqual([]);
    expect(await ids({ projectId: srv.demo.projectByCode.CHY as string })).toEqual([]);

    const first = await search('qiantai', { limit: '1' });
    expect(first.items.map((c) => c.id)).toEqual([liftCase.body.id]);
    expect(first.items[0]).toMatchObject({ category: '服务质量 / 响应不及时', gradeLabel: '紧急', projectName: '阳光花园' });
    const second = await search('qiantai', { limit: '1', cursor: first.nextCursor as string });
    expect(second.items.map((c) => c.id)).toEqual([saved.id]);
    expect(second.nextCursor).toBeNull();
  });

  it('staff of another project read the company’s cases, with the link to the original complaint', async () => {
    expect((await search('chyReceptionist', { q: '漏水' })).items.map((c) => c.id)).toEqual([saved.id]);
    const one = await as.chyReceptionist!.get(`/api/cases/${saved.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: saved.id, requestId: leak.id, requestNumber: leak.number, projectName: '阳光花园' });
    expect(JSON.stringify(one.body)).not.toContain(owner.phone);
    expect((await as.yezhu!.get(`/api/cases/${saved.id}`)).status).toBe(403);
    expect((await as.qiantai!.get('/api/cases/no-such-case')).status).toBe(404);
  });
});
