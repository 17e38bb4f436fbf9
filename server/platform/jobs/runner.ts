import type { AppContext } from '../context.ts';

export interface Job {
  name: string;
  everyMs: number;
  run(ctx: AppContext): Promise<unknown>;
}

/**
 * Runs each job on its interval, never two runs of one job at once in this process. Jobs
 * must be safe on several nodes at the same time: they claim rows (SKIP LOCKED) or advance
 * them with compare-and-set, so running everywhere is correct, just redundant.
 */
export function startJobs(ctx: AppContext, jobs: Job[], log: (msg: string, err?: unknown) => void = () => {}): () => Promise<void> {
  const timers: NodeJS.Timeout[] = [];
  const running = new Map<string, Promise<unknown>>();
  let stopped = false;
  for (const job of jobs) {
    const tick = () => {
      if (stopped || running.has(job.name)) return;
      const p = job
        .run(ctx)
        .catch((e) => log(`job ${job.name} failed`, e))
        .finally(() => running.delete(job.name));
      running.set(job.name, p);
    };
    timers.push(setInterval(tick, job.everyMs));
    setImmediate(tick);
  }
  return async () => {
    stopped = true;
    for (const t of timers) clearInterval(t);
    await Promise.all(running.values());
  };
}

/** Claims a one-off run (a weekly draw, a monthly report) so exactly one node does it. */
export async function claimRun(ctx: AppContext, key: string): Promise<boolean> {
  const res = await ctx.db
    .insertInto('job_runs')
    .values({ key, node: ctx.node, started_at: ctx.clock.now(), finished_at: null, result: '' })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
}
