import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { migrations } from '../../migrations/index.ts';
import type { Dialect } from './index.ts';

/** Column types that differ between the dialects; everything else is portable SQL. */
export interface ColumnTypes {
  dialect: Dialect;
  /** epoch milliseconds, counts that may pass 2^31 */
  ts: 'bigint' | 'integer';
  json: 'jsonb' | 'text';
  /** 0/1 on both dialects, so rows read the same everywhere */
  flag: 'smallint' | 'integer';
}

export function columnTypes(dialect: Dialect): ColumnTypes {
  return dialect === 'postgres'
    ? { dialect, ts: 'bigint', json: 'jsonb', flag: 'smallint' }
    : { dialect, ts: 'integer', json: 'text', flag: 'integer' };
}

export interface WuyeMigration {
  up(db: Kysely<any>, t: ColumnTypes): Promise<void>;
}

class ListProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const t = columnTypes(this.dialect);
    const out: Record<string, Migration> = {};
    for (const [name, m] of Object.entries(migrations)) out[name] = { up: (db) => m.up(db, t) };
    return out;
  }
}

/** Applies pending migrations; running it again is a no-op. */
export async function migrateToLatest(db: Kysely<any>, dialect: Dialect): Promise<string[]> {
  // Without a schema Kysely finds its bookkeeping tables in *any* schema of the database, so
  // while another schema (a parallel test file, a second install) has them it skips creating ours.
  const migrationTableSchema = dialect === 'postgres' ? await currentSchema(db) : undefined;
  const migrator = new Migrator({ db, provider: new ListProvider(dialect), migrationTableSchema });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

async function currentSchema(db: Kysely<any>): Promise<string | undefined> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema ?? undefined;
}

export async function ensureSchema(db: Kysely<any>, schema: string): Promise<void> {
  await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
}
