import type { Db, DbHandle, Dialect } from './db/index.ts';
import { LiveHub } from './live/live.ts';

/** Time is injected so deadline and lockout rules can be tested with a controlled clock. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

export interface AppContext {
  handle: DbHandle;
  db: Db;
  dialect: Dialect;
  clock: Clock;
  dataDir: string;
  version: string;
  live: LiveHub;
  /** This process, as named in job claims and logs. */
  node: string;
}

export function createContext(handle: DbHandle, opts: { clock?: Clock; dataDir: string; version: string; node?: string }): AppContext {
  return {
    handle,
    db: handle.db,
    dialect: handle.dialect,
    clock: opts.clock ?? systemClock,
    dataDir: opts.dataDir,
    version: opts.version,
    live: new LiveHub(handle),
    node: opts.node ?? `${process.pid}`,
  };
}
