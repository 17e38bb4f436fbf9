import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../server/platform/db/index.ts';
import { ensureSchema, migrateToLatest } from '../../server/platform/db/migrate.ts';

const url = process.env.TEST_DATABASE_URL;

/**
 * Several installations (or test runs) share one PostgreSQL database, each in its own schema.
 * Migrating one must not depend on the others: a schema dropped elsewhere at that moment once
 * failed the migration with "schema … does not exist".
 */
describe.runIf(url)('migrations beside other schemas [postgres]', () => {
  it('operator: migrating a new schema succeeds while other schemas are created and dropped all the time', async () => {
    const admin = openDb({ url: url as string, poolSize: 1 });
    const churn = openDb({ url: url as string, poolSize: 4 });
    let stop = false;
    let churned = 0;
    // Four connections creating and dropping schemas with tables, as parallel test files do.
    const churners = Array.from({ length: 4 }, async (_, k) => {
      for (let i = 0; !stop; i++) {
        const name = `t_churn_${process.pid}_${k}_${i}`;
        await sql`create schema ${sql.id(name)}`.execute(churn.db);
        await sql`create table ${sql.id(name)}.a (id integer primary key, note text)`.execute(churn.db);
        await sql`drop schema ${sql.id(name)} cascade`.execute(churn.db);
        churned++;
      }
    });
    const made: string[] = [];
    try {
      for (let i = 0; i < 6; i++) {
        const schema = `t_${process.pid}_churnmig_${Date.now().toString(36)}_${i}`;
        made.push(schema);
        await ensureSchema(admin.db, schema);
        const h = openDb({ url: url as string, schema, poolSize: 2 });
        try {
          const applied = await migrateToLatest(h.db, 'postgres');
          expect(applied.length).toBeGreaterThan(10);
          expect(await migrateToLatest(h.db, 'postgres')).toEqual([]);
        } finally {
          await h.close();
        }
      }
    } finally {
      stop = true;
      await Promise.all(churners);
      for (const s of made) await sql`drop schema if exists ${sql.id(s)} cascade`.execute(admin.db);
      await churn.close();
      await admin.close();
    }
    // The other schemas really came and went meanwhile.
    expect(churned).toBeGreaterThan(20);
  }, 120_000);
});
