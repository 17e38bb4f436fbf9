import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../platform/db/migrate.ts';

/**
 * Complaints, third part (R-CP-6, 7, 9, 10): help asked of other departments and outside
 * parties, escalation to leadership and the quality department, the reports a significant
 * complaint needs, and the case library with its own n-gram search index.
 */
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  const s = db.schema;
  const cols: [string, 'text' | 'ts'][] = [
    // '' | 'leadership' (compensation, about the manager) | 'company' (handled by the quality department)
    ['escalation', 'text'],
    ['escalated_at', 'ts'],
    ['escalation_reason', 'text'],
    ['leadership_decision', 'text'],
    ['leadership_decided_at', 'ts'],
    ['leadership_report', 'text'],
    ['leadership_reported_at', 'ts'],
    ['corrective_report', 'text'],
    ['corrective_published_at', 'ts'],
    ['correction_plan', 'text'],
    ['correction_due_at', 'ts'],
    ['correction_done_at', 'ts'],
  ];
  for (const [name, type] of cols) {
    await s
      .alterTable('request_complaint')
      .addColumn(name, type === 'ts' ? t.ts : 'text', (c) => (type === 'text' ? c.notNull().defaultTo('') : c))
      .execute();
  }
  await s.createIndex('request_complaint_escalation').on('request_complaint').column('escalation').execute();
  await s.createIndex('request_complaint_corrective').on('request_complaint').column('corrective_published_at').execute();

  // 协办: help asked of another department, the owners' committee or an outside authority, with its own due time.
  await s
    .createTable('complaint_help')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    // 'department' | 'committee' | 'external'
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('department_id', 'text', (c) => c.references('departments.id'))
    .addColumn('party', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('matter', 'text', (c) => c.notNull())
    .addColumn('due_at', t.ts, (c) => c.notNull())
    .addColumn('deadline_id', 'text', (c) => c.notNull().references('deadlines.id'))
    .addColumn('asked_by', 'text', (c) => c.references('users.id'))
    .addColumn('asked_at', t.ts, (c) => c.notNull())
    // 'open' | 'done'
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reports', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_report_at', t.ts)
    .addColumn('done_at', t.ts)
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await s.createIndex('complaint_help_request').on('complaint_help').columns(['request_id', 'asked_at']).execute();
  await s.createIndex('complaint_help_department').on('complaint_help').columns(['department_id', 'status', 'due_at']).execute();

  // 案例库: a closed complaint kept as training material, personal data removed.
  await s
    .createTable('complaint_cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull().unique().references('requests.id'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('grade', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('handling', 'text', (c) => c.notNull())
    .addColumn('cause', 'text', (c) => c.notNull())
    .addColumn('preventive', 'text', (c) => c.notNull())
    .addColumn('lessons', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .execute();
  await s.createIndex('complaint_cases_created').on('complaint_cases').columns(['created_at', 'id']).execute();
  // Chinese has no spaces: every case is indexed by its characters and character pairs, so a
  // search is an index look-up on both databases instead of a leading-wildcard LIKE.
  await s
    .createTable('complaint_case_terms')
    .addColumn('term', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull().references('complaint_cases.id'))
    .addPrimaryKeyConstraint('complaint_case_terms_pk', ['term', 'case_id'])
    .execute();
}
