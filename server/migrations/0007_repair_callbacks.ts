import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../platform/db/migrate.ts';

/** Repairs, after the work: rating, rework links, major-defect follow-ups and callbacks (R-RP-6…9). */
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  const s = db.schema;
  // A rework order points at the order whose defect is still there.
  await s
    .alterTable('request_repair')
    .addColumn('rework_of', 'text', (c) => c.references('requests.id'))
    .execute();
  await s
    .alterTable('request_repair')
    .addColumn('major_defect', t.flag, (c) => c.notNull().defaultTo(0))
    .execute();
  await s.alterTable('request_repair').addColumn('rating_overall', 'integer').execute();
  await s.alterTable('request_repair').addColumn('rating_speed', 'integer').execute();
  await s.alterTable('request_repair').addColumn('rating_attitude', 'integer').execute();
  await s
    .alterTable('request_repair')
    .addColumn('rating_comment', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await s.alterTable('request_repair').addColumn('rated_at', t.ts).execute();
  await s.alterTable('request_repair').addColumn('rated_via', 'text').execute();
  await s.createIndex('request_repair_rework_of').on('request_repair').column('rework_of').execute();

  // One weekly draw per project and week: the seed, who could be drawn and who was, kept for audit.
  await s
    .createTable('callback_draws')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('week', 'text', (c) => c.notNull())
    .addColumn('seed', 'text', (c) => c.notNull())
    .addColumn('rate_pct', 'integer', (c) => c.notNull())
    .addColumn('population', 'text', (c) => c.notNull())
    .addColumn('drawn', 'text', (c) => c.notNull())
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addUniqueConstraint('callback_draws_project_week', ['project_id', 'week'])
    .execute();

  // Callback tasks of the service center: weekly sample, special callback after rework, follow-up visits.
  await s
    .createTable('callbacks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('draw_id', 'text', (c) => c.references('callback_draws.id'))
    .addColumn('seq', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('due_at', t.ts, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('method', 'text')
    .addColumn('outcome', 'text')
    .addColumn('satisfaction', 'text')
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('done_by', 'text', (c) => c.references('users.id'))
    .addColumn('done_at', t.ts)
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await s.createIndex('callbacks_queue').on('callbacks').columns(['project_id', 'status', 'due_at', 'id']).execute();
  await s.createIndex('callbacks_request').on('callbacks').columns(['request_id']).execute();
  await s.createIndex('callbacks_done').on('callbacks').columns(['project_id', 'done_at']).execute();
}
