import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROLE_PERMISSIONS } from '../../server/platform/access/roles.ts';
import { LOCK_MS, SESSION_TTL_MS } from '../../server/platform/auth/auth.service.ts';
import { describeEachDb, TestClock } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const CHINESE = /[\u4e00-\u9fa5]/;

describeEachDb('auth: login, lockout, sessions, CSRF, passwords', (dialect) => {
  let srv: TestServer;
  // One clock for the whole server: lockout and session expiry are judged against it.
  const clock = new TestClock();

  beforeAll(async () => {
    srv = await startTestServer({ dialect, clock });
  });
  afterAll(() => srv?.close());

  const client = () => new Client(srv.url);

  async function signedIn(role: Parameters<TestServer['makeUser']>[0] = 'receptionist') {
    const user = await srv.makeUser(role);
    const c = client();
    const r = await c.login(user.username, user.password);
    expect(r.status).toBe(200);
    return { user, c };
  }

  async function auditOf(userId: string) {
    return srv.ctx.db
      .selectFrom('audit_events')
      .select(['seq', 'action', 'actor_id', 'actor_name', 'ip', 'after_json'])
      .where('entity', '=', 'user')
      .where('entity_id', '=', userId)
      .orderBy('seq')
      .execute();
  }

  it('receptionist: login sets an HttpOnly SameSite=Lax session cookie and a readable CSRF cookie', async () => {
    const user = await srv.makeUser('receptionist');
    const res = await fetch(`${srv.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user.username, password: user.password }),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    const cookies = res.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('wuye_sid='));
    const csrf = cookies.find((c) => c.startsWith('wuye_csrf='));
    expect(session).toBeDefined();
    expect(csrf).toBeDefined();
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).toMatch(/;\s*SameSite=Lax/i);
    expect(session).toMatch(/;\s*Path=\//i);
    // The console's script must read the CSRF cookie to echo it back in the header.
    expect(csrf).not.toMatch(/HttpOnly/i);
    expect(csrf).toMatch(/;\s*SameSite=Lax/i);
    const csrfValue = csrf!.split(';')[0]!.slice('wuye_csrf='.length);
    const sessionValue = session!.split(';')[0]!.slice('wuye_sid='.length);
    expect(typeof body.csrfToken).toBe('string');
    expect(body.csrfToken.length).toBeGreaterThanOrEqual(16);
    expect(csrfValue).toBe(body.csrfToken);
    expect(sessionValue.length).toBeGreaterThanOrEqual(16);
    expect(sessionValue).not.toBe(body.csrfToken);
    expect(body.user.username).toBe(user.username);
    expect(body.user.role).toBe('receptionist');

    // The database keeps only a hash of the token: a leaked table does not hand out sessions.
    const stored = await srv.ctx.db.selectFrom('sessions').select(['id', 'csrf_token']).where('user_id', '=', user.id).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.id).not.toBe(sessionValue);
    expect(stored[0]!.csrf_token).toBe(body.csrfToken);
  });

  it('receptionist: a wrong password gets 401 with a Chinese message and no session', async () => {
    const user = await srv.makeUser('receptionist');
    const c = client();
    const r = await c.login(user.username, 'Wrong2026pass');
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('bad_credentials');
    expect(r.body.error.message).toMatch(CHINESE);
    expect(r.headers.getSetCookie().some((x) => x.startsWith('wuye_sid='))).toBe(false);
    const sessions = await srv.ctx.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute();
    expect(sessions).toHaveLength(0);

    // An unknown user gets the same answer, so usernames cannot be probed.
    const unknown = await c.login('nobody-like-this', 'Wrong2026pass');
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('bad_credentials');
  });

  it('receptionist: 5 wrong passwords lock the account for 15 minutes, then the right one works again', async () => {
    const user = await srv.makeUser('receptionist');
    const c = client();
    for (let i = 1; i <= 4; i++) {
      const r = await c.login(user.username, `Wrong${i}pass2026`);
      expect(r.status, `attempt ${i}`).toBe(401);
      expect(r.body.error.code, `attempt ${i}`).toBe('bad_credentials');
    }
    const lockedAt = clock.now();
    const fifth = await c.login(user.username, 'Wrong5pass2026');
    expect(fifth.status).toBe(401);
    expect(fifth.body.error.code).toBe('account_locked');
    expect(fifth.body.error.message).toMatch(CHINESE);

    const row = await srv.ctx.db.selectFrom('users').select(['locked_until']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.locked_until).toBe(lockedAt + LOCK_MS);

    const right = await c.login(user.username, user.password);
    expect(right.status).toBe(401);
    expect(right.body.error.code).toBe('account_locked');

    clock.advance(LOCK_MS - 1);
    const stillLocked = await c.login(user.username, user.password);
    expect(stillLocked.status).toBe(401);
    expect(stillLocked.body.error.code).toBe('account_locked');

    clock.advance(1);
    const again = await c.login(user.username, user.password);
    expect(again.status).toBe(200);
    expect((await c.get('/api/auth/me')).status).toBe(200);
    const after = await srv.ctx.db
      .selectFrom('users')
      .select(['failed_attempts', 'locked_until'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(after.failed_attempts).toBe(0);
    expect(after.locked_until).toBe(0);
  });

  it('receptionist: failed logins and the lock are in the audit trail with who and from where', async () => {
    const user = await srv.makeUser('receptionist');
    const c = client();
    for (let i = 0; i < 5; i++) await c.login(user.username, `Nope${i}pass2026`);
    const events = await auditOf(user.id);
    const failures = events.filter((e) => e.action === 'auth.login_failed' || e.action === 'auth.locked');
    expect(failures.map((e) => e.action)).toEqual([
      'auth.login_failed',
      'auth.login_failed',
      'auth.login_failed',
      'auth.login_failed',
      'auth.locked',
    ]);
    expect(failures.map((e) => JSON.parse(e.after_json ?? '{}').failedAttempts)).toEqual([1, 2, 3, 4, 5]);
    for (const e of failures) {
      expect(e.actor_id).toBe(user.id);
      expect(e.actor_name).toContain(user.username);
      expect(e.ip).toBe('127.0.0.1');
    }
    // The password tried is never written down.
    expect(JSON.stringify(events)).not.toContain('Nope');
  });

  it('receptionist: logout ends the session on the server, not just in the browser', async () => {
    const { user, c } = await signedIn();
    const cookie = `wuye_sid=${c.cookies.get('wuye_sid')}`;
    expect((await c.get('/api/auth/me')).status).toBe(200);
    const out = await c.post('/api/auth/logout');
    expect(out.status).toBe(204);
    expect(c.cookies.has('wuye_sid')).toBe(false);
    expect((await c.get('/api/auth/me')).status).toBe(401);

    // Replaying the old cookie must not bring the session back.
    const replay = await fetch(`${srv.url}/api/auth/me`, { headers: { cookie } });
    expect(replay.status).toBe(401);
    expect((await replay.json()).error.code).toBe('unauthorized');
    const sessions = await srv.ctx.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute();
    expect(sessions).toHaveLength(0);
    const actions = (await auditOf(user.id)).map((e) => e.action);
    expect(actions).toContain('auth.logout');
  });

  it('service_supervisor: GET /api/auth/me returns the role, projects and permissions', async () => {
    const c = client();
    const login = await c.login('kefuzhuguan', DEMO_PASSWORD);
    expect(login.status).toBe(200);
    const me = await c.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('kefuzhuguan');
    expect(me.body.name).toBe('陈佳怡');
    expect(me.body.role).toBe('service_supervisor');
    expect(me.body.projectIds).toEqual([srv.demo.projectByCode.YGHY]);
    expect([...me.body.permissions].sort()).toEqual([...ROLE_PERMISSIONS.service_supervisor].sort());
    expect(me.body.permissions).toContain('pii.id_number');
    expect(me.body.csrfToken).toBe(login.body.csrfToken);
  });

  it('technician: GET /api/auth/me lists only the technician permissions; anonymous gets 401', async () => {
    const { c } = await signedIn('technician');
    const me = await c.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.role).toBe('technician');
    expect([...me.body.permissions].sort()).toEqual([...ROLE_PERMISSIONS.technician].sort());
    expect(me.body.permissions).not.toContain('pii.phone');

    const anon = await client().get('/api/auth/me');
    expect(anon.status).toBe(401);
    expect(anon.body.error.message).toMatch(CHINESE);
  });

  it('receptionist: a write without or with a wrong x-csrf-token is refused with csrf_failed', async () => {
    const { user, c } = await signedIn();
    const person = await srv.ctx.db.selectFrom('people').select(['id', 'version', 'notes']).orderBy('id').executeTakeFirstOrThrow();
    const patch = { version: person.version, notes: 'csrf probe' };

    const token = c.csrf;
    c.csrf = '';
    const without = await c.patch(`/api/people/${person.id}`, patch);
    c.csrf = token;
    expect(without.status).toBe(403);
    expect(without.body.error.code).toBe('csrf_failed');
    expect(without.body.error.message).toMatch(CHINESE);

    // Same length, last character changed (whatever it was).
    const altered = `${token.slice(0, -1)}${token.endsWith('x') ? 'y' : 'x'}`;
    const wrong = await c.request('PATCH', `/api/people/${person.id}`, patch, { 'x-csrf-token': altered });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('csrf_failed');

    // Another user's valid token is still the wrong one for this session.
    const other = await signedIn();
    const foreign = await c.request('POST', '/api/auth/logout', {}, { 'x-csrf-token': other.c.csrf });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('csrf_failed');

    const after = await srv.ctx.db.selectFrom('people').select(['version', 'notes']).where('id', '=', person.id).executeTakeFirstOrThrow();
    expect(after).toEqual({ version: person.version, notes: person.notes });
    expect((await c.get('/api/auth/me')).status).toBe(200);
    const sessions = await srv.ctx.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute();
    expect(sessions).toHaveLength(1);

    // Reads need no token: the header guards only state changes.
    const read = await c.request('GET', '/api/auth/me', undefined, { 'x-csrf-token': 'anything' });
    expect(read.status).toBe(200);
  });

  it('receptionist: changing the password checks the old one and the strength of the new one', async () => {
    const { user, c } = await signedIn();
    const before = await srv.ctx.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();

    const wrongOld = await c.post('/api/auth/password', { oldPassword: 'NotMine2026', newPassword: 'Fresh2026pass' });
    expect(wrongOld.status).toBe(400);
    expect(Object.keys(wrongOld.body.error.fields)).toEqual(['oldPassword']);
    expect(wrongOld.body.error.fields.oldPassword).toMatch(CHINESE);

    for (const weak of ['Ab1', 'onlyletters', '1234567890']) {
      const r = await c.post('/api/auth/password', { oldPassword: user.password, newPassword: weak });
      expect(r.status, weak).toBe(400);
      expect(Object.keys(r.body.error.fields), weak).toEqual(['newPassword']);
      expect(r.body.error.fields.newPassword, weak).toMatch(CHINESE);
    }

    const after = await srv.ctx.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(after.password_hash).toBe(before.password_hash);
  });

  it('receptionist: after a password change the old password fails, the new one works, and other sessions end', async () => {
    const { user, c } = await signedIn();
    const phone = client();
    expect((await phone.login(user.username, user.password)).status).toBe(200);
    expect((await phone.get('/api/auth/me')).status).toBe(200);

    const newPassword = 'Changed2026pass';
    const r = await c.post('/api/auth/password', { oldPassword: user.password, newPassword });
    expect(r.status).toBe(204);

    expect((await c.get('/api/auth/me')).status).toBe(200);
    expect((await phone.get('/api/auth/me')).status).toBe(401);
    const sessions = await srv.ctx.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute();
    expect(sessions).toHaveLength(1);

    const stored = await srv.ctx.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(stored.password_hash.startsWith('$argon2id$')).toBe(true);
    expect(stored.password_hash).not.toContain(newPassword);

    const old = await client().login(user.username, user.password);
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe('bad_credentials');
    const fresh = await client().login(user.username, newPassword);
    expect(fresh.status).toBe(200);

    const actions = (await auditOf(user.id)).map((e) => e.action);
    expect(actions).toContain('auth.password_changed');
  });

  it('receptionist: a session expires 12 hours after login', async () => {
    const { c } = await signedIn();
    clock.advance(SESSION_TTL_MS - 1000);
    expect((await c.get('/api/auth/me')).status).toBe(200);
    clock.advance(1000);
    const expired = await c.get('/api/auth/me');
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('unauthorized');
    const write = await c.post('/api/auth/logout');
    expect(write.status).toBe(401);
  });

  it('company_admin: a disabled user cannot log in and loses the session they had', async () => {
    const admin = client();
    expect((await admin.login('admin', DEMO_PASSWORD)).status).toBe(200);
    const { user, c } = await signedIn();
    const { version } = await srv.ctx.db.selectFrom('users').select('version').where('id', '=', user.id).executeTakeFirstOrThrow();

    const patched = await admin.patch(`/api/users/${user.id}`, { version, active: false });
    expect(patched.status).toBe(200);
    expect(patched.body.active).toBe(false);
    const row = await srv.ctx.db.selectFrom('users').select(['active', 'version']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.active).toBe(0);
    expect(row.version).toBe(version + 1);

    expect((await c.get('/api/auth/me')).status).toBe(401);
    const again = await client().login(user.username, user.password);
    expect(again.status).toBe(401);
    expect(again.body.error.message).toMatch(CHINESE);
    const sessions = await srv.ctx.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute();
    expect(sessions).toHaveLength(0);

    const updated = (await auditOf(user.id)).filter((e) => e.action === 'user.updated');
    expect(updated).toHaveLength(1);
    expect(updated[0]!.actor_name).toBe('系统管理员(admin)');
    expect(JSON.parse(updated[0]!.after_json ?? '{}').active).toBe(false);
  });
});
