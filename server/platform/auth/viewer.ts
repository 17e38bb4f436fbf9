import { type Permission, type Role, roleCan } from '../access/roles.ts';
import type { Actor } from '../audit/audit.ts';
import { forbidden } from '../http/errors.ts';

/** The signed-in user as the services see them: identity, role, and the projects they may act in. */
export interface Viewer {
  userId: string;
  username: string;
  name: string;
  role: Role;
  /** null = every project of the company. */
  projectIds: string[] | null;
  personId: string | null;
  staffId: string | null;
  ip: string;
  csrfToken: string;
}

export function can(v: Viewer, perm: Permission): boolean {
  return roleCan(v.role, perm);
}

export function require(v: Viewer, perm: Permission): void {
  if (!can(v, perm)) throw forbidden();
}

export function actorOf(v: Viewer): Actor {
  return { userId: v.userId, name: `${v.name}(${v.username})`, ip: v.ip };
}

export function inProject(v: Viewer, projectId: string): boolean {
  return v.projectIds === null || v.projectIds.includes(projectId);
}
