import type { Selectable } from 'kysely';
import type { DeadlineTable, RequestEventTable, RequestTable } from './types.ts';

/**
 * Column lists of the tables written by positional inserts: the intake, the sweeper and the data
 * generator (whose worker thread loads this module, so it imports types only).
 */

/**
 * A column list naming every column of a table type, in a fixed order for positional
 * inserts; a column added to the type and not here is a compile error naming it.
 */
export function allColumns<T>() {
  return <const C extends readonly (keyof T & string)[]>(
    cols: C & ([Exclude<keyof T, C[number]>] extends [never] ? unknown : { missing: Exclude<keyof T, C[number]> }),
  ): C => cols;
}

/** Every column of the register, in the order of its positional inserts. */
export const REQUEST_COLUMNS = allColumns<Selectable<RequestTable>>()([
  'id',
  'project_id',
  'number',
  'kind',
  'channel',
  'status',
  'is_open',
  'requester_person_id',
  'requester_name',
  'requester_phone',
  'phone_last4',
  'unit_id',
  'location',
  'content',
  'category_id',
  'urgency',
  'preferred_time',
  'department_id',
  'assignee_id',
  'next_due_at',
  'event_n',
  'event_hash',
  'created_by',
  'created_at',
  'updated_at',
  'closed_at',
  'version',
]);

/** Every column of a request's history. */
export const EVENT_COLUMNS = allColumns<Selectable<RequestEventTable>>()([
  'request_id',
  'n',
  'at',
  'actor_id',
  'actor_name',
  'type',
  'from_status',
  'to_status',
  'data',
  'corrects_n',
  'prev_hash',
  'hash',
]);

/** Every column of the deadlines table, in the order `deadlineValues` gives them. */
export const DEADLINE_COLUMNS = allColumns<Selectable<DeadlineTable>>()([
  'id',
  'request_id',
  'project_id',
  'kind',
  'basis',
  'status',
  'started_at',
  'due_at',
  'warn_lead_ms',
  'escalate_after_ms',
  'next_check_at',
  'warned_at',
  'breached_at',
  'escalated_at',
  'met_at',
  'paused_at',
  'paused_ms',
  'remaining_ms',
  'pause_reason',
  'extensions',
  'responsible_id',
  'created_at',
  'version',
]);
