import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Row, Statistic, Table, Typography } from 'antd';
import { api } from '../../app/api';
import { ReportHeader, useReportMonth } from '../../app/components/report-header';
import { formatDateTime } from '../../app/format';
import { errorText } from '../../app/forms';
import { useT } from '../../app/i18n';
import type { CallReport } from '../../app/types';

const percent = (share: number | null) => (share === null ? '—' : `${(share * 100).toFixed(1)}%`);

/** R-IN-6: the month's calls, with the rings-before-answer figure against its target (answer within three rings). */
export default function CallReportPage() {
  const t = useT();
  const selection = useReportMonth();
  const { projectId, month } = selection;
  const report = useQuery({
    queryKey: ['report', 'calls', projectId, month],
    queryFn: () => api.get<CallReport>('/api/reports/calls', { projectId, month }),
    enabled: !!projectId,
  });
  const r = report.data;
  const inc = r?.incoming;
  const figure = (title: string, value: string | number | undefined, testId?: string) => (
    <Col xs={12} md={6}>
      <Card size="small">
        <Statistic title={title} value={value ?? '—'} loading={report.isPending} data-testid={testId} />
      </Card>
    </Col>
  );

  return (
    <div className="report">
      <ReportHeader title={t('callReport.title')} sub={t('callReport.sub')} selection={selection} canPrint={!!r} />
      <h1 className="print-only print-title">{t('callReport.printTitle', { project: r?.projectName ?? '', month })}</h1>
      {report.isError ? <Alert type="error" showIcon title={errorText(report.error, t)} /> : null}
      <Row gutter={[12, 12]}>
        {figure(t('callReport.incoming'), inc?.total)}
        {figure(t('callReport.answered'), inc ? `${inc.answered}（${percent(inc.answeredShare)}）` : undefined)}
        {figure(t('callReport.missed'), inc?.unanswered)}
        {figure(t('callReport.outgoing'), r?.outgoing.total)}
        {figure(t('callReport.avgRings'), inc?.avgRings === null || !inc ? '—' : inc.avgRings.toFixed(1), 'avg-rings')}
        {figure(
          t('callReport.withinTarget', { n: r?.targetRings ?? 3 }),
          inc ? `${inc.withinTarget}（${percent(inc.withinTargetShare)}）` : undefined,
          'within-target',
        )}
        {figure(t('callReport.ringsKnown'), inc?.ringsKnown)}
        {figure(t('callReport.withRequest'), inc?.withRequest)}
      </Row>
      <Table
        className="section print-table"
        rowKey="date"
        size="small"
        loading={report.isPending && !!projectId}
        dataSource={(r?.days ?? []).filter((d) => d.total || d.outgoing)}
        pagination={false}
        scroll={{ x: 600 }}
        locale={{ emptyText: t('callReport.empty') }}
        columns={[
          { title: t('field.date'), dataIndex: 'date' },
          { title: t('callReport.incoming'), dataIndex: 'total', align: 'right' },
          { title: t('callReport.answered'), dataIndex: 'answered', align: 'right' },
          { title: t('callReport.missed'), dataIndex: 'unanswered', align: 'right' },
          { title: t('callReport.withRequest'), dataIndex: 'withRequest', align: 'right' },
          { title: t('callReport.outgoing'), dataIndex: 'outgoing', align: 'right' },
        ]}
      />
      {r ? (
        <Typography.Paragraph type="secondary" className="section">
          {t('callReport.generatedAt', { at: formatDateTime(r.generatedAt) })}
        </Typography.Paragraph>
      ) : null}
    </div>
  );
}
