/**
 * Shapes of the API as the console reads them. Directory and org types are inferred
 * from the server's zod schemas (type-only imports: nothing of the server is bundled),
 * so a change of the contract shows up here as a type error.
 */
import type { z } from 'zod';
import type * as Calls from '../../server/domains/calls/calls.schema.ts';
import type * as Dir from '../../server/domains/directory/directory.schema.ts';
import type * as Org from '../../server/domains/org/org.schema.ts';
import type * as Rp from '../../server/domains/repairs/prices.schema.ts';
import type * as Cfg from '../../server/domains/requests/config.schema.ts';
import type * as Req from '../../server/domains/requests/requests.schema.ts';
import type * as Wf from '../../server/domains/requests/requests.workflow.ts';
import type * as Wl from '../../server/domains/worklog/worklog.schema.ts';
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

export type Kind = (typeof Wf.KINDS)[number];
export type Channel = (typeof Wf.CHANNELS)[number];
export type Urgency = (typeof Wf.URGENCIES)[number];
export type PhraseScenario = (typeof Cfg.PHRASE_SCENARIOS)[number];

export type RequestCreate = z.input<typeof Req.RequestCreate>;
export type RequestSummary = z.infer<typeof Req.RequestSummary>;
export type RequestDetail = z.infer<typeof Req.RequestDetail>;
export type DeadlineInfo = z.infer<typeof Req.DeadlineOut>;
export type RequestEvent = z.infer<typeof Req.EventOut>;
export type RequestAction = z.infer<typeof Req.ActionOut>;
export type QueueScope = z.infer<typeof Req.QueueQuery>['scope'];
export type QueuePage = Page<RequestSummary> & { now: number };
export type Category = z.infer<typeof Cfg.Category>;
export type Phrase = z.infer<typeof Cfg.Phrase>;
export type DeadlineRulesPut = z.input<typeof Cfg.DeadlineRulesPut>;

export type PriceItem = z.infer<typeof Rp.PriceItem>;
export type PriceItemCreate = z.input<typeof Rp.PriceItemCreate>;
export type PriceItemPatch = z.input<typeof Rp.PriceItemPatch>;
export type Warranty = z.infer<typeof Rp.WarrantyOut>;
/** Where a repair is: inside the unit (warranty applies) or a common facility (never charged to the resident). */
export type RepairScope = 'in_unit' | 'common';

export type Call = z.infer<typeof Calls.CallOut>;
export type CallCreate = z.input<typeof Calls.CallCreate>;
export type CallPatch = z.input<typeof Calls.CallPatch>;
export type CallReport = z.infer<typeof Calls.CallReport>;
export type CallDirection = (typeof Calls.DIRECTIONS)[number];
export type Worklog = z.infer<typeof Wl.Worklog>;
export type WorklogNote = z.infer<typeof Wl.NoteOut>;
export type WorklogNoteCreate = z.input<typeof Wl.NoteCreate>;
export type Shift = (typeof Wl.SHIFTS)[number];

/** One row of GET /api/settings/deadline-rules: the rule in force for the project, defaults filled in. */
export interface DeadlineRuleRow {
  kind: string;
  label: string;
  basis: 'calendar' | 'working';
  minutes?: number;
  workingDays?: number;
  warnLeadMinutes: number;
  escalateAfterMinutes: number;
}

/** The response of POST /api/files. */
export interface UploadedPhoto {
  id: string;
  url: string;
  thumbUrl: string;
}

export interface AppNotification {
  id: string;
  at: number;
  kind: string;
  title: string;
  body: string;
  link: string;
  requestId: string | null;
  read: boolean;
}

export interface SuggestionReport {
  month: string;
  total: number;
  replied: number;
  byCategory: Record<string, number>;
  items: Array<{
    id: string;
    number: string;
    content: string;
    status: string;
    statusLabel: string;
    requesterName: string;
    category: string | null;
    handling: string;
    reply: string;
    repliedAt: number | null;
  }>;
}

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
