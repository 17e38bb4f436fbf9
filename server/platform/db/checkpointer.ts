import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/**
 * WAL checkpoints off the event loop (SQLite, `wuye serve`). A checkpoint copies the WAL's pages
 * into the database file and flushes both to disk; run by the committing connection (SQLite's
 * default, every 1,000 pages) it stopped the server for milliseconds several times a second under
 * an intake load. A worker thread with its own connection checkpoints passively instead, which
 * never blocks the writer. The server's connection keeps a much larger automatic checkpoint as a
 * backstop: a WAL that is never completely copied cannot start over, and under a steady load the
 * worker rarely finds a moment with nothing new, so now and then the writer finishes the job.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
let stopped = false;
parentPort.on('message', () => { stopped = true; });
const tick = () => {
  if (stopped) { db.close(); parentPort.postMessage('closed'); return; }
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  setTimeout(tick, workerData.everyMs);
};
tick();
`;

/** Pages the writer lets the WAL reach before checkpointing itself (about 40 MB). */
const BACKSTOP_PAGES = 10_000;

export function startCheckpointer(sqlite: Database.Database, file: string, everyMs = 50): () => Promise<void> {
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  const worker = new Worker(WORKER, { eval: true, workerData: { module, file, everyMs } });
  worker.unref();
  return () =>
    new Promise((resolve) => {
      worker.once('message', () => resolve());
      worker.once('exit', () => resolve());
      worker.postMessage('stop');
    });
}
