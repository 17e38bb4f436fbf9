/**
 * Full-text search of the register (DESIGN.md "Performance rules": an index, never a
 * leading-wildcard LIKE). Chinese has no spaces and its words are mostly two characters
 * (漏水, 电梯, 噪音), which trigram indexes cannot find. So every text is turned into the
 * same token stream on both databases: for each run of Chinese characters, every pair of
 * neighbours in order, and the run's last character alone; for each run of letters or digits,
 * the run. A query is answered by the index alone:
 *   - a run of two or more characters → the phrase of its pairs (pairs at consecutive positions,
 *     so 卫生间漏水 matches exactly that text, not 卫生间 here and 漏水 there);
 *   - one character → the tokens starting with it (a pair it begins, or the run's last character);
 *   - letters or digits → the tokens starting with them.
 * Runs of a query separated by spaces or punctuation must all match, in any order.
 *
 * SQLite keeps the tokens in an FTS5 table (`request_search`: tokens, the project as a
 * token, the request id), whose rowid order is registration order: newest first reads the
 * index backwards and stops at the page size. PostgreSQL keeps a tsvector with positions
 * in `request_search` under a GIN index, beside (project_id, created_at) b-trees: the planner
 * walks newest first with the match as a filter when the words are common, and reads the
 * GIN posting lists when they are rare.
 */
import { type RawBuilder, sql } from 'kysely';
import type { AppContext } from '../../platform/context.ts';
import type { Runner } from '../../platform/db/fast.ts';
import type { Dialect } from '../../platform/db/index.ts';
import { decodeCursor, encodeCursor } from '../../platform/http/common.ts';
import { fieldError } from '../../platform/http/errors.ts';

const SEGMENT = /(\p{Script=Han}+)|([a-z0-9]+)/gu;
/** Keeps a pasted serial number or URL from making one enormous token. */
const MAX_WORD = 40;
/** PostgreSQL keeps positions up to 16383; a request's text stays far below that. */
const MAX_TOKENS = 16_000;
/** What a query may hold: more runs than this is not a search but a paste. */
const MAX_QUERY_PARTS = 12;

const normalise = (text: string) => text.normalize('NFKC').toLowerCase();

/** The token stream of a text, in order (positions are indexes into it). */
export function searchTokens(...texts: string[]): string[] {
  const out: string[] = [];
  for (const text of texts) {
    for (const m of normalise(text).matchAll(SEGMENT)) {
      if (m[1]) {
        const chars = Array.from(m[1]);
        for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
        out.push(chars[chars.length - 1]!);
      } else if (m[2]) {
        out.push(m[2].slice(0, MAX_WORD));
      }
    }
  }
  return out.length > MAX_TOKENS ? out.slice(0, MAX_TOKENS) : out;
}

/** One part of a query: a phrase of pairs, or a prefix. */
export type QueryPart = { phrase: string[] } | { prefix: string };

/** A query cut the way texts are indexed; empty when it holds nothing searchable. */
export function queryParts(q: string): QueryPart[] {
  const parts: QueryPart[] = [];
  for (const m of normalise(q).matchAll(SEGMENT)) {
    if (m[1]) {
      const chars = Array.from(m[1]);
      if (chars.length === 1) parts.push({ prefix: chars[0]! });
      else {
        const pairs: string[] = [];
        for (let i = 0; i + 1 < chars.length; i++) pairs.push(chars[i]! + chars[i + 1]!);
        parts.push({ phrase: pairs });
      }
    } else if (m[2]) {
      parts.push({ prefix: m[2].slice(0, MAX_WORD) });
    }
    if (parts.length >= MAX_QUERY_PARTS) break;
  }
  return parts;
}

/** The project as a single FTS5 token (ids are UUIDs: their hex digits without the dashes). */
export function scopeToken(projectId: string): string {
  return `p${projectId.replace(/[^0-9a-zA-Z]/g, '').toLowerCase()}`;
}

/** FTS5 query text: tokens are only Chinese characters, letters and digits, so quoting is safe. */
export function ftsQuery(parts: QueryPart[], projectIds: string[] | null): string {
  const terms = parts.map((p) => ('phrase' in p ? `terms : "${p.phrase.join(' ')}"` : `terms : "${p.prefix}" *`));
  let q = terms.join(' AND ');
  if (projectIds) q += ` AND scope : (${projectIds.map(scopeToken).join(' OR ')})`;
  return q;
}

/** A tsvector literal with positions: `'漏水':1 '水':2,5`. */
export function tsvectorText(tokens: string[]): string {
  const positions = new Map<string, number[]>();
  tokens.forEach((t, i) => {
    const list = positions.get(t);
    if (list) list.push(i + 1);
    else positions.set(t, [i + 1]);
  });
  return [...positions].map(([t, ps]) => `'${t}':${ps.join(',')}`).join(' ');
}

/** A tsquery literal: `'卫生' <-> '生间' & '漏':*`. */
export function tsqueryText(parts: QueryPart[]): string {
  return parts.map((p) => ('phrase' in p ? `(${p.phrase.map((t) => `'${t}'`).join(' <-> ')})` : `'${p.prefix}':*`)).join(' & ');
}

export interface SearchDoc {
  requestId: string;
  projectId: string;
  createdAt: number;
  content: string;
  location: string;
  requesterName: string;
}

/** What a request is found by: its content, where, and who reported it. */
function docTokens(d: SearchDoc): string[] {
  return searchTokens(d.content, d.location, d.requesterName);
}

/** Indexes a new request, in its intake transaction. */
export async function indexRequest(r: Runner, d: SearchDoc): Promise<void> {
  if (r.dialect === 'sqlite') {
    await r.run('insert into request_search (terms, scope, request_id) values (?, ?, ?)', searchRow('sqlite', d));
  } else {
    const [text, params] = searchInsert(d);
    await r.run(text, params);
  }
}

/** PostgreSQL's index row as a statement, for the intake to write with its other rows. */
export function searchInsert(d: SearchDoc): [string, unknown[]] {
  return [
    'insert into request_search (request_id, project_id, created_at, terms) values (?, ?, ?, cast(? as tsvector))',
    searchRow('postgres', d),
  ];
}

/** The dialect's rows for a batch of documents (the data generator writes them in bulk). */
export function searchRow(dialect: Dialect, d: SearchDoc): unknown[] {
  const tokens = docTokens(d);
  return dialect === 'sqlite'
    ? [tokens.join(' '), scopeToken(d.projectId), d.requestId]
    : [d.requestId, d.projectId, d.createdAt, tsvectorText(tokens)];
}

/**
 * Does a text match a query, by the same rules as the index? For residents, whose few
 * requests are read through their own index and filtered here.
 */
export function textMatches(parts: QueryPart[], ...texts: string[]): boolean {
  const tokens = searchTokens(...texts);
  const joined = ` ${tokens.join(' ')} `;
  return parts.every((p) => {
    if ('prefix' in p) return tokens.some((t) => t.startsWith(p.prefix));
    return joined.includes(` ${p.phrase.join(' ')} `);
  });
}

// ---------------------------------------------------------------- the query

export interface SearchFilter {
  /** null = every project; otherwise the projects to search in (never empty). */
  projectIds: string[] | null;
  kind?: string;
  status?: string;
  open?: 0 | 1;
  unitId?: string;
  personId?: string;
  phoneTail?: string;
}

/**
 * One page of matching request ids, newest first, and the cursor of the next. Filters other
 * than the project narrow the walk through the index: the words are the selective part.
 */
export async function searchPage(
  ctx: Pick<AppContext, 'db' | 'dialect'>,
  parts: QueryPart[],
  f: SearchFilter,
  cursor: string | undefined,
  limit: number,
): Promise<{ ids: string[]; nextCursor: string | null }> {
  const conds: RawBuilder<unknown>[] = [];
  if (f.kind) conds.push(sql`r.kind = ${f.kind}`);
  if (f.status) conds.push(sql`r.status = ${f.status}`);
  if (f.open !== undefined) conds.push(sql`r.is_open = ${f.open}`);
  if (f.unitId) conds.push(sql`r.unit_id = ${f.unitId}`);
  if (f.personId) conds.push(sql`r.requester_person_id = ${f.personId}`);
  if (f.phoneTail) conds.push(sql`r.phone_last4 = ${f.phoneTail}`);
  const join = conds.length ? sql`join requests r on r.id = request_search.request_id` : sql``;
  const extra = conds.length ? sql`and ${sql.join(conds, sql` and `)}` : sql``;
  if (ctx.dialect === 'sqlite') {
    const after = cursor === undefined ? null : decodeCursor(cursor, 1);
    if (cursor !== undefined && (!after || typeof after[0] !== 'number')) throw fieldError('cursor', '分页游标无效');
    const rows = await sql<{ k: number; id: string }>`select request_search.rowid as k, request_search.request_id as id
      from request_search ${join}
      where request_search match ${ftsQuery(parts, f.projectIds)} ${after ? sql`and request_search.rowid < ${after[0]}` : sql``} ${extra}
      order by request_search.rowid desc limit ${limit + 1}`.execute(ctx.db);
    const page = rows.rows.slice(0, limit);
    const last = page[page.length - 1];
    return { ids: page.map((r) => r.id), nextCursor: rows.rows.length > limit && last ? encodeCursor([last.k]) : null };
  }
  const after = cursor === undefined ? null : decodeCursor(cursor, 2);
  if (cursor !== undefined && (!after || typeof after[0] !== 'number' || typeof after[1] !== 'string'))
    throw fieldError('cursor', '分页游标无效');
  const rows = await sql<{ k: number; id: string }>`select request_search.created_at as k, request_search.request_id as id
    from request_search ${join}
    where request_search.terms @@ cast(${tsqueryText(parts)} as tsquery)
      ${f.projectIds ? sql`and request_search.project_id in (${sql.join(f.projectIds)})` : sql``}
      ${after ? sql`and (request_search.created_at, request_search.request_id) < (${after[0]}, ${after[1]})` : sql``}
      ${extra}
    order by request_search.created_at desc, request_search.request_id desc limit ${limit + 1}`.execute(ctx.db);
  const page = rows.rows.slice(0, limit);
  const last = page[page.length - 1];
  return { ids: page.map((r) => r.id), nextCursor: rows.rows.length > limit && last ? encodeCursor([Number(last.k), last.id]) : null };
}
