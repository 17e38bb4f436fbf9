/**
 * The register part of the SQLite bulk load (see generate-requests.ts), on a thread of its own:
 * draws every request as the main thread does and writes the requests, their detail rows and
 * the search index into a scratch database file, whose tables the main thread then copies into
 * the real database. The file has the real tables' exact definitions and indexes, so that copy is
 * SQLite's transfer optimisation (b-tree records and index entries copied as they are) rather
 * than rows inserted one by one; the indexes are built here, once the rows are in, from sorted
 * data, while the main thread writes the history part.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { searchRow } from '../server/domains/requests/request-search.ts';
import { type GenSetup, loadPart, RequestGenerator } from './generate-requests.ts';

export interface WorkerStart {
  setup: GenSetup;
  /** The CREATE statements of the tables, exactly as in the real database, then of their secondary indexes. */
  tables: string[];
  indexes: string[];
  /** The history part's chain tips, 64 hex characters per request. */
  tips: SharedArrayBuffer;
  /** [0]: requests whose tips are in `tips`. */
  progress: SharedArrayBuffer;
}

/** What only the register part knows: the numbers given and the archived repairs of each week. */
export type WorkerDone = { type: 'done'; timing: string; counters: [string, number][]; completed: [string, string[]][] };

const { file, spawned } = workerData as { file: string; spawned: number };
const loaded = Date.now() - spawned;

parentPort!.once('message', (msg: WorkerStart) => {
  const db = new Database(file);
  // A scratch file filled once, nobody else reading: no journal, no fsync. The rows are
  // consistent by construction, and the parent tables are not here to check against.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('cache_size = -1000000');
  db.pragma('foreign_keys = OFF');
  for (const sql of msg.tables) db.exec(sql);
  const gen = new RequestGenerator(msg.setup, 'register', searchRow);
  const timing = loadPart(db, gen, msg);
  const t0 = performance.now();
  // Built from the sorted data once the rows are in: several times faster than keeping them up to date row by row.
  for (const sql of msg.indexes) db.exec(sql);
  const indexes = performance.now() - t0;
  db.close();
  const done: WorkerDone = {
    type: 'done',
    timing: `${timing}, indexes ${Math.round(indexes)}, loaded in ${loaded}`,
    counters: [...gen.counters],
    completed: [...gen.completedRepairs],
  };
  parentPort!.postMessage(done);
});
