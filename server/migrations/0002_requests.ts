import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../platform/db/migrate.ts';

/** The request register (DESIGN.md "The request register"), deadlines, and what serves them. */
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  const s = db.schema;

  await s
    .alterTable('users')
    .addColumn('email', 'text', (c) => c.notNull().defaultTo(''))
    .execute();

  await s
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull().defaultTo('company'))
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint('settings_pk', ['key', 'scope'])
    .execute();

  await s
    .createTable('categories')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text', (c) => c.references('categories.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('active', t.flag, (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await s.createIndex('categories_kind').on('categories').columns(['kind', 'parent_id', 'sort']).execute();

  await s
    .createTable('phrases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('scenario', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('active', t.flag, (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await s.createIndex('phrases_scenario').on('phrases').columns(['scenario', 'sort']).execute();

  // Per project, kind and month: the human number's sequence, bumped by an upsert.
  await s
    .createTable('request_counters')
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('last', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('request_counters_pk', ['project_id', 'prefix', 'period'])
    .execute();

  await s
    .createTable('requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('is_open', t.flag, (c) => c.notNull().defaultTo(1))
    .addColumn('requester_person_id', 'text', (c) => c.references('people.id'))
    .addColumn('requester_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('requester_phone', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('unit_id', 'text', (c) => c.references('units.id'))
    .addColumn('location', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('category_id', 'text', (c) => c.references('categories.id'))
    .addColumn('urgency', 'text', (c) => c.notNull().defaultTo('normal'))
    .addColumn('preferred_time', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('department_id', 'text', (c) => c.references('departments.id'))
    .addColumn('assignee_id', 'text', (c) => c.references('users.id'))
    // Earliest due time of the running deadlines, or NO_DUE: never null, so one b-tree order works on both dialects.
    .addColumn('next_due_at', t.ts, (c) => c.notNull())
    // The tip of this request's hash-chained history (request_events), locked to append.
    .addColumn('event_n', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('event_hash', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .addColumn('closed_at', t.ts)
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('requests_project_number', ['project_id', 'number'])
    .execute();
  // The queues: open work of a department / an assignee / a project, due soonest first.
  await s.createIndex('requests_queue_dept').on('requests').columns(['department_id', 'is_open', 'next_due_at', 'id']).execute();
  await s.createIndex('requests_queue_assignee').on('requests').columns(['assignee_id', 'is_open', 'next_due_at', 'id']).execute();
  await s.createIndex('requests_queue_project').on('requests').columns(['project_id', 'is_open', 'next_due_at', 'id']).execute();
  await s.createIndex('requests_created').on('requests').columns(['project_id', 'created_at', 'id']).execute();
  await s.createIndex('requests_requester').on('requests').columns(['requester_person_id', 'created_at']).execute();
  await s.createIndex('requests_unit').on('requests').columns(['unit_id', 'created_at']).execute();

  await s
    .createTable('request_events')
    .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('at', t.ts, (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('corrects_n', 'integer')
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('request_events_pk', ['request_id', 'n'])
    .execute();

  // Kind-specific details, one row per request of that kind.
  await s
    .createTable('request_inquiry')
    .addColumn('request_id', 'text', (c) => c.primaryKey().references('requests.id'))
    .addColumn('promised_at', t.ts)
    .addColumn('answer', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('answered_at', t.ts)
    .execute();
  await s
    .createTable('request_suggestion')
    .addColumn('request_id', 'text', (c) => c.primaryKey().references('requests.id'))
    .addColumn('handling', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('month', 'text')
    .addColumn('reply', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('replied_at', t.ts)
    .execute();
  await s.createIndex('request_suggestion_month').on('request_suggestion').column('month').execute();
  await s
    .createTable('request_special')
    .addColumn('request_id', 'text', (c) => c.primaryKey().references('requests.id'))
    .addColumn('item', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('price_fen', 'integer')
    .addColumn('agreed_at', t.ts)
    .addColumn('arrangement', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('scheduled_at', t.ts)
    .addColumn('result', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('reported_to', 'text')
    .addColumn('reply', 'text', (c) => c.notNull().defaultTo(''))
    .execute();

  await s
    .createTable('deadlines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', t.ts, (c) => c.notNull())
    .addColumn('due_at', t.ts, (c) => c.notNull())
    .addColumn('warn_lead_ms', t.ts, (c) => c.notNull())
    .addColumn('escalate_after_ms', t.ts, (c) => c.notNull())
    // The next instant the sweeper must look at this row (warning, breach, escalation); null = nothing pending.
    .addColumn('next_check_at', t.ts)
    .addColumn('warned_at', t.ts)
    .addColumn('breached_at', t.ts)
    .addColumn('escalated_at', t.ts)
    .addColumn('met_at', t.ts)
    .addColumn('paused_at', t.ts)
    .addColumn('paused_ms', t.ts, (c) => c.notNull().defaultTo(0))
    .addColumn('remaining_ms', t.ts)
    .addColumn('pause_reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('extensions', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('responsible_id', 'text')
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await s.createIndex('deadlines_sweep').on('deadlines').columns(['next_check_at']).execute();
  await s.createIndex('deadlines_request').on('deadlines').columns(['request_id', 'kind']).execute();
  await s.createIndex('deadlines_breached').on('deadlines').columns(['project_id', 'breached_at']).execute();

  await s
    .createTable('attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.references('requests.id'))
    .addColumn('project_id', 'text')
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('height', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('thumb_path', 'text')
    .addColumn('original_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .execute();
  await s.createIndex('attachments_request').on('attachments').columns(['request_id']).execute();

  await s
    .createTable('calls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('external_id', 'text')
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('caller', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('callee', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('ringing_at', t.ts)
    .addColumn('answered_at', t.ts)
    .addColumn('ended_at', t.ts)
    .addColumn('rings', 'integer')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('operator_id', 'text')
    .addColumn('request_id', 'text', (c) => c.references('requests.id'))
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await s.createIndex('calls_external').on('calls').column('external_id').unique().execute();
  await s.createIndex('calls_project_time').on('calls').columns(['project_id', 'created_at']).execute();

  await s
    .createTable('shift_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('shift', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text', (c) => c.notNull())
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .execute();
  await s.createIndex('shift_notes_day').on('shift_notes').columns(['project_id', 'date', 'shift']).execute();

  await s
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('at', t.ts, (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('link', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('request_id', 'text')
    // One notification per cause and recipient, whichever node noticed it first.
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('read_at', t.ts)
    .execute();
  await s.createIndex('notifications_dedupe').on('notifications').column('dedupe_key').unique().execute();
  await s.createIndex('notifications_inbox').on('notifications').columns(['user_id', 'read_at', 'at']).execute();

  await s
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', t.ts, (c) => c.notNull())
    .addColumn('last_error', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('sent_at', t.ts)
    .execute();
  await s.createIndex('outbox_dedupe').on('outbox').column('dedupe_key').unique().execute();
  await s.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();

  await s
    .createTable('job_runs')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('node', 'text', (c) => c.notNull())
    .addColumn('started_at', t.ts, (c) => c.notNull())
    .addColumn('finished_at', t.ts)
    .addColumn('result', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
}
