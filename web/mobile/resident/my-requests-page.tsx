import { RightOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Tag, Typography } from 'antd';
import { Link, useNavigate } from 'react-router';
import { ListStatus, LoadMore } from '../../app/components/load-more';
import { usePagedList } from '../../app/data';
import { formatDateTime } from '../../app/format';
import { useTx } from '../../app/i18n';
import type { RequestSummary } from '../../app/types';
import { residentKeys } from './resident-keys';

export function StatusTag({ r }: { r: Pick<RequestSummary, 'kind' | 'status' | 'statusLabel' | 'isOpen'> }) {
  const { tx } = useTx();
  return (
    <Tag color={r.isOpen ? 'processing' : 'success'} className="wrap-tag" data-testid="status">
      {tx(`status.${r.kind}.${r.status}`, r.statusLabel)}
    </Tag>
  );
}

/** R-RA-1: what the resident reported, and what was registered for their units, newest first. */
export default function MyRequestsPage() {
  const { t, tx } = useTx();
  const navigate = useNavigate();
  const list = usePagedList<RequestSummary>(residentKeys.requests, '/api/requests', { limit: 20 });

  return (
    <div>
      <Flex align="center" justify="space-between">
        <Typography.Title level={4}>{t('residentApp.requests.title')}</Typography.Title>
        <Button type="primary" onClick={() => navigate('/m/report')} data-testid="requests-report">
          {t('residentApp.requests.report')}
        </Button>
      </Flex>
      <ListStatus list={list} empty={t('residentApp.requests.empty')} />
      {list.items.length > 0 ? (
        <>
          <Flex vertical gap={10}>
            {list.items.map((r) => (
              <Link key={r.id} to={`/m/requests/${r.id}`} data-testid="request-card" data-number={r.number}>
                <Card size="small" hoverable>
                  <Flex align="center" justify="space-between" gap={8}>
                    <Typography.Text strong>
                      {tx(`kind.${r.kind}`, r.kind)} · {r.number}
                    </Typography.Text>
                    <StatusTag r={r} />
                  </Flex>
                  <Typography.Paragraph className="ra-card-content" style={{ marginBottom: 4 }}>
                    {r.content}
                  </Typography.Paragraph>
                  <Flex align="center" justify="space-between">
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {[r.unitNumber, t('residentApp.requests.submittedAt', { at: formatDateTime(r.createdAt) })]
                        .filter(Boolean)
                        .join(' · ')}
                    </Typography.Text>
                    <RightOutlined style={{ color: '#bbb' }} />
                  </Flex>
                </Card>
              </Link>
            ))}
          </Flex>
          <LoadMore
            hasMore={!!list.hasNextPage}
            loading={list.isFetchingNextPage}
            onLoad={() => list.fetchNextPage()}
            count={list.items.length}
          />
        </>
      ) : null}
    </div>
  );
}
