import { EditOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Tag, Timeline, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useDuration } from '../../app/components/request-tags';
import { useDepartments } from '../../app/data';
import { formatDateTime, formatYuan } from '../../app/format';
import { useTx } from '../../app/i18n';
import type { RequestDetail, RequestEvent } from '../../app/types';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Recorded for the audit chain, meaningless to a reader (or shown elsewhere on the page). */
const HIDDEN = new Set(['unitId', 'categoryId', 'callId', 'readBackConfirmed', 'number']);

interface Names {
  department: (id: string) => string | undefined;
  user: (id: string) => string | undefined;
}

function useValue(names: Names) {
  const { t, tx } = useTx();
  const duration = useDuration();
  return (key: string, v: unknown): ReactNode => {
    if (v === null || v === undefined || v === '') return '—';
    if (key === 'priceFen' && typeof v === 'number') return formatYuan(v);
    if (key === 'pausedMs' && typeof v === 'number') return duration(v);
    if (key.endsWith('At') && typeof v === 'number') return formatDateTime(v);
    if ((key === 'kind' || key === 'fromKind' || key === 'toKind') && typeof v === 'string') return tx(`kind.${v}`, v);
    if (key === 'channel' && typeof v === 'string') return tx(`channel.${v}`, v);
    if ((key === 'scope' || key === 'via') && typeof v === 'string') return tx(`${key}.${v}`, v);
    if (key.endsWith('Fen') && typeof v === 'number') return formatYuan(v);
    if ((key === 'satisfaction' || key === 'outcome' || key === 'method') && typeof v === 'string') return tx(`callbackValue.${v}`, v);
    if (key === 'urgency' && typeof v === 'string') return t(v === 'urgent' ? 'urgency.urgent' : 'urgency.normal');
    if (key === 'grade' && typeof v === 'string') return tx(`complaint.grade.${v}`, v);
    if ((key === 'escalation' || key === 'level') && typeof v === 'string') return tx(`level.${v}`, v);
    if (key === 'target' && typeof v === 'string') return tx(`target.${v}`, v);
    if ((key === 'reason' || key === 'step' || key === 'apologyVia') && typeof v === 'string')
      return tx(`${key === 'apologyVia' ? 'apologyVia' : key}.${v}`, v);
    if (key === 'deadline' && typeof v === 'string') return tx(`deadlineKind.${v}`, v);
    if (key === 'departmentId' && typeof v === 'string') return names.department(v) ?? '—';
    if (key === 'assigneeId' && typeof v === 'string') return names.user(v) ?? t('request.anAccount');
    if (key === 'photos' && typeof v === 'number') return t('intake.photoCount', { n: v });
    if (Array.isArray(v)) {
      // Lists of deadlines come as kinds, or as objects carrying their kind.
      const deadlineList = key === 'deadlines' || key === 'cancelledDeadlines';
      return v
        .map((x) => {
          if (isRecord(x) && typeof x.kind === 'string') return tx(`deadlineKind.${x.kind}`, x.kind);
          return deadlineList && typeof x === 'string' ? tx(`deadlineKind.${x}`, x) : String(x);
        })
        .join('、');
    }
    if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
    if (isRecord(v)) return JSON.stringify(v);
    return String(v);
  };
}

function EventData({ e, names }: { e: RequestEvent; names: Names }) {
  const { t, tx } = useTx();
  const value = useValue(names);
  const data = isRecord(e.data) ? e.data : {};
  const rows: Array<[string, ReactNode]> = [];
  if (e.type === 'assigned') {
    const to = isRecord(data.to) ? data.to : {};
    if ('departmentId' in to) rows.push([t('field.department'), value('departmentId', to.departmentId)]);
    if ('assigneeId' in to)
      rows.push([t('request.assignee'), to.assigneeId === null ? t('assignee.none') : value('assigneeId', to.assigneeId)]);
    if (data.note) rows.push([t('reqfield.note'), String(data.note)]);
  } else if (e.type === 'deadline_extended') {
    rows.push([t('request.deadline'), value('deadline', data.deadline)]);
    rows.push([t('deadline.oldDue'), value('oldDueAt', data.oldDueAt)]);
    rows.push([t('deadline.newDue'), value('newDueAt', data.newDueAt)]);
    rows.push([t('deadline.reason'), value('reason', data.reason)]);
    rows.push([t('deadline.customerToldAt'), value('customerToldAt', data.customerToldAt)]);
  } else {
    for (const [k, v] of Object.entries(data)) {
      if (HIDDEN.has(k) || v === '' || v === null || v === undefined) continue;
      // The registration repeats what the page shows above; only what was set is worth listing.
      if (e.type === 'created' && (v === 0 || k === 'content' || (k === 'urgency' && v === 'normal'))) continue;
      rows.push([tx(`reqfield.${k}`, k), value(k, v)]);
    }
  }
  if (!rows.length) return null;
  return (
    <ul className="event-data">
      {rows.map(([k, v]) => (
        <li key={String(k)}>
          <Typography.Text type="secondary">{k}：</Typography.Text>
          <span className="pre-wrap">{v}</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * R-CP-12: the history is append-only. A correction is its own entry pointing at the one it
 * corrects; the corrected entry stays as it was, marked with a link to its correction.
 */
export function RequestHistory({
  request,
  canCorrect,
  onCorrect,
}: {
  request: RequestDetail;
  canCorrect: boolean;
  onCorrect(n: number): void;
}) {
  const { t, tx } = useTx();
  const departments = useDepartments(request.projectId);
  const names: Names = {
    department: (id) => departments.data?.find((d) => d.id === id)?.name,
    user: (id) => (id === request.assigneeId ? (request.assigneeName ?? undefined) : undefined),
  };
  const correctedBy = new Map<number, number[]>();
  for (const e of request.history) {
    if (e.correctsN !== null) correctedBy.set(e.correctsN, [...(correctedBy.get(e.correctsN) ?? []), e.n]);
  }
  const statusText = (s: string | null) => (s ? tx(`status.${request.kind}.${s}`, s) : '');

  return (
    <Card size="small" title={t('request.history')} className="section" data-testid="request-history">
      {request.history.length === 0 ? (
        <Empty description={t('history.empty')} />
      ) : (
        <Timeline
          items={request.history.map((e) => {
            const fixes = correctedBy.get(e.n) ?? [];
            return {
              key: e.n,
              color:
                e.type === 'correction' ? 'orange' : e.type.startsWith('deadline_b') || e.type === 'deadline_escalated' ? 'red' : 'blue',
              content: (
                <div id={`event-${e.n}`} className="event" data-testid="history-entry" data-type={e.type}>
                  <div className="event-head">
                    <Typography.Text type="secondary" className="event-n">
                      #{e.n}
                    </Typography.Text>
                    <Typography.Text strong>{tx(`event.${e.type}`, e.type)}</Typography.Text>
                    {e.fromStatus !== e.toStatus && e.toStatus ? (
                      <Tag>{e.fromStatus ? `${statusText(e.fromStatus)} → ${statusText(e.toStatus)}` : statusText(e.toStatus)}</Tag>
                    ) : null}
                    {e.correctsN !== null ? (
                      <a href={`#event-${e.correctsN}`} data-testid="corrects-link">
                        {t('history.corrects', { n: e.correctsN })}
                      </a>
                    ) : null}
                    {fixes.map((n) => (
                      <a key={n} href={`#event-${n}`}>
                        <Tag color="orange">{t('history.correctedBy', { n })}</Tag>
                      </a>
                    ))}
                    {canCorrect ? (
                      <Button size="small" type="link" icon={<EditOutlined />} onClick={() => onCorrect(e.n)} data-testid="correct-entry">
                        {t('history.correct')}
                      </Button>
                    ) : null}
                  </div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatDateTime(e.at)} · {e.actor}
                  </Typography.Text>
                  <EventData e={e} names={names} />
                </div>
              ),
            };
          })}
        />
      )}
    </Card>
  );
}
