import { createHmac } from 'node:crypto';
import type { Insertable } from 'kysely';
import nodemailer from 'nodemailer';
import type { AppContext } from '../context.ts';
import type { Db, Tx } from '../db/index.ts';
import type { NotificationTable, OutboxTable } from '../db/types.ts';
import { newId } from '../ids.ts';
import type { LiveEvent } from '../live/live.ts';
import { getSetting } from '../settings/settings.ts';

export interface NotifyInput {
  userIds: string[];
  kind: string;
  title: string;
  body?: string;
  link?: string;
  requestId?: string | null;
  /** Same cause → same key: a second node noticing the same breach adds nothing. */
  dedupeKey: string;
  projectId?: string | null;
}

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  pass?: string;
  from: string;
}

export interface WebhookSettings {
  urls: string[];
  /** HMAC-SHA256 key for the X-Wuye-Signature header; empty = unsigned. */
  secret: string;
}

/**
 * In-app inbox rows plus, in the same transaction, outbox rows for the channels that
 * reach people outside the app. The outbox worker delivers them later and retries: a
 * failing mail server never loses a notification and never blocks the write.
 */
export function notify(tx: Tx, input: NotifyInput, now: number): Promise<LiveEvent[]> {
  return notifyMany(tx, [input], now);
}

/**
 * `notify` for many notices at once (a pass of the deadline sweeper): the people are read once,
 * the inbox and outbox rows written together. Same keys, same outcome as one `notify` each; a
 * notice whose key is already there (another node noticed the same cause) adds nothing.
 */
export async function notifyMany(tx: Tx, inputs: NotifyInput[], now: number): Promise<LiveEvent[]> {
  if (!inputs.length) return [];
  const ids = [...new Set(inputs.flatMap((i) => i.userIds))];
  const users = new Map(
    (ids.length ? await tx.selectFrom('users').select(['id', 'email', 'active']).where('id', 'in', ids).execute() : []).map((u) => [
      u.id,
      u,
    ]),
  );
  const hooks = await getSetting<WebhookSettings>(tx, 'notify.webhooks', null, { urls: [], secret: '' });
  const who = new Map<string, { input: NotifyInput; email: string }>();
  const rows: Insertable<NotificationTable>[] = [];
  for (const input of inputs) {
    for (const id of new Set(input.userIds)) {
      const u = users.get(id);
      const key = `${input.dedupeKey}:${id}`;
      if (!u?.active || who.has(key)) continue;
      who.set(key, { input, email: u.email });
      rows.push({
        id: newId(now),
        user_id: id,
        at: now,
        kind: input.kind,
        title: input.title,
        body: input.body ?? '',
        link: input.link ?? '',
        request_id: input.requestId ?? null,
        dedupe_key: key,
        read_at: null,
      });
    }
  }
  const events: LiveEvent[] = [];
  const outbox: Insertable<OutboxTable>[] = [];
  const out = (m: { channel: 'email' | 'webhook'; target: string; subject: string; body: string; dedupeKey: string }) =>
    outbox.push({
      id: newId(now),
      channel: m.channel,
      target: m.target,
      subject: m.subject,
      body: m.body,
      dedupe_key: m.dedupeKey,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      last_error: '',
      created_at: now,
      sent_at: null,
    });
  for (let i = 0; i < rows.length; i += 500) {
    // Only the rows not there yet come back: a notice another node already wrote is not news.
    const added = await tx
      .insertInto('notifications')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning(['user_id', 'dedupe_key'])
      .execute();
    for (const a of added) {
      events.push({ type: 'notification', userId: a.user_id, at: now });
      const w = who.get(a.dedupe_key);
      if (w?.email)
        out({
          channel: 'email',
          target: w.email,
          subject: w.input.title,
          body: w.input.body ?? w.input.title,
          dedupeKey: `email:${a.dedupe_key}`,
        });
    }
  }
  // Integrations hear of every event, with or without people to tell in the app. Webhooks are
  // configured for the company: one place holds both the addresses and the signing secret.
  for (const input of inputs)
    for (const url of hooks.urls)
      out({
        channel: 'webhook',
        target: url,
        subject: input.kind,
        body: JSON.stringify({
          kind: input.kind,
          title: input.title,
          body: input.body ?? '',
          requestId: input.requestId ?? null,
          projectId: input.projectId ?? null,
          at: now,
        }),
        dedupeKey: `webhook:${url}:${input.dedupeKey}`,
      });
  for (let i = 0; i < outbox.length; i += 500)
    await tx
      .insertInto('outbox')
      .values(outbox.slice(i, i + 500))
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .execute();
  return events;
}

/** 30 s, 1 min, 2 min, … capped at one hour: a dead endpoint is retried for as long as it takes. */
export function backoffMs(attempts: number): number {
  return Math.min(3600_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

/** How long a claimed row is hidden from other workers while it is being sent. */
const LEASE_MS = 60_000;

export type Sender = (row: { channel: string; target: string; subject: string; body: string }) => Promise<void>;

/** Channel adapters behind one interface; tests swap in their own servers, not fakes of these. */
export async function defaultSender(db: Db): Promise<Sender> {
  const smtp = await getSetting<SmtpSettings | null>(db, 'notify.smtp', null, null);
  const hooks = await getSetting<WebhookSettings>(db, 'notify.webhooks', null, { urls: [], secret: '' });
  return async (row) => {
    if (row.channel === 'email') {
      if (!smtp) throw new Error('未配置 SMTP 服务器');
      const transport = nodemailer.createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.secure,
        auth: smtp.user ? { user: smtp.user, pass: smtp.pass ?? '' } : undefined,
        ignoreTLS: !smtp.secure,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      });
      try {
        await transport.sendMail({ from: smtp.from, to: row.target, subject: row.subject, text: row.body });
      } finally {
        transport.close();
      }
      return;
    }
    if (row.channel === 'webhook') {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (hooks.secret) headers['x-wuye-signature'] = createHmac('sha256', hooks.secret).update(row.body).digest('hex');
      const res = await fetch(row.target, { method: 'POST', headers, body: row.body, signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return;
    }
    throw new Error(`unknown channel ${row.channel}`);
  };
}

/**
 * Claims due rows with a lease (FOR UPDATE SKIP LOCKED on PostgreSQL, so nodes never send
 * the same row twice at once), sends them, then records the outcome.
 */
export async function deliverOutbox(ctx: AppContext, sender?: Sender, limit = 20): Promise<{ sent: number; failed: number }> {
  const now = ctx.clock.now();
  const claimed = await ctx.db.transaction().execute(async (tx) => {
    let q = tx
      .selectFrom('outbox')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .limit(limit);
    if (ctx.dialect === 'postgres') q = q.forUpdate().skipLocked();
    const ids = (await q.execute()).map((r) => r.id);
    if (ids.length === 0) return [];
    await tx
      .updateTable('outbox')
      .set({ next_attempt_at: now + LEASE_MS })
      .where('id', 'in', ids)
      .execute();
    return tx.selectFrom('outbox').selectAll().where('id', 'in', ids).execute();
  });
  if (claimed.length === 0) return { sent: 0, failed: 0 };
  const send = sender ?? (await defaultSender(ctx.db));
  let sent = 0;
  let failed = 0;
  for (const row of claimed) {
    // The batch was leased when it was claimed, but a slow endpoint can hold the batch past
    // that lease, and another node may then claim the rows not sent yet. So each row's lease
    // is renewed just before sending it, as a compare-and-set on the lease this worker holds:
    // a row another worker has taken over in the meantime is left to it.
    const lease = ctx.clock.now() + LEASE_MS;
    const renewed = await ctx.db
      .updateTable('outbox')
      .set({ next_attempt_at: lease })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '=', row.next_attempt_at)
      .executeTakeFirst();
    if (Number(renewed.numUpdatedRows) !== 1) continue;
    try {
      await send(row);
      await ctx.db
        .updateTable('outbox')
        .set({ status: 'sent', sent_at: ctx.clock.now(), attempts: row.attempts + 1, last_error: '' })
        .where('id', '=', row.id)
        .where('next_attempt_at', '=', lease)
        .execute();
      sent++;
    } catch (e) {
      const attempts = row.attempts + 1;
      await ctx.db
        .updateTable('outbox')
        .set({
          attempts,
          next_attempt_at: ctx.clock.now() + backoffMs(attempts),
          last_error: String((e as Error).message ?? e).slice(0, 500),
        })
        .where('id', '=', row.id)
        .where('next_attempt_at', '=', lease)
        .execute();
      failed++;
    }
  }
  return { sent, failed };
}
