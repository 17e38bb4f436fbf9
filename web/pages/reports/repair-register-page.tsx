import { FileExcelOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Empty, Flex, Segmented, Table, type TableColumnsType, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router';
import type { z } from 'zod';
import type * as Rr from '../../../server/domains/repairs/reports.schema.ts';
import { api, withQuery } from '../../app/api';
import { ReportHeader, useReportMonth } from '../../app/components/report-header';
import { formatDateTime, formatYuan } from '../../app/format';
import { errorText } from '../../app/forms';
import { useTx } from '../../app/i18n';

type Register = (typeof Rr.REGISTERS)[number];
type RegisterReport = z.infer<typeof Rr.RegisterOut>;
type Row = RegisterReport['rows'][number];

const when = (ms: number | null) => (ms === null ? '' : formatDateTime(ms));
/** Two facts in one register cell, one per line: 派工时间/上门时间, 同意时间/方式, 签字/时间. */
const twoLines = (a: string, b: string) => (
  <>
    {a || '—'}
    <br />
    {b || '—'}
  </>
);

/**
 * R-RP-2: the two registers of the month, 业主报修登记表 (free) and 业主报修有偿服务登记表 (paid),
 * on screen, printed, or downloaded as Excel.
 */
export default function RepairRegisterPage() {
  const { t, tx } = useTx();
  const selection = useReportMonth();
  const { projectId, month } = selection;
  const [params, setParams] = useSearchParams();
  const register: Register = params.get('register') === 'paid' ? 'paid' : 'free';
  const setRegister = (v: Register) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        next.set('register', v);
        return next;
      },
      { replace: true },
    );
  const report = useQuery({
    queryKey: ['report', 'repair-register', projectId, month, register],
    queryFn: () => api.get<RegisterReport>('/api/reports/repair-register', { projectId, month, register }),
    enabled: !!projectId,
  });
  const r = report.data;
  const paid = register === 'paid';
  const registerName = t(paid ? 'repairReport.register.paid' : 'repairReport.register.free');
  const xlsxHref = projectId ? withQuery('/api/reports/repair-register.xlsx', { projectId, month, register }) : undefined;

  const money = (key: 'quotedFen' | 'materialsFen' | 'labourFen' | 'feeCollectedFen', title: string) => ({
    title,
    dataIndex: key,
    align: 'right' as const,
    width: 90,
    render: (v: number | null) => (v === null ? '—' : formatYuan(v)),
  });

  const columns: TableColumnsType<Row> = [
    { title: t('repairReport.col.seq'), dataIndex: 'seq', width: 56, align: 'right' },
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
    { title: t('repairReport.col.reportedAt'), dataIndex: 'reportedAt', width: 130, render: when },
    { title: t('repairReport.col.unit'), dataIndex: 'unit', width: 100 },
    { title: t('repairReport.col.requester'), dataIndex: 'requesterName', width: 80 },
    { title: t('repairReport.col.phone'), dataIndex: 'requesterPhone', width: 120 },
    { title: t('repairReport.col.content'), dataIndex: 'content', width: 200 },
    { title: t('repairReport.col.category'), dataIndex: 'category', width: 130, render: (v: string | null) => v ?? '—' },
    { title: t('repairReport.col.preferredTime'), dataIndex: 'preferredTime', width: 110 },
    ...(paid
      ? [
          { title: t('repairReport.col.priceItem'), dataIndex: 'priceItem', width: 120, render: (v: string | null) => v ?? '—' },
          money('quotedFen', t('repairReport.col.quoted')),
          {
            title: t('repairReport.col.agreed'),
            key: 'agreed',
            width: 130,
            render: (_: unknown, row: Row) => twoLines(when(row.agreedAt), row.agreedVia ?? ''),
          },
        ]
      : []),
    {
      title: t('repairReport.col.dispatch'),
      key: 'dispatch',
      width: 130,
      render: (_: unknown, row) => twoLines(when(row.dispatchedAt), when(row.appointmentAt)),
    },
    { title: t('repairReport.col.technician'), dataIndex: 'technician', width: 80, render: (v: string | null) => v ?? '—' },
    { title: t('repairReport.col.completedAt'), dataIndex: 'completedAt', width: 130, render: when },
    { title: t('repairReport.col.findings'), dataIndex: 'findings', width: 160 },
    ...(paid
      ? [
          money('materialsFen', t('repairReport.col.materials')),
          money('labourFen', t('repairReport.col.labour')),
          money('feeCollectedFen', t('repairReport.col.collected')),
        ]
      : []),
    {
      title: t('repairReport.col.signature'),
      key: 'signature',
      width: 130,
      render: (_: unknown, row) => twoLines(t(row.signed ? 'repairReport.signed' : 'repairReport.unsigned'), when(row.signedAt)),
    },
    { title: t('repairReport.col.confirmedAt'), dataIndex: 'confirmedAt', width: 130, render: when },
    { title: t('repairReport.col.callback'), dataIndex: 'callbackResult', width: 160 },
    {
      title: t('field.status'),
      dataIndex: 'statusLabel',
      width: 120,
      render: (v: string, row) => tx(`status.repair.${row.status}`, v),
    },
  ];

  return (
    <div className="report">
      <ReportHeader
        title={t('repairReport.register.title')}
        sub={t('repairReport.register.sub')}
        selection={selection}
        canPrint={!!r}
        printTestId="print"
      />
      <Flex className="no-print section" gap={8} wrap align="center">
        <Segmented<Register>
          value={register}
          onChange={setRegister}
          options={[
            { value: 'free', label: t('repairReport.register.free') },
            { value: 'paid', label: t('repairReport.register.paid') },
          ]}
          data-testid="register"
        />
        <Button icon={<FileExcelOutlined />} href={xlsxHref} download disabled={!r} data-testid="excel">
          {t('repairReport.excel')}
        </Button>
      </Flex>
      <h1 className="print-only print-title">
        {t('repairReport.register.printTitle', { project: r?.projectName ?? '', register: registerName, month })}
      </h1>
      {report.isError ? <Alert type="error" showIcon title={errorText(report.error, t)} /> : null}
      <Table<Row>
        className="section print-table"
        rowKey="id"
        size="small"
        bordered
        loading={report.isPending && !!projectId}
        dataSource={r?.rows}
        pagination={false}
        scroll={{ x: paid ? 2400 : 1900 }}
        locale={{ emptyText: <Empty description={t('repairReport.register.empty')} /> }}
        columns={columns}
        summary={() =>
          r?.rows.length ? (
            <Table.Summary.Row>
              {columns.map((c, i) => {
                const key = 'dataIndex' in c ? String(c.dataIndex) : '';
                const fen = key in r.totals && key !== 'count' ? r.totals[key as keyof typeof r.totals] : undefined;
                return (
                  <Table.Summary.Cell key={key || String(c.key ?? i)} index={i} align={fen !== undefined ? 'right' : undefined}>
                    {i === 0 ? (
                      <strong>{t('repairReport.total')}</strong>
                    ) : i === 1 ? (
                      t('repairReport.count', { n: r.totals.count })
                    ) : fen !== undefined ? (
                      <strong>{formatYuan(fen)}</strong>
                    ) : null}
                  </Table.Summary.Cell>
                );
              })}
            </Table.Summary.Row>
          ) : null
        }
      />
      <Typography.Paragraph type="secondary" className="section no-print">
        {t('repairReport.register.note')}
      </Typography.Paragraph>
    </div>
  );
}
