import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { DEMO_PASSWORD, seedDemo } from '../../server/demo/demo-data.ts';
import { migrations } from '../../server/migrations/index.ts';
import { eventHash, verifyAudit } from '../../server/platform/audit/audit.ts';
import { type Dialect, openDb } from '../../server/platform/db/index.ts';
import { ensureSchema } from '../../server/platform/db/migrate.ts';
import { write } from '../../server/platform/write.ts';
import { cliEnvFor, runCli } from '../helpers/cli.ts';
import { createTestDb, describeEachDb, type TestDb } from '../helpers/db.ts';
import { Client } from '../helpers/server.ts';

/** The demo data plus the real app on a port, over a database whose location the CLI can be pointed at. */
async function serveDb(dialect: Dialect) {
  const tdb = await createTestDb(dialect);
  await seedDemo(tdb.ctx);
  const app: FastifyInstance = await buildApp({ ctx: tdb.ctx });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    tdb,
    url,
    async close() {
      await app.close();
      await tdb.close();
    },
  };
}

async function headSeq(tdb: TestDb) {
  return (await tdb.ctx.db.selectFrom('audit_head').select('seq').where('id', '=', 1).executeTakeFirstOrThrow()).seq;
}

/**
 * A fresh database with a short chain of five events, written the way services write
 * them; tampering cases each get their own so one case's damage cannot mask another's.
 */
async function chainOfFive(dialect: Dialect) {
  const tdb = await createTestDb(dialect);
  const actor = { userId: null, name: '测试员(tester)', ip: '10.0.0.8' };
  for (let i = 1; i <= 5; i++) {
    await write(tdb.ctx, actor, async (_tx, audit) => {
      await audit({ action: 'test.changed', entity: 'thing', entityId: `thing-${i}`, before: { n: i - 1 }, after: { n: i } });
    });
  }
  return tdb;
}

describeEachDb('audit trail and the CLI', (dialect) => {
  describe('writes through the API', () => {
    let srv: Awaited<ReturnType<typeof serveDb>>;
    let admin: Client;
    let cliEnv: Record<string, string>;

    beforeAll(async () => {
      srv = await serveDb(dialect);
      cliEnv = cliEnvFor(srv.tdb);
      admin = new Client(srv.url);
      expect((await admin.login('admin', DEMO_PASSWORD)).status).toBe(200);
    });
    afterAll(() => srv?.close());

    it('admin: every write records who, when, what, before/after and the client address', async () => {
      const db = srv.tdb.ctx.db;
      const projectId = (await db.selectFrom('projects').select('id').where('code', '=', 'YGHY').executeTakeFirstOrThrow()).id;
      const startedAt = Date.now();
      const seqBefore = await headSeq(srv.tdb);

      const dept = await admin.post('/api/departments', { projectId, code: 'environment', name: '绿化组', duties: '草坪' });
      expect(dept.status).toBe(200);
      const edited = await admin.patch(`/api/departments/${dept.body.id}`, { version: dept.body.version, duties: '草坪与树木' });
      expect(edited.status).toBe(200);
      const unit = await db.selectFrom('units').select('id').where('project_id', '=', projectId).limit(1).executeTakeFirstOrThrow();
      const person = await admin.post('/api/people', {
        name: '审计测试',
        phone: '13912345678',
        occupancy: { unitId: unit.id, relation: 'tenant', startDate: '2026-01-01' },
      });
      expect(person.status).toBe(200);

      const events = await db.selectFrom('audit_events').selectAll().where('seq', '>', seqBefore).orderBy('seq').execute();
      const byAction = (action: string, entityId: string) => events.find((e) => e.action === action && e.entity_id === entityId);
      const created = byAction('department.created', dept.body.id);
      const updated = byAction('department.updated', dept.body.id);
      const personCreated = byAction('person.created', person.body.id);
      for (const e of [created, updated, personCreated]) {
        expect(e).toBeDefined();
        expect(e?.actor_name).toContain('admin');
        expect(e?.actor_id).toBeTruthy();
        expect(e?.ip).not.toBe('');
        expect(e?.at).toBeGreaterThanOrEqual(startedAt - 1000);
        expect(e?.at).toBeLessThanOrEqual(Date.now() + 1000);
      }
      expect(JSON.parse(created?.after_json ?? 'null')).toMatchObject({ name: '绿化组', duties: '草坪' });
      expect(JSON.parse(updated?.before_json ?? 'null')).toEqual({ duties: '草坪' });
      expect(JSON.parse(updated?.after_json ?? 'null')).toEqual({ duties: '草坪与树木' });
      expect(personCreated?.after_json).toContain('审计测试');
    });

    it('admin: 20 parallel writes extend one chain with consecutive seq', async () => {
      const seqBefore = await headSeq(srv.tdb);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          admin.post('/api/people', { name: `并发住户${i}`, phone: `1380000${String(i).padStart(4, '0')}` }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
      const seqs = (
        await srv.tdb.ctx.db.selectFrom('audit_events').select('seq').where('seq', '>', seqBefore).orderBy('seq').execute()
      ).map((r) => r.seq);
      expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => seqBefore + 1 + i));
      expect(await headSeq(srv.tdb)).toBe(seqBefore + 20);
      expect(await verifyAudit(srv.tdb.ctx.db)).toMatchObject({ ok: true });
    });

    it('admin: a write that fails appends no event', async () => {
      const db = srv.tdb.ctx.db;
      const projectId = (await db.selectFrom('projects').select('id').where('code', '=', 'YGHY').executeTakeFirstOrThrow()).id;
      const dept = await admin.post('/api/departments', { projectId, code: 'security', name: '巡逻二组' });
      expect(dept.status).toBe(200);
      const seqBefore = await headSeq(srv.tdb);

      const stale = await admin.patch(`/api/departments/${dept.body.id}`, { version: dept.body.version + 5, duties: '不应记录' });
      expect(stale.status).toBe(409);
      const invalid = await admin.post('/api/people', { name: '', phone: 'abc' });
      expect(invalid.status).toBe(400);
      const missing = await admin.patch('/api/departments/no-such-department', { version: 1, duties: '不应记录' });
      expect(missing.status).toBe(404);

      // A command that fails after it has appended its event must take the event down with it.
      const actor = { userId: null, name: '测试员(tester)', ip: '10.0.0.8' };
      await expect(
        write(srv.tdb.ctx, actor, async (tx, audit) => {
          await tx.updateTable('departments').set({ duties: '回滚' }).where('id', '=', dept.body.id).execute();
          await audit({ action: 'department.updated', entity: 'department', entityId: dept.body.id, after: { duties: '回滚' } });
          throw new Error('rule failed after the audit append');
        }),
      ).rejects.toThrow('rule failed');
      const after = await db.selectFrom('departments').select('duties').where('id', '=', dept.body.id).executeTakeFirstOrThrow();
      expect(after.duties).not.toBe('回滚');

      expect(await headSeq(srv.tdb)).toBe(seqBefore);
      const count = await db
        .selectFrom('audit_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('seq', '>', seqBefore)
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(0);
    });

    it('operator: `wuye audit verify` exits 0 on the intact database and prints how many events it checked', async () => {
      const n = await headSeq(srv.tdb);
      expect(n).toBeGreaterThan(20);
      const r = await runCli(['audit', 'verify'], cliEnv);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`已校验 ${n} 条事件`);
    });

    it('operator: `wuye user add --projects YGHY` creates a login limited to that project', async () => {
      const r = await runCli(
        ['user', 'add', '--username', 'u1', '--password', 'Abc12345', '--role', 'receptionist', '--projects', 'YGHY'],
        cliEnv,
      );
      expect(r.code, r.stderr).toBe(0);
      const user = await srv.tdb.ctx.db.selectFrom('users').selectAll().where('username', '=', 'u1').executeTakeFirstOrThrow();
      expect(user.role).toBe('receptionist');
      expect(user.all_projects).toBe(0);
      const projects = await srv.tdb.ctx.db
        .selectFrom('user_projects')
        .innerJoin('projects', 'projects.id', 'user_projects.project_id')
        .select('projects.code')
        .where('user_projects.user_id', '=', user.id)
        .execute();
      expect(projects.map((p) => p.code)).toEqual(['YGHY']);

      const c = new Client(srv.url);
      const login = await c.login('u1', 'Abc12345');
      expect(login.status).toBe(200);
      expect(login.body.user.role).toBe('receptionist');
    });

    it('operator: `wuye user add` without --projects gives the account every project', async () => {
      const r = await runCli(['user', 'add', '--username', 'u2', '--password', 'Abc12345', '--role', 'quality_officer'], cliEnv);
      expect(r.code, r.stderr).toBe(0);
      const user = await srv.tdb.ctx.db.selectFrom('users').selectAll().where('username', '=', 'u2').executeTakeFirstOrThrow();
      expect(user.all_projects).toBe(1);
      expect((await new Client(srv.url).login('u2', 'Abc12345')).status).toBe(200);
    });

    it('operator: `wuye user add` with an unknown role exits non-zero with a Chinese message and creates nothing', async () => {
      const r = await runCli(['user', 'add', '--username', 'u3', '--password', 'Abc12345', '--role', 'janitor'], cliEnv);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('未知角色 janitor');
      expect(await srv.tdb.ctx.db.selectFrom('users').select('id').where('username', '=', 'u3').executeTakeFirst()).toBeUndefined();
    });
  });

  describe('tampering directly in SQL', () => {
    it('operator: an event whose after_json was edited is named by its seq', async () => {
      const tdb = await chainOfFive(dialect);
      try {
        await tdb.ctx.db.updateTable('audit_events').set({ after_json: '{"n":999}' }).where('seq', '=', 3).execute();
        const r = await runCli(['audit', 'verify'], cliEnvFor(tdb));
        expect(r.code).not.toBe(0);
        expect(r.stderr).toContain('#3');
        expect(r.stderr).toContain('内容已被改动');
      } finally {
        await tdb.close();
      }
    });

    it('operator: an event whose actor_name was edited is named by its seq', async () => {
      const tdb = await chainOfFive(dialect);
      try {
        await tdb.ctx.db.updateTable('audit_events').set({ actor_name: '别人(other)' }).where('seq', '=', 2).execute();
        // Same verifier the CLI runs; the process boundary is already covered above.
        expect(await verifyAudit(tdb.ctx.db)).toMatchObject({ ok: false, firstBad: { seq: 2 } });
      } finally {
        await tdb.close();
      }
    });

    it('operator: a deleted middle event is named as missing', async () => {
      const tdb = await chainOfFive(dialect);
      try {
        await tdb.ctx.db.deleteFrom('audit_events').where('seq', '=', 3).execute();
        const r = await runCli(['audit', 'verify'], cliEnvFor(tdb));
        expect(r.code).not.toBe(0);
        expect(r.stderr).toContain('#3');
        expect(r.stderr).toContain('缺失');
      } finally {
        await tdb.close();
      }
    });

    it('operator: a deleted last event is detected against the chain head', async () => {
      const tdb = await chainOfFive(dialect);
      try {
        await tdb.ctx.db.deleteFrom('audit_events').where('seq', '=', 5).execute();
        const r = await runCli(['audit', 'verify'], cliEnvFor(tdb));
        expect(r.code).not.toBe(0);
        expect(r.stderr).toContain('#5');
      } finally {
        await tdb.close();
      }
    });

    it('operator: an edited event whose own hash was recomputed is caught at the next event', async () => {
      const tdb = await chainOfFive(dialect);
      try {
        const row = await tdb.ctx.db.selectFrom('audit_events').selectAll().where('seq', '=', 3).executeTakeFirstOrThrow();
        const forged = { ...row, after_json: '{"n":999}' };
        const hash = eventHash(forged);
        await tdb.ctx.db.updateTable('audit_events').set({ after_json: forged.after_json, hash }).where('seq', '=', 3).execute();
        const r = await runCli(['audit', 'verify'], cliEnvFor(tdb));
        expect(r.code).not.toBe(0);
        expect(r.stderr).toContain('#4');
        expect(r.stderr).toContain('前序哈希不符');
      } finally {
        await tdb.close();
      }
    });
  });

  it('operator: `wuye migrate` twice on an empty database applies each migration once', async () => {
    let env: Record<string, string>;
    let cleanup: () => Promise<void>;
    let inspect: () => ReturnType<typeof openDb>;
    if (dialect === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'wuye-migrate-'));
      env = { DATA_DIR: dir };
      inspect = () => openDb({ url: join(dir, 'wuye.db') });
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    } else {
      const url = process.env.TEST_DATABASE_URL as string;
      const schema = `t_${process.pid}_mig_${Date.now().toString(36)}`;
      const admin = openDb({ url, poolSize: 1 });
      await ensureSchema(admin.db, schema);
      await admin.close();
      env = { DATABASE_URL: `${url}${url.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}` };
      inspect = () => openDb({ url, schema, poolSize: 1 });
      cleanup = async () => {
        const a = openDb({ url, poolSize: 1 });
        await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(a.db);
        await a.close();
      };
    }
    try {
      for (let i = 0; i < 2; i++) {
        const r = await runCli(['migrate'], env);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toContain(dialect);
      }
      const h = inspect();
      try {
        const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(h.db);
        expect(rows.rows.map((r) => r.name)).toEqual(Object.keys(migrations).sort());
        const head = await h.db.selectFrom('audit_head').selectAll().execute();
        expect(head).toEqual([{ id: 1, seq: 0, hash: '' }]);
      } finally {
        await h.close();
      }
    } finally {
      await cleanup();
    }
  });
});
