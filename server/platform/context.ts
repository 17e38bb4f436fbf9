import type { Db, DbHandle, Dialect } from './db/index.ts';

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
}
