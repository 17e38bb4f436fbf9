import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../platform/db/migrate.ts';

/** Repairs, first part: warranty start per unit and the repair price list (R-RP-2). */
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  const s = db.schema;
  // Warranty periods run from the handover of the unit to its first owner.
  await s.alterTable('units').addColumn('handover_date', 'text').execute();

  await s
    .createTable('price_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.references('projects.id'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull().defaultTo('次'))
    .addColumn('price_fen', 'integer', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('active', t.flag, (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await s.createIndex('price_items_project').on('price_items').columns(['project_id', 'category', 'sort']).execute();
}
