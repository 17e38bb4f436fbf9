import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../platform/db/migrate.ts';

/** The repair order (维修工作单): what a repair request carries beyond the register row. */
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('request_repair')
    .addColumn('request_id', 'text', (c) => c.primaryKey().references('requests.id'))
    .addColumn('scope', 'text', (c) => c.notNull().defaultTo('in_unit'))
    .addColumn('paid', t.flag, (c) => c.notNull().defaultTo(0))
    .addColumn('assessment', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('price_item_id', 'text', (c) => c.references('price_items.id'))
    .addColumn('quoted_fen', 'integer')
    .addColumn('agreed_at', t.ts)
    .addColumn('agreed_via', 'text')
    .addColumn('appointment_at', t.ts)
    .addColumn('informed_at', t.ts)
    .addColumn('accepted_at', t.ts)
    .addColumn('departed_at', t.ts)
    .addColumn('arrived_at', t.ts)
    .addColumn('findings', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('completed_at', t.ts)
    .addColumn('materials', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('labour_fen', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('fee_collected_fen', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('signature_file_id', 'text', (c) => c.references('attachments.id'))
    .addColumn('signed_at', t.ts)
    .addColumn('confirmed_at', t.ts)
    .addColumn('confirmed_via', 'text')
    .execute();
  await db.schema.createIndex('request_repair_completed').on('request_repair').column('completed_at').execute();
}
