import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/demo/demo-data.ts';
import { type CliProcess, cliEnvFor, freePort, runCli, spawnCli } from '../helpers/cli.ts';
import { createTestDb, describeEachDb, type TestDb } from '../helpers/db.ts';
import { Client } from '../helpers/server.ts';

/**
 * The server is killed with SIGKILL in the middle of an intake load (no shutdown of any kind)
 * and started again on the same database: every request that was answered 201 is there with
 * its number, numbers are unique per project, kind and month, and the audit trail and every
 * request's history verify. Group commit answers only after the COMMIT, so an answered
 * request is a committed one.
 */
describeEachDb('crash safety: SIGKILL during intake', (dialect) => {
  let tdb: TestDb;
  let server: CliProcess | undefined;
  let base = '';
  let yghy = '';
  const env = () => cliEnvFor(tdb);

  async function start() {
    const port = await freePort();
    server = spawnCli(['serve'], { ...env(), PORT: String(port), HOST: '127.0.0.1' });
    await server.waitFor(/已启动/, 90_000);
    base = `http://127.0.0.1:${port}`;
  }

  beforeAll(async () => {
    tdb = await createTestDb(dialect);
    await start();
    const p = await tdb.ctx.db.selectFrom('projects').select('id').where('code', '=', 'YGHY').executeTakeFirstOrThrow();
    yghy = p.id;
  });
  afterAll(async () => {
    await server?.stop();
    await tdb?.close();
  });

  it('receptionists under load, server killed: every acknowledged request survives, numbers unique, the chains verify', async () => {
    const desks = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const c = new Client(base);
        expect((await c.login('qiantai', DEMO_PASSWORD)).status).toBe(200);
        return c;
      }),
    );
    const acknowledged: { id: string; number: string }[] = [];
    let sent = 0;
    let stop = false;
    const KILL_AFTER = 150;
    const killed = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (acknowledged.length >= KILL_AFTER && server) {
          clearInterval(check);
          server.child.kill('SIGKILL');
          stop = true;
          resolve();
        }
      }, 5);
    });
    // 24 callers at once, each sending the next request as soon as the last is answered.
    const loops = Array.from({ length: 24 }, async (_, i) => {
      const c = desks[i % desks.length] as Client;
      for (let k = 0; !stop && k < 1000; k++) {
        sent++;
        try {
          const r = await c.post('/api/requests', {
            projectId: yghy,
            kind: k % 5 === 0 ? 'complaint' : 'repair',
            channel: 'phone',
            requesterName: '压力测试',
            requesterPhone: '13800001111',
            content: `并发登记 ${i}-${k}`,
            readBackConfirmed: true,
          });
          if (r.status === 201) acknowledged.push({ id: r.body.id, number: r.body.number });
          else if (!stop) throw new Error(`unexpected ${r.status}: ${JSON.stringify(r.body)}`);
        } catch (e) {
          // Connections cut by the kill end the caller's loop; anything else is a failure.
          if (!stop) throw e;
          return;
        }
      }
    });
    await killed;
    await Promise.all(loops);
    await server?.stop();
    expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(sent).toBeGreaterThan(acknowledged.length);

    await start();
    const admin = new Client(base);
    expect((await admin.login('qiantai', DEMO_PASSWORD)).status).toBe(200);
    for (const a of acknowledged) {
      const r = await admin.get(`/api/requests/${a.id}`);
      expect(r.status, a.number).toBe(200);
      expect(r.body.number).toBe(a.number);
    }
    // Each human number once per project (numbers carry the kind and the month).
    const rows = await tdb.ctx.db.selectFrom('requests').select(['project_id', 'number']).execute();
    const seen = new Set(rows.map((r) => `${r.project_id}:${r.number}`));
    expect(seen.size).toBe(rows.length);
    expect(rows.length).toBeGreaterThanOrEqual(acknowledged.length);
    // And the same numbers go on after the restart, without reusing one.
    const after = await admin.post('/api/requests', {
      projectId: yghy,
      kind: 'repair',
      channel: 'phone',
      requesterName: '重启之后',
      content: '重启后登记',
      readBackConfirmed: true,
    });
    expect(after.status).toBe(201);
    expect(acknowledged.map((a) => a.number)).not.toContain(after.body.number);

    await server?.stop();
    server = undefined;
    const verify = await runCli(['audit', 'verify'], env(), 120_000);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/审计链完整/);
    expect(verify.stdout).toMatch(/事项历史完整/);
  });
});
