import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../platform/db/migrate.ts';

/** Complaints, second part (R-CP-6…8, 11): transfer, resolution, cause and prevention, callback and closure. */
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  const cols: [string, 'text' | 'ts' | 'flag', boolean][] = [
    ['first_handler_id', 'text', false],
    ['resolution', 'text', true],
    ['resolved_at', 'ts', false],
    ['cause', 'text', true],
    ['preventive', 'text', true],
    ['declined_at', 'ts', false],
    ['close_reason', 'text', true],
  ];
  for (const [name, type, notNullText] of cols) {
    await db.schema
      .alterTable('request_complaint')
      .addColumn(name, type === 'ts' ? t.ts : type === 'flag' ? t.flag : 'text', (c) => (notNullText ? c.notNull().defaultTo('') : c))
      .execute();
  }
  await db.schema.createIndex('request_complaint_declined').on('request_complaint').column('declined_at').execute();
}
