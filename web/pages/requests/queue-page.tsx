import { CustomerServiceOutlined, FileAddOutlined, ReloadOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Badge, Button, Card, Empty, Flex, Grid, Select, Skeleton, Switch, Table, Tabs, Typography } from 'antd';
import { type HTMLAttributes, type MouseEvent, useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../app/api';
import { useCan } from '../../app/auth';
import { LoadMore } from '../../app/components/load-more';
import { PageHeader } from '../../app/components/page-header';
import { ProjectSelect } from '../../app/components/pickers';
import {
  CHANNELS,
  ChannelText,
  DUE_SOON_MS,
  DueText,
  KINDS,
  KindTag,
  RequestStatusTag,
  UrgentTag,
} from '../../app/components/request-tags';
import { keys, useProjects } from '../../app/data';
import { errorText } from '../../app/forms';
import { useT, useTx } from '../../app/i18n';
import { isRequestEvent, useLive, useLiveState } from '../../app/live';
import type { QueuePage as QueueData, QueueScope, RequestSummary } from '../../app/types';

const SCOPES: QueueScope[] = ['mine', 'department', 'center', 'escalated'];

interface HelpItem {
  id: string;
  requestId: string;
  number: string;
  matter: string;
  dueAt: number;
  overdue: boolean;
}
const PAGE_SIZE = 50;

/** The server's clock, carried forward: "overdue by" must not depend on the PC's clock being right. */
function useServerNow(serverNow: number | undefined): number {
  const [offset, setOffset] = useState(0);
  const [, tick] = useState(0);
  useEffect(() => {
    if (serverNow !== undefined) setOffset(serverNow - Date.now());
  }, [serverNow]);
  useEffect(() => {
    const h = setInterval(() => tick((n) => n + 1), 30_000);
    return () => clearInterval(h);
  }, []);
  return Date.now() + offset;
}

function rowTone(r: RequestSummary, now: number): string {
  if (r.nextDueAt === null) return '';
  if (r.nextDueAt < now) return 'row-overdue';
  if (r.nextDueAt - now < DUE_SOON_MS) return 'row-due-soon';
  return '';
}

export function LiveBadge() {
  const t = useT();
  const state = useLiveState();
  const status = state === 'connected' ? 'success' : state === 'connecting' ? 'processing' : 'error';
  return (
    <span data-testid="queue-live" data-state={state} className="live-badge">
      <Badge status={status} text={t(`live.${state}`)} />
    </span>
  );
}

function QueueCard({ r, now }: { r: RequestSummary; now: number }) {
  const { t } = useTx();
  return (
    <Link to={`/requests/${r.id}`} className="queue-card-link">
      <Card size="small" className={`queue-card ${rowTone(r, now)}`} data-testid="queue-row" data-number={r.number}>
        <Flex justify="space-between" align="center" gap={8} wrap>
          <span className="request-number">{r.number}</span>
          <span>
            <KindTag kind={r.kind} />
            <RequestStatusTag kind={r.kind} status={r.status} label={r.statusLabel} open={r.isOpen} />
          </span>
        </Flex>
        <div className="queue-card-content">{r.content}</div>
        <Flex justify="space-between" gap={8} wrap className="muted">
          <span>
            {[r.unitNumber, r.requesterName].filter(Boolean).join(' · ')}
            <UrgentTag urgency={r.urgency} />
          </span>
          <span>{[r.departmentName, r.assigneeName ?? t('queue.unassigned')].filter(Boolean).join(' · ')}</span>
        </Flex>
        <div style={{ marginTop: 4 }}>
          <DueText dueAt={r.nextDueAt} now={now} open={r.isOpen} />
        </div>
      </Card>
    </Link>
  );
}

export default function QueuePage() {
  const { t, tx } = useTx();
  const can = useCan();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const isPhone = screens.md === false;
  const projects = useProjects();
  const [params, setParams] = useSearchParams();
  const defaultScope: QueueScope = can('request.create') ? 'center' : 'mine';
  const scopeParam = params.get('scope') as QueueScope | null;
  // The escalated complaints are the company's queue: leadership, the quality department and the project's managers.
  const scopes = SCOPES.filter((s) => s !== 'escalated' || can('complaint.lead') || can('request.supervise'));
  const scope = scopeParam && scopes.includes(scopeParam) ? scopeParam : defaultScope;
  const filters = {
    kind: params.get('kind') ?? undefined,
    channel: params.get('channel') ?? undefined,
    overdue: params.get('overdue') === 'true' ? 'true' : undefined,
    projectId: params.get('projectId') ?? undefined,
  };

  const q = useInfiniteQuery({
    queryKey: [...keys.queue, scope, filters],
    queryFn: ({ pageParam }) => api.get<QueueData>('/api/queue', { scope, ...filters, limit: PAGE_SIZE, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
  // Callback tasks (weekly sample, rework, follow-up visits) wait beside the service center's queue.
  const callbacks = useQuery({
    queryKey: ['callbacks', 'counts', filters.projectId],
    queryFn: () => api.get<{ pending: number; overdue: number }>('/api/callbacks/counts', { projectId: filters.projectId }),
    enabled: scope === 'center' && can('callback.record'),
  });
  // 协办: complaints other departments asked this department to help with, with their own due times.
  const help = useQuery({
    queryKey: [...keys.queue, 'help'],
    queryFn: () => api.get<{ items: HelpItem[] }>('/api/complaint-help', { scope: 'department', limit: 20 }),
    enabled: scope === 'department' || scope === 'mine',
  });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  const multiProject = (projects.data?.length ?? 0) > 1;
  const now = useServerNow(q.data?.pages[q.data.pages.length - 1]?.now);

  // R-SLA-5: the board follows the server without a reload; every open queue list re-reads.
  useLive(isRequestEvent, () => {
    qc.invalidateQueries({ queryKey: keys.queue });
  });

  const setParam = (key: string, value: string | undefined) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );

  const list = isPhone ? (
    <div className="queue-cards">
      {q.isPending ? (
        <Skeleton active />
      ) : items.length === 0 ? (
        <Empty description={t('queue.empty')} />
      ) : (
        items.map((r) => <QueueCard key={r.id} r={r} now={now} />)
      )}
    </div>
  ) : (
    <Table<RequestSummary>
      rowKey="id"
      size="middle"
      loading={q.isPending}
      dataSource={items}
      pagination={false}
      scroll={{ x: 1040 }}
      locale={{ emptyText: <Empty description={t('queue.empty')} /> }}
      rowClassName={(r) => `clickable ${rowTone(r, now)}`}
      onRow={(r) =>
        ({
          'data-testid': 'queue-row',
          'data-number': r.number,
          onClick: (e: MouseEvent) => {
            if ((e.target as HTMLElement).closest('a')) return;
            navigate(`/requests/${r.id}`);
          },
        }) as HTMLAttributes<HTMLElement>
      }
      columns={[
        {
          title: t('request.number'),
          dataIndex: 'number',
          width: 130,
          fixed: 'left',
          render: (_, r) => (
            <Link to={`/requests/${r.id}`} className="request-number">
              {r.number}
            </Link>
          ),
        },
        { title: t('request.kind'), dataIndex: 'kind', width: 80, render: (k: string) => <KindTag kind={k} /> },
        {
          title: t('field.status'),
          dataIndex: 'status',
          width: 120,
          render: (_, r) => <RequestStatusTag kind={r.kind} status={r.status} label={r.statusLabel} open={r.isOpen} />,
        },
        {
          title: t('field.unit'),
          dataIndex: 'unitNumber',
          width: 100,
          render: (v: string | null, r) => (
            <>
              {v ?? '—'}
              {multiProject ? <div className="muted small">{r.projectName}</div> : null}
            </>
          ),
        },
        {
          title: t('request.requester'),
          dataIndex: 'requesterName',
          width: 100,
          render: (v: string, r) => (
            <>
              {v}
              <UrgentTag urgency={r.urgency} />
            </>
          ),
        },
        {
          title: t('request.content'),
          dataIndex: 'content',
          ellipsis: true,
          render: (v: string, r) => (
            <>
              <span className="muted">
                <ChannelText channel={r.channel} />
                {' · '}
              </span>
              {v}
            </>
          ),
        },
        { title: t('field.department'), dataIndex: 'departmentName', width: 90, render: (v: string | null) => v ?? '—' },
        {
          title: t('request.assignee'),
          dataIndex: 'assigneeName',
          width: 90,
          render: (v: string | null) => v ?? <span className="muted">{t('queue.unassigned')}</span>,
        },
        {
          title: t('request.due'),
          dataIndex: 'nextDueAt',
          width: 160,
          render: (_, r) => <DueText dueAt={r.nextDueAt} now={now} open={r.isOpen} />,
        },
      ]}
    />
  );

  return (
    <div>
      <PageHeader
        title={t('queue.title')}
        sub={<LiveBadge />}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={() => q.refetch()} loading={q.isRefetching && !q.isFetchingNextPage}>
              {t('queue.refresh')}
            </Button>
            {callbacks.data?.pending ? (
              <Badge count={callbacks.data.overdue} size="small">
                <Button icon={<CustomerServiceOutlined />} onClick={() => navigate('/callbacks')} data-testid="queue-callbacks">
                  {t('queue.callbacks', { n: callbacks.data.pending })}
                </Button>
              </Badge>
            ) : null}
            {can('request.create') ? (
              <Button type="primary" icon={<FileAddOutlined />} onClick={() => navigate('/intake')}>
                {t('nav.intake')}
              </Button>
            ) : null}
          </>
        }
      />
      <Tabs
        activeKey={scope}
        onChange={(k) => setParam('scope', k)}
        items={scopes.map((s) => ({ key: s, label: t(`queue.scope.${s}`) }))}
        data-testid="queue-tabs"
      />
      {help.data?.items.length && (scope === 'department' || scope === 'mine') ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="queue-help"
          title={t('queue.help', { n: help.data.items.length })}
          description={
            <Flex vertical gap={4}>
              {help.data.items.map((h) => (
                <span key={h.id}>
                  <Link to={`/requests/${h.requestId}`}>{h.number}</Link> {h.matter} · {t('help.due')}{' '}
                  <DueText dueAt={h.dueAt} now={now} open />
                </span>
              ))}
            </Flex>
          }
        />
      ) : null}
      <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }}>
        <Select
          style={{ width: 130 }}
          value={filters.kind ?? ''}
          onChange={(v: string) => setParam('kind', v || undefined)}
          options={[{ value: '', label: t('queue.allKinds') }, ...KINDS.map((k) => ({ value: k, label: tx(`kind.${k}`, k) }))]}
          aria-label={t('request.kind')}
        />
        <Select
          style={{ width: 130 }}
          value={filters.channel ?? ''}
          onChange={(v: string) => setParam('channel', v || undefined)}
          options={[{ value: '', label: t('queue.allChannels') }, ...CHANNELS.map((c) => ({ value: c, label: tx(`channel.${c}`, c) }))]}
          aria-label={t('request.channel')}
        />
        {multiProject ? (
          <ProjectSelect value={filters.projectId} emptyOption={t('common.allProjects')} onChange={(v) => setParam('projectId', v)} />
        ) : null}
        <span className="inline-switch">
          <Switch
            size="small"
            checked={!!filters.overdue}
            onChange={(on) => setParam('overdue', on ? 'true' : undefined)}
            aria-label={t('queue.overdueOnly')}
            data-testid="queue-overdue"
          />{' '}
          {t('queue.overdueOnly')}
        </span>
      </Flex>
      {q.isError ? <Alert type="error" showIcon title={errorText(q.error, t)} style={{ marginBottom: 12 }} /> : null}
      {list}
      <LoadMore hasMore={!!q.hasNextPage} loading={q.isFetchingNextPage} onLoad={() => q.fetchNextPage()} count={items.length} />
      {items.length > 0 ? (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
          <span className="legend legend-overdue" /> {t('queue.legendOverdue')} <span className="legend legend-soon" />{' '}
          {t('queue.legendSoon')}
        </Typography.Paragraph>
      ) : null}
    </div>
  );
}
