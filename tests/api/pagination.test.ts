import { afterAll, beforeAll, expect, it } from 'vitest';
import type { z } from 'zod';
import { type Role, roleCan } from '../../server/platform/access/roles.ts';
import { encodeCursor } from '../../server/platform/http/common.ts';
import type { AnyRouteSpec } from '../../server/platform/http/route.ts';
import { describeEachDb } from '../helpers/db.ts';
import { makeKitFactory } from '../helpers/kit.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

function takesCursor(r: AnyRouteSpec) {
  const shape = (r.querystring as z.ZodObject | undefined)?.shape;
  return r.method === 'GET' && !!shape && 'cursor' in shape;
}

function roleFor(r: AnyRouteSpec): Role {
  const prefer: Role[] = ['company_admin', 'service_supervisor', 'receptionist', 'resident'];
  return prefer.find((x) => r.access === 'authenticated' || r.access === 'public' || roleCan(x, r.access)) ?? 'company_admin';
}

/** Every keyset-paginated list refuses a cursor it did not issue with a 400 naming `cursor`, never a 500. */
describeEachDb('pagination: forged cursors', (dialect) => {
  let srv: TestServer;
  let kits: Awaited<ReturnType<typeof makeKitFactory>>;
  beforeAll(async () => {
    srv = await startTestServer({ dialect });
    kits = await makeKitFactory(srv.ctx);
  });
  afterAll(() => srv?.close());

  it('any role: a cursor of the wrong shape or types is a 400 on every list', async () => {
    const routes = srv.app.routeTable.filter(takesCursor);
    expect(routes.length).toBeGreaterThan(6);
    const forged = [
      'garbage',
      encodeCursor(['abc', 'def']),
      encodeCursor([1, 2]),
      encodeCursor([1]),
      encodeCursor(['x', 1, 'y']),
      Buffer.from('{"a":1}').toString('base64url'),
    ];
    for (const route of routes) {
      const role = roleFor(route);
      const s = await kits.session(role);
      const sample = await route.sample(kits.kit(role, s.userId));
      let issued = 0;
      for (const cursor of forged) {
        const q = new URLSearchParams({ ...(sample.query ?? {}), cursor });
        const res = await fetch(`${srv.url}${route.url}?${q}`, { headers: { cookie: s.cookie } });
        const body = await res.json();
        // The same cursor can be legitimate for a list ordered by two text columns.
        if (res.status === 200) {
          issued++;
          continue;
        }
        expect(res.status, `${route.url} ${cursor}`).toBe(400);
        expect(body.error.fields.cursor, route.url).toMatch(/游标/);
      }
      expect(issued, route.url).toBeLessThanOrEqual(1);
    }
  });
});
