import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../platform/db/migrate.ts';

/** The work log and monthly reports ask "closed in this window" per project. */
export async function up(db: Kysely<any>, _t: ColumnTypes): Promise<void> {
  await db.schema.createIndex('requests_closed').on('requests').columns(['project_id', 'closed_at']).execute();
}
