import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type {} from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { can, inProject, type Viewer } from '../auth/viewer.ts';
import { toLocalDate } from '../calendar/calendar.ts';
import type { AppContext } from '../context.ts';
import { idParam } from '../http/common.ts';
import { AppError, fieldError, notFound } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';
import { MAX_PHOTO_BYTES, savePhoto } from './files.ts';

/** A file is visible to its uploader, and to whoever may see the request it belongs to. */
async function assertFileVisible(ctx: AppContext, viewer: Viewer, id: string) {
  const f = await ctx.db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!f || f.purpose === 'id_copy') throw notFound('文件');
  if (f.uploaded_by === viewer.userId) return f;
  if (f.request_id) {
    const r = await ctx.db
      .selectFrom('requests')
      .select(['project_id', 'requester_person_id', 'unit_id'])
      .where('id', '=', f.request_id)
      .executeTakeFirst();
    if (r && viewer.role !== 'resident' && can(viewer, 'request.read') && inProject(viewer, r.project_id)) return f;
    if (r && viewer.role === 'resident' && viewer.personId) {
      if (r.requester_person_id === viewer.personId) return f;
      if (r.unit_id) {
        // A former tenant's relation has ended: their old unit's photos are no longer theirs to see.
        const today = toLocalDate(ctx.clock.now());
        const occ = await ctx.db
          .selectFrom('occupancies')
          .select('id')
          .where('person_id', '=', viewer.personId)
          .where('unit_id', '=', r.unit_id)
          .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', today)]))
          .executeTakeFirst();
        if (occ) return f;
      }
    }
  }
  throw notFound('文件');
}

export function registerFileRoutes(app: FastifyInstance, ctx: AppContext) {
  defineRoute(app, {
    method: 'POST',
    url: '/api/files',
    access: 'authenticated',
    summary: '上传照片（multipart，字段 file） Upload a photo',
    tags: ['files'],
    description: `JPEG/PNG/WebP/HEIC，不超过 ${MAX_PHOTO_BYTES / 1024 / 1024} MB；返回缩略图地址。登记事项时以 photoIds 关联。`,
    response: {
      201: z.object({
        id: z.string(),
        url: z.string(),
        thumbUrl: z.string(),
        mime: z.string(),
        bytes: z.number(),
        width: z.number(),
        height: z.number(),
      }),
    },
    sample: () => ({ upload: { field: 'file', filename: 'leak.png', contentType: 'image/png', kind: 'png' } }),
    handler: async (req, reply) => {
      if (!req.isMultipart())
        throw new AppError(415, 'unsupported_media_type', '请以 multipart/form-data 上传，字段名 file', { file: '请选择照片' });
      let part: Awaited<ReturnType<typeof req.file>>;
      try {
        part = await req.file({ limits: { fileSize: MAX_PHOTO_BYTES, files: 1 } });
      } catch {
        throw fieldError('file', '上传内容格式不正确');
      }
      if (!part || part.fieldname !== 'file') throw fieldError('file', '请选择照片');
      let data: Buffer;
      try {
        data = await part.toBuffer();
      } catch {
        throw fieldError('file', `照片不能超过 ${MAX_PHOTO_BYTES / 1024 / 1024} MB`);
      }
      const saved = await savePhoto(ctx, req.viewer, { data, filename: part.filename, purpose: 'request_photo' });
      return reply.status(201).send(saved);
    },
  });

  const serve = (thumb: boolean) => async (req: { params: { id: string }; viewer: Viewer }, reply: any) => {
    const f = await assertFileVisible(ctx, req.viewer, req.params.id);
    const path = thumb ? f.thumb_path : f.path;
    if (!path) throw notFound('文件');
    reply.header('content-type', thumb ? 'image/webp' : f.mime);
    reply.header('cache-control', 'private, max-age=86400');
    reply.header('x-content-type-options', 'nosniff');
    return reply.send(createReadStream(join(ctx.dataDir, path)));
  };

  defineRoute(app, {
    method: 'GET',
    url: '/api/files/:id',
    access: 'authenticated',
    summary: '照片原图 A photo',
    tags: ['files'],
    params: idParam,
    sample: async (kit) => ({ params: { id: await kit.make.photo() } }),
    handler: serve(false),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/files/:id/thumb',
    access: 'authenticated',
    summary: '照片缩略图 A photo thumbnail',
    tags: ['files'],
    params: idParam,
    sample: async (kit) => ({ params: { id: await kit.make.photo() } }),
    handler: serve(true),
  });
}
