/**
 * Shapes of the API as the console reads them. Directory and org types are inferred
 * from the server's zod schemas (type-only imports: nothing of the server is bundled),
 * so a change of the contract shows up here as a type error.
 */
import type { z } from 'zod';
import type * as Dir from '../../server/domains/directory/directory.schema.ts';
import type * as Org from '../../server/domains/org/org.schema.ts';
import type { Permission, Role } from '../../server/platform/access/roles.ts';

export type { Permission, Role };

export type Relation = (typeof Dir.RELATIONS)[number];
export type IdType = (typeof Dir.ID_TYPES)[number];
export type DepartmentCode = (typeof Org.DEPARTMENT_CODES)[number];
export type UnitStatus = NonNullable<z.infer<typeof Dir.UnitPatch>['status']>;

export type Building = z.infer<typeof Dir.Building>;
export type Occupant = z.infer<typeof Dir.Occupant>;
export type Unit = z.infer<typeof Dir.Unit>;
export type UnitDetail = z.infer<typeof Dir.UnitDetail>;
export type PersonUnit = z.infer<typeof Dir.PersonUnit>;
export type Person = z.infer<typeof Dir.Person>;
export type PersonCreate = z.input<typeof Dir.PersonCreate>;
export type LookupHit = z.infer<typeof Dir.LookupHit>;
export type MatchedBy = LookupHit['matchedBy'];
export type HistoryEntry = z.infer<typeof Dir.HistoryEntry>;

export type Project = z.infer<typeof Org.Project>;
export type Department = z.infer<typeof Org.Department>;
export type Staff = z.infer<typeof Org.Staff>;
export type User = z.infer<typeof Org.User>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Me {
  id: string;
  username: string;
  name: string;
  role: Role;
  /** null = every project of the company. */
  projectIds: string[] | null;
  personId: string | null;
  staffId: string | null;
  permissions: Permission[];
  csrfToken: string;
}

export interface RoleInfo {
  code: Role;
  name: string;
  permissions: Permission[];
}

export type DayReason = 'override' | 'statutory_holiday' | 'make_up_workday' | 'weekend' | 'weekday';

export interface CalendarDay {
  date: string;
  working: boolean;
  reason: DayReason;
  name?: string;
  note?: string;
}

export interface CalendarMonth {
  days: CalendarDay[];
  businessHours: Array<[string, string]>;
  /** YYYY-MM-DD of the manager reception day (接访日) in this month. */
  receptionDay: string | null;
}

export interface CalendarOverride {
  id: string;
  projectId: string | null;
  date: string;
  kind: 'workday' | 'holiday';
  note: string;
}

export interface AuditEntry {
  seq: number;
  at: number;
  actor: string;
  ip: string;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

export interface AuditVerify {
  ok: boolean;
  checked: number;
  firstBad?: { seq: number; reason: string };
}
