import { Tag, Typography } from 'antd';
import { useCallback } from 'react';
import { durationParts, formatDateTime } from '../format';
import { useT, useTx } from '../i18n';
import type { Channel, DeadlineInfo, Kind } from '../types';

/** Listing every kind and channel here makes a new one on the server a type error until it has a label. */
const KIND_ORDER = { repair: 0, complaint: 1, inquiry: 2, suggestion: 3, special: 4 } satisfies Record<Kind, number>;
const CHANNEL_ORDER = {
  counter: 0,
  phone: 1,
  portal: 2,
  patrol: 3,
  committee: 4,
  forum: 5,
  reception_day: 6,
  letter: 7,
} satisfies Record<Channel, number>;

export const KINDS = Object.keys(KIND_ORDER) as Kind[];
export const CHANNELS = Object.keys(CHANNEL_ORDER) as Channel[];

/** Within this much of its due time an open item shows orange in the queues. */
export const DUE_SOON_MS = 60 * 60_000;

const KIND_COLORS: Record<Kind, string> = {
  repair: 'blue',
  complaint: 'red',
  inquiry: 'cyan',
  suggestion: 'green',
  special: 'purple',
};

export function KindTag({ kind }: { kind: string }) {
  const { tx } = useTx();
  return <Tag color={KIND_COLORS[kind as Kind] ?? 'default'}>{tx(`kind.${kind}`, kind)}</Tag>;
}

/** The status label comes from the server's workflow; the dictionary only translates it. */
export function RequestStatusTag(props: { kind: string; status: string; label: string; open: boolean }) {
  const { tx } = useTx();
  return (
    <Tag color={props.open ? 'processing' : 'success'} data-testid="request-status" className="wrap-tag">
      {tx(`status.${props.kind}.${props.status}`, props.label)}
    </Tag>
  );
}

export function ChannelText({ channel }: { channel: string }) {
  const { tx } = useTx();
  return <>{tx(`channel.${channel}`, channel)}</>;
}

export function UrgentTag({ urgency }: { urgency: string }) {
  const t = useT();
  return urgency === 'urgent' ? <Tag color="volcano">{t('urgency.urgent')}</Tag> : null;
}

/** "2小时15分钟": the two coarsest non-zero units. */
export function useDuration(): (ms: number) => string {
  const t = useT();
  return useCallback(
    (ms: number) => {
      const { d, h, m } = durationParts(ms);
      const parts: string[] = [];
      if (d) parts.push(t('duration.d', { n: d }));
      if (h) parts.push(t('duration.h', { n: h }));
      if (!d && (m || !h)) parts.push(t('duration.m', { n: m }));
      return parts.slice(0, 2).join(' ');
    },
    [t],
  );
}

/** Due time with how late (red) or how close (orange) it is. */
export function DueText({ dueAt, now, open = true }: { dueAt: number | null; now: number; open?: boolean }) {
  const t = useT();
  const duration = useDuration();
  if (dueAt === null) return <Typography.Text type="secondary">—</Typography.Text>;
  const left = dueAt - now;
  if (open && left < 0) {
    return (
      <span className="due-overdue" data-testid="due-overdue">
        {formatDateTime(dueAt)}
        <br />
        <strong>{t('due.overdueBy', { d: duration(-left) })}</strong>
      </span>
    );
  }
  if (open && left < DUE_SOON_MS) {
    return (
      <span className="due-soon">
        {formatDateTime(dueAt)}
        <br />
        {t('due.leftOnly', { d: duration(left) })}
      </span>
    );
  }
  return <span>{formatDateTime(dueAt)}</span>;
}

const DEADLINE_COLORS: Record<string, string> = {
  running: 'processing',
  paused: 'warning',
  met: 'success',
  cancelled: 'default',
};

/** A deadline's state; a breach stays visible even after it is met (R-SLA-4: never edited away). */
export function DeadlineTags({ d }: { d: DeadlineInfo }) {
  const { tx, t } = useTx();
  return (
    <>
      <Tag color={DEADLINE_COLORS[d.status] ?? 'default'}>{tx(`deadlineStatus.${d.status}`, d.status)}</Tag>
      {d.breachedAt !== null || d.overdue ? <Tag color="error">{t('deadlineStatus.breached')}</Tag> : null}
      {d.escalatedAt !== null ? <Tag color="magenta">{t('deadlineStatus.escalated')}</Tag> : null}
    </>
  );
}
