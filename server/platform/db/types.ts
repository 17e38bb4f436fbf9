import type { ColumnType } from 'kysely';

/**
 * Row types of every table. Times are epoch milliseconds, money is integer fen,
 * ids are UUIDv7 text, flags are 0/1 integers on both dialects, JSON is text on
 * SQLite and jsonb on PostgreSQL (read it through `fromJson`).
 */
export interface CompanyTable {
  id: string;
  code: string;
  name: string;
  created_at: number;
}

export interface ProjectTable {
  id: string;
  company_id: string;
  code: string;
  name: string;
  address: string;
  /** JSON: [['08:30','17:30'], …] */
  business_hours: unknown;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface BuildingTable {
  id: string;
  project_id: string;
  code: string;
  name: string;
  floors: number;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface UnitTable {
  id: string;
  project_id: string;
  building_id: string;
  /** Full unit number as printed on forms, e.g. 3-2-1502 (building-entrance-room). */
  number: string;
  /** The room part alone (1502), so the counter can type only that. */
  room: string;
  /** `number` with its numeric parts zero-padded, so 1-1-101 sorts before 1-1-1001. */
  sort_key: string;
  floor: number;
  /** Floor area in hundredths of a square metre. */
  area_x100: number;
  status: string;
  notes: string;
  /** Handover to the first owner (YYYY-MM-DD): warranty periods run from it. */
  handover_date: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface PersonTable {
  id: string;
  company_id: string;
  name: string;
  gender: string;
  phone: string;
  /** Last four digits of `phone`, indexed for the counter's look-up. */
  phone_last4: string;
  phone2: string;
  id_type: string;
  id_number: string;
  notes: string;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface VehicleTable {
  id: string;
  person_id: string;
  plate: string;
  created_at: number;
}

export interface OccupancyTable {
  id: string;
  person_id: string;
  unit_id: string;
  project_id: string;
  relation: string;
  start_date: string;
  end_date: string | null;
  move_in_date: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface DepartmentTable {
  id: string;
  company_id: string;
  project_id: string | null;
  code: string;
  name: string;
  duties: string;
  phone: string;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface StaffTable {
  id: string;
  company_id: string;
  name: string;
  phone: string;
  department_id: string;
  title: string;
  active: number;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface StaffProjectTable {
  staff_id: string;
  project_id: string;
}

export interface UserTable {
  id: string;
  username: string;
  password_hash: string;
  role: string;
  display_name: string;
  staff_id: string | null;
  person_id: string | null;
  /** 1 = may act in every project (company-level staff). */
  all_projects: number;
  failed_attempts: number;
  locked_until: number;
  active: number;
  /** Where e-mail notifications go; empty = in-app only. */
  email: ColumnType<string, string | undefined, string>;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface UserProjectTable {
  user_id: string;
  project_id: string;
}

export interface SessionTable {
  /** sha256 of the cookie token: a stolen database copy does not yield live sessions. */
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
  ip: string;
}

export interface AuditEventTable {
  seq: number;
  id: string;
  at: number;
  actor_id: string | null;
  actor_name: string;
  ip: string;
  action: string;
  entity: string;
  entity_id: string;
  /** JSON text exactly as hashed (never jsonb: key order must survive). */
  before_json: string | null;
  after_json: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface CalendarOverrideTable {
  id: string;
  /** null = every project of the company. */
  project_id: string | null;
  date: string;
  kind: string;
  note: string;
  created_at: number;
}

export interface SettingTable {
  key: string;
  /** 'company' or a project id */
  scope: string;
  /** JSON text */
  value: string;
  updated_at: number;
  version: number;
}

export interface CategoryTable {
  id: string;
  kind: string;
  parent_id: string | null;
  name: string;
  sort: number;
  active: number;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface PhraseTable {
  id: string;
  scenario: string;
  title: string;
  text: string;
  sort: number;
  active: number;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface RequestCounterTable {
  project_id: string;
  prefix: string;
  period: string;
  last: number;
}

export interface RequestTable {
  id: string;
  project_id: string;
  number: string;
  kind: string;
  channel: string;
  status: string;
  is_open: number;
  requester_person_id: string | null;
  requester_name: string;
  requester_phone: string;
  /** The phone's last four digits ('' without a phone): the counter's look-up by phone tail. */
  phone_last4: string;
  unit_id: string | null;
  location: string;
  content: string;
  category_id: string | null;
  urgency: string;
  preferred_time: string;
  department_id: string | null;
  assignee_id: string | null;
  /** Earliest due time of the request's running deadlines (NO_DUE when none): the queues sort by it. */
  next_due_at: number;
  event_n: number;
  event_hash: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
  version: number;
}

export interface RequestEventTable {
  request_id: string;
  n: number;
  at: number;
  actor_id: string | null;
  actor_name: string;
  type: string;
  from_status: string | null;
  to_status: string | null;
  /** JSON text exactly as hashed */
  data: string;
  /** A correction points at the event it corrects; the corrected one stays as it was. */
  corrects_n: number | null;
  prev_hash: string;
  hash: string;
}

export interface RequestInquiryTable {
  request_id: string;
  promised_at: number | null;
  answer: string;
  answered_at: number | null;
}

export interface RequestSuggestionTable {
  request_id: string;
  handling: string;
  /** YYYY-MM of the monthly report that includes it */
  month: string | null;
  reply: string;
  replied_at: number | null;
}

export interface RequestSpecialTable {
  request_id: string;
  item: string;
  price_fen: number | null;
  agreed_at: number | null;
  arrangement: string;
  scheduled_at: number | null;
  result: string;
  reported_to: string | null;
  reply: string;
}

export interface DeadlineTable {
  id: string;
  request_id: string;
  project_id: string;
  kind: string;
  /** 'calendar' | 'working' */
  basis: string;
  /** 'running' | 'paused' | 'met' | 'cancelled' */
  status: string;
  started_at: number;
  due_at: number;
  warn_lead_ms: number;
  escalate_after_ms: number;
  next_check_at: number | null;
  warned_at: number | null;
  breached_at: number | null;
  escalated_at: number | null;
  met_at: number | null;
  paused_at: number | null;
  paused_ms: number;
  remaining_ms: number | null;
  pause_reason: string;
  extensions: number;
  responsible_id: string | null;
  created_at: number;
  version: number;
}

export interface AttachmentTable {
  id: string;
  request_id: string | null;
  project_id: string | null;
  purpose: string;
  mime: string;
  bytes: number;
  width: number;
  height: number;
  sha256: string;
  path: string;
  thumb_path: string | null;
  original_name: string;
  uploaded_by: string;
  created_at: number;
}

export interface CallTable {
  id: string;
  project_id: string;
  external_id: string | null;
  direction: string;
  caller: string;
  callee: string;
  ringing_at: number | null;
  answered_at: number | null;
  ended_at: number | null;
  rings: number | null;
  source: string;
  operator_id: string | null;
  request_id: string | null;
  notes: string;
  created_at: number;
  version: number;
}

export interface ShiftNoteTable {
  id: string;
  project_id: string;
  date: string;
  shift: string;
  author_id: string;
  author_name: string;
  text: string;
  created_at: number;
}

export interface NotificationTable {
  id: string;
  user_id: string;
  at: number;
  kind: string;
  title: string;
  body: string;
  link: string;
  request_id: string | null;
  dedupe_key: string;
  read_at: number | null;
}

export interface OutboxTable {
  id: string;
  channel: string;
  target: string;
  subject: string;
  body: string;
  dedupe_key: string;
  /** 'pending' | 'sent' */
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string;
  created_at: number;
  sent_at: number | null;
}

export interface JobRunTable {
  key: string;
  node: string;
  started_at: number;
  finished_at: number | null;
  result: string;
}

export interface PriceItemTable {
  id: string;
  /** null = the company's list, used by every project without its own item */
  project_id: string | null;
  category: string;
  name: string;
  unit: string;
  price_fen: number;
  note: string;
  sort: number;
  active: number;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface RequestRepairTable {
  request_id: string;
  /** 'in_unit' | 'common' */
  scope: string;
  paid: number;
  assessment: string;
  price_item_id: string | null;
  quoted_fen: number | null;
  agreed_at: number | null;
  agreed_via: string | null;
  appointment_at: number | null;
  informed_at: number | null;
  accepted_at: number | null;
  departed_at: number | null;
  arrived_at: number | null;
  findings: string;
  completed_at: number | null;
  /** JSON text: [{name, quantity, unit, priceFen}] */
  materials: string;
  labour_fen: number;
  fee_collected_fen: number;
  signature_file_id: string | null;
  signed_at: number | null;
  confirmed_at: number | null;
  confirmed_via: string | null;
  /** The order this one reworks (返修), if any. */
  rework_of: string | null;
  /** Category on the major-defect list: follow-up visits until closed. */
  major_defect: number;
  /** 1…5 each, from the resident. */
  rating_overall: number | null;
  rating_speed: number | null;
  rating_attitude: number | null;
  rating_comment: string;
  rated_at: number | null;
  /** 'resident_app' | 'phone' | 'visit' */
  rated_via: string | null;
}

export interface RequestComplaintTable {
  request_id: string;
  /** 'general' | 'significant' | 'urgent' */
  grade: string;
  compensation: number;
  about_manager: number;
  promised_at: number | null;
  findings: string;
  company_at_fault: number;
  /** 'visit' | 'phone' | 'counter' */
  apology_via: string | null;
  apology_at: number | null;
  solution: string;
  complainant_opinion: string;
  solution_agreed: number;
  /** JSON text: [{step, at, by, note}] */
  emergency: string;
  reopen_count: number;
  /** Whoever the complaint was transferred to: its first handler (第一审理人). */
  first_handler_id: string | null;
  resolution: string;
  resolved_at: number | null;
  cause: string;
  preventive: string;
  /** When the complainant declined a callback: it closes itself 7 days later without a new complaint. */
  declined_at: number | null;
  close_reason: string;
  /** '' | 'leadership' (compensation, about the project manager) | 'company' (the quality department handles it) */
  escalation: string;
  escalated_at: number | null;
  escalation_reason: string;
  /** Company leadership's decision on an escalated complaint (批示). */
  leadership_decision: string;
  leadership_decided_at: number | null;
  /** A significant complaint's written report to leadership. */
  leadership_report: string;
  leadership_reported_at: number | null;
  /** 纠正措施报告, announced to all staff of the company. */
  corrective_report: string;
  corrective_published_at: number | null;
  /** The quality department's correction plan for a company-level complaint; it binds the project. */
  correction_plan: string;
  correction_due_at: number | null;
  correction_done_at: number | null;
}

/** 协办: help asked of another department, the owners' committee or an outside authority (R-CP-6, 7). */
export interface ComplaintHelpTable {
  id: string;
  request_id: string;
  project_id: string;
  /** 'department' | 'committee' | 'external' */
  target: string;
  department_id: string | null;
  party: string;
  matter: string;
  due_at: number;
  deadline_id: string;
  asked_by: string | null;
  asked_at: number;
  /** 'open' | 'done' */
  status: string;
  reports: number;
  last_report_at: number | null;
  done_at: number | null;
  version: number;
}

/** 案例库: a closed complaint kept as a training case, personal data removed (R-CP-9). */
export interface ComplaintCaseTable {
  id: string;
  request_id: string;
  project_id: string;
  title: string;
  category: string;
  grade: string;
  summary: string;
  handling: string;
  cause: string;
  preventive: string;
  lessons: string;
  created_by: string | null;
  created_at: number;
}

export interface ComplaintCaseTermTable {
  term: string;
  case_id: string;
}

export interface CallbackDrawTable {
  id: string;
  project_id: string;
  /** Monday of the week drawn from, China-local YYYY-MM-DD. */
  week: string;
  seed: string;
  rate_pct: number;
  /** JSON text: request ids that could be drawn, in id order. */
  population: string;
  /** JSON text: request ids drawn. */
  drawn: string;
  created_at: number;
}

export interface CallbackTable {
  id: string;
  project_id: string;
  request_id: string;
  /** 'weekly' | 'rework' | 'follow_up' */
  kind: string;
  draw_id: string | null;
  /** Follow-up visit number (1, 2, …). */
  seq: number;
  due_at: number;
  /** 'pending' | 'done' */
  status: string;
  /** 'phone' | 'visit' | 'online' | 'questionnaire' */
  method: string | null;
  /** weekly/rework: 'reached' | 'unreachable' | 'defect_persists'; follow-up: 'closed' | 'observe' | 'defect_persists' */
  outcome: string | null;
  /** 'satisfied' | 'basically_satisfied' | 'dissatisfied' */
  satisfaction: string | null;
  note: string;
  done_by: string | null;
  done_at: number | null;
  created_at: number;
  version: number;
}

export interface IdCopyTable {
  id: string;
  person_id: string;
  project_id: string;
  side: string;
  /** Path under `$DATA_DIR/id-copies`, a folder no route serves. */
  file_name: string;
  mime: string;
  bytes: number;
  width: number;
  height: number;
  sha256: string;
  uploaded_by: string;
  uploaded_at: number;
  note: string;
}

/** A goods release application and, once approved, its slip (放行条). */
export interface ReleaseTable {
  id: string;
  project_id: string;
  unit_id: string;
  number: string;
  /** 'pending' | 'verified' | 'approved' | 'refused' | 'used' */
  status: string;
  is_open: number;
  /** 'identity' | 'letter' | 'owner_call' | 'company_call' */
  path: string;
  channel: string;
  applicant_name: string;
  applicant_phone: string;
  /** 'owner' | 'decoration_lead' | 'tenant' | 'other' | 'staff' */
  standing: string;
  company: string;
  applicant_person_id: string | null;
  letter_file_id: string | null;
  plate: string;
  valid_from: number;
  valid_until: number;
  reason: string;
  code: string;
  refusal_reason: string;
  verified_at: number | null;
  verified_by: string | null;
  decided_at: number | null;
  decided_by: string | null;
  used_at: number | null;
  used_by: string | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface ReleaseItemTable {
  release_id: string;
  n: number;
  name: string;
  quantity: number;
  unit: string;
}

export interface ReleaseEventTable {
  release_id: string;
  n: number;
  at: number;
  actor_id: string | null;
  actor_name: string;
  type: string;
  from_status: string | null;
  to_status: string | null;
  answer: string | null;
  contact_name: string;
  contact_number: string;
  contacted_at: number | null;
  note: string;
}

export interface ReleaseCheckTable {
  id: string;
  code: string;
  release_id: string | null;
  kind: string;
  valid: number;
  result: string;
  checked_by: string;
  checked_at: number;
}

/** Who a visitor comes to see (front desk). */
interface VisitHost {
  /** 'unit' | 'staff' | 'department' | 'other' */
  host_kind: string;
  host_unit_id: string | null;
  host_person_id: string | null;
  host_staff_id: string | null;
  host_department_id: string | null;
  /** As written on the register at the time. */
  host_label: string;
}

/** 预约: a visit registered ahead (R-FD-1). */
export interface VisitorAppointmentTable extends VisitHost {
  id: string;
  project_id: string;
  name: string;
  phone: string;
  phone_last4: string;
  party_size: number;
  purpose: string;
  plate: string;
  expected_at: number;
  /** 'expected' | 'arrived' | 'cancelled' */
  status: string;
  visit_id: string | null;
  arrived_at: number | null;
  cancel_reason: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

/** 来访登记: one visit; only the last four characters of the ID are stored (R-FD-1). */
export interface VisitTable extends VisitHost {
  id: string;
  project_id: string;
  /** FK-YYMM-NNNN, the pass stub number. */
  number: string;
  badge: string;
  name: string;
  phone: string;
  phone_last4: string;
  id_type: string;
  id_last4: string;
  purpose: string;
  party_size: number;
  plate: string;
  appointment_id: string | null;
  in_at: number;
  out_at: number | null;
  registered_by: string | null;
  signed_out_by: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

/** 办公区域突发事件 (R-FD-3). */
export interface IncidentTable {
  id: string;
  project_id: string;
  number: string;
  /** 'A' | 'B' | 'C' */
  class: string;
  occurred_at: number;
  place: string;
  people: string;
  description: string;
  /** JSON text: [{userId, name, as}] */
  notified: string;
  step_count: number;
  report_due_at: number;
  report_text: string;
  report_submitted_at: number | null;
  report_submitted_by: string | null;
  overdue_check_at: number | null;
  overdue_notified_at: number | null;
  is_case: number;
  case_summary: string;
  case_marked_at: number | null;
  case_marked_by: string | null;
  reported_by: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

/** An appended handling step of an incident or an emergency; a correction points at the step it corrects. */
export interface IncidentStepTable {
  incident_id: string;
  n: number;
  at: number;
  actor_id: string | null;
  actor_name: string;
  text: string;
  corrects_n: number | null;
}

export interface IncidentCaseTermTable {
  term: string;
  incident_id: string;
}

/** 停水停电、电梯困人、火灾、恶劣天气 in the estate (R-FD-4). */
export interface EmergencyTable {
  id: string;
  project_id: string;
  number: string;
  type: string;
  started_at: number;
  place: string;
  summary: string;
  /** 'open' | 'closed' */
  status: string;
  /** JSON text: [{userId, name, as}] */
  notified: string;
  step_count: number;
  cause: string;
  handling: string;
  losses: string;
  follow_up: string;
  closed_at: number | null;
  closed_by: string | null;
  reported_by: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface EmergencyStepTable {
  emergency_id: string;
  n: number;
  at: number;
  actor_id: string | null;
  actor_name: string;
  text: string;
  corrects_n: number | null;
}

export interface EmergencyNoticeTable {
  id: string;
  emergency_id: string;
  project_id: string;
  text: string;
  recipients: number;
  published_by: string | null;
  published_by_name: string;
  published_at: number;
}

export interface DB {
  companies: CompanyTable;
  projects: ProjectTable;
  buildings: BuildingTable;
  units: UnitTable;
  people: PersonTable;
  vehicles: VehicleTable;
  occupancies: OccupancyTable;
  departments: DepartmentTable;
  staff: StaffTable;
  staff_projects: StaffProjectTable;
  users: UserTable;
  user_projects: UserProjectTable;
  sessions: SessionTable;
  audit_events: AuditEventTable;
  audit_head: AuditHeadTable;
  calendar_overrides: CalendarOverrideTable;
  settings: SettingTable;
  categories: CategoryTable;
  phrases: PhraseTable;
  request_counters: RequestCounterTable;
  requests: RequestTable;
  request_events: RequestEventTable;
  request_inquiry: RequestInquiryTable;
  request_suggestion: RequestSuggestionTable;
  request_special: RequestSpecialTable;
  deadlines: DeadlineTable;
  attachments: AttachmentTable;
  calls: CallTable;
  shift_notes: ShiftNoteTable;
  notifications: NotificationTable;
  outbox: OutboxTable;
  job_runs: JobRunTable;
  price_items: PriceItemTable;
  request_repair: RequestRepairTable;
  callback_draws: CallbackDrawTable;
  callbacks: CallbackTable;
  request_complaint: RequestComplaintTable;
  complaint_help: ComplaintHelpTable;
  complaint_cases: ComplaintCaseTable;
  complaint_case_terms: ComplaintCaseTermTable;
  visitor_appointments: VisitorAppointmentTable;
  visits: VisitTable;
  incidents: IncidentTable;
  incident_steps: IncidentStepTable;
  incident_case_terms: IncidentCaseTermTable;
  emergencies: EmergencyTable;
  emergency_steps: EmergencyStepTable;
  emergency_notices: EmergencyNoticeTable;
  id_copies: IdCopyTable;
  releases: ReleaseTable;
  release_items: ReleaseItemTable;
  release_events: ReleaseEventTable;
  release_checks: ReleaseCheckTable;
}
