import { LeftOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, type DescriptionsProps, Flex, Image, Skeleton, Tag, Timeline, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api } from '../../app/api';
import { useMe } from '../../app/auth';
import { formatDateTime, formatYuan } from '../../app/format';
import { errorText } from '../../app/forms';
import { useTx } from '../../app/i18n';
import type { DeadlineInfo, RequestDetail, RequestEvent } from '../../app/types';
import { StatusTag } from './my-requests-page';
import { RatingCard } from './rating';
import { residentKeys } from './resident-keys';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The request's photos without the on-screen signature, which is stored with the request too. */
function reportPhotos(r: RequestDetail) {
  const sig = r.detail.signatureFileId;
  return r.photos.filter((p) => p.id !== sig);
}

/** One history entry in the resident's words. */
function useEventText() {
  const { t, tx } = useTx();
  return (r: RequestDetail, e: RequestEvent): string => {
    const data = isRecord(e.data) ? e.data : {};
    switch (e.type) {
      case 'created':
        return t('residentApp.event.created', { kind: tx(`kind.${r.kind}`, r.kind) });
      case 'quote': {
        const fen = num(data.quotedFen) ?? num(r.detail.quotedFen);
        return fen === null ? t('residentApp.event.quoteNoFee') : t('residentApp.event.quote', { fee: formatYuan(fen) });
      }
      case 'dispatch':
      case 'take': {
        const at = num(data.appointmentAt);
        if (at === null) break;
        return t(e.type === 'dispatch' ? 'residentApp.event.dispatch' : 'residentApp.event.take', { at: formatDateTime(at) });
      }
      case 'deadline_extended': {
        const at = num(data.newDueAt);
        if (at === null) break;
        return t('residentApp.event.deadline_extended', { at: formatDateTime(at) });
      }
    }
    return tx(`residentApp.event.${e.type}`, tx(`event.${e.type}`, e.type));
  };
}

function Progress({ r }: { r: RequestDetail }) {
  const { t } = useTx();
  const me = useMe();
  const text = useEventText();
  // The server names the resident's own steps with the login; on their own phone that is simply "you".
  const name = me.data?.name;
  const actor = (a: string) => (name && (a === name || a.startsWith(`${name}(`)) ? t('residentApp.request.you') : a);
  const events = [...r.history].reverse();
  return (
    <Card size="small" title={t('residentApp.request.progress')} data-testid="request-progress">
      {events.length === 0 ? (
        <Typography.Text type="secondary">{t('residentApp.request.noProgress')}</Typography.Text>
      ) : (
        <Timeline
          items={events.map((e, i) => ({
            key: e.n,
            color: e.type === 'deadline_breached' ? 'red' : i === 0 ? 'blue' : 'gray',
            content: (
              <div data-testid="progress-step" data-type={e.type}>
                <Typography.Text strong={i === 0}>{text(r, e)}</Typography.Text>
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatDateTime(e.at)} · {actor(e.actor)}
                  </Typography.Text>
                </div>
              </div>
            ),
          }))}
        />
      )}
    </Card>
  );
}

function PromiseLine({ d }: { d: DeadlineInfo }) {
  const { t, tx } = useTx();
  let state: ReactNode;
  let color = 'processing';
  if (d.status === 'met') {
    const at = formatDateTime(d.metAt);
    state = d.breachedAt ? t('residentApp.request.promiseMetLate', { at }) : t('residentApp.request.promiseMet', { at });
    color = d.breachedAt ? 'warning' : 'success';
  } else if (d.status === 'cancelled') {
    state = t('residentApp.request.promiseCancelled');
    color = 'default';
  } else if (d.status === 'paused') {
    state = t('residentApp.request.promisePaused', { reason: d.pauseReason });
    color = 'default';
  } else if (d.overdue) {
    state = t('residentApp.request.promiseLate', { at: formatDateTime(d.dueAt) });
    color = 'error';
  } else {
    state = t('residentApp.request.promiseRunning', { at: formatDateTime(d.dueAt) });
  }
  return (
    <Flex vertical gap={2} data-testid="promise" data-kind={d.kind} data-status={d.status}>
      <Typography.Text>{tx(`deadlineKind.${d.kind}`, d.label)}</Typography.Text>
      <span>
        <Tag color={color} className="wrap-tag">
          {state}
        </Tag>
      </span>
    </Flex>
  );
}

function Facts({ r }: { r: RequestDetail }) {
  const { t } = useTx();
  const d = r.detail;
  const appointmentAt = num(d.appointmentAt);
  const paid = d.paid === 1 || d.paid === true;
  const quoted = num(d.quotedFen);
  const collected = num(d.feeCollectedFen);
  const scope = typeof d.scope === 'string' ? d.scope : null;
  const photos = reportPhotos(r);
  const items: NonNullable<DescriptionsProps['items']> = [
    { key: 'content', label: t('residentApp.request.content'), children: <span className="pre-wrap">{r.content}</span> },
  ];
  if (r.unitNumber) items.push({ key: 'unit', label: t('residentApp.request.unit'), children: `${r.projectName} ${r.unitNumber}` });
  if (r.kind === 'repair' && scope)
    items.push({
      key: 'scope',
      label: t('residentApp.request.scope'),
      children: t(scope === 'common' ? 'residentApp.report.scope.common' : 'residentApp.report.scope.in_unit'),
    });
  if (r.location) items.push({ key: 'location', label: t('residentApp.request.location'), children: r.location });
  if (r.categoryPath) items.push({ key: 'category', label: t('residentApp.request.category'), children: r.categoryPath });
  if (r.preferredTime) items.push({ key: 'time', label: t('residentApp.request.preferredTime'), children: r.preferredTime });
  items.push({ key: 'at', label: t('residentApp.request.submittedAt'), children: formatDateTime(r.createdAt) });
  if (r.assigneeName) items.push({ key: 'who', label: t('residentApp.request.technician'), children: r.assigneeName });
  if (appointmentAt !== null)
    items.push({
      key: 'appointment',
      label: t('residentApp.request.appointment'),
      children: <span data-testid="request-appointment">{formatDateTime(appointmentAt)}</span>,
    });
  // Free or paid is known once the service center has assessed the repair.
  const assessed = typeof d.assessment === 'string' && d.assessment !== '';
  if (r.kind === 'repair' && assessed) {
    const parts = paid
      ? [
          quoted !== null ? t('residentApp.request.quoted', { fee: formatYuan(quoted) }) : null,
          collected ? t('residentApp.request.collected', { fee: formatYuan(collected) }) : null,
        ]
      : [t('residentApp.request.free')];
    const text = parts.filter(Boolean).join('，');
    if (text) items.push({ key: 'fee', label: t('residentApp.request.fee'), children: text });
  }
  if (photos.length)
    items.push({
      key: 'photos',
      label: t('residentApp.request.photos'),
      children: (
        <Image.PreviewGroup>
          <Flex wrap gap={6}>
            {photos.map((p) => (
              <Image
                key={p.id}
                src={p.thumbUrl}
                preview={{ src: p.url }}
                width={72}
                height={72}
                style={{ objectFit: 'cover', borderRadius: 6 }}
                data-testid="request-photo"
                alt=""
              />
            ))}
          </Flex>
        </Image.PreviewGroup>
      ),
    });
  return <Descriptions size="small" column={1} items={items} data-testid="request-facts" />;
}

export const RATEABLE = new Set(['completed', 'signed', 'awaiting_confirmation', 'archived']);

/** R-RA-1: a request as the resident follows it: the facts, the promises, the progress, and the rating once done. */
export default function ResidentRequestPage() {
  const { id = '' } = useParams();
  const { t, tx } = useTx();
  const navigate = useNavigate();
  const qc = useQueryClient();
  // Residents come back to see what moved: always ask again, and keep asking while the request is open.
  const q = useQuery({
    queryKey: residentKeys.request(id),
    queryFn: () => api.get<RequestDetail>(`/api/requests/${id}`),
    staleTime: 0,
    refetchOnWindowFocus: true,
    refetchInterval: (query) => (query.state.data?.isOpen ? 30_000 : false),
  });

  const back = (
    <Button
      type="link"
      icon={<LeftOutlined />}
      onClick={() => navigate('/m/requests')}
      style={{ paddingInline: 0 }}
      data-testid="request-back"
    >
      {t('residentApp.request.back')}
    </Button>
  );

  if (q.isPending) return <Skeleton active />;
  if (q.isError) {
    return (
      <Flex vertical gap={12}>
        {back}
        <Alert type="error" showIcon title={errorText(q.error, t)} data-testid="request-error" />
      </Flex>
    );
  }
  const r = q.data;
  const rateable = r.kind === 'repair' && RATEABLE.has(r.status);
  return (
    <Flex vertical gap={12}>
      {back}
      <Card size="small">
        <Flex align="center" justify="space-between" gap={8} wrap>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {tx(`kind.${r.kind}`, r.kind)} · <span data-testid="request-number">{r.number}</span>
          </Typography.Title>
          <StatusTag r={r} />
        </Flex>
        <div style={{ marginTop: 8 }}>
          <Facts r={r} />
        </div>
      </Card>
      {r.deadlines.length ? (
        <Card size="small" title={t('residentApp.request.promises')} data-testid="request-promises">
          <Flex vertical gap={10}>
            {r.deadlines.map((d) => (
              <PromiseLine key={d.id} d={d} />
            ))}
          </Flex>
        </Card>
      ) : null}
      {rateable ? <RatingCard request={r} onRated={(next) => qc.setQueryData(residentKeys.request(id), next)} /> : null}
      <Progress r={r} />
    </Flex>
  );
}
