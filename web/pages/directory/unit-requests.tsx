import { Card, Table } from 'antd';
import { Link } from 'react-router';
import { LoadMore } from '../../app/components/load-more';
import { KindTag, RequestStatusTag } from '../../app/components/request-tags';
import { usePagedList } from '../../app/data';
import { formatDateTime } from '../../app/format';
import { useT } from '../../app/i18n';
import type { RequestSummary } from '../../app/types';

/** What this unit has asked for before: the counter sees a repeat complaint before registering it again. */
export function UnitRequests({ unitId }: { unitId: string }) {
  const t = useT();
  const list = usePagedList<RequestSummary>(['requests', 'unit', unitId], '/api/requests', { unitId, limit: 10 });
  return (
    <Card size="small" title={t('unit.requests')} className="section" data-testid="unit-requests">
      <Table<RequestSummary>
        size="small"
        rowKey="id"
        loading={list.isPending}
        dataSource={list.items}
        pagination={false}
        scroll={{ x: 640 }}
        locale={{ emptyText: t('unit.noRequests') }}
        columns={[
          {
            title: t('request.number'),
            dataIndex: 'number',
            width: 130,
            render: (v: string, r) => (
              <Link to={`/requests/${r.id}`} className="request-number">
                {v}
              </Link>
            ),
          },
          { title: t('request.kind'), dataIndex: 'kind', width: 90, render: (k: string) => <KindTag kind={k} /> },
          {
            title: t('field.status'),
            dataIndex: 'status',
            width: 140,
            render: (_, r) => <RequestStatusTag kind={r.kind} status={r.status} label={r.statusLabel} open={r.isOpen} />,
          },
          { title: t('request.content'), dataIndex: 'content', ellipsis: true },
          { title: t('request.createdAt'), dataIndex: 'createdAt', width: 150, render: (v: number) => formatDateTime(v) },
        ]}
      />
      <LoadMore
        hasMore={!!list.hasNextPage}
        loading={list.isFetchingNextPage}
        onLoad={() => list.fetchNextPage()}
        count={list.items.length}
      />
    </Card>
  );
}
