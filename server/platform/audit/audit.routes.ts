import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { decodeCursor, encodeCursor, pageOf, pageQuery } from '../http/common.ts';
import { fieldError } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';
import { verifyAudit } from './audit.ts';

const AuditEvent = z.object({
  seq: z.number(),
  at: z.number(),
  actor: z.string(),
  ip: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});

export function registerAuditRoutes(app: FastifyInstance, ctx: AppContext) {
  defineRoute(app, {
    method: 'GET',
    url: '/api/audit',
    access: 'audit.read',
    summary: '审计日志（新→旧） Audit trail, newest first',
    tags: ['audit'],
    querystring: z.object({
      ...pageQuery,
      entity: z.string().max(40).optional(),
      entityId: z.string().max(64).optional(),
    }),
    response: { 200: pageOf(AuditEvent) },
    sample: () => ({}),
    handler: async (req) => {
      const { cursor, limit, entity, entityId } = req.query;
      let q = ctx.db
        .selectFrom('audit_events')
        .selectAll()
        .orderBy('seq', 'desc')
        .limit(limit + 1);
      if (entity) q = q.where('entity', '=', entity);
      if (entityId) q = q.where('entity_id', '=', entityId);
      const cur = decodeCursor(cursor, 1);
      if (cursor && !cur) throw fieldError('cursor', '分页游标无效');
      if (cur) q = q.where('seq', '<', Number(cur[0]));
      const rows = await q.execute();
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) => ({
          seq: r.seq,
          at: r.at,
          actor: r.actor_name,
          ip: r.ip,
          action: r.action,
          entity: r.entity,
          entityId: r.entity_id,
          before: r.before_json ? JSON.parse(r.before_json) : null,
          after: r.after_json ? JSON.parse(r.after_json) : null,
        })),
        nextCursor: rows.length > limit && last ? encodeCursor([last.seq]) : null,
      };
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/audit/verify',
    access: 'audit.read',
    summary: '校验审计哈希链 Verify the audit hash chain',
    tags: ['audit'],
    response: {
      200: z.object({
        ok: z.boolean(),
        checked: z.number(),
        firstBad: z.object({ seq: z.number(), id: z.string().optional(), reason: z.string() }).optional(),
      }),
    },
    sample: () => ({}),
    handler: async () => verifyAudit(ctx.db),
  });
}
