import { afterAll, beforeAll, expect, it } from 'vitest';
import { VERSION } from '../../server/config.ts';
import { describeEachDb } from '../helpers/db.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const CHINESE = /[\u4e00-\u9fff]/;

/** OpenAPI writes path parameters as {id} where Fastify writes :id. */
function openapiPath(url: string) {
  return url.replace(/:(\w+)/g, '{$1}');
}

describeEachDb('API description and system routes', (dialect) => {
  let srv: TestServer;

  beforeAll(async () => {
    srv = await startTestServer({ dialect });
  });
  afterAll(() => srv?.close());

  it('anonymous: /api/openapi.json is OpenAPI 3 and lists every route of the route table', async () => {
    const res = await fetch(`${srv.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    const spec = await res.json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(spec.info.version).toBe(VERSION);

    const missing: string[] = [];
    for (const route of srv.app.routeTable) {
      const op = spec.paths?.[openapiPath(route.url)]?.[route.method.toLowerCase()];
      if (!op) {
        missing.push(`${route.method} ${route.url}`);
        continue;
      }
      expect(op.summary, `${route.method} ${route.url}`).toBe(route.summary);
      if (route.body) expect(op.requestBody?.content?.['application/json'], `${route.method} ${route.url} body`).toBeDefined();
      if (route.access !== 'public') expect(op.security, `${route.method} ${route.url} security`).toEqual([{ session: [] }]);
    }
    expect(missing).toEqual([]);
    expect(Object.keys(spec.paths).length).toBeGreaterThan(20);
    // The description itself is not an API operation.
    expect(spec.paths['/api/openapi.json']).toBeUndefined();
  });

  it('anonymous: /api/docs serves the Swagger UI page and its assets', async () => {
    const res = await fetch(`${srv.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('swagger-ui');
    const css = await fetch(`${srv.url}/api/docs/static/swagger-ui.css`);
    expect(css.status).toBe(200);
    // Read to the end: an unread body keeps the connection busy and app.close() waiting.
    expect((await css.text()).length).toBeGreaterThan(1000);
  });

  it('anonymous: /api/health reports ok, the database dialect and the version', async () => {
    const res = await fetch(`${srv.url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', db: dialect, version: VERSION });
  });

  it('anonymous: an unknown /api path is a 404 in the error shape with a Chinese message', async () => {
    for (const [method, path] of [
      ['GET', '/api/no-such-thing'],
      ['POST', '/api/no-such-thing'],
      ['GET', '/api/people/x/y/z'],
      ['DELETE', '/api/health'],
    ] as const) {
      const res = await fetch(`${srv.url}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      const body = await res.json();
      expect(body.error.code).toBe('not_found');
      expect(body.error.message).toMatch(CHINESE);
    }
  });
});
