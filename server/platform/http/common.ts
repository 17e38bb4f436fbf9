import type { ExpressionBuilder } from 'kysely';
import { z } from 'zod';
import { fieldError } from './errors.ts';

export const idParam = z.object({ id: z.string().min(1).max(64).describe('记录 id (UUIDv7)') });

/** Keyset pagination: `cursor` is opaque; the response's nextCursor is null on the last page. */
export const pageQuery = {
  cursor: z.string().max(512).optional().describe('上一页返回的 nextCursor'),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('每页条数，默认 50'),
};

export function encodeCursor(values: (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, size: number): (string | number)[] | null {
  if (!cursor) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === size && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v;
  } catch {
    // fall through to the error below
  }
  return null;
}

/**
 * The condition "after the cursor" for a list ordered by (column, tie-breaker column), both
 * ascending or both descending; null on the first page. A cursor that is not one of ours is a 400.
 */
export function keysetAfter(
  cursor: string | undefined,
  cols: [string, string],
  dir: 'asc' | 'desc',
  types: ['number' | 'string', 'number' | 'string'],
) {
  if (!cursor) return null;
  const cur = decodeCursor(cursor, 2);
  // A forged cursor must not reach the database as, say, text compared with a bigint column.
  if (!cur || typeof cur[0] !== types[0] || typeof cur[1] !== types[1]) throw fieldError('cursor', '分页游标无效');
  const [a, b] = cur;
  const op = dir === 'asc' ? '>' : '<';
  return (eb: ExpressionBuilder<any, any>) => eb.or([eb(cols[0], op, a), eb.and([eb(cols[0], '=', a), eb(cols[1], op, b)])]);
}

/** Instants the calendar can work with (before 2100): a larger one would only fail deeper down. */
export const MAX_INSTANT = Date.UTC(2100, 0, 1);
export const instant = (label: string) => z.number().int().positive().max(MAX_INSTANT, `${label}超出范围`).describe(`${label}（毫秒）`);

export const dateString = z
  .string()
  .regex(/^(19|20)\d{2}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD（1900–2099 年）')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), '不是有效日期');

/** Mainland mobile (11 digits from 1) or a landline with area code. */
export const phoneString = z
  .string()
  .trim()
  .regex(/^(1\d{10}|0\d{2,3}-?\d{7,8})$/, '电话号码格式不正确（手机 11 位，座机如 0755-12345678）');

export const versionField = z.number().int().min(1).describe('读取时的版本号，用于并发冲突检测');

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
