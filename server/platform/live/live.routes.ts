import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE, sessionViewer } from '../auth/auth.service.ts';
import { can, inProject } from '../auth/viewer.ts';
import type { AppContext } from '../context.ts';
import { defineRoute } from '../http/route.ts';
import type { LiveEvent } from './live.ts';

/**
 * Server-sent events for the queues and the inbox. Each event says only what changed
 * (type, request, project); the page re-reads what it shows, through the normal access rules.
 */
const LIVE_HEARTBEAT_MS = 15_000;

export function registerLiveRoutes(app: FastifyInstance, ctx: AppContext) {
  const open = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const end of open) end();
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/live',
    access: 'authenticated',
    summary: '实时事件流（SSE） Live events',
    tags: ['live'],
    description: 'text/event-stream：request.created、request.updated、deadline.*、notification。',
    sample: () => ({}),
    handler: async (req, reply) => {
      const viewer = req.viewer;
      const staff = can(viewer, 'request.read');
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(`retry: 2000\n: connected\n\n`);
      const send = (ev: LiveEvent) => {
        if (ev.userId !== undefined) {
          if (ev.userId !== viewer.userId) return;
        } else if (!staff || !ev.projectId || !inProject(viewer, ev.projectId)) return;
        res.write(`event: ${ev.type}\ndata: ${JSON.stringify(ev)}\n\n`);
      };
      const unsubscribe = ctx.live.subscribe(send);
      // The stream outlives the request that opened it: re-check the session with every
      // heartbeat, so a logout or an expired session ends the stream too.
      const token = req.cookies[SESSION_COOKIE];
      const heartbeat = setInterval(() => {
        sessionViewer(ctx, token, req.ip)
          .then((v) => (v ? res.write(': ping\n\n') : end()))
          .catch(() => end());
      }, LIVE_HEARTBEAT_MS);
      const end = () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(end);
        if (!res.writableEnded) res.end();
      };
      open.add(end);
      req.raw.on('close', end);
    },
  });
}
