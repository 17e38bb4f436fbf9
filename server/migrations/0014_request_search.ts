import { type Kysely, sql } from 'kysely';
import { searchRow } from '../domains/requests/request-search.ts';
import type { ColumnTypes } from '../platform/db/migrate.ts';

/**
 * Search of the register at scale: the caller's last four phone digits, and full text
 * (the token scheme is described in domains/requests/request-search.ts). SQLite: an FTS5
 * table holding only the tokens and the request id; PostgreSQL: a table with a tsvector
 * under GIN and the (project, time) b-trees the planner walks newest first.
 */
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .alterTable('requests')
    .addColumn('phone_last4', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  // Digits and dashes only (the intake's phone format): the last four digits, or nothing.
  const digits = sql`replace(requester_phone, '-', '')`;
  await sql`update requests set phone_last4 = ${t.dialect === 'sqlite' ? sql`substr(${digits}, -4)` : sql`right(${digits}, 4)`}
    where length(${digits}) >= 4`.execute(db);
  await db.schema.createIndex('requests_phone_last4').on('requests').columns(['phone_last4', 'created_at', 'id']).execute();
  // Monthly reports count one kind in a month: at a million requests, reading every kind of the
  // month and dropping the others took most of the complaint table's time.
  await db.schema.createIndex('requests_kind_created').on('requests').columns(['project_id', 'kind', 'created_at']).execute();

  if (t.dialect === 'sqlite') {
    // Contentless: the text lives in `requests`; only tokens, positions and the id are kept.
    // Each project is one token of its own column, so a project's matches come from the index.
    // (SQLite 3.53 leaves the shadow table request_search_content behind when this table is
    // dropped: a migration that ever rebuilds the index must create it under a new name.)
    await sql`create virtual table request_search using fts5(
      terms, scope, request_id unindexed,
      content = '', contentless_unindexed = 1, columnsize = 0,
      tokenize = 'unicode61 remove_diacritics 0', prefix = '1'
    )`.execute(db);
  } else {
    // A department, an assignee belong to one project: without this PostgreSQL multiplies the
    // selectivities of "this department" and "this project", expects a handful of rows, and sorts
    // the whole department instead of reading its queue index in order (97 ms → 1 ms at 1M).
    await sql`create statistics requests_owner_project (dependencies) on project_id, department_id, assignee_id from requests`.execute(db);
    await sql`create table request_search (
      request_id text primary key references requests (id),
      project_id text not null,
      created_at bigint not null,
      terms tsvector not null
    )`.execute(db);
    await sql`create index request_search_terms on request_search using gin (terms)`.execute(db);
    await db.schema
      .createIndex('request_search_project')
      .on('request_search')
      .columns(['project_id', 'created_at', 'request_id'])
      .execute();
    await db.schema.createIndex('request_search_newest').on('request_search').columns(['created_at', 'request_id']).execute();
  }

  // Requests registered before this migration, oldest first so SQLite's rowid order is time order.
  const cols = t.dialect === 'sqlite' ? sql`(terms, scope, request_id)` : sql`(request_id, project_id, created_at, terms)`;
  let after: [number, string] = [-1, ''];
  for (;;) {
    const rows = await db
      .selectFrom('requests')
      .select(['id', 'project_id', 'created_at', 'content', 'location', 'requester_name'])
      .where((eb) => eb.or([eb('created_at', '>', after[0]), eb.and([eb('created_at', '=', after[0]), eb('id', '>', after[1])])]))
      .orderBy('created_at')
      .orderBy('id')
      .limit(500)
      .execute();
    if (rows.length === 0) break;
    const values = rows.map((r) => {
      const v = searchRow(t.dialect, {
        requestId: r.id,
        projectId: r.project_id,
        createdAt: Number(r.created_at),
        content: r.content,
        location: r.location,
        requesterName: r.requester_name,
      });
      return t.dialect === 'sqlite' ? sql`(${sql.join(v)})` : sql`(${v[0]}, ${v[1]}, ${v[2]}, cast(${v[3]} as tsvector))`;
    });
    await sql`insert into request_search ${cols} values ${sql.join(values)}`.execute(db);
    const last = rows[rows.length - 1]!;
    after = [Number(last.created_at), last.id];
  }
}
