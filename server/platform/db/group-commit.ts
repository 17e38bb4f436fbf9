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

interface BatchItem<I, O> {
  item: I;
  alone: (item: I) => Promise<O>;
  resolve(v: O): void;
  reject(e: unknown): void;
}
interface BatchQueue {
  pending: BatchItem<any, any>[];
  running: boolean;
  scheduled: boolean;
}
const batchQueues = new WeakMap<AppContext['handle'], Map<string, BatchQueue>>();

/**
 * Batches for PostgreSQL: the items of one kind of work that arrive in the same turn of the
 * event loop (and while the previous batch is being written) are written together by
 * `work`, in one transaction, one batch at a time per node. For work that serialises on row
 * locks anyway (the intake's number counter and the audit chain's head): a batch takes them
 * once and holds them for a few round trips, where one transaction per item held them for a few
 * round trips each. Each item's promise settles after the COMMIT. When the batch fails, nothing
 * of it was written, and every item is tried again alone through `alone`, so one bad item gets
 * its own error and the others go through.
 */
export function batched<I, O>(
  ctx: Pick<AppContext, 'db' | 'handle'>,
  name: string,
  item: I,
  work: (tx: Tx, items: I[]) => Promise<O[]>,
  alone: (item: I) => Promise<O>,
): Promise<O> {
  let byName = batchQueues.get(ctx.handle);
  if (!byName) {
    byName = new Map();
    batchQueues.set(ctx.handle, byName);
  }
  let q = byName.get(name);
  if (!q) {
    q = { pending: [], running: false, scheduled: false };
    byName.set(name, q);
  }
  const queue = q;
  return new Promise<O>((resolve, reject) => {
    queue.pending.push({ item, alone, resolve, reject });
    if (!queue.running && !queue.scheduled) {
      queue.scheduled = true;
      setImmediate(() => {
        queue.scheduled = false;
        if (!queue.running) void drainBatches(ctx, queue, work);
      });
    }
  });
}

async function drainBatches<I, O>(ctx: Pick<AppContext, 'db'>, q: BatchQueue, work: (tx: Tx, items: I[]) => Promise<O[]>): Promise<void> {
  q.running = true;
  try {
    while (q.pending.length) {
      const batch = q.pending.splice(0, MAX_GROUP) as BatchItem<I, O>[];
      let out: O[];
      try {
        out = await ctx.db.transaction().execute((tx) =>
          work(
            tx,
            batch.map((b) => b.item),
          ),
        );
      } catch {
        // Nothing of the batch was written: each item on its own, with its own error.
        await Promise.all(batch.map((b) => b.alone(b.item).then(b.resolve, b.reject)));
        continue;
      }
      batch.forEach((b, i) => {
        b.resolve(out[i] as O);
      });
    }
  } finally {
    q.running = false;
  }
}
