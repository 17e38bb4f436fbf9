import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROLE_CODES, roleCan } from '../../server/platform/access/roles.ts';
import type { AnyRouteSpec, RouteSample } from '../../server/platform/http/route.ts';
import { describeEachDb } from '../helpers/db.ts';
import { makeKitFactory } from '../helpers/kit.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

// The telephony webhook is off without a shared secret: turn it on so its sample takes the success path.
process.env.TELEPHONY_SECRET ||= 'route-walk-telephony-secret';

function fillPath(url: string, params: Record<string, string> = {}) {
  return url.replace(/:(\w+)/g, (_, k: string) => encodeURIComponent(params[k] ?? 'missing'));
}

async function uploadForm(u: NonNullable<RouteSample['upload']>) {
  const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c33' } })
    .png()
    .toBuffer();
  const form = new FormData();
  form.append(u.field, new Blob([new Uint8Array(png)], { type: u.contentType }), u.filename);
  return form;
}

function allowed(route: AnyRouteSpec, role: string) {
  return route.access === 'public' || route.access === 'authenticated' || roleCan(role, route.access);
}

/**
 * Walks every route of the route table with every role. Routes added later are
 * covered without touching this file: each declares who may call it and a sample
 * request that must succeed for those roles.
 */
describeEachDb('access: every route × every role', (dialect) => {
  let srv: TestServer;
  let kits: Awaited<ReturnType<typeof makeKitFactory>>;

  beforeAll(async () => {
    srv = await startTestServer({ dialect });
    kits = await makeKitFactory(srv.ctx);
  });
  afterAll(() => srv?.close());

  it('the route table covers the API and every route has a sample', () => {
    const table = srv.app.routeTable;
    expect(table.length).toBeGreaterThan(30);
    for (const r of table) expect(typeof r.sample, `${r.method} ${r.url}`).toBe('function');
  });

  it('anonymous: 401 on every non-public route', async () => {
    for (const route of srv.app.routeTable) {
      if (route.access === 'public') continue;
      const sample = await route.sample(kits.kit('receptionist'));
      const q = sample.query ? `?${new URLSearchParams(sample.query)}` : '';
      const res = await fetch(srv.url + fillPath(route.url, sample.params) + q, {
        method: route.method,
        headers: sample.body !== undefined ? { 'content-type': 'application/json' } : {},
        body: sample.body !== undefined ? JSON.stringify(sample.body) : undefined,
      });
      expect(res.status, `${route.method} ${route.url}`).toBe(401);
    }
  });

  for (const role of ROLE_CODES) {
    it(`${role}: 2xx where the role has the permission, 403 elsewhere`, async () => {
      const failures: string[] = [];
      for (const route of srv.app.routeTable) {
        const s = await kits.session(role);
        const sample = await route.sample(kits.kit(role, s.userId));
        const q = sample.query ? `?${new URLSearchParams(sample.query)}` : '';
        const headers: Record<string, string> = { ...sample.headers, cookie: s.cookie, 'x-csrf-token': s.csrf };
        let body: BodyInit | undefined;
        if (sample.upload) body = await uploadForm(sample.upload);
        else if (sample.body !== undefined) {
          headers['content-type'] = 'application/json';
          body = JSON.stringify(sample.body);
        }
        const ac = new AbortController();
        const res = await fetch(srv.url + fillPath(route.url, sample.params) + q, {
          method: route.method,
          headers,
          body,
          signal: ac.signal,
        });
        // A live stream answers its headers and stays open: the status is all this test needs.
        if (res.headers.get('content-type')?.startsWith('text/event-stream')) ac.abort();
        const ok = allowed(route, role)
          ? (sample.expect ?? []).length
            ? sample.expect?.includes(res.status)
            : res.status >= 200 && res.status < 300
          : res.status === 403 || res.status === 404;
        if (!ok) failures.push(`${route.method} ${route.url} → ${res.status} ${(await res.text()).slice(0, 200)}`);
      }
      expect(failures).toEqual([]);
    });
  }

  it('receptionist: a write without the CSRF header is refused', async () => {
    const s = await kits.session('receptionist');
    const res = await fetch(`${srv.url}/api/people/${kits.kit('receptionist').fixtures.personId}/reveal-id`, {
      method: 'POST',
      headers: { cookie: s.cookie },
    });
    expect(res.status).toBe(403);
    const res2 = await fetch(`${srv.url}/api/auth/logout`, { method: 'POST', headers: { cookie: s.cookie, 'x-csrf-token': 'wrong' } });
    expect(res2.status).toBe(403);
    expect((await res2.json()).error.code).toBe('csrf_failed');
  });
});
