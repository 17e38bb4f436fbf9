import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyRequestChains } from '../../server/domains/requests/request-events.ts';
import { sweepDeadlines } from '../../server/domains/requests/requests.service.ts';
import { verifyAudit } from '../../server/platform/audit/audit.ts';
import { localDateTime } from '../../server/platform/calendar/calendar.ts';
import { describeEachDb, TestClock } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const MINUTE = 60_000;

/**
 * A sweep pass is written as one batch: requests locked together, deadlines moved by
 * compare-and-set in one statement, history, audit and notices written together. When the
 * batch cannot be written, each deadline is swept alone, and only the one that fails stays due.
 */
describeEachDb('deadline sweep in batches', (dialect) => {
  let srv: TestServer;
  const clock = new TestClock(localDateTime('2026-12-08', '09:00'));
  let desk: Client;
  let yghy: string;

  beforeAll(async () => {
    srv = await startTestServer({ dialect, clock });
    yghy = (await srv.ctx.db.selectFrom('projects').select('id').where('code', '=', 'YGHY').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => {
    await srv?.close();
  });

  async function repairs(n: number, tag: string): Promise<{ id: string; number: string }[]> {
    // Sessions last 12 hours of the server's clock, which these tests move on.
    desk = new Client(srv.url);
    expect((await desk.login('qiantai', DEMO_PASSWORD)).status).toBe(200);
    const res = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        desk.post('/api/requests', {
          projectId: yghy,
          kind: 'repair',
          channel: 'phone',
          requesterName: `报修人${i}`,
          requesterPhone: '13800138000',
          content: `${tag} ${i}：楼道灯不亮`,
          readBackConfirmed: true,
        }),
      ),
    );
    for (const r of res) expect(r.status, JSON.stringify(r.body)).toBe(201);
    return res.map((r) => ({ id: r.body.id, number: r.body.number }));
  }

  const historyTypes = async (id: string) =>
    (await srv.ctx.db.selectFrom('request_events').select('type').where('request_id', '=', id).orderBy('n').execute()).map((e) => e.type);

  it('30 repairs left unanswered: one pass breaches all 30 (warning recorded with it), a later pass escalates them, nothing twice; chains and audit verify', async () => {
    const rs = await repairs(30, '批量');
    // Past the 10-minute answer: each is breached in one pass.
    clock.advance(11 * MINUTE);
    const first = await sweepDeadlines(srv.ctx);
    expect(first.breached).toBe(30);
    for (const r of rs) expect(await historyTypes(r.id)).toEqual(['created', 'deadline_breached']);
    const notices = await srv.ctx.db
      .selectFrom('notifications')
      .select(['user_id', 'dedupe_key'])
      .where('kind', '=', 'deadline.breached')
      .where(
        'request_id',
        'in',
        rs.map((r) => r.id),
      )
      .execute();
    // Every breach tells someone, and nobody twice about the same one.
    expect(new Set(notices.map((n) => n.dedupe_key.split(':')[1])).size).toBe(30);
    expect(new Set(notices.map((n) => n.dedupe_key)).size).toBe(notices.length);
    // The same instant again: nothing new.
    expect(await sweepDeadlines(srv.ctx)).toEqual({ warned: 0, breached: 0, escalated: 0, failed: 0 });

    clock.advance(24 * 60 * MINUTE);
    const later = await sweepDeadlines(srv.ctx);
    expect(later.escalated).toBeGreaterThanOrEqual(30);
    for (const r of rs) expect(await historyTypes(r.id)).toEqual(['created', 'deadline_breached', 'deadline_escalated']);
    const breached = await srv.ctx.db
      .selectFrom('deadlines')
      .select(['breached_at', 'due_at', 'escalated_at'])
      .where(
        'request_id',
        'in',
        rs.map((r) => r.id),
      )
      .execute();
    for (const d of breached) {
      // A breach is dated at the due time, not the sweep.
      expect(d.breached_at).toBe(d.due_at);
      expect(d.escalated_at).toBe(clock.now());
    }
    expect((await verifyAudit(srv.ctx.db)).ok).toBe(true);
    expect((await verifyRequestChains(srv.ctx.db)).ok).toBe(true);
  });

  it('a pass that cannot be written as a batch: every deadline but the failing one is swept alone, the failing one stays due', async () => {
    const rs = await repairs(8, '拒写');
    const poison = rs[3] as { id: string };
    // The database refuses history for one request, as a broken row would.
    if (dialect === 'sqlite') {
      await sql
        .raw(
          `create trigger poison before insert on request_events when new.request_id = '${poison.id}' and new.n > 1 begin select raise(abort, 'poison'); end`,
        )
        .execute(srv.ctx.db);
    } else {
      await sql
        .raw(
          `create function poison() returns trigger language plpgsql as $$ begin if new.request_id = '${poison.id}' and new.n > 1 then raise exception 'poison'; end if; return new; end $$`,
        )
        .execute(srv.ctx.db);
      await sql.raw('create trigger poison before insert on request_events for each row execute function poison()').execute(srv.ctx.db);
    }
    try {
      clock.advance(11 * MINUTE);
      const pass = await sweepDeadlines(srv.ctx);
      expect(pass.breached).toBe(7);
      expect(pass.failed).toBe(1);
      for (const r of rs) {
        expect(await historyTypes(r.id)).toEqual(r === poison ? ['created'] : ['created', 'deadline_breached']);
      }
      const left = await srv.ctx.db
        .selectFrom('deadlines')
        .select(['request_id', 'breached_at'])
        .where('next_check_at', '<=', clock.now())
        .execute();
      expect(left.map((d) => d.request_id)).toEqual([poison.id]);
    } finally {
      await sql.raw(`drop trigger poison${dialect === 'postgres' ? ' on request_events' : ''}`).execute(srv.ctx.db);
      if (dialect === 'postgres') await sql.raw('drop function poison()').execute(srv.ctx.db);
    }
    // Repaired: the next pass sweeps it.
    expect((await sweepDeadlines(srv.ctx)).breached).toBe(1);
    expect(await historyTypes(poison.id)).toEqual(['created', 'deadline_breached']);
    expect((await verifyAudit(srv.ctx.db)).ok).toBe(true);
    expect((await verifyRequestChains(srv.ctx.db)).ok).toBe(true);
  });
});
