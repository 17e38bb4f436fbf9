import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { seedDemo } from '../../server/demo/demo-data.ts';
import { createRequest } from '../../server/domains/requests/requests.service.ts';
import type { Viewer } from '../../server/platform/auth/viewer.ts';
import { cliEnvFor, runCli } from '../helpers/cli.ts';
import { createTestDb, describeEachDb, type TestDb } from '../helpers/db.ts';

/** R-CP-12: request history cannot be altered unnoticed; `wuye audit verify` names the first broken entry. */
describeEachDb('request history: tampering in SQL is detected by `wuye audit verify`', (dialect) => {
  let tdb: TestDb | undefined;
  afterEach(async () => {
    await tdb?.close();
    tdb = undefined;
  });

  async function withRequests() {
    tdb = await createTestDb(dialect);
    await seedDemo(tdb.ctx);
    const db = tdb.ctx.db;
    const project = await db.selectFrom('projects').select('id').where('code', '=', 'YGHY').executeTakeFirstOrThrow();
    const user = await db.selectFrom('users').select(['id', 'username']).where('username', '=', 'qiantai').executeTakeFirstOrThrow();
    const viewer: Viewer = {
      userId: user.id,
      username: user.username,
      name: '林晓雯',
      role: 'receptionist',
      projectIds: [project.id],
      personId: null,
      staffId: null,
      ip: '127.0.0.1',
      csrfToken: '',
    };
    const made = [];
    for (const content of ['楼道灯不亮', '建议增设充电桩', '电梯异响']) {
      made.push(
        await createRequest(tdb.ctx, viewer, {
          projectId: project.id,
          kind: content.startsWith('建议') ? 'suggestion' : 'repair',
          channel: 'phone',
          requesterName: '王先生',
          requesterPhone: '13800138000',
          anonymous: false,
          location: '3栋',
          content,
          urgency: 'normal',
          repairScope: 'in_unit',
          preferredTime: '',
          photoIds: [],
          readBackConfirmed: true,
        }),
      );
    }
    return made;
  }

  it('operator: an intact register verifies', async () => {
    await withRequests();
    const r = await runCli(['audit', 'verify'], cliEnvFor(tdb as TestDb));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/事项历史完整：已校验 3 个事项/);
  });

  it('operator: an edited history entry is named by request number and entry', async () => {
    const [, second] = await withRequests();
    await sql`update request_events set data = ${JSON.stringify({ content: '改过的内容' })} where request_id = ${second?.id} and n = 1`.execute(
      tdb!.ctx.db,
    );
    const r = await runCli(['audit', 'verify'], cliEnvFor(tdb as TestDb));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(second?.number);
    expect(r.stderr).toMatch(/第 1 条/);
  });

  it('operator: a deleted history entry is detected', async () => {
    const [first] = await withRequests();
    await sql`delete from request_events where request_id = ${first?.id} and n = 1`.execute(tdb!.ctx.db);
    const r = await runCli(['audit', 'verify'], cliEnvFor(tdb as TestDb));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(first?.number);
  });
});
