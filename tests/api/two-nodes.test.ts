import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/demo/demo-data.ts';
import { type CliProcess, cliEnvFor, freePort, spawnCli } from '../helpers/cli.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { Client } from '../helpers/server.ts';
import { openLive } from '../helpers/sse.ts';

/** The CLI's `serve` has no "pick any port" mode: ask the kernel for a free one first. */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cookieOf = (c: Client) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

/**
 * Two app processes on one PostgreSQL, as in a scaled-out deployment: seeding, live events
 * and the background jobs must all behave as if there were one. SQLite has one process by
 * design, so there is nothing to run there.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)('two nodes on one PostgreSQL [postgres]', () => {
  let tdb: TestDb;
  const nodes: { proc: CliProcess; url: string }[] = [];
  const streams: { close(): void }[] = [];
  let yghy: string;

  beforeAll(async () => {
    tdb = await createTestDb('postgres');
    const env = cliEnvFor(tdb);
    const ports = [await freePort(), await freePort()];
    // Started together, so both find an empty database: seeding must still happen once.
    for (const port of ports) {
      const proc = spawnCli(['serve'], {
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        WUYE_SWEEP_MS: '200',
        WUYE_OUTBOX_MS: '200',
      });
      nodes.push({ proc, url: `http://127.0.0.1:${port}` });
    }
    await Promise.all(nodes.map((n) => n.proc.waitFor(/已启动/, 90_000)));
    const p = await tdb.ctx.db.selectFrom('projects').select('id').where('code', '=', 'YGHY').executeTakeFirstOrThrow();
    yghy = p.id;
  });

  afterAll(async () => {
    for (const s of streams) s.close();
    const codes = await Promise.all(nodes.map((n) => n.proc.stop()));
    await tdb?.close();
    // A clean shutdown on SIGTERM: jobs stopped, connections closed.
    expect(codes).toEqual(nodes.map(() => 0));
  });

  const [A, B] = [0, 1].map((i) => () => nodes[i] as { proc: CliProcess; url: string });

  async function login(node: { url: string }, username: string) {
    const c = new Client(node.url);
    const r = await c.login(username, DEMO_PASSWORD);
    expect(r.status).toBe(200);
    return c;
  }

  async function registerRepair(c: Client, content: string) {
    const r = await c.post('/api/requests', {
      projectId: yghy,
      kind: 'repair',
      channel: 'phone',
      requesterName: '吴先生',
      requesterPhone: '13612345678',
      content,
      readBackConfirmed: true,
    });
    expect(r.status).toBe(201);
    return r.body as { id: string; number: string };
  }

  it('operator: two nodes starting together seed the demo data once', async () => {
    const db = tdb.ctx.db;
    const count = async (table: 'companies' | 'units' | 'projects') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count('companies')).toBe(1);
    expect(await count('units')).toBe(864);
    const qiantai = await db.selectFrom('users').select('id').where('username', '=', 'qiantai').execute();
    expect(qiantai).toHaveLength(1);
    // Exactly one of them reports having created it.
    const seeded = nodes.filter((n) => n.proc.output().includes('已创建演示数据'));
    expect(seeded).toHaveLength(1);
    for (const n of nodes) {
      const h = await fetch(`${n.url}/api/health`);
      expect(await h.json()).toMatchObject({ status: 'ok', db: 'postgres' });
    }
  });

  it('receptionist on node A, supervisor on node B: the new request reaches B live and in its queue', async () => {
    const onA = await login(A(), 'qiantai');
    const onB = await login(B(), 'kefuzhuguan');
    const live = await openLive(B().url, cookieOf(onB));
    streams.push(live);
    expect(live.status).toBe(200);

    const req = await registerRepair(onA, '6 栋 1 单元电梯停运');
    const ev = await live.waitFor((e) => e.event === 'request.created' && e.data.requestId === req.id, 2000);
    expect(ev.data.projectId).toBe(yghy);

    const queue = await onB.get(`/api/queue?scope=center&projectId=${yghy}`);
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((i: { id: string }) => i.id)).toContain(req.id);
    // Published once, heard once: B's LISTEN does not deliver it twice.
    await sleep(300);
    expect(live.events.filter((e) => e.event === 'request.created' && e.data.requestId === req.id)).toHaveLength(1);
  });

  it('both sweepers: each breach is recorded and notified exactly once', async () => {
    // Many deadlines falling due at one instant make each sweep long enough that the two
    // nodes' sweeps overlap and race for the same rows, instead of one finishing before the other starts.
    const N = 24;
    const desks = [await login(A(), 'qiantai'), await login(B(), 'qiantai')];
    const reqs: { id: string; number: string }[] = [];
    for (let i = 0; i < N; i++) reqs.push(await registerRepair(desks[i % 2] as Client, `地下室水管爆裂 ${i} 号`));
    const watchers = [];
    for (const node of [A(), B()]) {
      const s = await openLive(node.url, cookieOf(await login(node, 'kefuzhuguan')));
      streams.push(s);
      watchers.push(s);
    }

    // Bring the 10-minute promises forward to under a second from now; both nodes sweep every 200 ms.
    const db = tdb.ctx.db;
    const ids = reqs.map((r) => r.id);
    const started = await db.selectFrom('deadlines').selectAll().where('request_id', 'in', ids).execute();
    expect(started).toHaveLength(N);
    const dueAt = Date.now() + 800;
    for (const d of started)
      await db
        .updateTable('deadlines')
        .set({ due_at: dueAt, next_check_at: dueAt - d.warn_lead_ms })
        .where('id', '=', d.id)
        .execute();
    const versions = new Map(started.map((d) => [d.id, d.version]));
    const current = () => db.selectFrom('deadlines').selectAll().where('request_id', 'in', ids).execute();

    const until = Date.now() + 8000;
    let rows = await current();
    while (rows.some((d) => d.breached_at === null) && Date.now() < until) {
      await sleep(100);
      rows = await current();
    }
    expect(rows.filter((d) => d.breached_at === null)).toEqual([]);
    const breachedAt = new Map(rows.map((d) => [d.id, d.breached_at]));
    // Give both nodes several more sweeps in which a duplicate could appear.
    await sleep(1500);

    const events = await db
      .selectFrom('request_events')
      .select(['request_id', 'type'])
      .where('request_id', 'in', ids)
      .where('type', 'in', ['deadline_warned', 'deadline_breached', 'deadline_escalated'])
      .execute();
    const count = (requestId: string, type: string) => events.filter((e) => e.request_id === requestId && e.type === type).length;
    for (const d of await current()) {
      expect(d.breached_at).toBe(breachedAt.get(d.id));
      expect(d.breached_at as number).toBeGreaterThanOrEqual(dueAt);
      expect(count(d.request_id, 'deadline_breached')).toBe(1);
      expect(count(d.request_id, 'deadline_escalated')).toBe(0);
      // It started inside the warning window, so a sweep before the due time warns first; a
      // machine slow enough to reach it only after the due time goes straight to the breach.
      const warned = count(d.request_id, 'deadline_warned');
      expect(warned).toBeLessThanOrEqual(1);
      // One compare-and-set per stage recorded: never a second winner.
      expect(d.version).toBe((versions.get(d.id) as number) + 1 + warned);
    }

    const recipients = await db
      .selectFrom('users')
      .select(['id', 'username'])
      .where('username', 'in', ['gongcheng', 'kefuzhuguan'])
      .execute();
    for (const d of started) {
      const notes = await db
        .selectFrom('notifications')
        .select(['user_id'])
        .where('dedupe_key', 'like', `deadline:${d.id}:breached:%`)
        .execute();
      expect(notes.map((n) => n.user_id).sort()).toEqual(recipients.map((r) => r.id).sort());
    }

    // Whichever node won each row, both nodes' streams carry every breach once.
    const sup = recipients.find((r) => r.username === 'kefuzhuguan')?.id;
    for (const w of watchers) {
      const breaches = w.events.filter((e) => e.event === 'deadline.breached').map((e) => e.data.requestId);
      expect(breaches.sort()).toEqual([...ids].sort());
      expect(w.events.filter((e) => e.event === 'notification' && e.data.userId === sup)).toHaveLength(N);
    }
  });
});
