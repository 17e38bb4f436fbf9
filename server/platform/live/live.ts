import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import type pg from 'pg';
import type { DbHandle } from '../db/index.ts';

/** What the queues and inboxes need to know to refresh; never the record itself. */
export interface LiveEvent {
  type: string;
  projectId?: string;
  requestId?: string;
  departmentId?: string | null;
  assigneeId?: string | null;
  /** Set for events meant for one user only (their inbox). */
  userId?: string;
  at: number;
}

type Listener = (ev: LiveEvent) => void;

/**
 * Fan-out of live events. One process (SQLite): an in-process emitter. Several nodes on
 * PostgreSQL: NOTIFY on a channel named after the schema, and every node — the sender
 * included — delivers what it hears on its LISTEN connection, so all see the same stream.
 */
export class LiveHub {
  private readonly emitter = new EventEmitter();
  private client: pg.PoolClient | null = null;
  private channel = 'wuye_live';
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | null = null;

  constructor(private readonly handle: DbHandle) {
    this.emitter.setMaxListeners(0);
  }

  async start(): Promise<void> {
    if (this.handle.dialect !== 'postgres') return;
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(this.handle.db);
    const schema = rows[0]?.schema ?? 'public';
    // Channel names are identifiers (63 bytes at most): a long schema name is shortened by hash, never cut.
    this.channel =
      schema.length <= 50 ? `wuye_live_${schema}` : `wuye_live_${createHash('sha256').update(schema).digest('hex').slice(0, 40)}`;
    await this.listen();
  }

  private async listen(): Promise<void> {
    if (this.stopped || !this.handle.pool) return;
    try {
      const client = await this.handle.pool.connect();
      client.on('notification', (msg) => {
        if (msg.channel !== this.channel || !msg.payload) return;
        try {
          this.emitter.emit('event', JSON.parse(msg.payload) as LiveEvent);
        } catch {
          // a malformed payload from outside the application is ignored
        }
      });
      client.on('error', () => this.reconnect());
      await client.query(`LISTEN "${this.channel}"`);
      this.client = client;
    } catch {
      this.reconnect();
    }
  }

  private reconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const old = this.client;
    this.client = null;
    try {
      old?.release(true);
    } catch {
      // already gone
    }
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.listen();
    }, 1000);
  }

  /** Call after the transaction that caused the event has committed. */
  async publish(ev: LiveEvent): Promise<void> {
    if (this.handle.dialect === 'postgres') {
      await sql`select pg_notify(${this.channel}, ${JSON.stringify(ev)})`.execute(this.handle.db);
      return;
    }
    this.emitter.emit('event', ev);
  }

  publishAll(evs: LiveEvent[]): void {
    for (const ev of evs) this.publish(ev).catch(() => {});
  }

  subscribe(fn: Listener): () => void {
    this.emitter.on('event', fn);
    return () => this.emitter.off('event', fn);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.emitter.emit('close');
    this.emitter.removeAllListeners();
    const c = this.client;
    this.client = null;
    if (c) {
      try {
        await c.query(`UNLISTEN "${this.channel}"`);
      } catch {
        // the connection may already be closed
      }
      c.release();
    }
  }

  onClose(fn: () => void): () => void {
    this.emitter.on('close', fn);
    return () => this.emitter.off('close', fn);
  }
}
