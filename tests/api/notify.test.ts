import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { sweepDeadlines } from '../../server/domains/requests/requests.service.ts';
import { backoffMs, deliverOutbox, notify } from '../../server/platform/notify/notify.ts';
import { putSetting } from '../../server/platform/settings/settings.ts';
import { describeEachDb, TestClock } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const MIN = 60_000;
/** Far enough that no later case of this file reaches it. */
const PARKED = 8_000_000_000_000;

interface Mail {
  from: string;
  to: string[];
  subject: string;
  raw: string;
}

/** RFC 2047 encoded words (nodemailer encodes a Chinese subject as =?UTF-8?B?…?=), unfolded and decoded. */
function decodeHeader(value: string): string {
  const unfolded = value.replace(/\r?\n[ \t]+/g, ' ').replace(/\?=\s+=\?/g, '?==?');
  const parts: Buffer[] = [];
  const re = /=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g;
  let last = 0;
  for (const m of unfolded.matchAll(re)) {
    parts.push(Buffer.from(unfolded.slice(last, m.index), 'utf8'));
    const text = m[3] ?? '';
    if ((m[2] ?? '').toUpperCase() === 'B') parts.push(Buffer.from(text, 'base64'));
    else
      parts.push(
        Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
          'latin1',
        ),
      );
    last = (m.index ?? 0) + m[0].length;
  }
  parts.push(Buffer.from(unfolded.slice(last), 'utf8'));
  return Buffer.concat(parts).toString('utf8');
}

function subjectOf(raw: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const m = /^subject:(.*(?:\r?\n[ \t].*)*)/im.exec(head);
  return decodeHeader((m?.[1] ?? '').trim());
}

/** A real SMTP server on a local port: what the outbox worker talks to in production, minus TLS. */
async function startSmtp(port = 0) {
  const received: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom;
        received.push({
          from: from ? from.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: subjectOf(raw),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.server.address() as AddressInfo;
  return {
    port: address.port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Hit {
  body: string;
  json: { kind: string; title: string; body: string; requestId: string | null; at: number };
  signature: string | undefined;
  status: number;
}

/**
 * A webhook receiver whose answers are scripted: `statuses` are used in turn, then 200.
 * `onHit` runs before each answer (to make the endpoint slow, or to let another worker in).
 */
async function startWebhook(statuses: number[] = [], onHit?: (n: number) => void) {
  const hits: Hit[] = [];
  const script = [...statuses];
  const server: HttpServer = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const status = script.shift() ?? 200;
      hits.push({ body, json: JSON.parse(body), signature: req.headers['x-wuye-signature'] as string | undefined, status });
      onHit?.(hits.length);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'busy');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/wuye`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describeEachDb('notifications: inbox, e-mail and webhook outbox', (dialect) => {
  let srv: TestServer;
  // Deadlines, backoff and leases are all judged against this clock.
  const clock = new TestClock();
  let yghy: string;
  const ids: Record<string, string> = {};
  const clients: Record<string, Client> = {};

  beforeAll(async () => {
    srv = await startTestServer({ dialect, clock });
    yghy = srv.demo.projectByCode.YGHY as string;
    const users = await srv.ctx.db
      .selectFrom('users')
      .select(['id', 'username'])
      .where('username', 'in', ['qiantai', 'kefuzhuguan', 'gongcheng', 'jingli'])
      .execute();
    for (const u of users) ids[u.username] = u.id;
    for (const name of ['qiantai', 'kefuzhuguan', 'gongcheng']) {
      const c = new Client(srv.url);
      expect((await c.login(name, DEMO_PASSWORD)).status).toBe(200);
      clients[name] = c;
    }
  });

  // Each case judges only its own breach and its own deliveries: earlier requests stop being
  // swept (no escalations later), earlier undelivered rows are parked, channels are unset.
  afterEach(async () => {
    const db = srv.ctx.db;
    await db.updateTable('deadlines').set({ next_check_at: null }).execute();
    await db.updateTable('outbox').set({ next_attempt_at: PARKED }).where('status', '=', 'pending').execute();
    await db.deleteFrom('settings').where('key', 'in', ['notify.smtp', 'notify.webhooks']).execute();
    await db.updateTable('users').set({ email: '' }).execute();
  });

  afterAll(() => srv?.close());

  const c = (name: string) => clients[name] as Client;

  async function registerRepair(content = '厨房水龙头漏水') {
    const r = await c('qiantai').post('/api/requests', {
      projectId: yghy,
      kind: 'repair',
      channel: 'phone',
      requesterName: '李先生',
      requesterPhone: '13912345678',
      content,
      readBackConfirmed: true,
    });
    expect(r.status).toBe(201);
    return r.body as { id: string; number: string };
  }

  /** A repair must be answered within 10 minutes: 11 minutes later the sweeper finds it breached. */
  async function breachedRepair(content?: string) {
    const req = await registerRepair(content);
    clock.advance(11 * MIN);
    const r = await sweepDeadlines(srv.ctx);
    expect(r.breached).toBeGreaterThanOrEqual(1);
    const d = await srv.ctx.db
      .selectFrom('deadlines')
      .select(['id', 'breached_at'])
      .where('request_id', '=', req.id)
      .executeTakeFirstOrThrow();
    // Recorded at the due time (10 minutes after intake), not when the sweep noticed it.
    expect(d.breached_at).toBe(clock.now() - MIN);
    return { ...req, deadlineId: d.id };
  }

  async function outboxOf(channel: 'email' | 'webhook', requestNumberOrId: string) {
    const rows = await srv.ctx.db.selectFrom('outbox').selectAll().where('channel', '=', channel).execute();
    return rows.filter((r) => r.subject.includes(requestNumberOrId) || r.body.includes(requestNumberOrId));
  }

  it('department head and service supervisor: a breach lands in both inboxes; read, read-all; others cannot touch it', async () => {
    const before = {
      gongcheng: (await c('gongcheng').get('/api/notifications/unread-count')).body.unread as number,
      kefuzhuguan: (await c('kefuzhuguan').get('/api/notifications/unread-count')).body.unread as number,
      qiantai: (await c('qiantai').get('/api/notifications/unread-count')).body.unread as number,
    };
    const req = await breachedRepair('卫生间地漏堵塞');

    const inbox = await c('gongcheng').get('/api/notifications');
    expect(inbox.status).toBe(200);
    const mine = inbox.body.items.filter((n: { requestId: string }) => n.requestId === req.id);
    expect(mine).toHaveLength(1);
    const note = mine[0];
    expect(note.kind).toBe('deadline.breached');
    expect(note.title).toContain(req.number);
    expect(note.title).toContain('已超时');
    expect(note.link).toBe(`/requests/${req.id}`);
    expect(note.read).toBe(false);
    expect(note.at).toBe(clock.now());
    // The newest comes first: this breach is the latest thing in the inbox.
    expect(inbox.body.items[0].id).toBe(note.id);
    expect(inbox.body.unread).toBe(before.gongcheng + 1);
    expect((await c('gongcheng').get('/api/notifications/unread-count')).body.unread).toBe(before.gongcheng + 1);

    const sup = await c('kefuzhuguan').get('/api/notifications?unread=true');
    const supNote = sup.body.items.find((n: { requestId: string }) => n.requestId === req.id);
    expect(supNote).toBeDefined();
    expect(supNote.id).not.toBe(note.id);
    expect((await c('kefuzhuguan').get('/api/notifications/unread-count')).body.unread).toBe(before.kefuzhuguan + 1);
    // The receptionist who registered it is not on the escalation path.
    expect((await c('qiantai').get('/api/notifications/unread-count')).body.unread).toBe(before.qiantai);

    // Someone else's notification does not exist for you: 404, and it stays unread.
    const foreign = await c('qiantai').post(`/api/notifications/${note.id}/read`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBeDefined();
    const foreignSup = await c('kefuzhuguan').post(`/api/notifications/${note.id}/read`);
    expect(foreignSup.status).toBe(404);
    expect((await c('gongcheng').get('/api/notifications/unread-count')).body.unread).toBe(before.gongcheng + 1);
    expect((await c('qiantai').post('/api/notifications/no-such-id/read')).status).toBe(404);

    const read = await c('gongcheng').post(`/api/notifications/${note.id}/read`);
    expect(read.status).toBe(200);
    expect(read.body.unread).toBe(before.gongcheng);
    // Marking it again is harmless, not an error.
    const again = await c('gongcheng').post(`/api/notifications/${note.id}/read`);
    expect(again.status).toBe(200);
    expect(again.body.unread).toBe(before.gongcheng);
    const after = await c('gongcheng').get('/api/notifications');
    expect(after.body.items.find((n: { id: string }) => n.id === note.id).read).toBe(true);
    const unreadOnly = await c('gongcheng').get('/api/notifications?unread=true');
    expect(unreadOnly.body.items.some((n: { id: string }) => n.id === note.id)).toBe(false);
    // The supervisor's copy is independent of the head's.
    expect((await c('kefuzhuguan').get('/api/notifications/unread-count')).body.unread).toBe(before.kefuzhuguan + 1);

    const all = await c('kefuzhuguan').post('/api/notifications/read-all');
    expect(all.status).toBe(200);
    expect(all.body.unread).toBe(0);
    expect((await c('kefuzhuguan').get('/api/notifications/unread-count')).body.unread).toBe(0);
    expect((await c('kefuzhuguan').get('/api/notifications?unread=true')).body.items).toHaveLength(0);
    // Read-all is one user's inbox only.
    expect((await c('gongcheng').get('/api/notifications/unread-count')).body.unread).toBe(before.gongcheng);

    const anonymous = await new Client(srv.url).get('/api/notifications');
    expect(anonymous.status).toBe(401);
  });

  it('any staff member: the inbox is keyset-paginated newest first, ties broken by id', async () => {
    const user = await srv.makeUser('receptionist');
    const base = clock.now();
    // Several at one instant: the cursor must carry the id, or a page boundary inside a tie loses rows.
    const instants = [base - 5000, base, base, base, base - 1000, base - 1000, base + 300, base - 5000, base];
    let n = 0;
    for (const at of instants) {
      await srv.ctx.db
        .transaction()
        .execute((tx) => notify(tx, { userIds: [user.id], kind: 'test.page', title: `第 ${++n} 条`, dedupeKey: `page-test:${n}` }, at));
    }
    const expected = (
      await srv.ctx.db
        .selectFrom('notifications')
        .select(['id', 'at'])
        .where('user_id', '=', user.id)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .execute()
    ).map((r) => r.id);
    expect(expected).toHaveLength(instants.length);

    const me = new Client(srv.url);
    expect((await me.login(user.username, user.password)).status).toBe(200);
    const seen: { id: string; at: number }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
      const page = await me.get(`/api/notifications${q}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      expect(page.body.unread).toBe(instants.length);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(pages).toBe(Math.ceil(instants.length / 2));
    expect(seen.map((s) => s.id)).toEqual(expected);
    for (let i = 1; i < seen.length; i++) expect((seen[i] as { at: number }).at).toBeLessThanOrEqual((seen[i - 1] as { at: number }).at);

    expect((await me.get('/api/notifications?cursor=not-a-cursor')).status).toBe(400);
  });

  it('service supervisor with an e-mail address: the breach is mailed through the SMTP server, once', async () => {
    const smtp = await startSmtp();
    try {
      await putSetting(
        srv.ctx.db,
        'notify.smtp',
        'company',
        { host: '127.0.0.1', port: smtp.port, secure: false, from: 'wuye@example.com' },
        clock.now(),
      );
      await srv.ctx.db
        .updateTable('users')
        .set({ email: 'kefu@example.com' })
        .where('id', '=', ids.kefuzhuguan as string)
        .execute();
      const req = await breachedRepair('楼道灯不亮');

      const r = await deliverOutbox(srv.ctx);
      expect(r).toEqual({ sent: 1, failed: 0 });
      expect(smtp.received).toHaveLength(1);
      const mail = smtp.received[0] as Mail;
      expect(mail.to).toEqual(['kefu@example.com']);
      expect(mail.from).toBe('wuye@example.com');
      expect(mail.subject).toContain(req.number);
      expect(mail.subject).toContain('已超时');
      // The body is the request's content, as UTF-8 text.
      expect(mail.raw).toMatch(/charset=utf-8/i);

      const rows = await outboxOf('email', req.number);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: 'sent', attempts: 1, target: 'kefu@example.com', last_error: '', sent_at: clock.now() });

      // Nothing left to send: a second pass (or another node) mails nothing more.
      clock.advance(2 * MIN);
      expect(await deliverOutbox(srv.ctx)).toEqual({ sent: 0, failed: 0 });
      expect(smtp.received).toHaveLength(1);
    } finally {
      await smtp.close();
    }
  });

  it('mail server down: the row waits with backoff (30 s, 60 s, …), is never lost, and goes out once when it is back', async () => {
    expect([1, 2, 3].map(backoffMs)).toEqual([30_000, 60_000, 120_000]);
    // Learn a port, then stop the server: nothing listens there until it "comes back" below.
    const probe = await startSmtp();
    const port = probe.port;
    await probe.close();
    await putSetting(
      srv.ctx.db,
      'notify.smtp',
      'company',
      { host: '127.0.0.1', port, secure: false, from: 'wuye@example.com' },
      clock.now(),
    );
    await srv.ctx.db
      .updateTable('users')
      .set({ email: 'kefu-retry@example.com' })
      .where('id', '=', ids.kefuzhuguan as string)
      .execute();
    const req = await breachedRepair('电梯按钮失灵');
    const row = async () => (await outboxOf('email', req.number))[0];

    expect(await deliverOutbox(srv.ctx)).toEqual({ sent: 0, failed: 1 });
    let r = await row();
    expect(r?.status).toBe('pending');
    expect(r?.attempts).toBe(1);
    expect(r?.last_error).not.toBe('');
    expect(r?.next_attempt_at).toBe(clock.now() + 30_000);
    expect(r?.sent_at).toBeNull();

    // Before the backoff is over nothing is tried.
    clock.advance(29_999);
    expect(await deliverOutbox(srv.ctx)).toEqual({ sent: 0, failed: 0 });
    expect((await row())?.attempts).toBe(1);

    clock.advance(1);
    expect(await deliverOutbox(srv.ctx)).toEqual({ sent: 0, failed: 1 });
    r = await row();
    expect(r?.status).toBe('pending');
    expect(r?.attempts).toBe(2);
    expect(r?.next_attempt_at).toBe(clock.now() + 60_000);

    const smtp = await startSmtp(port);
    try {
      // Back, but the row is still in its backoff.
      clock.advance(59_000);
      expect(await deliverOutbox(srv.ctx)).toEqual({ sent: 0, failed: 0 });
      expect(smtp.received).toHaveLength(0);

      clock.advance(1_000);
      expect(await deliverOutbox(srv.ctx)).toEqual({ sent: 1, failed: 0 });
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0]?.to).toEqual(['kefu-retry@example.com']);
      expect(smtp.received[0]?.subject).toContain(req.number);
      r = await row();
      expect(r).toMatchObject({ status: 'sent', attempts: 3, last_error: '', sent_at: clock.now() });

      clock.advance(10 * MIN);
      expect(await deliverOutbox(srv.ctx)).toEqual({ sent: 0, failed: 0 });
      expect(smtp.received).toHaveLength(1);
      // Never deleted: the delivered row stays as the record of what was sent.
      expect(await outboxOf('email', req.number)).toHaveLength(1);
    } finally {
      await smtp.close();
    }
  });

  it('integration webhook: two 500s then 200 → three attempts with backoff, a signed JSON body', async () => {
    const hook = await startWebhook([500, 500]);
    const secret = 'whsec-物业-2026';
    try {
      await putSetting(srv.ctx.db, 'notify.webhooks', 'company', { urls: [hook.url], secret }, clock.now());
      const req = await breachedRepair('单元门禁无法刷卡');
      const row = async () => (await outboxOf('webhook', req.id))[0];
      expect(await row()).toMatchObject({ status: 'pending', attempts: 0, target: hook.url });

      expect(await deliverOutbox(srv.ctx)).toEqual({ sent: 0, failed: 1 });
      expect(await row()).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: clock.now() + 30_000 });
      expect((await row())?.last_error).toContain('500');

      clock.advance(10_000);
      expect(await deliverOutbox(srv.ctx)).toEqual({ sent: 0, failed: 0 });
      expect(hook.hits).toHaveLength(1);

      clock.advance(20_000);
      expect(await deliverOutbox(srv.ctx)).toEqual({ sent: 0, failed: 1 });
      expect(await row()).toMatchObject({ status: 'pending', attempts: 2, next_attempt_at: clock.now() + 60_000 });

      clock.advance(60_000);
      expect(await deliverOutbox(srv.ctx)).toEqual({ sent: 1, failed: 0 });
      expect(await row()).toMatchObject({ status: 'sent', attempts: 3, last_error: '', sent_at: clock.now() });
      expect(hook.hits.map((h) => h.status)).toEqual([500, 500, 200]);

      clock.advance(10 * MIN);
      expect(await deliverOutbox(srv.ctx)).toEqual({ sent: 0, failed: 0 });
      expect(hook.hits).toHaveLength(3);

      for (const h of hook.hits) {
        expect(h.json.kind).toBe('deadline.breached');
        expect(h.json.title).toContain(req.number);
        expect(h.json.requestId).toBe(req.id);
        // The receiver checks the body it got against the shared secret.
        const expected = createHmac('sha256', secret).update(h.body).digest('hex');
        expect(h.signature).toBeDefined();
        expect(timingSafeEqual(Buffer.from(h.signature as string), Buffer.from(expected))).toBe(true);
        expect(h.signature).not.toBe(createHmac('sha256', 'another-secret').update(h.body).digest('hex'));
      }
      // Every retry carries the very same payload.
      expect(new Set(hook.hits.map((h) => h.body)).size).toBe(1);
    } finally {
      await hook.close();
    }
  });

  it('two outbox workers at once: every e-mail and webhook is sent exactly once', async () => {
    const smtp = await startSmtp();
    const hook = await startWebhook();
    try {
      await putSetting(
        srv.ctx.db,
        'notify.smtp',
        'company',
        { host: '127.0.0.1', port: smtp.port, secure: false, from: 'wuye@example.com' },
        clock.now(),
      );
      await putSetting(srv.ctx.db, 'notify.webhooks', 'company', { urls: [hook.url], secret: 'k' }, clock.now());
      await srv.ctx.db
        .updateTable('users')
        .set({ email: 'kefu-many@example.com' })
        .where('id', '=', ids.kefuzhuguan as string)
        .execute();
      const reqs = [];
      for (let i = 0; i < 4; i++) reqs.push(await registerRepair(`并发投递 ${i} 号`));
      clock.advance(11 * MIN);
      expect((await sweepDeadlines(srv.ctx)).breached).toBe(4);

      // Small batches make the workers contend for rows over several rounds.
      const results = await Promise.all([
        deliverOutbox(srv.ctx, undefined, 3),
        deliverOutbox(srv.ctx, undefined, 3),
        deliverOutbox(srv.ctx),
      ]);
      const rest = await Promise.all([deliverOutbox(srv.ctx), deliverOutbox(srv.ctx)]);
      const sent = [...results, ...rest].reduce((s, r) => s + r.sent, 0);
      const failed = [...results, ...rest].reduce((s, r) => s + r.failed, 0);
      expect(failed).toBe(0);
      expect(sent).toBe(8);

      expect(smtp.received).toHaveLength(4);
      expect(new Set(smtp.received.map((m) => m.subject)).size).toBe(4);
      for (const req of reqs) expect(smtp.received.filter((m) => m.subject.includes(req.number))).toHaveLength(1);
      expect(hook.hits).toHaveLength(4);
      expect(new Set(hook.hits.map((h) => h.json.requestId))).toEqual(new Set(reqs.map((r) => r.id)));
      for (const req of reqs) {
        for (const rows of [await outboxOf('email', req.number), await outboxOf('webhook', req.id)]) {
          expect(rows).toHaveLength(1);
          expect(rows[0]).toMatchObject({ status: 'sent', attempts: 1 });
        }
      }
    } finally {
      await hook.close();
      await smtp.close();
    }
  });

  it('slow endpoint: a batch that outlives its lease never lets another worker send the same row again', async () => {
    const others: Promise<{ sent: number; failed: number }>[] = [];
    // Each answer takes 35 s of the clock: the third row of the batch is reached after the
    // 60 s lease taken when the batch was claimed. Meanwhile a second node's worker runs.
    const hook = await startWebhook([], (n) => {
      clock.advance(35_000);
      if (n === 2) others.push(deliverOutbox(srv.ctx));
    });
    try {
      await putSetting(srv.ctx.db, 'notify.webhooks', 'company', { urls: [hook.url], secret: 'k' }, clock.now());
      const reqs = [];
      for (let i = 0; i < 3; i++) reqs.push(await registerRepair(`慢速回调 ${i} 号`));
      clock.advance(11 * MIN);
      expect((await sweepDeadlines(srv.ctx)).breached).toBe(3);

      const first = await deliverOutbox(srv.ctx);
      const rest = await Promise.all(others);
      clock.advance(10 * MIN);
      const last = await deliverOutbox(srv.ctx);
      expect(first.failed + last.failed + rest.reduce((s, r) => s + r.failed, 0)).toBe(0);
      expect(first.sent + last.sent + rest.reduce((s, r) => s + r.sent, 0)).toBe(3);
      // Each breach reached the endpoint once.
      expect(hook.hits.map((h) => h.json.requestId).sort()).toEqual(reqs.map((r) => r.id).sort());
      for (const req of reqs) expect(await outboxOf('webhook', req.id)).toMatchObject([{ status: 'sent', attempts: 1 }]);
    } finally {
      await hook.close();
    }
  });

  it('sweepers running twice and concurrently: one notification per recipient per stage', async () => {
    const req = await registerRepair('屋面渗漏');
    clock.advance(11 * MIN);
    const first = await Promise.all([sweepDeadlines(srv.ctx), sweepDeadlines(srv.ctx), sweepDeadlines(srv.ctx)]);
    const again = await sweepDeadlines(srv.ctx);
    expect(first.reduce((s, r) => s + r.breached, 0)).toBe(1);
    expect(again.breached).toBe(0);

    const d = await srv.ctx.db.selectFrom('deadlines').selectAll().where('request_id', '=', req.id).executeTakeFirstOrThrow();
    const notes = async (stage: string) =>
      srv.ctx.db
        .selectFrom('notifications')
        .select(['user_id', 'dedupe_key'])
        .where('dedupe_key', 'like', `deadline:${d.id}:${stage}:%`)
        .execute();
    const events = async (type: string) =>
      srv.ctx.db.selectFrom('request_events').select('n').where('request_id', '=', req.id).where('type', '=', type).execute();

    const breached = await notes('breached');
    // The engineering head answers for the repair; the service supervisor is told of every breach.
    expect(breached.map((n) => n.user_id).sort()).toEqual([ids.gongcheng, ids.kefuzhuguan].sort());
    expect(await events('deadline_breached')).toHaveLength(1);
    // Going straight past the warning point records the breach only, not a late warning.
    expect(await notes('warned')).toHaveLength(0);

    // Twenty minutes after the breach it escalates to the project manager: once as well.
    clock.advance(20 * MIN);
    const esc = await Promise.all([sweepDeadlines(srv.ctx), sweepDeadlines(srv.ctx)]);
    await sweepDeadlines(srv.ctx);
    expect(esc.reduce((s, r) => s + r.escalated, 0)).toBe(1);
    const escalated = await notes('escalated');
    expect(escalated.map((n) => n.user_id)).toEqual([ids.jingli]);
    expect(await events('deadline_escalated')).toHaveLength(1);
    expect(await notes('breached')).toHaveLength(2);

    // Replaying the same cause through notify() directly adds nothing either.
    await srv.ctx.db.transaction().execute((tx) =>
      notify(
        tx,
        {
          userIds: [ids.gongcheng as string, ids.kefuzhuguan as string],
          kind: 'deadline.breached',
          title: 'dup',
          dedupeKey: `deadline:${d.id}:breached:${d.due_at}`,
        },
        clock.now(),
      ),
    );
    expect(await notes('breached')).toHaveLength(2);
  });
});
