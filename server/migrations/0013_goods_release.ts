import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../platform/db/migrate.ts';

/**
 * Goods release (R-FD-2, R-RA-1): the application and its slip, the items on it, its own
 * append-only history, and every check at the gate.
 */
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  const s = db.schema;
  await s
    .createTable('releases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('number', 'text', (c) => c.notNull())
    // 'pending' | 'verified' | 'approved' | 'refused' | 'used'
    .addColumn('status', 'text', (c) => c.notNull())
    // 1 while the desk still has to act (pending, verified): the counter's queue reads it.
    .addColumn('is_open', t.flag, (c) => c.notNull())
    // 'identity' | 'letter' | 'owner_call' | 'company_call'
    .addColumn('path', 'text', (c) => c.notNull())
    // 'counter' | 'portal'
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('applicant_name', 'text', (c) => c.notNull())
    .addColumn('applicant_phone', 'text', (c) => c.notNull())
    // 'owner' | 'decoration_lead' | 'tenant' | 'other' | 'staff'
    .addColumn('standing', 'text', (c) => c.notNull())
    .addColumn('company', 'text', (c) => c.notNull().defaultTo(''))
    // The resident who applied from the phone, so their refusal reaches them.
    .addColumn('applicant_person_id', 'text', (c) => c.references('people.id'))
    .addColumn('letter_file_id', 'text', (c) => c.references('attachments.id'))
    .addColumn('plate', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('valid_from', t.ts, (c) => c.notNull())
    .addColumn('valid_until', t.ts, (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('refusal_reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('verified_at', t.ts)
    .addColumn('verified_by', 'text', (c) => c.references('users.id'))
    .addColumn('decided_at', t.ts)
    .addColumn('decided_by', 'text', (c) => c.references('users.id'))
    .addColumn('used_at', t.ts)
    .addColumn('used_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('releases_project_number', ['project_id', 'number'])
    .execute();
  // The gate looks a slip up by its code alone; unique so a code names one slip.
  await s.createIndex('releases_code').on('releases').column('code').unique().execute();
  await s.createIndex('releases_project_created').on('releases').columns(['project_id', 'created_at', 'id']).execute();
  await s.createIndex('releases_project_open').on('releases').columns(['project_id', 'is_open', 'created_at', 'id']).execute();
  await s.createIndex('releases_unit_created').on('releases').columns(['unit_id', 'created_at', 'id']).execute();

  await s
    .createTable('release_items')
    .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('release_items_pk', ['release_id', 'n'])
    .execute();

  // Append-only: one row per step, numbered per release; no code path updates or deletes one.
  await s
    .createTable('release_events')
    .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('at', t.ts, (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.references('users.id'))
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    // Verification by telephone: the answer, who was asked, the number called and when.
    .addColumn('answer', 'text')
    .addColumn('contact_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('contact_number', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('contacted_at', t.ts)
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addPrimaryKeyConstraint('release_events_pk', ['release_id', 'n'])
    .execute();

  await s
    .createTable('release_checks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // The code as typed or scanned, reduced to its letters and digits.
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('release_id', 'text', (c) => c.references('releases.id'))
    // 'check' | 'use'
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('valid', t.flag, (c) => c.notNull())
    // 'ok' or why not: 'used' | 'expired' | 'not_yet_valid' | 'refused' | 'pending' | 'other_project' | 'unknown'
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('checked_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('checked_at', t.ts, (c) => c.notNull())
    .execute();
  await s.createIndex('release_checks_release').on('release_checks').columns(['release_id', 'checked_at']).execute();
  await s.createIndex('release_checks_guard').on('release_checks').columns(['checked_by', 'checked_at', 'id']).execute();
}
