/**
 * The requests of `wuye seed --scale N`, one after the other, oldest first: what was reported,
 * by whom, where it stands today, its history, deadlines and search row.
 *
 * One generator run can emit every table (PostgreSQL, small SQLite runs) or one part of them
 * (SQLite, where the main thread and a worker thread each write a part). Both parts draw the same random numbers in
 * the same order from the same seed, so they agree on every request; each builds and writes only
 * the rows of its own tables:
 *   - `history` (main thread): request_events with their hash chains, and the deadlines;
 *   - `register` (worker): the requests themselves, their detail rows, the search index.
 * (The split is by measured cost: hashing and the event rows weigh about as much as the rest.)
 * The request row holds its chain's tip, which the history part computes: it publishes the tips
 * in a shared buffer and the register part waits for them before writing a batch of requests.
 *
 * Rows go into one flat array of values per table (no array per row): the writers bind them in
 * multi-row statements as they are.
 *
 * Only light modules are imported here: a worker loads this file before it can start, so the
 * configuration that lives in heavier modules (deadline rules, number prefixes, open statuses)
 * comes in `GenSetup`, and a few small service functions have quick copies here (the event
 * hash, the sweeper's next check, the numbers' period), which generate.ts checks against the
 * service's own before every run.
 */
import { hash } from 'node:crypto';
import type { SearchDoc } from '../server/domains/requests/request-search.ts';
import { maskPhone } from '../server/platform/access/mask.ts';
import { addDays, toLocalDate } from '../server/platform/calendar/calendar.ts';
import { DEADLINE_COLUMNS, EVENT_COLUMNS, REQUEST_COLUMNS } from '../server/platform/db/columns.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export type Kind = 'repair' | 'complaint' | 'inquiry' | 'suggestion' | 'special';
export type Part = 'all' | 'history' | 'register';
export type Person = { id: string | null; name: string };
export type Resident = { unit: string; person: string; name: string; phone: string };
export type Rule = {
  basis: 'calendar' | 'working';
  minutes?: number;
  workingDays?: number;
  warnLeadMinutes: number;
  escalateAfterMinutes: number;
};

/** What the requests draw on: the master data and the configuration, as plain data a worker can receive. */
export interface GenSetup {
  requests: number;
  seed: number;
  /** Makes the random part of the request ids differ from one run to the next (see `requestId`). */
  idKey: number;
  now: number;
  dialect: 'sqlite' | 'postgres';
  projectPick: [string, number][];
  residentsOf: Record<string, Resident[]>;
  /** `${projectId}:${departmentCode}` → department id */
  deptOf: Record<string, string>;
  staffOf: Record<string, { tech: Person[]; desk: Person[] }>;
  leaves: Partial<Record<Kind, { id: string; name: string }[]>>;
  priceItem: { id: string; price_fen: number } | null;
  rules: Record<string, Rule>;
  prefixes: Record<Kind, string>;
  /** `${kind}:${status}` → whether the status is an open one */
  openStatus: Record<string, boolean>;
  /** The queues' sort key of a request without a running deadline (the deadlines module's NO_DUE). */
  noDue: number;
}

// ---------------------------------------------------------------- the tables

const REQ_COLS = REQUEST_COLUMNS;
/** Where `event_hash` sits in a request row: the register part fills it in from the history part's tips. */
export const REQ_HASH_AT = REQ_COLS.indexOf('event_hash');

/** Every column written, per table, in the order the values are pushed. */
export const COLUMNS: Record<string, readonly string[]> = {
  requests: REQ_COLS,
  request_events: EVENT_COLUMNS,
  deadlines: DEADLINE_COLUMNS,
  request_repair: [
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
  request_complaint: [
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
  request_inquiry: ['request_id', 'promised_at', 'answer', 'answered_at'],
  request_suggestion: ['request_id', 'handling', 'month', 'reply', 'replied_at'],
  request_special: ['request_id', 'item', 'price_fen', 'agreed_at', 'arrangement', 'scheduled_at', 'result', 'reported_to', 'reply'],
  request_search_sqlite: ['terms', 'scope', 'request_id'],
  request_search_postgres: ['request_id', 'project_id', 'created_at', 'terms'],
};

/** The tables of each part, parents first (PostgreSQL checks the foreign keys statement by statement). */
export const PART_TABLES: Record<Part, string[]> = {
  register: [
    'requests',
    'request_repair',
    'request_complaint',
    'request_inquiry',
    'request_suggestion',
    'request_special',
    'request_search',
  ],
  history: ['request_events', 'deadlines'],
  all: [
    'requests',
    'request_events',
    'deadlines',
    'request_repair',
    'request_complaint',
    'request_inquiry',
    'request_suggestion',
    'request_special',
    'request_search',
  ],
};

/** The columns of a table as this dialect has them. */
export function columnsOf(table: string, dialect: 'sqlite' | 'postgres'): readonly string[] {
  return (table === 'request_search' ? COLUMNS[`request_search_${dialect}`] : COLUMNS[table]) as readonly string[];
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
const TEXTS: Record<Kind, Record<string, string[]>> = {
  repair: REPAIR_TEXT,
  complaint: COMPLAINT_TEXT,
  inquiry: INQUIRY_TEXT,
  suggestion: SUGGESTION_TEXT,
  special: SPECIAL_TEXT,
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
export const OPEN_STATUS: Record<Kind, string[]> = {
  repair: ['dispatched', 'registered', 'to_dispatch', 'accepted', 'on_site', 'completed', 'pooled', 'quoted', 'awaiting_confirmation'],
  complaint: ['investigating', 'registered', 'promised', 'solution_proposed', 'resolved'],
  inquiry: ['awaiting_answer'],
  suggestion: ['registered', 'handled'],
  special: ['registered', 'quoted', 'agreed', 'arranged'],
};

/** Every status a generated request can have, by kind (the setup says which of them are open). */
export const STATUSES: Record<Kind, string[]> = {
  repair: [...OPEN_STATUS.repair, 'archived', 'declined'],
  complaint: [...OPEN_STATUS.complaint, 'closed'],
  inquiry: [...OPEN_STATUS.inquiry, 'answered'],
  suggestion: [...OPEN_STATUS.suggestion, 'replied'],
  special: [...OPEN_STATUS.special, 'replied', 'declined'],
};

// ---------------------------------------------------------------- randomness and ids

/** The demo data's generator (mulberry32): small, fast, and the same numbers for the same seed. */
export class Random {
  private a: number;
  constructor(seed: number) {
    this.a = seed >>> 0;
  }
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number) {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)] as T;
  }
  /** Front-weighted: the first items come up more often. */
  pickWeighted<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() ** 2 * xs.length)] as T;
  }
  chance(p: number) {
    return this.next() < p;
  }
  weighted<T>(xs: readonly [T, number][]): T {
    let x = this.next();
    for (const [v, w] of xs) {
      x -= w;
      if (x < 0) return v;
    }
    return xs[xs.length - 1]![0];
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A 32-bit mix (murmur3's finaliser) of a key and a counter. */
function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * The id of the i-th request: a UUIDv7 of its registration time whose random bits are a hash of
 * the run's key and i. Both parts of a SQLite run compute the same ids without talking to each
 * other; the key is random per run, so two runs with the same seed do not share ids.
 */
export function requestId(t: number, i: number, key: number): string {
  // a differs for every i of a run (mix is a bijection); b and c bring in more of the key and i.
  const a = mix(key ^ mix(i));
  const b = mix(a ^ mix(key ^ 0x9e3779b9));
  const c = mix(b ^ i);
  const hi = Math.floor(t / 2 ** 32);
  const lo = t >>> 0;
  return (
    HEX[(hi >>> 8) & 0xff]! +
    HEX[hi & 0xff]! +
    HEX[lo >>> 24]! +
    HEX[(lo >>> 16) & 0xff]! +
    '-' +
    HEX[(lo >>> 8) & 0xff]! +
    HEX[lo & 0xff]! +
    '-7' +
    HEX[(a >>> 24) & 0x0f]!.slice(1) +
    HEX[(a >>> 16) & 0xff]! +
    '-' +
    HEX[((a >>> 8) & 0x3f) | 0x80]! +
    HEX[a & 0xff]! +
    '-' +
    HEX[b >>> 24]! +
    HEX[(b >>> 16) & 0xff]! +
    HEX[(b >>> 8) & 0xff]! +
    HEX[b & 0xff]! +
    HEX[c >>> 24]! +
    HEX[(c >>> 16) & 0xff]!
  );
}

/**
 * Random ids for rows only one part writes (deadlines): UUIDv7 with random bits from a
 * generator seeded per run, which is much cheaper than a crypto call per id.
 */
class IdSource {
  private readonly r: Random;
  constructor(key: number) {
    this.r = new Random(key);
  }
  next(t: number): string {
    return requestId(t, (this.r.next() * 4294967296) >>> 0, (this.r.next() * 4294967296) >>> 0);
  }
}

/**
 * The request event hash (the service's `requestEventHash`): SHA-256 of the JSON array of the
 * event's fields, in one call. The array is written out here rather than by JSON.stringify: ids
 * (UUIDs), types and statuses are plain ASCII with nothing to escape, the name and the data come
 * already escaped, so the text is the same and costs a third.
 */
export function eventHash(
  requestId: string,
  n: number,
  at: number,
  actorId: string | null,
  actorName: string,
  type: string,
  from: string | null,
  to: string | null,
  data: Data,
  prev: string,
): string {
  const text = `["${requestId}",${n},${at},${actorId === null ? 'null' : `"${actorId}"`},${quotedName(actorName)},"${type}",${from === null ? 'null' : `"${from}"`},${to === null ? 'null' : `"${to}"`},${data.quoted},null,"${prev}"]`;
  return hash('sha256', text, 'hex');
}

/** A running deadline's next look by the sweeper: the warning, then the breach, then the escalation (the deadlines module's `nextCheck`). */
export function nextCheckOf(
  dueAt: number,
  warnLead: number,
  escalateAfter: number,
  warnedAt: number | null,
  breachedAt: number | null,
  escalatedAt: number | null,
): number | null {
  if (breachedAt === null) return warnedAt === null ? dueAt - warnLead : dueAt;
  if (escalatedAt === null) return dueAt + escalateAfter;
  return null;
}

/** The request numbers' period of an instant (the numbers module's `period`). */
export function periodOf(at: number): string {
  return dayOf(at).period;
}

/** The Monday (China-local date) of the week an instant falls in. */
export function mondayOf(at: number): string {
  return dayOf(at).monday;
}

/**
 * What the generator needs of a China-local day: the date, its week's Monday, the request
 * numbers' period (`2611` for November 2026). Worked out once per day: a year has 365 of them
 * and a run asks a few hundred thousand times.
 */
const days = new Map<number, { date: string; monday: string; period: string }>();
function dayOf(at: number) {
  const key = Math.floor((at + 8 * HOUR) / DAY);
  let d = days.get(key);
  if (!d) {
    const date = toLocalDate(at);
    const dow = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
    d = { date, monday: addDays(date, -dow), period: date.slice(2, 4) + date.slice(5, 7) };
    days.set(key, d);
  }
  return d;
}

// ---------------------------------------------------------------- the generator

export interface GenStats {
  events: number;
  deadlines: number;
  runningDeadlines: number;
}

/** An event's data as JSON, and that JSON as a JSON string: how it appears inside the hashed array. */
export type Data = { json: string; quoted: string };
export const data = (o: object): Data => {
  const json = JSON.stringify(o);
  return { json, quoted: JSON.stringify(json) };
};
const NO_DATA: Data = { json: '', quoted: '' };
/** The data of the steps whose data never changes, built once. */
const DATA = {
  inWarranty: data({ reason: '保修期内' }),
  outOfWarranty: data({ reason: '已过保修期' }),
  viaPhone: data({ via: 'phone' }),
  tooDear: data({ reason: '住户认为价格偏高' }),
  completed: data({ labourFen: 0, note: '' }),
  confirmed: data({ via: 'phone', note: '' }),
  handled: data({ resolution: '已处理' }),
  unsatisfied: data({ note: '投诉人不满意' }),
  resolved: data({ resolution: '已处理完毕' }),
  referred: data({ handling: '已转相关部门研究' }),
  thanks: data({ reply: '感谢您的建议，我们将认真采纳' }),
  tooDearSpecial: data({ reason: '价格偏高' }),
  arranged: data({ arrangement: '安排工程部上门' }),
  served: data({ reply: '服务已完成' }),
};
/** The data of the steps with a few variants (the technician, the finding, the reason), each built once. */
const dataMemo = new Map<string, Data>();
function memoData(key: string, make: () => object): Data {
  let d = dataMemo.get(key);
  if (!d) {
    d = data(make());
    dataMemo.set(key, d);
  }
  return d;
}
/** Names as JSON strings, each escaped once. */
const nameMemo = new Map<string, string>();
function quotedName(name: string): string {
  let q = nameMemo.get(name);
  if (q === undefined) {
    q = JSON.stringify(name);
    nameMemo.set(name, q);
  }
  return q;
}

type Event = [type: string, from: string | null, to: string | null, at: number, data: Data, who: Person];

export class RequestGenerator {
  /** Flat row values per table of this part, waiting to be written. */
  readonly out: Record<string, unknown[]> = {};
  readonly stats: GenStats = { events: 0, deadlines: 0, runningDeadlines: 0 };
  /** Numbers given, per `${projectId}|${prefix}|${period}`: the counters go on from there. */
  readonly counters = new Map<string, number>();
  /** Archived repairs per `${projectId}|${monday}` of their completion: the weekly callback draws. */
  readonly completedRepairs = new Map<string, string[]>();

  private readonly rnd: Random;
  private readonly ids: IdSource;
  private readonly span = 365 * DAY;
  private readonly start: number;
  private readonly openTarget: number;
  private readonly lastRepairOf = new Map<string, string>();
  private openSeen = 0;
  private readonly history: boolean;
  private readonly register: boolean;

  /**
   * `searchRow`: the search module's row for a request, for the parts that write the search
   * index (passed in: that module is heavy to load in a worker that does not need it).
   * `tips`: where the history part leaves each request's chain tip (64 hex characters at
   * i × 64) for the register part; unused when one generator writes everything.
   */
  readonly requests: number;
  constructor(
    private readonly s: GenSetup,
    readonly part: Part,
    private readonly searchRow: ((dialect: 'sqlite' | 'postgres', d: SearchDoc) => unknown[]) | null,
    private readonly tips: Buffer | null = null,
  ) {
    this.requests = s.requests;
    this.rnd = new Random(s.seed);
    this.ids = new IdSource(s.idKey ^ 0x5bd1e995);
    this.start = s.now - this.span;
    this.openTarget = s.requests; // running promises wanted in total, about one per request
    this.history = part !== 'register';
    this.register = part !== 'history';
    for (const t of PART_TABLES[part]) this.out[t] = [];
  }

  private rule(k: string): Rule {
    return this.s.rules[k] ?? { basis: 'calendar', warnLeadMinutes: 60, escalateAfterMinutes: 240 };
  }

  /** A deadline row as the service would hold it by now (running ones as the sweeper left them). */
  private deadline(
    requestId: string,
    projectId: string,
    kind: string,
    startedAt: number,
    dueAt: number,
    status: string,
    end: number | null,
  ) {
    const r = this.rule(kind);
    const warnLead = r.warnLeadMinutes * MIN;
    const escalateAfter = r.escalateAfterMinutes * MIN;
    let nextCheck: number | null = null;
    let warnedAt: number | null = null;
    let breachedAt: number | null = null;
    let escalatedAt: number | null = null;
    let metAt: number | null = null;
    const now = this.s.now;
    if (status === 'running') {
      if (now >= dueAt - warnLead) warnedAt = dueAt - warnLead;
      if (now >= dueAt) breachedAt = dueAt;
      if (now >= dueAt + escalateAfter) escalatedAt = dueAt + escalateAfter;
      // The sweeper's next look: the warning, then the breach, then the escalation.
      nextCheck =
        breachedAt === null ? (warnedAt === null ? dueAt - warnLead : dueAt) : escalatedAt === null ? dueAt + escalateAfter : null;
    } else if (status === 'met') {
      metAt = end;
      if (end !== null && end > dueAt) breachedAt = dueAt;
    } else if (status === 'cancelled' && end !== null && end > dueAt) {
      breachedAt = dueAt;
    }
    this.out.deadlines!.push(
      this.ids.next(startedAt),
      requestId,
      projectId,
      kind,
      r.basis,
      status,
      startedAt,
      dueAt,
      warnLead,
      escalateAfter,
      nextCheck,
      warnedAt,
      breachedAt,
      escalatedAt,
      metAt,
      null,
      0,
      null,
      '',
      0,
      null,
      startedAt,
      1,
    );
  }

  /** Request i (0 … N−1): draws it and pushes this part's rows. */
  request(i: number): void {
    const s = this.s;
    const rnd = this.rnd;
    const now = s.now;
    const n = s.requests;
    const t = Math.floor(this.start + (i + rnd.next()) * (this.span / n));
    const projectId = rnd.weighted(s.projectPick);
    const kind = rnd.weighted(KIND_WEIGHTS);
    const channel = rnd.weighted(CHANNEL_WEIGHTS);
    const prefix = s.prefixes[kind];
    const per = periodOf(t);
    const ckey = `${projectId}|${prefix}|${per}`;
    const seq = (this.counters.get(ckey) ?? 0) + 1;
    this.counters.set(ckey, seq);
    const number = `${prefix}-${per}-${seq < 1000 ? String(seq).padStart(4, '0') : seq}`;
    const id = requestId(t, i, s.idKey);
    const residents = s.residentsOf[projectId] ?? [];
    const resident = residents.length && (channel === 'portal' || rnd.chance(0.85)) ? rnd.pick(residents) : null;
    const anonymous = !resident && (kind === 'complaint' || kind === 'suggestion') && rnd.chance(0.1);
    const requesterName = anonymous
      ? '匿名'
      : resident
        ? resident.name
        : `${rnd.pick(['王', '李', '张', '刘', '陈'])}${rnd.chance(0.5) ? '先生' : '女士'}`;
    const requesterPhone = anonymous ? '' : resident ? resident.phone : `13${String(rnd.int(0, 999_999_999)).padStart(9, '0')}`;
    const catList = s.leaves[kind] ?? [];
    const cat = catList.length ? rnd.pick(catList) : null;
    const texts = TEXTS[kind][cat?.name ?? ''] ?? ['其他事项'];
    const place = kind === 'repair' && IN_UNIT.has(cat?.name ?? '') ? rnd.pick(PLACES) : '';
    const content = `${place}${rnd.pick(texts)}${rnd.pick(TAILS)}`;
    const location = kind === 'repair' && !resident ? `${rnd.int(1, 9)}栋大堂` : '';
    const urgency = rnd.chance(0.05) ? 'urgent' : 'normal';
    const departmentId = s.deptOf[`${projectId}:${kind === 'repair' ? 'engineering' : 'service'}`] ?? null;
    const staff = s.staffOf[projectId];
    const desk = staff?.desk[0] ?? { id: null, name: '服务中心' };
    const techs = staff?.tech ?? [];

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
    const isOpen = s.openStatus[`${kind}:${status}`] ?? true;
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
    let nextDue = s.noDue;
    let deadlineCount = 0;
    const main = MAIN_DEADLINE[kind];
    const late = rnd.chance(0.08);
    if (main && !isOpen && !(kind === 'inquiry' && !open && rnd.chance(0.7))) {
      const r = this.rule(main);
      const dueMs = r.minutes !== undefined ? r.minutes * MIN : (r.workingDays ?? 1) * DAY;
      const due = t + dueMs;
      const metAt = late ? due + rnd.int(1, 120) * MIN : t + Math.round(dueMs * rnd.next() * 0.9);
      if (this.history)
        this.deadline(id, projectId, main, t, due, status === 'declined' ? 'cancelled' : 'met', Math.min(metAt, closedAt ?? metAt));
      deadlineCount++;
    }
    if (isOpen) {
      this.openSeen++;
      // Spread the running promises so that, in the end, about `openTarget` run in total.
      const expectedOpen = Math.max(1, Math.round((this.openSeen / (i + 1)) * n));
      const want = Math.max(1, Math.round((this.openTarget - this.stats.runningDeadlines) / Math.max(1, expectedOpen - this.openSeen + 1)));
      const kinds = RUNNING_KINDS[kind];
      const count = Math.min(want, 12);
      for (let k = 0; k < count; k++) {
        const dkind = kinds[k % kinds.length] as string;
        const due = Math.max(t + 10 * MIN, now - 3 * DAY + Math.round(rnd.next() * 33 * DAY));
        if (due < nextDue) nextDue = due;
        if (this.history) this.deadline(id, projectId, dkind, t, due, 'running', null);
      }
      this.stats.runningDeadlines += count;
      deadlineCount += count;
    }
    this.stats.deadlines += deadlineCount;

    // ---- history: created, then the steps that led to the status
    const events: Event[] = [];
    const initial = kind === 'inquiry' && !isOpen ? 'answered' : kind === 'inquiry' ? 'awaiting_answer' : 'registered';
    const history = this.history;
    events.push([
      'created',
      null,
      initial,
      t,
      history
        ? data({
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
          })
        : NO_DATA,
      desk,
    ]);
    const at = (f: number) => t + Math.round((closedAt ? closedAt - t : Math.max(MIN, Math.min(age, took))) * f);
    const tech = assignee ?? { id: null, name: '维修工' };
    const register = this.register;
    const out = this.out;
    if (kind === 'repair') {
      const priceItem = s.priceItem;
      const paid = rnd.chance(0.12) && priceItem;
      const done = status === 'archived' || status === 'completed' || status === 'awaiting_confirmation';
      const completedAt = done ? at(0.8) : null;
      const prior = this.lastRepairOf.get(projectId);
      const rework = prior && rnd.chance(0.02) ? prior : null;
      if (status !== 'registered')
        events.push([
          paid ? 'quote' : 'mark_free',
          'registered',
          paid ? 'quoted' : 'to_dispatch',
          at(0.05),
          paid ? DATA.outOfWarranty : DATA.inWarranty,
          desk,
        ]);
      if (paid && status !== 'quoted' && status !== 'registered')
        events.push(['agree', 'quoted', 'to_dispatch', at(0.08), DATA.viaPhone, desk]);
      if (status === 'declined') events.push(['decline', 'quoted', 'declined', at(1), DATA.tooDear, desk]);
      if (assignee)
        events.push([
          'dispatch',
          'to_dispatch',
          'dispatched',
          at(0.1),
          memoData(`dispatch:${assignee.id}`, () => ({ assigneeId: assignee.id, informed: true })),
          desk,
        ]);
      if (done) events.push(['complete', 'on_site', 'completed', completedAt as number, DATA.completed, tech]);
      if (status === 'archived') events.push(['confirm', 'completed', 'archived', at(1), DATA.confirmed, desk]);
      const scope = rnd.chance(0.3) ? 'common' : 'in_unit';
      const labour = done ? rnd.int(0, 5) * 1000 : 0;
      const rated = status === 'archived' && rnd.chance(0.35);
      const ratingOverall = rated ? rnd.int(3, 5) : null;
      const ratingSpeed = rated ? rnd.int(3, 5) : null;
      const ratingAttitude = rated ? rnd.int(4, 5) : null;
      if (register)
        out.request_repair!.push(
          id,
          scope,
          paid ? 1 : 0,
          paid ? '已过保修期，按收费标准报价' : '保修期内免费维修',
          paid ? priceItem.id : null,
          paid ? priceItem.price_fen : null,
          paid ? at(0.08) : null,
          paid ? 'phone' : null,
          assignee ? at(0.3) : null,
          assignee ? at(0.1) : null,
          assignee && status !== 'dispatched' ? at(0.2) : null,
          done ? at(0.5) : null,
          completedAt,
          labour,
          done && paid ? priceItem.price_fen : 0,
          status === 'archived' ? at(1) : null,
          status === 'archived' ? 'phone' : null,
          rework,
          0,
          ratingOverall,
          ratingSpeed,
          ratingAttitude,
          rated ? at(1) + HOUR : null,
          rated ? 'phone' : null,
        );
      if (status === 'archived' && completedAt) {
        this.lastRepairOf.set(projectId, id);
        if (register) {
          const key = `${projectId}|${mondayOf(completedAt)}`;
          const list = this.completedRepairs.get(key);
          if (list) list.push(id);
          else this.completedRepairs.set(key, [id]);
        }
      }
    } else if (kind === 'complaint') {
      const grade = rnd.chance(0.03) ? 'urgent' : rnd.chance(0.12) ? 'significant' : 'general';
      const reopens = rnd.chance(0.08) ? (rnd.chance(0.2) ? 2 : 1) : 0;
      const reason = isOpen
        ? ''
        : rnd.weighted<string>([
            ['satisfied', 0.7],
            ['solved_on_spot', 0.1],
            ['declined_no_new_complaint', 0.1],
            ['anonymous', 0.05],
            ['sensitive_declined', 0.05],
          ]);
      const resolved = !isOpen || status === 'resolved';
      if (status !== 'registered') {
        const findings = rnd.pick(FINDINGS);
        events.push(['investigate', 'registered', 'investigating', at(0.2), memoData(`findings:${findings}`, () => ({ findings })), desk]);
      }
      for (let k = 0; k < reopens; k++) {
        events.push(['resolve', 'solution_proposed', 'resolved', at(0.3 + k * 0.2), DATA.handled, desk]);
        events.push(['callback_unsatisfied', 'resolved', 'investigating', at(0.4 + k * 0.2), DATA.unsatisfied, desk]);
      }
      if (resolved) events.push(['resolve', 'solution_proposed', 'resolved', at(0.8), DATA.resolved, desk]);
      if (!isOpen)
        events.push([
          reason === 'satisfied' ? 'callback_satisfied' : 'close_without_callback',
          'resolved',
          'closed',
          at(1),
          memoData(`close:${reason}`, () => ({ reason })),
          desk,
        ]);
      const findings = status === 'registered' ? '' : rnd.pick(FINDINGS);
      const atFault = rnd.chance(0.3) ? 1 : 0;
      const cause = isOpen ? '' : rnd.pick(CAUSES);
      const preventive = isOpen ? '' : rnd.pick(PREVENTIVE);
      if (register)
        out.request_complaint!.push(
          id,
          grade,
          0,
          0,
          findings,
          atFault,
          resolved ? '与投诉人沟通后制定处理方案' : '',
          resolved ? '同意' : '',
          resolved ? 1 : 0,
          reopens,
          resolved ? '已处理完毕' : '',
          resolved ? at(0.8) : null,
          cause,
          preventive,
          reason === 'declined_no_new_complaint' ? at(0.9) : null,
          reason,
        );
    } else if (kind === 'inquiry') {
      const answered = status === 'answered';
      const promised = answered ? null : t + rnd.int(2, 48) * HOUR;
      if (register) out.request_inquiry!.push(id, promised, answered ? '已当场答复' : '', answered ? t : null);
    } else if (kind === 'suggestion') {
      if (status !== 'registered') events.push(['handle', 'registered', 'handled', at(0.5), DATA.referred, desk]);
      if (status === 'replied') events.push(['reply', 'handled', 'replied', at(1), DATA.thanks, desk]);
      if (register)
        out.request_suggestion!.push(
          id,
          status === 'registered' ? '' : '已转相关部门研究',
          status === 'registered' ? null : dayOf(t).date.slice(0, 7),
          status === 'replied' ? '感谢您的建议' : '',
          status === 'replied' ? closedAt : null,
        );
    } else {
      if (status !== 'registered')
        events.push([
          'quote',
          'registered',
          'quoted',
          at(0.1),
          memoData(`quote:${cat?.name ?? ''}`, () => ({ item: cat?.name ?? '', priceFen: 8000 })),
          desk,
        ]);
      if (status === 'declined') events.push(['decline', 'quoted', 'declined', at(1), DATA.tooDearSpecial, desk]);
      else if (status !== 'registered' && status !== 'quoted') {
        events.push(['agree', 'quoted', 'agreed', at(0.2), DATA.viaPhone, desk]);
        if (status !== 'agreed') events.push(['arrange', 'agreed', 'arranged', at(0.3), DATA.arranged, desk]);
        if (status === 'replied') events.push(['reply', 'arranged', 'replied', at(1), DATA.served, desk]);
      }
      if (register) {
        const agreed = status === 'agreed' || status === 'arranged' || status === 'replied';
        const arranged = status === 'arranged' || status === 'replied';
        out.request_special!.push(
          id,
          cat?.name ?? '',
          status === 'registered' ? null : 8000,
          agreed ? at(0.2) : null,
          arranged ? '安排工程部上门' : '',
          arranged ? at(0.5) : null,
          status === 'replied' ? '服务已完成' : '',
          null,
          status === 'replied' ? '服务已完成' : '',
        );
      }
    }
    const evN = events.length;
    this.stats.events += evN;

    let tip = '';
    if (this.history) {
      const ev = out.request_events!;
      for (let k = 0; k < evN; k++) {
        const [type, from, to, when, d, who] = events[k]!;
        const eat = when < now ? when : now;
        const prev = tip;
        tip = eventHash(id, k + 1, eat, who.id, who.name, type, from, to, d, prev);
        ev.push(id, k + 1, eat, who.id, who.name, type, from, to, d.json, null, prev, tip);
      }
      if (this.tips) this.tips.write(tip, i * 64, 'latin1');
    }
    if (register) {
      for (const v of this.searchRow!(s.dialect, { requestId: id, projectId, createdAt: t, content, location, requesterName }))
        out.request_search!.push(v);
      out.requests!.push(
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
        tip, // the register part alone fills it in from the tips before writing
        desk.id,
        t,
        closedAt ?? t,
        closedAt,
        evN,
      );
    }
  }
}

// ---------------------------------------------------------------- writing on SQLite

/** Values bound per statement: about a hundred event rows; larger statements were slower. */
const VALUES_PER_STATEMENT = 1200;

/**
 * Writes the generator's buffered rows through multi-row prepared statements, one per table
 * (one statement size, so one prepared statement each). Rows that do not fill a statement wait
 * for the next round; at the end they go one by one.
 */
export class SqliteWriter {
  private readonly tables: {
    table: string;
    width: number;
    many: import('better-sqlite3').Statement;
    one: import('better-sqlite3').Statement;
    per: number;
    ms: number;
  }[];
  constructor(db: import('better-sqlite3').Database, tables: string[]) {
    this.tables = tables.map((table) => {
      const cols = columnsOf(table, 'sqlite');
      const rows = Math.max(1, Math.floor(VALUES_PER_STATEMENT / cols.length));
      const text = (k: number) =>
        `insert into ${table} (${cols.join(', ')}) values ${Array.from({ length: k }, () => `(${cols.map(() => '?').join(', ')})`).join(', ')}`;
      return { table, width: cols.length, many: db.prepare(text(rows)), one: db.prepare(text(1)), per: rows * cols.length, ms: 0 };
    });
  }

  write(out: Record<string, unknown[]>, last: boolean) {
    for (const w of this.tables) {
      const t0 = performance.now();
      const values = out[w.table]!;
      let at = 0;
      for (; at + w.per <= values.length; at += w.per) w.many.run(values.slice(at, at + w.per));
      if (last) for (; at < values.length; at += w.width) w.one.run(values.slice(at, at + w.width));
      out[w.table] = at === values.length ? [] : values.slice(at);
      w.ms += performance.now() - t0;
    }
  }

  /** Milliseconds spent writing, per table. */
  timing(): string {
    return this.tables.map((w) => `${w.table} ${Math.round(w.ms)}`).join(', ');
  }
}

/** Requests between writes (and between handing over chain tips). */
const CHUNK = 1000;

/**
 * One part's whole load on SQLite (or all of it), in one transaction: every request drawn, this
 * part's rows written a chunk at a time. The history part publishes the chain tips of each chunk
 * before writing it; the register part waits for the tips of a chunk before writing its requests.
 * Returns the milliseconds spent drawing, waiting and writing.
 */
export function loadPart(
  db: import('better-sqlite3').Database,
  gen: RequestGenerator,
  shared: { tips: SharedArrayBuffer; progress: SharedArrayBuffer },
  onChunk: (done: number) => void = () => {},
): string {
  const n = gen.requests;
  const writer = new SqliteWriter(db, PART_TABLES[gen.part]);
  const tips = Buffer.from(shared.tips);
  const published = new Int32Array(shared.progress);
  const width = REQ_COLS.length;
  let generating = 0;
  let waiting = 0;
  db.exec('begin');
  let t0 = performance.now();
  for (let i = 0; i < n; i++) {
    gen.request(i);
    if ((i + 1) % CHUNK !== 0 && i + 1 !== n) continue;
    const t1 = performance.now();
    generating += t1 - t0;
    if (gen.part === 'history') {
      Atomics.store(published, 0, i + 1);
      Atomics.notify(published, 0);
    } else if (gen.part === 'register') {
      for (let p = Atomics.load(published, 0); p <= i; p = Atomics.load(published, 0)) Atomics.wait(published, 0, p, 100);
      // The buffered request rows are the last ones drawn (rows that did not fill a statement wait for the next round).
      const rows = gen.out.requests!;
      const first = i + 1 - rows.length / width;
      for (let r = first; r <= i; r++) rows[(r - first) * width + REQ_HASH_AT] = tips.toString('latin1', r * 64, r * 64 + 64);
    }
    waiting += performance.now() - t1;
    writer.write(gen.out, i + 1 === n);
    onChunk(i + 1);
    t0 = performance.now();
  }
  db.exec('commit');
  return `${gen.part}: generate ${Math.round(generating)}, waiting ${Math.round(waiting)}, ${writer.timing()}`;
}
