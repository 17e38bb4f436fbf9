import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type OutputInfo } from 'sharp';
import { actorOf, inProject, type Viewer } from '../auth/viewer.ts';
import { toLocalDate } from '../calendar/calendar.ts';
import type { AppContext } from '../context.ts';
import { fieldError, notFound, ruleViolated } from '../http/errors.ts';
import { newId } from '../ids.ts';
import { write } from '../write.ts';
import { MAX_PHOTO_BYTES } from './files.ts';
import { missingChars, stampImage } from './stamp.ts';

export const ID_COPY_SIDES = ['front', 'back', 'other'] as const;
export type IdCopySide = (typeof ID_COPY_SIDES)[number];

/**
 * Originals live in their own folder beside (not inside) `files/`: the file routes serve only
 * what the attachments table lists, and nothing lists this folder.
 */
export const ID_COPY_DIR = 'id-copies';

// A stamped copy is for a counter screen or an A4 print: larger originals are scaled down first.
const MAX_STAMPED_SIDE = 2400;
const FORMAT_MESSAGE = '只接受 JPEG、PNG、WebP 或 HEIC 格式的证件照片';

/**
 * The projects, among the viewer's, in which the person is related to a unit (present or past
 * relations: a tenant moving out still hands in a copy). None → the person is not ours: 404.
 */
async function personProjects(ctx: AppContext, viewer: Viewer, personId: string) {
  const rows = await ctx.db
    .selectFrom('occupancies')
    .select(['project_id', 'start_date', 'end_date'])
    .where('person_id', '=', personId)
    .orderBy('start_date', 'desc')
    .execute();
  const ours = rows.filter((r) => inProject(viewer, r.project_id));
  if (ours.length === 0) throw notFound('住户档案');
  const today = toLocalDate(ctx.clock.now());
  const current = ours.filter((r) => r.end_date === null || r.end_date >= today);
  // Current relations first, the latest first: the project a copy is most likely taken for.
  return [...new Set([...current, ...ours].map((r) => r.project_id))];
}

export interface IdCopyUpload {
  data: Buffer;
  side: IdCopySide;
  note: string;
  projectId?: string;
}

/** Stores an original: read from its bytes, turned upright, metadata (GPS, camera) dropped, pixels kept. */
export async function saveIdCopy(ctx: AppContext, viewer: Viewer, personId: string, input: IdCopyUpload) {
  const projects = await personProjects(ctx, viewer, personId);
  if (input.projectId !== undefined && !projects.includes(input.projectId)) throw fieldError('projectId', '该住户在此项目没有房屋关系');
  const projectId = input.projectId ?? (projects[0] as string);
  if (input.data.length === 0) throw fieldError('file', '文件为空');
  if (input.data.length > MAX_PHOTO_BYTES) throw fieldError('file', `照片不能超过 ${MAX_PHOTO_BYTES / 1024 / 1024} MB`);
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    meta = await sharp(input.data).metadata();
  } catch {
    throw fieldError('file', FORMAT_MESSAGE);
  }
  if (!meta.format || !['jpeg', 'png', 'webp', 'heif'].includes(meta.format)) throw fieldError('file', FORMAT_MESSAGE);
  if (!meta.width || !meta.height || meta.width * meta.height > 100_000_000) throw fieldError('file', '图片尺寸无效或过大');
  const png = meta.format === 'png';
  let stored: { data: Buffer; info: OutputInfo };
  try {
    // Decoding the whole image also refuses files whose header reads well but whose data is broken.
    const pipeline = sharp(input.data).rotate();
    stored = await (png ? pipeline.png() : pipeline.jpeg({ quality: 92 })).toBuffer({ resolveWithObject: true });
  } catch {
    throw fieldError('file', '照片已损坏或无法识别，请换一张或改为 JPEG 格式后重传');
  }
  const now = ctx.clock.now();
  const id = newId(now);
  const month = new Date(now).toISOString().slice(0, 7);
  const fileName = join(month, `${id}.${png ? 'png' : 'jpg'}`);
  mkdirSync(join(ctx.dataDir, ID_COPY_DIR, month), { recursive: true });
  const path = join(ctx.dataDir, ID_COPY_DIR, fileName);
  writeFileSync(path, stored.data);
  const row = {
    id,
    person_id: personId,
    project_id: projectId,
    side: input.side,
    file_name: fileName,
    mime: png ? 'image/png' : 'image/jpeg',
    bytes: stored.data.length,
    width: stored.info.width,
    height: stored.info.height,
    sha256: createHash('sha256').update(stored.data).digest('hex'),
    uploaded_by: viewer.userId,
    uploaded_at: now,
    note: input.note,
  };
  try {
    await write(ctx, actorOf(viewer), async (tx, audit) => {
      await tx.insertInto('id_copies').values(row).execute();
      await audit({
        action: 'id_copy.uploaded',
        entity: 'id_copy',
        entityId: id,
        after: { personId, projectId, side: row.side, mime: row.mime, bytes: row.bytes, sha256: row.sha256, note: row.note },
      });
    });
  } catch (e) {
    // No row, no file: an original nobody can reach or account for must not stay on disk.
    rmSync(path, { force: true });
    throw e;
  }
  return (await listIdCopies(ctx, viewer, personId)).find((c) => c.id === id) as IdCopyView;
}

export interface IdCopyView {
  id: string;
  side: IdCopySide;
  note: string;
  width: number;
  height: number;
  uploadedAt: number;
  uploadedBy: { id: string; name: string };
  project: { id: string; name: string };
}

/** The person's copies taken in the viewer's projects, newest first; no image data. */
export async function listIdCopies(ctx: AppContext, viewer: Viewer, personId: string): Promise<IdCopyView[]> {
  await personProjects(ctx, viewer, personId);
  let q = ctx.db
    .selectFrom('id_copies')
    .innerJoin('projects', 'projects.id', 'id_copies.project_id')
    .innerJoin('users', 'users.id', 'id_copies.uploaded_by')
    .select([
      'id_copies.id',
      'id_copies.side',
      'id_copies.note',
      'id_copies.width',
      'id_copies.height',
      'id_copies.uploaded_at',
      'id_copies.uploaded_by',
      'users.display_name',
      'id_copies.project_id',
      'projects.name as project_name',
    ])
    .where('id_copies.person_id', '=', personId);
  if (viewer.projectIds !== null) {
    if (viewer.projectIds.length === 0) return [];
    q = q.where('id_copies.project_id', 'in', viewer.projectIds);
  }
  const rows = await q.orderBy('id_copies.uploaded_at', 'desc').orderBy('id_copies.id', 'desc').execute();
  return rows.map((r) => ({
    id: r.id,
    side: r.side as IdCopySide,
    note: r.note,
    width: r.width,
    height: r.height,
    uploadedAt: r.uploaded_at,
    uploadedBy: { id: r.uploaded_by, name: r.display_name },
    project: { id: r.project_id, name: r.project_name },
  }));
}

/**
 * The only way an ID copy leaves the server: stamped with the purpose, today's date and the
 * project, and recorded in the audit trail (who, from where, for what) before it is sent.
 */
export async function fetchStamped(ctx: AppContext, viewer: Viewer, id: string, purpose: string, download: boolean) {
  const copy = await ctx.db
    .selectFrom('id_copies')
    .innerJoin('projects', 'projects.id', 'id_copies.project_id')
    .select([
      'id_copies.id',
      'id_copies.person_id',
      'id_copies.project_id',
      'id_copies.file_name',
      'id_copies.width',
      'id_copies.height',
      'projects.name as project_name',
    ])
    .where('id_copies.id', '=', id)
    .executeTakeFirst();
  if (!copy || !inProject(viewer, copy.project_id)) throw notFound('身份证复印件');
  const missing = missingChars(purpose);
  if (missing.length) throw fieldError('purpose', `用途中的“${missing.join('')}”无法印在复印件上，请换一种写法`);
  if (missingChars(copy.project_name).length) throw ruleViolated('项目名称含有无法印出的字符，请先修改项目名称', 'unstampable_project');
  const now = ctx.clock.now();
  const date = toLocalDate(now);
  let image = readFileSync(join(ctx.dataDir, ID_COPY_DIR, copy.file_name));
  if (Math.max(copy.width, copy.height) > MAX_STAMPED_SIDE)
    image = await sharp(image)
      .resize({ width: MAX_STAMPED_SIDE, height: MAX_STAMPED_SIDE, fit: 'inside' })
      .png({ compressionLevel: 1 })
      .toBuffer();
  const stamped = await stampImage(image, { purpose, date, project: copy.project_name });
  await write(ctx, actorOf(viewer), async (_tx, audit) => {
    await audit({
      action: 'id_copy.fetched',
      entity: 'id_copy',
      entityId: copy.id,
      after: { purpose, download, date, personId: copy.person_id, projectId: copy.project_id },
    });
  });
  return { data: stamped, fileName: `身份证复印件_${purpose}_${date}.jpg` };
}
