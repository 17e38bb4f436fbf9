import { useInfiniteQuery } from '@tanstack/react-query';
import { Alert, Card, Descriptions, Empty, Flex, Skeleton } from 'antd';
import { Link } from 'react-router';
import { api } from '../../app/api';
import { LoadMore } from '../../app/components/load-more';
import { PageHeader } from '../../app/components/page-header';
import { formatDateTime } from '../../app/format';
import { errorText } from '../../app/forms';
import { useT } from '../../app/i18n';
import type { Page } from '../../app/types';

interface CorrectiveReport {
  requestId: string;
  number: string;
  projectName: string;
  content: string;
  cause: string;
  preventive: string;
  report: string;
  publishedAt: number;
}

/** R-CP-10: the corrective action reports of significant complaints, announced to every member of staff. */
export default function CorrectiveReportsPage() {
  const t = useT();
  const q = useInfiniteQuery({
    queryKey: ['corrective-reports'],
    queryFn: ({ pageParam }) => api.get<Page<CorrectiveReport>>('/api/corrective-reports', { limit: 20, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div>
      <PageHeader title={t('corrective.title')} sub={t('corrective.sub')} />
      {q.isError ? <Alert type="error" showIcon title={errorText(q.error, t)} /> : null}
      {q.isPending ? (
        <Skeleton active />
      ) : items.length === 0 ? (
        <Empty description={t('corrective.empty')} />
      ) : (
        <Flex vertical gap={12} data-testid="corrective-list">
          {items.map((r) => (
            <Card
              key={r.requestId}
              size="small"
              data-testid="corrective-item"
              title={
                <span>
                  <Link to={`/requests/${r.requestId}`}>{r.number}</Link> {r.projectName}
                </span>
              }
              extra={<span className="muted">{formatDateTime(r.publishedAt)}</span>}
            >
              <Descriptions
                size="small"
                column={1}
                items={[
                  { key: 'c', label: t('corrective.complaint'), children: <span className="pre-wrap">{r.content}</span> },
                  { key: 'cause', label: t('corrective.cause'), children: <span className="pre-wrap">{r.cause || '—'}</span> },
                  { key: 'p', label: t('corrective.preventive'), children: <span className="pre-wrap">{r.preventive || '—'}</span> },
                  { key: 'r', label: t('corrective.report'), children: <span className="pre-wrap">{r.report}</span> },
                ]}
              />
            </Card>
          ))}
        </Flex>
      )}
      <LoadMore hasMore={!!q.hasNextPage} loading={q.isFetchingNextPage} onLoad={() => q.fetchNextPage()} count={items.length} />
    </div>
  );
}
