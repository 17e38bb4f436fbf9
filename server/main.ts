import { parseArgs } from 'node:util';
import { buildApp } from './app.ts';
import { type Config, loadConfig, VERSION } from './config.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from './demo/demo-data.ts';
import { seedDemoHistory } from './demo/demo-history.ts';
import { addUser } from './domains/org/org.service.ts';
import { verifyRequestChains } from './domains/requests/request-events.ts';
import { defaultJobs } from './jobs.ts';
import { isRole, ROLE_CODES } from './platform/access/roles.ts';
import { verifyAudit } from './platform/audit/audit.ts';
import { backupSqlite, restoreSqlite } from './platform/backup.ts';
import { type AppContext, createContext } from './platform/context.ts';
import { startCheckpointer } from './platform/db/checkpointer.ts';
import { isPostgresUrl, openDb } from './platform/db/index.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { AppError } from './platform/http/errors.ts';
import { startJobs } from './platform/jobs/runner.ts';

const USAGE = `用法 Usage: wuye <命令>
  serve                       启动服务（首次启动自动创建演示数据）
  migrate                     执行数据库迁移（可重复执行）
  seed --demo                 在空数据库中创建演示数据
  seed --scale N              在空数据库中生成大规模数据：演示数据之上，每约 5000 件一个项目，
                              N 件近 12 个月的各类事项（历史、时限、回访、检索索引），显示进度
  user add --username U --password P --role ROLE [--projects CODE,…] [--name 姓名]
                              创建登录账号（不带 --projects = 全部项目）
  audit verify                校验审计哈希链与各事项历史链（完整返回 0，否则非 0 并指出第一条问题记录）
  backup FILE                 在线备份 SQLite 数据库到 FILE
  restore FILE                从 FILE 恢复 SQLite 数据库（请先停止服务）
环境变量: DATA_DIR (默认 ./data), DATABASE_URL (postgres://… 使用 PostgreSQL), PORT (默认 3000)
角色 Roles: ${ROLE_CODES.join(', ')}`;

async function openContext(cfg: Config): Promise<AppContext> {
  const handle = openDb({ url: cfg.databaseUrl });
  await migrateToLatest(handle.db, handle.dialect);
  return createContext(handle, { dataDir: cfg.dataDir, version: VERSION });
}

function printAccounts() {
  console.log('\n演示账号 Demo accounts (密码 password: %s)', DEMO_PASSWORD);
  for (const a of DEMO_ACCOUNTS) console.log(`  ${a.username.padEnd(12)} ${a.role.padEnd(19)} ${a.note}`);
  console.log('');
}

async function serve(cfg: Config) {
  const ctx = await openContext(cfg);
  const seeded = await seedDemo(ctx);
  if (seeded) {
    console.log(
      `已创建演示数据：${seeded.projects} 个项目、${seeded.buildings} 栋楼、${seeded.units} 户、${seeded.people} 位住户、${seeded.staff} 名员工`,
    );
    const history = await seedDemoHistory(ctx);
    console.log(`已创建近五周的演示维修工单 ${history.repairs} 张（含回访、返修、评价）、投诉 ${history.complaints} 件`);
    printAccounts();
  }
  const app = await buildApp({ ctx, logger: { level: process.env.LOG_LEVEL || 'info' }, webDir: cfg.webDir });
  await ctx.live.start();
  const stopCheckpoints = ctx.handle.sqlite ? startCheckpointer(ctx.handle.sqlite, cfg.databaseUrl) : async () => {};
  const stopJobs = startJobs(ctx, defaultJobs(cfg), (msg, err) => app.log.error({ err }, msg));
  const close = async () => {
    await stopJobs();
    await app.close();
    await stopCheckpoints();
    await ctx.live.stop();
    await ctx.handle.close();
    process.exit(0);
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  await app.listen({ port: cfg.port, host: cfg.host });
  console.log(`WuyeDesk ${VERSION} 已启动：http://localhost:${cfg.port}  (${ctx.dialect})`);
}

async function main(argv: string[]) {
  const [cmd, sub, ...rest] = argv;
  const cfg = loadConfig();
  switch (cmd) {
    case 'serve':
      return serve(cfg);
    case 'migrate': {
      const ctx = await openContext(cfg);
      console.log(`数据库已是最新结构（${ctx.dialect}）`);
      return ctx.handle.close();
    }
    case 'seed': {
      const { values } = parseArgs({
        args: [sub, ...rest].filter((a) => a !== undefined),
        options: { demo: { type: 'boolean' }, scale: { type: 'string' } },
      });
      if (values.scale !== undefined) {
        const n = Number(values.scale.replace(/_/g, ''));
        if (!Number.isInteger(n) || n < 1) throw new UsageError('--scale 须为正整数，如 --scale 1000000');
        const ctx = await openContext(cfg);
        try {
          // Loaded only here: the generator lives with the benchmarks and is not part of the server.
          const { generateScale } = await import('../bench/generate.ts');
          const r = await generateScale(ctx, { requests: n, progress: process.stderr.isTTY || process.env.WUYE_PROGRESS === '1' });
          console.log(
            `已生成：${r.projects} 个项目、${r.units} 户、${r.people} 位住户、${r.requests} 件事项（${r.events} 条历史、${r.deadlines} 个时限，其中 ${r.runningDeadlines} 个计时中、${r.callbacks} 个回访），用时 ${(r.ms / 1000).toFixed(1)} 秒，${r.perSecond} 件/秒`,
          );
          printAccounts();
        } finally {
          await ctx.handle.close();
        }
        return;
      }
      const ctx = await openContext(cfg);
      const r = await seedDemo(ctx);
      console.log(r ? `已创建演示数据：${r.units} 户、${r.people} 位住户` : '数据库已有数据，未创建演示数据');
      if (r) {
        const h = await seedDemoHistory(ctx);
        console.log(`已创建近五周的演示维修工单 ${h.repairs} 张、投诉 ${h.complaints} 件`);
      }
      if (r) printAccounts();
      return ctx.handle.close();
    }
    case 'user': {
      if (sub !== 'add') throw new UsageError();
      const { values } = parseArgs({
        args: rest,
        options: {
          username: { type: 'string' },
          password: { type: 'string' },
          role: { type: 'string' },
          projects: { type: 'string' },
          name: { type: 'string' },
        },
      });
      if (!values.username || !values.password || !values.role) throw new UsageError('需要 --username、--password 和 --role');
      if (!isRole(values.role)) throw new UsageError(`未知角色 ${values.role}`);
      const ctx = await openContext(cfg);
      try {
        const u = await addUser(ctx, null, {
          username: values.username,
          password: values.password,
          role: values.role,
          displayName: values.name,
          projectCodesOrIds: values.projects
            ? values.projects
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean)
            : undefined,
        });
        console.log(`已创建账号 ${u.username}（${u.role}，${u.allProjects ? '全部项目' : `${u.projectIds.length} 个项目`}）`);
      } finally {
        await ctx.handle.close();
      }
      return;
    }
    case 'audit': {
      if (sub !== 'verify') throw new UsageError();
      const ctx = await openContext(cfg);
      try {
        const r = await verifyAudit(ctx.db);
        if (r.ok) console.log(`审计链完整：已校验 ${r.checked} 条事件`);
        else {
          console.error(
            `审计链校验失败：第一条问题记录 #${r.firstBad?.seq}${r.firstBad?.id ? ` (${r.firstBad.id})` : ''}：${r.firstBad?.reason}`,
          );
          process.exitCode = 2;
        }
        const h = await verifyRequestChains(ctx.db);
        if (h.ok) console.log(`事项历史完整：已校验 ${h.requests} 个事项、${h.events} 条记录`);
        else {
          console.error(`事项历史校验失败：${h.firstBad?.number} 第 ${h.firstBad?.n} 条：${h.firstBad?.reason}`);
          process.exitCode = 2;
        }
      } finally {
        await ctx.handle.close();
      }
      return;
    }
    case 'backup':
    case 'restore': {
      if (!sub) throw new UsageError('请指定备份文件');
      if (isPostgresUrl(cfg.databaseUrl)) {
        throw new UsageError('PostgreSQL 请使用 pg_dump / pg_restore 备份与恢复，见 docs/operations.md');
      }
      if (cmd === 'backup') {
        const r = await backupSqlite(cfg.databaseUrl, sub);
        console.log(`已备份到 ${sub}（${(r.bytes / 1024 / 1024).toFixed(1)} MB）`);
      } else {
        const r = await restoreSqlite(sub, cfg.databaseUrl);
        console.log(`已从 ${sub} 恢复（审计链 ${r.events} 条事件校验通过）`);
      }
      return;
    }
    default:
      throw new UsageError(cmd ? `未知命令 ${cmd}` : undefined);
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof UsageError) {
    if (e.message) console.error(e.message);
    console.error(USAGE);
    process.exit(64);
  }
  if (e instanceof AppError) {
    console.error(`错误：${e.message}${e.fields ? ` ${JSON.stringify(e.fields)}` : ''}`);
    process.exit(1);
  }
  console.error(e);
  process.exit(1);
});
