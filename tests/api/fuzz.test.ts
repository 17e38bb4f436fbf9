import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { type Role, roleCan } from '../../server/platform/access/roles.ts';
import type { AnyRouteSpec, RouteSample } from '../../server/platform/http/route.ts';
import { describeEachDb } from '../helpers/db.ts';
import { makeKitFactory } from '../helpers/kit.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

// The telephony webhook is off without a shared secret: turn it on so its bodies reach validation and the service.
process.env.TELEPHONY_SECRET ||= 'route-walk-telephony-secret';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const NUM_RUNS = 30;
const CHINESE = /[\u4e00-\u9fff]/;

function fillPath(url: string, params: Record<string, string> = {}) {
  return url.replace(/:(\w+)/g, (_, k: string) => encodeURIComponent(params[k] ?? 'missing'));
}

/** Every string in the value: where NUL bytes, lone surrogates and huge inputs go. */
function mapStrings(v: unknown, f: (s: string) => string): unknown {
  if (typeof v === 'string') return f(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapStrings(x, f)]));
  return v;
}

function nest(depth: number, leaf: unknown, asArray: boolean): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
  return v;
}

/** The keys a well-formed body would have: from the zod object, else from the sample. */
function bodyKeys(route: AnyRouteSpec, sample: RouteSample): string[] {
  if (route.body instanceof z.ZodObject) return Object.keys(route.body.shape);
  if (sample.body && typeof sample.body === 'object' && !Array.isArray(sample.body)) return Object.keys(sample.body);
  return [];
}

const binaryString = fc.string({ unit: 'binary', maxLength: 40 });
const wrongValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  binaryString,
  fc.array(fc.integer(), { maxLength: 4 }),
  fc.object({ maxDepth: 1 }),
  fc.constantFrom('', ' ', '\u0000', '0', '-1', 'null', 'true', '[]', '{}', '1e309', '😀', '\ud800', 'DROP TABLE users;--', "' OR 1=1 --"),
);
const hugeString = fc
  .tuple(fc.constantFrom('x', '物', '\u0000', '😀', 'ab'), fc.integer({ min: 1_000, max: 200_000 }))
  .map(([s, n]) => s.repeat(n));

/** Bad bodies of every kind the issue lists, mixed with near-valid ones that reach the service. */
function badBodies(keys: string[], sampleBody: unknown): fc.Arbitrary<unknown> {
  const base = sampleBody && typeof sampleBody === 'object' && !Array.isArray(sampleBody) ? (sampleBody as Record<string, unknown>) : {};
  const arbs: fc.Arbitrary<unknown>[] = [
    fc.anything(),
    fc.object(),
    fc.oneof(fc.constant(null), fc.array(fc.anything(), { maxLength: 5 }), fc.double(), fc.integer(), binaryString, fc.boolean()),
    fc.integer({ min: 1, max: 3000 }).chain((depth) => fc.boolean().map((asArray) => nest(depth, 'x', asArray))),
    hugeString,
  ];
  if (keys.length) {
    arbs.push(
      // The right keys, wrong types.
      fc.record(Object.fromEntries(keys.map((k) => [k, wrongValue])), { requiredKeys: [] }),
      // The sample with one field broken, dropped, made huge or nested deep.
      fc
        .tuple(
          fc.constantFrom(...keys),
          fc.oneof(
            wrongValue,
            fc.constant(undefined),
            hugeString,
            fc.integer({ min: 1, max: 3000 }).map((d) => nest(d, 1, true)),
          ),
        )
        .map(([k, v]) => ({ ...base, [k]: v })),
      // Right shape, odd strings: passes the schema often and tests what the service does with it.
      fc
        .constantFrom('\u0000', '\ud83d', '   ', '𠮷', '%', '_', '\\', "'", 'no-such-id')
        .map((odd) => mapStrings(base, (s) => `${s}${odd}`)),
      binaryString.map((odd) => mapStrings(base, () => odd)),
    );
  }
  return fc.oneof(...arbs);
}

function expectErrorShape(body: any, what: string) {
  expect(body, what).toBeTypeOf('object');
  expect(body?.error?.code, what).toBeTypeOf('string');
  expect(body?.error?.message, what).toMatch(CHINESE);
  if (body.error.fields !== undefined) {
    expect(body.error.fields, what).toBeTypeOf('object');
    for (const v of Object.values(body.error.fields)) expect(v, what).toBeTypeOf('string');
  }
}

/**
 * Generated bad bodies against every write route, signed in as a role allowed to call
 * it, so the requests get past access checks and into validation and the services: 4xx every time, never a 500; a body the schema rejects is a 400 in
 * the error shape. Routes added later are covered without touching this file.
 */
/** A role that may call the route, so the request reaches validation rather than a 403. */
function actingRole(route: AnyRouteSpec): Role {
  const prefer: Role[] = ['company_admin', 'service_supervisor', 'project_manager', 'quality_officer', 'receptionist', 'resident'];
  return prefer.find((r) => route.access === 'public' || route.access === 'authenticated' || roleCan(r, route.access)) ?? 'company_admin';
}

describeEachDb('fuzz: generated bad bodies on every write route', (dialect) => {
  let srv: TestServer;
  let kits: Awaited<ReturnType<typeof makeKitFactory>>;

  beforeAll(async () => {
    srv = await startTestServer({ dialect });
    kits = await makeKitFactory(srv.ctx);
  });
  afterAll(() => srv?.close());

  async function send(
    route: AnyRouteSpec,
    path: string,
    s: { cookie: string; csrf: string; headers?: Record<string, string> },
    body?: string,
    contentType?: string,
  ) {
    const headers: Record<string, string> = { ...s.headers, cookie: s.cookie, 'x-csrf-token': s.csrf };
    if (contentType) headers['content-type'] = contentType;
    const res = await fetch(srv.url + path, { method: route.method, headers, body });
    const text = await res.text();
    let json: unknown = text;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: the shape assertions below report it
    }
    return { status: res.status, body: json as any, text };
  }

  it('the route table has write routes to fuzz', () => {
    expect(srv.app.routeTable.filter((r) => WRITE_METHODS.has(r.method)).length).toBeGreaterThan(10);
  });

  it('permitted role: generated bodies get 4xx, never 500; schema rejects are 400 in the error shape', async () => {
    const routes = srv.app.routeTable.filter((r) => WRITE_METHODS.has(r.method));
    for (const route of routes) {
      const role = actingRole(route);
      const session = await kits.session(role);
      const sample = await route.sample(kits.kit(role, session.userId));
      const s = { ...session, headers: sample.headers };
      const keys = bodyKeys(route, sample);
      const hasParams = route.url.includes(':');
      const samplePath = fillPath(route.url, sample.params);
      const pathArb = hasParams
        ? fc.oneof(
            { weight: 4, arbitrary: fc.constant({ path: samplePath, reached: true }) },
            fc
              .string({ unit: 'binary', minLength: 1, maxLength: 80 })
              .map((id) => ({ path: route.url.replace(/:(\w+)/g, () => encodeURIComponent(id)), reached: false })),
          )
        : fc.constant({ path: samplePath, reached: true });

      await fc.assert(
        fc.asyncProperty(pathArb, badBodies(keys, sample.body), async ({ path, reached }, value) => {
          const wire = JSON.stringify(value);
          const res = wire === undefined ? await send(route, path, s) : await send(route, path, s, wire, 'application/json');
          const what = `${route.method} ${route.url} (${path.slice(0, 80)}) ${wire?.slice(0, 200)} → ${res.status} ${res.text.slice(0, 300)}`;
          expect(res.status, what).toBeLessThan(500);
          if (res.status >= 400) expectErrorShape(res.body, what);
          if (reached && route.body) {
            const parsed = wire === undefined ? undefined : JSON.parse(wire);
            if (!route.body.safeParse(parsed).success) expect(res.status, what).toBe(400);
          }
        }),
        { numRuns: NUM_RUNS },
      );
    }
  });

  it('permitted role: raw non-JSON, the wrong content type and an oversized body are 4xx in the error shape', async () => {
    const routes = srv.app.routeTable.filter((r) => WRITE_METHODS.has(r.method));
    const oversized = JSON.stringify({ name: 'x'.repeat(3 * 1024 * 1024) });
    const cases: [string | undefined, string | undefined][] = [
      ['{"name":', 'application/json'],
      ['not json at all', 'application/json'],
      ["{'single':'quotes'}", 'application/json'],
      ['{"a":1}{"b":2}', 'application/json'],
      ['', 'application/json'],
      ['{"__proto__":{"admin":true}}', 'application/json'],
      ['{"constructor":{"prototype":{"admin":true}}}', 'application/json'],
      ['\u0000\u0001\u0002', 'application/json'],
      ['name=张三&phone=13800000000', 'application/x-www-form-urlencoded'],
      ['<xml/>', 'application/xml'],
      ['hello', 'text/plain'],
      ['{"name":"x"}', 'multipart/form-data; boundary=zzz'],
      [oversized, 'application/json'],
      // Deeper than any recursive walk of the body can survive on a default stack.
      [`${'['.repeat(50_000)}${']'.repeat(50_000)}`, 'application/json'],
      [`${'{"a":'.repeat(50_000)}"\\u0000"${'}'.repeat(50_000)}`, 'application/json'],
    ];
    for (const route of routes) {
      const role = actingRole(route);
      const session = await kits.session(role);
      const sample = await route.sample(kits.kit(role, session.userId));
      const s = { ...session, headers: sample.headers };
      const path = fillPath(route.url, sample.params);
      for (const [body, type] of cases) {
        const res = await send(route, path, s, body, type);
        const what = `${route.method} ${route.url} ${type} ${String(body).slice(0, 60)} → ${res.status} ${res.text.slice(0, 300)}`;
        expect(res.status, what).toBeLessThan(500);
        if (res.status >= 400) expectErrorShape(res.body, what);
        // A body that is not valid JSON can never satisfy a body schema.
        if (route.body && type === 'application/json' && body !== undefined) {
          let parsed: unknown;
          let isJson = true;
          try {
            parsed = JSON.parse(body);
          } catch {
            isJson = false;
          }
          if (!isJson || !route.body.safeParse(parsed).success) expect(res.status, what).toBeGreaterThanOrEqual(400);
        }
      }
    }
  });

  it('permitted role: the sample body sent to an id that does not exist is a 4xx, never a success', async () => {
    const routes = srv.app.routeTable.filter((r) => WRITE_METHODS.has(r.method) && r.url.includes(':'));
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      const role = actingRole(route);
      const session = await kits.session(role);
      const sample = await route.sample(kits.kit(role, session.userId));
      const s = { ...session, headers: sample.headers };
      for (const id of ['0190d3c5-0000-7000-8000-000000000000', 'no-such-id', 'x'.repeat(200), '%00', '..%2F..%2Fetc']) {
        const path = route.url.replace(/:(\w+)/g, () => id);
        const body = sample.body === undefined ? undefined : JSON.stringify(sample.body);
        const res = await send(route, path, s, body, body === undefined ? undefined : 'application/json');
        const what = `${route.method} ${path} → ${res.status} ${res.text.slice(0, 300)}`;
        expect(res.status, what).toBeGreaterThanOrEqual(400);
        expect(res.status, what).toBeLessThan(500);
        expectErrorShape(res.body, what);
      }
    }
  });
});
