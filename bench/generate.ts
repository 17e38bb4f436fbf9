/**
 * `wuye seed --scale N`: a company the size of a large property manager. On top of the demo
 * data (its accounts sign in to the benchmark), one project per ~5,000 requests with their
 * buildings, units, residents, departments, staff and logins, then N requests spread over the
 * last twelve months: every kind, channel and category, statuses as they stand today, their
 * history (hash-chained exactly as the service writes it), deadlines met, breached and
 * running, callbacks with the weekly draws, complaint grades, outcomes and reopens, and the
 * search index.
 *
 * Speed: rows are built in memory and written through multi-row prepared statements in large
 * transactions, bypassing the query builder; on SQLite the load runs with the journal off and
 * the database locked (an empty database being filled: a failed run is simply run again), and
 * WAL is switched back on at the end. Indexes stay in place: requests are written in time
 * order, so most index entries are appended.
 *
 * The audit trail: generated rows are an import, not commands anyone took. They get no audit
 * event each; one `data.generated` event records the import and its counts. `wuye audit verify`
 * checks the audit chain and every request's history chain, and accepts a request without
 * audit events of its own.
 *
 * Running promises: to measure the sweeper against about a million open deadlines (the issue's
 * figure) at N = 1,000,000, each open request carries several running promises (about N in
 * total), more than real requests carry; their kinds are the kind's own.
 */
import cliProgress from 'cli-progress';
import { DemoRandom, seedDemo } from '../server/demo/demo-data.ts';
import { unitSortKey } from '../server/domains/directory/directory.service.ts';
import { drawSample } from '../server/domains/repairs/aftercare.ts';
import { period } from '../server/domains/requests/numbers.ts';
import { requestEventHash } from '../server/domains/requests/request-events.ts';
import { searchRow } from '../server/domains/requests/request-search.ts';
import { DEFAULT_RULES, KIND_PREFIX, type Kind, stateOf } from '../server/domains/requests/requests.workflow.ts';
import { maskPhone } from '../server/platform/access/mask.ts';
import { appendAudit, SYSTEM_ACTOR } from '../server/platform/audit/audit.ts';
import { addDays, DEFAULT_BUSINESS_HOURS, localDateTime, toLocalDate } from '../server/platform/calendar/calendar.ts';
import type { AppContext } from '../server/platform/context.ts';
import { insertText, pgText } from '../server/platform/db/fast.ts';
import { toJson } from '../server/platform/db/index.ts';
import { DEADLINE_COLUMNS, type Deadline, deadlineValues, NO_DUE, nextCheck } from '../server/platform/deadlines/deadlines.ts';
import { newId } from '../server/platform/ids.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export interface GenerateOptions {
  requests: number;
  /** Same seed, same data (ids and times aside). */
  seed?: number;
  /** Draw a progress bar on stderr. */
  progress?: boolean;
  /** One request per this many (default 5,000): the number of projects. */
  perProject?: number;
}

export interface GenerateSummary {
  projects: number;
  units: number;
  people: number;
  requests: number;
  events: number;
  deadlines: number;
  runningDeadlines: number;
  callbacks: number;
  ms: number;
  perSecond: number;
}

// ---------------------------------------------------------------- bulk writing

/**
 * Buffers rows per table and writes them in multi-row statements: one prepared statement per
 * table and batch size on SQLite, `$n` parameters on PostgreSQL (at most 65,535 per statement).
 */
class BulkWriter {
  private readonly buffers = new Map<
    string,
    { cols: readonly string[]; rows: unknown[][]; batch: number; cast?: string[]; parents: string[] }
  >();
  written = 0;
  readonly timing = new Map<string, number>();
  constructor(private readonly exec: (text: string, params: unknown[]) => Promise<void>) {}

  /** `parents`: tables this one references, written first whenever this one is (foreign keys are checked per statement). */
  table(name: string, cols: readonly string[], opts: { cast?: string[]; parents?: string[] } = {}) {
    const batch = Math.max(1, Math.floor(30_000 / cols.length));
    this.buffers.set(name, { cols, rows: [], batch, cast: opts.cast, parents: opts.parents ?? [] });
  }

  async add(name: string, row: unknown[]) {
    const b = this.buffers.get(name);
    if (!b) throw new Error(`no table ${name}`);
    b.rows.push(row);
    if (b.rows.length >= b.batch) await this.flushTable(name);
  }

  private readonly texts = new Map<string, string>();
  private text(name: string, cols: readonly string[], n: number, cast?: string[]) {
    const key = `${name}:${n}`;
    let t = this.texts.get(key);
    if (!t) {
      t = insertText(name, cols, n);
      // PostgreSQL: a text parameter for a tsvector column needs its cast in the statement.
      if (cast) {
        const one = `(${cols.map((c) => (cast.includes(c) ? `cast(? as ${c === 'terms' ? 'tsvector' : 'text'})` : '?')).join(', ')})`;
        t = `insert into ${name} (${cols.join(', ')}) values ${Array.from({ length: n }, () => one).join(', ')}`;
      }
      this.texts.set(key, t);
    }
    return t;
  }

  async flushTable(name: string) {
    const b = this.buffers.get(name);
    if (!b || b.rows.length === 0) return;
    for (const p of b.parents) await this.flushTable(p);
    const rows = b.rows;
    b.rows = [];
    const params: unknown[] = [];
    for (const r of rows) for (const v of r) params.push(v);
    const t0 = performance.now();
    await this.exec(this.text(name, b.cols, rows.length, b.cast), params);
    this.timing.set(name, (this.timing.get(name) ?? 0) + performance.now() - t0);
    this.written += rows.length;
  }

  async flush() {
    for (const name of this.buffers.keys()) await this.flushTable(name);
  }
}

// ---------------------------------------------------------------- what people report

/** Repairs inside a home: the others are in the common areas and have no room. */
const IN_UNIT = new Set(['水电', '门窗五金', '墙面地面', '其他']);
const PLACES = ['', '', '', '厨房', '卫生间', '客厅', '主卧', '次卧', '阳台', '书房', '入户门'];
const REPAIR_TEXT: Record<string, string[]> = {
  水电: [
    '水龙头关不紧，一直滴水',
    '厨房下水道堵塞，水排不下去',
    '插座没电，跳闸后合不上',
    '热水器打不着火',
    '水管接头漏水',
    '电闸频繁跳闸',
    '灯不亮，换了灯泡也不行',
  ],
  门窗五金: ['门锁锁芯卡住，钥匙拧不动', '推拉窗滑轮坏了推不动', '门把手松动', '窗户关不严，漏风', '防盗门合页异响'],
  墙面地面: ['墙面受潮起皮发霉', '地砖空鼓开裂', '天花板掉灰', '墙面出现裂缝', '踢脚线脱落'],
  洗手间漏水: ['卫生间楼板渗水到楼下天花板', '马桶底座漏水', '淋浴房地漏返臭水', '卫生间墙面渗水'],
  屋面渗漏: ['顶楼天花板下雨漏水', '屋面渗水墙角发黑', '楼顶防水层起鼓，雨天渗漏'],
  其他: ['晾衣架升降失灵', '可视对讲没有画面', '烟感器一直报警'],
  电梯: ['电梯按键失灵', '电梯运行有异响', '电梯门关不上', '电梯停在两层之间，有人被困', '电梯显示屏不亮'],
  公共照明: ['楼道灯不亮', '地下车库灯坏了好几盏', '单元门口路灯不亮', '消防通道照明损坏'],
  给排水: ['地下车库排水沟堵塞', '小区主管道爆裂，路面积水', '雨水井盖破损', '楼顶水箱溢水'],
  消防设施: ['消防栓箱门损坏', '灭火器过期', '应急指示灯不亮', '消防卷帘门故障'],
  门禁对讲: ['单元门禁刷卡无反应', '门禁对讲没有声音', '车库道闸不抬杆', '单元门闭门器坏了'],
  外墙开裂: ['外墙瓷砖脱落，有安全隐患', '外墙出现裂缝渗水', '空调外机位墙面开裂'],
  道路停车场: ['停车场地面坑洼', '车位划线看不清', '减速带松动', '小区道路井盖异响'],
};
const COMPLAINT_TEXT: Record<string, string[]> = {
  服务态度: ['前台工作人员态度冷淡，说话不耐烦', '保安对来访亲友态度粗暴', '客服电话打了几次都没人接'],
  维修质量: ['上次维修后问题又出现了', '维修师傅没修好就走了', '维修后墙面弄脏没有清理'],
  响应不及时: ['报修三天了还没人来', '投诉后一直没有回复', '电梯坏了一整天没人处理'],
  环境卫生: ['垃圾桶满了没人清理，气味很大', '楼道很久没有打扫', '小区里有老鼠出没'],
  绿化: ['绿化带杂草丛生', '修剪树枝后枝叶堆在路边', '草坪被车辆碾压无人管'],
  噪音扰民: ['楼上深夜噪音很大，影响休息', '装修噪音太早开始', '广场舞音响声音太大', '空调外机噪音扰民'],
  装修管理: ['邻居装修垃圾堆在楼道', '装修时间超过规定', '装修工人随意使用电梯'],
  车辆停放: ['有车辆长期占用消防通道', '我的车位被别人占用', '外来车辆随意停放'],
  治安: ['单元门经常被人撑开不关', '夜间有陌生人在小区徘徊', '电动车被盗'],
  收费标准: ['物业费收费标准不清楚', '停车费上涨没有提前通知', '公摊水电费偏高'],
  票据: ['交费后没有开发票', '收据金额与实际不符'],
  邻里纠纷: ['邻居在楼道堆放杂物', '楼上养狗随地大小便', '邻居晾衣服滴水到我家阳台'],
  其他: ['小区公告栏信息长期不更新', '快递柜经常满', '游乐设施损坏无人维修'],
};
const INQUIRY_TEXT: Record<string, string[]> = {
  物业费: ['询问本年度物业费金额', '物业费可以按年交吗', '物业费有没有优惠'],
  水电费: ['本月水费为什么这么高', '电费怎么缴纳', '水表读数如何查询'],
  停车费: ['月租车位还有没有', '临时停车怎么收费', '新能源车位怎么申请'],
  入住: ['办理入住需要带什么资料', '钥匙交接流程'],
  装修: ['装修申请怎么办理', '装修押金多少', '装修可以在周末施工吗'],
  出租过户: ['房屋出租需要登记吗', '过户后物业怎么变更'],
  物品放行: ['搬家需要开放行条吗', '大件物品出门怎么办理'],
  社区活动: ['中秋活动什么时候举办', '亲子活动怎么报名'],
  其他: ['小区有没有充电桩', '快递可以代收吗', '游泳池什么时候开放'],
};
const SUGGESTION_TEXT: Record<string, string[]> = {
  前台服务: ['建议前台延长服务时间', '建议增加网上缴费方式'],
  维修服务: ['建议维修前电话预约时间', '建议公布维修收费标准'],
  保洁服务: ['建议增加楼道保洁次数', '建议垃圾分类设置更多投放点'],
  安保服务: ['建议夜间加强巡逻', '建议增加监控摄像头'],
  增设设施: ['建议增设快递柜', '建议在大堂增设座椅', '建议增加电动车充电桩'],
  绿化景观: ['建议多种一些花卉', '建议修剪遮挡路灯的树枝'],
  停车: ['建议规划访客车位', '建议地下车库增加指示牌'],
  活动建议: ['建议组织邻里节活动', '建议开设老年人兴趣班'],
};
const SPECIAL_TEXT: Record<string, string[]> = {
  家政保洁: ['需要家庭深度保洁一次', '开荒保洁预约'],
  家电清洗: ['空调清洗两台', '油烟机清洗', '洗衣机清洗'],
  '室内维修（有偿）': ['更换卫生间水龙头', '安装窗帘杆', '更换灯具'],
  搬家协助: ['周末搬家需要协助', '搬运大件家具'],
  管道疏通: ['厨房管道疏通', '马桶疏通'],
  代收快递: ['出差期间代收快递'],
  代缴费用: ['代缴燃气费'],
  钟点看护: ['老人白天需要看护'],
};
const TAILS = ['', '', '', '，请尽快处理', '，请尽快安排师傅上门', '，已经好几天了', '，今天下午家里有人', '，麻烦尽快回复', '，很着急'];
const FINDINGS = ['经查属实', '现场核实情况属实', '经调查部分属实', '已与相关人员核实'];
const CAUSES = ['员工服务意识不足', '巡查不到位', '设备老化', '流程衔接不畅', '外包单位管理不到位'];
const PREVENTIVE = ['加强员工培训', '增加巡查频次', '纳入月度考核', '更换老化设备', '完善交接流程'];

const KIND_WEIGHTS: [Kind, number][] = [
  ['repair', 0.6],
  ['complaint', 0.12],
  ['inquiry', 0.15],
  ['suggestion', 0.06],
  ['special', 0.07],
];
const CHANNEL_WEIGHTS: [string, number][] = [
  ['phone', 0.42],
  ['counter', 0.25],
  ['portal', 0.2],
  ['patrol', 0.06],
  ['letter', 0.02],
  ['forum', 0.02],
  ['reception_day', 0.02],
  ['committee', 0.01],
];

/** Running promises an open request may hold, by kind (the sweeper's measure needs many). */
const RUNNING_KINDS: Record<Kind, string[]> = {
  repair: ['repair.response', 'repair.callback'],
  complaint: [
    'complaint.response',
    'complaint.promise',
    'complaint.contact',
    'complaint.completion',
    'complaint.help',
    'complaint.leadership',
  ],
  inquiry: ['inquiry.answer'],
  suggestion: ['suggestion.reply'],
  special: ['special.arrange', 'special.reply'],
};
const MAIN_DEADLINE: Record<Kind, string | null> = {
  repair: 'repair.response',
  complaint: 'complaint.response',
  inquiry: 'inquiry.answer',
  suggestion: 'suggestion.reply',
  special: 'special.arrange',
};

/** Open statuses by kind, the first most common. */
const OPEN_STATUS: Record<Kind, string[]> = {
  repair: ['dispatched', 'registered', 'to_dispatch', 'accepted', 'on_site', 'completed', 'pooled', 'quoted', 'awaiting_confirmation'],
  complaint: ['investigating', 'registered', 'promised', 'solution_proposed', 'resolved'],
  inquiry: ['awaiting_answer'],
  suggestion: ['registered', 'handled'],
  special: ['registered', 'quoted', 'agreed', 'arranged'],
};

// ---------------------------------------------------------------- the generator

export async function generateScale(ctx: AppContext, opts: GenerateOptions): Promise<GenerateSummary> {
  const started = performance.now();
  const n = opts.requests;
  const rnd = new DemoRandom(opts.seed ?? 20261201);
  const pick = <T>(xs: readonly [T, number][]): T => {
    let x = rnd.next();
    for (const [v, w] of xs) {
      x -= w;
      if (x < 0) return v;
    }
    return xs[xs.length - 1]![0];
  };
  const seeded = await seedDemo(ctx);
  if (!seeded) throw new Error('数据库已有数据：--scale 只能在空数据库中生成（请换一个 DATA_DIR 或数据库）');
  const now = ctx.clock.now();
  const stamp = { created_at: now, updated_at: now, version: 1 };
  const company = await ctx.db.selectFrom('companies').select('id').executeTakeFirstOrThrow();
  const passwordHash = (
    await ctx.db.selectFrom('users').select('password_hash').where('username', '=', 'qiantai').executeTakeFirstOrThrow()
  ).password_hash;

  // ---- master data: one project per `perProject` requests, the demo's two among them
  const projectCount = Math.max(2, Math.round(n / (opts.perProject ?? 5000)));
  const extra = projectCount - 2;
  const NAMES_A = '阳光翠湖碧桂金地华润万科保利绿城龙湖招商中海融创世纪锦绣御景天悦君临星河海岸'.match(/../g) as string[];
  const NAMES_B = ['花园', '苑', '小区', '公馆', '华庭', '山庄', '名城', '雅居', '新村', '府'];
  const DISTRICTS = ['南山区', '福田区', '罗湖区', '宝安区', '龙岗区', '龙华区', '光明区'];
  const projects: Record<string, unknown>[] = [];
  const buildings: Record<string, unknown>[] = [];
  const units: Record<string, unknown>[] = [];
  const people: Record<string, unknown>[] = [];
  const occupancies: Record<string, unknown>[] = [];
  const departments: Record<string, unknown>[] = [];
  const staff: Record<string, unknown>[] = [];
  const staffProjects: Record<string, unknown>[] = [];
  const users: Record<string, unknown>[] = [];
  const userProjects: Record<string, unknown>[] = [];
  const DEPTS = [
    ['service', '客服部'],
    ['engineering', '工程部'],
    ['security', '秩序维护部'],
    ['environment', '环境部'],
    ['finance', '财务部'],
  ];
  for (let p = 0; p < extra; p++) {
    const id = newId(now);
    const code = `G${String(p + 1).padStart(4, '0')}`;
    projects.push({
      id,
      company_id: company.id,
      code,
      name: `${rnd.pick(NAMES_A)}${rnd.pick(NAMES_B)}${p >= NAMES_A.length * NAMES_B.length ? `${Math.floor(p / 50) + 1}期` : ''}`,
      address: `深圳市${rnd.pick(DISTRICTS)}${rnd.pick(NAMES_A)}路 ${rnd.int(1, 300)} 号`,
      business_hours: toJson(DEFAULT_BUSINESS_HOURS),
      ...stamp,
    });
    const nb = rnd.int(4, 10);
    const floors = rnd.int(8, 28);
    const perFloor = rnd.int(2, 4);
    const handover = `${rnd.int(2008, 2025)}-${String(rnd.int(1, 12)).padStart(2, '0')}-28`;
    for (let b = 1; b <= nb; b++) {
      const bid = newId(now);
      buildings.push({ id: bid, project_id: id, code: String(b), name: `${b}栋`, floors, ...stamp });
      for (let f = 1; f <= floors; f++) {
        for (let k = 1; k <= perFloor; k++) {
          const room = `${f}${String(k).padStart(2, '0')}`;
          const number = `${b}-1-${room}`;
          const uid = newId(now);
          const vacant = rnd.chance(0.05);
          units.push({
            id: uid,
            project_id: id,
            building_id: bid,
            number,
            room,
            sort_key: unitSortKey(number),
            floor: f,
            area_x100: rnd.int(6000, 16000),
            status: vacant ? 'vacant' : 'occupied',
            notes: '',
            handover_date: handover,
            ...stamp,
          });
          if (vacant) continue;
          const residents = rnd.chance(0.2) ? 2 : 1;
          for (let r = 0; r < residents; r++) {
            const gender = rnd.chance(0.5) ? '男' : '女';
            const phone = `1${rnd.pick(['35', '36', '37', '38', '39', '50', '58', '86', '88', '89'])}${String(rnd.int(0, 99_999_999)).padStart(8, '0')}`;
            const pid = newId(now);
            people.push({
              id: pid,
              company_id: company.id,
              name: rnd.name(gender),
              gender,
              phone,
              phone_last4: phone.slice(-4),
              phone2: '',
              id_type: 'resident_id',
              id_number: '',
              notes: '',
              ...stamp,
            });
            occupancies.push({
              id: newId(now),
              person_id: pid,
              unit_id: uid,
              project_id: id,
              relation: r === 0 ? 'owner' : rnd.chance(0.5) ? 'family' : 'tenant',
              start_date: '2020-01-01',
              end_date: null,
              move_in_date: '2020-01-01',
              ...stamp,
            });
          }
        }
      }
    }
    const deptIds: Record<string, string> = {};
    for (const [dcode, dname] of DEPTS) {
      const did = newId(now);
      deptIds[dcode as string] = did;
      departments.push({
        id: did,
        company_id: company.id,
        project_id: id,
        code: dcode,
        name: dname,
        duties: '',
        phone: `0755-8${String(rnd.int(0, 9_999_999)).padStart(7, '0')}`,
        ...stamp,
      });
    }
    const logins: [string, string, string, string][] = [
      ['service', '客服专员', 'receptionist', `qt${code}`],
      ['service', '客服主管', 'service_supervisor', `kf${code}`],
      ['service', '物业经理', 'project_manager', `jl${code}`],
      ['engineering', '工程部主管', 'department_head', `gc${code}`],
      ['engineering', '维修工', 'technician', `wx${code}a`],
      ['engineering', '维修工', 'technician', `wx${code}b`],
      ['security', '门岗', 'gate_guard', `mg${code}`],
    ];
    for (const [dept, title, role, username] of logins) {
      const sid = newId(now);
      const name = rnd.name(rnd.chance(0.5) ? '男' : '女');
      staff.push({ id: sid, company_id: company.id, name, phone: '', department_id: deptIds[dept], title, active: 1, ...stamp });
      staffProjects.push({ staff_id: sid, project_id: id });
      const uid = newId(now);
      users.push({
        id: uid,
        username: username.toLowerCase(),
        password_hash: passwordHash,
        role,
        display_name: name,
        staff_id: sid,
        person_id: null,
        all_projects: 0,
        failed_attempts: 0,
        locked_until: 0,
        active: 1,
        email: '',
        ...stamp,
      });
      userProjects.push({ user_id: uid, project_id: id });
    }
  }
  await ctx.db.transaction().execute(async (tx) => {
    const chunks = async (table: string, rows: Record<string, unknown>[]) => {
      const cols = rows[0] ? Object.keys(rows[0]).length : 1;
      const size = Math.max(1, Math.floor(30000 / cols));
      for (let i = 0; i < rows.length; i += size)
        await (tx as any)
          .insertInto(table)
          .values(rows.slice(i, i + size))
          .execute();
    };
    await chunks('projects', projects);
    await chunks('buildings', buildings);
    await chunks('units', units);
    await chunks('people', people);
    await chunks('occupancies', occupancies);
    await chunks('departments', departments);
    await chunks('staff', staff);
    await chunks('staff_projects', staffProjects);
    await chunks('users', users);
    await chunks('user_projects', userProjects);
  });

  // ---- what the requests draw on
  const allProjects = await ctx.db.selectFrom('projects').select(['id', 'code']).orderBy('code').execute();
  const occRows = await ctx.db
    .selectFrom('occupancies')
    .innerJoin('people', 'people.id', 'occupancies.person_id')
    .select(['occupancies.project_id', 'occupancies.unit_id', 'occupancies.person_id', 'people.name', 'people.phone'])
    .where('occupancies.end_date', 'is', null)
    .execute();
  const residentsOf = new Map<string, { unit: string; person: string; name: string; phone: string }[]>();
  for (const o of occRows) {
    const list = listIn(residentsOf, o.project_id);
    list.push({ unit: o.unit_id, person: o.person_id, name: o.name, phone: o.phone });
  }
  const deptRows = await ctx.db
    .selectFrom('departments')
    .select(['id', 'project_id', 'code'])
    .where('project_id', 'is not', null)
    .execute();
  const deptOf = new Map(deptRows.map((d) => [`${d.project_id}:${d.code}`, d.id]));
  const techRows = await ctx.db
    .selectFrom('users')
    .innerJoin('user_projects', 'user_projects.user_id', 'users.id')
    .select(['users.id', 'users.display_name', 'users.username', 'users.role', 'user_projects.project_id'])
    .where('users.role', 'in', ['technician', 'receptionist', 'service_supervisor'])
    .execute();
  const staffOf = new Map<string, { tech: { id: string; name: string }[]; desk: { id: string; name: string }[] }>();
  for (const u of techRows) {
    let s = staffOf.get(u.project_id);
    if (!s) {
      s = { tech: [], desk: [] };
      staffOf.set(u.project_id, s);
    }
    (u.role === 'technician' ? s.tech : s.desk).push({ id: u.id, name: `${u.display_name}(${u.username})` });
  }
  const cats = await ctx.db.selectFrom('categories').select(['id', 'kind', 'name', 'parent_id']).execute();
  const leaves = new Map<Kind, { id: string; name: string }[]>();
  for (const c of cats) {
    if (!c.parent_id) continue;
    const k = c.kind as Kind;
    const list = listIn(leaves, k);
    list.push({ id: c.id, name: c.name });
  }
  const priceItem = await ctx.db.selectFrom('price_items').select(['id', 'price_fen']).executeTakeFirst();
  // Bigger projects report more: a project's share follows its number of residents.
  const weights: [string, number][] = allProjects.map((p) => [p.id, residentsOf.get(p.id)?.length ?? 1]);
  const totalWeight = weights.reduce((s, [, w]) => s + w, 0);
  const projectPick: [string, number][] = weights.map(([id, w]) => [id, w / totalWeight]);

  // ---- the writer
  const sqlite = ctx.dialect === 'sqlite' ? ctx.handle.sqlite : undefined;
  let client: import('pg').PoolClient | undefined;
  if (sqlite) {
    // An empty database being filled in one go: no journal, no fsync, nobody else reading.
    sqlite.pragma('journal_mode = OFF');
    sqlite.pragma('synchronous = OFF');
    sqlite.pragma('locking_mode = EXCLUSIVE');
    sqlite.pragma('cache_size = -1000000');
  } else {
    client = await ctx.handle.pool?.connect();
    await client?.query('set synchronous_commit = off');
  }
  // Secondary indexes are dropped for the load and built again from the sorted data afterwards,
  // which is several times faster than keeping them up to date row by row.
  const BULK_TABLES = ['requests', 'request_events', 'deadlines', 'request_repair', 'request_complaint', 'request_suggestion', 'callbacks'];
  const indexes: { name: string; create: string }[] = sqlite
    ? (
        sqlite
          .prepare(
            `select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${BULK_TABLES.map(() => '?').join(', ')})`,
          )
          .all(...BULK_TABLES) as { name: string; sql: string }[]
      ).map((r) => ({ name: r.name, create: r.sql }))
    : (
        await client!.query(
          `select indexname as name, indexdef as create from pg_indexes where schemaname = current_schema() and tablename = any($1)
             and indexname not in (select conname from pg_constraint)`,
          [BULK_TABLES],
        )
      ).rows;
  for (const ix of indexes) {
    if (sqlite) sqlite.exec(`drop index ${ix.name}`);
    else await client!.query(`drop index ${ix.name}`);
  }
  const prepare = ctx.handle.prepare;
  const exec = sqlite
    ? async (text: string, params: unknown[]) => {
        prepare?.(text).run(...params);
      }
    : async (text: string, params: unknown[]) => {
        await client?.query(pgText(text), params);
      };
  const begin = async () => (sqlite ? sqlite.exec('begin') : client?.query('begin'));
  const commit = async () => (sqlite ? sqlite.exec('commit') : client?.query('commit'));
  const w = new BulkWriter(exec);
  const REQ_COLS = [
    'id',
    'project_id',
    'number',
    'kind',
    'channel',
    'status',
    'is_open',
    'requester_person_id',
    'requester_name',
    'requester_phone',
    'phone_last4',
    'unit_id',
    'location',
    'content',
    'category_id',
    'urgency',
    'preferred_time',
    'department_id',
    'assignee_id',
    'next_due_at',
    'event_n',
    'event_hash',
    'created_by',
    'created_at',
    'updated_at',
    'closed_at',
    'version',
  ];
  const EVENT_COLS = [
    'request_id',
    'n',
    'at',
    'actor_id',
    'actor_name',
    'type',
    'from_status',
    'to_status',
    'data',
    'corrects_n',
    'prev_hash',
    'hash',
  ];
  const child = { parents: ['requests'] };
  w.table('requests', REQ_COLS);
  w.table('request_events', EVENT_COLS, child);
  w.table('deadlines', DEADLINE_COLUMNS, child);
  w.table(
    'request_repair',
    [
      'request_id',
      'scope',
      'paid',
      'assessment',
      'price_item_id',
      'quoted_fen',
      'agreed_at',
      'agreed_via',
      'appointment_at',
      'informed_at',
      'accepted_at',
      'arrived_at',
      'completed_at',
      'labour_fen',
      'fee_collected_fen',
      'confirmed_at',
      'confirmed_via',
      'rework_of',
      'major_defect',
      'rating_overall',
      'rating_speed',
      'rating_attitude',
      'rated_at',
      'rated_via',
    ],
    child,
  );
  w.table(
    'request_complaint',
    [
      'request_id',
      'grade',
      'compensation',
      'about_manager',
      'findings',
      'company_at_fault',
      'solution',
      'complainant_opinion',
      'solution_agreed',
      'reopen_count',
      'resolution',
      'resolved_at',
      'cause',
      'preventive',
      'declined_at',
      'close_reason',
    ],
    child,
  );
  w.table('request_inquiry', ['request_id', 'promised_at', 'answer', 'answered_at'], child);
  w.table('request_suggestion', ['request_id', 'handling', 'month', 'reply', 'replied_at'], child);
  w.table(
    'request_special',
    ['request_id', 'item', 'price_fen', 'agreed_at', 'arrangement', 'scheduled_at', 'result', 'reported_to', 'reply'],
    child,
  );
  w.table(
    'request_search',
    ctx.dialect === 'sqlite' ? ['terms', 'scope', 'request_id'] : ['request_id', 'project_id', 'created_at', 'terms'],
    ctx.dialect === 'sqlite' ? child : { ...child, cast: ['terms'] },
  );
  w.table('callback_draws', ['id', 'project_id', 'week', 'seed', 'rate_pct', 'population', 'drawn', 'created_at']);
  w.table(
    'callbacks',
    [
      'id',
      'project_id',
      'request_id',
      'kind',
      'draw_id',
      'seq',
      'due_at',
      'status',
      'method',
      'outcome',
      'satisfaction',
      'note',
      'done_by',
      'done_at',
      'created_at',
      'version',
    ],
    { parents: ['requests', 'callback_draws'] },
  );

  const bar = opts.progress
    ? new cliProgress.SingleBar(
        {
          format: '生成事项 {bar} {percentage}% | {value}/{total} | {rate}/s | 剩余 {eta}s',
          hideCursor: true,
          stream: process.stderr,
          // Without a terminal (CI, a log file) a line now and then instead of a redrawn bar.
          noTTYOutput: true,
          notTTYSchedule: 10_000,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(n, 0, { rate: 0 });

  // ---- the requests, oldest first
  const span = 365 * DAY;
  const start = now - span;
  const counters = new Map<string, number>();
  const runningPerOpen = 1;
  const openTarget = n; // running promises wanted in total, about one per request
  let runningWritten = 0;
  let openSeen = 0;
  const completedRepairs = new Map<string, string[]>(); // project|week → request ids
  const lastRepairOf = new Map<string, string>();
  const stats = { events: 0, deadlines: 0, callbacks: 0 };
  const TX_EVERY = 20_000;
  await begin();
  const rule = (k: string) => DEFAULT_RULES[k] ?? { basis: 'calendar' as const, warnLeadMinutes: 60, escalateAfterMinutes: 240 };
  const dl = (
    requestId: string,
    projectId: string,
    kind: string,
    startedAt: number,
    dueAt: number,
    status: Deadline['status'],
    end: number | null,
  ): Deadline => {
    const r = rule(kind);
    const d: Deadline = {
      id: newId(startedAt),
      request_id: requestId,
      project_id: projectId,
      kind,
      basis: r.basis,
      status,
      started_at: startedAt,
      due_at: dueAt,
      warn_lead_ms: r.warnLeadMinutes * MIN,
      escalate_after_ms: r.escalateAfterMinutes * MIN,
      next_check_at: null,
      warned_at: null,
      breached_at: null,
      escalated_at: null,
      met_at: null,
      paused_at: null,
      paused_ms: 0,
      remaining_ms: null,
      pause_reason: '',
      extensions: 0,
      responsible_id: null,
      created_at: startedAt,
      version: 1,
    };
    if (status === 'running') {
      // As the sweeper would have left it by now: warned, breached and escalated when due.
      if (now >= dueAt - d.warn_lead_ms) d.warned_at = dueAt - d.warn_lead_ms;
      if (now >= dueAt) d.breached_at = dueAt;
      if (now >= dueAt + d.escalate_after_ms) d.escalated_at = dueAt + d.escalate_after_ms;
      d.next_check_at = nextCheck(d);
    } else if (status === 'met') {
      d.met_at = end;
      if (end !== null && end > dueAt) d.breached_at = dueAt;
    } else if (status === 'cancelled' && end !== null && end > dueAt) {
      d.breached_at = dueAt;
    }
    return d;
  };

  for (let i = 0; i < n; i++) {
    const t = Math.floor(start + (i + rnd.next()) * (span / n));
    const projectId = pick(projectPick);
    const kind = pick(KIND_WEIGHTS);
    const channel = pick(CHANNEL_WEIGHTS);
    const prefix = KIND_PREFIX[kind];
    const per = period(t);
    const ckey = `${projectId}|${prefix}|${per}`;
    const seq = (counters.get(ckey) ?? 0) + 1;
    counters.set(ckey, seq);
    const number = `${prefix}-${per}-${String(seq).padStart(4, '0')}`;
    const id = newId(t);
    const residents = residentsOf.get(projectId) ?? [];
    const resident = residents.length && (channel === 'portal' || rnd.chance(0.85)) ? rnd.pick(residents) : null;
    const anonymous = !resident && (kind === 'complaint' || kind === 'suggestion') && rnd.chance(0.1);
    const requesterName = anonymous
      ? '匿名'
      : resident
        ? resident.name
        : `${rnd.pick(['王', '李', '张', '刘', '陈'])}${rnd.chance(0.5) ? '先生' : '女士'}`;
    const requesterPhone = anonymous ? '' : resident ? resident.phone : `13${String(rnd.int(0, 999_999_999)).padStart(9, '0')}`;
    const catList = leaves.get(kind) ?? [];
    const cat = catList.length ? rnd.pick(catList) : null;
    const texts = (kind === 'repair'
      ? REPAIR_TEXT
      : kind === 'complaint'
        ? COMPLAINT_TEXT
        : kind === 'inquiry'
          ? INQUIRY_TEXT
          : kind === 'suggestion'
            ? SUGGESTION_TEXT
            : SPECIAL_TEXT)[cat?.name ?? ''] ?? ['其他事项'];
    const place = kind === 'repair' && IN_UNIT.has(cat?.name ?? '') ? rnd.pick(PLACES) : '';
    const content = `${place}${rnd.pick(texts)}${rnd.pick(TAILS)}`;
    const location = kind === 'repair' && !resident ? `${rnd.int(1, 9)}栋大堂` : '';
    const urgency = rnd.chance(0.05) ? 'urgent' : 'normal';
    const departmentId = deptOf.get(`${projectId}:${kind === 'repair' ? 'engineering' : 'service'}`) ?? null;
    const desk = staffOf.get(projectId)?.desk[0] ?? { id: null, name: '服务中心' };
    const techs = staffOf.get(projectId)?.tech ?? [];

    // Open or closed, by age: most of the last fortnight is still open, a tail of older work too.
    const age = now - t;
    const openP = age < 2 * DAY ? 0.85 : age < 14 * DAY ? 0.45 : age < 90 * DAY ? 0.22 : 0.12;
    const open = kind !== 'inquiry' || rnd.chance(0.3) ? rnd.chance(openP) : false;
    let status: string;
    if (open) status = kind === 'inquiry' ? 'awaiting_answer' : rnd.pickWeighted(OPEN_STATUS[kind]);
    else
      status =
        kind === 'repair'
          ? rnd.chance(0.03)
            ? 'declined'
            : 'archived'
          : kind === 'complaint'
            ? 'closed'
            : kind === 'inquiry'
              ? 'answered'
              : kind === 'suggestion'
                ? 'replied'
                : rnd.chance(0.05)
                  ? 'declined'
                  : 'replied';
    const isOpen = stateOf(kind, status).open;
    // How long the work took: minutes to days.
    const took = Math.min(
      age - MIN,
      Math.round(kind === 'repair' ? 2 * HOUR + rnd.next() ** 2 * 5 * DAY : 4 * HOUR + rnd.next() ** 2 * 10 * DAY),
    );
    const closedAt = isOpen ? null : t + Math.max(MIN, took);
    const assignee =
      kind === 'repair' && status !== 'registered' && status !== 'to_dispatch' && status !== 'pooled' && techs.length
        ? rnd.pick(techs)
        : null;

    // ---- deadlines
    const deadlines: Deadline[] = [];
    const main = MAIN_DEADLINE[kind];
    const late = rnd.chance(0.08);
    if (main && !isOpen && !(kind === 'inquiry' && !open && rnd.chance(0.7))) {
      const r = rule(main);
      const dueMs = r.minutes !== undefined ? r.minutes * MIN : (r.workingDays ?? 1) * DAY;
      const due = t + dueMs;
      const metAt = late ? due + rnd.int(1, 120) * MIN : t + Math.round(dueMs * rnd.next() * 0.9);
      deadlines.push(dl(id, projectId, main, t, due, status === 'declined' ? 'cancelled' : 'met', Math.min(metAt, closedAt ?? metAt)));
    }
    if (isOpen) {
      openSeen++;
      // Spread the running promises so that, in the end, about `openTarget` run in total.
      const expectedOpen = Math.max(1, Math.round((openSeen / (i + 1)) * n));
      const want = Math.max(runningPerOpen, Math.round((openTarget - runningWritten) / Math.max(1, expectedOpen - openSeen + 1)));
      const kinds = RUNNING_KINDS[kind];
      for (let k = 0; k < Math.min(want, 12); k++) {
        const dkind = kinds[k % kinds.length] as string;
        const due = Math.max(t + 10 * MIN, now - 3 * DAY + Math.round(rnd.next() * 33 * DAY));
        deadlines.push(dl(id, projectId, dkind, t, due, 'running', null));
      }
      runningWritten += Math.min(want, 12);
    }
    const running = deadlines.filter((d) => d.status === 'running');
    const nextDue = running.length ? Math.min(...running.map((d) => d.due_at)) : NO_DUE;

    // ---- history: created, then the steps that led to the status
    const events: [string, string | null, string, number, Record<string, unknown>, { id: string | null; name: string }][] = [];
    const createdData: Record<string, unknown> = {
      number,
      kind,
      channel,
      requesterName,
      requesterPhone: maskPhone(requesterPhone),
      unitId: resident?.unit ?? null,
      content,
      categoryId: cat?.id ?? null,
      urgency,
      preferredTime: '',
      departmentId,
      photos: 0,
      callId: null,
      readBackConfirmed: channel === 'portal' ? undefined : true,
    };
    const initial = kind === 'inquiry' && !isOpen ? 'answered' : kind === 'inquiry' ? 'awaiting_answer' : 'registered';
    events.push(['created', null, initial, t, createdData, desk]);
    const at = (f: number) => t + Math.round((closedAt ? closedAt - t : Math.max(MIN, Math.min(age, took))) * f);
    const tech = assignee ?? { id: null, name: '维修工' };
    const repair: unknown[] = [];
    let complaint: unknown[] = [];
    if (kind === 'repair') {
      const paid = rnd.chance(0.12) && priceItem;
      const done = status === 'archived' || status === 'completed' || status === 'awaiting_confirmation';
      const completedAt = done ? at(0.8) : null;
      const project = projectId;
      const prior = lastRepairOf.get(project);
      const rework = prior && rnd.chance(0.02) ? prior : null;
      if (status !== 'registered')
        events.push([
          paid ? 'quote' : 'mark_free',
          'registered',
          paid ? 'quoted' : 'to_dispatch',
          at(0.05),
          { reason: paid ? '已过保修期' : '保修期内' },
          desk,
        ]);
      if (paid && status !== 'quoted' && status !== 'registered')
        events.push(['agree', 'quoted', 'to_dispatch', at(0.08), { via: 'phone' }, desk]);
      if (status === 'declined') events.push(['decline', 'quoted', 'declined', at(1), { reason: '住户认为价格偏高' }, desk]);
      if (assignee) events.push(['dispatch', 'to_dispatch', 'dispatched', at(0.1), { assigneeId: assignee.id, informed: true }, desk]);
      if (done) events.push(['complete', 'on_site', 'completed', completedAt as number, { labourFen: 0, note: '' }, tech]);
      if (status === 'archived') events.push(['confirm', 'completed', 'archived', at(1), { via: 'phone', note: '' }, desk]);
      const rated = status === 'archived' && rnd.chance(0.35);
      repair.push(
        id,
        rnd.chance(0.3) ? 'common' : 'in_unit',
        paid ? 1 : 0,
        paid ? '已过保修期，按收费标准报价' : '保修期内免费维修',
        paid ? priceItem?.id : null,
        paid ? priceItem?.price_fen : null,
        paid ? at(0.08) : null,
        paid ? 'phone' : null,
        assignee ? at(0.3) : null,
        assignee ? at(0.1) : null,
        assignee && status !== 'dispatched' ? at(0.2) : null,
        done ? at(0.5) : null,
        completedAt,
        done ? rnd.int(0, 5) * 1000 : 0,
        done && paid ? (priceItem?.price_fen ?? 0) : 0,
        status === 'archived' ? at(1) : null,
        status === 'archived' ? 'phone' : null,
        rework,
        0,
        rated ? rnd.int(3, 5) : null,
        rated ? rnd.int(3, 5) : null,
        rated ? rnd.int(4, 5) : null,
        rated ? at(1) + HOUR : null,
        rated ? 'phone' : null,
      );
      if (status === 'archived' && completedAt) {
        lastRepairOf.set(project, id);
        const week = mondayOf(completedAt);
        const key = `${project}|${week}`;
        const list = listIn(completedRepairs, key);
        list.push(id);
      }
    } else if (kind === 'complaint') {
      const grade = rnd.chance(0.03) ? 'urgent' : rnd.chance(0.12) ? 'significant' : 'general';
      const reopens = rnd.chance(0.08) ? (rnd.chance(0.2) ? 2 : 1) : 0;
      const reason = isOpen
        ? ''
        : pick<string>([
            ['satisfied', 0.7],
            ['solved_on_spot', 0.1],
            ['declined_no_new_complaint', 0.1],
            ['anonymous', 0.05],
            ['sensitive_declined', 0.05],
          ]);
      const resolved = !isOpen || status === 'resolved';
      if (status !== 'registered')
        events.push(['investigate', 'registered', 'investigating', at(0.2), { findings: rnd.pick(FINDINGS) }, desk]);
      for (let k = 0; k < reopens; k++) {
        events.push(['resolve', 'solution_proposed', 'resolved', at(0.3 + k * 0.2), { resolution: '已处理' }, desk]);
        events.push(['callback_unsatisfied', 'resolved', 'investigating', at(0.4 + k * 0.2), { note: '投诉人不满意' }, desk]);
      }
      if (resolved) events.push(['resolve', 'solution_proposed', 'resolved', at(0.8), { resolution: '已处理完毕' }, desk]);
      if (!isOpen)
        events.push([
          reason === 'satisfied' ? 'callback_satisfied' : 'close_without_callback',
          'resolved',
          'closed',
          at(1),
          { reason },
          desk,
        ]);
      complaint = [
        id,
        grade,
        0,
        0,
        status === 'registered' ? '' : rnd.pick(FINDINGS),
        rnd.chance(0.3) ? 1 : 0,
        resolved ? '与投诉人沟通后制定处理方案' : '',
        resolved ? '同意' : '',
        resolved ? 1 : 0,
        reopens,
        resolved ? '已处理完毕' : '',
        resolved ? at(0.8) : null,
        isOpen ? '' : rnd.pick(CAUSES),
        isOpen ? '' : rnd.pick(PREVENTIVE),
        reason === 'declined_no_new_complaint' ? at(0.9) : null,
        reason,
      ];
    } else if (kind === 'suggestion') {
      if (status !== 'registered') events.push(['handle', 'registered', 'handled', at(0.5), { handling: '已转相关部门研究' }, desk]);
      if (status === 'replied') events.push(['reply', 'handled', 'replied', at(1), { reply: '感谢您的建议，我们将认真采纳' }, desk]);
    } else if (kind === 'special') {
      if (status !== 'registered') events.push(['quote', 'registered', 'quoted', at(0.1), { item: cat?.name ?? '', priceFen: 8000 }, desk]);
      if (status === 'declined') events.push(['decline', 'quoted', 'declined', at(1), { reason: '价格偏高' }, desk]);
      else if (status !== 'registered' && status !== 'quoted') {
        events.push(['agree', 'quoted', 'agreed', at(0.2), { via: 'phone' }, desk]);
        if (status !== 'agreed') events.push(['arrange', 'agreed', 'arranged', at(0.3), { arrangement: '安排工程部上门' }, desk]);
        if (status === 'replied') events.push(['reply', 'arranged', 'replied', at(1), { reply: '服务已完成' }, desk]);
      }
    }

    let prev = '';
    let evN = 0;
    const eventRows: unknown[][] = [];
    for (const [type, from, to, when, data, who] of events) {
      evN++;
      const e = {
        request_id: id,
        n: evN,
        at: Math.min(when, now),
        actor_id: who.id,
        actor_name: who.name,
        type,
        from_status: from,
        to_status: to,
        data: JSON.stringify(data),
        corrects_n: null,
        prev_hash: prev,
      };
      prev = requestEventHash(e);
      eventRows.push([
        e.request_id,
        e.n,
        e.at,
        e.actor_id,
        e.actor_name,
        e.type,
        e.from_status,
        e.to_status,
        e.data,
        null,
        e.prev_hash,
        prev,
      ]);
    }
    stats.events += evN;

    await w.add('requests', [
      id,
      projectId,
      number,
      kind,
      channel,
      status,
      isOpen ? 1 : 0,
      resident?.person ?? null,
      requesterName,
      requesterPhone,
      requesterPhone.length >= 4 ? requesterPhone.slice(-4) : '',
      resident?.unit ?? null,
      location,
      content,
      cat?.id ?? null,
      urgency,
      '',
      departmentId,
      assignee?.id ?? null,
      nextDue,
      evN,
      prev,
      desk.id,
      t,
      closedAt ?? t,
      closedAt,
      evN,
    ]);
    for (const e of eventRows) await w.add('request_events', e);
    if (kind === 'repair') await w.add('request_repair', repair);
    else if (kind === 'complaint') await w.add('request_complaint', complaint);
    else if (kind === 'inquiry') {
      const answered = status === 'answered';
      await w.add('request_inquiry', [id, answered ? null : t + rnd.int(2, 48) * HOUR, answered ? '已当场答复' : '', answered ? t : null]);
    } else if (kind === 'suggestion')
      await w.add('request_suggestion', [
        id,
        status === 'registered' ? '' : '已转相关部门研究',
        status === 'registered' ? null : toLocalDate(t).slice(0, 7),
        status === 'replied' ? '感谢您的建议' : '',
        status === 'replied' ? closedAt : null,
      ]);
    else
      await w.add('request_special', [
        id,
        cat?.name ?? '',
        status === 'registered' ? null : 8000,
        ['agreed', 'arranged', 'replied'].includes(status) ? at(0.2) : null,
        ['arranged', 'replied'].includes(status) ? '安排工程部上门' : '',
        ['arranged', 'replied'].includes(status) ? at(0.5) : null,
        status === 'replied' ? '服务已完成' : '',
        null,
        status === 'replied' ? '服务已完成' : '',
      ]);
    for (const d of deadlines) await w.add('deadlines', deadlineValues(d));
    stats.deadlines += deadlines.length;
    await w.add('request_search', searchRow(ctx.dialect, { requestId: id, projectId, createdAt: t, content, location, requesterName }));

    if ((i + 1) % TX_EVERY === 0) {
      // Parents before children: the foreign keys are checked statement by statement.
      await w.flushTable('requests');
      await w.flush();
      await commit();
      await begin();
      bar?.update(i + 1, { rate: Math.round((i + 1) / ((performance.now() - started) / 1000)) });
    }
  }
  await w.flushTable('requests');
  await w.flush();

  // ---- the weekly callback draws (R-RP-7) of every week with completed orders, as the job would have drawn them
  const thisMonday = mondayOf(now);
  for (const [key, population] of completedRepairs) {
    const [projectId, week] = key.split('|') as [string, string];
    if (week >= thisMonday) continue;
    const ids = [...population].sort();
    const seed = newId(now).replace(/-/g, '');
    const drawn = drawSample(seed, ids, 20);
    const weekEnd = localDateTime(addDays(week, 7), '00:00');
    const drawId = newId(weekEnd);
    await w.add('callback_draws', [drawId, projectId, week, seed, 20, JSON.stringify(ids), JSON.stringify(drawn), weekEnd]);
    const desk = staffOf.get(projectId)?.desk[0] ?? { id: null };
    for (const rid of drawn) {
      const doneAt = weekEnd + rnd.int(2, 72) * HOUR;
      const done = doneAt < now;
      const reached = rnd.chance(0.92);
      await w.add('callbacks', [
        newId(weekEnd),
        projectId,
        rid,
        'weekly',
        drawId,
        1,
        weekEnd + 3 * DAY,
        done ? 'done' : 'pending',
        done ? 'phone' : null,
        done ? (reached ? 'reached' : 'unreachable') : null,
        done && reached
          ? pick<string>([
              ['satisfied', 0.75],
              ['basically_satisfied', 0.2],
              ['dissatisfied', 0.05],
            ])
          : null,
        '',
        done ? desk.id : null,
        done ? doneAt : null,
        weekEnd,
        1,
      ]);
      stats.callbacks++;
    }
  }
  await w.flush();
  // The human numbers go on from where the generated ones stop.
  const counterRows = [...counters].map(([k, last]) => {
    const [projectId, prefix, per] = k.split('|');
    return [projectId, prefix, per, last];
  });
  for (let i = 0; i < counterRows.length; i += 5000) {
    const chunk = counterRows.slice(i, i + 5000);
    await exec(insertText('request_counters', ['project_id', 'prefix', 'period', 'last'], chunk.length), chunk.flat());
  }
  await commit();
  bar?.update(n, { rate: Math.round(n / ((performance.now() - started) / 1000)) });
  bar?.stop();
  const indexStart = performance.now();
  for (const ix of indexes) {
    if (sqlite) sqlite.exec(ix.create);
    else await client!.query(ix.create);
  }
  if (process.env.WUYE_GEN_TIMING) console.error('indexes', Math.round(performance.now() - indexStart), 'ms');

  if (sqlite) {
    sqlite.pragma('locking_mode = NORMAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('cache_size = -65536');
  } else {
    await client?.query('analyze');
    client?.release();
  }
  const ms = performance.now() - started;
  if (process.env.WUYE_GEN_TIMING) for (const [k, v] of w.timing) console.error(k, Math.round(v), 'ms');
  const summary: GenerateSummary = {
    projects: allProjects.length,
    units: units.length,
    people: people.length,
    requests: n,
    events: stats.events,
    deadlines: stats.deadlines,
    runningDeadlines: runningWritten,
    callbacks: stats.callbacks,
    ms: Math.round(ms),
    perSecond: Math.round(n / (ms / 1000)),
  };
  await ctx.db.transaction().execute(async (tx) => {
    await appendAudit(
      tx,
      ctx.dialect,
      SYSTEM_ACTOR,
      { action: 'data.generated', entity: 'company', entityId: company.id, after: summary },
      now,
    );
  });
  return summary;
}

/** The list under a key, made empty the first time. */
function listIn<K, V>(map: Map<K, V[]>, key: K): V[] {
  let list = map.get(key);
  if (!list) {
    list = [];
    map.set(key, list);
  }
  return list;
}

/** The Monday (China-local date) of the week an instant falls in. */
function mondayOf(at: number): string {
  const day = toLocalDate(at);
  const dow = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(day, -dow);
}
