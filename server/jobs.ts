import type { Config } from './config.ts';
import { remindOverdueIncidents } from './domains/frontdesk/incidents.service.ts';
import { drawWeeklyCallbacks } from './domains/repairs/callbacks.service.ts';
import { closeDeclinedComplaints } from './domains/requests/complaint-closure.ts';
import { sweepDeadlines } from './domains/requests/requests.service.ts';
import type { Job } from './platform/jobs/runner.ts';
import { deliverOutbox } from './platform/notify/notify.ts';

/** The background work every node runs. */
export function defaultJobs(cfg: Pick<Config, 'sweepMs' | 'outboxMs'>): Job[] {
  return [
    {
      name: 'deadline-sweep',
      everyMs: cfg.sweepMs,
      run: async (ctx) => {
        const r = await sweepDeadlines(ctx);
        // Logged by the runner; the deadlines stay due and are tried again next time.
        if (r.failed) throw new Error(`${r.failed} 个时限本轮未能处理，下一轮重试`);
      },
    },
    { name: 'outbox', everyMs: cfg.outboxMs, run: (ctx) => deliverOutbox(ctx) },
    // Each Monday's first run draws last week's callback sample; later runs find the draw made and pass.
    { name: 'callback-draw', everyMs: 10 * 60_000, run: (ctx) => drawWeeklyCallbacks(ctx) },
    { name: 'complaint-self-close', everyMs: 10 * 60_000, run: (ctx) => closeDeclinedComplaints(ctx) },
    // An incident report that passes its due time is news to the supervisors once; every node may run it.
    { name: 'incident-report-overdue', everyMs: 5 * 60_000, run: (ctx) => remindOverdueIncidents(ctx) },
  ];
}
