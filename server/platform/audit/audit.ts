import { createHash } from 'node:crypto';
import { CompiledQuery } from 'kysely';
import { pgText, type Runner } from '../db/fast.ts';
import type { Db, Dialect, Tx } from '../db/index.ts';
import { newId } from '../ids.ts';

/** Who did something, and from where: attached to every audited write. */
export interface Actor {
  userId: string | null;
  name: string;
  ip: string;
}

export const SYSTEM_ACTOR: Actor = { userId: null, name: '系统', ip: '' };

export interface AuditInput {
  action: string;
  entity: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

interface HashedFields {
  seq: number;
  id: string;
  at: number;
  actor_id: string | null;
  actor_name: string;
  ip: string;
  action: string;
  entity: string;
  entity_id: string;
  before_json: string | null;
  after_json: string | null;
  prev_hash: string;
}

/** The hash covers every stored column, in a fixed order, and the previous hash. */
export function eventHash(e: HashedFields): string {
  const canonical = JSON.stringify([
    e.seq,
    e.id,
    e.at,
    e.actor_id,
    e.actor_name,
    e.ip,
    e.action,
    e.entity,
    e.entity_id,
    e.before_json,
    e.after_json,
    e.prev_hash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

function jsonOrNull(v: unknown): string | null {
  return v === undefined ? null : JSON.stringify(v);
}

/**
 * Appends one event in the caller's transaction. The head row is locked first
 * (FOR UPDATE on PostgreSQL; SQLite transactions are already serialised), so
 * concurrent writers extend one chain instead of forking it.
 */
export async function appendAudit(tx: Tx, dialect: Dialect, actor: Actor, input: AuditInput, at = Date.now()) {
  let q = tx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1);
  if (dialect === 'postgres') q = q.forUpdate();
  const head = await q.executeTakeFirstOrThrow();
  const a = auditAppend(head, actor, input, at);
  for (const [text, params] of a.writes) await tx.executeQuery(CompiledQuery.raw(dialect === 'postgres' ? pgText(text) : text, params));
  return { seq: a.seq, id: a.id, hash: a.hash };
}

const AUDIT_INSERT =
  'insert into audit_events (seq, id, at, actor_id, actor_name, ip, action, entity, entity_id, before_json, after_json, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

/** The audit chain's head, locked for the rest of the transaction (PostgreSQL; SQLite transactions are serialised). */
export const AUDIT_HEAD_SELECT = {
  sqlite: 'select seq, hash from audit_head where id = 1',
  postgres: 'select seq, hash from audit_head where id = 1 for update',
} as const;

/**
 * The statements that append one event after the given head: for callers that read the head
 * themselves, together with other rows, and write everything in one go.
 */
export function auditAppend(head: { seq: number; hash: string }, actor: Actor, input: AuditInput, at: number) {
  const row: HashedFields = {
    seq: Number(head.seq) + 1,
    id: newId(at),
    at,
    actor_id: actor.userId,
    actor_name: actor.name,
    ip: actor.ip,
    action: input.action,
    entity: input.entity,
    entity_id: input.entityId,
    before_json: jsonOrNull(input.before),
    after_json: jsonOrNull(input.after),
    prev_hash: head.hash,
  };
  const hash = eventHash(row);
  const writes: [string, unknown[]][] = [
    [
      AUDIT_INSERT,
      [
        row.seq,
        row.id,
        row.at,
        row.actor_id,
        row.actor_name,
        row.ip,
        row.action,
        row.entity,
        row.entity_id,
        row.before_json,
        row.after_json,
        row.prev_hash,
        hash,
      ],
    ],
    ['update audit_head set seq = ?, hash = ? where id = 1', [row.seq, hash]],
  ];
  return { seq: row.seq, id: row.id, hash, writes };
}

/** `appendAudit` through fixed SQL, for the paths that run on every request (the intake). */
export async function appendAuditWith(r: Runner, actor: Actor, input: AuditInput, at: number) {
  const head = await r.get<{ seq: number; hash: string }>(AUDIT_HEAD_SELECT[r.dialect]);
  if (!head) throw new Error('audit head missing');
  const a = auditAppend(head, actor, input, at);
  await r.batch(a.writes);
  return { seq: a.seq, id: a.id, hash: a.hash };
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  /** The first event that does not verify, and why (zh-CN). */
  firstBad?: { seq: number; id?: string; reason: string };
}

/** Walks the whole chain in seq order in pages; any changed, removed or inserted row breaks it. */
export async function verifyAudit(db: Db): Promise<VerifyResult> {
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  let prevHash = '';
  let expectedSeq = 1;
  let checked = 0;
  const page = 5000;
  for (;;) {
    const rows = await db.selectFrom('audit_events').selectAll().where('seq', '>=', expectedSeq).orderBy('seq').limit(page).execute();
    for (const r of rows) {
      if (r.seq !== expectedSeq) {
        return { ok: false, checked, firstBad: { seq: expectedSeq, reason: `事件 #${expectedSeq} 缺失（被删除）` } };
      }
      if (r.prev_hash !== prevHash) {
        return { ok: false, checked, firstBad: { seq: r.seq, id: r.id, reason: `事件 #${r.seq} 的前序哈希不符` } };
      }
      if (eventHash(r) !== r.hash) {
        return { ok: false, checked, firstBad: { seq: r.seq, id: r.id, reason: `事件 #${r.seq} 的内容已被改动` } };
      }
      prevHash = r.hash;
      expectedSeq++;
      checked++;
    }
    if (rows.length < page) break;
  }
  if (!head) return { ok: false, checked, firstBad: { seq: 0, reason: '审计链头记录缺失' } };
  if (head.seq !== checked || head.hash !== prevHash) {
    return {
      ok: false,
      checked,
      firstBad: { seq: checked + 1, reason: `链头记录为 #${head.seq}，实际最后一条为 #${checked}：末尾事件被删除或链头被改动` },
    };
  }
  return { ok: true, checked };
}

/** A later-than-seq page of one entity's events: the change history shown beside a record. */
export async function entityHistory(db: Db, entity: string, entityId: string, limit = 100) {
  const rows = await db
    .selectFrom('audit_events')
    .select(['seq', 'at', 'actor_name', 'action', 'before_json', 'after_json'])
    .where('entity', '=', entity)
    .where('entity_id', '=', entityId)
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    seq: r.seq,
    at: r.at,
    actor: r.actor_name,
    action: r.action,
    before: r.before_json ? JSON.parse(r.before_json) : null,
    after: r.after_json ? JSON.parse(r.after_json) : null,
  }));
}
