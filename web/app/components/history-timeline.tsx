import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Skeleton, Timeline, Typography } from 'antd';
import { api } from '../api';
import { formatDateTime } from '../format';
import { useTx } from '../i18n';
import type { HistoryEntry } from '../types';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function show(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.length ? v.map(show).join('、') : '—';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Fields whose values are codes with a label in the dictionary. */
const VALUE_LABELS: Record<string, string> = {
  relation: 'relation',
  idType: 'idType',
  status: 'unitStatus',
  role: 'role',
  kind: 'calendar.kind',
};

// Row ids mean nothing to a reader; the audit page keeps them in its raw view.
const isIdField = (f: string) => f === 'id' || /Id$|_id$/.test(f);

/** What changed, field by field; a creation lists what was set. */
export function diffLines(before: unknown, after: unknown): Array<{ field: string; from: string; to: string }> {
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  // An update lists what it set; fields only in `before` are context, not changes.
  const fields = isRecord(after) ? Object.keys(a) : Object.keys(b);
  const lines: Array<{ field: string; from: string; to: string }> = [];
  for (const f of fields) {
    if (f === 'version' || f === 'updatedAt' || f === 'updated_at' || isIdField(f)) continue;
    const from = show(b[f]);
    const to = show(a[f]);
    if (from !== to) lines.push({ field: f, from, to });
  }
  return lines;
}

export function ChangeList({ before, after }: { before: unknown; after: unknown }) {
  const { tx } = useTx();
  const label = (field: string, v: string) => (VALUE_LABELS[field] && v !== '—' ? tx(`${VALUE_LABELS[field]}.${v}`, v) : v);
  const lines = diffLines(before, after).map((l) => ({ ...l, from: label(l.field, l.from), to: label(l.field, l.to) }));
  if (!lines.length) return null;
  return (
    <ul className="change-list">
      {lines.map((l) => (
        <li key={l.field}>
          <Typography.Text type="secondary">{tx(`field.${l.field}`, l.field)}：</Typography.Text>
          {l.from !== '—' ? (
            <>
              <span className="change-from">{l.from}</span> →{' '}
            </>
          ) : null}
          <span>{l.to}</span>
        </li>
      ))}
    </ul>
  );
}

export function HistoryTimeline({ queryKey, path }: { queryKey: readonly unknown[]; path: string }) {
  const { t, tx } = useTx();
  const q = useQuery({ queryKey, queryFn: () => api.get<HistoryEntry[]>(path) });
  return (
    <Card title={t('history.title')} size="small">
      {q.isPending ? (
        <Skeleton active />
      ) : q.isError ? (
        <Typography.Text type="danger">{t('error.loadFailed')}</Typography.Text>
      ) : q.data.length === 0 ? (
        <Empty description={t('history.empty')} />
      ) : (
        <Timeline
          items={[...q.data]
            .sort((a, b) => b.seq - a.seq)
            .map((h) => ({
              key: h.seq,
              content: (
                <div data-testid="history-entry">
                  <Typography.Text strong>{tx(`action.${h.action}`, h.action)}</Typography.Text>
                  <div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {formatDateTime(h.at)} · {h.actor}
                    </Typography.Text>
                  </div>
                  <ChangeList before={h.before} after={h.after} />
                </div>
              ),
            }))}
        />
      )}
    </Card>
  );
}
