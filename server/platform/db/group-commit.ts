import type { AppContext } from '../context.ts';
import type { Tx } from './index.ts';

/**
 * Group commit for SQLite. A commit writes every page the transaction touched to the WAL:
 * an intake touches about forty (the register row and its ten indexes, the detail, deadline,
 * history, audit and search rows), some 160 kB per request, and that write was the largest
 * single cost of an intake. Commands that arrive while a group is being written wait and go
 * in the next group together: each runs in its own savepoint (a failing command rolls back
 * alone, and gets its error), then one COMMIT makes them all durable at once and writes each
 * shared index page once. A command's promise settles only after that COMMIT, so whoever got
 * an answer has a committed write. PostgreSQL commits each command on its own connection and
 * groups WAL flushes itself: there this is an ordinary transaction.
 */
interface Item {
  fn: (tx: Tx) => Promise<unknown>;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

/** Enough to share most index pages; small enough that the first in a group does not wait long. */
const MAX_GROUP = 64;

interface Queue {
  pending: Item[];
  running: boolean;
  scheduled: boolean;
}
const queues = new WeakMap<AppContext['handle'], Queue>();

/** Work a command asked to run after every command of its group, before the COMMIT. */
const deferred = new WeakMap<Tx, (() => Promise<void> | void)[]>();

/**
 * Runs `fn` in the transaction, after the group's savepoints when `tx` is a group's. FTS5 writes
 * its pending index to disk at every savepoint; index rows added after them go out in one piece.
 * Only for writes that cannot fail on their own (a failure here fails the whole group).
 */
export async function beforeCommit(tx: Tx, fn: () => Promise<void> | void): Promise<void> {
  const list = deferred.get(tx);
  if (list) list.push(fn);
  else await fn();
}

export function groupTransaction<T>(ctx: Pick<AppContext, 'db' | 'dialect' | 'handle'>, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (ctx.dialect !== 'sqlite') return ctx.db.transaction().execute(fn);
  let q = queues.get(ctx.handle);
  if (!q) {
    q = { pending: [], running: false, scheduled: false };
    queues.set(ctx.handle, q);
  }
  const queue = q;
  return new Promise<T>((resolve, reject) => {
    queue.pending.push({ fn, resolve: resolve as (v: unknown) => void, reject });
    // A group starts once this turn of the event loop is over: the other requests read from the
    // sockets in the same turn get here first and join it (the writes themselves are synchronous,
    // so nothing new arrives while a group is being written).
    if (!queue.running && !queue.scheduled) {
      queue.scheduled = true;
      setImmediate(() => {
        queue.scheduled = false;
        if (!queue.running) void drain(ctx, queue);
      });
    }
  });
}

async function drain(ctx: Pick<AppContext, 'db' | 'handle'>, q: Queue): Promise<void> {
  q.running = true;
  try {
    while (q.pending.length) {
      const group = q.pending.splice(0, MAX_GROUP);
      const results: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
      const later: (() => Promise<void> | void)[] = [];
      try {
        await ctx.db.transaction().execute(async (tx) => {
          const run = (text: string) => ctx.handle.prepare?.(text).run();
          for (const item of group) {
            const mine: (() => Promise<void> | void)[] = [];
            deferred.set(tx, mine);
            run('savepoint wuye_group');
            try {
              const value = await item.fn(tx);
              run('release wuye_group');
              results.push({ ok: true, value });
              later.push(...mine);
            } catch (error) {
              run('rollback to wuye_group');
              run('release wuye_group');
              results.push({ ok: false, error });
            }
          }
          deferred.delete(tx);
          for (const fn of later) await fn();
        });
      } catch (error) {
        // The COMMIT itself failed: nothing of the group was written.
        for (const item of group) item.reject(error);
        continue;
      }
      group.forEach((item, i) => {
        const r = results[i];
        if (r?.ok) item.resolve(r.value);
        else item.reject(r?.error);
      });
    }
  } finally {
    q.running = false;
  }
}
