import { FileExcelOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Drawer, Empty, Flex, Grid, Row, Statistic, Table, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { Link } from 'react-router';
import type { z } from 'zod';
import type * as Rr from '../../../server/domains/repairs/reports.schema.ts';
import { api, withQuery } from '../../app/api';
import { ReportHeader, useReportMonth } from '../../app/components/report-header';
import { formatDateTime, formatYuan } from '../../app/format';
import { errorText } from '../../app/forms';
import { type MessageKey, useTx } from '../../app/i18n';

type Summary = z.infer<typeof Rr.RepairSummary>;
type Orders = z.infer<typeof Rr.OrdersOut>;
type Figure = (typeof Rr.FIGURES)[number];
type CategoryRow = Summary['byCategory'][number];

/** Printed, the clickable numbers read as the plain numbers of a paper report. */
const PRINT_CSS = '@media print { .repair-report a.ant-typography { color: inherit; font-size: inherit; } }';

const percent = (rate: number | null | undefined) => (rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`);

/** What a drill-down shows: one figure, for the whole month or one category. */
interface Drill {
  figure: Figure;
  categoryId?: string;
  categoryName?: string;
}

/** The server's marker for "no category" in the drill-down query. */
const NO_CATEGORY = 'none';

/**
 * R-RP-9: the month's repairs of one project. Every number opens the orders behind it, so a
 * figure can be checked order by order; the workbook holds the same figures for filing.
 */
export default function RepairSummaryPage() {
  const { t, tx } = useTx();
  const selection = useReportMonth();
  const { projectId, month } = selection;
  const [drill, setDrill] = useState<Drill | null>(null);
  const report = useQuery({
    queryKey: ['report', 'repairs', projectId, month],
    queryFn: () => api.get<Summary>('/api/reports/repairs', { projectId, month }),
    enabled: !!projectId,
  });
  const r = report.data;

  /** A count that opens its list; zero stays plain text, there is nothing to open. */
  const open = (n: number | undefined, d: Drill, testId?: string): ReactNode =>
    n ? (
      // A link, not a button: printed, it reads as plain text.
      <Typography.Link style={{ fontSize: 'inherit' }} onClick={() => setDrill(d)} data-testid={testId}>
        {n}
      </Typography.Link>
    ) : (
      <span data-testid={testId}>{n ?? 0}</span>
    );

  const card = (title: string, value: ReactNode, extra?: ReactNode) => (
    <Col xs={12} md={8} xl={4}>
      <Card size="small">
        <Statistic title={title} value={0} loading={report.isPending && !!projectId} valueRender={() => value} />
        {extra ? <Typography.Text type="secondary">{extra}</Typography.Text> : null}
      </Card>
    </Col>
  );

  const byCategory = (key: keyof CategoryRow, figure: Figure) => ({
    dataIndex: key,
    align: 'right' as const,
    width: 90,
    render: (n: number, row: CategoryRow) =>
      open(
        n,
        { figure, categoryId: row.categoryId ?? NO_CATEGORY, categoryName: row.name },
        `cat-${figure}-${row.categoryId ?? NO_CATEGORY}`,
      ),
  });

  const xlsxHref = projectId ? withQuery('/api/reports/repairs.xlsx', { projectId, month }) : undefined;

  return (
    <div className="report repair-report">
      <style href="repair-report-print" precedence="default">
        {PRINT_CSS}
      </style>
      <ReportHeader title={t('repairReport.title')} sub={t('repairReport.sub')} selection={selection} canPrint={!!r} printTestId="print" />
      <Flex className="no-print section" gap={8} wrap>
        <Button icon={<FileExcelOutlined />} href={xlsxHref} download disabled={!r} data-testid="excel">
          {t('repairReport.excel')}
        </Button>
      </Flex>
      <h1 className="print-only print-title">{t('repairReport.printTitle', { project: r?.projectName ?? '', month })}</h1>
      {report.isError ? <Alert type="error" showIcon title={errorText(report.error, t)} /> : null}
      <Row gutter={[12, 12]} className="report-figures section">
        {card(t('repairReport.reported'), open(r?.total, { figure: 'reported' }, 'fig-reported'))}
        {card(t('repairReport.completed'), open(r?.completed, { figure: 'completed' }, 'fig-completed'))}
        {card(
          t('repairReport.onTimeRate'),
          <span data-testid="fig-on-time-rate">{percent(r?.onTime.rate)}</span>,
          <>
            {t('repairReport.onTime')} {open(r?.onTime.met, { figure: 'on_time' }, 'fig-on_time')} · {t('repairReport.late')}{' '}
            {open(r?.onTime.late, { figure: 'late' }, 'fig-late')}
          </>,
        )}
        {card(
          t('repairReport.reworkRate'),
          <span data-testid="fig-rework-rate">{percent(r?.rework.rate)}</span>,
          <>
            {t('repairReport.rework')} {open(r?.rework.reworks, { figure: 'rework' }, 'fig-rework')} · {t('repairReport.completed')}{' '}
            {open(r?.rework.completed, { figure: 'completed' })}
          </>,
        )}
        {card(
          t('repairReport.satisfaction'),
          <span data-testid="fig-satisfaction">{percent(r?.callbacks.satisfactionRate)}</span>,
          <>
            {t('repairReport.callbacks')} {open(r?.callbacks.done, { figure: 'callbacks' }, 'fig-callbacks')} ·{' '}
            {t('repairReport.dissatisfied')} {open(r?.callbacks.dissatisfied, { figure: 'dissatisfied' }, 'fig-dissatisfied')} ·{' '}
            {t('repairReport.unreachable')} {r?.callbacks.unreachable ?? 0}
          </>,
        )}
        {card(
          t('repairReport.paidRevenue'),
          <span data-testid="fig-revenue">{r ? formatYuan(r.paid.revenueFen) : '—'}</span>,
          <>
            {t('repairReport.paidOrders')} {open(r?.paid.orders, { figure: 'paid' }, 'fig-paid')}
          </>,
        )}
      </Row>

      <Typography.Title level={5} className="section">
        {t('repairReport.byCategory')}
      </Typography.Title>
      <Table<CategoryRow>
        className="print-table"
        rowKey={(c) => c.categoryId ?? NO_CATEGORY}
        size="small"
        loading={report.isPending && !!projectId}
        dataSource={r?.byCategory}
        pagination={false}
        scroll={{ x: 700 }}
        locale={{ emptyText: <Empty description={t('repairReport.empty')} /> }}
        columns={[
          { title: t('repairReport.category'), dataIndex: 'name' },
          { title: t('repairReport.reported'), ...byCategory('reported', 'reported') },
          { title: t('repairReport.completed'), ...byCategory('completed', 'completed') },
          { title: t('repairReport.onTime'), ...byCategory('onTime', 'on_time') },
          { title: t('repairReport.late'), ...byCategory('late', 'late') },
          { title: t('repairReport.rework'), ...byCategory('rework', 'rework') },
          {
            title: t('repairReport.paidRevenue'),
            dataIndex: 'paidRevenueFen',
            align: 'right',
            width: 130,
            render: (fen: number, row) =>
              fen ? (
                <Typography.Link
                  style={{ fontSize: 'inherit' }}
                  onClick={() => setDrill({ figure: 'paid', categoryId: row.categoryId ?? NO_CATEGORY, categoryName: row.name })}
                >
                  {formatYuan(fen)}
                </Typography.Link>
              ) : (
                formatYuan(0)
              ),
          },
        ]}
        summary={(rows) =>
          rows.length ? (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0}>
                <strong>{t('repairReport.total')}</strong>
              </Table.Summary.Cell>
              {(['reported', 'completed', 'onTime', 'late', 'rework'] as const).map((k, i) => (
                <Table.Summary.Cell key={k} index={i + 1} align="right">
                  <strong>{rows.reduce((s, c) => s + c[k], 0)}</strong>
                </Table.Summary.Cell>
              ))}
              <Table.Summary.Cell index={6} align="right">
                <strong>{formatYuan(rows.reduce((s, c) => s + c.paidRevenueFen, 0))}</strong>
              </Table.Summary.Cell>
            </Table.Summary.Row>
          ) : null
        }
      />
      <Typography.Paragraph type="secondary" className="section">
        {t('repairReport.definitions')}
      </Typography.Paragraph>
      {r ? (
        <Typography.Paragraph type="secondary" className="print-footer">
          {t('repairReport.generatedAt', { at: formatDateTime(r.generatedAt) })}
        </Typography.Paragraph>
      ) : null}
      {drill && projectId ? (
        <OrdersDrawer projectId={projectId} month={month} drill={drill} onClose={() => setDrill(null)} tx={tx} t={t} />
      ) : null}
    </div>
  );
}

function OrdersDrawer(props: {
  projectId: string;
  month: string;
  drill: Drill;
  onClose: () => void;
  t: ReturnType<typeof useTx>['t'];
  tx: ReturnType<typeof useTx>['tx'];
}) {
  const { projectId, month, drill, t, tx } = props;
  const screens = Grid.useBreakpoint();
  const orders = useQuery({
    queryKey: ['report', 'repairs', 'orders', projectId, month, drill.figure, drill.categoryId ?? ''],
    queryFn: () => api.get<Orders>('/api/reports/repairs/orders', { projectId, month, figure: drill.figure, categoryId: drill.categoryId }),
  });
  const o = orders.data;
  const byCallback = drill.figure === 'callbacks' || drill.figure === 'dissatisfied';
  const figureLabel = t(`repairReport.figure.${drill.figure}` as MessageKey);
  const title = drill.categoryName ? `${figureLabel} · ${drill.categoryName}` : figureLabel;
  type Item = Orders['items'][number];
  return (
    <Drawer
      open
      title={o ? t('repairReport.orders', { figure: title, n: o.items.length }) : title}
      onClose={props.onClose}
      size={screens.md ? 860 : '100%'}
      destroyOnHidden
      data-testid="orders-drawer"
    >
      {orders.isError ? <Alert type="error" showIcon title={errorText(orders.error, t)} /> : null}
      {o?.truncated ? <Alert type="info" showIcon title={t('repairReport.truncated', { n: o.items.length })} className="section" /> : null}
      <Table<Item>
        rowKey={(row, i) => (byCallback ? `${row.id}-${i}` : row.id)}
        size="small"
        loading={orders.isPending}
        dataSource={o?.items}
        pagination={false}
        scroll={{ x: 900 }}
        locale={{ emptyText: <Empty description={t('repairReport.ordersEmpty')} /> }}
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
          { title: t('repairReport.col.unit'), dataIndex: 'unit', width: 110 },
          { title: t('repairReport.col.requester'), dataIndex: 'requesterName', width: 90 },
          { title: t('repairReport.col.category'), dataIndex: 'category', width: 150, render: (v: string | null) => v ?? '—' },
          {
            title: t('field.status'),
            dataIndex: 'statusLabel',
            width: 130,
            render: (v: string, row) => tx(`status.repair.${row.status}`, v),
          },
          ...(byCallback
            ? [
                {
                  title: t('repairReport.callbackAt'),
                  key: 'callbackAt',
                  width: 140,
                  render: (_: unknown, row: Item) => formatDateTime(row.callback?.doneAt),
                },
                {
                  title: t('repairReport.col.callback'),
                  key: 'callback',
                  render: (_: unknown, row: Item) => {
                    const c = row.callback;
                    if (!c) return '—';
                    const result = c.satisfaction
                      ? tx(`repairReport.satisfaction.${c.satisfaction}`, c.satisfaction)
                      : c.outcome
                        ? tx(`repairReport.outcome.${c.outcome}`, c.outcome)
                        : '';
                    return c.note ? `${result}：${c.note}` : result;
                  },
                },
              ]
            : [
                {
                  title: t('repairReport.col.reportedAt'),
                  dataIndex: 'createdAt',
                  width: 140,
                  render: (v: number) => formatDateTime(v),
                },
                {
                  title: t('repairReport.col.completedAt'),
                  dataIndex: 'completedAt',
                  width: 140,
                  render: (v: number | null) => formatDateTime(v) || '—',
                },
                {
                  title: t('repairReport.col.collected'),
                  dataIndex: 'feeCollectedFen',
                  align: 'right' as const,
                  width: 90,
                  render: (v: number, row: Item) => (row.paid ? formatYuan(v) : '—'),
                },
              ]),
        ]}
      />
    </Drawer>
  );
}
