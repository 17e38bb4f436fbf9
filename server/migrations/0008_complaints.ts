import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../platform/db/migrate.ts';

/** The complaint's own record (R-CP-2…7): grade, promise, investigation, apology, solution, emergency checklist. */
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('request_complaint')
    .addColumn('request_id', 'text', (c) => c.primaryKey().references('requests.id'))
    .addColumn('grade', 'text', (c) => c.notNull().defaultTo('general'))
    .addColumn('compensation', t.flag, (c) => c.notNull().defaultTo(0))
    .addColumn('about_manager', t.flag, (c) => c.notNull().defaultTo(0))
    .addColumn('promised_at', t.ts)
    .addColumn('findings', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('company_at_fault', t.flag, (c) => c.notNull().defaultTo(0))
    .addColumn('apology_via', 'text')
    .addColumn('apology_at', t.ts)
    .addColumn('solution', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('complainant_opinion', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('solution_agreed', t.flag, (c) => c.notNull().defaultTo(0))
    // JSON text: the urgent procedure's steps as they are done [{step, at, by, note}].
    .addColumn('emergency', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('reopen_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('request_complaint_grade').on('request_complaint').column('grade').execute();
}
