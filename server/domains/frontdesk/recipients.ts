import { toLocalDate } from '../../platform/calendar/calendar.ts';
import type { Db, Tx } from '../../platform/db/index.ts';
import { projectUsersByRole } from '../requests/requests.service.ts';

/** One person told of something, and in which capacity (客服主管, 工程部…): kept on the record. */
export interface Notified {
  userId: string;
  name: string;
  as: string;
}

/** Roles that lead a department when the department has no head of its own (the service department is led by its supervisor). */
const LEAD_ROLES = ['department_head', 'service_supervisor', 'project_manager'];

export async function departmentUsers(db: Db | Tx, departmentId: string, roles?: string[]): Promise<string[]> {
  let q = db
    .selectFrom('users')
    .innerJoin('staff', 'staff.id', 'users.staff_id')
    .select('users.id')
    .where('staff.department_id', '=', departmentId)
    .where('users.active', '=', 1)
    .where('users.role', '!=', 'resident');
  if (roles) q = q.where('users.role', 'in', roles);
  return (await q.execute()).map((u) => u.id);
}

/** The heads of a department, or everyone in it with a login when it has none. */
export async function departmentLeads(db: Db | Tx, departmentId: string): Promise<string[]> {
  const leads = await departmentUsers(db, departmentId, LEAD_ROLES);
  return leads.length ? leads : departmentUsers(db, departmentId);
}

/**
 * The department of that code for a project: the project's own (engineering, security…), else the
 * company's (hr, pr, leadership…), which has no project.
 */
export async function departmentByCode(db: Db | Tx, projectId: string, code: string) {
  const rows = await db
    .selectFrom('departments')
    .select(['id', 'name', 'project_id'])
    .where('code', '=', code)
    .where((eb) => eb.or([eb('project_id', '=', projectId), eb('project_id', 'is', null)]))
    .execute();
  return rows.find((r) => r.project_id === projectId) ?? rows.find((r) => r.project_id === null) ?? null;
}

/** Login accounts of residents related to the project today: who an estate notice reaches. */
export async function projectResidentUsers(db: Db | Tx, projectId: string, now: number): Promise<string[]> {
  const today = toLocalDate(now);
  const rows = await db
    .selectFrom('users')
    .select('users.id')
    .where('users.role', '=', 'resident')
    .where('users.active', '=', 1)
    .where('users.person_id', 'in', (eb) =>
      eb
        .selectFrom('occupancies')
        .select('occupancies.person_id')
        .where('occupancies.project_id', '=', projectId)
        .where((w) => w.or([w('occupancies.end_date', 'is', null), w('occupancies.end_date', '>=', today)])),
    )
    .execute();
  return rows.map((r) => r.id);
}

/** Resident logins of one person (a visitor's host, say). */
export async function personUsers(db: Db | Tx, personId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('person_id', '=', personId)
    .where('role', '=', 'resident')
    .where('active', '=', 1)
    .execute();
  return rows.map((r) => r.id);
}

export async function staffUsers(db: Db | Tx, staffId: string): Promise<string[]> {
  const rows = await db.selectFrom('users').select('id').where('staff_id', '=', staffId).where('active', '=', 1).execute();
  return rows.map((r) => r.id);
}

export { projectUsersByRole };

/**
 * Adds a group of users under a label, each user once (the first capacity named wins), with
 * display names read in one query.
 */
export class RecipientList {
  private readonly byUser = new Map<string, string>();

  add(userIds: string[], as: string): this {
    for (const id of userIds) if (!this.byUser.has(id)) this.byUser.set(id, as);
    return this;
  }

  get userIds(): string[] {
    return [...this.byUser.keys()];
  }

  async resolve(db: Db | Tx): Promise<Notified[]> {
    const ids = this.userIds;
    if (!ids.length) return [];
    const users = await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', ids).execute();
    const name = new Map(users.map((u) => [u.id, u.display_name]));
    return ids.map((id) => ({ userId: id, name: name.get(id) ?? '', as: this.byUser.get(id) ?? '' }));
  }
}
