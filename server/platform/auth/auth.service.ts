import { createHash } from 'node:crypto';
import { isRole, type Role } from '../access/roles.ts';
import { appendAudit } from '../audit/audit.ts';
import type { AppContext } from '../context.ts';
import { AppError, fieldError } from '../http/errors.ts';
import { randomToken } from '../ids.ts';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { actorOf, type Viewer } from './viewer.ts';

export const SESSION_COOKIE = 'wuye_sid';
export const CSRF_COOKIE = 'wuye_csrf';
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_TTL_MS = 12 * 3600_000;
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MS = 15 * 60_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

// A hash to verify against when the username is unknown, so both cases take the same time.
let dummyHash: Promise<string> | undefined;

export interface LoginResult {
  token: string;
  csrfToken: string;
  viewer: Viewer;
  expiresAt: number;
}

function lockedMessage(until: number): string {
  const d = new Date(until + 8 * 3600_000);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `连续 ${MAX_FAILED_LOGINS} 次密码错误，账户已锁定，请于 ${hh}:${mm} 后重试`;
}

export async function login(ctx: AppContext, username: string, password: string, ip: string): Promise<LoginResult> {
  const now = ctx.clock.now();
  const user = await ctx.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  if (!user || !user.active) {
    dummyHash ??= hashPassword('not-a-real-password-1');
    await verifyPassword(await dummyHash, password);
    throw new AppError(401, 'bad_credentials', '用户名或密码错误');
  }
  if (user.locked_until > now) throw new AppError(401, 'account_locked', lockedMessage(user.locked_until));

  const ok = await verifyPassword(user.password_hash, password);
  const actor = { userId: user.id, name: `${user.display_name}(${user.username})`, ip };
  if (!ok) {
    const attempts = user.failed_attempts + 1;
    const lock = attempts >= MAX_FAILED_LOGINS;
    await ctx.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('users')
        .set({ failed_attempts: lock ? 0 : attempts, locked_until: lock ? now + LOCK_MS : user.locked_until })
        .where('id', '=', user.id)
        .execute();
      await appendAudit(
        tx,
        ctx.dialect,
        actor,
        {
          action: lock ? 'auth.locked' : 'auth.login_failed',
          entity: 'user',
          entityId: user.id,
          after: { failedAttempts: attempts },
        },
        now,
      );
    });
    if (lock) throw new AppError(401, 'account_locked', lockedMessage(now + LOCK_MS));
    throw new AppError(401, 'bad_credentials', `用户名或密码错误（还可尝试 ${MAX_FAILED_LOGINS - attempts} 次）`);
  }

  const token = randomToken();
  const csrfToken = randomToken(24);
  const expiresAt = now + SESSION_TTL_MS;
  await ctx.db.transaction().execute(async (tx) => {
    await tx.updateTable('users').set({ failed_attempts: 0, locked_until: 0 }).where('id', '=', user.id).execute();
    await tx
      .insertInto('sessions')
      .values({ id: sha256(token), user_id: user.id, csrf_token: csrfToken, created_at: now, expires_at: expiresAt, ip })
      .execute();
    await appendAudit(tx, ctx.dialect, actor, { action: 'auth.login', entity: 'user', entityId: user.id }, now);
  });
  const viewer = await sessionViewer(ctx, token, ip);
  if (!viewer) throw new Error('session vanished right after login');
  return { token, csrfToken, viewer, expiresAt };
}

/**
 * How long a node trusts a session row it has read. Every request used to read the session
 * and the user's projects; now a node reads them once per this interval and session. Logout,
 * a password change and account changes drop the entries on the node that makes them at once;
 * on other nodes they take effect within this bound. Expiry is checked on every request.
 */
export const SESSION_CACHE_MS = 2000;
const SESSION_CACHE_MAX = 10_000;

interface SessionEntry {
  userId: string;
  username: string;
  name: string;
  role: Role;
  projectIds: string[] | null;
  personId: string | null;
  staffId: string | null;
  csrfToken: string;
  expiresAt: number;
  /** Real time of the read (not the injectable clock, which tests may hold still). */
  readAt: number;
}

// One cache per database context: tests run many databases in one process.
const sessionCaches = new WeakMap<AppContext, Map<string, SessionEntry>>();
function cacheOf(ctx: AppContext): Map<string, SessionEntry> {
  let c = sessionCaches.get(ctx);
  if (!c) {
    c = new Map();
    sessionCaches.set(ctx, c);
  }
  return c;
}

/** Forgets what this node has cached of one user's sessions (after logout or an account change). */
export function forgetSessions(ctx: AppContext, userId: string): void {
  const c = cacheOf(ctx);
  for (const [k, v] of c) if (v.userId === userId) c.delete(k);
}

async function readSession(ctx: AppContext, id: string): Promise<SessionEntry | null> {
  const row = await ctx.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'users.id as userId',
      'users.username',
      'users.display_name',
      'users.role',
      'users.all_projects',
      'users.person_id',
      'users.staff_id',
      'users.active',
      'sessions.csrf_token',
      'sessions.expires_at',
    ])
    .where('sessions.id', '=', id)
    .executeTakeFirst();
  if (!row?.active || !isRole(row.role)) return null;
  let projectIds: string[] | null = null;
  if (!row.all_projects) {
    const rows = await ctx.db.selectFrom('user_projects').select('project_id').where('user_id', '=', row.userId).execute();
    projectIds = rows.map((r) => r.project_id);
  }
  return {
    userId: row.userId,
    username: row.username,
    name: row.display_name || row.username,
    role: row.role as Role,
    projectIds,
    personId: row.person_id,
    staffId: row.staff_id,
    csrfToken: row.csrf_token,
    expiresAt: row.expires_at,
    readAt: Date.now(),
  };
}

/** Resolves a cookie token to the signed-in user, or null when absent, expired or disabled. */
export async function sessionViewer(ctx: AppContext, token: string | undefined, ip: string): Promise<Viewer | null> {
  if (!token) return null;
  const id = sha256(token);
  const cache = cacheOf(ctx);
  let s = cache.get(id);
  if (!s || Date.now() - s.readAt > SESSION_CACHE_MS) {
    cache.delete(id);
    const read = await readSession(ctx, id);
    if (!read) return null;
    s = read;
    if (cache.size >= SESSION_CACHE_MAX) cache.delete(cache.keys().next().value as string);
    cache.set(id, s);
  }
  if (s.expiresAt <= ctx.clock.now()) return null;
  return {
    userId: s.userId,
    username: s.username,
    name: s.name,
    role: s.role,
    // A copy: a service that edits the viewer must not edit the cached entry.
    projectIds: s.projectIds ? [...s.projectIds] : null,
    personId: s.personId,
    staffId: s.staffId,
    ip,
    csrfToken: s.csrfToken,
  };
}

export async function logout(ctx: AppContext, viewer: Viewer, token: string): Promise<void> {
  cacheOf(ctx).delete(sha256(token));
  await ctx.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('sessions').where('id', '=', sha256(token)).execute();
    await appendAudit(
      tx,
      ctx.dialect,
      actorOf(viewer),
      { action: 'auth.logout', entity: 'user', entityId: viewer.userId },
      ctx.clock.now(),
    );
  });
}

/** Changing the password ends every other session of the user. */
export async function changePassword(
  ctx: AppContext,
  viewer: Viewer,
  token: string,
  oldPassword: string,
  newPassword: string,
): Promise<void> {
  const user = await ctx.db.selectFrom('users').select(['password_hash']).where('id', '=', viewer.userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(user.password_hash, oldPassword))) throw fieldError('oldPassword', '原密码不正确');
  const problem = passwordProblem(newPassword);
  if (problem) throw fieldError('newPassword', problem);
  if (oldPassword === newPassword) throw fieldError('newPassword', '新密码不能与原密码相同');
  const hashed = await hashPassword(newPassword);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (tx) => {
    await tx.updateTable('users').set({ password_hash: hashed, updated_at: now }).where('id', '=', viewer.userId).execute();
    await tx.deleteFrom('sessions').where('user_id', '=', viewer.userId).where('id', '!=', sha256(token)).execute();
    await appendAudit(tx, ctx.dialect, actorOf(viewer), { action: 'auth.password_changed', entity: 'user', entityId: viewer.userId }, now);
  });
  forgetSessions(ctx, viewer.userId);
}
