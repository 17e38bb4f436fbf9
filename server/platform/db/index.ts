import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { prepareFixed } from './fast.ts';
import type { DB } from './types.ts';

// bigint columns hold epoch milliseconds and counts; they fit a JS number.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<DB>;
export type Tx = Transaction<DB>;

export interface DbHandle {
  db: Db;
  dialect: Dialect;
  /** The raw better-sqlite3 connection (SQLite only): used for online backup. */
  sqlite?: Database.Database;
  /** SQLite only: the connection's prepared statement for a SQL text, from the statement cache. */
  prepare?: (text: string) => Database.Statement;
  /** SQLite only: empties the statement cache (a test that watches statements being prepared starts here). */
  clearStatements?: () => void;
  pool?: pg.Pool;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… for PostgreSQL; otherwise a SQLite file path (or ':memory:'). */
  url: string;
  /** PostgreSQL only: run every statement inside this schema (tests give each file its own). */
  schema?: string;
  poolSize?: number;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export function openDb(opts: OpenOptions): DbHandle {
  if (isPostgresUrl(opts.url)) {
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    // An idle client losing its server must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    pool.on('connect', (client) => prepareFixed(client));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', pool, close: () => db.destroy() };
  }
  if (opts.url !== ':memory:') mkdirSync(dirname(opts.url), { recursive: true });
  const sqlite = new Database(opts.url);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Savepoints (group commit) journal the pages they touch: in memory, not in a temporary file.
  sqlite.pragma('temp_store = MEMORY');
  // 64 MiB of page cache instead of 2: at a million requests the indexes an intake updates stay in memory.
  sqlite.pragma('cache_size = -65536');
  const cache = new Map<string, Database.Statement>();
  const prepare = statementCache(sqlite, cache);
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: { prepare, close: () => sqlite.close() } }) });
  return { db, dialect: 'sqlite', sqlite, prepare, clearStatements: () => cache.clear(), close: () => db.destroy() };
}

/** Distinct SQL texts kept prepared; the builder makes a new text per IN-list length, so the cache is bounded. */
const STATEMENT_CACHE_SIZE = 2000;

/**
 * Kysely's SQLite driver prepares every statement anew, which took longer than running it.
 * Statements are kept per text, least recently used dropped first (better-sqlite3 finalises
 * a dropped statement when it is collected).
 */
function statementCache(sqlite: Database.Database, cache: Map<string, Database.Statement>): (text: string) => Database.Statement {
  return (text) => {
    let stmt = cache.get(text);
    if (stmt) {
      cache.delete(text);
    } else {
      stmt = sqlite.prepare(text);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    }
    cache.set(text, stmt);
    return stmt;
  };
}

/** JSON columns come back as text on SQLite and parsed on PostgreSQL (jsonb). */
export function fromJson<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

export function toJson(v: unknown): string {
  return JSON.stringify(v);
}
