import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemo } from '../../server/demo/demo-data.ts';
import { seedDemoHistory } from '../../server/demo/demo-history.ts';
import { previousWeek } from '../../server/domains/repairs/aftercare.ts';
import { verifyRequestChains } from '../../server/domains/requests/request-events.ts';
import { verifyAudit } from '../../server/platform/audit/audit.ts';
import { localDateTime } from '../../server/platform/calendar/calendar.ts';
import { createTestDb, describeEachDb, TestClock, type TestDb } from '../helpers/db.ts';

/** A fresh install shows five weeks of repairs, last week's callback draw and its results. */
describeEachDb('demo repair history', (dialect) => {
  let tdb: TestDb;
  const clock = new TestClock(localDateTime('2026-11-18', '10:00'));
  let repairs = 0;
  let complaints = 0;

  beforeAll(async () => {
    tdb = await createTestDb(dialect, clock);
    await seedDemo(tdb.ctx);
    ({ repairs, complaints } = await seedDemoHistory(tdb.ctx));
  }, 120_000);
  afterAll(() => tdb?.close());

  it('is made through the workflow: archived orders with signatures, paid ones agreed, a draw with results, a rework, chains intact', async () => {
    const db = tdb.ctx.db;
    expect(repairs).toBeGreaterThan(15);
    const byStatus = await db.selectFrom('requests').select(['status', 'channel']).where('kind', '=', 'repair').execute();
    expect(byStatus.filter((r) => r.status === 'archived').length).toBe(repairs);
    expect(new Set(byStatus.map((r) => r.channel))).toEqual(new Set(['phone', 'counter', 'portal']));
    const paid = await db.selectFrom('request_repair').select(['agreed_at', 'fee_collected_fen']).where('paid', '=', 1).execute();
    expect(paid.length).toBeGreaterThan(0);
    expect(paid.every((p) => p.agreed_at !== null && p.fee_collected_fen > 0)).toBe(true);
    expect(
      (await db.selectFrom('request_repair').select('request_id').where('signature_file_id', 'is not', null).execute()).length,
    ).toBeGreaterThan(0);
    const draw = await db.selectFrom('callback_draws').selectAll().executeTakeFirstOrThrow();
    expect(draw.week).toBe(previousWeek(clock.now()).week);
    const done = await db.selectFrom('callbacks').select(['outcome']).where('status', '=', 'done').execute();
    expect(done.some((c) => c.outcome === 'defect_persists')).toBe(true);
    expect(await db.selectFrom('request_repair').select('request_id').where('rework_of', 'is not', null).execute()).toHaveLength(1);
    expect((await verifyAudit(db)).ok).toBe(true);
    expect((await verifyRequestChains(db)).ok).toBe(true);
    // Only on a fresh register: a second call adds nothing.
    expect(await seedDemoHistory(tdb.ctx)).toEqual({ repairs: 0, complaints: 0 });
  });

  it('has complaints through the service standard: closed, reopened once, escalated and decided, urgent, significant with its reports, open', async () => {
    const db = tdb.ctx.db;
    const rows = await db
      .selectFrom('requests')
      .innerJoin('request_complaint', 'request_complaint.request_id', 'requests.id')
      .select(['requests.status', 'request_complaint.grade', 'request_complaint.escalation', 'request_complaint.reopen_count'])
      .select(['request_complaint.leadership_decided_at', 'request_complaint.corrective_published_at', 'request_complaint.emergency'])
      .execute();
    expect(rows).toHaveLength(complaints);
    expect(rows.filter((r) => r.status === 'closed')).toHaveLength(4);
    expect(rows.filter((r) => r.reopen_count === 1)).toHaveLength(1);
    expect(rows.find((r) => r.escalation === 'leadership')?.leadership_decided_at).not.toBeNull();
    expect(rows.find((r) => r.grade === 'significant')?.corrective_published_at).not.toBeNull();
    expect(JSON.parse(rows.find((r) => r.grade === 'urgent')?.emergency ?? '[]')).toHaveLength(5);
    expect(
      rows
        .filter((r) => r.status !== 'closed')
        .map((r) => r.status)
        .sort(),
    ).toEqual(['callback_declined', 'investigating', 'registered']);
    const cases = await db.selectFrom('complaint_cases').select(['summary', 'handling']).execute();
    expect(cases).toHaveLength(1);
    expect(JSON.stringify(cases)).not.toMatch(/1[3-9]\d{9}/);
  });
});
