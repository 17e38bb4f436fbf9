import type { CreateTableBuilder, Kysely } from 'kysely';
import type { ColumnTypes } from '../platform/db/migrate.ts';

/** Who a visitor comes to see: a unit (and one of its residents), a staff member, a department, or anyone else by name. */
function hostColumns(b: CreateTableBuilder<any, any>) {
  return (
    b
      // 'unit' | 'staff' | 'department' | 'other'
      .addColumn('host_kind', 'text', (c) => c.notNull())
      .addColumn('host_unit_id', 'text', (c) => c.references('units.id'))
      .addColumn('host_person_id', 'text', (c) => c.references('people.id'))
      .addColumn('host_staff_id', 'text', (c) => c.references('staff.id'))
      .addColumn('host_department_id', 'text', (c) => c.references('departments.id'))
      // As written on the register at the time (3-1-1502 李明华, 工程部): the register keeps what was true that day.
      .addColumn('host_label', 'text', (c) => c.notNull())
  );
}

/**
 * The front desk (R-FD-1, 3, 4): visitors and appointments, office incidents (突发事件) with their
 * handling steps and written report, and emergencies in the estate with their notices to residents.
 */
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  const s = db.schema;

  // 预约: registered ahead by staff for a resident or a department; checked in on arrival.
  await hostColumns(
    s
      .createTable('visitor_appointments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('phone', 'text', (c) => c.notNull())
      .addColumn('phone_last4', 'text', (c) => c.notNull())
      .addColumn('party_size', 'integer', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('plate', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('expected_at', t.ts, (c) => c.notNull()),
  )
    // 'expected' | 'arrived' | 'cancelled'
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('visit_id', 'text')
    .addColumn('arrived_at', t.ts)
    .addColumn('cancel_reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await s.createIndex('visitor_appointments_expected').on('visitor_appointments').columns(['project_id', 'expected_at', 'id']).execute();
  await s.createIndex('visitor_appointments_phone').on('visitor_appointments').columns(['phone', 'expected_at']).execute();
  await s.createIndex('visitor_appointments_phone_last4').on('visitor_appointments').columns(['phone_last4', 'expected_at']).execute();

  // 来访登记: one row per visit. Only the last four characters of the ID are ever stored.
  await hostColumns(
    s
      .createTable('visits')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
      // FK-YYMM-NNNN, issued by the server: the number on the pass stub (证件存根).
      .addColumn('number', 'text', (c) => c.notNull())
      // A physical badge handed out at the gate, typed in when the site uses them.
      .addColumn('badge', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('phone', 'text', (c) => c.notNull())
      .addColumn('phone_last4', 'text', (c) => c.notNull())
      .addColumn('id_type', 'text', (c) => c.notNull())
      .addColumn('id_last4', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('party_size', 'integer', (c) => c.notNull()),
  )
    .addColumn('plate', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('appointment_id', 'text', (c) => c.references('visitor_appointments.id'))
    .addColumn('in_at', t.ts, (c) => c.notNull())
    .addColumn('out_at', t.ts)
    .addColumn('registered_by', 'text', (c) => c.references('users.id'))
    .addColumn('signed_out_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('visits_project_number', ['project_id', 'number'])
    .execute();
  // History by date; the board reads "still inside" (out_at null) and "left today" from one index.
  await s.createIndex('visits_project_in').on('visits').columns(['project_id', 'in_at', 'id']).execute();
  await s.createIndex('visits_in').on('visits').columns(['in_at', 'id']).execute();
  await s.createIndex('visits_project_out').on('visits').columns(['project_id', 'out_at', 'in_at']).execute();
  await s.createIndex('visits_name').on('visits').columns(['name', 'in_at']).execute();
  await s.createIndex('visits_phone').on('visits').columns(['phone', 'in_at']).execute();
  await s.createIndex('visits_phone_last4').on('visits').columns(['phone_last4', 'in_at']).execute();
  await s.createIndex('visits_plate').on('visits').columns(['plate', 'in_at']).execute();

  // 办公区域突发事件 A/B/C: what happened, who was told, the handling steps and the written report.
  await s
    .createTable('incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('number', 'text', (c) => c.notNull())
    // 'A' | 'B' | 'C'
    .addColumn('class', 'text', (c) => c.notNull())
    .addColumn('occurred_at', t.ts, (c) => c.notNull())
    .addColumn('place', 'text', (c) => c.notNull())
    .addColumn('people', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    // JSON text: [{userId, name, as}] — who was told at logging.
    .addColumn('notified', 'text', (c) => c.notNull())
    .addColumn('step_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('report_due_at', t.ts, (c) => c.notNull())
    .addColumn('report_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('report_submitted_at', t.ts)
    .addColumn('report_submitted_by', 'text', (c) => c.references('users.id'))
    // The next instant the overdue job must look at this row; null once reported or reminded.
    .addColumn('overdue_check_at', t.ts)
    .addColumn('overdue_notified_at', t.ts)
    .addColumn('is_case', t.flag, (c) => c.notNull().defaultTo(0))
    .addColumn('case_summary', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('case_marked_at', t.ts)
    .addColumn('case_marked_by', 'text', (c) => c.references('users.id'))
    .addColumn('reported_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('incidents_project_number', ['project_id', 'number'])
    .execute();
  await s.createIndex('incidents_project_occurred').on('incidents').columns(['project_id', 'occurred_at', 'id']).execute();
  await s.createIndex('incidents_occurred').on('incidents').columns(['occurred_at', 'id']).execute();
  await s.createIndex('incidents_report_pending').on('incidents').columns(['report_submitted_at', 'report_due_at']).execute();
  await s.createIndex('incidents_overdue_check').on('incidents').column('overdue_check_at').execute();
  await s.createIndex('incidents_cases').on('incidents').columns(['case_marked_at', 'id']).execute();
  await s
    .createTable('incident_steps')
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('at', t.ts, (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.references('users.id'))
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('corrects_n', 'integer')
    .addPrimaryKeyConstraint('incident_steps_pk', ['incident_id', 'n'])
    .execute();
  // 典型事件: the same character/pair index as the complaint case library.
  await s
    .createTable('incident_case_terms')
    .addColumn('term', 'text', (c) => c.notNull())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addPrimaryKeyConstraint('incident_case_terms_pk', ['term', 'incident_id'])
    .execute();

  // 停水停电、电梯困人、火灾、恶劣天气: logged, told by plan, announced to residents, closed with a report.
  await s
    .createTable('emergencies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('started_at', t.ts, (c) => c.notNull())
    .addColumn('place', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    // 'open' | 'closed'
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('notified', 'text', (c) => c.notNull())
    .addColumn('step_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cause', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('handling', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('losses', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('follow_up', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('closed_at', t.ts)
    .addColumn('closed_by', 'text', (c) => c.references('users.id'))
    .addColumn('reported_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('emergencies_project_number', ['project_id', 'number'])
    .execute();
  await s.createIndex('emergencies_project_started').on('emergencies').columns(['project_id', 'started_at', 'id']).execute();
  await s.createIndex('emergencies_started').on('emergencies').columns(['started_at', 'id']).execute();
  await s.createIndex('emergencies_project_status').on('emergencies').columns(['project_id', 'status']).execute();
  await s
    .createTable('emergency_steps')
    .addColumn('emergency_id', 'text', (c) => c.notNull().references('emergencies.id'))
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('at', t.ts, (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.references('users.id'))
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('corrects_n', 'integer')
    .addPrimaryKeyConstraint('emergency_steps_pk', ['emergency_id', 'n'])
    .execute();
  // Every notice published stays as it was sent; the residents' banner shows the latest of an open emergency.
  await s
    .createTable('emergency_notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('emergency_id', 'text', (c) => c.notNull().references('emergencies.id'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('recipients', 'integer', (c) => c.notNull())
    .addColumn('published_by', 'text', (c) => c.references('users.id'))
    .addColumn('published_by_name', 'text', (c) => c.notNull())
    .addColumn('published_at', t.ts, (c) => c.notNull())
    .execute();
  await s.createIndex('emergency_notices_emergency').on('emergency_notices').columns(['emergency_id', 'published_at']).execute();
}
