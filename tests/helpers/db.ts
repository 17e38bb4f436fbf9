import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe } from 'vitest';
import { VERSION } from '../../server/config.ts';
import { type AppContext, type Clock, createContext, systemClock } from '../../server/platform/context.ts';
import { type Dialect, openDb } from '../../server/platform/db/index.ts';
import { ensureSchema, migrateToLatest } from '../../server/platform/db/migrate.ts';

/** SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it and requires it). */
export function testDialects(): Dialect[] {
  return process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

export interface TestDb {
  ctx: AppContext;
  /** SQLite file path, or the PostgreSQL schema name. */
  location: string;
  url: string;
  schema?: string;
  close(): Promise<void>;
}

/** A controllable clock for rules that depend on time (lockout, deadlines). */
export class TestClock implements Clock {
  constructor(public t = Date.now()) {}
  now() {
    return this.t;
  }
  advance(ms: number) {
    this.t += ms;
  }
}

let counter = 0;

/** A fresh, migrated database of the given dialect: its own file, or its own PostgreSQL schema. */
export async function createTestDb(dialect: Dialect, clock: Clock = systemClock): Promise<TestDb> {
  if (dialect === 'postgres') {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) throw new Error('TEST_DATABASE_URL is not set');
    const schema = `t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
    const admin = openDb({ url, poolSize: 1 });
    await ensureSchema(admin.db, schema);
    await admin.close();
    const handle = openDb({ url, schema, poolSize: 8 });
    await migrateToLatest(handle.db, handle.dialect);
    const ctx = createContext(handle, { clock, dataDir: tmpdir(), version: VERSION });
    return {
      ctx,
      location: schema,
      url,
      schema,
      close: async () => {
        await handle.close();
        const a = openDb({ url, poolSize: 1 });
        await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(a.db);
        await a.close();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'wuye-test-'));
  const file = join(dir, 'wuye.db');
  const handle = openDb({ url: file });
  await migrateToLatest(handle.db, handle.dialect);
  const ctx = createContext(handle, { clock, dataDir: dir, version: VERSION });
  return {
    ctx,
    location: file,
    url: file,
    close: async () => {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the same describe block once per dialect. */
export function describeEachDb(name: string, fn: (dialect: Dialect) => void) {
  for (const d of testDialects()) describe(`${name} [${d}]`, () => fn(d));
}
