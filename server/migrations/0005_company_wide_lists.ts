import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../platform/db/migrate.ts';

/**
 * Company-wide users (and users of several projects) read the register across projects:
 * these orders then come straight from an index instead of a sort of every row.
 */
export async function up(db: Kysely<any>, _t: ColumnTypes): Promise<void> {
  await db.schema.createIndex('requests_newest').on('requests').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('requests_open_due').on('requests').columns(['is_open', 'next_due_at', 'id']).execute();
}
