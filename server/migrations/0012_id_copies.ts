import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../platform/db/migrate.ts';

/**
 * Stored ID copies (R-MD-5). The row describes the original image; the image itself lies in its
 * own folder under the data directory that no route serves, and leaves only stamped.
 */
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('id_copies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
    // The project the copy was taken in: it decides who may fetch it and names it on the stamp.
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('uploaded_at', t.ts, (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('id_copies_person').on('id_copies').columns(['person_id', 'uploaded_at']).execute();
}
