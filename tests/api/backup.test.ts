import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/demo/demo-data.ts';
import { checkBackup } from '../../server/platform/backup.ts';
import { type CliProcess, freePort, runCli, spawnCli } from '../helpers/cli.ts';
import { Client } from '../helpers/server.ts';

/** The CLI's `serve` has no "pick any port" mode: ask the kernel for a free one first. */
async function startServer(dataDir: string) {
  const port = await freePort();
  const proc = spawnCli(['serve'], { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' });
  await proc.waitFor(/已启动/, 90_000);
  return { proc, url: `http://127.0.0.1:${port}` };
}

function readonlyDb(file: string) {
  return new Database(file, { readonly: true, fileMustExist: true });
}

/**
 * SQLite only: on PostgreSQL backups are pg_dump's job (docs/operations.md), and the
 * CLI refuses, which the last case checks without needing a PostgreSQL server.
 */
describe('backup and restore [sqlite]', () => {
  let dir: string;
  let dataDir: string;
  let backupFile: string;
  let server: { proc: CliProcess; url: string } | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wuye-backup-'));
    dataDir = join(dir, 'data');
    backupFile = join(dir, 'wuye-backup.db');
  });
  afterAll(async () => {
    await server?.proc.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('operator: backs up a serving, busy database and restores it after a later change', async () => {
    server = await startServer(dataDir);
    const admin = new Client(server.url);
    expect((await admin.login('admin', DEMO_PASSWORD)).status).toBe(200);
    const projects = await admin.get('/api/projects');
    const projectId = projects.body.find((p: { code: string }) => p.code === 'YGHY').id as string;

    const writeDepartment = async (name: string) => {
      const r = await admin.post('/api/departments', { projectId, code: 'environment', name });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.id as string;
    };

    // Written before the backup starts: every one of these must be in the backup.
    const before: string[] = [];
    for (let i = 0; i < 5; i++) before.push(await writeDepartment(`备份前${i}`));

    // Keep writing while the backup runs, as a busy front desk would.
    let writing = true;
    let during = 0;
    const loop = (async () => {
      while (writing) {
        await writeDepartment(`备份中${during++}`);
      }
    })();
    const backup = await runCli(['backup', backupFile], { DATA_DIR: dataDir });
    writing = false;
    await loop;
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toContain('已备份到');
    expect(during).toBeGreaterThan(0);

    const check = await checkBackup(backupFile);
    expect(check.ok, JSON.stringify(check.firstBad)).toBe(true);
    const copy = readonlyDb(backupFile);
    try {
      const ids = copy
        .prepare(`select id from departments where id in (${before.map(() => '?').join(',')})`)
        .all(...before)
        .map((r) => (r as { id: string }).id);
      expect(ids.sort()).toEqual([...before].sort());
      const head = copy.prepare('select seq from audit_head where id = 1').get() as { seq: number };
      expect(head.seq).toBe(check.checked);
    } finally {
      copy.close();
    }

    expect(await server.proc.stop()).toBe(0);
    server = undefined;

    // A change after the backup, made while the server is down.
    const later = await runCli(['user', 'add', '--username', 'houlai', '--password', 'Later2026x', '--role', 'receptionist'], {
      DATA_DIR: dataDir,
    });
    expect(later.code, later.stderr).toBe(0);

    const restore = await runCli(['restore', backupFile], { DATA_DIR: dataDir });
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain(`审计链 ${check.checked} 条事件校验通过`);

    server = await startServer(dataDir);
    const again = new Client(server.url);
    expect((await again.login('admin', DEMO_PASSWORD)).status).toBe(200);
    const depts = await again.get(`/api/departments?projectId=${projectId}`);
    expect(depts.status).toBe(200);
    const names = new Set((depts.body as { id: string; name: string }[]).map((d) => d.id));
    for (const id of before) expect(names.has(id)).toBe(true);
    expect((await new Client(server.url).login('houlai', 'Later2026x')).status).toBe(401);

    const verify = await runCli(['audit', 'verify'], { DATA_DIR: dataDir });
    expect(verify.code, verify.stderr).toBe(0);
  });

  it('operator: backup refuses to overwrite an existing file', async () => {
    expect(existsSync(backupFile)).toBe(true);
    const size = statSync(backupFile).size;
    const r = await runCli(['backup', backupFile], { DATA_DIR: dataDir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('目标文件已存在，不会覆盖');
    expect(statSync(backupFile).size).toBe(size);
  });

  it('operator: restore refuses a backup whose audit trail was edited, and leaves the database as it was', async () => {
    const tampered = join(dir, 'tampered.db');
    copyFileSync(backupFile, tampered);
    const db = new Database(tampered);
    try {
      db.prepare("update audit_events set actor_name = '无名氏' where seq = 2").run();
    } finally {
      db.close();
    }
    const r = await runCli(['restore', tampered], { DATA_DIR: dataDir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('备份的审计链校验失败');
    expect(r.stderr).toContain('#2');

    // The live database (still served from the first case) is untouched and intact.
    const verify = await runCli(['audit', 'verify'], { DATA_DIR: dataDir });
    expect(verify.code, verify.stderr).toBe(0);
  });

  it('operator: with DATABASE_URL=postgres… backup points to pg_dump in docs/operations.md', async () => {
    const r = await runCli(['backup', join(dir, 'pg.db')], { DATABASE_URL: 'postgres://wuye@127.0.0.1:1/wuye' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('pg_dump');
    expect(r.stderr).toContain('docs/operations.md');
    expect(existsSync(join(dir, 'pg.db'))).toBe(false);
  });
});
