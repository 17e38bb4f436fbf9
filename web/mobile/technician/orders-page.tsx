import { ClockCircleOutlined, EnvironmentOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Badge, Button, Card, Empty, Flex, Form, Input, Modal, Skeleton, Tabs, Tag, Typography } from 'antd';
import { type MouseEvent, type ReactNode, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError, api } from '../../app/api';
import { RequestStatusTag, UrgentTag } from '../../app/components/request-tags';
import { keys } from '../../app/data';
import { formatDateTime } from '../../app/format';
import { errorText, useErrorReporter } from '../../app/forms';
import { useT } from '../../app/i18n';
import { isRequestEvent, useLive } from '../../app/live';
import { epochOfLocalInput, localInputOf } from '../../app/repair-detail';
import type { QueuePage, RequestDetail, RequestSummary } from '../../app/types';

type Tab = 'mine' | 'pool';

const mineKey = [...keys.queue, 'technician', 'mine'] as const;
const poolKey = [...keys.queue, 'technician', 'pool'] as const;

/** A visit time to offer first: the next whole hour after an hour from now. */
function defaultVisit(): string {
  const hour = 3_600_000;
  return localInputOf(Math.ceil((Date.now() + hour) / hour) * hour);
}

function OrderCard(props: { r: RequestSummary; appointmentAt?: number | null; extra?: ReactNode; testId: string }) {
  const t = useT();
  const navigate = useNavigate();
  const { r } = props;
  const open = () => navigate(`/w/orders/${r.id}`);
  return (
    <Card
      size="small"
      className={`tech-card${r.overdue ? ' tech-card-overdue' : ''}`}
      data-testid={props.testId}
      data-number={r.number}
      onClick={open}
      role="link"
      tabIndex={0}
      onKeyDown={(e) => {
        if (e.key === 'Enter') open();
      }}
    >
      <Flex justify="space-between" align="center" gap={8} wrap>
        <span className="tech-number">{r.number}</span>
        <span>
          {r.overdue ? (
            <Tag color="error" data-testid="tech-overdue">
              {t('due.overdue')}
            </Tag>
          ) : null}
          <UrgentTag urgency={r.urgency} />
          <RequestStatusTag kind={r.kind} status={r.status} label={r.statusLabel} open={r.isOpen} />
        </span>
      </Flex>
      <div className="tech-card-unit">
        <EnvironmentOutlined /> {[r.projectName, r.unitNumber].filter(Boolean).join(' ')}
        {r.requesterName ? <span className="muted"> · {r.requesterName}</span> : null}
      </div>
      <div className="tech-card-content">{r.content}</div>
      <Flex justify="space-between" align="center" gap={8} wrap>
        <span className={props.appointmentAt ? 'tech-card-time' : 'muted'} data-testid="tech-appointment">
          <ClockCircleOutlined />{' '}
          {props.appointmentAt === undefined
            ? '…'
            : props.appointmentAt
              ? t('tech.visitAt', { at: formatDateTime(props.appointmentAt) })
              : t('tech.noVisitTime')}
        </span>
        {props.extra}
      </Flex>
    </Card>
  );
}

export default function TechOrdersPage() {
  const t = useT();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const report = useErrorReporter();
  const [params, setParams] = useSearchParams();
  const tab: Tab = params.get('tab') === 'pool' ? 'pool' : 'mine';
  const [taking, setTaking] = useState<RequestSummary | null>(null);
  const [visit, setVisit] = useState('');
  const [busy, setBusy] = useState(false);

  const mine = useQuery({
    queryKey: mineKey,
    queryFn: () => api.get<QueuePage>('/api/queue', { scope: 'mine', kind: 'repair', limit: 100 }),
    staleTime: 0,
  });
  const pool = useQuery({
    queryKey: poolKey,
    queryFn: () => api.get<QueuePage>('/api/queue', { scope: 'department', kind: 'repair', limit: 200 }),
    staleTime: 0,
  });
  useLive(isRequestEvent, () => {
    qc.invalidateQueries({ queryKey: keys.queue });
    qc.invalidateQueries({ queryKey: ['request'] });
  });

  const order = (mine.data?.items ?? []).map((r, i) => ({ r, i, at: r.appointmentAt }));
  // Soonest visit first; orders without a time keep the queue's order after them.
  order.sort((a, b) => (a.at ?? Number.POSITIVE_INFINITY) - (b.at ?? Number.POSITIVE_INFINITY) || a.i - b.i);
  const pooled = (pool.data?.items ?? []).filter((r) => r.status === 'pooled');

  const refresh = () => {
    qc.invalidateQueries({ queryKey: keys.queue });
    qc.invalidateQueries({ queryKey: ['request'] });
  };

  const startTake = (r: RequestSummary, e: MouseEvent) => {
    e.stopPropagation();
    setVisit(defaultVisit());
    setTaking(r);
  };

  const take = async () => {
    if (!taking) return;
    const at = epochOfLocalInput(visit);
    if (at === null) {
      message.error(t('tech.visitRequired'));
      return;
    }
    setBusy(true);
    try {
      const fresh = await api.post<RequestDetail>(`/api/requests/${taking.id}/actions/take`, {
        version: taking.version,
        appointmentAt: at,
      });
      qc.setQueryData(keys.request(fresh.id), fresh);
      qc.invalidateQueries({ queryKey: keys.queue });
      message.success(t('tech.taken', { number: fresh.number }));
      setTaking(null);
      navigate(`/w/orders/${fresh.id}`);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 409 || err.status === 422)) {
        // Someone was quicker: the pool shows what is left.
        message.warning(t('tech.takenByOther'));
        setTaking(null);
        qc.invalidateQueries({ queryKey: keys.queue });
      } else {
        report(err);
      }
    } finally {
      setBusy(false);
    }
  };

  const list = (q: typeof mine, items: RequestSummary[], render: (r: RequestSummary) => ReactNode, empty: string) =>
    q.isPending ? (
      <Skeleton active />
    ) : q.isError ? (
      <Alert type="error" showIcon title={errorText(q.error, t)} />
    ) : items.length === 0 ? (
      <Empty description={empty} />
    ) : (
      <Flex vertical gap={10}>
        {items.map(render)}
      </Flex>
    );

  return (
    <div>
      <Flex justify="space-between" align="center">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('tech.myOrders')}
        </Typography.Title>
        <Button icon={<ReloadOutlined />} onClick={refresh} loading={mine.isRefetching || pool.isRefetching} data-testid="tech-refresh">
          {t('queue.refresh')}
        </Button>
      </Flex>
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams(k === 'pool' ? { tab: 'pool' } : {}, { replace: true })}
        items={[
          {
            key: 'mine',
            label: (
              <span data-testid="tech-tab-mine">
                {t('tech.tabMine')} <Badge count={order.length} showZero={false} color="#1668dc" />
              </span>
            ),
            children: list(
              mine,
              order.map((o) => o.r),
              (r) => <OrderCard key={r.id} r={r} appointmentAt={r.appointmentAt} testId="tech-order" />,
              t('tech.noOrders'),
            ),
          },
          {
            key: 'pool',
            label: (
              <span data-testid="tech-tab-pool">
                {t('tech.tabPool')} <Badge count={pooled.length} showZero={false} />
              </span>
            ),
            children: list(
              pool,
              pooled,
              (r) => (
                <OrderCard
                  key={r.id}
                  r={r}
                  appointmentAt={null}
                  testId="tech-pool-order"
                  extra={
                    <Button type="primary" onClick={(e) => startTake(r, e)} data-testid="tech-take">
                      {t('tech.take')}
                    </Button>
                  }
                />
              ),
              t('tech.poolEmpty'),
            ),
          },
        ]}
      />

      <Modal
        title={taking ? t('tech.takeTitle', { number: taking.number }) : ''}
        open={taking !== null}
        onCancel={() => setTaking(null)}
        onOk={take}
        okText={t('tech.take')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        destroyOnHidden
        data-testid="tech-take-modal"
      >
        <Typography.Paragraph type="secondary">{t('tech.takeHint')}</Typography.Paragraph>
        <Form layout="vertical">
          <Form.Item label={t('tech.visitTime')} required>
            <Input
              type="datetime-local"
              value={visit}
              min={localInputOf(Date.now())}
              onChange={(e) => setVisit(e.target.value)}
              size="large"
              data-testid="tech-take-time"
            />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
