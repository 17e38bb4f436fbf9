import type {} from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { idParam } from '../http/common.ts';
import { AppError, fieldError } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';
import { MAX_PHOTO_BYTES } from './files.ts';
import { fetchStamped, ID_COPY_SIDES, type IdCopySide, listIdCopies, saveIdCopy } from './id-copies.service.ts';

const IdCopy = z.object({
  id: z.string(),
  side: z.enum(ID_COPY_SIDES).describe('正面 front、反面 back、其他 other'),
  note: z.string(),
  width: z.number(),
  height: z.number(),
  uploadedAt: z.number().describe('上传时间（epoch 毫秒）'),
  uploadedBy: z.object({ id: z.string(), name: z.string() }),
  project: z.object({ id: z.string(), name: z.string() }).describe('复印件留存时所在项目'),
});

const UploadFields = z.object({
  side: z.enum(ID_COPY_SIDES, { error: '请选择正面、反面或其他' }).default('other'),
  note: z.string().trim().max(100, '备注不超过 100 个字').default(''),
  projectId: z.string().min(1).max(64).optional(),
});

const StampedQuery = z.object({
  purpose: z
    .string({ error: '请填写用途' })
    .trim()
    .min(1, '请填写用途')
    .max(30, '用途不超过 30 个字')
    .refine((s) => !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(s), '用途含有不可打印的字符')
    .describe('用途，印在复印件上：复印件仅供「用途」之用（1–30 字）'),
  download: z.enum(['0', '1']).optional().describe('1 = 作为附件下载'),
});

/** The upload's fields and its one file; the fields may come before or after the file. */
async function readUpload(req: Pick<FastifyRequest, 'isMultipart' | 'parts'>): Promise<{ data: Buffer; fields: Record<string, string> }> {
  if (!req.isMultipart())
    throw new AppError(415, 'unsupported_media_type', '请以 multipart/form-data 上传，字段名 file', { file: '请选择证件照片' });
  const fields: Record<string, string> = {};
  let data: Buffer | undefined;
  try {
    for await (const part of req.parts({ limits: { fileSize: MAX_PHOTO_BYTES, files: 1, fields: 10, fieldSize: 1024 } })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') {
          await part.toBuffer();
          continue;
        }
        data = await part.toBuffer();
      } else if (typeof part.value === 'string') fields[part.fieldname] = part.value;
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw fieldError('file', `照片不能超过 ${MAX_PHOTO_BYTES / 1024 / 1024} MB`);
    throw fieldError('file', '上传内容格式不正确');
  }
  if (!data) throw fieldError('file', '请选择证件照片');
  return { data, fields };
}

export function registerIdCopyRoutes(app: FastifyInstance, ctx: AppContext) {
  defineRoute(app, {
    method: 'POST',
    url: '/api/people/:id/id-copies',
    access: 'idcopy.use',
    summary: '留存身份证复印件（multipart：file，side，note，projectId） Store an ID copy',
    tags: ['files'],
    description:
      `证件照片 JPEG/PNG/WebP/HEIC，不超过 ${MAX_PHOTO_BYTES / 1024 / 1024} MB。原图只存于服务器，任何接口都不返回原图；` +
      '查看、下载、打印只能通过加盖用途章的 /api/id-copies/:id/stamped。住户须与本人所管项目的房屋有关系，否则 404。',
    params: idParam,
    response: { 201: IdCopy },
    sample: async (kit) => ({
      params: { id: await kit.make.person() },
      upload: { field: 'file', filename: 'id-front.png', contentType: 'image/png', kind: 'png' },
    }),
    handler: async (req, reply) => {
      const { data, fields } = await readUpload(req);
      const parsed = UploadFields.safeParse(fields);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw fieldError(String(issue?.path[0] ?? 'file'), issue?.message ?? '输入有误');
      }
      const saved = await saveIdCopy(ctx, req.viewer, req.params.id, {
        data,
        side: parsed.data.side as IdCopySide,
        note: parsed.data.note,
        projectId: parsed.data.projectId,
      });
      return reply.status(201).send(saved);
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/people/:id/id-copies',
    access: 'idcopy.use',
    summary: '住户的身份证复印件列表（不含图片） ID copies of a person',
    tags: ['files'],
    params: idParam,
    response: { 200: z.array(IdCopy) },
    sample: async (kit) => ({ params: { id: kit.fixtures.personId } }),
    handler: async (req) => listIdCopies(ctx, req.viewer, req.params.id),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/id-copies/:id/stamped',
    access: 'idcopy.use',
    summary: '加盖用途章的身份证复印件（JPEG，每次记入审计） A stamped ID copy',
    tags: ['files'],
    description:
      '图片对角线方向重复加盖“复印件仅供「用途」之用”及当天日期、项目名称。每次取用记入审计（id_copy.fetched：用途、取用人、时间、来源地址）。download=1 以附件下载。',
    params: idParam,
    querystring: StampedQuery,
    sample: async (kit) => ({ params: { id: await kit.make.idCopy() }, query: { purpose: '办理入住' } }),
    handler: async (req, reply) => {
      const download = req.query.download === '1';
      const { data, fileName } = await fetchStamped(ctx, req.viewer, req.params.id, req.query.purpose, download);
      reply.header('content-type', 'image/jpeg');
      reply.header('cache-control', 'no-store');
      reply.header('x-content-type-options', 'nosniff');
      reply.header(
        'content-disposition',
        `${download ? 'attachment' : 'inline'}; filename="id-copy.jpg"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      );
      return reply.send(data);
    },
  });
}
