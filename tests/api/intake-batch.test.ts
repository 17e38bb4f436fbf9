import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyRequestChains } from '../../server/domains/requests/request-events.ts';
import { verifyAudit } from '../../server/platform/audit/audit.ts';
import { localDateTime } from '../../server/platform/calendar/calendar.ts';
import { batched } from '../../server/platform/db/group-commit.ts';
import type { Tx } from '../../server/platform/db/index.ts';
import { createTestDb, describeEachDb, TestClock, type TestDb } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

/**
 * Intakes that arrive together are written in one batch: their numbers and the audit head are
 * taken once, their rows written together, one COMMIT. A batch that fails writes nothing, and
 * each of its items is tried again alone, so one bad item gets its own error.
 */
describeEachDb('batched writes', (dialect) => {
  let tdb: TestDb;
  beforeAll(async () => {
    tdb = await createTestDb(dialect);
  });
  afterAll(async () => {
    await tdb?.close();
  });

  const counter = (tx: Tx, period: string) =>
    tx.insertInto('request_counters').values({ project_id: 'batch-test', prefix: 'TT', period, last: 1 }).execute();

  it('items of one turn share one transaction; a failing batch leaves nothing and each item is retried alone with its own outcome', async () => {
    const batches: string[][] = [];
    const work = async (tx: Tx, items: string[]) => {
      batches.push(items);
      for (const item of items) await counter(tx, item);
      if (items.includes('bad')) throw new Error('batch refused');
      return items.map((i) => `ok:${i}`);
    };
    const alone = async (item: string) => {
      if (item === 'bad') throw new Error(`bad item alone`);
      await tdb.ctx.db.transaction().execute((tx) => counter(tx, `${item}-alone`));
      return `alone:${item}`;
    };

    // One turn, all good: one batch, every item answered from it.
    const good = await Promise.all(['a1', 'a2', 'a3'].map((i) => batched(tdb.ctx, 'test', i, work, alone)));
    expect(good).toEqual(['ok:a1', 'ok:a2', 'ok:a3']);
    expect(batches).toEqual([['a1', 'a2', 'a3']]);

    // One bad item among good ones: the batch is rolled back, the good ones go through alone.
    const mixed = await Promise.allSettled(['b1', 'bad', 'b2'].map((i) => batched(tdb.ctx, 'test', i, work, alone)));
    expect(mixed.map((m) => (m.status === 'fulfilled' ? m.value : (m.reason as Error).message))).toEqual([
      'alone:b1',
      'bad item alone',
      'alone:b2',
    ]);
    const rows = await tdb.ctx.db.selectFrom('request_counters').select('period').where('project_id', '=', 'batch-test').execute();
    // Nothing of the failed batch (b1, bad, b2 as written by the batch) was kept.
    expect(rows.map((r) => r.period).sort()).toEqual(['a1', 'a2', 'a3', 'b1-alone', 'b2-alone']);
  });
});

describeEachDb('intake batches through HTTP', (dialect) => {
  let srv: TestServer;
  const clock = new TestClock(localDateTime('2026-12-07', '09:30'));
  beforeAll(async () => {
    srv = await startTestServer({ dialect, clock });
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('receptionist: 60 intakes at once, one of them invalid — 59 created with gap-free numbers, the invalid one refused with its field, history and audit chains intact', async () => {
    const desk = new Client(srv.url);
    expect((await desk.login('qiantai', DEMO_PASSWORD)).status).toBe(200);
    const yghy = await srv.ctx.db.selectFrom('projects').select('id').where('code', '=', 'YGHY').executeTakeFirstOrThrow();
    const kinds = ['repair', 'complaint', 'suggestion', 'special'] as const;
    const bodies: Record<string, unknown>[] = Array.from({ length: 60 }, (_, i) => ({
      projectId: yghy.id,
      kind: kinds[i % kinds.length],
      channel: 'phone',
      requesterName: `来电人${i}`,
      requesterPhone: '13800138000',
      content: `同时登记 ${i}`,
      readBackConfirmed: true,
    }));
    // A unit that does not exist: refused by the checks, before any batch.
    bodies[17] = { ...bodies[17], unitId: '00000000-0000-7000-8000-000000000000' };
    const res = await Promise.all(bodies.map((b) => desk.post('/api/requests', b)));
    expect(res[17]?.status).toBe(400);
    expect(res[17]?.body.error.fields.unitId).toMatch(/房屋/);
    const ok = res.filter((_, i) => i !== 17);
    for (const r of ok) expect(r.status, JSON.stringify(r.body)).toBe(201);
    const byPrefix = new Map<string, number[]>();
    for (const r of ok) {
      const [prefix, , seq] = String(r.body.number).split('-');
      byPrefix.set(prefix as string, [...(byPrefix.get(prefix as string) ?? []), Number(seq)]);
    }
    for (const [prefix, seqs] of byPrefix) {
      const sorted = seqs.sort((a, b) => a - b);
      expect(sorted, prefix).toEqual(Array.from({ length: sorted.length }, (_, i) => (sorted[0] as number) + i));
    }
    // Each answer is the stored request, readable at once, with its first history entry.
    const one = await desk.get(`/api/requests/${ok[5]?.body.id}`);
    expect(one.status).toBe(200);
    expect(one.body.number).toBe(ok[5]?.body.number);
    expect(one.body.history).toHaveLength(1);
    const audits = await srv.ctx.db
      .selectFrom('audit_events')
      .select('entity_id')
      .where('action', '=', 'request.created')
      .where(
        'entity_id',
        'in',
        ok.map((r) => r.body.id as string),
      )
      .execute();
    expect(audits).toHaveLength(59);
    expect((await verifyAudit(srv.ctx.db)).ok).toBe(true);
    expect((await verifyRequestChains(srv.ctx.db)).ok).toBe(true);
  });
});
