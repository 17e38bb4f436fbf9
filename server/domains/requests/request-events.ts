import { createHash } from 'node:crypto';
import type { Actor } from '../../platform/audit/audit.ts';
import type { Db, Dialect, Tx } from '../../platform/db/index.ts';
import { notFound } from '../../platform/http/errors.ts';

export interface RequestEventInput {
  type: string;
  from?: string | null;
  to?: string | null;
  data?: unknown;
  /** A correction names the event it corrects; that event is never changed. */
  correctsN?: number | null;
}

interface Hashed {
  request_id: string;
  n: number;
  at: number;
  actor_id: string | null;
  actor_name: string;
  type: string;
  from_status: string | null;
  to_status: string | null;
  data: string;
  corrects_n: number | null;
  prev_hash: string;
}

export function requestEventHash(e: Hashed): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        e.request_id,
        e.n,
        e.at,
        e.actor_id,
        e.actor_name,
        e.type,
        e.from_status,
        e.to_status,
        e.data,
        e.corrects_n,
        e.prev_hash,
      ]),
    )
    .digest('hex');
}

/**
 * Appends to one request's own chain. The request row holds the chain's tip and is locked
 * first, so a user's action and the deadline sweeper never write the same `n`.
 */
export async function appendRequestEvent(tx: Tx, dialect: Dialect, requestId: string, actor: Actor, e: RequestEventInput, at: number) {
  let q = tx.selectFrom('requests').select(['event_n', 'event_hash']).where('id', '=', requestId);
  if (dialect === 'postgres') q = q.forUpdate();
  const tip = await q.executeTakeFirst();
  if (!tip) throw notFound('事项');
  const row: Hashed = {
    request_id: requestId,
    n: tip.event_n + 1,
    at,
    actor_id: actor.userId,
    actor_name: actor.name,
    type: e.type,
    from_status: e.from ?? null,
    to_status: e.to ?? null,
    data: JSON.stringify(e.data ?? {}),
    corrects_n: e.correctsN ?? null,
    prev_hash: tip.event_hash,
  };
  const hash = requestEventHash(row);
  await tx
    .insertInto('request_events')
    .values({ ...row, hash })
    .execute();
  await tx.updateTable('requests').set({ event_n: row.n, event_hash: hash }).where('id', '=', requestId).execute();
  return row.n;
}

export interface ChainProblem {
  requestId: string;
  number: string;
  n: number;
  reason: string;
}

/** Walks every request's history in (request, n) order, in pages; returns the first break. */
export async function verifyRequestChains(db: Db): Promise<{ ok: boolean; requests: number; events: number; firstBad?: ChainProblem }> {
  let after = '';
  let requests = 0;
  let events = 0;
  for (;;) {
    const reqs = await db
      .selectFrom('requests')
      .select(['id', 'number', 'event_n', 'event_hash'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(500)
      .execute();
    if (reqs.length === 0) break;
    const rows = await db
      .selectFrom('request_events')
      .selectAll()
      .where(
        'request_id',
        'in',
        reqs.map((r) => r.id),
      )
      .orderBy('request_id')
      .orderBy('n')
      .execute();
    const byReq = new Map<string, typeof rows>();
    for (const r of rows) byReq.set(r.request_id, [...(byReq.get(r.request_id) ?? []), r]);
    for (const req of reqs) {
      const list = byReq.get(req.id) ?? [];
      let prev = '';
      let n = 1;
      for (const e of list) {
        const bad = (reason: string) => ({
          ok: false,
          requests,
          events,
          firstBad: { requestId: req.id, number: req.number, n: e.n, reason },
        });
        if (e.n !== n)
          return {
            ok: false,
            requests,
            events,
            firstBad: { requestId: req.id, number: req.number, n, reason: `事项 ${req.number} 的第 ${n} 条记录缺失` },
          };
        if (e.prev_hash !== prev) return bad(`事项 ${req.number} 的第 ${e.n} 条记录前序哈希不符`);
        if (requestEventHash(e) !== e.hash) return bad(`事项 ${req.number} 的第 ${e.n} 条记录内容已被改动`);
        prev = e.hash;
        n++;
        events++;
      }
      if (req.event_n !== list.length || req.event_hash !== prev) {
        return {
          ok: false,
          requests,
          events,
          firstBad: {
            requestId: req.id,
            number: req.number,
            n: list.length + 1,
            reason: `事项 ${req.number} 的记录末尾被删除或链头被改动`,
          },
        };
      }
      requests++;
    }
    after = reqs[reqs.length - 1]?.id ?? after;
  }
  return { ok: true, requests, events };
}
