import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { encodeCursor, idParam, keysetAfter, pageOf, pageQuery } from '../http/common.ts';
import { notFound } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';

export const Notification = z.object({
  id: z.string(),
  at: z.number(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  link: z.string(),
  requestId: z.string().nullable(),
  read: z.boolean(),
});

export function registerNotificationRoutes(app: FastifyInstance, ctx: AppContext) {
  defineRoute(app, {
    method: 'GET',
    url: '/api/notifications',
    access: 'authenticated',
    summary: '我的通知（新→旧） My notifications',
    tags: ['notifications'],
    querystring: z.object({ ...pageQuery, unread: z.enum(['true', 'false']).optional() }),
    response: { 200: pageOf(Notification).extend({ unread: z.number() }) },
    sample: () => ({}),
    handler: async (req) => {
      const { cursor, limit, unread } = req.query;
      let q = ctx.db
        .selectFrom('notifications')
        .selectAll()
        .where('user_id', '=', req.viewer.userId)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1);
      if (unread === 'true') q = q.where('read_at', 'is', null);
      const after = keysetAfter(cursor, ['at', 'id'], 'desc', ['number', 'string']);
      if (after) q = q.where(after);
      const rows = await q.execute();
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map((n) => ({
          id: n.id,
          at: n.at,
          kind: n.kind,
          title: n.title,
          body: n.body,
          link: n.link,
          requestId: n.request_id,
          read: n.read_at !== null,
        })),
        nextCursor: rows.length > limit && last ? encodeCursor([last.at, last.id]) : null,
        unread: await unreadCount(ctx, req.viewer.userId),
      };
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/notifications/unread-count',
    access: 'authenticated',
    summary: '未读通知数 Unread count',
    tags: ['notifications'],
    response: { 200: z.object({ unread: z.number() }) },
    sample: () => ({}),
    handler: async (req) => ({ unread: await unreadCount(ctx, req.viewer.userId) }),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/notifications/:id/read',
    access: 'authenticated',
    summary: '标为已读 Mark read',
    tags: ['notifications'],
    params: idParam,
    response: { 200: z.object({ unread: z.number() }) },
    sample: async (kit) => ({ params: { id: await kit.make.notification({ userId: kit.userId }) } }),
    handler: async (req) => {
      const res = await ctx.db
        .updateTable('notifications')
        .set({ read_at: ctx.clock.now() })
        .where('id', '=', req.params.id)
        .where('user_id', '=', req.viewer.userId)
        .where('read_at', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) {
        const mine = await ctx.db
          .selectFrom('notifications')
          .select('id')
          .where('id', '=', req.params.id)
          .where('user_id', '=', req.viewer.userId)
          .executeTakeFirst();
        if (!mine) throw notFound('通知');
      }
      return { unread: await unreadCount(ctx, req.viewer.userId) };
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/notifications/read-all',
    access: 'authenticated',
    summary: '全部标为已读 Mark all read',
    tags: ['notifications'],
    response: { 200: z.object({ unread: z.number() }) },
    sample: () => ({}),
    handler: async (req) => {
      await ctx.db
        .updateTable('notifications')
        .set({ read_at: ctx.clock.now() })
        .where('user_id', '=', req.viewer.userId)
        .where('read_at', 'is', null)
        .execute();
      return { unread: 0 };
    },
  });
}

async function unreadCount(ctx: AppContext, userId: string): Promise<number> {
  const r = await ctx.db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}
