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
}
