import { type DatabaseIntrospector, type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
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
  const migrator = new Migrator({
    db: dialect === 'postgres' ? ownSchemaOnly(db) : db,
    provider: new ListProvider(dialect),
    migrationTableSchema,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * PostgreSQL: the migrator looks for its bookkeeping tables in this database's own schema only.
 * Kysely's introspection reads every schema of the database and calls has_schema_privilege()
 * on each name, which fails ("schema … does not exist") when another installation or test
 * drops its schema at that moment. The rest of the database handle is used as it is.
 */
function ownSchemaOnly(db: Kysely<any>): Kysely<any> {
  const introspection: DatabaseIntrospector = {
    getSchemas: () => db.introspection.getSchemas(),
    getTables: async () => {
      const { rows } = await sql<{ name: string; schema: string; kind: string }>`
        select c.relname as name, n.nspname as schema, c.relkind as kind
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where n.nspname = current_schema() and c.relkind in ('r', 'p', 'v')`.execute(db);
      return rows.map((r) => ({ name: r.name, schema: r.schema, isView: r.kind === 'v', columns: [] }));
    },
    getMetadata: async (options) => ({ tables: await introspection.getTables(options) }),
  };
  return new Proxy(db, {
    get(target, key) {
      if (key === 'introspection') return introspection;
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function currentSchema(db: Kysely<any>): Promise<string | undefined> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema ?? undefined;
}

export async function ensureSchema(db: Kysely<any>, schema: string): Promise<void> {
  await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
}
