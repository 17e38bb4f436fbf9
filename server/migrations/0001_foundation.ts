import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../platform/db/migrate.ts';

export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  const s = db.schema;
  const stamps = <T extends { addColumn: any }>(b: T): T =>
    b
      .addColumn('created_at', t.ts, (c: any) => c.notNull())
      .addColumn('updated_at', t.ts, (c: any) => c.notNull())
      .addColumn('version', 'integer', (c: any) => c.notNull().defaultTo(1));

  await s
    .createTable('companies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .execute();

  await stamps(
    s
      .createTable('projects')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id'))
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('business_hours', t.json, (c) => c.notNull()),
  ).execute();

  await stamps(
    s
      .createTable('buildings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('floors', 'integer', (c) => c.notNull().defaultTo(0))
      .addUniqueConstraint('buildings_project_code', ['project_id', 'code']),
  ).execute();

  await stamps(
    s
      .createTable('units')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
      .addColumn('building_id', 'text', (c) => c.notNull().references('buildings.id'))
      .addColumn('number', 'text', (c) => c.notNull())
      .addColumn('room', 'text', (c) => c.notNull())
      .addColumn('sort_key', 'text', (c) => c.notNull())
      .addColumn('floor', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('area_x100', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('occupied'))
      .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
      .addUniqueConstraint('units_project_number', ['project_id', 'number']),
  ).execute();
  await s.createIndex('units_room').on('units').columns(['room', 'project_id']).execute();
  await s.createIndex('units_building').on('units').columns(['building_id', 'sort_key']).execute();
  await s.createIndex('units_sort').on('units').columns(['project_id', 'sort_key']).execute();

  await stamps(
    s
      .createTable('people')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('gender', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('phone', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('phone_last4', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('phone2', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('id_type', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('id_number', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('notes', 'text', (c) => c.notNull().defaultTo('')),
  ).execute();
  await s.createIndex('people_name').on('people').column('name').execute();
  await s.createIndex('people_phone').on('people').column('phone').execute();
  await s.createIndex('people_phone2').on('people').column('phone2').execute();
  await s.createIndex('people_phone_last4').on('people').column('phone_last4').execute();

  await s
    .createTable('vehicles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
    .addColumn('plate', 'text', (c) => c.notNull())
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .execute();
  await s.createIndex('vehicles_plate').on('vehicles').column('plate').execute();
  await s.createIndex('vehicles_person').on('vehicles').column('person_id').execute();

  await stamps(
    s
      .createTable('occupancies')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
      .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
      .addColumn('relation', 'text', (c) => c.notNull())
      .addColumn('start_date', 'text', (c) => c.notNull())
      .addColumn('end_date', 'text')
      .addColumn('move_in_date', 'text'),
  ).execute();
  await s.createIndex('occupancies_unit').on('occupancies').columns(['unit_id', 'person_id']).execute();
  await s.createIndex('occupancies_person').on('occupancies').columns(['person_id', 'unit_id']).execute();

  await stamps(
    s
      .createTable('departments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id'))
      .addColumn('project_id', 'text', (c) => c.references('projects.id'))
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('duties', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('phone', 'text', (c) => c.notNull().defaultTo('')),
  ).execute();
  await s.createIndex('departments_project').on('departments').columns(['project_id', 'code']).execute();

  await stamps(
    s
      .createTable('staff')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('phone', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('department_id', 'text', (c) => c.notNull().references('departments.id'))
      .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('active', t.flag, (c) => c.notNull().defaultTo(1)),
  ).execute();
  await s.createIndex('staff_department').on('staff').columns(['department_id', 'name']).execute();
  await s.createIndex('staff_name').on('staff').column('name').execute();

  await s
    .createTable('staff_projects')
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addPrimaryKeyConstraint('staff_projects_pk', ['staff_id', 'project_id'])
    .execute();

  await stamps(
    s
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
      .addColumn('person_id', 'text', (c) => c.references('people.id'))
      .addColumn('all_projects', t.flag, (c) => c.notNull().defaultTo(0))
      .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', t.ts, (c) => c.notNull().defaultTo(0))
      .addColumn('active', t.flag, (c) => c.notNull().defaultTo(1)),
  ).execute();

  await s
    .createTable('user_projects')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addPrimaryKeyConstraint('user_projects_pk', ['user_id', 'project_id'])
    .execute();

  await s
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('expires_at', t.ts, (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await s.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await s
    .createTable('audit_events')
    .addColumn('seq', t.ts, (c) => c.primaryKey())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('at', t.ts, (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('before_json', 'text')
    .addColumn('after_json', 'text')
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('audit_events_entity').on('audit_events').columns(['entity', 'entity_id', 'seq']).execute();

  // One row holding the chain's tip: taking its row lock serialises appenders across
  // nodes, and comparing it with the last event detects a deleted tail.
  await s
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', t.ts, (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.insertInto('audit_head').values({ id: 1, seq: 0, hash: '' }).execute();

  await s
    .createTable('calendar_overrides')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.references('projects.id'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .execute();
  await s.createIndex('calendar_overrides_date').on('calendar_overrides').columns(['date', 'project_id']).execute();
}
