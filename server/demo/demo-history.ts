import sharp from 'sharp';
import { caseDraft, saveCase } from '../domains/complaints/cases.service.ts';
import { drawWeeklyCallbacks, recordCallback } from '../domains/repairs/callbacks.service.ts';
import { rateAsResident } from '../domains/repairs/rating.service.ts';
import { act, createRequest } from '../domains/requests/requests.service.ts';
import type { Role } from '../platform/access/roles.ts';
import type { Viewer } from '../platform/auth/viewer.ts';
import { addDays, localDateTime, toLocalDate } from '../platform/calendar/calendar.ts';
import type { AppContext } from '../platform/context.ts';

const MIN = 60_000;

/** A small deterministic generator, so every fresh install tells the same story. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REPORTS: [string, string, 'in_unit' | 'common'][] = [
  ['水电', '厨房水龙头关不紧，一直滴水', 'in_unit'],
  ['水电', '卫生间地漏堵塞，洗澡积水', 'in_unit'],
  ['门窗五金', '入户门锁芯卡住，钥匙拧不动', 'in_unit'],
  ['墙面地面', '客厅墙面受潮起皮', 'in_unit'],
  ['洗手间漏水', '卫生间楼板渗水到楼下天花板', 'in_unit'],
  ['公共照明', '3 栋 1 单元 12 楼走廊灯不亮', 'common'],
  ['电梯', '2 栋电梯按键失灵', 'common'],
  ['给排水', '地下车库 B 区排水沟堵塞', 'common'],
  ['门禁对讲', '5 栋单元门禁刷卡无反应', 'common'],
  ['水电', '阳台插座跳闸', 'in_unit'],
];

/**
 * Five weeks of repairs in 阳光花园, driven through the same service calls the console makes
 * (on a clock moved back in time): counter, phone and resident-app reports, free and paid
 * orders, a late answer, signatures, confirmations, ratings, last week's callback draw with
 * results and one rework. A fresh install's reports, registers and callback queue show data.
 */
export async function seedDemoHistory(ctx: AppContext): Promise<{ repairs: number; complaints: number }> {
  const project = await ctx.db.selectFrom('projects').select('id').where('code', '=', 'YGHY').executeTakeFirst();
  if (!project) return { repairs: 0, complaints: 0 };
  if (await ctx.db.selectFrom('requests').select('id').limit(1).executeTakeFirst()) return { repairs: 0, complaints: 0 };
  const rnd = random(20261122);
  let t = ctx.clock.now();
  const c: AppContext = { ...ctx, clock: { now: () => t } };

  const viewerOf = async (username: string): Promise<Viewer> => {
    const u = await ctx.db
      .selectFrom('users')
      .select(['id', 'username', 'display_name', 'role', 'all_projects', 'person_id', 'staff_id'])
      .where('username', '=', username)
      .executeTakeFirstOrThrow();
    return {
      userId: u.id,
      username: u.username,
      name: u.display_name,
      role: u.role as Role,
      projectIds: u.all_projects ? null : [project.id],
      personId: u.person_id,
      staffId: u.staff_id,
      ip: '',
      csrfToken: '',
    };
  };
  const desk = await viewerOf('qiantai');
  const tech = await viewerOf('weixiu');
  const supervisor = await viewerOf('kefuzhuguan');
  const resident = await viewerOf('yezhu');
  const residentUnit = await ctx.db
    .selectFrom('occupancies')
    .select(['unit_id', 'person_id'])
    .where('person_id', '=', resident.personId ?? '')
    .executeTakeFirstOrThrow();
  const units = await ctx.db
    .selectFrom('occupancies')
    .select(['unit_id', 'person_id'])
    .where('project_id', '=', project.id)
    .where('relation', '=', 'owner')
    .orderBy('unit_id')
    .limit(60)
    .execute();
  const categories = new Map(
    (await ctx.db.selectFrom('categories').select(['id', 'name']).where('kind', '=', 'repair').execute()).map((x) => [x.name, x.id]),
  );
  const drain = await ctx.db.selectFrom('price_items').select(['id', 'price_fen']).where('name', '=', '疏通下水道').executeTakeFirst();
  const signature = `data:image/png;base64,${(
    await sharp({ create: { width: 240, height: 90, channels: 4, background: '#ffffff' } })
      .composite([
        {
          input: Buffer.from(
            '<svg width="240" height="90"><path d="M12 70 C 50 10, 90 80, 130 30 S 200 60, 228 22" stroke="#111" fill="none" stroke-width="4"/></svg>',
          ),
        },
      ])
      .png()
      .toBuffer()
  ).toString('base64')}`;

  const step = async (v: Viewer, id: string, action: string, body: Record<string, unknown> = {}) => {
    const cur = await c.db.selectFrom('requests').select('version').where('id', '=', id).executeTakeFirstOrThrow();
    t += Math.round((3 + rnd() * 20) * MIN);
    return act(c, v, id, action, { version: cur.version, ...body });
  };

  const today = toLocalDate(ctx.clock.now());
  let count = 0;
  for (let day = 35; day >= 1; day--) {
    const date = addDays(today, -day);
    const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
    if (dow === 0 || rnd() < 0.25) continue;
    const perDay = 1 + Math.floor(rnd() * 2);
    for (let k = 0; k < perDay; k++) {
      t = localDateTime(date, '09:00') + Math.round(rnd() * 7 * 60) * MIN;
      const [catName, content, scope] = REPORTS[Math.floor(rnd() * REPORTS.length)] as (typeof REPORTS)[number];
      const own = rnd() < 0.2 ? residentUnit : units[Math.floor(rnd() * units.length)];
      const fromApp = own === residentUnit && rnd() < 0.6;
      const r = await createRequest(c, desk, {
        projectId: project.id,
        kind: 'repair',
        channel: fromApp ? 'portal' : rnd() < 0.6 ? 'phone' : 'counter',
        unitId: scope === 'in_unit' ? own?.unit_id : undefined,
        requesterPersonId: scope === 'in_unit' ? own?.person_id : undefined,
        requesterName: scope === 'common' ? '巡查发现' : '',
        requesterPhone: '',
        anonymous: false,
        location: scope === 'common' ? (content.split(' ')[0] ?? '') : '',
        content,
        categoryId: categories.get(catName),
        urgency: 'normal',
        repairScope: scope,
        preferredTime: rnd() < 0.5 ? '今天下午' : '明天上午',
        photoIds: [],
        readBackConfirmed: true,
      });
      count++;
      const paid = scope === 'in_unit' && catName !== '洗手间漏水' && !!drain;
      if (paid && drain) {
        await step(desk, r.id, 'quote', { priceItemId: drain.id, reason: '保修期已过（交付 2019-06-30），按收费标准有偿维修' });
        await step(desk, r.id, 'agree', { via: 'phone' });
      } else {
        await step(desk, r.id, 'mark_free', { scope, reason: scope === 'common' ? '公共设施维修' : '重大缺陷保修期内' });
      }
      const late = rnd() < 0.15;
      if (late) t += 15 * MIN;
      const at = t + 2 * 60 * MIN;
      await act(c, desk, r.id, 'dispatch', {
        version: (await c.db.selectFrom('requests').select('version').where('id', '=', r.id).executeTakeFirstOrThrow()).version,
        assigneeId: tech.userId,
        appointmentAt: at,
        informed: true,
      });
      for (const s of ['accept', 'depart', 'arrive']) await step(tech, r.id, s);
      await step(tech, r.id, 'findings', { findings: '现场检查确认问题，已处理' });
      await step(tech, r.id, 'complete', {
        materials: paid ? [{ name: '疏通剂', quantity: 1, unit: '瓶', priceFen: 1500 }] : [],
        labourFen: paid ? (drain?.price_fen ?? 0) : 0,
        feeCollectedFen: paid ? (drain?.price_fen ?? 0) + 1500 : 0,
      });
      if (rnd() < 0.75) await step(tech, r.id, 'sign', { signature });
      else await step(tech, r.id, 'resident_absent', { note: '住户不在家' });
      await step(supervisor, r.id, 'confirm', { via: 'phone' });
      if (own === residentUnit && scope === 'in_unit' && rnd() < 0.7) {
        t += 60 * MIN;
        await rateAsResident(c, resident, r.id, { overall: 5, speed: 4 + Math.floor(rnd() * 2), attitude: 5, comment: '师傅很认真' });
      }
    }
  }

  // Monday's draw of last week, with most callbacks made and one defect still there.
  t = ctx.clock.now() - 5 * MIN;
  await drawWeeklyCallbacks(c, t);
  const tasks = await c.db
    .selectFrom('callbacks')
    .select(['id', 'version'])
    .where('status', '=', 'pending')
    .where('kind', '=', 'weekly')
    .orderBy('id')
    .execute();
  for (const [i, task] of tasks.entries()) {
    if (i === tasks.length - 1 && i > 0) break; // one left to do
    t += 2 * MIN;
    const defect = i === 1;
    await recordCallback(c, supervisor, task.id, {
      version: task.version,
      method: 'phone',
      outcome: defect ? 'defect_persists' : 'reached',
      satisfaction: defect ? 'dissatisfied' : i % 3 === 2 ? 'basically_satisfied' : 'satisfied',
      note: defect ? '住户反映维修后仍有渗水' : '住户表示已修好',
    });
  }
  const complaints = await seedDemoComplaints(c, project.id, units, { desk, supervisor, leader: await viewerOf('lingdao') }, step, (ms) => {
    t = ms;
  });
  return { repairs: count, complaints };
}

type Step = (v: Viewer, id: string, action: string, body?: Record<string, unknown>) => Promise<unknown>;

/**
 * Three weeks of complaints through the service standard: closed after a satisfied callback,
 * reopened once before it was, escalated for compensation and decided by leadership, an urgent
 * one with its emergency steps, a significant one with its reports, and two still open.
 */
async function seedDemoComplaints(
  c: AppContext,
  projectId: string,
  units: { unit_id: string; person_id: string }[],
  who: { desk: Viewer; supervisor: Viewer; leader: Viewer },
  step: Step,
  at: (ms: number) => void,
): Promise<number> {
  const cats = new Map(
    (await c.db.selectFrom('categories').select(['id', 'name']).where('kind', '=', 'complaint').execute()).map((x) => [x.name, x.id]),
  );
  const today = toLocalDate(c.clock.now());
  const register = async (daysAgo: number, i: number, category: string, content: string, complaint?: Record<string, unknown>) => {
    at(localDateTime(addDays(today, -daysAgo), '10:00') + i * 17 * MIN);
    const own = units[(i * 7) % units.length];
    return createRequest(c, who.desk, {
      projectId,
      kind: 'complaint',
      channel: i % 3 === 0 ? 'counter' : 'phone',
      unitId: own?.unit_id,
      requesterPersonId: own?.person_id,
      requesterName: '',
      requesterPhone: '',
      anonymous: false,
      location: '',
      content,
      categoryId: cats.get(category),
      urgency: 'normal',
      repairScope: 'in_unit',
      preferredTime: '',
      photoIds: [],
      readBackConfirmed: true,
      complaint: { grade: 'general', compensation: false, aboutManager: false, ...complaint } as {
        grade: 'general' | 'significant' | 'urgent';
        compensation: boolean;
        aboutManager: boolean;
      },
    });
  };
  const solve = async (id: string, solution: string, resolution: string) => {
    await step(who.desk, id, 'propose', { solution, opinion: '同意', agreed: true });
    await step(who.desk, id, 'resolve', { resolution });
  };
  const close = async (id: string, cause: string, preventive: string) => {
    await step(who.supervisor, id, 'analyse', { cause, preventive });
    await step(who.supervisor, id, 'callback_satisfied', { method: 'phone', note: '投诉人表示满意' });
  };

  const a = await register(20, 1, '噪音扰民', '楼下商铺夜间播放音乐，声音很大');
  await step(who.desk, a.id, 'promise', { promisedAt: a.createdAt + 4 * 60 * MIN });
  await solve(a.id, '约谈商铺，晚 10 点后停止播放', '商铺已签署承诺书');
  await close(a.id, '商铺经营时段管理缺位', '商铺装修及经营须知中写明噪音时段');

  const b = await register(16, 2, '环境卫生', '单元门口垃圾桶满溢，气味难闻');
  await solve(b.id, '增加清运一次', '已调整为每日两次清运');
  await step(who.supervisor, b.id, 'callback_unsatisfied', { method: 'phone', note: '周末仍然满溢' });
  await solve(b.id, '周末增派保洁', '周末已增派保洁，巡查无满溢');
  await close(b.id, '清运频次按平日排班，未考虑周末', '清运排班按周末人流调整');

  const comp = await register(12, 3, '车辆停放', '车辆在地库被掉落的消防管砸伤，要求赔偿修车费用', { compensation: true });
  await step(who.desk, comp.id, 'investigate', { findings: '地库消防管支架锈蚀脱落', companyAtFault: true, apologyVia: 'visit' });
  await step(who.leader, comp.id, 'leadership_decision', { decision: '属实，按定损金额全额赔偿，管理处三日内落实' });
  await solve(comp.id, '按定损金额赔偿并更换支架', '已赔偿，全部支架已检查更换');
  await close(comp.id, '设施巡检未覆盖管道支架', '设施巡检表增加管道支架项');
  // A valuable case goes into the training library, personal data removed.
  const draft = await caseDraft(c, who.supervisor, comp.id);
  await saveCase(c, who.supervisor, {
    requestId: comp.id,
    title: draft.title,
    summary: draft.summary,
    handling: draft.handling,
    cause: draft.cause,
    preventive: draft.preventive,
    lessons: '设施原因造成业主财产损失：先致歉、先定损，赔偿须报公司领导批示',
  });

  const urgent = await register(8, 4, '治安', '地库有陌生人撬车门，业主情绪激动', { grade: 'urgent' });
  for (const s of ['judge', 'soothe', 'notify_head', 'stay_on_post', 'head_handles'])
    await step(who.desk, urgent.id, 'emergency_step', { step: s });
  await solve(urgent.id, '调取监控并报警，加强地库巡逻', '已报警备案，地库巡逻改为每小时一次');
  await step(who.supervisor, urgent.id, 'analyse', { cause: '地库夜间巡逻间隔过长', preventive: '夜间巡逻改为每小时一次并打卡' });
  await step(who.supervisor, urgent.id, 'decline_callback', { note: '业主表示不用回访' });

  const sig = await register(6, 5, '服务态度', '保安与业主发生争执并推搡', { grade: 'significant' });
  await step(who.supervisor, sig.id, 'investigate', { findings: '当班保安言行不当', companyAtFault: true, apologyVia: 'visit' });
  await solve(sig.id, '当事保安停岗培训，主管上门致歉', '已停岗培训并上门致歉');
  await step(who.supervisor, sig.id, 'report_leadership', { report: '事件经过、处理结果与责任认定见附件' });
  await step(who.supervisor, sig.id, 'publish_corrective', { report: '全员服务礼仪培训；冲突时须报主管到场，不得与业主发生肢体接触' });
  await close(sig.id, '保安服务礼仪培训不足', '每月服务礼仪培训并考核');

  const open1 = await register(2, 6, '响应不及时', '报修后两天没人上门');
  await step(who.desk, open1.id, 'promise', { promisedAt: open1.createdAt + 3 * 60 * MIN });
  await step(who.desk, open1.id, 'investigate', { findings: '工单派给休假人员，未及时转派' });
  await register(0, 7, '收费标准', '停车费上涨未提前公示');
  return 7;
}
