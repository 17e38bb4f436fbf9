import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Empty, Row, Statistic, Table, Tag } from 'antd';
import { Link } from 'react-router';
import { api } from '../../app/api';
import { ReportHeader, useReportMonth } from '../../app/components/report-header';
import { formatDateTime } from '../../app/format';
import { errorText } from '../../app/forms';
import { useTx } from '../../app/i18n';
import type { SuggestionReport } from '../../app/types';

/** R-SR-2: the month's suggestions, counted by category, with handling and reply, for the monthly report. */
export default function SuggestionsReportPage() {
  const { t, tx } = useTx();
  const selection = useReportMonth();
  const { projects, projectId, month } = selection;
  const projectName = projects.data?.find((p) => p.id === projectId)?.name ?? '';
  const report = useQuery({
    queryKey: ['report', 'suggestions', projectId, month],
    queryFn: () => api.get<SuggestionReport>('/api/reports/suggestions', { projectId, month }),
    enabled: !!projectId,
  });
  const r = report.data;
  const categories = Object.entries(r?.byCategory ?? {}).sort((a, b) => b[1] - a[1]);

  return (
    <div className="report">
      <ReportHeader title={t('suggestions.title')} sub={t('suggestions.sub')} selection={selection} canPrint={!!r} printTestId="print" />
      <h1 className="print-only print-title">{t('suggestions.printTitle', { project: projectName, month })}</h1>
      {report.isError ? <Alert type="error" showIcon title={errorText(report.error, t)} /> : null}
      <Row gutter={[12, 12]} className="report-figures">
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('suggestions.total')} value={r?.total ?? 0} loading={report.isPending} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('suggestions.replied')} value={r?.replied ?? 0} loading={report.isPending} />
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card size="small" title={t('suggestions.byCategory')}>
            {categories.length ? (
              categories.map(([name, n]) => (
                <Tag key={name} className="category-count">
                  {name} <strong>{n}</strong>
                </Tag>
              ))
            ) : (
              <span className="muted">—</span>
            )}
          </Card>
        </Col>
      </Row>
      <Table
        className="section print-table"
        rowKey="id"
        size="small"
        loading={report.isPending && !!projectId}
        dataSource={r?.items}
        pagination={false}
        scroll={{ x: 900 }}
        locale={{ emptyText: <Empty description={t('suggestions.empty')} /> }}
        columns={[
          {
            title: t('request.number'),
            dataIndex: 'number',
            width: 130,
            render: (v: string, row) => (
              <Link to={`/requests/${row.id}`} className="request-number">
                {v}
              </Link>
            ),
          },
          { title: t('request.category'), dataIndex: 'category', width: 110, render: (v: string | null) => v ?? '—' },
          { title: t('request.content'), dataIndex: 'content' },
          { title: t('request.requester'), dataIndex: 'requesterName', width: 90 },
          { title: t('reqfield.handling'), dataIndex: 'handling' },
          {
            title: t('reqfield.reply'),
            dataIndex: 'reply',
            render: (v: string, row) => (v ? `${v}（${formatDateTime(row.repliedAt)}）` : '—'),
          },
          {
            title: t('field.status'),
            dataIndex: 'statusLabel',
            width: 110,
            render: (v: string, row) => tx(`status.suggestion.${row.status}`, v),
          },
        ]}
      />
      <p className="print-only print-footer">{t('suggestions.printedAt', { at: formatDateTime(Date.now()) })}</p>
    </div>
  );
}
