import { type Insertable, sql } from 'kysely';
import { unitSortKey } from '../domains/directory/directory.service.ts';
import { ensureIntakeDefaults } from '../domains/requests/config.service.ts';
import type { Role } from '../platform/access/roles.ts';
import { appendAudit, SYSTEM_ACTOR } from '../platform/audit/audit.ts';
import { hashPassword } from '../platform/auth/passwords.ts';
import { DEFAULT_BUSINESS_HOURS } from '../platform/calendar/calendar.ts';
import type { AppContext } from '../platform/context.ts';
import { toJson } from '../platform/db/index.ts';
import type { DB } from '../platform/db/types.ts';
import { newId } from '../platform/ids.ts';
import { GIVEN_FEMALE, GIVEN_MALE, ID_REGIONS, MOBILE_PREFIXES, PLATE_LETTERS, PLATE_PROVINCES, SURNAMES } from './names.ts';

export const DEMO_PASSWORD = 'Wuye@2026';

/** One login per role, printed at first start and listed in README.md. */
export const DEMO_ACCOUNTS: { username: string; role: Role; name: string; project: 'YGHY' | null; note: string }[] = [
  { username: 'qiantai', role: 'receptionist', name: '林晓雯', project: 'YGHY', note: '阳光花园客服专员/前台' },
  { username: 'kefuzhuguan', role: 'service_supervisor', name: '陈佳怡', project: 'YGHY', note: '阳光花园客服主管' },
  { username: 'jingli', role: 'project_manager', name: '王建国', project: 'YGHY', note: '阳光花园物业经理' },
  { username: 'gongcheng', role: 'department_head', name: '刘志强', project: 'YGHY', note: '阳光花园工程部主管' },
  { username: 'weixiu', role: 'technician', name: '张师傅', project: 'YGHY', note: '阳光花园维修工' },
  { username: 'menggang', role: 'gate_guard', name: '赵勇', project: 'YGHY', note: '阳光花园门岗' },
  { username: 'pinzhi', role: 'quality_officer', name: '黄敏', project: null, note: '公司品质管理部' },
  { username: 'lingdao', role: 'company_leader', name: '周海东', project: null, note: '公司领导' },
  { username: 'admin', role: 'company_admin', name: '系统管理员', project: null, note: '系统管理员' },
  { username: 'yezhu', role: 'resident', name: '', project: 'YGHY', note: '阳光花园 3-1-1502 业主' },
];

/** Deterministic generator: the same demo data on every fresh install. */
function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class DemoRandom {
  private readonly r: () => number;
  private readonly usedPhones = new Set<string>();
  constructor(seed: number) {
    this.r = mulberry32(seed);
  }
  next() {
    return this.r();
  }
  int(min: number, max: number) {
    return min + Math.floor(this.r() * (max - min + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)] as T;
  }
  /** Front-weighted pick: common surnames come up more often. */
  pickWeighted<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() ** 2 * xs.length)] as T;
  }
  chance(p: number) {
    return this.r() < p;
  }
  name(gender: '男' | '女', surname?: string) {
    const s = surname ?? this.pickWeighted(SURNAMES);
    const pool = gender === '男' ? GIVEN_MALE : GIVEN_FEMALE;
    return s + this.pick(pool) + (this.chance(0.7) ? this.pick(pool) : '');
  }
  phone() {
    for (;;) {
      const p = this.pick(MOBILE_PREFIXES) + String(this.int(0, 99999999)).padStart(8, '0');
      if (!this.usedPhones.has(p)) {
        this.usedPhones.add(p);
        return p;
      }
    }
  }
  /** An 18-digit resident ID with a valid check digit (GB 11643). */
  idNumber(gender: '男' | '女', birthYear: number) {
    const birth = `${birthYear}${String(this.int(1, 12)).padStart(2, '0')}${String(this.int(1, 28)).padStart(2, '0')}`;
    let seq = this.int(0, 99) * 10 + this.int(0, 9);
    if ((seq % 2 === 1) !== (gender === '男')) seq = (seq + 1) % 1000;
    const body = this.pick(ID_REGIONS) + birth + String(seq).padStart(3, '0');
    const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const sum = body.split('').reduce((acc, d, i) => acc + Number(d) * (weights[i] ?? 0), 0);
    return body + '10X98765432'[sum % 11];
  }
  plate() {
    const province = this.pick(PLATE_PROVINCES);
    const city = province === '粤' ? this.pick(['B', 'B', 'B', 'A', 'S', 'E']) : this.pick(PLATE_LETTERS);
    const ev = this.chance(0.25);
    const chars = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';
    let tail = '';
    for (let i = 0; i < 4; i++) tail += this.chance(0.75) ? String(this.int(0, 9)) : this.pick(chars.split(''));
    return ev ? `${province}${city}${this.pick(['D', 'F'])}${tail}${this.int(0, 9)}` : `${province}${city}${this.int(0, 9)}${tail}`;
  }
}

interface ProjectPlan {
  code: 'YGHY' | 'CHY';
  name: string;
  address: string;
  /** When the developer handed the units over: 阳光花园 is out of the 2-year warranty, 翠湖苑 still in it. */
  handover: string;
  buildings: number;
  entrances: number;
  floors: number;
  perFloor: number;
  areas: number[];
}

const PROJECTS: ProjectPlan[] = [
  {
    code: 'YGHY',
    name: '阳光花园',
    address: '深圳市南山区桃园路 88 号',
    handover: '2019-06-30',
    buildings: 8,
    entrances: 2,
    floors: 18,
    perFloor: 2,
    areas: [89.36, 118.72, 96.5, 132.08],
  },
  {
    code: 'CHY',
    name: '翠湖苑',
    address: '深圳市福田区香蜜湖路 16 号',
    handover: '2025-03-31',
    buildings: 6,
    entrances: 2,
    floors: 12,
    perFloor: 2,
    areas: [76.4, 108.15, 143.6, 92.25],
  },
];

const PROJECT_DEPARTMENTS = [
  { code: 'service', name: '客服部', duties: '来访来电接待、报修投诉登记与回访、资料管理', phone: '0755-86001001' },
  { code: 'engineering', name: '工程部', duties: '房屋及公共设施设备维修养护、报修处理', phone: '0755-86001002' },
  { code: 'security', name: '秩序维护部', duties: '门岗、巡逻、车辆管理、物品放行核查、消防', phone: '0755-86001003' },
  { code: 'environment', name: '环境部', duties: '清洁卫生、绿化养护、垃圾清运', phone: '0755-86001004' },
  { code: 'finance', name: '财务部', duties: '物业费等各项费用收缴与票据', phone: '0755-86001005' },
];

const COMPANY_DEPARTMENTS = [
  { code: 'company_service', name: '客户服务中心', duties: '统筹各管理处客户服务、投诉汇总与回访、满意度调查' },
  { code: 'quality', name: '品质管理部', duties: '服务品质检查、公司级投诉处理与纠正措施' },
  { code: 'pr', name: '行政公关部', duties: '媒体与政府来访接待、对外宣传' },
  { code: 'hr', name: '人力资源部', duties: '招聘、培训、考核与员工关系' },
  { code: 'leadership', name: '公司领导', duties: '公司经营管理决策' },
];

/** Staff per project department: [title, count, role of a demo login if any]. */
const STAFF_PLAN: Record<string, [string, number][]> = {
  service: [
    ['物业经理', 1],
    ['客服主管', 1],
    ['客服专员', 3],
  ],
  engineering: [
    ['工程部主管', 1],
    ['维修工', 4],
  ],
  security: [
    ['秩序维护部主管', 1],
    ['门岗', 4],
  ],
  environment: [
    ['环境部主管', 1],
    ['保洁员', 2],
  ],
  finance: [['收费员', 1]],
};

/** The company's repair price list (收费标准): category, item, unit, price in yuan. */
const PRICE_LIST: [string, string, string, number][] = [
  ['水电', '更换水龙头（不含材料）', '个', 30],
  ['水电', '疏通下水道', '次', 80],
  ['水电', '更换开关插座（不含材料）', '个', 20],
  ['水电', '检修线路短路', '次', 60],
  ['门窗五金', '更换门锁（不含材料）', '把', 50],
  ['门窗五金', '维修推拉窗滑轮', '扇', 40],
  ['洗手间', '更换马桶水箱配件', '套', 45],
  ['洗手间', '卫生间防水补漏', '平方米', 120],
  ['墙面地面', '墙面修补刷漆', '平方米', 35],
  ['墙面地面', '更换地砖（不含材料）', '块', 25],
  ['家电', '空调清洗', '台', 80],
  ['家电', '热水器检修', '次', 60],
];

/** Which of 阳光花园's first staff members carry the demo logins. */
const DEMO_LOGIN_BY_TITLE: Record<string, string> = {
  物业经理: 'jingli',
  客服主管: 'kefuzhuguan',
  客服专员: 'qiantai',
  工程部主管: 'gongcheng',
  维修工: 'weixiu',
  门岗: 'menggang',
};

type Insert<T extends keyof DB> = Insertable<DB[T]>;

async function insertChunks<T extends keyof DB>(ctx: AppContext, table: T, rows: Insert<T>[], tx: any) {
  // PostgreSQL caps a statement at 65535 parameters; SQLite at 32766.
  const cols = rows[0] ? Object.keys(rows[0]).length : 1;
  const size = Math.max(1, Math.floor(30000 / cols));
  for (let i = 0; i < rows.length; i += size)
    await tx
      .insertInto(table)
      .values(rows.slice(i, i + size))
      .execute();
  void ctx;
}

export interface DemoSummary {
  projects: number;
  buildings: number;
  units: number;
  people: number;
  staff: number;
  accounts: typeof DEMO_ACCOUNTS;
}

export async function hasData(ctx: AppContext): Promise<boolean> {
  return !!(await ctx.db.selectFrom('companies').select('id').limit(1).executeTakeFirst());
}

/** Creates the demo company on an empty database; a database that has a company is left alone. */
export async function seedDemo(ctx: AppContext, seed = 20261122): Promise<DemoSummary | null> {
  await ensureIntakeDefaults(ctx.db, ctx.dialect, ctx.clock.now());
  if (await hasData(ctx)) return null;
  const rnd = new DemoRandom(seed);
  const now = ctx.clock.now();
  const today = new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
  const stamp = { created_at: now, updated_at: now, version: 1 };

  const companyId = newId(now);
  const projects: Insert<'projects'>[] = [];
  const buildings: Insert<'buildings'>[] = [];
  const units: Insert<'units'>[] = [];
  const people: Insert<'people'>[] = [];
  const vehicles: Insert<'vehicles'>[] = [];
  const occupancies: Insert<'occupancies'>[] = [];
  const departments: Insert<'departments'>[] = [];
  const staff: Insert<'staff'>[] = [];
  const staffProjects: Insert<'staff_projects'>[] = [];
  const projectIdByCode = new Map<string, string>();
  let demoOwnerId = '';

  const addPerson = (gender: '男' | '女', birthYear: number, surname?: string, withCar = false) => {
    const phone = rnd.phone();
    const p: Insert<'people'> = {
      id: newId(now),
      company_id: companyId,
      name: rnd.name(gender, surname),
      gender,
      phone,
      phone_last4: phone.slice(-4),
      phone2: rnd.chance(0.1) ? rnd.phone() : '',
      id_type: rnd.chance(0.97) ? 'resident_id' : 'hk_macau_permit',
      id_number: '',
      notes: '',
      ...stamp,
    };
    p.id_number = p.id_type === 'resident_id' ? rnd.idNumber(gender, birthYear) : `H${rnd.int(10000000, 99999999)}`;
    people.push(p);
    if (withCar) vehicles.push({ id: newId(now), person_id: p.id, plate: rnd.plate(), created_at: now });
    return p;
  };
  const occupy = (person: Insert<'people'>, unit: Insert<'units'>, relation: string, startDate: string, moveIn: string | null) => {
    occupancies.push({
      id: newId(now),
      person_id: person.id,
      unit_id: unit.id,
      project_id: unit.project_id,
      relation,
      start_date: startDate,
      end_date: null,
      move_in_date: moveIn,
      ...stamp,
    });
  };

  for (const plan of PROJECTS) {
    const projectId = newId(now);
    projectIdByCode.set(plan.code, projectId);
    projects.push({
      id: projectId,
      company_id: companyId,
      code: plan.code,
      name: plan.name,
      address: plan.address,
      business_hours: toJson(DEFAULT_BUSINESS_HOURS),
      ...stamp,
    });
    for (let b = 1; b <= plan.buildings; b++) {
      const buildingId = newId(now);
      buildings.push({ id: buildingId, project_id: projectId, code: String(b), name: `${b}栋`, floors: plan.floors, ...stamp });
      for (let e = 1; e <= plan.entrances; e++) {
        for (let f = 1; f <= plan.floors; f++) {
          for (let n = 1; n <= plan.perFloor; n++) {
            const room = `${f}${String(n).padStart(2, '0')}`;
            const unit: Insert<'units'> = {
              id: newId(now),
              project_id: projectId,
              building_id: buildingId,
              number: `${b}-${e}-${room}`,
              room,
              sort_key: unitSortKey(`${b}-${e}-${room}`),
              floor: f,
              area_x100: Math.round((plan.areas[(n - 1 + (e - 1) * plan.perFloor) % plan.areas.length] ?? 90) * 100),
              status: 'occupied',
              notes: '',
              handover_date: plan.handover,
              ...stamp,
            };
            units.push(unit);
            const isDemoUnit = plan.code === 'YGHY' && unit.number === '3-1-1502';
            if (!isDemoUnit && rnd.chance(0.06)) {
              unit.status = 'vacant';
              continue;
            }
            const since = `${rnd.int(2012, 2024)}-${String(rnd.int(1, 12)).padStart(2, '0')}-${String(rnd.int(1, 28)).padStart(2, '0')}`;
            const ownerGender = rnd.chance(0.55) ? '男' : '女';
            const owner = addPerson(ownerGender, rnd.int(1955, 1992), undefined, rnd.chance(0.45));
            if (isDemoUnit) {
              owner.name = '李明华';
              owner.gender = '男';
              demoOwnerId = owner.id;
            }
            const rented = !isDemoUnit && rnd.chance(0.18);
            occupy(owner, unit, 'owner', since, rented ? null : since);
            if (rented) {
              const tenant = addPerson(rnd.chance(0.5) ? '男' : '女', rnd.int(1975, 2000), undefined, rnd.chance(0.3));
              const from = `${rnd.int(2023, 2026)}-${String(rnd.int(1, 12)).padStart(2, '0')}-01`;
              const start = from > today ? today : from;
              occupy(tenant, unit, 'tenant', start, start);
              if (rnd.chance(0.4)) occupy(addPerson(rnd.chance(0.5) ? '男' : '女', rnd.int(1978, 2005)), unit, 'family', start, start);
              if (rnd.chance(0.15)) occupy(addPerson(rnd.chance(0.5) ? '男' : '女', rnd.int(1960, 1990)), unit, 'agent', start, null);
            } else {
              const surname = owner.name.slice(0, owner.name.startsWith('欧阳') ? 2 : 1);
              const family = isDemoUnit ? 2 : rnd.int(0, 3);
              for (let k = 0; k < family; k++) {
                const child = k > 0 && rnd.chance(0.6);
                const g = k === 0 ? (ownerGender === '男' ? '女' : '男') : rnd.chance(0.5) ? '男' : '女';
                occupy(
                  addPerson(
                    g,
                    child ? rnd.int(1995, 2012) : rnd.int(1955, 1992),
                    child || k > 0 ? surname : undefined,
                    k === 0 && rnd.chance(0.3),
                  ),
                  unit,
                  'family',
                  since,
                  since,
                );
              }
              if (rnd.chance(0.03)) occupy(addPerson(rnd.chance(0.5) ? '男' : '女', rnd.int(1960, 1990)), unit, 'agent', since, null);
            }
          }
        }
      }
    }
  }

  const deptId = new Map<string, string>();
  for (const d of COMPANY_DEPARTMENTS) {
    const id = newId(now);
    deptId.set(`company:${d.code}`, id);
    departments.push({
      id,
      company_id: companyId,
      project_id: null,
      code: d.code,
      name: d.name,
      duties: d.duties,
      phone: '0755-86000000',
      ...stamp,
    });
  }
  for (const plan of PROJECTS) {
    const projectId = projectIdByCode.get(plan.code) as string;
    for (const d of PROJECT_DEPARTMENTS) {
      const id = newId(now);
      deptId.set(`${plan.code}:${d.code}`, id);
      departments.push({
        id,
        company_id: companyId,
        project_id: projectId,
        code: d.code,
        name: d.name,
        duties: d.duties,
        phone: plan.code === 'CHY' ? d.phone.replace('86001', '83002') : d.phone,
        ...stamp,
      });
    }
  }

  const addStaff = (name: string, departmentKey: string, title: string, projectCodes: string[]) => {
    const id = newId(now);
    staff.push({
      id,
      company_id: companyId,
      name,
      phone: rnd.phone(),
      department_id: deptId.get(departmentKey) as string,
      title,
      active: 1,
      ...stamp,
    });
    for (const c of projectCodes) staffProjects.push({ staff_id: id, project_id: projectIdByCode.get(c) as string });
    return id;
  };
  const accountStaff = new Map<string, string>();
  for (const plan of PROJECTS) {
    for (const [dept, titles] of Object.entries(STAFF_PLAN)) {
      for (const [title, count] of titles) {
        for (let i = 0; i < count; i++) {
          const username = plan.code === 'YGHY' && i === 0 ? DEMO_LOGIN_BY_TITLE[title] : undefined;
          const demo = DEMO_ACCOUNTS.find((a) => a.username === username);
          const id = addStaff(demo?.name ?? rnd.name(rnd.chance(0.5) ? '男' : '女'), `${plan.code}:${dept}`, title, [plan.code]);
          if (demo) accountStaff.set(demo.username, id);
        }
      }
    }
  }
  const companyStaff: [string, string, number][] = [
    ['company_service', '客户服务中心专员', 2],
    ['quality', '品质专员', 2],
    ['pr', '公关专员', 1],
    ['hr', '人事专员', 1],
    ['leadership', '总经理', 1],
    ['leadership', '副总经理', 1],
  ];
  for (const [dept, title, count] of companyStaff) {
    for (let i = 0; i < count; i++) {
      const demo =
        i === 0 && dept === 'quality'
          ? DEMO_ACCOUNTS.find((a) => a.username === 'pinzhi')
          : i === 0 && title === '总经理'
            ? DEMO_ACCOUNTS.find((a) => a.username === 'lingdao')
            : undefined;
      const id = addStaff(demo?.name ?? rnd.name(rnd.chance(0.5) ? '男' : '女'), `company:${dept}`, title, ['YGHY', 'CHY']);
      if (demo) accountStaff.set(demo.username, id);
    }
  }
  accountStaff.set('admin', addStaff('系统管理员', 'company:company_service', '系统管理员', ['YGHY', 'CHY']));

  const hashes = await Promise.all(DEMO_ACCOUNTS.map(() => hashPassword(DEMO_PASSWORD)));
  const users: Insert<'users'>[] = [];
  const userProjects: Insert<'user_projects'>[] = [];
  DEMO_ACCOUNTS.forEach((a, i) => {
    const id = newId(now);
    users.push({
      id,
      username: a.username,
      password_hash: hashes[i] as string,
      role: a.role,
      display_name: a.role === 'resident' ? '李明华' : a.name,
      staff_id: accountStaff.get(a.username) ?? null,
      person_id: a.role === 'resident' ? demoOwnerId : null,
      all_projects: a.project === null ? 1 : 0,
      failed_attempts: 0,
      locked_until: 0,
      active: 1,
      ...stamp,
    });
    if (a.project) userProjects.push({ user_id: id, project_id: projectIdByCode.get(a.project) as string });
  });

  const created = await ctx.db.transaction().execute(async (tx) => {
    // Two nodes starting together on one PostgreSQL: the second waits here and then finds the data.
    if (ctx.dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext('wuye.seed'))`.execute(tx);
    if (await tx.selectFrom('companies').select('id').limit(1).executeTakeFirst()) return false;
    await tx.insertInto('companies').values({ id: companyId, code: 'AJWY', name: '深圳市安居物业服务有限公司', created_at: now }).execute();
    await insertChunks(ctx, 'projects', projects, tx);
    await insertChunks(ctx, 'buildings', buildings, tx);
    await insertChunks(ctx, 'units', units, tx);
    await insertChunks(ctx, 'people', people, tx);
    await insertChunks(ctx, 'vehicles', vehicles, tx);
    await insertChunks(ctx, 'occupancies', occupancies, tx);
    await insertChunks(ctx, 'departments', departments, tx);
    await insertChunks(ctx, 'staff', staff, tx);
    await insertChunks(ctx, 'staff_projects', staffProjects, tx);
    await insertChunks(ctx, 'users', users, tx);
    await insertChunks(ctx, 'user_projects', userProjects, tx);
    await insertChunks(
      ctx,
      'price_items',
      PRICE_LIST.map(([category, name, unit, yuan], i) => ({
        id: newId(now),
        project_id: null,
        category,
        name,
        unit,
        price_fen: yuan * 100,
        note: '',
        sort: i,
        active: 1,
        created_at: now,
        updated_at: now,
        version: 1,
      })),
      tx,
    );
    await appendAudit(
      tx,
      ctx.dialect,
      SYSTEM_ACTOR,
      {
        action: 'demo.seeded',
        entity: 'company',
        entityId: companyId,
        after: {
          projects: projects.length,
          buildings: buildings.length,
          units: units.length,
          people: people.length,
          staff: staff.length,
          users: users.map((u) => u.username),
        },
      },
      now,
    );
    return true;
  });
  if (!created) return null;
  return {
    projects: projects.length,
    buildings: buildings.length,
    units: units.length,
    people: people.length,
    staff: staff.length,
    accounts: DEMO_ACCOUNTS,
  };
}
