import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { DEMO_PASSWORD, seedDemo } from '../../server/demo/demo-data.ts';
import { addUser } from '../../server/domains/org/org.service.ts';
import type { Role } from '../../server/platform/access/roles.ts';
import type { AppContext, Clock } from '../../server/platform/context.ts';
import type { Dialect } from '../../server/platform/db/index.ts';
import { createTestDb, type TestDb } from './db.ts';

export interface TestServer {
  url: string;
  app: FastifyInstance;
  ctx: AppContext;
  /** The database underneath, for tests that run the CLI against it. */
  tdb: TestDb;
  demo: { projectIds: string[]; projectByCode: Record<string, string> };
  /** The demo's resident 李明华 (owner of 阳光花园 3-1-1502) and technician 张师傅, as most repair and complaint tests use them. */
  people: { unitId: string; ownerId: string; weixiuId: string };
  /** A new login of the role, limited to the given projects (default: 阳光花园; null = all). */
  makeUser(
    role: Role,
    opts?: { projectIds?: string[] | null; personId?: string },
  ): Promise<{ username: string; password: string; id: string }>;
  close(): Promise<void>;
}

let n = 0;

/** The real app on a real port over a fresh database with the demo data: what a browser or client talks to. */
export async function startTestServer(opts: { dialect?: Dialect; clock?: Clock; demo?: boolean } = {}): Promise<TestServer> {
  const tdb = await createTestDb(opts.dialect ?? 'sqlite', opts.clock);
  const { ctx } = tdb;
  if (opts.demo !== false) await seedDemo(ctx);
  const app = await buildApp({ ctx, webDir: loadConfig().webDir });
  await ctx.live.start();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const projects = await ctx.db.selectFrom('projects').select(['id', 'code']).orderBy('code').execute();
  const projectByCode = Object.fromEntries(projects.map((p) => [p.code, p.id]));
  const people = { unitId: '', ownerId: '', weixiuId: '' };
  if (opts.demo !== false) {
    const unit = await ctx.db
      .selectFrom('units')
      .select('id')
      .where('project_id', '=', projectByCode.YGHY as string)
      .where('number', '=', '3-1-1502')
      .executeTakeFirstOrThrow();
    const owner = await ctx.db
      .selectFrom('occupancies')
      .select('person_id')
      .where('unit_id', '=', unit.id)
      .where('relation', '=', 'owner')
      .executeTakeFirstOrThrow();
    const weixiu = await ctx.db.selectFrom('users').select('id').where('username', '=', 'weixiu').executeTakeFirstOrThrow();
    Object.assign(people, { unitId: unit.id, ownerId: owner.person_id, weixiuId: weixiu.id });
  }
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    ctx,
    tdb,
    people,
    demo: { projectIds: projects.map((p) => p.id), projectByCode },
    async makeUser(role, o = {}) {
      const username = `t${process.pid}x${n++}${role.replace(/_/g, '')}`.slice(0, 32);
      const password = 'Test2026pass';
      const projectIds = o.projectIds === undefined ? [projectByCode.YGHY as string] : o.projectIds;
      const u = await addUser(ctx, null, {
        username,
        password,
        role,
        projectCodesOrIds: projectIds ?? undefined,
        personId: o.personId,
      });
      return { username, password, id: u.id };
    },
    async close() {
      await app.close();
      await ctx.live.stop();
      await tdb.close();
    },
  };
}

export { DEMO_PASSWORD };

/** A small HTTP client with a cookie jar and the CSRF header, like the web console. */
export class Client {
  cookies = new Map<string, string>();
  csrf = '';
  /** Who signed in last, when a test wants to sign in again. */
  username?: string;
  constructor(readonly base: string) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined) h['content-type'] = 'application/json';
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method !== 'GET' && this.csrf && !('x-csrf-token' in h)) h['x-csrf-token'] = this.csrf;
    const res = await fetch(this.base + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair?.indexOf('=') ?? -1;
      if (pair && i > 0) {
        const k = pair.slice(0, i);
        const v = pair.slice(i + 1);
        if (v === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(k);
        else this.cookies.set(k, v);
      }
    }
    const text = await res.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, body: json, headers: res.headers };
  }
  get(path: string) {
    return this.request('GET', path);
  }
  post(path: string, body?: unknown) {
    return this.request('POST', path, body ?? {});
  }
  patch(path: string, body: unknown) {
    return this.request('PATCH', path, body);
  }
  put(path: string, body: unknown) {
    return this.request('PUT', path, body);
  }
  delete(path: string) {
    return this.request('DELETE', path);
  }
  async login(username: string, password: string) {
    const r = await this.post('/api/auth/login', { username, password });
    if (r.status === 200) {
      this.csrf = r.body.csrfToken;
      this.username = username;
    }
    return r;
  }
}
