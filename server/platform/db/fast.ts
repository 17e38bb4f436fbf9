import { createHash } from 'node:crypto';
import { CompiledQuery } from 'kysely';
import type { AppContext } from '../context.ts';
import type { Db, Dialect, Tx } from './index.ts';

/**
 * Fixed SQL for the few paths that run on every request (intake, session look-up, the
 * sweeper). The query builder costs more than the query there: building and compiling a
 * Kysely query takes longer than better-sqlite3 takes to run it. The text is written once
 * with `?` placeholders and portable SQL; PostgreSQL gets `$n` placeholders.
 */
export interface Runner {
  readonly dialect: Dialect;
  all<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  get<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T | undefined>;
  /** Runs a write; resolves with the number of rows it changed. */
  run(text: string, params?: readonly unknown[]): Promise<number>;
  /**
   * Several writes that depend on nothing read in between. PostgreSQL gets them as one
   * statement (`with w0 as (…), w1 as (…) …`): one round trip instead of one each, and row locks
   * held for less time; SQLite runs them one after the other.
   */
  batch(stmts: readonly (readonly [string, readonly unknown[]])[]): Promise<void>;
}

const pgTexts = new Map<string, string>();
/** The PostgreSQL texts of the fixed statements: prepared once per connection (see `prepareFixed`). */
const fixedTexts = new Map<string, string>();

/** `?` → `$1, $2, …` once per text (the texts are constants, so the map stays small). */
export function pgText(text: string): string {
  let out = pgTexts.get(text);
  if (out === undefined) {
    let n = 0;
    out = text.replace(/\?/g, () => `$${++n}`);
    pgTexts.set(text, out);
    fixedTexts.set(out, `w${createHash('sha1').update(out).digest('hex').slice(0, 20)}`);
  }
  return out;
}

/**
 * Makes a PostgreSQL connection run the fixed statements as named prepared statements:
 * parsed and planned once per connection instead of on every call. Parsing and planning the
 * intake's statements took longer than running them, and it happened while the intake held
 * the row locks that serialise intakes. Other statements pass through untouched.
 */
export function prepareFixed(client: { query: (...args: any[]) => any }): void {
  const query = client.query.bind(client);
  client.query = (config: unknown, values?: unknown, callback?: unknown) => {
    const name = typeof config === 'string' && Array.isArray(values) ? fixedTexts.get(config) : undefined;
    return name ? query({ name, text: config, values }, callback) : query(config, values, callback);
  };
}

function sqliteRunner(ctx: Pick<AppContext, 'handle'>): Runner {
  const prepare = ctx.handle.prepare;
  if (!prepare) throw new Error('no SQLite connection');
  // better-sqlite3 answers synchronously: these return plain values, which `await` takes as they are.
  return {
    dialect: 'sqlite',
    all: (text, params = []) => prepare(text).all(...params) as never,
    get: (text, params = []) => prepare(text).get(...params) as never,
    run: (text, params = []) => prepare(text).run(...params).changes as never,
    batch: (stmts) => {
      for (const [text, params] of stmts) prepare(text).run(...params);
      return undefined as never;
    },
  };
}

const batchTexts = new Map<string, string>();
function batchText(texts: string[]): string {
  const key = texts.join('\u0000');
  let out = batchTexts.get(key);
  if (out === undefined) {
    const last = texts.length - 1;
    out = `with ${texts
      .slice(0, last)
      .map((t, i) => `w${i} as (${t})`)
      .join(', ')} ${texts[last]}`;
    if (batchTexts.size < 1000) batchTexts.set(key, out);
  }
  return out;
}

function kyselyRunner(db: Db | Tx): Runner {
  return {
    dialect: 'postgres',
    all: async (text, params = []) => (await db.executeQuery(CompiledQuery.raw(pgText(text), params as unknown[]))).rows as never,
    get: async (text, params = []) => (await db.executeQuery(CompiledQuery.raw(pgText(text), params as unknown[]))).rows[0] as never,
    run: async (text, params = []) =>
      Number((await db.executeQuery(CompiledQuery.raw(pgText(text), params as unknown[]))).numAffectedRows ?? 0),
    batch: async (stmts) => {
      if (!stmts.length) return;
      const text = stmts.length === 1 ? (stmts[0]?.[0] as string) : batchText(stmts.map(([t]) => t));
      await db.executeQuery(
        CompiledQuery.raw(
          pgText(text),
          stmts.flatMap(([, p]) => p as unknown[]),
        ),
      );
    },
  };
}

/**
 * A runner inside a Kysely transaction. On SQLite the transaction holds the one connection
 * (Kysely's driver lets no other query in until it ends), so statements run straight on it.
 */
export function txRunner(ctx: Pick<AppContext, 'dialect' | 'handle'>, tx: Tx): Runner {
  return ctx.dialect === 'sqlite' ? sqliteRunner(ctx) : kyselyRunner(tx);
}

/**
 * Reads outside a transaction. On SQLite the connection is taken through Kysely first: a
 * statement run while another request's transaction is open on the single connection
 * would read that transaction's uncommitted rows. `db` is the same connection for queries
 * built with Kysely (on SQLite, querying through the pool here would wait for itself).
 */
export async function withReader<T>(
  ctx: Pick<AppContext, 'dialect' | 'handle' | 'db'>,
  fn: (r: Runner, db: Db) => Promise<T> | T,
): Promise<T> {
  if (ctx.dialect === 'postgres') return fn(kyselyRunner(ctx.db), ctx.db);
  return ctx.db.connection().execute(async (db) => fn(sqliteRunner(ctx), db));
}

/** `insert into t (a, b) values (?, ?), (?, ?)` for rows of the given width. */
export function insertText(table: string, columns: readonly string[], rows = 1): string {
  const one = `(${columns.map(() => '?').join(', ')})`;
  return `insert into ${table} (${columns.join(', ')}) values ${Array.from({ length: rows }, () => one).join(', ')}`;
}

/**
 * Single-row inserts with the same text merged into multi-row ones, in the order their texts
 * first appear (parents before children, as the caller lists them); other statements kept as
 * they are, after the inserts of the texts before them.
 */
export function mergeInserts(stmts: readonly (readonly [string, readonly unknown[]])[]): [string, unknown[]][] {
  const merged = new Map<string, { rows: number; params: unknown[] }>();
  for (const [text, params] of stmts) {
    const m = merged.get(text);
    if (m) {
      m.rows++;
      m.params.push(...params);
    } else merged.set(text, { rows: 1, params: [...params] });
  }
  return [...merged].map(([text, m]) => {
    const at = text.lastIndexOf(' values ');
    if (m.rows === 1 || !text.startsWith('insert into ') || at < 0) return [text, m.params];
    const row = text.slice(at + 8);
    return [`${text.slice(0, at + 8)}${Array.from({ length: m.rows }, () => row).join(', ')}`, m.params];
  });
}

/**
 * Several statements as one PostgreSQL statement, sent unprepared: for texts that change from
 * call to call (a batch of as many rows as there were requests), which a named prepared
 * statement would only clutter the connection with.
 */
export async function runCombined(tx: Tx, stmts: readonly (readonly [string, readonly unknown[]])[]): Promise<void> {
  if (!stmts.length) return;
  const last = stmts.length - 1;
  const joined =
    stmts.length === 1
      ? (stmts[0]?.[0] as string)
      : `with ${stmts
          .slice(0, last)
          .map(([t], i) => `w${i} as (${t})`)
          .join(', ')} ${stmts[last]?.[0]}`;
  let n = 0;
  const text = joined.replace(/\?/g, () => `$${++n}`);
  await tx.executeQuery(
    CompiledQuery.raw(
      text,
      stmts.flatMap(([, p]) => p as unknown[]),
    ),
  );
}
