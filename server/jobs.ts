import type { Config } from './config.ts';
import { sweepDeadlines } from './domains/requests/requests.service.ts';
import type { Job } from './platform/jobs/runner.ts';
import { deliverOutbox } from './platform/notify/notify.ts';

/** The background work every node runs. */
export function defaultJobs(cfg: Pick<Config, 'sweepMs' | 'outboxMs'>): Job[] {
  return [
    { name: 'deadline-sweep', everyMs: cfg.sweepMs, run: (ctx) => sweepDeadlines(ctx) },
    { name: 'outbox', everyMs: cfg.outboxMs, run: (ctx) => deliverOutbox(ctx) },
  ];
}
