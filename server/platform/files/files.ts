import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { actorOf, type Viewer } from '../auth/viewer.ts';
import type { AppContext } from '../context.ts';
import type { Db, Tx } from '../db/index.ts';
import { fieldError } from '../http/errors.ts';
import { newId } from '../ids.ts';
import { write } from '../write.ts';

export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const ACCEPTED = new Map([
  ['jpeg', 'image/jpeg'],
  ['png', 'image/png'],
  ['webp', 'image/webp'],
  ['heif', 'image/heic'],
]);

export interface StoredFile {
  id: string;
  url: string;
  thumbUrl: string;
  mime: string;
  bytes: number;
  width: number;
  height: number;
}

export function fileUrls(id: string) {
  return { url: `/api/files/${id}`, thumbUrl: `/api/files/${id}/thumb` };
}

/**
 * Stores an uploaded photo. The type is read from the bytes (not the name or the browser's
 * claim), the size is capped, and a 320 px WebP thumbnail is made for lists and phones.
 */
export async function savePhoto(
  ctx: AppContext,
  viewer: Viewer,
  input: { data: Buffer; filename: string; purpose: string; projectId?: string | null },
): Promise<StoredFile> {
  if (input.data.length === 0) throw fieldError('file', '文件为空');
  if (input.data.length > MAX_PHOTO_BYTES) throw fieldError('file', `照片不能超过 ${MAX_PHOTO_BYTES / 1024 / 1024} MB`);
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    meta = await sharp(input.data).metadata();
  } catch {
    throw fieldError('file', '只接受 JPEG、PNG、WebP 或 HEIC 格式的照片');
  }
  const mime = meta.format ? ACCEPTED.get(meta.format) : undefined;
  if (!mime) throw fieldError('file', '只接受 JPEG、PNG、WebP 或 HEIC 格式的照片');
  if (!meta.width || !meta.height || meta.width * meta.height > 100_000_000) throw fieldError('file', '图片尺寸无效或过大');
  const now = ctx.clock.now();
  const id = newId(now);
  const month = new Date(now).toISOString().slice(0, 7);
  const dir = join(ctx.dataDir, 'files', month);
  mkdirSync(dir, { recursive: true });
  const path = join('files', month, `${id}.${meta.format}`);
  const thumbPath = join('files', month, `${id}.thumb.webp`);
  let thumb: Buffer;
  try {
    // Rotate by EXIF so phone photos stand the right way up. Decoding the whole image here also
    // refuses files whose header reads well but whose data is broken or undecodable (e.g. HEVC).
    thumb = await sharp(input.data)
      .rotate()
      .resize({ width: 320, height: 320, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
  } catch {
    throw fieldError('file', '照片已损坏或无法识别，请换一张或在手机上改为 JPEG 格式后重传');
  }
  writeFileSync(join(ctx.dataDir, path), input.data);
  writeFileSync(join(ctx.dataDir, thumbPath), thumb);
  const row = {
    id,
    request_id: null,
    project_id: input.projectId ?? null,
    purpose: input.purpose,
    mime,
    bytes: input.data.length,
    width: meta.width,
    height: meta.height,
    sha256: createHash('sha256').update(input.data).digest('hex'),
    path,
    thumb_path: thumbPath,
    original_name: input.filename.slice(0, 200),
    uploaded_by: viewer.userId,
    created_at: now,
  };
  await write(ctx, actorOf(viewer), async (tx, audit) => {
    await tx.insertInto('attachments').values(row).execute();
    await audit({
      action: 'file.uploaded',
      entity: 'attachment',
      entityId: id,
      after: { purpose: input.purpose, mime, bytes: row.bytes, sha256: row.sha256 },
    });
  });
  return { id, ...fileUrls(id), mime, bytes: row.bytes, width: meta.width, height: meta.height };
}

/** Links a user's own, not yet used uploads to a request; anything else names the field. */
export async function attachToRequest(tx: Tx, ids: string[], requestId: string, userId: string, projectId: string): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  const rows = await tx
    .selectFrom('attachments')
    .select(['id', 'request_id', 'uploaded_by', 'purpose'])
    .where('id', 'in', unique)
    .execute();
  for (const id of unique) {
    const r = rows.find((x) => x.id === id);
    if (!r || r.uploaded_by !== userId || r.request_id !== null || r.purpose !== 'request_photo')
      throw fieldError('photoIds', `照片 ${id} 不存在或已被使用`);
  }
  // Only still-unused uploads: of two intakes racing for the same photo, the second is refused.
  const res = await tx
    .updateTable('attachments')
    .set({ request_id: requestId, project_id: projectId })
    .where('id', 'in', unique)
    .where('request_id', 'is', null)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== unique.length) throw fieldError('photoIds', '照片已被其他事项使用');
}

export async function requestPhotos(db: Db, requestId: string) {
  // The resident's signature is shown with the work order, not among the photos.
  const rows = await db
    .selectFrom('attachments')
    .select('id')
    .where('request_id', '=', requestId)
    .where('purpose', '!=', 'signature')
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({ id: r.id, ...fileUrls(r.id) }));
}

/**
 * Stores a signature drawn on a phone screen (a PNG data URL) inside the caller's
 * transaction: the signature exists exactly when the step that needed it is recorded.
 */
export async function storeSignature(
  tx: Tx,
  dataDir: string,
  dataUrl: string,
  userId: string,
  requestId: string,
  projectId: string,
  now: number,
): Promise<string> {
  const m = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(dataUrl);
  if (!m?.[1]) throw fieldError('signature', '签名须为 PNG 图片');
  const data = Buffer.from(m[1], 'base64');
  if (data.length < 100 || data.length > 2 * 1024 * 1024) throw fieldError('signature', '签名图片为空或过大');
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    meta = await sharp(data).metadata();
    await sharp(data).toBuffer();
  } catch {
    throw fieldError('signature', '签名图片无法识别，请重新签名');
  }
  if (meta.format !== 'png' || !meta.width || !meta.height) throw fieldError('signature', '签名须为 PNG 图片');
  const id = newId(now);
  const month = new Date(now).toISOString().slice(0, 7);
  mkdirSync(join(dataDir, 'files', month), { recursive: true });
  const path = join('files', month, `${id}.png`);
  writeFileSync(join(dataDir, path), data);
  await tx
    .insertInto('attachments')
    .values({
      id,
      request_id: requestId,
      project_id: projectId,
      purpose: 'signature',
      mime: 'image/png',
      bytes: data.length,
      width: meta.width,
      height: meta.height,
      sha256: createHash('sha256').update(data).digest('hex'),
      path,
      thumb_path: null,
      original_name: 'signature.png',
      uploaded_by: userId,
      created_at: now,
    })
    .execute();
  return id;
}
