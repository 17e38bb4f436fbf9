import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ROLE_CODES, ROLE_PERMISSIONS } from '../access/roles.ts';
import type { AppContext } from '../context.ts';
import { defineRoute } from '../http/route.ts';
import { CSRF_COOKIE, changePassword, login, logout, SESSION_COOKIE, SESSION_TTL_MS } from './auth.service.ts';
import type { Viewer } from './viewer.ts';

const Me = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string(),
  role: z.enum(ROLE_CODES),
  projectIds: z.array(z.string()).nullable().describe('null = 全部项目'),
  personId: z.string().nullable(),
  staffId: z.string().nullable(),
  permissions: z.array(z.string()),
  csrfToken: z.string().describe('写操作须以 x-csrf-token 头回传'),
});

function me(v: Viewer) {
  return {
    id: v.userId,
    username: v.username,
    name: v.name,
    role: v.role,
    projectIds: v.projectIds,
    personId: v.personId,
    staffId: v.staffId,
    permissions: [...ROLE_PERMISSIONS[v.role]],
    csrfToken: v.csrfToken,
  };
}

function cookieOpts(req: FastifyRequest, httpOnly: boolean) {
  return { path: '/', httpOnly, sameSite: 'lax' as const, secure: req.protocol === 'https', maxAge: SESSION_TTL_MS / 1000 };
}

function clearCookies(req: FastifyRequest, reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, cookieOpts(req, true));
  reply.clearCookie(CSRF_COOKIE, cookieOpts(req, false));
}

export function registerAuthRoutes(app: FastifyInstance, ctx: AppContext) {
  defineRoute(app, {
    method: 'POST',
    url: '/api/auth/login',
    access: 'public',
    noCsrf: true,
    summary: '登录 Log in',
    tags: ['auth'],
    description: '连续 5 次密码错误锁定 15 分钟。成功后设置 HttpOnly 会话 Cookie。',
    body: z.object({
      username: z.string().trim().min(1, '请输入用户名').max(64),
      password: z.string().min(1, '请输入密码').max(128),
    }),
    response: { 200: z.object({ user: Me, csrfToken: z.string() }) },
    sample: (kit) => ({ body: { username: kit.fixtures.loginUsername, password: kit.fixtures.loginPassword } }),
    handler: async (req, reply) => {
      const r = await login(ctx, req.body.username, req.body.password, req.ip);
      reply.setCookie(SESSION_COOKIE, r.token, cookieOpts(req, true));
      reply.setCookie(CSRF_COOKIE, r.csrfToken, cookieOpts(req, false));
      return { user: me(r.viewer), csrfToken: r.csrfToken };
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/auth/logout',
    access: 'authenticated',
    summary: '退出登录 Log out',
    tags: ['auth'],
    sample: () => ({}),
    handler: async (req, reply) => {
      await logout(ctx, req.viewer, req.cookies[SESSION_COOKIE] ?? '');
      clearCookies(req, reply);
      return reply.status(204).send();
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/auth/me',
    access: 'authenticated',
    summary: '当前用户 Current user',
    tags: ['auth'],
    response: { 200: Me },
    sample: () => ({}),
    handler: async (req) => me(req.viewer),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/auth/password',
    access: 'authenticated',
    summary: '修改密码 Change password',
    tags: ['auth'],
    description: '成功后该用户的其他会话全部失效。',
    body: z.object({
      oldPassword: z.string().min(1, '请输入原密码').max(128),
      newPassword: z.string().min(1, '请输入新密码').max(128),
    }),
    sample: (kit) => ({ body: { oldPassword: kit.fixtures.password, newPassword: 'Changed2026x' } }),
    handler: async (req, reply) => {
      await changePassword(ctx, req.viewer, req.cookies[SESSION_COOKIE] ?? '', req.body.oldPassword, req.body.newPassword);
      return reply.status(204).send();
    },
  });
}
