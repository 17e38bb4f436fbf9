/**
 * `wuye seed --scale N`: a company the size of a large property manager. On top of the demo
 * data (its accounts sign in to the benchmark), one project per ~5,000 requests with their
 * buildings, units, residents, departments, staff and logins, then N requests spread over the
 * last twelve months: every kind, channel and category, statuses as they stand today, their
 * history (hash-chained exactly as the service writes it), deadlines met, breached and
 * running, callbacks with the weekly draws, complaint grades, outcomes and reopens, and the
 * search index. The requests themselves are drawn in generate-requests.ts.
 *
 * Speed on SQLite: a database has one writer, but drawing rows, hashing and building b-trees can
 * use a second core, so the requests are written in two parts at once. The main thread writes the history part (events with their hash chains,
 * deadlines) into the database; a worker thread (generate-worker.ts) writes the register part
 * (requests, detail rows, search index) into a scratch file with the same tables and indexes,
 * builds those indexes there, and the main thread then copies its tables in with
 * `insert into main.t select * from register.t`: with identical definitions and indexes, an
 * empty destination and foreign key checks off, SQLite's transfer optimisation copies the
 * b-tree records and index entries as they are, without decoding or checking a row. Rows are
 * bound in multi-row prepared statements, the database runs with the journal off and locked
 * meanwhile (an empty database being filled: a failed run is simply run again), and WAL is
 * switched back on at the end. A small run (under 20,000 requests) is written on the main thread
 * alone: it would be over before the worker had loaded.
 * PostgreSQL: the same generator on the main thread, written through multi-row statements in
 * large transactions with the secondary indexes dropped for the load and built again after.
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
import { randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import cliProgress from 'cli-progress';
import { DemoRandom, seedDemo } from '../server/demo/demo-data.ts';
import { unitSortKey } from '../server/domains/directory/directory.service.ts';
import { drawSample } from '../server/domains/repairs/aftercare.ts';
import { period } from '../server/domains/requests/numbers.ts';
import { requestEventHash } from '../server/domains/requests/request-events.ts';
import { searchRow } from '../server/domains/requests/request-search.ts';
import { DEFAULT_RULES, KIND_PREFIX, type Kind, stateOf } from '../server/domains/requests/requests.workflow.ts';
import { appendAudit, SYSTEM_ACTOR } from '../server/platform/audit/audit.ts';
import { addDays, DEFAULT_BUSINESS_HOURS, localDateTime } from '../server/platform/calendar/calendar.ts';
import type { AppContext } from '../server/platform/context.ts';
import { insertText, pgText } from '../server/platform/db/fast.ts';
import { toJson } from '../server/platform/db/index.ts';
import { NO_DUE, nextCheck } from '../server/platform/deadlines/deadlines.ts';
import { newId } from '../server/platform/ids.ts';
import {
  columnsOf,
  data,
  eventHash,
  type GenSetup,
  loadPart,
  mondayOf,
  nextCheckOf,
  PART_TABLES,
  periodOf,
  RequestGenerator,
  STATUSES,
} from './generate-requests.ts';
import type { WorkerDone, WorkerStart } from './generate-worker.ts';

const HOUR = 3_600_000;
/** SQLite: below this many requests, no worker thread (starting one takes about half a second). */
const ON_ONE_THREAD = 20_000;
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

// ---------------------------------------------------------------- the generator

export async function generateScale(ctx: AppContext, opts: GenerateOptions): Promise<GenerateSummary> {
  const started = performance.now();
  // SQLite: the worker loads its modules while the master data is written. A small run is over
  // before a worker would have started: the main thread writes everything itself.
  const register = ctx.dialect === 'sqlite' && opts.requests >= ON_ONE_THREAD ? startRegister() : null;
  try {
    return await generate(ctx, opts, register, started);
  } finally {
    // Gone already after a normal run; after a failure, the worker and its scratch file go too.
    register?.stop();
  }
}

async function generate(
  ctx: AppContext,
  opts: GenerateOptions,
  register: ReturnType<typeof startRegister> | null,
  started: number,
): Promise<GenerateSummary> {
  const n = opts.requests;
  checkAgainstService();
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

  // ---- the requests
  const setup: GenSetup = {
    requests: n,
    seed: (opts.seed ?? 20261201) + 1,
    idKey: randomInt(2 ** 32),
    now,
    dialect: ctx.dialect,
    projectPick,
    residentsOf: Object.fromEntries(residentsOf),
    deptOf: Object.fromEntries(deptOf),
    staffOf: Object.fromEntries(staffOf),
    leaves: Object.fromEntries(leaves),
    priceItem: priceItem ?? null,
    rules: DEFAULT_RULES,
    prefixes: KIND_PREFIX,
    noDue: NO_DUE,
    openStatus: Object.fromEntries(
      (Object.keys(STATUSES) as Kind[]).flatMap((k) => STATUSES[k].map((st) => [`${k}:${st}`, stateOf(k, st).open] as const)),
    ),
  };
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
  const tick = (done: number) => bar?.update(done, { rate: Math.round(done / ((performance.now() - started) / 1000)) });
  const timing = (label: string, since: number) => {
    if (process.env.WUYE_GEN_TIMING) console.error(label, Math.round(performance.now() - since), 'ms');
  };

  let result: { stats: RequestGenerator['stats']; counters: [string, number][]; completed: [string, string[]][] };
  let write: (table: string, cols: readonly string[], values: unknown[]) => Promise<void>;
  let finish: () => Promise<void>;
  if (ctx.dialect === 'sqlite') {
    const sqlite = ctx.handle.sqlite!;
    // An empty database being filled in one go: no journal, no fsync, nobody else reading; the
    // transfer optimisation needs the foreign key checks off (the rows are consistent by construction).
    sqlite.pragma('journal_mode = OFF');
    sqlite.pragma('synchronous = OFF');
    sqlite.pragma('locking_mode = EXCLUSIVE');
    sqlite.pragma('foreign_keys = OFF');
    sqlite.pragma('cache_size = -1000000');
    timing('master data', started);
    const loadStart = performance.now();
    const definition = (name: string) => (sqlite.prepare('select sql from sqlite_master where name = ?').get(name) as { sql: string }).sql;
    const indexesOf = (tables: string[]) =>
      sqlite
        .prepare(
          `select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${tables.map(() => '?').join(', ')})`,
        )
        .all(...tables) as { name: string; sql: string }[];
    const shared = { tips: new SharedArrayBuffer(register ? n * 64 : 0), progress: new SharedArrayBuffer(4) };
    register?.start({
      setup,
      tables: PART_TABLES.register.map(definition),
      indexes: indexesOf(PART_TABLES.register).map((i) => i.sql),
      ...shared,
    });
    // Secondary indexes are dropped for the load and built again from the sorted data afterwards,
    // which is several times faster than keeping them up to date row by row.
    const indexes = indexesOf(register ? PART_TABLES.history : PART_TABLES.all);
    for (const ix of indexes) sqlite.exec(`drop index ${ix.name}`);
    // The history part, here (the register part waits for its chain tips), or everything.
    const gen = register
      ? new RequestGenerator(setup, 'history', null, Buffer.from(shared.tips))
      : new RequestGenerator(setup, 'all', searchRow);
    const loadTiming = loadPart(sqlite, gen, shared, (done) => {
      if (done % 10_000 === 0) tick(done);
    });
    const indexStart = performance.now();
    for (const ix of indexes) sqlite.exec(ix.sql);
    timing('indexes', indexStart);
    if (process.env.WUYE_GEN_TIMING) console.error(loadTiming);
    const copyStart = performance.now();
    const registered = register ? await register.copy(sqlite) : { counters: [...gen.counters], completed: [...gen.completedRepairs] };
    timing('register copied', copyStart);
    timing('requests', loadStart);
    result = { stats: gen.stats, ...registered };
    write = async (table, cols, values) => {
      const per = Math.max(1, Math.floor(30_000 / cols.length)) * cols.length;
      for (let at = 0; at < values.length; at += per) {
        const chunk = values.slice(at, at + per);
        ctx.handle.prepare!(insertText(table, cols, chunk.length / cols.length)).run(chunk);
      }
    };
    sqlite.exec('begin');
    finish = async () => {
      sqlite.exec('commit');
      sqlite.pragma('foreign_keys = ON');
      sqlite.pragma('locking_mode = NORMAL');
      sqlite.pragma('synchronous = NORMAL');
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('cache_size = -65536');
    };
  } else {
    const client = (await ctx.handle.pool!.connect()) as import('pg').PoolClient;
    await client.query('set synchronous_commit = off');
    // Secondary indexes are dropped for the load and built again from the sorted data afterwards,
    // which is several times faster than keeping them up to date row by row.
    const indexes: { name: string; create: string }[] = (
      await client.query(
        `select indexname as name, indexdef as create from pg_indexes where schemaname = current_schema() and tablename = any($1)
           and indexname not in (select conname from pg_constraint)`,
        [[...PART_TABLES.all, 'callbacks']],
      )
    ).rows;
    for (const ix of indexes) await client.query(`drop index ${ix.name}`);
    // At most 65,535 parameters a statement; the cast makes PostgreSQL read the search terms' text as a tsvector.
    write = async (table, cols, values) => {
      const per = Math.max(1, Math.floor(30_000 / cols.length)) * cols.length;
      for (let at = 0; at < values.length; at += per) {
        const chunk = values.slice(at, at + per);
        let text = insertText(table, cols, chunk.length / cols.length);
        if (table === 'request_search') text = text.replace(/\(\?, \?, \?, \?\)/g, '(?, ?, ?, cast(? as tsvector))');
        await client.query(pgText(text), chunk);
      }
    };
    const gen = new RequestGenerator(setup, 'all', searchRow);
    await client.query('begin');
    for (let i = 0; i < n; i++) {
      gen.request(i);
      if ((i + 1) % 2000 === 0 || i + 1 === n) {
        // Parents first: the foreign keys are checked statement by statement.
        for (const table of PART_TABLES.all) {
          await write(table, columnsOf(table, 'postgres'), gen.out[table]!);
          gen.out[table] = [];
        }
        if ((i + 1) % 20_000 === 0) {
          await client.query('commit');
          await client.query('begin');
        }
        tick(i + 1);
      }
    }
    result = { stats: gen.stats, counters: [...gen.counters], completed: [...gen.completedRepairs] };
    finish = async () => {
      await client.query('commit');
      const indexStart = performance.now();
      for (const ix of indexes) await client.query(ix.create);
      timing('indexes', indexStart);
      await client.query('analyze');
      client.release();
    };
  }

  // ---- the weekly callback draws (R-RP-7) of every week with completed orders, as the job would have drawn them
  const callbacksStart = performance.now();
  const thisMonday = mondayOf(now);
  const draws: unknown[] = [];
  const callbacks: unknown[] = [];
  let callbackCount = 0;
  for (const [key, population] of result.completed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const [projectId, week] = key.split('|') as [string, string];
    if (week >= thisMonday) continue;
    const ids = [...population].sort();
    const seed = newId(now).replace(/-/g, '');
    const drawn = drawSample(seed, ids, 20);
    const weekEnd = localDateTime(addDays(week, 7), '00:00');
    const drawId = newId(weekEnd);
    draws.push(drawId, projectId, week, seed, 20, JSON.stringify(ids), JSON.stringify(drawn), weekEnd);
    const desk = staffOf.get(projectId)?.desk[0] ?? { id: null };
    for (const rid of drawn) {
      const doneAt = weekEnd + rnd.int(2, 72) * HOUR;
      const done = doneAt < now;
      const reached = rnd.chance(0.92);
      callbacks.push(
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
      );
      callbackCount++;
    }
  }
  await write('callback_draws', ['id', 'project_id', 'week', 'seed', 'rate_pct', 'population', 'drawn', 'created_at'], draws);
  await write(
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
    callbacks,
  );
  // The human numbers go on from where the generated ones stop.
  await write(
    'request_counters',
    ['project_id', 'prefix', 'period', 'last'],
    result.counters.flatMap(([k, last]) => [...k.split('|'), last]),
  );
  await finish();
  timing('callbacks and counters', callbacksStart);
  tick(n);
  bar?.stop();

  const ms = performance.now() - started;
  const summary: GenerateSummary = {
    projects: allProjects.length,
    units: units.length,
    people: people.length,
    requests: n,
    events: result.stats.events,
    deadlines: result.stats.deadlines,
    runningDeadlines: result.stats.runningDeadlines,
    callbacks: callbackCount,
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

// ---------------------------------------------------------------- the SQLite register part

/** FTS5's own tables behind `request_search`: its index (data, idx) and the stored request ids (content). */
const SEARCH_SHADOWS = ['request_search_data', 'request_search_idx', 'request_search_content'];

/**
 * Starts the worker of the register part with a scratch file (in memory where there is a RAM
 * disk: written once and read once, never needed on a disk). `copy` waits for it and copies its
 * tables into the real database, whose same tables are still empty.
 */
function startRegister() {
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'wuye-gen-'));
  const file = join(dir, 'register.db');
  const worker = new Worker(new URL('./generate-worker.mjs', import.meta.url), {
    workerData: { file, spawned: Date.now() },
    // A larger young generation: fewer, cheaper collections of the short-lived row values.
    resourceLimits: { maxYoungGenerationSizeMb: 96 },
  });
  const done = new Promise<WorkerDone>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`生成线程意外退出（${code}）`)));
  });
  done.catch(() => {});
  const stop = () => {
    void worker.terminate();
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    start: (msg: WorkerStart) => worker.postMessage(msg),
    stop,
    copy: async (sqlite: import('better-sqlite3').Database) => {
      try {
        const r = await done;
        if (process.env.WUYE_GEN_TIMING) console.error(r.timing);
        sqlite.exec(`attach ${sqlQuote(file)} as register`);
        // Read through a memory map: no read call per page.
        sqlite.pragma('register.mmap_size = 2147418112');
        sqlite.exec('begin');
        for (const t of PART_TABLES.register) {
          if (t !== 'request_search') sqlite.exec(`insert into main.${t} select * from register.${t}`);
        }
        // The search index: FTS5 keeps it in ordinary tables, copied as they are (SQLite allows
        // writing them only outside its defensive mode). The real ones hold an empty index.
        sqlite.unsafeMode(true);
        try {
          for (const t of SEARCH_SHADOWS) {
            sqlite.exec(`delete from main.${t}`);
            sqlite.exec(`insert into main.${t} select * from register.${t}`);
          }
        } finally {
          sqlite.unsafeMode(false);
        }
        sqlite.exec('commit');
        sqlite.exec('detach register');
        return { counters: r.counters, completed: r.completed };
      } finally {
        stop();
      }
    },
  };
}

function sqlQuote(s: string) {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * The generator's quick copies of service functions (see generate-requests.ts) must give what
 * the service's own give: otherwise the hash chains would not verify, or the data would not be
 * what the service writes.
 */
function checkAgainstService() {
  const now = Date.UTC(2026, 10, 30, 16, 30);
  const d = data({ assigneeId: '0193a4f0-1234-7abc-8def-0123456789ab', informed: true, note: '换"新"的\\' });
  const e = {
    request_id: '0193a4f0-1234-7abc-8def-0123456789ab',
    n: 2,
    at: now,
    actor_id: null,
    actor_name: '王小明(qtG0001)"',
    type: 'dispatch',
    from_status: 'to_dispatch',
    to_status: 'dispatched',
    data: d.json,
    corrects_n: null,
    prev_hash: 'ab'.repeat(32),
  };
  const same =
    eventHash(e.request_id, e.n, e.at, e.actor_id, e.actor_name, e.type, e.from_status, e.to_status, d, e.prev_hash) ===
      requestEventHash(e) &&
    periodOf(now) === period(now) &&
    [0, 30, 60, 90].every((lead) => {
      const due = now + lead * 60_000;
      const warned = now >= due - 3_600_000 ? due - 3_600_000 : null;
      const breached = now >= due ? due : null;
      const dl = {
        status: 'running',
        due_at: due,
        warn_lead_ms: 3_600_000,
        escalate_after_ms: 0,
        warned_at: warned,
        breached_at: breached,
        escalated_at: breached,
      };
      return nextCheckOf(due, 3_600_000, 0, warned, breached, breached) === nextCheck(dl);
    });
  if (!same) throw new Error('生成器与服务端的事项历史哈希、编号或时限检查不一致：请更新 bench/generate-requests.ts');
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
