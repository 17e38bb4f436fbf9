import { timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { registerCallRoutes } from './domains/calls/calls.routes.ts';
import { registerCaseRoutes } from './domains/complaints/cases.routes.ts';
import { registerComplaintReportRoutes } from './domains/complaints/reports.routes.ts';
import { registerDirectoryRoutes } from './domains/directory/directory.routes.ts';
import { registerReleaseRoutes } from './domains/frontdesk/releases.routes.ts';
import { registerVisitorIncidentRoutes } from './domains/frontdesk/visitors-incidents.routes.ts';
import { registerOrgRoutes } from './domains/org/org.routes.ts';
import { registerCallbackRoutes } from './domains/repairs/callbacks.routes.ts';
import { registerPriceRoutes } from './domains/repairs/prices.routes.ts';
import { registerRepairReportRoutes } from './domains/repairs/reports.routes.ts';
import { registerRepairSettingRoutes } from './domains/repairs/settings.routes.ts';
import { registerIntakeConfigRoutes } from './domains/requests/config.routes.ts';
import { registerRequestRoutes } from './domains/requests/requests.routes.ts';
import { registerWorklogRoutes } from './domains/worklog/worklog.routes.ts';
import { registerAuditRoutes } from './platform/audit/audit.routes.ts';
import { registerAuthRoutes } from './platform/auth/auth.routes.ts';
import { CSRF_HEADER, SESSION_COOKIE, sessionViewer } from './platform/auth/auth.service.ts';
import { can } from './platform/auth/viewer.ts';
import { registerCalendarRoutes } from './platform/calendar/calendar.routes.ts';
import type { AppContext } from './platform/context.ts';
import { registerFileRoutes } from './platform/files/files.routes.ts';
import { registerIdCopyRoutes } from './platform/files/id-copies.routes.ts';
import { AppError, errorBody, forbidden, unauthorized } from './platform/http/errors.ts';
import { defineRoute } from './platform/http/route.ts';
import { registerLiveRoutes } from './platform/live/live.routes.ts';
import { registerNotificationRoutes } from './platform/notify/notify.routes.ts';

z.config(z.locales.zhCN());

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function sameToken(a: string | undefined, b: string): boolean {
  if (!a || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/**
 * Where a NUL character hides in the input (`a.b.0`), if anywhere: PostgreSQL text cannot
 * store it. Iterative, so a body nested a million levels deep cannot overflow the stack.
 */
function nulPath(input: unknown): string | null {
  const stack: [unknown, string][] = [[input, '']];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [v, path] = item;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return path || 'body';
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const at = path ? `${path}.${k.replaceAll('\u0000', '')}` : k.replaceAll('\u0000', '');
        if (k.includes('\u0000')) return at || 'body';
        stack.push([x, at]);
      }
    }
  }
  return null;
}

/** Turns a zod issue path list into the `fields` map of the error shape. */
function validationFields(error: FastifyError & { validationContext?: string }): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const v of error.validation ?? []) {
    const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.') || error.validationContext || 'body';
    fields[path] ??= v.message ?? '格式不正确';
  }
  return fields;
}

export interface BuildOptions {
  ctx: AppContext;
  logger?: boolean | object;
  /** Directory of the built web console (vite output); served with SPA fallback when present. */
  webDir?: string;
}

export async function buildApp({ ctx, logger = false, webDir }: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger,
    bodyLimit: 2 * 1024 * 1024,
    // ids are UUIDs: keep the router from treating a malformed one as a different route
    routerOptions: { ignoreTrailingSlash: true },
    // The router answers a malformed or over-long path segment itself, before any hook or
    // error handler: without this it would reply in Fastify's English shape, not ours.
    frameworkErrors: (error, _req, reply) => {
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      const message = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? '请求地址中的参数过长' : '请求地址格式不正确';
      // The generic reply type of this hook cannot be narrowed to a status code here.
      return (reply as unknown as FastifyReply).status(status).send(errorBody(new AppError(status, 'bad_request', message)));
    },
  });
  app.decorate('routeTable', []);
  app.decorateRequest('viewer', null as never);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(cookie);
  await app.register(multipart);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'WuyeDesk 物业客服中心 API',
        version: ctx.version,
        description: '错误统一为 {"error":{"code","message","fields"}}；写操作需要登录 Cookie 与 x-csrf-token 头。',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config?.access;
    if (!access) return;
    const viewer = await sessionViewer(ctx, req.cookies[SESSION_COOKIE], req.ip);
    if (viewer) req.viewer = viewer;
    if (access === 'public') return;
    if (!viewer) throw unauthorized();
    if (WRITE_METHODS.has(req.method) && !req.routeOptions.config.noCsrf) {
      const header = req.headers[CSRF_HEADER];
      if (!sameToken(typeof header === 'string' ? header : undefined, viewer.csrfToken)) {
        throw new AppError(403, 'csrf_failed', '页面已过期或来源不明，请刷新页面后重试');
      }
    }
    if (access !== 'authenticated' && !can(viewer, access)) throw forbidden();
  });

  // Rejected up front on both dialects alike, rather than as a 500 from PostgreSQL
  // ("invalid byte sequence 0x00") and silently stored on SQLite.
  app.addHook('preValidation', async (req) => {
    const where = nulPath(req.params) ?? nulPath(req.query) ?? nulPath(req.body);
    if (where !== null)
      throw new AppError(400, 'invalid_input', `输入有误：${where}：包含不允许的空字符`, { [where]: '包含不允许的空字符' });
  });

  app.setErrorHandler((error: FastifyError & { validationContext?: string }, req, reply) => {
    if (error instanceof AppError) return reply.status(error.status).send(errorBody(error));
    if (hasZodFastifySchemaValidationErrors(error)) {
      const fields = validationFields(error);
      const first = Object.entries(fields)[0];
      const msg = first ? `输入有误：${first[0]}：${first[1]}` : '输入有误';
      return reply.status(400).send(errorBody(new AppError(400, 'invalid_input', msg, fields)));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const message =
        error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? '不支持的内容类型，请以 JSON 提交'
          : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
            ? '提交的内容过大'
            : error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
              ? '请求体不能为空'
              : status === 404
                ? '请求的资源不存在'
                : '请求格式不正确';
      return reply.status(status).send(errorBody(new AppError(status, 'bad_request', message, { body: message })));
    }
    req.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(errorBody(new AppError(500, 'internal', '服务器内部错误，请稍后重试')));
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/health',
    access: 'public',
    summary: '健康检查 Health check',
    tags: ['system'],
    response: { 200: z.object({ status: z.literal('ok'), db: z.enum(['sqlite', 'postgres']), version: z.string() }) },
    sample: () => ({}),
    handler: async () => {
      await ctx.db.selectFrom('audit_head').select('id').limit(1).execute();
      return { status: 'ok' as const, db: ctx.dialect, version: ctx.version };
    },
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerAuthRoutes(app, ctx);
  registerOrgRoutes(app, ctx);
  registerDirectoryRoutes(app, ctx);
  registerCalendarRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerRequestRoutes(app, ctx);
  registerCaseRoutes(app, ctx);
  registerIntakeConfigRoutes(app, ctx);
  registerPriceRoutes(app, ctx);
  registerRepairReportRoutes(app, ctx);
  registerComplaintReportRoutes(app, ctx);
  registerCallbackRoutes(app, ctx);
  registerRepairSettingRoutes(app, ctx);
  registerCallRoutes(app, ctx, { telephonySecret: process.env.TELEPHONY_SECRET ?? '' });
  registerWorklogRoutes(app, ctx);
  registerReleaseRoutes(app, ctx);
  registerVisitorIncidentRoutes(app, ctx);
  registerFileRoutes(app, ctx);
  registerIdCopyRoutes(app, ctx);
  registerNotificationRoutes(app, ctx);
  registerLiveRoutes(app, ctx);

  if (webDir && existsSync(join(webDir, 'index.html'))) {
    // wildcard: files are looked up per request, so a rebuilt console is served without a restart.
    await app.register(fastifyStatic, { root: webDir, wildcard: true, index: ['index.html'] });
  }
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/') || req.method !== 'GET' || !webDir || !existsSync(join(webDir, 'index.html'))) {
      return reply.status(404).send(errorBody(new AppError(404, 'not_found', '请求的资源不存在')));
    }
    return reply.sendFile('index.html');
  });
  return app;
}
