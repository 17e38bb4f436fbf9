/** Role codes are a stable contract point (DESIGN.md): scripts create users with them. */
export const ROLE_CODES = [
  'receptionist',
  'service_supervisor',
  'project_manager',
  'department_head',
  'technician',
  'gate_guard',
  'quality_officer',
  'company_leader',
  'company_admin',
  'resident',
] as const;
export type Role = (typeof ROLE_CODES)[number];

export const STAFF_ROLES = ROLE_CODES.filter((r) => r !== 'resident');

/**
 * What each permission lets a role do. Roles → permissions is data, so the route
 * table, the access test and the roles page all read the same source.
 */
export const PERMISSIONS = {
  'directory.read': 'Search and view projects, units, people, departments and staff',
  'directory.write': 'Create and edit people and their relation to units',
  'structure.manage': 'Create and edit buildings and units',
  'org.manage': 'Create and edit projects, departments, staff and login accounts',
  'pii.phone': 'See full phone numbers (others see them masked)',
  'pii.id_number': 'Reveal a full ID number (each reveal is audited)',
  'calendar.manage': 'Edit business hours and the working-day calendar',
  'audit.read': 'Read the audit trail and verify its chain',
  'resident.self': 'A resident: their own record and units',
  'request.read': 'See the requests, queues and their history in own projects',
  'request.create': 'Register requests at the counter or on the phone',
  'request.handle': 'Act on requests: answer, assign, reclassify, record progress',
  'request.supervise': 'Extend deadlines and correct records',
  'config.manage': "Edit a project's deadline rules and price list",
  'catalog.manage': 'Edit the company-wide category trees and standard phrases',
  'calls.log': 'Log calls and keep the shift work log',
  'callback.record': 'Make repair callbacks and follow-up visits and record their results',
  'complaint.lead': 'Decide on complaints escalated to the company: leadership decisions, the quality department’s correction plans',
  'visitor.register': 'Register visitors and appointments, issue passes, sign visitors out',
  'incident.manage': 'Log office incidents and estate emergencies, their handling, notices and reports',
  'release.manage': 'Take goods release applications, verify the applicant and approve or refuse',
  'release.check': 'Check release slips at the gate and mark them used',
  'idcopy.use': 'Store ID copies and fetch them stamped with a purpose (every fetch is audited)',
} as const;
export type Permission = keyof typeof PERMISSIONS;

const ALL_STAFF_READ: Permission[] = ['directory.read', 'request.read'];
const FRONT_DESK: Permission[] = [
  'request.create',
  'request.handle',
  'calls.log',
  'callback.record',
  'visitor.register',
  'incident.manage',
  'release.manage',
  'idcopy.use',
];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  receptionist: [...ALL_STAFF_READ, ...FRONT_DESK, 'directory.write', 'pii.phone'],
  service_supervisor: [
    ...ALL_STAFF_READ,
    ...FRONT_DESK,
    'request.supervise',
    'config.manage',
    'directory.write',
    'pii.phone',
    'pii.id_number',
    'release.check',
  ],
  project_manager: [
    ...ALL_STAFF_READ,
    ...FRONT_DESK,
    'request.supervise',
    'config.manage',
    'directory.write',
    'structure.manage',
    'pii.phone',
    'pii.id_number',
    'calendar.manage',
    'release.check',
  ],
  department_head: [...ALL_STAFF_READ, 'request.create', 'request.handle', 'pii.phone'],
  technician: [...ALL_STAFF_READ, 'request.handle'],
  gate_guard: [...ALL_STAFF_READ, 'visitor.register', 'release.check'],
  quality_officer: [
    ...ALL_STAFF_READ,
    'request.create',
    'request.handle',
    'request.supervise',
    'callback.record',
    'incident.manage',
    'complaint.lead',
    'pii.phone',
    'audit.read',
  ],
  company_leader: [...ALL_STAFF_READ, 'complaint.lead', 'audit.read'],
  company_admin: [
    ...ALL_STAFF_READ,
    'directory.write',
    'structure.manage',
    'org.manage',
    'pii.phone',
    'pii.id_number',
    'calendar.manage',
    'config.manage',
    'catalog.manage',
    'audit.read',
  ],
  resident: ['resident.self'],
};

export function roleCan(role: string, perm: Permission): boolean {
  return (ROLE_PERMISSIONS as Record<string, readonly Permission[]>)[role]?.includes(perm) ?? false;
}

export function isRole(v: string): v is Role {
  return (ROLE_CODES as readonly string[]).includes(v);
}
